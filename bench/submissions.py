"""Benchmark: 80 participants send a 20-question test at the same moment, on SQLite, against Kalan
served as ``make run`` serves it (``kalan serve``: waitress, its default threads, WhiteNoise).

The data is built in the bench's throwaway data folder (a session with PARTICIPANTS enrolled, an
open test of QUESTIONS questions), then ``kalan serve`` starts on a free loopback port in a
subprocess over that folder. PARTICIPANTS threads, each a phone with its own connection and
cookie jar, join with the test's code and their participant code, answer every question (each
answer a POST, as on the phone), open the summary, and wait at a barrier; released together, they
all press "Envoyer mes réponses" at once. Prints:

    concurrent_submissions_sent: 80      submit requests answered with the thank-you redirect
    concurrent_submissions_stored: 80    copies with ``submitted_at`` in the database afterwards
    submission_p99_ms: 123.4 ms          99th percentile (nearest rank) of those submit requests

``measure_submissions(folder)`` is what ``bench/run.py`` calls, with Django already configured on
that folder; run alone (``.venv/bin/python bench/submissions.py``) it makes its own folder.
Only loopback traffic; every wait is bounded (server start, barrier, socket timeouts).
"""

from __future__ import annotations

import datetime as dt
import http.client
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

PARTICIPANTS = 80
QUESTIONS = 20
P99_TARGET_MS = 1000
HOST = "127.0.0.1"
START_TIMEOUT_S = 60  # collectstatic and start-up of the server
REQUEST_TIMEOUT_S = 60
BARRIER_TIMEOUT_S = 300  # every phone must have answered everything by then
KIND_CYCLE = ("single", "single", "multiple", "true_false")


@dataclass
class SubmissionFigures:
    sent: int
    stored: int
    p99_ms: float
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    access_code: str
    test_pk: int
    participant_codes: list[str]
    questions: list[tuple[int, str, list[str]]]  # order, kind, choice keys


def build_plan(participants: int = PARTICIPANTS, questions_count: int = QUESTIONS) -> Plan:
    """A session with ``participants`` enrolled and an open test of ``questions_count`` bank
    questions (bench/scale.py builds its 1,000 phones and 25 questions with it too)."""
    from django.core.management import call_command

    from kalan.assessments import services
    from kalan.assessments.models import Choice, CurriculumObjective, Module, Question
    from kalan.core.models import Organisation, Place
    from kalan.people.models import Person
    from kalan.plans.models import Axis, StrategicPlan
    from kalan.workshops import services as workshop_services
    from kalan.workshops.models import Enrollment

    call_command("migrate", verbosity=0, interactive=False)
    organisation = Organisation.objects.first() or Organisation.objects.create(
        name="Commission nationale des droits de l’homme",
        acronym="CNDH",
        country=Place.objects.get(kind=Place.Kind.COUNTRY),
    )
    plan = StrategicPlan.objects.create(
        organisation=organisation, title="Plan (banc d’essai)", start_year=2020, end_year=2022
    )
    axis = Axis.objects.create(plan=plan, number=1, title="Axe du banc d’essai des copies")
    workshop = workshop_services.workshop_create(
        axis=axis,
        title="Atelier du banc d’essai des copies",
        general_objective="Mesurer l’envoi simultané des copies.",
        objectives=["Répondre au pré-test."],
    )
    start = dt.date(2022, 11, 8)
    session = workshop_services.session_create(
        workshop=workshop,
        place=Place.objects.get(kind=Place.Kind.TOWN, name="Sévaré"),
        venue="Hôtel La Palmeraie",
        start_date=start,
        end_date=start + dt.timedelta(days=2),
        capacity=participants,
    )
    persons = Person.objects.bulk_create(
        Person(last_name=f"Copie{n:03d}", first_names="Moussa", sex=Person.Sex.MALE)
        for n in range(participants)
    )
    # bulk_create skips Enrollment.save(), which draws the codes: give them here.
    codes = [f"{1001 + n}" for n in range(participants)]
    Enrollment.objects.bulk_create(
        Enrollment(session=session, person=person, code=code)
        for person, code in zip(persons, codes, strict=True)
    )

    questions = []
    for n in range(questions_count):
        number = n // 5 + 1
        objective, _created = CurriculumObjective.objects.get_or_create(
            code=f"BANC-{number}", defaults={"text": f"Objectif {number}", "order": number}
        )
        module, _created = Module.objects.get_or_create(
            code=f"BANC-M{number}", defaults={"title": f"Module {number}", "objective": objective}
        )
        kind = KIND_CYCLE[n % len(KIND_CYCLE)]
        question = Question.objects.create(
            code=f"BANC-Q{n + 1:02d}", module=module, kind=kind, text=f"Question {n + 1} ?"
        )
        if kind == "true_false":
            choices = [("Vrai", True), ("Faux", False)]
        elif kind == "multiple":
            choices = [("A", True), ("B", False), ("C", True), ("D", False)]
        else:
            choices = [("A", True), ("B", False), ("C", False), ("D", False)]
        Choice.objects.bulk_create(
            Choice(question=question, order=k, text=text, correct=correct)
            for k, (text, correct) in enumerate(choices, start=1)
        )
        questions.append(question)
    test = services.test_create(
        session=session, kind="pre", title="Pré-test du banc d’essai", questions=questions
    )
    test = services.test_open(test=test)
    frozen = [
        (tq.order, tq.content["kind"], [c["key"] for c in tq.content["choices"]])
        for tq in test.questions.order_by("order")
    ]
    return Plan(test.access_code, test.pk, codes, frozen)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_server(folder: Path, port: int, log: Any) -> subprocess.Popen[bytes]:
    kalan = Path(sys.executable).with_name("kalan")
    env = {
        **os.environ,
        "KALAN_DATA_DIR": str(folder),
        "KALAN_ALLOWED_HOSTS": HOST,
        "KALAN_DEBUG": "false",
        "KALAN_LOG_LEVEL": "WARNING",
    }
    env.pop("KALAN_DATABASE_URL", None)  # the embedded SQLite: what the issue measures
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen(  # noqa: S603 - our own console script, no shell
        [str(kalan), "serve", "--host", HOST, "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_ready(port: int, server: subprocess.Popen[bytes], name: str = "kalan serve") -> None:
    """Until the server answers its phone page, or fails if it stops or takes START_TIMEOUT_S."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"{name} stopped with code {server.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/t/")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer within {START_TIMEOUT_S} s")


class Phone:
    """One participant's browser: a keep-alive connection and its own cookie jar."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)

    def request(
        self, method: str, path: str, form: dict[str, Any] | None = None
    ) -> tuple[int, str, bytes]:
        headers = {"Host": HOST}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server may close an idle keep-alive connection: a phone simply reconnects.
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT_S)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers.get("Location", ""), content

    def close(self) -> None:
        self.connection.close()


def expect(outcome: tuple[int, str, bytes], status: int, location: str, step: str) -> None:
    got, where, _body = outcome
    if got != status or (location and where != location):
        raise RuntimeError(f"{step}: {got} {where or ''} (expected {status} {location})")


def participant(
    index: int,
    plan: Plan,
    port: int,
    barrier: threading.Barrier,
    latencies: list[float],
    errors: list[str],
    lock: threading.Lock,
) -> None:
    phone = Phone(port)
    ready = False
    try:
        expect(phone.request("GET", "/t/"), 200, "", "join page")
        expect(
            phone.request(
                "POST",
                "/t/",
                {
                    "access_code": plan.access_code,
                    "participant_code": plan.participant_codes[index],
                },
            ),
            302,
            "/t/q/1/",
            "join",
        )
        for order, kind, keys in plan.questions:
            if kind == "multiple":
                picked = [keys[index % len(keys)], keys[(index + 1) % len(keys)]]
            else:
                picked = [keys[(index + order) % len(keys)]]
            expect(
                phone.request("POST", f"/t/q/{order}/", {"choice": picked}),
                302,
                f"/t/q/{order + 1}/" if order < len(plan.questions) else "/t/recapitulatif/",
                f"answer {order}",
            )
        expect(phone.request("GET", "/t/recapitulatif/"), 200, "", "summary")
        ready = True
    except Exception as error:
        with lock:
            errors.append(f"phone {index}: {error}")
    # Everyone reaches the barrier, ready or not, so that nobody waits for a failed phone.
    try:
        barrier.wait(timeout=BARRIER_TIMEOUT_S)
    except threading.BrokenBarrierError:
        with lock:
            errors.append(f"phone {index}: the barrier broke")
        phone.close()
        return
    if not ready:
        phone.close()
        return
    try:
        began = time.perf_counter()
        outcome = phone.request("POST", "/t/envoyer/", {})
        elapsed = (time.perf_counter() - began) * 1000
        expect(outcome, 302, "/t/merci/", "send")
        with lock:
            latencies.append(elapsed)
        expect(phone.request("GET", "/t/merci/"), 200, "", "thank-you page")
    except Exception as error:
        with lock:
            errors.append(f"phone {index}: {error}")
    finally:
        phone.close()


def stop(server: subprocess.Popen[bytes], grace_s: float) -> None:
    """Stop a server started by a bench: TERM, then KILL if it has not ended after grace_s."""
    server.terminate()
    try:
        server.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def p99(values: list[float]) -> float:
    """Nearest-rank 99th percentile: with 80 values, the slowest one (bench/scale.py too)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def measure_submissions(folder: Path) -> SubmissionFigures:
    """Build the test in ``folder``'s database, serve it, send PARTICIPANTS copies at once."""
    from django.db import connections

    from kalan.assessments.models import Submission

    plan = build_plan()
    connections.close_all()  # the server's processes are the database's only writers now
    port = free_port()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    log_path = folder / "bench-submissions-server.log"
    with log_path.open("wb") as log:
        server = start_server(folder, port, log)
        try:
            wait_ready(port, server)
            barrier = threading.Barrier(PARTICIPANTS)
            phones = [
                threading.Thread(
                    target=participant,
                    args=(n, plan, port, barrier, latencies, errors, lock),
                    daemon=True,
                )
                for n in range(PARTICIPANTS)
            ]
            for phone in phones:
                phone.start()
            for phone in phones:
                phone.join(timeout=BARRIER_TIMEOUT_S + 2 * REQUEST_TIMEOUT_S)
            if any(phone.is_alive() for phone in phones):
                errors.append("some phones were still waiting when the time ran out")
        except RuntimeError as error:
            errors.append(str(error))
        finally:
            stop(server, grace_s=10)
    if errors:
        tail = log_path.read_text(errors="replace")[-2000:]
        print(f"bench: server log (end):\n{tail}", file=sys.stderr)
    stored = Submission.objects.filter(test_id=plan.test_pk, submitted_at__isnull=False).count()
    connections.close_all()
    return SubmissionFigures(
        sent=len(latencies), stored=stored, p99_ms=p99(latencies), errors=errors
    )


def report(figures: SubmissionFigures) -> int:
    """Print the three figures; 1 when a copy was lost or refused, or p99 misses its target."""
    print(f"concurrent_submissions_sent: {figures.sent}")
    print(f"concurrent_submissions_stored: {figures.stored}")
    print(f"submission_p99_ms: {figures.p99_ms:.1f} ms")
    status = 0
    for error in figures.errors[:10]:
        print(f"bench: {error}", file=sys.stderr)
    if figures.sent != PARTICIPANTS or figures.sent != figures.stored:
        print(
            f"bench: {PARTICIPANTS} participants sent their copies at once; the server confirmed "
            f"{figures.sent} and the database holds {figures.stored}.",
            file=sys.stderr,
        )
        status = 1
    if not figures.p99_ms <= P99_TARGET_MS:
        print(
            f"bench: p99 of the simultaneous submissions is {figures.p99_ms:.1f} ms, above the "
            f"{P99_TARGET_MS} ms target.",
            file=sys.stderr,
        )
        status = 1
    return status


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import configure

    with tempfile.TemporaryDirectory(prefix="kalan-bench-submissions-") as folder:
        configure(Path(folder))
        figures = measure_submissions(Path(folder))
    return report(figures)


if __name__ == "__main__":
    sys.exit(main())
