"""Customer contribution margin (Kundendeckungsbeitragsrechnung), cost to serve and the whale curve.

The contribution margin scheme peels off, step by step, what an account costs us:

    gross revenue − discounts                = net revenue
    net revenue   − cost of goods            = DB I
    DB I          − marketing                = DB II
    DB II         − sales (visits, orders)   = DB III
    DB III        − service and logistics    = DB IV

Revenue, discounts and cost of goods come from ``orders``; marketing, sales, service and logistics from
``service_costs`` (periods like ``2025``, ``2025Q4`` or ``2025-12``). Cost to serve = marketing + sales +
service + logistics. The **whale curve** sorts accounts from most to least profitable (DB IV) and
cumulates their profit: it rises above 100 % of total profit and falls back as the accounts that destroy
profit are added -- the limit of profitable care that source 000 asks to set.

All functions take data first, keep options keyword-only and never change their inputs.

Examples
--------
>>> import kamlib, numpy as np
>>> data = kamlib.load("data/sample", as_of="2025-12-31")
>>> acc = account_contribution(data, start="2025-01-01", end="2025-12-31")
>>> bool(np.allclose(acc["db4"], acc["db3"] - acc["service"] - acc["logistics"], atol=0.011))  # cents rounded
True
>>> int((acc["db4"] < 0).sum()) > 50   # accounts that lose money after cost to serve
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlib import i18n
from kamlib.data.cache import portfolio_memo
from kamlib.errors import KamParameterError

COST_CATEGORIES = ("marketing", "sales", "service", "logistics")
#: Columns of the scheme, top to bottom.
LEVELS = (
    "gross_revenue",
    "discount",
    "net_revenue",
    "cogs",
    "db1",
    "marketing",
    "db2",
    "sales",
    "db3",
    "service",
    "logistics",
    "db4",
)
SUBTOTALS = ("net_revenue", "db1", "db2", "db3", "db4")
FREQS = {"Y": "year", "Q": "quarter", "M": "month"}

_LABELS: dict[str, tuple[str, str]] = i18n.table("value.labels")


def label(key: str, lang: str = "en") -> str:
    """The label ``key`` of this module in ``lang`` ('en' or 'de')."""
    return i18n.pick(_LABELS[key], lang)


def missing_data_notes(data, *, lang: str = "en") -> list[str]:
    """What the contribution margin scheme cannot show with this data: one sentence per gap, in ``lang``.

    Without ``service_costs`` the cost to serve is unknown (DB II-IV are then shown equal to DB I, which
    is not the same as a cost of zero); without ``cogs_eur`` DB I equals net revenue; without
    ``discount_eur`` net revenue equals gross revenue. Empty when nothing is missing.

    Examples
    --------
    >>> import kamlib
    >>> missing_data_notes(kamlib.load("data/sample", as_of="2025-12-31"))
    []
    """
    i18n.check_lang(lang)
    notes = []
    if not data.has("service_costs"):
        notes.append(label("no_service_costs", lang))
    o = data.orders
    if len(o) and ("cogs_eur" not in o or o["cogs_eur"].isna().all()):
        notes.append(label("no_cogs", lang))
    if len(o) and ("discount_eur" not in o or o["discount_eur"].isna().all()):
        notes.append(label("no_discounts", lang))
    return notes


_TEXTS: dict[str, tuple[str, str]] = i18n.table("value.texts")


def text(key: str, lang: str = "en", /, **values) -> str:
    """The sentence ``key`` of ``value.texts`` in ``lang`` with ``values`` filled in (format them first)."""
    return i18n.pick(_TEXTS[key], lang).format(**values)


def note(sentence: str, lang: str = "en") -> str:
    """'Note: …' / 'Hinweis: …' before a sentence already in ``lang``."""
    return text("note", lang, text=sentence)


def eur(value: float, lang: str = "en") -> str:
    """Whole euros: '1,234,567 EUR' (en) or '1.234.567 EUR' (de)."""
    return f"{i18n.number(value, lang, 0)} EUR"


# =========================================================================== parameters and periods


def check_account_id(data, account_id: str | None) -> str | None:
    """Return ``account_id`` stripped (None when empty); raise KamParameterError when it is unknown.

    Examples
    --------
    >>> import kamlib
    >>> data = kamlib.load("data/sample", as_of="2025-12-31")
    >>> check_account_id(data, "") is None
    True
    """
    if account_id is None or str(account_id).strip() == "":
        return None
    acc = str(account_id).strip()
    ids = data.accounts["account_id"].astype(str)
    if acc not in set(ids):
        close = sorted(i for i in ids if acc.lower() in i.lower())[:5]
        hint = f"; did you mean {', '.join(close)}?" if close else f"; ids look like {ids.iloc[0]}"
        raise KamParameterError("account_id", f"unknown account {acc!r}{hint}")
    return acc


def _check_freq(freq: str) -> str:
    if freq not in FREQS:
        raise KamParameterError("freq", f"must be one of {', '.join(FREQS)} (year, quarter, month), not {freq!r}")
    return freq


def period_of(dates: pd.Series, freq: str = "Y") -> pd.Series:
    """Period label of each date: '2025' (Y), '2025Q4' (Q) or '2025-12' (M) -- the format of ``service_costs.period``.

    Examples
    --------
    >>> period_of(pd.Series(pd.to_datetime(["2025-11-30"])), "Q").tolist()
    ['2025Q4']
    """
    _check_freq(freq)
    d = pd.to_datetime(dates)
    if freq == "Y":
        out = d.dt.year.astype(str)
    elif freq == "Q":
        out = d.dt.year.astype(str) + "Q" + d.dt.quarter.astype(str)
    else:
        out = d.dt.year.astype(str) + "-" + d.dt.month.astype(str).str.zfill(2)
    return out.astype(str)


def _per_distinct(values: pd.Series, fn) -> pd.Series:
    """``values.map(fn)`` with ``fn`` called once per distinct value (a few dozen periods among thousands of
    cost rows)."""
    uniq = values.unique()
    return values.map(dict(zip(uniq, map(fn, uniq), strict=True)))


def _cost_period_granularity(period: str) -> str:
    return "Q" if "Q" in period else ("M" if "-" in period else "Y")


def cost_period(periods: pd.Series, freq: str = "Y") -> pd.Series:
    """Map service-cost periods ('2025', '2025Q4', '2025-12') to the period label at ``freq``.

    A quarter maps to its year; a month to its quarter or year. A cost booked per year cannot be split
    into quarters: asking for a finer ``freq`` than the data have raises KamParameterError.

    Examples
    --------
    >>> cost_period(pd.Series(["2025Q4", "2024-03"]), "Y").tolist()
    ['2025', '2024']
    """
    _check_freq(freq)
    p = periods.astype(str)
    order = {"Y": 0, "Q": 1, "M": 2}
    gran = _per_distinct(p, _cost_period_granularity)
    too_coarse = gran.map(order) < order[freq]
    if too_coarse.any():
        example = p[too_coarse].iloc[0]
        raise KamParameterError(
            "freq",
            f"service_costs are booked per {FREQS[gran[too_coarse].iloc[0]]} (e.g. {example}); "
            f"they cannot be split per {FREQS[freq]}: choose a coarser freq",
        )
    year = p.str.slice(0, 4)
    if freq == "Y":
        return year
    quarter = np.where(
        gran == "Q",
        p.str.slice(5, 6),
        ((p.str.slice(5, 7).where(gran == "M", "01").astype(int) - 1) // 3 + 1).astype(str),
    )
    if freq == "Q":
        return pd.Series(year + "Q" + pd.Series(quarter, index=p.index).astype(str), index=p.index)
    return p


def _period_end(period: str) -> pd.Timestamp:
    gran = _cost_period_granularity(period)
    freq = {"Y": "Y", "Q": "Q", "M": "M"}[gran]
    return pd.Period(period, freq=freq).end_time.normalize()


def _window_costs(service_costs: pd.DataFrame, start, end) -> pd.DataFrame:
    """Service costs whose period ends inside [start, end] (quarters and months aligned with the window)."""
    sc = service_costs
    if start is None and end is None:
        return sc
    ends = _per_distinct(sc["period"].astype(str), _period_end)
    mask = pd.Series(True, index=sc.index)
    if start is not None:
        mask &= ends >= pd.Timestamp(start)
    if end is not None:
        mask &= ends <= pd.Timestamp(end) + pd.Timedelta(days=1)
    return sc[mask]


# =========================================================================== the scheme


def _with_levels(df: pd.DataFrame) -> pd.DataFrame:
    """Add subtotals and cost to serve to a frame holding gross_revenue, discount, cogs and the cost categories.

    Worked out on NumPy columns and built into one frame at the end (a frame built column by column costs
    about 1 ms per column, and the health review works this out for every account and quarter)."""
    v: dict[str, np.ndarray] = {}
    for c in ("gross_revenue", "discount", "cogs", *COST_CATEGORIES):
        x = df[c].astype(float).to_numpy() if c in df else np.zeros(len(df))
        v[c] = np.where(np.isnan(x), 0.0, x)
    v["net_revenue"] = v["gross_revenue"] - v["discount"]
    v["db1"] = v["net_revenue"] - v["cogs"]
    v["db2"] = v["db1"] - v["marketing"]
    v["db3"] = v["db2"] - v["sales"]
    v["db4"] = v["db3"] - v["service"] - v["logistics"]
    v["cost_to_serve"] = v["marketing"] + v["sales"] + v["service"] + v["logistics"]
    return pd.DataFrame({c: np.round(v[c], 2) for c in (*LEVELS, "cost_to_serve")}, index=df.index)


@portfolio_memo
def contribution_margins(data, *, freq: str = "Y", start=None, end=None) -> pd.DataFrame:
    """DB I-IV per account and period.

    Parameters
    ----------
    data
        :class:`kamlib.KamData` (``orders`` required; ``service_costs`` optional -- without it DB II-IV
        equal DB I and cost to serve is 0).
    freq
        ``"Y"``, ``"Q"`` or ``"M"``: periods as in ``service_costs.period``.
    start, end
        Optional date window: orders by date, service costs by the end of their period.

    Returns
    -------
    DataFrame
        Index (account_id, period); columns gross_revenue, discount, net_revenue, cogs, db1, marketing, db2,
        sales, db3, service, logistics, db4 and cost_to_serve, in EUR. An account with costs but no orders
        in a period appears with zero revenue: it costs money without earning any.
    """
    _check_freq(freq)
    o = data.orders
    if start is not None:
        o = o[o["date"] >= pd.Timestamp(start)]
    if end is not None:
        o = o[o["date"] <= pd.Timestamp(end)]
    period = period_of(o["date"], freq)
    rev = (
        pd.DataFrame(
            {
                "account_id": o["account_id"].astype(str),
                "period": period,
                "gross_revenue": o["gross_revenue_eur"].astype(float),
                "discount": o["discount_eur"].fillna(0.0).astype(float) if "discount_eur" in o else 0.0,
                "cogs": o["cogs_eur"].fillna(0.0).astype(float) if "cogs_eur" in o else 0.0,
            }
        )
        .groupby(["account_id", "period"])
        .sum()
    )
    if data.has("service_costs"):
        sc = _window_costs(data.service_costs, start, end)
        keys = pd.DataFrame(
            {
                "account_id": sc["account_id"].astype(str),
                "period": cost_period(sc["period"], freq),
                "category": sc["category"],
                "cost_eur": sc["cost_eur"],
            }
        )
        # the sums per account, period and category, categories side by side (a pivot table, without its
        # overhead)
        costs = keys.groupby(["account_id", "period", "category"])["cost_eur"].sum().unstack("category")
        costs = costs.reindex(columns=list(COST_CATEGORIES))
        table = rev.join(costs, how="outer")
    else:
        table = rev
    table = _with_levels(table)
    table.index.names = ["account_id", "period"]
    return table.sort_index()


@portfolio_memo
def account_contribution(data, *, start=None, end=None) -> pd.DataFrame:
    """DB I-IV per account over a window, with name, cost-to-serve ratio and DB IV margin.

    Columns: name, the scheme (see :func:`contribution_margins`), cost_to_serve, ``cts_ratio`` (cost to
    serve / net revenue), ``db1_margin`` and ``db4_margin`` (share of net revenue) and ``rank`` by DB IV
    (1 = most profitable). Sorted by DB IV, most profitable first.
    """
    m = contribution_margins(data, freq="Y", start=start, end=end)
    t = m.groupby(level="account_id").sum()
    t = _with_levels(t)
    names = data.accounts.assign(account_id=data.accounts["account_id"].astype(str)).set_index("account_id")["name"]
    t.insert(0, "name", names.reindex(t.index))
    net = t["net_revenue"].where(t["net_revenue"] > 0)
    t["cts_ratio"] = (t["cost_to_serve"] / net).round(6)
    t["db1_margin"] = (t["db1"] / net).round(6)
    t["db4_margin"] = (t["db4"] / net).round(6)
    t = t.sort_values(["db4", "net_revenue"], ascending=[False, False], kind="stable")
    t["rank"] = np.arange(1, len(t) + 1)
    t.index.name = "account_id"
    return t


def statement(values: pd.Series | pd.DataFrame, *, lang: str = "en") -> pd.DataFrame:
    """The contribution margin scheme as a top-to-bottom table for one account or the portfolio.

    ``values`` is a row of :func:`account_contribution` (or :func:`contribution_margins`), or a frame of
    such rows (summed). Returns one row per step with EUR and the share of net revenue.

    Examples
    --------
    >>> row = pd.Series({"gross_revenue": 100.0, "discount": 10.0, "cogs": 50.0, "marketing": 5.0,
    ...                  "sales": 10.0, "service": 5.0, "logistics": 5.0})
    >>> float(statement(row).loc["db4", "EUR"])
    15.0
    """
    if isinstance(values, pd.DataFrame):
        values = values[[c for c in values.columns if c in (*LEVELS, "cost_to_serve")]].sum()
    row = _with_levels(pd.DataFrame([values]))
    v = row.iloc[0]
    net = float(v["net_revenue"])
    out = pd.DataFrame(
        {
            label("level", lang): [label(k, lang) for k in LEVELS],
            "EUR": [float(v[k]) for k in LEVELS],
            label("share_of_net", lang): [round(100.0 * float(v[k]) / net, 1) if net else np.nan for k in LEVELS],
        },
        index=pd.Index(LEVELS, name="key"),
    )
    return out


# =========================================================================== the whale curve


def whale_curve(db4: pd.Series) -> pd.DataFrame:
    """Cumulative DB IV with accounts ranked from most to least profitable.

    Returns one row per account: rank, db4, cum_db4, ``accounts_share`` (rank / n) and ``profit_share``
    (cum_db4 / total DB IV). With loss-making accounts the curve peaks above 1 and ends at 1.

    Examples
    --------
    >>> c = whale_curve(pd.Series({"a": 80.0, "b": 40.0, "c": -20.0}))
    >>> c["profit_share"].tolist()
    [0.8, 1.2, 1.0]
    """
    s = db4.astype(float).sort_values(ascending=False, kind="stable")
    total = float(s.sum())
    out = pd.DataFrame(
        {"rank": np.arange(1, len(s) + 1), "db4": s.to_numpy(), "cum_db4": s.cumsum().to_numpy()}, index=s.index
    )
    out["accounts_share"] = (out["rank"] / max(len(s), 1)).round(6)
    out["profit_share"] = (out["cum_db4"] / total).round(6) if total != 0 else np.nan
    return out


def whale_summary(curve: pd.DataFrame) -> dict:
    """Key figures of a whale curve: total, peak and where it is reached, and what the loss-makers destroy."""
    if curve.empty:
        return {
            "accounts": 0,
            "total": 0.0,
            "peak": 0.0,
            "peak_share": np.nan,
            "peak_accounts": 0,
            "profitable": 0,
            "destroyers": 0,
            "destroyed": 0.0,
        }
    k = int(curve["cum_db4"].to_numpy().argmax()) + 1
    peak = float(curve["cum_db4"].iloc[k - 1])
    total = float(curve["cum_db4"].iloc[-1])
    neg = curve["db4"] < 0
    return {
        "accounts": len(curve),
        "total": total,
        "peak": peak,
        "peak_share": peak / total if total > 0 else np.nan,
        "peak_accounts": k,
        "profitable": int((curve["db4"] > 0).sum()),
        "destroyers": int(neg.sum()),
        "destroyed": abs(float(curve.loc[neg, "db4"].sum())),
    }  # abs: no "-0 EUR" when nothing is lost


def whale_sentence(summary: dict, *, lang: str = "en") -> str:
    """One sentence on the whale curve in ``lang``."""
    en, de = _LABELS["whale_sentence"]
    text = de if i18n.check_lang(lang) == "de" else en
    share = i18n.percent(summary["peak_share"], lang, 0) if summary["peak_share"] == summary["peak_share"] else "–"
    return text.format(
        k=summary["peak_accounts"],
        peak=eur(summary["peak"], lang),
        peak_share=share,
        total=eur(summary["total"], lang),
        n_neg=summary["destroyers"],
        destroyed=eur(summary["destroyed"], lang),
    )


def whale_position(curve: pd.DataFrame, account_id: str) -> dict:
    """Where one account sits on the whale curve, with no other account's figure.

    Returns ``rank`` (1 = most profitable; None when the account is not on the curve), ``accounts`` (N),
    ``peak_accounts`` (how many accounts build the curve up to its peak), the account's own ``db4`` and
    ``zone``: ``core`` (DB IV > 0: before the peak), ``zero``, ``destroyer`` (DB IV < 0: after the peak)
    or ``absent``.

    Examples
    --------
    >>> c = whale_curve(pd.Series({"a": 80.0, "b": 40.0, "c": -20.0}))
    >>> whale_position(c, "c")
    {'account_id': 'c', 'rank': 3, 'accounts': 3, 'peak_accounts': 2, 'db4': -20.0, 'zone': 'destroyer'}
    >>> whale_position(c, "x")["zone"]
    'absent'
    """
    s = whale_summary(curve)
    out = {
        "account_id": account_id,
        "rank": None,
        "accounts": s["accounts"],
        "peak_accounts": s["peak_accounts"],
        "db4": np.nan,
        "zone": "absent",
    }
    if account_id in curve.index:
        db4 = float(curve.at[account_id, "db4"])  # type: ignore[arg-type]  # pandas-stubs: .at is any scalar; db4 is a number
        out.update(
            rank=int(curve.at[account_id, "rank"]),  # type: ignore[arg-type]  # (the same: rank)
            db4=db4,
            zone="core" if db4 > 0 else "destroyer" if db4 < 0 else "zero",
        )
    return out


def whale_position_sentence(position: dict, *, name: str | None = None, lang: str = "en") -> str:
    """One sentence on :func:`whale_position` in ``lang``; ``name`` follows the account id when given.

    Examples
    --------
    >>> c = whale_curve(pd.Series({"a": 80.0, "b": 40.0, "c": -20.0}))
    >>> whale_position_sentence(whale_position(c, "c"))
    'c: rank 3 of 3 by DB IV, beyond the peak of the whale curve: after cost to serve it destroys 20 EUR'
    >>> whale_position_sentence(whale_position(c, "b"), name="Beta", lang="de")
    'b Beta: Rang 2 von 3 nach DB IV, einer der 2 Kunden, die die Walkurve bis zu ihrem Gipfel aufbauen'
    """
    account = f"{position['account_id']} {name}" if name else str(position["account_id"])
    key = {"core": "whale_core", "zero": "whale_zero", "destroyer": "whale_destroyer"}.get(
        position["zone"], "whale_absent"
    )
    loss = eur(-position["db4"], lang) if position["zone"] == "destroyer" else ""
    return label(key, lang).format(
        account=account, k=position["rank"], n=position["accounts"], peak=position["peak_accounts"], loss=loss
    )


def profit_destroyers(contribution: pd.DataFrame, *, top: int | None = None) -> pd.DataFrame:
    """Accounts whose DB IV is negative, biggest loss first, with the cost that tips them over.

    ``main_cost`` is the largest of the four cost-to-serve categories; ``cost_above_db1`` = cost to serve −
    DB I (how much care would have to be cut to break even).
    """
    t = contribution[contribution["db4"] < 0].sort_values("db4", kind="stable")
    cols = ["name", "net_revenue", "db1", "cost_to_serve", "db4", "cts_ratio"]
    out = t[[c for c in cols if c in t.columns]].copy()
    out["main_cost"] = t[list(COST_CATEGORIES)].idxmax(axis=1) if len(t) else pd.Series(dtype=str)
    out["cost_above_db1"] = (t["cost_to_serve"] - t["db1"]).round(2)
    return out.head(top) if top else out


# =========================================================================== what notebook 03 reports


def view_line(start, end, decision: str, account: str | None = None, *, lang: str = "en") -> str:
    """The window, the key-account decision (already in ``lang``) and the view of a report, in ``lang``.

    Examples
    --------
    >>> view_line("2025-01-01", "2025-12-31", "22 Key Accounts", "ACC-0044", lang="de")
    'Zeitraum: 01.01.2025 bis 31.12.2025; 22 Key Accounts; Ansicht: Kunde ACC-0044'
    """
    view = text("view_account", lang, account=account) if account else text("view_portfolio", lang)
    return text("window", lang, start=i18n.date(start, lang), end=i18n.date(end, lang), decision=decision, view=view)


def scope_line(
    contribution: pd.DataFrame, account: str | None = None, *, name: str | None = None, lang: str = "en"
) -> str:
    """The account's rank by DB IV among all accounts of ``contribution``, or how many accounts the portfolio has.

    Examples
    --------
    >>> c = pd.DataFrame({"rank": [1, 2]}, index=pd.Index(["A", "B"], name="account_id"))
    >>> scope_line(c, "B", name="Berta", lang="de"), scope_line(c)
    ('B Berta: Rang 2 von 2 nach DB IV', 'Portfolio: 2 accounts with revenue or cost to serve in the window')
    """
    if not account:
        return text("portfolio_line", lang, n=len(contribution))
    rank = int(contribution.at[account, "rank"]) if account in contribution.index else "–"  # type: ignore[arg-type]  # pandas-stubs: .at is any scalar; rank is a number
    label_ = f"{account} {name}" if name else str(account)
    return text("rank_line", lang, account=label_, rank=rank, n=len(contribution))


def yearly_margins(margins: pd.DataFrame) -> pd.DataFrame:
    """The scheme per period summed over the accounts of :func:`contribution_margins`: gross and net revenue,
    DB I, cost to serve, DB IV and the DB IV margin (share of net revenue).

    Examples
    --------
    >>> idx = pd.MultiIndex.from_tuples([("A", "2025"), ("B", "2025")], names=["account_id", "period"])
    >>> m = pd.DataFrame({"gross_revenue": [110.0, 90.0], "net_revenue": [100.0, 60.0], "db1": [40.0, 20.0],
    ...                   "cost_to_serve": [10.0, 30.0], "db4": [30.0, -10.0]}, index=idx)
    >>> yearly_margins(m).loc["2025"].tolist()   # DB IV margin 20 / 160
    [200.0, 160.0, 60.0, 40.0, 20.0, 0.125]
    """
    out = margins.groupby(level="period")[["gross_revenue", "net_revenue", "db1", "cost_to_serve", "db4"]].sum()
    out["db4_margin"] = out["db4"] / out["net_revenue"].where(out["net_revenue"] > 0)
    return out


def cts_medians(contribution: pd.DataFrame, key_ids) -> tuple[float, float]:
    """Median cost to serve per EUR of net revenue (``cts_ratio``): key accounts, other accounts.

    Examples
    --------
    >>> c = pd.DataFrame({"cts_ratio": [0.1, 0.3, 0.2, 0.5, 0.4]}, index=list("ABCDE"))
    >>> cts_medians(c, ["A", "B"])   # key: median of 0.1, 0.3; others: of 0.2, 0.5, 0.4
    (0.2, 0.4)
    """
    key = contribution.index.isin(list(key_ids))
    return float(contribution.loc[key, "cts_ratio"].median()), float(contribution.loc[~key, "cts_ratio"].median())


def cts_median_sentence(contribution: pd.DataFrame, key_ids, *, lang: str = "en") -> str:
    key, other = cts_medians(contribution, key_ids)
    return text("cts_medians", lang, key_accounts=i18n.percent(key, lang, 1), other=i18n.percent(other, lang, 1))


def cost_label(code, lang: str = "en") -> str:
    """A cost category (marketing, sales, service, logistics) in ``lang``; '–' for none."""
    if code is None or code != code:
        return "–"
    pair = i18n.table("value.values").get(str(code))
    return i18n.pick(pair, lang) if pair else str(code)


def destroyer_sentence(destroyers: pd.DataFrame, key_ids, *, account: str | None = None, lang: str = "en") -> str:
    """How many accounts destroy profit, how many of them are key accounts (named: all in the portfolio view,
    only the account itself in its own report) and the most frequent main cost, in ``lang``.

    Examples
    --------
    >>> d = pd.DataFrame({"name": ["Anton", "Berta", "Cäsar"], "main_cost": ["sales", "service", "sales"]},
    ...                  index=["A", "B", "C"])
    >>> destroyer_sentence(d, ["A", "B"])
    'Profit destroyers: 3; of them key accounts: 2 (Anton, Berta); most frequent main cost: sales'
    >>> destroyer_sentence(d, ["A", "B"], account="C", lang="de")
    'Gewinnvernichter: 3; davon Key Accounts: 2; häufigster größter Kostenblock: Vertrieb'
    """
    key = destroyers.index.isin(list(key_ids))
    named = destroyers.loc[key, "name"].astype(str)
    if account:
        named = named[named.index == account]
    names = f" ({', '.join(named) or '-'})" if not account or len(named) else ""
    main = destroyers["main_cost"].value_counts().idxmax() if len(destroyers) else None
    return text("destroyers", lang, n=len(destroyers), k=int(key.sum()), names=names, main=cost_label(main, lang))


def no_loss_sentence(contribution: pd.DataFrame, account: str, *, lang: str = "en") -> str:
    """Why an account is not among the profit destroyers: positive DB IV, or no revenue and no cost at all."""
    if account in contribution.index:
        return text("positive_db4", lang, account=account)
    return label("whale_absent", lang).format(account=account)


# --------------------------------------------------------------------------- tables as a report shows them

#: Columns whose cells are codes (translated in :func:`show`).
CODE_COLUMNS = ("main_cost", "status", "type", "from", "to", "axis", "direction", "reason", "period", "quadrant")


#: Columns (and index names) whose codes are portfolio quadrants.
QUADRANT_COLUMNS = ("from", "to", "quadrant")


def _lookup(code: str, lang: str, *, quadrant: bool = False) -> str | None:
    if quadrant and code in i18n.QUADRANT_LABELS:
        return i18n.quadrant_label(code, lang)
    for name in ("value.values", "clv.values", "value.columns", "clv.columns"):
        pair = i18n.table(name).get(code)
        if pair is not None:
            return i18n.pick(pair, lang)
    return i18n.code_label(code, lang)


def header(code, lang: str = "en") -> str | None:
    """A column or index name in ``lang`` (this module's and clv's catalogue first, then the common one)."""
    if code is None:
        return None
    return _lookup(str(code), lang) or str(code)


def show(
    df: pd.DataFrame,
    lang: str = "en",
    *,
    percent=(),
    decimals: int = 0,
    digits: dict | None = None,
    percent_decimals: int = 1,
    caption: str | None = None,
) -> pd.DataFrame:
    """A display copy of ``df`` in ``lang``: headers and code values (:data:`CODE_COLUMNS`, the index) in
    ``lang``, numbers as text in its style (``decimals`` by default, ``digits`` per column, ``percent``
    columns as percentages), True/False as yes/no, missing values as '–'. Names are left as they are.
    ``caption`` (a key of the catalogue's ``tables.captions``) goes into ``attrs`` for the report's table style.

    Examples
    --------
    >>> t = pd.DataFrame({"net_revenue": [1234.6], "cts_ratio": [0.25], "main_cost": ["sales"],
    ...                   "key_account": [True]}, index=pd.Index(["ACC-1"], name="account_id"))
    >>> show(t, "de", percent=["cts_ratio"]).to_dict("records")
    [{'Nettoumsatz': '1.235', 'Betreuungskosten je EUR Nettoumsatz': '25,0\\xa0%', 'Größter Kostenblock': 'Vertrieb', 'Key Account': 'ja'}]
    >>> show(t, "en").columns.tolist()[:2], show(t, "de").index.name
    (['Net revenue', 'Cost to serve per EUR net revenue'], 'Kunden-ID')
    """
    digits = digits or {}

    def cell(col, v):
        if isinstance(v, (bool, np.bool_)):
            return i18n.t("yes" if v else "no", lang)
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return "–"
        if isinstance(v, (int, np.integer)):
            return i18n.number(float(v), lang, 0)
        if isinstance(v, (float, np.floating)):
            if col in percent:
                return i18n.percent(float(v), lang, percent_decimals)
            return i18n.number(float(v), lang, digits.get(col, decimals))
        if isinstance(v, pd.Timestamp):
            return i18n.date(v, lang)
        if col in CODE_COLUMNS:
            return _lookup(str(v), lang, quadrant=col in QUADRANT_COLUMNS) or str(v)
        return str(v)

    out = pd.DataFrame({header(c, lang): [cell(c, v) for v in df[c]] for c in df.columns}, index=df.index.copy())
    if df.index.nlevels == 1 and df.index.name not in ("account_id", "name"):
        quadrant = df.index.name in QUADRANT_COLUMNS
        out.index = pd.Index(
            [(_lookup(v, lang, quadrant=quadrant) or v) if isinstance(v, str) else v for v in df.index]
        )
    out.index.names = [header(n, lang) for n in df.index.names]
    return captioned(out, caption, lang)


def captioned(frame: pd.DataFrame, caption: str | None, lang: str = "en") -> pd.DataFrame:
    """``frame`` with the caption ``caption`` (a key of ``tables.captions``) in ``lang`` in its ``attrs``, read by
    :mod:`kamlib.present.tables` when a report shows it."""
    if caption is not None:
        frame.attrs["caption"] = i18n.pick(i18n.table("tables.captions")[caption], lang)
    frame.attrs["lang"] = lang
    return frame


def statement_table(values: pd.Series | pd.DataFrame, *, lang: str = "en", caption: str | None = None) -> pd.DataFrame:
    """:func:`statement` as a report shows it: the steps in ``lang``, EUR whole, the share of net revenue in %.

    Examples
    --------
    >>> row = pd.Series({"gross_revenue": 1000.0, "discount": 100.0, "cogs": 500.0, "marketing": 5.0,
    ...                  "sales": 10.0, "service": 5.0, "logistics": 5.0})
    >>> statement_table(row, lang="de").iloc[-1].tolist()   # DB IV 375 of 900
    ['375', '41,7']
    """
    st = statement(values, lang=lang)
    share = label("share_of_net", lang)
    out = pd.DataFrame(
        {
            "EUR": [i18n.number(v, lang, 0) for v in st["EUR"]],
            share: ["–" if pd.isna(v) else i18n.number(v, lang, 1) for v in st[share]],
        },
        index=pd.Index(st[label("level", lang)].tolist(), name=label("level", lang)),
    )
    return captioned(out, caption, lang)


#: Figures that are shares of net revenue (shown as percentages in :func:`context_table`).
SHARES = ("cts_ratio", "db1_margin", "db4_margin", "p_alive", "retention")


def context_table(
    context: pd.DataFrame, *, lang: str = "en", shares=SHARES, caption: str | None = None
) -> pd.DataFrame:
    """:meth:`kamlib.scope.Scope.context` (an account among the others) as a report shows it: figures and
    headers in ``lang``, EUR whole, shares as percentages, ranks and counts as whole numbers."""
    values = ("this_account", "peer_p25", "peer_median", "peer_p75")
    rows = []
    for fig, row in context.iterrows():
        out = {}
        for col, v in row.items():
            if v is None or pd.isna(v):
                out[col] = "–"
            elif col in values:
                out[col] = (
                    i18n.percent(float(v), lang, 1)
                    if fig in shares
                    else i18n.number(float(v), lang, 0 if abs(float(v)) >= 100 else 2)
                )
            elif col == "percentile":
                out[col] = i18n.number(float(v), lang, 1)
            else:
                out[col] = i18n.number(float(v), lang, 0)
        rows.append(out)
    t = pd.DataFrame(rows, index=pd.Index([header(f, lang) for f in context.index], name=header("figure", lang)))
    t.columns = [header(c, lang) for c in t.columns]
    return captioned(t, caption, lang)


def describe_table(
    scope, frame: pd.DataFrame, columns, *, lang: str = "en", caption: str | None = None
) -> pd.DataFrame:
    """``scope.describe(frame, columns)`` in ``lang``: the portfolio's describe() (counts whole, the rest with
    two decimals), or the account's :func:`context_table`."""
    view = scope.describe(frame, columns)
    if not scope.is_portfolio:
        return context_table(view, lang=lang, caption=caption)
    out = show(view, lang, decimals=2, digits={"count": 0}, caption=caption)
    for j, col in enumerate(view.columns):  # amounts of 1,000 and more without cents
        for i, v in enumerate(view[col]):
            if isinstance(v, (int, float, np.integer, np.floating)) and not pd.isna(v) and abs(float(v)) >= 1000:
                out.iat[i, j] = i18n.number(float(v), lang, 0)
    return out
