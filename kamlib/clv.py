"""Customer lifetime value: what an account will be worth, and where extra care stops paying.

Four families of tools, from the simplest to the most data-hungry:

* **Contractual CLV** (Gupta & Lehmann 2003): closed formulas for a margin ``m`` per year, a yearly
  retention ``r`` and a discount rate ``d`` -- :func:`contractual_clv` and its named variants.
* **Retention from the data**: :func:`retention_table` (yearly account retention, the definition of
  :mod:`kamlib.retention` on consecutive 12-month windows) and
  :func:`survival_table` (cohort survival counts).
* **sBG** (Fader & Hardie 2007, "How to project customer retention"): :class:`ShiftedBetaGeometric`,
  fitted by maximum likelihood from cohort survival counts; projected retention and the discounted
  expected residual lifetime (DERL, Fader & Hardie 2010).
* **BG/NBD + Gamma-Gamma** (Fader, Hardie & Lee 2005) for non-contractual repeat buying:
  :class:`BetaGeo`, :class:`GammaGamma`, :func:`rfm_summary` and :func:`expected_clv`.

Then the decisions none of the usual tools make: :func:`clv_grid` (retention x discount rate),
:func:`retention_for_care` (which retention uplift pays for extra care) and :func:`quadrant_moves`
(what moving an account one quadrant in the portfolio is worth).

The fitters follow the scikit-learn shape: ``fit`` returns the fitted object, learned values end in
``_`` (``params_``, ``log_likelihood_``), ``summary`` is a DataFrame and the ``repr`` says what was
fitted. They are deterministic (fixed starting values, no random numbers), maximise the exact
log-likelihood with its analytic gradient (L-BFGS-B on log-parameters) and raise
:class:`KamModelError` with advice instead of returning a silently wrong answer.

Examples
--------
>>> round(contractual_clv(100.0, 0.8, 0.1), 2)
266.67
>>> sbg = ShiftedBetaGeometric().fit([1000, 869, 743, 653, 593, 551, 517, 491])
>>> [round(v, 3) for v in sbg.params_]
[0.668, 3.806]
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
from scipy import special

from kamlib import i18n, periods, retention
from kamlib.data.cache import portfolio_memo
from kamlib.errors import KamParameterError

#: Days per time unit. A model's ``time_unit`` says in which unit recency, T and predictions are given.
TIME_UNITS: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 365.25 / 12.0, "Y": 365.25}
_TIME_UNIT_NAMES: dict[str, tuple[str, str]] = i18n.table("clv.time_unit_names")


class KamModelError(ValueError):
    """A model cannot be fitted or used as asked; the message says why and what to try.

    ``at`` holds the log-parameters where a fit stopped (None when the problem is the input).
    """

    def __init__(self, message: str, *, at: np.ndarray | None = None):
        super().__init__(message)
        self.at = at


_LABELS: dict[str, tuple[str, str]] = i18n.table("clv.labels")


#: Rows and columns of :func:`assumptions_table`.
ASSUMPTION_LABELS: dict[str, tuple[str, str]] = i18n.table("clv.assumption_labels")


def label(key: str, lang: str = "en") -> str:
    """The chart or table label ``key`` of this module in ``lang`` ('en' or 'de')."""
    return i18n.pick(_LABELS[key], lang)


# =========================================================================== parameters


def check_parameters(
    *,
    discount_rate: float | None = None,
    retention: float | None = None,
    horizon: float | None = None,
    growth: float | None = None,
    extra_care: float | None = None,
) -> None:
    """Raise :class:`kamlib.errors.KamParameterError` naming the first unusable parameter.

    ``discount_rate`` must lie in (-1, 1], ``retention`` in [0, 1], ``horizon`` be at least 1 (years),
    ``growth`` above -1 and ``extra_care`` be 0 or more. ``None`` skips a check.

    Examples
    --------
    >>> check_parameters(discount_rate=0.1, retention=0.9, horizon=10)
    >>> check_parameters(retention=1.2)
    Traceback (most recent call last):
    ...
    kamlib.errors.KamParameterError: parameter retention: must lie between 0 and 1 (a share of accounts kept per year), not 1.2
    """

    def finite(name: str, v: float) -> float:
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise KamParameterError(name, f"must be a number, not {v!r}") from None
        if not math.isfinite(f):
            raise KamParameterError(name, f"must be a finite number, not {v!r}")
        return f

    if discount_rate is not None:
        d = finite("discount_rate", discount_rate)
        if not -1.0 < d <= 1.0:
            raise KamParameterError(
                "discount_rate", f"must lie above -1 and at most 1 (0.1 means 10 % a year), not {d:g}"
            )
    if retention is not None:
        r = finite("retention", retention)
        if not 0.0 <= r <= 1.0:
            raise KamParameterError(
                "retention", f"must lie between 0 and 1 (a share of accounts kept per year), not {r:g}"
            )
    if horizon is not None:
        h = finite("horizon", horizon)
        if h < 1:
            raise KamParameterError("horizon", f"must be at least 1 year, not {h:g}")
    if growth is not None:
        g = finite("growth", growth)
        if g <= -1.0:
            raise KamParameterError("growth", f"must lie above -1 (0.02 means 2 % a year), not {g:g}")
    if extra_care is not None:
        c = finite("extra_care", extra_care)
        if c < 0:
            raise KamParameterError("extra_care", f"must be 0 or more (EUR per year), not {c:g}")


def _check_time_unit(time_unit: str) -> str:
    if time_unit not in TIME_UNITS:
        raise KamParameterError(
            "time_unit", f"must be one of {', '.join(TIME_UNITS)} (days, weeks, months, years), not {time_unit!r}"
        )
    return time_unit


def _like(template, values: np.ndarray, name: str | None = None):
    """Return ``values`` as a Series with the index of ``template`` when that is a Series, else as array/float."""
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index, name=name)
    if np.ndim(values) == 0:
        return float(values)
    return values


# =========================================================================== contractual CLV


def contractual_clv(
    margin, retention, discount_rate, *, horizon: int | None = None, growth: float = 0.0, timing: str = "end"
):
    """Contractual customer lifetime value (Gupta & Lehmann 2003), vectorised.

    The account brings margin ``m`` per year while it stays; it stays from one year to the next with
    probability ``r``; money a year later is worth ``1/(1+d)`` today.

    * ``timing="end"`` (margin at the end of each year, the account must first be retained):
      CLV = Σ_{t>=1} m·(1+g)^(t-1)·r^t/(1+d)^t = m·r/(1+d−r(1+g)); with g = 0: m·r/(1+d−r).
    * ``timing="start"`` (margin at the start of each year, this year's margin is certain):
      CLV = Σ_{t>=0} m·(1+g)^t·r^t/(1+d)^t = m(1+d)/(1+d−r(1+g)); with g = 0: m(1+d)/(1+d−r).
    * ``horizon=T`` stops the sum after T margins: with ``timing="end"`` Σ_{t=1..T} m·r^t/(1+d)^t.

    Parameters
    ----------
    margin
        Margin m per year (float, array or Series; negative margins give negative values).
    retention
        Yearly retention r in [0, 1] (float, array or Series broadcasting with ``margin``).
    discount_rate
        Yearly discount rate d in (-1, 1].
    horizon
        Number of yearly margins T (None: infinite horizon, the closed form).
    growth
        Yearly margin growth g (margin of year t is m·(1+g)^(t-1)).
    timing
        ``"end"`` or ``"start"``.

    Returns
    -------
    float, ndarray or Series
        Same shape as the broadcast inputs; a Series with ``margin``'s index when ``margin`` is a Series.

    Raises
    ------
    KamParameterError
        For a bad parameter, or when r(1+g) >= 1+d without a horizon (the value would be infinite).

    Examples
    --------
    >>> round(contractual_clv(100.0, 0.8, 0.1), 4)           # 100*0.8/(1.1-0.8)
    266.6667
    >>> round(contractual_clv(100.0, 0.8, 0.1, timing="start"), 4)  # 100*1.1/0.3
    366.6667
    >>> round(contractual_clv(100.0, 0.8, 0.1, horizon=2), 4)  # 100*0.8/1.1 + 100*0.64/1.21
    125.6198
    """
    if timing not in ("end", "start"):
        raise KamParameterError("timing", f"must be 'end' or 'start', not {timing!r}")
    check_parameters(
        discount_rate=discount_rate if np.ndim(discount_rate) == 0 else None, horizon=horizon, growth=growth
    )
    m = np.asarray(margin, dtype=float)
    r = np.asarray(retention, dtype=float)
    d = np.asarray(discount_rate, dtype=float)
    if np.any((r < 0) | (r > 1)) or np.any(~np.isfinite(r)):
        raise KamParameterError("retention", "must lie between 0 and 1")
    if np.any((d <= -1) | (d > 1)):
        raise KamParameterError("discount_rate", "must lie above -1 and at most 1")
    q = r * (1.0 + growth) / (1.0 + d)  # ratio of consecutive terms
    first = m * r / (1.0 + d) if timing == "end" else m  # first term of the geometric series
    if horizon is None:
        if np.any(q >= 1.0):
            raise KamParameterError(
                "growth" if growth else "retention",
                "r(1+g) must stay below 1+d for an infinite horizon (the value would be infinite); "
                "lower the retention or growth, or set a finite horizon",
            )
        value = first / (1.0 - q)
    else:
        n = int(horizon)
        with np.errstate(divide="ignore", invalid="ignore"):
            geometric = np.where(
                np.isclose(q, 1.0), float(n), (1.0 - q**n) / np.where(np.isclose(q, 1.0), 1.0, 1.0 - q)
            )
        value = first * geometric
    return _like(margin, value, "clv_eur")


def clv_closed_form(margin, retention, discount_rate):
    """m·r/(1+d−r): infinite horizon, margin at the end of each year (Gupta & Lehmann).

    Examples
    --------
    >>> round(clv_closed_form(1000.0, 0.9, 0.1), 6)   # 1000*0.9/0.2
    4500.0
    """
    return contractual_clv(margin, retention, discount_rate)


def clv_finite(margin, retention, discount_rate, horizon: int):
    """Σ_{t=1..T} m·r^t/(1+d)^t: only the next T yearly margins count.

    Examples
    --------
    >>> round(clv_finite(1000.0, 0.9, 0.1, 1), 4)   # 1000*0.9/1.1
    818.1818
    """
    return contractual_clv(margin, retention, discount_rate, horizon=horizon)


def clv_period_start(margin, retention, discount_rate):
    """m(1+d)/(1+d−r): margin at the start of each year (this year's margin counted in full).

    Examples
    --------
    >>> round(clv_period_start(1000.0, 0.9, 0.1), 6)   # 1000*1.1/0.2
    5500.0
    """
    return contractual_clv(margin, retention, discount_rate, timing="start")


def clv_with_growth(margin, retention, discount_rate, growth: float):
    """m·r/(1+d−r(1+g)): the margin grows by g a year.

    Examples
    --------
    >>> round(clv_with_growth(1000.0, 0.9, 0.1, 0.05), 4)   # 1000*0.9/(1.1-0.945)
    5806.4516
    """
    return contractual_clv(margin, retention, discount_rate, growth=growth)


def clv_table(margin: pd.Series, *, retention, discount_rate: float, horizon: int, growth: float = 0.0) -> pd.DataFrame:
    """The contractual CLV of each account in all four variants, side by side.

    Columns: margin (m), retention (r), ``clv`` = m·r/(1+d−r), ``clv_horizon`` = Σ_{t=1..T} m·r^t/(1+d)^t,
    ``clv_start`` = m(1+d)/(1+d−r) and ``clv_growth`` = m·r/(1+d−r(1+g)) (NaN where r(1+g) >= 1+d).
    ``retention`` is one number or a Series per account.
    """
    check_parameters(discount_rate=discount_rate, horizon=horizon, growth=growth)
    m = margin.astype(float)
    r = (
        pd.Series(retention, index=m.index, dtype=float)
        if np.ndim(retention) == 0
        else pd.Series(retention, dtype=float).reindex(m.index)
    )
    r_closed = r.clip(upper=1.0 + discount_rate - 1e-9) if discount_rate < 0 else r
    out = pd.DataFrame({"margin": m, "retention": r}, index=m.index)
    finite = r_closed < 1.0 + discount_rate
    out["clv"] = np.where(finite, contractual_clv(m.to_numpy(), r.where(finite, 0.0).to_numpy(), discount_rate), np.nan)
    out["clv_horizon"] = np.asarray(contractual_clv(m.to_numpy(), r.to_numpy(), discount_rate, horizon=horizon))
    out["clv_start"] = np.where(
        finite, contractual_clv(m.to_numpy(), r.where(finite, 0.0).to_numpy(), discount_rate, timing="start"), np.nan
    )
    ok_g = r * (1.0 + growth) < 1.0 + discount_rate
    out["clv_growth"] = np.where(
        ok_g, contractual_clv(m.to_numpy(), r.where(ok_g, 0.0).to_numpy(), discount_rate, growth=growth), np.nan
    )
    return out


def assumptions_table(
    *,
    margin_basis: str,
    retention: float,
    retention_source: str,
    discount_rate: float,
    horizon: int,
    growth: float,
    lang: str = "en",
) -> pd.DataFrame:
    """The assumptions behind a CLV, one row each, with the symbol, the value and where it comes from."""
    i18n.check_lang(lang)

    def a(key: str) -> str:
        return i18n.pick(ASSUMPTION_LABELS[key], lang)

    rows = [
        ("m", a("margin"), margin_basis, a("data")),
        ("r", a("retention"), i18n.percent(retention, lang, 1), say(retention_source, lang)),
        (
            "d",
            a("discount_rate"),
            i18n.percent(discount_rate, lang, 1),
            text("parameter_source", lang, name="discount_rate"),
        ),
        ("T", a("horizon"), f"{horizon} {a('years')}", text("parameter_source", lang, name="horizon")),
        ("g", a("growth"), i18n.percent(growth, lang, 1), text("parameter_source", lang, name="growth")),
        ("timing", a("timing"), a("timing_value"), "Gupta & Lehmann 2003"),
    ]
    cols = [a(c) for c in ("symbol", "assumption", "value", "source")]
    out = pd.DataFrame(rows, columns=cols)
    out.attrs.update(caption=i18n.pick(i18n.table("tables.captions")["assumptions"], lang), lang=lang)
    return out


def annuity_factor(retention, discount_rate, *, horizon: int | None = None):
    """Present value of 1 EUR a year paid while the account stays: CLV with m = 1 (timing end).

    Turns a CLV difference into the yearly amount it can pay for, and back.
    """
    return contractual_clv(1.0, retention, discount_rate, horizon=horizon)


# =========================================================================== retention from the data


def _windows(orders: pd.DataFrame, as_of: pd.Timestamp, months: int) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Consecutive ``months``-long windows ending at ``as_of``, oldest first, all fully covered by the data."""
    if orders.empty:
        return []
    first = orders["date"].min()
    out = []
    end = as_of
    while True:
        start, _ = periods.trailing_months(end, months)
        # a window counts when the data reach back (almost) to its start: orders begin within its first month
        if start < first - pd.DateOffset(months=1):
            break
        out.append((start, end))
        end = start - pd.Timedelta(days=1)
    return out[::-1]


def _window_label(start: pd.Timestamp, end: pd.Timestamp) -> str:
    if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31 and start.year == end.year:
        return str(start.year)
    return f"{start.date()}..{end.date()}"


def _alive_matrix(orders: pd.DataFrame, windows) -> pd.DataFrame:
    """accounts x windows: True when the account had bought by the window's end and buys in it or later."""
    o = orders[orders["date"] <= windows[-1][1]] if windows else orders
    g = o.groupby("account_id")["date"]
    first, last = g.min(), g.max()
    cols = {}
    for start, end in windows:
        cols[_window_label(start, end)] = (first <= end) & (last >= start)
    return pd.DataFrame(cols)


def _pair_states(orders: pd.DataFrame, windows) -> list[tuple[str, pd.Series]]:
    """For each pair of consecutive windows: the later window's label and each account's state between them
    (:func:`kamlib.retention.states`: retained, churned, returned, new or '')."""
    w = retention.window_revenues(orders, windows)
    out = []
    for i in range(1, len(windows)):
        before = (w["first_order"] < windows[i - 1][0]).fillna(False).astype(bool)
        out.append((_window_label(*windows[i]), retention.states(w[i - 1], w[i], bought_before=before)))
    return out


@portfolio_memo
def retention_table(data, *, as_of: str | pd.Timestamp | None = None, window_months: int = 12) -> pd.DataFrame:
    """Yearly account retention measured from the orders, by the one definition of :mod:`kamlib.retention`.

    For each pair of consecutive 12-month windows: the accounts with revenue in the first (``active_before``),
    those of them with revenue in the second too (``retained``) or not (``lost``), and the accounts with revenue
    in the second only (``new``: first-time and returning buyers); retention = retained / active_before, the
    logo retention of :func:`kamlib.retention.summary`. A pause of a whole window counts as a loss (the account
    comes back as a returning buyer). Only windows the order history fully covers are used.

    Returns
    -------
    DataFrame
        One row per pair of consecutive windows: ``period`` (the later window), ``active_before``,
        ``retained``, ``lost``, ``new`` and ``retention``; a last row ``pooled`` sums all pairs
        (retention = Σ retained / Σ active_before, the maximum-likelihood estimate of a constant r).
    """
    as_of_ts = pd.Timestamp(as_of) if as_of is not None else data.as_of
    orders = data.orders[data.orders["date"] <= as_of_ts]
    windows = _windows(orders, as_of_ts, window_months)
    cols = ["period", "active_before", "retained", "lost", "new", "retention"]
    if len(windows) < 2:
        return pd.DataFrame(columns=cols)
    rows = []
    for period, state in _pair_states(orders, windows):
        kept, lost = int((state == "retained").sum()), int((state == "churned").sum())
        rows.append(
            {
                "period": period,
                "active_before": kept + lost,
                "retained": kept,
                "lost": lost,
                "new": int(state.isin(["returned", "new"]).sum()),
                "retention": kept / (kept + lost) if kept + lost else np.nan,
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    total_before, total_kept = int(out["active_before"].sum()), int(out["retained"].sum())
    pooled = {
        "period": "pooled",
        "active_before": total_before,
        "retained": total_kept,
        "lost": total_before - total_kept,
        "new": int(out["new"].sum()),
        "retention": total_kept / total_before if total_before else np.nan,
    }
    out = pd.concat([out, pd.DataFrame([pooled])], ignore_index=True)
    out["retention"] = out["retention"].astype(float).round(6)
    return out


def estimate_retention(data, *, as_of: str | pd.Timestamp | None = None, window_months: int = 12) -> float:
    """Pooled yearly account retention from :func:`retention_table` (NaN with fewer than two windows)."""
    t = retention_table(data, as_of=as_of, window_months=window_months)
    return float(t["retention"].iloc[-1]) if len(t) else float("nan")


#: Yearly retention assumed when the orders cannot measure it, i.e. when they cover less than two full
#: 12-month windows (:func:`choose_retention`). Why 0.8: Reichheld ("Loyalty-based management", HBR 1993)
#: reports that US companies lose about half their customers in five years, a yearly retention of
#: 0.5^(1/5) ≈ 0.87; an *assumed* retention should not flatter the CLV, so we stay below that. At d = 10 % the
#: margin multiple r/(1+d−r) is then 2.67 instead of 3.78 at 0.87 (and 4.5 at 0.9). It is a placeholder, not
#: an estimate: the notebook says so, and the ``retention`` parameter (or setting this constant) overrides it.
FALLBACK_RETENTION: float = 0.8

#: Generated sentences of this module (registered in :func:`kamlib.i18n.registry`).
TEXTS: dict[str, tuple[str, str]] = i18n.table("clv.texts")


def text(key: str, lang: str = "en", /, **values) -> str:
    """The generated sentence ``key`` of :data:`TEXTS` in ``lang``, with ``values`` filled in.

    Numbers are formatted by the template's format spec in the style of ``lang``; a :class:`Message` or a
    list of them among the values is rendered in ``lang`` too.

    Examples
    --------
    >>> text("retention_used", "de", r=0.97612, source=Message("source_pooled", n=2), churn=0.02388)
    'Verwendete Bindungsrate: r = 0,9761 (aus den Aufträgen, über 2 Jahre zusammengefasst); Abwanderungsrate 1 − r = 2,39\u00a0%'
    >>> text("sensitivity", "de", margin=1083305.9, step_r=284218.2, step_d=-237657.0, horizon=10)[:60]
    'Betrachteter Deckungsbeitrag 1.083.306 EUR je Jahr. Ein Proz'
    """
    return _render(TEXTS[key], lang, values)


class _LangFormatter(string.Formatter):
    """str.format with numbers in the style of ``lang``: 1,234.5 (en) or 1.234,5 (de), '2,4 %' for a spec '%'."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = i18n.check_lang(lang)

    def format_field(self, value, format_spec):
        if isinstance(value, Message):
            return format(value.text(self.lang), format_spec)
        if isinstance(value, (list, tuple)):
            return ", ".join(v.text(self.lang) if isinstance(v, Message) else str(v) for v in value)
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
            out = format(value, format_spec)
            if self.lang == "de":
                out = out.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
                if format_spec.endswith("%"):
                    out = out[:-1] + "\u00a0%"
            return out
        return format(value, format_spec)


def _render(pair: tuple[str, str], lang: str, values: dict) -> str:
    return _LangFormatter(lang).format(i18n.pick(pair, lang), **values)


class Message(str):
    """A generated sentence that stays a code: an English ``str`` (so it prints, compares and is stored as
    before) that knows its :data:`TEXTS` key and values, and renders itself in any language with :meth:`text`.

    Domain functions return a Message where they used to return an English sentence (a fit's notes, the
    source of a retention, the reason of :func:`sbg_adequacy`); reports call :func:`say`.

    Examples
    --------
    >>> m = Message("need_years", n=3)
    >>> m, m.text("de"), m == "at least 3 years"
    ('at least 3 years', 'mindestens 3 Jahre', True)
    >>> import pickle; pickle.loads(pickle.dumps(m)).text("de")
    'mindestens 3 Jahre'
    """

    key: str
    values: dict

    def __new__(cls, key: str, **values):
        obj = super().__new__(cls, _render(TEXTS[key], "en", values))
        obj.key, obj.values = key, values
        return obj

    def __reduce__(self):
        return _message, (self.key, self.values)

    def text(self, lang: str = "en") -> str:
        """This sentence in ``lang``."""
        return _render(TEXTS[self.key], lang, self.values)


def _message(key: str, values: dict) -> Message:
    return Message(key, **values)


def say(message, lang: str = "en") -> str:
    """A :class:`Message` in ``lang``; any other text as it is (an exception's message, a value).

    Examples
    --------
    >>> say(Message("source_parameter"), "de"), say("ACC-0044", "de")
    ('Parameter retention', 'ACC-0044')
    """
    return message.text(lang) if isinstance(message, Message) else str(message)


def retention_is_assumed(source: str) -> bool:
    """True when :func:`choose_retention` fell back to :data:`FALLBACK_RETENTION` (its ``source`` says so)."""
    return source in TEXTS["source_fallback"]


@portfolio_memo
def choose_retention(data, retention: float = 0.0, *, as_of=None) -> tuple[float, str]:
    """The retention r to use and where it comes from: the parameter when above 0, else the pooled estimate.

    When r must come from the data but the orders cover less than two full years (nothing to measure
    retention on), r is :data:`FALLBACK_RETENTION` and the source says it was assumed
    (:func:`retention_is_assumed`; :func:`retention_note` gives the sentence for the report).
    """
    check_parameters(retention=retention)
    if retention > 0:
        return float(retention), Message("source_parameter")
    table = retention_table(data, as_of=as_of)
    if table.empty:
        return float(FALLBACK_RETENTION), Message("source_fallback")
    pairs = len(table) - 1
    return float(table["retention"].iloc[-1]), Message("source_pooled" if pairs != 1 else "source_pooled_one", n=pairs)


def retention_kind(source: str) -> str:
    """Where the retention of :func:`choose_retention` comes from, as a code: 'pooled' (measured from the
    orders), 'assumed' (:data:`FALLBACK_RETENTION`) or 'given' (the parameter).

    Examples
    --------
    >>> retention_kind(Message("source_pooled", n=2)), retention_kind(Message("source_parameter"))
    ('pooled', 'given')
    """
    if retention_is_assumed(source):
        return "assumed"
    return "pooled" if str(source).startswith("orders") else "given"


def retention_sentence(retention: float, source: str, *, lang: str = "en") -> str:
    """'Retention used: r = 0.9761 (orders: pooled over 2 years); churn 1 - r = 2.39%' in ``lang``."""
    return text("retention_used", lang, r=float(retention), source=source, churn=1.0 - float(retention))


def margin_basis(start, end, *, lang: str = "en") -> str:
    """What the margin m of the CLV is: 'DB IV, last 12 months (2025-01-01 to 2025-12-31)' in ``lang``.

    Examples
    --------
    >>> margin_basis("2025-01-01", "2025-12-31", lang="de")
    'DB IV der letzten 12 Monate (01.01.2025 bis 31.12.2025)'
    """
    return text("margin_basis", lang, start=i18n.date(start, lang), end=i18n.date(end, lang))


def retention_note(data, retention: float, source: str, *, as_of=None, lang: str = "en") -> str:
    """The sentence a report shows when the retention was assumed (empty when it was measured or set).

    Names the span the orders cover and the value assumed, and how to override it.
    """
    i18n.check_lang(lang)
    if not retention_is_assumed(source):
        return ""
    as_of_ts = pd.Timestamp(as_of) if as_of is not None else data.as_of
    dates = data.orders.loc[data.orders["date"] <= as_of_ts, "date"]
    first = dates.min() if len(dates) else as_of_ts
    months = (as_of_ts.year - first.year) * 12 + as_of_ts.month - first.month + (as_of_ts.day >= first.day)
    span = i18n.pick(TEXTS["months"], lang).format(n=max(int(months), 0))
    return i18n.pick(TEXTS["retention_assumed"], lang).format(
        span=span, first=i18n.date(first, lang), as_of=i18n.date(as_of_ts, lang), r=i18n.percent(retention, lang, 1)
    )


@portfolio_memo
def survival_table(data, *, as_of: str | pd.Timestamp | None = None, window_months: int = 12) -> pd.DataFrame:
    """Cohort survival counts for the sBG model: rows = cohorts, columns = years since the cohort started.

    A cohort is the set of accounts whose first order falls in a window; the first window's cohort also
    holds every account that was already a customer when the data begin (marked ``existing``; its
    members have different ages, which the sBG does not know). Cell (c, t) = accounts of cohort c still
    active t windows later (active as in :func:`retention_table`); NaN where not yet observed.
    """
    as_of_ts = pd.Timestamp(as_of) if as_of is not None else data.as_of
    orders = data.orders[data.orders["date"] <= as_of_ts]
    windows = _windows(orders, as_of_ts, window_months)
    if not windows:
        return pd.DataFrame()
    alive = _alive_matrix(orders, windows)
    alive = alive[alive.any(axis=1)]
    labels = list(alive.columns)
    first_window = alive.idxmax(axis=1)  # first window in which the account is active
    rows, index = [], []
    for k, lab in enumerate(labels):
        members = alive.index[first_window == lab]
        if len(members) == 0:
            continue
        counts = [int(alive.loc[members, labels[j]].sum()) for j in range(k, len(labels))]
        rows.append(counts + [np.nan] * (len(labels) - len(counts)))
        index.append(f"{lab} (existing)" if k == 0 else lab)
    out = pd.DataFrame(rows, index=pd.Index(index, name="cohort"), columns=range(len(labels)))
    out.columns.name = "years"
    return out


# =========================================================================== optimiser shared by the fitters


@dataclass(frozen=True)
class _FitResult:
    log_params: np.ndarray
    fun: float
    n_iter: int
    hessian: np.ndarray  # of the mean negative log-likelihood w.r.t. the log-parameters


_BOUND = 25.0  # |log parameter| limit: e^25 ~ 7e10 means "runs off to infinity"


def _bfgs(
    fun_grad, x0: np.ndarray, *, maxiter: int = 500, gtol: float = 1e-7
) -> tuple[np.ndarray, float, np.ndarray, int, str]:
    """Quasi-Newton (BFGS) minimisation with Armijo backtracking, in plain numpy.

    Used instead of scipy's L-BFGS-B because for a handful of parameters the work is in the likelihood, and
    scipy's compiled optimiser calls multi-threaded BLAS whose start-up costs more than the fit on a busy
    machine. Deterministic; steps are capped so that log-parameters cannot overflow.
    """
    x = np.clip(np.asarray(x0, dtype=float), -_BOUND, _BOUND)
    f, g = fun_grad(x)
    if not np.isfinite(f) or not np.all(np.isfinite(g)):
        return x, f, g, 0, "the likelihood is undefined at the starting values"
    k = len(x)
    h_inv = np.eye(k)
    for it in range(1, maxiter + 1):
        if np.max(np.abs(g)) < gtol:
            return x, f, g, it - 1, "converged"
        p = -h_inv @ g
        slope = float(g @ p)
        if not slope < 0:
            h_inv = np.eye(k)
            p, slope = -g, -float(g @ g)
        big = np.max(np.abs(p))
        if big > 3.0:
            p, slope = p * (3.0 / big), slope * (3.0 / big)
        t = 1.0
        while True:
            x_new = np.clip(x + t * p, -_BOUND, _BOUND)
            f_new, g_new = fun_grad(x_new)
            if np.isfinite(f_new) and np.all(np.isfinite(g_new)) and f_new <= f + 1e-4 * t * slope:
                break
            t *= 0.5
            if t < 1e-14:
                return x, f, g, it, "the line search found no better point"
        s, y = x_new - x, g_new - g
        sy = float(s @ y)
        if sy > 1e-12 * float(np.sqrt((s @ s) * (y @ y))):
            if it == 1:
                h_inv = np.eye(k) * (sy / float(y @ y))
            rho = 1.0 / sy
            v = np.eye(k) - rho * np.outer(s, y)
            h_inv = v @ h_inv @ v.T + rho * np.outer(s, s)
        x, f_old, f, g = x_new, f, f_new, g_new
        if abs(f_old - f) <= 1e-15 * max(1.0, abs(f)) and np.max(np.abs(g)) < 1e-5:
            return x, f, g, it, "converged"
    return x, f, g, maxiter, f"stopped after {maxiter} iterations"


def _maximise(fun_grad, x0: np.ndarray, names: list[str], model: str, advice: str, *, maxiter: int = 500) -> _FitResult:
    """Minimise a mean negative log-likelihood over log-parameters; raise KamModelError when it fails.

    BFGS to a small gradient, then Newton steps with the Hessian (central differences of the analytic
    gradient) to polish the optimum; the Hessian must be positive definite (a true maximum of the
    likelihood) and the gradient vanish, otherwise the fit is reported as not converged.
    """
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        x, f, g, n_iter, message = _bfgs(fun_grad, x0, maxiter=maxiter)
        if not np.isfinite(f) or not np.all(np.isfinite(x)):
            raise KamModelError(f"{model}: the likelihood became undefined during the fit ({message}). {advice}")
        at_bound = [n for n, v in zip(names, x) if abs(v) > _BOUND - 2.0]
        if at_bound:
            which = ", ".join(
                f"{n} ({'towards 0' if v < 0 else 'towards infinity'})" for n, v in zip(names, x) if n in at_bound
            )
            raise KamModelError(
                f"{model} did not converge: {which} ran off to the edge of the parameter space, so "
                f"the data do not pin the model down. {advice}",
                at=x,
            )
        h = _hessian(fun_grad, x)
        polished = False
        for _ in range(4):  # Newton polish: quadratic convergence near the optimum
            if np.max(np.abs(g)) < 1e-11:
                break
            try:
                step = np.linalg.solve(h, g)
            except np.linalg.LinAlgError:
                break
            if not np.all(np.isfinite(step)) or np.max(np.abs(step)) > 0.5:
                break
            f_new, g_new = fun_grad(x - step)
            if not (np.isfinite(f_new) and f_new <= f + 1e-13 * max(1.0, abs(f))):
                break
            x, f, g = x - step, f_new, g_new
            polished = True
        if polished:
            h = _hessian(fun_grad, x)
        try:
            eig = np.linalg.eigvalsh(h)
        except np.linalg.LinAlgError:
            eig = np.array([np.nan])
    if not np.all(np.isfinite(eig)) or eig.min() <= 0:
        raise KamModelError(
            f"{model} did not converge: the fit stopped at a point that is not a maximum of the "
            f"likelihood (it is flat or bends the wrong way in some direction; the optimiser said: "
            f"{message}). {advice}",
            at=x,
        )
    if np.max(np.abs(g)) > 1e-5:
        raise KamModelError(
            f"{model} did not converge after {n_iter} iterations ({message}; largest gradient "
            f"{np.max(np.abs(g)):.2g}). {advice}",
            at=x,
        )
    return _FitResult(x, float(f), int(n_iter), h)


def _hessian(fun_grad, x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    k = len(x)
    h = np.empty((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = eps
        h[i] = (fun_grad(x + e)[1] - fun_grad(x - e)[1]) / (2 * eps)
    return (h + h.T) / 2


def _summary_table(names: list[str], fit: _FitResult, n: float, scale: np.ndarray) -> pd.DataFrame:
    """Estimates with standard errors (delta method) and 95 % intervals computed on the log scale."""
    cov_log = np.linalg.inv(fit.hessian * n)
    se_log = np.sqrt(np.clip(np.diag(cov_log), 0, None))
    est = np.exp(fit.log_params) * scale
    return pd.DataFrame(
        {
            "estimate": est,
            "std_error": est * se_log,
            "lower_95": est * np.exp(-1.96 * se_log),
            "upper_95": est * np.exp(1.96 * se_log),
        },
        index=pd.Index(names, name="parameter"),
    )


def _as_array(values, name: str) -> np.ndarray:
    try:
        a = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise KamModelError(f"{name} must be numbers") from None
    return a


def _problem(mask: np.ndarray, index, what: str, why: str = "") -> str:
    k = int(mask.sum())
    first = list(pd.Index(index)[mask][:3])
    text = f"{k} customer{'s' if k != 1 else ''} {what} (e.g. {', '.join(map(str, first))})"
    return f"{text}: {why}" if why else text


# =========================================================================== sBG


class ShiftedBetaGeometric:
    """Shifted-beta-geometric retention model (Fader & Hardie 2007).

    Every account has its own yearly churn probability θ, constant over time; θ varies across accounts as
    Beta(α, β). Then P(T = t) = B(α+1, β+t−1)/B(α, β) is the probability of leaving in year t and
    S(t) = B(α, β+t)/B(α, β) of still being a customer after t years. Because the accounts most likely to
    leave leave first, the retention rate of the survivors rises: r_t = (β+t−1)/(α+β+t−1).

    ``fit`` takes survival counts: one cohort (a sequence starting with the cohort size at t = 0) or a
    DataFrame/2-D array with one cohort per row and NaN where a cohort is not yet observed.

    Attributes
    ----------
    params_ : Series
        ``alpha`` and ``beta``.
    log_likelihood_ : float
        Log-likelihood at the estimate.
    n_cohorts_, n_periods_, n_accounts_, n_lost_ : int
        What the fit saw.

    Examples
    --------
    >>> m = ShiftedBetaGeometric().fit([1000, 869, 743, 653, 593, 551, 517, 491])
    >>> round(m.log_likelihood_, 1)
    -1611.2
    >>> round(float(m.retention_rate(1)), 3)   # beta / (alpha + beta)
    0.851
    """

    def __init__(self) -> None:
        self.params_: pd.Series | None = None

    # ----------------------------------------------------------------- fitting
    @staticmethod
    def _prepare(survivors) -> np.ndarray:
        if isinstance(survivors, pd.Series):
            survivors = survivors.to_numpy(dtype=float)
        s = np.asarray(
            survivors.to_numpy(dtype=float) if isinstance(survivors, pd.DataFrame) else survivors, dtype=float
        )
        if s.ndim == 1:
            s = s[None, :]
        if s.ndim != 2 or s.size == 0:
            raise KamModelError("sBG: survivors must be one cohort (a sequence) or a table with one cohort per row")
        for i, row in enumerate(s):
            obs = row[~np.isnan(row)]
            if len(obs) and np.isnan(row[: len(obs)]).any():
                raise KamModelError(f"sBG: cohort {i} has a gap; NaN may only follow the last observed year")
            if len(obs) and not np.isfinite(obs).all():
                raise KamModelError(f"sBG: cohort {i} holds an infinite count")
            if len(obs) and (obs < 0).any():
                raise KamModelError(f"sBG: cohort {i} holds a negative count")
            if len(obs) and (np.diff(obs) > 1e-9).any():
                raise KamModelError(
                    f"sBG: cohort {i} grows over time ({', '.join(f'{v:g}' for v in obs)}); survival "
                    "counts can only stay or fall (count each cohort's own accounts, not new ones)"
                )
        return s

    def fit(self, survivors) -> ShiftedBetaGeometric:
        """Fit α and β by maximum likelihood (Fader & Hardie 2007, eq. B3, summed over cohorts).

        LL = Σ_cohorts [ Σ_{t=1..n_c} (S_{t−1} − S_t)·ln P(T = t) + S_{n_c}·ln S(n_c) ].
        """
        s = self._prepare(survivors)
        width = s.shape[1]
        lost = np.zeros(width)  # lost[t]: accounts leaving in year t (t >= 1)
        alive_end = np.zeros(width)  # alive_end[t]: accounts still there when their cohort's observation ends at t
        n_accounts = 0.0
        for row in s:
            obs = row[~np.isnan(row)]
            if len(obs) < 2 or obs[0] <= 0:
                continue  # a cohort seen only at t = 0 carries no information
            lost[1 : len(obs)] += -np.diff(obs)
            alive_end[len(obs) - 1] += obs[-1]
            n_accounts += obs[0]
        if n_accounts <= 0:
            raise KamModelError("sBG: no cohort is observed for at least one year after it started; nothing to fit")
        if lost.sum() <= 0:
            raise KamModelError(
                "sBG: no account was lost in the data, so churn cannot be estimated (the fit would "
                "put it at zero). Use a retention parameter instead, or wait for more history."
            )
        if alive_end.sum() <= 0:
            raise KamModelError("sBG: every account was lost; retention cannot be estimated")
        t = np.arange(width, dtype=float)
        use_lost = np.nonzero(lost > 0)[0]
        use_alive = np.nonzero(alive_end > 0)[0]
        tl, wl = t[use_lost], lost[use_lost]
        ta, wa = t[use_alive], alive_end[use_alive]
        n = n_accounts

        def fun_grad(theta):
            a, b = np.exp(theta)
            base = special.betaln(a, b)
            lp = special.betaln(a + 1.0, b + tl - 1.0) - base
            ls = special.betaln(a, b + ta) - base
            ll = wl @ lp + wa @ ls
            psi_a, psi_b, psi_ab = special.digamma([a, b, a + b])
            dlp_a = special.digamma(a + 1.0) - special.digamma(a + b + tl) - psi_a + psi_ab
            dlp_b = special.digamma(b + tl - 1.0) - special.digamma(a + b + tl) - psi_b + psi_ab
            dls_a = psi_ab - special.digamma(a + b + ta)
            dls_b = special.digamma(b + ta) - special.digamma(a + b + ta) - psi_b + psi_ab
            ga = wl @ dlp_a + wa @ dls_a
            gb = wl @ dlp_b + wa @ dls_b
            return -ll / n, -np.array([ga * a, gb * b]) / n

        advice = (
            "Typical causes: too few periods or too few lost accounts to tell the spread of churn rates from its "
            "mean, or survival counts that fall at a constant rate (then a constant retention r is the better "
            "model). Use the pooled retention instead."
        )
        fit = _maximise(fun_grad, np.zeros(2), ["alpha", "beta"], "sBG", advice)
        self.params_ = pd.Series(np.exp(fit.log_params), index=["alpha", "beta"], name="sBG")
        self.log_likelihood_ = float(-fit.fun * n)
        self.n_cohorts_ = int(sum(1 for row in s if (~np.isnan(row)).sum() >= 2))
        self.n_periods_ = int(width - 1)
        self.n_accounts_ = int(round(n))
        self.n_lost_ = int(round(lost.sum()))
        self.n_iter_ = fit.n_iter
        self._summary = _summary_table(["alpha", "beta"], fit, n, np.ones(2))
        return self

    # ----------------------------------------------------------------- results
    def _ab(self) -> tuple[float, float]:
        if self.params_ is None:
            raise KamModelError("sBG: call fit() first")
        return float(self.params_["alpha"]), float(self.params_["beta"])

    @property
    def summary(self) -> pd.DataFrame:
        """Estimates, standard errors and 95 % intervals of α and β, and the mean churn α/(α+β)."""
        self._ab()
        return self._summary.copy()

    def churn_probability(self, t):
        """P(T = t): probability that a new account leaves in year t (t >= 1)."""
        a, b = self._ab()
        t = np.asarray(t, dtype=float)
        return np.exp(special.betaln(a + 1.0, b + t - 1.0) - special.betaln(a, b))

    def survival(self, t):
        """S(t) = B(α, β+t)/B(α, β): probability that a new account is still a customer after t years."""
        a, b = self._ab()
        t = np.asarray(t, dtype=float)
        return np.exp(special.betaln(a, b + t) - special.betaln(a, b))

    def retention_rate(self, t):
        """r_t = S(t)/S(t−1) = (β+t−1)/(α+β+t−1): share of year-(t−1) survivors who stay in year t."""
        a, b = self._ab()
        t = np.asarray(t, dtype=float)
        return (b + t - 1.0) / (a + b + t - 1.0)

    def project(self, periods: int, *, cohort_size: float = 1.0) -> pd.DataFrame:
        """Survival, expected survivors and retention for t = 0..periods."""
        t = np.arange(periods + 1)
        surv = self.survival(t)
        ret = np.concatenate([[np.nan], self.retention_rate(t[1:])])
        return pd.DataFrame(
            {"survival": surv, "expected_survivors": surv * cohort_size, "retention": ret}, index=pd.Index(t, name="t")
        )

    def derl(self, discount_rate: float, *, tenure=0):
        """Discounted expected residual lifetime (Fader & Hardie 2010) of an account that has stayed ``tenure`` years.

        DERL = Σ_{k>=0} S(tenure+1+k)/S(tenure) / (1+d)^k
             = (β+n−1)/(α+β+n−1) · 2F1(1, β+n; α+β+n; 1/(1+d)) with n = tenure + 1 (F&H's n−1 renewals).

        The first future renewal counts undiscounted (payment at the start of the year). For the margin
        at the end of the year, as in m·r/(1+d−r), use :meth:`residual_clv` (= m · DERL/(1+d)).
        """
        check_parameters(discount_rate=discount_rate)
        if float(discount_rate) <= 0:
            raise KamParameterError(
                "discount_rate",
                "the DERL needs a discount rate above 0 (the sum is infinite otherwise when retention approaches 1)",
            )
        a, b = self._ab()
        n = np.asarray(tenure, dtype=float) + 1.0
        z = 1.0 / (1.0 + float(discount_rate))
        with np.errstate(all="ignore"):
            value = np.asarray(
                (b + n - 1.0) / (a + b + n - 1.0) * special.hyp2f1(1.0, b + n, a + b + n, z), dtype=float
            )
        bad = ~np.isfinite(value)
        if bad.any():  # very large alpha, beta: sum the series itself (term ratio (b+n+k)/(a+b+n+k) * z)
            nb = np.broadcast_to(n, value.shape)[bad]
            k = np.arange(0, int(np.ceil(40.0 / np.log1p(float(discount_rate)))) + 1, dtype=float)
            log_terms = np.cumsum(
                np.log((b + nb[:, None] - 1.0 + k) / (a + b + nb[:, None] - 1.0 + k)) + np.log(z), axis=1
            )
            value = value.copy()
            value[bad] = np.exp(log_terms).sum(axis=1) / z
        return value if value.ndim else float(value)

    def residual_clv(self, margin, discount_rate: float, *, tenure=0, horizon: int | None = None):
        """Residual CLV of an account that has stayed ``tenure`` years: margin m at the end of each future year.

        Without a horizon: m · DERL/(1+d) = m · Σ_{k>=1} S(tenure+k)/S(tenure)/(1+d)^k; with ``horizon=T`` the
        sum stops at k = T. With a constant retention r this is m·r/(1+d−r); with the sBG it rewards tenure,
        because long-standing accounts are the ones least likely to leave.
        """
        check_parameters(discount_rate=discount_rate, horizon=horizon)
        tenure_arr = np.asarray(tenure, dtype=float)
        if horizon is None:
            factor = self.derl(discount_rate, tenure=tenure_arr) / (1.0 + float(discount_rate))
        else:
            a, b = self._ab()
            k = np.arange(1, int(horizon) + 1, dtype=float)
            tt = tenure_arr[..., None]
            log_ratio = special.betaln(a, b + tt + k) - special.betaln(a, b + tt)
            factor = np.sum(np.exp(log_ratio) / (1.0 + float(discount_rate)) ** k, axis=-1)
        value = np.asarray(margin, dtype=float) * factor
        return _like(margin, value, "clv_eur")

    def describe(self, lang: str = "en") -> str:
        """The fitted model in one sentence in ``lang``: α, β, the mean yearly churn α/(α+β) and the data."""
        a, b = self._ab()
        return text(
            "sbg_fitted",
            lang,
            alpha=a,
            beta=b,
            churn=a / (a + b),
            accounts=self.n_accounts_,
            cohorts=self.n_cohorts_,
            periods=self.n_periods_,
            lost=self.n_lost_,
        )

    def __repr__(self) -> str:
        if self.params_ is None:
            return "ShiftedBetaGeometric(not fitted)"
        a, b = self._ab()
        return (
            f"ShiftedBetaGeometric(alpha={a:.4g}, beta={b:.4g}, mean churn={a / (a + b):.3f}, "
            f"cohorts={self.n_cohorts_}, periods={self.n_periods_}, accounts={self.n_accounts_:,}, "
            f"lost={self.n_lost_:,}, log_likelihood={self.log_likelihood_:,.2f})"
        )


def sbg_adequacy(
    survival: pd.DataFrame, *, min_periods: int = 3, min_accounts: int = 100, min_lost: int = 20
) -> tuple[bool, str]:
    """Is the history rich enough for the sBG to say more than a constant retention?

    The sBG separates the *spread* of churn rates across accounts from their mean by how fast retention
    rises among survivors. That needs several consecutive years of the same cohort, enough accounts and
    enough losses. Our rule of thumb (not from the paper): at least ``min_periods`` years after the
    start of a cohort, ``min_accounts`` accounts in cohorts seen for a year or more, and ``min_lost``
    losses. Returns (adequate, reason): the reason is a :class:`Message` (English text; ``.text(lang)``).
    """
    if survival is None or survival.empty:
        return False, Message("adequacy_none")
    s = survival.to_numpy(dtype=float)
    periods = int(max(((~np.isnan(row)).sum() - 1) for row in s))
    counts = [row[~np.isnan(row)] for row in s]
    accounts = int(sum(c[0] for c in counts if len(c) >= 2))
    lost = int(sum(c[0] - c[-1] for c in counts if len(c) >= 2))
    facts = Message(
        "adequacy_facts" if periods != 1 else "adequacy_facts_one", periods=periods, accounts=accounts, lost=lost
    )
    missing = []
    if periods < min_periods:
        missing.append(Message("need_years", n=min_periods))
    if accounts < min_accounts:
        missing.append(Message("need_accounts", n=min_accounts))
    if lost < min_lost:
        missing.append(Message("need_lost", n=min_lost))
    if missing:
        return False, Message("adequacy_short", facts=facts, missing=missing)
    return True, Message("adequacy_ok", facts=facts)


def sbg_verdict(adequate: bool, reason: str, *, lang: str = "en") -> str:
    """'Enough history: …' or 'Not enough history: …' with the reason of :func:`sbg_adequacy`, in ``lang``."""
    return text("history_enough" if adequate else "history_short", lang, reason=say(reason, lang))


def sbg_decision(retention: float, source: str, *, lang: str = "en") -> str:
    """Why the CLV keeps one retention for all accounts when the history is too short for the sBG."""
    kind = i18n.pick(i18n.table("clv.retention_kinds")[retention_kind(source)], lang)
    return text("sbg_decision", lang, kind=kind, r=float(retention))


#: Cohort survival of Fader & Hardie (2007), two cohorts of 1,000 customers each, years 0-12; the paper fits
#: years 1-7 and keeps 8-12 to check the projection.
FADER_HARDIE_2007: dict[str, list[int]] = {
    "regular": [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173],
    "high_end": [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394],
}
#: (alpha, beta) as published in the paper for the two cohorts.
FADER_HARDIE_PUBLISHED: dict[str, tuple[float, float]] = {"regular": (0.704, 1.182), "high_end": (0.668, 3.806)}


def segment_label(segment: str, lang: str = "en") -> str:
    """'regular' / 'high end' (the cohorts of Fader & Hardie 2007) in ``lang``."""
    return i18n.pick(i18n.table("clv.values")[segment], lang)


def fit_published_example(*, fit_periods: int = 7) -> dict[str, ShiftedBetaGeometric]:
    """The sBG fitted to each cohort of :data:`FADER_HARDIE_2007` on years 1..``fit_periods``."""
    return {seg: ShiftedBetaGeometric().fit(counts[: fit_periods + 1]) for seg, counts in FADER_HARDIE_2007.items()}


def published_sentence(*, lang: str = "en") -> str:
    """The published estimates of Fader & Hardie (2007), to compare with the fit.

    Examples
    --------
    >>> published_sentence()
    'Published (Fader & Hardie 2007): regular alpha 0.704, beta 1.182; high end alpha 0.668, beta 3.806'
    """
    parts = [
        text("published_segment", lang, segment=segment_label(seg, lang), alpha=a, beta=b)
        for seg, (a, b) in FADER_HARDIE_PUBLISHED.items()
    ]
    return text("published_sbg", lang, segments="; ".join(parts))


def holdout_table(models: dict, *, fit_periods: int = 7, lang: str = "en") -> pd.DataFrame:
    """Held-out years of :data:`FADER_HARDIE_2007` against the sBG projection (of 1,000) and its r_t, in ``lang``.

    ``models`` is :func:`fit_published_example`. Counts and projections are whole customers, r_t has 3 decimals.
    """
    years = np.arange(fit_periods + 1, len(next(iter(FADER_HARDIE_2007.values()))))
    cols: dict[str, list[str]] = {}
    for seg, model in models.items():
        name = segment_label(seg, lang)
        actual = FADER_HARDIE_2007[seg][fit_periods + 1 :]
        cols[text("holdout_actual", lang, segment=name)] = [i18n.number(v, lang, 0) for v in actual]
        cols[text("holdout_projected", lang, segment=name)] = [
            i18n.number(v, lang, 0) for v in 1000 * model.survival(years)
        ]
    for seg, model in models.items():
        cols[text("holdout_retention", lang, segment=segment_label(seg, lang))] = [
            i18n.number(v, lang, 3) for v in model.retention_rate(years)
        ]
    return pd.DataFrame(cols, index=pd.Index(years, name=label("year", lang)))


def survival_view(survival: pd.DataFrame, *, lang: str = "en") -> pd.DataFrame:
    """:func:`survival_table` as a report shows it: cohort names and headers in ``lang``, counts as whole numbers."""
    existing = i18n.pick(i18n.table("clv.values")["existing"], lang)
    out = survival.copy()
    out.index = pd.Index(
        [str(c).replace(" (existing)", f" ({existing})") for c in survival.index], name=i18n.code_label("cohort", lang)
    )
    out = out.apply(lambda col: col.map(lambda v: "–" if pd.isna(v) else i18n.number(float(v), lang, 0)))
    out.columns = pd.Index(list(survival.columns), name=i18n.pick(i18n.table("clv.columns")["years_since_start"], lang))
    out.attrs.update(caption=i18n.pick(i18n.table("tables.captions")["survival"], lang), lang=lang)
    return out


# =========================================================================== non-contractual: RFM summary


def rfm_summary(
    orders: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp,
    time_unit: str = "W",
    value: str = "net",
    customer: str = "account_id",
) -> pd.DataFrame:
    """Frequency, recency, age and spend per customer from order lines -- the input of BG/NBD and Gamma-Gamma.

    Orders on the same day count as one purchase. ``frequency`` = purchase days − 1 (repeat purchases);
    ``recency`` = time from the first to the last purchase; ``T`` = time from the first purchase to
    ``as_of``; both in ``time_unit`` (D, W, M or Y). ``monetary_value`` = mean value of the *repeat*
    purchase days (NaN for customers without a repeat purchase), with ``value`` one of ``"gross"``,
    ``"net"`` (gross − discount) or ``"db1"`` (net − cost of goods).
    """
    unit = TIME_UNITS[_check_time_unit(time_unit)]
    if value not in ("gross", "net", "db1"):
        raise KamParameterError("value", f"must be 'gross', 'net' or 'db1', not {value!r}")
    as_of_ts = pd.Timestamp(as_of)
    dates = orders["date"]
    if getattr(dates.dt, "tz", None) is not None:  # time-zone aware: the local calendar day counts
        dates = dates.dt.tz_localize(None)
    if as_of_ts.tzinfo is not None:
        as_of_ts = as_of_ts.tz_localize(None)
    keep = (dates <= as_of_ts).to_numpy().copy()
    v = orders["gross_revenue_eur"].to_numpy(dtype=float)
    if value in ("net", "db1") and "discount_eur" in orders:
        v = v - orders["discount_eur"].fillna(0.0).to_numpy(dtype=float)
    if value == "db1" and "cogs_eur" in orders:
        v = v - orders["cogs_eur"].fillna(0.0).to_numpy(dtype=float)
    # integer codes for customer and day: grouping 10 million order lines by two integers is several
    # times faster than by text and timestamps, and never copies the other columns
    code, names = pd.factorize(orders[customer])
    day = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    keep &= code >= 0
    # one sort by (customer, day), then sums over runs: almost every order line is a purchase day of its
    # own in large data, where hashing ten million keys is slower than sorting them
    code, day, v = code[keep].astype(np.int64), day[keep], v[keep]
    d0 = int(day.min()) if len(day) else 0
    span = int(day.max()) - d0 + 1 if len(day) else 1
    key = code * span + (day - d0)
    order = np.argsort(key, kind="stable")
    key, v = key[order], v[order]
    run = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.array([], dtype=np.int64)
    daily_v = np.add.reduceat(v, run) if len(run) else np.array([], dtype=float)
    c, d = key[run] // span, key[run] % span + d0
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]]) if len(c) else np.array([], dtype=np.int64)
    ends = (np.r_[starts[1:], len(c)] - 1)[: len(starts)]
    days = ends - starts + 1
    total = np.add.reduceat(daily_v, starts) if len(starts) else np.array([], dtype=float)
    first_d, last_d = d[starts], d[ends]
    freq = (days - 1).astype(int)
    index = pd.Index(names.take(c[starts]).tolist(), name=customer)  # dtype inferred as groupby would
    stamp = dates.dtype if isinstance(dates.dtype, np.dtype) else np.dtype("datetime64[ns]")
    as_of_day = np.int64(np.datetime64(as_of_ts.normalize().date(), "D").astype(np.int64))
    with np.errstate(divide="ignore", invalid="ignore"):
        monetary = np.where(freq > 0, (total - daily_v[starts]) / np.maximum(freq, 1), np.nan)
    out = pd.DataFrame(
        {
            "frequency": freq,
            "recency": (last_d - first_d) / unit,
            "T": (as_of_day - first_d) / unit,
            "monetary_value": monetary.astype(float),
            "first_purchase": first_d.astype("datetime64[D]").astype(stamp),
            "last_purchase": last_d.astype("datetime64[D]").astype(stamp),
        },
        index=index,
    )
    return out.sort_index()


# =========================================================================== BG/NBD


def _check_rfm(frequency, recency, T, index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, tx, t = _as_array(frequency, "frequency"), _as_array(recency, "recency"), _as_array(T, "T")
    if not (len(x) == len(tx) == len(t)):
        raise KamModelError(f"frequency, recency and T must have the same length ({len(x)}, {len(tx)}, {len(t)})")
    if len(x) == 0:
        raise KamModelError("no customers: the data are empty")
    problems = []
    bad = ~(np.isfinite(x) & np.isfinite(tx) & np.isfinite(t))
    if bad.any():
        problems.append(_problem(bad, index, "with a missing or infinite value"))
    ok = ~bad
    checks = [
        ((x < 0) | (x != np.round(x)), "with a frequency that is not a whole number of 0 or more", ""),
        ((tx < 0) | (t < 0), "with a negative recency or T", ""),
        (tx > t * (1 + 1e-9) + 1e-12, "with recency larger than T", "a purchase after the end of the observation"),
        (
            (x > 0) & (tx == 0),
            "with repeat purchases but recency 0",
            "aggregate purchases per day (rfm_summary) or check the time unit",
        ),
        (
            (x == 0) & (tx > 0),
            "with recency above 0 but no repeat purchase",
            "recency is the time from the first to the last purchase",
        ),
    ]
    for mask, what, why in checks:
        m = ok & mask
        if m.any():
            problems.append(_problem(m, index, what, why))
    if problems:
        raise KamModelError("impossible input: " + "; ".join(problems))
    if not (x > 0).any():
        raise KamModelError("no customer made a repeat purchase; the BG/NBD cannot be fitted (frequency is 0 for all)")
    return x, tx, t


def _index_of(*values, n: int):
    for v in values:
        if isinstance(v, (pd.Series, pd.DataFrame)):
            return v.index
    return pd.RangeIndex(n)


class _Fitted:
    """What the fitted models share: ``params_`` (None before :meth:`fit`) and their summary table."""

    _model = "model"
    params_: pd.Series | None
    _summary: pd.DataFrame

    def _p(self) -> tuple[float, ...]:
        if self.params_ is None:
            raise KamModelError(f"{self._model}: call fit() first")
        return tuple(float(v) for v in self.params_)

    @property
    def summary(self) -> pd.DataFrame:
        """Estimates, standard errors and 95 % intervals of the parameters (a rate per ``time_unit`` where the
        model has one)."""
        self._p()
        return self._summary.copy()


class BetaGeo(_Fitted):
    """BG/NBD model of non-contractual repeat buying (Fader, Hardie & Lee 2005).

    While alive, a customer buys at rate λ (Poisson); λ varies across customers as Gamma(r, α). After
    each repeat purchase the customer drops out with probability p; p varies as Beta(a, b).

    Parameters
    ----------
    time_unit
        Unit of recency, T and of every time argument: ``"D"`` days, ``"W"`` weeks, ``"M"`` months, ``"Y"``
        years. α is a rate per this unit. Stated explicitly because a fit in days and a fit in weeks give
        different α and different predictions for the same ``t``.
    penalizer
        L2 penalty on the log-parameters (0: plain maximum likelihood). A small value (0.001-0.01) keeps
        parameters finite when the data do not pin them down.

    Examples
    --------
    >>> history = simulate_bgnbd(2000, r=0.25, alpha=4.0, a=0.8, b=2.5, T=39.0, seed=0)
    >>> bg = BetaGeo(time_unit="W").fit(history)   # columns frequency, recency, T
    >>> bg.params_.index.tolist()
    ['r', 'alpha', 'a', 'b']
    >>> bool(0.2 < bg.params_["r"] < 0.3)
    True
    """

    _model = "BG/NBD"

    def __init__(self, *, time_unit: str = "W", penalizer: float = 0.0) -> None:
        self.time_unit = _check_time_unit(time_unit)
        if not (penalizer >= 0 and math.isfinite(penalizer)):
            raise KamParameterError("penalizer", "must be 0 or more")
        self.penalizer = float(penalizer)
        self.params_: pd.Series | None = None

    @staticmethod
    def _columns(frequency, recency, T):
        if isinstance(frequency, pd.DataFrame):
            df = frequency
            names = {"frequency": ("frequency", "x"), "recency": ("recency", "t_x"), "T": ("T",)}
            cols = {}
            for k, options in names.items():
                found = next((c for c in options if c in df.columns), None)
                if found is None:
                    raise KamModelError(f"the summary table needs a column {' or '.join(options)}")
                cols[k] = df[found]
            return cols["frequency"], cols["recency"], cols["T"]
        if recency is None or T is None:
            raise KamModelError("pass frequency, recency and T, or one summary DataFrame with these columns")
        return frequency, recency, T

    def fit(self, frequency, recency=None, T=None, *, weights=None) -> BetaGeo:
        """Maximum-likelihood fit of r, α, a, b.

        Parameters
        ----------
        frequency, recency, T
            Repeat purchases x, time of the last purchase t_x and age T (in ``time_unit``); or one DataFrame
            with columns frequency/recency/T (or x/t_x/T) as the first argument.
        weights
            Optional number of customers per row (for data already grouped into identical histories).
        """
        frequency, recency, T = self._columns(frequency, recency, T)
        index = _index_of(frequency, recency, T, n=len(np.atleast_1d(frequency)))
        x, tx, t = _check_rfm(frequency, recency, T, index)
        w = None if weights is None else _as_array(weights, "weights")
        if w is not None and (len(w) != len(x) or (w < 0).any() or not np.isfinite(w).all()):
            raise KamModelError("weights must be finite, 0 or more, one per customer")
        W = float(len(x) if w is None else w.sum())
        scale = 10.0 / float(t.max()) if t.max() > 0 else 1.0  # times of order 1-10 condition the optimiser
        objective = _BGNBDObjective(x, tx * scale, t * scale, w, self.penalizer)
        advice = (
            "What to try: check the time unit (a fit in days on a few years of data has tiny rates; weeks are "
            "usual), remove customers with implausible frequencies (bulk or test accounts), use more customers, "
            "or set a small penalizer (e.g. BetaGeo(penalizer=0.001))."
        )

        def collapsed(at: np.ndarray) -> KamModelError:
            a, b = np.exp(at[2:])
            return KamModelError(
                f"BG/NBD did not converge: a and b grow without limit together (a = {a:.3g}, b = {b:.3g}). The data "
                f"look as if every customer had the same dropout probability p = a/(a+b) = {a / (a + b):.2%} after a "
                "purchase, so the spread of p across customers cannot be estimated. What to try: a small penalizer "
                "(BetaGeo(penalizer=0.001), see fit_bgnbd), more customers with dropouts, or a longer history.",
                at=at,
            )

        try:
            fit = _maximise(objective, np.zeros(4), ["r", "alpha", "a", "b"], "BG/NBD", advice)
        except KamModelError as exc:
            if exc.at is not None and min(exc.at[2], exc.at[3]) > 6.0:
                raise collapsed(exc.at) from None
            raise
        # a Beta(a, b) with both parameters in the ten thousands has collapsed to a single p: the likelihood is
        # flat along a + b, so "converged" values of a and b would be arbitrary
        if min(fit.log_params[2], fit.log_params[3]) > np.log(1e4):
            raise collapsed(fit.log_params)
        p = np.exp(fit.log_params)
        p[1] /= scale
        self.params_ = pd.Series(p, index=["r", "alpha", "a", "b"], name="BG/NBD")
        self.log_likelihood_ = float(_BGNBDObjective(x, tx, t, w, 0.0).log_likelihood(p))
        self.n_customers_ = int(len(x))
        self.n_iter_ = fit.n_iter
        self._summary = _summary_table(["r", "alpha", "a", "b"], fit, W, np.array([1.0, 1.0 / scale, 1.0, 1.0]))
        return self

    def log_likelihood(self, frequency, recency, T) -> np.ndarray:
        """Log-likelihood of each customer's history at the fitted parameters."""
        x, tx, t = _check_rfm(frequency, recency, T, _index_of(frequency, recency, T, n=len(np.atleast_1d(frequency))))
        return _BGNBDObjective(x, tx, t, None, 0.0).per_customer(np.array(self._p()))

    def probability_alive(self, frequency, recency, T):
        """P(alive | x, t_x, T) = 1 / (1 + δ(x>0)·a/(b+x−1)·((α+T)/(α+t_x))^(r+x))."""
        r, alpha, a, b = self._p()
        x, tx, t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            log_ratio = (
                np.log(a)
                - np.log(np.where(x > 0, b + x - 1.0, 1.0))
                + (r + x) * (np.log(alpha + t) - np.log(alpha + tx))
            )
            p = np.where(x > 0, special.expit(-log_ratio), 1.0)
        return _like(frequency, p, "p_alive")

    def expected_purchases(self, t, frequency, recency, T):
        """E[X(T, T+t] | x, t_x, T]: expected repeat purchases in the next ``t`` time units (FHL 2005, eq. 10)."""
        r, alpha, a, b = self._p()
        x, tx, tt = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        t = np.asarray(t, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            z = t / (alpha + tt + t)
            c = a + b + x - 1.0
            log_h = _log_hyp2f1(r + x, b + x, c, z)
            second = -np.expm1(log_h + (r + x) * (np.log(alpha + tt) - np.log(alpha + tt + t)))
            first = c / (a - 1.0)
            log_ratio = (
                np.log(a)
                - np.log(np.where(x > 0, b + x - 1.0, 1.0))
                + (r + x) * (np.log(alpha + tt) - np.log(alpha + tx))
            )
            denom = 1.0 + np.where(x > 0, np.exp(log_ratio), 0.0)
            out = first * second / denom
        return _like(frequency, np.where(t > 0, out, 0.0), "expected_purchases")

    def expected_purchases_new(self, t):
        """E[X(t)]: expected repeat purchases of a new customer in its first ``t`` time units (FHL 2005, eq. 9)."""
        r, alpha, a, b = self._p()
        t = np.asarray(t, dtype=float)
        z = t / (alpha + t)
        log_h = _log_hyp2f1(r, b, a + b - 1.0, z)
        return (a + b - 1.0) / (a - 1.0) * -np.expm1(r * np.log(alpha / (alpha + t)) + log_h)

    def __repr__(self) -> str:
        if self.params_ is None:
            return f"BetaGeo(time_unit={self.time_unit!r}, not fitted)"
        r, alpha, a, b = self._p()
        return (
            f"BetaGeo(time_unit={self.time_unit!r}, r={r:.4g}, alpha={alpha:.4g}, a={a:.4g}, b={b:.4g}, "
            f"customers={self.n_customers_:,}, log_likelihood={self.log_likelihood_:,.2f})"
        )


def _log_hyp2f1(a, b, c, z):
    """ln 2F1(a, b; c; z) for 0 <= z < 1, switching to Euler's transformation where the series overflows."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        direct = np.log(special.hyp2f1(a, b, c, z))
        euler = (c - a - b) * np.log1p(-z) + np.log(special.hyp2f1(c - a, c - b, c, z))
    return np.where(np.isfinite(direct), direct, euler)


class _BGNBDObjective:
    """Mean negative log-likelihood of the BG/NBD and its analytic gradient w.r.t. the log-parameters.

    Terms that depend on a customer only through x (gammaln, digamma) are evaluated once per distinct x.
    """

    def __init__(self, x, tx, t, w, penalizer: float):
        self.w = w
        self.W = float(len(x) if w is None else w.sum())
        self.penalizer = penalizer
        ux, inv = np.unique(x, return_inverse=True)
        self.ux = ux
        self.wx = np.bincount(inv, weights=w, minlength=len(ux)).astype(float)
        pos = x > 0
        self.pos = pos
        self.t0 = t[~pos]
        self.w0 = None if w is None else w[~pos]
        self.xp = x[pos]
        self.txp = tx[pos]
        self.tp = t[pos]
        self.wp = None if w is None else w[pos]
        uxp, invp = np.unique(self.xp, return_inverse=True)
        self.uxp, self.invp = uxp, invp
        self.x_all, self.tx_all, self.t_all = x, tx, t

    def _sum(self, v, w):
        return float(v.sum()) if w is None else float(w @ v)

    def __call__(self, theta):
        r, alpha, a, b = np.exp(theta)
        ux, wx = self.ux, self.wx
        # parts that depend on x only
        g_x = (
            special.gammaln(r + ux)
            - special.gammaln(r)
            + special.gammaln(a + b)
            + special.gammaln(b + ux)
            - special.gammaln(b)
            - special.gammaln(a + b + ux)
        )
        ll = wx @ g_x + self.W * r * np.log(alpha)
        d_r = wx @ (special.digamma(r + ux) - special.digamma(r)) + self.W * np.log(alpha)
        psi_ab = special.digamma(a + b)
        d_a = wx @ (psi_ab - special.digamma(a + b + ux))
        d_b = wx @ (psi_ab + special.digamma(b + ux) - special.digamma(b) - special.digamma(a + b + ux))
        d_alpha = self.W * r / alpha
        # customers without repeat purchases: -r ln(alpha + T)
        l0 = np.log(alpha + self.t0)
        ll -= r * self._sum(l0, self.w0)
        d_r -= self._sum(l0, self.w0)
        d_alpha -= r * self._sum(1.0 / (alpha + self.t0), self.w0)
        # repeat buyers: logaddexp(A3, A4)
        xp = self.xp
        rx = r + xp
        l3 = np.log(alpha + self.tp)
        l4 = np.log(alpha + self.txp)
        lbx = np.log(b + self.uxp - 1.0)[self.invp]
        a3 = -rx * l3
        a4 = np.log(a) - lbx - rx * l4
        ll += self._sum(np.logaddexp(a3, a4), self.wp)
        w4 = special.expit(a4 - a3)
        w3 = 1.0 - w4
        d_r -= self._sum(w3 * l3 + w4 * l4, self.wp)
        d_alpha -= self._sum(rx * (w3 / (alpha + self.tp) + w4 / (alpha + self.txp)), self.wp)
        d_a += self._sum(w4, self.wp) / a
        d_b -= self._sum(w4 / np.exp(lbx), self.wp)
        grad = np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
        f = -ll / self.W
        g = -grad / self.W
        if self.penalizer:
            f += self.penalizer * float(theta @ theta)
            g = g + 2.0 * self.penalizer * theta
        return f, g

    def per_customer(self, p) -> np.ndarray:
        r, alpha, a, b = p
        x, tx, t = self.x_all, self.tx_all, self.t_all
        a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
        a2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
        a3 = -(r + x) * np.log(alpha + t)
        with np.errstate(divide="ignore", invalid="ignore"):
            a4 = np.log(a) - np.log(np.where(x > 0, b + x - 1.0, 1.0)) - (r + x) * np.log(alpha + tx)
        return a1 + a2 + np.where(x > 0, np.logaddexp(a3, a4), a3)

    def log_likelihood(self, p) -> float:
        v = self.per_customer(p)
        return float(v.sum() if self.w is None else self.w @ v)


def simulate_bgnbd(n: int, *, r: float, alpha: float, a: float, b: float, T=52.0, seed: int = 0) -> pd.DataFrame:
    """Draw ``n`` customer histories (frequency, recency, T) from the BG/NBD with the given parameters.

    Seeded and vectorised: λ ~ Gamma(r, rate α), p ~ Beta(a, b); N ~ Poisson(λT) purchases would happen
    in (0, T]; the customer drops out after repeat purchase K ~ Geometric(p), so x = min(N, K), and the
    x-th of N uniform purchase times has recency T·Beta(x, N−x+1). For tests and benchmarks.
    """
    rng = np.random.default_rng(seed)
    t = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    big_n = rng.poisson(lam * t)
    k = rng.geometric(np.clip(p, 1e-12, 1.0))
    x = np.minimum(big_n, k)
    tx = np.zeros(n)
    pos = x > 0
    tx[pos] = t[pos] * rng.beta(x[pos], big_n[pos] - x[pos] + 1)
    tx = np.where(pos & (tx <= 0), np.minimum(1e-9, t), tx)
    return pd.DataFrame({"frequency": x.astype(int), "recency": tx, "T": t})


# =========================================================================== Gamma-Gamma


class GammaGamma(_Fitted):
    """Gamma-Gamma model of the spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV").

    A customer's purchases vary around her own mean spend; that mean varies across customers. Fitted on
    the repeat buyers' average spend ``monetary_value`` over ``frequency`` repeat purchases; parameters
    p, q and gamma (γ). The expected spend of a customer, E(M | x, m̄) = p(γ + x·m̄)/(p·x + q − 1), blends
    the population mean pγ/(q−1) with her own average, the more so the more she bought.

    Customers without repeat purchases (frequency 0) carry no spend information and are left out with a
    note in ``notes_``. Spend must be positive: zero or negative spend of a repeat buyer raises
    :class:`KamModelError` unless ``exclude_nonpositive=True`` (then they are left out with a note).

    Examples
    --------
    Simulated repeat buyers with p = 6, q = 4, γ = 15: the fit finds values of that size (2,000
    customers are not many for three parameters; on eight customers the likelihood is too flat to fit).

    >>> rng = np.random.default_rng(1)
    >>> x = rng.integers(1, 8, 2000)
    >>> nu = rng.gamma(4.0, 1 / 15.0, 2000)  # each customer's spend rate
    >>> gg = GammaGamma().fit(x, rng.gamma(6.0 * x, 1 / (nu * x)))  # mean of x spends
    >>> gg.params_.index.tolist(), bool(abs(gg.params_["p"] - 6) < 1.5 and abs(gg.params_["q"] - 4) < 1)
    (['p', 'q', 'gamma'], True)
    """

    _model = "Gamma-Gamma"

    def __init__(self, *, penalizer: float = 0.0, exclude_nonpositive: bool = False) -> None:
        if not (penalizer >= 0 and math.isfinite(penalizer)):
            raise KamParameterError("penalizer", "must be 0 or more")
        self.penalizer = float(penalizer)
        self.exclude_nonpositive = bool(exclude_nonpositive)
        self.params_: pd.Series | None = None
        self.notes_: list[str] = []

    def fit(self, frequency, monetary_value=None, *, weights=None) -> GammaGamma:
        """Maximum-likelihood fit of p, q, γ on the repeat buyers.

        ``frequency`` may be a summary DataFrame with columns frequency and monetary_value (or x and zbar).
        """
        if isinstance(frequency, pd.DataFrame):
            df = frequency
            fcol = next((c for c in ("frequency", "x") if c in df.columns), None)
            mcol = next((c for c in ("monetary_value", "zbar", "m") if c in df.columns), None)
            if fcol is None or mcol is None:
                raise KamModelError("the summary table needs columns frequency and monetary_value")
            frequency, monetary_value = df[fcol], df[mcol]
        if monetary_value is None:
            raise KamModelError("pass frequency and monetary_value")
        index = _index_of(frequency, monetary_value, n=len(np.atleast_1d(frequency)))
        x, m = _as_array(frequency, "frequency"), _as_array(monetary_value, "monetary_value")
        if len(x) != len(m):
            raise KamModelError(f"frequency and monetary_value must have the same length ({len(x)}, {len(m)})")
        if len(x) == 0:
            raise KamModelError("no customers: the data are empty")
        w = None if weights is None else _as_array(weights, "weights")
        notes: list[str] = []
        bad_x = ~np.isfinite(x) | (x < 0) | (x != np.round(x))
        if bad_x.any():
            raise KamModelError(
                "impossible input: "
                + _problem(bad_x, index, "with a frequency that is not a whole number of 0 or more")
            )
        repeat = x > 0
        if (~repeat).any():
            notes.append(Message("gg_no_repeat", n=int((~repeat).sum())))
        nan_m = repeat & ~np.isfinite(m)
        if nan_m.any():
            raise KamModelError(
                "impossible input: " + _problem(nan_m, index, "with repeat purchases but no monetary value")
            )
        negative = repeat & (m < 0)
        if negative.any():
            raise KamModelError(
                "impossible input: "
                + _problem(
                    negative,
                    index,
                    "with negative spend",
                    "net returns and credit notes against purchases before modelling spend",
                )
            )
        zero = repeat & (m == 0)
        if zero.any():
            if not self.exclude_nonpositive:
                raise KamModelError(
                    _problem(zero, index, "with repeat purchases worth 0") + ": the Gamma-Gamma needs "
                    "positive spend. Remove them (free deliveries, fully discounted orders) or pass "
                    "GammaGamma(exclude_nonpositive=True) to leave them out with a note"
                )
            notes.append(Message("gg_zero", n=int(zero.sum())))
        use = repeat & (m > 0)
        if use.sum() < 2:
            raise KamModelError("the Gamma-Gamma needs at least two repeat buyers with positive spend")
        xs, ms = x[use], m[use]
        ws = None if w is None else w[use]
        if len(xs) >= 3 and np.std(xs) > 0 and np.std(ms) > 0:
            corr = float(np.corrcoef(xs, ms)[0, 1])
            if abs(corr) > 0.3:
                notes.append(Message("gg_correlated", corr=corr))
        scale = float(np.mean(ms))
        objective = _GGObjective(xs, ms / scale, ws, self.penalizer)
        advice = (
            "What to try: check for extreme spend values (one huge order dominates the fit), use more repeat "
            "buyers, or set a small penalizer (e.g. GammaGamma(penalizer=0.001))."
        )
        fit = _maximise(objective, np.zeros(3), ["p", "q", "gamma"], "Gamma-Gamma", advice)
        p = np.exp(fit.log_params)
        p[2] *= scale
        self.params_ = pd.Series(p, index=["p", "q", "gamma"], name="Gamma-Gamma")
        self.log_likelihood_ = float(_GGObjective(xs, ms, ws, 0.0).log_likelihood(p))
        self.n_customers_ = int(use.sum())
        self.n_iter_ = fit.n_iter
        self.notes_ = notes
        W = float(len(xs) if ws is None else ws.sum())
        self._summary = _summary_table(["p", "q", "gamma"], fit, W, np.array([1.0, 1.0, scale]))
        if p[1] <= 1.0:
            self.notes_.append(Message("gg_q"))
        return self

    def mean_spend(self) -> float:
        """Population mean spend per purchase p·γ/(q−1)."""
        p, q, g = self._p()
        if q <= 1:
            raise KamModelError("Gamma-Gamma: q <= 1, so the mean spend is not finite")
        return p * g / (q - 1.0)

    def expected_spend(self, frequency, monetary_value):
        """E(M | x, m̄) = p(γ + x·m̄)/(p·x + q − 1); customers with x = 0 get the population mean."""
        p, q, g = self._p()
        if q <= 1:
            raise KamModelError("Gamma-Gamma: q <= 1, so expected spend is not finite; refit on more data")
        x = np.asarray(frequency, dtype=float)
        m = np.nan_to_num(np.asarray(monetary_value, dtype=float), nan=0.0)
        value = np.where(x > 0, p * (g + x * m) / (p * x + q - 1.0), p * g / (q - 1.0))
        return _like(frequency, value, "expected_spend")

    def __repr__(self) -> str:
        if self.params_ is None:
            return "GammaGamma(not fitted)"
        p, q, g = self._p()
        return (
            f"GammaGamma(p={p:.4g}, q={q:.4g}, gamma={g:.4g}, repeat buyers={self.n_customers_:,}, "
            f"log_likelihood={self.log_likelihood_:,.2f})"
        )


class _GGObjective:
    def __init__(self, x, m, w, penalizer: float):
        self.x, self.m, self.w = x, m, w
        self.W = float(len(x) if w is None else w.sum())
        self.penalizer = penalizer
        ux, inv = np.unique(x, return_inverse=True)
        self.ux = ux
        self.wx = np.bincount(inv, weights=w, minlength=len(ux)).astype(float)
        self.wxx = self.wx * ux
        self.ln_m = np.log(m)
        self.ln_x = np.log(x)
        self.s_xlnm = self._sum(x * self.ln_m)
        self.s_lnm = self._sum(self.ln_m)
        self.s_xlnx = self._sum(x * self.ln_x)
        self.xm = x * m

    def _sum(self, v):
        return float(v.sum()) if self.w is None else float(self.w @ v)

    def __call__(self, theta):
        p, q, g = np.exp(theta)
        ux, wx = self.ux, self.wx
        px = p * ux
        ll = (
            wx @ (special.gammaln(px + q) - special.gammaln(px))
            - self.W * special.gammaln(q)
            + self.W * q * np.log(g)
            + p * self.s_xlnm
            - self.s_lnm
            + p * self.s_xlnx
        )
        lxm = np.log(self.xm + g)
        x = self.x
        ll -= self._sum((p * x + q) * lxm)
        psi_pxq = special.digamma(px + q)
        d_p = self.wxx @ (psi_pxq - special.digamma(px)) + self.s_xlnm + self.s_xlnx - self._sum(x * lxm)
        d_q = wx @ psi_pxq - self.W * special.digamma(q) + self.W * np.log(g) - self._sum(lxm)
        d_g = self.W * q / g - self._sum((p * x + q) / (self.xm + g))
        f = -ll / self.W
        grad = -np.array([d_p * p, d_q * q, d_g * g]) / self.W
        if self.penalizer:
            f += self.penalizer * float(theta @ theta)
            grad = grad + 2.0 * self.penalizer * theta
        return f, grad

    def log_likelihood(self, params) -> float:
        p, q, g = params
        x, m = self.x, self.m
        v = (
            special.gammaln(p * x + q)
            - special.gammaln(p * x)
            - special.gammaln(q)
            + q * np.log(g)
            + (p * x - 1.0) * np.log(m)
            + p * x * np.log(x)
            - (p * x + q) * np.log(x * m + g)
        )
        return float(v.sum() if self.w is None else self.w @ v)


# =========================================================================== fitting helpers and expected CLV


_Model = TypeVar("_Model")


def _fit_with_penalizers(
    fit: Callable[[float], _Model], penalizers: tuple[float, ...], model: str
) -> tuple[_Model, list[str]]:
    """``fit(penalizer)`` for each penalizer in turn until one converges; every fallback in the notes
    (``<model>_failed``, ``<model>_refitted``). Raises the last :class:`KamModelError` when none converges, or at
    once for impossible input (a penalizer does not help there)."""
    notes: list[str] = []
    last: KamModelError | None = None
    for pen in penalizers:
        try:
            fitted = fit(pen)
        except KamModelError as exc:
            if exc.at is None:  # impossible input: a penalizer does not help
                raise
            last = exc
            notes.append(Message(f"{model}_failed", pen=pen, error=str(exc)))
            continue
        if pen > 0:
            notes.append(Message(f"{model}_refitted", pen=pen))
        return fitted, notes
    assert last is not None
    raise last


def fit_bgnbd(
    summary: pd.DataFrame, *, time_unit: str = "W", penalizers: tuple[float, ...] = (0.0, 0.001, 0.01)
) -> tuple[BetaGeo, list[str]]:
    """Fit the BG/NBD, first by plain maximum likelihood, then with growing penalizers if that fails.

    Returns (model, notes). Every fallback is written into ``notes`` -- never silent. Raises the last
    :class:`KamModelError` when no penalizer gives a converged fit.
    """
    return _fit_with_penalizers(
        lambda pen: BetaGeo(time_unit=time_unit, penalizer=pen).fit(summary), penalizers, "bgnbd"
    )


def fit_gamma_gamma(
    summary: pd.DataFrame, *, exclude_nonpositive: bool = True, penalizers: tuple[float, ...] = (0.0, 0.001, 0.01)
) -> tuple[GammaGamma, list[str]]:
    """Fit the Gamma-Gamma spend model as :func:`fit_bgnbd` fits the BG/NBD: plain maximum likelihood first,
    then with growing penalizers if that does not converge (a small company's few repeat buyers can leave
    the likelihood flat).

    Returns (model, notes); every fallback is in ``notes``. Raises the last :class:`KamModelError` when no
    penalizer gives a converged fit, or at once for impossible input.
    """
    return _fit_with_penalizers(
        lambda pen: GammaGamma(penalizer=pen, exclude_nonpositive=exclude_nonpositive).fit(summary), penalizers, "gg"
    )


def expected_clv(
    bgnbd: BetaGeo,
    gamma_gamma: GammaGamma,
    summary: pd.DataFrame,
    *,
    horizon: float = 5.0,
    discount_rate: float = 0.1,
    margin=1.0,
    steps_per_year: int = 12,
) -> pd.DataFrame:
    """Expected customer lifetime value from BG/NBD (how many purchases) and Gamma-Gamma (how much each).

    CLV = Σ_{k=1..K} (E[X(t_k)] − E[X(t_{k−1})]) · E(M) · margin / (1+d)^(k/steps_per_year), with
    K = horizon · steps_per_year steps of equal length (months by default), E[X(t)] the expected repeat
    purchases in the next t (:meth:`BetaGeo.expected_purchases`) and E(M) the expected spend per purchase
    (:meth:`GammaGamma.expected_spend`). ``horizon`` is in years and ``discount_rate`` yearly, whatever the
    model's ``time_unit``: they are converted explicitly. ``margin`` turns spend into margin (a share,
    scalar or per customer aligned with ``summary``).

    Returns
    -------
    DataFrame
        Per customer: p_alive, purchases_next_year, expected_spend, margin, clv.
    """
    check_parameters(discount_rate=discount_rate, horizon=horizon)
    if steps_per_year < 1:
        raise KamParameterError("steps_per_year", "must be at least 1")
    x, tx, tt = summary["frequency"], summary["recency"], summary["T"]
    year = 365.25 / TIME_UNITS[bgnbd.time_unit]  # one year in the model's time unit
    k = np.arange(1, int(round(horizon * steps_per_year)) + 1)
    t_grid = k / steps_per_year * year
    xa, txa, ta = (np.asarray(v, dtype=float)[:, None] for v in (x, tx, tt))
    cum = np.asarray(bgnbd.expected_purchases(t_grid[None, :], xa, txa, ta))
    per_step = np.diff(np.concatenate([np.zeros((len(x), 1)), cum], axis=1), axis=1)
    discount = (1.0 + discount_rate) ** (-k / steps_per_year)
    purchases_pv = per_step @ discount
    spend = np.asarray(gamma_gamma.expected_spend(x, summary["monetary_value"]), dtype=float)
    m = pd.Series(margin, index=summary.index) if np.ndim(margin) == 0 else pd.Series(margin).reindex(summary.index)
    out = pd.DataFrame(
        {
            "p_alive": np.asarray(bgnbd.probability_alive(x, tx, tt), dtype=float),
            "purchases_next_year": np.asarray(bgnbd.expected_purchases(year, x, tx, tt), dtype=float),
            "expected_spend": spend,
            "margin": m.astype(float).to_numpy(),
        },
        index=summary.index,
    )
    out["clv"] = purchases_pv * spend * out["margin"].to_numpy()
    return out


# =========================================================================== sensitivity and decisions


def clv_grid(
    margin: float, *, retentions, discount_rates, horizon: int | None = None, growth: float = 0.0
) -> pd.DataFrame:
    """CLV for every combination of retention (rows) and discount rate (columns).

    Cells where the infinite-horizon value is infinite (r(1+g) >= 1+d) are NaN.

    Examples
    --------
    >>> g = clv_grid(100.0, retentions=[0.8, 0.9], discount_rates=[0.1])
    >>> [round(v, 2) for v in g[0.1]]
    [266.67, 450.0]
    """
    r = np.asarray(list(retentions), dtype=float)
    d = np.asarray(list(discount_rates), dtype=float)
    for v in r:
        check_parameters(retention=v)
    for v in d:
        check_parameters(discount_rate=v)
    rr, dd = np.meshgrid(r, d, indexing="ij")
    if horizon is None:
        ok = rr * (1.0 + growth) < 1.0 + dd
        vals = np.full(rr.shape, np.nan)
        vals[ok] = contractual_clv(float(margin), rr[ok], dd[ok], growth=growth)
    else:
        vals = np.asarray(contractual_clv(float(margin), rr, dd, horizon=horizon, growth=growth), dtype=float)
    out = pd.DataFrame(vals, index=pd.Index(r, name="retention"), columns=pd.Index(d, name="discount_rate"))
    return out


def retention_for_care(
    margin, retention, discount_rate: float, extra_care: float, *, horizon: int | None = None, growth: float = 0.0
) -> pd.DataFrame:
    """Which retention must extra care buy to pay for itself?

    Extra care costs ``c`` EUR a year for as long as the account stays, so the margin falls to m − c. It
    pays when CLV(m − c, r') >= CLV(m, r). Without a horizon the break-even retention is closed-form:

        r' = V(1+d) / ((m − c) + V(1+g)),  V = CLV(m, r) = m·r/(1+d−r(1+g));

    with a horizon it is found by bisection (the CLV rises with r' when m − c > 0).

    Parameters
    ----------
    margin, retention
        Yearly margin m and current retention r per account (scalars, arrays or Series).
    extra_care
        Extra cost of care per year c (EUR, >= 0).

    Returns
    -------
    DataFrame
        margin, retention, clv, extra_care, required_retention, uplift (r' − r), attainable, ``reason`` (a
        code of ``clv.values``: loses_money, care_eats_margin, care_not_attainable; empty when attainable) and
        ``note`` (the reason in English).
        Not attainable when the account loses money (m <= 0: keeping it longer does not pay), when the care
        costs at least the margin, or when even r' = 100 % would not recover the cost.

    Examples
    --------
    >>> t = retention_for_care(1000.0, 0.8, 0.1, 100.0)
    >>> round(float(t["required_retention"].iloc[0]), 6)   # V = 2666.67; r' = 2933.33/(900+2666.67)
    0.82243
    """
    check_parameters(discount_rate=discount_rate, horizon=horizon, growth=growth, extra_care=extra_care)
    m = pd.Series(margin) if not isinstance(margin, pd.Series) else margin
    idx = m.index
    m_arr = np.atleast_1d(np.asarray(margin, dtype=float))
    r_arr = np.broadcast_to(np.atleast_1d(np.asarray(retention, dtype=float)), m_arr.shape).copy()
    if np.any((r_arr < 0) | (r_arr > 1)):
        raise KamParameterError("retention", "must lie between 0 and 1")
    d, c, g = float(discount_rate), float(extra_care), float(growth)
    r_cap = min(1.0, (1.0 + d) / (1.0 + g) - 1e-9) if horizon is None else 1.0
    v0 = np.asarray(contractual_clv(m_arr, np.minimum(r_arr, r_cap), d, horizon=horizon, growth=g), dtype=float)
    m_new = m_arr - c
    req = np.full(m_arr.shape, np.nan)
    reason = np.full(m_arr.shape, "", dtype=object)
    loses = m_arr <= 0
    reason[loses] = "loses_money"
    eats = ~loses & (m_new <= 0)
    reason[eats] = "care_eats_margin"
    ok = ~loses & ~eats
    if ok.any():
        if horizon is None:
            req[ok] = v0[ok] * (1.0 + d) / (m_new[ok] + v0[ok] * (1.0 + g))
        else:
            lo, hi = np.zeros(int(ok.sum())), np.ones(int(ok.sum()))
            mo, vo = m_new[ok], v0[ok]
            top = np.asarray(contractual_clv(mo, hi, d, horizon=horizon, growth=g), dtype=float)
            for _ in range(60):
                mid = (lo + hi) / 2
                val = np.asarray(contractual_clv(mo, mid, d, horizon=horizon, growth=g), dtype=float)
                below = val < vo
                lo = np.where(below, mid, lo)
                hi = np.where(below, hi, mid)
            sol = (lo + hi) / 2
            sol[top < vo] = np.inf
            req[ok] = sol
        too_high = ok & (req > r_cap + 1e-12)
        reason[too_high] = "care_not_attainable"
        req[too_high] = np.nan
    out = pd.DataFrame(
        {
            "margin": m_arr,
            "retention": r_arr,
            "clv": v0,
            "extra_care": c,
            "required_retention": req,
            "uplift": req - r_arr,
        },
        index=idx,
    )
    out["attainable"] = out["required_retention"].notna()
    out["reason"] = pd.Series(reason, index=idx).astype(str)
    values = i18n.table("clv.values")
    out["note"] = out["reason"].map(lambda code: values[code][0] if code else "")
    return out


def retention_by_group(
    data,
    groups: pd.Series,
    *,
    as_of=None,
    prior_weight: float = 20.0,
    window_months: int = 12,
    fallback: float | None = None,
) -> pd.DataFrame:
    """Yearly retention per group of accounts (e.g. portfolio quadrant), shrunk towards the portfolio.

    Small groups with no loss would otherwise claim 100 % retention. The shrunk estimate adds
    ``prior_weight`` pseudo-accounts at the pooled portfolio retention r̄:
    r_g = (retained_g + k·r̄) / (active_before_g + k).

    When the orders cover less than two full windows, nothing can be measured: the table is empty, or,
    with ``fallback`` (the assumed retention of :func:`choose_retention`), every group gets ``fallback``
    (``active_before`` 0, ``retention_raw`` NaN), so that differences between groups come from the margin
    alone.
    """
    as_of_ts = pd.Timestamp(as_of) if as_of is not None else data.as_of
    orders = data.orders[data.orders["date"] <= as_of_ts]
    windows = _windows(orders, as_of_ts, window_months)
    pooled = estimate_retention(data, as_of=as_of_ts, window_months=window_months)
    cols = ["accounts", "active_before", "retained", "retention_raw", "retention"]
    if len(windows) < 2 or not np.isfinite(pooled):
        if fallback is None:
            return pd.DataFrame(columns=cols)
        check_parameters(retention=fallback)
        names = list(pd.unique(groups.dropna()))
        return pd.DataFrame(
            {
                "accounts": [int((groups == n).sum()) for n in names],
                "active_before": 0,
                "retained": 0,
                "retention_raw": np.nan,
                "retention": float(fallback),
            },
            index=pd.Index(names, name="group"),
            columns=cols,
        )
    pairs = [state for _, state in _pair_states(orders, windows)]  # kamlib.retention's definition, as in 03
    before = sum(state.isin(["retained", "churned"]).astype(int) for state in pairs)
    kept = sum((state == "retained").astype(int) for state in pairs)
    assert isinstance(before, pd.Series) and isinstance(kept, pd.Series)  # two windows or more: sums of columns
    grp = groups.reindex(before.index)
    rows = []
    for name in pd.unique(groups.dropna()):
        sel = grp == name
        b, k = int(before[sel].sum()), int(kept[sel].sum())
        rows.append(
            {
                "group": name,
                "accounts": int((groups == name).sum()),
                "active_before": b,
                "retained": k,
                "retention_raw": k / b if b else np.nan,
                "retention": (k + prior_weight * pooled) / (b + prior_weight),
            }
        )
    out = pd.DataFrame(rows, columns=["group", *cols]).set_index("group")
    out["retention_raw"] = out["retention_raw"].astype(float).round(6)
    out["retention"] = out["retention"].astype(float).round(6)
    return out


#: Quadrant -> (high attractiveness, strong relationship), and the quadrants one step away.
QUADRANT_AXES = {"strategic": (1, 1), "star": (1, 0), "status": (0, 1), "streamline": (0, 0)}


def adjacent_quadrants(quadrant: str) -> list[tuple[str, str, str]]:
    """Quadrants one step away: (target, axis that changes, 'up' or 'down').

    Examples
    --------
    >>> adjacent_quadrants("star")
    [('strategic', 'strength', 'up'), ('streamline', 'attractiveness', 'down')]
    """
    if quadrant not in QUADRANT_AXES:
        raise KamParameterError("quadrant", f"must be one of {', '.join(QUADRANT_AXES)}, not {quadrant!r}")
    a, s = QUADRANT_AXES[quadrant]
    out = []
    for q, (a2, s2) in QUADRANT_AXES.items():
        if abs(a - a2) + abs(s - s2) == 1:
            axis = "attractiveness" if a != a2 else "strength"
            out.append((q, axis, "up" if a2 + s2 > a + s else "down"))
    return sorted(out, key=lambda t: (t[2] != "up", t[0]))


def quadrant_profile(contribution: pd.DataFrame, quadrants: pd.Series, retention: pd.DataFrame) -> pd.DataFrame:
    """Per quadrant: accounts, net revenue, DB IV, DB IV margin (Σ DB IV / Σ net revenue) and retention.

    ``contribution`` is :func:`kamlib.value.account_contribution`; ``quadrants`` maps account_id to quadrant;
    ``retention`` is :func:`retention_by_group` for the same quadrants.
    """
    t = contribution[["net_revenue", "db4"]].join(quadrants.rename("quadrant"), how="inner")
    g = t.groupby("quadrant")[["net_revenue", "db4"]].sum()
    g["accounts"] = t.groupby("quadrant").size()
    g["db4_margin"] = (g["db4"] / g["net_revenue"].where(g["net_revenue"] > 0)).round(6)
    g["retention"] = retention["retention"].reindex(g.index)
    order = [q for q in QUADRANT_AXES if q in g.index]
    return g.loc[order, ["accounts", "net_revenue", "db4", "db4_margin", "retention"]]


def quadrant_moves(
    accounts: pd.DataFrame, profile: pd.DataFrame, *, discount_rate: float, horizon: int | None = None
) -> pd.DataFrame:
    """What moving each account one quadrant is worth in CLV, with the quadrants' typical margin and retention.

    For an account in quadrant q moving to q': retention goes from r_q to r_q' and the DB IV margin
    changes by (margin_q' − margin_q) × its net revenue; CLV = m·r/(1+d−r) (or over ``horizon`` years)
    before and after. ``value`` = CLV after − CLV before; ``care_per_year`` = value spread over the
    expected years of the relationship after the move (value / annuity factor): the most that extra care
    to achieve (up) or prevent (down) the move may cost per year.

    ``accounts`` needs columns quadrant, net_revenue and db4 (and optionally name).
    """
    check_parameters(discount_rate=discount_rate, horizon=horizon)
    unknown = [str(q) for q in profile.index if not np.isfinite(float(profile.at[q, "retention"]))]  # type: ignore[arg-type]  # pandas-stubs: .at is any scalar; retention is a number
    if unknown:
        raise KamParameterError(
            "profile",
            f"the retention of {', '.join(unknown)} is unknown (the orders are too "
            "short to measure it); build the profile with retention_by_group(..., fallback=r) "
            "to assume one",
        )
    rows = []
    for acc, row in accounts.iterrows():
        q = row["quadrant"]
        if q not in profile.index:
            continue
        r_now, rate_now = float(profile.at[q, "retention"]), float(profile.at[q, "db4_margin"])  # type: ignore[arg-type]  # pandas-stubs: .at is any scalar; numbers
        m_now = float(row["db4"])
        clv_now = float(contractual_clv(m_now, r_now, discount_rate, horizon=horizon))
        for target, axis, direction in adjacent_quadrants(q):
            if target not in profile.index:
                continue
            r_new = float(profile.at[target, "retention"])  # type: ignore[arg-type]  # pandas-stubs: .at is any scalar; a number
            m_new = m_now + (float(profile.at[target, "db4_margin"]) - rate_now) * float(row["net_revenue"])  # type: ignore[arg-type]  # pandas-stubs: .at is any scalar
            clv_new = float(contractual_clv(m_new, r_new, discount_rate, horizon=horizon))
            factor = float(annuity_factor(r_new, discount_rate, horizon=horizon))
            rows.append(
                {
                    "account_id": acc,
                    "name": row.get("name", acc),
                    "from": q,
                    "to": target,
                    "axis": axis,
                    "direction": direction,
                    "retention_now": r_now,
                    "retention_new": r_new,
                    "margin_now": m_now,
                    "margin_new": round(m_new, 2),
                    "clv_now": round(clv_now, 2),
                    "clv_new": round(clv_new, 2),
                    "value": round(clv_new - clv_now, 2),
                    "care_per_year": round((clv_new - clv_now) / factor, 2) if factor > 0 else np.nan,
                }
            )
    cols = [
        "account_id",
        "name",
        "from",
        "to",
        "axis",
        "direction",
        "retention_now",
        "retention_new",
        "margin_now",
        "margin_new",
        "clv_now",
        "clv_new",
        "value",
        "care_per_year",
    ]
    return pd.DataFrame(rows, columns=cols)


# =========================================================================== what notebook 03 reports


def example_account(contribution: pd.DataFrame, key_ids, account: str | None = None) -> str:
    """The account of the worked example: ``account`` when given, else the key account with the highest
    DB IV among the accounts with net revenue (a portfolio report shows one account worked by hand).

    Examples
    --------
    >>> c = pd.DataFrame({"net_revenue": [10.0, 50.0, 0.0], "db4": [5.0, 2.0, 9.0]}, index=["A", "B", "C"])
    >>> example_account(c, ["B", "C"]), example_account(c, ["B"], "A")
    ('B', 'A')
    """
    if account:
        return str(account)
    active = contribution[contribution["net_revenue"] > 0]
    return str(active.loc[active.index.isin(list(key_ids)), "db4"].idxmax())


def worked_example(margin: float, retention: float, discount_rate: float, *, horizon: int) -> dict:
    """The contractual CLV of one margin by hand and with :func:`contractual_clv`, with its variants.

    Returns m, r, d, T, ``by_hand`` = m·r/(1+d−r) written out, ``closed`` (the library), ``finite``
    (T years) and ``start`` (margin at the start of each year).

    Examples
    --------
    >>> e = worked_example(100.0, 0.8, 0.1, horizon=2)   # 80/0.3; 80/1.1 + 64/1.21; 110/0.3
    >>> [round(e[k], 4) for k in ("by_hand", "closed", "finite", "start")]
    [266.6667, 266.6667, 125.6198, 366.6667]
    """
    m, r, d = float(margin), float(retention), float(discount_rate)
    return {
        "m": m,
        "r": r,
        "d": d,
        "horizon": int(horizon),
        "by_hand": m * r / (1 + d - r),
        "closed": float(contractual_clv(m, r, d)),
        "finite": float(contractual_clv(m, r, d, horizon=horizon)),
        "start": float(contractual_clv(m, r, d, timing="start")),
    }


def worked_example_text(example: dict, *, account: str, lang: str = "en") -> str:
    """:func:`worked_example` as four lines in ``lang``: inputs, by hand, kamlib, variants."""
    e = example
    return "\n".join(
        [
            text("example_inputs", lang, account=account, m=e["m"], r=e["r"], d=e["d"]),
            text("example_by_hand", lang, m=e["m"], r=e["r"], d=e["d"], value=e["by_hand"]),
            text("example_kamlib", lang, value=e["closed"]),
            text("example_variants", lang, horizon=e["horizon"], finite=e["finite"], start=e["start"]),
        ]
    )


def account_clv_table(
    accounts: pd.DataFrame, key_ids, *, retention, discount_rate: float, horizon: int, growth: float = 0.0
) -> pd.DataFrame:
    """:func:`clv_table` of the accounts' DB IV (column ``db4``), with ``name`` first and ``key_account``."""
    out = clv_table(accounts["db4"], retention=retention, discount_rate=discount_rate, horizon=horizon, growth=growth)
    out.insert(0, "name", accounts["name"] if "name" in accounts else None)
    out["key_account"] = out.index.isin(list(key_ids))
    return out


#: The money columns of :func:`clv_table`.
CLV_MONEY = ("margin", "clv", "clv_horizon", "clv_start", "clv_growth")


def clv_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Sums of :data:`CLV_MONEY` over the key accounts, all accounts of ``table`` and those with DB IV < 0.

    ``table`` is :func:`account_clv_table`; the index holds codes (key_accounts, all_active, negative_db4).

    Examples
    --------
    >>> t = pd.DataFrame({"margin": [100.0, -20.0, 50.0], "clv": [1.0, 2.0, 4.0], "key_account": [True, True, False]})
    >>> clv_totals(t[["margin", "clv", "key_account"]])[["margin", "clv"]].values.tolist()
    [[80.0, 3.0], [130.0, 7.0], [-20.0, 2.0]]
    """
    money = [c for c in CLV_MONEY if c in table.columns]
    return pd.DataFrame(
        {
            "key_accounts": table.loc[table["key_account"], money].sum(),
            "all_active": table[money].sum(),
            "negative_db4": table.loc[table["margin"] < 0, money].sum(),
        }
    ).T


def focus_margin(table: pd.DataFrame, account: str | None = None) -> float:
    """The margin a report looks at: the account's own DB IV, or the key accounts' total.

    Examples
    --------
    >>> t = pd.DataFrame({"margin": [100.0, -20.0, 50.0], "key_account": [True, True, False]}, index=["A", "B", "C"])
    >>> focus_margin(t), focus_margin(t, "C")
    (80.0, 50.0)
    """
    if account:
        return float(table.loc[table.index == account, "margin"].sum())
    return float(table.loc[table["key_account"], "margin"].sum())


def rfm_sentence(rfm: pd.DataFrame, *, time_unit: str, lang: str = "en") -> str:
    """How many accounts the RFM summary covers and in which time unit, in ``lang``."""
    unit = i18n.pick(_TIME_UNIT_NAMES[_check_time_unit(time_unit)], lang)
    return text("rfm", lang, n=len(rfm), unit=unit)


def margin_rates(contribution: pd.DataFrame, index) -> pd.Series:
    """DB IV margin (share of net revenue) per account of ``index``; accounts without one get the portfolio's
    Σ DB IV / Σ net revenue (what turns expected spend into expected margin).

    Examples
    --------
    >>> c = pd.DataFrame({"net_revenue": [100.0, 300.0], "db4": [10.0, 90.0], "db4_margin": [0.1, 0.3]},
    ...                  index=["A", "B"])
    >>> margin_rates(c, ["B", "X"]).tolist()   # X: (10 + 90) / (100 + 300)
    [0.3, 0.25]
    """
    portfolio = float(contribution["db4"].sum() / contribution["net_revenue"].sum())
    return contribution["db4_margin"].reindex(index).fillna(portfolio)


def account_expected_clv(
    bgnbd: BetaGeo,
    gamma_gamma: GammaGamma,
    rfm: pd.DataFrame,
    contribution: pd.DataFrame,
    accounts: pd.DataFrame,
    types: pd.Series,
    *,
    horizon: float,
    discount_rate: float,
) -> pd.DataFrame:
    """:func:`expected_clv` per account with the account's DB IV margin (:func:`margin_rates`), its name,
    status and selection type; the margin column is called ``db4_margin``."""
    out = expected_clv(
        bgnbd,
        gamma_gamma,
        rfm,
        horizon=horizon,
        discount_rate=discount_rate,
        margin=margin_rates(contribution, rfm.index),
    ).rename(columns={"margin": "db4_margin"})
    acc = accounts.assign(account_id=accounts["account_id"].astype(str)).set_index("account_id")
    out.insert(0, "name", acc["name"].reindex(out.index))
    out["status"] = acc["status"].reindex(out.index) if "status" in acc else None
    out["type"] = types.reindex(out.index)
    return out


def expected_summary(expected: pd.DataFrame) -> dict:
    """Total expected CLV and the number of accounts with P(alive) below 50 %.

    Examples
    --------
    >>> expected_summary(pd.DataFrame({"clv": [10.0, 5.5], "p_alive": [0.9, 0.4]}))
    {'total': 15.5, 'below_half': 1}
    """
    return {"total": float(expected["clv"].sum()), "below_half": int((expected["p_alive"] < 0.5).sum())}


def expected_sentence(expected: pd.DataFrame, *, horizon: int, lang: str = "en") -> str:
    s = expected_summary(expected)
    return text("expected_summary", lang, horizon=horizon, total=s["total"], n=s["below_half"])


def compare_views(clv_accounts: pd.DataFrame, expected: pd.DataFrame) -> pd.DataFrame:
    """Contractual CLV over the horizon next to the BG/NBD view, per account of ``clv_accounts``."""
    return clv_accounts[["name", "clv_horizon"]].join(
        expected[["p_alive", "purchases_next_year", "clv"]].rename(columns={"clv": "clv_bgnbd"})
    )


def sensitivity_steps(margin: float, retention: float, discount_rate: float, *, horizon: int | None) -> dict:
    """What one percentage point more retention, and one more discount rate, changes in the CLV.

    Examples
    --------
    >>> s = sensitivity_steps(100.0, 0.8, 0.1, horizon=1)   # 100·0.81/1.1 − 100·0.8/1.1; 100·0.8/1.11 − 100·0.8/1.1
    >>> round(s["step_r"], 4), round(s["step_d"], 4)
    (0.9091, -0.6552)
    """
    now = float(contractual_clv(margin, retention, discount_rate, horizon=horizon))
    return {
        "margin": float(margin),
        "step_r": float(contractual_clv(margin, min(retention + 0.01, 1.0), discount_rate, horizon=horizon)) - now,
        "step_d": float(contractual_clv(margin, retention, discount_rate + 0.01, horizon=horizon)) - now,
    }


def sensitivity_sentence(steps: dict, *, horizon: int, lang: str = "en") -> str:
    return text(
        "sensitivity", lang, margin=steps["margin"], step_r=steps["step_r"], step_d=steps["step_d"], horizon=horizon
    )


def care_table(
    contribution: pd.DataFrame,
    ids,
    retention: float,
    discount_rate: float,
    extra_care: float,
    *,
    horizon: int | None = None,
) -> pd.DataFrame:
    """:func:`retention_for_care` for the accounts ``ids`` (DB IV of ``contribution``; 0 without one), named."""
    margin = contribution["db4"].reindex(list(ids)).fillna(0.0)
    out = retention_for_care(margin, retention, discount_rate, extra_care, horizon=horizon)
    out.insert(0, "name", contribution["name"].reindex(out.index))
    return out


def care_sentence(
    care: pd.DataFrame, *, extra_care: float, retention: float, discount_rate: float, horizon: int, lang: str = "en"
) -> str:
    return text(
        "care",
        lang,
        care=float(extra_care),
        r=float(retention),
        d=float(discount_rate),
        horizon=horizon,
        k=int(care["attainable"].sum()),
        n=len(care),
    )


#: Columns of :func:`quadrant_moves` a report shows.
MOVE_COLUMNS = [
    "account_id",
    "name",
    "from",
    "to",
    "axis",
    "retention_now",
    "retention_new",
    "margin_now",
    "margin_new",
    "value",
    "care_per_year",
]


def top_moves(moves: pd.DataFrame, direction: str, *, key_ids=None, top: int = 10) -> pd.DataFrame:
    """The ``top`` most valuable moves up, or the ``top`` costliest moves down (of ``key_ids`` when given).

    Examples
    --------
    >>> m = pd.DataFrame({"account_id": ["A", "A", "B", "B"], "direction": ["up", "down", "up", "down"],
    ...                   "value": [5.0, -9.0, 7.0, -3.0]})
    >>> top_moves(m, "up")["account_id"].tolist(), top_moves(m, "down", key_ids=["B"])["value"].tolist()
    (['B', 'A'], [-3.0])
    """
    if direction not in ("up", "down"):
        raise KamParameterError("direction", f"must be 'up' or 'down', not {direction!r}")
    t = moves[moves["direction"] == direction]
    if key_ids is not None:
        t = t[t["account_id"].isin(list(key_ids))]
    return t.sort_values("value", ascending=direction == "down").head(top)


def customer_value_extract(
    contribution: pd.DataFrame, clv_accounts: pd.DataFrame, expected: pd.DataFrame
) -> pd.DataFrame:
    """One row per account: the contribution margins, the contractual CLV variants and the BG/NBD view."""
    return contribution.join(clv_accounts.drop(columns=["name", "margin"]), how="left").join(
        expected[["p_alive", "purchases_next_year", "expected_spend", "clv"]].rename(columns={"clv": "clv_bgnbd"}),
        how="left",
    )
