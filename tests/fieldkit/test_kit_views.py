"""The page « Kits de terrain » and the form that issues a kit (issue 16, « Out »).

The kit the form sends back is decrypted with the passphrase typed in the form and read: the
test fails if the file is not a kit of the chosen session.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kalan.core.models import NumberBlock, User
from kalan.fieldkit.kit import FieldKitError, _read, kit_create
from kalan.fieldkit.models import FieldKit
from kalan.workshops.models import Session
from tests.factories import EnrollmentFactory, PersonFactory, SessionFactory, UserFactory, place

PASSPHRASE = "Kit-Sévaré-Palmeraie-2022"
LIST, FORM = reverse("field_kit_list"), reverse("field_kit_create")

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(sevare_session: Session, trainer: User) -> tuple[Session, Session]:
    """Sévaré (its trainer, two officers) and Ségou (one officer), of the same workshop."""
    sevare_session.trainers.add(trainer)
    for name in ("Diarra", "Traoré"):
        EnrollmentFactory(session=sevare_session, person=PersonFactory(last_name=name))
    segou = SessionFactory(workshop=sevare_session.workshop, place=place("Ségou"))
    EnrollmentFactory(session=segou, person=PersonFactory(last_name="Keïta"))
    return sevare_session, segou


def _issue(client: Client, session: Session, **extra: Any) -> Any:
    data = {
        "sessions": [str(session.uid)],
        "passphrase": PASSPHRASE,
        "passphrase_confirm": PASSPHRASE,
        **extra,
    }
    return client.post(FORM, data)


def _body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _opened(data: bytes, tmp_path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[Any]]:
    """The kit's manifest, rows and accounts, decrypted with the passphrase typed in the form."""
    kit = tmp_path / "kit.kkit"
    kit.write_bytes(data)
    folder = tmp_path / "read"
    folder.mkdir()
    manifest, content = _read(kit, PASSPHRASE, folder)
    lines = (content / "rows.jsonl").read_text(encoding="utf-8").splitlines()
    accounts = json.loads((content / "accounts.json").read_text(encoding="utf-8"))
    return manifest, [json.loads(line) for line in lines], accounts


def test_the_list_shows_a_kit_its_sessions_issuer_and_number_blocks(
    sessions: tuple[Session, Session],
    programme_officer: User,
    client_for: Callable[[User], Client],
    tmp_path: Path,
) -> None:
    sevare, segou = sessions
    result = kit_create(
        sessions=[sevare, segou],
        by=programme_officer,
        passphrase=PASSPHRASE,
        destination=tmp_path / "k.kkit",
    )

    response = client_for(programme_officer).get(LIST)
    page = response.content.decode()
    assert response.status_code == 200
    assert result.kit.label in page
    assert reverse("session_detail", kwargs={"uid": sevare.uid}) in page
    assert reverse("session_detail", kwargs={"uid": segou.uid}) in page
    assert programme_officer.get_full_name() in page
    # Three persons (two in Sévaré, one in Ségou); the blocks headquarters no longer gives.
    assert '<td class="num">3</td>' in page
    blocks = NumberBlock.objects.filter(kit_uid=result.kit.uid, local=False)
    assert blocks.count() == 2
    for block in blocks:
        assert f"{block.prefix}{block.first:04d} → {block.prefix}{block.last:04d}" in page
    assert PASSPHRASE not in page


def test_the_list_costs_the_same_queries_for_one_kit_or_many(
    sessions: tuple[Session, Session],
    programme_officer: User,
    client_for: Callable[[User], Client],
    tmp_path: Path,
) -> None:
    client = client_for(programme_officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    kit_create(sessions=[sessions[0]], by=None, passphrase=PASSPHRASE, destination=tmp_path / "1")
    queries()  # a client's first page also checks its two-factor devices and saves its session
    one = queries()
    for n in range(3):
        kit_create(
            sessions=list(sessions), by=None, passphrase=PASSPHRASE, destination=tmp_path / f"{n}"
        )
    assert queries() == one


def test_the_session_page_offers_the_form_with_its_session_chosen(
    sessions: tuple[Session, Session],
    programme_officer: User,
    trainer: User,
    client_for: Callable[[User], Client],
) -> None:
    sevare, segou = sessions
    detail = reverse("session_detail", kwargs={"uid": sevare.uid})
    link = f"{FORM}?session={sevare.uid}"
    assert link in client_for(programme_officer).get(detail).content.decode()
    assert FORM not in client_for(trainer).get(detail).content.decode()

    page = client_for(programme_officer).get(link).content.decode()
    assert f'value="{sevare.uid}" id="id_sessions_' in page
    checked = [
        line for line in page.splitlines() if "checked" in line and 'name="sessions"' in line
    ]
    assert len(checked) == 1 and str(sevare.uid) in checked[0]
    assert str(segou.uid) in page  # offered, not chosen


def test_the_form_says_which_sessions_already_left_in_a_kit(
    sessions: tuple[Session, Session],
    programme_officer: User,
    client_for: Callable[[User], Client],
    tmp_path: Path,
) -> None:
    sevare, segou = sessions
    kit_create(sessions=[sevare], by=None, passphrase=PASSPHRASE, destination=tmp_path / "k")

    form = client_for(programme_officer).get(FORM).context["form"]
    labels = {str(value): str(label) for value, label in form.fields["sessions"].choices}
    assert "(déjà dans un kit émis le " in labels[str(sevare.uid)]
    assert "déjà" not in labels[str(segou.uid)]


def test_the_form_sends_a_kit_of_the_chosen_session_that_opens_with_the_passphrase(
    sessions: tuple[Session, Session],
    programme_officer: User,
    trainer: User,
    client_for: Callable[[User], Client],
    tmp_path: Path,
) -> None:
    sevare, _segou = sessions
    extra = UserFactory(username="awa.coordination", role="monitoring")
    client = client_for(programme_officer)

    response = _issue(client, sevare, accounts=[extra.username])
    data = _body(response)

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="kalan-kit-sevare-')
    assert disposition.endswith('.kkit"')
    assert "no-store" in response["Cache-Control"]
    manifest, rows, accounts = _opened(data, tmp_path)
    assert manifest["sessions"] == [str(sevare.uid)]
    persons = {row["f"]["last_name"] for row in rows if row["m"] == "people.Person"}
    assert persons == {"Diarra", "Traoré"}  # not Keïta, of Ségou
    assert {a["username"] for a in accounts} == {trainer.username, extra.username}
    kit = FieldKit.objects.get()
    assert (str(kit.uid), kit.issued_by, list(kit.sessions.all())) == (
        manifest["kit"],
        programme_officer,
        [sevare],
    )
    assert PASSPHRASE.encode() not in data
    # The next page says the kit left, and how to give its passphrase.
    after = client.get(LIST).content.decode()
    assert "Kit émis" in after and PASSPHRASE not in after


@pytest.mark.parametrize(
    ("again", "field", "message"),
    [
        ("Kit-Ségou-autre-phrase", "passphrase_confirm", "Les deux phrases secrètes diffèrent."),
        ("Kit-Mopti", "passphrase", "au moins 12 caractères (elle en a 9)"),
    ],
)
def test_a_wrong_passphrase_is_refused_at_its_field_and_issues_nothing(
    sessions: tuple[Session, Session],
    programme_officer: User,
    client_for: Callable[[User], Client],
    again: str,
    field: str,
    message: str,
) -> None:
    first = PASSPHRASE if field == "passphrase_confirm" else again
    response = client_for(programme_officer).post(
        FORM,
        {"sessions": [str(sessions[0].uid)], "passphrase": first, "passphrase_confirm": again},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert list(response.context["form"].errors) == [field]  # said once, where it is wrong
    assert f'id="id_{field}_error"' in page
    # Neither phrase is written back into the form.
    assert first not in page and again not in page
    assert 'name="passphrase" ' in page and "value=" not in _input(page, "passphrase")
    assert not FieldKit.objects.exists() and not NumberBlock.objects.exists()


def _input(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return page[page.rindex("<input", 0, start) : page.index(">", start)]


def test_no_session_or_an_unknown_account_is_refused_at_its_field(
    sessions: tuple[Session, Session],
    programme_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(programme_officer)
    none = client.post(FORM, {"passphrase": PASSPHRASE, "passphrase_confirm": PASSPHRASE})
    unknown = _issue(client, sessions[0], accounts=["personne"])

    assert none.status_code == unknown.status_code == 400
    assert none.context["form"].errors["sessions"] == ["Choisissez au moins une session."]
    assert "personne" in str(unknown.context["form"].errors["accounts"])
    assert not FieldKit.objects.exists() and not NumberBlock.objects.exists()


def test_an_error_of_the_kit_is_shown_at_its_field_and_nothing_is_kept(
    sessions: tuple[Session, Session],
    programme_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    refused = FieldKitError("Choisissez au moins une session.", code="no_session")
    with mock.patch("kalan.fieldkit.views.kit_create", side_effect=refused):
        response = _issue(client_for(programme_officer), sessions[0])

    assert response.status_code == 400
    assert response.context["form"].errors["sessions"] == ["Choisissez au moins une session."]
    assert PASSPHRASE not in response.content.decode()


def test_a_kit_whose_file_cannot_be_sent_is_not_recorded(
    sessions: tuple[Session, Session],
    programme_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(programme_officer)
    with mock.patch("kalan.fieldkit.views.shutil.copyfileobj", side_effect=OSError("disque")):
        response = _issue(client, sessions[0])

    assert response.status_code == 500
    assert not FieldKit.objects.exists() and not NumberBlock.objects.exists()


def test_the_passphrase_is_in_no_log_even_when_the_page_fails(
    sessions: tuple[Session, Session],
    programme_officer: User,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(programme_officer)
    with (
        caplog.at_level(logging.DEBUG),
        mock.patch("kalan.fieldkit.views.kit_create", side_effect=RuntimeError("panne")),
    ):
        response = _issue(client, sessions[0])

    assert response.status_code == 500
    assert "panne" in caplog.text  # the failure is logged…
    assert PASSPHRASE not in caplog.text  # …without what was typed
    assert PASSPHRASE not in response.content.decode()


@pytest.mark.parametrize("who", ["trainer", "monitoring_officer", "finance_officer"])
def test_other_roles_get_403_and_issue_nothing(
    who: str,
    sessions: tuple[Session, Session],
    request: pytest.FixtureRequest,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(request.getfixturevalue(who))

    assert client.get(LIST).status_code == 403
    assert client.get(FORM).status_code == 403
    assert _issue(client, sessions[0]).status_code == 403
    assert not FieldKit.objects.exists() and not NumberBlock.objects.exists()
