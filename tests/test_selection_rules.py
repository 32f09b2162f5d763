"""Issue 13, selection part: lifetime value from DB IV, redundant criteria, distance-keeping scores,
company-defined criteria, provisional vs definitive, the emerging accounts' own track.

Every case is hand-made; the arithmetic behind each expected value is in a comment."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import kamlib
from kamlib import selection
from kamlib.errors import KamParameterError

IDS = ["A", "B", "C", "D", "E"]
CRIT3 = ["revenue_share", "growth_potential", "relationship"]


def _data(make_data, *, revenue=(500, 300, 100, 60, 40), previous=(250, 300, 200, 20, 0), extra_columns=None,
          service_costs=None, kams=None) -> kamlib.KamData:
    """Five accounts; revenue last 12 months 500/300/100/60/40 (or ``revenue``), the 12 months before 250/300/200/20/0; DB I is
    half the revenue (cogs 50 %)."""
    accounts = pd.DataFrame({"account_id": IDS, "name": [f"Kunde {i}" for i in IDS], "kam_id": [None] * 5,
                             "relationship_stage": ["integrated", "cooperative", "interdependent", "basic",
                                                    "exploratory"],
                             "status": ["active"] * 5})
    for name, values in (extra_columns or {}).items():
        accounts[name] = values
    rows = []
    for i, (cur, prev) in enumerate(zip(revenue, previous)):
        rows.append({"order_id": f"o{i}c", "account_id": IDS[i], "date": pd.Timestamp("2025-06-01"),
                     "gross_revenue_eur": float(cur), "discount_eur": 0.0, "cogs_eur": cur * 0.5})
        if prev:
            rows.append({"order_id": f"o{i}p", "account_id": IDS[i], "date": pd.Timestamp("2024-06-01"),
                         "gross_revenue_eur": float(prev), "discount_eur": 0.0, "cogs_eur": prev * 0.5})
    extra = {"service_costs": service_costs} if service_costs is not None else {}
    return make_data(accounts, pd.DataFrame(rows), kams, **extra)


# ----------------------------------------------------------------------------- lifetime value from the value step


def test_lifetime_value_is_the_db4_clv_of_notebook_03(make_data):
    from kamlib import clv, value

    # A: revenue 500, DB I 250, service costs 240 -> DB IV 10; B: DB I 150, no costs -> DB IV 150
    costs = pd.DataFrame({"account_id": ["A"], "period": ["2025"], "category": ["service"], "cost_eur": [240.0]})
    data = _data(make_data, service_costs=costs)
    m = selection.criterion_metrics(data)
    r, _ = clv.choose_retention(data)
    # CLV = m r / (1 + d - r), d = 0.10: A 10 r / (1.1 - r), B 150 r / (1.1 - r)
    assert m.loc["A", "clv"] == pytest.approx(10 * r / (1.1 - r))
    assert m.loc["B", "clv"] == pytest.approx(150 * r / (1.1 - r))
    # the same figure notebook 03 shows (value.account_contribution -> clv.account_clv_table)
    contribution = value.account_contribution(data, start="2025-01-01", end="2025-12-31")
    table = clv.account_clv_table(contribution, [], retention=r, discount_rate=0.10, horizon=10)
    assert m["clv"].reindex(table.index).tolist() == pytest.approx(table["clv"].tolist())
    scores = selection.criterion_scores(m)
    # by revenue A leads B, by lifetime value (after cost to serve) B leads A
    assert scores.loc["A", "revenue_share"] > scores.loc["B", "revenue_share"]
    assert scores.loc["A", "lifetime_value"] < scores.loc["B", "lifetime_value"]


# ----------------------------------------------------------------------------- criteria that carry the same information


def test_correlation_flags_criteria_that_carry_the_same_information():
    # x and y move together (y = 2x): r = 1; z = (1, 3, 2, 4) against x = (1, 2, 3, 4):
    # deviations x (-1.5, -0.5, 0.5, 1.5), z (-1.5, 0.5, -0.5, 1.5): cov sum 2.25 - 0.25 - 0.25 + 2.25 = 4,
    # var sums 5 and 5 -> r = 4 / 5 = 0.8
    scores = pd.DataFrame({"x": [1.0, 2, 3, 4], "y": [2.0, 4, 6, 8], "z": [1.0, 3, 2, 4]})
    corr = selection.criteria_correlation(scores, ["x", "y", "z"])
    assert corr.loc["x", "y"] == pytest.approx(1.0) and corr.loc["x", "z"] == pytest.approx(0.8)
    pairs = selection.redundant_pairs(corr, threshold=0.9)
    assert [(p[0], p[1]) for p in pairs] == [("x", "y")]
    assert [(p[0], p[1]) for p in selection.redundant_pairs(corr, threshold=0.8)] == [("x", "y"), ("x", "z"),
                                                                                       ("y", "z")]
    with pytest.raises(KamParameterError) as exc:
        selection.redundant_pairs(corr, threshold=1.5)
    assert exc.value.parameter == "redundancy_threshold"


def test_selection_warns_when_two_chosen_criteria_are_redundant(make_data):
    # without service costs DB IV = DB I = half the revenue: lifetime value ranks exactly like revenue (r = 1)
    sel = selection.select_key_accounts(_data(make_data),
                                        criteria=["revenue_share", "lifetime_value", "growth_potential"],
                                        thresholds=5.0, max_key_accounts=2)
    assert sel.correlation.loc["revenue_share", "lifetime_value"] == pytest.approx(1.0)
    notes = [n for n in sel.notes if isinstance(n, selection.Text) and n.key == "redundant"]
    assert len(notes) == 1
    assert notes[0].render("en").startswith("Revenue share and Lifetime value carry almost the same information")
    assert "0,9" in notes[0].render("de")  # the threshold is stated, in the reader's number format
    # a higher threshold than any correlation: no warning
    quiet = selection.select_key_accounts(_data(make_data), criteria=["revenue_share", "growth_potential"],
                                          thresholds=5.0, max_key_accounts=2)
    assert not [n for n in quiet.notes if getattr(n, "key", "") == "redundant"]
    # revenue 10/7.5/5/2.5/0 and relationship 10/5/7.5/2.5/0: deviations (5, 2.5, 0, -2.5, -5) and
    # (5, 0, 2.5, -2.5, -5) -> cov 56.25, variances 62.5 and 62.5 -> r = 0.9: warned at 0.9, not at 0.95
    pair = dict(criteria=["revenue_share", "relationship"], thresholds=5.0, max_key_accounts=2)
    at_09 = selection.select_key_accounts(_data(make_data), redundancy_threshold=0.9, **pair)
    at_095 = selection.select_key_accounts(_data(make_data), redundancy_threshold=0.95, **pair)
    assert at_09.correlation.loc["revenue_share", "relationship"] == pytest.approx(0.9)
    assert [n.key for n in at_09.notes if getattr(n, "key", "") == "redundant"] == ["redundant"]
    assert not [n for n in at_095.notes if getattr(n, "key", "") == "redundant"]


# ----------------------------------------------------------------------------- scoring rules that keep distances


def test_scoring_rules_keep_distances():
    v = pd.Series([1000.0, 100.0, 50.0, 0.0, None])
    # share of the maximum: 10 * v / 1000
    assert selection.scale_scores(v, "share_of_max").tolist()[:4] == pytest.approx([10.0, 1.0, 0.5, 0.0])
    # log: 10 * ln(1 + v) / ln(1 + 1000); ln 101 = 4.6151, ln 1001 = 6.9088 -> 6.680
    log = selection.scale_scores(v, "log")
    assert log.tolist()[:4] == pytest.approx([10.0, 10 * math.log(101) / math.log(1001),
                                              10 * math.log(51) / math.log(1001), 0.0])
    # percentile: ranks 4, 3, 2, 1 of 4 -> 10, 6.67, 3.33, 0
    assert selection.scale_scores(v, "percentile").tolist()[:4] == pytest.approx([10.0, 20 / 3, 10 / 3, 0.0])
    assert all(math.isnan(s.iloc[4]) for s in (log, selection.scale_scores(v, "share_of_max")))
    # negative values (a loss-making lifetime value) score 0 on the distance-keeping rules
    assert selection.scale_scores(pd.Series([-50.0, 100.0]), "share_of_max").tolist() == [0.0, 10.0]
    with pytest.raises(KamParameterError) as exc:
        selection.scale_scores(v, "rank")
    assert exc.value.parameter == "scoring_rule" and "percentile, share_of_max, log" in str(exc.value)


def test_share_of_max_puts_the_big_account_ahead_of_a_small_integrated_one(make_data):
    # the case in miniature: A brings 1000 with a basic relationship, E 55 with an integrated one
    data = _data(make_data, revenue=[1000, 60, 50, 40, 55])
    acc = data.accounts.copy()
    acc["relationship_stage"] = ["basic", "exploratory", "exploratory", "exploratory", "integrated"]
    data = make_data(acc, data.orders)
    args = dict(criteria=["revenue_share", "relationship"], thresholds=0.0, max_key_accounts=2, emerging_share=0.0)
    pct = selection.select_key_accounts(data, scoring_rule="percentile", **args).table
    # percentile: revenue ranks A 10, B 7.5, E 5, C 2.5, D 0 -> A 0.5*10 + 0.5*2.5 = 6.25, E 0.5*5 + 0.5*10 = 7.5
    assert pct.loc["A", "score"] == pytest.approx(6.25) and pct.loc["E", "score"] == pytest.approx(7.5)
    assert pct.loc["E", "rank"] == 1 and pct.loc["A", "rank"] == 2
    share = selection.select_key_accounts(data, scoring_rule="share_of_max", **args).table
    # share of max: E 10 * 55 / 1000 = 0.55 -> 0.275 + 5 = 5.275; A stays 6.25 and ranks first
    assert share.loc["E", "revenue_share"] == pytest.approx(0.55)
    assert share.loc["E", "score"] == pytest.approx(5.275)
    assert share.loc["A", "rank"] == 1 and share.loc["E", "rank"] == 2


def test_a_criterion_is_met_by_rank_whatever_the_scoring_rule(make_data):
    # B: revenue 300 of the largest 500 -> share of max 6.0 (weighted and ranked), percentile 7.5 -> meets the
    # threshold 7 (among the top 30 %); the scoring rule changes the ranking, not who meets a criterion
    sel = selection.select_key_accounts(_data(make_data), criteria=CRIT3, thresholds=7.0, max_key_accounts=2,
                                        scoring_rule="share_of_max", emerging_share=0.0)
    t = sel.table
    assert t.loc["B", "revenue_share"] == pytest.approx(6.0)
    assert t.loc["B", "criteria_met"] == "revenue_share"
    assert sel.scoring_rule == "share_of_max"


def test_rule_changes_list_the_accounts_that_enter_and_leave(make_data):
    data = _data(make_data)
    acc = data.accounts.copy()
    acc["relationship_stage"] = ["basic", "basic", "basic", "integrated", "integrated"]
    data = make_data(acc, data.orders)
    # percentile: A 5 + 1.25 = 6.25, B 3.75 + 1.25 = 5.0, D 1.25 + 5 = 6.25, E 0 + 5 = 5.0, C 2.5 + 1.25 = 3.75
    #   -> ties broken by id: A, D (2 places)
    # share of max: A 5 + 1.25 = 6.25, B 3 + 1.25 = 4.25, D 0.6 + 5 = 5.6, E 0.4 + 5 = 5.4 -> A, D
    args = dict(criteria=["revenue_share", "relationship"], thresholds=0.0, max_key_accounts=2, emerging_share=0.0)
    changes = selection.rule_changes(data, rules=("percentile", "share_of_max"), **args)
    assert changes.empty  # same list under both rules
    args["max_key_accounts"] = 3
    # 3 places: percentile A, D, then B/E tie at 5.0 -> B; share of max A, D, E (5.4 > 4.25)
    changes = selection.rule_changes(data, rules=("percentile", "share_of_max"), **args)
    assert changes.index.tolist() == ["B", "E"]
    assert changes.loc["B", "percentile"] and not changes.loc["B", "share_of_max"]
    assert changes.loc["E", "share_of_max"] and not changes.loc["E", "percentile"]


# ----------------------------------------------------------------------------- company-defined criteria


def test_a_company_criterion_from_an_accounts_column(make_data):
    # credit rating 1 (best) .. 5, lower is better, met at 2 or better; strategic fit flag 0/1, met at 1
    data = _data(make_data, extra_columns={"credit_rating": [1, 4, 2, 5, 3], "strategic_fit": [0, 1, 1, 0, 1]})
    custom = {"credit_rating": {"direction": "lower", "threshold": 2},
              "strategic_fit": {"direction": "higher", "threshold": 1}}
    sel = selection.select_key_accounts(data, criteria=["revenue_share", "credit_rating", "strategic_fit"],
                                        custom_criteria=custom, thresholds={"revenue_share": 7.0},
                                        max_key_accounts=5, emerging_share=0.0)
    t = sel.table.sort_index()
    # min-max scaled, the better end scores 10: rating 1 -> 10, 4 -> 10*(5-4)/4 = 2.5, 2 -> 7.5, 5 -> 0, 3 -> 5
    assert t["credit_rating"].tolist() == [10.0, 2.5, 7.5, 0.0, 5.0]
    assert t["strategic_fit"].tolist() == [0.0, 10.0, 10.0, 0.0, 10.0]
    # met: rating <= 2 -> A, C; fit >= 1 -> B, C, E; revenue share >= 7 (percentile) -> A 10, B 7.5
    assert t["criteria_met"].tolist() == ["revenue_share, credit_rating", "revenue_share, strategic_fit",
                                          "credit_rating, strategic_fit", "", "strategic_fit"]
    assert t["provisional"].tolist() == [True, True, True, False, False]
    # the reader sees the column's name where a criterion label would be
    assert t.loc["C", "reason"].render("de").startswith("erfüllt credit_rating, strategic_fit")
    # the workshop sliders re-rank with the company criteria too (their thresholds on the score scale: rating 2
    # -> 10 * (5 - 2) / 4 = 7.5, fit 1 -> 10): the same three accounts qualify
    from kamlib.workshop.widgets import SelectionWorkshop

    assert sel.thresholds.to_dict() == {"revenue_share": 7.0, "credit_rating": 7.5, "strategic_fit": 10.0}
    ranking = SelectionWorkshop.from_selection(sel).static()
    assert sorted(ranking["name"]) == ["Kunde A", "Kunde B", "Kunde C"]


@pytest.mark.parametrize("custom,text", [
    ({"size_class": {"direction": "higher", "threshold": 1}}, "column 'size_class' is not in the accounts table"),
    ({"city": {"direction": "higher", "threshold": 1}}, "column 'city' is not numeric"),
    ({"growth": {"direction": "higher", "threshold": 1}}, "column 'growth' has the name of a column"),
    ({"credit_rating": {"direction": "up", "threshold": 1}}, "column 'credit_rating': direction must be"),
    ({"credit_rating": {"direction": "lower"}}, "column 'credit_rating': give a threshold"),
    ({"credit_rating": {"direction": "lower", "threshold": "good"}}, "column 'credit_rating': the threshold"),
])
def test_bad_company_criteria_give_one_clear_error(make_data, custom, text):
    data = _data(make_data, extra_columns={"credit_rating": [1, 4, 2, 5, 3], "city": ["Ulm"] * 5,
                                           "growth": [0.1] * 5})
    name = next(iter(custom))
    with pytest.raises(KamParameterError, match=text) as exc:
        selection.select_key_accounts(data, criteria=["revenue_share", name], custom_criteria=custom)
    assert exc.value.parameter == "custom_criteria"
    # the runner refuses it before any notebook runs, with the same message
    from kamlib.batch import runner

    with pytest.raises(KamParameterError, match=text):
        runner.check_parameters(data, {"criteria": ["revenue_share", name], "custom_criteria": custom})


def test_reference_value_criterion_says_what_it_needs(make_data):
    # no reference_value column: nobody can meet credibility, and the note says which column it needs
    sel = selection.select_key_accounts(_data(make_data), criteria=["revenue_share", "credibility"],
                                        thresholds=5.0, max_key_accounts=2)
    notes = [n for n in sel.notes if getattr(n, "key", "") == "criterion_without_data"]
    assert len(notes) == 1 and "reference_value" in notes[0] and "reference_value" in notes[0].render("de")
    with_ref = selection.select_key_accounts(_data(make_data, extra_columns={"reference_value": [5, 1, 1, 1, 4]}),
                                             criteria=["revenue_share", "credibility"], thresholds=5.0,
                                             max_key_accounts=2)
    # reference value 5 -> 10, 4 -> 7.5, 1 -> 0
    assert with_ref.table.sort_index()["credibility"].tolist() == [10.0, 0.0, 0.0, 0.0, 7.5]
    assert not [n for n in with_ref.notes if getattr(n, "key", "") == "criterion_without_data"]


# ----------------------------------------------------------------------------- provisional vs definitive


def test_provisional_is_every_account_that_meets_the_rule(make_data):
    # percentile scores (see test_selection): A 10/5/10, B 7.5/2.5/5, C 5/0/7.5 -> n_met 3, 2, 2 at threshold 5
    sel = selection.select_key_accounts(_data(make_data), criteria=CRIT3, thresholds=5.0, max_key_accounts=2,
                                        emerging_share=0.0)
    t = sel.table
    assert sorted(sel.provisional.index) == ["A", "B", "C"]  # all three meet the rule, not only the 2 places
    assert sorted(sel.definitive.index) == ["A", "B"]
    assert t.loc["C", "reason"] == "rank 3 beyond the 2 places"
    assert t.loc["C", "reason"].render("de") == "Rang 3, außerhalb der 2 Plätze"


# ----------------------------------------------------------------------------- emerging accounts


def test_emerging_accounts_get_their_own_track(make_data):
    # ABC on 500/300/100/60/40 (total 1000): cum 0.5 A, 0.8 A, 0.9 B, 0.96 C, 1.0 C
    # growth: D +200 %, E new (counts as +300 %) -> emerging (not A, growth >= 25 %); C -50 % is not
    # growth potential (percentile of growth, no wallet): D 7.5, E 10 -> own ranking E 1, D 2
    # emerging_share 0.5 of 2 places -> 1 reserved place; the criteria track keeps 1: A (rank 1)
    sel = selection.select_key_accounts(_data(make_data), criteria=CRIT3, thresholds=5.0, max_key_accounts=2,
                                        emerging_share=0.5)
    t = sel.table
    assert sorted(sel.definitive.index) == ["A", "E"]
    assert t.loc["E", "track"] == "emerging" and t.loc["A", "track"] == "criteria"
    assert t.loc["E", "emerging_rank"] == 1 and t.loc["D", "emerging_rank"] == 2
    assert t.loc["E", "provisional"] and t.loc["D", "provisional"]  # candidates of the emerging track
    assert t.loc["E", "reason"] == "emerging account: rank 1 on growth and potential (1 reserved place)"
    assert t.loc["E", "reason"].render("de") == ("aufstrebender Kunde: Rang 1 bei Wachstum und Potenzial "
                                                 "(1 Platz reserviert)")
    assert t.loc["D", "reason"] == "emerging account: rank 2 beyond the 1 reserved place"
    assert t.loc["B", "reason"] == "rank 2 beyond the 1 places"
    # without a reserved share the emerging accounts compete on the criteria alone: A and B
    plain = selection.select_key_accounts(_data(make_data), criteria=CRIT3, thresholds=5.0, max_key_accounts=2,
                                          emerging_share=0.0)
    assert sorted(plain.definitive.index) == ["A", "B"]


def test_emerging_accounts_at_the_growth_cap_rank_by_revenue(make_data):
    # D and E both new (no revenue the year before): growth counts as the cap +300 % for both, so their growth
    # potential ties (growth 1, 0, -0.5, 3, 3: min rank 4 of 5 for both -> 10 * 3/4 = 7.5; no wallet);
    # the tie goes to the larger revenue: E 60 before D 40 (by id D would come first)
    data = _data(make_data, revenue=(500, 300, 100, 40, 60), previous=(250, 300, 200, 0, 0))
    sel = selection.select_key_accounts(data, criteria=CRIT3, thresholds=5.0, max_key_accounts=2, emerging_share=0.5)
    t = sel.table
    assert t.loc["D", "growth_potential"] == t.loc["E", "growth_potential"] == 7.5
    assert t.loc["E", "emerging_rank"] == 1 and t.loc["D", "emerging_rank"] == 2
    assert sorted(sel.definitive.index) == ["A", "E"]


def test_unused_emerging_places_go_back_to_the_criteria_track(make_data):
    # emerging_share 1.0 of 3 places = 3 reserved, but only D and E are emerging: the third goes to A
    sel = selection.select_key_accounts(_data(make_data), criteria=CRIT3, thresholds=5.0, max_key_accounts=3,
                                        emerging_share=1.0)
    assert sorted(sel.definitive.index) == ["A", "D", "E"]


@pytest.mark.parametrize("share", [-0.1, 1.5, "half"])
def test_bad_emerging_share_names_the_parameter(make_data, share):
    with pytest.raises(KamParameterError) as exc:
        selection.select_key_accounts(_data(make_data), criteria=CRIT3, emerging_share=share)
    assert exc.value.parameter == "emerging_share"


def test_runner_checks_the_scoring_rule_before_any_notebook(make_data):
    from kamlib.batch import runner

    with pytest.raises(KamParameterError) as exc:
        runner.check_parameters(_data(make_data), {"scoring_rule": "rank"})
    assert exc.value.parameter == "scoring_rule"


def test_a_company_criterion_read_from_a_csv_folder(sample_copy):
    # extra accounts columns come from a CSV as text: a rating written as digits (one blank) and a flag written
    # as true/false must still be usable as criteria; a letter rating is refused naming the column and account
    import kamlib

    path = sample_copy / "accounts.csv"
    acc = pd.read_csv(path, dtype=str, keep_default_na=False)
    acc["credit_rating"] = [str(1 + i % 5) if i else "" for i in range(len(acc))]  # 1..5, the first one blank
    acc["strategic_fit"] = ["true" if i % 2 else "false" for i in range(len(acc))]
    acc.to_csv(path, index=False)
    data = kamlib.load(sample_copy, warn=False)
    custom = {"credit_rating": {"direction": "lower", "threshold": 2},
              "strategic_fit": {"direction": "higher", "threshold": 1}}
    sel = selection.select_key_accounts(data, criteria=["revenue_share", "credit_rating", "strategic_fit"],
                                        custom_criteria=custom)
    t = sel.table.loc[acc["account_id"]]
    # rating 1 -> 10, 5 -> 0 (lower is better, min-max); the blank one scores nothing and meets nothing
    assert t["credit_rating"].iloc[1:6].tolist() == [7.5, 5.0, 2.5, 0.0, 10.0]
    assert math.isnan(t["credit_rating"].iloc[0])
    assert t["strategic_fit"].iloc[:4].tolist() == [0.0, 10.0, 0.0, 10.0]
    met = t["criteria_met"].astype(str)
    assert "credit_rating" in met.iloc[5] and "credit_rating" not in met.iloc[0]  # rating 1 is met, blank is not
    acc.loc[3, "credit_rating"] = "AA"
    acc.to_csv(path, index=False)
    bad = kamlib.load(sample_copy, warn=False)
    with pytest.raises(KamParameterError, match=rf"column 'credit_rating' is not numeric: account {acc.loc[3, 'account_id']} holds 'AA'"):
        selection.select_key_accounts(bad, criteria=["revenue_share", "credit_rating"], custom_criteria=custom)


def test_redundancy_is_judged_on_the_scores_that_decide_met(make_data):
    # met goes by rank under every scoring rule, so the correlation behind the "same information" warning is
    # that of the rank (percentile) scores, whichever rule weights the ranking
    data = _data(make_data)
    args = dict(criteria=["revenue_share", "lifetime_value", "growth_potential"], max_key_accounts=3)
    by_rank = selection.select_key_accounts(data, scoring_rule="percentile", **args).correlation
    by_share = selection.select_key_accounts(data, scoring_rule="share_of_max", **args).correlation
    pd.testing.assert_frame_equal(by_share, by_rank)
