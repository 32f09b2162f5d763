"""A path for every level (issue 17): each notebook says near its top how long it takes, what it needs, which
sections are optional depth and which part of the Rheinwerk case it uses; 00 says which path suits whom.

The cells are trainee material (tag ``learning-path``), so batch reports leave them out.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))
#: what the path cell must name, in each language
PARTS = {"en": ("**Time:**", "**Prerequisites:**", "**Optional depth", "**The case:**"),
         "de": ("**Zeitbedarf:**", "**Voraussetzungen:**", "**Vertiefung", "**Die Fallstudie:**")}


def path_cells(nb) -> dict[str, str]:
    """The learning-path cell of each language among the cells before the parameters cell."""
    top = []
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            break
        top.append(cell)
    found = {}
    for cell in top:
        tags = cell.get("metadata", {}).get("tags", [])
        for lang in PARTS:
            if cell.cell_type == "markdown" and "learning-path" in tags and f"lang-{lang}" in tags \
                    and PARTS[lang][0] in cell.source:
                found[lang] = cell.source
    return found


def test_six_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == ["00", "01", "02", "03", "04", "05"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_states_time_prerequisites_depth_and_case(path):
    cells = path_cells(nbformat.read(path, as_version=4))
    assert set(cells) == {"en", "de"}, f"{path.name}: no learning-path cell before the parameters"
    for lang, parts in PARTS.items():
        for part in parts:
            assert part in cells[lang], (path.name, lang, part)
        minutes = [int(m) for m in re.findall(r"(\d+) (?:minutes|Minuten)", cells[lang])]
        assert minutes and all(15 <= m <= 120 for m in minutes), (path.name, lang, minutes)
    # the same times in both languages
    assert re.findall(r"\d+ minutes", cells["en"]) == [m.replace("Minuten", "minutes")
                                                       for m in re.findall(r"\d+ Minuten", cells["de"])]


def test_00_says_which_path_is_whose():
    cells = path_cells(nbformat.read(NOTEBOOKS[0], as_version=4))
    for lang, paths in (("en", ("Trainee", "Analyst", "Workshop")), ("de", ("Einsteiger", "Analyst", "Workshop"))):
        rows = [line for line in cells[lang].splitlines() if line.startswith("| ") and "---" not in line]
        assert [r.split("|")[1].strip() for r in rows[1:]] == list(paths), (lang, rows)
        assert all(re.search(r"\d", r.split("|")[-2]) for r in rows[1:]), "each path has its effort"


def test_03_marks_its_optional_depth_in_the_headings():
    nb = nbformat.read(NOTEBOOKS[3], as_version=4)
    headings = {lang: [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown"
                       and f"lang-{lang}" in c.get("metadata", {}).get("tags", []) and c.source.startswith("## ")]
                for lang in ("en", "de")}
    marked = {lang: [h[:6] for h in hs if h.endswith("(optional depth)" if lang == "en" else "(Vertiefung)")]
              for lang, hs in headings.items()}
    assert marked == {"en": ["## 3 ·", "## 4 ·"], "de": ["## 3 ·", "## 4 ·"]}  # sBG; BG/NBD + Gamma-Gamma


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exercise_is_asked_through_the_form_and_checked(path):
    """Each exercise of the notebook's module (kamlib.teaching.exercises.ids, the new evaluate/create tasks
    included) has a task cell ``form.ask`` and a literal-route cell ``exercises.check``, in the order of the ids,
    both tagged learning-path (left out of batch reports)."""
    from kamlib.teaching import exercises

    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    asked = [(m, c) for c in code for m in re.findall(r'form\.ask\("([\d.]+)", lang=lang\)', c.source)]
    checked = [(m, c) for c in code for m in re.findall(r'exercises\.check\("([\d.]+)", answer', c.source)]
    ids = exercises.ids(path.name[:2])
    assert [m for m, _ in asked] == ids and [m for m, _ in checked] == ids
    assert all("learning-path" in c.metadata.get("tags", []) for _, c in asked + checked)
    assert not any("exercises.show(" in c.source for c in code)
    assert any(line == "from kamlib.teaching import exercises, form" for c in code for line in c.source.splitlines())
