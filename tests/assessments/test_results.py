"""Session results: scores, gains, Hake's g, pass shares, objectives, surveys, and the page.

The known data set is in ``results_data`` (pre-test: 10 copies; post-test: 9 copies, P09 and P10
absent on the last day, P11 there only then). Expected values, computed by hand:

    participant  pre %   post %   gain    normalised gain
    P01          100     100       0      undefined (100 % before)
    P02           75     100     +25      25/25   = 1.0
    P03           75      87.5   +12.5    12.5/25 = 0.5
    P04           62.5    75     +12.5    12.5/37.5 = 0.333
    P05           62.5    87.5   +25      25/37.5   = 0.667
    P06           62.5    75     +12.5    0.333
    P07           62.5    75     +12.5    0.333
    P08           50      75     +25      25/50 = 0.5
    P09           50      —
    P10           25      —
    P11           —       50

Pre-test: mean 625/10 = 62.5 %; 3 of 10 reach 70 % (30 %).
Post-test: mean 725/9 = 80.556 %; 8 of 9 reach 70 % (88.9 %).
Matched (P01-P08): means 550/8 = 68.75 % and 675/8 = 84.375 %; mean gain 15.625 points;
Hake's gain (class averages) = (84.375 − 68.75) / (100 − 68.75) = 15.625 / 31.25 = 0.5.
(On every copy it would be (80.556 − 62.5) / 37.5 = 0.481: absentees would count.)
Mean individual normalised gain: (1 + 0.5 + 1/3 + 2/3 + 1/3 + 1/3 + 0.5) / 7 = 3.667 / 7 = 0.524
(P01, at 100 % before, has none): another figure, under another name.
Objectives of the pre-test: OBJ-A (Q1, Q2) (0.6 + 0.4) / 2 = 50 %; OBJ-B (Q3, Q4)
(1.0 + 0.5) / 2 = 75 %.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from kalan.assessments import services
from kalan.assessments.models import Test as AssessmentTest
from kalan.assessments.selectors import session_results
from kalan.core.models import User
from kalan.workshops.models import Enrollment, Session
from tests.assessments.results_data import (
    KNOWN_PRE,
    build_test,
    content,
    known_session,
    participants,
    send_copy,
    start_copy,
)
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def percents(values: list[float | None]) -> list[float | None]:
    return [None if v is None else pytest.approx(v) for v in values]  # type: ignore[misc]


def test_per_participant_pre_post_gain_and_normalised_gain(sevare_session: Session) -> None:
    known_session(sevare_session)
    results = session_results(session=sevare_session)
    rows = results.participants
    assert [r.enrollment.person.last_name for r in rows] == [f"P{n:02d}" for n in range(1, 12)]
    assert [r.pre for r in rows] == percents(
        [100, 75, 75, 62.5, 62.5, 62.5, 62.5, 50, 50, 25, None]
    )
    assert [r.post for r in rows] == percents(
        [100, 100, 87.5, 75, 87.5, 75, 75, 75, None, None, 50]
    )
    assert [r.gain for r in rows] == percents(
        [0, 25, 12.5, 12.5, 25, 12.5, 12.5, 25, None, None, None]
    )
    assert [r.normalised_gain for r in rows] == percents(
        [None, 1.0, 0.5, 1 / 3, 2 / 3, 1 / 3, 1 / 3, 0.5, None, None, None]
    )
    assert [r.pre_passed for r in rows] == [True, True, True] + [False] * 7 + [None]
    assert [r.post_passed for r in rows] == [True] * 8 + [None, None, False]


def test_session_means_hake_gain_on_matched_participants_and_pass_shares(
    sevare_session: Session,
) -> None:
    known_session(sevare_session)
    results = session_results(session=sevare_session)
    assert results.pre is not None
    assert results.post is not None
    assert results.pre.copies == 10
    assert results.post.copies == 9
    assert results.pre.mean_percent == pytest.approx(62.5)
    assert results.post.mean_percent == pytest.approx(725 / 9)
    assert results.pre.passed == 3
    assert results.pre.pass_share == pytest.approx(0.3)
    assert results.post.passed == 8
    assert results.post.pass_share == pytest.approx(8 / 9)
    assert len(results.matched) == 8
    assert results.matched_mean_pre == pytest.approx(68.75)
    assert results.matched_mean_post == pytest.approx(84.375)
    assert results.mean_gain == pytest.approx(15.625)
    assert results.hake_gain == pytest.approx(0.5)
    # Not the gain of all copies' means, where the absent would count.
    assert results.hake_gain != pytest.approx((725 / 9 - 62.5) / 37.5)
    assert results.mean_normalised_gain == pytest.approx((11 / 3) / 7)


def test_objectives_come_weakest_first(sevare_session: Session) -> None:
    known_session(sevare_session, post=False)
    objectives = session_results(session=sevare_session).pre.objectives  # type: ignore[union-attr]
    assert [(o.code, o.questions) for o in objectives] == [("OBJ-A", 2), ("OBJ-B", 2)]
    assert [o.percent for o in objectives] == percents([50, 75])


def test_objectives_are_named_from_the_curriculum(sevare_session: Session) -> None:
    from kalan.assessments.models import CurriculumObjective

    CurriculumObjective.objects.create(code="OBJ-A", text="Garanties de la garde à vue")
    known_session(sevare_session, post=False)
    objectives = session_results(session=sevare_session).pre.objectives  # type: ignore[union-attr]
    assert [o.text for o in objectives] == ["Garanties de la garde à vue", ""]


def test_partial_credit_as_the_test_defines_it_flows_into_results(sevare_session: Session) -> None:
    known_session(sevare_session, post=False)
    q4 = session_results(session=sevare_session).pre.questions[3]  # type: ignore[union-attr]
    # Four participants ticked only A of A and C: half a point each.
    assert q4.difficulty == pytest.approx((3 * 1 + 4 * 0.5) / 10)


def test_all_or_nothing_scoring_gives_no_half_points(sevare_session: Session) -> None:
    test = build_test(sevare_session, scoring=AssessmentTest.Scoring.ALL_OR_NOTHING)
    for enrollment, points in zip(participants(sevare_session, 10), KNOWN_PRE, strict=True):
        send_copy(test, enrollment, points)
    results = session_results(session=sevare_session).pre
    assert results is not None
    # Q4's half points are now 0: 3 of 10 right; totals 4,3,3,2,2,2,2,2,2,1 = 23 of 40.
    assert results.questions[3].difficulty == pytest.approx(0.3)
    assert results.mean_percent == pytest.approx(57.5)
    assert [o.percent for o in results.objectives] == percents([50, 65])


def test_only_sent_copies_count_and_the_others_are_still_answering(
    sevare_session: Session,
) -> None:
    pre, _post, people = known_session(sevare_session, post=False)
    submission = start_copy(pre, people[10])
    services.answer_save(
        submission=submission, question=pre.questions.order_by("order")[0], choices=["B"]
    )
    results = session_results(session=sevare_session)
    assert results.pre is not None
    assert results.pre.turnout.expected == 11
    assert results.pre.turnout.copies == 10
    assert results.pre.turnout.answering == 1
    assert results.pre.turnout.not_started == 0
    assert results.pre.mean_percent == pytest.approx(62.5)
    assert results.participants[10].pre is None
    assert results.participants[10].pre_answering is True


def test_unanswered_questions_score_nothing(sevare_session: Session) -> None:
    test = build_test(sevare_session)
    [enrollment] = participants(sevare_session, 1)
    send_copy(test, enrollment, [1, None, None, 0.5])
    results = session_results(session=sevare_session).pre
    assert results is not None
    assert results.percents[enrollment.pk] == pytest.approx(37.5)
    assert [q.blank for q in results.questions] == [0, 1, 1, 0]


def test_withdrawn_participants_are_not_waited_for_and_facilitators_not_listed(
    sevare_session: Session,
) -> None:
    people = participants(sevare_session, 3)
    people[0].status = Enrollment.Status.WITHDRAWN
    people[0].save()
    EnrollmentFactory(session=sevare_session, role=Enrollment.Role.FACILITATOR)
    build_test(sevare_session)
    results = session_results(session=sevare_session)
    assert results.pre is not None
    assert results.pre.turnout.expected == 2
    assert [r.enrollment for r in results.participants] == people[1:]


def test_a_test_without_copies_has_no_numbers_yet(sevare_session: Session) -> None:
    participants(sevare_session, 2)
    build_test(sevare_session)
    results = session_results(session=sevare_session)
    assert results.pre is not None
    assert results.pre.mean_percent is None
    assert results.pre.pass_share is None
    assert results.hake_gain is None
    assert [q.difficulty for q in results.pre.questions] == [None] * 4


def survey(session: Session) -> AssessmentTest:
    rating = content("rating", objective="", text="Êtes-vous satisfait(e) ?")
    rating["choices"] = []
    length = content("rating", objective="", text="La durée était-elle adaptée ?")
    length["choices"] = []
    remark = content("open", objective="", text="Que faudrait-il améliorer ?")
    remark["choices"] = []
    return build_test(
        session, kind=AssessmentTest.Kind.SURVEY, contents=[rating, length, remark], pass_mark=0
    )


def answer_survey(
    test: AssessmentTest, enrollment: Enrollment, ratings: list[int | None], text: str
) -> None:
    submission = start_copy(test, enrollment)
    questions = list(test.questions.order_by("order"))
    for question, rating in zip(questions, ratings, strict=False):
        if rating is not None:
            services.answer_save(submission=submission, question=question, rating=rating)
    services.answer_save(submission=submission, question=questions[2], text=text)
    services.submission_submit(submission=submission)


def test_survey_aggregates_per_rating_item_and_open_answers(sevare_session: Session) -> None:
    test = survey(sevare_session)
    people = participants(sevare_session, 5)
    answer_survey(test, people[0], [5, 3], "Plus de cas pratiques")
    answer_survey(test, people[1], [4, None], "")
    answer_survey(test, people[2], [4, 2], "  ")
    answer_survey(test, people[3], [2, 4], "<b>Plus de temps</b>")
    start_copy(test, people[4])  # still answering: not counted
    results = session_results(session=sevare_session).survey
    assert results is not None
    assert results.copies == 4
    assert results.turnout.answering == 1
    satisfied, length = results.ratings
    assert satisfied.count == 4
    assert satisfied.mean == pytest.approx(3.75)
    assert satisfied.distribution == [(1, 0), (2, 1), (3, 0), (4, 2), (5, 1)]
    assert length.count == 3
    assert length.mean == pytest.approx(3.0)
    assert results.mean_rating == pytest.approx((15 + 9) / 7)
    [remarks] = results.open_questions
    assert remarks.answers == ["Plus de cas pratiques", "<b>Plus de temps</b>"]


def test_session_results_read_a_fixed_number_of_queries(
    sevare_session: Session, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    known_session(sevare_session)
    survey(sevare_session)
    with django_assert_max_num_queries(6):
        small = session_results(session=sevare_session)
    pre = AssessmentTest.objects.get(session=sevare_session, kind="pre")
    for enrollment in participants(sevare_session, 20, start=20):
        send_copy(pre, enrollment, [1, 0, 1, 0.5])
    with django_assert_max_num_queries(6):
        large = session_results(session=sevare_session)
    assert large.pre is not None
    assert small.pre is not None
    assert large.pre.copies == small.pre.copies + 20


# The page -------------------------------------------------------------------------------------


def results_url(test: AssessmentTest) -> str:
    return reverse("test_results", kwargs={"uid": test.uid})


def test_the_page_shows_summary_objectives_missed_questions_items_and_participants(
    sevare_session: Session, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    pre, _post, _people = known_session(sevare_session)
    response = client_for(programme_officer).get(results_url(pre))
    assert response.status_code == 200
    page = response.content.decode()
    assert gains_shown(page)["Gain de Hake (moyennes du groupe)"][0] == "0,50"
    assert "62,5\u00a0%" in page  # the pre-test mean
    assert "30,0\u00a0%" in page  # reach the pass mark before
    assert page.index("OBJ-A") < page.index("OBJ-B")  # weakest first
    assert "Qui autorise la prolongation ?" in page  # the most missed question
    assert "Discrimination négative" in page
    assert "Trop facile" in page
    assert "P11" in page
    assert response.context["outcome"].copies == 10


def gains_shown(page: str) -> dict[str, tuple[str, str]]:
    """The gains of the page: name -> (value, the definition printed beside it)."""
    found = re.search(r'<dl class="facts gains" id="gains">(.*?)</dl>', page, re.S)
    assert found, "no gains on the page"
    pairs = re.findall(
        r'<dt id="[\w-]+">([^<]+)</dt><dd><strong>([^<]+)</strong> <span class="muted small">'
        r"([^<]+)</span></dd>",
        found[1],
    )
    return {name: (value, definition) for name, value, definition in pairs}


def test_the_page_names_each_gain_beside_its_value_and_definition(
    sevare_session: Session, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    pre, _post, _people = known_session(sevare_session)
    page = client_for(programme_officer).get(results_url(pre)).content.decode()

    gains = gains_shown(page)

    assert list(gains) == ["Gain de Hake (moyennes du groupe)", "Gain normalisé individuel moyen"]
    hake, hake_definition = gains["Gain de Hake (moyennes du groupe)"]
    individual, individual_definition = gains["Gain normalisé individuel moyen"]
    assert (hake, individual) == ("0,50", "0,52")
    assert "moyenne au post-test − moyenne au pré-test" in hake_definition
    assert "68,8\u00a0% → 84,4\u00a0%" in hake_definition  # the means it is computed on
    assert "des 8 participants" in hake_definition
    assert "(post − pré) / (100 − pré)" in individual_definition
    assert "des 7 participants" in individual_definition  # P01 had nothing left to gain
    # The old names, which said « gain normalisé » of both, are gone.
    assert "Gain normalisé (Hake)" not in page
    assert "g = " not in page
    assert "Gain normalisé</th>" not in page
    assert "Gain normalisé individuel</th>" in page


def test_the_page_refreshes_itself_while_the_test_is_open(
    sevare_session: Session, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    pre = build_test(sevare_session)
    client = client_for(programme_officer)
    page = client.get(results_url(pre)).content.decode()
    assert 'hx-trigger="every 5s"' in page
    assert "?partial=body" in page
    assert '<noscript><meta http-equiv="refresh"' in page
    services.test_close(test=pre)
    page = client.get(results_url(pre)).content.decode()
    assert "hx-trigger" not in page
    assert "http-equiv" not in page


def test_the_polled_partial_is_the_body_alone_with_the_copies_so_far(
    sevare_session: Session, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    pre = build_test(sevare_session)
    [enrollment] = participants(sevare_session, 1)
    client = client_for(programme_officer)
    partial = client.get(results_url(pre) + "?partial=body", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="results-body"')
    assert "<html" not in body
    assert 'id="results-copies">0<' in body
    send_copy(pre, enrollment, [1, 1, 1, 1])
    body = client.get(
        results_url(pre) + "?partial=body", headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="results-copies">1<' in body


def test_the_survey_page_shows_aggregates_and_escapes_open_answers(
    sevare_session: Session, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    test = survey(sevare_session)
    people = participants(sevare_session, 2)
    answer_survey(test, people[0], [5, 3], "<script>alert(1)</script>")
    answer_survey(test, people[1], [4, 4], "Plus de cas pratiques")
    response = client_for(programme_officer).get(results_url(test))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Êtes-vous satisfait(e) ?" in page
    assert "4,5" in page  # mean of 5 and 4
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "Plus de cas pratiques" in page


def test_the_page_runs_a_fixed_number_of_queries(
    sevare_session: Session, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    pre, _post, _people = known_session(sevare_session)
    client = client_for(programme_officer)
    client.get(results_url(pre))  # warm up: session, user, organisation
    with CaptureQueriesContext(connection) as small:
        client.get(results_url(pre))
    for enrollment in participants(sevare_session, 15, start=30):
        send_copy(pre, enrollment, [1, 0, 1, 1])
    with CaptureQueriesContext(connection) as large:
        assert client.get(results_url(pre)).status_code == 200
    assert len(large) == len(small)
    assert len(large) <= 15  # 12 for the page, 3 to save the session (idle expiry pushed back)


def test_an_unknown_test_is_not_found(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    url = reverse("test_results", kwargs={"uid": "00000000-0000-0000-0000-000000000000"})
    assert client_for(programme_officer).get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(sevare_session: Session) -> None:
    pre = build_test(sevare_session)
    response = Client().get(results_url(pre))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
