"""Writing report files that carry customer names: CSV/Excel-safe, HTML-safe and Markdown-safe.

Customer text (account, contact, KAM and competitor names, titles, action texts, complaint categories,
industries, cities, ids) is data, never markup:

* **CSV and Excel.** A name such as ``=HYPERLINK("http://x","click")`` or ``+49 ...`` would run as a formula
  when the file is opened in Excel; :func:`neutralise` prefixes such cells with an apostrophe (the OWASP
  advice for CSV injection). :func:`safe_frame` does that for a whole frame and rounds floats
  (:func:`round_frame`: money to cents, everything else to 4 decimals); :func:`write_csv` writes through it.
* **HTML.** :func:`html_escape` (``html.escape`` with quotes) for markup built by hand; pandas tables
  escape by default (``DataFrame.to_html``/``_repr_html_``); the reader tables of ``kamlib.present.overview``
  escape every cell too.
* **Markdown** that a notebook displays (``display(Markdown(...))``, e.g. the QBR one-pager of
  ``kamlib.review.qbr_summary``): nbconvert passes raw HTML inside Markdown through and turns ``[x](url)``
  and bare ``http://`` addresses into links, so every piece of customer text goes through
  :func:`md_escape`.
"""

from __future__ import annotations

import html
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would treat as a formula with an apostrophe.

    Examples
    --------
    >>> neutralise("=1+2"), neutralise("Müller GmbH"), neutralise(-5)
    ("'=1+2", 'Müller GmbH', -5)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def html_escape(value: object) -> str:
    """Customer text for HTML built by hand: ``&``, ``<``, ``>`` and both quotes escaped; ``None`` is empty.

    Examples
    --------
    >>> html_escape('<b>"Müller" & Söhne</b>')
    '&lt;b&gt;&quot;Müller&quot; &amp; Söhne&lt;/b&gt;'
    """
    return "" if value is None else html.escape(str(value), quote=True)


# backslash-escaped anywhere: emphasis, code, links/images/footnotes, tables, strikethrough, math
_MD_INLINE = frozenset("`*_[]|~$")
# HTML special characters as entities (raw HTML in Markdown is passed through), and the backslash: escaped as
# "\\" it would turn a customer's "\(x\)" into Jupyter's inline math "\\(x\\)" (shown as "$x$"); the ':' of
# '://' as an entity so that no 'http://...' becomes an automatic link
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "&#92;"}
# a heading, list item, rule or ordered list if it starts a line ("-5", "# 1", "1. x"; not "12.5")
_MD_BLOCK_START = re.compile(r"^(?:([#+\-=])|\d{1,9}([.)])(?=\s|$))")
_MD_SPACE = re.compile(r" {2,}")


def md_escape(value: object) -> str:
    r"""Customer text for Markdown: renders as exactly this text, never as markup, a link or a new block.

    HTML special characters and the backslash become entities (``<script>`` stays text, ``\(x\)`` is no math);
    Markdown syntax (emphasis, code, links, images, tables, strikethrough, ``$`` math) is backslash-escaped; the
    ``:`` of ``://`` becomes ``&#58;`` so that no address is turned into a link; line breaks and runs of spaces
    become one space, so the text can not start a heading, list or code block, and can go into a table cell or a
    heading.
    ``None`` is empty.

    Examples
    --------
    >>> md_escape("[click](http://evil.example)")
    '\\[click\\](http&#58;//evil.example)'
    >>> md_escape("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> md_escape("Müller & Söhne GmbH"), md_escape("- a\n# b")
    ('Müller &amp; Söhne GmbH', '\\- a # b')
    """
    if value is None:
        return ""
    text = "".join(" " if (c.isspace() and c not in "\xa0\u202f") else c for c in str(value))
    text = _MD_SPACE.sub(" ", text).strip()
    m = _MD_BLOCK_START.match(text)
    block = (m.start(1) if m.group(1) else m.start(2)) if m else -1
    out = []
    for i, c in enumerate(text):
        if c in _MD_ENTITIES:
            out.append(_MD_ENTITIES[c])
        elif c == ":" and text.startswith("//", i + 1):
            out.append("&#58;")
        elif c in _MD_INLINE or i == block:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


#: Float columns whose name says money are rounded to cents in extracts; all other floats to 4 decimals.
MONEY_DECIMALS, OTHER_DECIMALS = 2, 4
_MONEY_WORDS = frozenset(
    {
        "revenue",
        "margin",
        "clv",
        "cost",
        "value",
        "potential",
        "gap",
        "spend",
        "target",
        "discount",
        "cogs",
        "price",
        "profit",
        "eur",
    }
)
_RATIO_WORDS = frozenset(
    {
        "share",
        "ratio",
        "rate",
        "pct",
        "percent",
        "probability",
        "prob",
        "score",
        "attainment",
        "growth",
        "retention",
        "churn",
        "weight",
        "utilisation",
        "utilization",
        "index",
    }
)


def is_money_column(name: object) -> bool:
    """True when a column name says money: it ends in ``_eur``, starts with ``clv``, or names revenue,
    margin, cost, value, potential, gap, spend, target, discount, cogs or a DB (``db1``...``db4``), and is
    not a share, ratio, rate, probability, score, attainment, growth or retention (nor ``*_margin``, a
    margin as a share of revenue, nor ``p_*``). When in doubt a column is not money: 4 decimals lose no
    cent, 2 decimals would cut a ratio.

    Examples
    --------
    >>> [is_money_column(c) for c in ["gross_revenue_eur", "clv", "db4", "margin_now", "cost_to_serve"]]
    [True, True, True, True, True]
    >>> [is_money_column(c) for c in ["db1_margin", "revenue_share", "p_alive", "cts_ratio", "score", "days"]]
    [False, False, False, False, False, False]
    """
    n = str(name).lower()
    tokens = [t for t in re.split(r"[^a-z0-9]+", n) if t]
    if n.endswith("_eur") or (tokens and tokens[0] == "clv"):
        return True
    if n.endswith("_margin") or n.startswith("p_") or set(tokens) & _RATIO_WORDS:
        return False
    return bool(set(tokens) & _MONEY_WORDS) or any(re.fullmatch(r"db\d*", t) for t in tokens)


def round_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with float columns rounded: money (:func:`is_money_column`) to cents, the rest
    (shares, ratios, probabilities, scores) to 4 decimals, so that extracts show ``75368.29``, not
    ``75368.29000000001``. Integer, text and date columns are left alone; a float index is rounded too.

    Examples
    --------
    >>> round_frame(pd.DataFrame({"revenue_eur": [75368.29000000001], "share": [0.123456]})).to_dict("records")
    [{'revenue_eur': 75368.29, 'share': 0.1235}]
    """
    out = df.copy()
    for i, col in enumerate(out.columns):
        s = out.iloc[:, i]
        # isetitem takes a Series (pandas documents "scalar or arraylike" and tests a Series);
        # pandas-stubs only lists scalars, arrays and lists
        if pd.api.types.is_float_dtype(s.dtype):
            out.isetitem(i, s.round(MONEY_DECIMALS if is_money_column(col) else OTHER_DECIMALS))  # type: ignore[arg-type]
        elif s.dtype == object:  # mixed columns (e.g. a transposed table): round the float cells only
            digits = MONEY_DECIMALS if is_money_column(col) else OTHER_DECIMALS
            rounded = s.map(
                lambda v, digits=digits: (
                    round(float(v), digits) if isinstance(v, (float, np.floating)) and np.isfinite(v) else v
                )
            )
            out.isetitem(i, rounded)  # type: ignore[arg-type]  # a Series, see above
    if pd.api.types.is_float_dtype(out.index.dtype) and not isinstance(out.index, pd.MultiIndex):
        out.index = out.index.round(OTHER_DECIMALS)  # type: ignore[attr-defined]  # Index.round exists; missing from pandas-stubs
    return out


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and index) are neutralised and float columns rounded
    (:func:`round_frame`); numbers stay numbers."""
    out = round_frame(df)
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = out.index.map(neutralise)
    return out


def excel_text_cells(worksheet) -> int:
    """Store every formula-looking text cell of an openpyxl ``worksheet`` as text; returns how many.

    openpyxl (and ``DataFrame.to_excel``) writes a string that starts with ``=`` as a formula, which Excel
    runs. For files that must keep the values as they are (a data export that is loaded back), the cell is
    typed as text instead of prefixed: Excel shows ``=HYPERLINK(...)`` literally and reading it back gives
    the same string. Report files use :func:`safe_frame` instead.
    """
    n = 0
    for row in worksheet.iter_rows():
        for cell in row:
            if cell.data_type == "f" and isinstance(cell.value, str):
                cell.data_type = "s"
                n += 1
    return n


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary file next to ``path`` to write into; when the block ends without error it replaces ``path``
    in one step (a reader never sees half a file), on error it is removed and ``path`` stays as it was.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('done', ['a.txt'])
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        yield tmp
        os.replace(tmp, p)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through :func:`atomic_path`."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_csv(df: pd.DataFrame, path: str | Path, *, overwrite: bool = False, **kwargs) -> Path:
    """Write a report CSV (UTF-8 with BOM so Excel shows umlauts), neutralised and atomically; refuses to
    overwrite unless asked."""
    p = Path(path)
    if p.exists() and not overwrite:
        raise FileExistsError(f"{p} exists; not overwriting")
    with atomic_path(p) as tmp:
        safe_frame(df).to_csv(tmp, encoding="utf-8-sig", **kwargs)
    return p
