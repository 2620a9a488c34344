"""The one-way layers of pyproject.toml hold, and an upward import breaks them.

`make lint` runs `lint-imports`; these tests check that the contract is really there and really
bites: a module of core that imports the reports fails it, and names the import.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import kalan

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(kalan.__file__).resolve().parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint() -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the venv's own lint-imports, fixed arguments
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_layers_contract_lists_every_app_of_the_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = config["contracts"]
    listed = {name.strip() for layer in contract["layers"] for name in layer.split("|")}
    apps = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}

    assert contract["type"] == "layers"
    assert contract["exhaustive"] is True
    assert apps <= listed
    assert contract["layers"][-1] == "core"


def test_the_code_keeps_the_layers() -> None:
    result = _lint()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "imported"),
    [
        ("core", "kalan.reports.figures"),
        ("people", "kalan.workshops.models"),
        ("workshops", "kalan.assessments.models"),
        ("certificates", "kalan.finance.models"),  # one layer, apps that must not know each other
    ],
)
def test_an_upward_import_fails_the_lint(module: str, imported: str) -> None:
    probe = PACKAGE / module / "_upward_probe.py"
    probe.write_text(f"import {imported}  # noqa: F401\n")
    try:
        result = _lint()
    finally:
        probe.unlink()

    assert result.returncode != 0
    assert f"kalan.{module}._upward_probe -> {imported}" in result.stdout


def _layer_of() -> dict[str, int]:
    """Each app of the contract with its height: core 0, the layer above it 1, …"""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = list(reversed(config["contracts"][0]["layers"]))
    return {name.strip(): n for n, layer in enumerate(layers) for name in layer.split("|")}


def test_no_model_points_up_the_layers_or_across_one() -> None:
    """Foreign keys, one-to-ones and many-to-manys go to the model's own app or a lower layer:
    the models have no cycle between apps either."""
    from django.apps import apps

    height = _layer_of()
    wrong = []
    for model in apps.get_models(include_auto_created=True):
        app = model.__module__.split(".")[1] if model.__module__.startswith("kalan.") else None
        if app is None:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model.__module__.split(".")
            if target[0] != "kalan" or target[1] == app:
                continue
            if height[target[1]] >= height[app]:
                wrong.append(
                    f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
                )

    assert wrong == []
