"""CSV extracts are tidy: money to cents, everything else to 4 decimals, text neutralised (kamlib.data.writers)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kamlib.data import writers as reporting


def test_write_csv_rounds_money_to_cents_and_ratios_to_four_decimals(tmp_path):
    df = pd.DataFrame({
        "account_id": ["ACC-1", "ACC-2"],
        "gross_revenue_eur": [75368.29000000001, 0.1 + 0.2],  # float noise, as sums of cents give it
        "clv": [1234.5678, -99.999],
        "db4": [1083305.9549, 12.0],
        "share_of_wallet": [0.123456, 1 / 3],
        "db1_margin": [0.4567891, 0.5],  # a margin as a share of revenue: a ratio, not money
        "p_alive": [0.876543, math.nan],
        "orders": [3, 4],  # integers stay integers
        "name": ['=HYPERLINK("http://evil.example","x")', "Müller & Söhne"],
    })
    before = df.copy()
    path = reporting.write_csv(df, tmp_path / "x.csv", index=False)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "account_id,gross_revenue_eur,clv,db4,share_of_wallet,db1_margin,p_alive,orders,name"
    # by hand: 75368.29000000001 -> 75368.29; 0.1 + 0.2 = 0.30000000000000004 -> 0.3; 1234.5678 -> 1234.57;
    # -99.999 -> -100.0; 1083305.9549 -> 1083305.95; 0.123456 -> 0.1235; 1/3 -> 0.3333; 0.4567891 -> 0.4568
    assert lines[1] == ("ACC-1,75368.29,1234.57,1083305.95,0.1235,0.4568,0.8765,3,"
                        "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"")
    assert lines[2] == "ACC-2,0.3,-100.0,12.0,0.3333,0.5,,4,Müller & Söhne"
    pd.testing.assert_frame_equal(df, before)  # the caller's frame is not changed


def test_round_frame_index_and_mixed_columns():
    df = pd.DataFrame({"revenue": [1.005001, 2.0], "mixed": ["a", 0.123456789]}, index=[0.1234567, 2.5])
    out = reporting.round_frame(df)
    assert out["revenue"].tolist() == [1.01, 2.0]
    assert out["mixed"].tolist() == ["a", 0.1235]
    assert out.index.tolist() == [0.1235, 2.5]
    assert reporting.round_frame(pd.DataFrame()).empty


def test_safe_frame_rounds_and_neutralises_for_excel(tmp_path):
    df = pd.DataFrame({"name": ["+49 30 123", "@SUM(A1)"], "potential_eur": [np.float64(10.005000001), 7.0],
                       "weight": [0.166666666, 0.5]})
    out = reporting.safe_frame(df)
    assert out["name"].tolist() == ["'+49 30 123", "'@SUM(A1)"]
    assert out["potential_eur"].tolist() == [10.01, 7.0] and out["weight"].tolist() == [0.1667, 0.5]


@pytest.mark.parametrize("column, money", [
    # the float columns of the extracts a run writes (01 key_accounts, 02 profile_*, 03 customer_value and
    # quadrant_moves, 04 review_*, 05 portfolio/kam_workload)
    ("revenue_12m", True), ("gross_revenue", True), ("net_revenue", True), ("db1", True), ("db4", True),
    ("cost_to_serve", True), ("clv", True), ("clv_horizon", True), ("clv_growth", True), ("clv_bgnbd", True),
    ("expected_spend", True), ("margin_now", True), ("clv_new", True), ("value", True), ("target", True),
    ("ytd_target", True), ("discount", True), ("cogs", True), ("revenue_12m_eur", True), ("gap_eur", True),
    ("potential_eur", True), ("expected_value_eur", True), ("margin_target_eur", True), ("revenue", True),
    ("cts_ratio", False), ("db1_margin", False), ("db4_margin", False), ("retention", False), ("p_alive", False),
    ("share_of_wallet", False), ("win_probability", False), ("revenue_share", False), ("attainment", False),
    ("yoy_growth", False), ("qoq_growth", False), ("score", False), ("weight", False), ("utilisation", False),
    ("health", False), ("trend", False), ("purchases_next_year", False), ("days_since_last", False),
    ("attractiveness", False), ("feedback", False),
])
def test_money_columns_by_name(column, money):
    assert reporting.is_money_column(column) is money


def test_data_export_to_excel_keeps_formula_like_names_as_text(tmp_path):
    """kamlib.export writes data to be loaded back: values verbatim, but never as a live Excel formula."""
    from openpyxl import load_workbook

    import kamlib

    evil = '=HYPERLINK("http://evil.example","x")'
    src = tmp_path / "src"
    src.mkdir()
    pd.DataFrame({"account_id": ["A1", "A2"], "name": [evil, "Müller"]}).to_csv(src / "accounts.csv", index=False)
    pd.DataFrame({"order_id": ["o1", "o2"], "account_id": ["A1", "A2"], "date": ["2025-03-01"] * 2,
                  "gross_revenue_eur": [10.0, 20.0]}).to_csv(src / "orders.csv", index=False)
    data = kamlib.load(src, as_of="2025-12-31")
    path = kamlib.export(data, tmp_path / "out.xlsx")
    wb = load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert kamlib.load(path, as_of="2025-12-31").accounts["name"].tolist() == [evil, "Müller"]
