"""The session's certificates page (staff) and the public verification page (anyone)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from kalan.certificates import views as views_certificates
from kalan.certificates.models import Certificate
from kalan.certificates.services import certificate_revoke, certificates_issue
from kalan.core.models import User
from kalan.people.models import Person
from kalan.workshops.models import Attendance, Enrollment, Session
from tests.factories import EnrollmentFactory, PersonFactory, UnitFactory, rank


@pytest.fixture(autouse=True)
def _fresh_rate_limit(db: None) -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def attend_all(enrollment: Enrollment) -> None:
    Attendance.objects.bulk_create(
        Attendance(enrollment=enrollment, day=day) for day in enrollment.session.days
    )


@pytest.fixture
def holder(sevare_session: Session) -> Enrollment:
    person = PersonFactory(
        last_name="Maïga",
        first_names="Aïssata",
        sex=Person.Sex.FEMALE,
        rank=rank("Gendarmerie", "Capitaine"),
        unit=UnitFactory(name="Brigade territoriale de Sévaré"),
        phone="+223 76 12 34 56",
        service_number="G-778899",
    )
    enrollment = EnrollmentFactory(session=sevare_session, person=person)
    attend_all(enrollment)
    return enrollment


@pytest.fixture
def certificate(holder: Enrollment) -> Certificate:
    [issued] = certificates_issue(session=holder.session, by=None)
    return issued


def verify(client: Client, code: str) -> object:
    return client.get(reverse("certificate_verify", kwargs={"code": code}))


# --- Public page ---------------------------------------------------------------------------------


def test_valid_code_shows_name_workshop_dates_and_valid(certificate: Certificate) -> None:
    response = verify(Client(), certificate.short_code)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Aïssata MAÏGA" in page
    assert "Les droits de l’homme dans l’enquête de police judiciaire" in page
    assert "8-10 novembre 2022" in page
    assert "Attestation valide" in page


def test_page_shows_nothing_else_about_the_holder(certificate: Certificate) -> None:
    page = verify(Client(), certificate.short_code).content.decode()

    for private in (
        "Capitaine",
        "Brigade territoriale de Sévaré",
        "+223 76 12 34 56",
        "G-778899",
        "Gendarmerie",
        certificate.number,
    ):
        assert private not in page


def test_revoked_code_says_revoked_without_the_reason(certificate: Certificate) -> None:
    certificate_revoke(certificate=certificate, by=None, reason="Faute disciplinaire grave")

    response = verify(Client(), certificate.short_code)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Attestation révoquée" in page and "Attestation valide" not in page
    assert "Faute disciplinaire" not in page


def test_unknown_code_is_a_404_with_a_clear_message(certificate: Certificate) -> None:
    other = "".join(reversed(certificate.short_code))
    response = verify(Client(), "ZZZZ2222" if other == certificate.short_code else other)

    assert response.status_code == 404
    assert "Aucune attestation ne porte ce code" in response.content.decode()
    assert "MAÏGA" not in response.content.decode()


def test_typed_code_forgives_case_spaces_and_dashes(certificate: Certificate) -> None:
    code = certificate.short_code
    typed = f" {code[:4].lower()}-{code[4:]} "

    response = Client().get(reverse("certificate_verify_form"), {"code": typed}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("certificate_verify", kwargs={"code": code})
    assert "Attestation valide" in response.content.decode()


def test_form_page_is_public() -> None:
    response = Client().get(reverse("certificate_verify_form"))

    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_too_many_lookups_from_one_address_get_429(
    certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_certificates, "VERIFY_LIMIT", 3)
    client, neighbour = Client(REMOTE_ADDR="10.0.0.7"), Client(REMOTE_ADDR="10.0.0.8")

    statuses = [verify(client, certificate.short_code).status_code for _n in range(4)]

    assert statuses == [200, 200, 200, 429]
    limited = verify(client, certificate.short_code)
    assert "Trop de vérifications" in limited.content.decode()
    assert "MAÏGA" not in limited.content.decode()
    assert limited["Retry-After"] == "60"
    assert verify(neighbour, certificate.short_code).status_code == 200


class _Records(logging.Handler):
    """Every record the root logger receives, formatted (what a log file would hold)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()} {record.args!r}")


def test_nothing_personal_reaches_the_logs(
    certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A handler of its own rather than caplog, so that the test also runs with -p no:logging.
    monkeypatch.setattr(views_certificates, "VERIFY_LIMIT", 1)
    client = Client()
    root, records = logging.getLogger(), _Records()
    level = root.level
    root.addHandler(records)
    root.setLevel(logging.DEBUG)
    try:
        assert verify(client, "ABCDEFGH").status_code == 404  # unknown
        assert verify(client, certificate.short_code).status_code == 429  # over the limit
    finally:
        root.removeHandler(records)
        root.setLevel(level)

    logged = "\n".join(records.lines)
    assert "ABCDEFGH" not in logged and certificate.short_code not in logged
    assert "MAÏGA" not in logged.upper()


# --- Staff page ----------------------------------------------------------------------------------


@pytest.fixture
def officer_client(client_for: Callable[[User], Client], programme_officer: User) -> Client:
    return client_for(programme_officer)


def test_staff_page_needs_login(sevare_session: Session) -> None:
    url = reverse("session_certificates", kwargs={"uid": sevare_session.uid})

    response = Client().get(url)

    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_staff_page_lists_share_attended_and_issue_button(
    officer_client: Client, holder: Enrollment
) -> None:
    absent = EnrollmentFactory(session=holder.session)
    Attendance.objects.create(enrollment=absent, day=holder.session.start_date)

    response = officer_client.get(
        reverse("session_certificates", kwargs={"uid": holder.session.uid})
    )

    page = response.content.decode()
    assert "3/3 (100" in page and "1/3 (33" in page
    assert "Délivrer les attestations" in page


def test_issue_then_revoke_through_the_page(
    officer_client: Client, holder: Enrollment, programme_officer: User
) -> None:
    session = holder.session

    officer_client.post(
        reverse("certificates_issue", kwargs={"uid": session.uid}), {"language": "fr"}
    )

    certificate = Certificate.objects.get(enrollment=holder)
    assert certificate.issued_by == programme_officer
    page = officer_client.get(
        reverse("session_certificates", kwargs={"uid": session.uid})
    ).content.decode()
    assert certificate.number in page and certificate.short_code in page
    revoke = reverse("certificate_revoke", kwargs={"uid": certificate.uid})
    response = officer_client.post(revoke, {"reason": ""}, follow=True)
    assert "Indiquez le motif" in response.content.decode()
    officer_client.post(revoke, {"reason": "Erreur sur le nom"})
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "Erreur sur le nom" and not certificate.valid


def test_download_all_and_one(officer_client: Client, certificate: Certificate) -> None:
    session = certificate.enrollment.session
    other = EnrollmentFactory(session=session)
    attend_all(other)
    certificates_issue(session=session, by=None)

    everything = officer_client.get(reverse("certificates_download", kwargs={"uid": session.uid}))
    alone = officer_client.get(reverse("certificate_download", kwargs={"uid": certificate.uid}))

    assert everything["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(everything.content)).pages) == 2
    pages = PdfReader(io.BytesIO(alone.content)).pages
    assert len(pages) == 1 and certificate.number in pages[0].extract_text()
    assert f'filename="{certificate.number}.pdf"' in alone["Content-Disposition"]


def test_revoked_certificate_is_not_downloaded(
    officer_client: Client, certificate: Certificate
) -> None:
    certificate_revoke(certificate=certificate, by=None, reason="Doublon")

    response = officer_client.get(reverse("certificate_download", kwargs={"uid": certificate.uid}))

    assert response.status_code == 302


def test_staff_page_queries_do_not_grow_with_participants(
    officer_client: Client,
    sevare_session: Session,
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    for _n in range(25):
        attend_all(EnrollmentFactory(session=sevare_session))
    certificates_issue(session=sevare_session, by=None)
    url = reverse("session_certificates", kwargs={"uid": sevare_session.uid})

    with django_assert_max_num_queries(10):  # type: ignore[operator]
        response = officer_client.get(url)

    assert response.status_code == 200


def test_session_page_links_to_certificates(
    officer_client: Client, sevare_session: Session
) -> None:
    page = officer_client.get(
        reverse("session_detail", kwargs={"uid": sevare_session.uid})
    ).content.decode()

    assert reverse("session_certificates", kwargs={"uid": sevare_session.uid}) in page
