"""Reports in the run's language: what of an executed notebook goes into its HTML/PDF report.

Notebook narrative is written once, in English. A report is for readers of ``lang``, so
:func:`report_notebook` turns the executed notebook into the report's notebook:

* **Both languages:** exercises are left out: cells tagged ``exercise``/``exercises``/``solution``/
  ``solutions`` and everything under a heading "Exercises" (or "Exercise …", "Übungen") down to the next
  heading of the same or a higher level.
* **English:** nothing else changes.
* **German:** markdown keeps only its headings, translated with :data:`kamlib.i18n.HEADINGS` (the number
  prefix "2 · " stays); English prose paragraphs are dropped, and so is a heading left with no output
  beneath it. Generated outputs are localised: table headers, index names and code values through the
  label registry (:func:`kamlib.i18n.localise_text`), English number and date formats in tables as
  1.234,56 and 31.12.2025, and printed lines through :data:`kamlib.i18n.SENTENCES`.

The run's ``index.html`` and the report footer are written in ``lang`` directly by :mod:`kamlib.runner`
from the labels in :data:`kamlib.i18n.INDEX`.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[
...     nbformat.v4.new_markdown_cell("## 4 · KAM workload\\n\\nWhy workload matters ..."),
...     nbformat.v4.new_code_cell("print(1)",
...                               outputs=[nbformat.v4.new_output("stream", text="CSV extracts written\\n")]),
...     nbformat.v4.new_markdown_cell("## Exercises\\n\\n1. Change the weights."),
...     nbformat.v4.new_code_cell("# your answer"),
... ])
>>> de = report_notebook(nb, "de")
>>> [c.source for c in de.cells if c.cell_type == "markdown"], de.cells[1].outputs[0].text
(['## 4 · Auslastung der KAMs'], 'CSV-Auszüge geschrieben\\n')
>>> len(report_notebook(nb, "en").cells)
2
"""

from __future__ import annotations

import copy
import html
import re

from . import i18n

EXERCISE_TAGS = frozenset({"exercise", "exercises", "solution", "solutions"})
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_PREFIX = re.compile(r"^((?:\d+|[A-Z])\s*·\s*)(.*)$")
_EXERCISE = re.compile(r"^(exercises?|übungen?)\b", re.I)


def split_heading(text: str) -> tuple[str, str]:
    """('2 · ', 'Plan against actual') from '2 · Plan against actual'; ('', text) without a number.

    Examples
    --------
    >>> split_heading("00 · Start here: x"), split_heading("Key points")
    (('00 · ', 'Start here: x'), ('', 'Key points'))
    """
    m = _PREFIX.match(text.strip())
    return (m.group(1), m.group(2).strip()) if m else ("", text.strip())


def heading(text: str, lang: str = "en") -> str:
    """The heading ``text`` (without '#') in ``lang``; an unknown heading stays as it is.

    Examples
    --------
    >>> heading("2 · Plan against actual", "de"), heading("2 · Plan against actual", "en")
    ('2 · Plan gegen Ist', '2 · Plan against actual')
    """
    if i18n.check_lang(lang) == "en":
        return text
    prefix, rest = split_heading(text)
    pair = i18n.HEADINGS.get(rest)
    return prefix + (i18n.pick(pair, lang) if pair else rest)


def is_exercise_heading(text: str) -> bool:
    """True for 'Exercises', 'Exercise 2: …', '7 · Exercises', 'Übungen'."""
    return bool(_EXERCISE.match(split_heading(text)[1]))


def notebook_headings(nb, *, include_exercises: bool = False) -> list[tuple[int, str]]:
    """(level, text) of every markdown heading of ``nb``; headings inside exercise sections are left out
    unless ``include_exercises`` (the section heading itself is kept)."""
    out = []
    for cell, lines in _markdown_lines(nb):
        for level, text, in_exercise in lines:
            if text is not None and (include_exercises or not in_exercise or is_exercise_heading(text)):
                out.append((level, text))
    return out


def _markdown_lines(nb, *, exercises: bool = False):
    """Per markdown cell: (level or 0, heading text or None, inside an exercise section) per line; with
    ``exercises`` nothing counts as inside an exercise section."""
    exercise_level = None
    for cell in nb.cells:
        if exercises:
            yield cell, [(*_heading_of(line), False) for line in cell.source.splitlines()] \
                if cell.cell_type == "markdown" else [(0, None, False)]
            continue
        tagged = bool(EXERCISE_TAGS & set(cell.get("metadata", {}).get("tags", [])))
        if cell.cell_type != "markdown":
            yield cell, [(0, None, tagged or exercise_level is not None)]
            continue
        lines = []
        fenced = False
        for line in cell.source.splitlines():
            if line.lstrip().startswith("```"):
                fenced = not fenced
            m = None if fenced else _HEADING.match(line)
            if m:
                level, text = len(m.group(1)), m.group(2)
                if is_exercise_heading(text):
                    if exercise_level is None or level <= exercise_level:
                        exercise_level = level
                elif exercise_level is not None and level <= exercise_level:
                    exercise_level = None
                lines.append((level, text, tagged or exercise_level is not None))
            else:
                lines.append((0, None, tagged or exercise_level is not None))
        yield cell, lines


def _heading_of(line: str) -> tuple[int, str | None]:
    m = _HEADING.match(line)
    return (len(m.group(1)), m.group(2)) if m else (0, None)


def report_notebook(nb, lang: str = "en", *, exercises: bool = False):
    """The notebook a report of ``lang`` shows: exercises removed (kept with ``exercises=True``, as for
    ``kam run --with-exercises``); for German, headings translated, prose dropped and outputs localised.
    ``nb`` is not changed; a new notebook node is returned."""
    i18n.check_lang(lang)
    out = copy.deepcopy(nb)
    cells = []
    for cell, lines in _markdown_lines(out, exercises=exercises):
        if cell.cell_type != "markdown":
            if not lines[0][2]:
                if lang == "de" and cell.cell_type == "code":
                    cell.outputs = [localise_output(o, lang) for o in cell.get("outputs", [])]
                cells.append(cell)
            continue
        kept = [(lvl, text, line) for (lvl, text, ex), line in zip(lines, cell.source.splitlines()) if not ex]
        if not kept:
            continue
        if lang == "en":
            cell.source = "\n".join(line for _, _, line in kept)
            cells.append(cell)
            continue
        for lvl, text, _ in kept:  # German: one markdown cell per heading, prose dropped
            if text is not None:
                new = copy.deepcopy(cell)
                new.source = "#" * lvl + " " + heading(text, lang)
                new.metadata["kam_heading_level"] = lvl
                cells.append(new)
    if lang == "de":
        cells = _drop_empty_headings(cells)
        for c in cells:
            c.metadata.pop("kam_heading_level", None)
    out.cells = cells
    out.metadata["language"] = lang
    return out


def _has_output(cell) -> bool:
    return cell.cell_type == "code" and any(o.get("output_type") != "stream" or o.get("text", "").strip()
                                            for o in cell.get("outputs", []))


def _drop_empty_headings(cells):
    keep = []
    for i, c in enumerate(cells):
        level = c.metadata.get("kam_heading_level") if c.cell_type == "markdown" else None
        if level is None or level == 1:
            keep.append(c)
            continue
        for later in cells[i + 1:]:
            lv = later.metadata.get("kam_heading_level") if later.cell_type == "markdown" else None
            if lv is not None and lv <= level:
                break
            if _has_output(later):
                keep.append(c)
                break
    return keep


# --------------------------------------------------------------------------- outputs

_CELL = re.compile(r"(<t([hd])\b[^>]*>)(.*?)(</t\2>)", re.S)
_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_GERMAN_NUMBER = re.compile(r"\d,\d{1,2}(?!\d)|\d\.\d{3}\.\d{3}|\u00a0%|^–$")


def localise_table_html(text: str, lang: str = "en") -> str:
    """Headers, index names and code values of the HTML tables in ``text`` in ``lang``; English number and
    date formats in German style, unless the table is already German (e.g. from ``profile.present``).

    Examples
    --------
    >>> print(localise_table_html('<table><tr><th>revenue_12m</th><th>type</th></tr>'
    ...                           '<tr><td>1,234.50</td><td>existing</td></tr></table>', "de"))
    <table><tr><th>Umsatz, letzte 12 Monate (EUR)</th><th>Typ</th></tr><tr><td>1.234,50</td><td>bestehend</td></tr></table>
    """
    if i18n.check_lang(lang) == "en":
        return text

    def table(m: re.Match) -> str:
        body = m.group(0)
        german = any(_GERMAN_NUMBER.search(html.unescape(c.group(3)).strip()) for c in _CELL.finditer(body)
                     if c.group(2) == "d")

        def cell(c: re.Match) -> str:
            inner = c.group(3)
            if "<" in inner:  # nested markup (e.g. a link): leave it
                return c.group(0)
            raw = html.unescape(inner)
            core = raw.strip()
            if c.group(2) == "h":
                new = i18n.code_label(core, lang) if core else None
                if new is None:
                    new = i18n.localise_text(core, lang) if not german else _localise_words(core, lang)
            else:
                new = i18n.localise_text(core, lang) if not german else _localise_words(core, lang)
            return c.group(1) + html.escape(new, quote=False) + c.group(4) if new != core else c.group(0)

        return _CELL.sub(cell, body)

    return _TABLE.sub(table, text)


def _localise_words(core: str, lang: str) -> str:
    """Codes and sentences only: numbers of an already German table stay as they are."""
    for table in (i18n.VALUES, i18n.QUADRANT_LABELS):
        if core in table:
            return i18n.pick(table[core], lang)
    label = i18n.code_label(core, lang) if "_" in core else None
    return label or i18n.translate_sentence(core, lang) or core


_CODE_LINE = re.compile(r"^([a-z][a-z0-9_]*)(\s{2,}.*|)$")
_PANDAS_FOOTER = re.compile(r"^(Name: .*, )?dtype: \w+$")


def localise_lines(text: str, lang: str = "en") -> str:
    """Printed lines in ``lang``: known sentences translated, a leading code (as in a printed Series)
    replaced by its label, numbers in German style; other lines unchanged.

    Examples
    --------
    >>> localise_lines("Borderline accounts: 5; stable selections: 20\\nbase_revenue   720.056,49\\n", "de")
    'Grenzfälle: 5; stabil ausgewählt: 20\\nBasisumsatz   720.056,49\\n'
    """
    if i18n.check_lang(lang) == "en":
        return text
    out = []
    for line in text.split("\n"):
        if _PANDAS_FOOTER.match(line.strip()):
            continue
        sentence = i18n.translate_sentence(line, lang) if line.strip() else None
        if sentence is not None:
            out.append(sentence)
            continue
        m = _CODE_LINE.match(line)
        if m:
            label = i18n.code_label(m.group(1), lang) or i18n.localise_text(m.group(1), lang)
            if label != m.group(1):
                line = label + m.group(2)
        out.append(line)
    return "\n".join(out)


def localise_output(output, lang: str = "en"):
    """One cell output in ``lang`` (tables, printed lines, plain-text Series); images are left alone."""
    if i18n.check_lang(lang) == "en":
        return output
    kind = output.get("output_type")
    if kind == "stream":
        output["text"] = localise_lines(output.get("text", ""), lang)
    elif kind in ("display_data", "execute_result"):
        data = output.get("data", {})
        if "text/html" in data:
            data["text/html"] = localise_table_html(data["text/html"], lang)
        elif "text/plain" in data and "image/png" not in data and not data["text/plain"].startswith("<"):
            data["text/plain"] = localise_lines(data["text/plain"], lang)
    return output
