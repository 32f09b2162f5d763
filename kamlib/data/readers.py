"""Loading and validating KAM data: ``kamlib.load(source) -> KamData``.

A source is one of

* a folder of CSV and/or Parquet files, one file per table (``accounts.csv``, ``orders.parquet``, ...);
* an Excel workbook (``.xlsx``) with one sheet per table;
* a database URL that SQLAlchemy understands (``sqlite:///kam.db``, ``postgresql://...``), one table
  per KAM table. Only ``SELECT`` statements are issued.

CSV files may be written the way German Excel writes them: ``;`` separator, decimal comma with ``.``
as thousands separator (``1.234,56``), dates ``31.12.2024``, Windows-1252 or UTF-8 with BOM. The
dialect is detected per file.

Every problem found is collected and raised once as :class:`kamlib.KamDataError`, each finding naming
file (or sheet/table), row as the user sees it, column and what is wrong. Nothing is ever written to
the source.

Examples
--------
>>> import kamlib
>>> data = kamlib.load("data/sample", as_of="2025-12-31")
>>> data.accounts.shape[0] > 100
True
>>> "orders" in data.available
True
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from kamlib.data import schemas
from kamlib.errors import Finding, KamDataError, KamDataWarning

_MISSING_TOKENS = {"", "nan", "nat", "none", "null", "na", "n/a", "#n/v", "#n/a", "-"}


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class KamData:
    """Validated KAM data: one DataFrame per table of the data model.

    Optional tables that the source does not contain are empty DataFrames with the right
    columns; :attr:`available` lists the tables the source did contain, so a notebook can say
    what it cannot show instead of failing.
    """

    accounts: pd.DataFrame
    orders: pd.DataFrame
    kams: pd.DataFrame
    products: pd.DataFrame
    service_costs: pd.DataFrame
    interactions: pd.DataFrame
    complaints: pd.DataFrame
    contacts: pd.DataFrame
    wallet: pd.DataFrame
    competitors: pd.DataFrame
    targets: pd.DataFrame
    actions: pd.DataFrame
    ratings: pd.DataFrame
    key_account_decisions: pd.DataFrame = field(default_factory=lambda: schemas.empty_frame("key_account_decisions"))
    account_plans: pd.DataFrame = field(default_factory=lambda: schemas.empty_frame("account_plans"))
    source: str = ""
    as_of: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.today().normalize())
    available: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def has(self, table: str) -> bool:
        """True when the source contained ``table`` with at least one row."""
        return table in self.available and len(getattr(self, table)) > 0

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name, in the order of the data model."""
        return {name: getattr(self, name) for name in schemas.TABLES}

    def summary(self) -> pd.DataFrame:
        """One row per table: rows, columns, whether the source had it."""
        rows = []
        for name, df in self.tables().items():
            rows.append(
                {
                    "table": name,
                    "required": schemas.TABLES[name].required,
                    "present": name in self.available,
                    "rows": len(df),
                    "columns": df.shape[1],
                }
            )
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}={len(getattr(self, n))}" for n in self.available)
        return f"KamData(source={self.source!r}, as_of={self.as_of.date()}, {parts})"


# --------------------------------------------------------------------------- raw tables


@dataclass
class _Raw:
    table: str
    label: str  # "orders.csv", "book.xlsx, sheet orders", "table orders"
    frame: pd.DataFrame  # index = row number as the user sees it
    decimal: str = "."  # decimal mark of the text cells in this table


def _norm_name(name: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lstrip("\ufeff").strip().lower())


def _decode(raw: bytes, label: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if b"\x00" in raw:
        raise _FileProblem(
            label, "cannot be read as text (binary data or UTF-16 without byte-order mark); save it as CSV UTF-8"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _FileProblem(
            label,
            f"unreadable encoding: byte 0x{raw[exc.start]:02x} is neither UTF-8 nor Windows-1252 text; "
            "save the file as 'CSV UTF-8'",
            row=raw[: exc.start].count(b"\n") + 1,
        ) from None


class _FileProblem(Exception):
    def __init__(self, label: str, message: str, row: int | None = None):
        super().__init__(message)
        self.finding = Finding(label, row, None, message)


def _detect_sep(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path) -> _Raw:
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)  # "Length of header or names does not match"
        return _read_csv_inner(path)


def _read_csv_inner(path: Path) -> _Raw:
    label = path.name
    raw = path.read_bytes()
    text = _decode(raw, label)
    if not text.strip():
        raise _FileProblem(label, "the file is empty")
    header = text.lstrip("\ufeff").splitlines()[0]
    sep = _detect_sep(header)
    names = next(csv.reader([header], delimiter=sep))
    normalised = [_norm_name(n) for n in names]
    dupes = sorted({n for n in normalised if normalised.count(n) > 1 and n})
    if dupes:
        raise _FileProblem(
            label, f"the header names column {', '.join(map(repr, dupes))} more than once; keep one", row=1
        )
    try:
        df = pd.read_csv(
            io.StringIO(text.lstrip("\ufeff")),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            index_col=False,  # a row with an extra field is an error, never a silent shift of columns
        )
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        m = re.search(r"line (\d+)", str(exc))
        row = int(m.group(1)) if m else None
        raise _FileProblem(
            label, f"wrong number of fields (the file uses the separator {sep!r}; check it and the quotes)", row=row
        ) from None
    df.index = pd.RangeIndex(2, len(df) + 2)
    return _Raw(path.stem.lower(), label, df, _detect_decimal(df, sep))


def _detect_decimal(df: pd.DataFrame, sep: str) -> str:
    """Decimal mark of a text table: ',' when values like '1.234,56' or '12,5' outnumber '12.5'."""
    comma = point = 0
    for col in df.columns:
        s = df[col].dropna()
        if _kind(s) not in ("string", "mixed"):
            continue
        s = s.head(5000).astype("str").str.strip()
        s = s[s.str.fullmatch(r"[+-]?[\d.,]*\d").fillna(False).astype(bool)]
        if s.empty:
            continue
        comma += int(
            s.str.fullmatch(r"[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+").sum() - s.str.fullmatch(r"[+-]?\d{1,3},\d{3}").sum()
        )
        point += int(
            s.str.fullmatch(r"[+-]?(\d{1,3}(,\d{3})+|\d+)\.\d+").sum() - s.str.fullmatch(r"[+-]?\d{1,3}\.\d{3}").sum()
        )
    if comma != point:
        return "," if comma > point else "."
    return "," if sep == ";" else "."


def _read_parquet(path: Path) -> _Raw:
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for broken files
        raise _FileProblem(path.name, f"cannot be read as Parquet ({exc.__class__.__name__})") from None
    df = df.reset_index(drop=True)
    df.index = pd.RangeIndex(1, len(df) + 1)
    return _Raw(path.stem.lower(), path.name, df)


def _read_folder(folder: Path, problems: list[Finding], notes: list[str], seen: set[str]) -> dict[str, _Raw]:
    out: dict[str, _Raw] = {}
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".parquet", ".txt"))
    for path in files:
        table = _norm_name(path.stem)
        if table not in schemas.TABLES:
            notes.append(f"{path.name}: not a table of the data model, ignored (tables: {', '.join(schemas.TABLES)})")
            continue
        seen.add(table)
        if table in out:
            problems.append(
                Finding(path.name, None, None, f"a second file for table {table} (also {out[table].label}); keep one")
            )
            continue
        try:
            raw = _read_parquet(path) if path.suffix.lower() == ".parquet" else _read_csv(path)
        except _FileProblem as exc:
            if exc.finding.message == "the file is empty" and not schemas.TABLES[table].required:
                notes.append(f"{path.name}: the file is empty; the optional table {table} is treated as absent")
                seen.discard(table)
                continue
            problems.append(exc.finding)
            continue
        raw.table = table
        out[table] = raw
    return out


def _read_excel(path: Path, problems: list[Finding], notes: list[str], seen: set[str]) -> dict[str, _Raw]:
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
    except Exception as exc:
        problems.append(
            Finding(path.name, None, None, f"cannot be read as an Excel workbook ({exc.__class__.__name__}: {exc})")
        )
        return {}
    out: dict[str, _Raw] = {}
    for sheet, df in sheets.items():
        table = _norm_name(sheet)
        label = f"{path.name}, sheet {sheet}"
        if table not in schemas.TABLES:
            notes.append(f"{label}: not a table of the data model, ignored")
            continue
        seen.add(table)
        if df.shape[1] == 0:
            if schemas.TABLES[table].required:
                problems.append(Finding(label, None, None, "the sheet is empty"))
            else:
                notes.append(f"{label}: the sheet is empty; the optional table {table} is treated as absent")
                seen.discard(table)
            continue
        df.index = pd.RangeIndex(2, len(df) + 2)
        df = df.astype(object).where(df.notna(), None)
        out[table] = _Raw(table, label, df, _detect_decimal(df, ","))
    return out


def sql_options(url: str) -> tuple[str, str | None, dict[str, str]]:
    """Split the workbook's own options off a database URL.

    ``kam_schema=NAME`` reads the tables from that schema; ``kam_table_<table>=NAME`` maps a table of the
    data model to the database's own table name (e.g. ``kam_table_orders=erp_order_lines``). They travel in
    the URL, so ``kam run`` hands them to every notebook with the source.

    Examples
    --------
    >>> sql_options("postgresql://u@h/db?kam_schema=sales&kam_table_orders=erp_orders&sslmode=require")
    ('postgresql://u@h/db?sslmode=require', 'sales', {'orders': 'erp_orders'})
    """
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    query = dict(parsed.query)
    schema = query.pop("kam_schema", None)
    if isinstance(schema, tuple):  # the URL repeats the option: sqlalchemy gives all values
        raise ValueError(f"kam_schema is given {len(schema)} times; give it once")
    tables = {k[len("kam_table_") :]: str(v) for k, v in list(query.items()) if k.startswith("kam_table_")}
    for k in list(query):
        if k.startswith("kam_table_"):
            query.pop(k)
    unknown = [t for t in tables if t not in schemas.TABLES]
    if unknown:
        raise ValueError(f"kam_table_{unknown[0]}: {unknown[0]!r} is not a table of the data model")
    return parsed.set(query=query).render_as_string(hide_password=False), schema, tables


def _with_run_password(parsed, given: str):
    """``parsed`` with the password ``kam run`` put in the kernel's environment, if it belongs to ``given``.

    kam run hands notebooks the URL without its password and the password in the kernel's environment, so
    it never appears in an executed notebook; it is used for exactly that URL, never sent to another host.
    """
    if (
        parsed.username
        and parsed.password is None
        and os.environ.get(PASSWORD_ENV)
        and os.environ.get(PASSWORD_URL_ENV) == given
    ):
        return parsed.set(password=os.environ[PASSWORD_ENV])
    return parsed


def _read_sql(url: str, problems: list[Finding], notes: list[str], seen: set[str]) -> dict[str, _Raw]:
    import sqlalchemy as sa

    given = _parse_url(url)  # the URL as the caller wrote it, options included (for the password check)
    given = given.render_as_string(hide_password=False) if given is not None else url
    try:
        url, schema, mapping = sql_options(url)
        parsed = sa.engine.make_url(url)
    except Exception as exc:
        own_option = isinstance(exc, ValueError) and ("kam_table_" in str(exc) or "kam_schema" in str(exc))
        detail = (
            str(exc)
            if own_option
            else "not a valid database URL (e.g. sqlite:///kam.db or postgresql+psycopg://user@host/db)"
        )
        problems.append(Finding(re.sub(r"://[^@/]*@", "://", url), None, None, detail))
        return {}
    parsed = _with_run_password(parsed, given)
    connect_args: dict = {}
    if parsed.get_backend_name() in ("sqlite", "duckdb"):
        # embedded databases would silently create a missing file: check first and open read-only
        db = parsed.database or ""
        if db in ("", ":memory:") or not Path(db).is_file():
            problems.append(
                Finding(parsed.render_as_string(hide_password=True), None, None, f"database file {db!r} not found")
            )
            return {}
        if parsed.get_backend_name() == "sqlite":
            parsed = parsed.set(database=f"file:{Path(db).resolve()}?mode=ro", query={"uri": "true"})
        else:
            connect_args = {"read_only": True}
    shown = parsed.render_as_string(hide_password=True)
    try:
        engine = sa.create_engine(parsed, connect_args=connect_args)
    except Exception as exc:
        problems.append(Finding(shown, None, None, f"cannot open database ({exc.__class__.__name__}: {exc})"))
        return {}
    out: dict[str, _Raw] = {}
    wanted = {mapping.get(t, t).lower(): t for t in schemas.TABLES}
    try:
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names(schema=schema)
            for name in names:
                table = wanted.get(name.lower()) or (
                    _norm_name(name) if _norm_name(name) in schemas.TABLES and _norm_name(name) not in mapping else None
                )
                if table is None:
                    continue
                seen.add(table)
                # plain quoted SELECTs instead of reflection: works the same on every dialect
                prep = conn.dialect.identifier_preparer
                full = (prep.quote_schema(schema) + "." if schema else "") + prep.quote(name)
                cols = list(conn.execute(sa.text(f"SELECT * FROM {full} WHERE 1 = 0")).keys())
                # a database has no row order: sort by the id (or by the model's columns) so that row
                # numbers in messages and every result are the same on each run
                spec = schemas.TABLES[table]
                by_name = {_norm_name(c): c for c in cols}
                keys = [spec.key] if spec.key in by_name else [c for c in schemas.column_kinds(table) if c in by_name]
                order = ", ".join(prep.quote(by_name[k]) for k in keys)
                df = pd.read_sql(sa.text(f"SELECT * FROM {full}" + (f" ORDER BY {order}" if order else "")), conn)
                df.columns = [str(c) for c in df.columns]
                df.index = pd.RangeIndex(1, len(df) + 1)
                label = f"table {schema + '.' if schema else ''}{name}"
                out[table] = _Raw(table, label, df, _detect_decimal(df, ","))
    except Exception as exc:
        problems.append(
            Finding(shown, None, None, f"cannot read database ({exc.__class__.__name__}: {str(exc).splitlines()[0]})")
        )
    finally:
        engine.dispose()
    missing_mapped = [f"{t} -> {n}" for t, n in mapping.items() if t not in seen]
    if missing_mapped and not problems:
        problems.append(Finding(shown, None, None, f"mapped table not found: {', '.join(missing_mapped)}"))
    return out


# --------------------------------------------------------------------------- cell parsing


def _kind(s: pd.Series) -> str:
    """What the cells of a raw column are: 'string' (CSV), 'number', 'datetime', 'empty' or 'mixed'."""
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "datetime"
    inferred = pd.api.types.infer_dtype(s, skipna=True)
    if inferred == "empty":
        return "empty"
    if inferred == "string":
        return "string"
    if inferred in ("floating", "integer", "mixed-integer-float", "decimal"):
        return "number"
    if inferred in ("datetime", "datetime64", "date"):
        return "datetime"
    return "mixed"


def _as_text(s: pd.Series) -> pd.Series:
    """Stripped text with missing as NaN (vectorised for string columns; per cell for mixed ones)."""
    kind = _kind(s)
    if kind == "empty":
        return pd.Series(np.nan, index=s.index, dtype="str")
    if kind == "string":
        t = s.astype("str").str.strip()
        return t.mask(t == "")

    def conv(v: Any) -> object:  # a raw cell: whatever the source produced, recognised by duck typing below
        if v is None or (not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v)):
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))  # Excel stores 1001 as 1001.0
        if isinstance(v, (pd.Timestamp, np.datetime64)) or (hasattr(v, "year") and hasattr(v, "isoformat")):
            return pd.Timestamp(v).date().isoformat()
        text = str(v).strip()
        return text or None

    return s.map(conv).astype("str")


def _blank_mask(s: pd.Series) -> pd.Series:
    """Cells with no content at all (a token like 'NA' is content: the row is not blank)."""
    if _kind(s) in ("number", "datetime", "empty"):
        return s.isna()
    return _as_text(s).isna()


def _missing_mask(s: pd.Series) -> pd.Series:
    if _kind(s) in ("number", "datetime", "empty"):
        return s.isna()
    t = _as_text(s)
    return t.isna() | t.str.lower().isin(_MISSING_TOKENS)


def _parse_text(s: pd.Series) -> pd.Series:
    return _as_text(s)


_NUM_PATTERNS = {
    ",": re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?"),
    ".": re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?|[+-]?\.\d+"),
}


def _split_typed(s: pd.Series, typed: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(missing, already-typed cells, text cells) masks for a raw column."""
    missing = _missing_mask(s)
    kind = _kind(s)
    if kind == typed:
        return missing, ~missing, pd.Series(False, index=s.index)
    if kind in ("string", "empty"):
        return missing, pd.Series(False, index=s.index), ~missing
    if typed == "number":
        is_typed = s.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool))
    else:
        is_typed = s.map(
            lambda v: isinstance(v, (pd.Timestamp, np.datetime64)) or (hasattr(v, "year") and hasattr(v, "isoformat"))
        )
    return missing, is_typed & ~missing, ~is_typed & ~missing


def _parse_number(s: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series]:
    """Parse to float; returns (values, bad mask). Missing values are NaN and not bad."""
    missing, typed, text = _split_typed(s, "number")
    out = pd.Series(np.nan, index=s.index, dtype="float64")
    bad = pd.Series(False, index=s.index)
    if typed.any():
        vals = s[typed].astype("float64")
        finite = np.isfinite(vals.to_numpy())
        out[typed] = vals.where(finite)
        bad[typed] = ~finite  # inf from Parquet, Excel or SQL is not a number either
    if text.any():
        t = s[text].astype("str").str.strip().str.replace("[\\s\u00a0\u202f€]|EUR$", "", regex=True)
        ok = t.str.fullmatch(_NUM_PATTERNS[decimal].pattern).fillna(False).astype(bool)
        if decimal == ",":
            clean = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            clean = t.str.replace(",", "", regex=False)
        vals = pd.to_numeric(clean.where(ok), errors="coerce").astype("float64")
        finite = np.isfinite(vals.to_numpy())
        out[text] = vals.where(finite)
        bad[text] = ~ok | (ok & ~finite)
    return out, bad


_DATE_FORMATS = (
    (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"),
    (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?", "ISO8601"),
    (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "%Y-%m-%d %H:%M"),
    (r"\d{1,2}\.\d{1,2}\.\d{4}", "%d.%m.%Y"),
    (r"\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}", "%d.%m.%Y %H:%M"),
    (r"\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}:\d{2}", "%d.%m.%Y %H:%M:%S"),
    (r"\d{1,2}\.\d{1,2}\.\d{2}", "%d.%m.%y"),
)


def _parse_date(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    missing, typed, text = _split_typed(s, "datetime")
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    bad = pd.Series(False, index=s.index)
    if typed.any():
        vals = s[typed]
        if vals.dtype == object:
            vals = vals.map(pd.Timestamp)
        vals = pd.to_datetime(vals)
        if getattr(vals.dt, "tz", None) is not None:
            vals = vals.dt.tz_localize(None)
        out[typed] = vals.astype("datetime64[ns]")
    if text.any():
        t = s[text].astype("str").str.strip().str.replace("T", " ", regex=False)
        parsed = pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns]")
        for pattern, fmt in _DATE_FORMATS:
            m = t.str.fullmatch(pattern).fillna(False).astype(bool) & parsed.isna()
            if m.any():
                parsed[m] = pd.to_datetime(t[m], format=fmt, errors="coerce").astype("datetime64[ns]")
        out[text] = parsed
        bad[text] = parsed.isna()
    return out.dt.normalize(), bad


# --------------------------------------------------------------------------- validation


def _key(raw: _Raw, spec: schemas.TableSpec, row: int, frame: pd.DataFrame) -> str | None:
    if spec.key and spec.key in frame.columns and row in frame.index:
        v: Any = frame.at[row, spec.key]  # a raw or a typed cell: any type the source produced
        if v is not None and not (pd.api.types.is_scalar(v) and pd.isna(v)) and str(v):
            return f"{spec.key} {v}"
    return None


def _shown(v: object) -> str:
    text = str(v)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _typed_table(raw: _Raw, findings: list[Finding], notes: list[str]) -> pd.DataFrame | None:
    """Parse every cell of one raw table into the schema's types; None when the table is unusable."""
    spec = schemas.TABLES[raw.table]
    kinds = schemas.column_kinds(raw.table)
    df = raw.frame
    # column names: normalise, find duplicates / missing / unknown
    names = [_norm_name(c) for c in df.columns]
    seen: set[str] = set()
    for orig, n in zip(df.columns, names):
        if n in seen:
            findings.append(Finding(raw.label, None, n, f"the column {orig!r} appears twice in the header"))
        seen.add(n)
    df = df.copy()
    df.columns = names
    df = df.loc[:, ~pd.Index(names).duplicated()]
    # drop fully empty rows (blank lines in a CSV, empty rows in a sheet), keeping row numbers
    if len(df):
        empty_row = pd.concat([_blank_mask(df[c]) for c in df.columns], axis=1).all(axis=1)
        df = df.loc[~empty_row]
    ok = True
    for col, (_kind, required, _nullable) in kinds.items():
        if required and col not in df.columns:
            findings.append(
                Finding(
                    raw.label,
                    None,
                    col,
                    f"required column is missing (the header has: {', '.join(map(str, df.columns)) or 'nothing'})",
                )
            )
            ok = False
    for col in df.columns:
        if col not in kinds:
            notes.append(
                f"{raw.label}: column {col!r} is not part of the {raw.table} table and is ignored by the workbook"
            )
    if spec.required and len(df) == 0:
        findings.append(Finding(raw.label, None, None, f"the {raw.table} table has no rows; it is required"))
        ok = False
    raw.frame = df  # normalised names, blank rows dropped: used to quote cells as the user typed them
    if not ok:
        return None
    out = pd.DataFrame(index=df.index)
    for col, (kind, _required, _nullable) in kinds.items():
        if col not in df.columns:
            continue
        s = df[col]
        if kind == "text":
            out[col] = _parse_text(s)
            continue
        if kind == "date":
            vals, bad = _parse_date(s)
            problem = "is not a date (use YYYY-MM-DD or DD.MM.YYYY)"
        else:
            vals, bad = _parse_number(s, raw.decimal)
            problem = "is not a number"
            if raw.decimal == ",":
                problem += " (this file uses the decimal comma, e.g. 1.234,56)"
            if kind == "integer":
                frac = vals.notna() & (vals != np.floor(vals.fillna(0)))
                huge = vals.notna() & (vals.abs() >= 2.0**53)  # beyond exact integers: a typo, not a count
                for row in vals.index[frac & ~bad]:
                    findings.append(
                        Finding(
                            raw.label,
                            int(row),
                            col,
                            f"{_shown(s[row])} is not a whole number",
                            _key(raw, spec, row, df),
                        )
                    )
                for row in vals.index[huge & ~frac & ~bad]:
                    findings.append(
                        Finding(raw.label, int(row), col, f"{_shown(s[row])} is too large", _key(raw, spec, row, df))
                    )
                vals = vals.where(~frac & ~huge)
                vals = vals.astype("Int64")
        for row in s.index[bad]:
            findings.append(Finding(raw.label, int(row), col, f"{_shown(s[row])} {problem}", _key(raw, spec, row, df)))
        out[col] = vals
    # optional columns the source lacks exist as empty typed columns: steps can rely on the whole data model
    empty = schemas.empty_frame(raw.table)
    for col in kinds:
        if col not in out.columns:
            out[col] = empty[col].reindex(out.index)
    out = out[[*kinds, *[c for c in out.columns if c not in kinds]]]
    # extra columns are kept as text so that users' own columns survive
    for col in df.columns:
        if col not in kinds:
            out[col] = _parse_text(df[col])
    return out


def _check_message(check: str, value: object, col: str) -> str:
    if check == "not_nullable":
        return "is empty, but a value is required"
    if check in ("field_uniqueness", "unique", "multiple_fields_uniqueness"):
        return f"duplicate value {_shown(value)}" if col else "duplicate row"
    m = re.fullmatch(r"greater_than_or_equal_to\((.*)\)", check)
    if m:
        if float(m.group(1)) == 0:
            return f"{_shown(value)} is negative; it must be 0 or more"
        return f"{_shown(value)} is below the minimum {m.group(1)}"
    m = re.fullmatch(r"in_range\((.*), (.*)\)", check)
    if m:
        return f"{_shown(value)} is outside the allowed range {m.group(1)} to {m.group(2)}"
    m = re.fullmatch(r"isin\((.*)\)", check, flags=re.S)
    if m:
        allowed = ", ".join(re.findall(r"'([^']*)'", m.group(1)))
        return f"{_shown(value)} is not an allowed value (allowed: {allowed})"
    if check.startswith("str_matches"):
        if col == "period":
            return f"{_shown(value)} is not a period (use 2025, 2025Q4 or 2025-12)"
        if col == "country":
            return f"{_shown(value)} is not a two-letter country code (e.g. DE)"
        return f"{_shown(value)} has the wrong format"
    return f"{_shown(value)} fails the check {check}"


def _pandera_findings(raw: _Raw, frame: pd.DataFrame, findings: list[Finding]) -> None:
    spec = schemas.TABLES[raw.table]
    try:
        spec.schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
        seen_row_checks: set[tuple[str, object]] = set()
        for rec in fc.to_dict("records"):
            check, col, idx, value = str(rec["check"]), rec["column"], rec["index"], rec["failure_case"]
            row = None if idx is None or (isinstance(idx, float) and np.isnan(idx)) else int(idx)
            if check in schemas.ROW_CHECK_MESSAGES:
                if (check, row) in seen_row_checks:
                    continue
                seen_row_checks.add((check, row))
                col, msg = schemas.ROW_CHECK_MESSAGES[check]
                findings.append(Finding(raw.label, row, col, msg, _key(raw, spec, row, frame) if row else None))
                continue
            if check.startswith("dtype(") or check == "column_in_dataframe":
                continue  # reported by the parser with the offending cell
            if check == "multiple_fields_uniqueness":
                cols = ", ".join(spec.schema.unique or [])  # pandera keeps it as a list
                msg = f"duplicate combination of {cols}"
                findings.append(Finding(raw.label, row, None, msg))
                continue
            if row is not None and col in raw.frame.columns and row in raw.frame.index:
                typed_in = raw.frame.at[row, col]
                value = typed_in if typed_in is not None else value
            findings.append(
                Finding(
                    raw.label,
                    row,
                    col,
                    _check_message(check, value, col),
                    _key(raw, spec, row, frame) if row is not None else None,
                )
            )


def _fk_findings(raws: dict[str, _Raw], frames: dict[str, pd.DataFrame], findings: list[Finding]) -> None:
    for name, frame in frames.items():
        spec = schemas.TABLES[name]
        for fk in spec.foreign_keys:
            if fk.column not in frame.columns or fk.table not in frames:
                continue
            known = set(frames[fk.table][fk.target].dropna())
            col = frame[fk.column]
            unknown = col.notna() & ~col.isin(known)
            for row in frame.index[unknown]:
                findings.append(
                    Finding(
                        raws[name].label,
                        int(row),
                        fk.column,
                        f"{_shown(col[row])} is not a known {fk.target} (not in {fk.table})",
                        _key(raws[name], spec, row, frame),
                    )
                )
    inter, contacts = frames.get("interactions"), frames.get("contacts")
    if inter is not None and contacts is not None and "contact_id" in inter.columns:
        owner = contacts.set_index("contact_id")["account_id"]
        owner = owner[~owner.index.duplicated()]
        has = inter["contact_id"].notna() & inter["contact_id"].isin(owner.index)
        mismatch = has & (inter["contact_id"].map(owner) != inter["account_id"])
        for row in inter.index[mismatch]:
            c = inter.at[row, "contact_id"]
            assert isinstance(c, str)  # a parsed text column, and the row has a contact_id (`has`)
            findings.append(
                Finding(
                    raws["interactions"].label,
                    int(row),
                    "contact_id",
                    f"contact {c} belongs to account {owner[c]}, not {inter.at[row, 'account_id']!s}",
                    _key(raws["interactions"], schemas.TABLES["interactions"], row, inter),
                )
            )


def _future_findings(
    raws: dict[str, _Raw],
    frames: dict[str, pd.DataFrame],
    as_of: pd.Timestamp,
    findings: list[Finding],
    derived: bool = False,
) -> None:
    how = " (taken from the last order date; give as_of to choose another)" if derived else ""
    for name, frame in frames.items():
        spec = schemas.TABLES[name]
        for col in spec.past_dates:
            if col not in frame.columns:
                continue
            late = frame[col] > as_of
            for row in frame.index[late.fillna(False)]:
                when = frame.at[row, col]
                assert isinstance(when, pd.Timestamp)  # a parsed date column; NaT is never late
                findings.append(
                    Finding(
                        raws[name].label,
                        int(row),
                        col,
                        f"date {when.date()} lies after as_of {as_of.date()}{how}",
                        _key(raws[name], spec, row, frame),
                    )
                )


# --------------------------------------------------------------------------- public API


def data_as_of(orders: pd.DataFrame | None, *, today: pd.Timestamp | None = None) -> pd.Timestamp:
    """The analysis date a data set implies: its last order date, or the end of that month when the
    orders run to the month's last working day (Monday to Friday). Without dated orders: ``today``.

    Every part of the workbook uses this one rule when no ``as_of`` is given (``kam validate``,
    ``kam run``, the notebooks), so a company's own export needs no date to be typed in.

    Examples
    --------
    >>> import pandas as pd
    >>> def last(day):
    ...     return data_as_of(pd.DataFrame({"date": pd.to_datetime(["2024-03-01", day])})).date()
    >>> str(last("2025-12-31")), str(last("2025-12-30"))  # the 31st is a Wednesday
    ('2025-12-31', '2025-12-30')
    >>> str(last("2025-05-30"))  # Friday 30 May is May's last working day: the month counts as complete
    '2025-05-31'
    >>> str(last("2025-05-15"))
    '2025-05-15'
    """
    dates = orders["date"].dropna() if orders is not None and "date" in orders else pd.Series(dtype="datetime64[ns]")
    if not len(dates):
        return (today if today is not None else pd.Timestamp.today()).normalize()
    last = pd.Timestamp(dates.max()).normalize()
    month_end = last + pd.offsets.MonthEnd(0)
    last_working = month_end - pd.offsets.BDay(0) if month_end.weekday() < 5 else month_end - pd.offsets.BDay(1)
    return month_end if last >= last_working else last


PASSWORD_ENV = "KAM_DB_PASSWORD"
PASSWORD_URL_ENV = "KAM_DB_PASSWORD_URL"  # the password-free URL the password belongs to
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://")


def _parse_url(url: str):
    """SQLAlchemy's own reading of a database URL (the same rules as the connection), or None."""
    if not _URL.match(url):
        return None
    try:
        import sqlalchemy as sa

        return sa.engine.make_url(url)
    except Exception:
        return None


def split_password(url: str) -> tuple[str, str | None]:
    """``postgresql://u:secret@h/db`` -> (``postgresql://u@h/db``, ``secret``); other sources unchanged.

    Parsed the way SQLAlchemy parses the URL, so a password with ``/``, ``:`` or ``+`` is split off whole.

    Examples
    --------
    >>> split_password("postgresql+psycopg://kam:s3cr%40t@127.0.0.1:5432/kam?kam_schema=x")
    ('postgresql+psycopg://kam@127.0.0.1:5432/kam?kam_schema=x', 's3cr@t')
    >>> split_password("postgresql://kam:Zm9v/YmFy+==@db:5432/kam")
    ('postgresql://kam@db:5432/kam', 'Zm9v/YmFy+==')
    >>> split_password("data/sample")
    ('data/sample', None)
    """
    parsed = _parse_url(url)
    if parsed is None or parsed.password is None:
        return url, None
    return parsed._replace(password=None).render_as_string(hide_password=False), str(parsed.password)


def _mask_password(url: str) -> str:
    """postgresql://user:secret@host/db -> postgresql://user:***@host/db (for messages and reprs).

    Examples
    --------
    >>> _mask_password("postgresql://kam:Zm9v/YmFy+==@db/kam")
    'postgresql://kam:***@db/kam'
    """
    parsed = _parse_url(url)
    if parsed is not None:
        return parsed.render_as_string(hide_password=True) if parsed.password is not None else url
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


def absolute_database_path(url: str) -> str:
    """An SQLite or DuckDB URL with a relative file path made absolute (notebooks run in another folder).

    Examples
    --------
    >>> absolute_database_path("sqlite:///:memory:"), absolute_database_path("postgresql://h/db")
    ('sqlite:///:memory:', 'postgresql://h/db')
    """
    parsed = _parse_url(url)
    if parsed is None or parsed.get_backend_name() not in ("sqlite", "duckdb"):
        return url
    db = parsed.database or ""
    if db in ("", ":memory:") or Path(db).is_absolute():
        return url
    return parsed.set(database=str(Path(db).resolve())).render_as_string(hide_password=False)


def _resolve(source: str | Path) -> tuple[str, str]:
    text = str(source)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://", text):
        return "sql", text
    path = Path(text).expanduser()
    if path.is_dir():
        return "folder", str(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "excel", str(path)
    return "unknown", str(path)


def load(source: str | Path, *, as_of: str | pd.Timestamp | None = None, warn: bool = True) -> KamData:
    """Load and validate KAM data from a CSV/Parquet folder, an ``.xlsx`` workbook or a SQL URL.

    Parameters
    ----------
    source
        Folder, workbook path or database URL (see the module docstring).
    as_of
        The analysis date; dates of orders, interactions, complaints and ``accounts.since`` must not
        lie after it. Default (None or empty): taken from the data by :func:`data_as_of` (the last order
        date, or the end of its month when the orders run to the month's last working day).
    warn
        Emit :class:`kamlib.KamDataWarning` for ignored files and columns (they are also listed in
        ``KamData.warnings``).

    Returns
    -------
    KamData
        Frozen container, one validated DataFrame per table.

    Raises
    ------
    KamDataError
        Listing every problem found, each with file/sheet/table, row, column and message.

    Examples
    --------
    >>> import kamlib
    >>> data = kamlib.load("data/sample", as_of="2025-12-31")
    >>> int(data.orders["gross_revenue_eur"].gt(0).all())
    1
    """
    from kamlib.data import cache

    if isinstance(as_of, str) and not as_of.strip():
        as_of = None  # a notebook's empty parameter: the date comes from the data
    hit = cache.cached_data(source, as_of)  # inside ``kam run``: validated once by the runner
    if hit is not None:
        if warn:
            for note in hit.warnings:
                warnings.warn(note, KamDataWarning, stacklevel=2)
        return hit
    kind, where = _resolve(source)
    shown = _mask_password(where) if kind == "sql" else where
    findings: list[Finding] = []
    notes: list[str] = []
    seen: set[str] = set()
    if kind == "folder":
        raws = _read_folder(Path(where), findings, notes, seen)
    elif kind == "excel":
        if not Path(where).is_file():
            raise KamDataError([Finding(where, None, None, "file not found")], where)
        raws = _read_excel(Path(where), findings, notes, seen)
    elif kind == "sql":
        raws = _read_sql(where, findings, notes, seen)
    else:
        msg = (
            "not found"
            if not Path(where).exists()
            else "is neither a folder of CSV/Parquet files, an .xlsx workbook nor a database URL"
        )
        raise KamDataError([Finding(where, None, None, msg)], where)

    if not raws and findings:  # the source itself could not be opened
        raise KamDataError(findings, shown)
    located = {"folder": "file {t}.csv", "excel": "sheet {t}", "sql": "table {t}"}[kind]
    for name, spec in schemas.TABLES.items():
        if spec.required and name not in seen:
            findings.append(
                Finding(shown, None, None, f"required table {name} is missing (expected {located.format(t=name)})")
            )

    frames: dict[str, pd.DataFrame] = {}
    for name, raw in raws.items():
        typed = _typed_table(raw, findings, notes)
        if typed is None:
            continue
        _pandera_findings(raw, typed, findings)
        frames[name] = typed
    _fk_findings(raws, frames, findings)
    derived = as_of is None
    as_of_ts = pd.Timestamp(as_of).normalize() if as_of is not None else data_as_of(frames.get("orders"))
    _future_findings(raws, frames, as_of_ts, findings, derived=derived)

    if findings:
        # one finding per cell (a bad number also shows up as an empty required value)
        unique: dict[tuple, Finding] = {}
        for f in findings:
            unique.setdefault((f.location, f.row, f.column), f) if f.row is not None else unique.setdefault(
                (f.location, f.row, f.column, f.message), f
            )
        order = {name: i for i, name in enumerate(schemas.TABLES)}

        def sort_key(f: Finding) -> tuple:
            table = next((r.table for r in raws.values() if r.label == f.location), "")
            return (order.get(table, -1), f.location, f.row if f.row is not None else -1, f.column or "")

        raise KamDataError(sorted(unique.values(), key=sort_key), shown)

    if warn:
        for note in notes:
            warnings.warn(note, KamDataWarning, stacklevel=2)
    tables = {}
    for name in schemas.TABLES:
        if name in frames:
            tables[name] = frames[name].reset_index(drop=True)
        else:
            tables[name] = schemas.empty_frame(name)
    return KamData(
        **tables,
        source=shown,
        as_of=as_of_ts,
        available=tuple(n for n in schemas.TABLES if n in frames),
        warnings=tuple(notes),
    )


def validate(source: str | Path, *, as_of: str | pd.Timestamp | None = None) -> list[Finding]:
    """Return the findings for ``source`` (empty when it loads cleanly) instead of raising."""
    try:
        load(source, as_of=as_of, warn=False)
    except KamDataError as err:
        return err.findings
    return []


def export(data: KamData, target: str | Path, *, tables: Iterable[str] | None = None) -> Path | str:
    """Write ``data`` to an ``.xlsx`` workbook, a folder of CSVs or a SQL URL; never overwrites.

    Useful to hand the sample company to a colleague as Excel, or to seed a database.
    """
    names = list(tables or data.available)
    text = str(target)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://", text):
        import sqlalchemy as sa

        engine = sa.create_engine(text)
        try:
            with engine.begin() as conn:
                existing = set(sa.inspect(conn).get_table_names())
                clash = existing & set(names)
                if clash:
                    raise FileExistsError(f"{text} already has tables {sorted(clash)}; not overwriting")
                for n in names:
                    getattr(data, n).to_sql(n, conn, index=False)
        finally:
            engine.dispose()
        return text
    path = Path(text)
    if path.exists() and (path.is_file() or any(path.iterdir())):
        raise FileExistsError(f"{path} exists; not overwriting")
    if path.suffix.lower() == ".xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        from kamlib.data.writers import excel_text_cells

        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            for n in names:
                getattr(data, n).to_excel(xw, sheet_name=n, index=False)
                excel_text_cells(xw.sheets[n])  # a name like =HYPERLINK(...) stays text, not a formula
        return path
    path.mkdir(parents=True, exist_ok=True)
    for n in names:
        getattr(data, n).to_csv(path / f"{n}.csv", index=False, date_format="%Y-%m-%d")
    return path
