"""Account profile (kamlib.profile and notebooks/02_account_profile.ipynb).

Rules are checked on small hand-made data with hand-computed numbers; the sample company checks the lookup,
anonymisation, the thin and the full account; the notebook's run for every sample key account is read from the
session's shared run (conftest ``sample_run``), its other parameters are run here.
"""

from __future__ import annotations

import functools
import re
from concurrent.futures import ProcessPoolExecutor

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from conftest import AS_OF, ROOT, SAMPLE, plan_frame  # noqa: E402

from kamlib import profile as kp  # noqa: E402
from kamlib.errors import KamParameterError  # noqa: E402
from kamlib.present import charts  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "02_account_profile.ipynb"
T = pd.Timestamp


# ----------------------------------------------------------------------------- hand-made data


def _order(i, acc, date, product, bu, gross, cogs=0.0):
    return {"order_id": f"o{i}", "account_id": acc, "date": T(date), "product_id": product, "business_unit": bu,
            "quantity": 1.0, "gross_revenue_eur": float(gross), "discount_eur": 0.0, "cogs_eur": float(cogs)}


@pytest.fixture(scope="session")
def hand_data(make_data):
    """``hand_data(...)``: see ``_hand_data``."""
    return functools.partial(_hand_data, make_data)


def _hand_data(make_data, **extra) -> kamlib.KamData:  # noqa: F821
    """A and three peers in industry X (E bought only before the window), D in another industry.

    Products: P1 -> L1, P2 -> L2, P3 -> L3. Wallet of A: L1/BU1 1000, L2/BU1 500, L1/BU2 400, L3/BU2 0.
    """
    accounts = pd.DataFrame({
        "account_id": ["A", "B", "C", "D", "E"],
        "name": ["Alpha & Söhne GmbH", "Beta AG", "Gamma KG", "Delta SE", "Epsilon GmbH"],
        "industry": ["X", "X", "X", "Y", "X"],
        "timezone": ["Europe/Berlin", None, None, None, None],
        "kam_id": ["K1", None, None, None, None],
    })
    orders = pd.DataFrame([
        _order(1, "A", "2025-06-01", "P1", "BU1", 300, 100),
        _order(2, "A", "2025-07-01", "P2", "BU2", 200, 50),
        _order(3, "A", "2023-05-01", "P3", "BU1", 50),
        _order(4, "A", "2024-06-01", "P1", "BU1", 400),
        _order(5, "B", "2025-03-01", "P2", "BU1", 100),
        _order(6, "C", "2025-04-01", "P2", "BU1", 100),
        _order(7, "C", "2025-04-02", "P1", "BU2", 100),
        _order(8, "D", "2025-05-01", "P1", "BU2", 100),
        _order(9, "E", "2024-02-01", "P1", "BU2", 100),
    ])
    products = pd.DataFrame({"product_id": ["P1", "P2", "P3"], "name": ["p1", "p2", "p3"],
                             "product_line": ["L1", "L2", "L3"]})
    wallet = pd.DataFrame({"account_id": ["A"] * 4, "product_line": ["L1", "L2", "L1", "L3"],
                           "business_unit": ["BU1", "BU1", "BU2", "BU2"], "potential_eur": [1000.0, 500, 400, 0]})
    kams = pd.DataFrame({"kam_id": ["K1"], "name": ["Kim KAM"], "level": ["senior"], "capacity": [3]})
    tables = {"products": products, "wallet": wallet, **extra}
    return make_data(accounts, orders, kams, **tables)


def contacts_frame(rows):
    cols = ["contact_id", "account_id", "name", "title", "business_unit", "buying_role", "influence", "attitude"]
    df = pd.DataFrame(rows, columns=cols)
    df["influence"] = df["influence"].astype("Int64")
    return df


def interactions_frame(rows):
    """rows: (contact_id, date[, type])."""
    out = []
    for i, r in enumerate(rows):
        out.append({"interaction_id": f"i{i}", "account_id": "A", "date": T(r[1]),
                    "type": r[2] if len(r) > 2 else "call", "kam_id": "K1", "contact_id": r[0]})
    return pd.DataFrame(out, columns=["interaction_id", "account_id", "date", "type", "kam_id", "contact_id"])


CONTACTS = contacts_frame([
    ("c1", "A", "Dora Decider", "CEO", "BU1", "decider", 5, "champion"),
    ("c2", "A", "Bert Buyer", "Einkauf", "BU1", "buyer", 3, "supporter"),
    ("c3", "A", "Ulla User", "Werk", "BU2", "user", 4, "opponent"),
])


def checks(profile, check=None):
    f = profile.findings
    return f if check is None else f[f["check"] == check]


# ----------------------------------------------------------------------------- whitespace


def test_whitespace_share_of_wallet_penetration_and_ranked_opportunities(hand_data):
    p = kp.build_profile(hand_data(), "A")
    ws = p.whitespace.set_index(["product_line", "business_unit"])
    assert ws.loc[("L1", "BU1"), "status"] == "owned"
    assert ws.loc[("L1", "BU1"), "share_of_wallet"] == pytest.approx(0.3)
    assert ws.loc[("L1", "BU1"), "gap_eur"] == pytest.approx(700)
    assert ws.loc[("L2", "BU2"), "status"] == "owned"  # revenue without an estimate: owned, share unknown
    assert np.isnan(ws.loc[("L2", "BU2"), "share_of_wallet"])
    assert ws.loc[("L1", "BU2"), "status"] == "gap" and ws.loc[("L2", "BU1"), "status"] == "gap"
    assert ws.loc[("L3", "BU1"), "status"] == "gap"  # bought in 2023: eligible, no estimate
    assert np.isnan(ws.loc[("L3", "BU1"), "gap_eur"])
    assert ws.loc[("L3", "BU2"), "status"] == "not_eligible"  # potential 0 and never bought
    k = p.key_figures
    assert k["share_of_wallet"] == pytest.approx(300 / 1900, abs=1e-6)  # cells with an estimate only
    assert k["penetration"] == pytest.approx(2 / 5)  # owned L1/BU1, L2/BU2 of five eligible cells
    assert k["whitespace_eur"] == pytest.approx(700 + 400 + 500)
    # peers: B and C (industry X, bought in the window); D is another industry, E bought too long ago
    assert set(ws["peers"]) == {2}
    assert ws.loc[("L2", "BU1"), "peer_owners"] == 2 and ws.loc[("L1", "BU2"), "peer_owners"] == 1
    opp = p.opportunities
    assert list(zip(opp["product_line"], opp["business_unit"], opp["opportunity"])) == [
        ("L2", "BU1", "cross_sell"), ("L1", "BU2", "cross_sell"), ("L1", "BU1", "upsell")]
    assert opp["win_probability"].tolist() == pytest.approx([3 / 4, 2 / 4, 1 / 4])
    assert opp["expected_value_eur"].tolist() == pytest.approx([375, 200, 175])
    assert opp["rank"].tolist() == [1, 2, 3]


def test_competitive_position_uses_share_of_wallet_per_line(hand_data):
    comp = pd.DataFrame({"account_id": ["A", "A", "A"], "competitor": ["X1", "X2", "X3"],
                         "product_line": ["L1", "L1", "L2"], "share": [0.5, 0.2, 0.1]})
    p = kp.build_profile(hand_data(competitors=comp), "A")
    pos = p.competitive_position.set_index("product_line")
    assert pos.loc["L1", "our_share"] == pytest.approx(300 / 1400, abs=1e-6)  # (300 + 0) / (1000 + 400)
    assert pos.loc["L1", "our_rank"] == 2 and pos.loc["L1", "position"] == "second"
    assert pos.loc["L1", "leader"] == "X1"
    assert pos.loc["L1", "others_share"] == pytest.approx(1 - 300 / 1400 - 0.7, abs=1e-6)
    assert pos.loc["L2", "position"] == "none"  # no revenue against the L2 estimate: not a supplier yet


def test_no_wallet_means_one_sentence_and_a_finding(make_data, hand_data):
    data = hand_data()
    data = make_data(data.accounts, data.orders, data.kams, products=data.products,
                     wallet=data.wallet[data.wallet["account_id"] == "nobody"])
    p = kp.build_profile(data, "A")
    assert p.whitespace.empty and p.opportunities.empty
    assert "wallet" in p.notes["whitespace"] and p.notes["whitespace"].count(". ") == 0
    assert len(checks(p, "no_wallet")) == 1
    assert np.isnan(p.key_figures["share_of_wallet"])


# ----------------------------------------------------------------------------- buying center


def test_single_threaded_rule_counts_named_interactions_of_the_last_12_months(hand_data):
    inter = interactions_frame([("c1", "2025-12-01"), ("c1", "2025-11-01"), ("c1", "2025-10-01"),
                                ("c2", "2025-09-15"),
                                *[("c2", f"2023-0{m}-01") for m in range(1, 6)],  # old: do not count
                                (None, "2025-12-20")])  # no named contact: does not count
    p = kp.build_profile(hand_data(contacts=CONTACTS, interactions=inter), "A")
    st = checks(p, "single_threaded")
    assert len(st) == 1
    assert "Dora Decider" in st["message"].iloc[0] and "75%" in st["message"].iloc[0] and "of the 4 " in \
        st["message"].iloc[0]
    c = p.contacts.set_index("contact_id")
    assert c.loc["c1", "interactions_12m"] == 3 and c.loc["c2", "interactions_12m"] == 1
    assert c.loc["c2", "interactions_total"] == 6


def test_balanced_interactions_are_not_single_threaded_but_one_contact_is(hand_data):
    inter = interactions_frame([("c1", "2025-12-01"), ("c1", "2025-11-01"), ("c2", "2025-12-02"),
                                ("c2", "2025-11-02")])
    p = kp.build_profile(hand_data(contacts=CONTACTS, interactions=inter), "A")
    assert checks(p, "single_threaded").empty  # 2 of 4 is half, not more than half
    only = CONTACTS[CONTACTS["contact_id"] == "c1"]
    p1 = kp.build_profile(hand_data(contacts=only, interactions=inter[inter["contact_id"] == "c1"]), "A")
    assert "only known contact" in checks(p1, "single_threaded")["message"].iloc[0]


def test_kam_single_threaded_helper():
    assert kp.single_threaded(pd.Series({"a": 3, "b": 1}), contacts=3) == (True, "a", 0.75)
    assert kp.single_threaded(pd.Series({"a": 2, "b": 2}), contacts=3)[0] is False
    flag, top, share = kp.single_threaded(pd.Series(dtype=int), contacts=2)
    assert flag is False and top is None and np.isnan(share)


def test_key_contacts_cadence_opponents_and_decider(hand_data):
    # c2 (buyer) met exactly 90 days before as_of: inside the cadence; c3 (user, influence 4) never met
    inter = interactions_frame([("c1", "2025-12-01"), ("c2", "2025-10-02")])
    p = kp.build_profile(hand_data(contacts=CONTACTS, interactions=inter), "A", cadence_days=90)
    c = p.contacts.set_index("contact_id")
    assert c["key_contact"].to_dict() == {"c1": True, "c2": True, "c3": True}
    assert c.loc["c2", "days_since_last"] == 90 and c.loc["c2", "met_in_cadence"]
    not_met = checks(p, "key_contact_not_met")
    assert not_met["message"].tolist() == [
        "Key contact Ulla User (user, influence 4) was never met; the cadence is 90 days."]
    opp = checks(p, "opponent_high_influence")
    assert len(opp) == 1 and "Ulla User" in opp["message"].iloc[0]
    assert checks(p, "no_decider").empty
    # one day shorter cadence: c2 drops out of it
    p89 = kp.build_profile(hand_data(contacts=CONTACTS, interactions=inter), "A", cadence_days=89)
    assert len(checks(p89, "key_contact_not_met")) == 2
    # without the decider the gap is reported
    p2 = kp.build_profile(hand_data(contacts=CONTACTS[CONTACTS["contact_id"] != "c1"], interactions=inter), "A")
    assert len(checks(p2, "no_decider")) == 1
    assert p.roles.set_index("buying_role").loc["decider", "contacts"] == 1


def test_coverage_sentences_in_german_at_the_source(hand_data):
    inter = interactions_frame([("c1", "2025-12-01"), ("c2", "2025-07-03")])  # c2: 181 days before as_of
    p = kp.build_profile(hand_data(contacts=CONTACTS, interactions=inter), "A", cadence_days=90, lang="de")
    assert checks(p, "key_contact_not_met")["message"].tolist() == [  # in buying-role order: user, ..., buyer
        "Schlüsselkontakt Ulla User (Anwender, Einfluss 4) wurde noch nie getroffen; vorgesehen ist ein Kontakt "
        "alle 90 Tage.",
        "Schlüsselkontakt Bert Buyer (Einkäufer, Einfluss 3) wurde zuletzt am 03.07.2025 getroffen, vor 181 Tagen; "
        "vorgesehen ist ein Kontakt alle 90 Tage."]
    assert checks(p, "opponent_high_influence")["message"].tolist() == [
        "Ulla User (Anwender) ist Kritiker mit Einfluss 4."]
    assert checks(p, "stale_review")["message"].tolist() == [
        "Kein Review-Gespräch (QBR) erfasst; vorgesehen ist eines alle 90 Tage."]
    shown = kp.present(p.coverage, "de", columns=["severity", "check"], index=False)
    assert shown.columns.tolist() == ["Schwere", "Prüfung"]
    assert shown.values.tolist() == [["hoch", "Kritiker mit hohem Einfluss"],  # most severe first
                                     ["mittel", "Schlüsselkontakt nicht getroffen"],
                                     ["mittel", "Schlüsselkontakt nicht getroffen"],
                                     ["mittel", "Review-Gespräch überfällig"]]
    assert kp.present(p.coverage, "en", columns=["check"], index=False)["Check"].tolist().count(
        "key contact not met") == 2


def test_whitespace_matrix_shows_gaps_in_the_readers_units(hand_data):
    # hand_data: L1/BU1 owned 300 of 1000; L1/BU2 gap 400; L2/BU1 gap 500; L2/BU2 owned, no estimate;
    # L3/BU1 bought in 2023 (gap, no estimate); L3/BU2 potential 0 (not eligible)
    p = kp.build_profile(hand_data(), "A")
    assert kp.whitespace_matrix(p, lang="en").values.tolist() == [
        ["30%", "gap 400"], ["gap 500", "owned"], ["gap", "\u2013"]]
    de = kp.whitespace_matrix(p, lang="de")
    assert de.values.tolist() == [["30\u00a0%", "Lücke 400"], ["Lücke 500", "belegt"], ["Lücke", "\u2013"]]
    assert (de.index.name, de.columns.name) == ("Produktlinie", "Bereich")
    big = p.whitespace.assign(gap_eur=p.whitespace["gap_eur"] * 1000)  # 400,000 and 500,000 EUR
    import dataclasses
    q = dataclasses.replace(p, whitespace=big)
    assert kp.whitespace_matrix(q, lang="de").loc["L1", "BU2"] == "Lücke 400\u00a0Tsd."
    assert kp.whitespace_matrix(q, lang="en").loc["L2", "BU1"] == "gap 500 k"


def test_headline_and_csv_extracts(sample_data, tmp_path):
    p = kp.build_profile(sample_data, "ACC-0044")
    # the sample's ACC-0044: an overdue action (high), an open complaint and three key contacts not met (medium);
    # its QBRs keep the cadence, so no stale review
    assert sorted(p.findings["check"]) == ["key_contact_not_met"] * 3 + ["open_complaints", "overdue_action"]
    assert kp.headline(p) == ("Account profile ACC-0044 · Müller Maschinenbau GmbH, as of 2025-12-31; profile check: "
                              "1 high, 4 medium, 0 low.")
    from kamlib.batch import products

    written = products.write_many(kp.extracts(p), tmp_path)
    assert [w.name for w in written] == ["profile_findings.csv", "profile_opportunities.csv", "profile_contacts.csv",
                                         "profile_quarterly.csv"]
    back = products.read("profile_findings", tmp_path)
    assert back["check"].tolist() == p.findings["check"].tolist()
    assert len(products.write_many(kp.extracts(p), tmp_path)) == 4  # a rerun replaces the files
    assert sorted(products.written(tmp_path)) == sorted(products.declared("02_account_profile"))


def test_stale_review_rule(hand_data):
    base = [("c1", "2025-12-01")]
    fresh = kp.build_profile(hand_data(contacts=CONTACTS, interactions=interactions_frame(
        base + [("c1", "2025-10-02", "qbr")])), "A", cadence_days=90)
    assert checks(fresh, "stale_review").empty
    stale = kp.build_profile(hand_data(contacts=CONTACTS, interactions=interactions_frame(
        base + [("c1", "2025-10-01", "qbr")])), "A", cadence_days=90)
    assert "91 days ago" in checks(stale, "stale_review")["message"].iloc[0]
    never = kp.build_profile(hand_data(contacts=CONTACTS, interactions=interactions_frame(base)), "A")
    assert "No business review" in checks(never, "stale_review")["message"].iloc[0]


# ----------------------------------------------------------------------------- actions, targets, trend


def test_overdue_rule(hand_data):
    actions = pd.DataFrame({
        "action_id": ["a1", "a2", "a3", "a4", "a5"], "account_id": ["A"] * 5, "goal": ["g"] * 5,
        "action": ["due yesterday", "due today", "done long ago", "in progress, late", "no due date"],
        "owner": ["o"] * 5,
        "due": pd.to_datetime(["2025-12-30", "2025-12-31", "2025-01-01", "2025-06-30", None]),
        "status": ["open", "open", "done", "in_progress", "open"]})
    p = kp.build_profile(hand_data(actions=actions), "A")
    a = p.actions.set_index("action_id")
    assert a["overdue"].to_dict() == {"a1": True, "a2": False, "a3": False, "a4": True, "a5": False}
    assert a.loc["a1", "days_overdue"] == 1 and a.loc["a4", "days_overdue"] == 184
    assert p.key_figures["open_actions"] == 4 and p.key_figures["overdue_actions"] == 2
    assert sorted(checks(p, "overdue_action")["message"].str.extract(r"Action (a\d)")[0]) == ["a1", "a4"]
    assert p.open_actions["action_id"].tolist()[:2] == ["a4", "a1"]  # overdue first, by due date
    assert actions["status"].tolist()[0] == "open"  # input unchanged


@pytest.mark.parametrize("periods, flagged", [(["2025Q4"], True), (["2026"], False), (["2026-02"], False),
                                              (["2026Q1"], False), (["2026Q2"], True)])
def test_no_target_for_the_coming_quarter(hand_data, periods, flagged):
    targets = pd.DataFrame({"account_id": ["A"] * len(periods), "period": periods,
                            "revenue_target_eur": [100.0] * len(periods), "margin_target_eur": [40.0] * len(periods)})
    p = kp.build_profile(hand_data(targets=targets), "A")
    found = checks(p, "no_targets")
    assert len(found) == int(flagged)
    if flagged:
        assert "2026Q1" in found["message"].iloc[0]


def test_year_targets_are_spread_over_quarters_in_the_history(hand_data):
    targets = pd.DataFrame({"account_id": ["A", "A"], "period": ["2025", "2024Q2"],
                            "revenue_target_eur": [400.0, 77.0], "margin_target_eur": [np.nan, 30.0]})
    q = kp.build_profile(hand_data(targets=targets), "A").quarterly.set_index("quarter")
    assert q.loc["2025Q3", "revenue_target_eur"] == 100.0 and q.loc["2024Q2", "revenue_target_eur"] == 77.0
    assert np.isnan(q.loc["2024Q1", "revenue_target_eur"])


def test_history_trend_and_quarters(hand_data):
    p = kp.build_profile(hand_data(), "A")
    k = p.key_figures
    assert k["revenue_12m_eur"] == 500 and k["revenue_prev_12m_eur"] == 400
    assert k["growth"] == pytest.approx(0.25) and k["trend"] == "growing"
    assert k["db1_12m_eur"] == pytest.approx(500 - 150) and k["orders_12m"] == 2
    assert k["first_order"] == T("2023-05-01") and k["last_order"] == T("2025-07-01")
    assert k["days_since_last_order"] == 183
    q = p.quarterly
    assert q["quarter"].iloc[0] == "2023Q2" and q["quarter"].iloc[-1] == "2025Q4" and len(q) == 11
    assert q["gross_revenue_eur"].sum() == pytest.approx(950)
    lines = p.product_lines.set_index("product_line")
    assert lines.loc["L3", "first_purchase"] == T("2023-05-01") and lines.loc["L3", "line_status"] == "lapsed"
    assert lines.loc["L1", "line_status"] == "active"


@pytest.mark.parametrize("cur, prev, trend", [(111, 100, "growing"), (110, 100, "stable"), (90, 100, "stable"),
                                              (89, 100, "declining"), (5, 0, "too_new"), (0, 0, "no_revenue")])
def test_trend_rule(cur, prev, trend):
    assert kp.revenue_trend(cur, prev) == trend


@pytest.mark.parametrize("tz, on, expected", [
    ("Asia/Shanghai", "2025-12-31", (7.0, 2.0, "08:00-10:00")),
    ("Asia/Shanghai", "2025-07-01", (6.0, 3.0, "08:00-11:00")),  # Berlin on summer time
    ("America/Chicago", "2025-12-31", (-7.0, 2.0, "15:00-17:00")),
    ("Europe/London", "2025-12-31", (-1.0, 8.0, "09:00-17:00")),
    ("Europe/Berlin", "2025-12-31", (0.0, 9.0, "08:00-17:00")),
    ("Australia/Sydney", "2025-12-31", (10.0, 0.0, "")),
])
def test_business_hours_overlap(tz, on, expected):
    r = kp.business_hours_overlap(tz, on=on)
    assert (r["time_difference_h"], r["overlap_h"], r["window"]) == expected


def test_unknown_timezone_gives_no_overlap_instead_of_failing():
    r = kp.business_hours_overlap("Mars/Olympus", on="2025-12-31")
    assert np.isnan(r["overlap_h"]) and r["window"] == ""


# ----------------------------------------------------------------------------- lookup and parameters


def test_unknown_id_lists_close_matches_by_id_and_name(sample_data):
    with pytest.raises(KamParameterError) as err:
        kp.build_profile(sample_data, "ACC-0444")
    assert err.value.parameter == "account_id"
    assert "close matches" in str(err.value) and "ACC-0044 (Müller Maschinenbau GmbH)" in str(err.value)
    with pytest.raises(KamParameterError, match=r"ACC-0044 \(Müller Maschinenbau GmbH\)"):
        kp.build_profile(sample_data, "Mueller Maschinenbau")
    with pytest.raises(KamParameterError, match="nothing close"):
        kp.build_profile(sample_data, "zzzzqqqq")


def test_a_unique_name_may_replace_the_id(sample_data):
    assert kp.build_profile(sample_data, "Müller Maschinenbau GmbH").account_id == "ACC-0044"
    assert kp.resolve_account(sample_data, "  müller maschinenbau   gmbh ") == "ACC-0044"
    assert kp.resolve_account(sample_data, "acc-0110") == "ACC-0110"


def test_a_name_shared_by_two_accounts_asks_for_the_id(make_data, hand_data):
    data = hand_data()
    acc = data.accounts.assign(name=["Same GmbH", "Same GmbH", "Gamma KG", "Delta SE", "Epsilon GmbH"])
    data = make_data(acc, data.orders, data.kams, products=data.products, wallet=data.wallet)
    with pytest.raises(KamParameterError, match=r"belongs to 2 accounts \(A \(Same GmbH\), B \(Same GmbH\)\)"):
        kp.build_profile(data, "Same GmbH")


def test_bad_parameters_name_themselves(sample_data):
    with pytest.raises(KamParameterError, match="parameter as_of: 2026-01-31 lies after"):
        kp.build_profile(sample_data, "ACC-0044", as_of="2026-01-31")
    with pytest.raises(KamParameterError, match="parameter cadence_days"):
        kp.build_profile(sample_data, "ACC-0044", cadence_days=0)
    with pytest.raises(KamParameterError, match="parameter lang"):
        kp.build_profile(sample_data, "ACC-0044", lang="fr")


def test_earlier_as_of_cuts_the_event_tables(sample_data):
    p = kp.build_profile(sample_data, "ACC-0044", as_of="2025-06-30")
    assert p.quarterly["quarter"].iloc[-1] == "2025Q2"
    assert p.key_figures["last_order"] <= T("2025-06-30")
    assert "CMP-00513" not in set(p.complaints["complaint_id"])  # opened 2025-12-14
    o = sample_data.orders
    mine = o[(o["account_id"] == "ACC-0044") & (o["date"] > T("2024-06-30")) & (o["date"] <= T("2025-06-30"))]
    assert p.key_figures["revenue_12m_eur"] == pytest.approx(mine["gross_revenue_eur"].sum())


# ----------------------------------------------------------------------------- the sample company


def test_full_account_has_every_section_and_sample_numbers(sample_data):
    before = {n: df.copy() for n, df in sample_data.tables().items()}
    p = kp.build_profile(sample_data, "ACC-0044")
    for n, df in sample_data.tables().items():
        pd.testing.assert_frame_equal(df, before[n])  # the input is not changed
    assert p.notes == {}
    o = sample_data.orders[sample_data.orders["account_id"] == "ACC-0044"]
    assert p.key_figures["revenue_12m_eur"] == pytest.approx(o.loc[o["date"].dt.year == 2025,
                                                                   "gross_revenue_eur"].sum())
    assert p.quarterly["gross_revenue_eur"].sum() == pytest.approx(o["gross_revenue_eur"].sum(), abs=0.05)
    assert len(p.contacts) == (sample_data.contacts["account_id"] == "ACC-0044").sum()
    w = sample_data.wallet[sample_data.wallet["account_id"] == "ACC-0044"]
    assert p.whitespace["potential_eur"].sum() == pytest.approx(w["potential_eur"].sum())
    assert p.basics["kam"] == "Dr. Katharina Weiß (KAM-01)"
    frames = p.frames()
    assert list(frames) == ["quarterly", "product_lines", "products", "product_line_quarters", "complaints",
                            "complaints_by_quarter", "contacts", "roles", "whitespace", "opportunities", "competitors",
                            "competitive_position", "targets", "actions", "findings", "plan"]
    assert all(frame is getattr(p, name) for name, frame in frames.items())
    # every section filled: one row per input row of the account, per quarter since the first order (2023-01-03)
    # and per product bought
    mine = {t: int((getattr(sample_data, t)["account_id"] == "ACC-0044").sum())
            for t in ("complaints", "competitors", "targets", "actions", "wallet")}
    assert {n: len(frames[n]) for n in ("complaints", "competitors", "targets", "actions", "whitespace")} == {
        "complaints": mine["complaints"], "competitors": mine["competitors"], "targets": mine["targets"],
        "actions": mine["actions"], "whitespace": mine["wallet"]}
    assert min(mine.values()) > 0
    assert o["date"].min() == T("2023-01-03") and len(frames["quarterly"]) == 12  # 2023Q1 ... 2025Q4
    assert len(frames["products"]) == o["product_id"].nunique()


def test_thin_account_says_so_in_one_sentence(sample_data):
    p = kp.build_profile(sample_data, "Nordlicht Robotik GmbH", lang="de")
    assert {"buying_center", "whitespace", "competitors", "actions", "complaints"} <= set(p.notes)
    for sentence in p.notes.values():
        assert sentence.endswith(".") and sentence.count(". ") == 0, sentence
    found = set(p.findings["check"])
    assert {"no_contacts", "no_wallet", "no_targets", "no_kam", "stale_review", "no_actions"} <= found
    assert p.key_figures["trend"] == "too_new"
    assert "Keine Potenzialschätzung" in " ".join(p.findings["message"])  # findings follow lang
    assert p.findings["severity"].tolist() == sorted(p.findings["severity"], key=kp.SEVERITIES.index)


def _strings(p) -> list[str]:
    out = [str(v) for v in p.basics.tolist() + p.key_figures.tolist()] + list(p.notes.values())
    for df in p.frames().values():
        for col in df.columns:
            out += [v for v in df[col].tolist() if isinstance(v, str)]
        out += [str(i) for i in df.index]
    return out


def test_anonymise_is_stable_and_leaves_no_real_contact_name(hand_data, sample_data):
    real = sample_data.contacts.loc[sample_data.contacts["account_id"] == "ACC-0044", "name"].tolist()
    p = kp.build_profile(sample_data, "ACC-0044", anonymise=True, lang="de")
    text = "\n".join(_strings(p))
    assert real and not [n for n in real if n in text]
    assert all(re.fullmatch(r"Kontakt [0-9A-F]{4}", n) for n in p.contacts["name"])
    assert p.contacts["name"].is_unique
    again = kp.build_profile(sample_data, "ACC-0044", anonymise=True, lang="de", as_of="2025-06-30")
    assert (p.contacts.set_index("contact_id")["name"].to_dict()
            == again.contacts.set_index("contact_id")["name"].to_dict())
    # names are replaced in free text too (a contact named in an action)
    actions = pd.DataFrame({"action_id": ["a1"], "account_id": ["A"], "goal": ["Meet Dora Decider"],
                            "action": ["Lunch with Dora Decider"], "owner": ["Kim KAM"], "due": [T("2026-01-10")],
                            "status": ["open"]})
    h = kp.build_profile(hand_data(contacts=CONTACTS, actions=actions), "A", anonymise=True)
    assert h.actions["action"].iloc[0] == f"Lunch with {kp.pseudonym('c1')}"
    assert "Dora" not in "\n".join(_strings(h))


def test_present_formats_german_numbers_and_escapes_html(make_data, hand_data):
    data = hand_data()
    acc = data.accounts.assign(name=['Kunde "A" & <Söhne>, Nord'] + data.accounts["name"].tolist()[1:],
                               customer_revenue_eur=[1234567.0, None, None, None, None])
    data = make_data(acc, data.orders, data.kams, products=data.products, wallet=data.wallet)
    p = kp.build_profile(data, "A", lang="de")
    shown = kp.present(p.basics, "de")
    assert shown.loc["Eigener Umsatz des Kunden (EUR)", "Wert"] == "1.234.567"
    assert "Kunde &quot;A&quot; &amp; &lt;Söhne&gt;, Nord" in shown.to_html() or \
        "Kunde \"A\" &amp; &lt;Söhne&gt;, Nord" in shown.to_html()
    figures = kp.present(p.key_figures, "de")
    assert figures.loc["Share of Wallet", "Wert"] == "15,8\u00a0%"
    assert figures.loc["Trend", "Wert"] == "wachsend"
    assert kp.present(p.opportunities, "de", index=False).index.tolist() == [1, 2, 3]


def test_only_the_required_tables_still_give_a_profile(make_data):
    accounts = pd.DataFrame({"account_id": ["A", "B"], "name": ["Alpha", "Beta"]})
    orders = pd.DataFrame({"order_id": ["o1"], "account_id": ["A"], "date": [T("2025-12-01")],
                           "gross_revenue_eur": [100.0]})
    data = make_data(accounts, orders)
    p = kp.build_profile(data, "A")
    assert p.key_figures["revenue_12m_eur"] == 100 and p.key_figures["trend"] == "too_new"
    assert {"buying_center", "whitespace", "competitors", "actions", "complaints", "product_lines"} <= set(p.notes)
    f = p.findings
    assert set(f.loc[f["check"] == "missing_table", "message"].str.extract(r"no (\w+) table")[0]) == {
        "products", "contacts", "interactions", "complaints", "wallet", "competitors", "targets", "actions", "kams",
        "account_plans"}
    cols = f.loc[f["check"] == "missing_column", "message"].tolist()
    assert len(cols) == 2 and "product_id, business_unit, quantity, discount_eur, cogs_eur" in cols[1]
    empty = kp.build_profile(data, "B")  # an account without any order
    assert empty.quarterly.empty and "history" in empty.notes
    assert len(checks(empty, "no_revenue_12m")) == 1


def test_data_ending_before_as_of_is_reported(hand_data, sample_data):
    hand = kp.build_profile(hand_data(), "A")  # the last order of any account is 2025-07-01
    assert "2025-07-01, 183 days before" in checks(hand, "data_ends_early")["message"].iloc[0]
    assert checks(kp.build_profile(sample_data, "ACC-0044"), "data_ends_early").empty  # last order 2025-12-29


def test_figures_survive_dollar_signs_in_names(make_data, hand_data):
    import matplotlib.pyplot as plt

    data = hand_data()
    # unescaped, "$^$" and "$_$" are invalid mathtext and make matplotlib raise when drawing
    acc = data.accounts.assign(name=["Ca$^$h & Carry GmbH"] + data.accounts["name"].tolist()[1:])
    contacts = CONTACTS.assign(name=["Do$_$ra", "Bert", "Ulla"])
    data = make_data(acc, data.orders, data.kams, products=data.products, wallet=data.wallet, contacts=contacts)
    p = kp.build_profile(data, "A")
    for fn in (charts.revenue_chart, charts.relationship_map):
        ax = fn(p)
        ax.figure.canvas.draw()  # mathtext errors surface only when drawing
    assert any("Do\\$_\\$ra" in t.get_text() for t in ax.texts)
    plt.close("all")


def test_profile_charts_plot_the_hand_data(hand_data):
    import matplotlib.colors as mcolors
    import matplotlib.pyplot as plt

    p = kp.build_profile(hand_data(contacts=CONTACTS), "A")
    # revenue: A bought 50 (2023-05), 400 (2024-06), 300 with cogs 100 (2025-06), 200 with cogs 50 (2025-07);
    # 11 quarters 2023Q2 ... 2025Q4, wide bars gross revenue, narrow bars DB I, no target ticks (no targets)
    ax = charts.revenue_chart(p, lang="de")
    quarters = ["2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3",
                "2025Q4"]
    gross = [50, 0, 0, 0, 400, 0, 0, 0, 300, 200, 0]
    db1 = [50, 0, 0, 0, 400, 0, 0, 0, 200, 150, 0]
    assert [(b.get_x() + b.get_width() / 2, b.get_height()) for b in ax.patches] == list(
        zip(list(range(11)) * 2, gross + db1))
    assert [b.get_width() for b in ax.patches] == [0.8] * 11 + [0.45] * 11
    assert [t.get_text() for t in ax.get_xticklabels()] == quarters and not ax.get_lines()
    assert ax.get_title() == "Umsatz und DB I je Quartal · Alpha & Söhne GmbH"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Umsatz (EUR)", "DB I (EUR)"]
    # timeline: lines top-down in order of first purchase (L3 2023, L1 2024, L2 2025); a dot per quarter with
    # revenue, area 600 * sqrt(revenue / 400) + 4; a ring and the date at each first purchase
    ax = charts.product_line_timeline(p, lang="de")
    dots, *rings = ax.collections
    assert dots.get_offsets().tolist() == [[0, 2], [4, 1], [8, 1], [9, 0]]
    assert dots.get_sizes() == pytest.approx([600 * (r / 400) ** 0.5 + 4 for r in (50, 400, 300, 200)])
    assert [r.get_offsets().tolist() for r in rings] == [[[0, 2]], [[4, 1]], [[9, 0]]]
    assert [t.get_text() for t in ax.texts] == ["01.05.2023", "01.06.2024", "01.07.2025"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["L3", "L1", "L2"]
    # relationship map: three contacts on a circle from the top, size 180 + 170 * influence, colour = attitude,
    # dashed thin lines (no interaction, not met), every one a key contact
    ax = charts.relationship_map(p, lang="de")
    assert [t.get_text() for t in ax.texts] == ["wir", "Ulla User\nAnwender · 4", "Bert Buyer\nEinkäufer · 3",
                                                "Dora Decider\nEntscheider · 5"]
    people = ax.collections[0]
    circle = np.array([[0, 1], [3**0.5 / 2, -0.5], [-(3**0.5) / 2, -0.5]])  # 90, -30 and -150 degrees
    assert np.asarray(people.get_offsets()) == pytest.approx(circle)
    assert people.get_sizes().tolist() == [180 + 170 * 4, 180 + 170 * 3, 180 + 170 * 5]
    assert [mcolors.to_hex(c) for c in people.get_facecolors()] == [charts.ATTITUDE_COLOURS[a] for a in
                                                                    ("opponent", "supporter", "champion")]
    assert [(line.get_linestyle(), line.get_linewidth()) for line in ax.get_lines()] == [("--", 0.6)] * 3
    # whitespace: the cells of whitespace_matrix; owned blue, gaps orange, not eligible (L3/BU2) grey
    ax = charts.whitespace_heatmap(p, lang="de")
    assert [t.get_text() for t in ax.texts] == ["30\u00a0%", "Lücke 400", "Lücke 500", "belegt", "Lücke", "–"]
    rgb = ax.images[0].get_array()[:, :, :3]
    assert rgb[0, 1].tolist() == rgb[1, 0].tolist() == rgb[2, 0].tolist() == pytest.approx([0.96, 0.69, 0.51])
    assert rgb[2, 1].tolist() == pytest.approx([0.93, 0.93, 0.93])
    assert rgb[0, 0, 2] > rgb[0, 0, 0] and rgb[1, 1, 2] > rgb[1, 1, 0]  # owned: blue
    plt.close("all")


def test_figures_draw_every_account_kind(sample_data):
    import matplotlib.pyplot as plt

    full = kp.build_profile(sample_data, "ACC-0044")
    thin = kp.build_profile(sample_data, "ACC-0110")
    for p in (full, thin):
        ax = charts.revenue_chart(p, lang="de")
        n = len(p.quarterly)
        assert [b.get_height() for b in ax.patches] == (p.quarterly["gross_revenue_eur"].tolist()
                                                        + p.quarterly["db1_eur"].tolist())
        assert [t.get_text() for t in ax.get_xticklabels()] == p.quarterly["quarter"].tolist() and n > 0
        ax = charts.product_line_timeline(p, lang="de")
        assert len(ax.collections[0].get_offsets()) == len(p.product_line_quarters) > 0
        assert [t.get_text() for t in ax.get_yticklabels()] == p.product_lines["product_line"].tolist()
    ax = charts.relationship_map(full)
    assert len(ax.texts) == len(full.contacts) + 1  # one label per contact plus "us"
    ax = charts.whitespace_heatmap(full, lang="de")
    matrix = kp.whitespace_matrix(full, lang="de")
    assert [t.get_text() for t in ax.texts] == [str(v) for v in matrix.to_numpy().ravel()]
    # the thin account: no contacts, no wallet estimate; the chart says so instead
    for fn, note in ((charts.relationship_map, "buying_center"), (charts.whitespace_heatmap, "whitespace")):
        ax = fn(thin)
        assert [t.get_text() for t in ax.texts] == [thin.notes[note]] and not ax.axison
    plt.close("all")


# ----------------------------------------------------------------------------- the notebook


def _run_notebook(args: tuple[str, dict, str]) -> tuple[str, list[str], str]:
    import papermill as pm

    account, params, out = args
    pm.execute_notebook(str(NOTEBOOK), out, parameters=params, cwd=str(NOTEBOOK.parent), progress_bar=False,
                        kernel_name="python3", request_save_on_cell_execute=False)
    errors, text = _notebook_text(nbformat.read(out, as_version=4))
    return account, errors, text


def _notebook_text(nb) -> tuple[list[str], str]:
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") + o.get("data", {}).get("text/html", "")
                   for o in outputs)
    return errors, text


def test_notebook_runs_for_every_key_account(sample_data, sample_run):
    """The session's shared default run (conftest ``sample_run``) executed notebook 02 for every definitive key
    account, English, default parameters: each without an error and headed with its account."""
    from kamlib.selection import select_key_accounts

    accounts = list(select_key_accounts(sample_data).definitive.index)
    assert "ACC-0044" in accounts and len(accounts) >= 10
    ran = sorted(p.parent.name for p in (sample_run / "accounts").glob("*/02_account_profile.ipynb"))
    assert ran == sorted(accounts)  # safe_name(id) is the id for the sample's ids
    for acc in accounts:
        errors, text = _notebook_text(nbformat.read(sample_run / "accounts" / acc / NOTEBOOK.name, as_version=4))
        assert errors == [], (acc, errors)
        assert re.search(rf"Account profile {acc} · ", text), acc


def test_notebook_runs_with_other_parameters_and_for_the_thin_account_by_name(sample_data, tmp_path):
    """The parameters the shared run leaves at their defaults: German, anonymised, a 60-day cadence and an
    output_dir for a key account with contacts; the thin account named by its name (German, anonymised)."""
    from kamlib.selection import select_key_accounts

    key = list(select_key_accounts(sample_data).definitive.index)[1]
    jobs = [(key, {"source": str(SAMPLE), "as_of": AS_OF, "account_id": key, "lang": "de", "anonymise": True,
                   "cadence_days": 60, "output_dir": str(tmp_path / "out")}, str(tmp_path / "key.ipynb")),
            ("Nordlicht Robotik GmbH", {"source": str(SAMPLE), "as_of": AS_OF, "account_id": "Nordlicht Robotik GmbH",
                                        "lang": "de", "anonymise": True}, str(tmp_path / "thin.ipynb"))]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_run_notebook, jobs))
    contacts = sample_data.contacts
    for (acc, _, _), (_, errors, text) in zip(jobs, results):
        assert errors == [], (acc, errors)
        acc_id = "ACC-0110" if acc.startswith("Nordlicht") else acc
        assert re.search(rf"Kundenprofil {acc_id} · ", text), acc
        assert "Umsatz, letzte 12 Monate (EUR)" in text
        real = contacts.loc[contacts["account_id"] == acc_id, "name"]
        assert len(real) > 0 or acc_id == "ACC-0110", acc  # the key account has named contacts to hide
        assert not [n for n in real if n in text], acc
    thin = results[-1][2]
    assert "keine Ansprechpartner erfasst" in thin and "keine Potenzialschätzung" in thin
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    # kam run gives each account its own folder; file names never contain the (untrusted) account id
    assert written == ["products.json"] + [  # the record of what was written (kamlib.batch.products)
        f"profile_{k}.csv" for k in ("contacts", "findings", "opportunities", "quarterly")]


def test_notebook_has_typed_commented_parameters_and_no_logic():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    names = [ln.split(":")[0] for ln in code[0].source.splitlines() if ln.strip()]
    assert {"source", "as_of", "account_id", "cadence_days", "anonymise", "lang", "output_dir"} <= set(names)
    assert not any(re.search(r"^\s*(def|class)\s", c.source, re.M) for c in code)
    assert nb.metadata["kernelspec"]["name"] == "python3"


# ----------------------------------------------------------------------------- the account plan (issue 14)



#: A's plan as of 2025-12-31: every section but usp and team_customer; the latest review 2025-06-01, 213 days
#: before as_of (> 180); g1 due 2025-11-30 and on track: 31 days overdue; g2 missed, due 2025-09-30: overdue
#: (92 days); g3 done and g4 dropped (not overdue though past due); g5 due 2026-02-01 (not yet due).
HAND_PLAN = plan_frame([
    ("p1", "A", "customer_goal", "Double plant South by 2027", None, None, None, None, None, "2025-05-02"),
    ("p2", "A", "customer_plan", "Retrofit hall 2", None, None, None, None, None, "2025-05-02"),
    ("p3", "A", "objective", "Grow L2 share", "Kim KAM", None, "2026-06-30", "on_track", None, "2025-06-01"),
    ("p4", "A", "strategy", "Sell drive packages", None, None, None, None, None, "2025-04-01"),
    ("p5", "A", "team_ours", "Kim KAM, KAM", None, None, None, None, None, "2025-04-01"),
    ("g1", "A", "agreed_goal", "Halve downtime line 3", "Kim KAM", "Dora Decider", "2025-11-30", "on_track", None,
     "2025-05-20"),
    ("g2", "A", "agreed_goal", "Sign frame contract", "Kim KAM", "Bert Buyer", "2025-09-30", "missed",
     "Budget cut", "2025-05-20"),
    ("g3", "A", "agreed_goal", "Train maintenance", "Kim KAM", "Ulla User", "2025-03-31", "done", "Done in March",
     "2025-04-02"),
    ("g4", "A", "agreed_goal", "Consignment stock", "Kim KAM", "Bert Buyer", "2025-02-28", "dropped", "Replaced",
     "2025-03-01"),
    ("g5", "A", "agreed_goal", "Pilot IE4 motors", "Kim KAM", "Dora Decider", "2026-02-01", "open", None,
     "2025-05-20"),
    ("b1", "B", "strategy", "Not A's", None, None, None, None, None, "2025-12-01"),
])


def test_plan_linter_incomplete_not_current_and_overdue_goals(hand_data):
    p = kp.build_profile(hand_data(contacts=CONTACTS, account_plans=HAND_PLAN), "A")
    # the plan: A's ten items, in the order of the sections, then due date
    assert p.plan["item_id"].tolist() == ["p1", "p2", "p3", "p4", "p5", "g4", "g3", "g2", "g1", "g5"]
    assert p.plan.set_index("item_id")["overdue"].to_dict() == {
        "p1": False, "p2": False, "p3": False, "p4": False, "p5": False,
        "g4": False, "g3": False, "g2": True, "g1": True, "g5": False}
    assert p.plan.set_index("item_id")["days_overdue"].dropna().to_dict() == {"g2": 92, "g1": 31}
    missing = checks(p, "plan_incomplete")
    assert len(missing) == 1 and missing["severity"].item() == "medium"
    assert missing["message"].item() == "The account plan has nothing yet on: our USP, customer's team."
    stale = checks(p, "plan_not_current")
    # latest review 2025-06-01: 213 days before 2025-12-31 (30 + 31 + 31 + 30 + 31 + 30 + 30 = 213)
    assert stale["message"].item() == (
        "The account plan was last reviewed on 2025-06-01, 213 days ago; it should be reviewed at least every "
        "180 days.")
    overdue = checks(p, "agreed_goal_overdue")
    assert overdue["severity"].tolist() == ["high", "high"]
    assert overdue["message"].tolist() == [
        "Agreed goal g2 (Sign frame contract) was due on 2025-09-30, 92 days ago (status in the plan: missed); "
        "owners Kim KAM (us) and Bert Buyer (customer).",
        "Agreed goal g1 (Halve downtime line 3) was due on 2025-11-30, 31 days ago (status in the plan: on track); owners "
        "Kim KAM (us) and Dora Decider (customer).",
    ]
    assert checks(p, "no_account_plan").empty
    # the window is a parameter: at 250 days the plan is current
    assert checks(kp.build_profile(hand_data(account_plans=HAND_PLAN), "A", plan_stale_days=250),
                  "plan_not_current").empty
    # German: sections and statuses as words, dates as 31.12.2025
    de = kp.build_profile(hand_data(contacts=CONTACTS, account_plans=HAND_PLAN), "A", lang="de")
    assert checks(de, "plan_incomplete")["message"].item() == (
        "Im Account-Plan fehlt noch: unser USP, Team des Kunden.")
    assert checks(de, "agreed_goal_overdue")["message"].iloc[0] == (
        "Vereinbartes Ziel g2 (Sign frame contract) war am 30.09.2025 fällig (vor 92 Tagen; Stand im Plan: nicht erreicht); "
        "verantwortlich: Kim KAM (wir) und Bert Buyer (Kunde).")
    assert checks(de, "plan_not_current")["message"].item().startswith(
        "Der Account-Plan wurde zuletzt am 01.06.2025 überprüft (vor 213 Tagen)")


def test_no_account_plan_and_no_plans_table(hand_data):
    # the table exists but has nothing for C: a finding; B's one strategy line is a plan, but an incomplete one
    data = hand_data(account_plans=HAND_PLAN)
    c = kp.build_profile(data, "C")
    assert checks(c, "no_account_plan")["message"].item() == "No account plan is recorded for this account."
    assert c.plan.empty and "plan" in c.notes
    b = kp.build_profile(data, "B")
    assert checks(b, "no_account_plan").empty and len(checks(b, "plan_incomplete")) == 1
    # without the table: one missing-table finding, no plan findings
    a = kp.build_profile(hand_data(), "A")
    assert not set(a.findings["check"]) & {"no_account_plan", "plan_incomplete", "plan_not_current"}
    assert "no account_plans table" in " ".join(checks(a, "missing_table")["message"])


def test_plan_items_reviewed_after_as_of_are_not_seen(hand_data):
    # as of 2025-05-01 only the items reviewed by then exist: p4, p5 (2025-04-01), g3 (04-02), g4 (03-01);
    # g4 is dropped and g3 done, so nothing is overdue; the plan lacks both customer sections, objective, usp, ...
    p = kp.build_profile(hand_data(account_plans=HAND_PLAN), "A", as_of="2025-05-01")
    assert sorted(p.plan["item_id"]) == ["g3", "g4", "p4", "p5"]
    assert checks(p, "agreed_goal_overdue").empty and checks(p, "plan_not_current").empty


def test_account_plan_view_by_section_in_both_languages_and_without_internal_sections(hand_data):
    p = kp.build_profile(hand_data(contacts=CONTACTS, account_plans=HAND_PLAN), "A")
    en = kp.account_plan_view(p, "en")
    assert en.index.name == "Section"
    assert en.index.tolist()[:5] == ["Customer's goal", "Customer's plan", "Our objective", "Strategy", "Our team"]
    assert list(en.columns) == ["Content", "Our owner", "Customer's owner", "Due", "Status", "Result",
                                "Last reviewed"]
    g1 = en[en["Content"] == "Halve downtime line 3"].iloc[0]
    assert g1.tolist() == ["Halve downtime line 3", "Kim KAM", "Dora Decider", "2025-11-30", "on track", "–",
                           "2025-05-20"]
    de = kp.account_plan_view(p, "de")
    assert de.index.tolist()[3] == "Strategie" and de.index.tolist()[-1] == "Vereinbartes Ziel"
    assert de.loc[de["Inhalt"] == "Sign frame contract", "Status"].item() == "nicht erreicht"
    assert de.loc[de["Inhalt"] == "Sign frame contract", "Fällig"].item() == "30.09.2025"
    # for the customer: objectives, strategy and USP are left out
    shown = kp.account_plan_view(p, "en", internal=False)
    assert "Grow L2 share" not in shown["Content"].tolist() and "Sell drive packages" not in shown["Content"].tolist()
    assert set(shown.index) == {"Customer's goal", "Customer's plan", "Our team", "Agreed goal"}


def test_anonymised_plan_hides_contact_names(hand_data):
    p = kp.build_profile(hand_data(contacts=CONTACTS, account_plans=HAND_PLAN), "A", anonymise=True)
    text = "\n".join(_strings(p))
    assert "Dora Decider" not in text and "Bert Buyer" not in text
    assert kp.pseudonym("c1") in p.plan["owner_customer"].tolist()


def test_internal_plan_sections_never_reach_the_customer_views(hand_data, make_data):
    from kamlib import review as rv

    # a marker planted in every field of the internal sections (objective, strategy, USP)
    marker = "INTERNAL-7Q"
    internal = plan_frame([
        (f"i{i}", "A", s, f"{marker} {s}", f"{marker} owner", f"{marker} c", "2025-12-01", "at_risk",
         f"{marker} result", "2025-12-01")
        for i, s in enumerate(("objective", "strategy", "usp"))
    ])
    data = hand_data(account_plans=pd.concat([HAND_PLAN, internal], ignore_index=True))
    p = kp.build_profile(data, "A")
    assert marker in kp.account_plan_view(p, "en").to_html()  # the internal view shows them
    for lang in ("en", "de"):
        assert marker not in kp.account_plan_view(p, lang, internal=False).to_html()
        shown = rv.plan_progress_view(rv.plan_progress(data, "A", "2025Q3", sections=("agreed_goal",)), lang)
        assert marker not in shown.to_html() and len(shown) == 5


def test_overdue_values_name_due_date_days_and_owners_with_a_dash_when_missing():
    """_overdue_values: how a finding names an overdue action or plan item (shared by both findings)."""
    row = pd.Series({"due": pd.Timestamp("2025-06-30"), "days_overdue": 184, "owner": None, "cust": "Frau Weiß"})
    # the date as the language writes it; days as a whole number; a missing owner is a dash (U+2013)
    assert kp._overdue_values(row, "de", owner="owner", owner_customer="cust") == {
        "due": "30.06.2025",
        "days": 184,
        "owner": "\u2013",
        "owner_customer": "Frau Weiß",
    }
    assert kp._overdue_values(row, "en") == {"due": "2025-06-30", "days": 184}
