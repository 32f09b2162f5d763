"""Retention: the one definition of logo retention, churn, GRR and NRR that every notebook uses.

Two windows of equal length are compared, a *base* window and a *current* one (two quarters in notebooks 04
and 05, two consecutive 12-month windows for the yearly retention r of the CLV in notebooks 01 and 03). Per
account, r0 is its gross revenue in the base window and r1 in the current one.

* The **start set** are the accounts with revenue in the base window (r0 > 0).
* A start account is **retained** when it has revenue in the current window (r1 > 0), else **churned**.
* **Logo retention** = retained / start accounts; **churn rate** = 1 − logo retention.
* Per retained account: **expansion** = r1 − r0 when it grew, **contraction** = r0 − r1 when it shrank; the
  **churned revenue** is r0 of the churned accounts.
* **GRR** (gross revenue retention) = (start revenue − contraction − churned revenue) / start revenue, never
  above 100 %; **NRR** (net revenue retention) = (start revenue + expansion − contraction − churned revenue) /
  start revenue.
* Accounts buying now without revenue in the base window are not in the start set and change none of these
  ratios: **returned** when they bought before the base window (a win-back), else **new**.

A pause as long as a window therefore counts as churn, and the account is counted as returned when it buys
again. For one account the same definition gives NRR = r1 / r0 and GRR = min(r1, r0) / r0.

This module is the only place that computes these figures: :func:`kamlib.review.retention_kpis` (04, 05),
:func:`kamlib.review.account_kpis` (04), :func:`kamlib.clv.retention_table` (the yearly r of 03, which
:func:`kamlib.selection.criterion_metrics` uses for 01) and the pitfall check of 05 call it.

Examples
--------
>>> k = summary(pd.Series({"A": 100.0, "B": 200.0, "C": 50.0}), pd.Series({"A": 120.0, "B": 150.0, "C": 0.0}))
>>> float(k["logo_retention"]), float(k["grr"]), float(k["nrr"])   # 2/3, 250/350, 270/350
(0.6666666666666666, 0.7142857142857143, 0.7714285714285715)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The figures of :func:`summary`, in the order they are shown.
FIGURES = (
    "start_accounts",
    "retained_accounts",
    "churned_accounts",
    "returned_accounts",
    "new_accounts",
    "logo_retention",
    "churn_rate",
    "start_revenue",
    "expansion",
    "contraction",
    "churned_revenue",
    "grr",
    "nrr",
)


def states(base_revenue: pd.Series, current_revenue: pd.Series, *, bought_before: pd.Series | None = None) -> pd.Series:
    """Each account's state between the two windows: 'retained', 'churned', 'returned', 'new' or '' (no revenue in
    either window). ``bought_before`` (bool per account; default: nobody) tells a returned from a new account.

    Examples
    --------
    >>> states(pd.Series({"A": 5.0, "B": 5.0, "C": 0.0}), pd.Series({"A": 1.0, "B": 0.0, "C": 2.0})).tolist()
    ['retained', 'churned', 'new']
    """
    r0, r1, before = _aligned(base_revenue, current_revenue, bought_before)
    start, buying = r0 > 0, r1 > 0
    out = np.select(
        [start & buying, start & ~buying, ~start & buying & before, ~start & buying],
        ["retained", "churned", "returned", "new"],
        default="",
    )
    return pd.Series(out, index=r0.index, name="state")


def summary(
    base_revenue: pd.Series, current_revenue: pd.Series, *, bought_before: pd.Series | None = None
) -> pd.Series:
    """Logo retention, churn, GRR and NRR from each account's revenue in the base and the current window
    (Series indexed by account; missing accounts count as 0). The definitions are in the module's docstring.

    Returns
    -------
    Series (dtype object)
        :data:`FIGURES`: the counts as int, the revenues in EUR, the ratios as fractions (NaN without a start
        account or start revenue).
    """
    r0, r1, _ = _aligned(base_revenue, current_revenue, bought_before)
    state = states(base_revenue, current_revenue, bought_before=bought_before)
    start = r0 > 0
    kept = (state == "retained").to_numpy()
    start_revenue = float(r0[start].sum())
    churned_revenue = float(r0[(state == "churned").to_numpy()].sum())
    change = (r1 - r0)[kept]
    expansion, contraction = float(change[change > 0].sum()), float(-change[change < 0].sum())
    n0, n_kept = int(start.sum()), int(kept.sum())
    nan = float("nan")
    return pd.Series(
        {
            "start_accounts": n0,
            "retained_accounts": n_kept,
            "churned_accounts": n0 - n_kept,
            "returned_accounts": int((state == "returned").sum()),
            "new_accounts": int((state == "new").sum()),
            "logo_retention": n_kept / n0 if n0 else nan,
            "churn_rate": 1 - n_kept / n0 if n0 else nan,
            "start_revenue": start_revenue,
            "expansion": expansion,
            "contraction": contraction,
            "churned_revenue": churned_revenue,
            "grr": (start_revenue - contraction - churned_revenue) / start_revenue if start_revenue else nan,
            "nrr": (start_revenue + expansion - contraction - churned_revenue) / start_revenue
            if start_revenue
            else nan,
        },
        dtype=object,
    )


def _aligned(r0: pd.Series, r1: pd.Series, before: pd.Series | None) -> tuple[pd.Series, pd.Series, np.ndarray]:
    index = r0.index.union(r1.index) if not r0.index.equals(r1.index) else r0.index
    a = r0.reindex(index, fill_value=0.0).astype(float)
    b = r1.reindex(index, fill_value=0.0).astype(float)
    flag = (
        before.reindex(index, fill_value=False).astype(bool).to_numpy()
        if before is not None
        else np.zeros(len(index), bool)
    )
    return a, b, flag


def window_revenues(
    orders: pd.DataFrame, windows, *, account_ids=None, revenue: str = "gross_revenue_eur"
) -> pd.DataFrame:
    """Accounts x windows: the sum of ``revenue`` of each account's order lines dated in each window
    (``windows``: (start, end) pairs, both ends included; columns numbered 0, 1, ...), and a last column
    ``first_order`` with the date of the account's first order line (NaT without one).

    ``account_ids`` limits the accounts (and lists them even without orders); default: every account in
    ``orders``. Sums run on integer codes (bincount), fast on millions of order lines.
    """
    o = orders
    if account_ids is not None:
        ids = pd.Index(pd.unique(pd.Index(list(account_ids)).astype(str)))
        code = ids.get_indexer(o["account_id"].astype(str))
    else:
        code, uniques = pd.factorize(o["account_id"])
        ids = pd.Index(uniques)
    known = code >= 0
    k = len(ids)
    dates = o["date"]
    values = o[revenue].to_numpy(dtype=float)
    cols: dict = {}
    for i, (start, end) in enumerate(windows):
        m = known & ((dates >= start) & (dates <= end)).to_numpy()
        cols[i] = np.bincount(code[m], weights=values[m], minlength=k)
    first = pd.Series(dates.to_numpy()[known], index=code[known]).groupby(level=0).min()
    cols["first_order"] = pd.Series(first.reindex(range(k)).to_numpy(), dtype="datetime64[ns]")
    out = pd.DataFrame(cols)
    out.index = ids
    out.index.name = "account_id"
    return out


def between(
    orders: pd.DataFrame,
    base: tuple[pd.Timestamp, pd.Timestamp],
    current: tuple[pd.Timestamp, pd.Timestamp],
    *,
    account_ids=None,
    revenue: str = "gross_revenue_eur",
) -> pd.Series:
    """:func:`summary` of the accounts' revenue in the window ``base`` against the window ``current``
    (each a (start, end) pair of timestamps, both included; the sums of :func:`window_revenues`); an account
    bought before when it has an order line before the base window."""
    w = window_revenues(orders, [base, current], account_ids=account_ids, revenue=revenue)
    bought_before = (w["first_order"] < pd.Timestamp(base[0])).fillna(False).astype(bool)
    return summary(w[0], w[1], bought_before=bought_before)
