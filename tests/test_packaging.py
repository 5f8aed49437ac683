"""Packaging: every imported package is declared, the wheel ships every template, and the
installed wheel checks and builds the example from another folder (not the checkout)."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.resources import TEMPLATES
from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Declared but imported by no module, on purpose: the theme is named in mkdocs.yml.
DECLARED_NOT_IMPORTED = {"mkdocs-material"}


def _name(requirement: str) -> str:
    """Return the normalised distribution name of a requirement such as `PyYAML>=6.0`."""
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match[0]).lower()


def _imported_distributions(folder: Path) -> set[str]:
    """Return the distributions that the Python files under `folder` import (stdlib left out)."""
    modules: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    third_party = modules - set(sys.stdlib_module_names) - {"generator", "tests", "benchmarks"}
    owners = importlib.metadata.packages_distributions()
    missing = sorted(m for m in third_party if m not in owners)
    assert not missing, f"imported but not installed: {missing}"
    return {_name(dist) for module in third_party for dist in owners[module]}


def test_every_package_the_generator_imports_is_declared_and_nothing_else() -> None:
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    imported = _imported_distributions(ROOT / "generator")
    assert sorted(imported - declared) == []
    assert declared - imported == DECLARED_NOT_IMPORTED


@pytest.mark.parametrize("folder", ["tests", "scripts", "benchmarks", "examples"])
def test_every_package_the_tests_and_scripts_import_is_declared(folder: str) -> None:
    project = PYPROJECT["project"]
    declared = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    assert sorted(_imported_distributions(ROOT / folder) - declared) == []


def test_templates_are_the_checkouts_own_folder_in_an_editable_install() -> None:
    # What `scorecard serve` watches: an edit to a template must trigger a rebuild
    from generator.pdf.render import TEMPLATES as PDF_TEMPLATES
    from generator.render import TEMPLATES as SITE_TEMPLATES

    assert TEMPLATES == ROOT / "site_templates"
    assert SITE_TEMPLATES == TEMPLATES and PDF_TEMPLATES == TEMPLATES / "pdf"


# --- The wheel ---------------------------------------------------------------------------------


def _clean_env() -> dict[str, str]:
    """Return the environment without anything that would put the checkout on sys.path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}


def _run(args: list[str | Path], cwd: Path, timeout: float = 600) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=_clean_env(), capture_output=True, text=True,
                          timeout=timeout, check=False)  # fmt: skip
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built as `pip install .` builds it (setuptools from the registry)."""
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", out, ROOT], cwd=out)
    (path,) = out.glob("scorecard_press-*.whl")
    return path


@pytest.mark.slow
def test_wheel_holds_every_module_and_template_and_nothing_else(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {f"generator/site_templates/{p.relative_to(TEMPLATES)}" for p in _files(TEMPLATES)}
    modules = {f"generator/{p.relative_to(ROOT / 'generator')}" for p in _files(ROOT / "generator")}
    assert sorted(templates - names) == [] and sorted(modules - names) == []
    assert len(templates) > 20 and "generator/site_templates/pdf/pack.typ" in templates
    dist_info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
    assert {n.split("/")[0] for n in names} == {"generator", dist_info}


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh virtualenv (no system or checkout packages) with the wheel and its dependencies."""
    venv = tmp_path_factory.mktemp("venv") / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=venv.parent)
    _run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], cwd=venv.parent, timeout=900)
    yield venv
    shutil.rmtree(venv)  # about 500 MB: do not leave it among pytest's kept temp folders


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the bundled example, away from the checkout."""
    for name in ("content", "measures"):
        shutil.copytree(ROOT / name, tmp_path / "example" / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "example")
    return tmp_path / "example"


@pytest.mark.slow
def test_installed_wheel_checks_and_builds_the_example_from_another_folder(installed: Path, example: Path) -> None:
    where = _run([installed / "bin" / "python", "-c", "from generator.resources import TEMPLATES; print(TEMPLATES)"],
                 cwd=example.parent)  # fmt: skip
    assert Path(where.strip()).is_relative_to(installed), where
    scorecard = installed / "bin" / "scorecard"
    checked = _run([scorecard, "check", "--content", example / "content", "--measures", example / "measures"],
                   cwd=example.parent)  # fmt: skip
    assert "OK: 10 units, 69 KPIs" in checked
    built = _run([scorecard, "build", "--no-pdf"], cwd=example)
    assert "Built site/ for 2026-Q3: 70 pages in 2 editions (site/board/, site/staff/)" in built
    page = (example / "site" / "board" / "units" / "it" / "index.html").read_text(encoding="utf-8")
    assert "sp-scorecard" in page
    assert (example / "site" / "staff" / "assets" / "scorecard" / "charts.js").is_file()
    assert 'href="staff/index.html"' in (example / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.pdf
def test_installed_wheel_writes_a_pack(installed: Path, example: Path) -> None:
    out = _run([installed / "bin" / "scorecard", "pdf", "--unit", "it-security", "--out", "packs"], cwd=example)
    assert re.search(r"Wrote packs/2026-Q3-it-security\.pdf: \d+ pages", out), out
