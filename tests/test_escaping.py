"""Customer text is escaped in every output of a run: HTML reports (tables, printed lines and the Markdown a
notebook emits, e.g. the QBR one-pager of 04), the index page, and neutralised in CSV/Excel extracts.

The end-to-end part copies the sample company, gives two definitive key accounts (and their KAM, contacts,
competitors, actions and complaints) hostile texts, runs the real workbook for those two accounts once
(module fixture) and scans every file the run wrote. Each check also proves the hostile text *is* shown
(as text), so a report that simply left the name out cannot pass.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import AS_OF
from hypothesis import given, settings
from hypothesis import strategies as st

from kamlib.data import writers as reporting

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[click](http://evil.example)"
FORMULA = '=HYPERLINK("http://evil.example","x")'
PAYLOADS = [SCRIPT, IMG, LINK, FORMULA]


# --------------------------------------------------------------------------- scanning HTML


class _Scan(HTMLParser):
    """Live markup of the payloads in an HTML page, and the page's visible text (entities decoded)."""

    JSON_SCRIPT = re.compile(r"application/(vnd\.jupyter\..*\+)?json")
    URL_ATTRS = {"href", "src", "srcset", "action", "formaction", "data", "poster", "xlink:href", "background"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.text: list[str] = []
        self.json_blocks: list[str] = []
        self._script: str | None = None  # type of the script element we are in ("" for JavaScript)
        self._style = False
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        for k, v in a.items():
            if k.startswith("on") and "alert(1)" in v:
                self.live.append(f"<{tag} {k}={v!r}>")
            if k in self.URL_ATTRS and "evil.example" in v and not v.startswith("#"):  # not a page anchor
                self.live.append(f"<{tag} {k}={v!r}>")
        if tag == "img" and a.get("src") == "x":
            self.live.append("<img src=x>")
        if tag == "script":
            self._script, self._buf = a.get("type", ""), []
        elif tag == "style":
            self._style = True

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            body = "".join(self._buf)
            if self.JSON_SCRIPT.fullmatch(self._script):
                self.json_blocks.append(body)
            elif "alert(1)" in body:
                self.live.append(f"<script>{body[:80]}")
            self._script = None
        elif tag == "style":
            self._style = False

    def handle_data(self, data):
        if self._script is not None:
            self._buf.append(data)
        elif not self._style:
            self.text.append(data)


def scan_html(page: str) -> tuple[list[str], str]:
    """(live hostile markup found, visible text) of ``page``; widget HTML kept in the page's widget state
    (which the widget manager renders as HTML in the browser) is scanned too."""
    p = _Scan()
    p.feed(page)
    p.close()
    live, text = list(p.live), " ".join(p.text)
    for block in p.json_blocks:
        try:
            state = json.loads(block)
        except ValueError:
            continue
        for model in _walk_models(state):
            if model.get("_model_name") in ("HTMLModel", "HTMLMathModel") and isinstance(model.get("value"), str):
                inner_live, inner_text = scan_html(model["value"])
                live += inner_live
                text += " " + inner_text
    # the literal forms as well, outside JSON data blocks (which the parser keeps apart)
    stripped = re.sub(r'<script type="application/[^"]*json">.*?</script>', "", page, flags=re.S)
    for needle in ("<script>alert", "<img src=x onerror", 'href="http://evil.example"'):
        if needle in stripped:
            live.append(f"literal {needle!r}")
    return live, text


def _walk_models(obj):
    if isinstance(obj, dict):
        if "_model_name" in obj:
            yield obj
        for v in obj.values():
            yield from _walk_models(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk_models(v)


def _visible(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- md_escape (fast)


def _render_markdown(md: str) -> str:
    """Markdown as nbconvert renders a text/markdown output into the HTML report."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(md)


@pytest.mark.parametrize("payload", PAYLOADS + ["*bold* _em_ `code` ~~s~~ $x$ | a | b", "# not a heading",
                                                "- not a list", "1. not a list", "<https://evil.example>",
                                                "www.evil.example http://evil.example/x", "a\\", "&amp; &lt;b&gt;",
                                                "![img](http://evil.example/x.png)", "Müller & Söhne (Co.) KG",
                                                "\\(x\\) \\(\\) \\[y\\]"])
def test_md_escape_renders_as_the_literal_text(payload):
    for md in (reporting.md_escape(payload), f"## Title: {reporting.md_escape(payload)} (ACC-1)",
               f"| a | b |\n|---|---|\n| {reporting.md_escape(payload)} | x |"):
        live, text = scan_html(_render_markdown(md))
        assert live == [], (md, live)
        rendered = _render_markdown(md)
        assert "<img" not in rendered and not re.search(r'<a (?![^>]*href="#)', rendered), rendered
        assert _visible(payload) in _visible(text), (md, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=40))
def test_md_escape_roundtrip_any_text(s):
    html = _render_markdown(reporting.md_escape(s))
    assert "<img" not in html and "<script" not in html and not re.search(r'<a (?![^>]*href="#)', html), html
    _, text = scan_html(html)
    assert _visible(text) == _visible(s)


def test_md_escape_keeps_plain_names_readable_and_flattens_lines():
    for plain in ("Weber Maschinenbau GmbH", "Complete overdue action ACT-0012: Angebot 2026", "Hans-Peter Bühler"):
        assert reporting.md_escape(plain) == plain
    assert "\n" not in reporting.md_escape("a\n# b\r\n<c>")
    assert reporting.md_escape(None) == "" and reporting.md_escape(12.5) == "12.5"


def test_html_escape_helper():
    assert reporting.html_escape(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert reporting.html_escape('"x"') == "&quot;x&quot;"


def test_reader_tables_escape_cells_and_labels():
    from kamlib.present import overview

    df = pd.DataFrame({"name": [SCRIPT], "revenue_12m": [1.5]}, index=pd.Index([IMG], name="account_id"))
    for lang in ("en", "de"):
        live, text = scan_html(overview.view(df, lang)._repr_html_())
        assert live == [] and SCRIPT in text and IMG in text


def test_qbr_summary_escapes_customer_text(sample_data):
    from kamlib import review as rv

    data = sample_data
    acc = "ACC-0136"
    period = "2025Q4"
    accounts = data.accounts.copy()
    accounts.loc[accounts["account_id"] == acc, "name"] = SCRIPT
    kams = data.kams.copy()
    kam = accounts.set_index("account_id").at[acc, "kam_id"]
    kams.loc[kams["kam_id"] == kam, "name"] = LINK
    hostile = dataclasses.replace(data, accounts=accounts, kams=kams)
    plan = rv.plan_vs_actual(hostile, acc, period)
    kpis = rv.account_kpis(hostile, acc, period)
    health = rv.health_score(hostile, acc, period)
    actions = rv.action_status(hostile, acc, period)
    proposals = rv.next_actions(hostile, acc, period, health=health)
    proposals.loc[len(proposals)] = {"proposal": IMG, "owner": LINK, "due": pd.Timestamp("2026-03-31"),
                                     "reason": "test"}
    md = rv.qbr_summary(hostile, acc, period, plan=plan, kpis=kpis, health=health, actions=actions,
                        proposals=proposals)
    live, text = scan_html(_render_markdown(md))
    assert live == []
    assert f"{SCRIPT} ({acc})" in _visible(text) and IMG in text and LINK in text


def test_reports_do_not_typeset_customer_text_as_math(tmp_path):
    """MathJax would turn ``$\\href{http://…}{x}$`` in any table cell into a live link: reports load no MathJax."""
    import nbformat

    from kamlib.batch import runner

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Report"),
        nbformat.v4.new_code_cell("df", outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/html": pd.DataFrame({"name": [r"$\href{http://evil.example}{x}$"]}).to_html(),
                                    "text/plain": "df"}, execution_count=1)]),
    ])
    src, out = tmp_path / "r.ipynb", tmp_path / "r.html"
    nbformat.write(nb, src)
    runner.to_html(src, out)
    page = out.read_text(encoding="utf-8")
    assert "mathjax" not in page.lower() and r"$\href{http://evil.example}{x}$" in page
    assert scan_html(page)[0] == []


# --------------------------------------------------------------------------- a real run (slow, once)


def _hostile_copy(folder: Path, accounts: tuple[str, str]) -> tuple[str, str]:
    """Give two definitive key accounts of the sample in ``folder`` hostile texts; returns their ids."""
    import kamlib
    from kamlib.batch import runner

    data = kamlib.load(folder, as_of=AS_OF)
    a, b = accounts
    assert {a, b} <= {acc for acc, _ in runner.select_accounts(data, {})}, "both must be definitive key accounts"

    def read(name):
        return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)

    def write(df, name):
        df.to_csv(folder / f"{name}.csv", index=False)

    acc = read("accounts")
    for col, (va, vb) in {"name": (SCRIPT, IMG), "industry": (LINK, FORMULA), "city": (FORMULA, SCRIPT)}.items():
        acc.loc[acc["account_id"] == a, col] = va
        acc.loc[acc["account_id"] == b, col] = vb
    write(acc, "accounts")
    kams = read("kams")
    kam_a = acc.loc[acc["account_id"] == a, "kam_id"].iloc[0]
    kam_b = acc.loc[acc["account_id"] == b, "kam_id"].iloc[0]
    kams.loc[kams["kam_id"] == kam_a, "name"] = LINK
    if kam_b != kam_a:
        kams.loc[kams["kam_id"] == kam_b, "name"] = IMG
    write(kams, "kams")
    for table, cols in {"contacts": ["name", "title"], "competitors": ["competitor"],
                        "actions": ["action", "goal", "owner"], "complaints": ["category"]}.items():
        df = read(table)
        for k, acc_id in enumerate((a, b)):
            rows = df.index[df["account_id"] == acc_id]
            for i, row in enumerate(rows):
                for j, col in enumerate(cols):
                    df.at[row, col] = PAYLOADS[(i + j + k) % len(PAYLOADS)]
        write(df, table)
    kamlib.load(folder, as_of=AS_OF)  # still valid data
    return a, b


#: The sample's first two key accounts (each with contacts, competitors, actions and complaints to make hostile).
HOSTILE_ACCOUNTS = ("ACC-0135", "ACC-0071")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, sample_slice):
    """Issue 16: the run is made on a 30-account slice of the sample holding the two accounts and all their rows
    (sample_slice), not on all 240: the same notebooks and documents, the portfolio notebooks on less data."""
    from kamlib.batch import runner

    tmp = tmp_path_factory.mktemp("escaping")
    folder = tmp / "sample"
    shutil.copytree(sample_slice(30, accounts=HOSTILE_ACCOUNTS), folder)
    a, b = _hostile_copy(folder, HOSTILE_ACCOUNTS)
    result = runner.run_workbook(str(folder), out=tmp / "reports", parameters={"as_of": AS_OF}, accounts=[a, b],
                                 quiet=True)
    return result, a, b


def test_the_hostile_run_succeeds(hostile_run):
    result, a, b = hostile_run
    assert result.failed == [], [(r.key, r.error) for r in result.failed]
    keys = {r.key for r in result.results}
    assert {f"accounts/{a}/04_review_cycle", f"accounts/{b}/02_account_profile"} <= keys


def test_no_live_customer_markup_in_any_html(hostile_run):
    result, _, _ = hostile_run
    pages = sorted(result.run_dir.rglob("*.html"))
    assert len(pages) >= 8
    problems = {}
    seen = ""
    for page in pages:
        live, text = scan_html(page.read_text(encoding="utf-8"))
        if live:
            problems[page.relative_to(result.run_dir).as_posix()] = live[:5]
        seen += " " + _visible(text)
    assert problems == {}
    assert not [p.name for p in pages if "mathjax" in p.read_text(encoding="utf-8").lower()]
    for payload in PAYLOADS:  # shown as text somewhere, so the check above is not vacuous
        assert _visible(payload) in seen, payload


def test_qbr_one_pager_shows_names_as_text(hostile_run):
    result, a, b = hostile_run
    for acc, name in ((a, SCRIPT), (b, IMG)):
        page = (result.run_dir / "accounts" / acc / "04_review_cycle.html").read_text(encoding="utf-8")
        live, text = scan_html(page)
        assert live == []
        assert f"2025Q4: {name} ({acc})" in _visible(text)  # the one-pager's heading, name as text
    page = (result.run_dir / "accounts" / a / "04_review_cycle.html").read_text(encoding="utf-8")
    assert LINK in _visible(scan_html(page)[1])  # the KAM (owner column of the goals), a link only as text


def test_index_page_escapes_names(hostile_run):
    result, a, b = hostile_run
    live, text = scan_html((result.run_dir / "index.html").read_text(encoding="utf-8"))
    assert live == [] and SCRIPT in text and IMG in text


def _csv_cells(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            yield from row


def test_no_formula_in_any_csv_or_excel(hostile_run):
    result, _, _ = hostile_run
    files = sorted(result.run_dir.rglob("*.csv"))
    assert files, "the run wrote no CSV extracts"
    bad, neutralised = [], 0
    for f in files:
        for cell in _csv_cells(f):
            if cell.startswith(("=", "@", "+")) or cell.lower().startswith("=hyperlink"):
                bad.append((f.name, cell))
            neutralised += cell.startswith("'=HYPERLINK")
    for f in sorted(result.run_dir.rglob("*.xlsx")):
        from openpyxl import load_workbook

        wb = load_workbook(f)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith(("=", "@", "+"))):
                        bad.append((f.name, c.value))
                    neutralised += isinstance(c.value, str) and c.value.startswith("'=HYPERLINK")
    assert bad == []
    assert neutralised > 0  # the hostile text reached the extracts, neutralised


def test_csv_extracts_are_rounded(hostile_run):
    result, _, _ = hostile_run
    long = []
    for f in sorted(result.run_dir.rglob("*.csv")):
        for cell in _csv_cells(f):
            m = re.fullmatch(r"-?\d+\.(\d+)", cell)
            if m and len(m.group(1)) > 4:
                long.append((f.name, cell))
    assert long == []
