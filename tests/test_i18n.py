"""German and English labels: one registry, every pair complete, formats, and German reports end to end."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from kamlib import i18n
from kamlib.present import report as report_i18n

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[0-5]_*.ipynb"))

#: Pairs whose German is rightly the same as the English (loanwords, symbols, names, units).
SAME_IN_BOTH = {
    "Gini", "Star", "Status", "star", "Streamline", "streamline", "Quadrant", "KAM", "Name", "Score", "Min", "Max", "Trend", "Service",
    "− Service", "= DB I", "= DB II", "= DB III", "= DB IV", "DB I", "DB II", "DB III", "DB IV", "EUR", "CLV (EUR)",
    "CLV, sBG (EUR)", "CLV, BG/NBD (EUR)", "DB IV ≥ 0", "Plan", "Symbol", "Parameter", "Portfolio", "Notebook",
    "Health Score", "Initiator", "Gatekeeper", "neutral", "Share of Wallet", "Upselling", "Cross-Selling",
    "Whitespace", "ok", "–", "P(alive)", "Buying Center", "Whitespace (EUR)", "DB I (EUR)",
    "kamlib: {call} = {x}", "{account}: m = {m}, r = {r}, d = {d}",
    "GRR", "NRR",  # exercise answers: gross and net revenue retention
    "Agenda",  # the Jahresgespräch pack: what a Mittelstand KAM writes on a customer meeting (German review)
}
#: English words German KAM texts use as they are; stripped before looking for English leftovers.
GERMAN_LOANWORDS = ("Key Account Management", "Key Accounts", "Key Account", "Health Score", "Share of Wallet",
                    "Buying Center", "Whitespace", "Pain Point", "Cross-Selling", "Upselling", "Workshop")


def test_registry_pairs_complete_and_german_differs():
    reg = i18n.registry()
    assert len(reg) > 500
    for key, pair in reg.items():
        assert isinstance(pair, tuple) and len(pair) == 2, key
        en, de = pair
        assert isinstance(en, str) and en.strip(), f"{key}: English missing"
        assert isinstance(de, str) and de.strip(), f"{key}: German missing"
        if en == de:
            assert en in SAME_IN_BOTH, f"{key}: German identical to English ({en!r}); translate or allow-list it"
        assert set(re.findall(r"\{(\w+)\}", en)) == set(re.findall(r"\{(\w+)\}", de)), f"{key}: placeholders differ"


def _bilingual_literals(tree):
    """Module-level dict literals whose values are all (str, str) pairs: label tables written in code."""
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Dict) and value.values and all(
                isinstance(v, ast.Tuple) and len(v.elts) == 2
                and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in v.elts)
                for v in value.values):
            yield node.lineno


def _sentence_pair(node):
    """An (English, German) pair of phrases: a tuple of two string literals of two words or more each."""
    return isinstance(node, ast.Tuple) and len(node.elts) == 2 and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) and " " in e.value.strip() for e in node.elts)


def _headers(node):
    return isinstance(node, ast.List) and len(node.elts) > 1 and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)


def _bilingual_texts(tree):
    """Texts written in two languages in code: an (English, German) pair handed to a call or held in a dict
    (``title=("Weighted score", "Gewichteter Score")``, ``Mistake("key", ("...", "..."), ...)``), and lists of
    headers picked by the language (``[...] if lang == "en" else [...]``)."""
    for node in ast.walk(tree):
        handed = ([*node.args, *(k.value for k in node.keywords)] if isinstance(node, ast.Call)
                  else node.values if isinstance(node, ast.Dict) else [])
        for value in handed:
            if _sentence_pair(value) or (isinstance(value, ast.Tuple) and any(map(_sentence_pair, value.elts))):
                yield value.lineno
        if (isinstance(node, ast.IfExp) and isinstance(node.test, ast.Compare)
                and isinstance(node.test.left, ast.Name) and node.test.left.id == "lang"
                and _headers(node.body) and _headers(node.orelse)):
            yield node.lineno


def _texts_in_code(source: str) -> list[int]:
    tree = ast.parse(source)
    return sorted({*_bilingual_literals(tree), *_bilingual_texts(tree)})


def test_every_label_table_lives_in_the_catalogue():
    """One catalogue: no module of kamlib (kamlib/teaching/exercises.py included) writes an (English, German)
    table or text in code."""
    found = [f"{path.relative_to(ROOT)}:{line}" for path in sorted((ROOT / "kamlib").rglob("*.py"))
             for line in _texts_in_code(path.read_text(encoding="utf-8"))]
    assert not found, f"move these texts into kamlib/i18n/catalogue/*.toml: {found}"


def test_the_table_finder_finds_a_table_in_code():
    code = 'LABELS = {"a": ("A", "Ä"), "b": ("B", "Bé")}\nOTHER = {"a": 1}\n'
    assert _texts_in_code(code) == [1]


def test_the_text_finder_finds_texts_in_code_and_passes_synonyms_and_data():
    code = (
        'Exercise(id="1", title=("Weighted score", "Gewichteter Score"))\n'
        'Mistake("up", ("You sorted up.", "Sie haben aufsteigend sortiert."), f)\n'
        'wrong = {"a": ("too_many", ("Far too many.", "Viel zu viele."))}\n'
        'head = ["account", "EUR"] if lang == "en" else ["Kunde", "EUR"]\n'
        'SYNONYMS = {"strategic": ("strategisch", "strategic account", "Strategie"), "star": ("stern",)}\n'
        'AXES = {"both": ("beide", "both axes"), "neither": ("keine", "none", "keine von beiden")}\n'
        'ROWS = [("Neues Werk erschließen", "Kontakt zur Werkleitung aufbauen")]\n'
        'FieldSpec("share", ("net revenue retention", "net_revenue_retention"))\n'
    )
    assert _texts_in_code(code) == [1, 2, 3, 4]


def test_missing_german_label_fails(monkeypatch):
    monkeypatch.setitem(i18n.COLUMNS, "broken_label", ("Broken", ""))
    with pytest.raises(AssertionError, match="German missing"):
        test_registry_pairs_complete_and_german_differs()


def test_formats():
    assert i18n.money(1234.56, "de") == "1.234,56\u00a0€"
    assert i18n.money(1234.56, "en") == "€1,234.56"
    assert i18n.money(-1234.5, "en", 0) == "-€1,234"
    assert i18n.date(pd.Timestamp("2025-12-31"), "de") == "31.12.2025"
    assert i18n.date("2025-12-31", "en") == "2025-12-31"
    assert i18n.number(-0.5, "de", 1) == "-0,5"


def test_one_cell_formatter_for_every_table():
    # worked by hand: 1234567.891 -> two decimals, German groups with '.', decimal ','
    assert i18n.cell(1234567.891, "de", "number") == "1.234.567,89"
    assert i18n.cell(1234567.891, "en", "money", 0) == "1,234,568"
    assert i18n.cell(0.125, "de", "percent", 1) == "12,5\u00a0%"
    assert i18n.cell(-0.034, "de", "points", 1) == "-3,4\u00a0Pp." and i18n.cell(0.034, "en", "points", 1) == "+3.4 pp"
    assert [i18n.cell(v, "de") for v in (True, False, None, float("nan"), pd.NaT, pd.NA)] == [
        "ja", "nein", "–", "–", "–", "–"]
    assert i18n.cell(pd.Timestamp("2025-03-01"), "de") == "01.03.2025"
    assert i18n.cell(pd.Timestamp("2025-03-01"), "en") == "2025-03-01"
    assert i18n.cell("ACC-0044", "de") == "ACC-0044"  # text stays as it is
    with pytest.raises(ValueError, match="kind must be one of"):
        i18n.cell(1, "en", "euro")


def test_tick_formatter_and_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kamlib.present.charts import tick_formatter

    fig, ax = plt.subplots()
    ax.plot([0, 0.5], [0, 2500.5])
    ax.xaxis.set_major_formatter(tick_formatter("de", "percent"))
    ax.yaxis.set_major_formatter(tick_formatter("de", "number"))
    fig.canvas.draw()
    xt = [t.get_text() for t in ax.get_xticklabels()]
    yt = [t.get_text() for t in ax.get_yticklabels()]
    plt.close(fig)
    assert "50\u00a0%" in xt and "50%" not in xt
    assert "2.500" in yt and "1.000" in yt
    assert tick_formatter("de", "money")(2_500_000) == "2,5\u00a0Mio.\u00a0€"
    assert tick_formatter("en", "money")(2_500) == "€2k" or tick_formatter("en", "money")(2_500) == "€3k"


def _md(src):
    return nbformat.v4.new_markdown_cell(src)


def _code(text="", tags=()):
    cell = nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", text=text)] if text else [])
    cell.metadata["tags"] = list(tags)
    return cell


def test_report_notebook_on_real_notebooks_keeps_code_cells():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for lang in ("en", "de"):
            rep = report_i18n.report_notebook(nb, lang)
            assert rep.cells[0].cell_type == "markdown" and rep.cells[0].source.startswith("# ")
            n_code = sum(c.cell_type == "code" for c in rep.cells)
            assert 0 < n_code <= sum(c.cell_type == "code" for c in nb.cells)


