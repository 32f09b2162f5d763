"""Review details of issue 13, each on a hand-made case worked out by hand (and the bridge also on the sample):
the variance bridge by product line, one definition of retention, what "meetings and calls" counts, the value of
a quadrant move from the account's own figures, and QBR vs Jahresgespräch with the cadence."""

from __future__ import annotations

import pandas as pd
import pytest

from kamlib import review as rv

LINES = pd.DataFrame({"product_id": ["P1", "P2", "P3", "P4", "P5"],
                      "name": ["Gear 1", "Gear 2", "Motor 3", "Sensor 4", "Service 5"],
                      "product_line": ["Gear", "Gear", "Motor", "Sensor", "Service"]})


def _orders(rows, discount=0.0):
    """rows: (account, date, product, quantity, gross revenue)."""
    return pd.DataFrame([{"order_id": f"o{i}", "account_id": a, "date": pd.Timestamp(d), "product_id": p,
                          "quantity": float(q), "gross_revenue_eur": float(r), "discount_eur": discount,
                          "cogs_eur": r * 0.5} for i, (a, d, p, q, r) in enumerate(rows)])


def _accounts(ids):
    return pd.DataFrame({"account_id": list(ids), "name": list(ids), "status": ["active"] * len(ids)})


# --------------------------------------------------------------------------- variance bridge by product line


def test_bridge_pools_the_products_of_a_line(make_data):
    # one line, base: product P1 10 units at 10; now: product P2 of the same line 10 units at 12.
    # the line is bought in both quarters, so nothing is new or lost; no product is bought in both, so there is no
    # like-for-like volume or price: the switch to the dearer product is mix = 120 - 100 = 20.
    # (per product it was new 120 and lost -100, which called a product swap a new product line)
    data = make_data(_accounts("A"), _orders([("A", "2024-11-01", "P1", 10, 100), ("A", "2025-11-01", "P2", 10, 120)]),
                     products=LINES)
    b = rv.variance_bridge(data, "A", "2025Q4")
    assert (b["volume"], b["mix"], b["price"], b["new_lines"], b["lost_lines"], b["total"]) == (0, 20, 0, 0, 0, 20)


def test_volume_and_mix_stay_within_each_line(make_data):
    # Gear P1: 1 unit at 100 -> 2 units at 100; Sensor P4: 100 units at 1 -> 50 units at 1. Gear's volume doubled
    # and Sensor's halved, at unchanged prices: volume = (2 - 1) * 100 + (50 - 100) * 1 = +50 = the whole change;
    # no mix (pooling a gear with a sensor would call 49 fewer "units" a volume loss of -97 and the rest mix)
    rows = [("A", "2024-11-01", "P1", 1, 100), ("A", "2024-11-02", "P4", 100, 100),
            ("A", "2025-11-01", "P1", 2, 200), ("A", "2025-11-02", "P4", 50, 50)]
    b = rv.variance_bridge(make_data(_accounts("A"), _orders(rows), products=LINES), "A", "2025Q4")
    assert (b["volume"], b["mix"], b["price"], b["new_lines"], b["lost_lines"], b["total"]) == (50, 0, 0, 0, 0, 50)


def test_bridge_by_line_worked_by_hand(make_data):
    # base 2024Q4: Gear P1 10 u / 1000 (p0 100); Motor P3 10 u / 2000 (p0 200); Sensor P4 2 u / 100 (lost line)
    # now 2025Q4: Gear P1 6 u / 660 (p1 110) + P2 8 u / 1020 (switched to within Gear); Motor P3 8 u / 1680 (p1 210);
    #             Service P5 1 u / 300 (new line)
    # within each line, over the products bought in both quarters: Gear P1 (Q0 10, Q1 6, P0 100), Motor P3 (Q0 10,
    # Q1 8, P0 200); each line has one such product, so no mix between products inside it
    # volume = (6 - 10) * 100 + (8 - 10) * 200 = -400 - 400 = -800
    # mix = 0 + 0 + 1020 (P2, new within the common line Gear) = 1020
    # price = 6 * (110 - 100) + 8 * (210 - 200) = 60 + 80 = 140
    # new = 300, lost = -100; total = 3660 - 3100 = 560 = -800 + 1020 + 140 + 300 - 100
    rows = [("A", "2024-11-01", "P1", 10, 1000), ("A", "2024-11-02", "P3", 10, 2000),
            ("A", "2024-11-03", "P4", 2, 100),
            ("A", "2025-11-01", "P1", 6, 660), ("A", "2025-11-02", "P2", 8, 1020), ("A", "2025-11-03", "P3", 8, 1680),
            ("A", "2025-11-04", "P5", 1, 300)]
    b = rv.variance_bridge(make_data(_accounts("A"), _orders(rows), products=LINES), "A", "2025Q4")
    got = (b["base_revenue"], b["current_revenue"], b["volume"], b["mix"], b["price"], b["new_lines"],
           b["lost_lines"], b["total"])
    assert got == (3100, 3660, -800, 1020, 140, 300, -100, 560)
    assert b["volume"] + b["mix"] + b["price"] + b["new_lines"] + b["lost_lines"] == b["total"]


def test_bridge_in_cents_sums_exactly_with_thirds(make_data):
    # one line, Gear: P1 10 u at 100 and P2 5 u at 200 -> Q0 = 15, P0 = 2000/15; now P1 12 u / 1440, P2 5 u / 1100
    # volume = 2 * 2000/15 = 266.67; mix = (12 - 17*2/3) * 100 + (5 - 17/3) * 200 = 66.67 - 133.33 = -66.67 (cents)
    # volume + mix = (1200 + 1000) - 2000 = 200 exactly; price = 12 * 20 + 5 * 20 = 340; total = 2540 - 2000 = 540
    rows = [("A", "2024-11-01", "P1", 10, 1000), ("A", "2024-11-01", "P2", 5, 1000),
            ("A", "2025-11-01", "P1", 12, 1440), ("A", "2025-11-01", "P2", 5, 1100)]
    b = rv.variance_bridge(make_data(_accounts("A"), _orders(rows), products=LINES), "A", "2025Q4")
    assert (b["volume"], b["mix"], b["price"], b["total"]) == (266.67, -66.67, 340.0, 540.0)
    assert round((b["volume"] + b["mix"] + b["price"] + b["new_lines"] + b["lost_lines"]) * 100) == 54000


def test_bridge_compares_prices_product_by_product(make_data):
    # one line with a cheap and a dear product: base P1 100 u at 10 and P2 1 u at 1000; now P1 10 u at 10 and
    # P2 10 u at 1000. Prices did not change, so the price effect must be 0 (a line average of 2000/101 = 19.80
    # then and 10100/20 = 505 now would call +9,700 a price rise).
    # Q0 = 101, Q1 = 20, P0 = 2000/101; volume = -81 * 2000/101 = -1603.96; mix = Σ q1 p0 - Q1 P0 =
    # 10100 - 20 * 2000/101 = 9703.96; price = 0; total = 10100 - 2000 = 8100 = -1603.96 + 9703.96
    rows = [("A", "2024-11-01", "P1", 100, 1000), ("A", "2024-11-01", "P2", 1, 1000),
            ("A", "2025-11-01", "P1", 10, 100), ("A", "2025-11-01", "P2", 10, 10000)]
    b = rv.variance_bridge(make_data(_accounts("A"), _orders(rows), products=LINES), "A", "2025Q4")
    assert (b["volume"], b["mix"], b["price"], b["total"]) == (-1603.96, 9703.96, 0.0, 8100.0)


def test_bridge_on_the_sample_explains_unchanged_lines_by_volume_mix_price(sample_data):
    # every account whose product lines (from products.csv) are the same in 2025Q4 and 2024Q4: the bridge has no
    # new or lost lines, and its change is explained by volume, mix and price (not 100 % "new/lost")
    line_of = sample_data.products.set_index("product_id")["product_line"]
    o = sample_data.orders.assign(line=sample_data.orders["product_id"].map(line_of))
    now = o[o["date"].dt.to_period("Q") == pd.Period("2025Q4")].groupby("account_id")["line"].agg(frozenset)
    then = o[o["date"].dt.to_period("Q") == pd.Period("2024Q4")].groupby("account_id")["line"].agg(frozenset)
    same = [a for a in now.index.intersection(then.index) if now[a] == then[a]]
    assert len(same) >= 5
    for acc in same:
        b = rv.variance_bridge(sample_data, acc, "2025Q4")
        assert b["new_lines"] == 0 and b["lost_lines"] == 0, acc
        assert round(b["volume"] + b["mix"] + b["price"], 2) == round(b["total"], 2), acc
        assert b["total"] == 0 or (b["volume"], b["mix"], b["price"]) != (0, 0, 0), acc


def test_bridge_labels_say_against_the_base_quarter_and_differ_from_cross_sell():
    # the bridge's "new" lines are lines not bought in the base quarter; the cross-sell KPI counts lines bought
    # for the first time ever: the labels must say which, so the page does not contradict itself
    for lang, base_word, first_word in (("en", "base quarter", "first time"), ("de", "Basisquartal", "rstmals")):
        assert base_word in rv.label("new_lines", lang) and base_word in rv.label("lost_lines", lang)
        assert first_word in rv.label("new_product_lines", lang)


# --------------------------------------------------------------------------- one definition of retention


def _retention_case(make_data, *extra):
    """Yearly windows 2023, 2024, 2025 (as of 2025-12-31). A buys every year; B in 2023 and 2025 (a pause in 2024);
    C only in 2023; D from 2024 on; E only a free sample (revenue 0) in 2024. ``extra``: more order rows."""
    rows = [*extra, ("A", "2023-03-01", "P1", 1, 100), ("A", "2024-03-01", "P1", 1, 120), ("A", "2025-03-01", "P1", 1, 90),
            ("B", "2023-01-01", "P1", 1, 200), ("B", "2025-03-01", "P1", 1, 50),
            ("C", "2023-03-01", "P1", 1, 50),
            ("D", "2024-03-01", "P1", 1, 40), ("D", "2025-03-01", "P1", 1, 80),
            ("E", "2024-05-01", "P1", 1, 0)]
    return make_data(_accounts("ABCDE"), _orders(rows), products=LINES)


def test_retention_definition_worked_by_hand():
    from kamlib import retention

    # start set: revenue in the base window. A 100 -> 120 (expansion 20), B 200 -> 150 (contraction 50),
    # C 50 -> 0 (churned); D 0 -> 30 and bought before (returned), E 0 -> 10 (new), F 0 -> 0 (not counted)
    base = pd.Series({"A": 100.0, "B": 200.0, "C": 50.0, "D": 0.0, "E": 0.0, "F": 0.0})
    now = pd.Series({"A": 120.0, "B": 150.0, "C": 0.0, "D": 30.0, "E": 10.0, "F": 0.0})
    before = pd.Series({"A": True, "B": True, "C": True, "D": True, "E": False, "F": True})
    k = retention.summary(base, now, bought_before=before)
    assert (k["start_accounts"], k["retained_accounts"], k["churned_accounts"]) == (3, 2, 1)
    assert (k["returned_accounts"], k["new_accounts"]) == (1, 1)
    assert k["logo_retention"] == pytest.approx(2 / 3) and k["churn_rate"] == pytest.approx(1 / 3)
    assert (k["start_revenue"], k["expansion"], k["contraction"], k["churned_revenue"]) == (350, 20, 50, 50)
    assert k["grr"] == pytest.approx((350 - 50 - 50) / 350)  # 250/350
    assert k["nrr"] == pytest.approx((350 + 20 - 50 - 50) / 350)  # 270/350


def test_clv_retention_uses_the_one_definition(make_data):
    from kamlib import clv

    # 2023 -> 2024: start {A, B, C} (revenue in 2023), still buying in 2024: A -> 1/3 (B paused: churned that year)
    # 2024 -> 2025: start {A, D} (E's free sample is no revenue), both buy in 2025 -> 2/2; B is a returned account
    # pooled: (1 + 2) / (3 + 2) = 0.6 (was 5/6: B counted as kept through its pause, E as a customer)
    t = clv.retention_table(_retention_case(make_data)).set_index("period")
    assert t.loc["2024", ["active_before", "retained", "lost"]].tolist() == [3, 1, 2]
    assert t.loc["2025", ["active_before", "retained", "lost"]].tolist() == [2, 2, 0]
    assert t.loc["pooled", "retention"] == pytest.approx(0.6)


def test_selection_retention_uses_the_one_definition(make_data):
    from kamlib import selection

    # notebook 01's lifetime value uses the CLV's yearly retention: pooled over 2023 -> 2024 (1 of 3 kept) and
    # 2024 -> 2025 (2 of 2 kept) = 3/5 (was 5/7: B kept through its pause, E a customer by a free sample)
    m = selection.criterion_metrics(_retention_case(make_data))
    assert m["retention"].tolist() == [pytest.approx(0.6)] * 5


def test_review_kpis_of_one_account_use_the_one_definition(make_data):
    # A: 2024Q1 120 -> 2025Q1 90: contraction 30 -> GRR = NRR = 90/120 = 0.75
    # D: 2024Q1 40 -> 2025Q1 80: expansion 40 -> GRR 1.0, NRR 2.0
    data = _retention_case(make_data)
    a = rv.account_kpis(data, "A", "2025Q1")
    d = rv.account_kpis(data, "D", "2025Q1")
    assert (a["grr_yoy"], a["nrr_yoy"]) == (pytest.approx(0.75), pytest.approx(0.75))
    assert (d["grr_yoy"], d["nrr_yoy"]) == (1.0, 2.0)
    # the portfolio's figures of notebook 05 come from the same definition: start {A, D} in 2024Q1 (B, C bought
    # nothing then), both kept; start revenue 160, expansion 40, contraction 30 -> GRR 130/160, NRR 170/160
    k = rv.retention_kpis(data, "2025Q1")
    assert (k["start_accounts"], k["retained_accounts"], k["returned_accounts"]) == (2, 2, 1)
    assert (k["grr"], k["nrr"]) == (pytest.approx(130 / 160), pytest.approx(170 / 160))


def test_pitfall_churn_of_smaller_accounts_uses_the_one_definition(make_data):
    from types import SimpleNamespace

    # no key accounts: all five are "smaller accounts". Last four quarters = 2025, the four before = 2024,
    # before them 2023. Now: start {A, D} (revenue in 2024; E's free sample is none), both buy in 2025 -> churn 0
    # (was 1/3: E counted as a customer lost). Before: start {A, B, C} in 2023, only A buys in 2024 -> 2/3.
    none = pd.DataFrame({"kam_id": pd.Series(dtype=str)}, index=pd.Index([], name="account_id"))
    sel = SimpleNamespace(definitive=none, provisional=none)
    data = _retention_case(make_data, ("A", "2025-11-01", "P1", 1, 10))  # A also buys in 2025Q4
    p = rv.pitfall_checks(data, "2025Q4", selection=sel)
    assert p.loc["non_key_logo_churn", "now"] == 0.0
    assert p.loc["non_key_logo_churn", "before"] == pytest.approx(2 / 3)


# --------------------------------------------------------------------------- what "meetings and calls" counts


def _contact_case(make_data):
    """Account A in 2025Q4: one interaction of each type (meeting, call, visit, email, qbr), one meeting in Q3."""
    types = ["meeting", "call", "visit", "email", "qbr", "meeting"]
    dates = ["2025-10-01", "2025-10-15", "2025-11-01", "2025-11-15", "2025-12-01", "2025-09-30"]
    it = pd.DataFrame({"interaction_id": [f"i{i}" for i in range(6)], "account_id": "A",
                       "date": pd.to_datetime(dates), "type": types, "kam_id": "K1", "contact_id": None})
    orders = _orders([("A", "2025-11-01", "P1", 1, 100)])
    return make_data(_accounts("A"), orders, products=LINES, interactions=it)


def test_meetings_and_calls_count_what_their_labels_say(make_data):
    # in the quarter: meeting, call, visit, QBR count as contacts (4); the e-mail does not, nor the Q3 meeting.
    # meetings = meeting + visit + QBR = 3 (a visit and a QBR are meetings); calls = 1
    k = rv.account_kpis(_contact_case(make_data), "A", "2025Q4")
    assert (k["contacts_held"], k["meetings"], k["calls"]) == (4, 3, 1)
    # each label names every type it counts: contacts = meetings, visits, QBRs and calls; meetings without calls
    words = {"en": ("meeting", "visit", "qbr", "call"), "de": ("termin", "besuch", "qbr", "telefonat")}
    for lang, (meeting, visit, qbr, call) in words.items():
        shown = rv.kpi_view(k, lang).index.str.lower()
        held, met = shown[list(k.index).index("contacts_held")], shown[list(k.index).index("meetings")]
        assert all(w in held for w in (meeting, visit, qbr, call)), held
        assert all(w in met for w in (meeting, visit, qbr)) and call not in met, met
        assert all(w in rv.label("meetings", lang).lower() for w in (meeting, visit, qbr, call))  # workload, one-pager


# --------------------------------------------------------------------------- value of a quadrant move


def test_value_of_a_move_comes_from_the_accounts_own_figures(make_data):
    # orders from 2024: as of 2024-12-31 one 12-month window only -> r = FALLBACK_RETENTION 0.8; as of 2025-12-31
    # both accounts bought in 2024 and 2025 -> r = 2/2 = 1.0. d = 0.1, no service costs: DB IV = DB I = revenue/2.
    # A: DB 500 in 2024 -> CLV 500 * 0.8 / (1.1 - 0.8) = 1333.33; DB 1000 in 2025 -> 1000 * 1 / 0.1 = 10000
    # B: DB 50 in 2024 -> 50 * 0.8 / 0.3 = 133.33; DB 40 in 2025 -> 400. Two accounts making the same move get
    # different values (a quadrant average would give both the same).
    rows = [("A", "2024-01-05", "P1", 1, 1000), ("A", "2025-03-01", "P1", 1, 2000),
            ("B", "2024-02-01", "P1", 1, 100), ("B", "2025-03-01", "P1", 1, 80)]
    data = make_data(_accounts("AB"), _orders(rows), products=LINES)
    v = rv.move_values(data, ["A", "B"], previous_as_of="2024-12-31", discount_rate=0.1)
    assert v.loc["A", ["clv_before", "clv_now", "move_value"]].tolist() == pytest.approx([4000 / 3, 10000, 10000 - 4000 / 3])
    assert v.loc["B", ["clv_before", "clv_now", "move_value"]].tolist() == pytest.approx([400 / 3, 400, 400 - 400 / 3])


def test_moves_view_shows_the_value_in_euros():
    moves = pd.DataFrame({"name": ["Kunde A", "Kunde B"], "previous": ["star", "status"],
                          "current": ["strategic", "status"], "clv_before": [1000.0, 5.0], "clv_now": [2500.4, 5.0],
                          "move_value": [1500.4, 0.0]}, index=pd.Index(["A", "B"], name="account_id"))
    shown = rv.moves_view(moves, "de")
    assert shown.index.tolist() == ["A"]  # B kept its quadrant
    assert shown.iloc[0].tolist()[-3:] == ["1.000\u00a0€", "2.500\u00a0€", "1.500\u00a0€"]


# --------------------------------------------------------------------------- QBR, Jahresgespräch and the cadence


def _review_case(make_data):
    """Account A: orders in 2025Q4, its last business review (interaction type qbr) on 2025-09-01, 121 days
    before the end of 2025Q4."""
    it = pd.DataFrame({"interaction_id": ["i1"], "account_id": ["A"], "date": [pd.Timestamp("2025-09-01")],
                       "type": ["qbr"], "kam_id": ["K1"], "contact_id": [None]})
    return make_data(_accounts("A"), _orders([("A", "2025-11-01", "P1", 1, 100)]), products=LINES, interactions=it)


@pytest.mark.parametrize("cadence, overdue", [(90, True), (120, True), (180, False), (365, False)])
def test_stale_review_follows_the_cadence(make_data, cadence, overdue):
    # 121 days since the last review: overdue at a cadence of 90 or 120 days, not at 180 or 365
    p = rv.next_actions(_review_case(make_data), "A", "2025Q4", cadence_days=cadence, lang="en")
    assert p["proposal"].str.startswith("Hold the").any() == overdue


@pytest.mark.parametrize("cadence, en, de", [(90, "quarterly business review (QBR)", "Quartalsgespräch (QBR)"),
                                             (365, "annual review (Jahresgespräch)", "Jahresgespräch")])
def test_the_review_proposed_is_named_by_the_cadence(make_data, cadence, en, de):
    # the last review 500 days before the quarter's end is overdue at both cadences; the proposal names the meeting
    # the cadence calls for: every quarter the QBR, every year the Jahresgespräch (annual review)
    data = _review_case(make_data)
    data.interactions.loc[0, "date"] = pd.Timestamp("2024-08-18")  # 500 days before 2025-12-31
    assert f"Hold the {en}" in rv.next_actions(data, "A", "2025Q4", cadence_days=cadence, lang="en")["proposal"].tolist()
    assert f"{de} durchführen" in rv.next_actions(data, "A", "2025Q4", cadence_days=cadence, lang="de")["proposal"].tolist()
    assert rv.review_meeting(cadence, "de") == de


def test_heading_and_one_pager_call_the_quarterly_review_a_qbr(make_data):
    data = _review_case(make_data)
    assert rv.review_heading(data, "A", "2025Q4", "de").startswith("A A: Quartalsgespräch (QBR) 2025Q4")
    assert rv.review_heading(data, "A", "2025Q4", "en").startswith("A A: quarterly business review (QBR) 2025Q4")
    assert "Jahresgespräch" not in (rv.qbr_summary.__doc__ or "").split("\n")[0]


def test_retention_between_two_windows_of_order_lines_worked_by_hand():
    from kamlib import retention

    # base window 2024, current 2025. A 120 -> 90 (contraction 30), D 40 -> 80 (expansion 40); B 0 -> 50 and
    # bought in 2023 (returned); C bought only in 2023, E only a 0-revenue sample in 2024 (not in the start set)
    orders = pd.DataFrame(
        [("A", "2023-03-01", 100), ("A", "2024-03-01", 120), ("A", "2025-03-01", 90), ("B", "2023-01-01", 200),
         ("B", "2025-03-01", 50), ("C", "2023-03-01", 50), ("D", "2024-03-01", 40), ("D", "2025-03-01", 80),
         ("E", "2024-05-01", 0)],
        columns=["account_id", "date", "gross_revenue_eur"],
    ).assign(date=lambda o: pd.to_datetime(o["date"]))
    y2024 = (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    y2025 = (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31"))
    k = retention.between(orders, y2024, y2025, account_ids=list("ABCDEF"))
    assert (k["start_accounts"], k["retained_accounts"], k["returned_accounts"], k["new_accounts"]) == (2, 2, 1, 0)
    assert (k["start_revenue"], k["expansion"], k["contraction"], k["churned_revenue"]) == (160, 40, 30, 0)
    assert k["grr"] == pytest.approx((160 - 30) / 160)  # 0.8125
    assert k["nrr"] == pytest.approx((160 + 40 - 30) / 160)  # 1.0625
