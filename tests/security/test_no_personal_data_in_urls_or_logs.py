"""No participant's name, phone or service number in an address Kalan makes, nor in its logs.

Addresses name records by uuid, number or short code. The one place a name goes into an address
is the person search (``?q=``, a GET form, so that a search can be bookmarked and shared): no
log of Kalan's writes it (Django logs the path of a 4xx, never its query string), and waitress,
as ``kalan serve`` starts it, logs no access at all.

Logs are read as the console handler of ``settings.LOGGING`` prints them, with the root logger at
DEBUG (``KALAN_LOG_LEVEL=DEBUG``, what an administrator sets to investigate). Two loggers would
then write personal data and are kept above DEBUG whatever that level: ``django.db.backends``
(each query with its parameters) by Kalan's LOGGING, ``django.template`` (the whole context of a
template — the request with its query string, the roster's names — each time a variable is
missing) by Django's default level for ``django``, INFO.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
import waitress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.urls.converters import IntConverter, UUIDConverter

from kalan.certificates import services as certificates
from kalan.core.management.commands import serve as serve_command
from kalan.core.models import User
from kalan.people.models import Person
from kalan.workshops.models import ImportBatch, Session
from tests.factories import PASSWORD, PersonFactory, corps
from tests.security.routes import RegexGroup, routes
from tests.security.support import console_text, fetched, present_every_day

ClientFor = Callable[[User], Client]

# Who the flow below handles: names, phones and service numbers seen nowhere else in the suite.
PARTICIPANTS = [
    ("KANOUTÉ", "Oumou Salif", "Adjudant", "MLE-98765", "+223 76 11 22 33", "F"),
    ("Sissoko", "Lassana", "Adjudant", "MLE-87654", "66 44 55 77", "M"),
]
WRONG_PASSWORD = "Mauvais-mot-de-passe-42!"
# Words of a parameter's name that would say it carries a person.
PERSONAL = re.compile(r"name|nom|prenom|phone|tel|matricule|service|mail|courriel|person")


def secrets_of(values: list[str]) -> Iterator[str]:
    """Each value as it may be written: as is, in either case, and %-encoded in an address."""
    for value in values:
        for form in {value, value.lower(), value.upper(), value.replace(" ", "")}:
            yield form
            yield quote(form)
            yield quote_plus(form)


def assert_not_logged(records: list[logging.LogRecord], values: list[str]) -> None:
    text = console_text(records) + "".join(repr(record.args) for record in records)
    leaked = sorted({value for value in secrets_of(values) if value.lower() in text.lower()})
    assert leaked == []


# --- Addresses --------------------------------------------------------------------------------


def test_no_address_takes_a_name_a_phone_or_a_service_number() -> None:
    parameters = {
        (route.route, name, type(converter).__name__)
        for route in routes()
        for name, converter in route.converters.items()
    }

    assert len(parameters) > 40
    assert [p for p in parameters if PERSONAL.search(p[1].lower())] == []
    assert [p for p in parameters if p[2] == "PathConverter"] == []


def test_an_address_given_a_person_s_name_phone_or_number_finds_nothing(
    programme: object, administrator: User, client_for: ClientFor
) -> None:
    # Where a parameter is free text (a day, a code, a language…), a person's name is a 404.
    person = PersonFactory(last_name="Kanouté", first_names="Oumou", service_number="MLE98765")
    client = client_for(administrator)
    client.raise_request_exception = False
    free = [
        (route, name)
        for route in routes()
        for name, converter in route.converters.items()
        if not isinstance(converter, (UUIDConverter, IntConverter, RegexGroup))
        and type(converter).__name__ != "ExportFormatConverter"
    ]
    assert free
    faults = []
    for route, name in free:
        for value in (person.last_name, person.service_number, "76112233"):
            url = route.url({**programme.kwargs(route), name: quote(value)})  # type: ignore[attr-defined]
            status = fetched(client.get(url)).status_code
            if status != 404:
                faults.append(f"{url} ({status})")

    assert faults == []


# --- Logs -------------------------------------------------------------------------------------


def a_list() -> bytes:
    header = "NOM;Prénom(s);Grade;N° Mle;Contact;Sexe"
    rows = [";".join(row) for row in PARTICIPANTS]
    return "\n".join([header, *rows]).encode()


def personal_values() -> list[str]:
    values = [WRONG_PASSWORD, PASSWORD]
    for last, first, _rank, number, phone, _sex in PARTICIPANTS:
        values += [last, first, number, phone, f"{first} {last}"]
    return values


def test_a_day_of_work_logs_no_name_phone_number_or_password(
    log_records: list[logging.LogRecord],
    programme_officer: User,
    trainer: User,
    sevare_session: Session,
) -> None:
    client = Client()
    session_url = reverse("session_detail", kwargs={"uid": sevare_session.uid})
    # Log in, after a mistyped password.
    client.post(reverse("login"), {"username": "programme_officer", "password": WRONG_PASSWORD})
    assert (
        client.post(
            reverse("login"), {"username": "programme_officer", "password": PASSWORD}
        ).status_code
        == 302
    )

    # Import a list: upload, preview, commit.
    upload = SimpleUploadedFile("liste.csv", a_list())
    client.post(reverse("import_upload", kwargs={"uid": sevare_session.uid}), {"file": upload})
    batch = ImportBatch.objects.get()
    preview = reverse("import_preview", kwargs={"uid": batch.uid})
    client.get(preview)
    client.post(preview, {"corps": str(corps("Gendarmerie").pk), "action": "commit"})
    imported = Person.objects.get(service_number="MLE-98765")

    # Search, open the person, export.
    client.get(reverse("person_list"), {"q": "Kanouté"})
    client.get(session_url, {"q": "Sissoko"})
    client.get(reverse("person_detail", kwargs={"uid": imported.uid}))
    for fmt in ("csv", "xlsx"):
        fetched(client.get(reverse("person_export", kwargs={"fmt": fmt}), {"q": "Kanouté"}))
        fetched(
            client.get(reverse("session_export", kwargs={"uid": sevare_session.uid, "fmt": fmt}))
        )

    # Merge a duplicate typed by hand into the imported person.
    twin = PersonFactory(
        last_name="Kanouté",
        first_names="Oumou Salif",
        corps=corps("Gendarmerie"),
        service_number="",
    )
    client.post(
        reverse("person_merge", kwargs={"kept_uid": imported.uid, "merged_uid": twin.uid}),
        {"score": "97"},
    )

    # A 404, a 400, a CSRF refusal and a 403, each with a person's details in the request.
    client.get(
        reverse("person_detail", kwargs={"uid": uuid.uuid4()}),
        {"nom": "Kanouté", "tel": "+223 76 11 22 33"},
    )
    client.post(
        reverse("enroll_new", kwargs={"uid": sevare_session.uid}),
        {"last_name": "Kanouté", "phone": "+223 76 11 22 33"},
    )
    Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "Kanouté", "password": PASSWORD}
    )
    trainer_client = Client()
    trainer_client.force_login(trainer)
    trainer_client.get(reverse("person_list"), {"q": "Kanouté MLE-98765"})
    trainer_client.get(reverse("person_detail", kwargs={"uid": imported.uid}), {"q": "Sissoko"})

    # The public page of a certificate: its code is a key to a name.
    enrollment = imported.enrollments.get()
    present_every_day(enrollment)
    [certificate] = certificates.certificates_issue(session=sevare_session, by=programme_officer)
    Client().get(reverse("certificate_verify", kwargs={"code": certificate.short_code}))
    Client().get(reverse("certificate_verify", kwargs={"code": "KANOUTE2"}))

    messages = [record.getMessage() for record in log_records]
    assert any(m.startswith("Not Found: /personnes/") for m in messages)  # the capture works
    assert any(m.startswith("Forbidden") for m in messages)
    assert_not_logged(log_records, [*personal_values(), certificate.short_code, "KANOUTE2"])


def test_the_lock_out_logs_neither_the_password_nor_the_name_typed(
    log_records: list[logging.LogRecord], db: None
) -> None:
    for _ in range(6):
        Client().post(reverse("login"), {"username": "oumou.kanoute", "password": WRONG_PASSWORD})

    assert any("AXES" in record.getMessage() for record in log_records)
    assert_not_logged(log_records, [WRONG_PASSWORD, "oumou.kanoute"])


def test_a_crash_logs_the_path_not_the_query(
    log_records: list[logging.LogRecord],
    programme_officer: User,
    client_for: ClientFor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What an unexpected error writes: Django's "Internal Server Error: <path>" and the traceback.
    def broken(**kwargs: object) -> None:
        raise RuntimeError("the search broke")

    monkeypatch.setattr("kalan.people.views.selectors.person_search", broken)
    client = client_for(programme_officer)
    client.raise_request_exception = False

    response = client.get(reverse("person_list"), {"q": "Kanouté +223 76 11 22 33"})

    assert response.status_code == 500
    assert any(r.getMessage() == "Internal Server Error: /personnes/" for r in log_records)
    assert_not_logged(log_records, ["Kanouté", "+223 76 11 22 33"])


def test_debug_logging_keeps_the_loggers_that_write_personal_data_quiet(tmp_path: Path) -> None:
    script = (
        "import json, logging, django; django.setup();"
        "print(json.dumps({n: logging.getLogger(n).getEffectiveLevel() for n in"
        " ['', 'django.template', 'django.db.backends', 'django.request', 'kalan', 'axes']}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("KALAN_")}
    env.update(
        KALAN_DATA_DIR=str(tmp_path),
        KALAN_LOG_LEVEL="DEBUG",
        DJANGO_SETTINGS_MODULE="kalan.settings",
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )

    levels = json.loads(done.stdout)
    assert levels[""] == logging.DEBUG  # the setting works…
    assert levels["kalan"] == levels["axes"] == logging.DEBUG
    assert levels["django.template"] > logging.DEBUG  # …but never for these two
    assert levels["django.db.backends"] >= logging.WARNING
    assert levels["django.request"] <= logging.WARNING  # 4xx and 5xx, by path, are still told


# --- The server -------------------------------------------------------------------------------


def test_kalan_serve_hands_waitress_the_bare_application(monkeypatch: pytest.MonkeyPatch) -> None:
    started: dict[str, object] = {}
    monkeypatch.setattr(serve_command, "serve", lambda app, **kw: started.update(app=app, **kw))

    call_command("serve", "--no-collectstatic", "--port", "8765")

    # Django's own WSGI handler, not wrapped in an access logger (paste's TransLogger…).
    assert type(started["app"]).__name__ == "WSGIHandler"
    assert set(started) == {"app", "host", "port", "threads", "ident"}


def test_waitress_as_kalan_serve_starts_it_logs_no_address_it_serves(
    monkeypatch: pytest.MonkeyPatch, log_records: list[logging.LogRecord]
) -> None:
    started: dict[str, object] = {}
    monkeypatch.setattr(serve_command, "serve", lambda app, **kw: started.update(app=app, **kw))
    call_command("serve", "--no-collectstatic", "--port", "8765")
    app = started.pop("app")
    options = {k: v for k, v in started.items() if k not in ("host", "port")}
    server = waitress.create_server(app, host="127.0.0.1", port=0, **options)
    stop = threading.Event()

    def serve() -> None:
        # server.run() without end: a close() from this thread races its select() (EBADF).
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
        # Signed out: sent to the login page, with the search in ?next= (no database needed).
        connection.request("GET", "/personnes/?q=Kanout%C3%A9+%2B223+76+11+22+33")
        response = connection.getresponse()
        response.read()
        connection.close()
    finally:
        stop.set()
        thread.join(timeout=10)
        server.close()

    assert response.status == 302
    assert "Kanout" in response.getheader("Location", "")
    assert_not_logged(log_records, ["Kanouté", "+223 76 11 22 33"])
