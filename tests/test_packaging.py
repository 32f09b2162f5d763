"""One source of dependencies: environment.yml must mirror pyproject.toml."""

from __future__ import annotations

import re
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
