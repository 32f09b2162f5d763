"""kamlib.scope: a report about one account shows its rows and anonymous context, never another account.

Expected values are worked out by hand on frames of a few rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamlib import value
from kamlib.errors import KamParameterError
from kamlib.present import charts
from kamlib.scope import Scope, group_figures, peer_context, present_context, restrict


@pytest.fixture()
def tiny():
    # C is the account; E has no value; B ties with C
    return pd.DataFrame({"name": ["Alpha", "Beta", "Gamma", "Delta", "Eps", "Phi", "Omega"],
                         "x": [10.0, 20.0, 20.0, 40.0, np.nan, 60.0, 5.0]},
                        index=pd.Index(list("ABCDEFG"), name="account_id"))


# --------------------------------------------------------------------------- rows


def test_rows_keep_only_the_account_wherever_its_id_is(tiny):
    assert restrict(tiny, "C")["name"].tolist() == ["Gamma"]
    as_column = tiny.reset_index()
    assert restrict(as_column, "C")["name"].tolist() == ["Gamma"]
    by_year = pd.Series([1, 2, 3], index=pd.MultiIndex.from_tuples([("C", 2024), ("A", 2024), ("C", 2025)],
                                                                   names=["account_id", "period"]))
    assert restrict(by_year, "C").tolist() == [1, 3]
    plain = pd.Series([1.0, 2.0], index=["A", "C"])  # an unnamed index holds account ids
    assert restrict(plain, "C").tolist() == [2.0]


def test_rows_of_the_portfolio_and_among(tiny):
    assert len(restrict(tiny, None)) == len(restrict(tiny, "")) == len(restrict(tiny, "  ")) == 7
    assert restrict(tiny, None, among=["G", "A"]).index.tolist() == ["A", "G"]  # row order kept
    assert restrict(tiny, "C", among=["G", "A"]).index.tolist() == ["C"]  # the account even when not among


def test_rows_fail_closed(tiny):
    assert restrict(tiny, "Z").empty  # unknown account: nothing, never somebody else
    out = restrict(tiny, "C")
    out.loc["C", "x"] = 0.0
    assert tiny.loc["C", "x"] == 20.0  # a copy
    per_quadrant = pd.DataFrame({"accounts": [3, 4]}, index=pd.Index(["star", "status"], name="quadrant"))
    with pytest.raises(KamParameterError, match="not per account"):
        restrict(per_quadrant, "C")


# --------------------------------------------------------------------------- context


def test_context_by_hand(tiny):
    ctx = peer_context(tiny, "C", ["x"]).loc["x"]
    # others with a value: A 10, B 20, D 40, F 60, G 5 -> sorted 5, 10, 20, 40, 60
    assert ctx["this_account"] == 20.0
    assert ctx["rank"] == 3  # D and F are higher; B ties and does not push C down
    assert ctx["accounts"] == 6 and ctx["peers"] == 5  # E has no value
    assert ctx["percentile"] == 50.0  # (G, A below + half of B's tie) / 5 = 2.5 / 5
    assert (ctx["peer_p25"], ctx["peer_median"], ctx["peer_p75"]) == (10.0, 20.0, 40.0)


def test_context_of_an_account_without_a_value(tiny):
    ctx = peer_context(tiny, "E", ["x"]).loc["x"]
    assert pd.isna(ctx["this_account"]) and pd.isna(ctx["rank"]) and pd.isna(ctx["percentile"])
    assert ctx["accounts"] == 6 and ctx["peers"] == 6
    # others 5, 10, 20, 20, 40, 60: p25 at position 1.25 -> 10 + 0.25 * 10; p75 at 3.75 -> 20 + 0.75 * 20
    assert (ctx["peer_p25"], ctx["peer_median"], ctx["peer_p75"]) == (12.5, 20.0, 35.0)


def test_context_withholds_quartiles_of_few_peers(tiny):
    ctx = peer_context(tiny, "C", ["x"], min_peers=6).loc["x"]
    assert ctx["rank"] == 3 and ctx["percentile"] == 50.0  # rank and percentile name nobody
    assert pd.isna(ctx["peer_p25"]) and pd.isna(ctx["peer_median"]) and pd.isna(ctx["peer_p75"])
    two = pd.DataFrame({"x": [1.0, 3.0]}, index=pd.Index(["A", "B"], name="account_id"))
    alone = peer_context(two, "A", ["x"]).loc["x"]
    assert alone["percentile"] == 0.0 and alone["rank"] == 2 and pd.isna(alone["peer_median"])  # would be B's figure


def test_context_refuses_the_portfolio_and_duplicate_accounts(tiny):
    with pytest.raises(KamParameterError, match="account_id"):
        peer_context(tiny, "", ["x"])
    with pytest.raises(KamParameterError, match="one row per account"):
        peer_context(pd.concat([tiny, tiny]), "C", ["x"])


def test_context_has_no_other_accounts_id_or_name(tiny):
    ctx = peer_context(tiny, "C", ["x"])
    text = ctx.to_string() + ctx.to_html()
    assert not any(s in text for s in ["Alpha", "Beta", "Delta", "Omega", "A ", "B ", "D "])
    assert list(ctx.index) == ["x"]


def test_present_context_in_both_languages(tiny):
    # C: 20, rank 3 of 6, percentile 50, 5 peers with quartiles 10 / 20 / 40 (see test_context_by_hand)
    en = present_context(peer_context(tiny, "C", ["x"]), "en", decimals=1)
    assert en.columns.tolist() == ["This account", "Rank (1 = highest)", "Accounts with a value",
                                   "Percentile (share of the others below, %)", "Other accounts",
                                   "Others: lower quartile", "Others: median", "Others: upper quartile"]
    assert en.index.name == "Figure" and en.index.tolist() == ["x"]  # an unknown figure code stays as it is
    assert en.loc["x"].tolist() == ["20.0", "3", "6", "50.0", "5", "10.0", "20.0", "40.0"]
    # E has no value: no rank, no percentile; its 6 peers' quartiles 12.5 / 20 / 35 (test above), as fractions
    de = present_context(peer_context(tiny.assign(x=tiny["x"] / 100), "E", ["x"]), "de", percent=["x"])
    assert de.index.name == "Kennzahl" and de.columns[0] == "Dieser Kunde"
    assert de.loc["x"].tolist() == ["\u2013", "\u2013", "6", "\u2013", "6", "12,5\u00a0%", "20,0\u00a0%",
                                    "35,0\u00a0%"]
    withheld = present_context(peer_context(tiny, "C", ["x"], min_peers=6), "de")
    assert withheld.loc["x"].tolist()[-3:] == ["\u2013"] * 3 and withheld.loc["x", "Dieser Kunde"] == "20"


def test_describe_switches_with_the_view(tiny):
    assert list(Scope(None).describe(tiny, ["x"]).columns[:2]) == ["count", "mean"]  # the portfolio: describe
    assert "max" not in Scope("C").describe(tiny, ["x"]).columns  # an account: no single account's max
    assert Scope("C").describe(tiny, ["x"]).loc["x", "rank"] == 3
    assert Scope("C").ids(["A", "B"]) == ["C"] and Scope(None).ids(["A", "B"]) == ["A", "B"]


# --------------------------------------------------------------------------- groups


def test_group_figures_drop_totals_and_mask_small_groups():
    q = pd.DataFrame({"accounts": [6, 6, 5, 4], "db4": [60.0, 50.0, 40.0, 30.0], "margin": [0.3, 0.2, 0.1, 0.4]},
                     index=pd.Index(["strategic", "star", "status", "streamline"], name="quadrant"))
    out = group_figures(q, totals=["db4"], own_group="star")
    assert list(out.columns) == ["accounts", "margin"]
    # strategic: 6 others -> kept; star: 6 - the account itself = 5 -> kept; status: 5 -> kept; streamline: 4 -> masked
    assert out["margin"].tolist()[:3] == [0.3, 0.2, 0.1] and np.isnan(out.loc["streamline", "margin"])
    assert out["accounts"].tolist() == [6, 6, 5, 4]
    own_small = group_figures(q, totals=["db4"], own_group="status")
    assert np.isnan(own_small.loc["status", "margin"])  # 5 with the account = 4 others
    assert Scope(None).groups(q, totals=["db4"]) is q  # the portfolio view shows the table as it is


# --------------------------------------------------------------------------- value: whale position and chart


def test_whale_position_by_hand():
    curve = value.whale_curve(pd.Series({"a": 80.0, "b": 40.0, "c": 0.0, "d": -20.0}))
    # cumulative 80, 120, 120, 100: the peak is reached after 2 accounts
    assert value.whale_position(curve, "b") == {"account_id": "b", "rank": 2, "accounts": 4, "peak_accounts": 2,
                                                "db4": 40.0, "zone": "core"}
    assert value.whale_position(curve, "c")["zone"] == "zero"
    d = value.whale_position(curve, "d")
    assert (d["rank"], d["zone"], d["db4"]) == (4, "destroyer", -20.0)
    assert value.whale_position_sentence(d, name="Delta") == (
        "d Delta: rank 4 of 4 by DB IV, beyond the peak of the whale curve: after cost to serve it destroys 20 EUR")
    assert value.whale_position_sentence(value.whale_position(curve, "zz"), lang="de") == (
        "zz hat im Zeitraum weder Umsatz noch Betreuungskosten")


def test_cost_to_serve_chart_for_one_account_shows_no_other_account():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    ids = [f"ACC-{i:04d}" for i in range(1, 8)]
    names = [f"Firma {c}" for c in "ABCDEFG"]
    net = [100.0, 200, 300, 400, 500, 600, 700]
    cts = [10.0, 20, 30, 40, 50, 60, 1000]  # ACC-0007 loses money
    db4 = [50.0, 60, 70, 80, 90, 100, -400]
    t = pd.DataFrame({"name": names, "net_revenue": net, "cost_to_serve": cts, "db4": db4},
                     index=pd.Index(ids, name="account_id"))
    fig, ax = plt.subplots()
    charts.cost_to_serve_chart(t, account_id="ACC-0003", ax=ax)
    texts = [x.get_text() for x in ax.texts] + [x.get_text() for x in ax.get_legend().get_texts()]
    assert "Firma C" in texts and not any(n in " ".join(texts) for n in names if n != "Firma C")
    points = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(points) == 1 and list(points[0].get_xdata()) == [300.0] and list(points[0].get_ydata()) == [30.0]
    # others 100, 200, 400, 500, 600, 700: p25 at position 1.25 = 250, p75 at 3.75 = 575, median 450;
    # cost 10, 20, 40, 50, 60, 1000: p25 = 25, p75 = 57.5, median 45
    box = next(p for p in ax.patches if isinstance(p, Rectangle) and p.get_alpha() == 0.2)
    assert tuple(box.get_xy()) == (250.0, 25.0) and box.get_width() == 325.0 and box.get_height() == 32.5
    median = next(line for line in ax.get_lines() if line.get_marker() == "x")
    assert list(median.get_xdata()) == [450.0] and list(median.get_ydata()) == [45.0]
    plt.close(fig)
