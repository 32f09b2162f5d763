"""The trainer pack: everything a trainer needs to run the KAM course, built into one folder per language.

:func:`build_course` writes ``dest/<lang>/`` for each language:

* ``index.html`` – what is in the pack and how to use it;
* ``agenda_1day.html`` and ``agenda_2day.html`` – timed sessions and breaks (9:00–17:00 a day), which module,
  exercise, role-play or workshop when (the sessions are :data:`AGENDAS`, read from ``agendas.toml`` next to this
  module; their titles catalogue text);
* ``guides/<module>.html`` – the facilitator guide of each module of :data:`MODULES`: goal, timing, how to run
  it, debrief questions, common misconceptions (catalogue ``course.guide_<module>``);
* ``slides/<module>.slides.html`` – generated from the module's notebook at build time: the cells of the
  language (exercises' solution cells left out), a slide per ``#``/``##`` heading, a sub-slide per ``###``
  heading and per chart or table, a fragment per other output (Jupyter's slideshow metadata, added to a copy,
  never to the notebook), exported with nbconvert's reveal.js exporter; reveal.js itself is copied from
  ``kamlib/teaching/static/reveal.js`` into ``slides/reveal.js/``, so the slides need no internet;
* ``worksheets/<module>.html`` – printable tasks without solutions, with room to write;
* ``answer_key.html`` – every solution with its worked steps, and the points of evaluate/create tasks the
  trainer judges (the rubric);
* ``case_booklet.html`` and ``roleplays/`` – the Rheinwerk case (:mod:`kamlib.teaching.case`);
* ``notebooks/`` – the trainees' notebooks in the language (:mod:`kamlib.teaching.trainee`).

Outputs on the slides: the notebooks' stored outputs are in the language of their ``parameters`` cell
("en"). A pack language whose outputs are not stored gets them by executing a copy of the notebook with
``lang`` set (``execute=None``, the default); ``execute=False`` keeps only the prose for such a language (fast,
for tests), ``execute=True`` executes every notebook.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kamlib import i18n
from kamlib.data.cache import memo_scoped
from kamlib.data.datafile import DataFile, Entry
from kamlib.present import pages

MODULES: tuple[str, ...] = ("00", "01", "02", "03", "04", "05", "criteria_workshop", "portfolio_workshop")
WORKSHOPS = ("criteria_workshop", "portfolio_workshop")
#: Where a day starts (minutes after midnight): 9:00.
DAY_START = 9 * 60


@dataclass(frozen=True)
class Session:
    """One block of an agenda: ``key`` names its title (catalogue ``course.agenda``), ``minutes`` its length,
    ``kind`` what happens (talk, exercise, workshop, roleplay, break, lunch, opening, close), ``module`` the
    module it belongs to (or ""), ``exercises`` the exercise ids done in it, ``steps`` its parts as (step,
    minutes) (catalogue ``course.steps``; ``roleplay:<kind>`` is a role play whose phases and minutes are
    :data:`kamlib.teaching.case.ROLEPLAY_PHASES`). The steps add up to ``minutes`` (a test checks it); the
    facilitator guides print them, so the agenda, the guides and the role-play briefs share one set of numbers."""

    key: str
    minutes: int
    kind: str
    module: str = ""
    exercises: tuple[str, ...] = ()
    steps: tuple[tuple[str, int], ...] = ()


#: The agendas' sessions, minutes and steps (next to this module).
AGENDA_FILE = DataFile("kamlib.teaching", "agendas.toml")


def _steps(session: Entry) -> tuple[tuple[str, int], ...]:
    """A session's steps from the agenda file: ``[step, minutes]`` each, or ``["roleplay:<kind>"]`` whose minutes
    are the role play's phases (:data:`kamlib.teaching.case.ROLEPLAY_PHASES`)."""
    from kamlib.teaching.case import ROLEPLAY_PHASES

    steps = []
    for i, step in enumerate(session.get("steps", list, [])):
        match step:
            case [str(name), int(minutes)] if not name.startswith("roleplay:") and not isinstance(minutes, bool):
                steps.append((name, minutes))
            case [str(name)] if name.startswith("roleplay:") and name.removeprefix("roleplay:") in ROLEPLAY_PHASES:
                steps.append((name, sum(m for _, m in ROLEPLAY_PHASES[name.removeprefix("roleplay:")])))
            case _:
                raise session.error(
                    f"steps[{i}]",
                    f'expected [step, minutes] or ["roleplay:<kind>"] of {list(ROLEPLAY_PHASES)}, got {step!r}',
                )
    return tuple(steps)


#: What a session of the agenda file may hold (a misspelt name is refused, not left unread).
_SESSION_ENTRIES = ("key", "minutes", "kind", "module", "exercises", "steps")


def agendas(parsed: Entry) -> dict[str, tuple[tuple[Session, ...], ...]]:
    """The agendas of the parsed agenda file (:data:`AGENDA_FILE`), checked: agenda -> days -> sessions (a day holds
    its ``sessions`` only, a session :data:`_SESSION_ENTRIES` only)."""
    return {
        agenda: tuple(
            tuple(
                Session(
                    s.text("key"),
                    s.integer("minutes"),
                    s.text("kind"),
                    s.text("module", ""),
                    s.texts("exercises", ()),
                    _steps(s),
                )
                for s in (s.only(*_SESSION_ENTRIES) for s in day.only("sessions").rows("sessions"))
            )
            for day in parsed.rows(agenda)
        )
        for agenda in parsed.values
    }


#: The agendas: one tuple of sessions per day (``kamlib/teaching/agendas.toml``). Each day runs from 9:00 to 17:00
#: (480 minutes, lunch included).
AGENDAS: dict[str, tuple[tuple[Session, ...], ...]] = agendas(AGENDA_FILE.read())

_LABELS = i18n.table("course.labels")
_MODULE_TITLES = i18n.table("course.modules")
_SESSIONS = i18n.table("course.agenda")
_KINDS = i18n.table("course.kinds")
GUIDE_PARTS = ("goal", "timing", "run", "debrief", "misconceptions")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SKIP_TAGS = frozenset({"solution", "solutions", "parameters"})


def label(key: str, lang: str, **values: object) -> str:
    """The pack's text ``key`` (catalogue ``course.labels``) in ``lang``, filled with ``values``."""
    return i18n.pick(_LABELS[key], lang).format(**values)


def module_title(module: str, lang: str) -> str:
    return i18n.pick(_MODULE_TITLES[module], lang)


def guide_text(module: str, part: str, lang: str) -> str:
    """Markdown of one part of a module's facilitator guide (catalogue ``course.guide_<module>``); the timing
    comes from the agendas (:func:`guide_timing`)."""
    if part == "timing":
        return guide_timing(module, lang)
    return i18n.pick(i18n.table(f"course.guide_{module}")[part], lang)


def module_sessions(module: str) -> list[tuple[str, str, str, Session]]:
    """(agenda, start, end, session) of every session of ``module`` in the agendas, in their order."""
    return [
        (agenda, start, end, s)
        for agenda in AGENDAS
        for day in timetable(agenda)
        for start, end, s in day
        if s.module == module
    ]


def step_text(step: str, minutes: int, lang: str, exercises: tuple[str, ...] = ()) -> str:
    """One step of a session as the guide prints it: '15 min Input with the slides' (a role play with its
    phases, the exercises step with the session's exercise ids)."""
    if step.startswith("roleplay:"):
        from kamlib.teaching.case import roleplay_phases

        kind = step.split(":", 1)[1]
        return label(
            "step_roleplay", lang, n=minutes, title=label(f"roleplay_{kind}", lang), phases=roleplay_phases(kind, lang)
        )
    text = i18n.pick(i18n.table("course.steps")[step], lang)
    return label("step", lang, n=minutes, text=text.format(ids=", ".join(exercises)))


def guide_timing(module: str, lang: str) -> str:
    """The guide's timing: per agenda and session of the module the clock times and the steps with their
    minutes (:attr:`Session.steps`), the exercises named as the agenda names them."""
    lines = []
    for agenda, start, end, s in module_sessions(module):
        steps = "; ".join(step_text(step, n, lang, s.exercises) for step, n in s.steps)
        head = label("timing_line", lang, agenda=label(f"agenda_{agenda}", lang), start=start, end=end, n=s.minutes)
        named = any("{ids}" in i18n.pick(i18n.table("course.steps").get(step, ("", "")), lang) for step, _ in s.steps)
        ids = f" {label('exercises', lang)}: {', '.join(s.exercises)}." if s.exercises and not named else ""
        title = i18n.pick(_SESSIONS[s.key], lang)
        lines.append(f"* **{head}** {title}{'' if title.endswith(('?', '!', '.')) else '.'} {steps}.{ids}")
    return "\n".join(lines)


def clock(minutes: int) -> str:
    """'09:30' from 570 minutes after midnight.

    >>> clock(570), clock(17 * 60)
    ('09:30', '17:00')
    """
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def timetable(agenda: str) -> list[list[tuple[str, str, Session]]]:
    """Per day, (start, end, session) with the clock times: each day starts at :data:`DAY_START`.

    >>> day = timetable("1day")[0]
    >>> day[0][:2], day[-1][:2]
    (('09:00', '09:30'), ('16:30', '17:00'))
    """
    days = []
    for sessions in AGENDAS[agenda]:
        t, rows = DAY_START, []
        for s in sessions:
            rows.append((clock(t), clock(t + s.minutes), s))
            t += s.minutes
        days.append(rows)
    return days


def _markdown(text: str):
    """Markdown from the catalogue or the exercises (the workbook's own text, never customer data) as HTML."""
    from markupsafe import Markup
    from nbconvert.filters.markdown import markdown2html

    return Markup(markdown2html(text))


def notebook_path(module: str, folder: Path) -> Path:
    """The notebook of ``module``: ``<folder>/<module>_*.ipynb`` or ``<folder>/workshop/<module>.ipynb``."""
    if module in WORKSHOPS:
        return folder / "workshop" / f"{module}.ipynb"
    found = sorted(folder.glob(f"{module}_*.ipynb"))
    if not found:
        raise FileNotFoundError(f"no notebook for module {module} in {folder}")
    return found[0]


# --------------------------------------------------------------------------- slides


def stored_lang(nb) -> str:
    """The language of a notebook's stored outputs: its ``parameters`` cell's ``lang`` default ("en")."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            m = re.search(r"""^lang\s*(?::[^=]*)?=\s*["'](\w+)["']""", cell.source, flags=re.M)
            if m:
                return m.group(1)
    return "en"


def _split_at_headings(cell) -> list:
    """A Markdown cell cut before each of its headings after the first line, so every heading opens a slide."""
    lines = cell.source.splitlines()
    cuts = [i for i, line in enumerate(lines) if i > 0 and _HEADING.match(line)]
    if not cuts:
        return [cell]
    parts: list = []
    start = 0
    for cut in [*cuts, len(lines)]:
        piece = "\n".join(lines[start:cut]).strip("\n")
        if piece.strip():
            new = copy.deepcopy(cell)
            new.source = piece
            if parts and "id" in new:
                new["id"] = f"{cell['id']}-{len(parts)}"
            parts.append(new)
        start = cut
    return parts


def _is_big(output) -> bool:
    data = output.get("data", {})
    return any(k.startswith("image/") for k in data) or "text/html" in data


#: At most this many rows of a table go on a slide; a note says how many more the notebook has.
MAX_ROWS = 10
#: At most this many lines of printed text (a stream output) go on a slide.
MAX_TEXT_LINES = 8
#: Prose that talks about the code or the tooling rather than about KAM: not for the room's screen.
_TOOLING = re.compile(
    r"papermill|nbval|nbconvert|nbclient|kamlib|output_dir|\bimport\b|jupyter"
    # the commands, case-sensitive: "Jeder KAM betreut ..." and "Make the case ..." are prose about KAM
    r"|(?-i:\bkam (?:run|notebooks|course|workshop|progress|validate|sample-data|public-data|workshop-[a-z]+)\b)"
    r"|(?-i:\bmake (?:workbook|test|course|workshop|notebooks|screenshots|bench|sample-data|lint|unit|nbval)\b)"
    r"|\.ipynb|pip install|\bparameters? cell|Parameterzelle|`[^`\n]*[_.(=\[{][^`\n]*`",
    re.I,
)
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def _blocks(text: str) -> list[str]:
    """Markdown cut into blocks at blank lines."""
    return [b.strip("\n") for b in re.split(r"\n\s*\n", text) if b.strip()]


def _cut_markdown_table(block: str, lang: str) -> str:
    """A Markdown table cut to its header and :data:`MAX_ROWS` rows, with a note on how many more there are."""
    lines = block.splitlines()
    if not all(_TABLE_ROW.match(line) for line in lines) or len(lines) <= MAX_ROWS + 2:
        return block
    more = len(lines) - 2 - MAX_ROWS
    return "\n".join(lines[: MAX_ROWS + 2]) + "\n\n" + label("more_rows", lang, n=more)


def slide_markdown(text: str, lang: str, *, whole: bool = False) -> str:
    """What of a Markdown cell goes on a slide: its heading and its first block (a paragraph, a bullet list or a
    table) that does not talk about code or tooling (:data:`_TOOLING`); ``whole=True`` (a cell tagged
    ``slide``) keeps every block but those. Tables are cut to :data:`MAX_ROWS` rows. No heading and no clean
    block: "" (the cell stays off the slides)."""
    blocks = _blocks(text)
    head = []
    if blocks and _HEADING.match(blocks[0].splitlines()[0]):
        first, *rest = blocks[0].splitlines()
        head = [first]
        blocks = ["\n".join(rest)] + blocks[1:] if rest else blocks[1:]
    clean = [_cut_markdown_table(b, lang) for b in blocks if b.strip() and not _TOOLING.search(b)]
    if not whole:
        clean = clean[:1]
        if not head:
            return ""
    return "\n\n".join(head + clean)


def _cut_html_tables(html: str, lang: str) -> str:
    """Every table of an HTML output cut to :data:`MAX_ROWS` body rows, with a note on how many more there are."""
    if "<table" not in html:
        return html
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for table in soup.find_all("table"):
        body = table.find("tbody") or table
        rows = list(body.find_all("tr", recursive=False))
        if body is table:
            rows = [r for r in rows if not r.find("th") or r.find("td")]
        if len(rows) > MAX_ROWS:
            for row in rows[MAX_ROWS:]:
                row.decompose()
            note = soup.new_tag("p", attrs={"class": "more-rows"})
            note.string = label("more_rows", lang, n=len(rows) - MAX_ROWS)
            table.insert_after(note)
    return str(soup)


_BODY_TAGS = frozenset({"table", "ul", "ol", "img", "svg", "figure", "pre"})


def _html_parts(html: str) -> list[str]:
    """An HTML output that is a page of several parts (a report: heading, table, heading, table; a summary card:
    title and figures, then lists under bold lead lines) cut into its parts, one a slide: a new part starts at a
    heading or a bold lead line once the part so far has a table, list or chart. One part: ``[html]``."""
    from bs4 import BeautifulSoup, Tag

    soup = BeautifulSoup(html, "html.parser")
    top = [c for c in soup.contents if isinstance(c, Tag)]
    wrapper = top[0] if len(top) == 1 and top[0].name == "div" else None
    blocks = [c for c in (wrapper.contents if wrapper else soup.contents) if isinstance(c, Tag) or str(c).strip()]

    def lead(tag) -> bool:
        if not isinstance(tag, Tag):
            return False
        if tag.name in ("h1", "h2", "h3", "h4"):
            return True
        kids = [c for c in tag.contents if isinstance(c, Tag) or str(c).strip()]
        return tag.name == "p" and bool(kids) and all(isinstance(c, Tag) and c.name in ("strong", "b") for c in kids)

    def body(tag) -> bool:
        return isinstance(tag, Tag) and (tag.name in _BODY_TAGS or tag.find(list(_BODY_TAGS)) is not None)

    parts: list[list] = [[]]
    for block in blocks:
        if lead(block) and any(body(b) for b in parts[-1]):
            parts.append([])
        parts[-1].append(block)
    if len(parts) == 1:
        return [html]
    out = []
    for part in parts:
        inner = "".join(str(b) for b in part)
        if wrapper is not None:
            attrs = "".join(f' {k}="{" ".join(v) if isinstance(v, list) else v}"' for k, v in wrapper.attrs.items())
            inner = f"<div{attrs}>{inner}</div>"
        out.append(inner)
    return out


def _slide_outputs(output, lang: str) -> list:
    """An output made fit for slides: an HTML page cut into its parts (:func:`_html_parts`), each its own
    output; nothing when it has nothing for the room."""
    shown = _slide_output(output, lang)
    if shown is None:
        return []
    html = shown.get("data", {}).get("text/html")
    if html is None:
        return [shown]
    pieces = []
    for part in _html_parts(str(html)):
        piece = copy.deepcopy(shown)
        piece["data"] = {"text/html": part}
        pieces.append(piece)
    return pieces


def _slide_output(output, lang: str):
    """One output made fit for a slide, or None when it has nothing for the room (tooling talk, empty)."""
    out = copy.deepcopy(output)
    if out.get("output_type") == "stream":
        lines = [line for line in str(out.get("text", "")).splitlines() if line.strip()]
        if not lines or _TOOLING.search("\n".join(lines)) or out.get("name") == "stderr":
            return None
        out["text"] = "\n".join(lines[:MAX_TEXT_LINES]) + "\n"
        return out
    if out.get("output_type") == "error":
        return None
    data = out.get("data", {})
    if "text/html" in data:
        data["text/html"] = _cut_html_tables(str(data["text/html"]), lang)
    elif "text/markdown" in data:
        blocks = [_cut_markdown_table(b, lang) for b in _blocks(str(data["text/markdown"])) if not _TOOLING.search(b)]
        if not blocks:
            return None
        data["text/markdown"] = "\n\n".join(blocks[:2])
    elif set(data) <= {"text/plain"}:
        text = str(data.get("text/plain", ""))
        if not text.strip() or _TOOLING.search(text):
            return None
        data["text/plain"] = "\n".join(text.splitlines()[:MAX_TEXT_LINES])
    elif not any(k.startswith("image/") for k in data):
        return None  # widgets and the like: nothing a projector shows
    return out


def slide_notebook(nb, lang: str, *, keep_outputs: bool = True):
    """A copy of ``nb`` for the slides of ``lang``, with Jupyter's slideshow metadata.

    Slides are slides, not the notebook: from the Markdown cells of ``lang`` (and untagged ones) each heading
    keeps its first paragraph, bullet list or table (:func:`slide_markdown`; a cell tagged ``slide`` keeps all
    of it), prose about code or tooling stays off, tables are cut to :data:`MAX_ROWS` rows. A ``#``/``##``
    heading starts a slide, ``###`` and deeper a sub-slide. Of the code cells only outputs stay (the
    ``parameters`` cell, solution cells and the learning path's cells on how to work through the notebook go):
    a chart or an HTML table becomes a sub-slide of its own, short text a fragment. ``keep_outputs=False`` drops code cells (their outputs are in another language)."""
    import nbformat

    from kamlib.present.report import cell_lang

    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _SKIP_TAGS:
            continue
        if cell.cell_type == "markdown":
            if cell_lang(cell) not in (None, lang):
                continue
            for part in _split_at_headings(cell):
                text = slide_markdown(part.source, lang, whole="slide" in tags)
                if not text:
                    continue
                part.source = text
                m = _HEADING.match(text.splitlines()[0])
                kind = ("slide" if len(m.group(1)) <= 2 else "subslide") if m else "-"
                part.metadata["slideshow"] = {"slide_type": kind}
                cells.append(part)
        elif cell.cell_type == "code" and keep_outputs and cell.get("outputs") and "learning-path" not in tags:
            shown_all = [o for output in cell.outputs for o in _slide_outputs(output, lang)]
            for n, shown in enumerate(shown_all):
                piece = nbformat.v4.new_code_cell(cell.source, metadata={"tags": sorted(tags)})
                piece.outputs = [shown]
                if "id" in cell:
                    piece["id"] = f"{cell['id']}-o{n}"
                piece.metadata["slideshow"] = {"slide_type": "subslide" if _is_big(shown) else "fragment"}
                cells.append(piece)
    if cells and cells[0].metadata["slideshow"]["slide_type"] != "slide":
        cells[0].metadata["slideshow"]["slide_type"] = "slide"
    out.cells = cells
    out.metadata["language"] = lang
    return out


@functools.cache
def _slides_exporter():
    """One exporter per process: loading and compiling nbconvert's templates costs more than an export."""
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    from kamlib.present.export import DISPLAY_PRIORITY

    config = Config({"NbConvertBase": {"display_data_priority": DISPLAY_PRIORITY}})
    exporter = SlidesExporter(
        config=config,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        reveal_url_prefix="reveal.js",
    )
    exporter.raw_template = (
        resources.files("kamlib.present").joinpath("templates", "course_slides.html.j2").read_text(encoding="utf-8")
    )
    return exporter


def slides_html(nb, *, title: str, lang: str) -> str:
    """The reveal.js page of a slide notebook (:func:`slide_notebook`), reveal.js loaded from ``reveal.js/``."""
    from kamlib.present.export import report_css

    exporter = _slides_exporter()
    exporter.language_code = lang
    body, _ = exporter.from_notebook_node(nb, resources={"kam": {"title": title, "css": report_css()}})
    return body


def execute_in(nb_path: Path, lang: str, source: str | Path | None) -> object:
    """A copy of the notebook executed with ``lang`` (and ``source``) set after its parameters cell."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(nb_path, as_version=4)
    lines = [f"lang = {lang!r}"] + ([f"source = {str(Path(source).resolve())!r}"] if source else [])
    at = next(
        (i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])),
        0,
    )
    nb.cells.insert(at, nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["injected-parameters"]}))
    NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(nb_path.parent)}}
    ).execute()
    return nb


def write_slides(
    module: str, dest: Path, lang: str, *, notebooks: Path, source: str | Path | None, execute: bool | None
) -> Path:
    import nbformat

    path = notebook_path(module, notebooks)
    nb = nbformat.read(path, as_version=4)
    outputs_match = stored_lang(nb) == lang
    keep = True
    if execute or (execute is None and not outputs_match):
        from nbclient.exceptions import CellExecutionError

        try:
            nb = execute_in(path, lang, source)
        except CellExecutionError as exc:
            first = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()
            raise RuntimeError(
                f"slides of {module} ({lang}): {path.name} failed when run in {lang} "
                f"({first[-1] if first else exc}); fix the notebook or build with --execute no"
            ) from exc
    elif not outputs_match:
        keep = False
    slides = slide_notebook(nb, lang, keep_outputs=keep)
    slides.cells.insert(1, speaker_notes(module, lang))
    html = slides_html(slides, title=module_title(module, lang), lang=lang)
    target = dest / f"{module}.slides.html"
    target.write_text(html, encoding="utf-8")
    return target


def speaker_notes(module: str, lang: str):
    """The facilitator guide's goal and timing as the speaker notes of a deck's first slide (reveal.js shows
    them in the speaker view, key S)."""
    import nbformat

    text = "\n\n".join(f"**{label(part, lang)}.**\n\n{guide_text(module, part, lang)}" for part in ("goal", "timing"))
    cell = nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": "notes"}})
    cell["id"] = f"speaker-notes-{module}"  # not nbformat's random id: the same pack from the same sources
    return cell


def copy_reveal(dest: Path) -> Path:
    """kamlib's copy of reveal.js into ``dest/reveal.js`` (the slides load it from there)."""
    with resources.as_file(resources.files("kamlib.teaching").joinpath("static", "reveal.js")) as src:
        shutil.copytree(src, dest / "reveal.js", dirs_exist_ok=True)
    return dest / "reveal.js"


# --------------------------------------------------------------------------- pages


def _page(template: str, target: Path, *, lang: str, title: str, depth: int = 0, **context) -> Path:
    up = "../" * depth
    html = pages.render(
        template, lang=lang, title=title, index_href=f"{up}index.html", back=label("back", lang), **context
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html + "\n", encoding="utf-8")
    return target


def _module_page(kind: str, out: Path, module: str, lang: str, **context) -> Path:
    """A module's page of ``kind`` (guide, worksheet): ``out/<kind>s/<module>.html`` from the template
    ``course_pack_<kind>.html.j2``, titled '<kind>: <module title>' in ``lang``."""
    title = f"{label(kind, lang)}: {module_title(module, lang)}"
    target = out / f"{kind}s" / f"{module}.html"
    return _page(f"course_pack_{kind}.html.j2", target, depth=1, lang=lang, title=title, **context)


def _agenda_days(agenda: str, lang: str, *, has_worksheet: set[str]) -> list[dict]:
    days = []
    for n, rows in enumerate(timetable(agenda), start=1):
        days.append(
            {
                "title": label("day_n", lang, n=n),
                "rows": [
                    {
                        "start": start,
                        "end": end,
                        "minutes": s.minutes,
                        "title": i18n.pick(_SESSIONS[s.key], lang),
                        "kind": s.kind,
                        "kind_label": i18n.pick(_KINDS[s.kind], lang),
                        "module": s.module,
                        "module_title": module_title(s.module, lang) if s.module else "",
                        "exercises": ", ".join(s.exercises),
                        "links": _module_links(s.module, lang, has_worksheet) if s.module else [],
                    }
                    for start, end, s in rows
                ],
            }
        )
    return days


def _module_links(module: str, lang: str, has_worksheet: set[str]) -> list[tuple[str, str]]:
    links = [(label("guide", lang), f"guides/{module}.html"), (label("slides", lang), f"slides/{module}.slides.html")]
    if module in has_worksheet:
        links.append((label("worksheet", lang), f"worksheets/{module}.html"))
    return links


def _title_of(page: Path) -> str:
    """The ``<title>`` of an HTML page (its file name when it has none): how the index names a role-play."""
    import html

    m = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), flags=re.S | re.I)
    return html.unescape(m.group(1)).strip() if m and m.group(1).strip() else page.stem.replace("_", " ")


def _exercise_ids(module: str) -> list[str]:
    from kamlib.teaching import exercises

    return exercises.ids(module) if module not in WORKSHOPS else []


def _task_markdown(exercise_id: str, lang: str) -> str:
    """The task as it goes on paper: ``exercises.task(..., paper=True)`` (answer lines and boxes to tick instead of
    the code line), with the criteria's code keys in a list left out (```revenue_share`: Umsatzanteil`` ->
    ``Umsatzanteil``): paper answers name the criterion, not its key."""
    from kamlib.teaching import exercises

    text = exercises.task(exercise_id, lang, paper=True).markdown
    return re.sub(r"^([*-] )`[\w.]+`: ", r"\1", text, flags=re.M)


def rubric(exercise_id: str, lang: str) -> list[str]:
    """The points of an evaluate/create task the trainer judges: catalogue ``rubric_1``, ``rubric_2`` … of the
    exercise's section (none for the other tasks)."""
    section = i18n.tables().get(f"exercises.{exercise_id}", {})
    points, n = [], 1
    while f"rubric_{n}" in section:
        points.append(i18n.pick(section[f"rubric_{n}"], lang))
        n += 1
    return points


@contextlib.contextmanager
def _private_progress() -> Iterator[None]:
    """Showing solutions records a "solution" event in the trainee's progress file; building the answer key
    is not a trainee looking at a solution, so its events go to a throw-away file."""
    old = os.environ.get("KAM_PROGRESS_FILE")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KAM_PROGRESS_FILE"] = str(Path(tmp) / "progress.json")
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("KAM_PROGRESS_FILE", None)
            else:
                os.environ["KAM_PROGRESS_FILE"] = old


@memo_scoped  # the case's stories and the portfolio tables are computed once for all documents and languages
def build_course(
    dest: Path,
    *,
    source: str | Path = "data/sample",
    langs: tuple[str, ...] = ("de", "en"),
    notebooks: str | Path = "notebooks",
    execute: bool | None = None,
    pdf: bool | None = None,
) -> dict:
    """Write the trainer pack into ``dest/<lang>/`` for each of ``langs``; return its manifest
    ``{lang: {"index": path, "agenda_1day": path, ..., "guides": {module: path}, "slides": {...},
    "worksheets": {...}, "roleplays": [...], "notebooks": [...]}}``.

    ``source`` is the data of the case (the sample company), ``notebooks`` the folder of the workbook's
    notebooks the slides come from; ``execute`` see the module docstring. ``pdf``: also print both case
    booklets to PDF (None, the default: when Chromium is there)."""
    from kamlib.data.readers import load
    from kamlib.teaching import case, exercises, trainee

    dest, folder = Path(dest), Path(notebooks)
    data = load(source)
    if pdf is None:
        pdf = case.chromium() is not None
    manifest: dict = {}
    for lang in langs:
        i18n.check_lang(lang)
        out = dest / lang
        out.mkdir(parents=True, exist_ok=True)
        worksheets = {m for m in MODULES}
        entry: dict = {"guides": {}, "slides": {}, "worksheets": {}}
        for n_days in ("1day", "2day"):
            entry[f"agenda_{n_days}"] = _page(
                "course_pack_agenda.html.j2",
                out / f"agenda_{n_days}.html",
                lang=lang,
                title=label(f"agenda_{n_days}", lang),
                days=_agenda_days(n_days, lang, has_worksheet=worksheets),
                labels={
                    k: label(k, lang) for k in ("time", "session", "kind", "module", "exercises", "materials", "min")
                },
            )
        for module in MODULES:
            entry["guides"][module] = _module_page(
                "guide",
                out,
                module,
                lang,
                parts=[(label(part, lang), _markdown(guide_text(module, part, lang))) for part in GUIDE_PARTS],
                links=[(t, f"../{h}") for t, h in _module_links(module, lang, worksheets) if "guides/" not in h],
            )
            ids = _exercise_ids(module)
            tasks = [_markdown(_task_markdown(i, lang)) for i in ids]
            if not ids:  # the workshops: their tasks are in the guide's catalogue section
                tasks = [_markdown(guide_text(module, "worksheet", lang))]
            entry["worksheets"][module] = _module_page(
                "worksheet",
                out,
                module,
                lang,
                tasks=tasks,
                name_line=label("name_line", lang),
                answer_label=label("answer_space", lang),
            )
        slides_dir = out / "slides"
        slides_dir.mkdir(exist_ok=True)
        copy_reveal(slides_dir)
        for module in MODULES:
            entry["slides"][module] = write_slides(
                module, slides_dir, lang, notebooks=folder, source=source, execute=execute
            )
        with _private_progress():
            key = [
                {
                    "module": module_title(m, lang),
                    "items": [
                        {"solution": _markdown(exercises.show_solution(i, lang, record=False).markdown)}
                        for i in _exercise_ids(m)
                    ],
                }
                for m in MODULES
                if _exercise_ids(m)
            ]
        entry["answer_key"] = _page(
            "course_pack_answers.html.j2",
            out / "answer_key.html",
            lang=lang,
            title=label("answer_key", lang),
            modules=key,
        )
        for name, trainer in (("case_booklet", False), ("case_booklet_trainer", True)):
            target = out / f"{name}.html"
            booklet = Path(case.write_booklet(data, target, lang, trainer=trainer, pdf=pdf))
            if booklet != target:
                shutil.move(booklet, target)
            entry[name] = target
            if pdf and target.with_suffix(".pdf").is_file():
                entry[f"{name}_pdf"] = target.with_suffix(".pdf")
        entry["roleplays"] = [Path(p) for p in case.write_roleplays(data, out / "roleplays", lang)]
        entry["notebooks"] = [
            Path(p) for p in trainee.write_trainee_notebooks(out / "notebooks", lang, source_folder=str(folder))
        ]
        entry["index"] = _page(
            "course_pack_index.html.j2",
            out / "index.html",
            lang=lang,
            title=label("pack_title", lang),
            intro=_markdown(label("intro", lang)),
            how_to=_markdown(label("how_to", lang)),
            modules=[{"title": module_title(m, lang), "links": _module_links(m, lang, worksheets)} for m in MODULES],
            parts=[
                (label("agenda_1day", lang), "agenda_1day.html"),
                (label("agenda_2day", lang), "agenda_2day.html"),
                (label("case_booklet", lang), "case_booklet.html"),
                *([(label("case_booklet_pdf", lang), "case_booklet.pdf")] if "case_booklet_pdf" in entry else []),
                (label("answer_key", lang), "answer_key.html"),
                (label("case_booklet_trainer", lang), "case_booklet_trainer.html"),
                *(
                    [(label("case_booklet_trainer_pdf", lang), "case_booklet_trainer.pdf")]
                    if "case_booklet_trainer_pdf" in entry
                    else []
                ),
                *[(_title_of(p), f"roleplays/{p.name}") for p in entry["roleplays"]],
                (label("notebooks", lang), "notebooks/"),
            ],
            labels={k: label(k, lang) for k in ("contents", "modules_heading", "how_to_heading")},
        )
        manifest[lang] = entry
    return manifest
