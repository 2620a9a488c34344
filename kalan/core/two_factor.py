"""Two-factor sign-in with an authenticator app (TOTP, through django-otp).

Offered to administrators and programme officers, whose accounts reach the whole registry and
can export, merge and manage users: a stolen password alone should not open them. It is
optional: a user turns it on from ``/compte/double-authentification/`` by scanning a QR code,
and from then on gives a 6-digit code after the password at each login
(``kalan.core.middleware_two_factor``).

One device per user: turning on creates an unconfirmed ``TOTPDevice`` (which nothing trusts),
the first valid code confirms it, and turning off deletes it. Turning on or off also ends the
user's other sessions, so that no session opened with the password alone outlives the change
(and so that a session can remember whether its user has two-factor on without asking the
database at every page).

Wrong codes are throttled by django-otp per device, whatever the session: after n wrong codes in
a row the next one is not even checked for 2^(n-1) seconds, and a right code resets the count.
"""

from __future__ import annotations

import math
import uuid
from base64 import b32encode
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalan.core.errors import KalanError
from kalan.core.roles import Role

if TYPE_CHECKING:
    from kalan.core.models import User
    from kalan.core.roles import AnyUser

# A role, not a capability (kalan.core.roles): it is about how an account signs in, not what it
# may do, and the roles whose accounts hold the most are these: users, exports and merges; and
# what persons in custody told the NPM's monitors.
OFFERED_TO_ROLES = frozenset({Role.ADMINISTRATOR, Role.PROGRAMME, Role.NPM})


class TwoFactorError(KalanError):
    """Codes: ``already_on``, ``not_pending``, ``not_on``, ``wrong_code``, ``throttled``."""


def two_factor_offered(user: AnyUser) -> bool:
    """Whether the user may turn two-factor on or off.

    Superusers too, whatever their role. A user whose role changed after turning it on keeps the
    page, to turn it off: the login step applies to whoever has a device, role or not.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or getattr(user, "role", "") in OFFERED_TO_ROLES:
        return True
    return totp_device_confirmed(user=user) is not None


def totp_device_confirmed(*, user: AnyUser) -> TOTPDevice | None:
    """The device whose codes the login step asks for; None while two-factor is off."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def totp_device_pending(*, user: AnyUser) -> TOTPDevice | None:
    """The device being set up: shown as a QR code until a first code confirms it."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-pk").first()


def totp_secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32 by groups of four, for an app that cannot scan the QR code."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def two_factor_start(*, user: User) -> TOTPDevice:
    """A new unconfirmed device with a fresh key, replacing one left unconfirmed.

    Raises TwoFactorError ``already_on``.
    """
    with transaction.atomic():
        if totp_device_confirmed(user=user) is not None:
            raise TwoFactorError(
                _("La double authentification est déjà activée."), code="already_on"
            )
        TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Kalan", confirmed=False)


def two_factor_cancel(*, user: User) -> None:
    """Forget a device left unconfirmed (the user changed their mind)."""
    TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()


def two_factor_confirm(*, user: User, token: str) -> TOTPDevice:
    """Turn two-factor on with the first code of the pending device; ends the other sessions.

    The caller keeps the current session open (``update_session_auth_hash``).
    Raises TwoFactorError ``not_pending``, ``wrong_code``, ``throttled``.
    """
    device = totp_device_pending(user=user)
    if device is None:
        raise TwoFactorError(
            _("Aucune activation en cours : cliquez d’abord sur « Activer »."), code="not_pending"
        )
    totp_token_check(device=device, token=token)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _end_other_sessions(user)
    return device


def two_factor_disable(*, user: User, token: str) -> None:
    """Turn two-factor off, given a current code; ends the other sessions.

    The code proves that whoever turns it off still holds the phone, not only an open session.
    Raises TwoFactorError ``not_on``, ``wrong_code``, ``throttled``.
    """
    device = totp_device_confirmed(user=user)
    if device is None:
        raise TwoFactorError(_("La double authentification n’est pas activée."), code="not_on")
    totp_token_check(device=device, token=token)
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk).delete()
        _end_other_sessions(user)


def totp_token_check(*, device: TOTPDevice, token: str) -> None:
    """Accept the code or raise; a code is accepted once only.

    Raises TwoFactorError ``throttled`` (too soon after wrong codes: the code is not checked)
    or ``wrong_code``.
    """
    with transaction.atomic():
        # Locked, so that two requests cannot both use one code or both slip under the throttle.
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, detail = locked.verify_is_allowed()
        verified = allowed and locked.verify_token(token)
    # Raised once the transaction is committed: a rollback would also undo the failure count
    # that verify_token has just saved, and with it the throttle.
    if not allowed:
        raise TwoFactorError(_throttled_message(detail), code="throttled", field="code")
    if not verified:
        raise TwoFactorError(
            _(
                "Code incorrect. Saisissez le code affiché maintenant par l’application ; si "
                "l’erreur se répète, vérifiez l’heure du téléphone."
            ),
            code="wrong_code",
            field="code",
        )


def _throttled_message(detail: dict[str, Any] | None) -> str:
    locked_until = (detail or {}).get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return ngettext(
        "Trop de codes erronés : attendez %(seconds)d seconde avant de réessayer.",
        "Trop de codes erronés : attendez %(seconds)d secondes avant de réessayer.",
        seconds,
    ) % {"seconds": seconds}


def _end_other_sessions(user: User) -> None:
    # A new sessions key changes the session hash of every session of the user (core.User).
    user.sessions_key = uuid.uuid4()
    user.save(update_fields=["sessions_key"])
