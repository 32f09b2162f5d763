"""Thin data: only accounts and orders, less than two years of history, zero-value orders.

Each test pins one root cause found by running the workbook on the sample reduced to accounts.csv +
orders.csv and on the CDNOW data (kamlib.data.public): what must not fail, and what must be said instead.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import kamlib
from kamlib import clv, review, selection, value
from kamlib.errors import KamParameterError
from kamlib.present import overview

AS_OF = "2025-12-31"
# A buys 100 + 300, B 50, C only a zero-value order, D 0 + 25: four accounts with orders, 11 months of history.
ACCOUNTS = "account_id,name\nA,Alpha GmbH\nB,Beta AG\nC,Gamma KG\nD,Delta SE\nE,Epsilon e.K. (no orders)\n"
ORDERS = """order_id,account_id,date,quantity,gross_revenue_eur
O1,A,2025-02-10,1,100.00
O2,A,2025-11-20,3,300.00
O3,B,2025-03-05,1,50.00
O4,C,2025-06-01,1,0.00
O5,D,2025-05-01,2,0.00
O6,D,2025-10-10,1,25.00
"""


@pytest.fixture()
def thin(tmp_path):
    folder = tmp_path / "thin"
    folder.mkdir()
    (folder / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (folder / "orders.csv").write_text(ORDERS, encoding="utf-8")
    data = kamlib.load(folder, as_of=AS_OF, warn=False)
    assert data.available == ("accounts", "orders")
    return data


# --------------------------------------------------------------------------- retention: too short to measure


def test_short_history_falls_back_to_the_stated_retention(thin):
    assert clv.retention_table(thin).empty  # less than two full 12-month windows
    r, source = clv.choose_retention(thin, 0.0)
    assert r == clv.FALLBACK_RETENTION == 0.8
    assert clv.retention_is_assumed(source)
    note = clv.retention_note(thin, r, source)
    assert "11 months (2025-02-10 to 2025-12-31)" in note
    assert "r = 80.0% (kamlib.clv.FALLBACK_RETENTION)" in note and "retention=0.9" in note
    de = clv.retention_note(thin, r, source, lang="de")
    assert "nur 11 Monate ab (10.02.2025 bis 31.12.2025)" in de and "80,0\u00a0%" in de


def test_the_retention_parameter_overrides_the_fallback(thin, monkeypatch):
    assert clv.choose_retention(thin, 0.9) == (0.9, "parameter retention")
    assert clv.retention_note(thin, 0.9, "parameter retention") == ""
    monkeypatch.setattr(clv, "FALLBACK_RETENTION", 0.7)  # the constant is the documented override, too
    r, source = clv.choose_retention(thin, 0.0)
    assert r == 0.7 and clv.retention_is_assumed(source)


def test_quadrant_retention_falls_back_and_moves_come_from_margin_alone(thin):
    quadrants = pd.Series({"A": "strategic", "B": "star", "C": "streamline", "D": "streamline"}, name="quadrant")
    assert clv.retention_by_group(thin, quadrants).empty
    table = clv.retention_by_group(thin, quadrants, fallback=0.8)
    assert table["retention"].tolist() == [0.8, 0.8, 0.8] and table["retention_raw"].isna().all()
    assert table.loc["streamline", "accounts"] == 2
    contribution = value.account_contribution(thin, start="2025-01-01", end=AS_OF)
    profile = clv.quadrant_profile(contribution, quadrants, table)
    movers = contribution[["name", "net_revenue", "db4"]].join(quadrants)
    moves = clv.quadrant_moves(movers, profile, discount_rate=0.1)
    # the neighbours present in the profile (no status account): A -> star; B -> strategic, streamline; C, D -> star
    assert list(zip(moves["account_id"], moves["from"], moves["to"])) == [
        ("A", "strategic", "star"), ("B", "star", "strategic"), ("B", "star", "streamline"),
        ("D", "streamline", "star"), ("C", "streamline", "star")]
    assert (moves["retention_now"] == 0.8).all() and (moves["retention_new"] == 0.8).all()
    # CLV at the same margin: m * 0.8 / (1.1 - 0.8); A 400 -> 1066.67, B 50 -> 133.33, D 25 -> 66.67, C 0
    assert moves["clv_new"].tolist() == pytest.approx([1066.67, 133.33, 133.33, 66.67, 0.0], abs=0.005)
    # without cogs and service costs every quadrant's DB IV margin is 100 %: a move changes nothing
    assert moves["value"].abs().max() == 0


def test_quadrant_moves_without_retention_say_why(thin):
    quadrants = pd.Series({"A": "strategic", "B": "star"}, name="quadrant")
    contribution = value.account_contribution(thin, start="2025-01-01", end=AS_OF)
    profile = clv.quadrant_profile(contribution, quadrants, clv.retention_by_group(thin, quadrants))
    with pytest.raises(KamParameterError, match="retention of strategic, star is unknown") as exc:
        clv.quadrant_moves(contribution[["name", "net_revenue", "db4"]].join(quadrants, how="inner"), profile,
                           discount_rate=0.1)
    assert exc.value.parameter == "profile"


# --------------------------------------------------------------------------- concentration counts zero-value accounts


def test_concentration_counts_every_account_with_orders(thin):
    rev = selection.account_revenue(thin.orders)
    assert sorted(rev.index) == ["A", "B", "C", "D"]  # E has no orders; C's only order is worth 0
    # shares sorted 400, 50, 25, 0 of 475: G = 5/4 - 2/4 * (400 + 2*50 + 3*25 + 4*0) / 475
    expected_gini = 5 / 4 - 0.5 * 575 / 475
    by_year = overview.concentration_by_year(thin)
    assert by_year["Accounts"].tolist() == [4, 4]
    assert by_year["Gini"].iloc[0] == pytest.approx(round(expected_gini, 4))
    assert by_year["Top-20 % share"].iloc[0] == pytest.approx(round(400 / 475, 4))
    sentence = overview.concentration_sentence(rev, period="in 2025")
    assert sentence.startswith("The top 20 % of accounts (1 of 4) bring 84.2% of gross revenue in 2025")
    table = selection.concentration_by_year(thin.orders)
    assert table.loc[0, "accounts"] == 4 and table.loc[0, "gini"] == pytest.approx(round(expected_gini, 4))
    margin = selection.concentration_by_year(thin.orders, measure="margin")
    assert margin.loc[0, "accounts"] == 4 and margin.loc[0, "negative_accounts"] == 0


def test_margin_concentration_leaves_out_only_negative_accounts(thin):
    import dataclasses

    orders = thin.orders.assign(cogs_eur=[0.0, 0.0, 80.0, 0.0, 0.0, 0.0])  # B now loses 30 on its goods
    table = selection.concentration_by_year(dataclasses.replace(thin, orders=orders).orders, measure="margin")
    assert table.loc[0, "accounts"] == 3 and table.loc[0, "negative_accounts"] == 1


# --------------------------------------------------------------------------- the margin scheme says what it lacks


def test_contribution_notes_name_the_missing_costs(thin):
    notes = value.missing_data_notes(thin)
    assert len(notes) == 3
    assert notes[0].startswith("No service_costs table: the cost to serve")
    assert "DB I equals net revenue" in notes[1] and "net revenue equals gross revenue" in notes[2]
    assert value.missing_data_notes(thin, lang="de")[0].startswith("Keine Tabelle service_costs")


def test_whale_sentence_without_losses_has_no_minus_zero(thin):
    contribution = value.account_contribution(thin, start="2025-01-01", end=AS_OF)
    summary = value.whale_summary(value.whale_curve(contribution["db4"]))
    assert summary["destroyed"] == 0 and math.copysign(1, summary["destroyed"]) == 1
    assert "-0 EUR" not in value.whale_sentence(summary)


# --------------------------------------------------------------------------- reviews: unknown is not zero


def test_account_kpis_without_interactions_and_complaints_are_unknown(thin):
    kpis = review.account_kpis(thin, "A", "2025Q4")
    assert kpis["revenue"] == 300.0 and kpis["contacts_expected"] == 1
    for k in ("contacts_held", "meetings", "calls", "complaints_opened", "complaints_closed",
              "complaints_open_at_end"):
        assert math.isnan(kpis[k]), k
    health = review.health_score(thin, "A", "2025Q4")
    assert math.isnan(health.loc["engagement", "score"]) and math.isnan(health.loc["complaints", "score"])
    # no plan, nothing a year before, no cost at all (a margin of 100 % has no trend): no score, not a red 50
    assert math.isnan(health.loc["margin", "score"]) and math.isnan(health.loc["growth_vs_plan", "score"])
    assert math.isnan(health.loc["health", "score"]) and health.loc["health", "band"] == "n/a"
    page = review.qbr_summary(thin, "A", "2025Q4", plan=review.plan_vs_actual(thin, "A", "2025Q4"), kpis=kpis,
                              health=health, actions=review.action_status(thin, "A", "2025Q4"),
                              proposals=review.next_actions(thin, "A", "2025Q4", health=health))
    assert "| Meetings and calls (meetings, visits, QBRs, calls) | - / 1 |" in page and "| - / - |" in page
    assert "nan" not in page.lower().replace("n/a", "")  # unknown shows as "-", never as nan


def test_review_notes_name_every_missing_table(thin):
    notes = review.missing_data_notes(thin)
    assert [n.split(":")[0] for n in notes] == [
        "No targets table", "No interactions table", "No complaints table", "No contacts table", "No actions table",
        "No service_costs table", "No products table",
        "Neither cost of goods (orders.cogs_eur) nor service costs"]
    portfolio = review.missing_data_notes(thin, view="portfolio", lang="de")
    assert portfolio[0].startswith("Keine Tabelle kams")
    with pytest.raises(KamParameterError, match="parameter view: must be one of account, portfolio, not 'nope'"):
        review.missing_data_notes(thin, view="nope")


def test_selection_without_kams_says_where_the_list_length_comes_from(thin):
    sel = selection.select_key_accounts(thin, criteria=["revenue_share", "growth_potential", "relationship"],
                                        min_criteria=1)
    assert any(n.startswith("no kams table: KAM capacity is unknown, so the list holds the default 10") for n in sel.notes)
    assert sel.capacity.empty
    fixed = selection.select_key_accounts(thin, criteria=["revenue_share", "growth_potential", "relationship"],
                                          min_criteria=1, max_key_accounts=2)
    assert not any("no kams table" in n for n in fixed.notes)


def test_margin_trend_counts_once_there_is_a_cost(thin):
    import dataclasses

    with_cogs = dataclasses.replace(thin, orders=thin.orders.assign(cogs_eur=[40.0, 150.0, 20.0, 0.0, 0.0, 10.0]))
    assert review.has_costs(with_cogs) and not review.has_costs(thin)
    comps = review.health_components(with_cogs, "D", "2025Q4")
    # D: no revenue in 2025Q3, so no previous margin; A: 60 % in Q1, 50 % in Q4 but nothing in Q3 either
    assert math.isnan(comps["margin"])
    both = dataclasses.replace(with_cogs, orders=pd.concat([with_cogs.orders, pd.DataFrame(
        {"order_id": ["O7"], "account_id": ["A"], "date": [pd.Timestamp("2025-08-01")], "quantity": [1.0],
         "gross_revenue_eur": [100.0], "cogs_eur": [40.0]})], ignore_index=True))
    # A: DB IV margin 60 % in Q3, 50 % in Q4: -10 pp -> 0
    assert review.health_components(both, "A", "2025Q4")["margin"] == pytest.approx(0.0)
    assert "Neither cost of goods" not in " ".join(review.missing_data_notes(both))
