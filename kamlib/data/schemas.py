"""Pandera contracts for the KAM data model: one ``DataFrameModel`` per table, built from the data model file
``schemas.toml`` next to this module (every table's columns in order, their kinds and checks, keys and foreign keys).

The loader (:mod:`kamlib.data.readers`) parses raw cells into these types first (so that a cell
that is not a number or not a date is reported with its row and column), then validates
each table with its model here, then checks the foreign keys across tables. Steps after
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
from pandera.typing import Series

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
#: A column's kind -> its pandera annotation.
_TYPES: dict[str, Any] = {
    "text": Series[str],
    "number": Series[float],
    "integer": Series[pd.Int64Dtype],
    "date": Series[Date],
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


class _Base(pa.DataFrameModel):
    class Config:
        strict = False  # unknown extra columns are a warning (raised by the loader), not an error
        coerce = False  # the loader parses types itself, with row numbers in its messages


# The checks across columns that a table's ``row_checks`` names (their messages: catalogue
# schemas.row_check_messages). pandera calls each as a classmethod of the table's model, with the frame; True marks
# a good row.


def discount_not_above_gross(model: type, df: pd.DataFrame) -> pd.Series[bool]:
    if "discount_eur" not in df:
        return pd.Series(True, index=df.index)
    # a negative gross revenue is reported by its own check; don't repeat it here
    return ~((df["discount_eur"] > df["gross_revenue_eur"]) & (df["gross_revenue_eur"] >= 0))


def closed_not_before_opened(model: type, df: pd.DataFrame) -> pd.Series[bool]:
    if "closed" not in df:
        return pd.Series(True, index=df.index)
    return ~(df["closed"] < df["opened"])


def shares_sum_to_at_most_one(model: type, df: pd.DataFrame) -> pd.Series[bool]:
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
    model: type[pa.DataFrameModel]
    required: bool
    key: str | None  # the id column shown next to the row number in messages
    foreign_keys: tuple[ForeignKey, ...] = ()
    #: date columns that must not lie after ``as_of`` (plans and due dates may)
    past_dates: tuple[str, ...] = ()


def _column(column: Entry) -> tuple[Any, Any]:
    """A column of the data model file as its pandera annotation and field (None: a required column, no checks)."""
    column.only("kind", "optional", "unique", "min", "range", "allowed", "format")
    annotation = _TYPES[column.one_of("kind", _TYPES)]
    optional = column.get("optional", bool, False)
    checks: dict[str, Any] = {}
    if column.get("unique", bool, False):
        checks["unique"] = True
    if "min" in column.values:
        checks["ge"] = column.integer("min")
    if "range" in column.values:
        low, high = column.array("range", int, 2)
        checks["in_range"] = {"min_value": low, "max_value": high}
    if "allowed" in column.values:
        checks["isin"] = _VOCABULARIES[column.one_of("allowed", _VOCABULARIES)]
    if "format" in column.values:
        checks["str_matches"] = _FORMATS[column.one_of("format", _FORMATS)]
    if optional:
        return annotation | None, pa.Field(nullable=True, **checks)
    return annotation, pa.Field(**checks) if checks else None


def _model(name: str, table: Entry) -> type[pa.DataFrameModel]:
    """The pandera model of a table of the data model file (class ``ServiceCosts`` for ``service_costs``)."""
    namespace: dict[str, Any] = {"__module__": __name__, "__annotations__": {}, "__doc__": None}
    if "doc" in table.values:
        namespace["__doc__"] = table.text("doc")
    for column, entry in table.tables("columns").items():
        namespace["__annotations__"][column], field = _column(entry)
        if field is not None:
            namespace[column] = field
    for check in table.texts("row_checks", ()):
        if check not in _ROW_CHECKS:
            raise table.error("row_checks", f"{check!r} is not one of {list(_ROW_CHECKS)}")
        namespace[check] = pa.dataframe_check(_ROW_CHECKS[check])
    if "unique" in table.values:
        namespace["Config"] = type("Config", (), {"unique": list(_names(table, "unique"))})
    return type("".join(part.title() for part in name.split("_")), (_Base,), namespace)


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
            _model(name, table),
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
# Each table's model by its class name as well, for a user who validates a DataFrame with it (README:
# ``schemas.Orders.validate(df)``), written out so that mypy and an editor see them (a test checks every table has
# its line here).
Accounts = TABLES["accounts"].model
Kams = TABLES["kams"].model
Products = TABLES["products"].model
Orders = TABLES["orders"].model
ServiceCosts = TABLES["service_costs"].model
Interactions = TABLES["interactions"].model
Complaints = TABLES["complaints"].model
Contacts = TABLES["contacts"].model
Wallet = TABLES["wallet"].model
Competitors = TABLES["competitors"].model
Targets = TABLES["targets"].model
Actions = TABLES["actions"].model
Ratings = TABLES["ratings"].model
KeyAccountDecisions = TABLES["key_account_decisions"].model
AccountPlans = TABLES["account_plans"].model
#: Column name -> (kind, required, nullable) per table, in the order of the data model.
COLUMN_KINDS: dict[str, dict[str, tuple[str, bool, bool]]] = {
    name: _kinds(table) for name, table in _MODEL.entries().items()
}


def column_kinds(table: str) -> dict[str, tuple[str, bool, bool]]:
    """Column name -> (kind, required, nullable) with kind one of text, number, integer, date."""
    return dict(COLUMN_KINDS[table])


def _kinds_from_models(table: str) -> dict[str, tuple[str, bool, bool]]:
    """The same, derived from the pandera model (slow in a fresh process; used by the test of COLUMN_KINDS)."""
    schema = TABLES[table].model.to_schema()
    out: dict[str, tuple[str, bool, bool]] = {}
    for name, col in schema.columns.items():
        dtype = str(col.dtype).lower()
        if "datetime" in dtype:
            kind = "date"
        elif "int" in dtype:
            kind = "integer"
        elif "float" in dtype:
            kind = "number"
        else:
            kind = "text"
        out[name] = (kind, bool(col.required), bool(col.nullable))
    return out


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
