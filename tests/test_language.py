"""Language at the source: every notebook's prose in both languages, and a German run that is German.

Nothing translates rendered output: notebooks carry English and German Markdown cells (tags ``lang-en`` /
``lang-de``) and their code cells produce output in the run's ``lang`` through :mod:`kamlib.i18n`. These
tests run every notebook in German and read the HTML a user gets.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from kamlib import i18n
from kamlib.data.sample import TABLES
from kamlib.present import report

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
RUN_NOTEBOOKS = ("00_start_here", "01_account_selection", "02_account_profile", "03_customer_value",
                 "04_review_cycle", "05_portfolio_review")
WORKSHOPS = ("criteria_workshop", "portfolio_workshop")
#: English words German KAM texts use as they are; stripped before looking for English leftovers.
GERMAN_LOANWORDS = ("Key Account Management", "Key Accounts", "Key Account", "Health Score", "Share of Wallet",
                    "Buying Center", "Whitespace", "Pain Point", "Cross-Selling", "Upselling", "Workshop",
                    "Logo Retention", "Net Revenue Retention", "Gross Revenue Retention", "Single-threaded",
                    "single-threaded", "Streamline", "Star", "Status", "Hunter", "Farmer", "Account-Plan",
                    "Account Manager", "Account Planning")
#: Short English words that are not also German words (so not "in", "an", "per", "am"): a line that carries
#: two of them is English.
ENGLISH_WORDS = ("the", "and", "of", "with", "is", "are", "for", "to", "from", "this", "that", "which", "not",
                 "by", "each", "have", "has", "be", "on", "at", "it", "no", "or", "a")
_WORD_RE = re.compile(r"(?<![\w-])(" + "|".join(ENGLISH_WORDS) + r")(?![\w-])")


# --------------------------------------------------------------------------- prose at the source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_markdown_cell_exists_in_both_languages(path):
    assert report.bilingual_problems(nbformat.read(path, as_version=4)) == []


def test_a_missing_german_cell_is_found():
    md = nbformat.v4.new_markdown_cell
    nb = nbformat.v4.new_notebook(cells=[md("## 1 · Data\n\nText.", metadata={"tags": ["lang-en"]}),
                                         md("## 2 · Daten\n\nText.", metadata={"tags": ["lang-de"]}),
                                         md("Untagged prose.")])
    assert report.bilingual_problems(nb) == [
        "cell 0: English and German headings differ: [(2, '1 ·')] vs [(2, '2 ·')]",
        "cell 2 has no language tag (lang-en or lang-de): Untagged prose."]


def test_report_shows_one_language_and_no_exercises():
    md = nbformat.v4.new_markdown_cell
    nb = nbformat.v4.new_notebook(cells=[
        md("# 05 · Portfolio review\n\nIntro.", metadata={"tags": ["lang-en"]}),
        md("# 05 · Portfolio-Review\n\nEinleitung.", metadata={"tags": ["lang-de"]}),
        nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", text="7 Key Accounts\n")]),
        md("## Exercises\n\nTry this.", metadata={"tags": ["lang-en"]}),
        md("## Übungen\n\nVersuchen Sie.", metadata={"tags": ["lang-de"]}),
        nbformat.v4.new_code_cell("answer = None"),
        md("## Key points\n\n* one", metadata={"tags": ["lang-en"]}),
        md("## Das Wichtigste\n\n* eins", metadata={"tags": ["lang-de"]}),
    ])
    de = report.report_notebook(nb, "de")
    assert [c.source for c in de.cells] == ["# 05 · Portfolio-Review\n\nEinleitung.", "x",
                                            "## Das Wichtigste\n\n* eins"]
    assert de.cells[1].outputs[0].text == "7 Key Accounts\n"  # outputs are not touched
    en = report.report_notebook(nb, "en", exercises=True)
    assert [c.source.split("\n")[0] for c in en.cells] == ["# 05 · Portfolio review", "x", "## Exercises",
                                                           "answer = None", "## Key points"]
    assert len(nb.cells) == 8  # the input is not changed


# --------------------------------------------------------------------------- a German run, read as HTML


class _Text(HTMLParser):
    """Visible text of a report outside code and outside elements marked as another language
    (``lang="en"`` in a German page: a glossary's English column); <pre> of printed output counts."""

    VOID = frozenset({"br", "img", "meta", "input", "hr", "link", "col", "wbr", "source", "area", "base"})

    def __init__(self, page_lang: str = "de"):
        super().__init__()
        self.parts, self._stack, self.page_lang, self._pre = [], [], page_lang, 0

    def handle_starttag(self, tag, attrs):
        self._pre += tag == "pre"
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        foreign = (lang is not None and lang != self.page_lang and tag != "html")
        self._stack.append(tag in ("style", "script", "code") or foreign or (self._stack[-1] if self._stack else False))

    def handle_endtag(self, tag):
        self._pre -= tag == "pre" and self._pre > 0
        if tag not in self.VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not (self._stack and self._stack[-1]):  # printed lines keep their breaks; prose is one flow of words
            self.parts.append(data if self._pre else " ".join(data.split()))


def visible_text(page: str, names: list[str]) -> str:
    """The report's text as a reader sees it, without data values (names from the data) and loanwords."""
    p = _Text()
    p.feed(page)
    text = "\n".join(p.parts)
    text = re.sub(r"^\s*\w+\(.*\)\s*$", "", text, flags=re.M)  # object reprs such as KamData(...)
    for name in sorted(set(names), key=len, reverse=True):
        if len(name) > 2:
            text = text.replace(name, " ")
    for word in GERMAN_LOANWORDS:
        text = text.replace(word, " ")
    return text


_TABLE_NAME_RE = re.compile(r"\b(Tabellen?) (?:" + "|".join(sorted(TABLES, key=len, reverse=True)) + r")\b")


@functools.cache
def _english_labels() -> tuple[tuple[str, ...], re.Pattern]:
    """The catalogue's English labels whose German differs, longest first, and one pattern that finds any of
    them as a whole phrase (built once: one search per line instead of one per line and label)."""
    labels = {en for en, de in i18n.registry().values() if en != de and "{" not in en and len(en) >= 4}
    ordered = tuple(sorted(labels, key=lambda e: (-len(e), e)))
    return ordered, re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ordered)) + r")(?![\w-])")


def english_leftovers(text: str) -> list[str]:
    """Lines of ``text`` that read as English: an English label of the catalogue (its German differs) as a
    whole phrase, or two English function words in one line."""
    found = []
    labels, any_label = _english_labels()
    for line in text.splitlines():
        line = " ".join(line.split())
        line = _TABLE_NAME_RE.sub(r"\1", line)  # "Tabelle actions": the data model's name of a table, an identifier
        if not line:
            continue
        words = _WORD_RE.findall(line)
        if len(words) >= 2:
            found.append(line)
            continue
        if not any_label.search(line):
            continue
        for en in labels:  # name the longest label that matches
            if re.search(r"(?<![\w-])" + re.escape(en) + r"(?![\w-])", line):
                found.append(f"{line}  [label {en!r}]")
                break
    return found


def test_english_leftovers_sees_english_and_passes_german():
    assert english_leftovers("Die Top 20 % der Kunden bringen 76,7 % des Umsatzes.") == []
    assert english_leftovers("The top 20 % of accounts bring 76.7 % of revenue.") == [
        "The top 20 % of accounts bring 76.7 % of revenue."]
    assert english_leftovers("Kunde | Revenue (EUR)") == ["Kunde | Revenue (EUR)  [label 'Revenue (EUR)']"]
    # a table of the data model is named by its identifier; the same word elsewhere is still English
    assert english_leftovers("keine offene Maßnahme (Tabelle actions)") == []
    assert english_leftovers("Offene actions") == ["Offene actions  [label 'actions']"]


@functools.cache
def _data_names() -> list[str]:
    import kamlib

    data = kamlib.load(ROOT / "data/sample")
    names = []
    for table, cols in {"accounts": ["account_id", "name", "city", "industry", "country"],
                        "products": ["product_id", "name", "product_line"],
                        "contacts": ["name", "title", "business_unit"], "kams": ["kam_id", "name"],
                        "competitors": ["competitor"], "actions": ["goal", "action", "owner"],
                        "complaints": ["category"], "orders": ["business_unit"]}.items():
        frame = getattr(data, table)
        for c in cols:
            if frame is not None and c in frame:
                names += [str(v) for v in frame[c].dropna().unique()]
    return names


@pytest.fixture(scope="module")
def german_run(tmp_path_factory, sample_slice):
    """``kam run --lang de`` for one account (every notebook) and the two workshops in German. On a slice of 30
    of the sample's accounts (issue 16): the language of the pages is checked here, not the company's figures."""
    out = tmp_path_factory.mktemp("de-run")
    data = sample_slice(30, accounts=["ACC-0044"])
    cmd = [sys.executable, "-m", "kamlib.cli", "run", str(data), "--lang", "de", "--accounts", "ACC-0044",
           "--out", str(out), "--run-id", "de", "--quiet", "--jobs", "2"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run = out / "de"
    import papermill as pm

    from kamlib.batch import kernels, runner

    with kernels.KernelTemplate().start() as template:  # the workshops' kernels forked, as kam run's
        manager = kernels.kernel_manager_class({}, template=template.address)
        for name in WORKSHOPS:
            target = run / "workshop" / f"{name}.ipynb"
            target.parent.mkdir(exist_ok=True)
            pm.execute_notebook(str(ROOT / "notebooks/workshop" / f"{name}.ipynb"), str(target),
                                parameters={"lang": "de"}, progress_bar=False, cwd=str(ROOT),
                                kernel_manager_class=manager)
            runner.to_html(target, target.with_suffix(".html"), lang="de")
        assert manager.started == ["forked", "forked"]
    return run


def _report(run: Path, stem: str) -> Path:
    found = sorted(run.rglob(f"{stem}.html"))
    assert found, stem
    return found[-1]  # the per-account report where there is one


@pytest.mark.parametrize("stem", RUN_NOTEBOOKS + WORKSHOPS)
def test_german_report_is_german(german_run, stem):
    """A German report: German prose, German labels and formats, no English sentence outside data values."""
    manifest = json.loads((german_run / "manifest.json").read_text())
    assert not manifest["failures"], manifest["failures"]
    path = _report(german_run, stem)
    page = path.read_text(encoding="utf-8")
    text = visible_text(page, _data_names())
    assert english_leftovers(text) == [], path.name
    assert not re.search(r"\d,\d{3}\.\d", text), f"{path.name}: English number format left"
    src = nbformat.read(ROOT / "notebooks" / ("workshop/" if stem in WORKSHOPS else "") / f"{stem}.ipynb",
                        as_version=4)
    shown = [c for c in src.cells if "learning-path" not in c.get("metadata", {}).get("tags", [])]  # in the report
    german = [c.source for c in shown if report.cell_lang(c) == "de"]
    english = [c.source for c in shown if report.cell_lang(c) == "en"]
    first_de = next(ln for s in german for ln in s.splitlines() if len(ln) > 40 and not ln.startswith("#"))
    first_en = next(ln for s in english for ln in s.splitlines() if len(ln) > 40 and not ln.startswith("#"))
    plain = " ".join(visible_text(page, []).split())

    def seen(line: str) -> str:  # the line as visible_text leaves it (loanwords such as "Key Accounts" removed)
        return _plain(" ".join(visible_text(line, []).split()))

    assert seen(first_de) in plain, f"{path.name}: German prose missing"
    assert seen(first_en) not in plain, f"{path.name}: English prose shown"


def _plain(markdown_line: str) -> str:
    """A Markdown line's words as the HTML shows them (no markup), first 30 characters."""
    text = re.sub(r"[*_`]|\[([^\]]*)\]\([^)]*\)", r"\1", markdown_line).strip(" *-#>")
    return " ".join(text.split())[:30]


def test_workshop_pages_have_german_names():
    """A workshop page's name comes from the catalogue, not from its file name ('portfolio workshop' in a
    German page is an English leftover: 'portfolio' is an English label of the catalogue)."""
    from kamlib.present import export

    for stem in WORKSHOPS:
        name = export.report_name(stem, "de")
        assert name.endswith("-Workshop") and english_leftovers(name) == [], name
