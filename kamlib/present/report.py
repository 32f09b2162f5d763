"""Reports in the run's language: what of an executed notebook goes into its HTML/PDF report.

Notebook prose exists in both languages at the source: every Markdown cell is a pair, the English cell
tagged ``lang-en`` and the German one after it tagged ``lang-de`` (:func:`bilingual_problems` checks the
pairs). Code cells produce their output in the run's ``lang`` themselves (kamlib renders every label,
sentence and number from :mod:`kamlib.i18n`), so nothing is translated here. :func:`report_notebook` only
chooses:

* the Markdown cells of the report's language (cells without a language tag are shown in both);
* no exercises: cells tagged ``exercise``/``exercises``/``solution``/``solutions`` and everything under a
  heading "Exercises" (or "Exercise …", "Übungen") down to the next heading of the same or a higher level.

Examples
--------
>>> import nbformat
>>> md = nbformat.v4.new_markdown_cell
>>> nb = nbformat.v4.new_notebook(cells=[
...     md("## 4 · KAM workload", metadata={"tags": ["lang-en"]}),
...     md("## 4 · Auslastung der KAMs", metadata={"tags": ["lang-de"]}),
...     nbformat.v4.new_code_cell("print(1)"),
...     md("## Exercises", metadata={"tags": ["lang-en"]}), md("## Übungen", metadata={"tags": ["lang-de"]}),
...     nbformat.v4.new_code_cell("# your answer"),
... ])
>>> [c.source for c in report_notebook(nb, "de").cells]
['## 4 · Auslastung der KAMs', 'print(1)']
>>> len(report_notebook(nb, "en", exercises=True).cells)
4
"""

from __future__ import annotations

import copy
import re

from kamlib import i18n

EXERCISE_TAGS = frozenset({"exercise", "exercises", "solution", "solutions"})
LANG_TAGS = {lang: f"lang-{lang}" for lang in i18n.LANGS}
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


def is_exercise_heading(text: str) -> bool:
    """True for 'Exercises', 'Exercise 2: …', '7 · Exercises', 'Übungen'."""
    return bool(_EXERCISE.match(split_heading(text)[1]))


def cell_lang(cell) -> str | None:
    """The language a cell is written in ("en", "de"), from its ``lang-…`` tag; None for both."""
    tags = cell.get("metadata", {}).get("tags", [])
    found = [lang for lang, tag in LANG_TAGS.items() if tag in tags]
    return found[0] if len(found) == 1 else None


def bilingual_problems(nb) -> list[str]:
    """What keeps ``nb``'s prose from being bilingual at the source: a Markdown cell without a language tag,
    an English cell not followed by its German cell, or a pair whose headings differ in level or number.

    Examples
    --------
    >>> import nbformat
    >>> md = nbformat.v4.new_markdown_cell
    >>> bilingual_problems(nbformat.v4.new_notebook(cells=[md("## 1 · Data", metadata={"tags": ["lang-en"]})]))
    ['cell 0 (lang-en) has no German cell after it: ## 1 · Data']
    """
    problems = []
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        lang = cell_lang(cell)
        first = (cell.source.strip().splitlines() or [""])[0][:60]
        if lang is None:
            problems.append(f"cell {i} has no language tag (lang-en or lang-de): {first}")
        elif lang == "en":
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            if nxt is None or nxt.cell_type != "markdown" or cell_lang(nxt) != "de":
                problems.append(f"cell {i} (lang-en) has no German cell after it: {first}")
            elif _outline(cell.source) != _outline(nxt.source):
                problems.append(
                    f"cell {i}: English and German headings differ: {_outline(cell.source)} vs {_outline(nxt.source)}"
                )
        elif lang == "de":
            prev = cells[i - 1] if i > 0 else None
            if prev is None or prev.cell_type != "markdown" or cell_lang(prev) != "en":
                problems.append(f"cell {i} (lang-de) has no English cell before it: {first}")
    return problems


def _outline(source: str) -> list[tuple[int, str]]:
    """Heading levels and number prefixes of a Markdown text (what the two languages must share)."""
    out = []
    for line in source.splitlines():
        m = _HEADING.match(line)
        if m:
            out.append((len(m.group(1)), split_heading(m.group(2))[0].strip()))
    return out


def notebook_headings(nb, *, include_exercises: bool = False) -> list[tuple[int, str]]:
    """(level, text) of every markdown heading of ``nb``; headings inside exercise sections are left out
    unless ``include_exercises`` (the section heading itself is kept)."""
    out = []
    for _cell, lines in _markdown_lines(nb):
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
            yield (
                cell,
                [(*_heading_of(line), False) for line in cell.source.splitlines()]
                if cell.cell_type == "markdown"
                else [(0, None, False)],
            )
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
    """The notebook a report of ``lang`` shows: the Markdown cells of ``lang`` (and untagged cells), exercises
    removed (kept with ``exercises=True``, as for ``kam run --with-exercises``). Outputs stay as the kernel
    wrote them, in the run's language. ``nb`` is not changed; a new notebook node is returned."""
    i18n.check_lang(lang)
    out = copy.deepcopy(nb)
    chosen = [c for c in out.cells if cell_lang(c) in (None, lang)]
    out.cells = chosen
    cells = []
    for cell, lines in _markdown_lines(out, exercises=exercises):
        if cell.cell_type != "markdown":
            if not lines[0][2]:
                cells.append(cell)
            continue
        kept = [line for (_, _, ex), line in zip(lines, cell.source.splitlines()) if not ex]
        if kept:
            cell.source = "\n".join(kept)
            cells.append(cell)
    out.cells = cells
    out.metadata["language"] = lang
    return out
