"""Pandera contracts for the KAM data model: one ``DataFrameSchema`` per table, built from the data model file
``schemas.toml`` next to this module (every table's columns in order, their kinds and checks, keys and foreign keys).

The loader (:mod:`kamlib.data.readers`) parses raw cells into these types first (so that a cell
that is not a number or not a date is reported with its row and column), then validates
each table with its schema here, then checks the foreign keys across tables. Steps after
the loader trust :class:`kamlib.KamData` and do not re-validate.

Only ``accounts`` and ``orders`` are required; every other table is optional.

Examples
--------
>>> from kamlib.data import schemas
>>> schemas.TABLES["orders"].required
True
>>> [c for c in schemas.columns("kams")]
['kam_id', 'name', 'level', 'capacity']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from kamlib import i18n
from kamlib.data.datafile import DataFile, Entry

#: Allowed values, shared by the schemas, the sample generator and the notebooks.
RELATIONSHIP_STAGES = ("exploratory", "basic", "cooperative", "interdependent", "integrated")
ACCOUNT_STATUS = ("active", "prospect", "lost")
KAM_LEVELS = ("junior", "senior", "ceo")
COST_CATEGORIES = ("marketing", "sales", "service", "logistics")
INTERACTION_TYPES = ("meeting", "call", "visit", "email", "qbr")
SEVERITIES = ("low", "medium", "high", "critical")
BUYING_ROLES = ("user", "influencer", "buyer", "decider", "gatekeeper", "initiator", "approver")
ATTITUDES = ("champion", "supporter", "neutral", "opponent")
ACTION_STATUS = ("open", "in_progress", "done", "cancelled")
CRITERIA = (
    "revenue_share",
    "lifetime_value",
    "tailored_service",
    "growth_potential",
    "credibility",
    "relationship",
)
#: The sections of an account plan (table ``account_plans``), in the order a plan is shown.
PLAN_SECTIONS = (
    "customer_goal",
    "customer_plan",
    "objective",
    "strategy",
    "usp",
    "team_ours",
    "team_customer",
    "agreed_goal",
)
#: Sections that are ours alone: they never appear on a page handed to the customer.
PLAN_INTERNAL_SECTIONS = ("objective", "strategy", "usp")
#: Sections that may be shown to the customer (the agreed goals with their owners, due dates, status, result).
PLAN_CUSTOMER_SECTIONS = tuple(s for s in PLAN_SECTIONS if s not in PLAN_INTERNAL_SECTIONS)
#: Progress of a plan item (an objective or agreed goal); done, missed and dropped are finished.
PLAN_STATUS = ("open", "on_track", "at_risk", "done", "missed", "dropped")
#: Statuses that close a plan item for good: done or dropped is never overdue (a missed goal was not reached).
PLAN_CLOSED = ("done", "dropped")
#: A pinned key-account decision says, per account, key account or not.
DECISIONS = ("key", "not_key")
#: A period is a year ("2025"), a quarter ("2025Q4") or a month ("2025-12").
PERIOD_PATTERN = r"^\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))?$"

Date = pd.Timestamp

#: The data model's file: every table's columns, keys and checks (next to this module).
SCHEMA_FILE = DataFile("kamlib.data", "schemas.toml")
#: A column's kind -> its pandera data type. A schema, not a ``DataFrameModel``: a model's ``to_schema`` imports every
#: dataframe library pandera supports that is installed (Dask: 0.4 s in each process that validates data).
_TYPES: dict[str, Any] = {
    "text": str,
    "number": float,
    "integer": pd.Int64Dtype,
    "date": Date,
}
#: The vocabularies a column's ``allowed`` names.
_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "relationship_stages": RELATIONSHIP_STAGES,
    "account_status": ACCOUNT_STATUS,
    "kam_levels": KAM_LEVELS,
    "cost_categories": COST_CATEGORIES,
    "interaction_types": INTERACTION_TYPES,
    "severities": SEVERITIES,
    "buying_roles": BUYING_ROLES,
    "attitudes": ATTITUDES,
    "action_status": ACTION_STATUS,
    "criteria": CRITERIA,
    "plan_sections": PLAN_SECTIONS,
    "plan_status": PLAN_STATUS,
    "decisions": DECISIONS,
}
#: The patterns a column's ``format`` names.
_FORMATS: dict[str, str] = {"period": PERIOD_PATTERN, "country": r"^[A-Z]{2}$"}


# The checks across columns that a table's ``row_checks`` names (their messages: catalogue
# schemas.row_check_messages). pandera calls each with the frame; True marks a good row.


def discount_not_above_gross(df: pd.DataFrame) -> pd.Series[bool]:
    if "discount_eur" not in df:
        return pd.Series(True, index=df.index)
    # a negative gross revenue is reported by its own check; don't repeat it here
    return ~((df["discount_eur"] > df["gross_revenue_eur"]) & (df["gross_revenue_eur"] >= 0))


def closed_not_before_opened(df: pd.DataFrame) -> pd.Series[bool]:
    if "closed" not in df:
        return pd.Series(True, index=df.index)
    return ~(df["closed"] < df["opened"])


def shares_sum_to_at_most_one(df: pd.DataFrame) -> pd.Series[bool]:
    total = df.groupby(["account_id", "product_line"])["share"].transform("sum")
    return ~(total > 1.0 + 1e-6)


_ROW_CHECKS = {f.__name__: f for f in (discount_not_above_gross, closed_not_before_opened, shares_sum_to_at_most_one)}

#: Messages for dataframe-level checks, keyed by the check's name.
ROW_CHECK_MESSAGES: dict[str, tuple[str, str]] = i18n.table("schemas.row_check_messages")


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    target: str


@dataclass(frozen=True)
class TableSpec:
    """What the loader needs to know about one table."""

    name: str
    schema: pa.DataFrameSchema
    required: bool
    key: str | None  # the id column shown next to the row number in messages
    foreign_keys: tuple[ForeignKey, ...] = ()
    #: date columns that must not lie after ``as_of`` (plans and due dates may)
    past_dates: tuple[str, ...] = ()


def _column(column: Entry) -> pa.Column:
    """A column of the data model file as its pandera column: an optional one may be absent and its cells empty."""
    column.only("kind", "optional", "unique", "min", "range", "allowed", "format")
    dtype = _TYPES[column.one_of("kind", _TYPES)]
    optional = column.get("optional", bool, False)
    checks = []
    if "min" in column.values:
        checks.append(pa.Check.greater_than_or_equal_to(column.integer("min")))
    if "range" in column.values:
        low, high = column.array("range", int, 2)
        checks.append(pa.Check.in_range(min_value=low, max_value=high))
    if "allowed" in column.values:
        checks.append(pa.Check.isin(_VOCABULARIES[column.one_of("allowed", _VOCABULARIES)]))
    if "format" in column.values:
        checks.append(pa.Check.str_matches(_FORMATS[column.one_of("format", _FORMATS)]))
    return pa.Column(
        dtype, checks, nullable=optional, required=not optional, unique=column.get("unique", bool, False), coerce=False
    )


def _schema(name: str, table: Entry) -> pa.DataFrameSchema:
    """The pandera schema of a table of the data model file (named ``ServiceCosts`` for ``service_costs``)."""
    checks = []
    for check in table.texts("row_checks", ()):
        if check not in _ROW_CHECKS:
            raise table.error("row_checks", f"{check!r} is not one of {list(_ROW_CHECKS)}")
        checks.append(pa.Check(_ROW_CHECKS[check], name=check))
    return pa.DataFrameSchema(
        {column: _column(entry) for column, entry in table.tables("columns").items()},
        checks=checks,
        unique=list(_names(table, "unique")) if "unique" in table.values else None,
        strict=False,  # unknown extra columns are a warning (raised by the loader), not an error
        coerce=False,  # the loader parses types itself, with row numbers in its messages
        name="".join(part.title() for part in name.split("_")),
        description=table.text("doc") if "doc" in table.values else None,
    )


#: What a table of the data model file may hold (a misspelt name is refused, not silently left unread).
_TABLE_ENTRIES = ("doc", "required", "key", "foreign_keys", "past_dates", "unique", "row_checks", "columns")


def _names(table: Entry, name: str) -> tuple[str, ...]:
    """The column names of the array ``name`` of ``table``, each one of the table's ``[columns]``."""
    columns = table.tables("columns")
    for i, column in enumerate(table.texts(name)):
        if column not in columns:
            raise table.error(f"{name}[{i}]", f"{column!r} is not one of the table's columns {list(columns)}")
    return table.texts(name)


def _foreign_keys(model: Entry, table: Entry) -> tuple[ForeignKey, ...]:
    """The table's foreign keys: a column of the table = a table whose column of the same name it refers to."""
    if "foreign_keys" not in table.values:
        return ()
    foreign, columns = table.table("foreign_keys"), table.tables("columns")
    keys = []
    for column in foreign.values:
        if column not in columns:
            raise foreign.error(column, f"{column!r} is not one of the table's columns {list(columns)}")
        target = foreign.one_of(column, model.values)
        if column not in model.table(target).tables("columns"):
            raise foreign.error(column, f"the table {target!r} has no column {column!r}")
        keys.append(ForeignKey(column, target, column))
    return tuple(keys)


def table_specs(model: Entry) -> dict[str, TableSpec]:
    """The tables of the parsed data model file, checked: an unknown entry, a wrong type, a missing kind, an unknown
    vocabulary, pattern, row check, column or foreign table, a past date that is not a date column is a
    :class:`DataFileError` naming the file and the key."""
    specs = {}
    for name, table in model.entries().items():
        table.only(*_TABLE_ENTRIES)
        key = table.text("key", "")
        if key and key not in table.tables("columns"):
            raise table.error("key", f"{key!r} is not one of the table's columns {list(table.tables('columns'))}")
        past = _names(table, "past_dates") if "past_dates" in table.values else ()
        for i, column in enumerate(past):
            if table.tables("columns")[column].text("kind") != "date":
                raise table.error(f"past_dates[{i}]", f"{column!r} is not a date column")
        specs[name] = TableSpec(
            name,
            _schema(name, table),
            table.get("required", bool, False),
            key or None,
            _foreign_keys(model, table),
            past,
        )
    return specs


def _kinds(table: Entry) -> dict[str, tuple[str, bool, bool]]:
    """Column name -> (kind, required, nullable): an optional column may be absent and its cells empty."""
    out = {}
    for column, entry in table.tables("columns").items():
        optional = entry.get("optional", bool, False)
        out[column] = (entry.text("kind"), not optional, optional)
    return out


_MODEL = SCHEMA_FILE.read()
TABLES: dict[str, TableSpec] = table_specs(_MODEL)
# Each table's schema by its name as well, for a user who validates a DataFrame with it (README:
# ``schemas.Orders.validate(df)``), written out so that mypy and an editor see them (a test checks every table has
# its line here).
Accounts = TABLES["accounts"].schema
Kams = TABLES["kams"].schema
Products = TABLES["products"].schema
Orders = TABLES["orders"].schema
ServiceCosts = TABLES["service_costs"].schema
Interactions = TABLES["interactions"].schema
Complaints = TABLES["complaints"].schema
Contacts = TABLES["contacts"].schema
Wallet = TABLES["wallet"].schema
Competitors = TABLES["competitors"].schema
Targets = TABLES["targets"].schema
Actions = TABLES["actions"].schema
Ratings = TABLES["ratings"].schema
KeyAccountDecisions = TABLES["key_account_decisions"].schema
AccountPlans = TABLES["account_plans"].schema
#: Column name -> (kind, required, nullable) per table, in the order of the data model.
COLUMN_KINDS: dict[str, dict[str, tuple[str, bool, bool]]] = {
    name: _kinds(table) for name, table in _MODEL.entries().items()
}


def column_kinds(table: str) -> dict[str, tuple[str, bool, bool]]:
    """Column name -> (kind, required, nullable) with kind one of text, number, integer, date."""
    return dict(COLUMN_KINDS[table])


def columns(table: str) -> list[str]:
    """Column names of ``table`` in the order of the data model."""
    return list(column_kinds(table))


def empty_frame(table: str) -> pd.DataFrame:
    """An empty DataFrame with the table's columns and dtypes (for an optional table that is absent)."""
    dtypes = {"date": "datetime64[ns]", "integer": "Int64", "number": "float64", "text": "str"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes[k]) for c, (k, _, _) in column_kinds(table).items()})


def plan_overdue(plan: pd.DataFrame, *, as_of: str | pd.Timestamp) -> pd.Series:
    """True for plan items due strictly before ``as_of`` that are neither done nor dropped (a missed goal stays
    overdue: it was not reached).

    Examples
    --------
    >>> p = pd.DataFrame({"status": ["on_track", "missed", "done", "open", None],
    ...                   "due": pd.to_datetime(["2025-12-30", "2025-06-30", "2025-01-01", "2026-01-31", "2025-01-01"])})
    >>> plan_overdue(p, as_of="2025-12-31").tolist()
    [True, True, False, False, True]
    """
    ts = pd.Timestamp(as_of)
    return (~plan["status"].isin(PLAN_CLOSED) & plan["due"].notna() & (plan["due"] < ts)).astype(bool)


def plan_items(
    items: pd.DataFrame, as_of: pd.Timestamp | None, sections: tuple[str, ...] = PLAN_SECTIONS
) -> pd.DataFrame:
    """The items of an account plan in the order of ``sections``, then by due date and id (index 0, 1, ...), with
    ``overdue`` (:func:`plan_overdue` at ``as_of``; all False without a date) and ``days_overdue`` (days from the
    due date to ``as_of`` for an overdue item, else missing)."""
    order = {s: i for i, s in enumerate(sections)}
    late = plan_overdue(items, as_of=as_of) if as_of is not None else pd.Series(False, index=items.index)
    days = (as_of - items["due"]).dt.days if as_of is not None else pd.Series(np.nan, index=items.index)
    out = items.assign(overdue=late, days_overdue=days.where(late).astype("Int64"), _s=items["section"].map(order))
    return out.sort_values(["_s", "due", "item_id"], kind="stable").drop(columns="_s").reset_index(drop=True)
