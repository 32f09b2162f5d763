"""Pandera contracts for the KAM data model: one ``DataFrameModel`` per table.

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

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from kamlib import i18n

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


class _Base(pa.DataFrameModel):
    class Config:
        strict = False  # unknown extra columns are a warning (raised by the loader), not an error
        coerce = False  # the loader parses types itself, with row numbers in its messages


class Accounts(_Base):
    account_id: Series[str] = pa.Field(unique=True)
    name: Series[str]
    industry: Series[str] | None = pa.Field(nullable=True)
    country: Series[str] | None = pa.Field(nullable=True, str_matches=r"^[A-Z]{2}$")
    city: Series[str] | None = pa.Field(nullable=True)
    timezone: Series[str] | None = pa.Field(nullable=True)
    employees: Series[pd.Int64Dtype] | None = pa.Field(nullable=True, ge=0)
    customer_revenue_eur: Series[float] | None = pa.Field(nullable=True, ge=0)
    kam_id: Series[str] | None = pa.Field(nullable=True)
    since: Series[Date] | None = pa.Field(nullable=True)
    reference_value: Series[pd.Int64Dtype] | None = pa.Field(nullable=True, in_range={"min_value": 1, "max_value": 5})
    relationship_stage: Series[str] | None = pa.Field(nullable=True, isin=RELATIONSHIP_STAGES)
    status: Series[str] | None = pa.Field(nullable=True, isin=ACCOUNT_STATUS)


class Kams(_Base):
    kam_id: Series[str] = pa.Field(unique=True)
    name: Series[str]
    level: Series[str] | None = pa.Field(nullable=True, isin=KAM_LEVELS)
    capacity: Series[pd.Int64Dtype] | None = pa.Field(nullable=True, ge=0)


class Products(_Base):
    product_id: Series[str] = pa.Field(unique=True)
    name: Series[str] | None = pa.Field(nullable=True)
    product_line: Series[str]


class Orders(_Base):
    order_id: Series[str] = pa.Field(unique=True)
    account_id: Series[str]
    date: Series[Date]
    product_id: Series[str] | None = pa.Field(nullable=True)
    business_unit: Series[str] | None = pa.Field(nullable=True)
    quantity: Series[float] | None = pa.Field(nullable=True, ge=0)
    gross_revenue_eur: Series[float] = pa.Field(ge=0)
    discount_eur: Series[float] | None = pa.Field(nullable=True, ge=0)
    cogs_eur: Series[float] | None = pa.Field(nullable=True, ge=0)

    @pa.dataframe_check
    @classmethod
    def discount_not_above_gross(cls, df: pd.DataFrame) -> pd.Series[bool]:
        if "discount_eur" not in df:
            return pd.Series(True, index=df.index)
        # a negative gross revenue is reported by its own check; don't repeat it here
        return ~((df["discount_eur"] > df["gross_revenue_eur"]) & (df["gross_revenue_eur"] >= 0))


class ServiceCosts(_Base):
    account_id: Series[str]
    period: Series[str] = pa.Field(str_matches=PERIOD_PATTERN)
    category: Series[str] = pa.Field(isin=COST_CATEGORIES)
    cost_eur: Series[float] = pa.Field(ge=0)


class Interactions(_Base):
    interaction_id: Series[str] = pa.Field(unique=True)
    account_id: Series[str]
    date: Series[Date]
    type: Series[str] = pa.Field(isin=INTERACTION_TYPES)
    kam_id: Series[str] | None = pa.Field(nullable=True)
    contact_id: Series[str] | None = pa.Field(nullable=True)


class Complaints(_Base):
    complaint_id: Series[str] = pa.Field(unique=True)
    account_id: Series[str]
    opened: Series[Date]
    closed: Series[Date] | None = pa.Field(nullable=True)
    severity: Series[str] | None = pa.Field(nullable=True, isin=SEVERITIES)
    category: Series[str] | None = pa.Field(nullable=True)

    @pa.dataframe_check
    @classmethod
    def closed_not_before_opened(cls, df: pd.DataFrame) -> pd.Series[bool]:
        if "closed" not in df:
            return pd.Series(True, index=df.index)
        return ~(df["closed"] < df["opened"])


class Contacts(_Base):
    contact_id: Series[str] = pa.Field(unique=True)
    account_id: Series[str]
    name: Series[str]
    title: Series[str] | None = pa.Field(nullable=True)
    business_unit: Series[str] | None = pa.Field(nullable=True)
    buying_role: Series[str] = pa.Field(isin=BUYING_ROLES)
    influence: Series[pd.Int64Dtype] | None = pa.Field(nullable=True, in_range={"min_value": 1, "max_value": 5})
    attitude: Series[str] | None = pa.Field(nullable=True, isin=ATTITUDES)


class Wallet(_Base):
    account_id: Series[str]
    product_line: Series[str]
    business_unit: Series[str]
    potential_eur: Series[float] = pa.Field(ge=0)

    class Config:
        unique = ["account_id", "product_line", "business_unit"]


class Competitors(_Base):
    account_id: Series[str]
    competitor: Series[str]
    product_line: Series[str]
    share: Series[float] = pa.Field(in_range={"min_value": 0, "max_value": 1})

    @pa.dataframe_check
    @classmethod
    def shares_sum_to_at_most_one(cls, df: pd.DataFrame) -> pd.Series[bool]:
        total = df.groupby(["account_id", "product_line"])["share"].transform("sum")
        return ~(total > 1.0 + 1e-6)


class Targets(_Base):
    account_id: Series[str]
    period: Series[str] = pa.Field(str_matches=PERIOD_PATTERN)
    revenue_target_eur: Series[float] = pa.Field(ge=0)
    margin_target_eur: Series[float] | None = pa.Field(nullable=True)

    class Config:
        unique = ["account_id", "period"]


class Actions(_Base):
    action_id: Series[str] = pa.Field(unique=True)
    account_id: Series[str]
    goal: Series[str] | None = pa.Field(nullable=True)
    action: Series[str]
    owner: Series[str] | None = pa.Field(nullable=True)
    due: Series[Date] | None = pa.Field(nullable=True)
    status: Series[str] = pa.Field(isin=ACTION_STATUS)


class Ratings(_Base):
    rater: Series[str]
    account_id: Series[str]
    criterion: Series[str] = pa.Field(isin=CRITERIA)
    score: Series[float] = pa.Field(in_range={"min_value": 0, "max_value": 10})

    class Config:
        unique = ["rater", "account_id", "criterion"]


class KeyAccountDecisions(_Base):
    """The decision register: the definitive key-account list as management pinned it, one row per
    account and decision date. The rows of the latest ``decided_on`` (up to ``as_of``) are the pinned
    decision; earlier dates are the history notebook 05 compares with."""

    decided_on: Series[Date]
    decided_by: Series[str]
    account_id: Series[str]
    decision: Series[str] = pa.Field(isin=DECISIONS)
    reason: Series[str] | None = pa.Field(nullable=True)
    parameters: Series[str] | None = pa.Field(nullable=True)

    class Config:
        unique = ["decided_on", "account_id"]


class AccountPlans(_Base):
    """The account plan, one row per item: the customer's goals and plans, our objectives, strategy and USP
    (internal), the account team on both sides and the goals agreed with the customer (owners, due, status)."""

    item_id: Series[str] = pa.Field(unique=True)
    account_id: Series[str]
    section: Series[str] = pa.Field(isin=PLAN_SECTIONS)
    text: Series[str]
    owner_ours: Series[str] | None = pa.Field(nullable=True)
    owner_customer: Series[str] | None = pa.Field(nullable=True)
    due: Series[Date] | None = pa.Field(nullable=True)
    status: Series[str] | None = pa.Field(nullable=True, isin=PLAN_STATUS)
    result: Series[str] | None = pa.Field(nullable=True)
    updated_on: Series[Date]


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


def _fk(column: str, table: str, target: str | None = None) -> ForeignKey:
    return ForeignKey(column, table, target or column)


_ACC = _fk("account_id", "accounts")

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("accounts", Accounts, True, "account_id", (_fk("kam_id", "kams"),), ("since",)),
        TableSpec("kams", Kams, False, "kam_id"),
        TableSpec("products", Products, False, "product_id"),
        TableSpec("orders", Orders, True, "order_id", (_ACC, _fk("product_id", "products")), ("date",)),
        TableSpec("service_costs", ServiceCosts, False, None, (_ACC,)),
        TableSpec(
            "interactions",
            Interactions,
            False,
            "interaction_id",
            (_ACC, _fk("kam_id", "kams"), _fk("contact_id", "contacts")),
            ("date",),
        ),
        TableSpec("complaints", Complaints, False, "complaint_id", (_ACC,), ("opened", "closed")),
        TableSpec("contacts", Contacts, False, "contact_id", (_ACC,)),
        TableSpec("wallet", Wallet, False, None, (_ACC,)),
        TableSpec("competitors", Competitors, False, None, (_ACC,)),
        TableSpec("targets", Targets, False, None, (_ACC,)),
        TableSpec("actions", Actions, False, "action_id", (_ACC,)),
        TableSpec("ratings", Ratings, False, None, (_ACC,)),
        TableSpec("key_account_decisions", KeyAccountDecisions, False, None, (_ACC,)),
        TableSpec("account_plans", AccountPlans, False, "item_id", (_ACC,), ("updated_on",)),
    )
}


#: The kind of a column by the type in its annotation.
_KINDS: dict[object, str] = {str: "text", float: "number", pd.Int64Dtype: "integer", Date: "date"}


def _kinds_declared(model: type[pa.DataFrameModel]) -> dict[str, tuple[str, bool, bool]]:
    """Column name -> (kind, required, nullable) as the model declares them: the annotation gives the kind
    (``| None``: not required), the ``pa.Field`` whether it is nullable. Read from the declarations that pandera
    collects when the class is made, without building the schema (about a second of imports in a fresh kernel);
    a test checks that it equals what the built schema says (``_kinds_from_models``)."""
    return {
        name: (_KINDS[annotation.arg], not annotation.optional, bool(field is not None and field.nullable))
        for name, (annotation, field) in model.__fields__.items()
    }


#: Column name -> (kind, required, nullable) per table, in the order of the data model.
COLUMN_KINDS: dict[str, dict[str, tuple[str, bool, bool]]] = {
    name: _kinds_declared(spec.model) for name, spec in TABLES.items()
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
