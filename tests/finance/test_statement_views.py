"""The statements page of a session, issuing from it, and the downloads."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from pytest_django import DjangoAssertNumQueries, Settings

from kalan.core.models import Organisation, Signatory, User
from kalan.finance.models import PaymentStatement
from kalan.finance.statements import statement_issue
from kalan.workshops.models import Attendance, Enrollment, Session
from tests.factories import AttendanceFactory, EnrollmentFactory, PersonFactory
from tests.spreadsheets import body, xlsx_has_formulas, xlsx_values

ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _present(enrollment: Enrollment, days: int) -> None:
    for n in range(days):
        AttendanceFactory(
            enrollment=enrollment, day=enrollment.session.start_date + dt.timedelta(days=n)
        )


@pytest.fixture
def session(sevare_session: Session, organisation: Organisation) -> Session:
    """Rates 25 000 and 10 000; TRAORÉ present 3 days, DIARRA 2, KEÏTA never."""
    sevare_session.per_diem_rate = 25_000
    sevare_session.transport_rate = 10_000
    sevare_session.save()
    for last_name, days in (("Traoré", 3), ("Diarra", 2), ("Keïta", 0)):
        _present(
            EnrollmentFactory(session=sevare_session, person=PersonFactory(last_name=last_name)),
            days,
        )
    return sevare_session


def _url(session: Session) -> str:
    return reverse("session_statements", kwargs={"uid": session.uid})


def test_it_requires_login(client: Client, session: Session) -> None:
    response = client.get(_url(session))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_preview_with_totals_and_words(
    client_for: ClientFor, programme_officer: User, session: Session
) -> None:
    response = client_for(programme_officer).get(_url(session))

    assert response.status_code == 200
    text = response.content.decode().replace("\u00a0", " ").replace("\u202f", " ")
    assert "TRAORÉ" in text
    assert "KEÏTA" not in text
    assert "85 000" in text
    assert "145 000 FCFA" in text
    assert "cent quarante-cinq mille" in text
    assert "Aucun état n’a encore été émis" in text
    traore = session.enrollments.get(person__last_name="Traoré").person
    assert f'<td class="hide-sm">{traore.service_number}</td>' in text


def test_it_issues_a_statement_and_lists_it(
    client_for: ClientFor, finance_officer: User, session: Session
) -> None:
    client = client_for(finance_officer)

    response = client.post(_url(session), follow=True)

    statement = PaymentStatement.objects.get()
    assert statement.number == "EP-2022-0001"
    assert statement.issued_by == finance_officer
    text = response.content.decode()
    assert "État EP-2022-0001 émis." in text
    assert 'id="statement-EP-2022-0001"' in text
    assert "Seydou Konaté" in text
    assert "à jour" in text
    assert "Émettre un nouvel état" not in text


def test_it_warns_before_issuing_when_no_signatory_is_set(
    client_for: ClientFor, finance_officer: User, administrator: User, session: Session
) -> None:
    text = client_for(finance_officer).get(_url(session)).content.decode()

    assert 'id="signatories-warning"' in text
    assert "Aucun signataire n’est désigné pour les états de paiement" in text
    assert "Émettre un nouvel état" in text  # a warning, not a refusal
    assert reverse("organisation_settings") not in text.split('id="signatories-warning"')[1]
    # The one who can set them gets the way there.
    text = client_for(administrator).get(_url(session)).content.decode()
    warning = text.split('id="signatories-warning"')[1].split("</p>")[0]
    assert reverse("organisation_settings") in warning


def test_it_shows_who_signs_each_box_and_which_stay_blank(
    client_for: ClientFor, finance_officer: User, session: Session, organisation: Organisation
) -> None:
    Signatory.objects.create(
        organisation=organisation,
        name="Aguibou Bouaré",
        title="Secrétaire général",
        statement_role=Signatory.StatementRole.APPROVED,
    )

    text = client_for(finance_officer).get(_url(session)).content.decode()

    assert 'id="signatories-warning"' not in text
    signers = text.split('id="statement-signers"')[1].split("</div>")[0]
    assert "Approuvé par</strong> — Aguibou Bouaré, Secrétaire général" in signers
    assert signers.count("non désigné") == 2


def test_only_a_role_that_issues_statements_may_issue_one(
    client_for: ClientFor,
    programme_officer: User,
    monitoring_officer: User,
    trainer: User,
    session: Session,
) -> None:
    # The programme officer and M&E read statements; issuing one is finance's.
    session.trainers.add(trainer)
    for user in (programme_officer, monitoring_officer):
        text = client_for(user).get(_url(session)).content.decode()
        assert "Émettre un nouvel état" not in text
        assert client_for(user).post(_url(session)).status_code == 403
    assert client_for(trainer).get(_url(session)).status_code == 403
    assert client_for(trainer).post(_url(session)).status_code == 403
    assert not PaymentStatement.objects.exists()


def test_it_reports_refusal_when_nobody_was_present(
    client_for: ClientFor, finance_officer: User, sevare_session: Session
) -> None:
    EnrollmentFactory(session=sevare_session)

    response = client_for(finance_officer).post(_url(sevare_session), follow=True)

    assert not PaymentStatement.objects.exists()
    assert "il n’y a rien à payer" in response.content.decode()


def test_it_marks_an_outdated_statement(
    client_for: ClientFor, finance_officer: User, session: Session
) -> None:
    statement_issue(session=session, by=finance_officer)
    _present(session.enrollments.get(person__last_name="Keïta"), 1)

    text = client_for(finance_officer).get(_url(session)).content.decode()

    assert "périmé : réémettre" in text
    assert "Émettre un nouvel état" in text


def test_page_queries_do_not_grow_with_rows(
    client_for: ClientFor,
    programme_officer: User,
    session: Session,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(programme_officer)
    statement_issue(session=session, by=programme_officer)
    client.get(_url(session))  # warm the session and the user
    for _n in range(20):
        _present(EnrollmentFactory(session=session), 2)
    statement_issue(session=session, by=None)

    # 13: the statement's signatories (the approval block) are one query of their own.
    with django_assert_max_num_queries(13):
        response = client.get(_url(session))

    assert response.status_code == 200


def test_pdf_download_is_the_stored_file(
    client_for: ClientFor, programme_officer: User, session: Session
) -> None:
    statement = statement_issue(session=session, by=programme_officer)
    with statement.pdf.open("rb") as file:
        stored = file.read()
    Attendance.objects.all().delete()

    response = client_for(programme_officer).get(
        reverse("statement_pdf", kwargs={"uid": statement.uid})
    )

    data = body(response)
    assert data == stored
    assert response["Content-Type"] == "application/pdf"
    assert "EP-2022-0001" in response["Content-Disposition"]
    assert "TRAORÉ" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_xlsx_of_an_issued_statement_comes_from_its_stored_lines(
    client_for: ClientFor, programme_officer: User, session: Session
) -> None:
    statement = statement_issue(session=session, by=programme_officer)
    Attendance.objects.filter(enrollment__person__last_name="Traoré").delete()

    response = client_for(programme_officer).get(
        reverse("statement_xlsx", kwargs={"uid": statement.uid})
    )

    data = body(response)
    rows = xlsx_values(data)
    # TRAORÉ is still there: the workbook is the statement as issued, not as attendance is now.
    assert [str(row[1]).split()[0] for row in rows[1:3]] == ["DIARRA", "TRAORÉ"]
    total_row = next(row for row in rows if row[1] == "Total")
    assert total_row[-1] == 145_000
    assert any(isinstance(row[1], str) and "EP-2022-0001" in row[1] for row in rows)
    assert not xlsx_has_formulas(data)


def test_xlsx_preview_follows_current_attendance(
    client_for: ClientFor, programme_officer: User, session: Session
) -> None:
    statement_issue(session=session, by=programme_officer)
    Attendance.objects.filter(enrollment__person__last_name="Traoré").delete()

    response = client_for(programme_officer).get(
        reverse("session_statement_preview_xlsx", kwargs={"uid": session.uid})
    )

    rows = xlsx_values(body(response))
    total_row = next(row for row in rows if row[1] == "Total")
    assert total_row[-1] == 60_000
    assert any(isinstance(row[1], str) and "Aperçu" in row[1] for row in rows)


def test_unknown_statement_is_404(client_for: ClientFor, programme_officer: User) -> None:
    uid = "00000000-0000-0000-0000-000000000000"

    client = client_for(programme_officer)

    assert client.get(reverse("statement_pdf", kwargs={"uid": uid})).status_code == 404
    assert client.get(reverse("statement_xlsx", kwargs={"uid": uid})).status_code == 404
    assert client.get(f"/sessions/{uid}/etats/").status_code == 404


def test_session_page_links_to_statements(
    client_for: ClientFor, programme_officer: User, session: Session
) -> None:
    response = client_for(programme_officer).get(
        reverse("session_detail", kwargs={"uid": session.uid})
    )

    assert _url(session) in response.content.decode()
