"""Roles: the table of what each may do, the backend that answers from it alone, and the rule
that every page says who may open it (``kalan.core.roles``, ``backends``, ``middleware``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse

from kalan.core.models import User
from kalan.core.roles import CAPABILITIES, GRANTS, Role, any_user, capabilities_of, requires

# Pages open without an account, on purpose: the login page and the language switch,
# participants answering a test with their codes (/t/), the public certificate check (/v/),
# participants stating their commitment (/e/) and relays with their personal code (/r/).
OPEN_WITHOUT_ACCOUNT = {
    "login",
    "set_language",
    "take_join",
    "take_wait",
    "take_question",
    "take_summary",
    "take_submit",
    "take_done",
    "certificate_verify_form",
    "certificate_verify",
    "commitment_join",
    "commitment_form",
    "commitment_done",
    "relay_join",
    "relay_home",
    "relay_followup",
    "relay_done",
    "relay_restitution",
    "relay_restitution_done",
}


def _patterns(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _is_public(view: Callable[..., Any]) -> bool:
    return getattr(view, "login_required", True) is False


# --- every page says who may open it --------------------------------------------------------


def test_every_url_pattern_is_public_or_declares_its_capabilities() -> None:
    undeclared = [
        f"/{route} ({pattern.name})"
        for route, pattern in _patterns(get_resolver().url_patterns)
        if not _is_public(pattern.callback) and not hasattr(pattern.callback, "kalan_capabilities")
    ]
    assert not undeclared, (
        f"pages that declare no capability (use requires or any_user): {undeclared}"
    )


def test_only_the_login_participant_and_verification_pages_need_no_account() -> None:
    public = {
        pattern.name or route
        for route, pattern in _patterns(get_resolver().url_patterns)
        if _is_public(pattern.callback)
    }
    assert public == OPEN_WITHOUT_ACCOUNT


def test_declared_capabilities_are_known_ones() -> None:
    for _route, pattern in _patterns(get_resolver().url_patterns):
        declared = getattr(pattern.callback, "kalan_capabilities", ())
        assert set(declared) <= set(CAPABILITIES), pattern.name


def test_requires_refuses_an_unknown_capability_or_none() -> None:
    with pytest.raises(ValueError, match="view_everything"):
        requires("view_everything")
    with pytest.raises(ValueError):
        requires()


def test_requires_opens_to_a_user_holding_any_one_of_the_capabilities(
    trainer: User, finance_officer: User
) -> None:
    @requires("enroll", "run_tests")
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.user = trainer  # runs tests, does not enrol
    assert view(request).status_code == 200
    assert view.kalan_capabilities == ("enroll", "run_tests")  # type: ignore[attr-defined]
    request.user = finance_officer
    with pytest.raises(PermissionDenied):
        view(request)


# --- the table of grants --------------------------------------------------------------------


def test_every_role_has_its_grants_and_every_capability_a_holder() -> None:
    assert set(GRANTS) >= set(Role)
    granted = set().union(*(GRANTS[role] for role in Role))
    assert granted == set(CAPABILITIES)


def test_the_donor_viewer_holds_only_the_funded_figures() -> None:
    assert GRANTS[Role.DONOR] == {"view_funded"}


def test_the_administrator_holds_everything_but_the_donors_page() -> None:
    assert GRANTS[Role.ADMINISTRATOR] == set(CAPABILITIES) - {"view_funded"}


def test_communication_sees_neither_contacts_nor_the_registry() -> None:
    assert not {"view_contacts", "view_persons", "export_persons"} & GRANTS[Role.COMMUNICATION]


def test_finance_does_not_read_the_registry() -> None:
    assert not {"view_persons", "view_contacts", "export_persons"} & GRANTS[Role.FINANCE]


def test_a_trainer_neither_reads_the_registry_nor_enrols_nor_merges() -> None:
    refused = {"view_persons", "export_persons", "enroll", "merge_persons"}
    assert not refused & GRANTS[Role.TRAINER]


def test_only_finance_and_the_administrator_issue_statements() -> None:
    issuers = {role for role in Role if "issue_statements" in GRANTS[role]}
    assert issuers == {Role.FINANCE, Role.ADMINISTRATOR}


# --- the backend: the role and nothing else -------------------------------------------------


def _permission(codename: str) -> Permission:
    content_type = ContentType.objects.get_for_model(User)
    return Permission.objects.get_or_create(
        codename=codename, content_type=content_type, defaults={"name": codename}
    )[0]


def test_django_permissions_give_nothing_to_a_user_without_a_role(outsider: User) -> None:
    outsider.user_permissions.add(_permission("view_contacts"), _permission("view_user"))
    group = Group.objects.create(name="Anciens droits")
    group.permissions.add(_permission("export_persons"))
    outsider.groups.add(group)
    user = User.objects.get(pk=outsider.pk)  # no permission cache

    assert user.get_all_permissions() == set()
    assert not user.has_perm("core.view_contacts")
    assert not user.has_perm("core.view_user")
    assert not user.has_perm("core.export_persons")
    assert not user.has_perm("kalan.view_contacts")
    assert not user.has_module_perms("kalan")


def test_a_role_gets_exactly_its_grants_whatever_its_django_permissions(trainer: User) -> None:
    trainer.user_permissions.add(_permission("export_persons"))
    user = User.objects.get(pk=trainer.pk)

    assert user.get_all_permissions() == {f"kalan.{c}" for c in GRANTS[Role.TRAINER]}
    assert user.has_perm("kalan.run_tests")
    assert not user.has_perm("kalan.export_persons")
    assert not user.has_perm("core.export_persons")


def test_an_inactive_user_has_no_capability(administrator: User, programme_officer: User) -> None:
    for user in (administrator, programme_officer):
        User.objects.filter(pk=user.pk).update(is_active=False)
        inactive = User.objects.get(pk=user.pk)
        assert capabilities_of(inactive) == frozenset()
        assert inactive.get_all_permissions() == set()
        assert not any(inactive.has_perm(f"kalan.{c}") for c in CAPABILITIES)


def test_the_superuser_administrator_does_not_hold_the_donors_page(
    administrator: User, client_for: Callable[[User], Client]
) -> None:
    # Django would answer True to a superuser for any permission; the role answers instead.
    assert administrator.is_superuser
    assert not administrator.has_perm("kalan.view_funded")
    assert administrator.has_perm("kalan.manage_users")
    client = client_for(administrator)
    assert client.get(reverse("home")).status_code == 200  # not sent to /partenaire/
    assert client.get(reverse("funded_overview")).status_code == 403


# --- a page without a declaration is closed to everyone -------------------------------------


def undeclared(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ceci ne devrait pas s’afficher")


@any_user
def declared(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ouvert à tout compte")


@login_not_required
def public(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ouvert à tous")


# The throwaway URLconf of the tests below (``pytest.mark.urls(__name__)``); the project's own
# pages stay, for the links of the 403 page.
urlpatterns = [
    path("essai/sans-declaration/", undeclared, name="essai_undeclared"),
    path("essai/declaree/", declared, name="essai_declared"),
    path("essai/publique/", public, name="essai_public"),
    path("", include("kalan.urls")),
]


@pytest.mark.urls(__name__)
def test_a_view_without_a_declaration_answers_403_to_everyone(
    administrator: User, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    for user in (administrator, programme_officer):
        response = client_for(user).get("/essai/sans-declaration/")
        assert response.status_code == 403
        assert "ceci ne devrait pas" not in response.content.decode()
        assert "Accès refusé" in response.content.decode()
        assert client_for(user).get("/essai/declaree/").status_code == 200


@pytest.mark.urls(__name__)
def test_anonymous_visitors_go_to_login_and_public_views_stay_open(db: None) -> None:
    response = Client().get("/essai/sans-declaration/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Client().get("/essai/publique/").status_code == 200
