"""Benchmark: 1,000 phones take a 25-question test at once, against PostgreSQL and gunicorn.

Headquarters' setup (issue 15): PostgreSQL and several gunicorn worker processes. The bench
creates a throwaway database (``kalan_bench_scale``, on the server KALAN_BENCH_PG_URL names,
default ``postgres://postgres@127.0.0.1:5432/postgres``), migrates it and builds with Django's
services what ``bench/submissions.py`` builds: one session with PARTICIPANTS enrolled — a whole
intake as one session, each with their own participant code (codes are unique per session, and a
session has no upper size) — and an open test of QUESTIONS questions. That database is the
template of each run, so both runs start from the same state:

1. gunicorn with PROCESSES worker processes serves Kalan over a copy of it, and locust (headless,
   ``bench/locustfile.py``) starts PARTICIPANTS phones within RAMP_S seconds; each joins, thinks
   2-5 s before each of its QUESTIONS answers (one POST each), sends its copy and stops;
2. the same with one worker process, so that the gain of several processes shows as a ratio.

Prints, one per line:

    scale_participants: 1000 phones           phones started
    scale_answers_sent: 25000 answers         answers the server confirmed (redirect to the next)
    scale_answers_stored: 25000 answers       answers in the database afterwards
    scale_answer_p99_ms: 123.4 ms             99th percentile (nearest rank) of the answer requests
    scale_errors: 0 errors                    requests refused or failed, phones unfinished
    scale_answer_p99_ms_1proc: 456.7 ms       the same p99 with one gunicorn process
    scale_p99_ratio_1proc_over_4proc: 3.7 x

Exits non-zero when, with PROCESSES processes, a confirmed answer is not stored, a request fails,
or the p99 reaches P99_TARGET_MS.

The machine is shared: locust runs beside the server and PostgreSQL, on the same two cores. Its
own CPU time (and the server's) is printed on stderr after each run: measured here, locust took
about 25 s of CPU over a 7-minute run of 1,000 phones, 6 % of one core, which the server does
not have. FastHttpUser is used for that reason (several times cheaper than HttpUser). Anything
else running on the machine (a test suite) competes as much: the figures are only comparable
between runs on an otherwise idle machine.

Usage: ``make bench-scale`` (about 8 minutes; not part of ``make bench``, which it would more than
double). ``--participants 50 --ramp 5`` makes a quick smoke run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from submissions import p99, stop, wait_ready

PARTICIPANTS = 1000
QUESTIONS = 25
# Four, as issue 15 asks of this 2-core machine (`--processes N` for another count), although
# gunicorn's default is one per core (kalan/gunicorn_conf.py). Measured (CPU time of the gunicorn
# processes per request, 200 phones answering 0.5-1.5 s apart, saturated, the 2 cores shared with
# PostgreSQL and locust): 6.1 ms with 1 process, 7.0 with 2 × 2 threads, 8.7-10.4 with 4
# processes, whatever their threads. Processes beyond the cores do not add a core: they take
# turns on it, each turn a preemption that evicts the other's working set from the CPU caches
# (11-12 involuntary context switches per request at 4 against 8.5 at 1), so every request costs
# more and fewer are served (70 req/s at 4 against 97 at 2 × 2). Those were the costs before the
# answer's statements were written once per process (kalan/core/statements.py): since, a full
# run spends 114 s of gunicorn CPU on its 25,000 answers and 1,000 joins at 4 processes (4.4 ms
# a request, 210 s before) and 97 s at 1; both runs last the 160 s the phones' thinking takes,
# so neither is saturated and one process keeps up as well as four (p99 527 and 488 ms).
PROCESSES = 4
RAMP_S = 60
P99_TARGET_MS = 1000
RUN_BOUND_S = 420  # per run: 60 s of arrivals, 25 × 2-5 s of thinking, and room for a slow server
HOST = "127.0.0.1"
DATABASE = "kalan_bench_scale"
BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


@dataclass
class Run:
    processes: int
    answers_sent: int = 0
    answers_stored: int = 0
    p99_ms: float = math.nan
    errors: list[str] = field(default_factory=list)


def server_url() -> str:
    return os.environ.get("KALAN_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def database_url(name: str) -> str:
    parts = urllib.parse.urlsplit(server_url())
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def admin(*statements: str) -> None:
    """Run statements on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(server_url(), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type] - our own names only


def configure(folder: Path) -> None:
    """Django over the template database, in the bench's throwaway data folder."""
    os.environ["KALAN_DATA_DIR"] = str(folder)
    os.environ["KALAN_DATABASE_URL"] = database_url(DATABASE)
    os.environ["KALAN_SECRET_KEY"] = "bench-only-not-secret"
    os.environ["KALAN_DEBUG"] = "false"
    os.environ["KALAN_ALLOWED_HOSTS"] = HOST
    os.environ["KALAN_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalan.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(BENCH))

    import django

    from kalan.core.datadir import prepare_data_dir

    prepare_data_dir()
    django.setup()


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_gunicorn(run_database: str, processes: int, port: int, log: object) -> subprocess.Popen:
    """gunicorn as headquarters runs it (kalan/gunicorn_conf.py: gthread workers, KALAN_THREADS
    threads each, the application preloaded), with ``processes`` worker processes."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {
        **os.environ,
        "KALAN_DATABASE_URL": database_url(run_database),
        "KALAN_WORKERS": str(processes),
        "KALAN_BIND": f"{HOST}:{port}",
        "KALAN_COLLECTSTATIC": "false",  # gathered once by the bench, in the same data folder
    }
    return subprocess.Popen(  # noqa: S603 - our own tools, no shell
        [
            str(gunicorn),
            "-c",
            "python:kalan.gunicorn_conf",
            "--log-level",
            "warning",
            # The phones talk to gunicorn directly here, not through the proxy of deploy/: keep
            # their connections through a 2-5 s thought, as a proxy does (nginx: 75 s). With
            # the config's 5 s, gunicorn closes a connection just as a phone sends on it, and
            # the answer fails with a reset that no server fault caused.
            "--keep-alive",
            "75",
            "--worker-connections",
            str(2 * PARTICIPANTS),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,  # type: ignore[arg-type]
        stderr=subprocess.STDOUT,
    )


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stored_answers(run_database: str, test_pk: int) -> int:
    import psycopg

    from kalan.assessments.models import Answer, Submission

    query = (
        f"SELECT count(*) FROM {Answer._meta.db_table} a "  # noqa: S608 - table names, no input
        f"JOIN {Submission._meta.db_table} s ON s.id = a.submission_id WHERE s.test_id = %s"
    )
    with psycopg.connect(database_url(run_database)) as connection:
        row = connection.execute(query, (test_pk,)).fetchone()  # type: ignore[arg-type]
    return int(row[0]) if row else 0


def measure(
    folder: Path, plan_file: Path, test_pk: int, processes: int, participants: int, ramp_s: float
) -> Run:
    """One run over a fresh copy of the template database."""
    run = Run(processes=processes)
    run_database = f"{DATABASE}_{processes}p"
    admin(
        f'DROP DATABASE IF EXISTS "{run_database}"',
        f'CREATE DATABASE "{run_database}" TEMPLATE "{DATABASE}"',
    )
    out = folder / f"locust-{processes}p.json"
    server_log = folder / f"gunicorn-{processes}p.log"
    locust_log = folder / f"locust-{processes}p.log"
    port = free_port()
    before = cpu_of_children()
    with server_log.open("wb") as log, locust_log.open("wb") as locust_out:
        server = start_gunicorn(run_database, processes, port, log)
        try:
            wait_ready(port, server, "gunicorn")
            began = time.monotonic()
            locust = subprocess.run(  # noqa: S603 - our own tools, no shell
                [
                    str(Path(sys.executable).with_name("locust")),
                    "-f",
                    str(BENCH / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(participants),
                    "--spawn-rate",
                    f"{participants / ramp_s:.3f}",
                    "--run-time",
                    f"{RUN_BOUND_S}s",
                    "--host",
                    f"http://{HOST}:{port}",
                    "--loglevel",
                    "WARNING",
                    "--only-summary",
                ],
                cwd=ROOT,
                env={**os.environ, "KALAN_SCALE_PLAN": str(plan_file), "KALAN_SCALE_OUT": str(out)},
                stdout=locust_out,
                stderr=subprocess.STDOUT,
                timeout=RUN_BOUND_S + 60,
                check=False,
            )
            elapsed = time.monotonic() - began
            locust_cpu = cpu_of_children() - before
            del locust
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            run.errors.append(str(error))
            elapsed = locust_cpu = math.nan
        finally:
            stop(server, grace_s=30)
    server_cpu = cpu_of_children() - before - locust_cpu if not math.isnan(locust_cpu) else math.nan
    if out.exists():
        results = json.loads(out.read_text(encoding="utf-8"))
        run.answers_sent = int(results["answers_confirmed"])
        run.p99_ms = p99([float(ms) for ms in results["answer_ms"]])
        run.errors += results["errors"]
        if results["unfinished"]:
            # One error per phone that the run's time bound stopped before it had sent its copy.
            run.errors += [f"{results['unfinished']} phones had not finished"] * int(
                results["unfinished"]
            )
    else:
        run.errors.append("locust wrote no results")
    run.answers_stored = stored_answers(run_database, test_pk)
    print(
        f"bench: {processes} process(es): run of {elapsed:.0f} s; CPU time of locust "
        f"{locust_cpu:.0f} s ({locust_cpu / elapsed:.0%} of one core), of gunicorn "
        f"{server_cpu:.0f} s ({server_cpu / elapsed:.0%} of one core); PostgreSQL not counted",
        file=sys.stderr,
    )
    if run.errors:
        print(
            f"bench: gunicorn log (end):\n{server_log.read_text(errors='replace')[-1500:]}",
            file=sys.stderr,
        )
        print(
            f"bench: locust log (end):\n{locust_log.read_text(errors='replace')[-1500:]}",
            file=sys.stderr,
        )
    admin(f'DROP DATABASE IF EXISTS "{run_database}"')
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=PARTICIPANTS)
    parser.add_argument("--questions", type=int, default=QUESTIONS)
    parser.add_argument(
        "--ramp", type=float, default=RAMP_S, help="seconds for every phone to join"
    )
    parser.add_argument("--processes", type=int, default=PROCESSES)
    options = parser.parse_args()

    admin(f'DROP DATABASE IF EXISTS "{DATABASE}"', f'CREATE DATABASE "{DATABASE}"')
    try:
        with tempfile.TemporaryDirectory(prefix="kalan-bench-scale-") as name:
            folder = Path(name)
            configure(folder)
            from django.core.management import call_command
            from django.db import connections
            from submissions import build_plan

            plan = build_plan(options.participants, options.questions)
            call_command("collectstatic", interactive=False, verbosity=0)
            connections.close_all()  # a template database must have no connection
            plan_file = folder / "plan.json"
            plan_file.write_text(
                json.dumps(
                    {
                        "access_code": plan.access_code,
                        "participant_codes": plan.participant_codes,
                        "questions": plan.questions,
                    }
                ),
                encoding="utf-8",
            )
            runs = [
                measure(
                    folder, plan_file, plan.test_pk, processes, options.participants, options.ramp
                )
                for processes in (options.processes, 1)
            ]
    finally:
        admin(f'DROP DATABASE IF EXISTS "{DATABASE}"')
    return report(runs, options.participants, options.questions)


def report(runs: list[Run], participants: int, questions: int) -> int:
    many, one = runs
    print(f"scale_participants: {participants} phones")
    print(f"scale_answers_sent: {many.answers_sent} answers")
    print(f"scale_answers_stored: {many.answers_stored} answers")
    print(f"scale_answer_p99_ms: {many.p99_ms:.1f} ms")
    print(f"scale_errors: {len(many.errors)} errors")
    print(f"scale_answer_p99_ms_1proc: {one.p99_ms:.1f} ms")
    print(f"scale_p99_ratio_1proc_over_{many.processes}proc: {one.p99_ms / many.p99_ms:.1f} x")
    for run in runs:
        for error in run.errors[:10]:
            print(f"bench: {run.processes} process(es): {error}", file=sys.stderr)
        if len(run.errors) > 10:
            print(f"bench: … and {len(run.errors) - 10} more errors", file=sys.stderr)
    if one.errors or one.answers_sent != one.answers_stored:
        print(
            f"bench: with one process, {len(one.errors)} errors; {one.answers_sent} answers "
            f"confirmed and {one.answers_stored} stored (not a failure of the bench: one process "
            "is the comparison, not the target).",
            file=sys.stderr,
        )
    status = 0
    expected = participants * questions
    if many.answers_sent != many.answers_stored or many.answers_sent != expected:
        print(
            f"bench: {expected} answers were due; the server confirmed {many.answers_sent} and "
            f"the database holds {many.answers_stored}.",
            file=sys.stderr,
        )
        status = 1
    if many.errors:
        status = 1
    if not many.p99_ms < P99_TARGET_MS:
        print(
            f"bench: p99 of the answers is {many.p99_ms:.1f} ms with {many.processes} processes, "
            f"not under the {P99_TARGET_MS} ms target.",
            file=sys.stderr,
        )
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
