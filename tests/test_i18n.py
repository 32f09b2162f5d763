"""German and English labels: one registry, every pair complete, formats, and German reports end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from kamlib import i18n, report_i18n

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[0-5]_*.ipynb"))

#: Pairs whose German is rightly the same as the English (loanwords, symbols, names, units).
SAME_IN_BOTH = {
    "Gini", "Star", "Status", "star", "Quadrant", "KAM", "Name", "Score", "Min", "Max", "Trend", "Service",
    "− Service", "= DB I", "= DB II", "= DB III", "= DB IV", "DB I", "DB II", "DB III", "DB IV", "EUR", "CLV (EUR)",
    "CLV, sBG (EUR)", "CLV, BG/NBD (EUR)", "DB IV ≥ 0", "Plan", "Symbol", "Parameter", "Portfolio", "Notebook",
    "Health Score", "Initiator", "Gatekeeper", "neutral", "Share of Wallet", "Upselling", "Cross-Selling",
    "Whitespace", "ok", "–", "P(alive)", "Buying Center", "Whitespace (EUR)", "DB I (EUR)",
    "kamlib: {call} = {x}", "{account}: m = {m}, r = {r}, d = {d}",
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


def test_registry_covers_every_module_table():
    from kamlib import clv, profile, review, selection, value

    reg = i18n.registry()
    for table, name in [(profile.LABELS, "profile.labels"), (profile.VALUE_LABELS, "profile.values"),
                        (profile._TEXT, "profile.text"), (value._LABELS, "value.labels"), (clv._LABELS, "clv.labels"),
                        (review.LABELS, "review.labels"), (review._TEXTS, "review.texts"),
                        (review.RULE_LABELS, "review.rules"), (selection.CRITERION_RULES, "selection.criterion_rules"),
                        (i18n.COLUMNS, "i18n.columns"), (i18n.HEADINGS, "i18n.headings"), (i18n.INDEX, "i18n.index")]:
        for key in table:
            assert f"{name}.{key}" in reg


def test_missing_german_label_fails(monkeypatch):
    monkeypatch.setitem(i18n.COLUMNS, "broken_label", ("Broken", ""))
    with pytest.raises(AssertionError, match="German missing"):
        test_registry_pairs_complete_and_german_differs()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_heading_has_a_german_translation(path):
    nb = nbformat.read(path, as_version=4)
    headings = report_i18n.notebook_headings(nb)
    assert headings, path
    missing = [text for _, text in headings if report_i18n.split_heading(text)[1] not in i18n.HEADINGS]
    assert not missing, f"{path.name}: add these headings to i18n.HEADINGS: {missing}"
    for _, text in headings:
        assert report_i18n.heading(text, "de") != text or report_i18n.split_heading(text)[1] in SAME_IN_BOTH


def test_formats():
    assert i18n.money(1234.56, "de") == "1.234,56\u00a0€"
    assert i18n.money(1234.56, "en") == "€1,234.56"
    assert i18n.money(-1234.5, "en", 0) == "-€1,234"
    assert i18n.date(pd.Timestamp("2025-12-31"), "de") == "31.12.2025"
    assert i18n.date("2025-12-31", "en") == "2025-12-31"
    assert i18n.number(-0.5, "de", 1) == "-0,5"
    assert i18n.german_numbers("1,234.5 and 0.25 on 2025-03-01") == "1.234,5 and 0,25 on 01.03.2025"
    assert i18n.german_numbers("ACC-0044 2025Q4 12,5") == "ACC-0044 2025Q4 12,5"


def test_format_frame_and_styler():
    df = pd.DataFrame({"revenue_12m": [1234567.891, float("nan")], "quadrant": ["strategic", "streamline"],
                       "provisional": [True, False], "since": pd.to_datetime(["2025-12-31", None])})
    de = i18n.format_frame(df, "de")
    assert list(de.columns) == ["Umsatz, letzte 12 Monate (EUR)", "Quadrant", "Vorläufig", "Kunde seit"]
    assert de.iloc[0].tolist() == ["1.234.567,89", "strategisch", "ja", "31.12.2025"]
    assert de.iloc[1].tolist() == ["–", "straffen", "nein", "–"]
    en = i18n.format_frame(df, "en")
    assert en.iloc[0].tolist() == ["1,234,567.89", "strategic", "yes", "2025-12-31"]
    html = i18n.styler(df[["revenue_12m"]], "de").to_html()
    assert "1.234.567,89" in html and "Umsatz, letzte 12 Monate (EUR)" in html


def test_tick_formatter_and_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    fig, ax = plt.subplots()
    ax.plot([0, 0.5], [0, 2500.5])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    i18n.localise_axes(ax, "de")
    fig.canvas.draw()
    xt = [t.get_text() for t in ax.get_xticklabels()]
    yt = [t.get_text() for t in ax.get_yticklabels()]
    plt.close(fig)
    assert "50\u00a0%" in xt and "50%" not in xt
    assert "2.500" in yt and "1.000" in yt
    assert i18n.tick_formatter("de", "money")(2_500_000) == "2,5\u00a0Mio.\u00a0€"
    assert i18n.tick_formatter("en", "money")(2_500) == "€2k" or i18n.tick_formatter("en", "money")(2_500) == "€3k"


def test_sentences_translate_with_numbers_and_codes():
    de = i18n.translate_sentence("Top-20 % share of revenue, last 12 months: 76.7%", "de")
    assert de == "Anteil der Top 20 % am Umsatz, letzte 12 Monate: 76,7\u00a0%"
    assert i18n.translate_sentence("Profit destroyers: 67; of them key accounts: 1 (X AG); most frequent main cost: "
                                   "sales", "de").endswith("häufigster größter Kostenblock: Vertrieb")
    assert i18n.translate_sentence("Nothing like this is in the table", "de") is None
    assert i18n.translate_sentence("Borderline accounts: 5; stable selections: 20", "en") == \
        "Borderline accounts: 5; stable selections: 20"


def _md(src):
    return nbformat.v4.new_markdown_cell(src)


def _code(text="", tags=()):
    cell = nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", text=text)] if text else [])
    cell.metadata["tags"] = list(tags)
    return cell


def test_report_notebook_drops_exercises_and_prose():
    nb = nbformat.v4.new_notebook(cells=[
        _md("# 05 · Portfolio review: all key accounts for management\n\nIntro prose."),
        _md("## Learning objectives\n\n- read a portfolio"),
        _md("## 1 · All key accounts in one view\n\nProse about the view."),
        _code("CSV extracts written\n"),
        _md("## Exercises\n\nTry this."),
        _md("### Exercise 1: move a weight"),
        _code("exercise output\n"),
        _md("## Key points\n\nProse."),
        _code("solution\n", tags=["solution"]),
    ])
    en = report_i18n.report_notebook(nb, "en")
    sources = [c.source for c in en.cells]
    assert not any("Exercise" in s or "Try this" in s for s in sources)
    assert [c for c in en.cells if c.cell_type == "code"][0].outputs[0].text == "CSV extracts written\n"
    assert len([c for c in en.cells if c.cell_type == "code"]) == 1  # exercise and tagged solution gone
    assert "Intro prose." in sources[0]
    de = report_i18n.report_notebook(nb, "de")
    md = [c.source for c in de.cells if c.cell_type == "markdown"]
    # headings translated, prose dropped, headings without output beneath (objectives, key points) dropped
    assert md == ["# 05 · Portfolio-Review: alle Key Accounts für die Geschäftsleitung",
                  "## 1 · Alle Key Accounts auf einen Blick"]
    assert de.cells[-1].outputs[0].text == "CSV-Auszüge geschrieben\n"
    assert len(nb.cells) == 9  # the input is not changed
    assert len(report_i18n.report_notebook(nb, "en", exercises=True).cells) == 9  # kam run --with-exercises
    with_ex = report_i18n.report_notebook(nb, "de", exercises=True)
    assert "## Übungen" in [c.source for c in with_ex.cells]


def test_report_notebook_on_real_notebooks_keeps_code_cells():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for lang in ("en", "de"):
            rep = report_i18n.report_notebook(nb, lang)
            assert rep.cells[0].cell_type == "markdown" and rep.cells[0].source.startswith("# ")
            n_code = sum(c.cell_type == "code" for c in rep.cells)
            assert 0 < n_code <= sum(c.cell_type == "code" for c in nb.cells)


# --------------------------------------------------------------------------- end to end


class _Text(HTMLParser):
    """Visible text of a report outside code; <pre> of printed output counts (it is output, not code)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "code"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script", "code"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible_text(page: str, names: list[str]) -> str:
    p = _Text()
    p.feed(page)
    text = "\n".join(p.parts)
    text = re.sub(r"^\s*\w+\(.*\)\s*$", "", text, flags=re.M)  # object reprs such as KamData(...)
    for name in sorted(names, key=len, reverse=True):  # names from the data (accounts, products, people)
        text = text.replace(name, " ")
    for word in GERMAN_LOANWORDS:
        text = text.replace(word, " ")
    return text


def _english_leftovers(text: str) -> list[str]:
    """English labels of the registry (German differs) found as whole words, each with its context."""
    found = {}
    for en, de in i18n.registry().values():
        if en == de or "{" in en or len(en) < 4:
            continue
        m = re.search(r"(?<![\w-])" + re.escape(en) + r"(?![\w-])", text)
        if m:
            found[en] = " ".join(text[max(0, m.start() - 50):m.end() + 30].split())
    return [f"{en!r} in ...{ctx}..." for en, ctx in sorted(found.items())]


@pytest.fixture(scope="module")
def german_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("de-run")
    cmd = [sys.executable, "-m", "kamlib.cli", "run", "data/sample", "--lang", "de", "--accounts", "ACC-0044",
           "--only", "00", "--only", "02", "--only", "04", "--only", "05", "--out", str(out), "--run-id", "de",
           "--quiet", "--jobs", "2"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out / "de"


def _data_names() -> list[str]:
    import kamlib

    data = kamlib.load(ROOT / "data/sample", as_of="2025-12-31")
    names = []
    for table, cols in {"accounts": ["name", "city", "industry"], "products": ["name", "product_line"],
                        "contacts": ["name", "title", "business_unit"], "kams": ["name"],
                        "competitors": ["competitor"], "actions": ["goal", "action", "owner"],
                        "complaints": ["category"], "orders": ["business_unit"]}.items():
        frame = getattr(data, table)
        for c in cols:
            if c in frame:
                names += [str(v) for v in frame[c].dropna().unique()]
    return names


def test_kam_run_de_reports_are_german(german_run):
    """The run's own HTML reports (written by the runner through report_i18n) are German throughout."""
    manifest = json.loads((german_run / "manifest.json").read_text())
    assert not manifest["failures"], manifest["failures"]
    ipynbs = sorted(german_run.rglob("*.ipynb"))
    assert {p.stem for p in ipynbs} == {"00_start_here", "02_account_profile", "04_review_cycle", "05_portfolio_review"}
    names = _data_names()
    for path in ipynbs:
        page = path.with_suffix(".html").read_text(encoding="utf-8")
        text = _visible_text(page, names)
        assert _english_leftovers(text) == [], path.name
        assert re.search(r"\d,\d", text) and re.search(r"\d\.\d{3}(?![\d.])", text), f"{path.name}: no 1.234,5"
        assert not re.search(r"\d,\d{3}\.\d", text), f"{path.name}: English number format left"
        assert "Datenstand 31.12.2025" in page and "data as of" not in page
        assert "Exercises" not in page and "Übungen" not in page  # trainee cells stay out of reports
        if path.stem in ("02_account_profile", "04_review_cycle"):
            assert re.search(r"\b\d{2}\.\d{2}\.20\d{2}\b", text), f"{path.name}: no German date"
        # no English prose paragraph of the notebook is left
        src = nbformat.read(path, as_version=4)
        prose = [ln for c in src.cells if c.cell_type == "markdown" for ln in c.source.splitlines()
                 if len(ln) > 60 and not ln.startswith("#")]
        assert prose and not any(ln.strip() in page for ln in prose)
    # the QBR one-pager is German, dates included
    qbr = nbformat.read(german_run / "accounts/ACC-0044/04_review_cycle.ipynb", as_version=4)
    md = [o.data["text/markdown"] for c in qbr.cells if c.cell_type == "code" for o in c.outputs
          if "text/markdown" in o.get("data", {})]
    assert md and "Quartalsgespräch" in md[0] and not re.search(r"\b20\d\d-\d\d-\d\d\b", md[0])


def test_index_page_german(german_run):
    from kamlib import runner

    manifest = json.loads((german_run / "manifest.json").read_text())
    page = (german_run / "index.html").read_text(encoding="utf-8")  # as the runner wrote it
    assert page == runner._index_html(manifest, german_run)
    text = _visible_text(page, [a.get("name", "") for a in manifest["accounts"]])
    leftovers = [en for en, de in i18n.INDEX.values() if en != de and "{" not in en
                 and re.search(r"(?<![\w-])" + re.escape(en) + r"(?![\w-])", text)]
    assert leftovers == []
    assert '<html lang="de">' in page and "Datenstand" in page and "Umsatz 12 Monate (EUR)" in page
    assert "grün" in page or "gelb" in page or "rot" in page  # the account's health band, in German
    english = runner._index_html({**manifest, "parameters": {**manifest["parameters"], "lang": "en"}}, german_run)
    assert '<html lang="en">' in english and "Data as of" in english and "Datenstand" not in english
