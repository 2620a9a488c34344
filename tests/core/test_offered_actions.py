"""A page offers a role only what the role may do, and a refused htmx click says why.

Every address a page links to, posts to or asks with htmx is resolved to its view, and the view's
capabilities (``kalan.core.roles.requires``) are checked against the user's: a button the role
would be refused (« Accès refusé ») is a bug of the page, not of the role.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from kalan.assessments import services as assessments
from kalan.assessments.models import Test
from kalan.core.models import User
from kalan.finance.models import BudgetLine, Expense
from kalan.workshops.models import Enrollment, Session
from tests.assessments.builders import small_bank
from tests.factories import AttendanceFactory, EnrollmentFactory, FundingFactory, PartnerFactory
from tests.workshops.clicks import attendance_click

ROLES = [
    "administrator",
    "programme_officer",
    "trainer",
    "monitoring_officer",
    "finance_officer",
    "communication_officer",
]
ADDRESS = re.compile(r'\b(?:href|action|hx-get|hx-post)="([^"]*)"')


@pytest.fixture
def enrollment(sevare_session: Session, trainer: User) -> Enrollment:
    """The Sévaré session, its trainer, one participant present on the first day, two tests."""
    sevare_session.trainers.add(trainer)
    enrollment = EnrollmentFactory(session=sevare_session)
    AttendanceFactory(enrollment=enrollment, day=dt.date(2022, 11, 8))
    questions = assessments.bank_questions_for(objective_codes=[o.code for o in small_bank()])
    for kind in (Test.Kind.PRE, Test.Kind.POST):
        assessments.test_create(
            session=sevare_session, kind=kind, title=str(kind), questions=questions
        )
    return enrollment


def _pages(enrollment: Enrollment, user: User) -> list[str]:
    session = enrollment.session
    pages = [
        reverse("home"),
        reverse("plan_list"),
        reverse("axis_detail", kwargs={"pk": session.workshop.axis.pk}),
        reverse("workshop_list"),
        reverse("workshop_detail", kwargs={"pk": session.workshop.pk}),
        reverse("session_detail", kwargs={"uid": session.uid}),
    ]
    if user.has_perm("kalan.view_relays"):
        pages.append(reverse("workshop_restitutions", kwargs={"pk": session.workshop.pk}))
        pages += [
            reverse("relays_index"),
            reverse("workshop_followup", kwargs={"pk": session.workshop.pk}),
        ]
    if user.has_perm("kalan.view_persons"):
        pages += [
            reverse("person_list"),
            reverse("person_detail", kwargs={"uid": enrollment.person.uid}),
        ]
    if user.has_perm("kalan.issue_field_kits"):
        pages.append(reverse("field_return_list"))
    if user.has_perm("kalan.write_correspondence"):
        pages += [
            reverse("session_letters", kwargs={"uid": session.uid}),
            reverse("session_mission_orders", kwargs={"uid": session.uid}),
        ]
    if user.has_perm("kalan.manage_reference"):
        pages.append(reverse("addressee_list"))
    if user.has_perm("kalan.view_budget"):
        _budget_with_an_expense(session)
        pages += [
            reverse(name, kwargs={"pk": session.workshop.pk})
            for name in ("workshop_budget", "workshop_expenses", "workshop_funds")
        ]
        # The financial report of every funder, refused here (the venue line's variance is not
        # explained): its link to the budget is offered to who may write the explanation only.
        pages.append(
            f"{reverse('financial_report')}?bailleur=&du=2022-01-01&au=2022-12-31&langue=fr"
        )
    return pages


def _budget_with_an_expense(session: Session) -> None:
    """A line and an unchecked expense, so that the budget's pages show their buttons."""
    if Expense.objects.filter(workshop=session.workshop).exists():
        return
    partner = PartnerFactory(name="EUCAP Sahel Mali", acronym="EUCAP")
    FundingFactory(workshop=session.workshop, partner=partner)
    BudgetLine.objects.create(
        workshop=session.workshop, category="venue", partner=partner, planned=300_000
    )
    expense = Expense(
        workshop=session.workshop,
        category="venue",
        partner=partner,
        amount=1_000,
        spent_on=session.start_date,
        description="Salle",
        receipt="finance/receipts/piece.pdf",  # the pages name it, never read it
    )
    expense.save()


def _addresses(html: str) -> set[str]:
    """The paths of the project a page links to, posts to or asks with htmx."""
    found = set()
    for address in ADDRESS.findall(html):
        path = urlsplit(address.replace("&amp;", "&")).path
        if path.startswith("/") and not path.startswith("/static/"):
            found.add(path)
    return found


def _refused(user: User, path: str) -> bool:
    try:
        view = resolve(path).func
    except Resolver404:
        return True  # a dead link is refused to everyone
    if not getattr(view, "login_required", True):
        return False
    capabilities = getattr(view, "kalan_capabilities", None)
    if capabilities is None:
        return True  # kalan.core.middleware.CapabilityMiddleware closes it
    return bool(capabilities) and not any(
        user.has_perm(f"kalan.{capability}") for capability in capabilities
    )


@pytest.mark.parametrize("who", ROLES)
def test_each_page_offers_a_role_only_what_the_role_may_open(
    who: str,
    request: pytest.FixtureRequest,
    client_for: Callable[[User], Client],
    enrollment: Enrollment,
) -> None:
    user: User = request.getfixturevalue(who)
    client = client_for(user)

    refused = {}
    for page in _pages(enrollment, user):
        response = client.get(page)
        assert response.status_code == 200, page
        paths = _addresses(response.content.decode())
        assert paths, page
        refused[page] = sorted(path for path in paths if _refused(user, path))

    assert refused == {page: [] for page in refused}


def test_the_check_would_see_a_button_the_role_is_refused(
    finance_officer: User, enrollment: Enrollment
) -> None:
    edit = reverse("session_edit", kwargs={"uid": enrollment.session.uid})
    toggle = reverse("attendance_toggle", kwargs={"uid": enrollment.session.uid})

    assert _refused(finance_officer, edit)
    assert _refused(finance_officer, toggle)
    assert not _refused(
        finance_officer, reverse("session_statements", kwargs={"uid": enrollment.session.uid})
    )


def test_a_refused_htmx_click_answers_a_message_for_the_page_s_messages_region(
    finance_officer: User, client_for: Callable[[User], Client], enrollment: Enrollment
) -> None:
    response = client_for(finance_officer).post(
        *attendance_click(enrollment, "2022-11-09"), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 403
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#messages", "innerHTML")
    assert response.content.decode().strip() == (
        '<div class="refused" role="alert"><ul class="messages"><li class="msg-error">'
        "Action refusée : votre rôle ne permet pas cette action.</li></ul></div>"
    )
    assert enrollment.attendances.count() == 1


def test_a_refused_page_load_still_gets_the_whole_refusal_page(
    finance_officer: User, client_for: Callable[[User], Client], enrollment: Enrollment
) -> None:
    response = client_for(finance_officer).get(
        reverse("session_edit", kwargs={"uid": enrollment.session.uid})
    )

    assert response.status_code == 403
    assert "HX-Retarget" not in response
    assert "<h1>Accès refusé</h1>" in response.content.decode()
