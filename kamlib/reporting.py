"""Writing report files that carry customer names: CSV/Excel-safe and HTML-safe.

A customer name such as ``=HYPERLINK("http://x","click")`` or ``+49 ...`` would run as a formula when a
CSV is opened in Excel; :func:`neutralise` prefixes such cells with an apostrophe (the OWASP advice for
CSV injection). HTML output goes through pandas' escaping (``to_html(escape=True)``) or
:func:`html.escape`.
"""

from __future__ import annotations

from pathlib import Path

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


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and index) are neutralised; numbers stay numbers."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = out.index.map(neutralise)
    return out


def write_csv(df: pd.DataFrame, path: str | Path, *, overwrite: bool = False, **kwargs) -> Path:
    """Write a report CSV (UTF-8 with BOM so Excel shows umlauts), neutralised; refuses to overwrite."""
    p = Path(path)
    if p.exists() and not overwrite:
        raise FileExistsError(f"{p} exists; not overwriting")
    p.parent.mkdir(parents=True, exist_ok=True)
    safe_frame(df).to_csv(p, encoding="utf-8-sig", **kwargs)
    return p
