"""One source of dependencies: environment.yml must mirror pyproject.toml."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import ROOT


def _normalise(req: str) -> tuple[str, str]:
    req = req.split(";")[0].strip()
    m = re.match(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(3).replace(" ", "")


def _pyproject() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"]) + list(meta["optional-dependencies"]["dev"])
    return dict(_normalise(r) for r in reqs)


def _environment() -> dict[str, str]:
    out = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("\ndependencies:", 1)[1].splitlines():
        m = re.match(r"^  - ([A-Za-z0-9_.\-\[\]]+[^#]*?)\s*(#.*)?$", line)
        if m and not m.group(1).startswith(("python", "pip")):
            name, spec = _normalise(m.group(1))
            out[name] = spec
    return out


def test_environment_yml_mirrors_pyproject():
    assert _environment() == _pyproject()


def test_drift_is_detected(tmp_path, monkeypatch):
    # the check itself must be able to fail: a changed version pin is a difference
    py = _pyproject()
    py["pandas"] = ">=9"
    assert _environment() != py


def test_console_script_and_package():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["scripts"]["kam"] == "kamlib.cli:main"
    assert meta["project"]["requires-python"] == ">=3.11"


def test_paths_kamlib_finds_from_its_own_location_exist():
    """Modules moved into folders; every path they compute from ``__file__`` still points into the checkout."""
    import kamlib
    from kamlib.teaching import glossary
    from kamlib.workshop import app

    assert (Path(kamlib.SAMPLE) / "accounts.csv").is_file()
    assert (app.NOTEBOOKS / "criteria_workshop.ipynb").is_file()
    assert glossary.DOCS_FILE == Path(__file__).resolve().parents[1] / "docs" / "glossary.md"


def _make_n(target: str, venv: Path) -> list[str]:
    """The commands ``make TARGET`` would run with ``VENV=venv`` (``make -n``: nothing is run)."""
    import subprocess

    proc = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target, f"VENV={venv}"], capture_output=True, text=True, check=True
    )
    return [line for line in proc.stdout.splitlines() if not line.startswith("make")]


def test_make_workbook_installs_the_runtime_only_and_make_test_the_dev_tools(tmp_path):
    # on a fresh clone (no venv yet): the workbook needs `pip install -e .` and nothing of the dev extra
    workbook = _make_n("workbook", tmp_path / "venv")
    installs = [c for c in workbook if "pip install" in c and "--upgrade pip" not in c]
    assert installs == [f"{tmp_path / 'venv'}/bin/python -m pip install --quiet -e '.'"], workbook
    assert workbook[-1].startswith(f"{tmp_path / 'venv'}/bin/kam run ")
    # pip is upgraded only when the venv's own is too old for an editable install (the check guards it)
    assert all(" || " in c for c in workbook if "--upgrade pip" in c), workbook
    test = _make_n("test", tmp_path / "venv")
    assert [c for c in test if "pip install" in c and "--upgrade pip" not in c] == [
        f"{tmp_path / 'venv'}/bin/python -m pip install --quiet -e '.[dev]'"
    ], test
    # after `make test` (its stamps newer than pyproject.toml) the workbook installs nothing again
    venv = tmp_path / "venv"
    venv.mkdir()
    for stamp in (".kam-runtime", ".kam-lab", ".kam-dev"):
        (venv / stamp).touch()
    again = _make_n("workbook", venv)
    assert [c for c in again if "pip" in c] == [], again
    # ... while a workbook-only venv still gets the dev tools for `make test`
    (venv / ".kam-dev").unlink()
    assert any("-e '.[dev]'" in c for c in _make_n("test", venv))


def test_the_dev_only_tools_are_extras_not_runtime_dependencies():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_normalise(r)[0] for r in meta["dependencies"]}
    for tool in ("pytest", "nbval", "playwright", "lifetimes", "distributed", "voila", "jupyterlab", "ruff", "mypy"):
        assert tool not in runtime, tool


def test_importing_nbformat_compiles_no_iri_grammars():
    """Every kam run, nbval worker and Voila server imports nbformat, which imports jsonschema. jsonschema 4.25+
    then imports rfc3987-syntax, which builds 39 Earley parsers at import (1.5-5 s a process on this machine). The
    dev environment keeps a jsonschema that does not (pyproject's dev extra says why)."""
    code = "import sys, nbformat; print(sorted(m for m in sys.modules if m.split('.')[0] in ('rfc3987_syntax', 'lark')))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_every_data_file_in_kamlib_is_package_data():
    """Every file of kamlib that is not Python (TOML tables, Jinja2 templates, the report's CSS, reveal.js, the
    Voila template) is listed in pyproject's package-data, so a non-editable install ships it. Matched as
    setuptools matches: a glob from the package's folder, where ``*`` stays within one folder and ``**`` crosses
    them (templates/*.j2 does not reach templates/nbconvert/report.html.j2)."""
    import glob

    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    shipped = set()
    for package, patterns in package_data.items():
        folder = ROOT.joinpath(*package.split("."))
        for pattern in patterns:
            shipped |= {(folder / f).relative_to(ROOT).as_posix()
                        for f in glob.glob(pattern, root_dir=folder, recursive=True) if (folder / f).is_file()}
    files = subprocess.run(["git", "ls-files", "kamlib"], cwd=ROOT, capture_output=True, text=True, check=True)
    data = sorted(f for f in files.stdout.splitlines() if not f.endswith(".py"))
    assert len(data) > 40  # TOML, templates, CSS, reveal.js
    assert [f for f in data if f not in shipped] == []
