"""The follow-up's rows under a merge of two persons, and its undo (kalan.relays.merge)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Model
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from kalan.core.errors import KalanError
from kalan.core.models import AuditEntry
from kalan.people.merge import person_merge, person_merge_preview, person_merge_undo
from kalan.people.models import Person
from kalan.relays.models import (
    CallAttempt,
    Commitment,
    Departure,
    RelayCode,
    Respondent,
    Response,
    Restitution,
    Round,
)
from kalan.relays.phone import SESSION_KEY, relay_current
from kalan.relays.selectors import relays_of_workshop
from kalan.relays.services import relay_code_for
from kalan.workshops.models import Enrollment, Session, Workshop
from tests.factories import PersonFactory, SessionFactory
from tests.relays.factories import (
    CallAttemptFactory,
    CommitmentFactory,
    DepartureFactory,
    RespondentFactory,
    ResponseFactory,
    RestitutionFactory,
    RoundFactory,
    RoundQuestionFactory,
    relay,
)

pytestmark = pytest.mark.django_db

MODELS: tuple[type[Model], ...] = (
    Commitment,
    Restitution,
    Respondent,
    CallAttempt,
    Response,
    RelayCode,
    Departure,
)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the follow-up, without ``updated_at`` (a merge and its undo are changes)."""
    found = {}
    for model in MODELS:
        names = [f.attname for f in model._meta.concrete_fields if f.name != "updated_at"]
        found[model.__name__] = list(model._base_manager.order_by("pk").values_list(*names))
    return found


@dataclass
class Pair:
    kept: Person
    merged: Person
    ours: Enrollment  # kept's, in the session both attended
    theirs: Enrollment  # merged's, superseded by the merge
    first: Round
    second: Round


@pytest.fixture
def pair(sevare_session: Session, workshop: Workshop) -> Pair:
    ours = relay(sevare_session, last_name="Coulibaly", service_number="")
    theirs = relay(sevare_session, last_name="Koulibaly", service_number="")
    first = RoundFactory(workshop=workshop, number=1, months=1)
    second = RoundFactory(workshop=workshop, number=2, months=3)
    return Pair(ours.person, theirs.person, ours, theirs, first, second)


def merge(pair: Pair) -> Any:
    return person_merge(kept=pair.kept, merged=pair.merged, by=None)


def test_rows_of_an_enrollment_that_moves_to_kept_go_with_it_untouched(workshop: Workshop) -> None:
    kept = PersonFactory(service_number="")
    segou = relay(SessionFactory(workshop=workshop), service_number="")
    commitment = CommitmentFactory(enrollment=segou)
    restitution = RestitutionFactory(enrollment=segou)
    respondent = RespondentFactory(round=RoundFactory(workshop=workshop), enrollment=segou)
    code = relay_code_for(enrollment=segou)
    before = snapshot()
    result = person_merge(kept=kept, merged=segou.person, by=None)
    assert Enrollment.objects.get(pk=segou.pk).person == kept
    assert snapshot() == before  # same rows, same enrollment
    assert "relays" not in result.details
    for row in (commitment, restitution, respondent, code):
        row.refresh_from_db()
        assert row.enrollment_id == segou.pk


def test_in_a_shared_session_merged_rows_move_to_kept_enrollment(pair: Pair) -> None:
    restitutions = [RestitutionFactory(enrollment=pair.theirs) for _ in range(2)]
    commitment = CommitmentFactory(enrollment=pair.theirs)
    respondent = RespondentFactory(round=pair.first, enrollment=pair.theirs)
    attempt = CallAttemptFactory(respondent=respondent)
    answer = ResponseFactory(respondent=respondent, question=RoundQuestionFactory(round=pair.first))
    code = relay_code_for(enrollment=pair.theirs)
    departure = DepartureFactory(person=pair.merged, reason=Departure.Reason.LEFT)

    result = merge(pair)

    for row in (*restitutions, commitment, respondent, code):
        row.refresh_from_db()
        assert row.enrollment_id == pair.ours.pk
    attempt.refresh_from_db()
    answer.refresh_from_db()
    assert (attempt.respondent_id, answer.respondent_id) == (respondent.pk, respondent.pk)
    departure.refresh_from_db()
    assert departure.person == pair.kept
    # The relay counts once, with everything merged's record held.
    assert list(relays_of_workshop(workshop=pair.ours.session.workshop)) == [pair.ours]
    record = result.details["relays"]
    assert sorted(r[0] for r in record["restitutions"]) == sorted(r.pk for r in restitutions)
    assert record["commitments"] == [[commitment.pk, pair.theirs.pk, pair.ours.pk]]
    assert record["respondents"] == [[respondent.pk, pair.theirs.pk, pair.ours.pk]]
    assert record["codes"] == [[code.pk, pair.theirs.pk, pair.ours.pk]]
    assert record["departure"] == [departure.pk, pair.merged.pk, pair.kept.pk]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.MERGE).first()
    assert entry is not None
    assert (entry.detail["restitutions_moved"], entry.detail["commitments_moved"]) == (2, 1)
    assert (entry.detail["followups_moved"], entry.detail["relay_codes_moved"]) == (1, 1)
    assert entry.detail["departures_moved"] == 1


def test_where_kept_holds_one_already_both_stay_and_the_preview_says_so(pair: Pair) -> None:
    ours_commitment = CommitmentFactory(enrollment=pair.ours, people_planned=12)
    theirs_commitment = CommitmentFactory(enrollment=pair.theirs, people_planned=30)
    ours_first = RespondentFactory(round=pair.first, enrollment=pair.ours)
    theirs_first = RespondentFactory(round=pair.first, enrollment=pair.theirs)
    theirs_second = RespondentFactory(round=pair.second, enrollment=pair.theirs)
    ours_code = relay_code_for(enrollment=pair.ours)
    theirs_code = relay_code_for(enrollment=pair.theirs)
    ours_departure = DepartureFactory(person=pair.kept, reason=Departure.Reason.TRANSFERRED)
    theirs_departure = DepartureFactory(person=pair.merged, reason=Departure.Reason.LEFT)

    lines = person_merge_preview(kept=pair.kept, merged=pair.merged)
    text = "\n".join(lines)
    assert "ont chacun pris un engagement" in text and "seul celui de COULIBALY" in text
    assert "Tour 1 (+1 mois) : COULIBALY" in text and "sur la liste d’appel" in text
    assert "le suivi de KOULIBALY" in text and "(1 tour, appels et réponses compris)" in text
    assert "ont chacun un code personnel de relais" in text
    assert "la sortie de COULIBALY" in text and "muté hors de portée du suivi" in text

    result = merge(pair)

    places = {
        row: type(row)._base_manager.get(pk=row.pk).enrollment_id
        for row in (ours_commitment, theirs_commitment, ours_first, theirs_first, theirs_second)
    }
    assert places[ours_commitment] == pair.ours.pk
    assert places[theirs_commitment] == pair.theirs.pk
    assert (places[ours_first], places[theirs_first]) == (pair.ours.pk, pair.theirs.pk)
    assert places[theirs_second] == pair.ours.pk  # kept had no row in round 2
    ours_code.refresh_from_db()
    theirs_code.refresh_from_db()
    assert (ours_code.enrollment, theirs_code.enrollment) == (pair.ours, pair.theirs)
    ours_departure.refresh_from_db()
    theirs_departure.refresh_from_db()
    assert (ours_departure.person, theirs_departure.person) == (pair.kept, pair.merged)
    kept_both = result.details["relays"]["kept_both"]
    assert kept_both["commitments"] == [[theirs_commitment.pk, ours_commitment.pk]]
    assert kept_both["respondents"] == [[theirs_first.pk, ours_first.pk]]
    assert kept_both["codes"] == [[theirs_code.pk, ours_code.pk]]
    assert kept_both["departure"] == [theirs_departure.pk, ours_departure.pk]


def test_the_code_merged_was_given_still_opens_the_kept_relay_page(pair: Pair) -> None:
    relay_code_for(enrollment=pair.ours)
    old = relay_code_for(enrollment=pair.theirs)
    merge(pair)
    # The phone page looks the code up, remembers its enrollment, then resolves it.
    found = RelayCode.objects.select_related("enrollment").get(code=old.code)
    request = HttpRequest()
    request.session = SessionStore()
    request.session[SESSION_KEY] = found.enrollment_id
    assert found.enrollment_id == pair.theirs.pk
    assert relay_current(request) == pair.ours


def test_the_code_merged_was_given_still_signs_in_on_the_phone_page(
    pair: Pair, client: Client
) -> None:
    relay_code_for(enrollment=pair.ours)
    old = relay_code_for(enrollment=pair.theirs)
    merge(pair)
    response = client.post(reverse("relay_join"), {"code": old.code})
    assert response.status_code == 302 and response["Location"] == reverse("relay_home")
    assert client.get(reverse("relay_home")).status_code == 200
    request = HttpRequest()
    request.session = client.session
    assert relay_current(request) == pair.ours


def test_the_preview_names_what_moves_and_changes_nothing(pair: Pair) -> None:
    RestitutionFactory(enrollment=pair.theirs)
    RestitutionFactory(enrollment=pair.theirs)
    CommitmentFactory(enrollment=pair.theirs)
    DepartureFactory(person=pair.merged, reason=Departure.Reason.LEFT)
    before = snapshot()
    text = "\n".join(person_merge_preview(kept=pair.kept, merged=pair.merged))
    assert "les 2 restitutions déclarées par KOULIBALY" in text
    assert "l’engagement de KOULIBALY" in text and "passe à COULIBALY" in text
    assert "a quitté le service" in text
    assert snapshot() == before


def test_the_undo_puts_every_row_back_where_it_was(pair: Pair) -> None:
    RestitutionFactory(enrollment=pair.theirs)
    RestitutionFactory(enrollment=pair.ours)
    CommitmentFactory(enrollment=pair.theirs)
    CommitmentFactory(enrollment=pair.ours)
    respondent = RespondentFactory(round=pair.first, enrollment=pair.theirs)
    CallAttemptFactory(respondent=respondent, outcome=CallAttempt.Outcome.REACHED)
    RespondentFactory(round=pair.second, enrollment=pair.theirs)
    RespondentFactory(round=pair.second, enrollment=pair.ours)
    relay_code_for(enrollment=pair.theirs)
    DepartureFactory(person=pair.merged)
    before = snapshot()
    result = merge(pair)
    assert snapshot() != before
    person_merge_undo(merge=result, by=None)
    assert snapshot() == before


def test_a_restitution_deleted_since_stays_deleted_and_the_rest_goes_back(pair: Pair) -> None:
    deleted, kept = (RestitutionFactory(enrollment=pair.theirs) for _ in range(2))
    departure = DepartureFactory(person=pair.merged)
    result = merge(pair)
    Restitution.objects.filter(pk=deleted.pk).delete()  # a duplicate, deleted by staff
    Departure.objects.filter(pk=departure.pk).delete()  # marked by mistake, cleared
    person_merge_undo(merge=result, by=None)
    assert Restitution.objects.get(pk=kept.pk).enrollment == pair.theirs
    assert not Restitution.objects.filter(pk=deleted.pk).exists()
    assert not Departure.objects.exists()
    assert Person.all_objects.get(pk=pair.merged.pk).merged_into is None


def test_the_undo_is_refused_when_a_moved_restitution_sits_elsewhere_now(pair: Pair) -> None:
    restitution = RestitutionFactory(enrollment=pair.theirs)
    result = merge(pair)
    Restitution.objects.filter(pk=restitution.pk).update(enrollment=relay())
    with pytest.raises(KalanError) as error:
        person_merge_undo(merge=result, by=None)
    assert error.value.code == "merge_changed_since"
    assert "restitutions" in str(error.value)
    assert Person.all_objects.get(pk=pair.merged.pk).merged_into == pair.kept


def test_the_undo_is_refused_when_merged_has_a_departure_again(pair: Pair) -> None:
    DepartureFactory(person=pair.merged)
    result = merge(pair)
    DepartureFactory(person=pair.merged, reason=Departure.Reason.DECEASED)
    with pytest.raises(KalanError) as error:
        person_merge_undo(merge=result, by=None)
    assert error.value.code == "merge_changed_since"


def test_the_undo_is_refused_when_the_call_list_row_cannot_go_back(pair: Pair) -> None:
    respondent = RespondentFactory(round=pair.first, enrollment=pair.theirs)
    result = merge(pair)
    # Someone put the (superseded) enrollment back on round 1's list meanwhile.
    Respondent.objects.create(round=pair.first, enrollment=pair.theirs)
    with pytest.raises(KalanError):
        person_merge_undo(merge=result, by=None)
    respondent.refresh_from_db()
    assert respondent.enrollment == pair.ours
