"""Optional two-factor (TOTP): turning it on and off, and the code asked after the password."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from kalan.core.models import User
from kalan.core.render.qr import qr_svg
from tests.factories import PASSWORD

ClientFor = Callable[[User], Client]
WRONG = "Code incorrect"
THROTTLED = "Trop de codes erronés"


def code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's phone shows now (or that many 30-second steps later)."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    accepted = {code(device, steps_ahead=step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


def device_for(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Kalan", confirmed=True)


def password_login(user: User) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def verified_client(client_for: ClientFor, user: User, device: TOTPDevice) -> Client:
    """Signed in and past the code step, as after a login with password and code."""
    client = client_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def code_page(next_path: str) -> str:
    return f"{reverse('two_factor_verify')}?next={next_path.replace('/', '%2F')}"


# Turning it on ----------------------------------------------------------------------------------


def test_the_page_says_two_factor_is_off_and_offers_to_turn_it_on(
    programme_officer: User, client_for: ClientFor
) -> None:
    response = client_for(programme_officer).get(reverse("two_factor"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Désactivée" in body
    assert "Activer" in body
    assert "no-store" in response["Cache-Control"]


def test_turning_it_on_shows_a_qr_code_of_the_otpauth_address_and_the_key(
    administrator: User, client_for: ClientFor
) -> None:
    client = client_for(administrator)

    response = client.post(reverse("two_factor_enable"))

    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=administrator)
    assert not device.confirmed
    assert device.config_url.startswith("otpauth://totp/Kalan%3Aadministrator?secret=")
    assert "issuer=Kalan" in device.config_url
    body = client.get(reverse("two_factor")).content.decode()
    assert str(qr_svg(device.config_url)) in body
    assert "<svg" in body
    secret = device.config_url.split("secret=")[1].split("&")[0]
    assert f"<code>{' '.join(secret[i : i + 4] for i in range(0, len(secret), 4))}</code>" in body


def test_a_valid_code_confirms_the_device_and_this_session_stays_open(
    programme_officer: User, client_for: ClientFor
) -> None:
    client = client_for(programme_officer)
    client.post(reverse("two_factor_enable"))
    device = TOTPDevice.objects.get(user=programme_officer)

    response = client.post(reverse("two_factor_confirm"), {"code": code(device)}, follow=True)

    device.refresh_from_db()
    assert device.confirmed
    assert "Double authentification activée" in response.content.decode()
    assert client.get(reverse("workshop_list")).status_code == 200


def test_a_wrong_code_does_not_confirm_the_device(
    programme_officer: User, client_for: ClientFor
) -> None:
    client = client_for(programme_officer)
    client.post(reverse("two_factor_enable"))
    device = TOTPDevice.objects.get(user=programme_officer)

    response = client.post(reverse("two_factor_confirm"), {"code": wrong_code(device)})

    assert response.status_code == 200
    assert WRONG in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_a_code_that_is_not_six_digits_is_refused_in_french(
    programme_officer: User, client_for: ClientFor
) -> None:
    client = client_for(programme_officer)
    client.post(reverse("two_factor_enable"))

    response = client.post(reverse("two_factor_confirm"), {"code": "12ab"})

    assert "Saisissez les 6 chiffres affichés par l’application." in response.content.decode()
    assert not TOTPDevice.objects.get(user=programme_officer).confirmed


def test_the_spaces_an_app_shows_in_a_code_are_ignored(
    programme_officer: User, client_for: ClientFor
) -> None:
    client = client_for(programme_officer)
    client.post(reverse("two_factor_enable"))
    device = TOTPDevice.objects.get(user=programme_officer)
    value = code(device)

    client.post(reverse("two_factor_confirm"), {"code": f"{value[:3]} {value[3:]}"})

    assert TOTPDevice.objects.get(user=programme_officer).confirmed


def test_turning_it_on_again_replaces_an_unconfirmed_key(
    programme_officer: User, client_for: ClientFor
) -> None:
    client = client_for(programme_officer)
    client.post(reverse("two_factor_enable"))
    first = TOTPDevice.objects.get(user=programme_officer).key

    client.post(reverse("two_factor_enable"))

    assert list(
        TOTPDevice.objects.filter(user=programme_officer).values_list("key", flat=True)
    ) != [first]
    assert TOTPDevice.objects.filter(user=programme_officer).count() == 1


def test_turning_it_on_ends_the_users_other_sessions(
    programme_officer: User, client_for: ClientFor
) -> None:
    elsewhere = client_for(programme_officer)
    assert elsewhere.get(reverse("workshop_list")).status_code == 200  # opened with no code
    client = client_for(programme_officer)
    client.post(reverse("two_factor_enable"))
    device = TOTPDevice.objects.get(user=programme_officer)

    client.post(reverse("two_factor_confirm"), {"code": code(device)})

    response = elsewhere.get(reverse("workshop_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")
    assert "_auth_user_id" not in elsewhere.session


@pytest.mark.parametrize(
    "role", ["trainer", "monitoring_officer", "finance_officer", "donor_viewer", "outsider"]
)
def test_other_roles_get_403_on_the_two_factor_pages(
    role: str, request: pytest.FixtureRequest, client_for: ClientFor
) -> None:
    user = request.getfixturevalue(role)
    client = client_for(user)

    assert client.get(reverse("two_factor")).status_code == 403
    assert client.post(reverse("two_factor_enable")).status_code == 403
    assert not TOTPDevice.objects.filter(user=user).exists()


# The code after the password -------------------------------------------------------------------


def test_after_the_password_a_user_with_a_device_is_sent_to_the_code_page(
    programme_officer: User,
) -> None:
    device_for(programme_officer)
    client = Client()

    response = client.post(
        reverse("login"),
        {"username": "programme_officer", "password": PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == code_page("/")
    assert "Code de connexion" in response.content.decode()
    closed = client.get(reverse("workshop_list"))
    assert closed.status_code == 302
    assert closed["Location"] == code_page(reverse("workshop_list"))


def test_a_valid_code_opens_the_page_the_user_was_going_to(programme_officer: User) -> None:
    device = device_for(programme_officer)
    client = password_login(programme_officer)

    response = client.post(
        reverse("two_factor_verify"), {"code": code(device), "next": reverse("workshop_list")}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("workshop_list")
    assert client.get(reverse("workshop_list")).status_code == 200


def test_a_wrong_code_is_refused_and_the_pages_stay_closed(programme_officer: User) -> None:
    device = device_for(programme_officer)
    client = password_login(programme_officer)

    response = client.post(reverse("two_factor_verify"), {"code": wrong_code(device)})

    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert client.get(reverse("workshop_list")).status_code == 302


def test_right_after_a_wrong_code_even_the_right_one_waits(programme_officer: User) -> None:
    device = device_for(programme_officer)
    client = password_login(programme_officer)
    client.post(reverse("two_factor_verify"), {"code": wrong_code(device)})

    response = client.post(reverse("two_factor_verify"), {"code": code(device)})

    assert THROTTLED in response.content.decode()
    assert client.get(reverse("workshop_list")).status_code == 302


def test_a_new_session_does_not_escape_the_wait_after_wrong_codes(
    programme_officer: User,
) -> None:
    device = device_for(programme_officer)
    password_login(programme_officer).post(
        reverse("two_factor_verify"), {"code": wrong_code(device)}
    )

    response = password_login(programme_officer).post(
        reverse("two_factor_verify"), {"code": code(device)}
    )

    assert THROTTLED in response.content.decode()


def test_five_wrong_codes_lock_the_account_like_five_wrong_passwords(
    programme_officer: User, settings: Settings
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # every code checked, so axes sees each wrong one
    device = device_for(programme_officer)
    client = password_login(programme_officer)
    for _ in range(4):
        response = client.post(reverse("two_factor_verify"), {"code": wrong_code(device)})
        assert response.status_code == 200

    response = client.post(reverse("two_factor_verify"), {"code": wrong_code(device)})

    assert response.status_code == 429
    assert "Connexion bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session
    again = Client().post(reverse("login"), {"username": "programme_officer", "password": PASSWORD})
    assert again.status_code == 429


def test_a_code_is_accepted_once_only(programme_officer: User) -> None:
    device = device_for(programme_officer)
    value = code(device)
    password_login(programme_officer).post(reverse("two_factor_verify"), {"code": value})
    other = password_login(programme_officer)

    response = other.post(reverse("two_factor_verify"), {"code": value})

    assert WRONG in response.content.decode()
    assert other.get(reverse("workshop_list")).status_code == 302


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "' OR 1=1 --"])
def test_the_code_page_sends_the_user_nowhere_but_to_a_page_of_kalan(
    next_url: str, programme_officer: User
) -> None:
    device = device_for(programme_officer)
    client = password_login(programme_officer)

    response = client.post(reverse("two_factor_verify"), {"code": code(device), "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_logout_and_the_language_switch_work_before_the_code(programme_officer: User) -> None:
    device_for(programme_officer)
    client = password_login(programme_officer)

    switched = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("two_factor_verify")}
    )
    out = client.post(reverse("logout"))

    assert switched["Location"] == reverse("two_factor_verify")
    assert out["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_an_unconfirmed_device_asks_no_code_at_login(
    programme_officer: User, client_for: ClientFor
) -> None:
    client_for(programme_officer).post(reverse("two_factor_enable"))

    client = password_login(programme_officer)

    assert client.get(reverse("workshop_list")).status_code == 200


@pytest.mark.parametrize("role", ["trainer", "programme_officer"])
def test_a_user_without_a_device_logs_in_straight_away(
    role: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(role)
    client = Client()

    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert client.get(reverse("workshop_list")).status_code == 200
    assert client.get(reverse("two_factor_verify"))["Location"] == reverse("home")


def test_users_without_two_factor_pay_no_query_for_it_page_after_page(
    programme_officer: User, client_for: ClientFor
) -> None:
    client = client_for(programme_officer)
    client.get(reverse("workshop_list"))  # the session learns the answer once

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("workshop_list")).status_code == 200

    assert not [q for q in queries.captured_queries if "otp_totp" in q["sql"]]


# Turning it off ---------------------------------------------------------------------------------


def test_turning_it_off_refuses_a_wrong_code(
    programme_officer: User, client_for: ClientFor
) -> None:
    device = device_for(programme_officer)
    client = verified_client(client_for, programme_officer, device)

    response = client.post(reverse("two_factor_disable"), {"code": wrong_code(device)})

    assert WRONG in response.content.decode()
    assert TOTPDevice.objects.filter(user=programme_officer, confirmed=True).exists()


def test_turning_it_off_needs_a_code_not_only_an_open_session(
    programme_officer: User, client_for: ClientFor
) -> None:
    device = device_for(programme_officer)
    client = verified_client(client_for, programme_officer, device)

    response = client.post(reverse("two_factor_disable"), {"code": ""})

    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=programme_officer).exists()


def test_turning_it_off_with_a_valid_code_lets_the_password_alone_in_again(
    programme_officer: User, client_for: ClientFor
) -> None:
    device = device_for(programme_officer)
    client = verified_client(client_for, programme_officer, device)

    response = client.post(reverse("two_factor_disable"), {"code": code(device)}, follow=True)

    assert "Double authentification désactivée" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=programme_officer).exists()
    assert client.get(reverse("workshop_list")).status_code == 200
    assert password_login(programme_officer).get(reverse("workshop_list")).status_code == 200


def test_the_page_asks_a_user_with_two_factor_on_for_a_code_to_turn_it_off(
    administrator: User, client_for: ClientFor
) -> None:
    device = device_for(administrator)

    body = verified_client(client_for, administrator, device).get(reverse("two_factor")).content

    assert "Activée" in body.decode()
    assert reverse("two_factor_disable") in body.decode()
