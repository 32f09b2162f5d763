"""Review of progress against the account plan (kamlib.review.plan_progress) and the account plan in the health
score's gap "no account plan" (issue 14, part 5). Hand-made data, expected values worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import plan_frame

from kamlib import review as rv

T = pd.Timestamp
Q = "2025Q4"  # reviewed at its end, 2025-12-31



PLAN = plan_frame([
    ("c1", "A", "customer_goal", "Double plant South", None, None, None, None, None, "2025-10-01"),
    ("s1", "A", "strategy", "Sell drive packages", None, None, None, None, None, "2025-10-01"),
    ("o1", "A", "objective", "Grow L2 share", "Kim KAM", None, "2026-06-30", "on_track", None, "2025-10-01"),
    ("o2", "A", "objective", "Extend frame contract", "Kim KAM", None, "2025-12-31", "open", None, "2025-10-01"),
    ("g1", "A", "agreed_goal", "Halve downtime", "Kim KAM", "Dora Decider", "2025-11-30", "on_track", None,
     "2025-10-01"),
    ("g2", "A", "agreed_goal", "Sign contract", "Kim KAM", "Bert Buyer", "2025-09-30", "missed", "Budget cut",
     "2025-10-01"),
    ("g3", "A", "agreed_goal", "Train maintenance", "Ann Tech", "Ulla User", "2025-03-31", "done", "Done",
     "2025-04-02"),
    ("g4", "A", "agreed_goal", "Consignment stock", "Kim KAM", "Bert Buyer", "2025-02-28", "dropped", "Replaced",
     "2025-03-01"),
    ("g5", "A", "agreed_goal", "Pilot IE4 motors", "Kim KAM", "Dora Decider", "2026-02-01", "open", None,
     "2025-10-01"),
    ("g6", "A", "agreed_goal", "Energy audit", "Ann Tech", "Dora Decider", "2025-12-15", "done", "Saved 12 %",
     "2025-12-20"),
    ("x1", "B", "agreed_goal", "Not A's", "Kim KAM", "Someone", "2025-01-01", "open", None, "2025-01-01"),
])


def _data(make_data, *, plans=PLAN, actions=None):
    accounts = pd.DataFrame({"account_id": ["A", "B"], "name": ["Alpha GmbH", "Beta AG"], "kam_id": ["K1", "K1"]})
    orders = pd.DataFrame({"order_id": ["o1", "o2", "o3", "o4", "o5", "o6"],
                           "account_id": ["A", "A", "B", "B", "A", "A"],
                           "date": [T("2024-11-15"), T("2025-11-15"), T("2024-11-15"), T("2025-11-15"),
                                    T("2024-08-15"), T("2025-08-15")],
                           "gross_revenue_eur": [100.0, 100.0, 50.0, 50.0, 80.0, 80.0]})
    orders = orders.assign(product_id="P1", business_unit="BU1", quantity=1.0, discount_eur=0.0, cogs_eur=0.0)
    kams = pd.DataFrame({"kam_id": ["K1"], "name": ["Kim KAM"], "level": ["senior"], "capacity": [3]})
    extra = {}
    if plans is not None:
        extra["account_plans"] = plans
    if actions is not None:
        extra["actions"] = actions
    return make_data(accounts, orders, kams, **extra)


def test_plan_progress_lists_objectives_and_agreed_goals_with_overdue_flags(make_data):
    p = rv.plan_progress(_data(make_data), "A", Q)
    # objectives first, then agreed goals, each by due date; customer goals and strategy are not progress items
    assert p.index.tolist() == ["o2", "o1", "g4", "g3", "g2", "g1", "g6", "g5"]
    assert p.index.name == "item_id"
    # overdue: due before 2025-12-31 and neither done nor dropped -> g2 (missed, 92 days: 31 + 30 + 31) and g1
    # (on track, 30 Nov: 31 days); o2 is due on the quarter's last day itself: not yet overdue
    assert p["overdue"].to_dict() == {"o2": False, "o1": False, "g4": False, "g3": False, "g2": True, "g1": True,
                                      "g6": False, "g5": False}
    assert p["days_overdue"].dropna().astype(int).to_dict() == {"g2": 92, "g1": 31}
    # due within the reviewed quarter (2025-10-01 .. 2025-12-31): g1, g6 and o2
    assert sorted(p.index[p["due_in_period"]]) == ["g1", "g6", "o2"]
    assert p.loc["g6", ["owner_ours", "owner_customer", "status", "result"]].tolist() == [
        "Ann Tech", "Dora Decider", "done", "Saved 12 %"]
    # for the customer: the agreed goals only
    assert rv.plan_progress(_data(make_data), "A", Q, sections=("agreed_goal",)).index.tolist() == [
        "g4", "g3", "g2", "g1", "g6", "g5"]


def test_plan_progress_counts_and_sentence(make_data):
    p = rv.plan_progress(_data(make_data), "A", Q)
    # agreed goals: 6, done g3 and g6 (2), overdue g1 and g2 (2); objectives: 2, none overdue
    assert rv.plan_progress_line(p, "en") == (
        "Agreed goals: 2 of 6 done, 2 overdue. Our objectives: 0 of 2 done, 0 overdue.")
    assert rv.plan_progress_line(p, "de") == (
        "Vereinbarte Ziele: 2 von 6 erledigt, 2 überfällig. Unsere Ziele: 0 von 2 erledigt, 0 überfällig.")


def test_plan_progress_view_in_both_languages(make_data):
    p = rv.plan_progress(_data(make_data), "A", Q)
    en = rv.plan_progress_view(p, "en")
    assert list(en.columns) == ["Plan section", "Goal", "Our owner", "Customer's owner", "Due", "Status",
                                "Overdue", "Days overdue", "Result", "Last reviewed"]
    assert en.index.name == "Item"
    assert en.loc["g1"].tolist() == ["Agreed goal", "Halve downtime", "Kim KAM", "Dora Decider", "2025-11-30",
                                     "on track", "yes", "31", "–", "2025-10-01"]
    de = rv.plan_progress_view(p, "de")
    assert de.loc["g2"].tolist() == ["Vereinbartes Ziel", "Sign contract", "Kim KAM", "Bert Buyer", "30.09.2025",
                                     "nicht erreicht", "ja", "92", "Budget cut", "01.10.2025"]
    assert de.loc["o1", "Abschnitt"] == "Unser Ziel" and de.loc["o1", "Verantwortlich beim Kunden"] == "–"


def test_plan_progress_without_a_plan(make_data):
    empty = rv.plan_progress(_data(make_data, plans=None), "A", Q)
    assert empty.empty and "overdue" in empty.columns
    assert rv.plan_progress_line(empty, "en", data=_data(make_data, plans=None)) == (
        "The data have no account_plans table: progress against an account plan cannot be reviewed.")
    none_for_a = rv.plan_progress(_data(make_data, plans=PLAN[PLAN["account_id"] == "B"]), "A", Q)
    assert rv.plan_progress_line(none_for_a, "de", data=_data(make_data)) == (
        "Für diesen Kunden sind im Account-Plan weder unsere Ziele noch vereinbarte Ziele erfasst.")


# ----------------------------------------------------------------------------- health: "no account plan"


def _actions(*rows):
    """rows: (due, status) for account A."""
    return pd.DataFrame({"action_id": [f"a{i}" for i in range(len(rows))], "account_id": ["A"] * len(rows),
                         "goal": [None] * len(rows), "action": ["x"] * len(rows), "owner": [None] * len(rows),
                         "due": [T(d) for d, _ in rows], "status": [s for _, s in rows]})


def test_an_account_plan_counts_as_a_plan_in_the_health_findings(make_data):
    # actions: only one done in mid-2024, outside the 365 days up to 2025-12-31 -> no plan by the actions alone
    old = _actions(("2024-06-30", "done"))
    no_plan = _data(make_data, plans=None, actions=old)
    assert list(rv.health_findings(no_plan, "A", Q).index) == ["no_actions"]
    # the same with plan items of A reviewed by the quarter's end: A has an account plan, no gap
    with_plan = _data(make_data, actions=old)
    assert list(rv.health_findings(with_plan, "A", Q).index) == []
    # B's only item was reviewed on 2025-01-01, by the end of the quarter: a plan too
    assert list(rv.health_findings(with_plan, "B", Q).index) == []
    # without an actions table the plan table alone decides: A has items, B has none once its row is gone
    plans_only = _data(make_data, plans=PLAN[PLAN["account_id"] == "A"])
    assert list(rv.health_findings(plans_only, "A", Q).index) == []
    f = rv.health_findings(plans_only, "B", Q)
    assert list(f.index) == ["no_actions"] and f.loc["no_actions", "value"] == 0  # 0 plan items
    assert rv.findings_view(f, "en").iloc[0, -1] == (
        "No item in the account plan, and no action of the account plan is due in the last 365 days or later "
        "(cancelled ones do not count)")
    # items reviewed only after the quarter's end did not exist at its end: 2025Q3 ends 2025-09-30, A's items
    # then are g3 (2025-04-02) and g4 (2025-03-01): still a plan; for an account whose items all came later, none
    late = PLAN[PLAN["account_id"] == "A"].assign(updated_on=T("2025-10-01"))
    assert list(rv.health_findings(_data(make_data, plans=late), "A", "2025Q3").index) == ["no_actions"]
    assert list(rv.health_findings(_data(make_data, plans=late), "A", Q).index) == []


def test_rules_view_names_the_plan_table_when_the_data_have_it(make_data):
    rules = rv.rules_view(None, "en", data=_data(make_data, plans=PLAN, actions=None))
    row = rules.loc["No account plan"]
    assert row["Checked with these data"] == "yes"
    assert "table account_plans" in row["Rule"]
    without = rv.rules_view(None, "en", data=_data(make_data, plans=None, actions=None))
    assert without.loc["No account plan", "Checked with these data"] == "no"
    assert "account_plans" not in without.loc["No account plan", "Rule"]


def test_existing_meaning_without_plan_table_is_unchanged(make_data):
    # the gap as before: an open action due after the quarter is a plan
    data = _data(make_data, plans=None, actions=_actions(("2026-03-01", "open")))
    assert list(rv.health_findings(data, "A", Q).index) == []
    assert pytest.approx(rv.health_score(data, "A", Q).loc["action_completion", "score"]) == 50.0
