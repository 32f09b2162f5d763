"""The report pages of a run: offline, lean, titled, navigable, accessible (issue 14, part 6).

Unit tests run the exporter (kamlib.present.export through runner.to_html) on small hand-made notebooks and
the index renderer on a hand-made manifest. The browser tests open the session's shared real run (conftest
``sample_run``) in Chromium with every request that is not a file aborted and recorded, and run axe-core
(bundled by axe-playwright-python) on the index and one report of each type; they skip on a machine without Chromium or the package, and fail
under KAM_REQUIRE_SYSTEM=1 (CI).
"""

from __future__ import annotations

import base64
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import AS_OF, ROOT, require_system

from kamlib.batch import runner

CHROMIUM = "/usr/bin/chromium"
#: A 1x1 PNG.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6300010000050001ff0d0a2db40000000049454e44ae426082"
    )
).decode()
WIDGET = "application/vnd.jupyter.widget-view+json"
#: Upper bound for the styling a report carries (the JupyterLab stylesheet was 258 KB per page).
STYLE_BOUND = 8_000


def _md(text: str):
    return nbformat.v4.new_markdown_cell(text)


def _out(data: dict, metadata: dict | None = None):
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})


def _code(*outputs):
    return nbformat.v4.new_code_cell("x = 1", outputs=list(outputs))


def _page(tmp_path: Path, cells: list, *, lang: str = "en", title: str | None = None, widgets: bool = False) -> str:
    nb = nbformat.v4.new_notebook(cells=cells)
    if widgets:  # the state a notebook with a live widget saves; the lab template then loads scripts from a CDN
        nb.metadata["widgets"] = {
            "application/vnd.jupyter.widget-state+json": {"version_major": 2, "version_minor": 0, "state": {
                "m1": {"model_name": "VBoxModel", "model_module": "@jupyter-widgets/controls",
                       "model_module_version": "2.0.0", "state": {}}}}
        }
    src, out = tmp_path / "02_account_profile.ipynb", tmp_path / "02_account_profile.html"
    nbformat.write(nb, src)
    kwargs = {"title": title} if title is not None else {}
    runner.to_html(src, out, lang=lang, footer="<footer>f</footer>", **kwargs)
    return out.read_text(encoding="utf-8")


def _style_bytes(page: str) -> int:
    return sum(len(m.encode()) for m in re.findall(r"<style[^>]*>.*?</style>", page, re.S))


def _levels(page: str) -> list[int]:
    return [int(n) for n in re.findall(r"<h([1-6])[\s>]", page)]


# ---------------------------------------------------------------------------------------------- offline, lean


def test_report_loads_nothing_from_the_internet_and_carries_a_small_stylesheet(tmp_path):
    cells = [
        _md("# 01 · Selection\n\n## 1 · Weights"),
        _code(_out({WIDGET: {"model_id": "m1", "version_major": 2, "version_minor": 0},
                    "text/plain": "VBox(children=(FloatSlider(value=0.35),))"})),
        _code(_out({WIDGET: {"model_id": "m2", "version_major": 2, "version_minor": 0},
                    "text/html": "<p>static copy of the ranking</p>", "text/plain": "HBox()"})),
        _code(_out({"text/html": "<table><tr><th>a</th></tr><tr><td>1</td></tr></table>", "text/plain": "t"})),
    ]
    page = _page(tmp_path, cells, widgets=True)
    assert not re.search(r"<script[^>]*\bsrc=", page), "a script loaded from elsewhere"
    assert "<script" not in page  # no widget manager, no MathJax, no require.js: nothing to run at all
    assert not re.search(r"<link[^>]*href=[\"']?https?:", page)
    assert not re.search(r"url\(\s*['\"]?https?:", page)  # no font or image from the internet in the CSS
    assert "unpkg.com" not in page and "cdnjs" not in page
    # the widget shows its static copy where the kernel wrote one, and nothing (no repr, no empty cell) otherwise
    assert "static copy of the ranking" in page
    assert "VBox(" not in page and "HBox()" not in page
    assert page.count('class="jp-Cell jp-CodeCell') == 2  # the widget without a copy left no (empty) cell
    # styling: today's lab template inlines 258 KB of JupyterLab CSS; the report stylesheet is a few KB
    assert _style_bytes(page) < STYLE_BOUND, _style_bytes(page)


def test_a_cells_printed_lines_are_one_block_however_the_kernel_sent_them(tmp_path):
    """A cell that prints two lines reaches the notebook as one stream output or as two, as the kernel's
    messages happened to be timed (seen: the same run twice gave the same report once as one <pre>, once as
    two); the report shows them as one block either way."""
    stream = nbformat.v4.new_output
    two = _page(tmp_path, [_code(stream("stream", name="stdout", text="Share: 19.5%\n"),
                                 stream("stream", name="stdout", text="whitespace: 1,491,630 EUR\n"))])
    one = _page(tmp_path, [_code(stream("stream", name="stdout", text="Share: 19.5%\nwhitespace: 1,491,630 EUR\n"))])
    assert re.findall(r"<pre>(.*?)</pre>", two, re.S) == ["Share: 19.5%\nwhitespace: 1,491,630 EUR\n"]
    ids = re.compile(r"cell-id=[0-9a-f-]+")  # each hand-made cell gets a random id
    assert ids.sub("", two) == ids.sub("", one)


# ---------------------------------------------------------------------------------------------- title, headings


def test_title_and_one_h1_say_what_the_report_is_escaped(tmp_path):
    title = 'ACC-0044 · Müller <b>&</b> "Söhne" · Account profile · 2025Q4'
    page = _page(tmp_path, [_md("# 02 · Account profile\n\n## 1 · Basics\n\ntext")], title=title)
    escaped = "ACC-0044 · Müller &lt;b&gt;&amp;&lt;/b&gt; \"Söhne\" · Account profile · 2025Q4"
    assert f"<title>{escaped}</title>" in page
    assert f"<h1>{escaped}</h1>" in page
    assert _levels(page).count(1) == 1
    assert "<b>&amp;</b>" not in page and "<b>&</b>" not in page


def test_default_title_is_the_reports_name_in_the_language(tmp_path):
    page = _page(tmp_path, [_md("## 1 · Basis")], lang="de")
    assert "<title>Kundenprofil</title>" in page and '<html lang="de">' in page
    assert "Alle Berichte dieses Laufs" in page  # the navigation in German


def test_headings_nest_under_the_title_without_skipped_levels(tmp_path):
    cells = [
        _md("# 02 · Account profile\n\n## 1 · Basics\n\n#### Detail"),
        _code(_out({"text/html": "<h5>Output heading</h5><p>x</p>", "text/plain": "x"})),
        _md("## 2 · History\n\n### Lines"),
    ]
    page = _page(tmp_path, cells, title="T")
    # by hand: the page's h1 is the title; the notebook's title (# alone on the top level) becomes the
    # subtitle; ## -> h2; #### under it -> h3 (one below, not two); the output's h5 after it -> h4; the next
    # ## -> h2 and its ### -> h3
    assert _levels(page) == [1, 2, 3, 4, 2, 3]
    assert '<p class="kam-subtitle"' in page and "02 · Account profile</p>" in page
    levels = _levels(page)
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:]))


def test_table_of_contents_on_long_pages_only(tmp_path):
    long = _page(tmp_path, [_md("\n\n".join(f"## {i} · Section {i}\n\ntext" for i in range(1, 6)))], title="T")
    toc = re.search(r'<nav aria-label="Contents" class="kam-toc">(.*?)</nav>', long, re.S)
    assert toc, long[:2000]
    hrefs = re.findall(r'href="#([^"]+)"', toc.group(1))
    assert len(hrefs) == 5
    for h in hrefs:  # every entry points at a heading of the page
        assert re.search(rf'<h2 id="{re.escape(h)}"', long)
    short = _page(tmp_path, [_md("## 1 · One\n\n## 2 · Two")], title="T")
    assert "<nav aria-label=\"Contents\"" not in short


# ---------------------------------------------------------------------------------------------- alt text, captions


def test_images_take_the_alt_text_from_output_metadata_else_the_heading(tmp_path):
    cells = [
        _md("## 3 · Revenue trend"),
        _code(_out({"image/png": PNG, "text/plain": "<Figure size 640x480 with 1 Axes>"},
                   {"image/png": {"alt": "Revenue per quarter 2023-2025: rising from 1.2 M to 1.9 M EUR"}})),
        _code(_out({"image/png": PNG, "text/plain": "<Figure>"})),
    ]
    page = _page(tmp_path, cells, title="T")
    alts = re.findall(r'<img[^>]*\balt="([^"]*)"', page)
    assert alts == ["Revenue per quarter 2023-2025: rising from 1.2 M to 1.9 M EUR", "Chart: 3 · Revenue trend"]
    assert "No description has been provided" not in page
    de = _page(tmp_path, cells, lang="de", title="T")
    assert re.findall(r'<img[^>]*\balt="([^"]*)"', de)[1] == "Diagramm: 3 · Revenue trend"


def test_tables_get_a_caption_from_the_nearest_heading_unless_they_have_one(tmp_path):
    cells = [
        _md("## 4 · Whitespace"),
        _code(_out({"text/html": "<table><tr><th>line</th></tr><tr><td>a</td></tr></table>", "text/plain": "t"})),
        _code(_out({"text/html": "<table><caption>Own caption</caption><tr><td>b</td></tr></table>",
                    "text/plain": "t"})),
    ]
    page = _page(tmp_path, cells, title="T")
    assert re.findall(r"<caption[^>]*>(.*?)</caption>", page) == ["4 · Whitespace", "Own caption"]


# ---------------------------------------------------------------------------------------------- navigation


def _manifest(run_dir: Path, docs: list[dict]) -> dict:
    return {
        "run_id": "r", "as_of": AS_OF, "source": "s", "source_sha256": "0" * 64, "started": "t", "seconds": 1.0,
        "parameters": {"lang": "en"}, "failures": [], "kamlib": "0",
        "accounts": [
            {"account_id": "ACC-3", "name": "Drei & <Co>", "kam_id": None, "rank": 3},
            {"account_id": "ACC-1", "name": "Eins GmbH", "kam_id": "KAM-1", "rank": 1},
            {"account_id": "ACC-2", "name": "Zwei AG", "kam_id": "KAM-2", "rank": 2},
        ],
        "notebooks": [
            {"key": "01_account_selection", "notebook": "01_account_selection.ipynb", "account_id": None,
             "ipynb": "01_account_selection.ipynb", "html": "01_account_selection.html", "pdf": None,
             "seconds": 1.0, "status": "ok", "error": None},
            *[
                {"key": f"accounts/{a}/{nb}", "notebook": f"{nb}.ipynb", "account_id": a, "ipynb": None,
                 "html": f"accounts/{a}/{nb}.html", "pdf": None, "seconds": 1.0, "status": "ok", "error": None}
                for a in ("ACC-3", "ACC-1", "ACC-2") for nb in ("02_account_profile", "04_review_cycle")
            ],
        ],
        "documents": docs,
    }


def test_reports_link_to_the_accounts_other_reports_and_documents_that_exist(tmp_path):
    run_dir = tmp_path / "run"
    docs = [
        {"account_id": "ACC-1", "kind": "qbr", "lang": "en", "period": "2025Q4",
         "html": "accounts/ACC-1/qbr_2025Q4.en.html", "pdf": None, "title": "QBR"},
        {"account_id": "ACC-1", "kind": "brief", "lang": "de", "html": "accounts/ACC-1/brief.de.html",
         "pdf": None, "title": "Briefing"},
        {"account_id": "ACC-1", "kind": "annual", "lang": "en", "year": 2025,
         "html": "accounts/ACC-1/annual_2025.en.html", "pdf": None, "title": "missing"},  # not written
    ]
    manifest = _manifest(run_dir, docs)
    src = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[_md("## 1 · x")]), src)
    for r in manifest["notebooks"]:
        (run_dir / r["html"]).parent.mkdir(parents=True, exist_ok=True)
        runner.to_html(src, run_dir / r["html"], title=r["key"], index_href="../" * r["key"].count("/") + "index.html")
    qbr = "<html><head><title>QBR</title></head><body class=\"doc\"><h1>QBR</h1></body></html>"
    (run_dir / docs[0]["html"]).write_text(qbr, encoding="utf-8")  # a document without navigation
    (run_dir / docs[1]["html"]).write_text(f"<html><body><nav>{runner_slot()}</nav></body></html>", encoding="utf-8")
    # by hand: pages the run wrote: the portfolio's 1 report, 2 reports each for ACC-1, ACC-2, ACC-3, and the
    # brief of ACC-1 (the annual pack is listed but not written; the QBR page goes to the customer and gets no
    # navigation): 1 + 6 + 1 = 8 pages changed
    assert runner.link_pages(manifest, run_dir) == 8
    page = (run_dir / "accounts/ACC-1/02_account_profile.html").read_text(encoding="utf-8")
    nav = page.split('<nav aria-label="Reports and documents" class="kam-nav">')[1].split("</nav>")[0]
    assert 'href="../../index.html"' in nav
    assert "ACC-1 · Eins GmbH:" in nav
    assert '<span aria-current="page">Account profile</span>' in nav
    assert '<a href="04_review_cycle.html">Account review</a>' in nav
    assert '<a href="qbr_2025Q4.en.html">QBR page Q4 2025</a>' in nav  # the quarter as the page's title words it
    assert '<a href="brief.de.html">Account brief (in German)</a>' in nav
    assert "annual_2025" not in nav  # the run did not write it: no link
    assert "ACC-2" not in nav  # another account's reports are not this account's
    other = (run_dir / "accounts/ACC-3/04_review_cycle.html").read_text(encoding="utf-8")
    assert "ACC-3 · Drei &amp; &lt;Co&gt;:" in other  # customer text escaped
    brief = (run_dir / docs[1]["html"]).read_text(encoding="utf-8")
    # a document's navigation is in the document's language (the German brief in an English run)
    assert '<a href="02_account_profile.html">Kundenprofil</a>' in brief
    assert '<span aria-current="page">Account-Steckbrief</span>' in brief
    qbr_page = (run_dir / docs[0]["html"]).read_text(encoding="utf-8")
    assert qbr_page == qbr  # customer-facing: no navigation to internal pages, no account id
    assert runner.link_pages(manifest, run_dir) == 0  # idempotent: a second pass changes nothing


def runner_slot() -> str:
    from kamlib.present import export

    return export.RELATED_START + export.RELATED_END


def test_index_rows_in_rank_order_names_not_files_missing_kam_and_documents(tmp_path):
    run_dir = tmp_path / "run"
    docs = [{"account_id": "ACC-1", "kind": "qbr", "lang": lang, "period": "2025Q4",
             "html": f"accounts/ACC-1/qbr_2025Q4.{lang}.html", "pdf": f"accounts/ACC-1/qbr_2025Q4.{lang}.pdf",
             "title": "Q"} for lang in ("en", "de")]
    docs[1]["pdf"] = None
    manifest = _manifest(run_dir, docs)
    (run_dir / "accounts/ACC-1").mkdir(parents=True)
    for d in docs:
        (run_dir / d["html"]).write_text("x", encoding="utf-8")
    page = runner._index_html(manifest, run_dir)
    # the manifest lists ACC-3, ACC-1, ACC-2 (ranks 3, 1, 2): the index shows them by rank, rank shown
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td class="id">(ACC-\d)</td>', page)
    assert rows == [("1", "ACC-1"), ("2", "ACC-2"), ("3", "ACC-3")]
    assert "Ordered by the rank of the key-account selection" in page
    # ACC-3 has no KAM: "–" and the legend
    acc3 = page.split('<td class="id">ACC-3</td>')[1].split("</tr>")[0]
    assert '<td class="nowrap">–</td>' in acc3 and "– no KAM assigned in the data" in page
    assert "Drei &amp; &lt;Co&gt;" in page
    # link labels are names in the run's language, not file names
    assert '<a href="accounts/ACC-1/02_account_profile.html">Account profile</a>' in page
    assert '<a href="01_account_selection.html">Key account selection</a>' in page
    assert ">02_account_profile<" not in page and ">01_account_selection.ipynb<" not in page
    # a document: its name links to the version in the run's language, other languages follow as "DE"
    assert '<a href="accounts/ACC-1/qbr_2025Q4.en.html">QBR page 2025Q4</a> (<a href="accounts/ACC-1/qbr_2025Q4.en.pdf">PDF</a>)' in page
    assert ('· <a href="accounts/ACC-1/qbr_2025Q4.de.html" hreflang="de" title="QBR page 2025Q4 (in German)">DE</a>'
            in page)
    # compact rows (the index was 4,484 px tall at 1,024 px): the reports inline, not one list item each, the
    # documents folded into one details element per account, its summary counting them (one QBR page: 1)
    acc1 = page.split('<td class="id">ACC-1</td>')[1].split("</tr>")[0]
    assert '<li><a href="accounts/ACC-1/02_account_profile.html">' not in acc1
    assert "<details><summary>Documents (1)</summary><ul><li>" in acc1 and acc1.count("qbr_2025Q4.en.html") == 1
    de = runner._index_html({**manifest, "parameters": {"lang": "de"}}, run_dir)
    assert ">Kundenprofil</a>" in de and "<summary>Dokumente (1)</summary>" in de
    assert ('<li><a href="accounts/ACC-1/qbr_2025Q4.de.html">Quartalsgespräch (QBR) 2025Q4</a> · '
            '<a href="accounts/ACC-1/qbr_2025Q4.en.html" hreflang="en" title="Quartalsgespräch (QBR) 2025Q4 (auf '
            'Englisch)">EN</a> (<a href="accounts/ACC-1/qbr_2025Q4.en.pdf"') in de


# ---------------------------------------------------------------------------------------------- contrast


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    rgb = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_helper_matches_known_ratios():
    # by hand: black on white is (1 + 0.05) / (0 + 0.05) = 21; #777 on white is 4.48 (fails AA by a hair)
    assert round(_contrast("#000", "#fff"), 2) == 21.0
    assert round(_contrast("#777777", "#ffffff"), 2) == 4.48


def _rules(css: str) -> list[tuple[str, dict[str, str]]]:
    out = []
    for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        props = dict(re.findall(r"(color|background|background-color)\s*:\s*(#[0-9a-fA-F]{3,6})\b", body))
        out.append((sel.strip(), props))
    return out


@pytest.mark.parametrize("path", ["kamlib/present/templates/report.css", "kamlib/present/templates/_style.html.j2",
                                  "kamlib/present/templates/footer.html.j2"])
def test_every_text_colour_has_aa_contrast(path):
    """Every text colour kamlib's pages declare, on its own background or else on white, is at least 4.5:1."""
    css = (ROOT / path).read_text(encoding="utf-8")
    if "style=" in css:  # inline styles of the footer
        css = "".join(f"x{{{s}}}" for s in re.findall(r'style="([^"]*)"', css))
    checked = 0
    for sel, props in _rules(css):
        if "color" not in props:
            continue
        bg = props.get("background") or props.get("background-color") or "#ffffff"
        ratio = _contrast(props["color"], bg)
        assert ratio >= 4.5, f"{path}: {sel} {props['color']} on {bg} is {ratio:.2f}:1"
        checked += 1
    # badges: white text on each band colour (the amber badge was 2.44:1)
    for sel, props in _rules(css):
        if sel.startswith(".band.") and "background" in props:
            assert _contrast("#ffffff", props["background"]) >= 4.5, sel
            checked += 1
    assert checked


# ---------------------------------------------------------------------------------------------- the browser


def _browser_available() -> None:
    require_system("chromium", Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK))
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError:
        require_system("playwright and axe-playwright-python (pip install -e '.[dev]')", False)


@pytest.fixture(scope="module")
def real_run(sample_run):
    """The session's shared default run (conftest ``sample_run``): a report of each notebook (00 start, 01
    selection with charts and a widget, 02 profile, 03 customer value, 04 review, 05 portfolio review) and the
    documents (brief, QBR page, Jahresgespräch pack) of every key account. Read-only."""
    return sample_run


@pytest.fixture(scope="module")
def browser():
    _browser_available()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], timeout=60_000)
        try:
            yield b
        finally:
            b.close()


def _open(browser, url: str, width: int = 1280):
    """A page with every request that is not a local file aborted and recorded, console errors recorded."""
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    left: list[str] = []
    errors: list[str] = []

    def local_only(route):
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    ctx.route("**/*", local_only)
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)  # scripts that would start loading after "load"
    return ctx, page, left, errors


def _pages(run_dir: Path) -> list[str]:
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    rels = ["index.html"]
    numbers: set[str] = set()
    for r in manifest["notebooks"]:  # one report of each notebook (00-05), the portfolio's before an account's
        if r.get("html") and r["notebook"][:2] not in numbers and (run_dir / r["html"]).is_file():
            numbers.add(r["notebook"][:2])
            rels.append(r["html"])
    kinds: set[str] = set()
    for d in manifest.get("documents") or []:  # one document of each kind, where the run wrote them
        if d.get("html") and d.get("kind") not in kinds and (run_dir / d["html"]).is_file():
            kinds.add(d["kind"])
            rels.append(d["html"])
    return rels


def test_pages_offline_not_blank_no_console_error_and_axe_clean(real_run, browser):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    rels = _pages(real_run)
    assert len(rels) == 1 + 6 + 3, rels  # index, one report of each of 00-05 and one document of each kind
    for rel in rels:
        ctx, page, left, errors = _open(browser, (real_run / rel).resolve().as_uri())
        try:
            assert left == [], f"{rel} asked the network for {left}"
            assert errors == [], f"{rel}: console errors {errors}"
            text = page.evaluate("document.body.innerText")
            assert len(text.strip()) > 200 and page.evaluate("document.body.scrollHeight") > 400, f"{rel} is blank"
            violations = axe.run(page).response["violations"]
            for v in violations:
                if v["impact"] in ("serious", "critical") or v["id"] in ("color-contrast", "image-alt",
                                                                          "heading-order", "page-has-heading-one"):
                    problems.append(f"{rel}: {v['id']} ({v['impact']}): {v['nodes'][0]['html'][:160]}")
        finally:
            ctx.close()
    assert problems == []


def test_index_has_no_horizontal_overflow_at_1024px(real_run, browser):
    for width in (1024, 800):
        ctx, page, _, _ = _open(browser, (real_run / "index.html").resolve().as_uri(), width=width)
        try:
            assert page.evaluate("document.scrollingElement.scrollWidth") <= width
            if width == 1024:  # the tables fit: none scrolls inside its box either
                boxes = page.eval_on_selector_all(".wide", "els => els.map(e => e.scrollWidth - e.clientWidth)")
                assert boxes and max(boxes) <= 0, boxes
            # ids do not wrap ("ACC-/0044"): one line each
            lines = page.eval_on_selector_all(
                "td.id", "els => els.map(e => { const r = document.createRange(); r.selectNodeContents(e);"
                " return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })")
            assert lines and set(lines) == {1}, lines
            if width == 1024:  # compact rows: the first account's reports (02, 03, 04) and its three documents in two
                # languages take at most 4 lines of text (the closed details' content is not shown: only lines inside
                # the cell count); the old cell gave each report and each document a line of its own (6+)
                lines = page.evaluate(
                    "(() => { const td = document.querySelector('table.accounts tbody td:last-child');"
                    " const box = td.getBoundingClientRect(); const r = document.createRange(); r.selectNodeContents(td);"
                    " const tops = [...r.getClientRects()].filter(x => x.height > 0 && x.bottom <= box.bottom + 1)"
                    ".map(x => x.top).sort((a, b) => a - b);"
                    " return tops.filter((t, i) => i === 0 || t - tops[i - 1] > 6).length; })()")
                assert lines <= 4, lines
        finally:
            ctx.close()


class _Cells(HTMLParser):
    """The text of every table cell (th, td) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._open: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self._open.append([])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._open:
            self.cells.append("".join(self._open.pop()).strip())

    def handle_data(self, data):
        if self._open:
            self._open[-1].append(data)


def test_no_table_cell_of_the_run_shows_a_missing_value_marker(real_run):
    # a missing value reads '–' (with a footnote); pandas' markers must never reach a reader
    markers = {"nan", "none", "nat", "<na>", "null"}
    pages = sorted(p for p in real_run.rglob("*.html"))
    assert len(pages) >= 10, pages  # index, 00-05 and the documents in two languages
    shown = []
    for page in pages:
        cells = _Cells()
        cells.feed(page.read_text(encoding="utf-8"))
        shown += [f"{page.relative_to(real_run)}: {c!r}" for c in cells.cells if c.lower() in markers]
    assert shown == []
