"""Real, public transaction data in the KAM data model: the CDNOW master file.

CDNOW was an online CD shop. Its *master file* (Fader & Hardie's version of the data of Fader, Hardie &
Lee 2005) holds every purchase from January 1997 to June 1998 of the 23,570 customers who bought at
CDNOW for the first time in the first quarter of 1997: 69,659 lines, one per customer, day and basket,
80 of them with a dollar value of zero. It ships inside the ``lifetimes`` wheel
(``lifetimes/datasets/CDNOW_master.txt``, a test-only dependency of kamlib: ``pip install -e '.[dev]'``
or ``pip install lifetimes==0.11.3``).

It is the opposite of the sample company: many small customers, a year and a half of history, and only
the two required tables. ``kam public-data cdnow OUT`` writes it as ``accounts.csv`` + ``orders.csv``, so
``kam run OUT --as-of 1998-06-30`` shows what the workbook can say on thin, real data.

The file: a header line, then whitespace-separated ``customer_id`` (five digits), ``date`` (YYYYMMDD),
``number_of_cds`` and ``dollar_value``. The mapping (:func:`cdnow`):

* accounts: ``account_id`` ``C00001``, ``name`` "CDNOW customer 00001", ``since`` = the customer's first
  purchase (the cohort is defined by it);
* orders: one order per line, ``order_id`` ``C00002-002`` (the customer's id and the line's running
  number among that customer's lines in file order, so ids do not change when only the first customers
  are taken), ``date``, ``quantity`` = number of CDs, ``gross_revenue_eur`` = the **dollar value as is**:
  no currency conversion, the amounts are US dollars of 1997/98 in a column named EUR. Zero-value lines are
  kept (68 customers bought only such orders); there are no discounts, costs, products or other tables.

Examples
--------
>>> from kamlib.data import public as public_data
>>> tables = public_data.cdnow(n_customers=3)   # doctest: +SKIP
>>> tables["orders"]["gross_revenue_eur"].sum()  # doctest: +SKIP
257.23
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

#: Where the master file lies inside the installed ``lifetimes`` package.
CDNOW_FILE = ("datasets", "CDNOW_master.txt")
#: The last day the file covers: the natural ``as_of`` for a run on it.
CDNOW_AS_OF = "1998-06-30"
_INSTALL_HINT = (
    "the CDNOW master file ships in the lifetimes wheel, which is not installed here: "
    "pip install lifetimes==0.11.3 (or pip install -e '.[dev]' in the workbook's checkout), "
    "or pass the path of CDNOW_master.txt"
)


def cdnow_path() -> Path:
    """The CDNOW master file inside the installed ``lifetimes`` package (found without importing it).

    Raises
    ------
    FileNotFoundError
        When ``lifetimes`` is not installed (or its wheel lacks the file), saying how to get it.
    """
    try:
        spec = importlib.util.find_spec("lifetimes")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        raise FileNotFoundError(_INSTALL_HINT)
    path = Path(spec.origin).parent.joinpath(*CDNOW_FILE)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; {_INSTALL_HINT}")
    return path


def read_cdnow(path: str | Path | None = None) -> pd.DataFrame:
    """The master file's lines as a DataFrame: ``customer_id`` (text), ``date``, ``cds``, ``dollars``.

    Raises ``ValueError`` naming the line (as numbered in the file, header = line 1) of the first line
    that does not have the file's format.
    """
    p = Path(path) if path is not None else cdnow_path()
    if not p.is_file():
        raise FileNotFoundError(f"{p}: file not found")
    raw = p.read_bytes().decode("ascii", errors="replace").splitlines()
    body = [(i, line.split()) for i, line in enumerate(raw[1:], start=2) if line.strip()]
    for lineno, fields in body:
        if len(fields) != 4:
            raise ValueError(
                f"{p.name} line {lineno}: expected 4 fields (customer id, date, CDs, dollars), found {len(fields)}"
            )
    frame = pd.DataFrame([f for _, f in body], columns=["customer_id", "date", "cds", "dollars"])
    lines = pd.Series([n for n, _ in body], dtype="int64")
    bad_id = ~frame["customer_id"].str.fullmatch(r"\d+")
    date = pd.to_datetime(frame["date"], format="%Y%m%d", errors="coerce")
    cds = pd.to_numeric(frame["cds"], errors="coerce")
    dollars = pd.to_numeric(frame["dollars"], errors="coerce")
    for mask, what in (
        (bad_id, "customer id is not a number"),
        (date.isna(), "date is not YYYYMMDD"),
        (cds.isna() | (cds < 0) | (cds % 1 != 0), "number of CDs is not a whole number >= 0"),
        (dollars.isna() | (dollars < 0), "dollar value is not a number >= 0"),
    ):
        if mask.any():
            first = int(np.flatnonzero(mask.to_numpy())[0])
            raise ValueError(f"{p.name} line {lines.iloc[first]}: {what} ({' '.join(body[first][1])!r})")
    return pd.DataFrame(
        {
            "customer_id": frame["customer_id"].str.zfill(5),
            "date": date,
            "cds": cds.astype("int64"),
            "dollars": dollars.round(2),
        }
    )


def cdnow(path: str | Path | None = None, *, n_customers: int | None = None) -> dict[str, pd.DataFrame]:
    """The CDNOW master file as the two required tables of the data model.

    Parameters
    ----------
    path
        ``CDNOW_master.txt``; default: the copy inside the installed ``lifetimes`` package.
    n_customers
        Only the first ``n_customers`` customers by id (all of their lines), e.g. for a quick test.

    Returns
    -------
    dict
        ``{"accounts": ..., "orders": ...}``; ``gross_revenue_eur`` holds the **dollar values as they
        are** (no conversion; see the module docstring for the whole mapping).
    """
    lines = read_cdnow(path)
    if n_customers is not None:
        if n_customers < 1:
            raise ValueError(f"n_customers must be at least 1, got {n_customers}")
        keep = np.sort(lines["customer_id"].unique())[:n_customers]
        lines = lines[lines["customer_id"].isin(keep)]
    lines = lines.reset_index(drop=True)
    # running number within the customer in file order: stable under slicing and re-reading
    seq = lines.groupby("customer_id", sort=False).cumcount() + 1
    width = max(3, len(str(int(seq.max())))) if len(seq) else 3
    account_id = "C" + lines["customer_id"]
    orders = pd.DataFrame(
        {
            "order_id": account_id + "-" + seq.astype(str).str.zfill(width),
            "account_id": account_id,
            "date": lines["date"],
            "quantity": lines["cds"],
            "gross_revenue_eur": lines["dollars"].astype(float),
        }
    )
    first = lines.groupby("customer_id", sort=True)["date"].min()
    ids = pd.Series(first.index.to_numpy(), dtype=str)
    accounts = pd.DataFrame({"account_id": "C" + ids, "name": "CDNOW customer " + ids, "since": first.to_numpy()})
    return {"accounts": accounts, "orders": orders}


def write(tables: dict[str, pd.DataFrame], out: str | Path, *, force: bool = False) -> list[Path]:
    """Write ``accounts.csv`` and ``orders.csv`` into ``out`` (UTF-8, ``,``, ISO dates).

    Refuses (``FileExistsError``) when ``out`` already holds one of them, unless ``force``; other files in
    ``out`` are left alone.
    """
    from kamlib.data import sample

    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} is a file, not a folder")
    existing = [folder / f"{name}.csv" for name in tables if (folder / f"{name}.csv").exists()]
    if existing and not force:
        raise FileExistsError(
            f"{folder} already holds {', '.join(p.name for p in existing)}; not overwriting (use --force)"
        )
    return sample.write(tables, folder)
