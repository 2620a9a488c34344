"""My account (/compte/): who I am, what my role lets me do, my password, logout everywhere."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.models import AuditEntry, User
from tests.factories import PASSWORD

STRONG = "Palmeraie-Sevare-2022"
ACCOUNT = "/compte/"
EVERYWHERE = "/compte/deconnecter-partout/"
ClientFor = Callable[[User], Client]

ROLES = [
    "administrator",
    "programme_officer",
    "trainer",
    "monitoring_officer",
    "finance_officer",
    "communication_officer",
    "donor_viewer",
    "outsider",
]


def signed_in(client: Client) -> bool:
    return client.get(ACCOUNT).status_code == 200


def change(old: str = PASSWORD, new: str = STRONG, again: str | None = None) -> dict[str, str]:
    return {"old_password": old, "new_password1": new, "new_password2": again or new}


@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_user_opens_their_account(
    role: str, request: pytest.FixtureRequest, client_for: ClientFor
) -> None:
    user: User = request.getfixturevalue(role)

    response = client_for(user).get(ACCOUNT)

    assert response.status_code == 200
    html = response.content.decode()
    assert user.username in html
    assert user.get_full_name() in html
    assert "Se déconnecter de tous les appareils" in html


def test_the_page_says_what_the_role_may_do(trainer: User, client_for: ClientFor) -> None:
    html = client_for(trainer).get(ACCOUNT).content.decode()

    assert "Formateur" in html
    assert "Pointer les présences" in html
    assert "Seulement dans les sessions qui vous sont assignées" in html
    assert "Gérer les comptes et les rôles" not in html


def test_an_account_without_a_role_is_told_it_may_do_nothing(
    outsider: User, client_for: ClientFor
) -> None:
    html = client_for(outsider).get(ACCOUNT).content.decode()

    assert "Aucun droit pour l’instant" in html


def test_the_name_in_the_header_links_to_the_account(
    finance_officer: User, client_for: ClientFor
) -> None:
    html = client_for(finance_officer).get(ACCOUNT).content.decode()

    assert f'<a class="who" href="{ACCOUNT}"' in html


def test_an_anonymous_visitor_is_sent_to_login(db: None) -> None:
    for url in (ACCOUNT, EVERYWHERE):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- Password -----------------------------------------------------------------------------------


def test_changing_my_password_keeps_this_session_and_ends_the_others(
    trainer: User, client_for: ClientFor
) -> None:
    here, elsewhere = client_for(trainer), client_for(trainer)

    response = here.post(ACCOUNT, change(), follow=True)

    assert response.redirect_chain == [(ACCOUNT, 302)]
    assert "Votre mot de passe est changé" in response.content.decode()
    trainer.refresh_from_db()
    assert trainer.check_password(STRONG)
    assert signed_in(here)
    assert not signed_in(elsewhere)


def test_a_wrong_current_password_changes_nothing(trainer: User, client_for: ClientFor) -> None:
    here, elsewhere = client_for(trainer), client_for(trainer)

    response = here.post(ACCOUNT, change(old="pas-le-bon-mot"))

    assert response.status_code == 400
    assert "old_password" in response.context["form"].errors
    trainer.refresh_from_db()
    assert trainer.check_password(PASSWORD)
    assert signed_in(elsewhere)


@pytest.mark.parametrize("weak", ["motdepasse", "12345678901", "court"])
def test_a_weak_new_password_is_refused(trainer: User, client_for: ClientFor, weak: str) -> None:
    response = client_for(trainer).post(ACCOUNT, change(new=weak))

    assert response.status_code == 400
    assert "new_password2" in response.context["form"].errors
    trainer.refresh_from_db()
    assert trainer.check_password(PASSWORD)


def test_two_different_new_passwords_are_refused(trainer: User, client_for: ClientFor) -> None:
    response = client_for(trainer).post(ACCOUNT, change(again=STRONG + "x"))

    assert response.status_code == 400
    trainer.refresh_from_db()
    assert trainer.check_password(PASSWORD)


# --- Logout everywhere --------------------------------------------------------------------------


def test_logout_everywhere_ends_every_session_of_the_account(
    programme_officer: User, trainer: User, client_for: ClientFor
) -> None:
    laptop, phone = client_for(programme_officer), client_for(programme_officer)
    colleague = client_for(trainer)

    response = laptop.post(EVERYWHERE)

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not signed_in(laptop)
    assert not signed_in(phone)
    assert signed_in(colleague)  # other accounts are untouched


def test_logout_everywhere_says_so_on_the_login_page(
    programme_officer: User, client_for: ClientFor
) -> None:
    response = client_for(programme_officer).post(EVERYWHERE, follow=True)

    assert "Vous êtes déconnecté de tous les appareils" in response.content.decode()


def test_signing_in_again_after_logout_everywhere_works(
    programme_officer: User, client_for: ClientFor
) -> None:
    client_for(programme_officer).post(EVERYWHERE)
    client = Client()

    response = client.post(
        reverse("login"), {"username": "programme_officer", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert signed_in(client)


def test_logout_everywhere_takes_a_post(programme_officer: User, client_for: ClientFor) -> None:
    client = client_for(programme_officer)

    assert client.get(EVERYWHERE).status_code == 405
    assert signed_in(client)


def test_logout_everywhere_is_written_in_the_audit_trail(
    programme_officer: User, client_for: ClientFor
) -> None:
    client_for(programme_officer).post(EVERYWHERE)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGOUT_EVERYWHERE)
    assert (entry.actor, entry.object_type, entry.object_id) == (
        programme_officer,
        "core.user",
        str(programme_officer.pk),
    )
