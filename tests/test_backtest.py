"""Tests for kamlib.backtest: the health score at past quarter ends against the following quarters."""

from __future__ import annotations

import dataclasses

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kamlib import backtest as bt  # noqa: E402
from kamlib import review as rv  # noqa: E402
from kamlib.errors import KamParameterError  # noqa: E402


def _orders(rows):
    return pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(len(rows))],
            "account_id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "gross_revenue_eur": [float(r[2]) for r in rows],
        }
    )


# Six accounts, orders in 2025Q1-Q4 (mid-quarter dates); with horizon 2 the only usable quarter is 2025Q2:
# base = 2025Q1 + Q2, next = 2025Q3 + Q4, fall 0.2 -> bad when next < 0.8 x base.
#   A 100/100 -> 100/100: base 200, next 200, held (change 0)
#   B 100/100 -> 50/100:  base 200, next 150 < 160, fell (-25 %)
#   C 100/100 -> 90/80:   base 200, next 170 >= 160, held (-15 %)
#   D 100/-   -> 100/-:   no order in 2025Q2: the review cannot score it (not_scored)
#   E 100/100 -> -/-:     no order at all in the next two quarters: lost
#   F 50/50   -> 0/-:     one order worth 0: not lost, but fell (0 < 80)
CASE = [
    ("A", "2025-02-14", 100), ("A", "2025-05-15", 100), ("A", "2025-08-14", 100), ("A", "2025-11-14", 100),
    ("B", "2025-02-14", 100), ("B", "2025-05-15", 100), ("B", "2025-08-14", 50), ("B", "2025-11-14", 100),
    ("C", "2025-02-14", 100), ("C", "2025-05-15", 100), ("C", "2025-08-14", 90), ("C", "2025-11-14", 80),
    ("D", "2025-02-14", 100), ("D", "2025-08-14", 100),
    ("E", "2025-02-14", 100), ("E", "2025-05-15", 100),
    ("F", "2025-02-14", 50), ("F", "2025-05-15", 50), ("F", "2025-08-14", 0),
]  # fmt: skip
# the stub's scores: A 80 green, B 40 red, C 60 amber, E 70 amber, F 90 green
SCORES = {"A": 80.0, "B": 40.0, "C": 60.0, "D": 55.0, "E": 70.0, "F": 90.0}


@pytest.fixture()
def case(make_data):
    accounts = pd.DataFrame({"account_id": list("ABCDEF"), "name": list("ABCDEF")})
    return make_data(accounts, _orders(CASE))


@pytest.fixture()
def stub(monkeypatch):
    """A health score with known values per account; it refuses a quarter as the review does and records the
    latest order date it was shown."""
    seen = []

    def fake(data, account_id, period, **kwargs):
        rv.check_period(data, period, account_id=account_id)
        seen.append((account_id, period, data.orders["date"].max(), data.as_of))
        s = SCORES[account_id]
        return pd.DataFrame({"score": [s], "band": [rv.band(s)]}, index=["health"])

    monkeypatch.setattr(bt, "health_score", fake)
    return seen


def test_outcomes_hit_rate_precision_and_auc_by_hand(case, stub):
    r = bt.health_backtest(case, horizon=2, fall=0.2)
    t = r.table.set_index("account_id")
    assert r.parameters["quarters"] == ["2025Q2"]
    assert t["outcome"].to_dict() == {"A": "held", "B": "fell", "C": "held", "E": "lost", "F": "fell"}
    assert t.loc["B", "change"] == pytest.approx(-0.25) and t.loc["C", "change"] == pytest.approx(-0.15)
    assert t.loc["F", "next_orders"] == 1 and t.loc["E", "next_orders"] == 0
    s = r.summary
    # bad = B, E, F; flagged (red/amber) = B, C, E; hits = B, E
    assert (s["rows"], s["accounts"], s["not_scored"], s["bad"], s["lost"], s["fell"]) == (5, 5, 1, 3, 1, 2)
    assert (s["flagged"], s["hits"], s["false_alarms"]) == (3, 2, 1)
    assert s["hit_rate"] == pytest.approx(2 / 3) and s["precision"] == pytest.approx(2 / 3)
    assert s["base_rate"] == pytest.approx(3 / 5)
    # risk = 100 - score: bad B 60, E 30, F 10; good A 20, C 40. Pairs won by the bad case:
    # (60,20) (60,40) (30,20) = 3 of 6 -> 0.5
    assert s["auc"] == pytest.approx(0.5)


def test_each_account_quarter_is_scored_once(sample_data, monkeypatch):
    """The backtest needs the score at the quarter's end, not the previous quarter's that health_score adds for
    the trend: one health_components call per account and quarter (three accounts at 2024Q2: 3 calls; before,
    each was scored for 2024Q1 too: 6)."""
    calls = []
    real = rv.health_components

    def counted(data, account_id, period, **kwargs):
        calls.append((account_id, period))
        return real(data, account_id, period, **kwargs)

    monkeypatch.setattr(rv, "health_components", counted)
    accounts = ["ACC-0071", "ACC-0084", "ACC-0135"]
    r = bt.health_backtest(sample_data, account_ids=accounts, quarters=["2024Q2"])
    assert sorted(calls) == [(a, "2024Q2") for a in accounts]
    assert r.summary["rows"] == 3


def test_auc_counts_ties_half():
    # bad risks 1, 2; good risks 1, 0: (1 vs 1) 0.5 + (1 vs 0) 1 + (2 vs 1) 1 + (2 vs 0) 1 = 3.5 of 4
    assert bt.auc([1, 1, 2, 0], [True, False, True, False]) == pytest.approx(0.875)
    assert bt.auc([3, 2, 1], [False, True, True]) == 0.0  # every good case riskier: perfectly wrong
    assert pd.isna(bt.auc([1, 2], [True, True]))  # no good case: undefined


def test_fall_threshold_moves_the_outcome(case, stub):
    # with fall 0.1, C's -15 % is a fall too (170 < 180)
    t = bt.health_backtest(case, horizon=2, fall=0.1).table.set_index("account_id")
    assert t.loc["C", "outcome"] == "fell"


def test_the_score_only_sees_data_up_to_the_quarter_end(case, stub):
    bt.health_backtest(case, horizon=2)
    end = pd.Period("2025Q2").end_time
    assert stub and all(latest <= end and as_of <= end for _, _, latest, as_of in stub)


def test_quarters_usable_and_refused(case, make_data):
    assert [str(q) for q in bt.backtest_quarters(case, horizon=2)] == ["2025Q2"]
    # horizon 1: base needs 2025Q1 only, the outcome one quarter after: 2025Q1 .. 2025Q3
    assert [str(q) for q in bt.backtest_quarters(case, horizon=1)] == ["2025Q1", "2025Q2", "2025Q3"]
    assert bt.backtest_quarters(case, horizon=4) == []
    with pytest.raises(KamParameterError, match="quarters"):
        bt.health_backtest(case, horizon=2, quarters=["2025Q3"])
    with pytest.raises(KamParameterError, match="fall"):
        bt.health_backtest(case, fall=1.5)
    with pytest.raises(KamParameterError, match="account_ids"):
        bt.health_backtest(case, account_ids=["ZZZ"])


def test_no_look_ahead_on_the_sample(sample_data):
    """Everything dated after the quarter's end changed: the scores stay, only the outcomes move."""
    d = sample_data
    accounts = ["ACC-0071", "ACC-0084", "ACC-0135"]
    before = bt.health_backtest(d, account_ids=accounts, quarters=["2024Q2"])
    end = pd.Period("2024Q2").end_time
    o = d.orders.copy()
    later = o["date"] > end
    o.loc[later, "gross_revenue_eur"] = o.loc[later, "gross_revenue_eur"] * 0.1
    it = d.interactions[d.interactions["date"] <= end]  # nobody met anybody after the quarter
    c = d.complaints[d.complaints["opened"] <= end].copy()  # later complaints never happened ...
    closed_later = c["closed"] > end
    c.loc[closed_later, "closed"] = pd.NaT  # ... and those closed after the quarter were never closed
    extra = pd.DataFrame({"complaint_id": ["X1"], "account_id": ["ACC-0071"], "opened": [end + pd.Timedelta(days=3)],
                          "closed": [pd.NaT], "severity": ["critical"], "category": ["quality"]})  # fmt: skip
    assert closed_later.any() and (d.complaints["opened"] > end).any()  # there was something to change
    actions = d.actions[d.actions["due"] <= end]  # nothing was planned beyond the quarter
    assert len(actions) < len(d.actions)
    changed = dataclasses.replace(
        d, orders=o, interactions=it, complaints=pd.concat([c, extra], ignore_index=True), actions=actions
    )
    after = bt.health_backtest(changed, account_ids=accounts, quarters=["2024Q2"])
    pd.testing.assert_series_equal(before.table["score"], after.table["score"])
    assert (after.table["next_revenue"] < before.table["next_revenue"]).all()  # the change did reach the outcome


def test_as_of_quarter_keeps_nothing_dated_later(sample_data):
    q = pd.Period("2024Q3")
    s = bt.as_of_quarter(sample_data, q)
    end = q.end_time
    assert s.orders["date"].max() <= end and s.interactions["date"].max() <= end
    assert s.complaints["opened"].max() <= end and not (s.complaints["closed"] > end).any()
    assert (pd.PeriodIndex(s.targets["period"].astype(str), freq="Q") <= q).all()
    assert (pd.PeriodIndex(s.service_costs["period"].astype(str), freq="Q") <= q).all()
    assert not (s.actions["due"] > end).any()
    assert len(sample_data.targets) > len(s.targets)  # the sample has later targets, so the cut did something


def test_scores_are_the_reviews_scores_as_of_the_quarter(sample_data):
    r = bt.health_backtest(sample_data, account_ids=["ACC-0071"], quarters=["2024Q4"])
    then = bt.as_of_quarter(sample_data, pd.Period("2024Q4"))
    expected = rv.health_score(then, "ACC-0071", "2024Q4").loc["health", "score"]
    assert r.table["score"].iloc[0] == pytest.approx(expected)


def test_views_and_chart_speak_german(case, stub):
    from kamlib.present import charts

    r = bt.health_backtest(case, horizon=2)
    view = bt.summary_view(r, "de")
    assert list(view.columns) == ["Kennzahl", "Wert"]
    assert "Trefferquote (schlechte Verläufe markiert)" in set(view["Kennzahl"])
    bands = bt.band_view(r, "de")
    assert list(bands.index) == ["rot", "gelb", "grün"]
    # red: B fell; amber: C held, E lost -> 1 of 2 bad; green: A held, F fell -> 1 of 2
    assert bands.loc["gelb", "verloren"] == "1" and bands.loc["gelb", "Anteil schlecht"].startswith("50")
    assert "Trefferquote" not in bt.findings(r, "de") and "AUC 0,50" in bt.findings(r, "de")
    ax = charts.backtest_chart(r, lang="de")
    assert "AUC 0,50" in ax.get_title() and ax.get_xlabel() == "Health Score am Quartalsende"
    plt.close("all")


def test_chart_bins_close_on_the_right_like_the_bands():
    from kamlib.present import charts

    # held: 50 (red, the band's upper limit) and 75 (amber's limit); bad: 0 and 100
    table = pd.DataFrame({"score": [50.0, 75.0, 0.0, 100.0], "bad": [False, False, True, True]})
    result = bt.Backtest(table=table, summary=pd.Series({"auc": 0.25}), parameters={})
    ax = charts.backtest_chart(result, lang="en")
    held = [p.get_height() for p in ax.patches[:10]]
    bad = [p.get_height() for p in ax.patches[10:20]]
    # bins (0-10], ..., (40-50], ...: 50 falls in the 5th bin (index 4), 75 in (70-80] (index 7);
    # 0 joins the first bin, 100 the last
    assert held == [0, 0, 0, 0, 0.5, 0, 0, 0.5, 0, 0] and bad == [0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0.5]
    plt.close("all")


def test_key_accounts_then_are_chosen_on_the_data_of_the_quarter(sample_data):
    # at each quarter the accounts tested are that quarter's definitive list, chosen on the data as they stood,
    # not today's key accounts (which have by construction not been lost since)
    from kamlib import defaults
    from kamlib.selection import select_key_accounts

    r = bt.health_backtest(sample_data, quarters=["2024Q2"], key_accounts_then=True)
    then = select_key_accounts(bt.as_of_quarter(sample_data, pd.Period("2024Q2")), **defaults.selection_parameters())
    expected = {a for a in then.definitive.index
                if sample_data.orders.loc[(sample_data.orders["account_id"] == a)
                                          & (sample_data.orders["date"] > pd.Timestamp("2023-06-30"))
                                          & (sample_data.orders["date"] <= pd.Timestamp("2024-06-30")),
                                          "gross_revenue_eur"].sum() > 0}
    assert set(r.table["account_id"]) == expected
    today = set(select_key_accounts(sample_data, **defaults.selection_parameters()).definitive.index)
    assert set(r.table["account_id"]) != today  # the list moved between then and now
    assert r.parameters["key_accounts_then"] is True
