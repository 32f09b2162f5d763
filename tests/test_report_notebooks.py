"""The notebooks as reports (issue 14, parts 1 and 6): report mode leaves the teaching out and opens with what the
reader needs first, headings nest, and the saved outputs are formatted for a reader (no NaN/None cells, no pandas
debug output, every chart with an alt text).

The output checks read the outputs saved in ``notebooks/`` (refreshed with ``make notebooks``); set
``KAM_NOTEBOOKS`` to a folder of executed copies to check those instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from kamlib.batch.runner import TRAINEE_TAG
from kamlib.present.report import notebook_headings, report_notebook

NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))
EXECUTED = Path(os.environ.get("KAM_NOTEBOOKS", ROOT / "notebooks"))


def _batch(nb, lang: str = "en"):
    """The notebook as a batch run shows it: trainee cells dropped (as ``execute_task`` does), then the report
    of ``lang`` (:func:`report_notebook`)."""
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if TRAINEE_TAG not in c.get("metadata", {}).get("tags", [])]
    return report_notebook(nb, lang)


def _levels(headings) -> list[str]:
    """What is wrong with a list of (level, text): not one H1 first, or a level skipped on the way down."""
    problems = []
    if not headings or headings[0][0] != 1 or sum(1 for level, _ in headings if level == 1) != 1:
        problems.append("not exactly one H1, first")
    for (before, _), (level, text) in zip(headings, headings[1:]):
        if level > before + 1:
            problems.append(f"H{before} -> H{level}: {text}")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_headings_nest_in_the_notebook_and_in_its_reports(path):
    nb = nbformat.read(path, as_version=4)
    for lang in ("en", "de"):
        assert _levels(notebook_headings(report_notebook(nb, lang, exercises=True), include_exercises=True)) == []
        assert _levels(notebook_headings(_batch(nb, lang))) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_batch_report_leaves_the_teaching_out(path):
    nb = nbformat.read(path, as_version=4)
    for lang, objectives in (("en", "Learning objectives"), ("de", "Lernziele")):
        cells = _batch(nb, lang).cells
        text = "\n".join(c.source for c in cells)
        assert objectives not in text
        assert "change `account_id` here" not in text and "papermill" not in text
        assert "Key points" not in text and "Kernaussagen" not in text
        # the title stays, alone: the report opens with it
        assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
        assert len(cells[0].source.strip().splitlines()) == 1
    # the trainees' notebook keeps it
    assert any("Learning objectives" in c.source for c in nb.cells)


def test_review_report_drops_the_period_demo_and_opens_with_the_summary():
    nb = nbformat.read(ROOT / "notebooks" / "04_review_cycle.ipynb", as_version=4)
    cells = _batch(nb, "en").cells
    assert not any("refused_periods" in c.source for c in cells)  # the four error messages of the teaching demo
    code = [c for c in cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    # the set-up cell prints nothing; the first cell that shows something is the summary
    assert "print(" not in code[0].source and "\ndata\n" not in code[0].source + "\n"
    assert code[1].source.startswith("summary.account_summary(")
    assert any(c.source == "## At a glance" for c in cells[:5])


def test_profile_and_portfolio_reports_open_with_their_summary():
    first = {}
    for name in ("01_account_selection", "02_account_profile", "05_portfolio_review"):
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        code = [c for c in _batch(nb).cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
        first[name] = code[1].source
    assert "overview.key_account_list(sel, lang, as_of=data.as_of)" in first["01_account_selection"]
    assert "summary.account_summary(" in first["02_account_profile"]
    assert "summary.attention_list(" in first["05_portfolio_review"]


# --------------------------------------------------------------------------- the saved outputs

_CELL_MISSING = re.compile(r"<t[dh][^>]*>\s*(NaN|nan|None|NaT|<NA>)\s*</t[dh]>")


def _outputs(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            yield i, out


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_saved_outputs_show_no_missing_values_or_debug_output(name):
    path = EXECUTED / name
    found = []
    for i, out in _outputs(path):
        if out.output_type == "stream":
            texts = [out.text]
        elif out.output_type in ("display_data", "execute_result"):
            texts = [out.data.get("text/html", ""), out.data.get("text/markdown", "")]
            if not out.data.get("text/html") and "image/png" not in out.data:
                texts.append(out.data.get("text/plain", ""))
        else:
            continue
        for text in texts:
            for bad in ("dtype:", "CSV extracts written", "CSV-Auszüge geschrieben"):
                if bad in text:
                    found.append((i, bad))
            found += [(i, m.group(0)) for m in _CELL_MISSING.finditer(text)]
            if out.output_type == "stream" and re.search(r"\bNaN\b", text):
                found.append((i, "NaN"))
    assert found == []


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_every_saved_chart_has_an_alt_text(name):
    images = [(i, out) for i, out in _outputs(EXECUTED / name) if "image/png" in out.get("data", {})]
    without = [i for i, out in images if not out.get("metadata", {}).get("image/png", {}).get("alt", "").strip()]
    assert without == []
