"""An executed notebook as a report page: offline, lean, titled, navigable and accessible.

nbconvert renders the cells (its lab template's cell layout, code hidden) with kamlib's own page template
(``templates/nbconvert/report.html.j2``) and stylesheet (``templates/report.css``, a few KB instead of the
258 KB JupyterLab stylesheet): no script, font or stylesheet from the internet, no widget manager; a widget
output shows the static copy the kernel wrote (HTML or an image) or nothing. :func:`finish_page` then shapes
the page for its reader:

* one ``<h1>``, the report's title (account, report, period), and the notebook's headings shifted below it
  so that no level is skipped;
* a navigation bar: back to the index, then a slot (:data:`RELATED_START` … :data:`RELATED_END`) that
  :func:`set_related` fills once the run knows which of the account's other reports and documents exist;
* a table of contents on long pages (from the ``<h2>`` headings);
* a caption on every table that has none (the nearest heading above it, visually hidden), alt text on every
  image: the output's own (``{"image/png": {"alt": "..."}}`` metadata), else "Chart: <nearest heading>".

All text added comes from the catalogue (``report.page``) in the report's language; titles and names are
escaped (customer text).

Examples
--------
>>> html = ('<html><head><title>x</title></head><body><main><h2>A</h2><h4>B</h4><h2>C</h2>'
...         '<table><tr><td>1</td></tr></table></main></body></html>')
>>> page = finish_page(html, title="ACC-1 · Müller & Co · Profile", lang="en", index_href="../../index.html")
>>> re.findall(r"<(h[1-6])[ >]", page)
['h1', 'h2', 'h3', 'h2']
>>> "<h1>ACC-1 · Müller &amp; Co · Profile</h1>" in page, '<caption class="kam-sr-only">C</caption>' in page
(True, True)
"""

from __future__ import annotations

import functools
import re
import threading
from importlib import resources

from kamlib import i18n

#: Where the navigation bar lists the account's other reports and documents (filled by :func:`set_related`).
RELATED_START = "<!--kam:related-->"
RELATED_END = "<!--/kam:related-->"
#: The outputs a report shows, best first: never the live widget view or JavaScript (they need scripts from
#: the internet); a widget's static copy (text/html, an image) is shown instead.
DISPLAY_PRIORITY = ["text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain"]
#: Tables of contents from this many sections on (a short page needs none).
TOC_MIN_SECTIONS = 4
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_LOCK = threading.Lock()
_EXPORTER: dict = {}


@functools.cache
def report_css() -> str:
    """The stylesheet every report carries inline (a few KB)."""
    return resources.files("kamlib.present").joinpath("templates", "report.css").read_text(encoding="utf-8")


def _template() -> str:
    return resources.files("kamlib.present").joinpath("templates", "nbconvert", "report.html.j2").read_text("utf-8")


def label(key: str, lang: str, **fmt: object) -> str:
    """The catalogue text ``report.page.<key>`` in ``lang``, formatted with ``fmt``."""
    text = i18n.pick(i18n.table("report.page")[key], lang)
    return text.format(**fmt) if fmt else text


def report_name(stem: str, lang: str) -> str:
    """The reader's name of a notebook report or document kind ("02_account_profile" -> "Account profile");
    an unknown notebook keeps its stem without the number ("20_account" -> "account")."""
    pair = i18n.table("report.names").get(stem)
    if pair is not None:
        return i18n.pick(pair, lang)
    return re.sub(r"^\d+_", "", stem).replace("_", " ")


def _exporter():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from traitlets.config import Config

    class ReportExporter(HTMLExporter):
        """nbconvert's HTML exporter without its own post-processing (the "No description has been provided
        for this image" alt text; :func:`finish_page` does the page's)."""

        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
            )
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    # a cell's printed lines are one block: the kernel sends them as one stream message or several, as its
    # timing happens to be, and the report must not depend on that (the same run gave one <pre> or two)
    config = Config(
        {"NbConvertBase": {"display_data_priority": DISPLAY_PRIORITY}, "CoalesceStreamsPreprocessor": {"enabled": True}}
    )
    exporter = ReportExporter(config=config, exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.raw_template = _template()
    return exporter


def render_cells(nb, *, title: str, lang: str) -> str:
    """``nb`` as an HTML page of its outputs and prose (no code), with this process's one exporter (loading
    and compiling the templates costs more than most exports; a pool forked after :func:`prepare` inherits
    it ready)."""
    with _LOCK:  # threads of one Dask worker share it, one export at a time
        exporter = _EXPORTER.get("html")
        if exporter is None:
            exporter = _EXPORTER["html"] = _exporter()
        exporter.language_code = lang
        body, _ = exporter.from_notebook_node(nb, resources={"kam": {"title": title, "css": report_css()}})
    return body


def prepare() -> None:
    """Build the exporter and compile its templates now (once, before a pool's workers are forked)."""
    import nbformat

    render_cells(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x")]), title="x", lang="en")


def export_notebook(nb, *, title: str, lang: str = "en", index_href: str = "index.html", footer: str = "") -> str:
    """The finished report page of ``nb`` (an executed notebook, already in report mode)."""
    html = render_cells(nb, title=title, lang=lang)
    return finish_page(html, title=title, lang=lang, index_href=index_href, footer=footer)


# --------------------------------------------------------------------------- shaping the page


def _text(el) -> str:
    return " ".join(el.get_text(" ", strip=True).replace("¶", "").split())


def finish_page(html: str, *, title: str, lang: str, index_href: str, footer: str = "") -> str:
    """Title, navigation, nested headings, table of contents, table captions and image alt text (see the
    module's text); ``footer`` (HTML) is added at the end of the body."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup.body or soup
    for a in main.select("a.anchor-link"):
        a.decompose()
    for style in main.find_all("style"):  # pandas' per-table styling; report.css styles every table
        if ".dataframe" in style.get_text() and "#T_" not in style.get_text():
            style.decompose()
    if soup.title is not None:
        soup.title.string = title
    headings = _nest_headings(main)
    _caption_tables(soup, main)
    _alt_text(main, lang)
    _drop_empty_cells(main)
    for th in main.find_all("th"):  # pandas' empty corner cells: no header without a text
        if not th.get_text(strip=True):
            th.name = "td"
    names: dict[str, int] = {}
    for out in main.select("div.jp-OutputArea-output"):
        if out.find("table"):  # wide tables scroll inside their output: reachable by keyboard, named
            cap = out.find("caption")
            name = _text(cap) if cap else label("table", lang)
            names[name] = names.get(name, 0) + 1
            out["tabindex"] = "0"
            out["role"] = "region"
            out["aria-label"] = name if names[name] == 1 else f"{name} ({names[name]})"
    top = _header(soup, title=title, lang=lang, index_href=index_href, headings=headings)
    subtitle = main.find("p", class_="kam-subtitle")
    if subtitle is not None:
        top.find("h1").insert_after(subtitle.extract())
    main.insert_before(top)
    if footer:
        (soup.body or soup).append(BeautifulSoup(footer, "html.parser"))
    return str(soup)


def _nest_headings(main) -> list:
    """Shift the page's headings below its one ``<h1>`` (the title): the shallowest level becomes ``<h2>``,
    and a heading never lies more than one level below the one before it (a stack of open levels). The
    notebook's own title (the first heading, alone on the shallowest level) becomes the page's subtitle: the
    ``<h1>`` says what the page is."""
    found = main.find_all(_HEADINGS)
    if len(found) > 1:
        top = min(int(h.name[1]) for h in found)
        if int(found[0].name[1]) == top and all(int(h.name[1]) > top for h in found[1:]):
            found[0].name = "p"
            found[0]["class"] = "kam-subtitle"
            found = found[1:]
    stack: list[tuple[int, int]] = []  # (original level, new level) of the open sections
    for h in found:
        level = int(h.name[1])
        while stack and stack[-1][0] >= level:
            stack.pop()
        new = min(stack[-1][1] + 1, 6) if stack else 2
        stack.append((level, new))
        h.name = f"h{new}"
    for i, h in enumerate(found):  # plain ids for the contents' links (nbconvert's are percent-encoded)
        if not re.fullmatch(r"[A-Za-z0-9_:.,()?!'-]+", str(h.get("id") or "")):
            h["id"] = f"kam-s{i + 1}"
    return found


def _nearest_heading(el) -> str:
    h = el.find_previous(_HEADINGS)
    return _text(h) if h is not None else ""


def _caption_tables(soup, main) -> None:
    for table in main.find_all("table"):
        if table.find("caption") is not None:
            continue
        text = _nearest_heading(table)
        if text:
            cap = soup.new_tag("caption")
            cap["class"] = "kam-sr-only"
            cap.string = text
            table.insert(0, cap)


def _alt_text(main, lang: str) -> None:
    for img in main.find_all("img"):
        if (img.get("alt") or "").strip():
            continue
        heading = _nearest_heading(img)
        img["alt"] = label("chart", lang, heading=heading) if heading else label("chart_untitled", lang)


def _drop_empty_cells(main) -> None:
    """No empty gaps: a code cell whose outputs show nothing (a widget without a static copy, an empty print)."""
    for cell in main.select("div.jp-CodeCell"):
        if not cell.get_text(strip=True) and cell.find(["img", "svg", "table", "iframe", "video"]) is None:
            cell.decompose()


def _header(soup, *, title: str, lang: str, index_href: str, headings: list):
    from bs4 import BeautifulSoup

    sections = [h for h in headings if h.name == "h2"]
    toc = ""
    if len(sections) >= TOC_MIN_SECTIONS:
        items = "".join(f'<li><a href="#{_attr(h["id"])}">{_esc(_text(h))}</a></li>' for h in sections)
        toc = (
            f'<nav class="kam-toc" aria-label="{_attr(label("contents", lang))}"><details open>'
            f"<summary>{_esc(label('contents', lang))}</summary><ul>{items}</ul></details></nav>"
        )
    top = (
        f'<header class="kam-top"><nav class="kam-nav" aria-label="{_attr(label("nav", lang))}">'
        f'<a href="{_attr(index_href)}">&larr; {_esc(label("back", lang))}</a>{RELATED_START}{RELATED_END}</nav>'
        f"<h1>{_esc(title)}</h1>{toc}</header>"
    )
    return BeautifulSoup(top, "html.parser")


def _esc(text: str) -> str:
    import html

    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    import html

    return html.escape(text, quote=True)


# --------------------------------------------------------------------------- links between the pages of a run


def related_html(who: str, links: list[dict], lang: str) -> str:
    """The navigation bar's list of an account's (or the portfolio's) reports and documents: ``links`` are
    ``{"href", "label", "current"}``; the current page is marked, not linked."""
    items = "".join(
        f'<li><span aria-current="page">{_esc(x["label"])}</span></li>'
        if x.get("current")
        else f'<li><a href="{_attr(x["href"])}">{_esc(x["label"])}</a></li>'
        for x in links
    )
    return f'<span class="kam-who">{_esc(who)}:</span><ul>{items}</ul>' if items else ""


#: The navigation of a page kamlib did not export from a notebook (an account document): shown on screen only,
#: so that the printed A4 page stays as it was.
_NAV_CSS = (
    "<style>.kam-nav{font:14px/1.5 system-ui,sans-serif;display:flex;flex-wrap:wrap;gap:.2rem 1rem;"
    "margin:.5rem 0 1rem}.kam-nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;"
    "gap:.2rem .9rem}.kam-nav a{color:#1a55a8}.kam-nav .kam-who{color:#595959}.kam-nav [aria-current]"
    "{font-weight:600}@media print{.kam-nav{display:none}}</style>"
)


def add_nav(page: str, *, lang: str, index_href: str) -> str:
    """``page`` (a whole HTML page without navigation) with the navigation bar at the top of its body: back
    to the index and the slot for :func:`set_related`. A page that has the slot is returned as it is."""
    if RELATED_START in page:
        return page
    nav = (
        f'<nav class="kam-nav" aria-label="{_attr(label("nav", lang))}"><a href="{_attr(index_href)}">&larr; '
        f"{_esc(label('back', lang))}</a>{RELATED_START}{RELATED_END}</nav>"
    )
    body = re.search(r"<body[^>]*>", page)
    if body is None:
        return page
    page = page[: body.end()] + nav + page[body.end() :]
    return page.replace("</head>", _NAV_CSS + "</head>", 1) if "</head>" in page else _NAV_CSS + page


def set_related(page: str, html: str) -> str | None:
    """``page`` with its related-links slot holding ``html`` (None when the page has no slot)."""
    start = page.find(RELATED_START)
    end = page.find(RELATED_END, start)
    if start < 0 or end < 0:
        return None
    return page[: start + len(RELATED_START)] + html + page[end:]
