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

import numpy as np
import pandas as pd


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
    return values.sort_values(ascending=False, kind="stable")


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
