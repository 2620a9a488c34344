"""Accounts: create and change them, set a password, end their sessions, deactivate them.

The user management pages (``/utilisateurs/``), "my account" (``/compte/``) and
``kalan createuser`` all go through these functions, so the rules below hold whichever way an
account is touched. Accounts are never deleted: audit entries reference them (``PROTECT``), so
one that must stop working is deactivated.

Every function raises ``KalanError`` with the field at fault, so a form shows the message there
and the command prints it:

- ``username_taken``: another account has this name (compared without case);
- ``invalid``: a value the model refuses (an email address, a character in a username…);
- ``password_invalid``: the password fails ``AUTH_PASSWORD_VALIDATORS``;
- ``role_unknown``: not one of ``kalan.core.roles.Role``;
- ``partner_required`` / ``partner_forbidden``: a donor viewer is tied to its partner, and only
  a donor viewer is (the ``user_partner_iff_donor`` constraint, told at the field);
- ``own_role`` / ``own_deactivation``: an administrator cannot take away their own right to manage
  users nor deactivate themself, so that the last one cannot lock everybody out by mistake.

A change of role and a deactivation are announced (``kalan.core.signals``) inside the same
transaction, so that the apps above end what the account held there (workshops ends a former
trainer's session assignments); core itself knows nothing of sessions.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kalan.core.audit import audit_record
from kalan.core.errors import KalanError
from kalan.core.models import AuditEntry, Partner, User
from kalan.core.roles import GRANTS, Role
from kalan.core.signals import user_deactivated, user_role_changed


def _role_check(*, role: str, partner: Partner | None) -> None:
    if role not in Role.values:
        raise KalanError(_("Choisissez un rôle dans la liste."), code="role_unknown", field="role")
    if role == Role.DONOR and partner is None:
        raise KalanError(
            _("Un compte partenaire doit être rattaché à son partenaire : choisissez-le."),
            code="partner_required",
            field="partner",
        )
    if role != Role.DONOR and partner is not None:
        raise KalanError(
            _("Seul un compte partenaire est rattaché à un partenaire : laissez ce champ vide."),
            code="partner_forbidden",
            field="partner",
        )


def _username_check(*, username: str, exclude: int | None = None) -> str:
    username = User.normalize_username(username.strip())
    others = User.objects.filter(username__iexact=username)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    # Compared without case: « Awa.Diarra » and « awa.diarra » would be two accounts to a
    # database but one person to the colleagues who read the audit trail.
    if others.exists():
        raise KalanError(
            _("Le compte « %(username)s » existe déjà.") % {"username": username},
            code="username_taken",
            field="username",
        )
    return username


def _password_check(*, password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise KalanError(
            " ".join(error.messages), code="password_invalid", field="password"
        ) from None


def _full_clean(user: User) -> None:
    """The model's own checks, reported as the first failing field's message."""
    try:
        user.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise KalanError(
            messages[0], code="invalid", field=None if field == NON_FIELD_ERRORS else field
        ) from None


def _own_deactivation_refuse(*, user: User, actor: User) -> None:
    if user.pk == actor.pk:
        raise KalanError(
            _("Vous ne pouvez pas désactiver votre propre compte."),
            code="own_deactivation",
            field="is_active",
        )


def _role_apply(user: User, role: str) -> None:
    user.role = role
    # An administrator is a superuser (as ``createuser --admin`` makes them), and only they are:
    # a superuser keeps every right whatever the role says, so demoting one must clear it.
    user.is_superuser = user.is_staff = role == Role.ADMINISTRATOR


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    partner: Partner | None = None,
) -> User:
    """A new active account with this role. Raises KalanError (see the module)."""
    user = User(
        username=_username_check(username=username),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=User.objects.normalize_email(email.strip()),
        partner=partner,
    )
    _role_check(role=role, partner=partner)
    _role_apply(user, role)
    _password_check(password=password, user=user)
    user.set_password(password)
    _full_clean(user)
    user.save()
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    actor: User,
    username: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    partner: Partner | None = None,
    is_active: bool = True,
) -> User:
    """Change an account's names, role, partner, and whether it is active.

    Deactivating ends its sessions at once, as ``user_deactivate`` does; a new role is announced
    with ``user_role_changed``, a deactivation with ``user_deactivated``. Raises KalanError (see
    the module), ``own_role`` and ``own_deactivation`` when ``actor`` is the account itself, and
    whatever a receiver of those signals raises.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    _role_check(role=role, partner=partner)
    if locked.pk == actor.pk and "manage_users" not in GRANTS.get(role, frozenset()):
        raise KalanError(
            _(
                "Vous ne pouvez pas retirer votre propre rôle d’administrateur : demandez-le à un "
                "autre administrateur."
            ),
            code="own_role",
            field="role",
        )
    old_role, deactivated = locked.role, locked.is_active and not is_active
    if deactivated:
        _own_deactivation_refuse(user=locked, actor=actor)
        locked.sessions_key = uuid.uuid4()  # as user_deactivate does
    locked.username = _username_check(username=username, exclude=locked.pk)
    locked.first_name = first_name.strip()
    locked.last_name = last_name.strip()
    locked.email = User.objects.normalize_email(email.strip())
    locked.partner = partner
    locked.is_active = is_active
    _role_apply(locked, role)
    _full_clean(locked)
    locked.save()
    if role != old_role:
        user_role_changed.send(sender=User, user=locked, old_role=old_role, new_role=role)
    if deactivated:
        user_deactivated.send(sender=User, user=locked)
    return locked


@transaction.atomic
def user_deactivate(*, user: User, actor: User) -> User:
    """The account can no longer sign in, and its open sessions end now; the deactivation is
    announced with ``user_deactivated`` when the account was active.

    Raises KalanError ``own_deactivation`` when ``actor`` is the account itself.
    """
    _own_deactivation_refuse(user=user, actor=actor)
    locked = User.objects.select_for_update().get(pk=user.pk)
    was_active = locked.is_active
    locked.is_active = False
    # Django already refuses an inactive user's session; a new key also keeps those sessions
    # dead if the account is reactivated later.
    locked.sessions_key = uuid.uuid4()
    locked.save(update_fields=["is_active", "sessions_key"])
    if was_active:
        user_deactivated.send(sender=User, user=locked)
    return locked


@transaction.atomic
def user_password_set(*, user: User, password: str) -> User:
    """A new password, which ends every session of the account (whoever set it).

    The caller keeps its own session with ``update_session_auth_hash`` when it is the account's.
    Raises KalanError ``password_invalid``.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    _password_check(password=password, user=locked)
    locked.set_password(password)
    # The password is in the session hash already; the key says "end them" in so many words.
    locked.sessions_key = uuid.uuid4()
    locked.save(update_fields=["password", "sessions_key"])
    return locked


@transaction.atomic
def user_sessions_end(*, user: User) -> User:
    """End every session of the account, on every device ("logout everywhere").

    The key is part of each session's hash (``User._get_session_auth_hash``): a new one makes
    every session of the account fail its check at its next request.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.sessions_key = uuid.uuid4()
    locked.save(update_fields=["sessions_key"])
    # The key is bookkeeping the trail skips on save: the event is what it records.
    audit_record(action=AuditEntry.Action.LOGOUT_EVERYWHERE, obj=locked)
    return locked
