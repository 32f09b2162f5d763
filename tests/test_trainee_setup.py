"""A trainee's laptop without make: ``kam notebooks DEST --lang de`` writes the trainee's own notebooks (one
language, the sample company next to them), and the documented set-up (README "On a trainee's laptop") uses
only commands that exist: a venv or conda environment, ``pip install``, ``kam notebooks``, ``jupyter lab``."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nbformat
import pytest

from kamlib.present.report import cell_lang
from kamlib.teaching import trainee

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted((ROOT / "notebooks/workshop").glob("*.ipynb"))


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("course") / "mein-kurs"
    trainee.write_trainee_notebooks(dest, "de", source_folder=ROOT / "notebooks")
    return dest


def _params(nb) -> str:
    return next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))


GERMAN_NAMES = [  # what a German trainee sees in JupyterLab's file browser: German names, course order kept
    "00_Einstieg.ipynb", "01_Kundenauswahl.ipynb", "02_Kundenprofil.ipynb", "03_Kundenwert.ipynb",
    "04_Account-Review.ipynb", "05_Portfolio-Bewertung.ipynb",
    "workshop/Kriterien-Workshop.ipynb", "workshop/Portfolio-Workshop.ipynb",
]


def _copy_of(dest: Path, src: Path, lang: str = "de") -> Path:
    return dest / trainee.copy_name(src.relative_to(ROOT / "notebooks"), lang)


def test_every_notebook_is_copied_with_the_sample_next_to_it(german):
    written = sorted(p.relative_to(german).as_posix() for p in german.rglob("*.ipynb"))
    assert written == sorted(GERMAN_NAMES)
    assert sorted(_copy_of(german, p).relative_to(german).as_posix() for p in SOURCES) == sorted(GERMAN_NAMES)
    assert len(written) == 8  # six step notebooks and two workshops
    assert (german / "data/sample/accounts.csv").read_bytes() == (ROOT / "data/sample/accounts.csv").read_bytes()


def test_a_german_copy_has_no_english_prose_and_every_german_cell(german):
    for src in SOURCES:
        copy = nbformat.read(_copy_of(german, src), as_version=4)
        original = nbformat.read(src, as_version=4)
        md = [c for c in copy.cells if c.cell_type == "markdown"]
        assert [c for c in md if cell_lang(c) == "en"] == [], src.name
        # every German cell and every code cell of the original, in the original order (parameters aside)
        def body(cells):
            return [c.source for c in cells if "parameters" not in c.metadata.get("tags", [])]

        kept = [c for c in original.cells if c.cell_type == "code" or cell_lang(c) in (None, "de")]
        for c in kept:  # the copy's "Weiter: `01_…ipynb`" names the German copy (checked on its own below)
            if c.cell_type == "markdown":
                for old, new in zip(sorted(p.name for p in SOURCES), sorted(_copy_of(german, p).name for p in SOURCES)):
                    c.source = c.source.replace(old, new)
        assert body(copy.cells) == body(kept), src.name
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in copy.cells if c.cell_type == "code")


def test_the_parameters_cell_says_german_and_points_at_the_copied_sample(german):
    top = _params(nbformat.read(german / "01_Kundenauswahl.ipynb", as_version=4))
    assert re.search(r'^lang: str = "de"', top, re.M) and re.search(r'^source: str = "data/sample"', top, re.M)
    assert "# language" in top  # the parameter's comment stays
    ws = _params(nbformat.read(german / "workshop/Kriterien-Workshop.ipynb", as_version=4))
    assert re.search(r'^source: str = "\.\./data/sample"', ws, re.M)
    assert (german / "workshop" / "../data/sample/orders.csv").is_file()


def test_the_source_notebooks_are_not_changed(tmp_path):
    before = {p: p.read_bytes() for p in SOURCES}
    trainee.write_trainee_notebooks(tmp_path / "en", "en", source_folder=ROOT / "notebooks")
    assert {p: p.read_bytes() for p in SOURCES} == before
    en = nbformat.read(tmp_path / "en/00_start_here.ipynb", as_version=4)  # English copies keep their names
    assert not [c for c in en.cells if c.cell_type == "markdown" and cell_lang(c) == "de"]


def test_a_german_copy_runs_from_its_own_folder(german, tmp_path):
    """Notebook 00 of the German copy, executed with the copy's folder as working directory (as JupyterLab
    does), from a copy of the course folder moved elsewhere: it reads the sample it carries and writes German."""
    import shutil

    from nbclient import NotebookClient

    moved = tmp_path / "elsewhere"
    shutil.copytree(german, moved)
    nb = nbformat.read(moved / "00_Einstieg.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(moved)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    shown = "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/html", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "Umsatz" in shown  # German labels from lang = "de"


def test_kam_notebooks_writes_the_copies_and_refuses_a_full_folder(tmp_path, kam):
    # run from another folder than the workbook's: the workbook's own notebooks are found
    r = kam("notebooks", str(tmp_path / "my-course"), "--lang", "de", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "8 Notebooks" in r.stdout and "jupyter lab" in r.stdout  # the message in German under --lang de
    assert (tmp_path / "my-course/01_Kundenauswahl.ipynb").is_file()
    again = kam("notebooks", str(tmp_path / "my-course"), "--lang", "de", cwd=tmp_path)
    assert again.returncode == 2 and "nicht leer" in again.stderr and "Traceback" not in again.stderr


# --------------------------------------------------------------------------- the documented set-up


def _readme_setup() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"^## On a trainee's laptop.*?(?=^## )", text, re.M | re.S)
    assert m, "README has no section '## On a trainee's laptop'"
    return m.group(0)


def test_the_readme_documents_a_setup_without_make():
    section = _readme_setup()
    for command in ("python -m venv", "pip install", "conda env create -f environment.yml", "kam notebooks",
                    "jupyter lab"):
        assert command in section, command
    commands = "\n".join(re.findall(r"^```\n(.*?)^```", section, re.M | re.S))
    assert "python -m venv" in commands and not re.search(r"^\s*make\b", commands, re.M)  # no make to type
    assert "Scripts\\activate" in section  # the Windows way to activate the venv


def test_the_documented_kam_commands_exist():
    from kamlib.cli import build_parser

    parser = build_parser()
    for line in re.findall(r"^\s*(kam [^\n#]+)", _readme_setup(), re.M):
        argv = line.split()[1:]
        args = parser.parse_args(argv)  # exits (SystemExit) when a subcommand or option does not exist
        assert callable(args.func), line


def test_the_installed_packages_give_the_documented_commands():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["kam"] == "kamlib.cli:main"
    # JupyterLab comes with the extra the README installs (and with environment.yml for conda)
    section = _readme_setup()
    assert 'pip install ".[lab]"' in section
    assert any(d.startswith("jupyterlab") for d in pyproject["project"]["optional-dependencies"]["lab"])
    env = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s*- jupyterlab", env, re.M)  # tests/test_packaging.py checks the rest of the mirror


def test_without_an_editable_install_the_sample_comes_from_the_workbook_folder(tmp_path, monkeypatch):
    """``pip install ".[lab]"`` (not editable) puts kamlib into site-packages, where kamlib.SAMPLE does not
    exist; run in the workbook's folder as documented, ``kam notebooks`` takes notebooks/ and data/sample there."""
    import kamlib

    monkeypatch.setattr(kamlib, "SAMPLE", str(tmp_path / "site-packages" / "data" / "sample"))
    monkeypatch.chdir(ROOT)
    written = trainee.write_trainee_notebooks(tmp_path / "course", "de")
    assert len(written) == 8
    assert (tmp_path / "course/data/sample/orders.csv").stat().st_size == (ROOT / "data/sample/orders.csv").stat().st_size


def test_the_next_notebook_is_named_as_the_trainee_sees_it(german):
    """'Weiter: `01_…`' at the end of 00 names the German copy's file, and no English file name is left in
    any German copy (00 names 01, 01 names 02, the criteria workshop names the portfolio workshop)."""
    english = [p.name for p in SOURCES]
    for name, nxt in [("00_Einstieg.ipynb", "01_Kundenauswahl.ipynb"), ("01_Kundenauswahl.ipynb", "02_Kundenprofil.ipynb"),
                      ("workshop/Kriterien-Workshop.ipynb", "Portfolio-Workshop.ipynb")]:
        text = "\n".join(c.source for c in nbformat.read(german / name, as_version=4).cells if c.cell_type == "markdown")
        assert f"`{nxt}`" in text, name
    for p in german.rglob("*.ipynb"):
        raw = p.read_text(encoding="utf-8")
        assert not [e for e in english if e in raw], p.name
