"""Customer lifetime value: contractual formulas, retention from data, sBG, BG/NBD, Gamma-Gamma, decisions.

Reference values and where they come from:

* BG/NBD on CDNOW (Fader, Hardie & Lee 2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4;
  Gamma-Gamma on the 946 repeat buyers (Fader, Hardie & Lee 2005, "RFM and CLV"): p = 6.25, q = 3.74,
  gamma = 15.44. The data are vendored in tests/data/cdnow/ (copied from the lifetimes wheel); only the tests that
  compare our fitters with lifetimes' own fitters need lifetimes (the ``lifetimes`` fixture in conftest.py).
* sBG (Fader & Hardie 2007, "How to project customer retention"), fitted on years 1-7: high end
  (1000, 869, 743, 653, 593, 551, 517, 491) alpha = 0.668, beta = 3.806; regular (1000, 631, 468, 382,
  326, 289, 262, 241) alpha = 0.704, beta = 1.182. Note: 0.668 / 3.806 belong to the *high-end* cohort,
  not to the regular one (checked against independent replications of the paper).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamlib import clv, value
from kamlib.errors import KamParameterError

HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]


@pytest.fixture(scope="module")
def cdnow(cdnow_summary) -> pd.DataFrame:
    return cdnow_summary


@pytest.fixture(scope="module")
def bg_cdnow(cdnow) -> clv.BetaGeo:
    return clv.BetaGeo(time_unit="W").fit(cdnow["x"], cdnow["t_x"], cdnow["T"])


@pytest.fixture(scope="module")
def gg_cdnow(cdnow) -> clv.GammaGamma:
    return clv.GammaGamma().fit(cdnow["x"], cdnow["zbar"])


# =========================================================================== contractual formulas


def test_closed_form_hand_computed():
    # m = 100, r = 0.8, d = 0.1: 100 * 0.8 / (1.1 - 0.8) = 266.666...
    assert clv.clv_closed_form(100.0, 0.8, 0.1) == pytest.approx(800 / 3)
    assert clv.contractual_clv(100.0, 0.8, 0.1) == pytest.approx(800 / 3)


def test_finite_horizon_hand_computed():
    # T = 2: 100*0.8/1.1 + 100*0.64/1.21 = 72.7273 + 52.8926
    assert clv.clv_finite(100.0, 0.8, 0.1, 2) == pytest.approx(80 / 1.1 + 64 / 1.21)
    assert clv.clv_finite(100.0, 0.8, 0.1, 1) == pytest.approx(80 / 1.1)


def test_margin_at_period_start_hand_computed():
    # m(1+d)/(1+d-r) = 100 * 1.1 / 0.3; equals this year's margin plus the end-of-year value
    assert clv.clv_period_start(100.0, 0.8, 0.1) == pytest.approx(110 / 0.3)
    assert clv.clv_period_start(100.0, 0.8, 0.1) == pytest.approx(100 + clv.clv_closed_form(100.0, 0.8, 0.1))


def test_margin_growth_hand_computed():
    # m r/(1+d-r(1+g)) = 100*0.8/(1.1 - 0.84) = 307.69...
    assert clv.clv_with_growth(100.0, 0.8, 0.1, 0.05) == pytest.approx(80 / 0.26)
    assert clv.clv_with_growth(100.0, 0.8, 0.1, 0.0) == pytest.approx(clv.clv_closed_form(100.0, 0.8, 0.1))


@pytest.mark.parametrize("growth,timing", [(0.0, "end"), (0.03, "end"), (0.0, "start"), (0.03, "start")])
def test_finite_horizon_equals_the_explicit_sum(growth, timing):
    m, r, d, horizon = 250.0, 0.85, 0.08, 7
    if timing == "end":
        expected = sum(m * (1 + growth) ** (t - 1) * r**t / (1 + d) ** t for t in range(1, horizon + 1))
    else:
        expected = sum(m * (1 + growth) ** t * r**t / (1 + d) ** t for t in range(0, horizon))
    got = clv.contractual_clv(m, r, d, horizon=horizon, growth=growth, timing=timing)
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("growth,timing", [(0.0, "end"), (0.02, "end"), (0.0, "start")])
def test_finite_horizon_converges_to_the_closed_form(growth, timing):
    m, r, d = 1000.0, 0.9, 0.1
    closed = clv.contractual_clv(m, r, d, growth=growth, timing=timing)
    values = [clv.contractual_clv(m, r, d, horizon=t, growth=growth, timing=timing) for t in (1, 5, 20, 80, 400)]
    assert all(a < b for a, b in zip(values, values[1:]))  # rises towards the limit
    assert values[-1] == pytest.approx(closed, rel=1e-12)
    assert closed - values[2] > closed - values[3] > 0


def test_vectorised_and_series_in_series_out():
    m = pd.Series({"A": 100.0, "B": -50.0})
    out = clv.contractual_clv(m, 0.8, 0.1)
    assert isinstance(out, pd.Series) and list(out.index) == ["A", "B"]
    assert out.tolist() == pytest.approx([800 / 3, -400 / 3])
    arr = clv.contractual_clv(np.array([100.0, 100.0]), np.array([0.5, 0.8]), 0.1)
    assert arr == pytest.approx([50 / 0.6, 80 / 0.3])
    assert m.tolist() == [100.0, -50.0]  # input unchanged


def test_retention_one_with_horizon_is_the_plain_sum():
    # q = r/(1+d) = 1: T undiscounted, certain margins
    assert clv.contractual_clv(10.0, 1.0, 0.0, horizon=5) == pytest.approx(50.0)


def test_infinite_value_is_refused_with_the_parameter():
    with pytest.raises(KamParameterError, match="set a finite horizon") as exc:
        clv.contractual_clv(100.0, 1.0, 0.0)
    assert exc.value.parameter == "retention"
    with pytest.raises(KamParameterError, match=r"r\(1\+g\) must stay below 1\+d for an infinite horizon") as exc:
        clv.contractual_clv(100.0, 0.95, 0.05, growth=0.2)
    assert exc.value.parameter == "growth"


@pytest.mark.parametrize("kwargs,parameter", [
    ({"discount_rate": -1.0}, "discount_rate"),
    ({"discount_rate": 1.5}, "discount_rate"),
    ({"discount_rate": float("nan")}, "discount_rate"),
    ({"retention": -0.1}, "retention"),
    ({"retention": 1.2}, "retention"),
    ({"horizon": 0}, "horizon"),
    ({"growth": -1.0}, "growth"),
    ({"extra_care": -5.0}, "extra_care"),
])
def test_bad_parameters_name_the_parameter(kwargs, parameter):
    with pytest.raises(KamParameterError) as exc:
        clv.check_parameters(**kwargs)
    assert exc.value.parameter == parameter
    assert str(exc.value).startswith(f"parameter {parameter}: ")


def test_clv_table_variants_and_assumptions():
    t = clv.clv_table(pd.Series({"A": 100.0}), retention=0.8, discount_rate=0.1, horizon=2, growth=0.05)
    row = t.loc["A"]
    assert row["clv"] == pytest.approx(800 / 3)
    assert row["clv_horizon"] == pytest.approx(80 / 1.1 + 64 / 1.21)
    assert row["clv_start"] == pytest.approx(110 / 0.3)
    assert row["clv_growth"] == pytest.approx(80 / 0.26)
    a = clv.assumptions_table(margin_basis="DB IV", retention=0.9, retention_source="orders", discount_rate=0.1,
                              horizon=10, growth=0.02)
    assert list(a["symbol"]) == ["m", "r", "d", "T", "g", "timing"]
    assert "Annahme" in clv.assumptions_table(margin_basis="DB IV", retention=0.9, retention_source="x",
                                              discount_rate=0.1, horizon=10, growth=0.0, lang="de").columns


# =========================================================================== retention from the data


@pytest.fixture()
def history(make_data):
    """``history()``: A 2023-2025, B 2023 only (lost), C 2023 and 2025 (a pause), D from 2024, E from 2025."""
    return lambda: _history_data(make_data)


def _history_data(make_data):
    days = {"A": ["2023-01-05", "2024-03-01", "2025-06-01"], "B": ["2023-01-10"], "C": ["2023-02-01", "2025-02-01"],
            "D": ["2024-05-01", "2025-05-01"], "E": ["2025-07-01"]}
    rows = [{"order_id": f"{a}{i}", "account_id": a, "date": pd.Timestamp(d), "gross_revenue_eur": 100.0,
             "discount_eur": 0.0, "cogs_eur": 50.0} for a, ds in days.items() for i, d in enumerate(ds)]
    accounts = pd.DataFrame({"account_id": list(days), "name": [f"Kunde {a}" for a in days]})
    return make_data(accounts, pd.DataFrame(rows))


def test_retention_table_hand_example(history):
    t = clv.retention_table(history()).set_index("period")
    # kamlib.retention's definition: revenue in the earlier window = start, revenue in the later one too = kept
    # 2024: start A, B, C (revenue 2023); kept A; lost B and C (C pauses the whole of 2024); new: D
    assert t.loc["2024", ["active_before", "retained", "lost", "new"]].tolist() == [3, 1, 2, 1]
    # 2025: start A, D (revenue 2024); both kept; new: C (returning) and E (first order)
    assert t.loc["2025", ["active_before", "retained", "lost", "new"]].tolist() == [2, 2, 0, 2]
    # pooled: (1 + 2) / (3 + 2)
    assert t.loc["pooled", "retention"] == pytest.approx(0.6)
    assert clv.estimate_retention(history()) == pytest.approx(0.6, abs=1e-6)


def test_choose_retention_parameter_or_data(make_data, history):
    data = history()
    assert clv.choose_retention(data, 0.9) == (0.9, "parameter retention")
    r, source = clv.choose_retention(data, 0.0)
    assert r == pytest.approx(0.6, abs=1e-6) and source == "orders: pooled over 2 years"  # 3/5, see above
    short = make_data(data.accounts, data.orders[data.orders["date"] >= "2025-01-01"])
    # too short to measure: the stated fallback, marked as assumed (tests/test_thin_data.py has the details)
    r, source = clv.choose_retention(short, 0.0)
    assert r == clv.FALLBACK_RETENTION and clv.retention_is_assumed(source)
    assert clv.choose_retention(short, 0.95) == (0.95, "parameter retention")


def test_survival_table_hand_example(history):
    s = clv.survival_table(history())
    assert list(s.index) == ["2023 (existing)", "2024", "2025"]
    assert s.iloc[0].tolist() == [3, 2, 2]
    assert s.iloc[1].tolist()[:2] == [1, 1] and np.isnan(s.iloc[1, 2])
    assert s.iloc[2, 0] == 1 and s.iloc[2, 1:].isna().all()


def test_partial_first_window_is_not_used(history):
    # as_of mid-year: the window 2022-07..2023-06 starts long before the first order and is left out
    t = clv.retention_table(history(), as_of="2025-06-30")
    assert list(t["period"]) == ["2024-07-01..2025-06-30", "pooled"]


def test_sample_retention_is_plausible(sample_data):
    t = clv.retention_table(sample_data)
    assert list(t["period"]) == ["2024", "2025", "pooled"]
    assert 0.9 < t["retention"].iloc[-1] < 1.0
    ok, reason = clv.sbg_adequacy(clv.survival_table(sample_data))
    assert not ok and "at least 3 years" in reason


# =========================================================================== sBG


def test_sbg_reproduces_fader_hardie_high_end():
    m = clv.ShiftedBetaGeometric().fit(HIGH_END)
    assert m.params_["alpha"] == pytest.approx(0.668, rel=5e-3)
    assert m.params_["beta"] == pytest.approx(3.806, rel=5e-3)
    # log-likelihood -1611.2 as reported for this fit (reproduced by independent replications: -1611.158)
    assert m.log_likelihood_ == pytest.approx(-1611.16, abs=0.05)
    assert (m.n_cohorts_, m.n_periods_, m.n_accounts_, m.n_lost_) == (1, 7, 1000, 509)


def test_sbg_reproduces_fader_hardie_regular():
    m = clv.ShiftedBetaGeometric().fit(REGULAR)
    assert m.params_["alpha"] == pytest.approx(0.704, rel=5e-3)
    assert m.params_["beta"] == pytest.approx(1.182, rel=5e-3)


def test_sbg_log_likelihood_matches_the_definition():
    m = clv.ShiftedBetaGeometric().fit(REGULAR)
    s = np.array(REGULAR, dtype=float)
    lost = -np.diff(s)
    t = np.arange(1, len(s))
    manual = float(lost @ np.log(m.churn_probability(t)) + s[-1] * np.log(m.survival(len(s) - 1)))
    assert m.log_likelihood_ == pytest.approx(manual, rel=1e-10)


def test_sbg_probabilities_are_consistent():
    m = clv.ShiftedBetaGeometric().fit(HIGH_END)
    a, b = m.params_
    t = np.arange(1, 30)
    p = m.churn_probability(t)
    # recursion of Fader & Hardie: P(1) = a/(a+b), P(t) = P(t-1)(b+t-2)/(a+b+t-1)
    rec = [a / (a + b)]
    for k in range(2, 30):
        rec.append(rec[-1] * (b + k - 2) / (a + b + k - 1))
    assert p == pytest.approx(rec, rel=1e-10)
    s = m.survival(t)
    assert m.survival(0) == pytest.approx(1.0)
    assert s == pytest.approx(1 - np.cumsum(p), rel=1e-10)
    r = m.retention_rate(t)
    assert np.all(np.diff(r) > 0)  # retention of survivors rises
    assert s == pytest.approx(np.cumprod(r), rel=1e-10)
    proj = m.project(12, cohort_size=1000)
    assert proj.loc[7, "expected_survivors"] == pytest.approx(1000 * m.survival(7))


def test_sbg_multi_cohort_and_nan_tail():
    table = pd.DataFrame([HIGH_END, HIGH_END[:5] + [np.nan] * 3])
    m = clv.ShiftedBetaGeometric().fit(table)
    one = clv.ShiftedBetaGeometric().fit(HIGH_END)
    short = clv.ShiftedBetaGeometric().fit(HIGH_END[:5])
    # the joint log-likelihood at the joint optimum is at least the sum of both parts at it, and the
    # optimum lies between the two separate fits
    assert m.n_cohorts_ == 2 and m.n_accounts_ == 2000
    assert m.log_likelihood_ <= one.log_likelihood_ + short.log_likelihood_ + 1e-6
    twice = clv.ShiftedBetaGeometric().fit(pd.DataFrame([HIGH_END, HIGH_END]))
    assert twice.params_.to_numpy() == pytest.approx(one.params_.to_numpy(), rel=1e-6)
    assert twice.log_likelihood_ == pytest.approx(2 * one.log_likelihood_, rel=1e-9)


def test_derl_equals_the_explicit_sum():
    m = clv.ShiftedBetaGeometric().fit(HIGH_END)
    d = 0.1
    for tenure in (0, 3, 9):
        k = np.arange(0, 4000)
        brute = np.sum(m.survival(tenure + 1 + k) / m.survival(tenure) / (1 + d) ** k)
        assert m.derl(d, tenure=tenure) == pytest.approx(brute, rel=1e-9)
    # residual CLV: margin at the end of each year = m * DERL/(1+d); a finite horizon approaches it
    assert m.residual_clv(100.0, d, tenure=3) == pytest.approx(100 * m.derl(d, tenure=3) / 1.1)
    assert m.residual_clv(100.0, d, tenure=3, horizon=3000) == pytest.approx(m.residual_clv(100.0, d, tenure=3), rel=1e-9)
    assert m.residual_clv(100.0, d, tenure=10) > m.residual_clv(100.0, d, tenure=0)  # tenure is rewarded


def test_sbg_without_heterogeneity_reduces_to_the_closed_form():
    m = clv.ShiftedBetaGeometric()
    r = 0.9
    m.params_ = pd.Series({"alpha": (1 - r) * 1e8, "beta": r * 1e8})  # churn concentrated at 1 - r
    assert m.residual_clv(1000.0, 0.1, tenure=5) == pytest.approx(clv.clv_closed_form(1000.0, r, 0.1), rel=1e-5)


@pytest.mark.parametrize("survivors,text", [
    ([1000, 1010, 900], "grows over time"),
    ([1000, 1000, 1000], "no account was lost"),
    ([1000], "nothing to fit"),
    ([1000, -5], "negative count"),
    ([1000, 900, 0], "every account was lost"),
])
def test_sbg_refuses_impossible_input(survivors, text):
    with pytest.raises(clv.KamModelError, match=text):
        clv.ShiftedBetaGeometric().fit(survivors)


def test_sbg_shape_and_adequacy():
    m = clv.ShiftedBetaGeometric()
    assert repr(m) == "ShiftedBetaGeometric(not fitted)"
    with pytest.raises(clv.KamModelError, match="fit"):
        m.survival(1)
    assert m.fit(HIGH_END) is m
    assert "alpha=0.668" in repr(m) and "log_likelihood=-1,611.16" in repr(m)
    assert list(m.summary.columns) == ["estimate", "std_error", "lower_95", "upper_95"]
    ok, reason = clv.sbg_adequacy(pd.DataFrame([HIGH_END]))
    assert ok, reason


# =========================================================================== BG/NBD


def test_bgnbd_reproduces_the_published_cdnow_fit(bg_cdnow):
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, expected in published.items():
        assert bg_cdnow.params_[name] == pytest.approx(expected, rel=5e-3), name
    assert bg_cdnow.log_likelihood_ == pytest.approx(-9582.4, abs=0.1)
    assert bg_cdnow.n_customers_ == 2357


def test_bgnbd_agrees_with_lifetimes(lifetimes, cdnow, bg_cdnow):
    ref = lifetimes.BetaGeoFitter().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    assert bg_cdnow.params_.to_numpy() == pytest.approx(ref.params_.to_numpy(), rel=1e-4)
    # predictions at the same parameters: plug lifetimes' parameters into ours
    ours = clv.BetaGeo(time_unit="W")
    ours.params_ = ref.params_.copy()
    x, tx, t = cdnow["x"], cdnow["t_x"], cdnow["T"]
    assert np.asarray(ours.probability_alive(x, tx, t)) == pytest.approx(
        np.asarray(ref.conditional_probability_alive(x, tx, t)), rel=1e-8)
    assert np.asarray(ours.expected_purchases(39.0, x, tx, t)) == pytest.approx(
        np.asarray(ref.conditional_expected_number_of_purchases_up_to_time(39.0, x, tx, t)), rel=1e-7)
    assert ours.expected_purchases_new(np.array([10.0, 39.0, 78.0])) == pytest.approx(
        np.asarray(ref.expected_number_of_purchases_up_to_time(np.array([10.0, 39.0, 78.0]))), rel=1e-8)


def test_standard_errors_agree_with_lifetimes(lifetimes, cdnow, bg_cdnow, gg_cdnow):
    # lifetimes differentiates its likelihood with autograd; we use central differences of the analytic gradient
    ref = lifetimes.BetaGeoFitter().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    assert bg_cdnow.summary["std_error"].to_numpy() == pytest.approx(ref.standard_errors_.to_numpy(), rel=1e-3)
    rep = cdnow[cdnow["x"] > 0]
    ref_gg = lifetimes.GammaGammaFitter().fit(rep["x"], rep["zbar"])
    assert gg_cdnow.summary["std_error"].to_numpy() == pytest.approx(ref_gg.standard_errors_.to_numpy(), rel=1e-3)


def test_bgnbd_log_likelihood_by_hand(cdnow):
    # FHL 2005, eq. 6: L = B(a, b+x)/B(a, b) * G(r+x) a^r / (G(r) (alpha+T)^(r+x))
    #                    + [x > 0] B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))
    from scipy.special import betaln, gammaln

    model = clv.BetaGeo(time_unit="W")
    model.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})  # the published estimates
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    ll = np.asarray(model.log_likelihood(cdnow["x"], cdnow["t_x"], cdnow["T"]))
    # customer 1: x = 2, t_x = 30.43, T = 38.86; customer 3: x = 0 (the second term vanishes)
    for i, (x, tx, t) in {0: (2, 30.43, 38.86), 2: (0, 0.0, 38.86)}.items():
        assert cdnow.loc[i, ["x", "t_x", "T"]].tolist() == [x, tx, t]
        common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        stay = np.exp(betaln(a, b + x) - betaln(a, b) + common - (r + x) * np.log(alpha + t))
        drop = np.exp(betaln(a + 1, b + x - 1) - betaln(a, b) + common - (r + x) * np.log(alpha + tx)) if x else 0.0
        assert ll[i] == pytest.approx(np.log(stay + drop), rel=1e-12)
    # the whole sample at the published (rounded) estimates: the published maximum -9582.4
    assert ll.sum() == pytest.approx(-9582.4, abs=0.05)


def test_bgnbd_log_likelihood_per_customer_sums_to_the_total(cdnow, bg_cdnow):
    ll = bg_cdnow.log_likelihood(cdnow["x"], cdnow["t_x"], cdnow["T"])
    assert ll.sum() == pytest.approx(bg_cdnow.log_likelihood_, rel=1e-12)


def test_bgnbd_time_unit_is_explicit(cdnow, bg_cdnow):
    days = clv.BetaGeo(time_unit="D").fit(cdnow["x"], cdnow["t_x"] * 7, cdnow["T"] * 7)
    assert days.params_["alpha"] == pytest.approx(7 * bg_cdnow.params_["alpha"], rel=1e-6)
    for name in ("r", "a", "b"):
        assert days.params_[name] == pytest.approx(bg_cdnow.params_[name], rel=1e-6)
    x, tx, t = cdnow["x"].head(50), cdnow["t_x"].head(50), cdnow["T"].head(50)
    assert np.asarray(days.expected_purchases(7 * 52, x, tx * 7, t * 7)) == pytest.approx(
        np.asarray(bg_cdnow.expected_purchases(52, x, tx, t)), rel=1e-5)
    assert "time_unit='D'" in repr(days)
    with pytest.raises(KamParameterError, match=r"must be one of D, W, M, Y .*not 'weeks'") as exc:
        clv.BetaGeo(time_unit="weeks")
    assert exc.value.parameter == "time_unit"


def test_bgnbd_is_deterministic_and_does_not_mutate(cdnow):
    x, tx, t = cdnow["x"].copy(), cdnow["t_x"].copy(), cdnow["T"].copy()
    a = clv.BetaGeo().fit(x, tx, t)
    b = clv.BetaGeo().fit(cdnow)  # the summary table with columns x, t_x, T
    assert a.params_.to_numpy().tolist() == b.params_.to_numpy().tolist()
    pd.testing.assert_series_equal(x, cdnow["x"])
    pd.testing.assert_series_equal(tx, cdnow["t_x"])


def test_bgnbd_weights_equal_repeated_rows(cdnow, bg_cdnow):
    grouped = cdnow.groupby(["x", "t_x", "T"]).size().rename("n").reset_index()
    assert len(grouped) < len(cdnow)
    w = clv.BetaGeo().fit(grouped["x"], grouped["t_x"], grouped["T"], weights=grouped["n"])
    assert w.params_.to_numpy() == pytest.approx(bg_cdnow.params_.to_numpy(), rel=1e-6)


def test_bgnbd_shape(cdnow, bg_cdnow):
    model = clv.BetaGeo(time_unit="W")
    assert model.fit(cdnow["x"], cdnow["t_x"], cdnow["T"]) is model  # fit returns the fitted model itself
    assert model.params_.tolist() == bg_cdnow.params_.tolist()
    assert repr(clv.BetaGeo()) == "BetaGeo(time_unit='W', not fitted)"
    with pytest.raises(clv.KamModelError, match="BG/NBD: call fit"):
        clv.BetaGeo().probability_alive([1], [1.0], [2.0])
    assert list(bg_cdnow.params_.index) == ["r", "alpha", "a", "b"]
    s = bg_cdnow.summary
    assert list(s.index) == ["r", "alpha", "a", "b"]
    # 95 % intervals on the log scale (delta method): estimate * exp(-/+ 1.96 * se / estimate)
    rel = s["std_error"] / s["estimate"]
    assert s["lower_95"].to_numpy() == pytest.approx((s["estimate"] * np.exp(-1.96 * rel)).to_numpy(), rel=1e-12)
    assert s["upper_95"].to_numpy() == pytest.approx((s["estimate"] * np.exp(1.96 * rel)).to_numpy(), rel=1e-12)
    assert repr(bg_cdnow).startswith("BetaGeo(time_unit='W', r=0.2426, alpha=4.414, a=0.7929, b=2.426")


def test_bgnbd_recovers_simulated_parameters():
    true = {"r": 0.5, "alpha": 6.0, "a": 0.8, "b": 3.0}
    sim = clv.simulate_bgnbd(20_000, T=np.linspace(30, 52, 20_000), seed=7, **true)
    fit = clv.BetaGeo().fit(sim)
    s = fit.summary
    for name, expected in true.items():
        assert abs(s.loc[name, "estimate"] - expected) < 4 * s.loc[name, "std_error"], name


@pytest.mark.parametrize("x,tx,t,text", [
    ([], [], [], "empty"),
    ([1, 2], [0.0, 3.0], [5.0, 5.0], "recency 0"),
    ([1, 2], [6.0, 3.0], [5.0, 5.0], "recency larger than T"),
    ([0, 2], [1.0, 3.0], [5.0, 5.0], "no repeat purchase"),
    ([-1, 2], [0.0, 3.0], [5.0, 5.0], "whole number"),
    ([1.5, 2], [1.0, 3.0], [5.0, 5.0], "whole number"),
    ([1, 2], [np.nan, 3.0], [5.0, 5.0], "missing"),
    ([0, 0], [0.0, 0.0], [5.0, 5.0], "frequency is 0 for all"),
])
def test_bgnbd_refuses_impossible_input(x, tx, t, text):
    with pytest.raises(clv.KamModelError, match=text):
        clv.BetaGeo().fit(x, tx, t)


def test_bgnbd_error_names_the_customers():
    x = pd.Series([1, 2, 3], index=["K1", "K2", "K3"])
    with pytest.raises(clv.KamModelError, match=r"1 customer with recency larger than T \(e.g. K2\)"):
        clv.BetaGeo().fit(x, pd.Series([1.0, 9.0, 2.0], index=x.index), pd.Series([5.0] * 3, index=x.index))


def test_bgnbd_non_convergence_is_an_error_with_advice():
    # nobody ever drops out: every customer bought right up to the end of the observation
    x = np.array([3, 5, 2, 8, 4, 6, 1, 7] * 5)
    t = np.full(len(x), 40.0)
    with pytest.raises(clv.KamModelError, match="did not converge") as exc:
        clv.BetaGeo().fit(x, t, t)
    assert "What to try" in str(exc.value) and "penalizer" in str(exc.value)
    model, notes = clv.fit_bgnbd(pd.DataFrame({"frequency": x, "recency": t, "T": t}))
    assert model.penalizer > 0
    assert notes[0].startswith("penalizer 0: BG/NBD did not converge")
    assert "regularised" in notes[-1]


# =========================================================================== Gamma-Gamma


def test_gamma_gamma_reproduces_the_published_cdnow_fit(gg_cdnow):
    for name, expected in {"p": 6.25, "q": 3.74, "gamma": 15.44}.items():
        assert gg_cdnow.params_[name] == pytest.approx(expected, rel=5e-3), name
    assert gg_cdnow.n_customers_ == 946
    assert gg_cdnow.notes_[0] == "1411 customers without a repeat purchase left out (no spend to learn from)"


def test_gamma_gamma_agrees_with_lifetimes(lifetimes, cdnow, gg_cdnow):
    rep = cdnow[cdnow["x"] > 0]
    ref = lifetimes.GammaGammaFitter().fit(rep["x"], rep["zbar"])
    assert gg_cdnow.params_.to_numpy() == pytest.approx(ref.params_.to_numpy(), rel=1e-4)
    ours = clv.GammaGamma()
    ours.params_ = pd.Series(ref.params_.to_numpy(), index=["p", "q", "gamma"])
    assert np.asarray(ours.expected_spend(rep["x"], rep["zbar"])) == pytest.approx(
        np.asarray(ref.conditional_expected_average_profit(rep["x"], rep["zbar"])), rel=1e-10)


def test_gamma_gamma_expected_spend_hand_computed():
    gg = clv.GammaGamma()
    gg.params_ = pd.Series({"p": 6.0, "q": 4.0, "gamma": 15.0})
    # x = 0: population mean p*gamma/(q-1) = 30; x = 2, m = 40: 6*(15+80)/(12+3) = 38
    assert gg.expected_spend(np.array([0, 2]), np.array([np.nan, 40.0])) == pytest.approx([30.0, 38.0])
    assert gg.mean_spend() == pytest.approx(30.0)


def test_gamma_gamma_scale_goes_into_gamma(cdnow, gg_cdnow):
    scaled = clv.GammaGamma().fit(cdnow["x"], cdnow["zbar"] * 100)
    assert scaled.params_["gamma"] == pytest.approx(100 * gg_cdnow.params_["gamma"], rel=1e-6)
    assert scaled.params_[["p", "q"]].to_numpy() == pytest.approx(gg_cdnow.params_[["p", "q"]].to_numpy(), rel=1e-6)


def test_gamma_gamma_spend_pitfalls():
    x = pd.Series([1, 2, 3, 2, 4, 0], index=list("abcdef"))
    m = pd.Series([20.0, 0.0, 30.0, 25.0, 40.0, np.nan], index=x.index)
    with pytest.raises(clv.KamModelError, match=r"1 customer with repeat purchases worth 0 \(e.g. b\)"):
        clv.GammaGamma().fit(x, m)
    gg = clv.GammaGamma(exclude_nonpositive=True).fit(x, m)
    assert gg.n_customers_ == 4
    assert any("spend 0 left out" in n for n in gg.notes_)
    assert any("without a repeat purchase" in n for n in gg.notes_)
    with pytest.raises(clv.KamModelError, match="negative spend"):
        clv.GammaGamma(exclude_nonpositive=True).fit(x, m.where(m != 30.0, -30.0))
    with pytest.raises(clv.KamModelError, match="at least two"):
        clv.GammaGamma().fit([1, 0], [10.0, np.nan])


def test_gamma_gamma_notes_correlated_spend(sample_data):
    rfm = clv.rfm_summary(sample_data.orders, as_of=sample_data.as_of)
    gg = clv.GammaGamma().fit(rfm)
    assert any("correlated" in n for n in gg.notes_)


# =========================================================================== RFM summary and expected CLV


def test_rfm_summary_hand_example():
    orders = pd.DataFrame({
        "order_id": ["1", "2", "3", "4", "5"], "account_id": ["A", "A", "A", "A", "B"],
        "date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-15", "2025-02-12", "2025-02-01"]),
        "gross_revenue_eur": [100.0, 50.0, 40.0, 60.0, 70.0], "discount_eur": [0.0, 0.0, 10.0, 0.0, 0.0],
        "cogs_eur": [50.0, 20.0, 10.0, 30.0, 35.0]})
    s = clv.rfm_summary(orders, as_of="2025-03-12", time_unit="W")
    # A: purchase days 01-01 (150), 01-15 (30 net), 02-12 (60): 2 repeat purchases
    assert s.loc["A", ["frequency", "recency", "T"]].tolist() == [2, 6.0, 10.0]
    assert s.loc["A", "monetary_value"] == pytest.approx(45.0)
    assert s.loc["B", "frequency"] == 0 and np.isnan(s.loc["B", "monetary_value"])
    days = clv.rfm_summary(orders, as_of="2025-03-12", time_unit="D", value="db1")
    assert days.loc["A", ["recency", "T"]].tolist() == [42.0, 70.0]
    assert days.loc["A", "monetary_value"] == pytest.approx((20.0 + 30.0) / 2)
    assert len(orders) == 5  # input unchanged


def test_expected_clv_telescopes_and_discounts(bg_cdnow, gg_cdnow, cdnow):
    summary = cdnow.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"}).head(200)
    one_step = clv.expected_clv(bg_cdnow, gg_cdnow, summary, horizon=1, discount_rate=0.1, steps_per_year=1,
                                margin=0.3)
    year = 365.25 / 7
    purchases = np.asarray(bg_cdnow.expected_purchases(year, summary["frequency"], summary["recency"], summary["T"]))
    spend = np.asarray(gg_cdnow.expected_spend(summary["frequency"], summary["monetary_value"]))
    assert one_step["clv"].to_numpy() == pytest.approx(purchases * spend * 0.3 / 1.1, rel=1e-10)
    monthly = clv.expected_clv(bg_cdnow, gg_cdnow, summary, horizon=1, discount_rate=0.0, margin=0.3)
    assert monthly["clv"].to_numpy() == pytest.approx(purchases * spend * 0.3, rel=1e-9)
    assert monthly["purchases_next_year"].to_numpy() == pytest.approx(purchases)
    longer = clv.expected_clv(bg_cdnow, gg_cdnow, summary, horizon=3, discount_rate=0.1, margin=0.3)
    assert (longer["clv"] >= one_step["clv"] - 1e-9).all()


# =========================================================================== decisions


def test_clv_grid_cells_match_the_formula():
    g = clv.clv_grid(100.0, retentions=[0.8, 0.9, 1.0], discount_rates=[0.0, 0.1])
    assert g.loc[0.9, 0.1] == pytest.approx(450.0)
    assert np.isnan(g.loc[1.0, 0.0])  # infinite without a horizon
    h = clv.clv_grid(100.0, retentions=[0.8, 1.0], discount_rates=[0.0, 0.1], horizon=5)
    assert h.loc[1.0, 0.0] == pytest.approx(500.0)
    assert h.loc[0.8, 0.1] == pytest.approx(clv.clv_finite(100.0, 0.8, 0.1, 5))


def test_retention_for_care_closed_form_hand_computed():
    t = clv.retention_for_care(1000.0, 0.8, 0.1, 100.0)
    v = 800 / 0.3
    expected = v * 1.1 / (900 + v)  # 0.822430
    assert t["required_retention"].iloc[0] == pytest.approx(expected)
    assert t["uplift"].iloc[0] == pytest.approx(expected - 0.8)
    # at the required retention the care exactly pays for itself
    assert clv.clv_closed_form(900.0, expected, 0.1) == pytest.approx(v)


def test_retention_for_care_finite_horizon_by_bisection():
    t = clv.retention_for_care(pd.Series({"A": 1000.0}), 0.8, 0.1, 100.0, horizon=10)
    r_new = t.loc["A", "required_retention"]
    assert clv.clv_finite(900.0, r_new, 0.1, 10) == pytest.approx(clv.clv_finite(1000.0, 0.8, 0.1, 10), rel=1e-9)
    long = clv.retention_for_care(1000.0, 0.8, 0.1, 100.0, horizon=3000)
    closed = clv.retention_for_care(1000.0, 0.8, 0.1, 100.0)
    assert long["required_retention"].iloc[0] == pytest.approx(closed["required_retention"].iloc[0], rel=1e-8)


def test_retention_for_care_says_when_care_does_not_pay():
    t = clv.retention_for_care(pd.Series({"loss": -50.0, "thin": 80.0, "small": 150.0}), 0.9, 0.1, 100.0)
    assert not t["attainable"].any()
    assert t.loc["loss", "note"].startswith("loses money")
    assert t.loc["thin", "note"] == "the extra care costs at least the whole margin"
    assert t.loc["small", "note"].startswith("not attainable")


def test_retention_by_group_shrinks_towards_the_portfolio(history):
    data = history()
    groups = pd.Series({"A": "x", "B": "x", "C": "y", "D": "y", "E": "y"})
    g = clv.retention_by_group(data, groups, prior_weight=6.0)
    # x: start A, B in 2023 and A in 2024 = 3, kept A twice = 2; y: start C in 2023 (lost: pauses 2024) and
    # D in 2024 (kept) = 2, kept 1; pooled 3/5 (test_retention_table_hand_example)
    assert g.loc["x", ["active_before", "retained"]].tolist() == [3, 2]
    assert g.loc["y", ["active_before", "retained"]].tolist() == [2, 1]
    assert g.loc["x", "retention"] == pytest.approx((2 + 6 * 0.6) / (3 + 6), abs=1e-6)
    assert g.loc["y", "retention"] == pytest.approx((1 + 6 * 0.6) / (2 + 6), abs=1e-6)


def test_quadrant_moves_hand_example():
    profile = pd.DataFrame({"retention": [0.95, 0.9, 0.9, 0.8], "db4_margin": [0.3, 0.2, 0.1, 0.05]},
                           index=["strategic", "star", "status", "streamline"])
    acc = pd.DataFrame({"quadrant": ["star"], "net_revenue": [1000.0], "db4": [200.0], "name": ["Kunde"]},
                       index=["A"])
    moves = clv.quadrant_moves(acc, profile, discount_rate=0.1).set_index("to")
    assert list(moves.index) == ["strategic", "streamline"]
    up = moves.loc["strategic"]
    assert up["direction"] == "up" and up["axis"] == "strength"
    # margin 200 + (0.3 - 0.2) * 1000 = 300; CLV 300*0.95/0.15 - 200*0.9/0.2 = 1900 - 900
    assert up["margin_new"] == pytest.approx(300.0)
    assert up["value"] == pytest.approx(1000.0)
    assert up["care_per_year"] == pytest.approx(1000.0 / (0.95 / 0.15), abs=0.005)  # rounded to cents
    assert moves.loc["streamline", "direction"] == "down" and moves.loc["streamline", "value"] < 0
    assert clv.adjacent_quadrants("strategic") == [("star", "strength", "down"), ("status", "attractiveness", "down")]


@pytest.mark.parametrize("time_unit", ["D", "W", "M"])
def test_collapsed_dropout_mixing_is_reported_in_every_time_unit(time_unit):
    # three months after the last order of the sample company: the plain fit runs along a + b -> infinity
    from conftest import SAMPLE

    import kamlib

    data = kamlib.load(SAMPLE, as_of="2026-03-31")
    rfm = clv.rfm_summary(data.orders, as_of=data.as_of, time_unit=time_unit)
    with pytest.raises(clv.KamModelError, match="a and b grow without limit together"):
        clv.BetaGeo(time_unit=time_unit).fit(rfm)
    model, notes = clv.fit_bgnbd(rfm, time_unit=time_unit)
    assert model.penalizer == 0.001 and len(notes) == 2
    # alpha is a rate per time unit: the penalised fit is unit-free, so alpha in weeks is the weekly fit's alpha
    weekly, _ = clv.fit_bgnbd(clv.rfm_summary(data.orders, as_of=data.as_of, time_unit="W"), time_unit="W")
    week = clv.TIME_UNITS[time_unit] / 7.0
    assert model.params_["alpha"] * week == pytest.approx(weekly.params_["alpha"], rel=0.01)
    assert 1.0 < weekly.params_["alpha"] < 100.0  # weeks between orders of the typical account: a plausible scale


# =========================================================================== what notebook 03 shows, in both languages


def test_message_is_english_text_and_renders_german():
    m = clv.Message("adequacy_short", facts=clv.Message("adequacy_facts", periods=2, accounts=1223, lost=10),
                    missing=[clv.Message("need_years", n=3), clv.Message("need_lost", n=20)])
    assert m == ("2 years of cohort history, 1223 accounts, 10 lost; the sBG needs at least 3 years, at least 20 "
                 "lost accounts to tell heterogeneity from a constant churn rate")
    assert m.text("de").startswith("2 Jahre Kohortenhistorie, 1223 Kunden, 10 verloren; das sBG braucht "
                                   "mindestens 3 Jahre, mindestens 20 verlorene Kunden")
    assert clv.say(m, "de") == m.text("de") and clv.say("plain", "de") == "plain"
    import pickle

    assert pickle.loads(pickle.dumps(m)).text("de") == m.text("de")
    # numbers in the template's format, German style; a percentage with the non-breaking space
    assert clv.text("gg_correlated", "de", corr=0.771).startswith("Kaufhäufigkeit und Umsatz je Kauf sind korreliert (+0,77)")
    assert clv.text("care", "de", care=10000.0, r=0.97612, d=0.1, horizon=10, k=15, n=22).startswith(
        "Zusätzliche Betreuung 10.000 EUR je Kunde und Jahr, r = 0,9761, d = 0,1, Horizont 10 Jahre")
    assert clv.retention_sentence(0.9, clv.Message("source_parameter"), lang="de") == (
        "Verwendete Bindungsrate: r = 0,9000 (Parameter retention); Abwanderungsrate 1 − r = 10,00\u00a0%")


def test_sources_and_reasons_render_in_german(history, sample_data):
    r, source = clv.choose_retention(history(), 0.0)
    assert source == "orders: pooled over 2 years" and clv.retention_kind(source) == "pooled"
    assert clv.say(source, "de") == "aus den Aufträgen, über 2 Jahre zusammengefasst"
    assert clv.retention_kind(clv.choose_retention(history(), 0.9)[1]) == "given"
    ok, reason = clv.sbg_adequacy(clv.survival_table(sample_data))
    assert clv.sbg_verdict(ok, reason, lang="de").startswith("Zu wenig Historie: 2 Jahre Kohortenhistorie")
    assert clv.sbg_decision(r, source, lang="de").startswith(
        "Entscheidung: Der CLV dieses Notebooks verwendet die gemeinsame Bindungsrate r = 0,6000.")  # 3/5
    a = clv.assumptions_table(margin_basis=clv.margin_basis("2025-01-01", "2025-12-31", lang="de"), retention=r,
                              retention_source=source, discount_rate=0.1, horizon=10, growth=0.0, lang="de")
    assert a["Quelle"].tolist()[1:5] == ["aus den Aufträgen, über 2 Jahre zusammengefasst", "Parameter discount_rate",
                                         "Parameter horizon", "Parameter growth"]
    assert a["Wert"].iloc[0] == "DB IV der letzten 12 Monate (01.01.2025 bis 31.12.2025)"
    view = clv.survival_view(clv.survival_table(history()), lang="de")
    assert view.index.tolist() == ["2023 (Bestandskunden)", "2024", "2025"]
    assert view.iloc[1].tolist() == ["1", "1", "–"]


def test_worked_example_by_hand():
    # m = 100, r = 0.8, d = 0.1: 80/0.3; T = 2: 80/1.1 + 64/1.21; at the start: 110/0.3
    e = clv.worked_example(100.0, 0.8, 0.1, horizon=2)
    assert e["by_hand"] == pytest.approx(800 / 3) and e["closed"] == pytest.approx(800 / 3)
    assert e["finite"] == pytest.approx(80 / 1.1 + 64 / 1.21) and e["start"] == pytest.approx(110 / 0.3)
    lines = clv.worked_example_text(e, account="A Anton", lang="de").splitlines()
    assert lines[0] == "A Anton: Deckungsbeitrag m = 100,00 EUR, Bindungsrate r = 0,8000, Diskontsatz d = 0,1"
    assert lines[1] == "von Hand: m·r/(1+d−r) = 100,00 · 0,8000 / (1 + 0,1 − 0,8000) = 266,67 EUR"
    en = clv.worked_example_text(e, account="A Anton").splitlines()
    assert en[1] == "by hand: m*r/(1+d-r) = 100.00 * 0.8000 / (1 + 0.1 - 0.8000) = 266.67 EUR"
    c = pd.DataFrame({"net_revenue": [10.0, 50.0, 0.0], "db4": [5.0, 2.0, 9.0]}, index=["A", "B", "C"])
    assert clv.example_account(c, ["B", "C"]) == "B"  # C has the higher DB IV but no revenue


def test_totals_focus_and_sensitivity_by_hand():
    active = pd.DataFrame({"name": ["Anton", "Berta", "Cäsar"], "db4": [100.0, -20.0, 50.0]}, index=["A", "B", "C"])
    t = clv.account_clv_table(active, ["A", "B"], retention=0.8, discount_rate=0.1, horizon=2)
    assert t["key_account"].tolist() == [True, True, False] and t["name"].iloc[0] == "Anton"
    tot = clv.clv_totals(t)
    assert tot.index.tolist() == ["key_accounts", "all_active", "negative_db4"]
    assert tot["margin"].tolist() == [80.0, 130.0, -20.0]
    assert tot.loc["key_accounts", "clv"] == pytest.approx(80 * 0.8 / 0.3)  # CLV is linear in m
    assert clv.focus_margin(t) == 80.0 and clv.focus_margin(t, "C") == 50.0
    # one year: CLV = m·r/(1+d); +1 point r: 100·0.81/1.1 − 100·0.8/1.1; +1 point d: 100·0.8/1.11 − 100·0.8/1.1
    s = clv.sensitivity_steps(100.0, 0.8, 0.1, horizon=1)
    assert s["step_r"] == pytest.approx(1 / 1.1) and s["step_d"] == pytest.approx(80 / 1.11 - 80 / 1.1)
    assert clv.sensitivity_sentence(s, horizon=1, lang="de").startswith(
        "Betrachteter Deckungsbeitrag 100 EUR je Jahr. Ein Prozentpunkt mehr Bindungsrate: +1 EUR;")


def test_margin_rates_expected_summary_and_moves():
    c = pd.DataFrame({"net_revenue": [100.0, 300.0], "db4": [10.0, 90.0], "db4_margin": [0.1, 0.3]}, index=["A", "B"])
    assert clv.margin_rates(c, ["B", "X"]).tolist() == [0.3, 0.25]  # X: (10 + 90) / (100 + 300)
    e = pd.DataFrame({"clv": [10.0, 5.5, 1.0], "p_alive": [0.9, 0.4, 0.5]})
    assert clv.expected_summary(e) == {"total": 16.5, "below_half": 1}  # 0.5 is not below 50 %
    assert clv.expected_sentence(e, horizon=5, lang="de") == (
        "Erwarteter CLV über 5 Jahre, alle Kunden: 16 EUR; Kunden mit P(aktiv) unter 50 %: 1")
    m = pd.DataFrame({"account_id": ["A", "A", "B", "B"], "direction": ["up", "down", "up", "down"],
                      "value": [5.0, -9.0, 7.0, -3.0]})
    assert clv.top_moves(m, "up")["value"].tolist() == [7.0, 5.0]
    assert clv.top_moves(m, "down")["value"].tolist() == [-9.0, -3.0]
    assert clv.top_moves(m, "down", key_ids=["B"])["account_id"].tolist() == ["B"]
    with pytest.raises(KamParameterError, match="parameter direction: must be 'up' or 'down', not 'sideways'"):
        clv.top_moves(m, "sideways")


def test_care_reasons_are_codes_with_german_labels():
    t = clv.retention_for_care(pd.Series({"loss": -5.0, "thin": 50.0, "ok": 1000.0}), 0.8, 0.1, 100.0)
    assert t["reason"].tolist() == ["loses_money", "care_eats_margin", ""]
    shown = value.show(t[["reason"]], "de")
    assert shown.iloc[0, 0] == "macht Verlust: mehr Bindung verlängert nur den Verlust"
    assert clv.care_sentence(t, extra_care=100.0, retention=0.8, discount_rate=0.1, horizon=10).endswith(
        "pays off with an attainable uplift for 1 of 3 accounts")


def test_published_example_and_holdout_table():
    models = clv.fit_published_example()
    assert [round(v, 3) for v in models["high_end"].params_] == [0.668, 3.806]
    assert clv.published_sentence(lang="de") == ("Veröffentlicht (Fader & Hardie 2007): Standardkunden α = 0,704, "
                                                 "β = 1,182; Premiumkunden α = 0,668, β = 3,806")
    t = clv.holdout_table(models, lang="de")
    assert t.index.tolist() == [8, 9, 10, 11, 12] and t.index.name == "Jahr"
    assert t["Premiumkunden: beobachtet"].tolist() == ["468", "445", "427", "409", "394"]
    assert list(t.columns)[-1] == "Premiumkunden: r_t" and "," in t.iloc[0, -1]


def test_sbg_describe_says_the_fit_in_the_runs_language():
    # α = 1, β = 3: mean yearly churn α/(α+β) = 1/4 = 25 %; 1,200 accounts, 150 lost (set by hand, no fit needed)
    model = clv.ShiftedBetaGeometric()
    model.params_ = pd.Series([1.0, 3.0], index=["alpha", "beta"])
    model.n_accounts_, model.n_cohorts_, model.n_periods_, model.n_lost_ = 1200, 4, 3, 150
    assert model.describe("de") == (
        "sBG geschätzt: α = 1,000, β = 3,000, im Mittel gehen also 25,0\u00a0% der Kunden pro Jahr verloren; "
        "1.200 Kunden (Kohorten: 4) über 3 Jahre, 150 verloren."
    )
    assert "25.0%" in model.describe("en") and "1,200 accounts" in model.describe("en")
    with pytest.raises(clv.KamModelError):
        clv.ShiftedBetaGeometric().describe("de")
