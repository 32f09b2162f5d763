"""What each notebook writes for people and for later steps: declared here, written and read by name.

A notebook does not choose file names and the runner does not search for them. Every extract a notebook
writes is a :class:`Product` of :data:`PRODUCTS` (in the spirit of ploomber's ``product``): the notebook
calls :func:`write` with the product's name, and :func:`write` records the file in the folder's
``products.json``. The runner (the run's index page) reads a product with :func:`read`, by name, through
that record. A test runs the notebooks and checks that each writes exactly what is declared for it.

Examples
--------
>>> import tempfile
>>> import pandas as pd
>>> folder = tempfile.mkdtemp()
>>> health = pd.DataFrame({"score": [71.5], "band": ["amber"]}, index=pd.Index(["health"], name="component"))
>>> write("review_health", health, folder, period="2025Q4").name
'review_2025Q4_health.csv'
>>> read("review_health", folder).loc["health", "band"]
'amber'
>>> read("profile_findings", folder) is None  # not written in this folder
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kamlib.data.writers import atomic_write_text, write_csv

RECORD = "products.json"


@dataclass(frozen=True)
class Product:
    """One extract: the notebook that writes it, its file name (``{period}`` filled in by the writer),
    whether the table's index is written, the columns later readers rely on, and what it holds."""

    notebook: str
    file: str
    index: bool
    columns: tuple[str, ...]
    holds: str


PRODUCTS: dict[str, Product] = {
    "profile_findings": Product(
        "02_account_profile",
        "profile_findings.csv",
        False,
        ("severity", "check", "message"),
        "the profile checks' findings (index: flags)",
    ),
    "profile_opportunities": Product(
        "02_account_profile", "profile_opportunities.csv", False, (), "whitespace opportunities of the account"
    ),
    "profile_contacts": Product("02_account_profile", "profile_contacts.csv", False, (), "buying-center contacts"),
    "profile_quarterly": Product("02_account_profile", "profile_quarterly.csv", False, (), "quarterly revenue"),
    "customer_value": Product("03_customer_value", "customer_value.csv", True, (), "DB I-IV and CLV per account"),
    "quadrant_moves": Product(
        "03_customer_value",
        "quadrant_moves.csv",
        False,
        (),
        "accounts that change quadrant when the value view is used",
    ),
    "review_plan_vs_actual": Product(
        "04_review_cycle",
        "review_{period}_plan_vs_actual.csv",
        True,
        (),
        "the quarter against plan, previous quarter and last year",
    ),
    "review_health": Product(
        "04_review_cycle",
        "review_{period}_health.csv",
        True,
        ("score", "band"),
        "health score per component; row 'health' is the total (index: band)",
    ),
    "review_next_actions": Product(
        "04_review_cycle", "review_{period}_next_actions.csv", False, (), "proposed next actions with owners"
    ),
    "portfolio": Product("05_portfolio_review", "portfolio_{period}.csv", True, (), "all key accounts in one view"),
    "quadrant_migration": Product(
        "05_portfolio_review",
        "quadrant_migration_{period}.csv",
        True,
        (),
        "quadrant moves against the comparison basis",
    ),
    "kam_workload": Product("05_portfolio_review", "kam_workload_{period}.csv", True, (), "key accounts per KAM"),
}


def declared(notebook: str) -> dict[str, Product]:
    """The products notebook ``notebook`` (a stem such as '04_review_cycle') writes."""
    return {name: p for name, p in PRODUCTS.items() if p.notebook == notebook}


def write(name: str, frame: pd.DataFrame, folder: str | Path, **fields: str) -> Path:
    """Write product ``name`` into ``folder`` (neutralised CSV, atomically, replacing an earlier one) and
    record it in ``products.json``; ``fields`` fill the file name (``period=``). Returns the file's path."""
    product = PRODUCTS[name]
    missing = [c for c in product.columns if c not in frame.columns]
    if missing:
        raise ValueError(f"product {name!r} needs the columns {missing}")
    folder = Path(folder)
    path = folder / product.file.format(**fields)
    write_csv(frame, path, overwrite=True, index=product.index)
    record = _record(folder)
    record[name] = path.name
    atomic_write_text(folder / RECORD, json.dumps(record, indent=1, sort_keys=True))
    return path


def write_many(frames: dict[str, pd.DataFrame], folder: str | Path, **fields: str) -> list[Path]:
    """:func:`write` for several products at once (name -> table); returns the paths in the given order."""
    return [write(name, frame, folder, **fields) for name, frame in frames.items()]


def read(name: str, folder: str | Path) -> pd.DataFrame | None:
    """Product ``name`` as written into ``folder``, found through ``products.json``; None if it was not
    written there (the notebook failed or was not run)."""
    product = PRODUCTS[name]
    file = _record(Path(folder)).get(name)
    if not file or not (Path(folder) / file).is_file():
        return None
    return pd.read_csv(
        Path(folder) / file, index_col=0 if product.index else None, encoding="utf-8-sig", keep_default_na=product.index
    )


def written(folder: str | Path) -> dict[str, str]:
    """Product name -> file name of everything recorded in ``folder``."""
    return _record(Path(folder))


def _record(folder: Path) -> dict[str, str]:
    try:
        return json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
