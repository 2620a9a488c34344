"""Build the legacy database of ``test_upgrade.py``: what Kalan at commit e990814 writes.

Run it with the interpreter of a checkout of that commit (its own virtualenv), an empty data
folder and SQLite (no ``KALAN_DATABASE_URL``)::

    git -C /work/main worktree add /work/legacy e990814
    cd /work/legacy && python3 -m venv .venv && .venv/bin/pip install -q -e ".[dev]"
    KALAN_DATA_DIR=/work/legacy-data .venv/bin/python /work/main/tests/upgrade/build_legacy_db.py

It runs ``kalan migrate``, ``kalan demo`` and two ``kalan participants import``, then drives that
checkout's services as its users would (a list imported from the session page, merges, one
undone, certificates, one revoked, payment statements, a photo, press releases, reports, accounts,
two-factor, logins), and writes into ``tests/upgrade/data/``: ``kalan-e990814.sqlite3``
(vacuumed, rollback journal), ``files-e990814/`` (the data folder's ``media/`` and ``imports/``:
the files the rows name) and ``legacy-e990814.json`` (the leaf migrations of that code and the
SHA-256 of each of those files).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

COMMIT = "e990814"
OUT = Path(__file__).resolve().parent / "data"
KALAN = Path(sys.executable).with_name("kalan")
ADDRESS = "192.168.1.20"
PASSWORDS = {"programme": "Segou-Mopti-OPJ-2022", "finances": "Per-Diem-Transport-2022"}

# Kayes, by half-days: a CSV from the police command (Windows-1252, ";", titles above).
KAYES_CSV = [
    ("TRAORE", "Awa", "F", "Inspecteur de police", "", "Commissariat de Kayes", "76 11 22 01"),
    ("COULIBALY", "Adama", "M", "Sergent de police", "", "Commissariat de Kayes", ""),
    ("DIAKITE", "Kadiatou", "F", "Inspecteur de police", "", "Commissariat de Kita", ""),
    ("SANOGO", "Ibrahim", "M", "Commissaire de police", "P-4471", "Commissariat de Kayes", ""),
    ("KEITA", "Mamadou", "M", "Adjudant de police", "P-5120", "Commissariat de Kita", ""),
    ("DEMBELE", "Oumou", "F", "Sergent-chef de police", "", "Commissariat de Nioro du Sahel", ""),
    (
        "SISSOKO",
        "Boubacar",
        "M",
        "Inspecteur principal de police",
        "P-3318",
        "Commissariat de Kayes",
        "",
    ),
]
# Ségou, an xlsx from mixed commands (one full-name column, several corps).
SEGOU_XLSX = [
    (
        "KOULIBALY Adama",
        "M",
        "Police nationale",
        "Sergent de police",
        "",
        "Commissariat de Kayes",
        "+223 66 45 10 02",
    ),
    (
        "SANOGO Ibrahima",
        "M",
        "Police nationale",
        "Commissaire de police",
        "",
        "Commissariat de Ségou",
        "",
    ),
    ("TOGOLA Nana", "F", "Gendarmerie nationale", "Adjudant", "G-77120", "Brigade de Markala", ""),
    ("SAMAKE Drissa", "M", "Garde nationale", "Sergent", "GN-2209", "Escadron de Ségou", ""),
]
# Kayes again, uploaded from the session page (an ImportBatch).
KAYES_BATCH = [
    ("Diakhité", "Kadiatou", "F", "Inspecteur de police", "Commissariat de Kita", "1990-04-12"),
    ("Bagayoko", "Siaka", "M", "Sergent de police", "Commissariat de Kayes", "1987-09-30"),
]


def main() -> None:
    data_dir = _data_dir()
    _check_checkout()
    _kalan("migrate", "--noinput")
    _kalan("demo")
    _django_setup()
    with tempfile.TemporaryDirectory() as folder:
        kayes, segou = _sessions()
        _trainer(kayes)
        csv_path, xlsx_path, batch_path = _lists(Path(folder))
        _close_connections()
        _kalan("participants", "import", str(csv_path), "--session", str(kayes.uid),
               "--corps", "Police nationale")  # fmt: skip
        _kalan("participants", "import", str(xlsx_path), "--session", str(segou.uid),
               "--over-capacity")  # fmt: skip
        _batch_import(kayes, batch_path)
    _people_and_documents(kayes)
    _communication_and_reports()
    _accounts(kayes)
    _logins()
    _export(data_dir)


def _data_dir() -> Path:
    if os.environ.get("KALAN_DATABASE_URL"):
        sys.exit("Unset KALAN_DATABASE_URL: the legacy database is SQLite.")
    given = os.environ.get("KALAN_DATA_DIR")
    if not given:
        sys.exit("Set KALAN_DATA_DIR to an empty folder.")
    path = Path(given)
    if path.exists() and any(path.iterdir()):
        sys.exit(f"{path} is not empty: the legacy database is built from nothing.")
    return path


def _legacy(module: str, name: str) -> Any:
    """``kalan.<module>.<name>`` of the checkout being run: modules this tree may have moved
    since, so looked up by name rather than imported (neither the linter nor a reader should
    take them for this tree's)."""
    return getattr(importlib.import_module(f"kalan.{module}"), name)


def _git(*args: str) -> str:
    root = Path(importlib.import_module("kalan").__file__ or "").resolve().parents[1]
    done = subprocess.run(  # noqa: S603 - git on our own checkout
        ["git", "-C", str(root), *args],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def _check_checkout() -> None:
    head = _git("rev-parse", "HEAD")
    if not head.startswith(COMMIT) or _git("status", "--porcelain", "--untracked-files=no"):
        sys.exit(f"Run this with a clean checkout of {COMMIT} (found {head[:7]}).")


def _kalan(*args: str) -> None:
    print("+ kalan", " ".join(args), flush=True)
    subprocess.run([str(KALAN), *args], check=True)  # noqa: S603 - that checkout's own command


def _django_setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalan.settings")
    django.setup()


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()


@contextmanager
def _as(username: str | None) -> Iterator[Any]:
    """Audit entries written inside the block name this user and the venue's address."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    audit_request = _legacy("core.audit", "audit_request")
    User = _legacy("core.models", "User")

    request = RequestFactory().get("/", REMOTE_ADDR=ADDRESS)
    user = User.objects.get(username=username) if username else None
    request.user = user or AnonymousUser()
    with audit_request(request):
        yield user


def _sessions() -> tuple[Any, Any]:
    """A third session (Kayes, by half-days, with rates) next to the demo's Ségou session."""
    Place = _legacy("people.models", "Place")
    Session = _legacy("workshops.models", "Session")
    Workshop = _legacy("workshops.models", "Workshop")
    session_create = _legacy("workshops.services", "session_create")

    workshop = Workshop.objects.get()
    with _as("programme"):
        kayes = session_create(
            workshop=workshop,
            place=Place.objects.get(name="Kayes", kind=Place.Kind.TOWN),
            venue="Gouvernorat de Kayes, salle de conférence",
            start_date=dt.date(2023, 3, 14),
            end_date=dt.date(2023, 3, 15),
            capacity=25,
            half_days=True,
            per_diem_rate=15_000,
            transport_rate=5_000,
            certificate_min_percent=75,
        )
    return kayes, Session.objects.get(workshop=workshop, number=2)


def _lists(folder: Path) -> tuple[Path, Path, Path]:
    """The three lists, as commands send them."""
    csv_path = folder / "Liste OPJ police Kayes.csv"
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(["DIRECTION REGIONALE DE LA POLICE DE KAYES"])
    writer.writerow(["Liste des participants à la formation sur les droits de l'homme"])
    writer.writerow([])
    writer.writerow(["N°", "NOM", "PRENOMS", "SEXE", "GRADE", "MLE", "UNITE", "CONTACT"])
    writer.writerows([n, *row] for n, row in enumerate(KAYES_CSV, start=1))
    csv_path.write_bytes(text.getvalue().encode("cp1252"))
    xlsx_path = _workbook(
        folder / "participants_segou.xlsx",
        ["Atelier de Ségou — liste complémentaire"],
        ["N°", "Nom et prénoms", "Sexe", "Corps", "Grade", "Matricule", "Unité", "Tél"],
        *([n, *row] for n, row in enumerate(SEGOU_XLSX, start=1)),
    )
    batch_path = _workbook(
        folder / "complement_kayes.xlsx",
        ["Nom", "Prénom(s)", "Sexe", "Grade", "Unité", "Date de naissance", "Corps"],
        *([*row[:5], dt.date.fromisoformat(row[5]), "Police nationale"] for row in KAYES_BATCH),
    )
    return csv_path, xlsx_path, batch_path


def _workbook(path: Path, *rows: list[Any]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Participants"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _batch_import(kayes: Any, path: Path) -> None:
    """As from the session page: upload, preview, commit; and one upload left in preview."""
    batch_plan = _legacy("people.importing.service", "batch_plan")
    import_batch_create = _legacy("people.importing.service", "import_batch_create")
    import_commit = _legacy("people.importing.service", "import_commit")

    with _as("programme") as user, path.open("rb") as handle:
        batch = import_batch_create(session=kayes, filename=path.name, content=handle, by=user)
        import_commit(plan=batch_plan(batch=batch), by=user, batch=batch)
    with _as("programme") as user, path.open("rb") as handle:
        import_batch_create(session=kayes, filename="copie.xlsx", content=handle, by=user)


def _person(last: str, first: str) -> Any:
    Person = _legacy("people.models", "Person")

    return Person.all_objects.get(last_name__iexact=last, first_names=first)


def _people_and_documents(kayes: Any) -> None:
    _attendance(kayes)
    _merges()
    _certificates(kayes)
    _statements(kayes)


def _attendance(kayes: Any) -> None:
    """Everyone at Kayes every half-day, but Dembélé the last afternoon."""
    attendance_set = _legacy("workshops.services", "attendance_set")

    last = (kayes.days[-1], "pm")
    with _as("formateur.kayes") as user:
        for enrollment in kayes.enrollments.select_related("person"):
            away = enrollment.person.last_name.upper() == "DEMBELE"
            for period in [(day, half) for day in kayes.days for half in kayes.halves]:
                attendance_set(
                    enrollment=enrollment, day=period[0], half=period[1],
                    present=not (away and period == last), by=user,
                )  # fmt: skip


def _merges() -> None:
    """Koulibaly (Ségou) into Coulibaly (Kayes), kept; Diakhité into Diakite (both Kayes), undone;
    Sanogo Ibrahim and Ibrahima dismissed as two persons. None has a test copy or a certificate.
    """
    duplicate_dismiss = _legacy("people.merge", "duplicate_dismiss")
    person_merge = _legacy("people.merge", "person_merge")
    person_merge_undo = _legacy("people.merge", "person_merge_undo")

    with _as("programme") as user:
        person_merge(
            kept=_person("Coulibaly", "Adama"), merged=_person("Koulibaly", "Adama"), by=user,
            score=91.0,
        )  # fmt: skip
        undone = person_merge(
            kept=_person("Diakite", "Kadiatou"), merged=_person("Diakhité", "Kadiatou"), by=user,
            score=88.5,
        )  # fmt: skip
        person_merge_undo(merge=undone, by=user)
        duplicate_dismiss(
            first=_person("Sanogo", "Ibrahim"), second=_person("Sanogo", "Ibrahima"), by=user
        )


def _certificates(kayes: Any) -> None:
    """Sévaré in French (one revoked), Kayes in English."""
    Organisation = _legacy("core.models", "Organisation")
    Signatory = _legacy("core.models", "Signatory")
    certificate_revoke = _legacy("documents.certificates", "certificate_revoke")
    certificates_issue = _legacy("documents.certificates", "certificates_issue")
    Session = _legacy("workshops.models", "Session")

    with _as("admin") as user:
        organisation = Organisation.objects.get()
        Signatory.objects.create(
            organisation=organisation, name="Aguibou Bouaré", title="Président de la CNDH",
            order=1, signs_certificates=True, signs_statements=True,
        )  # fmt: skip
        Signatory.objects.create(
            organisation=organisation, name="Mariam Diallo", title="Secrétaire générale",
            order=2, signs_certificates=False, signs_statements=True,
        )  # fmt: skip
        sevare = Session.objects.get(workshop=kayes.workshop, number=1)
        issued = certificates_issue(session=sevare, by=user)
        certificate_revoke(
            certificate=issued[0], by=user, reason="Nom mal orthographié : attestation à refaire."
        )
        certificates_issue(session=kayes, by=user, language="en")


def _statements(kayes: Any) -> None:
    """Sévaré's statement, and Kayes's, outdated afterwards by a late mark."""
    statement_issue = _legacy("documents.statements", "statement_issue")
    Session = _legacy("workshops.models", "Session")
    attendance_set = _legacy("workshops.services", "attendance_set")

    with _as("finances") as user:
        statement_issue(session=Session.objects.get(workshop=kayes.workshop, number=1), by=user)
        statement_issue(session=kayes, by=user)
    with _as("formateur.kayes") as user:
        late = kayes.enrollments.get(person__last_name__iexact="Dembele")
        attendance_set(enrollment=late, day=kayes.days[-1], half="pm", present=True, by=user)


def _photo_bytes() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 600), (196, 160, 112))
    draw = ImageDraw.Draw(image)
    for n in range(12):
        draw.rectangle((40 + n * 70, 260, 90 + n * 70, 560), fill=(20 + n * 15, 60, 120))
    exif = Image.Exif()
    exif[0x010F] = "Kalan test camera"  # Make: dropped by the re-encoding
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def _logo_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 120), (0, 102, 51)).save(out, "PNG")
    return out.getvalue()


def _communication_and_reports() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    Organisation = _legacy("core.models", "Organisation")
    organisation_update = _legacy("core.services", "organisation_update")
    photo_captions_set = _legacy("reports.photos", "photo_captions_set")
    photo_family_set = _legacy("reports.photos", "photo_family_set")
    photos_upload = _legacy("reports.photos", "photos_upload")
    Session = _legacy("workshops.models", "Session")

    sevare = Session.objects.get(number=1)
    with _as("admin"):
        organisation = Organisation.objects.get()
        organisation_update(
            organisation=organisation, name=organisation.name, acronym=organisation.acronym,
            logo=SimpleUploadedFile("logo.png", _logo_bytes(), "image/png"),
        )  # fmt: skip
    with _as("communication") as user:
        upload = SimpleUploadedFile("IMG_2041.jpg", _photo_bytes(), "image/jpeg")
        (photo,) = photos_upload(session=sevare, uploads=[upload], by=user)
        photo_captions_set(
            photo=photo, caption="Photo de famille à Sévaré", caption_en="Group photo in Sévaré"
        )
        photo_family_set(photo=photo)
    _press(sevare)
    _reports(sevare.workshop)


def _press(sevare: Any) -> None:
    Photo = _legacy("reports.models", "Photo")
    PressSubject = _legacy("reports.press", "PressSubject")
    press_release_redraft = _legacy("reports.press", "press_release_redraft")
    press_release_save = _legacy("reports.press", "press_release_save")

    subject = PressSubject.of_session(sevare)
    with _as("communication") as user:
        draft = press_release_redraft(subject=subject, language="fr", by=user)
        press_release_save(
            subject=subject, language="fr", title=draft.title,
            body=draft.body + "\n\nContact presse : cellule de communication.",
            signature=draft.signature, photo=Photo.objects.get(), by=user,
        )  # fmt: skip
        press_release_redraft(
            subject=PressSubject.of_workshop(sevare.workshop), language="en", by=user
        )


def _reports(workshop: Any) -> None:
    Partner = _legacy("plans.models", "Partner")
    activity_report_save = _legacy("reports.services_reports", "activity_report_save")
    donor_report_save = _legacy("reports.services_reports", "donor_report_save")
    targets_set = _legacy("reports.services_reports", "targets_set")

    with _as("suivi") as user:
        activity_report_save(
            workshop=workshop, language="fr", by=user,
            observations="Forte participation des OPJ ; deux absences à Kayes.",
            recommendations="Former les chefs de brigade en 2023.",
        )  # fmt: skip
        donor_report_save(
            partner=Partner.objects.get(), start=dt.date(2022, 1, 1),
            end=dt.date(2023, 12, 31), language="fr", by=user,
            introduction="Rapport au partenaire.", conclusions="Objectifs atteints.",
        )  # fmt: skip
        targets_set(
            workshop=workshop,
            values={"persons_trained": 100.0, "mean_gain": 30.0, "women_share": 15.0},
        )


def _accounts(kayes: Any) -> None:
    """A second partner (funding the workshop) with its donor viewer; a trainer for Kayes;
    two-factor on for the monitoring officer."""
    from django_otp.oath import totp

    User = _legacy("core.models", "User")
    user_create = _legacy("core.services_users", "user_create")
    two_factor_confirm = _legacy("core.two_factor", "two_factor_confirm")
    two_factor_start = _legacy("core.two_factor", "two_factor_start")
    partner_create = _legacy("plans.services", "partner_create")
    Funding = _legacy("workshops.models", "Funding")

    with _as("admin"):
        partner = partner_create(
            name="Programme des Nations unies pour le développement", acronym="PNUD"
        )
        Funding.objects.create(workshop=kayes.workshop, partner=partner, amount=12_500_000)
        user_create(
            username="pnud.lecture", role="donor", partner=partner,
            password="Lecture-PNUD-Bamako-2023", first_name="Claire", last_name="Martin",
        )  # fmt: skip
    suivi = User.objects.get(username="suivi")
    with _as("suivi"):
        device = two_factor_start(user=suivi)
        token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        two_factor_confirm(user=suivi, token=f"{token:0{device.digits}d}")


def _trainer(kayes: Any) -> None:
    user_create = _legacy("core.services_users", "user_create")

    with _as("admin"):
        user_create(
            username="formateur.kayes", role="trainer", sessions=[kayes],
            password="Formation-Kayes-2023", first_name="Moussa", last_name="Camara",
        )  # fmt: skip


def _logins() -> None:
    """A good login (a session, axes' log) and a wrong password (axes' attempt and failure)."""
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR=ADDRESS)
    login = reverse("login")
    done = client.post(login, {"username": "programme", "password": PASSWORDS["programme"]})
    assert done.status_code == 302, done.status_code
    wrong = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR=ADDRESS)
    refused = wrong.post(login, {"username": "finances", "password": "Per-Diem-2021"})
    assert refused.status_code == 200, refused.status_code


def _leaf_nodes() -> list[list[str]]:
    from django.db.migrations.loader import MigrationLoader

    return sorted([app, name] for app, name in MigrationLoader(None).graph.leaf_nodes())


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _vacuum() -> Path:
    """The database whole in one file (no -wal), in rollback-journal mode, so that a read-only
    reader leaves nothing next to it; vacuumed. Through Django's connection: a CHECK of the
    schema uses its REGEXP function."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA integrity_check")
        assert cursor.fetchone() == ("ok",)
    connection.close()
    return Path(connection.settings_dict["NAME"])


def _export(data_dir: Path) -> None:
    leaves = _leaf_nodes()
    source = _vacuum()
    OUT.mkdir(exist_ok=True)
    shutil.copyfile(source, OUT / f"kalan-{COMMIT}.sqlite3")
    files = OUT / f"files-{COMMIT}"
    shutil.rmtree(files, ignore_errors=True)
    for folder in ("media", "imports"):
        shutil.copytree(data_dir / folder, files / folder)
    kept = sorted(p for p in files.rglob("*") if p.is_file())
    manifest = {
        "commit": COMMIT,
        "leaf_nodes": leaves,
        "files_sha256": {p.relative_to(files).as_posix(): _sha256(p) for p in kept},
    }
    (OUT / f"legacy-{COMMIT}.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
