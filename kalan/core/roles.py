"""Roles and what each may do: the one table of Kalan's permissions.

A user holds one role. Each role grants a set of capabilities, named ``kalan.<capability>`` and
checked with Django's ``user.has_perm`` (``kalan.core.backends.RoleBackend`` answers it), in
views with the ``requires`` decorator and in templates with ``perms.kalan.<capability>``.

Capabilities say *what* a user may do; scopes say *on which records*. A trainer may mark
attendance, but only in the sessions assigned to them: the selectors that fetch sessions, tests,
statements and certificates for a user (``kalan.workshops.selectors.sessions_visible`` and the
``*_get_or_404`` helpers built on it) return 404 for the others, so a guessed address gets
nothing. A donor viewer holds no capability over persons at all; it sees the aggregate figures of
the workshops its partner funds.

Per-user and per-group Django permissions are ignored on purpose: one place (this table) says
who may do what, and an administrator changes a user's role, never a pile of check boxes.

Participants hold no account: they answer tests with their session code and badge code (pages
under ``/t/``), and anyone may check a certificate on its public verification page (``/v/``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from typing import TypeAlias

    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from kalan.core.models import User

    AnyUser: TypeAlias = User | AnonymousUser


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrateur")
    PROGRAMME = "programme", _("Chargé de programme")
    TRAINER = "trainer", _("Formateur")
    MONITORING = "monitoring", _("Chargé de suivi-évaluation")
    FINANCE = "finance", _("Finances")
    COMMUNICATION = "communication", _("Communication")
    DONOR = "donor", _("Partenaire (lecture seule)")
    NPM = "npm", _("Membre du MNP (visites des lieux de garde à vue)")


# Every capability, with what it lets a user do (shown on the user management page).
CAPABILITIES: dict[str, Any] = {
    "view_programme": _("voir les plans, les ateliers et les sessions"),
    "change_programme": _("créer et modifier les plans, les ateliers et les sessions"),
    "enroll": _("inscrire et importer des participants"),
    "mark_attendance": _("pointer les présences"),
    "run_tests": _("préparer, ouvrir et saisir les tests"),
    "view_results": _("voir les résultats des tests"),
    "view_bank": _("voir la banque de questions"),
    "change_bank": _("modifier la banque de questions"),
    "print_documents": _("imprimer les feuilles de présence, badges et listes"),
    "view_persons": _("consulter le registre des personnes"),
    "view_contacts": _("voir les téléphones et courriels"),
    "export_persons": _("exporter des listes de personnes"),
    "merge_persons": _("fusionner les doublons"),
    "view_statements": _("voir les états de paiement"),
    "issue_statements": _("émettre les états de paiement"),
    "view_certificates": _("voir et imprimer les attestations"),
    "issue_certificates": _("émettre et révoquer les attestations"),
    "manage_photos": _("téléverser et légender les photos des sessions"),
    "write_press": _("rédiger les communiqués de presse"),
    "write_reports": _("rédiger les rapports d’activité et les rapports aux partenaires"),
    "view_dashboard": _("voir le tableau de bord du programme"),
    "view_funded": _("voir les chiffres agrégés des ateliers financés par son partenaire"),
    "manage_organisation": _("modifier l’institution et ses signataires"),
    "manage_users": _("gérer les comptes et les rôles"),
    "view_audit": _("consulter et exporter le journal d’audit"),
    "manage_reference": _("gérer les données de référence : corps, grades, unités, lieux"),
    "view_relays": _("voir les relais, leurs engagements et leurs restitutions"),
    "enter_commitments": _("saisir les engagements des participants"),
    "record_restitutions": _("saisir les restitutions des relais"),
    "run_followup": _("organiser les tours de suivi et appeler les relais"),
    "view_custody": _(
        "voir les lieux de privation de liberté, les visites, leurs constats et recommandations"
    ),
    "record_visits": _(
        "saisir les lieux, les visites, la grille, les photos, les recommandations et le rapport"
    ),
    "view_interviews": _("saisir et lire les notes des entretiens anonymes"),
    "issue_field_kits": _(
        "emporter des sessions sur un portable de site (kits) et reprendre leurs retours"
    ),
    "view_budget": _("voir les budgets, les dépenses, les fonds reçus et le rapport financier"),
    "manage_budget": _(
        "saisir les budgets, les dépenses et leurs pièces, les fonds reçus ; vérifier les dépenses"
    ),
    "write_correspondence": _(
        "rédiger les termes de référence, les lettres aux commandements et les ordres de mission"
    ),
}

_READ_PROGRAMME = {"view_programme", "view_results", "view_bank", "view_certificates"}

GRANTS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset(CAPABILITIES) - {"view_funded"},
    Role.PROGRAMME: frozenset(
        _READ_PROGRAMME
        | {"change_programme", "enroll", "mark_attendance", "run_tests", "change_bank"}
        | {"print_documents", "view_persons", "view_contacts", "export_persons"}
        | {"merge_persons", "view_statements", "issue_certificates"}
        | {"manage_photos", "write_press", "write_reports", "view_dashboard"}
        | {"manage_reference"}
        | {"view_relays", "enter_commitments", "record_restitutions", "run_followup"}
        | {"view_custody"}
        # A field kit carries the sessions' persons and their trainers' password hashes and
        # two-factor keys, and sets numbers aside: those who run the whole programme issue it.
        | {"issue_field_kits"}
        | {"view_budget", "write_correspondence"}
    ),
    # Only in the sessions assigned to them (the scope is in the selectors).
    Role.TRAINER: frozenset(
        {"view_programme", "mark_attendance", "run_tests", "view_results", "view_bank"}
        | {"print_documents", "view_contacts", "view_certificates"}
        | {"view_relays", "enter_commitments"}
    ),
    # Follow-up of the relays calls them: contacts, and the registry to count distinct persons.
    Role.MONITORING: frozenset(
        _READ_PROGRAMME
        | {"view_persons", "view_contacts", "export_persons", "view_statements"}
        | {"write_reports", "view_dashboard"}
        | {"view_relays", "record_restitutions", "run_followup"}
        | {"view_custody"}
        | {"view_budget"}
    ),
    Role.FINANCE: frozenset(
        {"view_programme", "view_statements", "issue_statements", "view_budget", "manage_budget"}
    ),
    Role.COMMUNICATION: frozenset(
        {"view_programme", "manage_photos", "write_press", "view_dashboard"}
    ),
    Role.DONOR: frozenset({"view_funded"}),
    # The National Preventive Mechanism's members: custody visits, never the trainees' contacts.
    Role.NPM: frozenset({"view_custody", "record_visits", "view_interviews"}),
}

# Roles whose sessions are limited to those assigned to the user.
SCOPED_TO_ASSIGNED_SESSIONS = frozenset({Role.TRAINER})


def sees_assigned_sessions_only(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether this user's sessions are those assigned to them (a trainer), not all of them."""
    if getattr(user, "is_superuser", False):
        return False
    return getattr(user, "role", "") in SCOPED_TO_ASSIGNED_SESSIONS


def capabilities_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The ``kalan.*`` permissions of an active user: those of their role, nothing else."""
    if not user.is_active or user.is_anonymous:
        return frozenset()
    if getattr(user, "is_superuser", False):
        return GRANTS[Role.ADMINISTRATOR]
    return GRANTS.get(getattr(user, "role", ""), frozenset())


View = TypeVar("View", bound=Callable[..., Any])


def requires(*capabilities: str) -> Callable[[View], View]:
    """Refuse the view (403) unless the user holds one of these capabilities.

    ``kalan.core.middleware.CapabilityMiddleware`` refuses every view that is neither marked
    ``login_not_required`` nor decorated with this: a new page is closed until it says who may
    open it.
    """
    unknown = set(capabilities) - set(CAPABILITIES)
    if unknown or not capabilities:
        raise ValueError(f"unknown capabilities: {sorted(unknown)}")
    perms = [f"kalan.{capability}" for capability in capabilities]

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not any(request.user.has_perm(perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.kalan_capabilities = tuple(capabilities)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def any_user(view: View) -> View:
    """Open to every signed-in user whatever the role (the home page, logout everywhere…)."""
    view.kalan_capabilities = ()  # type: ignore[attr-defined]
    return view
