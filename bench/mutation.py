"""Mutation score of the modules whose rules are data-critical (mutmut). Not part of CI.

Prints one figure per module, ``name: value unit``, the share of mutants that the module's own
tests kill (a timeout counts as killed: the mutant never finished):

    mutation_killed_percent_text: 100.0 %               kalan/core/text.py
    mutation_killed_percent_values: 97.8 %              kalan/workshops/importing/values.py
    mutation_killed_percent_identity: 93.4 %            kalan/people/identity.py
    mutation_killed_percent_scoring: 100.0 %            kalan/assessments/scoring.py
    mutation_killed_percent_figures: 99.0 %             kalan/reports/figures.py: the functions
                                                        that define persons trained, person-days
                                                        and the attendance rate (FIGURES)
    mutation_killed_percent_statement_amounts: 98.4 %   kalan/finance/statements.py: the lines'
                                                        per diem, transport and totals (STATEMENT)
    mutation_run_s: 386 s                               the whole run, mutants generated to end

and, on the error stream, each surviving mutant by name (``.venv/bin/mutmut show NAME`` prints
its diff; the test module of its module names those found equivalent, with the reason).

mutmut's settings are in pyproject.toml ([tool.mutmut]): the six modules, the test files that
may kill their mutants; mutmut runs for each mutant only the tests that called the mutated
function. Its work folder, ``mutants/``, is made anew at each run. The tests of the database
each copy one migrated once (KALAN_TEST_DATABASE_TEMPLATE, conftest.py): migrating a database
for each of several hundred mutants would take an hour. Everything lands in a temporary data
folder, so nothing of the developer's ``var/`` is touched.

Exits non-zero when mutmut fails (a test failing without a mutant, say) or a module is under
TARGET_PERCENT.

Usage: .venv/bin/python bench/mutation.py [MODULE ...]   (``make mutation``: all six, about
5 minutes on 2 cores; name modules, ``identity figures``, to mutate and count those only)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_PERCENT = 90.0

# The mutants counted for each figure, as mutmut names them: "<module>.x_<function>__mutmut_<n>",
# "<module>.xǁ<class>ǁ<method>__mutmut_<n>" for a method.
FIGURES = [
    "kalan.reports.figures.x__count_trained__mutmut_*",  # persons trained
    "kalan.reports.figures.x__count_person_days__mutmut_*",  # person-days
    "kalan.reports.figures.x__count_days_offered__mutmut_*",  # the attendance rate's divisor
    "kalan.reports.figures.x__attendance_rate__mutmut_*",  # the rate
]
STATEMENT = [
    "kalan.finance.statements.x__read__mutmut_*",  # each line's periods, days and amounts
    "kalan.finance.statements.x_statement_total__mutmut_*",
    "kalan.finance.statements.x_statement_sums__mutmut_*",
]
MODULES: dict[str, list[str]] = {
    "text": ["kalan.core.text.*"],
    "values": ["kalan.workshops.importing.values.*"],
    "identity": ["kalan.people.identity.*"],
    "scoring": ["kalan.assessments.scoring.*"],
    "figures": FIGURES,
    "statement_amounts": STATEMENT,
}
KILLED = {1, 3}  # mutmut's exit codes of a run that failed: the mutant was caught
TIMEOUT = {36, -24, 24, 152, 255}  # the mutant ran past its CPU-time limit


def _matches(name: str, patterns: list[str]) -> bool:
    from fnmatch import fnmatchcase

    return any(fnmatchcase(name, pattern) for pattern in patterns)


def _results() -> dict[str, int | None]:
    """Each mutant's exit code, by name, from mutmut's files in mutants/."""
    codes: dict[str, int | None] = {}
    for meta in (ROOT / "mutants").rglob("*.py.meta"):
        codes.update(json.loads(meta.read_text())["exit_code_by_key"])
    return codes


def main(names: list[str]) -> int:
    unknown = sorted(set(names) - set(MODULES))
    if unknown:
        print(
            f"mutation: unknown module(s) {', '.join(unknown)}; known: {', '.join(MODULES)}",
            file=sys.stderr,
        )
        return 2
    modules = {name: MODULES[name] for name in names} if names else MODULES
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="kalan-mutation-") as folder:
        data = Path(folder)
        template = data / "template"
        template.mkdir()
        env = {
            **os.environ,
            "KALAN_DATA_DIR": str(data),
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
            "KALAN_TEST_DATABASE_TEMPLATE": str(template / "kalan.sqlite3"),
        }
        env.pop("KALAN_DATABASE_URL", None)  # SQLite: one file each mutant copies
        subprocess.run(  # noqa: S603 - the venv's own commands, no shell
            [BIN / "kalan", "migrate", "--noinput"],
            env={**env, "KALAN_DATA_DIR": str(template)},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        patterns = [pattern for module in modules.values() for pattern in module]
        log = data / "mutmut.log"
        started = time.monotonic()
        with log.open("w") as out:
            run = subprocess.run(  # noqa: S603 - as above
                [BIN / "mutmut", "run", "--max-children", str(os.cpu_count() or 2), *patterns],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        elapsed = time.monotonic() - started
        if run.returncode != 0:
            print(log.read_text()[-5000:], file=sys.stderr)
            print(f"mutation: mutmut failed ({run.returncode})", file=sys.stderr)
            return 1
    codes = _results()
    failed = False
    for module, patterns in modules.items():
        mine = {name: code for name, code in codes.items() if _matches(name, patterns)}
        caught = sum(1 for code in mine.values() if code in KILLED or code in TIMEOUT)
        percent = 100.0 * caught / len(mine) if mine else 0.0
        print(f"mutation_killed_percent_{module}: {percent:.1f} %")
        for name, code in sorted(mine.items()):
            if code not in KILLED and code not in TIMEOUT:
                print(f"mutation: {module}: survived ({code}) {name}", file=sys.stderr)
        if percent < TARGET_PERCENT:
            print(
                f"mutation: {module} at {percent:.1f} %, under {TARGET_PERCENT} % ({len(mine)}"
                " mutants)",
                file=sys.stderr,
            )
            failed = True
    print(f"mutation_run_s: {elapsed:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
