"""Review cycles: the quarterly business review of one account and the portfolio review of all key accounts.

Source 001 asks for regular reviews that compare revenue with previous quarters and with the plan; source 003
names the KPIs a key account manager is measured by (retention, churn, additional products sold, meetings and
calls, change in profitability); source 004 places reviews and controlling after the implementation.

Periods are calendar quarters written ``"2025Q4"``. Revenue is gross revenue (``gross_revenue_eur``) as in
:mod:`kamlib.selection`; margin is DB I (net revenue minus cost of goods).

Examples
--------
>>> import kamlib
>>> data = kamlib.load("data/sample", as_of="2025-12-31")
>>> str(check_period(data, "2025Q4"))
'2025Q4'
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kamlib import defaults, i18n, periods, retention
from kamlib.data import schemas
from kamlib.data.cache import memo_scoped, portfolio_memo
from kamlib.data.datafile import DataFile, Entry
from kamlib.data.writers import md_escape
from kamlib.errors import KamParameterError

if TYPE_CHECKING:
    from kamlib.selection import Selection

QUARTER_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")
#: Health score components and their default weights (normalised to sum 1): :data:`kamlib.defaults.HEALTH_WEIGHTS`.
DEFAULT_WEIGHTS: dict[str, float] = defaults.HEALTH_WEIGHTS
#: Upper ends of the health bands (inclusive); above the last: green.
BANDS = ((50.0, "red"), (75.0, "amber"))
CONTACT_TYPES = ("meeting", "call", "visit", "qbr")
COVERAGE_ROLES = ("decider", "buyer", "influencer", "user")

LABELS: dict[str, tuple[str, str]] = i18n.table("review.labels")
#: Column and index labels of the tables notebooks 04 and 05 show (after :data:`LABELS` in :func:`label`).
COLUMNS: dict[str, tuple[str, str]] = i18n.table("review.columns")
#: Code values in table cells: action states and statuses, yes/no, the missing band.
VALUES: dict[str, tuple[str, str]] = i18n.table("review.values")

_TEXTS: dict[str, tuple[str, str]] = i18n.table("review.texts")
#: Sentences the notebooks print (:func:`text`).
SENTENCES: dict[str, tuple[str, str]] = i18n.table("review.sentences")
#: Why a review period is refused (:class:`PeriodError`).
ERRORS: dict[str, tuple[str, str]] = i18n.table("review.errors")

#: Optional tables each view of this module reads, in the order their notes are shown.
NOTE_TABLES: dict[str, tuple[str, ...]] = {
    "account": ("targets", "interactions", "complaints", "contacts", "actions", "service_costs", "products"),
    "portfolio": ("kams", "targets", "interactions", "complaints", "contacts", "actions", "service_costs"),
}


def has_costs(data) -> bool:
    """True when the data hold any cost: cost of goods in ``orders`` or a ``service_costs`` table.

    Without either, every margin is 100 % of net revenue, and a margin trend carries no information.
    """
    o = data.orders
    return data.has("service_costs") or ("cogs_eur" in o and bool(o["cogs_eur"].notna().any()))


def missing_data_notes(data, *, view: str = "account", lang: str = "en") -> list[str]:
    """What a review cannot show with this data: one sentence per optional table it lacks, in ``lang``.

    ``view`` is ``"account"`` (notebook 04) or ``"portfolio"`` (notebook 05). Empty when every table the view
    reads is there.

    Examples
    --------
    >>> import kamlib
    >>> missing_data_notes(kamlib.load("data/sample", as_of="2025-12-31"))
    []
    """
    if view not in NOTE_TABLES:
        raise KamParameterError("view", f"must be one of {', '.join(NOTE_TABLES)}, not {view!r}")
    i18n.check_lang(lang)
    # without actions, an account plan is still known from the account_plans table (the note says so)
    suffix = {"actions": "_plans"} if data.has("account_plans") else {}
    notes = [_text(f"missing_{t}{suffix.get(t, '')}", lang) for t in NOTE_TABLES[view] if not data.has(t)]
    if view == "portfolio" and not kam_checkable(data):
        notes.append(_text("no_kam_data", lang))
    if not has_costs(data):
        notes.append(_text("no_costs", lang))
    return notes


def label(key: str, lang: str = "en") -> str:
    """The label ``key`` in ``lang`` ('en' or 'de') from :data:`LABELS`, :data:`COLUMNS` or :data:`VALUES`;
    unknown keys (and keys that are not text, such as a row number) are returned unchanged.

    Examples
    --------
    >>> label("ytd_actual", "de"), label("overdue", "de"), label("ACC-0044", "de")
    ('Seit Jahresbeginn', 'überfällig', 'ACC-0044')
    """
    i18n.check_lang(lang)
    if not isinstance(key, str):
        return key
    for table in (LABELS, COLUMNS, VALUES):
        if key in table:
            return i18n.pick(table[key], lang)
    return key


def _text(key: str, lang: str, **values: object) -> str:
    return i18n.pick(_TEXTS[key], lang).format(**values)


def text(key: str, lang: str = "en", **values: object) -> str:
    """The sentence ``key`` of :data:`SENTENCES` in ``lang`` with ``values`` filled in (values are inserted
    as given: format numbers and dates for ``lang`` before).

    Examples
    --------
    >>> text("note", "de", text="Keine Tabelle kams.")
    'Hinweis: Keine Tabelle kams.'
    """
    return i18n.pick(SENTENCES[key], lang).format(**values)


def data_line(data, lang: str = "en") -> str:
    """One line on the data a notebook loaded: its source, as-of date and size, in ``lang``.

    Examples
    --------
    >>> import kamlib
    >>> data_line(kamlib.load(kamlib.SAMPLE), "de")
    'Daten: Beispielunternehmen, Stand 31.12.2025: 240 Kunden, 6.683 Auftragspositionen'
    """
    from pathlib import Path

    import kamlib

    src = str(data.source)
    try:
        sample = Path(src).resolve() == Path(kamlib.SAMPLE).resolve()
    except (OSError, TypeError, ValueError):
        sample = False
    return text(
        "data_line",
        lang,
        source=text("sample_source", lang) if sample else src,
        as_of=i18n.date(data.as_of, lang),
        accounts=i18n.number(len(data.accounts), lang, 0),
        orders=i18n.number(len(data.orders), lang, 0),
    )


def review_heading(data, account_id: str, quarter, lang: str = "en") -> str:
    """'ACC-0044 Name: quarterly business review (QBR) 2025Q4 (2025-10-01 to 2025-12-31)' in ``lang`` (dates as
    01.10.2025 in German).

    Examples
    --------
    >>> import kamlib
    >>> review_heading(kamlib.load(kamlib.SAMPLE), "ACC-0044", "2025Q4", "de").split(": ")[1]
    'Quartalsgespräch (QBR) 2025Q4 (01.10.2025 bis 31.12.2025)'
    """
    q = parse_period(str(quarter))
    name = data.accounts.set_index("account_id").loc[account_id, "name"]
    return text(
        "review_of",
        lang,
        account_id=account_id,
        name=name,
        quarter=str(q),
        start=i18n.date(q.start_time, lang),
        end=i18n.date(q.end_time, lang),
    )


class PeriodError(KamParameterError):
    """A review period that cannot be used: :data:`ERRORS` code ``code`` with ``values`` (dates as
    timestamps), so that the reason can be shown in any language (:meth:`message`). The exception's own
    text is the English message.
    """

    def __init__(self, code: str, **values: object):
        self.code, self.values = code, values
        super().__init__("period", self.reason("en"))

    def reason(self, lang: str = "en") -> str:
        """Why the period is refused, in ``lang``."""
        shown = {k: i18n.date(v, lang) if isinstance(v, pd.Timestamp) else str(v) for k, v in self.values.items()}
        return i18n.pick(ERRORS[self.code], lang).format(**shown)

    def message(self, lang: str = "en") -> str:
        """'parameter period: <reason>' in ``lang``."""
        return i18n.pick(ERRORS["parameter"], lang).format(parameter=self.parameter, reason=self.reason(lang))


def refused_periods(data, periods, *, lang: str = "en") -> list[str]:
    """For each of ``periods``: the period as given, then why :func:`check_period` refuses it, in ``lang``
    (periods it accepts are left out). Notebook 04 shows what wrong input looks like with this.

    Examples
    --------
    >>> import kamlib
    >>> refused_periods(kamlib.load(kamlib.SAMPLE), ["2025Q4", "2030Q1"], lang="de")
    ["'2030Q1': Parameter period: 2030Q1 ist zum Datenstand 31.12.2025 noch nicht abgeschlossen; das letzte \
Quartal, das sich prüfen lässt, ist 2025Q4"]
    """
    out = []
    for p in periods:
        try:
            check_period(data, p)
        except PeriodError as err:
            out.append(f"{p!r}: {err.message(lang)}")
    return out


# --------------------------------------------------------------------------- periods


def parse_period(period: str) -> pd.Period:
    """A calendar quarter ``"YYYYQn"`` as a :class:`pandas.Period`; anything else is a KamParameterError.

    Examples
    --------
    >>> parse_period("2025Q4").end_time.date()
    datetime.date(2025, 12, 31)
    """
    m = QUARTER_PATTERN.match(str(period).strip()) if isinstance(period, str) else None
    if m is None:
        raise PeriodError("not_a_quarter", given=repr(period))
    return pd.Period(f"{m.group(1)}Q{m.group(2)}", freq="Q")


def last_complete_quarter(as_of: str | pd.Timestamp) -> pd.Period:
    """The latest calendar quarter that has ended by ``as_of`` (the default review period).

    Examples
    --------
    >>> str(last_complete_quarter("2025-12-31")), str(last_complete_quarter("2025-12-30"))
    ('2025Q4', '2025Q3')
    >>> str(last_complete_quarter("1998-06-30")), str(last_complete_quarter("2026-01-15"))
    ('1998Q2', '2025Q4')
    """
    as_of = pd.Timestamp(as_of).normalize()
    q = pd.Period(as_of, freq="Q")
    return q if as_of >= q.end_time.normalize() else q - 1


def check_period(
    data, period: str | None, *, as_of: str | pd.Timestamp | None = None, account_id: str | None = None
) -> pd.Period:
    """Validate ``period`` against the data and return it as a quarter.

    An empty ``period`` (or None) means the default: the last complete quarter as of ``as_of``
    (:func:`last_complete_quarter`), or the last quarter with orders when the data ends before it; the
    same in every notebook and in ``kam run``.

    A period is refused when it is not written ``YYYYQn``, when it ends after ``as_of`` (default
    ``data.as_of``; a quarter still running cannot be reviewed yet), or when it has no orders at all (for
    ``account_id``: neither orders nor a target of the account in the quarter).

    Raises
    ------
    KamParameterError
        With parameter ``period`` and a message that names the usable range.
    """
    as_of = pd.Timestamp(as_of if as_of is not None else data.as_of)
    last_full = last_complete_quarter(as_of)
    if period is None or not str(period).strip():  # the default: the last complete quarter with orders
        seen = data.orders["date"][data.orders["date"] <= last_full.end_time]
        q = pd.Period(seen.max(), freq="Q") if len(seen) else last_full
    else:
        q = parse_period(period)
    if q > last_full:
        raise PeriodError("not_complete", quarter=q, as_of=as_of.normalize(), last=last_full)
    d = data.orders["date"]
    in_q = (d >= q.start_time) & (d <= q.end_time)
    if not in_q.any():
        if not len(d):
            raise PeriodError("no_orders_at_all", quarter=q)
        raise PeriodError("no_orders", quarter=q, first=pd.Period(d.min(), freq="Q"), last=last_full)
    if account_id is not None:
        has_orders = (in_q & (data.orders["account_id"] == account_id)).any()
        t = data.targets
        has_target = ((t["account_id"] == account_id) & (t["period"].astype(str) == str(q))).any()
        if not (has_orders or has_target):
            raise PeriodError("account_no_data", account_id=account_id, quarter=q)
    return q


def _in(dates: pd.Series, q: pd.Period) -> pd.Series:
    return (dates >= q.start_time) & (dates <= q.end_time)


def _ytd(q: pd.Period, fiscal_year_start: int = 1) -> list[pd.Period]:
    """Quarters of the (fiscal) year up to and including ``q``; the fiscal year starts in month 1, 4, 7 or 10."""
    first = (fiscal_year_start - 1) // 3 + 1
    year = q.year if q.quarter >= first else q.year - 1
    return list(pd.period_range(pd.Period(f"{year}Q{first}", freq="Q"), q, freq="Q"))


def check_fiscal_year_start(month: object) -> int:
    """The fiscal year's first month; quarters stay calendar quarters, so it must be 1, 4, 7 or 10."""
    if isinstance(month, bool) or month not in (1, 4, 7, 10):
        raise KamParameterError(
            "fiscal_year_start", f"must be the first month of a calendar quarter (1, 4, 7 or 10), not {month!r}"
        )
    return int(month)


def _growth(cur: float, prev: float) -> float:
    return float(cur / prev - 1.0) if prev else float("nan")


def snapshot(data, as_of: str | pd.Timestamp):
    """A copy of ``data`` as it looked on ``as_of``: dated rows after it removed, complaints closed later reopened.

    Action statuses cannot be rolled back and are kept as recorded.
    """
    as_of = pd.Timestamp(as_of)
    c = data.complaints[data.complaints["opened"] <= as_of].copy()
    c["closed"] = c["closed"].where(c["closed"] <= as_of)
    return dataclasses.replace(
        data,
        as_of=as_of,
        orders=data.orders[data.orders["date"] <= as_of],
        interactions=data.interactions[data.interactions["date"] <= as_of],
        complaints=c,
    )


# --------------------------------------------------------------------------- plan vs actual


def quarterly_figures(data, *, account_ids=None) -> pd.DataFrame:
    """Revenue (gross) and DB I per account and quarter: index (account_id, period), columns revenue, db1."""
    o = data.orders
    if account_ids is not None:
        o = o[o["account_id"].isin(list(account_ids))]
    db1 = o["gross_revenue_eur"] - o["discount_eur"].fillna(0.0) - o["cogs_eur"].fillna(0.0)
    frame = pd.DataFrame(
        {
            "account_id": o["account_id"].astype(str),
            "period": o["date"].dt.to_period("Q"),
            "revenue": o["gross_revenue_eur"].astype(float),
            "db1": db1.astype(float),
        }
    )
    return frame.groupby(["account_id", "period"]).sum()


def quarter_target(data, account_id: str, q: pd.Period) -> tuple[float, float]:
    """Revenue and margin target of one account for quarter ``q`` (a year target counts one quarter)."""
    t = data.targets[data.targets["account_id"] == account_id]
    per = t["period"].astype(str)
    rows, factor = t[per == str(q)], 1.0
    if not len(rows):
        rows, factor = t[per == str(q.year)], 0.25
    if not len(rows):
        return float("nan"), float("nan")
    m = rows["margin_target_eur"]
    return (
        float(rows["revenue_target_eur"].sum()) * factor,
        float(m.sum()) * factor if m.notna().any() else float("nan"),
    )


def plan_vs_actual(data, account_id: str, period: str, *, fiscal_year_start: int = 1) -> pd.DataFrame:
    """Revenue and DB I of one account in ``period`` against plan, previous quarter, last year and year to date.

    The year to date runs from the first quarter of the fiscal year (``fiscal_year_start``: month 1, 4, 7
    or 10; e.g. 4 for a year from April to March) up to ``period``.

    Returns
    -------
    DataFrame
        Index ``revenue``, ``db1``; columns actual, target, attainment (actual/target), previous_quarter,
        qoq_growth, same_quarter_last_year, yoy_growth, ytd_actual, ytd_target and ytd_attainment (targets
        of quarters without a target are left out of the YTD plan, and their actuals too).
    """
    q = check_period(data, period, account_id=account_id)
    fiscal_year_start = check_fiscal_year_start(fiscal_year_start)
    fig = quarterly_figures(data, account_ids=[account_id])
    fig = fig.droplevel(0) if len(fig) else pd.DataFrame(columns=["revenue", "db1"], dtype=float)

    def val(p, col):
        return float(fig[col].get(p, 0.0))

    rows = {}
    for i, col in enumerate(("revenue", "db1")):
        actual = val(q, col)
        target = quarter_target(data, account_id, q)[i]
        prev, last = val(q - 1, col), val(q - 4, col)
        ytd_q = _ytd(q, fiscal_year_start)
        ytd_t = [quarter_target(data, account_id, p)[i] for p in ytd_q]
        planned = [p for p, t in zip(ytd_q, ytd_t) if not math.isnan(t)]
        ytd_target = float(sum(t for t in ytd_t if not math.isnan(t))) if planned else float("nan")
        ytd_actual = float(sum(val(p, col) for p in ytd_q))
        ytd_planned_actual = float(sum(val(p, col) for p in planned))
        rows[col] = {
            "actual": actual,
            "target": target,
            "attainment": actual / target if target and not math.isnan(target) else float("nan"),
            "previous_quarter": prev,
            "qoq_growth": _growth(actual, prev),
            "same_quarter_last_year": last,
            "yoy_growth": _growth(actual, last),
            "ytd_actual": ytd_actual,
            "ytd_target": ytd_target,
            "ytd_attainment": ytd_planned_actual / ytd_target if planned and ytd_target else float("nan"),
        }
    return pd.DataFrame(rows).T


def _cents(x) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float) * 100.0).astype(np.int64)


def price_volume_mix(
    current: pd.DataFrame,
    base: pd.DataFrame,
    *,
    by: str = "product_line",
    item: str = "product_id",
    revenue: str = "gross_revenue_eur",
) -> pd.Series:
    """Split the revenue change between two periods into volume, mix, price and new/lost product lines.

    Parameters
    ----------
    current, base
        Order rows of the two periods with columns ``by``, ``item`` (optional), ``quantity`` and ``revenue``
        (a missing quantity counts as 1).
    by
        The column of the lines (default ``"product_line"``): a line bought in only one of the periods is new or
        lost business; every other effect is computed within the lines bought in both.
    item
        The column of the items within a line (default ``"product_id"``); without it, the lines are the items.
    revenue
        The revenue column (``"gross_revenue_eur"``, or ``"net_revenue_eur"`` when the caller added it, so
        that discounts show up in the price effect).

    Returns
    -------
    Series
        ``base_revenue``, ``current_revenue``, ``volume``, ``mix``, ``price``, ``new_lines``, ``lost_lines`` and
        ``total`` in EUR, with ``volume + mix + price + new_lines + lost_lines == total`` exactly.

    Notes
    -----
    Lines bought in both periods (quantity above 0 in each) are *common*. Within each common line *L*, per item
    *i* of it bought in both periods: quantities q0_i, q1_i, average prices p_i = revenue_i / q_i, the line's
    totals Q0_L = Σ q0_i and Q1_L = Σ q1_i, base shares s0_i = q0_i / Q0_L and base average price
    P0_L = Σ s0_i·p0_i. Then, summed over the lines (units of different lines are never added up):

    * volume = Σ_L (Q1_L − Q0_L) · P0_L (more or fewer units of a line at its old mix and prices),
    * mix = Σ (q1_i − Q1_L·s0_i) · p0_i (units shifted between the items of a line at old prices), plus the revenue of items
      of a common line bought now only, minus that of items of a common line bought then only (the customer
      switched products within a line: a change of what is bought, not of prices and not new business),
    * price = Σ q1_i · (p1_i − p0_i) (new prices on the new quantities, same items only),
    * new_lines = revenue of lines bought now but not in the base period,
    * lost_lines = − revenue of lines bought in the base period but not now.

    Prices are compared item by item, never as a line's average over different products (whose unit prices
    may differ thirtyfold). Volume + the first part of mix = Σ q1_i·p0_i − Σ q0_i·p0_i, so the effects add up
    to the change algebraically. To make the sum exact also in floating point, all effects are computed in
    whole cents; volume and mix are rounded to the cent and the price effect is the remaining cents, which
    differs from the formula above by at most a few cents of rounding.
    """

    def items(df):
        q = df["quantity"].astype(float).fillna(1.0) if "quantity" in df else pd.Series(1.0, index=df.index)
        line = df[by].fillna("?").astype(str)
        key = df[item].fillna("?").astype(str) if item in df else line
        g = pd.DataFrame({"line": line, "item": key, "q": q, "rev": df[revenue].astype(float)})
        return g.groupby(["line", "item"])[["q", "rev"]].sum()

    b, c = items(base), items(current)
    lb, lc = b.groupby(level="line").sum(), c.groupby(level="line").sum()
    common = lb.index.intersection(lc.index)
    common = common[(lb.loc[common, "q"] > 0) & (lc.loc[common, "q"] > 0)]
    new = lc.index.difference(common)
    lost = lb.index.difference(common)
    rev0_c, rev1_c = int(_cents(b["rev"]).sum()), int(_cents(c["rev"]).sum())
    total = rev1_c - rev0_c
    new_c = int(_cents(lc.loc[new, "rev"]).sum())
    lost_c = -int(_cents(lb.loc[lost, "rev"]).sum())
    bc = b[b.index.get_level_values("line").isin(common)]
    cc = c[c.index.get_level_values("line").isin(common)]
    both = bc.index.intersection(cc.index)
    both = both[(bc.loc[both, "q"] > 0).to_numpy() & (cc.loc[both, "q"] > 0).to_numpy()]
    switched = int(_cents(cc.drop(both)["rev"]).sum()) - int(_cents(bc.drop(both)["rev"]).sum())
    if len(both):  # each line on its own: units of a gear and of a sensor are never added up
        q0, q1 = bc.loc[both, "q"], cc.loc[both, "q"]
        p0 = bc.loc[both, "rev"] / q0
        line = q0.index.get_level_values("line")
        Q0, Q1 = q0.groupby(line).transform("sum"), q1.groupby(line).transform("sum")
        share0 = q0 / Q0
        P0 = (share0 * p0).groupby(line).sum()
        dQ = (q1.groupby(line).sum() - q0.groupby(line).sum()).reindex(P0.index)
        volume = int(_cents(dQ * P0).sum())
        mix = int(_cents(((q1 - Q1 * share0) * p0).groupby(line).sum()).sum()) + switched
    else:
        volume, mix = 0, switched
    price = total - volume - mix - new_c - lost_c
    out = pd.Series(
        {
            "base_revenue": rev0_c,
            "current_revenue": rev1_c,
            "volume": volume,
            "mix": mix,
            "price": price,
            "new_lines": new_c,
            "lost_lines": lost_c,
            "total": total,
        },
        dtype="int64",
    )
    return out / 100.0


def _orders_with_lines(data, account_id: str) -> pd.DataFrame:
    o = data.orders[data.orders["account_id"] == account_id]
    lines = data.products.set_index("product_id")["product_line"] if len(data.products) else pd.Series(dtype=str)
    line = o["product_id"].map(lines).astype(object)
    return o.assign(product_line=line.fillna(o["product_id"]).fillna("?"))


def variance_bridge(data, account_id: str, period: str, *, base: str = "year", measure: str = "net") -> pd.Series:
    """Price/volume/mix bridge of one account by product line: ``period`` against the same quarter last year
    (``base="year"``) or the previous quarter (``base="quarter"``).

    New and lost business is counted by product line (``products.product_line``; a product missing from
    ``products`` is a line of its own, orders without a product one line ``"?"``): buying another product of a
    line the customer bought before is a change of mix, not a new and a lost line. Volume, mix and price are
    computed within the lines bought in both quarters, prices product by product; ``new_lines`` is the revenue of
    lines bought in the reviewed quarter but not in the base quarter, ``lost_lines`` minus the revenue of lines
    bought in the base quarter but not in the reviewed one (either may have been bought in between: they are not
    the cross-sell of :func:`account_kpis`, which counts lines bought for the first time).
    ``measure="net"`` (default) bridges net revenue (gross minus discount), so that discounts appear in the
    price effect; ``"gross"`` bridges gross revenue as in :func:`plan_vs_actual`.
    See :func:`price_volume_mix` for the definitions."""
    if measure not in ("net", "gross"):
        raise KamParameterError("measure", f"must be 'net' or 'gross', not {measure!r}")
    if base not in ("year", "quarter"):
        raise KamParameterError("base", f"must be 'year' or 'quarter', not {base!r}")
    q = check_period(data, period, account_id=account_id)
    q0 = q - 4 if base == "year" else q - 1
    o = _orders_with_lines(data, account_id)
    o = o.assign(net_revenue_eur=o["gross_revenue_eur"] - o["discount_eur"].fillna(0.0))
    col = "net_revenue_eur" if measure == "net" else "gross_revenue_eur"
    out = price_volume_mix(
        o[_in(o["date"], q)], o[_in(o["date"], q0)], by="product_line", item="product_id", revenue=col
    )
    out.name = f"{q0} -> {q}"
    return out


# --------------------------------------------------------------------------- KPIs of source 003


def retention_kpis(data, period: str, *, account_ids=None, base: str = "year") -> pd.Series:
    """Logo and revenue retention over a set of accounts, ``period`` against a base period, by the one
    definition of :mod:`kamlib.retention` (start accounts: revenue in the base period; retained: revenue now).

    The base period is the same quarter last year (``base="year"``) or the previous quarter. Returns
    ``base_period`` and the figures of :func:`kamlib.retention.summary`: start, retained, churned, returned and
    new accounts, logo retention, churn rate, start revenue, expansion, contraction, churned revenue, GRR, NRR.
    """
    if base not in ("year", "quarter"):
        raise KamParameterError("base", f"must be 'year' or 'quarter', not {base!r}")
    q = check_period(data, period)
    q0 = q - 4 if base == "year" else q - 1
    figures = retention.between(
        data.orders, (q0.start_time, q0.end_time), (q.start_time, q.end_time), account_ids=account_ids
    )
    return pd.concat([pd.Series({"base_period": str(q0)}, dtype=object), figures])


#: Up to this many days between review meetings the meeting is the quarterly business review (QBR); from
#: :data:`ANNUAL_REVIEW_DAYS` on it is the annual review (Jahresgespräch); in between a business review.
QBR_DAYS, ANNUAL_REVIEW_DAYS = 92, 365


def review_meeting(cadence_days: int, lang: str = "en") -> str:
    """The review meeting a cadence of ``cadence_days`` calls for, in ``lang``: the quarterly business review
    (QBR) up to :data:`QBR_DAYS` days, the annual review (Jahresgespräch) from :data:`ANNUAL_REVIEW_DAYS` days,
    a business review in between.

    Examples
    --------
    >>> review_meeting(90, "de"), review_meeting(365, "de"), review_meeting(365, "en")
    ('Quartalsgespräch (QBR)', 'Jahresgespräch', 'annual review (Jahresgespräch)')
    """
    i18n.check_lang(lang)
    key = (
        "meeting_qbr"
        if cadence_days <= QBR_DAYS
        else "meeting_annual"
        if cadence_days >= ANNUAL_REVIEW_DAYS
        else "meeting_review"
    )
    return _text(key, lang)


def expected_contacts(q: pd.Period, cadence_days: int) -> int:
    """Meetings/calls a quarter should have at one contact every ``cadence_days`` days (at least 1)."""
    days = (q.end_time.normalize() - q.start_time).days + 1
    return max(1, int(round(days / cadence_days)))


def account_kpis(data, account_id: str, period: str, *, cadence_days: int = 90) -> pd.Series:
    """The KPIs of source 003 for one account and quarter (previous quarter as comparison).

    Returns
    -------
    Series
        revenue, revenue_previous_quarter, revenue_last_year, grr_yoy and nrr_yoy (the account's gross and net
        revenue retention against the same quarter last year by :mod:`kamlib.retention`: NRR = revenue / revenue
        last year, GRR the same but at most 100 %; NaN without revenue last year),
        product_lines, new_product_lines (lines bought for the first time), contacts_held (the meetings and calls
        of source 003: interactions of the types meeting, visit, qbr and call; e-mails do not count),
        contacts_expected (from the cadence), meetings (in person: meeting, visit, qbr), calls, db4_margin, db4_margin_previous,
        db4_margin_change (percentage points as a fraction), complaints_opened, complaints_closed,
        complaints_open_at_end, mean_resolution_days (of complaints closed in the quarter).
    """
    if cadence_days <= 0:
        raise KamParameterError("cadence_days", "must be a positive number of days")
    q = check_period(data, period, account_id=account_id)
    o = _orders_with_lines(data, account_id)
    cur = o[_in(o["date"], q)]
    lines_now = set(cur["product_line"])
    lines_before = set(o.loc[o["date"] < q.start_time, "product_line"])
    rev = lambda p: float(o.loc[_in(o["date"], p), "gross_revenue_eur"].sum())  # noqa: E731
    it = data.interactions[(data.interactions["account_id"] == account_id) & _in(data.interactions["date"], q)]
    held = it[it["type"].isin(CONTACT_TYPES)]
    margins = db4_margins(data, account_id)
    m1, m0 = margins.get(str(q), float("nan")), margins.get(str(q - 1), float("nan"))
    c = data.complaints[data.complaints["account_id"] == account_id]
    opened = c[_in(c["opened"], q)]
    closed = c[c["closed"].notna() & _in(c["closed"], q)]
    open_end = c[(c["opened"] <= q.end_time) & (c["closed"].isna() | (c["closed"] > q.end_time))]
    res = (closed["closed"] - closed["opened"]).dt.days
    r1, r_last = rev(q), rev(q - 4)
    one = retention.summary(pd.Series({account_id: r_last}), pd.Series({account_id: r1}))  # GRR, NRR of one account
    nan = float("nan")
    met, heard = data.has("interactions"), data.has("complaints")  # without the table: unknown, not 0
    return pd.Series(
        {
            "revenue": r1,
            "revenue_previous_quarter": rev(q - 1),
            "revenue_last_year": r_last,
            "grr_yoy": one["grr"],
            "nrr_yoy": one["nrr"],
            "product_lines": len(lines_now),
            "new_product_lines": len(lines_now - lines_before),
            "contacts_held": len(held) if met else nan,
            "contacts_expected": expected_contacts(q, cadence_days),
            "meetings": int(held["type"].isin(["meeting", "visit", "qbr"]).sum()) if met else nan,
            "calls": int((held["type"] == "call").sum()) if met else nan,
            "db4_margin": m1,
            "db4_margin_previous": m0,
            "db4_margin_change": m1 - m0,
            "complaints_opened": len(opened) if heard else nan,
            "complaints_closed": len(closed) if heard else nan,
            "complaints_open_at_end": len(open_end) if heard else nan,
            "mean_resolution_days": float(res.mean()) if len(res) else float("nan"),
        },
        dtype=object,
    )


def db4_margins(data, account_id: str) -> pd.Series:
    """DB IV / net revenue per quarter of one account (from :func:`db4_figures`)."""
    fig = db4_figures(data, account_id)
    if not len(fig):
        return pd.Series(dtype=float)
    return (fig["db4"] / fig["net_revenue"].where(fig["net_revenue"] > 0)).astype(float)


# --------------------------------------------------------------------------- health score


def check_weights(weights: dict | None, *, lang: str = "en") -> tuple[dict[str, float], str | None]:
    """Validate and normalise health weights; returns (weights summing to 1, note in ``lang`` or None). Weights
    that already sum to 1 (within 1e-9, as the defaults do) are returned as given, and without a note.

    Unknown components, negative, non-numeric or all-zero weights raise KamParameterError("weights", ...).
    Components left out get weight 0.
    """
    if weights is None:
        return dict(DEFAULT_WEIGHTS), None
    if not isinstance(weights, dict):
        raise KamParameterError("weights", "must be a dict of component -> weight")
    unknown = [k for k in weights if k not in DEFAULT_WEIGHTS]
    if unknown:
        raise KamParameterError(
            "weights", f"unknown component(s) {', '.join(map(str, unknown))}; choose from {', '.join(DEFAULT_WEIGHTS)}"
        )
    w = {}
    for k in DEFAULT_WEIGHTS:
        v = weights.get(k, 0.0)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(float(v)):
            raise KamParameterError("weights", f"weight of {k} must be a number, not {v!r}")
        if v < 0:
            raise KamParameterError("weights", f"weight of {k} is negative ({v}); weights must be >= 0")
        w[k] = float(v)
    s = sum(w.values())
    if s <= 0:
        raise KamParameterError("weights", "at least one weight must be positive")
    if abs(s - 1.0) <= 1e-9:  # already normalised: as given (the defaults spelt out stay the defaults, to the bit)
        return w, None
    note = text("weights_normalised", lang, total=i18n.number(s, lang, 6).rstrip("0").rstrip(".,"))
    return {k: v / s for k, v in w.items()}, note


def band(score: float) -> str:
    """'red' for score <= 50, 'amber' for <= 75, else 'green' (NaN: 'n/a')."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return "n/a"
    for upper, name in BANDS:
        if score <= upper:
            return name
    return "green"


#: How each health component is scored, (English, German); :func:`rule_texts` fills in the parameters.
RULE_LABELS: dict[str, tuple[str, str]] = i18n.table("review.rule_labels")

#: The findings of :func:`health_findings` in the order they are listed: red flags, then gaps.
RED_FLAGS = ("loss", "revenue_fall", "many_gaps")
GAPS = ("no_kam", "no_target", "no_actions", "no_review", "no_decider", "decider_opposed")
FINDINGS = RED_FLAGS + GAPS
#: What each finding says about the account (``{value}``, ``{limit}``) and the rule behind it, (English, German).
FINDING_TEXTS: dict[str, tuple[str, str]] = i18n.table("review.findings")
FINDING_RULES: dict[str, tuple[str, str]] = i18n.table("review.finding_rules")
#: Days before the quarter's end in which an action counts as part of the account plan (the last 12 months).
PLAN_DAYS = 365


def check_rules(rules: dict | None, *, parameter: str = "health_rules") -> dict:
    """The health rules of :data:`kamlib.defaults.HEALTH_RULES` with ``rules`` put over them (a new dict).

    ``complaint_points`` given for some severities keep the defaults of the others. Unknown names, a share
    ``max_fall`` outside (0, 1], ``min_db4_margin`` outside [-1, 1), caps outside 0-100 or a red cap above the
    gap cap, ``gaps_for_red`` that is not a whole number >= 1 (or None: never), and negative or unknown
    complaint points raise KamParameterError naming ``parameter``.

    Examples
    --------
    >>> check_rules({"max_fall": 0.25})["max_fall"], check_rules(None)["gap_cap"]
    (0.25, 75.0)
    """
    out = copy.deepcopy(defaults.HEALTH_RULES)
    if rules is None:
        return out
    if not isinstance(rules, dict):
        raise KamParameterError(parameter, f"must be a dict of rule -> value, not {rules!r}")
    unknown = [str(k) for k in rules if k not in out]
    if unknown:
        raise KamParameterError(parameter, f"unknown rule(s) {', '.join(unknown)}; choose from {', '.join(out)}")

    def number(name, v, lo, hi, *, lo_open=False, hi_open=False):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(float(v)):
            raise KamParameterError(parameter, f"{name} must be a number, not {v!r}")
        if v < lo or v > hi or (lo_open and v == lo) or (hi_open and v == hi):
            low, high = "(" if lo_open else "[", ")" if hi_open else "]"
            raise KamParameterError(parameter, f"{name} must lie in {low}{lo}, {hi}{high}, not {v!r}")
        return float(v)

    for name, v in rules.items():
        if name == "complaint_points":
            if not isinstance(v, dict):
                raise KamParameterError(parameter, f"complaint_points must be a dict of severity -> points, not {v!r}")
            bad = [str(s) for s in v if s not in out["complaint_points"]]
            if bad:
                raise KamParameterError(
                    parameter,
                    f"complaint_points: unknown severity {', '.join(bad)}; choose from "
                    f"{', '.join(out['complaint_points'])}",
                )
            for s, p in v.items():
                out["complaint_points"][s] = number(f"complaint_points[{s}]", p, 0.0, 100.0)
        elif name == "gaps_for_red":
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v) or v < 1):
                raise KamParameterError(parameter, f"gaps_for_red must be a whole number >= 1 or None, not {v!r}")
            out[name] = None if v is None else int(v)
        elif name == "max_fall":
            out[name] = number(name, v, 0.0, 1.0, lo_open=True)
        elif name == "min_db4_margin":
            out[name] = number(name, v, -1.0, 1.0, hi_open=True)
        else:  # the caps
            out[name] = number(name, v, 0.0, 100.0)
    if out["red_cap"] > out["gap_cap"]:
        raise KamParameterError(parameter, f"red_cap ({out['red_cap']}) must not lie above gap_cap ({out['gap_cap']})")
    return out


def _points(rules: dict, lang: str) -> dict[str, str]:
    return {s: i18n.number(p, lang, 0) for s, p in rules["complaint_points"].items()}


def rule_texts(rules: dict | None = None, lang: str = "en") -> dict[str, str]:
    """How each health component is scored, in ``lang``, with the parameters of ``rules`` filled in.

    Examples
    --------
    >>> rule_texts(None, "en")["complaints"].split(":")[0]
    '100 minus points per complaint opened in the quarter and per complaint still open at its end'
    """
    i18n.check_lang(lang)
    r = check_rules(rules)
    sev = {s: label(s, lang) for s in r["complaint_points"]}
    pts = _points(r, lang)
    fill = {f"{s}": f"{sev[s]} {pts[s]}" for s in pts}
    return {k: i18n.pick(v, lang).format(**fill) for k, v in RULE_LABELS.items() if k not in ("total", "total_capped")}


#: How each health component is scored, in English, with the default parameters.
RULES: dict[str, str] = rule_texts(None, "en")


def _clip(x: float) -> float:
    return float(min(100.0, max(0.0, x)))


def _plan_actions(data, account_id: str, q: pd.Period) -> pd.DataFrame:
    """The account plan as of quarter ``q``: actions other than cancelled that are due within the
    :data:`PLAN_DAYS` up to the quarter's end or later, or have no due date."""
    a = data.actions[(data.actions["account_id"] == account_id) & (data.actions["status"] != "cancelled")]
    start, _ = periods.trailing_days(q.end_time, PLAN_DAYS)
    return a[a["due"].isna() | (a["due"] >= start)]


def _plan_items(data, account_id: str, end: pd.Timestamp) -> pd.DataFrame:
    """The account's items of the ``account_plans`` table reviewed (``updated_on``) by ``end``: an item reviewed
    only later may not have existed then (a past quarter is judged without hindsight)."""
    p = data.account_plans
    return p[(p["account_id"] == account_id) & (p["updated_on"] <= end)]


def has_account_plan(data, account_id: str, period: str) -> bool:
    """True when the account has an account plan at the end of ``period``: an item in ``account_plans`` reviewed
    by then, or an action of the plan (:func:`_plan_actions`: not cancelled, due within :data:`PLAN_DAYS` up to
    the quarter's end or later). The health score's gap ``no_actions`` is its negation."""
    q = parse_period(period)
    if data.has("account_plans") and len(_plan_items(data, account_id, q.end_time)):
        return True
    return data.has("actions") and bool(len(_plan_actions(data, account_id, q)))


def db4_figures(data, account_id: str) -> pd.DataFrame:
    """DB IV and net revenue of one account per quarter (index: the quarter as text, e.g. '2025Q4')."""
    from kamlib.data.cache import memo_active
    from kamlib.value import contribution_margins

    cm = None
    if memo_active(data):  # the portfolio's table is computed once and remembered: take the account's rows
        try:
            whole = contribution_margins(data, freq="Q")
            cm = whole[whole.index.get_level_values(0) == str(account_id)]
        except KamParameterError:  # another account's costs are booked per year only: this one's may not be
            cm = None
    if cm is None:
        sub = dataclasses.replace(
            data,
            orders=data.orders[data.orders["account_id"] == account_id],
            service_costs=data.service_costs[data.service_costs["account_id"] == account_id],
        )
        cm = contribution_margins(sub, freq="Q")
    if not len(cm):
        return pd.DataFrame(columns=["db4", "net_revenue"], dtype=float)
    return cm.droplevel(0)[["db4", "net_revenue"]].astype(float)


def health_components(
    data, account_id: str, period: str, *, cadence_days: int = 90, rules: dict | None = None
) -> pd.Series:
    """Scores 0-100 of the six health components; rules in :func:`rule_texts`.

    A component is NaN only when the company's data cannot support it at all (no such table, no cost of any
    kind, nothing to compare with); an account that has nothing in a table that exists scores by the rule
    (no contact met: 0, no action planned: 0), and :func:`health_findings` names the gap.
    """
    r = check_rules(rules)
    q = check_period(data, period, account_id=account_id)
    k = account_kpis(data, account_id, period, cadence_days=cadence_days)
    target = quarter_target(data, account_id, q)[0]
    if not math.isnan(target) and target > 0:
        ratio = k["revenue"] / target
    elif k["revenue_last_year"]:
        ratio = k["revenue"] / k["revenue_last_year"]
    else:
        ratio = float("nan")
    s = {"growth_vs_plan": _clip((ratio - 0.5) / 0.5 * 100) if not math.isnan(ratio) else float("nan")}
    dm = k["db4_margin_change"]
    fig = db4_figures(data, account_id)
    db4 = float(fig["db4"].get(str(q), 0.0)) if len(fig) else 0.0
    # without any cost the margin is 100 % in every quarter: its "trend" says nothing, so it drops out;
    # a loss is never a healthy margin, whatever its trend
    if not has_costs(data):
        s["margin"] = float("nan")
    elif db4 < 0:
        s["margin"] = 0.0
    else:
        s["margin"] = _clip(50 + dm * 500) if not math.isnan(dm) else float("nan")
    s["engagement"] = (
        _clip(100 * k["contacts_held"] / k["contacts_expected"]) if data.has("interactions") else float("nan")
    )
    if data.has("complaints"):
        c = data.complaints[data.complaints["account_id"] == account_id]
        sev = c["severity"] if "severity" in c else pd.Series("medium", index=c.index)
        pts = sev.map(r["complaint_points"]).fillna(r["complaint_points"]["medium"]).astype(float)
        opened = _in(c["opened"], q)
        open_end = (c["opened"] <= q.end_time) & (c["closed"].isna() | (c["closed"] > q.end_time))
        s["complaints"] = _clip(100 - float(pts[opened].sum()) - float(pts[open_end].sum()))
    else:
        s["complaints"] = float("nan")
    if data.has("contacts") and data.has("interactions"):
        contacts = data.contacts[data.contacts["account_id"] == account_id]
        it = data.interactions
        start, end = periods.trailing_days(q.end_time, 365)
        met = it[(it["account_id"] == account_id) & (it["date"] >= start) & (it["date"] <= end)]["contact_id"]
        roles = set(contacts.loc[contacts["contact_id"].isin(met), "buying_role"])
        s["coverage"] = 100.0 * len(roles & set(COVERAGE_ROLES)) / len(COVERAGE_ROLES)
    else:
        s["coverage"] = float("nan")
    if data.has("actions"):
        a = _plan_actions(data, account_id, q)
        due = a[a["due"].notna() & (a["due"] <= q.end_time)]
        if not len(a):
            s["action_completion"] = 0.0  # nothing planned is not a neutral 50: the gap no_actions
        else:
            s["action_completion"] = 100.0 * (due["status"] == "done").mean() if len(due) else 50.0
    else:
        s["action_completion"] = float("nan")
    return pd.Series(s, dtype=float)


def kam_checkable(data) -> bool:
    """True when the data record KAMs at all (a ``kams`` table, or a ``kam_id`` for some account): only then is
    a key account without a KAM a gap."""
    kam = data.accounts["kam_id"] if "kam_id" in data.accounts else pd.Series(dtype=object)
    return data.has("kams") or bool(kam.notna().any())


#: A review cadence of this many days or more is quarterly or longer: a review inside the quarter meets it.
QUARTERLY_DAYS = 90


def health_findings(
    data,
    account_id: str,
    period: str,
    *,
    cadence_days: int = 90,
    rules: dict | None = None,
    require_account_data: bool = True,
) -> pd.DataFrame:
    """What the health score must not hide: red flags and gaps of one account in ``period`` (rules in
    :func:`rules_view`, parameters in :data:`kamlib.defaults.HEALTH_RULES`).

    Red flags (the score is capped at ``red_cap``): ``loss`` (DB IV of the quarter below ``min_db4_margin``
    of net revenue, 0: below zero), ``revenue_fall`` (revenue more than ``max_fall`` below the same quarter
    last year), ``many_gaps`` (``gaps_for_red`` gaps or more). Gaps (capped at ``gap_cap``): ``no_kam``,
    ``no_target`` (no revenue target for the quarter or its year), ``no_actions`` (no account plan: no item of
    the ``account_plans`` table reviewed by the quarter's end, and no action other than cancelled due in the last
    12 months or later; see :func:`has_account_plan`), ``no_review`` (no QBR in the ``cadence_days``
    up to the quarter's end), ``no_decider`` (no contact with the role decider), ``decider_opposed`` (every
    decider is an opponent). A gap is checked only when the company's data have the table it reads (the
    missing table is a note, once, not a finding of every account). ``require_account_data=False`` checks an
    account that has neither orders nor a target in the quarter too (the portfolio shows a key account that
    stopped buying with its findings instead of leaving it out).

    Returns
    -------
    DataFrame
        Index ``finding`` (codes of :data:`FINDINGS`, red flags first); columns kind (``red_flag`` or ``gap``),
        value (the figure behind it: the DB IV margin, the change on last year, the number of gaps, days since
        the last review; for ``no_actions`` the number of plan items, 0, when the data have an ``account_plans``
        table, else NaN), limit (the rule's threshold) and cap.
    """
    r = check_rules(rules)
    if isinstance(cadence_days, bool) or not isinstance(cadence_days, int) or cadence_days <= 0:
        raise KamParameterError("cadence_days", "must be a positive number of days")
    q = check_period(data, period, account_id=account_id if require_account_data else None)
    nan = float("nan")
    found: dict[str, tuple[float, float]] = {}
    fig = db4_figures(data, account_id)
    if len(fig) and str(q) in fig.index:
        db4, net = float(fig["db4"].loc[str(q)]), float(fig["net_revenue"].loc[str(q)])
        if db4 < r["min_db4_margin"] * max(net, 0.0):  # 0: any loss; -0.05 tolerates a loss of 5 % of net revenue
            found["loss"] = (db4 / net if net > 0 else nan, r["min_db4_margin"])
    o = data.orders[data.orders["account_id"] == account_id]
    rev_now = float(o.loc[_in(o["date"], q), "gross_revenue_eur"].sum())
    rev_last = float(o.loc[_in(o["date"], q - 4), "gross_revenue_eur"].sum())
    if rev_last > 0 and rev_now / rev_last - 1.0 < -r["max_fall"] - 1e-9:
        found["revenue_fall"] = (rev_now / rev_last - 1.0, r["max_fall"])
    gaps: dict[str, tuple[float, float]] = {}
    acc = data.accounts.set_index("account_id").loc[account_id]
    if kam_checkable(data) and not (isinstance(acc.get("kam_id"), str) and acc.get("kam_id").strip()):
        gaps["no_kam"] = (nan, nan)
    if data.has("targets"):
        target = quarter_target(data, account_id, q)[0]
        if math.isnan(target) or target <= 0:
            gaps["no_target"] = (nan, nan)
    if (data.has("actions") or data.has("account_plans")) and not has_account_plan(data, account_id, str(q)):
        gaps["no_actions"] = (0.0 if data.has("account_plans") else nan, float(PLAN_DAYS))
    if data.has("interactions"):
        it = data.interactions
        qbr = it.loc[(it["account_id"] == account_id) & (it["type"] == "qbr") & (it["date"] <= q.end_time), "date"]
        days = float((q.end_time.normalize() - qbr.max().normalize()).days) if len(qbr) else nan
        # a quarterly (or longer) cadence is met by a review inside the reviewed quarter, even on its first day
        in_quarter = len(qbr) > 0 and cadence_days >= QUARTERLY_DAYS and qbr.max() >= q.start_time
        if math.isnan(days) or (days > cadence_days and not in_quarter):
            gaps["no_review"] = (days, float(cadence_days))
    if data.has("contacts"):
        c = data.contacts[(data.contacts["account_id"] == account_id) & (data.contacts["buying_role"] == "decider")]
        if not len(c):
            gaps["no_decider"] = (nan, nan)
        elif "attitude" in c and (c["attitude"] == "opponent").all():
            gaps["decider_opposed"] = (float(len(c)), nan)
    if r["gaps_for_red"] is not None and len(gaps) >= r["gaps_for_red"]:
        found["many_gaps"] = (float(len(gaps)), float(r["gaps_for_red"]))
    found.update(gaps)
    codes = [f for f in FINDINGS if f in found]
    out = pd.DataFrame(
        {
            "kind": ["red_flag" if f in RED_FLAGS else "gap" for f in codes],
            "value": [found[f][0] for f in codes],
            "limit": [found[f][1] for f in codes],
            "cap": [r["red_cap"] if f in RED_FLAGS else r["gap_cap"] for f in codes],
        },
        index=pd.Index(codes, name="finding"),
    )
    return out.astype({"value": float, "limit": float, "cap": float})


def _capped(weighted: float, findings: pd.DataFrame) -> tuple[float, float]:
    """(score after the caps, the lowest cap or NaN)."""
    cap = float(findings["cap"].min()) if len(findings) else float("nan")
    if math.isnan(cap) or math.isnan(weighted):
        return weighted, cap
    return min(weighted, cap), cap


def health_score(
    data,
    account_id: str,
    period: str,
    *,
    weights: dict | None = None,
    cadence_days: int = 90,
    rules: dict | None = None,
    trend: bool = True,
) -> pd.DataFrame:
    """Health score of one account: one row per component plus a ``health`` total row.

    Columns score (0-100), weight (normalised; a component the company's data cannot support gets weight 0
    and the rest is re-normalised), contribution (score x weight), rule, and for the total also the band,
    the previous quarter's score in ``previous`` (trend = score - previous), the ``cap`` the findings of
    :func:`health_findings` put on it and those ``findings`` (codes, comma-separated). The total's
    contribution is the weighted sum; its score is that sum capped (a gap: at most amber, a red flag: red),
    computed the same way for the previous quarter. An empty ``period`` is the default quarter of
    :func:`check_period`, as everywhere in the review. ``trend=False`` leaves the previous quarter out
    (``previous`` and ``trend`` NaN): half the work, for a caller that needs the score alone, such as the
    backtest that scores every account at every past quarter end.

    Examples
    --------
    >>> import kamlib
    >>> data = kamlib.load(kamlib.SAMPLE)
    >>> h = health_score(data, "ACC-0071", "2025Q4").loc["health"]
    >>> round(float(h["score"]), 1), h["band"], round(float(h["previous"]), 1)
    (52.1, 'amber', 75.5)
    >>> h = health_score(data, "ACC-0071", "", trend=False).loc["health"]  # "": the last complete quarter
    >>> round(float(h["score"]), 1), h["band"], float(h["previous"])
    (52.1, 'amber', nan)
    """
    w, _ = check_weights(weights)
    r = check_rules(rules)
    quarter = str(check_period(data, period, account_id=account_id))  # an empty period: the default quarter
    # the checked weights and rules, not as given: left out (None) and the defaults spelt out are one score
    return _health_score(data, account_id, quarter, weights=w, cadence_days=cadence_days, rules=r, trend=bool(trend))


# the summaries of 02 and 04 and the review in 04 score the same account and quarter: a run computes it once
@portfolio_memo
def _health_score(
    data, account_id: str, period: str, *, weights, cadence_days: int, rules, trend: bool
) -> pd.DataFrame:
    """:func:`health_score` for a quarter, weights and rules already checked (``check_weights``' weights, the full
    rules of ``check_rules``)."""
    comps, findings, weighted, total, cap = _scored(data, account_id, period, weights, rules, cadence_days)
    prev = float("nan")
    if trend:
        try:
            prev = _scored(data, account_id, str(parse_period(period) - 1), weights, rules, cadence_days)[3]
        except KamParameterError:
            pass
    ww = pd.Series({k: (weights[k] if not math.isnan(comps[k]) else 0.0) for k in comps.index})
    ww = ww / ww.sum() if ww.sum() else ww
    out = pd.DataFrame(
        {"score": comps, "weight": ww, "contribution": comps.fillna(0) * ww, "rule": pd.Series(rule_texts(rules, "en"))}
    )
    codes = ", ".join(findings.index)
    rule = i18n.pick(RULE_LABELS["total"], "en")
    if len(findings):
        rule = i18n.pick(RULE_LABELS["total_capped"], "en").format(cap=i18n.number(cap, "en", 0), findings=codes)
    out.loc["health"] = {"score": total, "weight": float(ww.sum()), "contribution": weighted, "rule": rule}
    out["band"] = [band(v) for v in out["score"].iloc[:-1]] + [_total_band(total, cap)]
    out["previous"] = float("nan")
    out.loc["health", "previous"] = prev
    out["trend"] = out["score"] - out["previous"]
    out["cap"] = float("nan")
    out.loc["health", "cap"] = cap
    out["findings"] = ""
    out.loc["health", "findings"] = codes
    return out


def _scored(data, account_id: str, period: str, w: dict[str, float], r: dict, cadence_days: int):
    """(components, findings, weighted sum, score after the caps, the lowest cap) of one account and quarter,
    for weights and rules already checked."""
    comps = health_components(data, account_id, period, cadence_days=cadence_days, rules=r)
    findings = health_findings(data, account_id, period, cadence_days=cadence_days, rules=r)
    weighted = _total(comps, w)
    total, cap = _capped(weighted, findings)
    return comps, findings, weighted, total, cap


def _total_band(total: float, cap: float) -> str:
    """The band of the total: of the score, or with nothing to score but a finding, at most the cap's band."""
    return band(cap) if math.isnan(total) and not math.isnan(cap) else band(total)


def _total(comps: pd.Series, w: dict[str, float]) -> float:
    ok = comps.notna()
    ws = pd.Series(w)[comps.index][ok]
    if ws.sum() <= 0:
        return float("nan")
    return float((comps[ok] * ws).sum() / ws.sum())


# --------------------------------------------------------------------------- actions


def action_status(data, account_id: str, period: str) -> pd.DataFrame:
    """The account's actions with a ``state`` of done, open, overdue (open and due before the quarter's end)
    or cancelled, overdue first."""
    q = check_period(data, period, account_id=account_id)
    a = data.actions[data.actions["account_id"] == account_id].copy()
    is_open = a["status"].isin(["open", "in_progress"])
    state = np.where(a["status"] == "done", "done", np.where(a["status"] == "cancelled", "cancelled", "open"))
    a["state"] = state
    a.loc[is_open & a["due"].notna() & (a["due"] < q.end_time), "state"] = "overdue"
    order = {"overdue": 0, "open": 1, "done": 2, "cancelled": 3}
    return (
        a.assign(_o=a["state"].map(order))
        .sort_values(["_o", "due"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)[["action_id", "goal", "action", "owner", "due", "status", "state"]]
    )


def next_actions(
    data,
    account_id: str,
    period: str,
    *,
    profile=None,
    health: pd.DataFrame | None = None,
    lang: str = "en",
    top_opportunities: int = 1,
    cadence_days: int = 90,
) -> pd.DataFrame:
    """Proposed next actions from the profile's findings, its top whitespace opportunities and weak health
    components: one row per proposal with proposal, owner (the account's KAM), due date and reason.

    ``profile`` is :func:`kamlib.profile.build_profile` as of the quarter's end with ``cadence_days`` (a business
    review older than that is overdue); built when not given. An overdue review is proposed as the meeting the
    cadence calls for (:func:`review_meeting`: the QBR, or the Jahresgespräch at a cadence of a year).
    """
    from kamlib.profile import build_profile

    q = check_period(data, period, account_id=account_id)
    end = q.end_time.normalize()
    if profile is None:
        profile = build_profile(data, account_id, as_of=min(end, data.as_of), cadence_days=cadence_days)
    meeting = review_meeting(cadence_days, lang)
    acc = data.accounts.set_index("account_id").loc[account_id]
    kam = acc.get("kam_id")
    owner = kam
    if isinstance(kam, str) and len(data.kams):
        names = data.kams.set_index("kam_id")["name"]
        owner = names.get(kam, kam)
    owner = owner if isinstance(owner, str) else "-"
    rows = []

    def add(text, why, days):
        rows.append({"proposal": text, "owner": owner, "due": end + pd.Timedelta(days=days), "reason": why})

    f = profile.findings
    for _, r in f.iterrows():
        check = r["check"] if lang == "en" else (i18n.code_label(r["check"], lang) or r["check"])
        why = f"{_text('from_finding', lang)}: {check}"
        if r["check"] == "overdue_action":
            m = re.search(r"Action (\S+) \((.*?)\)", str(r["message"]))
            if m:
                add(_text("close_action", lang, id=m.group(1), action=m.group(2)), why, 14)
        elif r["check"] == "no_decider":
            add(_text("find_decider", lang), why, 30)
        elif r["check"] == "key_contact_not_met":
            m = re.search(r"Key contact (.+?) \((\w+), .*?(\d+) days ago", str(r["message"]))
            if m and m.group(2) == "decider":
                add(_text("meet_decider", lang, who=m.group(1), days=m.group(3)), why, 30)
            elif m:
                add(_text("meet_contact", lang, who=m.group(1)), why, 45)
        elif r["check"] == "stale_review":
            add(_text("schedule_qbr", lang, meeting=meeting), why, 30)
        elif r["check"] == "open_complaints":
            add(_text("close_complaints", lang), why, 21)
    opp = profile.opportunities.head(top_opportunities)
    for _, r in opp.iterrows():
        add(
            _text(
                "offer",
                lang,
                line=r["product_line"],
                unit=r["business_unit"],
                value=i18n.money(float(r["expected_value_eur"]), lang, 0),
            ),
            _text("from_whitespace", lang),
            60,
        )
    if health is not None and "growth_vs_plan" in health.index and health.loc["growth_vs_plan", "score"] < 50:  # type: ignore[operator, arg-type]  # pandas-stubs: .loc[row, col] is any scalar; score is a number
        add(_text("recover_plan", lang), _text("from_health", lang, what=label("growth_vs_plan", lang)), 30)
    # the findings of the health score, each with the step that closes it (a review meeting and a decider are
    # already proposed from the profile's findings above; duplicates are dropped below)
    answers = {
        "loss": ("fix_loss", 30),
        "revenue_fall": ("explain_fall", 21),
        "no_kam": ("assign_kam", 14),
        "no_target": ("agree_targets", 30),
        "no_actions": ("write_plan", 30),
        "no_review": ("schedule_qbr", 30),
        "no_decider": ("find_decider", 30),
        "decider_opposed": ("win_decider", 30),
    }
    for code in _finding_codes(health):
        if code in answers:
            key, days = answers[code]
            add(_text(key, lang, meeting=meeting), _text("from_health_finding", lang, what=label(code, lang)), days)
    out = pd.DataFrame(rows, columns=["proposal", "owner", "due", "reason"])
    return out.drop_duplicates("proposal").reset_index(drop=True)


def _finding_codes(health: pd.DataFrame | None) -> list[str]:
    """The finding codes :func:`health_score` put on its total row (none when not given)."""
    if health is None or "findings" not in health.columns or "health" not in health.index:
        return []
    return [c for c in str(health.loc["health", "findings"] or "").split(", ") if c]


# --------------------------------------------------------------------------- portfolio


@memo_scoped  # each account's health asks for the portfolio's quarterly contribution margins: computed once
def portfolio_review(
    data,
    period: str,
    *,
    weights: dict | None = None,
    cadence_days: int = 90,
    selection: Selection | None = None,
    rules: dict | None = None,
) -> pd.DataFrame:
    """All definitive key accounts in one table, the accounts needing attention first.

    Columns name, kam_id, quadrant, revenue, target, attainment, yoy_growth, health (after the caps of
    :func:`health_findings`), band, findings (codes, comma-separated), weighted (the weighted sum before the
    caps), previous (health of the previous quarter), trend and attention (1 = look first). The attention
    order: band red, amber, green (n/a last); within a band the account with more findings first (red flags
    before gaps when the count is equal), then the lower health, then the lower plan attainment.
    """
    from kamlib.decision import decide

    q = check_period(data, period)
    sel = selection if selection is not None else decide(data).selection
    rows = []
    for acc, r in sel.definitive.iterrows():
        try:
            pva = plan_vs_actual(data, str(acc), str(q))
            h = health_score(data, str(acc), str(q), weights=weights, cadence_days=cadence_days, rules=rules).loc[
                "health"
            ]
        except PeriodError as err:
            if err.code != "account_no_data":
                raise
            # no order and no target in the quarter: still on the list, with what can be said about it
            f = health_findings(
                data, str(acc), str(q), cadence_days=cadence_days, rules=rules, require_account_data=False
            )
            o = data.orders[(data.orders["account_id"] == acc) & _in(data.orders["date"], q - 4)]
            last = float(o["gross_revenue_eur"].sum())
            cap = float(f["cap"].min()) if len(f) else float("nan")
            h = pd.Series(
                {
                    "score": float("nan"),
                    "band": band(cap),
                    "findings": ", ".join(f.index),
                    "contribution": float("nan"),
                    "previous": float("nan"),
                    "trend": float("nan"),
                }
            )
            pva = pd.DataFrame(
                {
                    "actual": [0.0],
                    "target": [float("nan")],
                    "attainment": [float("nan")],
                    "yoy_growth": [-1.0 if last > 0 else float("nan")],
                },
                index=["revenue"],
            )
        rows.append(
            {
                "account_id": acc,
                "name": r["name"],
                "kam_id": r["kam_id"],
                "quadrant": r["quadrant"],
                "revenue": pva.loc["revenue", "actual"],
                "target": pva.loc["revenue", "target"],
                "attainment": pva.loc["revenue", "attainment"],
                "yoy_growth": pva.loc["revenue", "yoy_growth"],
                "health": h["score"],
                "band": h["band"],
                "findings": h["findings"],
                "weighted": h["contribution"],
                "previous": h["previous"],
                "trend": h["trend"],
            }
        )
    out = pd.DataFrame(rows).set_index("account_id")
    order = {"red": 0, "amber": 1, "green": 2, "n/a": 3}
    codes = out["findings"].fillna("").str.split(", ")
    n_all = codes.map(lambda c: -len([x for x in c if x]))
    n_red = codes.map(lambda c: -len([x for x in c if x in RED_FLAGS]))
    out = (
        out.assign(_b=out["band"].map(order), _n=n_all, _r=n_red)
        .sort_values(["_b", "_n", "_r", "health", "attainment"], kind="stable", na_position="last")
        .drop(columns=["_b", "_n", "_r"])
    )
    out["attention"] = range(1, len(out) + 1)
    return out


def quadrant_migration(data, *, previous_as_of: str | pd.Timestamp | None = None, decision=None, **selection_options):
    """Portfolio quadrants of the key accounts one year ago (or on ``previous_as_of``) and now.

    With ``decision`` (:class:`kamlib.decision.Decision`) "now" is that decision's list, and when the
    decision register holds an earlier decision, "before" is that previous pinned list on its date, not a
    recomputation: what management decided then is compared with what it decided now.

    Returns
    -------
    (DataFrame, DataFrame)
        Per account (definitive key account in either snapshot): previous and current quadrant, ``not_key``
        when it was not a definitive key account then, and what the move was worth from the account's own
        figures (:func:`move_values`: its lifetime value before and now, and the difference); and the
        transition table (rows previous, columns current, counts).
    """
    from kamlib.selection import QUADRANTS, select_key_accounts

    prev_as_of = pd.Timestamp(previous_as_of) if previous_as_of is not None else periods.year_before(data.as_of)
    if decision is not None:
        selection_options = {**decision.parameters, **selection_options}
        now = decision.selection.table
        if decision.previous_ids is not None and previous_as_of is None:
            prev_as_of = pd.Timestamp(decision.previous_on)
    else:
        now = select_key_accounts(data, **selection_options).table
    before = select_key_accounts(snapshot(data, prev_as_of), **selection_options).table
    if decision is not None and decision.previous_ids is not None and previous_as_of is None:
        before = before.assign(definitive=before.index.isin(decision.previous_ids))
    ids = now.index[now["definitive"]].union(before.index[before["definitive"]])

    def quad(tab, i):
        return tab.loc[i, "quadrant"] if i in tab.index and bool(tab.loc[i, "definitive"]) else "not_key"

    per = pd.DataFrame(
        {
            "name": data.accounts.set_index("account_id").loc[ids, "name"],
            "previous": [quad(before, i) for i in ids],
            "current": [quad(now, i) for i in ids],
        }
    )
    per.index.name = "account_id"
    rate = selection_options.get("discount_rate")
    rate = float(rate) if rate is not None else float(defaults.SELECTION["discount_rate"])
    per = per.join(move_values(data, ids, previous_as_of=prev_as_of, discount_rate=rate))
    states = [*QUADRANTS, "not_key"]
    table = pd.crosstab(per["previous"], per["current"]).reindex(index=states, columns=states, fill_value=0)
    return per, table


def move_values(data, account_ids, *, previous_as_of, discount_rate: float) -> pd.DataFrame:
    """What a move between quadrants was worth, from each account's own figures (not a quadrant's average).

    Per account of ``account_ids``: ``clv_before``, its contractual lifetime value with the data as of
    ``previous_as_of`` (:func:`snapshot`), ``clv_now`` as of ``data.as_of``, and ``move_value`` = clv_now −
    clv_before. Both are the lifetime value of notebook 01's criterion and notebook 03
    (:func:`kamlib.selection.criterion_metrics`): the account's own DB IV of the 12 months up to the date and
    the yearly retention r of :func:`kamlib.clv.choose_retention` on that date, m·r/(1+d−r) with
    ``discount_rate`` d. An account without net revenue in a window has no lifetime value then (NaN).
    """
    from kamlib.selection import criterion_metrics

    ids = pd.Index(list(account_ids), name="account_id")
    before = criterion_metrics(snapshot(data, previous_as_of), discount_rate=discount_rate)["clv"]
    now = criterion_metrics(data, discount_rate=discount_rate)["clv"]
    out = pd.DataFrame({"clv_before": before.reindex(ids), "clv_now": now.reindex(ids)}, index=ids).astype(float)
    out["move_value"] = out["clv_now"] - out["clv_before"]
    return out


def migration_basis(data, decision=None, *, lang: str = "en") -> str:
    """What "before" means in :func:`quadrant_migration`, as one sentence in ``lang``: the previous pinned
    decision (its date), or a recomputation with the data as it was one year before ``as_of``.

    Examples
    --------
    >>> import kamlib
    >>> migration_basis(kamlib.load("data/sample", as_of="2025-12-31"), lang="de")
    'Vergleichsbasis: Neuberechnung mit Datenstand 31.12.2024 (kein früherer Beschluss im Entscheidungsregister)'
    """
    if decision is not None and decision.previous_ids is not None:
        return text("basis_pinned", lang, on=i18n.date(decision.previous_on, lang), n=len(decision.previous_ids))
    return text("basis_recomputed", lang, on=i18n.date(periods.year_before(data.as_of), lang))


def kam_workload(data, period: str, *, selection: Selection | None = None) -> pd.DataFrame:
    """Per KAM: definitive key accounts, meetings and calls held in ``period``, key-account revenue in the
    period, capacity and utilisation (key accounts / capacity). Source 003: a KAM serves only 2-3 clients."""
    from kamlib.decision import decide

    q = check_period(data, period)
    sel = selection if selection is not None else decide(data).selection
    d = sel.definitive
    o = data.orders[data.orders["account_id"].isin(d.index) & _in(data.orders["date"], q)]
    rev = o.groupby(o["account_id"].map(d["kam_id"]))["gross_revenue_eur"].sum()
    it = data.interactions[
        _in(data.interactions["date"], q)
        & data.interactions["type"].isin(CONTACT_TYPES)
        & data.interactions["account_id"].isin(d.index)
    ]
    kams = data.kams.set_index("kam_id")
    out = pd.DataFrame(index=kams.index)
    out["name"] = kams["name"]
    out["key_accounts"] = d.groupby("kam_id").size().reindex(out.index, fill_value=0)
    out["meetings"] = it.groupby("kam_id").size().reindex(out.index, fill_value=0)
    out["revenue"] = rev.reindex(out.index, fill_value=0.0)
    out["capacity"] = kams["capacity"]
    cap = out["capacity"].astype(float)
    out["utilisation"] = out["key_accounts"] / cap.where(cap > 0)
    return out


def pitfall_checks(data, period: str, *, selection: Selection | None = None) -> pd.DataFrame:
    """The pitfalls of source 001 in the data: too many key accounts, and smaller accounts neglected.

    Non-key accounts (active, not definitive key accounts) are compared over the four quarters up to
    ``period`` against the four quarters before: interactions per account, complaints per account, mean days
    to close a complaint and logo churn (accounts with revenue in the earlier four quarters that bought
    nothing in the later ones). One row per check with before, now and ``flag`` (True: looks like the pitfall).
    """
    from kamlib.decision import decide

    q = check_period(data, period)
    sel = selection if selection is not None else decide(data).selection
    key = set(sel.definitive.index)
    start_now, end_now = periods.trailing_quarters(q)
    start_before, end_before = periods.trailing_quarters(q, back=1)
    others = data.accounts.loc[~data.accounts["account_id"].isin(key), "account_id"]
    rows = []
    cap = float(data.kams["capacity"].fillna(0).sum()) if len(data.kams) else float("nan")
    n_key = len(key)
    rows.append(
        {
            "check": "key_accounts_vs_capacity",
            "before": float(len(sel.provisional)),
            "now": float(n_key),
            "limit": cap,
            "flag": bool(n_key > cap) if not math.isnan(cap) else False,
        }
    )
    over = 0
    if len(data.kams):
        load = sel.definitive.groupby("kam_id").size()
        capk = data.kams.set_index("kam_id")["capacity"]
        over = int((load > capk.reindex(load.index).fillna(0)).sum())
    rows.append(
        {"check": "kams_over_capacity", "before": float("nan"), "now": float(over), "limit": 0.0, "flag": over > 0}
    )

    def window(s, e):
        o = data.orders[
            data.orders["account_id"].isin(others) & (data.orders["date"] >= s) & (data.orders["date"] <= e)
        ]
        buyers = set(o["account_id"])
        it = data.interactions
        it = it[it["account_id"].isin(others) & (it["date"] >= s) & (it["date"] <= e)]
        c = data.complaints
        c = c[c["account_id"].isin(others) & (c["opened"] >= s) & (c["opened"] <= e)]
        closed = c[c["closed"].notna() & (c["closed"] <= e)]
        days = (closed["closed"] - closed["opened"]).dt.days
        n = max(len(buyers), 1)
        return buyers, len(it) / n, len(c) / n, float(days.mean()) if len(days) else float("nan")

    _, it_b, c_b, d_b = window(start_before, end_before)
    _, it_n, c_n, d_n = window(start_now, end_now)
    # churn of the smaller accounts by kamlib.retention's definition: start = revenue in the earlier four quarters
    before_that = periods.trailing_quarters(q, back=2)
    churn_before = float(
        retention.between(data.orders, before_that, (start_before, end_before), account_ids=others)["churn_rate"]
    )
    churn_now = float(
        retention.between(data.orders, (start_before, end_before), (start_now, end_now), account_ids=others)[
            "churn_rate"
        ]
    )
    if not data.has("interactions"):  # no table: unknown, not "no contacts"
        it_b = it_n = float("nan")
    if not data.has("complaints"):
        c_b = c_n = float("nan")
    rows += [
        {
            "check": "non_key_interactions_per_account",
            "before": it_b,
            "now": it_n,
            "limit": float("nan"),
            "flag": bool(it_n < 0.8 * it_b),
        },
        {
            "check": "non_key_complaints_per_account",
            "before": c_b,
            "now": c_n,
            "limit": float("nan"),
            "flag": bool(c_n > 1.2 * c_b),
        },
        {
            "check": "non_key_resolution_days",
            "before": d_b,
            "now": d_n,
            "limit": float("nan"),
            "flag": bool(d_n > 1.2 * d_b) if not (math.isnan(d_b) or math.isnan(d_n)) else False,
        },
        {
            "check": "non_key_logo_churn",
            "before": churn_before,
            "now": churn_now,
            "limit": float("nan"),
            "flag": bool(churn_now > churn_before + 0.05) if not math.isnan(churn_before) else False,
        },
    ]
    return pd.DataFrame(rows).set_index("check")


# --------------------------------------------------------------------------- tables as the notebooks show them
#
# The functions above return numbers and codes; these render their results for people in ``lang``: labels
# from the catalogue, codes as words, amounts as 1.234,56 (de) or 1,234.56 (en), shares as percentages,
# dates as 31.12.2025 (de) or 2025-12-31 (en), missing values as '–'. The result is a DataFrame of text,
# for display only (compute with the unrendered frame).


def _missing(v) -> bool:
    if v is None or v is pd.NaT:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _cell(v, kind: str, lang: str) -> str:
    """One value as text: ``kind`` is eur (an amount with the currency: whole euros from 1,000 up, cents
    below), eur0 (whole euros), int, dec1, dec2, pct, pp (a change of a share, in percentage points), date,
    code (a label of this module), quadrant, bool or text."""
    if kind == "bool":
        return label("yes" if bool(v) else "no", lang) if not _missing(v) else "–"
    if _missing(v):
        return "–"
    if kind == "eur":
        return i18n.money(float(v), lang, 0 if abs(float(v)) >= 1000 else 2)
    if kind == "eur0":
        return i18n.money(float(v), lang, 0)
    if kind == "dec2":
        return i18n.number(float(v), lang, 2)
    if kind == "int":
        return i18n.number(float(v), lang, 0)
    if kind == "dec1":
        return i18n.number(float(v), lang, 1)
    if kind == "pct":
        return i18n.percent(float(v), lang, 1)
    if kind == "pp":
        return text("percentage_points", lang, value=("+" if v > 0 else "") + i18n.number(float(v) * 100, lang, 1))
    if kind == "date":
        return i18n.date(v, lang)
    if kind in ("code", "band"):
        return label(str(v), lang)
    if kind == "quadrant":
        return label("not_key", lang) if v == "not_key" else i18n.quadrant_label(str(v), lang)
    return str(v)


def _view(frame: pd.DataFrame, lang: str, view: str) -> pd.DataFrame:
    """``frame`` as text in ``lang``, as the entry ``view`` of :data:`VIEWS` shows it: the kind of a cell (see
    :func:`_cell`) is ``cols[column]``, else ``rows[index]``, else ``default``; column and index labels through
    :func:`label` (``names`` overrides a label key: code -> other key). The caption and the columns of kind
    ``band`` (shown as coloured badges) go into ``attrs`` for the report's table style
    (:mod:`kamlib.present.tables`)."""
    i18n.check_lang(lang)
    fmt = VIEWS[view]
    cols, rows, default, names = fmt.cols, fmt.rows, fmt.default, fmt.names

    def head(k):
        return label(names.get(k, k), lang)

    def kind(column, row):
        return cols.get(column) or rows.get(row) or default

    out = pd.DataFrame({head(c): [_cell(v, kind(c, r), lang) for r, v in frame[c].items()] for c in frame.columns})
    out.index = pd.Index([head(r) for r in frame.index], name=head(frame.index.name) if frame.index.name else None)
    if isinstance(frame.columns.name, str):
        out.columns.name = head(frame.columns.name)
    return _styled(out, lang, fmt.caption, badges=[head(c) for c in frame.columns if cols.get(c) == "band"])


#: The caption of each table of the reports (catalogue ``tables.captions``).
CAPTIONS: dict[str, tuple[str, str]] = i18n.table("tables.captions")


def _styled(out: pd.DataFrame, lang: str, caption: str | None, *, badges=(), badge_index: bool = False) -> pd.DataFrame:
    """``out`` with its caption and badge columns in ``attrs`` (read by :mod:`kamlib.present.tables`)."""
    if caption is not None:
        out.attrs["caption"] = i18n.pick(CAPTIONS[caption], lang)
    out.attrs["badges"] = tuple(badges) + (("__index__",) if badge_index else ())
    out.attrs["lang"] = lang
    return out


#: The kinds of cell :func:`_cell` shows.
CELL_KINDS = ("eur", "eur0", "int", "dec1", "dec2", "pct", "pp", "date", "code", "band", "quadrant", "bool", "text")
#: The file (package data) that says how each table of this module shows its cells; its comment explains the keys.
VIEWS_FILE = DataFile("kamlib", "review_views.toml")


@dataclasses.dataclass(frozen=True)
class ViewFormat:
    """How :func:`_view` shows one table: an entry of :data:`VIEWS_FILE`."""

    cols: Mapping[str, str] = dataclasses.field(default_factory=dict)
    rows: Mapping[str, str] = dataclasses.field(default_factory=dict)
    default: str = "text"
    names: Mapping[str, str] = dataclasses.field(default_factory=dict)
    caption: str | None = None


def _view_format(entry: Entry) -> ViewFormat:
    """One entry of :data:`VIEWS_FILE`, every value checked (an error names the file and the key)."""
    entry.only(*(f.name for f in dataclasses.fields(ViewFormat)))

    def part(key: str) -> Entry:  # a table of the entry, empty where it is left out
        return entry.table(key) if key in entry.values else Entry(entry.file, entry.where(key), {})

    cols, rows, names = part("cols"), part("rows"), part("names")
    return ViewFormat(
        cols={c: cols.one_of(c, CELL_KINDS) for c in cols.values},
        rows={r: rows.one_of(r, CELL_KINDS) for r in rows.values},
        default=entry.one_of("default", CELL_KINDS) if "default" in entry.values else "text",
        names={k: names.text(k) for k in names.values},
        caption=entry.one_of("caption", CAPTIONS) if "caption" in entry.values else None,
    )


def parse_views(text: str) -> dict[str, ViewFormat]:
    """The view formats of ``text`` read as :data:`VIEWS_FILE`, by view (the tests feed malformed text here)."""
    return {view: _view_format(entry) for view, entry in VIEWS_FILE.parse(text).entries().items()}


#: How each table of this module shows its cells, by view (:data:`VIEWS_FILE`).
VIEWS: dict[str, ViewFormat] = parse_views(VIEWS_FILE.text())


def plan_view(plan: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`plan_vs_actual` for display: amounts in EUR, attainment and growth as percentages.

    Examples
    --------
    >>> plan = pd.DataFrame({"actual": [1234.5], "attainment": [1.04]}, index=["revenue"])
    >>> plan_view(plan, "de").to_dict("index")
    {'Umsatz': {'Ist': '1.234\\xa0€', 'Zielerreichung': '104,0\\xa0%'}}
    """
    return _view(plan, lang, "plan")


def bridge_view(bridge: pd.Series, lang: str = "en") -> pd.DataFrame:
    """:func:`variance_bridge` for display: one row per step from the base quarter's revenue to the reviewed
    quarter's, in EUR."""
    return _view(bridge.to_frame("effect"), lang, "bridge")


def bridge_check(bridge: pd.Series, lang: str = "en") -> str:
    """One sentence: do volume, mix, price and the lines bought in one quarter only add up to the total change
    (to the cent)?

    Examples
    --------
    >>> b = pd.Series({"volume": 10.0, "mix": -2.5, "price": 0.5, "new_lines": 3.0, "lost_lines": -1.0,
    ...                "total": 10.0})
    >>> bridge_check(b, "de")
    'Mengen-, Mix- und Preiseffekt der in beiden Quartalen gekauften Produktlinien und die nur in einem der Quartale gekauften Linien ergeben zusammen die Gesamtänderung von 10,00\\xa0€: ja'
    """
    parts = bridge[["volume", "mix", "price", "new_lines", "lost_lines"]].sum()
    ok = round(float(parts), 2) == round(float(bridge["total"]), 2)
    return text(
        "bridge_adds_up",
        lang,
        total=i18n.money(float(bridge["total"]), lang, 2),
        ok=label("yes" if ok else "no", lang),
    )


#: How each KPI of :func:`account_kpis` is shown (kind of :func:`_cell`).
KPI_KINDS = VIEWS["kpis"].rows


def kpi_view(kpis: pd.Series, lang: str = "en") -> pd.DataFrame:
    """:func:`account_kpis` for display: one row per KPI with its value (counts, EUR, percentages, the
    margin change in percentage points).

    Examples
    --------
    >>> kpi = pd.Series({"db4_margin": 0.36, "db4_margin_change": -0.012, "calls": 1}, dtype=object)
    >>> kpi_view(kpi, "de")["Wert"].to_dict()
    {'DB-IV-Marge': '36,0\xa0%', 'Veränderung der DB-IV-Marge': '-1,2 Pp.', 'Telefonate': '1'}
    >>> kpi_view(kpi, "en")["Value"].to_dict()
    {'DB IV margin': '36.0%', 'Change of DB IV margin': '-1.2 pp', 'Calls': '1'}
    """
    return _view(kpis.to_frame("value"), lang, "kpis")


def health_view(health: pd.DataFrame, lang: str = "en", *, rules: dict | None = None) -> pd.DataFrame:
    """:func:`health_score` for display: scores with one decimal, weights as percentages, the band as a word
    and each component's rule in ``lang`` (with the parameters of ``rules``, as given to :func:`health_score`);
    the total's rule names the cap and the findings behind it (:func:`findings_view` explains them)."""
    texts = rule_texts(rules, lang)
    codes = _finding_codes(health)
    if codes:
        cap = float(health["cap"].loc["health"])
        total_rule = i18n.pick(RULE_LABELS["total_capped"], lang).format(
            cap=i18n.number(cap, lang, 0), findings=", ".join(label(c, lang) for c in codes)
        )
    else:
        total_rule = i18n.pick(RULE_LABELS["total"], lang)
    shown = health.drop(columns=[c for c in ("cap", "findings") if c in health.columns])
    shown = shown.assign(rule=[texts.get(str(k), total_rule) for k in health.index])
    return _view(shown, lang, "health")


def _cap_text(cap: float, lang: str) -> str:
    """'75 (amber)': the highest score a finding allows, with its band."""
    return f"{i18n.number(cap, lang, 0)} ({label(band(cap), lang)})"


def _finding_detail(code: str, value: float, limit: float, lang: str) -> str:
    def pct(v):
        return i18n.percent(v, lang, 1)

    def whole(v):
        return i18n.number(v, lang, 0)

    if code == "loss" and math.isnan(value):
        code = "loss_no_revenue"
    if code == "no_review" and math.isnan(value):
        code = "no_review_never"
    if code == "no_actions" and not math.isnan(value):  # the data have an account_plans table
        code = "no_actions_plans"
    fmt = {"loss": pct, "revenue_fall": pct}.get(code, whole)
    shown = {
        "value": fmt(value) if not math.isnan(value) else "–",
        "limit": fmt(limit) if not math.isnan(limit) else "–",
    }
    return i18n.pick(FINDING_TEXTS[code], lang).format(**shown)


def findings_view(findings: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`health_findings` for display: one row per finding with its kind, the cap it puts on the score
    and what the data show, in ``lang``.

    Examples
    --------
    >>> f = pd.DataFrame({"kind": ["red_flag"], "value": [-0.369], "limit": [0.0], "cap": [50.0]},
    ...                  index=pd.Index(["loss"], name="finding"))
    >>> findings_view(f, "de").iloc[0].tolist()[-1]
    'DB-IV-Marge -36,9\xa0% im Quartal, unter 0,0\xa0% des Nettoumsatzes: Der Kunde bringt Verlust'
    """
    i18n.check_lang(lang)
    rows = {
        "kind": [label(k, lang) for k in findings["kind"]],
        "cap": [_cap_text(c, lang) for c in findings["cap"]],
        "detail": [
            _finding_detail(str(code), float(r["value"]), float(r["limit"]), lang) for code, r in findings.iterrows()
        ],
    }
    out = pd.DataFrame(rows, index=pd.Index([label(str(c), lang) for c in findings.index]))
    out.columns = [label(c, lang) for c in out.columns]
    out.index.name = label("finding", lang)
    return _styled(out, lang, "findings")


def rules_view(rules: dict | None = None, lang: str = "en", *, cadence_days: int = 90, data=None) -> pd.DataFrame:
    """Every rule of :func:`health_findings` as a table in ``lang``, with the parameters of ``rules`` (and the
    cadence) filled in: the finding, its kind, the cap it puts on the score and the rule. With ``data``, a
    column says whether the data allow the check (a gap needs the table it reads).

    Examples
    --------
    >>> rules_view({"max_fall": 0.25}, "en").loc["Revenue fall", "Rule"]
    'revenue more than 25.0% below the same quarter last year'
    """
    i18n.check_lang(lang)
    r = check_rules(rules)
    limits = {
        "loss": i18n.percent(r["min_db4_margin"], lang, 1),
        "revenue_fall": i18n.percent(r["max_fall"], lang, 1),
        "many_gaps": i18n.number(r["gaps_for_red"], lang, 0) if r["gaps_for_red"] is not None else "",
        "no_actions": i18n.number(PLAN_DAYS, lang, 0),
        "no_review": i18n.number(cadence_days, lang, 0),
    }
    rule = []
    for code in FINDINGS:
        key = "many_gaps_off" if code == "many_gaps" and r["gaps_for_red"] is None else code
        if code == "no_actions" and data is not None and data.has("account_plans"):
            key = "no_actions_plans"
        rule.append(i18n.pick(FINDING_RULES[key], lang).format(limit=limits.get(code, "")))
    caps = [r["red_cap"] if c in RED_FLAGS else r["gap_cap"] for c in FINDINGS]
    out = pd.DataFrame(
        {
            "kind": [label("red_flag" if c in RED_FLAGS else "gap", lang) for c in FINDINGS],
            "cap": [_cap_text(c, lang) for c in caps],
            "rule": rule,
        },
        index=[label(c, lang) for c in FINDINGS],
    )
    if data is not None:
        needs = {
            "no_kam": kam_checkable(data),
            "no_target": data.has("targets"),
            "no_actions": data.has("actions") or data.has("account_plans"),
        }
        needs.update(
            no_review=data.has("interactions"),
            no_decider=data.has("contacts"),
            decider_opposed=data.has("contacts"),
            loss=has_costs(data),
        )
        out["checked"] = [label("yes" if needs.get(c, True) else "no", lang) for c in FINDINGS]
    out.columns = [label(c, lang) for c in out.columns]
    out.index.name = label("finding", lang)
    return _styled(out, lang, "rules")


#: The order in which action states are counted.
STATES = ("done", "open", "overdue", "cancelled")

# --------------------------------------------------------------------------- progress against the account plan

#: The plan items whose progress a review follows: our objectives and the goals agreed with the customer.
PROGRESS_SECTIONS = ("objective", "agreed_goal")
_PROGRESS_COLUMNS = [
    "section",
    "text",
    "owner_ours",
    "owner_customer",
    "due",
    "status",
    "overdue",
    "days_overdue",
    "result",
    "updated_on",
    "due_in_period",
]


def plan_progress(data, account_id: str, period: str, *, sections=PROGRESS_SECTIONS) -> pd.DataFrame:
    """Progress against the account plan at the end of the reviewed quarter: one row per objective and agreed goal
    (``sections``; ``("agreed_goal",)`` for what the customer may see), objectives first, each by due date.

    Index ``item_id``; columns section, text, owner_ours, owner_customer, due, status, overdue (due before the
    quarter's last day and neither done nor dropped: a missed goal counts, it was not reached), days_overdue
    (days from the due date to the quarter's last day), result, updated_on and due_in_period (due within the
    quarter). Statuses are taken as recorded (like :func:`action_status`; they cannot be rolled back). Empty
    (with these columns) when the data have no ``account_plans`` table or the account no such item.
    """
    q = check_period(data, period, account_id=account_id)
    end = q.end_time.normalize()
    p = data.account_plans
    p = schemas.plan_items(p[(p["account_id"] == account_id) & p["section"].isin(list(sections))], end, sections)
    return p.assign(due_in_period=_in(p["due"], q).astype(bool)).set_index("item_id")[_PROGRESS_COLUMNS]


def plan_progress_line(progress: pd.DataFrame, lang: str = "en", *, data=None) -> str:
    """One sentence per kind of item of :func:`plan_progress`: how many of the agreed goals and of our
    objectives are done and how many overdue; without any, why (with ``data``: a missing table is named).

    Examples
    --------
    >>> p = pd.DataFrame({"section": ["agreed_goal"] * 3, "status": ["done", "open", "missed"],
    ...                   "overdue": [False, False, True]})
    >>> plan_progress_line(p, "de")
    'Vereinbarte Ziele: 1 von 3 erledigt, 1 überfällig.'
    """
    i18n.check_lang(lang)
    if not len(progress):
        key = "plan_progress_no_table" if data is not None and not data.has("account_plans") else "plan_progress_none"
        return text(key, lang)
    parts = []
    for section in ("agreed_goal", "objective"):
        rows = progress[progress["section"] == section]
        if len(rows):
            parts.append(
                text(
                    f"plan_progress_{section}",
                    lang,
                    done=int((rows["status"] == "done").sum()),
                    n=len(rows),
                    overdue=int(rows["overdue"].sum()),
                )
            )
    return " ".join(parts)


def plan_progress_view(progress: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`plan_progress` for display: one row per item (its id as the index), section and status as words,
    dates as 31.12.2025 (de) or 2025-12-31 (en), overdue as yes/no, missing values as '–'.

    Examples
    --------
    >>> p = pd.DataFrame({"section": ["agreed_goal"], "text": ["Audit"], "due": [pd.Timestamp("2025-12-15")],
    ...                   "status": ["at_risk"], "overdue": [True]}, index=pd.Index(["g1"], name="item_id"))
    >>> plan_progress_view(p, "de").loc["g1"].tolist()
    ['Vereinbartes Ziel', 'Audit', '15.12.2025', 'gefährdet', 'ja']
    """
    shown = progress.drop(columns=[c for c in ("due_in_period",) if c in progress.columns])
    return _view(shown, lang, "plan_progress")


def action_counts(actions: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """How many of the account's actions are done, open, overdue or cancelled (:func:`action_status`).

    Examples
    --------
    >>> action_counts(pd.DataFrame({"state": ["open", "done", "open"]}), "de")["Anzahl"].to_dict()
    {'erledigt': '1', 'offen': '2', 'überfällig': '0', 'abgebrochen': '0'}
    """
    counts = actions["state"].value_counts().reindex(list(STATES), fill_value=0)
    counts.index.name = "state"
    return _view(counts.to_frame("count"), lang, "action_counts")


def actions_view(actions: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`action_status` for display, one row per action (its id as the index)."""
    return _view(actions.set_index("action_id"), lang, "actions")


def proposals_view(proposals: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`next_actions` for display, numbered from 1 (the proposals are already in ``lang``)."""
    shown = proposals.set_axis(pd.RangeIndex(1, len(proposals) + 1), axis=0)
    return _view(shown, lang, "proposals")


def portfolio_view(portfolio: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`portfolio_review` for display: whole euros, percentages, quadrant, band and findings as words."""
    shown = portfolio
    if "findings" in portfolio:
        words = [", ".join(label(c, lang) for c in str(f).split(", ") if c) for f in portfolio["findings"]]
        shown = portfolio.assign(findings=words)
    return _view(shown, lang, "portfolio")


def band_counts(portfolio: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """How many key accounts are red, amber and green (and without a score) in :func:`portfolio_review`."""
    counts = portfolio["band"].value_counts().reindex(["red", "amber", "green"], fill_value=0)
    na = int((portfolio["band"] == "n/a").sum())
    if na:
        counts["n/a"] = na
    counts.index.name = "band"
    out = _view(counts.to_frame("count"), lang, "band_counts")
    return _styled(out, lang, "band_counts", badge_index=True)


#: How each figure of :func:`retention_kpis` is shown.
RETENTION_KINDS = VIEWS["retention"].rows


def retention_view(retention: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Columns of :func:`retention_kpis` side by side (e.g. ``all_accounts``, ``key_accounts``) for display.

    Examples
    --------
    >>> r = pd.DataFrame({"key_accounts": pd.Series({"start_accounts": 1200, "grr": 0.9512}, dtype=object)})
    >>> retention_view(r, "de").to_dict()
    {'Key Accounts': {'Kunden zu Beginn': '1.200', 'Brutto-Umsatzbindung (GRR)': '95,1\\xa0%'}}
    """
    return _view(retention, lang, "retention")


def transition_view(transitions: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The transition table of :func:`quadrant_migration` with quadrant names in ``lang`` (rows: before,
    columns: now)."""
    shown = transitions.copy()
    shown.index = [_cell(q, "quadrant", lang) for q in transitions.index]
    shown.columns = [_cell(q, "quadrant", lang) for q in transitions.columns]
    shown.index.name, shown.columns.name = label("moved_from", lang), label("moved_to", lang)
    return _styled(shown, lang, "transitions")


def moves_view(moves: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The key accounts of :func:`quadrant_migration` that changed quadrant, with the quadrants in ``lang`` and
    the value of the move (the account's own lifetime value before and now) in whole euros."""
    moved = moves[moves["previous"] != moves["current"]]
    return _view(moved, lang, "moves")


def workload_view(workload: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`kam_workload` for display: counts, whole euros, utilisation as a percentage."""
    shown = workload.rename_axis("kam").rename(columns={"name": i18n.pick(CAPTIONS["kam_name"], lang)})
    return _view(shown, lang, "workload")


#: How the values of each check of :func:`pitfall_checks` are shown.
PITFALL_KINDS = VIEWS["pitfalls"].rows


def pitfall_view(pitfalls: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`pitfall_checks` for display: before, now and limit in the unit of each check, the flag as yes/no."""
    return _view(pitfalls.rename_axis(None), lang, "pitfalls")


def extracts_written(paths, lang: str = "en") -> str:
    """One sentence naming the CSV extracts a notebook wrote (file names only)."""
    from pathlib import Path

    names = [Path(p).name for p in paths]
    return text("extracts_written", lang, n=len(names), files=", ".join(names))


# --------------------------------------------------------------------------- one-page summary


def _fmt_eur(v: float, lang: str) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else i18n.money(v, lang, 0)


def _fmt_count(v, lang: str) -> str:
    """A count for the one-pager; '-' when unknown (the table it comes from is missing)."""
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else i18n.number(v, lang, 0)


def _fmt_pct(v: float, lang: str) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else i18n.percent(v, lang)


def qbr_summary(
    data,
    account_id: str,
    period: str,
    *,
    plan: pd.DataFrame,
    kpis: pd.Series,
    health: pd.DataFrame,
    actions: pd.DataFrame,
    proposals: pd.DataFrame,
    lang: str = "en",
) -> str:
    """The one-pager of the quarterly business review (QBR) as Markdown: KPIs, wins, issues, next-quarter goals
    with owners. (The annual review, the Jahresgespräch, ends in more: an action plan with milestones and a
    revenue forecast with its probability.)

    All inputs are the results of the functions of this module for the same account and period; nothing is
    recomputed, so the page shows exactly the numbers of the notebook. Customer text (account name and id,
    the proposals, which quote action texts and contact names, the owners) goes through
    :func:`kamlib.data.writers.md_escape`: it shows as text, never as HTML, a link or Markdown formatting.
    """
    i18n.check_lang(lang)
    q = parse_period(period)
    name = data.accounts.set_index("account_id").loc[account_id, "name"]
    rev, db1 = plan.loc["revenue"], plan.loc["db1"]
    h = health.loc["health"]
    assert isinstance(rev, pd.Series) and isinstance(db1, pd.Series) and isinstance(h, pd.Series)  # unique rows
    codes = _finding_codes(health)
    capped = "; " + _text("capped_by", lang, findings=", ".join(label(c, lang) for c in codes)) if codes else ""
    # a loss-making account has no win in meeting its plan: it sold more of what loses money
    margin = kpis["db4_margin"]
    loss = "loss" in codes or (isinstance(margin, float) and margin < 0)
    lines = [f"## {_text('qbr_title', lang)} {q}: {md_escape(name)} ({md_escape(account_id)})", ""]
    lines += [
        f"| {label('kpi', lang)} | {label('value', lang)} |",
        "|---|---|",
        f"| {label('revenue', lang)} | {_fmt_eur(rev['actual'], lang)} |",
        f"| {label('attainment', lang)} | {_fmt_pct(rev['attainment'], lang)} |",
        f"| {label('yoy_growth', lang)} | {_fmt_pct(rev['yoy_growth'], lang)} |",
        f"| {label('ytd_attainment', lang)} | {_fmt_pct(rev['ytd_attainment'], lang)} |",
        f"| {label('db1', lang)} | {_fmt_eur(db1['actual'], lang)} |",
        f"| {label('db4_margin', lang)} | {_fmt_pct(kpis['db4_margin'], lang)} |",
        f"| {label('meetings', lang)} | {_fmt_count(kpis['contacts_held'], lang)} / "
        f"{_fmt_count(kpis['contacts_expected'], lang)} |",
        f"| {_text('complaints_new_open', lang)} | "
        f"{_fmt_count(kpis['complaints_opened'], lang)} / {_fmt_count(kpis['complaints_open_at_end'], lang)} |",
        f"| {label('health', lang)} | {_fmt_count(h['score'], lang)} ({label(h['band'], lang)}{capped}) |",
        "",
    ]
    comps = health.drop(index="health")
    wins, issues = [], []
    if rev["attainment"] >= 1 and loss:
        issues.append(
            _text("plan_met_at_loss", lang, pct=_fmt_pct(rev["attainment"], lang), margin=_fmt_pct(margin, lang))
        )
    elif loss:
        issues.append(_text("loses_money", lang, margin=_fmt_pct(margin, lang)))
    if rev["attainment"] >= 1 and not loss:
        wins.append(_text("plan_met", lang, pct=_fmt_pct(rev["attainment"], lang)))
    elif not math.isnan(rev["attainment"]) and rev["attainment"] < 1:
        issues.append(_text("revenue_at", lang, pct=_fmt_pct(rev["attainment"], lang)))
    if rev["yoy_growth"] > 0:
        wins.append(_text("revenue_up", lang, pct=_fmt_pct(rev["yoy_growth"], lang)))
    elif rev["yoy_growth"] < 0:
        issues.append(_text("revenue_down", lang, pct=_fmt_pct(-rev["yoy_growth"], lang)))
    if kpis["new_product_lines"]:
        wins.append(_text("new_lines_sold", lang, n=kpis["new_product_lines"]))
    for k, r in comps.iterrows():
        if loss and k == "growth_vs_plan":
            continue  # growth against the plan is no win either when the account loses money
        if r["score"] >= 90:
            wins.append(f"{label(str(k), lang)}: {i18n.number(r['score'], lang, 0)}/100")
        elif r["score"] < 50:
            issues.append(f"{label(str(k), lang)}: {i18n.number(r['score'], lang, 0)}/100")
    n_over = int((actions["state"] == "overdue").sum()) if len(actions) else 0
    if n_over:
        issues.append(_text("overdue_n", lang, n=n_over))
    lines += [f"**{_text('wins', lang)}**", ""] + [f"- {w}" for w in wins or ["-"]] + [""]
    lines += [f"**{_text('issues', lang)}**", ""] + [f"- {i}" for i in issues or ["-"]] + [""]
    nxt = q + 1
    lines += [
        f"**{_text('goals_for', lang, q=nxt)}**",
        "",
        f"| # | {_text('goal', lang)} | {label('owner', lang)} | {label('due', lang)} |",
        "|---|---|---|---|",
    ]
    tgt = quarter_target(data, account_id, nxt)[0]
    n = 1
    if not math.isnan(tgt):
        lines.append(
            f"| {n} | {_text('revenue_target', lang, value=_fmt_eur(tgt, lang))} | "
            f"{md_escape(proposals['owner'].iloc[0]) if len(proposals) else '-'} | "
            f"{i18n.date(nxt.end_time, lang)} |"
        )
        n += 1
    for _, r in proposals.iterrows():
        lines.append(f"| {n} | {md_escape(r['proposal'])} | {md_escape(r['owner'])} | {i18n.date(r['due'], lang)} |")
        n += 1
    return "\n".join(lines)
