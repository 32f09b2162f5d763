"""One table style for every report: how a table of text (the views of :mod:`kamlib.review`,
:mod:`kamlib.value`, :mod:`kamlib.clv`, :mod:`kamlib.present.overview`) becomes HTML.

* every table has the class ``kam-table`` and, where its view names one, a ``<caption>``;
* every cell is escaped; a missing value (None, NaN, NaT, ``nan``) is shown as '–' and the table gets a
  footnote saying what '–' means, in the run's language;
* health bands (red, amber, green) are coloured badges whose text keeps a WCAG AA contrast of at least 4.5:1
  (:data:`BADGES`, checked by the tests);
* a pandas Series is shown as a two-column table, never as its repr (no ``Name: ..., dtype: ...``).

Notebooks call :func:`install` once: from then on IPython shows every DataFrame and Series this way.
A view attaches its caption with :func:`captioned` (kept in ``DataFrame.attrs``).

Examples
--------
>>> import pandas as pd
>>> df = captioned(pd.DataFrame({"Band": ["amber"], "Score": [float("nan")]}), "Health", badges=("Band",))
>>> html = to_html(df, lang="en")
>>> "<caption>Health</caption>" in html, "–" in html, 'class="kam-badge kam-badge-amber"' in html
(True, True, True)
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable

import pandas as pd

from kamlib import i18n

_TEXT = i18n.table("tables.text")

#: Badge colours (background, text) per band: white text on dark fills, contrast >= 4.5:1 (WCAG AA).
BADGES = {
    "green": {"background": "#1a7f37", "text": "#ffffff"},
    "amber": {"background": "#8a4600", "text": "#ffffff"},
    "red": {"background": "#b42318", "text": "#ffffff"},
    "n/a": {"background": "#5f6368", "text": "#ffffff"},
}

#: The shown words of each band in both languages -> band code (a view shows the band in ``lang``).
_BAND_WORDS: dict[str, str] = {}


def _band_words() -> dict[str, str]:
    if not _BAND_WORDS:
        for code in BADGES:
            _BAND_WORDS[code] = code
            for lang in i18n.LANGS:
                found = i18n.code_label(code, lang)
                if found:
                    _BAND_WORDS[found] = code
    return _BAND_WORDS


def text(key: str, lang: str = "en") -> str:
    """A sentence of ``tables.text`` in ``lang``."""
    return i18n.pick(_TEXT[key], lang)


def captioned(
    frame: pd.DataFrame, caption: str, *, badges: Iterable[str] = (), lang: str | None = None
) -> pd.DataFrame:
    """``frame`` with its caption (and the columns whose cells are bands, shown as badges) attached for
    :func:`to_html`; the frame itself is not copied."""
    frame.attrs["caption"] = caption
    frame.attrs["badges"] = tuple(badges)
    if lang is not None:
        frame.attrs["lang"] = lang
    return frame


def badge(value: object) -> str:
    """A band as an HTML badge; any other text escaped as it is.

    >>> badge("red")
    '<span class="kam-badge kam-badge-red" style="background:#b42318;color:#ffffff;padding:0 .4em;border-radius:.3em">red</span>'
    """
    shown = str(value)
    code = _band_words().get(shown.strip())
    if code is None:
        return _html.escape(shown)
    bg, fg = BADGES[code]["background"], BADGES[code]["text"]
    css = code.replace("/", "")
    return (
        f'<span class="kam-badge kam-badge-{css}" style="background:{bg};color:{fg};padding:0 .4em;'
        f'border-radius:.3em">{_html.escape(shown)}</span>'
    )


def _missing(v: object) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("nan", "none", "nat", "<na>", "")
    return i18n.missing(v)


def _cell(v: object, lang: str) -> str:
    if _missing(v):
        return "–"
    if isinstance(v, float):
        return i18n.cell(v, lang, "number", 0 if abs(v) >= 1000 else 2)
    if isinstance(v, (int, pd.Timestamp)) and not isinstance(v, bool):
        return i18n.cell(v, lang)
    if isinstance(v, bool):
        return i18n.t("yes" if v else "no", lang)
    return str(v)


def contrast(fg: str, bg: str) -> float:
    """The WCAG contrast ratio of two colours '#rrggbb'.

    >>> round(contrast("#ffffff", "#000000"), 1), round(contrast("#ffffff", "#f39c12"), 2)
    (21.0, 2.19)
    """

    def lum(c: str) -> float:
        rgb = [int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((lum(fg), lum(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def to_html(frame: pd.DataFrame | pd.Series, *, lang: str | None = None, caption: str | None = None) -> str:
    """``frame`` in the one table style: class ``kam-table``, the caption, escaped cells, '–' for missing
    values with a footnote, bands as badges. A Series becomes a table of its index and values."""
    if isinstance(frame, pd.Series):
        name = frame.name
        attrs = dict(frame.attrs)
        frame = frame.to_frame("" if name is None else str(name))
        frame.attrs.update(attrs)
    lang = lang or frame.attrs.get("lang") or "en"
    caption = caption if caption is not None else frame.attrs.get("caption")
    badges = set(frame.attrs.get("badges", ()))
    show_index = not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None
    dash = False

    def cell(v: object, column: object) -> str:
        nonlocal dash
        shown = _cell(v, lang)
        if shown.strip() == "–":
            dash = True
        if column in badges or str(column) in badges:
            return badge(shown)
        return _html.escape(shown)

    head = []
    columns = list(frame.columns)
    if show_index:
        head.append(f"<th>{_html.escape(str(frame.index.name or ''))}</th>")
    head += [f'<th scope="col">{_html.escape(_header(c))}</th>' for c in columns]
    rows = []
    for idx, row in zip(frame.index, frame.itertuples(index=False, name=None)):
        row_head = badge(_header(idx)) if "__index__" in badges else _html.escape(_header(idx))
        cells = [f'<th scope="row">{row_head}</th>'] if show_index else []
        cells += [f"<td>{cell(v, c)}</td>" for v, c in zip(row, columns)]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    parts = ['<table class="kam-table dataframe">']
    if caption:
        parts.append(f"<caption>{_html.escape(str(caption))}</caption>")
    parts.append("<thead><tr>" + "".join(head) + "</tr></thead>")
    parts.append("<tbody>" + "".join(rows) + "</tbody>")
    if dash:
        span = len(columns) + (1 if show_index else 0)
        parts.append(
            f'<tfoot><tr><td class="kam-note" colspan="{span}">– {_html.escape(text("missing_note", lang))}</td></tr></tfoot>'
        )
    parts.append("</table>")
    return "".join(parts)


def _header(code: object) -> str:
    """A header as a reader reads it: a code still in snake_case becomes words ('share_bad' -> 'Share bad')."""
    if isinstance(code, tuple):
        return " / ".join(_header(c) for c in code if str(c))
    s = str(code)
    if "_" in s and " " not in s and s.replace("_", "").isalnum() and not s.isupper():
        words = s.replace("_", " ")
        return words[:1].upper() + words[1:]
    return s


def install(lang: str = "en") -> None:
    """Show every DataFrame and Series of this IPython session in the one table style (:func:`to_html`), with
    ``lang``'s numbers and notes; outside IPython nothing happens."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    ip = get_ipython()
    if ip is None:
        return
    formatter = ip.display_formatter.formatters["text/html"]
    formatter.for_type(pd.DataFrame, lambda f: to_html(f, lang=lang))
    formatter.for_type(pd.Series, lambda s: to_html(s, lang=lang))
    plain = ip.display_formatter.formatters["text/plain"]
    plain.for_type(pd.Series, lambda s, p, cycle: p.text(s.to_frame().to_string()))


def caption(key: str, lang: str = "en", **values: object) -> str:
    """The caption ``key`` of the catalogue (``tables.captions``) in ``lang``, filled with ``values``.

    >>> caption("basics", "de")
    'Stammdaten des Kunden'
    """
    return i18n.pick(i18n.table("tables.captions")[key], lang).format(**values)


def with_caption(frame: pd.DataFrame, key: str, lang: str = "en", **values: object) -> pd.DataFrame:
    """``frame`` (a view of text) with the caption ``key`` of the catalogue, shown by :func:`to_html`."""
    return captioned(frame, caption(key, lang, **values), lang=lang)
