"""Backtest of the health score: what the score said at past quarter ends, against what happened next.

For each account and past quarter end the health score is computed as it would have been on that day
(:func:`kamlib.review.health_score` without the trend, on the data cut at the quarter's end, see
:func:`as_of_quarter`), and set against the following ``horizon`` quarters: did revenue fall by more than
``fall`` against the ``horizon`` quarters up to the quarter, or did the account order nothing at all (lost)?
:func:`health_backtest` returns one row per account and quarter and a summary: how many of the bad outcomes
were flagged red or amber (hit rate), how many of the flagged accounts went bad (precision), and the AUC of the
risk (100 - score) against the outcome.

Only quarters with ``horizon`` complete quarters of data after them and ``horizon`` quarters of order history
up to them are used; an account counts for a quarter when it had revenue in the ``horizon`` quarters up to it
and the review can score it (orders or a target in the quarter itself).

What cannot be rolled back: action statuses and the buying center (roles, attitudes) are kept as recorded
today, as :func:`kamlib.review.snapshot` states; everything dated (orders, interactions, complaints, service
costs, targets, action due dates) is cut at the quarter's end.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from kamlib import defaults, i18n
from kamlib.data.cache import memo_scope
from kamlib.errors import KamParameterError
from kamlib.review import check_rules, check_weights, health_score, last_complete_quarter, parse_period, snapshot
from kamlib.selection import select_key_accounts

__all__ = ["Backtest", "as_of_quarter", "auc", "backtest_quarters", "health_backtest", "label", "summary_view"]

LABELS: dict[str, tuple[str, str]] = i18n.table("backtest.labels")
SENTENCES: dict[str, tuple[str, str]] = i18n.table("backtest.sentences")

#: The bands that count as a warning.
FLAGGED = ("red", "amber")
#: The outcomes of an account-quarter, from worst to best.
OUTCOMES = ("lost", "fell", "held")


def label(key: str, lang: str = "en") -> str:
    """The label ``key`` in ``lang`` (unknown keys are returned unchanged)."""
    i18n.check_lang(lang)
    return i18n.pick(LABELS[key], lang) if key in LABELS else key


def text(key: str, lang: str = "en", **values: object) -> str:
    """The sentence ``key`` in ``lang`` with ``values`` filled in."""
    return i18n.pick(SENTENCES[key], lang).format(**values)


@dataclasses.dataclass(frozen=True)
class Backtest:
    """Result of :func:`health_backtest`.

    ``table``: one row per account and quarter: account_id, period, score, band, flagged, base_revenue (the
    ``horizon`` quarters up to the quarter), next_revenue (the ``horizon`` quarters after it), next_orders,
    change (next / base - 1), outcome (lost, fell, held) and bad (lost or fell).
    ``summary``: accounts, rows, not_scored (account-quarters the review could not score), bad, lost, fell,
    flagged, hits (flagged and bad), hit_rate (hits / bad), precision (hits / flagged), false_alarms
    (flagged and held), auc, base_rate (bad / rows).
    ``parameters``: fall, horizon, quarters, cadence_days, weights as used.
    """

    table: pd.DataFrame
    summary: pd.Series
    parameters: dict


def auc(risk, bad) -> float:
    """Area under the ROC curve of ``risk`` against the boolean outcome ``bad``: the probability that a
    randomly drawn bad case has a higher risk than a randomly drawn good one, ties counting half
    (the Mann-Whitney U statistic divided by n_bad x n_good). NaN when either group is empty.

    Examples
    --------
    >>> auc([3, 2, 1], [True, False, False]), auc([1, 1], [True, False]), auc([1, 2], [True, False])
    (1.0, 0.5, 0.0)
    """
    r = np.asarray(risk, dtype=float)
    b = np.asarray(bad, dtype=bool)
    n_bad, n_good = int(b.sum()), int((~b).sum())
    if not n_bad or not n_good:
        return float("nan")
    ranks = pd.Series(r).rank(method="average").to_numpy()  # ties share their mean rank
    u = ranks[b].sum() - n_bad * (n_bad + 1) / 2
    return float(u / (n_bad * n_good))


def as_of_quarter(data, quarter: pd.Period):
    """The data as they stood at the end of ``quarter``: :func:`kamlib.review.snapshot` (orders, interactions
    and complaints after it removed, complaints closed later reopened), and service costs and targets of later
    periods and actions due later removed as well, so that nothing after the quarter can reach the score.
    """
    end = quarter.end_time
    s = snapshot(data, end)
    actions = s.actions
    return dataclasses.replace(
        s,
        service_costs=_periods_started_by(s.service_costs, end),
        targets=_periods_started_by(s.targets, end),
        actions=actions[actions["due"].isna() | (actions["due"] <= end)],
    )


def _periods_started_by(table: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """The rows of ``table`` whose ``period`` (a year "2025", quarter "2025Q4" or month "2025-12") starts by
    ``end``: a plan or cost of a later period did not exist yet."""
    if not len(table):
        return table
    start_of = {p: pd.Period(str(p)).start_time for p in table["period"].unique()}  # a few periods, many rows
    return table[table["period"].map(start_of) <= end]


def backtest_quarters(data, *, horizon: int = 4) -> list[pd.Period]:
    """The quarters a backtest can use: ``horizon`` complete quarters of orders up to the quarter (counted from
    the quarter of the first order) and ``horizon`` complete quarters after it (up to the last complete
    quarter as of ``data.as_of``).

    Examples
    --------
    >>> import kamlib
    >>> [str(q) for q in backtest_quarters(kamlib.load(kamlib.SAMPLE))]
    ['2023Q4', '2024Q1', '2024Q2', '2024Q3', '2024Q4']
    """
    _check_horizon(horizon)
    if not len(data.orders):
        return []
    first = pd.Period(data.orders["date"].min(), freq="Q")
    last = last_complete_quarter(data.as_of)
    lo, hi = first + (horizon - 1), last - horizon
    return list(pd.period_range(lo, hi, freq="Q")) if lo <= hi else []


def _check_horizon(horizon: object) -> int:
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise KamParameterError("horizon", f"must be a whole number of quarters >= 1, not {horizon!r}")
    return horizon


def health_backtest(
    data,
    *,
    account_ids=None,
    quarters=None,
    fall: float = 0.2,
    horizon: int = 4,
    weights: dict | None = None,
    cadence_days: int = 90,
    rules: dict | None = None,
    key_accounts_then: bool | dict = False,
) -> Backtest:
    """The health score at past quarter ends against the following ``horizon`` quarters.

    Parameters
    ----------
    account_ids : list of str, optional
        Accounts to test (default: every account). Restrict to the key accounts to save time.
    key_accounts_then : bool or dict, default False
        Test, at each quarter, the accounts that were key accounts then: the definitive list of
        :func:`kamlib.selection.select_key_accounts` on the data as they stood at the quarter's end (a dict gives
        the run's selection parameters). Today's key accounts chosen with hindsight have by construction not been
        lost; the accounts chosen then include those that were lost since. Overrides ``account_ids``.
    quarters : list of str or int, optional
        Quarters ("2024Q2") to test, or an int n for the last n usable quarters; default every usable quarter
        (:func:`backtest_quarters`). A quarter without ``horizon`` quarters of data before and after it is a
        KamParameterError.
    fall : float, default 0.2
        A bad outcome: revenue of the next ``horizon`` quarters below (1 - fall) x the revenue of the
        ``horizon`` quarters up to the quarter; no order at all in them is "lost".
    horizon : int, default 4
        Quarters looked back for the base and ahead for the outcome.
    weights, cadence_days, rules
        Passed on to :func:`kamlib.review.health_score`.
    """
    if isinstance(fall, bool) or not isinstance(fall, (int, float)) or not 0 < float(fall) < 1:
        raise KamParameterError("fall", f"must be a share between 0 and 1 (0.2 = revenue fell by 20 %), not {fall!r}")
    _check_horizon(horizon)
    check_weights(weights)
    check_rules(rules)  # a wrong weight or rule is the caller's mistake, not an account the review cannot score
    usable = backtest_quarters(data, horizon=horizon)
    if quarters is None:
        qs = usable
    elif isinstance(quarters, int) and not isinstance(quarters, bool):
        if quarters < 1:
            raise KamParameterError("quarters", f"must be >= 1 or a list of quarters, not {quarters}")
        qs = usable[-quarters:]
    else:
        qs = [parse_period(str(q)) for q in quarters]
        wrong = [str(q) for q in qs if q not in usable]
        if wrong:
            span = f"{usable[0]} to {usable[-1]}" if usable else "none"
            raise KamParameterError(
                "quarters", f"{', '.join(wrong)} lack {horizon} quarters of data before or after (usable: {span})"
            )
    accounts = list(data.accounts["account_id"]) if account_ids is None else [str(a) for a in account_ids]
    unknown = sorted(set(accounts) - set(data.accounts["account_id"]))
    if unknown:
        raise KamParameterError("account_ids", f"unknown account(s) {', '.join(unknown[:5])}")
    selection_params = key_accounts_then if isinstance(key_accounts_then, dict) else {}

    o = data.orders
    oq = pd.PeriodIndex(o["date"], freq="Q")
    rows = []
    not_scored = 0
    for q in qs:
        # every score of the quarter asks for the same portfolio tables (contribution margins) of the quarter's
        # data: computed once per quarter, not once per account; the scope ends with the quarter, so no
        # quarter's data outlives its turn
        with memo_scope():
            base_mask = (oq >= q - (horizon - 1)) & (oq <= q)
            next_mask = (oq > q) & (oq <= q + horizon)
            base = o[base_mask].groupby("account_id")["gross_revenue_eur"].sum()
            nxt = o[next_mask].groupby("account_id")["gross_revenue_eur"].agg(["sum", "size"])
            then = as_of_quarter(data, q)
            if key_accounts_then:
                chosen = select_key_accounts(then, **defaults.selection_parameters(**selection_params))
                accounts = [str(a) for a in chosen.definitive.index]
            for a in accounts:
                b = float(base.get(a, 0.0))
                if b <= 0:
                    continue  # not an active customer in the base window
                try:  # the score at the quarter's end; its trend (the quarter before) is not needed here
                    scored = health_score(
                        then, a, str(q), weights=weights, cadence_days=cadence_days, rules=rules, trend=False
                    )
                except KamParameterError:  # the review refuses a quarter without orders or a target of the account
                    not_scored += 1
                    continue
                score = float(scored["score"].astype(float)["health"])
                if math.isnan(score):
                    not_scored += 1
                    continue
                n_next = int(nxt["size"].get(a, 0)) if len(nxt) else 0
                r_next = float(nxt["sum"].get(a, 0.0)) if len(nxt) else 0.0
                outcome = "lost" if n_next == 0 else ("fell" if r_next < (1 - fall) * b else "held")
                rows.append(
                    {
                        "account_id": a,
                        "period": str(q),
                        "score": score,
                        "band": scored.at["health", "band"],
                        "base_revenue": b,
                        "next_revenue": r_next,
                        "next_orders": n_next,
                        "change": r_next / b - 1,
                        "outcome": outcome,
                    }
                )
    cols = ["account_id", "period", "score", "band", "base_revenue", "next_revenue", "next_orders", "change"]
    table = pd.DataFrame(rows, columns=[*cols, "outcome"])
    table["flagged"] = table["band"].isin(FLAGGED)
    table["bad"] = table["outcome"] != "held"
    summary = summarise(table)
    summary["not_scored"] = not_scored
    params = {
        "fall": float(fall),
        "horizon": horizon,
        "quarters": [str(q) for q in qs],
        "cadence_days": cadence_days,
        "weights": weights,
        "rules": rules,
        "key_accounts_then": bool(key_accounts_then),
    }
    return Backtest(table=table, summary=summary, parameters=params)


def summarise(table: pd.DataFrame) -> pd.Series:
    """The counts and measures of :class:`Backtest` ``summary`` from a backtest table (columns account_id,
    score, flagged, bad, outcome)."""
    bad, flagged = table["bad"].astype(bool), table["flagged"].astype(bool)
    hits = int((bad & flagged).sum())
    n_bad, n_flag, n = int(bad.sum()), int(flagged.sum()), len(table)
    return pd.Series(
        {
            "accounts": int(table["account_id"].nunique()),
            "rows": n,
            "not_scored": 0,
            "bad": n_bad,
            "lost": int((table["outcome"] == "lost").sum()),
            "fell": int((table["outcome"] == "fell").sum()),
            "flagged": n_flag,
            "hits": hits,
            "false_alarms": int((flagged & ~bad).sum()),
            "hit_rate": hits / n_bad if n_bad else float("nan"),
            "precision": hits / n_flag if n_flag else float("nan"),
            "base_rate": n_bad / n if n else float("nan"),
            "auc": auc(100 - table["score"].astype(float), bad),
        },
        dtype=object,
    )


#: How each summary figure is written.
SUMMARY_KINDS = {
    "accounts": "int",
    "rows": "int",
    "not_scored": "int",
    "bad": "int",
    "lost": "int",
    "fell": "int",
    "flagged": "int",
    "hits": "int",
    "false_alarms": "int",
    "hit_rate": "percent",
    "precision": "percent",
    "base_rate": "percent",
    "auc": "number",
}

#: Summary figures whose label differs from the outcome's own label.
SUMMARY_LABELS = {"lost": "lost_count", "fell": "fell_count"}


def summary_view(result: Backtest, lang: str = "en") -> pd.DataFrame:
    """The summary as a two-column reader table (figure, value) in ``lang``."""
    s = result.summary
    rows = [
        (label(SUMMARY_LABELS.get(k, k), lang), i18n.cell(s[k], lang, kind, 2 if kind == "number" else 1))
        for k, kind in SUMMARY_KINDS.items()
    ]
    return pd.DataFrame(rows, columns=[label("figure", lang), label("value", lang)])


def band_view(result: Backtest, lang: str = "en") -> pd.DataFrame:
    """Account-quarters per band (rows red, amber, green) and outcome (columns lost, fell, held, and the share
    that went bad), in ``lang``."""
    t = result.table
    counts = pd.crosstab(t["band"], t["outcome"]).reindex(index=["red", "amber", "green"], columns=OUTCOMES)
    counts = counts.fillna(0).astype(int)
    total = counts.sum(axis=1)
    share = (counts["lost"] + counts["fell"]) / total.where(total > 0)
    out = pd.DataFrame({label(c, lang): [i18n.cell(int(v), lang, "int") for v in counts[c]] for c in OUTCOMES})
    out[label("bad_share", lang)] = [i18n.cell(v, lang, "percent", 1) for v in share]
    out.index = [label(b, lang) for b in counts.index]
    return out


def findings(result: Backtest, lang: str = "en") -> str:
    """One sentence on what the score predicted: hit rate, precision, AUC and the base rate."""
    s = result.summary
    return text(
        "findings",
        lang,
        rows=i18n.cell(int(s["rows"]), lang, "int"),
        accounts=i18n.cell(int(s["accounts"]), lang, "int"),
        bad=i18n.cell(int(s["bad"]), lang, "int"),
        fall=i18n.cell(result.parameters["fall"], lang, "percent", 0),
        horizon=result.parameters["horizon"],
        hit_rate=i18n.cell(s["hit_rate"], lang, "percent", 0),
        precision=i18n.cell(s["precision"], lang, "percent", 0),
        base_rate=i18n.cell(s["base_rate"], lang, "percent", 0),
        auc=i18n.cell(s["auc"], lang, "number", 2),
    )
