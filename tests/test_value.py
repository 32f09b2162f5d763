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


# =========================================================================== charts: the plotted data by hand


def _hex(colour) -> str:
    return matplotlib.colors.to_hex(colour)


def test_whale_chart_plots_the_cumulative_share_and_marks_the_peak():
    ax = charts.whale_chart(value.whale_curve(pd.Series({"a": 80.0, "b": 40.0, "c": -20.0})), lang="de")
    curve, total, peak = ax.get_lines()
    # DB IV 80, 40, -20 (total 100): cumulative 80 %, 120 %, 100 % after 1, 2, 3 of the 3 accounts
    assert curve.get_xdata().tolist() == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])
    assert curve.get_ydata().tolist() == pytest.approx([0.0, 0.8, 1.2, 1.0])
    assert list(total.get_ydata()) == [1.0, 1.0]  # the 100 % line
    assert peak.get_xydata() == pytest.approx(np.array([[2 / 3, 1.2]]))
    assert [t.get_text() for t in ax.texts] == ["Gipfel 120\u00a0% nach 2 Kunden"]
    # the loss zone (red) runs from the peak (the first account with a negative DB IV) to the end
    zone = ax.collections[0].get_paths()[0].vertices
    assert zone[:, 0].min() == pytest.approx(2 / 3) and zone[:, 0].max() == pytest.approx(1.0)
    assert zone[:, 1].max() == pytest.approx(1.2) and zone[:, 1].min() == pytest.approx(1.0)
    assert ax.get_title() == "Walkurve: kumulierter DB IV, profitabelste Kunden zuerst"
    assert ax.xaxis.get_major_formatter()(0.5, 0) == "50\u00a0%"
    plt.close("all")


def test_cost_to_serve_chart_points_losses_and_reference_lines():
    t = pd.DataFrame({"name": ["Anton AG", "Berta GmbH", "Cäsar KG", "Dora SE", "Emil OHG"],
                      "net_revenue": [1000.0, 200.0, 50.0, 0.0, 500.0],
                      "cost_to_serve": [100.0, 300.0, 80.0, 10.0, 0.0],
                      "db4": [300.0, -150.0, -40.0, -10.0, 200.0]}, index=list("ABCDE"))
    ax = charts.cost_to_serve_chart(t, label_top=1, lang="de")
    # log axes: D (no revenue) and E (no cost to serve) cannot be drawn; A profitable, B and C destroy value
    profitable, destroyers = ax.collections
    assert profitable.get_offsets().tolist() == [[1000.0, 100.0]]
    assert destroyers.get_offsets().tolist() == [[200.0, 300.0], [50.0, 80.0]]
    assert _hex(destroyers.get_facecolor()[0]) == "#c00000"
    # label_top=1: only the biggest loss (B, -150) is named; the lines cost = 100 % and 10 % of revenue span
    # the smallest (50) to the largest (1000) value shown
    assert [x.get_text() for x in ax.texts] == ["Berta GmbH", " 100\u00a0%", " 10\u00a0%"]
    assert [line.get_xydata().tolist() for line in ax.get_lines()] == [[[50.0, 50.0], [1000.0, 1000.0]],
                                                                      [[50.0, 5.0], [1000.0, 100.0]]]
    assert [x.get_text() for x in ax.get_legend().get_texts()] == ["DB IV ≥ 0", "DB IV < 0 (Gewinnvernichter)"]
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    plt.close("all")


def test_margin_waterfall_bars_fall_by_each_deduction():
    row = pd.Series({"gross_revenue": 1000.0, "discount": 100.0, "cogs": 500.0, "marketing": 5.0, "sales": 10.0,
                     "service": 5.0, "logistics": 5.0})
    ax = charts.margin_waterfall(row, lang="de")
    bars = [(p.get_x() + p.get_width() / 2, p.get_y(), p.get_height()) for p in ax.patches]
    # subtotals stand on 0; a deduction hangs from the running level: 1000 -100 = 900 -500 = 400 -5 = 395 -10 = 385
    # -5 -5 = 375
    assert bars == [(0, 0, 1000), (1, 1000, -100), (2, 0, 900), (3, 900, -500), (4, 0, 400), (5, 400, -5),
                    (6, 0, 395), (7, 395, -10), (8, 0, 385), (9, 385, -5), (10, 380, -5), (11, 0, 375)]
    colours = [_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == ["#1f4e79", "#ed7d31", "#1f4e79", "#ed7d31", "#1f4e79", "#ed7d31", "#1f4e79", "#ed7d31",
                       "#1f4e79", "#ed7d31", "#ed7d31", "#1f4e79"]
    assert [x.get_text() for x in ax.get_xticklabels()] == [
        "Bruttoumsatz", "Rabatte und Boni", "Nettoumsatz", "Herstellkosten", "DB I", "Kundenmarketing", "DB II",
        "Vertrieb\n(Besuche, Auftragsabwicklung)", "DB III", "Service", "Logistik", "DB IV"]
    assert ax.get_title() == "Vom Bruttoumsatz zum DB IV"
    plt.close("all")


def test_clv_heatmap_cells_are_the_grid_and_mark_the_current_case():
    grid = clv.clv_grid(1000.0, retentions=[0.8, 0.9], discount_rates=[0.05, 0.1])
    ax = charts.clv_heatmap(grid, mark=(0.9, 0.1), lang="de")
    # m r / (1 + d - r): 800/0.25, 800/0.3; 900/0.15, 900/0.2
    cells = np.asarray(ax.collections[0].get_array())
    assert cells == pytest.approx(np.array([[3200.0, 8000 / 3], [6000.0, 4500.0]]))
    assert [x.get_text() for x in ax.texts][:3] == ["3\u00a0Tsd.", "3\u00a0Tsd.", "6\u00a0Tsd."]
    assert [x.get_text() for x in ax.get_yticklabels()] == ["80\u00a0%", "90\u00a0%"]
    assert [x.get_text() for x in ax.get_xticklabels()] == ["5\u00a0%", "10\u00a0%"]
    (box,) = ax.patches  # r = 0.9 (row 1), d = 0.1 (column 1)
    assert (box.get_xy(), box.get_width(), box.get_height()) == ((1, 1), 1, 1)
    assert (ax.get_ylabel(), ax.get_xlabel()) == ("Bindungsrate r", "Diskontsatz d")
    plt.close("all")


def test_convergence_chart_sums_the_discounted_margins():
    ax = charts.convergence_chart(1000.0, 0.9, 0.1, max_horizon=5, lang="de")
    finite, closed = ax.get_lines()
    q = 0.9 / 1.1  # T years: 1000 (q + q^2 + ... + q^T); the limit 1000 q / (1 - q) = 900 / 0.2
    assert finite.get_xdata().tolist() == [1, 2, 3, 4, 5]
    assert finite.get_ydata() == pytest.approx([1000 * q * (1 - q**t) / (1 - q) for t in range(1, 6)])
    assert finite.get_ydata()[:2] == pytest.approx([900 / 1.1, 900 / 1.1 + 810 / 1.21])
    assert list(closed.get_ydata()) == pytest.approx([4500.0, 4500.0])
    assert [x.get_text() for x in ax.get_legend().get_texts()] == ["Endlicher Horizont: Summe t = 1..T",
                                                                   "Geschlossene Form m·r/(1+d−r)"]
    plt.close("all")


def test_uplift_chart_bars_are_the_required_uplift_in_points():
    t = clv.retention_for_care(pd.Series({"A": 1000.0, "B": -50.0, "C": 80.0}), 0.8, 0.1, 100.0)
    names = pd.Series({"A": "Anton AG", "B": "Berta GmbH", "C": "Cäsar KG"})
    ax = charts.uplift_chart(t, names=names, lang="de")
    # A: v = 800/0.3, r_new = 1.1 v / (900 + v) = 0.822430 -> +2.243 points; B loses money, C's margin is eaten
    # by the care: not attainable, drawn first (in input order) as empty red bars with a note
    widths = [p.get_width() for p in ax.patches]
    v = 800 / 0.3
    assert widths == pytest.approx([0.0, 0.0, 100 * (1.1 * v / (900 + v) - 0.8)])
    assert [_hex(p.get_facecolor()) for p in ax.patches] == ["#c00000", "#c00000", "#1f4e79"]
    assert [x.get_text() for x in ax.get_yticklabels()] == ["Berta GmbH", "Cäsar KG", "Anton AG"]
    assert [x.get_text() for x in ax.texts] == [" nicht erreichbar", " nicht erreichbar"]
    plt.close("all")


def test_survival_chart_observed_fitted_and_projected():
    from scipy.special import betaln

    survivors = [1000, 869, 743, 653, 593, 551, 517, 491, 468]
    sbg = clv.ShiftedBetaGeometric().fit(survivors[:8])
    ax = charts.survival_chart(sbg, survivors, fit_periods=7, name="Premium", lang="de")
    observed, fitted, projected, cut = ax.get_lines()
    assert observed.get_xydata() == pytest.approx(np.array([[t, s / 1000] for t, s in enumerate(survivors)]))
    # sBG survival S(t) = B(alpha, beta + t) / B(alpha, beta): fitted on years 0..7, projected from 7 to 8
    a, b = sbg.params_
    assert fitted.get_xdata().tolist() == list(range(8)) and projected.get_xdata().tolist() == [7, 8]
    assert fitted.get_ydata() == pytest.approx([np.exp(betaln(a, b + t) - betaln(a, b)) for t in range(8)], rel=1e-10)
    assert projected.get_ydata() == pytest.approx([np.exp(betaln(a, b + t) - betaln(a, b)) for t in (7, 8)], rel=1e-10)
    assert list(cut.get_xdata()) == [7, 7]
    assert [x.get_text() for x in ax.get_legend().get_texts()] == ["Premium beobachtet", "sBG-Anpassung",
                                                                   "sBG-Projektion"]
    assert ax.get_title() == "Überleben der Kohorte: angepasst auf Jahre 1-7, danach projiziert"
    plt.close("all")


def test_alive_chart_places_customers_by_time_since_the_last_purchase():
    rfm = pd.DataFrame({"frequency": [0, 4, 9], "recency": [0.0, 10.0, 30.0], "T": [52.0, 40.0, 31.0]},
                       index=list("abc"))
    ax = charts.alive_chart(rfm, [0.3, 0.6, 0.9], lang="de")
    (points,) = ax.collections
    # x = T - recency; size 8 + 2 sqrt(frequency); red below P(alive) 50 %
    assert points.get_offsets().tolist() == [[52.0, 0.3], [30.0, 0.6], [1.0, 0.9]]
    assert points.get_sizes().tolist() == [8.0, 12.0, 14.0]
    assert [_hex(c) for c in points.get_facecolors()] == ["#c00000", "#1f4e79", "#1f4e79"]
    assert ax.get_xlabel() == "Zeit seit dem letzten Kauf (Wochen)"
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
