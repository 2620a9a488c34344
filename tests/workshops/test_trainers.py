"""A session's trainers: assigned on the session's form by those who organise sessions, refused
when the account is not an active trainer, and taken off every session when the account stops
being a trainer or is deactivated (core's signals, answered by workshops)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core import services_users
from kalan.core.models import AuditEntry, User
from kalan.core.roles import Role
from kalan.workshops import receivers, services
from kalan.workshops.errors import WorkshopError
from kalan.workshops.models import Session, Workshop
from tests.factories import SessionFactory, UserFactory

ClientFor = Callable[[User], Client]


@pytest.fixture
def officer_client(programme_officer: User, client_for: ClientFor) -> Client:
    return client_for(programme_officer)


@pytest.fixture
def co_trainer(db: None) -> User:
    return UserFactory(
        username="co_trainer", first_name="Awa", last_name="Traoré", role=Role.TRAINER
    )


def _edit_url(session: Session) -> str:
    return reverse("session_edit", kwargs={"uid": session.uid})


def _detail_url(session: Session) -> str:
    return reverse("session_detail", kwargs={"uid": session.uid})


def _session_form(session: Session, *trainers: User) -> dict[str, Any]:
    """The session's form as its page fills it in, with these trainers chosen."""
    return {
        "place": str(session.place_id),
        "venue": session.venue,
        "start_date": session.start_date.isoformat(),
        "end_date": session.end_date.isoformat(),
        "capacity": str(session.capacity),
        "per_diem_rate": str(session.per_diem_rate),
        "transport_rate": str(session.transport_rate),
        "certificate_min_percent": str(session.certificate_min_percent),
        "trainers": [str(trainer.pk) for trainer in trainers],
    }


def _account_form(user: User, **overrides: Any) -> dict[str, Any]:
    """The account's edit form (user management) as its page fills it in, with these changes."""
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "partner": "",
        "is_active": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not False}


# --- The session's form -------------------------------------------------------------------------


def test_an_officer_assigns_a_trainer_who_then_sees_that_session_only(
    officer_client: Client,
    client_for: ClientFor,
    trainer: User,
    sevare_session: Session,
    workshop: Workshop,
) -> None:
    other = SessionFactory(workshop=workshop)
    trainer_client = client_for(trainer)
    assert trainer_client.get(_detail_url(sevare_session)).status_code == 404

    response = officer_client.post(
        _edit_url(sevare_session), _session_form(sevare_session, trainer)
    )

    assert response.status_code == 302
    assert list(sevare_session.trainers.all()) == [trainer]
    assert trainer_client.get(_detail_url(sevare_session)).status_code == 200
    assert trainer_client.get(_detail_url(other)).status_code == 404


def test_a_new_session_is_created_with_its_trainers(
    officer_client: Client, trainer: User, co_trainer: User, workshop: Workshop
) -> None:
    data = _session_form(SessionFactory.build(workshop=workshop), trainer, co_trainer)

    response = officer_client.post(reverse("session_create", kwargs={"pk": workshop.pk}), data)

    assert response.status_code == 302
    assert set(Session.objects.get().trainers.all()) == {trainer, co_trainer}


def test_the_edit_form_is_filled_in_with_the_session_s_trainers(
    officer_client: Client, trainer: User, sevare_session: Session
) -> None:
    sevare_session.trainers.add(trainer)

    form = officer_client.get(_edit_url(sevare_session)).context["form"]

    assert [int(pk) for pk in form["trainers"].value()] == [trainer.pk]


def test_leaving_the_trainers_empty_takes_them_off_the_session(
    officer_client: Client, trainer: User, co_trainer: User, sevare_session: Session
) -> None:
    sevare_session.trainers.add(trainer, co_trainer)

    officer_client.post(_edit_url(sevare_session), _session_form(sevare_session, co_trainer))
    assert list(sevare_session.trainers.all()) == [co_trainer]

    officer_client.post(_edit_url(sevare_session), _session_form(sevare_session))
    assert not sevare_session.trainers.exists()


def test_the_choices_are_the_active_trainers_by_name(
    officer_client: Client,
    trainer: User,
    co_trainer: User,
    programme_officer: User,
    sevare_session: Session,
) -> None:
    UserFactory(username="gone", role=Role.TRAINER, is_active=False)

    response = officer_client.get(_edit_url(sevare_session))

    choices = response.context["form"].fields["trainers"].queryset
    assert list(choices) == [trainer, co_trainer]  # by last name: Coulibaly, Traoré
    html = response.content.decode()
    assert f'value="{trainer.pk}"' in html
    assert "Moussa Coulibaly (trainer)</label>" in html
    assert 'type="checkbox" name="trainers"' in html
    assert "<legend>Formateurs</legend>" in html


def test_an_account_that_is_not_a_trainer_is_refused_at_the_trainers_field(
    officer_client: Client, trainer: User, programme_officer: User, sevare_session: Session
) -> None:
    response = officer_client.post(
        _edit_url(sevare_session),
        _session_form(sevare_session, trainer, programme_officer) | {"venue": "Ailleurs"},
    )

    assert list(response.context["form"].errors) == ["trainers"]
    sevare_session.refresh_from_db()
    assert sevare_session.venue == "Hôtel La Palmeraie"
    assert not sevare_session.trainers.exists()


@pytest.mark.parametrize("role", ["trainer", "monitoring_officer", "finance_officer"])
def test_only_who_may_edit_a_session_assigns_its_trainers(
    role: str,
    request: pytest.FixtureRequest,
    client_for: ClientFor,
    co_trainer: User,
    sevare_session: Session,
) -> None:
    user: User = request.getfixturevalue(role)
    if user.role == Role.TRAINER:
        sevare_session.trainers.add(user)  # even the session's own trainer

    response = client_for(user).post(
        _edit_url(sevare_session), _session_form(sevare_session, co_trainer)
    )

    assert response.status_code == 403
    assert co_trainer not in sevare_session.trainers.all()


def test_an_administrator_assigns_trainers_too(
    administrator: User, client_for: ClientFor, trainer: User, sevare_session: Session
) -> None:
    response = client_for(administrator).post(
        _edit_url(sevare_session), _session_form(sevare_session, trainer)
    )

    assert response.status_code == 302
    assert list(sevare_session.trainers.all()) == [trainer]


# --- The session's page -------------------------------------------------------------------------


def test_the_session_page_shows_its_trainers_to_those_who_assign_them(
    officer_client: Client, trainer: User, sevare_session: Session
) -> None:
    assert (
        "aucun formateur assigné"
        in officer_client.get(_detail_url(sevare_session)).content.decode()
    )
    sevare_session.trainers.add(trainer)

    html = officer_client.get(_detail_url(sevare_session)).content.decode()

    trainers_line = html.split('id="trainers">')[1].split("</p>")[0]
    assert "Moussa Coulibaly" in trainers_line


def test_a_trainer_does_not_see_the_trainers_line(
    client_for: ClientFor, trainer: User, sevare_session: Session
) -> None:
    sevare_session.trainers.add(trainer)

    response = client_for(trainer).get(_detail_url(sevare_session))

    assert response.status_code == 200
    assert 'id="trainers"' not in response.content.decode()


# --- The service --------------------------------------------------------------------------------


def test_setting_trainers_replaces_them_and_audits_the_session(
    trainer: User, co_trainer: User, sevare_session: Session
) -> None:
    sevare_session.trainers.add(trainer)

    services.session_trainers_set(session=sevare_session, trainers=[co_trainer])

    assert list(sevare_session.trainers.all()) == [co_trainer]
    changes = [
        entry.changes
        for entry in AuditEntry.objects.filter(
            action=AuditEntry.Action.UPDATE, object_type="workshops.session"
        ).order_by("id")
    ]
    assert changes[-2:] == [
        {"trainers": [[str(trainer.pk)], []]},
        {"trainers": [[], [str(co_trainer.pk)]]},
    ]


@pytest.mark.parametrize(
    "account",
    [
        {"username": "officer", "role": Role.PROGRAMME},
        {"username": "nobody", "role": ""},
        {"username": "gone", "role": Role.TRAINER, "is_active": False},
    ],
)
def test_setting_a_non_trainer_is_refused_and_changes_nothing(
    account: dict[str, Any], trainer: User, co_trainer: User, sevare_session: Session
) -> None:
    sevare_session.trainers.add(trainer)
    refused = UserFactory(**account)

    with pytest.raises(WorkshopError) as caught:
        services.session_trainers_set(session=sevare_session, trainers=[co_trainer, refused])

    assert (caught.value.code, caught.value.field) == ("not_a_trainer", "trainers")
    assert list(sevare_session.trainers.all()) == [trainer]


def test_a_session_update_with_a_refused_trainer_changes_nothing(
    programme_officer: User, sevare_session: Session
) -> None:
    with pytest.raises(WorkshopError):
        services.session_update(
            session=sevare_session, venue="Ailleurs", trainers=[programme_officer]
        )

    sevare_session.refresh_from_db()
    assert sevare_session.venue == "Hôtel La Palmeraie"


# --- When an account stops being a trainer ------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MONITORING, Role.PROGRAMME, Role.ADMINISTRATOR])
def test_a_trainer_given_another_role_is_taken_off_every_session(
    role: str,
    administrator: User,
    client_for: ClientFor,
    trainer: User,
    co_trainer: User,
    sevare_session: Session,
    workshop: Workshop,
) -> None:
    other = SessionFactory(workshop=workshop)
    sevare_session.trainers.add(trainer, co_trainer)
    other.trainers.add(trainer)

    response = client_for(administrator).post(
        reverse("user_edit", kwargs={"pk": trainer.pk}), _account_form(trainer, role=role)
    )

    assert response.status_code == 302
    assert not trainer.assigned_sessions.exists()
    assert list(sevare_session.trainers.all()) == [co_trainer]  # the others stay
    last = AuditEntry.objects.filter(object_uid=sevare_session.uid).latest("id")
    assert last.changes == {
        "trainers": [[str(trainer.pk), str(co_trainer.pk)], [str(co_trainer.pk)]]
    }


def test_a_trainer_who_stays_a_trainer_keeps_their_sessions(
    administrator: User, client_for: ClientFor, trainer: User, sevare_session: Session
) -> None:
    sevare_session.trainers.add(trainer)

    client_for(administrator).post(
        reverse("user_edit", kwargs={"pk": trainer.pk}),
        _account_form(trainer, first_name="Mamadou"),
    )

    trainer.refresh_from_db()
    assert trainer.first_name == "Mamadou"
    assert list(trainer.assigned_sessions.all()) == [sevare_session]


def test_a_deactivated_trainer_is_taken_off_every_session(
    administrator: User, client_for: ClientFor, trainer: User, sevare_session: Session
) -> None:
    sevare_session.trainers.add(trainer)

    response = client_for(administrator).post(
        reverse("user_edit", kwargs={"pk": trainer.pk}), _account_form(trainer, is_active=False)
    )

    assert response.status_code == 302
    trainer.refresh_from_db()
    assert not trainer.is_active
    assert not trainer.assigned_sessions.exists()


def test_user_deactivate_takes_the_trainer_off_every_session(
    administrator: User, trainer: User, sevare_session: Session
) -> None:
    sevare_session.trainers.add(trainer)

    services_users.user_deactivate(user=trainer, actor=administrator)

    assert not trainer.assigned_sessions.exists()


def test_the_assignments_end_in_the_transaction_of_the_role_change(
    administrator: User,
    trainer: User,
    sevare_session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sevare_session.trainers.add(trainer)

    def fail(**kwargs: Any) -> None:
        raise RuntimeError("workshops could not end the assignments")

    monkeypatch.setattr(receivers, "trainer_assignments_end", fail)

    with pytest.raises(RuntimeError):
        services_users.user_update(
            user=trainer, actor=administrator, username="trainer", role=Role.MONITORING
        )

    trainer.refresh_from_db()
    assert trainer.role == Role.TRAINER  # the role change was undone with it
    assert list(trainer.assigned_sessions.all()) == [sevare_session]
