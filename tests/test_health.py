"""The health score's rules: a gap is a finding, not a blank (issue 13).

Each rule is tested on a small hand-made account whose numbers are worked out in the comments; the last tests
compute on the sample what the issue asks of it (no pinned numbers: the sample may change).

The healthy account ``A`` (quarter 2025Q4, as of 2025-12-31):

* orders: 100 EUR in 2024Q4, 100 in 2025Q3, 110 in 2025Q4, cost of goods half the revenue (DB I = DB IV margin 50 %
  in both quarters: change 0 -> margin score 50);
* a KAM (K1), a revenue target of 100 for 2025Q3 and 2025Q4 (110 / 100 -> growth score 100);
* four contacts, one per role decider (a supporter), buyer, influencer, user, all met in 2025Q4 -> coverage 100;
* interactions in 2025Q4: a QBR on 2025-11-20 (41 days before the quarter's end), a meeting, a call and a visit
  -> engagement 4 / 1 expected -> 100; a QBR on 2025-08-20 too;
* no complaint (the company has complaints: account Z's) -> 100; one action due 2025-11-01, done -> 100.

Weighted with the default weights: 0.25·100 + 0.15·50 + 0.20·100 + 0.15·100 + 0.15·100 + 0.10·100 = 92.5, green.
"""

from __future__ import annotations

import json
import math
import types

import pandas as pd
import pytest
from conftest import ROOT

from kamlib import defaults
from kamlib import review as rv
from kamlib.errors import KamParameterError

Q = "2025Q4"


def _orders(acc: str, rows) -> list[dict]:
    return [{"order_id": f"{acc}-o{i}", "account_id": acc, "date": pd.Timestamp(d), "product_id": "P1",
             "quantity": 1.0, "gross_revenue_eur": float(rev), "discount_eur": 0.0,
             "cogs_eur": float(rev) * 0.5 if cogs is None else float(cogs)}
            for i, (d, rev, cogs) in enumerate(rows)]


def _account(acc: str, *, kam="K1", q4=110.0, q4_cogs=None, last_year=100.0, targets=(("2025Q3", 100.0), ("2025Q4", 100.0)),
             decider=("decider", "supporter"), qbrs=("2025-08-20", "2025-11-20"), actions=(("2025-11-01", "done"),),
             complaints=()) -> dict[str, list[dict]]:
    """The tables of one account; the defaults make the healthy account of the module docstring."""
    orders = _orders(acc, [("2024-11-10", last_year, None), ("2025-08-10", 100.0, None), ("2025-11-10", q4, q4_cogs)])
    roles = [decider, ("buyer", "neutral"), ("influencer", "champion"), ("user", "neutral")]
    contacts = [{"contact_id": f"{acc}-c{i}", "account_id": acc, "name": f"Contact {i}", "buying_role": r,
                 "attitude": a} for i, (r, a) in enumerate(roles) if r is not None]
    met = [("2025-10-15", "meeting", 1), ("2025-10-20", "call", 2), ("2025-12-01", "visit", 3)]
    met += [(d, "qbr", 0) for d in qbrs]
    interactions = [{"interaction_id": f"{acc}-i{i}", "account_id": acc, "date": pd.Timestamp(d), "type": t,
                     "kam_id": kam, "contact_id": f"{acc}-c{c}"} for i, (d, t, c) in enumerate(met)]
    return {
        "accounts": [{"account_id": acc, "name": f"Account {acc}", "kam_id": kam}],
        "orders": orders,
        "targets": [{"account_id": acc, "period": p, "revenue_target_eur": t, "margin_target_eur": t / 2}
                    for p, t in targets],
        "contacts": contacts,
        "interactions": interactions,
        "actions": [{"action_id": f"{acc}-a{i}", "account_id": acc, "goal": "g", "action": f"do {i}", "owner": "o",
                     "due": pd.Timestamp(d), "status": s} for i, (d, s) in enumerate(actions)],
        "complaints": [{"complaint_id": f"{acc}-k{i}", "account_id": acc, "opened": pd.Timestamp(o),
                        "closed": pd.Timestamp(c) if c else pd.NaT, "severity": s, "category": "quality"}
                       for i, (o, c, s) in enumerate(complaints)],
    }


#: account Z gives every optional table at least one row, so that the company "has" the table
_Z = {
    "accounts": [{"account_id": "Z", "name": "Account Z", "kam_id": "K1"}],
    "orders": _orders("Z", [("2023-03-01", 10.0, None)]),
    "targets": [{"account_id": "Z", "period": "2023Q1", "revenue_target_eur": 10.0, "margin_target_eur": 5.0}],
    "contacts": [{"contact_id": "Z-c", "account_id": "Z", "name": "Z", "buying_role": "user", "attitude": None}],
    "interactions": [{"interaction_id": "Z-i", "account_id": "Z", "date": pd.Timestamp("2023-03-01"), "type": "call",
                      "kam_id": "K1", "contact_id": "Z-c"}],
    "actions": [{"action_id": "Z-a", "account_id": "Z", "goal": "g", "action": "z", "owner": "o",
                 "due": pd.Timestamp("2023-03-01"), "status": "done"}],
    "complaints": [{"complaint_id": "Z-k", "account_id": "Z", "opened": pd.Timestamp("2023-03-01"),
                    "closed": pd.Timestamp("2023-03-05"), "severity": "low", "category": "quality"}],
}


def _build(make_data, *accounts: dict, drop: tuple[str, ...] = (), service_costs=None, accounts_frame=None):
    """KamData of the given accounts plus Z; tables in ``drop`` are left out (the company has no such table)."""
    from kamlib.data import schemas

    tables: dict[str, list] = {}
    for part in (*accounts, _Z):
        for name, rows in part.items():
            tables.setdefault(name, []).extend(rows)
    frames = {}
    for name, rows in tables.items():
        frame = pd.DataFrame(rows) if rows else schemas.empty_frame(name)
        if name == "interactions":
            frame["kam_id"] = frame["kam_id"].astype(object)
        frames[name] = frame
    accounts_df = accounts_frame if accounts_frame is not None else frames.pop("accounts")
    frames.pop("accounts", None)
    orders = frames.pop("orders")
    extra = {k: v for k, v in frames.items() if k not in drop}
    if service_costs is not None:
        extra["service_costs"] = pd.DataFrame(service_costs)
    kams = None if "kams" in drop else pd.DataFrame({"kam_id": ["K1"], "name": ["Kim Kam"], "capacity": [3]})
    return make_data(accounts_df, orders, kams=kams, **extra)


@pytest.fixture()
def build(make_data):
    """``build(*accounts, drop=(), service_costs=None, accounts_frame=None) -> KamData``."""
    return lambda *a, **k: _build(make_data, *a, **k)


def _findings(data, acc="A", **kw):
    return list(rv.health_findings(data, acc, Q, **kw).index)


def _total(h):
    return h.loc["health"]


# --------------------------------------------------------------------------- the healthy account


def test_healthy_account_has_no_findings_and_is_green(build):
    data = build(_account("A"))
    h = rv.health_score(data, "A", Q)
    assert h.loc[["growth_vs_plan", "margin", "engagement", "complaints", "coverage", "action_completion"],
                 "score"].tolist() == [100.0, 50.0, 100.0, 100.0, 100.0, 100.0]
    assert _total(h)["score"] == pytest.approx(92.5) and _total(h)["band"] == "green"
    assert _findings(data) == []
    assert math.isnan(_total(h)["cap"]) and _total(h)["findings"] == ""


def test_health_score_keeps_its_signature_for_past_quarters(build):
    """The backtest calls health_score(data, account_id, period) for past quarters."""
    data = build(_account("A"))
    assert _total(rv.health_score(data, "A", "2025Q3"))["band"] in {"red", "amber", "green"}


# --------------------------------------------------------------------------- gaps: flagged, band at most amber


def test_no_kam_is_a_gap_that_caps_the_score_at_amber(build):
    data = build(_account("A", kam=None))
    assert _findings(data) == ["no_kam"]
    f = rv.health_findings(data, "A", Q)
    assert f.loc["no_kam", "kind"] == "gap" and f.loc["no_kam", "cap"] == 75.0
    h = _total(rv.health_score(data, "A", Q))
    # the weighted sum is still 92.5 (the contribution column adds up to it); the score is capped at 75: amber
    assert h["contribution"] == pytest.approx(92.5)
    assert h["score"] == 75.0 and h["band"] == "amber" and h["cap"] == 75.0 and h["findings"] == "no_kam"


def test_without_a_kam_column_the_kam_cannot_be_checked(build):
    # neither a kams table nor a KAM for any account: the data say nothing about KAMs, so no account is flagged
    data = build(_account("A"), drop=("kams",), accounts_frame=pd.DataFrame({"account_id": ["A", "Z"], "name": ["A", "Z"]}))
    assert "no_kam" not in _findings(data)
    assert any("without a KAM cannot be flagged" in n for n in rv.missing_data_notes(data, view="portfolio"))
    # without a kams table, but with KAMs named for other accounts, an account without one is a gap
    assert _findings(build(_account("A", kam=None), drop=("kams",))) == ["no_kam"]


def test_no_target_for_the_quarter_is_a_gap(build):
    data = build(_account("A", targets=(("2025Q3", 100.0),)))
    assert _findings(data) == ["no_target"]
    h = rv.health_score(data, "A", Q)
    assert h.loc["growth_vs_plan", "score"] == 100.0  # without a plan: 110 / 100 of the same quarter last year
    assert _total(h)["score"] == 75.0 and _total(h)["band"] == "amber"
    # a target for the year counts (a quarter of it): no gap
    assert _findings(build(_account("A", targets=(("2025", 400.0),)))) == []


def test_without_a_targets_table_the_plan_is_not_a_gap_and_the_note_says_so(build):
    data = build(_account("A", targets=()), drop=("targets",))
    assert _findings(data) == []
    notes = " ".join(rv.missing_data_notes(data, view="portfolio"))
    assert "No targets table" in notes and "without a target cannot be flagged" in notes


def test_no_action_plan_is_a_gap_and_scores_no_completion(build):
    for actions in ((), (("2026-02-01", "cancelled"),), (("2024-06-30", "done"),)):
        data = build(_account("A", actions=actions))
        assert _findings(data) == ["no_actions"], actions
        h = rv.health_score(data, "A", Q)
        # nothing planned is not a neutral 50: 0, so the weighted sum is 92.5 - 10 = 82.5, capped at 75
        assert h.loc["action_completion", "score"] == 0.0
        assert _total(h)["contribution"] == pytest.approx(82.5) and _total(h)["score"] == 75.0
    # an open action due after the quarter is a plan; none due yet scores the neutral 50
    data = build(_account("A", actions=(("2026-03-01", "open"),)))
    assert _findings(data) == [] and rv.health_score(data, "A", Q).loc["action_completion", "score"] == 50.0


def test_no_review_meeting_within_the_cadence_is_a_gap(build):
    # last QBR 2025-08-20: 133 days before 2025-12-31, more than the cadence of 90 days
    data = build(_account("A", qbrs=("2025-08-20",)))
    f = rv.health_findings(data, "A", Q)
    assert list(f.index) == ["no_review"] and f.loc["no_review", "value"] == 133
    assert _findings(data, cadence_days=150) == []
    assert _total(rv.health_score(data, "A", Q))["band"] == "amber"
    # exactly the cadence (2025-10-02 is 90 days before 2025-12-31) is within it; no QBR ever is a gap
    assert _findings(build(_account("A", qbrs=("2025-10-02",)))) == []
    # a quarterly cadence is met by a QBR inside the reviewed quarter, even on its first day (2025-10-01 is 91
    # days before its end); a monthly cadence is not
    assert _findings(build(_account("A", qbrs=("2025-10-01",)))) == []
    assert _findings(build(_account("A", qbrs=("2025-10-01",))), cadence_days=30) == ["no_review"]
    never = rv.health_findings(build(_account("A", qbrs=())), "A", Q)
    assert list(never.index) == ["no_review"] and math.isnan(never.loc["no_review", "value"])


def test_no_known_decider_is_a_gap(build):
    data = build(_account("A", decider=("approver", "supporter")))
    assert _findings(data) == ["no_decider"]
    h = rv.health_score(data, "A", Q)
    assert h.loc["coverage", "score"] == 75.0  # buyer, influencer and user met
    assert _total(h)["contribution"] == pytest.approx(88.75) and _total(h)["score"] == 75.0


def test_a_decider_who_opposes_us_is_a_gap(build):
    assert _findings(build(_account("A", decider=("decider", "opponent")))) == ["decider_opposed"]


def test_without_a_contacts_table_coverage_cannot_be_computed_and_no_decider_is_not_a_gap(build):
    data = build(_account("A"), drop=("contacts",))
    h = rv.health_score(data, "A", Q)
    assert math.isnan(h.loc["coverage", "score"]) and h.loc["coverage", "weight"] == 0.0
    # the other five re-weighted: (25 + 7.5 + 20 + 15 + 10) / 0.85
    assert _total(h)["score"] == pytest.approx(77.5 / 0.85)
    assert _findings(data) == []


def test_an_account_without_contacts_in_an_existing_table_is_a_gap_not_a_blank(build):
    acc = _account("A")
    acc["contacts"] = []
    acc["interactions"] = [dict(r, contact_id=None) for r in acc["interactions"]]
    data = build(acc)
    h = rv.health_score(data, "A", Q)
    assert h.loc["coverage", "score"] == 0.0 and h.loc["coverage", "weight"] == pytest.approx(0.15)
    assert _findings(data) == ["no_decider"]


# --------------------------------------------------------------------------- red flags: band red


def test_a_loss_making_account_is_a_red_flag(build):
    # 2025Q4: 110 revenue, 120 cost of goods: DB I = DB IV = -10, a margin of -9.1 %
    data = build(_account("A", q4_cogs=120.0))
    f = rv.health_findings(data, "A", Q)
    assert list(f.index) == ["loss"] and f.loc["loss", "kind"] == "red_flag"
    assert f.loc["loss", "value"] == pytest.approx(-10 / 110)
    h = rv.health_score(data, "A", Q)
    assert h.loc["margin", "score"] == 0.0  # a loss is never a healthy margin, whatever its trend
    assert _total(h)["score"] == 50.0 and _total(h)["band"] == "red"


def test_the_loss_is_measured_after_the_cost_to_serve(build):
    # DB I of 2025Q4 is +55, but 80 EUR of sales cost make DB IV = -25
    costs = [{"account_id": "A", "period": "2025Q4", "category": "sales", "cost_eur": 80.0}]
    assert _findings(build(_account("A"), service_costs=costs)) == ["loss"]
    # a stricter rule: DB IV below 60 % of net revenue is a red flag too (here it is 50 %)
    assert _findings(build(_account("A")), rules={"min_db4_margin": 0.6}) == ["loss"]
    # a tolerant rule: a loss of up to 10 % of net revenue is no red flag (-10 / 110 = -9.1 % here), -5 % is one
    loss = build(_account("A", q4_cogs=120.0))
    assert _findings(loss, rules={"min_db4_margin": -0.10}) == []
    assert _findings(loss, rules={"min_db4_margin": -0.05}) == ["loss"]


def test_a_fall_of_more_than_the_stated_share_on_last_year_is_a_red_flag(build):
    # 69 against 100 in 2024Q4: -31 %, more than the 30 % of the default rules (the plan is 60: growth 100)
    data = build(_account("A", q4=69.0, targets=(("2025Q3", 100.0), ("2025Q4", 60.0))))
    f = rv.health_findings(data, "A", Q)
    assert list(f.index) == ["revenue_fall"] and f.loc["revenue_fall", "value"] == pytest.approx(-0.31)
    assert _total(rv.health_score(data, "A", Q))["band"] == "red"
    # exactly 30 % is not more than 30 %; a stricter limit flags a fall of 25 %
    exactly = build(_account("A", q4=70.0, targets=(("2025Q3", 100.0), ("2025Q4", 60.0))))
    assert _findings(exactly) == []
    quarter = build(_account("A", q4=75.0, targets=(("2025Q3", 100.0), ("2025Q4", 60.0))))
    assert _findings(quarter) == [] and _findings(quarter, rules={"max_fall": 0.2}) == ["revenue_fall"]


def test_several_gaps_together_are_a_red_flag(build):
    data = build(_account("A", kam=None, targets=(("2025Q3", 100.0),)))
    f = rv.health_findings(data, "A", Q)
    assert list(f.index) == ["many_gaps", "no_kam", "no_target"]  # red flags first
    assert f.loc["many_gaps", "kind"] == "red_flag" and f.loc["many_gaps", "value"] == 2
    h = _total(rv.health_score(data, "A", Q))
    assert h["score"] == 50.0 and h["band"] == "red"
    assert _total(rv.health_score(data, "A", Q, rules={"gaps_for_red": None}))["band"] == "amber"
    assert _total(rv.health_score(data, "A", Q, rules={"gaps_for_red": 3}))["band"] == "amber"


def test_the_previous_quarter_is_capped_by_the_same_rules(build):
    # 2025Q3 weighted (margin has no previous quarter and drops out): growth 100, engagement 100 (the August QBR),
    # complaints 100, coverage 25 (only the decider met by then), actions 50 (none due yet):
    # (25 + 20 + 15 + 3.75 + 5) / 0.85 = 80.9, capped at 75 without a KAM
    data = build(_account("A", kam=None))
    h = _total(rv.health_score(data, "A", Q))
    assert h["previous"] == 75.0 and h["trend"] == 0.0


# --------------------------------------------------------------------------- complaints by severity


def test_complaints_weigh_by_severity(build):
    # points per complaint opened in the quarter and per complaint open at its end: low 10, medium 20, high 40,
    # critical 60; no severity counts as medium
    cases = [
        ((("2025-10-05", "2025-10-20", "low"),), 90.0),  # opened in the quarter, closed: -10
        ((("2025-08-01", None, "high"),), 60.0),  # opened before, still open at the end: -40
        ((("2025-11-01", None, "critical"),), 0.0),  # opened and still open: -60 -60, not below 0
        ((("2025-10-05", "2025-10-20", None),), 80.0),  # unknown severity: medium
        ((("2025-10-05", "2025-10-20", "low"), ("2025-08-01", None, "high")), 50.0),
    ]
    for complaints, score in cases:
        data = build(_account("A", complaints=complaints))
        assert rv.health_components(data, "A", Q)["complaints"] == score, complaints
    data = build(_account("A", complaints=(("2025-08-01", None, "high"),)))
    assert rv.health_components(data, "A", Q, rules={"complaint_points": {"high": 25}})["complaints"] == 75.0


def test_complaint_rule_states_the_points():
    rule = rv.rule_texts(None, "en")["complaints"]
    assert "low 10" in rule and "critical 60" in rule
    assert "hoch 25" in rv.rule_texts({"complaint_points": {"high": 25}}, "de")["complaints"]


# --------------------------------------------------------------------------- the rules are parameters


def test_rules_default_from_defaults_and_merge():
    assert rv.check_rules(None) == defaults.HEALTH_RULES
    r = rv.check_rules({"max_fall": 0.2, "complaint_points": {"high": 50}})
    assert r["max_fall"] == 0.2 and r["gap_cap"] == defaults.HEALTH_RULES["gap_cap"]
    assert r["complaint_points"] == {**defaults.HEALTH_RULES["complaint_points"], "high": 50.0}
    assert defaults.HEALTH_RULES["complaint_points"]["high"] == 40  # merging did not change the defaults


@pytest.mark.parametrize("bad", [
    {"max_drop": 0.3}, {"max_fall": 0}, {"max_fall": 1.5}, {"max_fall": "x"}, {"max_fall": True},
    {"gap_cap": 120}, {"red_cap": -1}, {"red_cap": 80, "gap_cap": 70}, {"gaps_for_red": 0},
    {"gaps_for_red": 1.5}, {"complaint_points": {"severe": 10}}, {"complaint_points": {"low": -5}},
    {"complaint_points": 10}, {"min_db4_margin": 1.2}, "strict",
])
def test_bad_rules_are_refused_with_the_parameter_named(bad):
    with pytest.raises(KamParameterError) as err:
        rv.check_rules(bad)
    assert err.value.parameter == "health_rules"


def test_the_run_refuses_bad_rules_before_any_notebook_runs(build):
    from kamlib.batch import runner

    data = build(_account("A"))
    runner.check_parameters(data, {"health_rules": {"max_fall": 0.25}})
    with pytest.raises(KamParameterError) as err:
        runner.check_parameters(data, {"health_rules": {"max_fall": 2}})
    assert err.value.parameter == "health_rules"


def test_review_notebooks_take_the_rules_as_parameters():
    def params(name):
        nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
        cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
        return {line.split(":")[0]: line for line in "".join(cell["source"]).splitlines()}

    for name in ("04_review_cycle.ipynb", "05_portfolio_review.ipynb"):
        p = params(name)
        for key in ("health_rules", "health_weights", "cadence_days"):
            assert key in p, (name, key)
        assert "= None" in p["health_rules"] and "= None" in p["health_weights"]


def test_rules_table_states_every_rule_with_its_parameters():
    table = rv.rules_view(None, "en", cadence_days=90)
    assert list(table.index) == [rv.label(k, "en") for k in rv.FINDINGS]
    text = " ".join(table.astype(str).to_numpy().ravel())
    assert "30.0%" in text and "90 days" in text and "75" in text and "50" in text
    assert "25.0%" in " ".join(rv.rules_view({"max_fall": 0.25}, "en").astype(str).to_numpy().ravel())
    de = rv.rules_view(None, "de")
    assert de.index.name == "Befund" and "Kein KAM" in list(de.index)


def test_findings_view_in_german(build):
    data = build(_account("A", kam=None, q4_cogs=120.0))  # one gap and one red flag: no "several gaps"
    view = rv.findings_view(rv.health_findings(data, "A", Q), "de")
    assert list(view.index) == ["Verlustkunde", "Kein KAM"]
    assert view.index.name == "Befund"
    assert "-9,1\u00a0%" in view.loc["Verlustkunde"].iloc[-1]


# --------------------------------------------------------------------------- the portfolio's attention order


def _selection(data, ids):
    acc = data.accounts.set_index("account_id").loc[ids]
    table = pd.DataFrame({"name": acc["name"], "kam_id": acc["kam_id"], "quadrant": "strategic"})
    return types.SimpleNamespace(definitive=table)


def test_attention_order_puts_findings_first(build):
    """G healthy (92.5, green); N without a KAM (92.5 capped at 75, amber); W amber on its score alone, with no
    finding; L loss-making (red). Red first; within amber the account with a finding before the weaker score."""
    weak = _account("W", targets=(("2025Q3", 100.0), ("2025Q4", 200.0)), complaints=(("2025-11-01", None, "high"),))
    # W: growth 110/200 -> 10; complaints 100 - 40 - 40 = 20; weighted 2.5 + 7.5 + 20 + 3 + 15 + 10 = 58, amber
    data = build(_account("G"), _account("N", kam=None), weak, _account("L", q4_cogs=120.0))
    h = rv.health_score(data, "W", Q)
    assert _total(h)["score"] == pytest.approx(58.0) and _total(h)["findings"] == ""
    p = rv.portfolio_review(data, Q, selection=_selection(data, ["G", "N", "W", "L"]))
    assert list(p.index) == ["L", "N", "W", "G"]
    assert list(p["band"]) == ["red", "amber", "amber", "green"]
    assert p.loc["N", "health"] == 75.0 and p.loc["N", "weighted"] == pytest.approx(92.5)
    assert p.loc["N", "findings"] == "no_kam" and p.loc["L", "findings"] == "loss"
    assert list(p["attention"]) == [1, 2, 3, 4]
    shown = rv.portfolio_view(p, "de")
    assert shown.loc["N", "Befunde"] == "Kein KAM"


def test_a_key_account_that_stopped_buying_stays_on_the_list_red(build):
    """S bought 100 in 2024Q4 and nothing since 2025Q3 and has no target for 2025Q4: the review of S alone is
    refused (no data in the quarter), but the portfolio keeps it: a fall of 100 % on last year is a red flag."""
    stopped = _account("S", targets=(("2025Q3", 100.0),))
    stopped["orders"] = [o for o in stopped["orders"] if o["date"] < pd.Timestamp("2025-10-01")]
    data = build(_account("G"), stopped)
    with pytest.raises(KamParameterError):
        rv.health_score(data, "S", Q)
    p = rv.portfolio_review(data, Q, selection=_selection(data, ["G", "S"]))
    assert list(p.index) == ["S", "G"] and p.loc["S", "band"] == "red"
    assert p.loc["S", "findings"].split(", ")[:1] == ["revenue_fall"] and p.loc["S", "yoy_growth"] == -1.0
    assert math.isnan(p.loc["S", "health"])


# --------------------------------------------------------------------------- what the review shows


def test_plan_met_is_no_win_for_a_loss_making_account(build):
    data = build(_account("A", q4_cogs=120.0))  # 110 against a plan of 100, at a loss
    plan = rv.plan_vs_actual(data, "A", Q)
    assert plan.loc["revenue", "attainment"] == pytest.approx(1.1)
    health = rv.health_score(data, "A", Q)
    page = rv.qbr_summary(data, "A", Q, plan=plan, kpis=rv.account_kpis(data, "A", Q), health=health,
                          actions=rv.action_status(data, "A", Q), proposals=rv.next_actions(data, "A", Q, health=health))
    wins = page.split("**Wins**")[1].split("**Issues**")[0]
    issues = page.split("**Issues**")[1].split("**Goals")[0]
    assert "Plan met" not in wins and "Growth vs plan" not in wins
    assert "loses money" in issues and "-9.1%" in issues
    assert "| Health score | 50 (red" in page


def test_next_actions_answer_the_findings(build):
    data = build(_account("A", kam=None, targets=(("2025Q3", 100.0),), actions=()))
    health = rv.health_score(data, "A", Q)
    proposals = rv.next_actions(data, "A", Q, health=health)
    text = " ".join(proposals["proposal"])
    assert "Assign a KAM" in text and "targets" in text and "account plan" in text
    assert (proposals["owner"] == "-").all()


# --------------------------------------------------------------------------- on the sample (computed, not pinned)


@pytest.fixture(scope="module")
def sample_portfolio():
    import kamlib
    from kamlib.decision import decide

    data = kamlib.load(ROOT / "data" / "sample")
    period = str(rv.check_period(data, None))
    sel = decide(data).selection
    return data, period, sel, rv.portfolio_review(data, period, selection=sel)


def test_sample_key_accounts_without_kam_or_target_are_in_the_top_third(sample_portfolio):
    data, period, sel, p = sample_portfolio
    q = pd.Period(period, freq="Q")
    kam = data.accounts.set_index("account_id")["kam_id"]
    neglected = [a for a in p.index
                 if pd.isna(kam[a]) or math.isnan(rv.quarter_target(data, a, q)[0])]
    assert neglected, "the sample is meant to hold key accounts without a KAM or a target (issue 13)"
    top = len(p) / 3
    late = {a: int(p.loc[a, "attention"]) for a in neglected if p.loc[a, "attention"] > top}
    assert not late, f"not in the top third ({top:.1f} of {len(p)}): {late}"


def test_sample_loss_making_accounts_are_flagged_red(sample_portfolio):
    # every account of the sample whose DB IV of the quarter is below zero (key account or not: the profit
    # destroyer left the key-account list once lifetime value came from DB IV) carries the loss flag and is red
    from kamlib.data.cache import memo_scope
    from kamlib.value import contribution_margins

    data, period, sel, p = sample_portfolio
    cm = contribution_margins(data, freq="Q")
    db4 = cm["db4"].xs(period, level="period")
    losing = sorted(a for a, v in db4.items() if v < 0)
    assert len(losing) >= 5, "the sample is meant to hold loss-making accounts (issue 13)"
    net = cm["net_revenue"].xs(period, level="period")
    with memo_scope():  # as the portfolio review asks: the portfolio's margins once, not once per account
        for a in losing:  # an account with costs but no order in the quarter loses money too
            assert "loss" in rv.health_findings(data, a, period, require_account_data=False).index, a
            if net.get(a, 0.0) > 0:  # the score needs the account's figures of the quarter
                assert rv.health_score(data, a, period).loc["health", "band"] == "red", a


def test_sample_no_flagged_key_account_is_green(sample_portfolio):
    _, _, _, p = sample_portfolio
    assert not ((p["findings"] != "") & (p["band"] == "green")).any()
