"""User management under /utilisateurs/: administrators create and change accounts, roles,
passwords and sessions; every other role is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.models import AuditEntry, Partner, User
from kalan.core.roles import CAPABILITIES, Role
from kalan.workshops.models import Session
from tests.factories import UserFactory

STRONG = "Palmeraie-Sevare-2022"
ClientFor = Callable[[User], Client]

LIST = "/utilisateurs/"
CREATE = "/utilisateurs/nouveau/"


def edit(user: User) -> str:
    return f"/utilisateurs/{user.pk}/"


def password(user: User) -> str:
    return f"/utilisateurs/{user.pk}/mot-de-passe/"


def sessions_end(user: User) -> str:
    return f"/utilisateurs/{user.pk}/deconnecter/"


def new_account(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": "awa.diarra",
        "first_name": "Awa",
        "last_name": "Diarra",
        "email": "awa.diarra@example.org",
        "role": Role.TRAINER,
        "partner": "",
        "password": STRONG,
        "password_confirm": STRONG,
    }
    data.update(overrides)
    return data


def account_of(user: User, **overrides: Any) -> dict[str, Any]:
    """The edit form of ``user`` as the page fills it in, with these changes."""
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "partner": user.partner_id or "",
        "is_active": "on" if user.is_active else "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not False}


def signed_in(client: Client) -> bool:
    """Whether the client's session still authenticates (my account answers, no redirect)."""
    return client.get(reverse("account")).status_code == 200


@pytest.fixture
def admin_client(administrator: User, client_for: ClientFor) -> Client:
    return client_for(administrator)


# --- Creating accounts --------------------------------------------------------------------------


def test_an_administrator_creates_a_trainer_who_sees_no_session_until_assigned_one(
    admin_client: Client, client_for: ClientFor, sevare_session: Session
) -> None:
    response = admin_client.post(CREATE, new_account())

    assert response.status_code == 302
    created = User.objects.get(username="awa.diarra")
    assert created.role == Role.TRAINER
    assert created.check_password(STRONG)
    assert not created.is_superuser
    # Sessions are assigned on the session's form (tests/workshops/test_trainers.py).
    assert client_for(created).get(f"/sessions/{sevare_session.uid}/").status_code == 404


def test_the_account_form_assigns_no_sessions(admin_client: Client, trainer: User) -> None:
    for url in (CREATE, edit(trainer)):
        response = admin_client.get(url)
        assert "sessions" not in response.context["form"].fields
        assert 'name="sessions"' not in response.content.decode()


def test_a_donor_account_without_a_partner_is_refused_at_the_partner_field(
    admin_client: Client,
) -> None:
    response = admin_client.post(CREATE, new_account(role=Role.DONOR))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["partner"]
    assert "rattaché à son partenaire" in errors["partner"][0]
    assert 'id="id_partner_error"' in response.content.decode()
    assert not User.objects.filter(username="awa.diarra").exists()


def test_a_donor_account_is_tied_to_its_partner(admin_client: Client, funder: Partner) -> None:
    response = admin_client.post(CREATE, new_account(role=Role.DONOR, partner=funder.pk))

    assert response.status_code == 302
    assert User.objects.get(username="awa.diarra").partner == funder


def test_only_a_donor_account_takes_a_partner(admin_client: Client, funder: Partner) -> None:
    response = admin_client.post(CREATE, new_account(role=Role.PROGRAMME, partner=funder.pk))

    assert response.status_code == 400
    assert "Seul un compte partenaire" in response.context["form"].errors["partner"][0]
    assert not User.objects.filter(username="awa.diarra").exists()


@pytest.mark.parametrize("weak", ["12345678901", "motdepasse", "court", "awa.diarra2022"])
def test_a_weak_password_is_refused_at_the_password_field(admin_client: Client, weak: str) -> None:
    response = admin_client.post(CREATE, new_account(password=weak, password_confirm=weak))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["password"]
    assert not User.objects.filter(username="awa.diarra").exists()


def test_the_two_passwords_must_match(admin_client: Client) -> None:
    response = admin_client.post(CREATE, new_account(password_confirm=STRONG + "x"))

    assert response.status_code == 400
    assert "diffèrent" in response.context["form"].errors["password_confirm"][0]
    assert not User.objects.filter(username="awa.diarra").exists()


@pytest.mark.parametrize("username", ["trainer", "TRAINER"])
def test_an_existing_username_is_refused_whatever_its_case(
    admin_client: Client, trainer: User, username: str
) -> None:
    response = admin_client.post(CREATE, new_account(username=username))

    assert response.status_code == 400
    assert "existe déjà" in response.context["form"].errors["username"][0]
    assert User.objects.filter(username__iexact="trainer").count() == 1


def test_an_administrator_account_is_a_superuser(admin_client: Client) -> None:
    admin_client.post(CREATE, new_account(role=Role.ADMINISTRATOR))

    created = User.objects.get(username="awa.diarra")
    assert created.is_superuser and created.is_staff
    assert created.has_perm("kalan.manage_users")


def test_the_form_says_what_each_role_may_do(admin_client: Client) -> None:
    html = admin_client.get(CREATE).content.decode()

    for label in Role.labels:
        assert f"<summary>{label}</summary>" in html
    trainer_part = html.split(f"<summary>{Role.TRAINER.label}</summary>")[1].split("</details>")[0]
    assert "Pointer les présences" in trainer_part
    assert "Gérer les comptes et les rôles" not in trainer_part
    assert html.count(str(CAPABILITIES["manage_users"]).capitalize()) == 1  # administrator only
    assert "<script" not in html.split("</head>")[1]


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_role_partner_and_state(
    admin_client: Client, trainer: User, donor_viewer: User
) -> None:
    donor_viewer.is_active = False
    donor_viewer.save()

    response = admin_client.get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Moussa Coulibaly" in html and "Formateur" in html
    assert "Partenaire (lecture seule)" in html and "EUCAP" in html
    assert "désactivé" in html
    assert edit(trainer) in html


def test_the_list_filters_by_role(
    admin_client: Client, trainer: User, programme_officer: User
) -> None:
    response = admin_client.get(LIST, {"role": Role.TRAINER})

    assert [u.username for u in response.context["users"]] == ["trainer"]
    assert '<option value="trainer" selected>' in response.content.decode()


def test_an_unknown_role_filter_lists_everyone(
    admin_client: Client, trainer: User, programme_officer: User
) -> None:
    response = admin_client.get(LIST, {"role": "nobody"})

    assert {u.username for u in response.context["users"]} >= {"trainer", "programme_officer"}


def test_the_list_runs_the_same_queries_for_many_accounts(
    admin_client: Client,
    funder: Partner,
    django_assert_max_num_queries: Any,
) -> None:
    admin_client.get(LIST)  # warm the session and the organisation lookups
    for n in range(12):
        UserFactory(username=f"trainer{n}", role=Role.TRAINER)
        UserFactory(username=f"donor{n}", role=Role.DONOR, partner=funder)

    with django_assert_max_num_queries(7):
        response = admin_client.get(LIST)

    assert len(response.context["users"]) == 25


# --- Changing accounts --------------------------------------------------------------------------


def test_the_edit_form_is_filled_in_with_the_account(admin_client: Client, trainer: User) -> None:
    form = admin_client.get(edit(trainer)).context["form"]

    assert form["username"].value() == "trainer"
    assert form["role"].value() == Role.TRAINER
    assert form["is_active"].value() is True
    assert "password" not in form.fields


def test_an_administrator_changes_names_and_role(admin_client: Client, trainer: User) -> None:
    response = admin_client.post(
        edit(trainer), account_of(trainer, first_name="Mamadou", role=Role.MONITORING)
    )

    assert response.status_code == 302
    trainer.refresh_from_db()
    assert (trainer.first_name, trainer.role) == ("Mamadou", Role.MONITORING)
    assert trainer.has_perm("kalan.write_reports")


def test_a_donor_changed_to_another_role_must_leave_its_partner(
    admin_client: Client, donor_viewer: User
) -> None:
    response = admin_client.post(edit(donor_viewer), account_of(donor_viewer, role=Role.FINANCE))
    assert response.status_code == 400
    assert "partner" in response.context["form"].errors

    response = admin_client.post(
        edit(donor_viewer), account_of(donor_viewer, role=Role.FINANCE, partner="")
    )
    assert response.status_code == 302
    donor_viewer.refresh_from_db()
    assert (donor_viewer.role, donor_viewer.partner) == (Role.FINANCE, None)


def test_demoting_an_administrator_takes_away_every_right(
    admin_client: Client, client_for: ClientFor
) -> None:
    other = UserFactory(
        username="deputy", role=Role.ADMINISTRATOR, is_superuser=True, is_staff=True
    )

    response = admin_client.post(edit(other), account_of(other, role=Role.FINANCE))

    assert response.status_code == 302
    other.refresh_from_db()
    assert not other.is_superuser and not other.is_staff
    assert not other.has_perm("kalan.manage_users")
    assert client_for(other).get(LIST).status_code == 403


def test_an_administrator_cannot_remove_their_own_administrator_role(
    admin_client: Client, administrator: User
) -> None:
    response = admin_client.post(
        edit(administrator), account_of(administrator, role=Role.PROGRAMME)
    )

    assert response.status_code == 400
    assert "votre propre rôle" in response.context["form"].errors["role"][0]
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR and administrator.is_superuser


def test_an_administrator_cannot_deactivate_themself(
    admin_client: Client, administrator: User
) -> None:
    response = admin_client.post(edit(administrator), account_of(administrator, is_active=False))

    assert response.status_code == 400
    assert "votre propre compte" in response.context["form"].errors["is_active"][0]
    administrator.refresh_from_db()
    assert administrator.is_active
    assert signed_in(admin_client)


def test_deactivating_an_account_ends_its_access_at_once(
    admin_client: Client, client_for: ClientFor, trainer: User
) -> None:
    trainer_client = client_for(trainer)
    assert signed_in(trainer_client)

    response = admin_client.post(edit(trainer), account_of(trainer, is_active=False))

    assert response.status_code == 302
    trainer.refresh_from_db()
    assert not trainer.is_active
    assert not signed_in(trainer_client)
    assert User.objects.filter(pk=trainer.pk).exists()  # never deleted


def test_a_reactivated_account_must_sign_in_again(
    admin_client: Client, client_for: ClientFor, trainer: User
) -> None:
    trainer_client = client_for(trainer)
    admin_client.post(edit(trainer), account_of(trainer, is_active=False))
    trainer.refresh_from_db()

    admin_client.post(edit(trainer), account_of(trainer, is_active=True))

    trainer.refresh_from_db()
    assert trainer.is_active
    assert not signed_in(trainer_client)
    assert signed_in(client_for(trainer))


def test_an_unknown_account_is_404(admin_client: Client) -> None:
    assert admin_client.get("/utilisateurs/999999/").status_code == 404


# --- Passwords and sessions ---------------------------------------------------------------------


def test_setting_a_password_ends_the_accounts_sessions(
    admin_client: Client, client_for: ClientFor, trainer: User
) -> None:
    trainer_client = client_for(trainer)
    assert signed_in(trainer_client)

    response = admin_client.post(
        password(trainer), {"password": STRONG, "password_confirm": STRONG}
    )

    assert response.status_code == 302
    trainer.refresh_from_db()
    assert trainer.check_password(STRONG)
    assert not signed_in(trainer_client)
    assert signed_in(admin_client)


def test_setting_a_weak_password_is_refused(admin_client: Client, trainer: User) -> None:
    response = admin_client.post(
        password(trainer), {"password": "motdepasse", "password_confirm": "motdepasse"}
    )

    assert response.status_code == 400
    assert "password" in response.context["form"].errors
    trainer.refresh_from_db()
    assert not trainer.check_password("motdepasse")


def test_an_administrator_setting_their_own_password_stays_signed_in(
    admin_client: Client, client_for: ClientFor, administrator: User
) -> None:
    elsewhere = client_for(administrator)

    admin_client.post(password(administrator), {"password": STRONG, "password_confirm": STRONG})

    assert signed_in(admin_client)
    assert not signed_in(elsewhere)


def test_ending_an_accounts_sessions_signs_out_each_of_its_devices(
    admin_client: Client, client_for: ClientFor, trainer: User
) -> None:
    laptop, phone = client_for(trainer), client_for(trainer)
    assert signed_in(laptop) and signed_in(phone)

    response = admin_client.post(sessions_end(trainer))

    assert response.status_code == 302
    assert not signed_in(laptop) and not signed_in(phone)
    trainer.refresh_from_db()
    assert signed_in(client_for(trainer))  # signing in again works
    assert signed_in(admin_client)


def test_ending_sessions_takes_a_post(admin_client: Client, trainer: User) -> None:
    assert admin_client.get(sessions_end(trainer)).status_code == 405


# --- Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        "programme_officer",
        "trainer",
        "monitoring_officer",
        "finance_officer",
        "communication_officer",
        "donor_viewer",
        "outsider",
    ],
)
def test_every_other_role_is_refused_on_every_page(
    role: str,
    request: pytest.FixtureRequest,
    client_for: ClientFor,
    programme_officer: User,
    sevare_session: Session,
) -> None:
    user: User = request.getfixturevalue(role)
    client = client_for(user)
    target = programme_officer
    key = target.sessions_key
    pages = [LIST, CREATE, edit(target), password(target), sessions_end(target)]

    for url in pages:
        assert client.get(url).status_code == 403, url
    assert client.post(CREATE, new_account(role=Role.ADMINISTRATOR)).status_code == 403
    assert client.post(edit(target), account_of(target, role=Role.ADMINISTRATOR)).status_code == 403
    assert (
        client.post(password(target), {"password": STRONG, "password_confirm": STRONG}).status_code
        == 403
    )
    assert client.post(sessions_end(target)).status_code == 403

    target.refresh_from_db()
    assert target.role == Role.PROGRAMME and target.sessions_key == key
    assert not target.check_password(STRONG)
    assert not User.objects.filter(username="awa.diarra").exists()


def test_an_anonymous_visitor_is_sent_to_login(db: None, trainer: User) -> None:
    for url in (LIST, CREATE, edit(trainer), password(trainer)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_only_administrators_see_the_users_link(
    admin_client: Client, client_for: ClientFor, programme_officer: User
) -> None:
    # Any page has the navigation; "my account" is one every role may open.
    assert f'href="{LIST}"' in admin_client.get(reverse("account")).content.decode()
    officer_page = client_for(programme_officer).get(reverse("account")).content.decode()
    assert "mainnav" in officer_page and f'href="{LIST}"' not in officer_page


def test_ending_an_accounts_sessions_is_written_in_the_audit_trail_by_its_author(
    admin_client: Client, administrator: User, trainer: User
) -> None:
    admin_client.post(sessions_end(trainer))

    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGOUT_EVERYWHERE)
    assert (entry.actor, entry.object_id) == (administrator, str(trainer.pk))
