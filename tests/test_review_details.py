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
    # by line: same line, q0 = q1 = 10 -> volume 0, mix 0; price = 10 * (12 - 10) = 20; nothing new or lost.
    # (per product it was new 120 and lost -100, which called a product swap a new product line)
    data = make_data(_accounts("A"), _orders([("A", "2024-11-01", "P1", 10, 100), ("A", "2025-11-01", "P2", 10, 120)]),
                     products=LINES)
    b = rv.variance_bridge(data, "A", "2025Q4")
    assert (b["volume"], b["mix"], b["price"], b["new_lines"], b["lost_lines"], b["total"]) == (0, 0, 20, 0, 0, 20)


def test_bridge_by_line_worked_by_hand(make_data):
    # base 2024Q4: Gear P1 10 u / 1000 (p0 100); Motor P3 10 u / 2000 (p0 200); Sensor P4 2 u / 100 (lost line)
    # now 2025Q4: Gear P1 6 u / 660 + P2 8 u / 1020 = 14 u / 1680 (p1 120); Motor P3 8 u / 1680 (p1 210);
    #             Service P5 1 u / 300 (new line)
    # common lines Gear, Motor: Q0 = 20, Q1 = 22, s0 = 1/2 each, P0 = 150
    # volume = (22 - 20) * 150 = 300
    # mix = (14 - 22/2) * 100 + (8 - 22/2) * 200 = 300 - 600 = -300
    # price = 14 * (120 - 100) + 8 * (210 - 200) = 280 + 80 = 360
    # new = 300, lost = -100; total = 3660 - 3100 = 560 = 300 - 300 + 360 + 300 - 100
    rows = [("A", "2024-11-01", "P1", 10, 1000), ("A", "2024-11-02", "P3", 10, 2000),
            ("A", "2024-11-03", "P4", 2, 100),
            ("A", "2025-11-01", "P1", 6, 660), ("A", "2025-11-02", "P2", 8, 1020), ("A", "2025-11-03", "P3", 8, 1680),
            ("A", "2025-11-04", "P5", 1, 300)]
    b = rv.variance_bridge(make_data(_accounts("A"), _orders(rows), products=LINES), "A", "2025Q4")
    got = (b["base_revenue"], b["current_revenue"], b["volume"], b["mix"], b["price"], b["new_lines"],
           b["lost_lines"], b["total"])
    assert got == (3100, 3660, 300, -300, 360, 300, -100, 560)
    assert b["volume"] + b["mix"] + b["price"] + b["new_lines"] + b["lost_lines"] == b["total"]


def test_bridge_in_cents_sums_exactly_with_thirds(make_data):
    # Gear 10 u at 100 and Motor 5 u at 200 -> Q0 = 15, P0 = 400/3; now Gear 12 u / 1440, Motor 5 u / 1100
    # volume = 2 * 400/3 = 266.67; mix = (12 - 17*2/3) * 100 + (5 - 17/3) * 200 = 66.67 - 133.33 = -66.67 (cents)
    # volume + mix = (1200 + 1000) - 2000 = 200 exactly; price = 12 * 20 + 5 * 20 = 340; total = 2540 - 2000 = 540
    rows = [("A", "2024-11-01", "P1", 10, 1000), ("A", "2024-11-01", "P3", 5, 1000),
            ("A", "2025-11-01", "P2", 12, 1440), ("A", "2025-11-01", "P3", 5, 1100)]
    b = rv.variance_bridge(make_data(_accounts("A"), _orders(rows), products=LINES), "A", "2025Q4")
    assert (b["volume"], b["mix"], b["price"], b["total"]) == (266.67, -66.67, 340.0, 540.0)
    assert round((b["volume"] + b["mix"] + b["price"] + b["new_lines"] + b["lost_lines"]) * 100) == 54000


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
