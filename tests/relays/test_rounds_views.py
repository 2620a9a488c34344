import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kalan.core.models import User
from kalan.people.models import Person
from kalan.relays.bank import followup_bank_load
from kalan.relays.models import CallAttempt, Respondent, Response, Round, Source
from kalan.relays.services_calls import call_record, respondent_claim, responses_save
from kalan.reports.figures import Scope
from kalan.reports.figures_followup import followup
from kalan.workshops.models import Attendance, Enrollment, Session
from tests.factories import SessionFactory, UserFactory, WorkshopFactory
from tests.relays.builders_rounds import opened_round, question, relays_in, respondents
from tests.relays.factories import CommitmentFactory, DepartureFactory, RestitutionFactory

pytestmark = pytest.mark.django_db
Clients = Callable[[User], Client]


def _calls_url(round: Round, **query: str) -> str:
    url = reverse("round_calls", kwargs={"uid": round.uid})
    return f"{url}?voir={query['voir']}" if query else url


def _call_url(respondent: Respondent) -> str:
    return reverse("round_call", kwargs={"uid": respondent.round.uid, "pk": respondent.pk})


def _followup_url(pk: int) -> str:
    return reverse("workshop_followup", kwargs={"pk": pk})


def _many_relays(session: Session, n: int) -> None:
    persons = Person.objects.bulk_create(
        Person(last_name=f"Diarra{k:04d}", first_names="Oumar", sex="M", phone=f"+223 6{k:07d}")
        for k in range(n)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(session=session, person=p, code=f"{k:06d}") for k, p in enumerate(persons)
    )
    Attendance.objects.bulk_create(
        Attendance(enrollment=e, day=session.start_date, half="day") for e in enrollments
    )


def test_the_workshop_page_plans_opens_and_closes_rounds(
    sevare_session: Session, monitoring_officer: User, client_for: Clients
) -> None:
    relays_in(sevare_session, 3)
    followup_bank_load()
    client = client_for(monitoring_officer)
    workshop = sevare_session.workshop
    page = client.get(_followup_url(workshop.pk))
    assert page.status_code == 200
    assert "Aucun tour de suivi prévu" in page.content.decode()
    assert reverse("workshop_restitutions", kwargs={"pk": workshop.pk}) in page.content.decode()
    assert reverse("session_commitments", kwargs={"uid": sevare_session.uid}) in (
        page.content.decode()
    )
    wrong = client.post(reverse("rounds_plan", kwargs={"pk": workshop.pk}), {"months": "0"})
    assert wrong.status_code == 400 and "nombres entiers de 1 à 60" in wrong.content.decode()
    client.post(reverse("rounds_plan", kwargs={"pk": workshop.pk}), {"months": "1, 3; 6"})
    first = Round.objects.get(workshop=workshop, number=1)
    assert list(Round.objects.values_list("months", flat=True).order_by("number")) == [1, 3, 6]
    opened = client.post(reverse("round_open", kwargs={"uid": first.uid}), follow=True)
    assert "3 relais ajoutés à la liste d’appel." in opened.content.decode()
    assert Respondent.objects.filter(round=first).count() == 3
    closed = client.post(reverse("round_close", kwargs={"uid": first.uid}), follow=True)
    assert "Tour de suivi clos." in closed.content.decode()


def test_the_call_list_shows_each_status_and_sorts_due_calls_first(
    sevare_session: Session, monitoring_officer: User, client_for: Clients
) -> None:
    round = opened_round(sevare_session, n=5)
    answered, departed, later, in_call, due = respondents(round)
    responses_save(
        respondent=answered,
        answers={question(round, "RESTITUTION_DONE").pk: "yes"},
        via="phone",
        by=None,
    )
    DepartureFactory(person=departed.enrollment.person, since=dt.date(2023, 1, 5), reason="left")
    call_record(
        respondent=later,
        by=monitoring_officer,
        outcome="no_answer",
        next_call_on=timezone.localdate() + dt.timedelta(days=3),
    )
    other = UserFactory(username="kadidia", first_name="Kadidia", last_name="Sangaré")
    respondent_claim(respondent=in_call, by=other)
    client = client_for(monitoring_officer)
    page = client.get(_calls_url(round, voir="all")).content.decode()
    order = [page.index(f'id="r{r.pk}"') for r in (due, in_call, later, answered, departed)]
    assert order == sorted(order)
    assert "Appel en cours par Kadidia Sangaré" in page
    assert "Sorti du suivi (a quitté le service)" in page
    assert "Répondu" in page and "À rappeler plus tard" in page and "pas de réponse" in page
    assert due.enrollment.person.phone in page  # the M&E officer sees contacts
    today = client.get(_calls_url(round, voir="today")).content.decode()
    assert f'id="r{due.pk}"' in today and f'id="r{later.pk}"' not in today
    assert f'id="r{answered.pk}"' not in today
    only = client.get(_calls_url(round, voir="answered")).content.decode()
    assert f'id="r{answered.pk}"' in only and f'id="r{due.pk}"' not in only


@pytest.mark.parametrize("n", [40, 400])
def test_the_call_list_runs_the_same_queries_for_40_or_400_officers(
    n: int,
    monitoring_officer: User,
    client_for: Clients,
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    session = SessionFactory(workshop=WorkshopFactory())
    _many_relays(session, n)
    round = opened_round(session, n=0, by=monitoring_officer)
    for respondent in respondents(round)[:10]:
        call_record(respondent=respondent, by=monitoring_officer, outcome="no_answer")
    client = client_for(monitoring_officer)
    client.get(_calls_url(round))  # warm the session and the caches
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(_calls_url(round, voir="all"))
    assert response.content.decode().count('<tr id="r') == n


def test_the_index_runs_the_same_queries_for_two_or_eight_workshops(
    monitoring_officer: User,
    client_for: Clients,
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    client = client_for(monitoring_officer)
    for count in (2, 8):
        while Round.objects.count() < count:
            session = SessionFactory(workshop=WorkshopFactory())
            opened_round(session, n=2, by=monitoring_officer)
            CommitmentFactory(
                enrollment=respondents(Round.objects.order_by("pk").last())[0].enrollment
            )
        client.get(reverse("relays_index"))
        with django_assert_max_num_queries(14):  # type: ignore[operator]
            page = client.get(reverse("relays_index"))
        assert page.content.decode().count("+1 mois") == count


def test_the_index_counts_relays_commitments_restitutions_and_answers(
    sevare_session: Session, monitoring_officer: User, client_for: Clients
) -> None:
    round = opened_round(sevare_session, n=3)
    first, second, third = respondents(round)
    CommitmentFactory(enrollment=first.enrollment)
    RestitutionFactory(enrollment=first.enrollment)
    RestitutionFactory(enrollment=second.enrollment)
    RestitutionFactory(enrollment=second.enrollment)
    responses_save(
        respondent=first,
        answers={question(round, "RESTITUTION_DONE").pk: "yes"},
        via="phone",
        by=None,
    )
    DepartureFactory(person=third.enrollment.person, since=dt.date(2023, 1, 5))
    page = client_for(monitoring_officer).get(reverse("relays_index")).content.decode()
    cells = [c.strip() for c in page.split('<td class="num">')[1:4]]
    assert [c.split("<")[0] for c in cells] == ["3", "1", "3"]
    assert "1/2 réponses" in page  # the departed officer is out of the denominator


def test_opening_a_call_claims_it_and_a_second_caller_sees_who_has_it(
    sevare_session: Session, monitoring_officer: User, client_for: Clients
) -> None:
    [respondent] = respondents(opened_round(sevare_session, n=1))
    client = client_for(monitoring_officer)
    page = client.get(_call_url(respondent)).content.decode()
    assert respondent.enrollment.person.phone in page
    assert "Noter l’appel" in page
    respondent.refresh_from_db()
    assert respondent.claimed_by == monitoring_officer
    other = UserFactory(username="bintou", role="monitoring", first_name="Bintou", last_name="Koné")
    second = client_for(other).get(_call_url(respondent)).content.decode()
    assert "Appel en cours par" in second and monitoring_officer.get_full_name() in second
    assert "Noter l’appel" not in second


def test_a_call_reached_then_answered_goes_back_to_the_list_at_the_next_to_call(
    sevare_session: Session, monitoring_officer: User, client_for: Clients
) -> None:
    round = opened_round(sevare_session, n=2)
    first, following = respondents(round)
    client = client_for(monitoring_officer)
    client.get(_call_url(first))
    reached = client.post(_call_url(first), {"action": "attempt", "outcome": "reached"})
    assert reached.status_code == 302 and reached["Location"].endswith("#questionnaire")
    page = client.get(_call_url(first)).content.decode()
    assert "Questionnaire" in page and f'name="q{question(round, "PERSONS_REACHED").pk}"' in page
    answers = {
        "action": "answers",
        f"q{question(round, 'RESTITUTION_DONE').pk}": "yes",
        f"q{question(round, 'PERSONS_REACHED').pk}": "-4",
    }
    wrong = client.post(_call_url(first), answers)
    assert wrong.status_code == 400 and "entre 0 et 100000" in wrong.content.decode()
    assert 'value="yes" checked' in wrong.content.decode()  # nothing typed is lost
    answers[f"q{question(round, 'PERSONS_REACHED').pk}"] = "12"
    done = client.post(_call_url(first), answers)
    assert done.status_code == 302
    assert done["Location"] == f"{_calls_url(round)}?voir=today#r{following.pk}"
    assert Response.objects.filter(respondent=first).count() == 12
    again = client.post(_call_url(first), answers)
    assert "Ce questionnaire a déjà été rempli le" in again.content.decode()
    assert Response.objects.filter(respondent=first).count() == 12


def test_an_attempt_with_a_past_date_is_refused_in_french(
    sevare_session: Session, monitoring_officer: User, client_for: Clients
) -> None:
    [respondent] = respondents(opened_round(sevare_session, n=1))
    client = client_for(monitoring_officer)
    response = client.post(
        _call_url(respondent),
        {"action": "attempt", "outcome": "no_answer", "next_call_on": "2020-01-01"},
    )
    assert response.status_code == 400
    assert "La date de rappel ne peut pas être dans le passé." in response.content.decode()
    assert not CallAttempt.objects.exists()


def test_a_trainer_reads_the_list_of_their_session_only_and_cannot_call(
    sevare_session: Session, trainer: User, client_for: Clients
) -> None:
    sevare_session.trainers.add(trainer)
    round = opened_round(sevare_session, n=2)
    elsewhere = opened_round(SessionFactory(), n=1)
    client = client_for(trainer)
    assert client.get(_calls_url(round)).status_code == 200
    assert client.get(_calls_url(elsewhere)).status_code == 404
    [first, _second] = respondents(round)
    page = client.get(_call_url(first)).content.decode()
    assert "Noter l’appel" not in page
    first.refresh_from_db()
    assert first.claimed_by is None  # reading is not calling
    refused = client.post(_call_url(first), {"action": "attempt", "outcome": "reached"})
    assert refused.status_code == 403


def test_the_workshop_page_links_to_the_follow_up_for_those_who_see_relays(
    sevare_session: Session,
    monitoring_officer: User,
    finance_officer: User,
    client_for: Clients,
) -> None:
    url = reverse("workshop_detail", kwargs={"pk": sevare_session.workshop.pk})
    link = reverse("workshop_followup", kwargs={"pk": sevare_session.workshop.pk})
    assert link in client_for(monitoring_officer).get(url).content.decode()
    assert link not in client_for(finance_officer).get(url).content.decode()
    assert 'href="/relais/"' in client_for(monitoring_officer).get(url).content.decode()


def test_the_list_counts_answers_over_the_officers_still_followed_as_the_figures_do(
    sevare_session: Session, monitoring_officer: User, client_for: Clients
) -> None:
    round = opened_round(sevare_session, n=4)
    answered_then_left, left, answered, _waiting = respondents(round)
    for respondent in (answered_then_left, answered):
        Respondent.objects.filter(pk=respondent.pk).update(
            answered_at=timezone.now(), answered_via=Source.CALL
        )
    for respondent in (answered_then_left, left):
        DepartureFactory(person=respondent.enrollment.person, since=sevare_session.end_date)
    page = client_for(monitoring_officer).get(
        reverse("round_calls", kwargs={"uid": round.uid}) + "?voir=all"
    )
    html = page.content.decode()
    # Four listed, two out of the follow-up: one answer over the two still followed.
    assert '<span class="num" id="count-answered">1 / 2</span>' in html
    assert '<span class="num" id="count-departed">1</span>' in html
    found = followup(scope=Scope(workshop_id=sevare_session.workshop_id))
    assert (found.rounds[0].answered, found.rounds[0].respondents) == (1, 2)
