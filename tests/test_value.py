"""Customer contribution margin DB I-IV, cost to serve, whale curve; figures; the 03 notebook under papermill."""

from __future__ import annotations

import functools

import matplotlib

matplotlib.use("Agg")  # noqa: E402  (tests draw without a display)

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from conftest import ROOT  # noqa: E402
from kamlib import clv, value  # noqa: E402
from kamlib.errors import KamParameterError  # noqa: E402
from kamlib.present import charts  # noqa: E402


@pytest.fixture(scope="session")
def hand_data(make_data):
    """``hand_data(...)``: see ``_hand_data``."""
    return functools.partial(_hand_data, make_data)


def _hand_data(make_data, with_costs: bool = True):
    """A: 2025 gross 1500, discount 100, cogs 700 (+ 2024: 300/0/100); B: 2025 gross 200, discount 20, cogs 120; C: no orders.

    Costs: A 2025Q1 marketing 50, sales 100; A 2025Q4 service 30, logistics 20; A 2024Q2 sales 10;
    B 2025Q2 sales 150 and 2025-07 logistics 5 (a month); C 2025 service 40 (a whole year).
    """
    accounts = pd.DataFrame({"account_id": ["A", "B", "C"], "name": ["Anton AG", "Berta GmbH", "Cäsar KG"]})
    orders = pd.DataFrame({
        "order_id": ["o1", "o2", "o3", "o4"], "account_id": ["A", "A", "A", "B"],
        "date": pd.to_datetime(["2025-02-10", "2025-11-05", "2024-06-01", "2025-03-01"]),
        "gross_revenue_eur": [1000.0, 500.0, 300.0, 200.0], "discount_eur": [100.0, 0.0, 0.0, 20.0],
        "cogs_eur": [500.0, 200.0, 100.0, 120.0]})
    costs = pd.DataFrame({
        "account_id": ["A", "A", "A", "A", "A", "B", "B", "C"],
        "period": ["2025Q1", "2025Q1", "2025Q4", "2025Q4", "2024Q2", "2025Q2", "2025-07", "2025"],
        "category": ["marketing", "sales", "service", "logistics", "sales", "sales", "logistics", "service"],
        "cost_eur": [50.0, 100.0, 30.0, 20.0, 10.0, 150.0, 5.0, 40.0]})
    if with_costs:
        return make_data(accounts, orders, service_costs=costs)
    return make_data(accounts, orders)


def test_scheme_hand_computed_per_year(hand_data):
    m = value.contribution_margins(hand_data(), freq="Y")
    a = m.loc[("A", "2025")]
    assert [a[c] for c in value.LEVELS] == [1500, 100, 1400, 700, 700, 50, 650, 100, 550, 30, 20, 500]
    assert a["cost_to_serve"] == 200
    b = m.loc[("B", "2025")]
    assert [b["net_revenue"], b["db1"], b["db3"], b["db4"], b["cost_to_serve"]] == [180, 60, -90, -95, 155]
    c = m.loc[("C", "2025")]  # costs but no orders: a loss without revenue
    assert [c["net_revenue"], c["db4"]] == [0, -40]
    assert m.loc[("A", "2024"), "db4"] == 190


def test_quarters_months_and_too_fine_a_frequency(make_data, hand_data):
    data = hand_data()
    with pytest.raises(KamParameterError, match="booked per year") as exc:
        value.contribution_margins(data, freq="Q")  # C's cost is booked per year
    assert exc.value.parameter == "freq"
    only_ab = make_data(data.accounts, data.orders,
                        service_costs=data.service_costs[data.service_costs["account_id"] != "C"])
    q = value.contribution_margins(only_ab, freq="Q")
    assert q.loc[("A", "2025Q1"), "db4"] == 1000 - 100 - 500 - 50 - 100
    assert q.loc[("B", "2025Q3"), "logistics"] == 5  # the month 2025-07 lies in Q3
    assert value.cost_period(pd.Series(["2025Q4", "2024-03", "2025-11", "2023"]), "Y").tolist() == \
        ["2025", "2024", "2025", "2023"]
    assert value.cost_period(pd.Series(["2024-03", "2025-11", "2025Q3"]), "Q").tolist() == ["2024Q1", "2025Q4", "2025Q3"]
    assert value.period_of(pd.Series(pd.to_datetime(["2025-02-10", "2025-11-05"])), "M").tolist() == ["2025-02", "2025-11"]
    with pytest.raises(KamParameterError) as exc:
        value.period_of(pd.Series(pd.to_datetime(["2025-01-01"])), "W")
    assert exc.value.parameter == "freq"


def test_without_service_costs_db4_equals_db1(hand_data):
    m = value.contribution_margins(hand_data(with_costs=False), freq="Y")
    assert (m["db4"] == m["db1"]).all() and (m["cost_to_serve"] == 0).all()


def test_account_contribution_window_rank_and_ratios(hand_data):
    data = hand_data()
    t = value.account_contribution(data, start="2025-01-01", end="2025-12-31")
    assert list(t.index) == ["A", "C", "B"]  # by DB IV: 500, -40, -95
    assert t["rank"].tolist() == [1, 2, 3]
    assert t.loc["A", "name"] == "Anton AG"
    assert t.loc["A", "cts_ratio"] == pytest.approx(200 / 1400, abs=1e-6)
    assert t.loc["A", "db4_margin"] == pytest.approx(500 / 1400, abs=1e-6)
    assert np.isnan(t.loc["C", "cts_ratio"])  # no revenue: no ratio
    # the 2024 order and 2024 cost stay outside the window
    assert t.loc["A", "gross_revenue"] == 1500 and t.loc["A", "sales"] == 100


def test_statement_hand_computed(hand_data):
    t = value.account_contribution(hand_data(), start="2025-01-01", end="2025-12-31")
    st = value.statement(t.loc[["A"]])
    assert st.loc["db4", "EUR"] == 500 and st.loc["net_revenue", "% of net revenue"] == 100.0
    assert st.loc["db4", "% of net revenue"] == pytest.approx(35.7)
    portfolio = value.statement(t, lang="de")
    assert portfolio.loc["db4", "EUR"] == 500 - 95 - 40
    assert portfolio.iloc[0, 0] == "Bruttoumsatz" and "% vom Nettoumsatz" in portfolio.columns


def test_whale_curve_hand_computed():
    curve = value.whale_curve(pd.Series({"a": 80.0, "b": 40.0, "c": -20.0}))
    assert curve["cum_db4"].tolist() == [80.0, 120.0, 100.0]
    assert curve["profit_share"].tolist() == [0.8, 1.2, 1.0]
    assert curve["accounts_share"].tolist() == pytest.approx([1 / 3, 2 / 3, 1.0], abs=1e-6)
    s = value.whale_summary(curve)
    assert (s["peak"], s["peak_accounts"], s["destroyers"], s["destroyed"]) == (120.0, 2, 1, 20.0)
    assert s["peak_share"] == pytest.approx(1.2)
    assert value.whale_sentence(s) == ("The 2 most profitable accounts earn 120 EUR (120% of the total DB IV of "
                                       "100 EUR); accounts that lose money after cost to serve: 1, destroying 20 EUR "
                                       "of it.")
    de = value.whale_sentence({**s, "peak": 1234567.0, "total": 1000000.0, "peak_share": 1.234567}, lang="de")
    assert "1.234.567 EUR" in de and "(123\u00a0% des gesamten DB IV von 1.000.000 EUR)" in de


def test_profit_destroyers_name_the_cost(hand_data):
    t = value.account_contribution(hand_data(), start="2025-01-01", end="2025-12-31")
    d = value.profit_destroyers(t)
    assert list(d.index) == ["B", "C"]
    assert d.loc["B", "main_cost"] == "sales" and d.loc["B", "cost_above_db1"] == 95
    assert d.loc["C", "main_cost"] == "service" and d.loc["C", "cost_above_db1"] == 40


def test_check_account_id(sample_data):
    assert value.check_account_id(sample_data, "") is None
    assert value.check_account_id(sample_data, " ACC-0044 ") == "ACC-0044"
    with pytest.raises(KamParameterError, match="unknown account 'ACC-9999'") as exc:
        value.check_account_id(sample_data, "ACC-9999")
    assert exc.value.parameter == "account_id"


def test_sample_company_reconciles_and_inputs_stay_unchanged(sample_data):
    orders, costs = sample_data.orders.copy(), sample_data.service_costs.copy()
    t = value.account_contribution(sample_data, start="2025-01-01", end="2025-12-31")
    in_year = orders[orders["date"].dt.year == 2025]
    net = (in_year["gross_revenue_eur"] - in_year["discount_eur"].fillna(0)).sum()
    assert t["net_revenue"].sum() == pytest.approx(net)
    cost_2025 = costs[costs["period"].str.startswith("2025")]["cost_eur"].sum()
    assert t["cost_to_serve"].sum() == pytest.approx(cost_2025)
    assert t["db4"].sum() == pytest.approx(t["db1"].sum() - cost_2025)
    assert 50 <= (t["db4"] < 0).sum() <= 90  # the sample company has about 70 accounts that lose money
    pd.testing.assert_frame_equal(orders, sample_data.orders)
    pd.testing.assert_frame_equal(costs, sample_data.service_costs)


def test_figures_return_axes(sample_data):
    t = value.account_contribution(sample_data, start="2025-01-01", end="2025-12-31")
    axes = [charts.whale_chart(value.whale_curve(t["db4"]), lang="de"), charts.cost_to_serve_chart(t),
            charts.margin_waterfall(t), charts.clv_heatmap(clv.clv_grid(1000.0, retentions=[0.8, 0.9],
                                                                     discount_rates=[0.05, 0.1]), mark=(0.9, 0.1)),
            charts.convergence_chart(1000.0, 0.9, 0.1), charts.uplift_chart(clv.retention_for_care(t["db4"].head(5), 0.9, 0.1,
                                                                                            1000.0))]
    sbg = clv.ShiftedBetaGeometric().fit([1000, 869, 743, 653, 593, 551, 517, 491])
    axes.append(charts.survival_chart(sbg, [1000, 869, 743, 653, 593, 551, 517, 491, 468], fit_periods=7))
    rfm = clv.rfm_summary(sample_data.orders, as_of=sample_data.as_of)
    axes.append(charts.alive_chart(rfm, np.full(len(rfm), 0.9)))
    assert all(isinstance(a, matplotlib.axes.Axes) for a in axes)
    plt.close("all")


def test_notebook_runs_with_non_default_parameters(tmp_path):
    """03 under papermill with another discount rate, horizon and one account; extracts land in output_dir."""
    import papermill as pm

    nb = ROOT / "notebooks" / "03_customer_value.ipynb"
    out = tmp_path / nb.name
    pm.execute_notebook(str(nb), str(out), parameters={"discount_rate": 0.08, "horizon": 5, "account_id": "ACC-0099",
                                                       "extra_care": 5000.0, "output_dir": str(tmp_path)},
                        cwd=str(nb.parent), progress_bar=False, kernel_name="python3")
    executed = nbformat.read(out, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not any(o.get("output_type") == "error" for o in outputs)
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "view: account ACC-0099" in text
    assert "d = 0.08" in text and "finite horizon T = 5" in text
    assert "Extra care 5,000 EUR a year per account" in text
    extract = pd.read_csv(tmp_path / "customer_value.csv", encoding="utf-8-sig", index_col=0)
    assert "ACC-0099" in extract.index and {"db4", "clv", "clv_horizon", "p_alive", "clv_bgnbd"} <= set(extract.columns)
    assert (tmp_path / "quadrant_moves.csv").is_file()


# =========================================================================== what notebook 03 shows, in both languages


def test_yearly_margins_sum_accounts_per_period():
    idx = pd.MultiIndex.from_tuples([("A", "2024"), ("B", "2024"), ("A", "2025")], names=["account_id", "period"])
    m = pd.DataFrame({"gross_revenue": [110.0, 90.0, 50.0], "net_revenue": [100.0, 60.0, 0.0],
                      "db1": [40.0, 20.0, 0.0], "cost_to_serve": [10.0, 30.0, 5.0], "db4": [30.0, -10.0, -5.0]},
                     index=idx)
    y = value.yearly_margins(m)
    assert y.loc["2024"].tolist() == [200.0, 160.0, 60.0, 40.0, 20.0, 0.125]  # 20 / 160
    assert np.isnan(y.loc["2025", "db4_margin"])  # no net revenue: no margin, not -inf


def test_cts_medians_and_sentence():
    c = pd.DataFrame({"cts_ratio": [0.1, 0.3, 0.2, 0.5, 0.4]}, index=list("ABCDE"))
    assert value.cts_medians(c, ["A", "B"]) == (pytest.approx(0.2), pytest.approx(0.4))
    assert value.cts_median_sentence(c, ["A", "B"], lang="de") == (
        "Median der Betreuungskosten je EUR Nettoumsatz: Key Accounts 20,0\u00a0%, übrige Kunden 40,0\u00a0%")
    assert value.cts_median_sentence(c, ["A", "B"]).endswith("key accounts 20.0%, other accounts 40.0%")


def test_destroyer_sentence_names_only_what_the_view_may_show():
    d = pd.DataFrame({"name": ["Anton", "Berta", "Cäsar"], "main_cost": ["sales", "service", "sales"]},
                     index=["A", "B", "C"])
    assert value.destroyer_sentence(d, ["A", "B"], lang="de") == (
        "Gewinnvernichter: 3; davon Key Accounts: 2 (Anton, Berta); häufigster größter Kostenblock: Vertrieb")
    assert "(Berta)" in value.destroyer_sentence(d, ["A", "B"], account="B")  # itself, not Anton
    assert "(" not in value.destroyer_sentence(d, ["A", "B"], account="C")
    empty = d.iloc[:0]
    assert value.destroyer_sentence(empty, [], lang="de").endswith("Key Accounts: 0 (-); häufigster größter Kostenblock: –")


def test_scope_and_view_lines_in_both_languages():
    c = pd.DataFrame({"rank": [1, 2]}, index=pd.Index(["A", "B"], name="account_id"))
    assert value.scope_line(c, "B", name="Berta") == "B Berta: rank 2 of 2 by DB IV"
    assert value.scope_line(c, lang="de") == "Portfolio: 2 Kunden mit Umsatz oder Betreuungskosten im Zeitraum"
    assert value.view_line("2025-01-01", "2025-12-31", "22 key accounts") == (
        "Window: 2025-01-01 to 2025-12-31; 22 key accounts; view: portfolio")
    assert value.no_loss_sentence(c, "A", lang="de") == "A erwirtschaftet im Zeitraum einen positiven DB IV"
    assert value.no_loss_sentence(c, "Z") == "Z has neither revenue nor cost to serve in the window"
    assert value.note("Text.", "de") == "Hinweis: Text."


def test_show_and_statement_table_format_for_the_language():
    t = pd.DataFrame({"net_revenue": [1234.6, np.nan], "cts_ratio": [0.25, 0.5], "from": ["strategic", "status"],
                      "main_cost": ["logistics", "sales"], "key_account": [True, False]},
                     index=pd.Index(["ACC-1", "ACC-2"], name="account_id"))
    de = value.show(t, "de", percent=["cts_ratio"])
    assert de.columns.tolist() == ["Nettoumsatz", "Betreuungskosten je EUR Nettoumsatz", "Von",
                                   "Größter Kostenblock", "Key Account"]
    assert de.iloc[0].tolist() == ["1.235", "25,0\u00a0%", "Strategisch", "Logistik", "ja"]
    assert de.iloc[1].tolist()[0] == "–" and de.index.tolist() == ["ACC-1", "ACC-2"]
    en = value.show(t, "en", percent=["cts_ratio"])
    assert en.iloc[0].tolist() == ["1,235", "25.0%", "Strategic", "logistics", "yes"]
    q = value.show(pd.DataFrame({"accounts": [3]}, index=pd.Index(["status"], name="quadrant")), "en")
    assert q.index.tolist() == ["Status"] and q.index.name == "Quadrant"
    row = pd.Series({"gross_revenue": 1000.0, "discount": 100.0, "cogs": 500.0, "marketing": 5.0, "sales": 10.0,
                     "service": 5.0, "logistics": 5.0})
    st = value.statement_table(row, lang="de")
    assert st.loc["− Herstellkosten"].tolist() == ["500", "55,6"]  # 500 / 900 net revenue
    assert st.iloc[-1].tolist() == ["375", "41,7"]


def test_context_table_shares_as_percent():
    from kamlib.scope import peer_context

    t = pd.DataFrame({"db4": [10.0, 20, 30, 40, 50, 60], "db4_margin": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]},
                     index=pd.Index([f"A{i}" for i in range(6)], name="account_id"))
    c = value.context_table(peer_context(t, "A2", ["db4", "db4_margin"]), lang="de")
    assert c.index.tolist() == ["DB IV", "DB-IV-Marge"]
    assert c.loc["DB-IV-Marge", "Dieser Kunde"] == "30,0\u00a0%"
    assert c.loc["DB IV", "Dieser Kunde"] == "30,00" and c.loc["DB IV", "Rang"] == "4"
