"""Account selection, step 1 of the KAM cycle: how concentrated is revenue, and who stands out.

This module starts with the concentration measures the start notebook already needs (revenue per
account, Pareto/ABC classes, Lorenz curve, Gini, top-share); the scoring, portfolio matrix and
sensitivity of the selection step build on them.

All functions take data first, keep column names keyword-only and never change their inputs.

Examples
--------
>>> import pandas as pd
>>> from kamlib import selection
>>> rev = pd.Series({"A": 70.0, "B": 20.0, "C": 10.0})
>>> selection.abc_classes(rev)["abc"].tolist()
['A', 'B', 'C']
>>> round(selection.gini(rev), 3)
0.4
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kamlib import clv as clv_step
from kamlib import i18n, periods
from kamlib import value as value_step
from kamlib.data.cache import portfolio_memo

if TYPE_CHECKING:
    import pyarrow as pa


class Text(str):
    """A sentence of this module's catalogue (``selection.texts``) with its values.

    As a string it is the English sentence with codes as they are (what ``key_accounts.csv``, logs and
    existing callers see); :meth:`render` gives it to a reader in any language, criteria and status as
    labels. Domain code thus hands on a key and values, and the presentation chooses the language.

    Examples
    --------
    >>> r = Text("meets_rank", criteria=("revenue_share", "relationship"), k=3)
    >>> r
    'meets revenue_share, relationship; rank 3'
    >>> r.render("en"), r.render("de")
    ('meets Revenue share, Strength of relationship; rank 3', 'erfüllt Umsatzanteil, Stärke der Beziehung; Rang 3')
    >>> Text("weights_normalised", x=2.5).render("de")
    'die Gewichte ergaben zusammen 2,5; auf 1 normiert'
    """

    key: str
    values: dict[str, object]

    def __new__(cls, key: str, **values):
        self = super().__new__(cls, _fill(key, "en", values, labels=False))
        self.key, self.values = key, values
        return self

    def __getnewargs_ex__(self):  # pickling (the run cache) rebuilds it from key and values
        return (self.key,), dict(self.values)

    def render(self, lang: str = "en") -> str:
        """The sentence in ``lang``."""
        return _fill(self.key, lang, self.values)


def _fill(key: str, lang: str, values: dict, *, labels: bool = True) -> str:
    """``selection.texts[key]`` in ``lang`` with ``values``; with ``labels`` the ``criteria`` (codes) and the
    ``status`` appear as their labels; numbers in ``lang``'s format."""

    def show(name, v):
        if name in ("criteria", "other"):  # a company's own criterion (an accounts column) shows its column name
            return ", ".join(i18n.criterion_label(c, lang) if labels and c in i18n.CRITERION_LABELS else c for c in v)
        if name == "needs":
            return i18n.pick(i18n.table("selection.criterion_data")[v], lang)
        if name == "places":
            return i18n.pick(i18n.table("selection.texts")[f"word_{v}"], lang)
        if name == "status" and labels:
            pair = i18n.VALUES.get(str(v))
            return i18n.pick(pair, lang) if pair else str(v)
        if isinstance(v, float):
            text = f"{v:g}"
            return text.replace(".", ",") if lang == "de" else text
        return str(v)

    return i18n.pick(i18n.table("selection.texts")[key], lang).format(**{k: show(k, v) for k, v in values.items()})


def account_revenue(
    orders: pd.DataFrame,
    *,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    measure: str = "gross",
    accounts: pd.DataFrame | None = None,
) -> pd.Series:
    """Revenue per account in ``[start, end]`` (inclusive), sorted descending.

    Parameters
    ----------
    orders
        The ``orders`` table.
    start, end
        Optional date bounds.
    measure
        ``"gross"`` (gross_revenue_eur) or ``"net"`` (gross minus discount_eur).
    accounts
        When given, accounts without orders in the window appear with 0.

    Examples
    --------
    >>> import kamlib
    >>> data = kamlib.load("data/sample", as_of="2025-12-31")
    >>> rev = account_revenue(data.orders, start="2025-01-01", end="2025-12-31")
    >>> bool(rev.is_monotonic_decreasing)
    True
    """
    if measure not in ("gross", "net"):
        raise ValueError("measure must be 'gross' or 'net'")
    o = orders
    mask = pd.Series(True, index=o.index)
    if start is not None:
        mask &= o["date"] >= pd.Timestamp(start)
    if end is not None:
        mask &= o["date"] <= pd.Timestamp(end)
    o = o.loc[mask]
    value = o["gross_revenue_eur"]
    if measure == "net" and "discount_eur" in o:
        value = value - o["discount_eur"].fillna(0.0)
    rev = value.groupby(o["account_id"]).sum()
    if accounts is not None:
        rev = rev.reindex(accounts["account_id"], fill_value=0.0)
    rev.index.name = "account_id"
    rev.name = "revenue_eur"
    return rev.sort_values(ascending=False, kind="stable")


def _sorted_desc(values: pd.Series) -> pd.Series:
    if (values < 0).any():
        raise ValueError("concentration measures need non-negative values")
    # ties broken by the index (account id), so the result never depends on the input's row order
    return values.sort_index(kind="stable").sort_values(ascending=False, kind="stable")


def abc_classes(values: pd.Series, *, cutoffs: tuple[float, float] = (0.8, 0.95)) -> pd.DataFrame:
    """Pareto table with ABC classes.

    Accounts are sorted by value (descending); ``cum_share`` is the cumulative share including the
    account. Class A: ``cum_share <= cutoffs[0]``; B: ``cum_share <= cutoffs[1]``; C: the rest.
    The top account is always A, even when it alone exceeds the first cut-off.

    Examples
    --------
    >>> rev = pd.Series({"A": 50.0, "B": 30.0, "C": 15.0, "D": 5.0})
    >>> abc_classes(rev)[["cum_share", "abc"]].values.tolist()
    [[0.5, 'A'], [0.8, 'A'], [0.95, 'B'], [1.0, 'C']]
    """
    a, b = cutoffs
    if not 0 < a < b <= 1:
        raise ValueError("cutoffs must satisfy 0 < A < B <= 1")
    s = _sorted_desc(values.astype(float))
    total = s.sum()
    share = s / total if total > 0 else s * 0.0
    cum = share.cumsum()
    eps = 1e-12
    abc = np.where(cum <= a + eps, "A", np.where(cum <= b + eps, "B", "C"))
    if len(abc):
        abc[0] = "A"
    out = pd.DataFrame(
        {
            "rank": np.arange(1, len(s) + 1),
            "value": s.to_numpy(),
            "share": share.to_numpy().round(12),
            "cum_share": cum.to_numpy().round(12),
            "abc": abc,
        },
        index=s.index,
    )
    return out


def top_share(values: pd.Series, *, fraction: float = 0.2) -> float:
    """Share of the total held by the top ``fraction`` of accounts (rounded up to whole accounts).

    Examples
    --------
    >>> top_share(pd.Series([80.0, 5, 5, 5, 5]), fraction=0.2)
    0.8
    """
    s = _sorted_desc(values.astype(float))
    if len(s) == 0 or s.sum() == 0:
        return float("nan")
    k = max(1, math.ceil(fraction * len(s) - 1e-9))
    return float(s.iloc[:k].sum() / s.sum())


def lorenz(values: pd.Series) -> pd.DataFrame:
    """Lorenz curve: cumulative share of accounts (ascending by value) vs cumulative share of value.

    Starts at (0, 0) and ends at (1, 1).
    """
    s = values.astype(float).sort_values(kind="stable").to_numpy()
    if (s < 0).any():
        raise ValueError("concentration measures need non-negative values")
    n = len(s)
    total = s.sum()
    cum = np.concatenate([[0.0], np.cumsum(s) / total]) if total > 0 else np.linspace(0, 1, n + 1)
    return pd.DataFrame({"accounts_share": np.linspace(0.0, 1.0, n + 1), "value_share": cum})


def gini(values: pd.Series, *, normalised: bool = False) -> float:
    """Gini coefficient of the value distribution.

    With shares s sorted descending and n accounts, G = (n+1)/n - (2/n) * sum(i * s_i). G is 0 when
    all accounts are equal and (n-1)/n when one account has everything; the normalised
    G* = G * n / (n-1) reaches 1 in that case, which makes portfolios of different size comparable.

    Examples
    --------
    >>> gini(pd.Series([1.0, 1.0, 1.0]))
    0.0
    >>> round(gini(pd.Series([1.0, 0.0, 0.0, 0.0]), normalised=True), 6)
    1.0
    """
    s = _sorted_desc(values.astype(float)).to_numpy()
    n = len(s)
    if n == 0 or s.sum() == 0:
        return float("nan")
    shares = s / s.sum()
    i = np.arange(1, n + 1)
    g = (n + 1) / n - 2.0 / n * float(np.sum(i * shares))
    g = max(g, 0.0)
    if normalised:
        return g * n / (n - 1) if n > 1 else 0.0
    return g


def concentration_summary(values: pd.Series, *, cutoffs: tuple[float, float] = (0.8, 0.95)) -> pd.DataFrame:
    """One-row table: accounts, total, top-20 % share, Gini (plain, normalised), accounts per ABC class."""
    abc = abc_classes(values, cutoffs=cutoffs)
    counts = abc["abc"].value_counts()
    return pd.DataFrame(
        [
            {
                "accounts": len(values),
                "total_eur": float(values.sum()),
                "top20_share": top_share(values, fraction=0.2),
                "gini": gini(values),
                "gini_normalised": gini(values, normalised=True),
                "A": int(counts.get("A", 0)),
                "B": int(counts.get("B", 0)),
                "C": int(counts.get("C", 0)),
            }
        ]
    )


# =========================================================================== criteria and scoring

#: The six selection criteria of source 001 and the rule that turns data into a 0-10 score.
CRITERION_RULES: dict[str, tuple[str, str]] = i18n.table("selection.criterion_rules")
_EPS = 1e-9  # scores equal up to float noise count as equal
#: Length of the key-account list when no KAM capacity is known (no kams table) and max_key_accounts is not set.
NO_CAPACITY_DEFAULT = 10
#: How an amount (revenue, lifetime value, cost to serve, growth, untapped wallet) becomes a 0-10 score
#: (parameter ``scoring_rule``): ``percentile`` by rank (the distance between two accounts is lost),
#: ``share_of_max`` 10 * value / largest value, ``log`` 10 * ln(1 + value) / ln(1 + largest value). The last two
#: keep how far apart accounts are; negative values score 0 on them.
SCORING_RULES = ("percentile", "share_of_max", "log")
#: Threshold (0-10) of a criterion whose threshold is not given.
DEFAULT_THRESHOLD = 7.0
#: Years of the finite-horizon column of :func:`kamlib.clv.account_clv_table`; the lifetime-value criterion uses
#: its closed-form column ``clv`` (no horizon), the headline figure of notebook 03.
CLV_HORIZON = 10
STAGE_SCORE = {"exploratory": 0.0, "basic": 2.5, "cooperative": 5.0, "interdependent": 7.5, "integrated": 10.0}
QUADRANTS = ("strategic", "star", "status", "streamline")
QUADRANT_STRATEGY: dict[str, tuple[str, str]] = i18n.table("selection.quadrant_strategy")


def percentile_score(values: pd.Series) -> pd.Series:
    """0-10 score by rank: 10 * (min-rank - 1) / (n - 1) among non-missing values; ties share the lower score.

    The smallest value scores 0 and the largest 10; missing values stay missing (no data, criterion not met).

    Examples
    --------
    >>> percentile_score(pd.Series([5.0, 1.0, 3.0, None])).tolist()
    [10.0, 0.0, 5.0, nan]
    """
    v = values.astype(float)
    ok = v.notna()
    out = pd.Series(np.nan, index=values.index)
    n = int(ok.sum())
    if n == 1:
        out[ok] = 10.0 if float(v[ok].iloc[0]) > 0 else 0.0
    elif n > 1:
        if v[ok].nunique() == 1:  # all equal: nobody is behind anybody
            out[ok] = 10.0 if float(v[ok].iloc[0]) > 0 else 0.0
        else:
            out[ok] = 10.0 * (v[ok].rank(method="min") - 1.0) / (n - 1.0)
    return out


def scale_scores(values: pd.Series, rule: str = "percentile") -> pd.Series:
    """0-10 scores of ``values`` by one of :data:`SCORING_RULES`; missing values stay missing.

    Examples
    --------
    >>> v = pd.Series([1000.0, 100.0, 0.0])
    >>> scale_scores(v, "share_of_max").tolist(), scale_scores(v, "percentile").tolist()
    ([10.0, 1.0, 0.0], [10.0, 5.0, 0.0])
    >>> [round(x, 2) for x in scale_scores(v, "log")]  # 10 * ln(101) / ln(1001)
    [10.0, 6.68, 0.0]
    """
    check_scoring_rule(rule)
    if rule == "percentile":
        return percentile_score(values)
    v = values.astype(float).clip(lower=0.0)
    if rule == "log":
        v = pd.Series(np.log1p(v.to_numpy()), index=v.index)
    top = float(v.max()) if v.notna().any() else float("nan")
    if not top > 0:  # nothing above 0: nobody is ahead
        return v * 0.0
    return 10.0 * v / top


def check_scoring_rule(rule) -> str:
    """``rule`` when it is one of :data:`SCORING_RULES`, else :class:`kamlib.errors.KamParameterError`."""
    from kamlib.errors import KamParameterError

    if rule not in SCORING_RULES:
        raise KamParameterError("scoring_rule", f"must be one of {', '.join(SCORING_RULES)}, not {rule!r}")
    return str(rule)


@portfolio_memo
def criterion_metrics(
    data, *, as_of: str | pd.Timestamp | None = None, window_months: int = 12, discount_rate: float = 0.10
) -> pd.DataFrame:
    """The raw figures behind the six criteria, one row per account (index account_id).

    Columns: revenue_12m, revenue_prev_12m, growth, db1_12m, db4_12m, retention, clv, cost_to_serve,
    cells_bought, wallet_potential, whitespace, share_of_wallet, reference_value, relationship_stage, tenure_years.

    ``clv`` is the value step's lifetime value, computed as notebook 03 computes it: DB IV of the window
    (:func:`kamlib.value.account_contribution`, so cost to serve counts), the retention of
    :func:`kamlib.clv.choose_retention` and the closed form of :func:`kamlib.clv.account_clv_table`;
    accounts without net revenue in the window have none.
    """
    as_of_ts = pd.Timestamp(as_of) if as_of is not None else data.as_of
    acc = data.accounts.set_index("account_id")
    o = data.orders
    cur_start, cur_end = periods.trailing_months(as_of_ts, window_months)
    prev_start, prev_end = periods.trailing_months(as_of_ts, window_months, back=1)
    ids = acc.index
    n = len(ids)
    # map account ids to positions once; then every per-account sum is a bincount (fast on 10M rows)
    code = _positions(ids, o["account_id"])
    known = code >= 0
    in_cur = known & (o["date"] >= cur_start).to_numpy() & (o["date"] <= cur_end).to_numpy()
    in_prev = known & (o["date"] >= prev_start).to_numpy() & (o["date"] <= prev_end).to_numpy()
    gross = o["gross_revenue_eur"].to_numpy(dtype=float)
    margin = (
        gross - o["discount_eur"].fillna(0.0).to_numpy(dtype=float) - o["cogs_eur"].fillna(0.0).to_numpy(dtype=float)
    )

    def per_account(mask: np.ndarray, values: np.ndarray) -> pd.Series:
        return pd.Series(np.bincount(code[mask], weights=values[mask], minlength=n), index=ids)

    rev = per_account(in_cur, gross)
    rev_prev = per_account(in_prev, gross)
    growth = pd.Series(np.nan, index=ids)
    has_prev = rev_prev > 0
    growth[has_prev] = (rev[has_prev] - rev_prev[has_prev]) / rev_prev[has_prev]
    growth[~has_prev & (rev > 0)] = 3.0  # new account: counts as the growth cap
    growth = growth.clip(-1.0, 3.0)
    db1 = per_account(in_cur, margin)
    # lifetime value from the value step, exactly as notebook 03 shows it (DB IV, so cost to serve counts)
    contribution = value_step.account_contribution(data, start=cur_start, end=cur_end)
    retention, _ = clv_step.choose_retention(data, as_of=as_of_ts)
    active = contribution[contribution["net_revenue"] > 0]
    lifetime = clv_step.account_clv_table(
        active, (), retention=retention, discount_rate=discount_rate, horizon=CLV_HORIZON
    )["clv"]
    str_ids = ids.astype(str)
    out = pd.DataFrame(
        {
            "revenue_12m": rev,
            "revenue_prev_12m": rev_prev,
            "growth": growth,
            "db1_12m": db1,
            "db4_12m": contribution["db4"].reindex(str_ids).to_numpy(dtype=float),
            "retention": retention,
            "clv": lifetime.reindex(str_ids).to_numpy(dtype=float),
        },
        index=ids,
    )
    if data.has("service_costs"):
        sc = data.service_costs
        uniq = sc["period"].dropna().unique()
        period_ends = sc["period"].map(dict(zip(uniq, (_period_end(str(u)) for u in uniq))))  # few distinct periods
        in_window = ((period_ends >= cur_start) & (period_ends <= cur_end + pd.Timedelta(days=1))).to_numpy()
        sc_code = _positions(ids, sc["account_id"])
        m = in_window & (sc_code >= 0)
        out["cost_to_serve"] = np.bincount(sc_code[m], weights=sc["cost_eur"].to_numpy(dtype=float)[m], minlength=n)
    else:
        out["cost_to_serve"] = np.nan
    if "product_id" in o and data.has("products"):
        # distinct (product line, business unit) cells per account, on integer codes; a line with an
        # unknown product or without a business unit is in no cell
        prod = data.products.drop_duplicates("product_id").set_index("product_id")["product_line"]
        line_of_product = pd.factorize(prod)[0]
        p = _positions(prod.index, o["product_id"])[in_cur]
        line = np.where(p >= 0, line_of_product[np.maximum(p, 0)], -1)
        if "business_unit" in o and o["business_unit"].notna().any():
            unit = pd.factorize(o["business_unit"])[0][in_cur]
        else:  # no business units recorded: the cells are the product lines
            unit = np.zeros(int(in_cur.sum()), dtype=np.int64)
        ok = (line >= 0) & (unit >= 0)
        n_line, n_unit = int(line.max(initial=0)) + 1, int(unit.max(initial=0)) + 1
        cell_key = (code[in_cur][ok].astype(np.int64) * n_line + line[ok]) * n_unit + unit[ok]
        owners = pd.unique(cell_key) // (n_line * n_unit)  # hash-based, much faster than np.unique here
        out["cells_bought"] = np.bincount(owners, minlength=n).astype(float)
    else:
        out["cells_bought"] = np.bincount(code[in_cur], minlength=n).astype(float)
    if data.has("wallet"):
        pot = data.wallet.groupby("account_id")["potential_eur"].sum().reindex(ids)
        out["wallet_potential"] = pot
        out["whitespace"] = (pot - rev).clip(lower=0.0)
        out["share_of_wallet"] = (rev / pot.where(pot > 0)).clip(upper=1.0)
    else:
        out["wallet_potential"] = out["whitespace"] = out["share_of_wallet"] = np.nan
    out["reference_value"] = (
        acc["reference_value"].astype("Float64").astype(float) if "reference_value" in acc else np.nan
    )
    out["relationship_stage"] = acc["relationship_stage"] if "relationship_stage" in acc else None
    first_ns = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_ns, code[known], o["date"].to_numpy(dtype="datetime64[ns]").astype(np.int64)[known])
    first = pd.Series(
        pd.to_datetime(np.where(first_ns == np.iinfo(np.int64).max, np.iinfo(np.int64).min, first_ns)), index=ids
    )
    if "since" in acc:
        first = first.where(first.notna() & (acc["since"].isna() | (first < acc["since"])), acc["since"])
    out["tenure_years"] = ((as_of_ts - first).dt.days / 365.25).clip(lower=0.0)
    out.index.name = "account_id"
    return out


def _arrow(values) -> pa.Array | pa.ChunkedArray | None:
    """The pyarrow array behind an Arrow-backed pandas column (pandas' default string type), else None."""
    arr = getattr(getattr(values, "array", values), "_pa_array", None)
    return arr


def _positions(ids: pd.Index, values: pd.Series) -> np.ndarray:
    """Position of each value in ``ids`` (-1 if absent).

    Arrow-backed text (pandas' default string type): one hash lookup in C++ (``pyarrow.compute.index_in``,
    about 0.4 s for 10 million order lines against 100,000 ids, eight times faster than factorizing).
    Otherwise: factorize the long column once and look up the few distinct values.

    Examples
    --------
    >>> _positions(pd.Index(["a", "b"]), pd.Series(["b", "x", "a", None], dtype="str")).tolist()
    [1, -1, 0, -1]
    >>> _positions(pd.Index(["a", "b"]), pd.Series(["b", "x", "a", None], dtype=object)).tolist()
    [1, -1, 0, -1]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = _arrow(values)
    if arr is not None and (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        id_arr = _arrow(ids)
        if id_arr is None:
            id_arr = pa.array([str(i) for i in ids], type=arr.type)
        if isinstance(id_arr, pa.ChunkedArray):
            id_arr = id_arr.combine_chunks()
        found = pc.index_in(arr, value_set=id_arr.cast(arr.type)).fill_null(-1)
        return found.to_numpy().astype(np.int64, copy=False)
    codes, uniques = pd.factorize(values)
    lookup = ids.get_indexer(uniques)
    return np.where(codes >= 0, lookup[np.maximum(codes, 0)], -1)


def _period_end(period: str) -> pd.Timestamp:
    if "Q" in period:
        return pd.Period(period, freq="Q").end_time.normalize()
    if "-" in period:
        return pd.Period(period, freq="M").end_time.normalize()
    return pd.Period(period, freq="Y").end_time.normalize()


def criterion_scores(
    metrics: pd.DataFrame, *, ratings: pd.DataFrame | None = None, scoring_rule: str = "percentile"
) -> pd.DataFrame:
    """Turn :func:`criterion_metrics` into 0-10 scores per criterion (rules in ``CRITERION_RULES``).

    The amounts (revenue, lifetime value, cost to serve, growth, untapped wallet) are scored by
    ``scoring_rule`` (:func:`scale_scores`); reference value and relationship stage have fixed scales. Where
    workshop ``ratings`` exist for an account and criterion, the mean of the raters' scores replaces the
    data-derived score.
    """
    m = metrics

    def score(values: pd.Series) -> pd.Series:
        return scale_scores(values, scoring_rule)

    s = pd.DataFrame(index=m.index)
    s["revenue_share"] = score(m["revenue_12m"])
    s["lifetime_value"] = score(m["clv"])
    if m["cost_to_serve"].notna().any():
        s["tailored_service"] = score(m["cost_to_serve"])
    else:
        s["tailored_service"] = score(m["cells_bought"])
    parts = pd.concat([score(m["growth"]), score(m["whitespace"])], axis=1)
    s["growth_potential"] = parts.mean(axis=1, skipna=True)
    s["credibility"] = ((m["reference_value"] - 1.0) * 2.5).clip(0.0, 10.0)
    stage = (
        m["relationship_stage"].map(STAGE_SCORE)
        if m["relationship_stage"].notna().any()
        else pd.Series(np.nan, index=m.index)
    )
    s["relationship"] = stage.astype(float).fillna((m["tenure_years"].clip(upper=10.0)).astype(float))
    if ratings is not None and len(ratings):
        mean = ratings.groupby(["account_id", "criterion"])["score"].mean().unstack()
        for crit in mean.columns.intersection(s.columns):
            vals = mean[crit].reindex(s.index)
            s[crit] = vals.where(vals.notna(), s[crit])
    return s.astype(float).round(6)


def check_selection_parameters(
    criteria, weights=None, thresholds=None, *, min_criteria: int = 2, custom=()
) -> tuple[tuple[str, ...], pd.Series, pd.Series, list[str]]:
    """Validate the chosen criteria, weights and thresholds; normalise weights to sum 1.

    ``custom`` names the company's own criteria (:func:`check_custom_criteria`); they may be chosen too, and
    their threshold comes with their definition (in the column's unit), not from ``thresholds``.
    Returns (criteria, weights, thresholds, notes); the thresholds cover the six criteria only. Raises
    :class:`kamlib.errors.KamParameterError` naming the parameter for negative weights, unknown criteria,
    fewer than ``min_criteria`` criteria or thresholds outside 0-10.
    """
    from kamlib.errors import KamParameterError

    if isinstance(criteria, str):
        raise KamParameterError("criteria", f"give a list of criteria, e.g. [{criteria!r}, ...], not a single string")
    crit = tuple(criteria)
    custom = tuple(custom)
    unknown = [c for c in crit if c not in CRITERION_RULES and c not in custom]
    if unknown:
        own = (
            f" or define it in custom_criteria ({', '.join(custom)})" if custom else " or define it in custom_criteria"
        )
        raise KamParameterError(
            "criteria",
            f"unknown criterion {', '.join(map(repr, unknown))}; choose from {', '.join(CRITERION_RULES)}{own}",
        )
    if len(set(crit)) != len(crit):
        raise KamParameterError("criteria", "a criterion is listed twice")
    if len(crit) < max(2, min_criteria):
        raise KamParameterError(
            "criteria", f"choose at least {max(2, min_criteria)} criteria (source 004 suggests 3-4); got {len(crit)}"
        )
    notes: list[str] = []
    if weights is None:
        w = pd.Series(1.0 / len(crit), index=list(crit))
    else:
        if isinstance(weights, dict):
            extra = [k for k in weights if k not in crit]
            if extra:
                raise KamParameterError(
                    "weights", f"weight given for {', '.join(map(repr, extra))}, which is not among the criteria"
                )
            missing = [c for c in crit if c not in weights]
            if missing:
                raise KamParameterError("weights", f"no weight for {', '.join(map(repr, missing))}")
            w = pd.Series({c: float(weights[c]) for c in crit})
        else:
            vals = list(weights)
            if len(vals) != len(crit):
                raise KamParameterError("weights", f"{len(vals)} weights for {len(crit)} criteria")
            w = pd.Series([float(v) for v in vals], index=list(crit))
        if (w < 0).any() or not np.isfinite(w).all():
            raise KamParameterError("weights", "weights must be finite and 0 or more")
        total = float(w.sum())
        if total <= 0:
            raise KamParameterError("weights", "at least one weight must be above 0")
        if abs(total - 1.0) > 1e-9:
            notes.append(Text("weights_normalised", x=total))
            w = w / total
    builtin = [c for c in crit if c not in custom]
    if thresholds is None:
        t = pd.Series(DEFAULT_THRESHOLD, index=builtin, dtype=float)
    elif isinstance(thresholds, (int, float)):
        t = pd.Series(float(thresholds), index=builtin, dtype=float)
    else:
        td = dict(thresholds)
        extra = [k for k in td if k not in crit]
        if extra:
            raise KamParameterError(
                "thresholds", f"threshold given for {', '.join(map(repr, extra))}, which is not among the criteria"
            )
        given_own = [k for k in td if k in custom]
        if given_own:
            raise KamParameterError(
                "thresholds",
                f"{', '.join(map(repr, given_own))}: give a company criterion's threshold in custom_criteria",
            )
        t = pd.Series({c: float(td.get(c, DEFAULT_THRESHOLD)) for c in builtin}, dtype=float)
    bad = t[(t < 0) | (t > 10) | t.isna()]
    if len(bad):
        raise KamParameterError("thresholds", f"{', '.join(f'{k}={v:g}' for k, v in bad.items())} outside 0-10")
    return crit, w, t, notes


# =========================================================================== a company's own criteria

#: Columns of :attr:`Selection.table` (and :mod:`kamlib.decision`'s ``computed``): no company criterion may take a name.
_TABLE_COLUMNS = frozenset(
    "account_id name kam_id status revenue_12m growth abc score criteria_met n_met rank provisional type "
    "emerging_rank attractiveness strength quadrant place track definitive reason computed".split()
)
#: Directions of a company criterion: ``higher`` (a larger value is better, met at value >= threshold) or
#: ``lower`` (a smaller value is better, e.g. a credit rating 1-6, met at value <= threshold).
DIRECTIONS = ("higher", "lower")


def check_custom_criteria(accounts: pd.DataFrame, custom) -> dict[str, tuple[str, float]]:
    """Validate a company's own criteria against the ``accounts`` table: ``{column: {"direction": "higher" |
    "lower", "threshold": number}}``; returns ``{column: (direction, threshold)}``.

    Source 004 lets each company choose its own three or four criteria: any numeric column of the accounts data
    (a strategic-fit flag, a credit rating, ...) can be one, without changing kamlib. Raises one
    :class:`kamlib.errors.KamParameterError` (parameter ``custom_criteria``) naming the column: not in the
    accounts table, not numeric, a direction other than higher/lower, no or a non-numeric threshold, or the
    name of one of the six criteria.

    Examples
    --------
    >>> acc = pd.DataFrame({"account_id": ["A"], "credit_rating": [2]})
    >>> check_custom_criteria(acc, {"credit_rating": {"direction": "lower", "threshold": 2}})
    {'credit_rating': ('lower', 2.0)}
    """
    from kamlib.errors import KamParameterError

    def bad(why: str) -> KamParameterError:
        return KamParameterError("custom_criteria", why)

    if custom is None:
        return {}
    if not isinstance(custom, dict):
        raise bad('give a mapping like {"credit_rating": {"direction": "lower", "threshold": 2}}')
    out: dict[str, tuple[str, float]] = {}
    for column, spec in custom.items():
        name = f"column {column!r}"
        if column in CRITERION_RULES:
            raise bad(f"{name} is one of the six criteria; choose it in criteria instead")
        if column in _TABLE_COLUMNS:
            raise bad(f"{name} has the name of a column of the selection's table; rename it in the accounts data")
        if column not in accounts.columns:
            raise bad(f"{name} is not in the accounts table")
        _criterion_values(accounts, column)
        if not isinstance(spec, dict):
            raise bad(f'{name}: give {{"direction": "higher" or "lower", "threshold": a number}}')
        direction = spec.get("direction")
        if direction not in DIRECTIONS:
            raise bad(f"{name}: direction must be 'higher' or 'lower', not {direction!r}")
        if "threshold" not in spec or spec["threshold"] is None:
            raise bad(f"{name}: give a threshold in the column's unit (met at >= it when higher, <= it when lower)")
        threshold = spec["threshold"]
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not math.isfinite(threshold):
            raise bad(f"{name}: the threshold must be a number, not {threshold!r}")
        extra = sorted(set(spec) - {"direction", "threshold"})
        if extra:
            raise bad(f"{name}: unknown key {', '.join(map(repr, extra))} (known: direction, threshold)")
        out[str(column)] = (str(direction), float(threshold))
    return out


#: How a flag written as text reads as a number (a CSV or SQL column arrives as text).
_FLAG_WORDS = {"true": 1.0, "false": 0.0, "yes": 1.0, "no": 0.0, "ja": 1.0, "nein": 0.0, "wahr": 1.0, "falsch": 0.0}


def _criterion_values(accounts: pd.DataFrame, column: str) -> pd.Series:
    """An accounts column as numbers (index as ``accounts``): booleans as 1/0, text as written in a CSV (digits,
    a decimal comma, true/false, ja/nein; blanks missing). Raises one
    :class:`kamlib.errors.KamParameterError` naming the column and the first account whose value is not a number.
    """
    from kamlib.errors import KamParameterError

    values = accounts[column]
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("Float64").astype(float)
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    lowered = text.str.lower()
    flags = lowered.map(_FLAG_WORDS).astype(float)
    numbers_ = pd.to_numeric(text.str.replace(",", ".", regex=False).where(flags.isna()), errors="coerce")
    out = flags.fillna(numbers_.astype("Float64").astype(float))
    wrong = text.notna() & out.isna()
    if wrong.any():
        i = wrong.to_numpy().nonzero()[0][0]
        who = accounts["account_id"].iloc[i] if "account_id" in accounts else i
        raise KamParameterError(
            "custom_criteria",
            f"column {column!r} is not numeric: account {who} holds {text.iloc[i]!r} "
            "(e.g. 0/1 or true/false for a flag, 1-6 for a rating)",
        )
    return out


def custom_scores(
    accounts: pd.DataFrame, custom: dict[str, tuple[str, float]]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Scores (0-10) and met flags of the company criteria (:func:`check_custom_criteria`), index account_id,
    and each criterion's threshold on its score scale (what the sensitivity and the workshop sliders compare).

    The score scales the column between its smallest and largest value, the better end scoring 10 (keeps the
    distances); the criterion is met at value >= threshold (``higher``) or <= threshold (``lower``). A missing
    value scores nothing and is not met. When all values are equal, the score is 10 where met, else 0.
    """
    acc = accounts.set_index("account_id")
    scores, met = pd.DataFrame(index=acc.index), pd.DataFrame(index=acc.index)
    on_scale = pd.Series(dtype=float)
    for column, (direction, threshold) in custom.items():
        v = pd.Series(_criterion_values(accounts, column).to_numpy(), index=acc.index)
        hit = v >= threshold if direction == "higher" else v <= threshold
        lo, hi = float(v.min()), float(v.max())

        if hi > lo:  # min-max, the better end 10; the threshold on the same scale
            sign, base = (1.0, lo) if direction == "higher" else (-1.0, hi)
            scores[column] = (10.0 * sign * (v - base) / (hi - lo)).round(6)
            on_scale[column] = round(10.0 * sign * (threshold - base) / (hi - lo), 6)
        else:
            scores[column] = np.where(hit, 10.0, np.where(v.notna(), 0.0, np.nan))
            on_scale[column] = 10.0
        met[column] = hit & v.notna()
    return scores, met, on_scale


# =========================================================================== criteria that say the same

#: Correlation from which two chosen criteria count as carrying the same information (parameter
#: ``redundancy_threshold``): at |r| >= 0.9 one criterion explains over 80 % of the other's variance (r² = 0.81),
#: so an account meeting one almost always meets the other and the "at least two criteria" rule counts it twice.
REDUNDANCY_THRESHOLD = 0.9


def criteria_correlation(scores: pd.DataFrame, criteria) -> pd.DataFrame:
    """Pearson correlation between the scores of ``criteria`` across all accounts (missing scores count as 0,
    as in the weighted score); NaN for a criterion on which all accounts score alike.

    Examples
    --------
    >>> s = pd.DataFrame({"x": [1.0, 2, 3], "y": [2.0, 4, 6]})
    >>> criteria_correlation(s, ["x", "y"]).loc["x", "y"]
    np.float64(1.0)
    """
    return scores[list(criteria)].astype(float).fillna(0.0).corr()


def redundant_pairs(corr: pd.DataFrame, *, threshold: float = REDUNDANCY_THRESHOLD) -> list[tuple[str, str, float]]:
    """Pairs of criteria (in the order of ``corr``) whose correlation reaches ``threshold`` in absolute value.

    Examples
    --------
    >>> c = pd.DataFrame([[1.0, 0.95], [0.95, 1.0]], index=["a", "b"], columns=["a", "b"])
    >>> redundant_pairs(c, threshold=0.9)
    [('a', 'b', 0.95)]
    """
    check_redundancy_threshold(threshold)
    names = list(corr.columns)
    out = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            r = corr.at[a, b]
            if pd.notna(r) and abs(float(r)) >= threshold - 1e-12:  # type: ignore[arg-type]  # pandas-stubs: .at is any scalar
                out.append((a, b, round(float(r), 4)))  # type: ignore[arg-type]
    return out


def check_redundancy_threshold(threshold) -> float:
    """``threshold`` as a float when it lies in (0, 1], else :class:`kamlib.errors.KamParameterError`."""
    from kamlib.errors import KamParameterError

    ok = isinstance(threshold, numbers.Real) and not isinstance(threshold, bool) and 0 < float(threshold) <= 1
    if not ok:
        raise KamParameterError(
            "redundancy_threshold", f"must be a correlation above 0 and at most 1, not {threshold!r}"
        )
    return float(threshold)


def check_emerging_share(share) -> float:
    """``share`` as a float when it lies in [0, 1], else :class:`kamlib.errors.KamParameterError`."""
    from kamlib.errors import KamParameterError

    ok = isinstance(share, numbers.Real) and not isinstance(share, bool) and 0 <= float(share) <= 1
    if not ok:
        raise KamParameterError(
            "emerging_share", f"must be a share of the places between 0 and 1 (e.g. 0.2), not {share!r}"
        )
    return float(share)


def check_rule_parameters(data, params: dict) -> None:
    """Refuse, before any notebook runs, a scoring rule, company criterion, emerging share or redundancy threshold
    that cannot work on ``data`` (the run's parameters; those not given are not checked). Raises
    :class:`kamlib.errors.KamParameterError` naming the parameter (and the column)."""
    if params.get("scoring_rule") is not None:
        check_scoring_rule(params["scoring_rule"])
    if params.get("custom_criteria") is not None:
        check_custom_criteria(data.accounts, params["custom_criteria"])
    if params.get("emerging_share") is not None:
        check_emerging_share(params["emerging_share"])
    if params.get("redundancy_threshold") is not None:
        check_redundancy_threshold(params["redundancy_threshold"])


# =========================================================================== the selection


@dataclass(frozen=True)
class Selection:
    """Result of :func:`select_key_accounts`.

    ``table`` has one row per account, best first: revenue, ABC class, the chosen criteria's scores,
    weighted score, rank, criteria met, provisional and definitive flags, existing/emerging, the emerging
    track's rank, the place on the list and the track that gave it, portfolio quadrant and the reason for the
    decision. ``capacity`` compares key accounts per KAM with capacity. ``thresholds`` are on the 0-10 score
    scale (a company criterion's threshold converted to it); ``correlation`` is between the chosen criteria's
    scores; ``emerging_places`` is how many places the emerging track filled.
    """

    table: pd.DataFrame
    capacity: pd.DataFrame
    criteria: tuple[str, ...]
    weights: pd.Series
    thresholds: pd.Series
    notes: tuple[str, ...]
    max_key_accounts: int
    min_criteria: int = 2
    correlation: pd.DataFrame = field(default_factory=pd.DataFrame)
    scoring_rule: str = "percentile"
    emerging_places: int = 0

    @property
    def provisional(self) -> pd.DataFrame:
        """Every account that meets the rule (criteria, or the emerging track), before places and review."""
        return self.table[self.table["provisional"]]

    @property
    def definitive(self) -> pd.DataFrame:
        return self.table[self.table["definitive"]]

    def __repr__(self) -> str:
        return (
            f"Selection(criteria={list(self.criteria)}, provisional={int(self.table['provisional'].sum())}, "
            f"definitive={int(self.table['definitive'].sum())}, max_key_accounts={self.max_key_accounts})"
        )


def weighted_score(scores: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """S_j = sum_i w_i * x_ij; a missing score counts as 0 (no evidence for the criterion)."""
    return (scores[weights.index].fillna(0.0) * weights).sum(axis=1)


def rank_accounts(score: pd.Series, eligible: pd.Series) -> pd.Series:
    """Rank 1 = best weighted score among eligible accounts (ties broken by account id); others NaN."""
    order = pd.DataFrame({"s": score.round(9), "id": score.index.astype(str)}, index=score.index)
    order = order[eligible.reindex(score.index, fill_value=False)]
    order = order.sort_values(["s", "id"], ascending=[False, True], kind="stable")
    ranks = pd.Series(np.nan, index=score.index)
    ranks[order.index] = np.arange(1, len(order) + 1)
    return ranks


def portfolio_position(
    scores: pd.DataFrame, metrics: pd.DataFrame, weights: pd.Series, *, split: float = 5.0
) -> pd.DataFrame:
    """Portfolio matrix coordinates (McDonald/Woodburn): attractiveness vs relationship strength, 0-10.

    Attractiveness is the weighted score of the chosen criteria other than ``relationship`` (weights
    re-normalised); strength is the relationship score, averaged with the share-of-wallet percentile where
    wallet estimates exist. ``split`` divides high from low on both axes.
    """
    w = weights.drop("relationship", errors="ignore")
    if w.sum() <= 0:
        w = pd.Series(1.0, index=["revenue_share", "lifetime_value", "growth_potential"])
        w = w / w.sum()
        scores = scores.reindex(columns=scores.columns.union(w.index))
    w = w / w.sum()
    attractiveness = weighted_score(scores, w)
    strength = pd.concat([scores["relationship"], percentile_score(metrics["share_of_wallet"])], axis=1).mean(axis=1)
    strength = strength.fillna(0.0)
    high, strong = attractiveness >= split - _EPS, strength >= split - _EPS  # on the line counts as high
    quadrant = np.select([high & strong, high, strong], ["strategic", "star", "status"], default="streamline")
    return pd.DataFrame(
        {"attractiveness": attractiveness.round(6), "strength": strength.round(6), "quadrant": quadrant},
        index=scores.index,
    )


@portfolio_memo
def select_key_accounts(
    data,
    *,
    criteria=None,
    weights=None,
    thresholds=None,
    min_criteria: int | None = None,
    max_key_accounts: int | None = None,
    cutoffs: tuple[float, float] | None = None,
    use_ratings: bool | None = None,
    discount_rate: float | None = None,
    scoring_rule: str | None = None,
    custom_criteria: dict | None = None,
    emerging_share: float | None = None,
    redundancy_threshold: float | None = None,
    emerging_growth: float = 0.25,
    split: float = 5.0,
) -> Selection:
    """From the whole customer base to a provisional, then a definitive key-account list.

    Rule (source 004): an account is **provisional** when it meets at least ``min_criteria`` of the chosen
    criteria (percentile score >= its threshold: at 7, among the top 30 % on the criterion), or when it is an
    emerging account whose growth potential reaches that criterion's threshold (the emerging track). The
    ``scoring_rule`` sets the scores that are weighted and ranked (not whether a criterion is met), so that
    with ``share_of_max`` or ``log`` the distance in size counts in the ranking. The **definitive** list then
    takes, among the provisional accounts that are neither lost nor mere prospects and had revenue in the last
    12 months, the best ``max_key_accounts`` places: ``emerging_share`` of them reserved for emerging accounts in
    their own ranking on growth and potential (equal scores by revenue; places they cannot fill go back to the
    criteria), the others by the weighted score; then the KAMs' capacity (an overloaded KAM's account stays when
    another KAM has room, flagged for reassignment; otherwise the last place goes first). Every account gets its
    reason.

    Parameters
    ----------
    data
        :class:`kamlib.KamData`.
    criteria, weights, thresholds
        3-4 of ``CRITERION_RULES`` or of the ``custom_criteria`` (at least 2), their weights (normalised to sum 1,
        with a note), and per-criterion thresholds on the 0-10 scale. Every parameter left at None takes the
        workbook's default from :data:`kamlib.defaults.SELECTION` (the one home of selection defaults).
    max_key_accounts
        Places on the definitive list; default: the KAMs' total capacity, or 10 without a kams table.
    cutoffs
        ABC cut-offs on cumulative revenue share.
    use_ratings
        Use the mean of workshop ratings where they exist instead of the data-derived score. Off by default:
        raters score on their own scale, so mixing them with percentiles favours unrated accounts.
    scoring_rule
        How amounts become the scores that are weighted and ranked (:data:`SCORING_RULES`).
    custom_criteria
        The company's own criteria from accounts columns (:func:`check_custom_criteria`).
    emerging_share
        Share of the places reserved for emerging accounts (0: no own track).
    redundancy_threshold
        Correlation from which two chosen criteria get a note that they carry the same information.
    emerging_growth
        Revenue growth that makes a non-A account an *emerging* key account.

    Examples
    --------
    >>> import kamlib
    >>> data = kamlib.load("data/sample", as_of="2025-12-31")
    >>> sel = select_key_accounts(data, criteria=["revenue_share", "growth_potential", "relationship"])
    >>> bool(sel.table["definitive"].sum() <= sel.capacity["capacity"].sum())
    True
    """
    from kamlib import defaults
    from kamlib.errors import KamParameterError

    p = defaults.selection_parameters(
        criteria=criteria,
        weights=weights,
        thresholds=thresholds,
        min_criteria=min_criteria,
        max_key_accounts=max_key_accounts,
        cutoffs=cutoffs,
        use_ratings=use_ratings,
        discount_rate=discount_rate,
        scoring_rule=scoring_rule,
        custom_criteria=custom_criteria,
        emerging_share=emerging_share,
        redundancy_threshold=redundancy_threshold,
    )
    min_criteria, max_key_accounts, cutoffs = p["min_criteria"], p["max_key_accounts"], p["cutoffs"]
    rule = check_scoring_rule(p["scoring_rule"])
    custom = check_custom_criteria(data.accounts, p["custom_criteria"])
    share = check_emerging_share(p["emerging_share"])
    redundancy = check_redundancy_threshold(p["redundancy_threshold"])
    crit, w, t, notes = check_selection_parameters(
        p["criteria"], p["weights"], p["thresholds"], min_criteria=min_criteria, custom=custom
    )
    if not 1 <= min_criteria <= len(crit):
        raise KamParameterError("min_criteria", f"must be between 1 and the number of criteria ({len(crit)})")
    try:
        a, b = (float(c) for c in cutoffs)
    except (TypeError, ValueError):
        raise KamParameterError("cutoffs", f"give two numbers like [0.8, 0.95], not {cutoffs!r}") from None
    if not 0 < a < b <= 1:
        raise KamParameterError("cutoffs", "must satisfy 0 < A < B <= 1")
    cutoffs = (a, b)
    if max_key_accounts is not None:
        whole = (
            isinstance(max_key_accounts, numbers.Real)
            and not isinstance(max_key_accounts, bool)
            and float(max_key_accounts).is_integer()
        )
        if not whole:
            raise KamParameterError("max_key_accounts", f"must be a whole number, not {max_key_accounts!r}")
    metrics = criterion_metrics(data, discount_rate=p["discount_rate"])
    if metrics["revenue_12m"].sum() <= 0:
        raise KamParameterError(
            "as_of",
            f"no orders with revenue in the 12 months up to {data.as_of.date()}; choose an as_of inside the data",
        )
    ratings = data.ratings if (p["use_ratings"] and data.has("ratings")) else None
    scores = criterion_scores(metrics, ratings=ratings, scoring_rule=rule)
    # whether a criterion is met is a question of rank (at 7: among the top 30 %), whatever the scoring rule;
    # the rule sets the scores that are weighted and ranked, so that distances in size count there
    ranked = scores if rule == "percentile" else criterion_scores(metrics, ratings=ratings)
    own_scores, own_met, own_thresholds = custom_scores(data.accounts, custom)
    scores = scores.join(own_scores.reindex(scores.index))
    acc = data.accounts.set_index("account_id")
    capacity_total = int(data.kams["capacity"].fillna(0).sum()) if data.has("kams") else 0
    if max_key_accounts is None:
        if capacity_total <= 0:  # say where the list's length comes from when no capacity is known
            notes.append(Text("no_kams_table" if not data.has("kams") else "no_capacity", n=NO_CAPACITY_DEFAULT))
        max_key_accounts = capacity_total if capacity_total > 0 else NO_CAPACITY_DEFAULT
    if int(max_key_accounts) < 1:
        raise KamParameterError("max_key_accounts", "must be at least 1")
    places = int(max_key_accounts)

    chosen = scores[list(crit)]
    builtin = [c for c in crit if c not in custom]
    met = ranked[builtin].ge(t - _EPS, axis=1) & ranked[builtin].notna()
    for c in custom:
        if c in crit:
            met[c] = own_met[c].reindex(met.index).fillna(False).astype(bool)
    met = met[list(crit)]
    # a company criterion's threshold on the score scale (for the sensitivity and the workshop's sliders)
    t_all = pd.Series({c: t[c] if c in t.index else own_thresholds[c] for c in crit})
    for c in builtin:  # a chosen criterion without any data cannot be met by anybody: say what it needs
        if chosen[c].isna().all():
            notes.append(Text("criterion_without_data", criteria=(c,), needs=c))
    # whether two criteria say the same is about being met, which goes by rank: correlate the rank scores
    corr = criteria_correlation(ranked.join(own_scores.reindex(ranked.index)), crit)
    for x, y, r in redundant_pairs(corr, threshold=redundancy):
        notes.append(Text("redundant", criteria=(x,), other=(y,), r=r, x=redundancy))
    n_met = met.sum(axis=1)
    score = weighted_score(scores, w)
    qualifies = n_met >= min_criteria
    rank = rank_accounts(score, qualifies)
    abc = abc_classes(metrics["revenue_12m"], cutoffs=cutoffs)["abc"].reindex(scores.index)
    kind = np.where(
        abc == "A", "existing", np.where(metrics["growth"].fillna(-1) >= emerging_growth, "emerging", "other")
    )
    # the emerging track: emerging accounts whose growth potential reaches its threshold, in their own ranking
    gp_threshold = float(t["growth_potential"]) if "growth_potential" in t.index else DEFAULT_THRESHOLD
    emerging_candidate = pd.Series((kind == "emerging") & (share > 0), index=scores.index) & (
        ranked["growth_potential"] >= gp_threshold - _EPS
    )
    emerging_rank = _emerging_ranking(scores["growth_potential"], metrics["revenue_12m"], emerging_candidate)
    provisional = qualifies | emerging_candidate
    pos = portfolio_position(scores, metrics, w, split=split)

    table = pd.DataFrame(index=scores.index)
    table["name"] = acc["name"]
    table["kam_id"] = acc["kam_id"] if "kam_id" in acc else None
    table["status"] = acc["status"] if "status" in acc else None
    table["revenue_12m"] = metrics["revenue_12m"].round(2)
    table["growth"] = metrics["growth"].round(4)
    table["abc"] = abc
    for c in crit:
        table[c] = chosen[c].round(2)
    table["score"] = score.round(4)
    table["criteria_met"] = [", ".join(c for c in crit if met.at[i, c]) for i in table.index]
    table["n_met"] = n_met.astype(int)
    table["rank"] = rank.astype("Int64")
    table["provisional"] = provisional.astype(bool)
    table["type"] = kind
    table["emerging_rank"] = emerging_rank.astype("Int64")
    table = table.join(pos)

    # ----- definitive: the review of the provisional list, then the places, then the KAMs' capacity
    reason = pd.Series("", index=table.index, dtype=object)

    def put(mask, make) -> None:  # one by one: pandas turns a one-element list of str subclasses into str
        for i in reason.index[np.asarray(mask, dtype=bool)]:
            reason.at[i] = make(i)

    put(~provisional, lambda i: Text("meets_k_of_n", k=int(n_met[i]), n=len(crit), m=min_criteria))
    status = table["status"].fillna("active")
    reviewed = provisional.copy()
    for st in ("lost", "prospect"):
        hit = reviewed & (status == st)
        reviewed[hit] = False
        put(hit, lambda i, st=st: Text("status_reason", status=st))
    no_rev = reviewed & (table["revenue_12m"] <= 0)
    reviewed[no_rev] = False
    put(no_rev, lambda i: Text("no_revenue_12m"))

    reserved = min(places, int(math.floor(share * places + 0.5)))
    main_queue = list(rank[reviewed & qualifies].sort_values(kind="stable").index)
    em_queue = list(emerging_rank[reviewed & emerging_candidate].sort_values(kind="stable").index)
    picked: dict = {}  # account -> track, in the order of the places

    def take(queue: list, n: int, track: str) -> None:
        for i in queue:
            if n <= 0:
                return
            if i not in picked:
                picked[i] = track
                n -= 1

    take(main_queue, places - reserved, "criteria")
    take(em_queue, reserved, "emerging")
    take(main_queue, places - len(picked), "criteria")  # reserved places the emerging track cannot fill
    take(em_queue, places - len(picked), "emerging")  # places the criteria cannot fill
    emerging_places = sum(1 for v in picked.values() if v == "emerging")
    main_places = len(picked) - emerging_places
    table["place"] = pd.array([None] * len(table), dtype="Int64")
    table["track"] = pd.Series(None, index=table.index, dtype=object)
    for k, (i, track) in enumerate(picked.items(), start=1):
        table.at[i, "place"] = k
        table.at[i, "track"] = track
    definitive = table["place"].notna().astype(bool)
    left = reviewed & ~definitive
    put(left & qualifies, lambda i: Text("rank_beyond", k=int(rank[i]), n=main_places))
    put(
        left & ~qualifies,
        lambda i: Text("emerging_beyond", k=int(emerging_rank[i]), n=reserved, places=_places_word(reserved)),
    )

    cap_rows = []
    if data.has("kams"):
        kams = data.kams.set_index("kam_id")
        free_elsewhere = 0
        counts = table[definitive].groupby("kam_id").size()

        def capacity_of(row) -> int:  # an unknown capacity counts as 0: nobody to take more accounts
            cap = row.get("capacity")
            return 0 if cap is None or pd.isna(cap) else int(cap)

        for kam_id, row in kams.iterrows():
            free_elsewhere += max(0, capacity_of(row) - int(counts.get(kam_id, 0)))
        for kam_id, row in kams.iterrows():
            cap = capacity_of(row)
            mine = table[definitive & (table["kam_id"] == kam_id)].sort_values("place")
            over = mine.iloc[cap:]
            drop = []
            for acc_id in over.index:
                if free_elsewhere > 0:
                    free_elsewhere -= 1
                    reason.at[acc_id] = Text("reassign", kam=kam_id, a=len(mine), b=cap)
                else:
                    definitive[acc_id] = False
                    reason.at[acc_id] = Text("over_capacity", kam=kam_id, a=len(mine), b=cap)
                drop.append(acc_id)
            cap_rows.append(
                {
                    "kam_id": kam_id,
                    "name": row.get("name"),
                    "level": row.get("level"),
                    "capacity": cap,
                    "provisional": int((table["provisional"] & (table["kam_id"] == kam_id)).sum()),
                    "definitive": int((definitive & (table["kam_id"] == kam_id)).sum()),
                    "drop_or_reassign_first": ", ".join(drop),
                }
            )
        if capacity_total and places > capacity_total:
            notes.append(Text("exceeds_capacity", n=places, k=capacity_total))
        # overall capacity: key accounts without a KAM also need one
        if definitive.sum() > capacity_total > 0:
            keep = table[definitive].sort_values("place").index[:capacity_total]
            cut = definitive & ~table.index.isin(keep)
            definitive[cut] = False
            put(cut, lambda i: Text("beyond_total_capacity"))
        no_kam = definitive & table["kam_id"].isna()
        put(no_kam, lambda i: Text("no_kam"))
    capacity = pd.DataFrame(
        cap_rows, columns=["kam_id", "name", "level", "capacity", "provisional", "definitive", "drop_or_reassign_first"]
    )
    table["definitive"] = definitive.astype(bool)
    ok = table["definitive"] & (reason == "")
    on_criteria = ok & (table["track"] == "criteria")
    put(
        on_criteria,
        lambda i: Text("meets_rank", criteria=tuple(c for c in crit if met.at[i, c]), k=int(rank[i])),
    )
    put(
        ok & (table["track"] == "emerging"),
        lambda i: Text("emerging_place", k=int(emerging_rank[i]), n=reserved, places=_places_word(reserved)),
    )
    table["reason"] = reason
    table = table.sort_values(
        ["definitive", "provisional", "score", "revenue_12m"], ascending=[False, False, False, False], kind="stable"
    )
    table.index.name = "account_id"
    return Selection(table, capacity, crit, w, t_all, tuple(notes), places, min_criteria, corr, rule, emerging_places)


def _emerging_ranking(growth_potential: pd.Series, revenue: pd.Series, eligible: pd.Series) -> pd.Series:
    """Rank 1 = best growth-potential score among ``eligible`` (emerging) accounts; equal scores (all new accounts
    sit at the growth cap) by revenue in the last 12 months, more first, then by account id; others NaN."""
    order = pd.DataFrame(
        {"s": growth_potential.round(9), "r": revenue.round(2), "id": growth_potential.index.astype(str)},
        index=growth_potential.index,
    )[eligible.reindex(growth_potential.index, fill_value=False)]
    order = order.sort_values(["s", "r", "id"], ascending=[False, False, True], kind="stable")
    ranks = pd.Series(np.nan, index=growth_potential.index)
    ranks[order.index] = np.arange(1, len(order) + 1)
    return ranks


def _places_word(n: int) -> str:
    """'place' or 'places' (a code the catalogue turns into the reader's word)."""
    return "place" if n == 1 else "places"


def rule_changes(data, rules=SCORING_RULES, **parameters) -> pd.DataFrame:
    """Which accounts enter or leave the definitive list when only the scoring rule changes.

    One row per account that is on the list under some of ``rules`` but not all (name, revenue in the last
    12 months, one column per rule: on the list or not), largest revenue first; empty when every rule gives
    the same list. ``parameters`` are the other selection parameters (a ``scoring_rule`` among them is ignored).
    """
    parameters = {k: v for k, v in parameters.items() if k != "scoring_rule"}
    lists = {r: select_key_accounts(data, scoring_rule=check_scoring_rule(r), **parameters) for r in rules}
    first = next(iter(lists.values())).table
    out = first[["name", "revenue_12m"]].copy()
    for r, sel in lists.items():
        out[r] = sel.table["definitive"].reindex(out.index).astype(bool)
    flags = out[list(rules)]
    out = out[flags.any(axis=1) & ~flags.all(axis=1)]
    out = out.assign(_id=out.index.astype(str)).sort_values(["revenue_12m", "_id"], ascending=[False, True])
    return out.drop(columns="_id")


# =========================================================================== sensitivity and agreement


def weight_sensitivity(
    selection: Selection,
    scores: pd.DataFrame | None = None,
    *,
    spread: float = 0.1,
    n_draws: int = 1000,
    seed: int = 42,
    split: float = 5.0,
) -> pd.DataFrame:
    """How robust is the list when the weights move? (none of the commercial tools asks)

    Draws ``n_draws`` weight vectors from a Dirichlet distribution centred on the chosen weights with
    concentration ``1 / spread**2`` (seeded), re-applies the places of :func:`select_key_accounts` (the
    emerging track's places do not depend on the weights and stay; the criteria track's places go to the
    best weighted scores among the accounts that meet at least ``min_criteria`` and pass the review) and the
    portfolio split, and returns per account the probability of being on the list and of each quadrant,
    ``listed`` (on the list at the chosen weights, before the KAMs' capacity) and ``borderline`` (on the list in
    10-90 % of the draws).
    """
    from kamlib.errors import KamParameterError

    if not spread > 0:
        raise KamParameterError("spread", "must be above 0")
    if n_draws < 1:
        raise KamParameterError("n_draws", "must be at least 1")
    t = selection.table
    crit = list(selection.criteria)
    x = t[crit].fillna(0.0).to_numpy(dtype=float)  # accounts x criteria
    rng = np.random.default_rng(seed)
    alpha = np.maximum(selection.weights.to_numpy(dtype=float), 1e-6) / spread**2
    draws = rng.dirichlet(alpha, size=n_draws)  # draws x criteria
    s = x @ draws.T  # accounts x draws
    fixed = (t["track"] == "emerging").to_numpy()  # the emerging track ranks on growth, not on the weights
    reviewed = ~t["status"].isin(["lost", "prospect"]).to_numpy() & (t["revenue_12m"] > 0).to_numpy()
    qualifies = (t["n_met"].to_numpy() >= selection.min_criteria) & reviewed & ~fixed
    s_q = np.where(qualifies[:, None], s, -np.inf)
    k = min(selection.max_key_accounts - int(fixed.sum()), int(qualifies.sum()))
    selected = np.repeat(fixed[:, None], n_draws, axis=1)
    if k > 0:
        # ties broken by account id like rank_accounts: order rows by id first, stable sort
        order_ids = np.argsort(t.index.astype(str).to_numpy(), kind="stable")
        s_sorted = s_q[order_ids]
        idx = np.argsort(-s_sorted, axis=0, kind="stable")[:k]
        sel_sorted = np.zeros_like(s_sorted, dtype=bool)
        np.put_along_axis(sel_sorted, idx, True, axis=0)
        selected[order_ids] |= sel_sorted
    # portfolio: attractiveness from the non-relationship criteria of each draw
    att_cols = [i for i, c in enumerate(crit) if c != "relationship"]
    if att_cols:
        wa = draws[:, att_cols]
        wa = wa / wa.sum(axis=1, keepdims=True)
        att = x[:, att_cols] @ wa.T
    else:
        att = np.repeat(t["attractiveness"].to_numpy()[:, None], n_draws, axis=1)
    strong = (t["strength"].to_numpy() >= split - _EPS)[:, None]
    high = att >= split - _EPS
    out = pd.DataFrame(index=t.index)
    out["name"] = t["name"]
    out["p_selected"] = selected.mean(axis=1).round(4)
    out["p_strategic"] = (high & strong).mean(axis=1).round(4)
    out["p_star"] = (high & ~strong).mean(axis=1).round(4)
    out["p_status"] = (~high & strong).mean(axis=1).round(4)
    out["p_streamline"] = (~high & ~strong).mean(axis=1).round(4)
    out["listed"] = t["place"].notna()
    out["borderline"] = (out["p_selected"] > 0.1) & (out["p_selected"] < 0.9)
    return out.sort_values(["p_selected", "p_strategic"], ascending=False, kind="stable")


def kendalls_w(ratings: pd.DataFrame) -> float:
    """Kendall's coefficient of concordance W for a raters x items table of scores (ties corrected).

    W = 12 S / (m^2 (n^3 - n) - m T), with m raters, n items, S the squared deviations of the rank sums
    from their mean and T the tie correction sum(t^3 - t). 1 = raters rank identically, 0 = no agreement.

    Examples
    --------
    >>> kendalls_w(pd.DataFrame([[1, 2, 3], [1, 2, 3]]))
    1.0
    """
    r = ratings.dropna(axis=1, how="any")
    m, n = r.shape
    if m < 2 or n < 2:
        return float("nan")
    ranks = r.rank(axis=1, method="average")
    rank_sums = ranks.sum(axis=0)
    s = float(((rank_sums - rank_sums.mean()) ** 2).sum())
    ties = 0.0
    for _, row in r.iterrows():
        counts = row.value_counts()
        ties += float((counts**3 - counts).sum())
    denom = m**2 * (n**3 - n) - m * ties
    return float(12 * s / denom) if denom > 0 else float("nan")


def rating_agreement(ratings: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spread of workshop scores per account and criterion, and Kendall's W per criterion.

    Returns (spread, agreement): spread has raters, mean, std, min, max, range per (account, criterion);
    agreement has Kendall's W and the number of raters and accounts per criterion.
    """
    g = ratings.groupby(["account_id", "criterion"])["score"]
    spread = pd.DataFrame(
        {"raters": g.size(), "mean": g.mean().round(3), "std": g.std(ddof=0).round(3), "min": g.min(), "max": g.max()}
    )
    spread["range"] = spread["max"] - spread["min"]
    rows = []
    for crit, part in ratings.groupby("criterion"):
        table = part.pivot_table(index="rater", columns="account_id", values="score", aggfunc="mean")
        rows.append(
            {
                "criterion": crit,
                "raters": table.shape[0],
                "accounts": int(table.dropna(axis=1).shape[1]),
                "kendalls_w": round(kendalls_w(table), 4),
            }
        )
    return spread.reset_index(), pd.DataFrame(rows)


def rerank(
    x: np.ndarray, weights: np.ndarray, thresholds: np.ndarray, *, min_criteria: int = 2, k: int = 20
) -> tuple[np.ndarray, np.ndarray]:
    """Fast re-ranking for the workshop widget: (weighted scores, indices of the top-k qualifying accounts).

    ``x`` is accounts x criteria (missing already 0); plain numpy so that 10,000 accounts re-rank in
    about a millisecond.
    """
    w = np.asarray(weights, dtype=float)
    w = w / w.sum() if w.sum() > 0 else np.full_like(w, 1.0 / len(w))
    s = x @ w
    q = (x >= np.asarray(thresholds, dtype=float)).sum(axis=1) >= min_criteria
    s_q = np.where(q, s, -np.inf)
    k = min(k, int(q.sum()))
    if k == 0:
        return s, np.array([], dtype=int)
    top = np.argpartition(-s_q, k - 1)[:k]
    top = top[np.argsort(-s_q[top], kind="stable")]
    return s, top


# =========================================================================== concentration over time


def account_margin(orders: pd.DataFrame, *, start=None, end=None) -> pd.Series:
    """Contribution margin DB I (net revenue minus cost of goods) per account in ``[start, end]``."""
    o = orders
    if start is not None:
        o = o[o["date"] >= pd.Timestamp(start)]
    if end is not None:
        o = o[o["date"] <= pd.Timestamp(end)]
    db1 = o["gross_revenue_eur"] - o["discount_eur"].fillna(0.0) - o["cogs_eur"].fillna(0.0)
    out = db1.groupby(o["account_id"]).sum().sort_values(ascending=False, kind="stable")
    out.name = "db1_eur"
    return out


def concentration_by_year(
    orders: pd.DataFrame, *, measure: str = "revenue", cutoffs: tuple[float, float] = (0.8, 0.95)
) -> pd.DataFrame:
    """Per calendar year: accounts, total, top-20 % share, Gini (plain, normalised), ABC counts, and the
    change of share and Gini against the previous year.

    ``measure`` is ``"revenue"`` (gross) or ``"margin"`` (DB I). Every account with orders in the year
    counts, zero-value ones included; accounts with a negative margin are left out of the margin view (a
    share of a total cannot be negative) and counted in ``negative_accounts``.
    """
    if measure not in ("revenue", "margin"):
        raise ValueError("measure must be 'revenue' or 'margin'")
    rows = []
    for year in sorted(orders["date"].dt.year.unique()):
        start, end = f"{year}-01-01", f"{year}-12-31"
        v = (
            account_revenue(orders, start=start, end=end)
            if measure == "revenue"
            else account_margin(orders, start=start, end=end)
        )
        negative = int((v < 0).sum())
        v = v[v >= 0]
        s = concentration_summary(v, cutoffs=cutoffs).iloc[0].to_dict()
        s = {"year": int(year), **s, "negative_accounts": negative}
        rows.append(s)
    out = pd.DataFrame(rows)
    if len(out):
        out[["accounts", "A", "B", "C"]] = out[["accounts", "A", "B", "C"]].astype(int)
        out["top20_change"] = out["top20_share"].diff()
        out["gini_change"] = out["gini"].diff()
    return out.round(
        {"total_eur": 2, "top20_share": 4, "gini": 4, "gini_normalised": 4, "top20_change": 4, "gini_change": 4}
    )
