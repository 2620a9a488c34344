"""Every download is a file to save that no cache keeps: ``Content-Disposition: attachment`` and
``Cache-Control: private, no-store`` (``kalan.core.http.attachment``).

The list below names every route that serves a file; a route added later with a file's extension
or a ``fmt`` parameter fails ``test_every_route_that_serves_a_file_is_listed`` until it is listed
here, and so checked.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from kalan.core.models import Organisation, Partner, User
from kalan.custody.models import DetentionPlace, Visit
from kalan.documents.models import Letter, MissionOrder
from kalan.documents.services import mission_orders_issue
from kalan.finance.models import BudgetLine
from kalan.reports.models import Photo
from kalan.reports.photos import photos_upload
from kalan.reports.tdr import tdr_current, tdr_save, tdr_send
from tests.documents.correspondence import (
    issue,
    letters_signatory,
    police_mopti_command,
    traveller_to,
)
from tests.factories import FundingFactory
from tests.security.routes import routes
from tests.security.support import Programme, fetched

# What the route's address ends with when it serves a file, or the parameter that picks its
# format.
FILE_ROUTE = re.compile(r"\.(pdf|docx|xlsx|csv|jpg|zip)\$?$|[<:]fmt>")


def photo_of(programme: Programme) -> Photo:
    image = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(image, "JPEG")
    upload = SimpleUploadedFile("groupe.jpg", image.getvalue(), content_type="image/jpeg")
    (photo,) = photos_upload(session=programme.session, uploads=[upload], by=None)
    return photo


def visit_of(programme: Programme) -> Visit:
    """A custody visit in the session's town, whose report is downloaded."""
    place = DetentionPlace.objects.create(
        name="Chambre de sûreté", kind="brigade", locality=programme.session.place
    )
    return Visit.objects.create(place=place, kind="announced", visited_on=dt.date(2023, 2, 14))


def correspondence_of(programme: Programme) -> tuple[Letter, MissionOrder]:
    """A letter to a command and a mission order of the session, issued and kept as issued."""
    letters_signatory(Organisation.objects.get())
    start = programme.session.start_date
    [letter] = issue(
        programme.session,
        [police_mopti_command()],
        deadline=start - dt.timedelta(days=10),
        dated=start - dt.timedelta(days=20),
    )
    [order] = mission_orders_issue(
        session=programme.session,
        travellers=[traveller_to(programme.session)],
        dated=start - dt.timedelta(days=5),
        by=None,
    )
    return letter, order


def tdr_sent_of(programme: Programme, funder: Partner) -> int:
    """Version 1 of the workshop's terms of reference, saved and marked sent to the funder."""
    workshop = programme.workshop
    draft = tdr_current(workshop=workshop, language="fr")
    tdr_save(workshop=workshop, language="fr", sections=draft.sections, by=None)
    sent = tdr_send(
        workshop=workshop, language="fr", partner=funder, sent_on=dt.date(2022, 10, 3), by=None
    )
    return sent.version


def financed(programme: Programme, funder: Partner) -> None:
    """The funder pays the workshop, whose per diem and transport lines hold the statement's
    amounts: the financial report can be issued (no line over its plan unexplained)."""
    FundingFactory(workshop=programme.workshop, partner=funder, amount=5_000_000)
    for category in ("per_diem", "transport"):
        BudgetLine.objects.create(
            workshop=programme.workshop, category=category, partner=funder, planned=1_000_000
        )


def download_urls(programme: Programme, funder: Partner) -> dict[str, list[str]]:
    """Every download, by route name: one address a format, naming the programme's records."""
    session, workshop = {"uid": programme.session.uid}, {"pk": programme.workshop.pk}
    donor = f"?partenaire={funder.pk}&du=2022-01-01&au=2022-12-31&langue=fr"
    financial = f"?bailleur={funder.pk}&du=2022-01-01&au=2022-12-31&langue=fr"
    photo = photo_of(programme)
    visit = {"uid": visit_of(programme).uid}
    letter, order = correspondence_of(programme)
    version = tdr_sent_of(programme, funder)
    financed(programme, funder)
    simple = {
        "certificates_download": session,
        "certificate_download": {"uid": programme.certificate.uid},
        "statement_pdf": {"uid": programme.statement.uid},
        "statement_xlsx": {"uid": programme.statement.uid},
        "session_statement_preview_xlsx": session,
        "results_export": {"uid": programme.test.uid},
        "audit_export": {},
        "sign_in_sheets": session,
        "sign_in_sheets_blank": session,
        "sign_in_sheet_day": {**session, "day": programme.session.start_date.isoformat()},
        "session_badges": session,
        "session_participants_docx": session,
        "session_attendance_docx": session,
        "session_press_docx": {**session, "language": "fr"},
        "session_press_pdf": {**session, "language": "fr"},
        "workshop_press_docx": {**workshop, "language": "fr"},
        "workshop_press_pdf": {**workshop, "language": "fr"},
        "commitment_forms_pdf": session,
        "visit_report_docx": visit,
        "visit_report_pdf": visit,
        "letter_pdf": {"uid": letter.uid},
        "letter_docx": {"uid": letter.uid},
        "letter_template": {"uid": letter.uid},
        "letters_zip": {"batch": letter.batch},
        "mission_order_pdf": {"uid": order.uid},
        "mission_order_docx": {"uid": order.uid},
        "mission_orders_zip": {"batch": order.batch},
        "workshop_tdr_docx": {**workshop, "language": "fr"},
        "workshop_tdr_pdf": {**workshop, "language": "fr"},
    }
    urls = {name: [reverse(name, kwargs=kwargs)] for name, kwargs in simple.items()}
    by_format = {
        "person_export": ({}, ("xlsx", "csv")),
        "session_export": (session, ("xlsx", "csv")),
        "dashboard_download": ({"chart": "participants"}, ("xlsx", "csv")),
        "activity_report_download": ({**workshop, "language": "fr"}, ("pdf", "docx")),
        "donor_report_download": ({}, ("pdf", "docx", "xlsx")),
        "financial_report_download": ({}, ("xlsx", "docx", "pdf")),
        "workshop_tdr_version": (
            {**workshop, "language": "fr", "version": version},
            ("pdf", "docx"),
        ),
    }
    for name, (kwargs, formats) in by_format.items():
        urls[name] = [reverse(name, kwargs={**kwargs, "fmt": fmt}) for fmt in formats]
    urls["donor_report_download"] = [url + donor for url in urls["donor_report_download"]]
    urls["financial_report_download"] = [
        url + financial for url in urls["financial_report_download"]
    ]
    image = reverse("photo_image", kwargs={"uid": photo.uid, "variant": "image"})
    urls["photo_image"] = [f"{image}?telecharger=1"]
    return urls


def test_every_route_that_serves_a_file_is_listed(programme: Programme, funder: Partner) -> None:
    serving_files = {route.name for route in routes() if FILE_ROUTE.search(route.route)}

    assert serving_files == set(download_urls(programme, funder))


def test_every_download_is_an_attachment_that_no_cache_keeps(
    programme: Programme,
    funder: Partner,
    administrator: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(administrator)
    faults = []
    for name, urls in download_urls(programme, funder).items():
        for url in urls:
            response = fetched(client.get(url))
            cache_control = response.headers.get("Cache-Control", "")
            if (
                response.status_code != 200
                or not response.headers.get("Content-Disposition", "").startswith("attachment")
                or "no-store" not in cache_control
                or "private" not in cache_control
                or response.headers.get("X-Content-Type-Options") != "nosniff"
            ):
                faults.append(f"{name} {url} ({response.status_code}, {dict(response.headers)})")

    assert faults == []


def test_a_photo_shown_in_the_page_stays_inline_and_is_not_kept_either(
    programme: Programme, administrator: User, client_for: Callable[[User], Client]
) -> None:
    photo = photo_of(programme)
    url = reverse("photo_image", kwargs={"uid": photo.uid, "variant": "vignette"})

    response = fetched(client_for(administrator).get(url))

    assert response.status_code == 200
    assert not response.headers.get("Content-Disposition", "").startswith("attachment")
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]
