"""Concentration measures: ABC classes, top share, Lorenz curve, Gini."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamlib import selection


def test_abc_classes_follow_cutoffs():
    rev = pd.Series({"a": 50.0, "b": 30.0, "c": 15.0, "d": 5.0})
    out = selection.abc_classes(rev)
    assert out["abc"].tolist() == ["A", "A", "B", "C"]
    assert out["rank"].tolist() == [1, 2, 3, 4]
    out2 = selection.abc_classes(rev, cutoffs=(0.5, 0.8))
    assert out2["abc"].tolist() == ["A", "B", "C", "C"]


def test_top_account_is_always_a():
    out = selection.abc_classes(pd.Series({"x": 85.0, "y": 8.0, "z": 7.0}))
    assert out["abc"].tolist() == ["A", "B", "C"]


def test_inputs_are_not_mutated():
    rev = pd.Series({"b": 1.0, "a": 3.0, "c": 2.0})
    before = rev.copy()
    selection.abc_classes(rev)
    selection.gini(rev)
    selection.lorenz(rev)
    selection.top_share(rev)
    pd.testing.assert_series_equal(rev, before)


def test_gini_matches_definition():
    # Gini via mean absolute difference: G = sum|xi - xj| / (2 n^2 mean)
    rng = np.random.default_rng(1)
    x = pd.Series(rng.lognormal(0, 1.5, 200))
    v = x.to_numpy()
    expected = np.abs(v[:, None] - v[None, :]).sum() / (2 * len(v) ** 2 * v.mean())
    assert selection.gini(x) == pytest.approx(expected, rel=1e-9)
    assert selection.gini(x, normalised=True) == pytest.approx(expected * 200 / 199, rel=1e-9)


def test_gini_bounds():
    assert selection.gini(pd.Series([5.0] * 10)) == pytest.approx(0.0)
    assert selection.gini(pd.Series([1.0] + [0.0] * 9)) == pytest.approx(0.9)
    assert selection.gini(pd.Series([1.0] + [0.0] * 9), normalised=True) == pytest.approx(1.0)


def test_lorenz_area_equals_gini():
    x = pd.Series(np.random.default_rng(2).pareto(1.5, 500) + 1)
    lc = selection.lorenz(x)
    area = np.trapezoid(lc["value_share"], lc["accounts_share"])
    assert 1 - 2 * area == pytest.approx(selection.gini(x), abs=1e-9)
    assert lc.iloc[0].tolist() == [0.0, 0.0] and lc.iloc[-1].tolist() == pytest.approx([1.0, 1.0])


def test_top_share_rounds_up_to_whole_accounts():
    assert selection.top_share(pd.Series([10.0, 5, 5, 5, 5, 5, 5]), fraction=0.2) == pytest.approx(15 / 40)


def test_negative_values_are_rejected():
    with pytest.raises(ValueError, match="non-negative"):
        selection.gini(pd.Series([1.0, -1.0]))


def test_account_revenue_window_and_net(sample_data):
    o = sample_data.orders
    rev = selection.account_revenue(o, start="2025-01-01", end="2025-12-31")
    in_2025 = o[o["date"].dt.year == 2025]
    assert rev.sum() == pytest.approx(in_2025["gross_revenue_eur"].sum())
    net = selection.account_revenue(o, measure="net")
    assert net.sum() == pytest.approx((o["gross_revenue_eur"] - o["discount_eur"].fillna(0)).sum())
    full = selection.account_revenue(o, accounts=sample_data.accounts)
    assert len(full) == len(sample_data.accounts)


# ----------------------------------------------------------------------------- the selection rule

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import kamlib  # noqa: E402
from kamlib.errors import KamParameterError  # noqa: E402


@pytest.fixture(scope="session")
def hand_example(make_data):
    """``hand_example(kam_ids=..., kams=None)``: five accounts; revenue last 12 months 500/300/100/60/40,
    the 12 months before 250/300/200/20/0."""
    return lambda kam_ids=("K1", "K1", None, None, None), kams=None: _hand_example(make_data, kam_ids, kams)


def _hand_example(make_data, kam_ids, kams) -> kamlib.KamData:
    ids = ["A", "B", "C", "D", "E"]
    accounts = pd.DataFrame({"account_id": ids, "name": [f"Kunde {i}" for i in ids], "kam_id": list(kam_ids),
                             "relationship_stage": ["integrated", "cooperative", "interdependent", "basic", "exploratory"],
                             "status": ["active"] * 5})
    rows = []
    for i, (cur, prev) in enumerate(zip([500, 300, 100, 60, 40], [250, 300, 200, 20, 0])):
        rows.append({"order_id": f"o{i}c", "account_id": ids[i], "date": pd.Timestamp("2025-06-01"),
                     "gross_revenue_eur": float(cur), "discount_eur": 0.0, "cogs_eur": cur * 0.5})
        if prev:
            rows.append({"order_id": f"o{i}p", "account_id": ids[i], "date": pd.Timestamp("2024-06-01"),
                         "gross_revenue_eur": float(prev), "discount_eur": 0.0, "cogs_eur": prev * 0.5})
    return make_data(accounts, pd.DataFrame(rows), kams)


CRIT3 = ["revenue_share", "growth_potential", "relationship"]


def test_scores_follow_the_stated_rules(hand_example):
    sel = selection.select_key_accounts(hand_example(), criteria=CRIT3, thresholds=5.0, max_key_accounts=2)
    t = sel.table.sort_index()
    assert t["revenue_share"].tolist() == [10.0, 7.5, 5.0, 2.5, 0.0]
    # growth: A +100 %, B 0 %, C -50 %, D +200 %, E new (= cap) -> percentiles
    assert t["growth_potential"].tolist() == [5.0, 2.5, 0.0, 7.5, 10.0]
    assert t["relationship"].tolist() == [10.0, 5.0, 7.5, 2.5, 0.0]
    assert t["score"].tolist() == pytest.approx([25 / 3, 5.0, 12.5 / 3, 12.5 / 3, 10 / 3], abs=1e-4)
    assert t["n_met"].tolist() == [3, 2, 2, 1, 1]


def test_at_least_two_criteria_then_rank(hand_example):
    kams = pd.DataFrame({"kam_id": ["K1", "K2"], "name": ["Anna", "Ben"], "level": ["senior", "junior"],
                         "capacity": pd.array([1, 1], dtype="Int64")})
    sel = selection.select_key_accounts(hand_example(kams=kams), criteria=CRIT3, thresholds=5.0, max_key_accounts=2,
                                        emerging_share=0.0)
    t = sel.table
    assert sorted(sel.provisional.index) == ["A", "B", "C"]  # every account meeting two criteria
    assert t.loc["C", "reason"] == "rank 3 beyond the 2 places"
    assert t.loc["D", "reason"] == "meets 1 of 3 criteria (needs 2)"
    assert t.loc["E", "rank"] is pd.NA
    # K1 has capacity 1 but holds A and B; K2 has room, so B stays, flagged for reassignment
    assert sorted(sel.definitive.index) == ["A", "B"]
    assert t.loc["B", "reason"] == "reassign: K1 is over capacity (2 > 1)"
    assert t.loc["A", "reason"] == "meets revenue_share, growth_potential, relationship; rank 1"
    # the same reasons for a reader, in the run's language (codes as labels, numbers kept)
    assert t.loc["A", "reason"].render("de") == "erfüllt Umsatzanteil, Wachstumspotenzial, Stärke der Beziehung; Rang 1"
    assert t.loc["B", "reason"].render("de") == "neu zuordnen: K1 ist über der Kapazität (2 > 1)"
    assert t.loc["D", "reason"].render("en") == "meets 1 of 3 criteria (needs 2)"


def test_capacity_drops_lowest_score_first(hand_example):
    kams = pd.DataFrame({"kam_id": ["K1"], "name": ["Anna"], "level": ["senior"], "capacity": pd.array([1], dtype="Int64")})
    sel = selection.select_key_accounts(hand_example(kams=kams), criteria=CRIT3, thresholds=5.0, max_key_accounts=2)
    assert list(sel.definitive.index) == ["A"]
    assert sel.table.loc["B", "reason"] == "over capacity of K1 (2 > 1); lowest score dropped first"
    assert sel.capacity.loc[0, "drop_or_reassign_first"] == "B"
    assert any("exceeds the KAMs' total capacity (1)" in n for n in sel.notes)


def test_status_and_no_revenue_are_not_definitive(make_data, hand_example):
    data = hand_example()
    acc = data.accounts.copy()
    acc.loc[acc["account_id"] == "B", "status"] = "lost"
    data = make_data(acc, data.orders)
    sel = selection.select_key_accounts(data, criteria=CRIT3, thresholds=5.0, max_key_accounts=2)
    assert sel.table.loc["B", "provisional"] and not sel.table.loc["B", "definitive"]
    assert sel.table.loc["B", "reason"] == "status lost"
    assert sel.table.loc["B", "reason"].render("de") == "Status: verloren"


def test_weights_are_normalised_with_a_note(hand_example):
    sel = selection.select_key_accounts(hand_example(), criteria=CRIT3, weights=[2, 1, 1], thresholds=5.0)
    assert sel.weights.tolist() == pytest.approx([0.5, 0.25, 0.25])
    assert "weights summed to 4; normalised to 1" in sel.notes
    from kamlib.present import overview

    assert overview.selection_notes(sel, "de").splitlines()[0] == "Hinweis: die Gewichte ergaben zusammen 4; auf 1 normiert"


def test_reasons_survive_the_run_cache(hand_example):
    """The run cache pickles a Selection: its reasons keep their key and values."""
    import pickle

    sel = selection.select_key_accounts(hand_example(), criteria=CRIT3, thresholds=5.0, max_key_accounts=2)
    back = pickle.loads(pickle.dumps(sel))
    r = back.table.loc["C", "reason"]
    assert isinstance(r, selection.Text) and r == "rank 3 beyond the 2 places"
    assert r.render("de") == "Rang 3, außerhalb der 2 Plätze"


def test_view_shows_codes_numbers_and_dates_in_the_language():
    from kamlib.present import overview

    df = pd.DataFrame({"year": [2024, 2025], "type": ["existing", "emerging"], "quadrant": ["strategic", "streamline"],
                       "revenue_12m": [1234567.891, 500.0], "p_selected": [0.5, 0.125], "definitive": [True, False],
                       "since": pd.to_datetime(["2025-12-31", None]), "rank": pd.array([1, None], dtype="Int64")})
    de = overview.view(df, "de", percent=("p_selected",)).frame
    assert list(de.columns) == ["Jahr", "Typ", "Quadrant", "Umsatz, letzte 12 Monate (EUR)", "P(ausgewählt)",
                                "Definitiv", "Kunde seit", "Rang"]
    # a year has no thousands separator; 1,234,567.891 to two decimals; 0.125 is 12.5 %
    assert de.iloc[0].tolist() == ["2024", "bestehend", "Strategisch", "1.234.567,89", "50,0\u00a0%", "ja",
                                   "31.12.2025", "1"]
    assert de.iloc[1].tolist() == ["2025", "aufstrebend", "Streamline", "500,00", "12,5\u00a0%", "nein", "–", "–"]
    en = overview.view(df, "en", percent=("p_selected",)).frame
    assert en.iloc[0].tolist() == ["2024", "existing", "Strategic", "1,234,567.89", "50.0%", "yes", "2025-12-31", "1"]
    # whole-numbered columns lose their decimals; code columns stay as they are and show as code in HTML
    t = overview.view(pd.DataFrame({"table": ["complaints"], "rows": [1500.0]}), "de", code=("table",))
    assert t.frame.iloc[0].tolist() == ["complaints", "1.500"] and "<code>complaints</code>" in t._repr_html_()


def test_concentration_sentence_says_the_period_in_the_language():
    from kamlib.present import overview

    # shares 60, 25, 10, 5 of 100: G = 5/4 - 2/4 * (0.60 + 2*0.25 + 3*0.10 + 4*0.05) = 1.25 - 0.8 = 0.45
    rev = pd.Series([60.0, 25.0, 10.0, 5.0])
    assert overview.concentration_sentence(rev, period="period_12m", lang="en") == (
        "The top 20 % of accounts (1 of 4) bring 60.0% of gross revenue in the last 12 months; Gini 0.45.")
    margin = pd.Series([30.0, -5.0, 10.0])
    # DB I share without the negative account: 30 of 40 (top 20 % of 2 accounts is 1 account)
    assert overview.concentration_12m(rev, margin, "de").splitlines() == [
        "Anteil der Top 20 % am Umsatz, letzte 12 Monate: 60,0\u00a0%",
        "Anteil der Top 20 % am DB I, letzte 12 Monate: 75,0\u00a0%",
        "Hinweis: 1 Kunden mit negativem DB I fehlen in Anteil und Kurve des DB I (ein Anteil an einer Summe kann "
        "nicht negativ sein)"]


@pytest.mark.parametrize("kwargs,parameter,text", [
    ({"weights": [1, -1, 1]}, "weights", "0 or more"),
    ({"criteria": ["revenue_share", "size"]}, "criteria", "unknown criterion 'size'"),
    ({"criteria": ["revenue_share"]}, "criteria", "at least 2"),
    ({"thresholds": {"revenue_share": 11}}, "thresholds", "revenue_share=11 outside 0-10"),
    ({"weights": {"revenue_share": 1}}, "weights", "no weight for"),
    ({"max_key_accounts": -1}, "max_key_accounts", "at least 1"),
])
def test_bad_parameters_name_the_parameter(hand_example, kwargs, parameter, text):
    args = {"criteria": CRIT3, **kwargs}
    with pytest.raises(KamParameterError, match=text) as exc:
        selection.select_key_accounts(hand_example(), **args)
    assert exc.value.parameter == parameter
    assert str(exc.value).startswith(f"parameter {parameter}: ")


def test_no_orders_in_period_is_a_parameter_error(make_data, hand_example):
    data = hand_example()
    late = make_data(data.accounts, data.orders, as_of="2030-12-31")
    with pytest.raises(KamParameterError, match="no orders with revenue in the 12 months up to 2030-12-31"):
        selection.select_key_accounts(late, criteria=CRIT3)


def test_zero_revenue_accounts_give_no_nan(make_data, hand_example):
    data = hand_example()
    acc = pd.concat([data.accounts, pd.DataFrame({"account_id": ["Z"], "name": ["Null GmbH"], "kam_id": [None],
                                                  "relationship_stage": ["basic"], "status": ["prospect"]})],
                    ignore_index=True)
    sel = selection.select_key_accounts(make_data(acc, data.orders), criteria=CRIT3)
    t = sel.table
    assert t.loc["Z", "revenue_12m"] == 0 and t.loc["Z", "revenue_share"] == 0
    assert not t[["score", "revenue_share", "attractiveness", "strength"]].isna().any().any()


def test_sensitivity_with_tiny_spread_reproduces_the_list(hand_example):
    sel = selection.select_key_accounts(hand_example(), criteria=CRIT3, thresholds=5.0, max_key_accounts=2)
    sens = selection.weight_sensitivity(sel, spread=1e-4, n_draws=200, seed=1)
    assert (sens["p_selected"] == sens["listed"].astype(float)).all()
    off_the_line = sel.table[(sel.table["attractiveness"] - 5.0).abs() > 0.01]
    assert 0 < len(off_the_line) < 5  # B sits exactly on the split (5.0): any perturbation may move it
    for acc, q in off_the_line["quadrant"].items():
        assert sens.loc[acc, f"p_{q}"] == pytest.approx(1.0)


def test_sensitivity_is_seeded_and_finds_borderline_accounts(hand_example):
    sel = selection.select_key_accounts(hand_example(), criteria=CRIT3, thresholds=5.0, max_key_accounts=2)
    a = selection.weight_sensitivity(sel, spread=0.6, n_draws=500, seed=7)
    b = selection.weight_sensitivity(sel, spread=0.6, n_draws=500, seed=7)
    pd.testing.assert_frame_equal(a, b)
    # B (score 5.0) and C (4.17) swap when growth weighs more: both borderline, A always in
    assert a.loc["A", "p_selected"] == 1.0
    assert a.loc["B", "borderline"] and a.loc["C", "borderline"]
    assert a.loc["B", "p_selected"] + a.loc["C", "p_selected"] == pytest.approx(1.0)


def test_kendalls_w_hand_example():
    # 3 raters, 4 items; rank sums 4, 6, 9, 11 (mean 7.5) -> S = 29, W = 12*29 / (3^2 * (4^3 - 4)) = 0.6444
    r = pd.DataFrame([[1, 2, 3, 4], [1, 3, 2, 4], [2, 1, 4, 3]])
    assert selection.kendalls_w(r) == pytest.approx(12 * 29 / (9 * 60))
    assert selection.kendalls_w(pd.DataFrame([[1, 2, 3], [3, 2, 1]])) == pytest.approx(0.0)


def test_rating_agreement_tables():
    ratings = pd.DataFrame({"rater": ["x", "x", "y", "y"], "account_id": ["A", "B", "A", "B"],
                            "criterion": ["credibility"] * 4, "score": [8.0, 2.0, 6.0, 3.0]})
    spread, agreement = selection.rating_agreement(ratings)
    assert spread.set_index("account_id").loc["A", "range"] == 2.0
    assert agreement.loc[0, "kendalls_w"] == 1.0


def test_percentile_ties_share_the_lower_score():
    assert selection.percentile_score(pd.Series([0.0, 0.0, 5.0])).tolist() == [0.0, 0.0, 10.0]


@settings(max_examples=40, deadline=None)
@given(st.permutations(list(range(5))), st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3))
def test_ranking_is_invariant_to_row_order_and_input_unchanged(make_data, hand_example, perm, weights):
    data = hand_example()
    shuffled = make_data(data.accounts.iloc[perm].reset_index(drop=True),
                         data.orders.sample(frac=1.0, random_state=perm[0]).reset_index(drop=True))
    before = shuffled.accounts.copy(), shuffled.orders.copy()
    a = selection.select_key_accounts(data, criteria=CRIT3, weights=weights, thresholds=5.0, max_key_accounts=2)
    b = selection.select_key_accounts(shuffled, criteria=CRIT3, weights=weights, thresholds=5.0, max_key_accounts=2)
    pd.testing.assert_frame_equal(a.table.sort_index(), b.table.sort_index())
    pd.testing.assert_frame_equal(shuffled.accounts, before[0])
    pd.testing.assert_frame_equal(shuffled.orders, before[1])


def test_rerank_matches_full_selection(hand_example):
    sel = selection.select_key_accounts(hand_example(), criteria=CRIT3, thresholds=5.0, max_key_accounts=2)
    x = sel.table[list(sel.criteria)].to_numpy()
    _, top = selection.rerank(x, sel.weights.to_numpy(), sel.thresholds.to_numpy(), k=2)
    assert list(sel.table.index[top]) == list(sel.table[sel.table["track"] == "criteria"].sort_values("rank").index)


def test_sample_selection_respects_capacity(sample_data):
    sel = selection.select_key_accounts(sample_data)
    assert sel.table["definitive"].sum() <= sample_data.kams["capacity"].sum()
    assert sel.table["place"].notna().sum() == sel.max_key_accounts <= sel.table["provisional"].sum()
    assert set(sel.table["quadrant"]) <= set(selection.QUADRANTS)
    by_year = selection.concentration_by_year(sample_data.orders)
    assert by_year["top20_change"].iloc[1:].notna().all()


def test_missing_kam_capacity_counts_as_zero(hand_example):
    kams = pd.DataFrame({"kam_id": ["K1"], "name": ["Anna"], "level": ["senior"],
                         "capacity": pd.array([pd.NA], dtype="Int64")})
    sel = selection.select_key_accounts(hand_example(kams=kams), criteria=CRIT3, thresholds=5.0, max_key_accounts=2)
    assert sel.capacity.loc[0, "capacity"] == 0


def test_equal_values_all_score_ten():
    assert selection.percentile_score(pd.Series([100.0, 100.0, 100.0])).tolist() == [10.0, 10.0, 10.0]
    abc = selection.abc_classes(pd.Series({"b": 5.0, "a": 5.0, "c": 1.0}))
    assert list(abc.index) == ["a", "b", "c"]  # ties by id, not by input order


def test_workshop_widget_reranks_when_a_slider_moves(make_data, hand_example):
    from kamlib.workshop.widgets import SelectionWorkshop

    data = hand_example()
    acc = data.accounts.copy()
    acc.loc[0, "name"] = "<b>Kunde A</b> & Co"
    sel = selection.select_key_accounts(make_data(acc, data.orders), criteria=CRIT3, thresholds=5.0,
                                        max_key_accounts=2)
    ws = SelectionWorkshop.from_selection(sel)
    png, html = ws.update()
    assert png.startswith(b"\x89PNG") and "&lt;b&gt;Kunde A&lt;/b&gt; &amp; Co" in html and "<b>Kunde" not in html
    ui = ws.widget()
    weight_sliders = [row.children[0] for row in ui.children[:3]]
    table = ui.children[-1].children[1]
    before = table.value
    assert "Kunde B" in before and "Kunde C" not in before
    weight_sliders[0].value = 0.0  # drop revenue share: C (growth 0, relationship 7.5) overtakes B
    weight_sliders[1].value = 0.0
    assert table.value != before and "Kunde C" in table.value and "Kunde B" not in table.value
    weight_sliders[2].value = 0.0  # all weights 0: the room sees a message, the last ranking stays
    assert "at least one weight must be above 0" in ui.children[3].value


def test_cells_bought_and_revenue_match_a_plain_groupby_with_gaps_and_either_string_type():
    """The code-based fast path of criterion_metrics equals the obvious pandas computation."""
    import pandas as pd

    from kamlib import selection
    from kamlib.data import sample
    from kamlib.data.readers import KamData

    tables = sample.generate(seed=3, n_accounts=400)
    o = tables["orders"].copy()
    o.loc[o.index[::7], "business_unit"] = None
    o.loc[o.index[::11], "product_id"] = "P-UNKNOWN"
    as_of = pd.Timestamp("2025-12-31")
    cur = o[(o["date"] > as_of - pd.DateOffset(months=12)) & (o["date"] <= as_of)]
    line = cur["product_id"].map(tables["products"].set_index("product_id")["product_line"])
    cells = pd.DataFrame({"a": cur["account_id"], "l": line, "u": cur["business_unit"]}).dropna()
    ids = tables["accounts"]["account_id"]
    expected_cells = cells.drop_duplicates().groupby("a").size().reindex(ids, fill_value=0).astype(float)
    for text in ("str", object):
        orders = o.astype({"account_id": text, "product_id": text, "business_unit": text})
        data = KamData(**{**tables, "orders": orders}, source="x", as_of=as_of, available=tuple(tables))
        m = selection.criterion_metrics(data)
        assert m["cells_bought"].to_numpy().tolist() == expected_cells.to_numpy().tolist(), text
        window = _window_sum(orders, as_of).reindex(ids, fill_value=0.0)
        assert abs(m["revenue_12m"].to_numpy() - window.to_numpy()).max() < 1e-6, text


def _window_sum(o, as_of):
    import pandas as pd

    start = as_of - pd.DateOffset(months=12) + pd.Timedelta(days=1)
    cur = o[(o["date"] >= start) & (o["date"] <= as_of)]
    return cur.groupby("account_id")["gross_revenue_eur"].sum()


def test_cells_bought_without_business_units_counts_product_lines():
    import pandas as pd

    from kamlib import selection
    from kamlib.data import sample
    from kamlib.data.readers import KamData

    tables = sample.generate(seed=3, n_accounts=200)
    orders = tables["orders"].assign(business_unit=pd.Series(pd.NA, index=tables["orders"].index, dtype="str"))
    as_of = pd.Timestamp("2025-12-31")
    data = KamData(**{**tables, "orders": orders}, source="x", as_of=as_of, available=tuple(tables))
    cur = orders[(orders["date"] > as_of - pd.DateOffset(months=12)) & (orders["date"] <= as_of)]
    lines = cur["product_id"].map(tables["products"].set_index("product_id")["product_line"])
    expected = lines.groupby(cur["account_id"]).nunique().reindex(tables["accounts"]["account_id"], fill_value=0)
    got = selection.criterion_metrics(data)["cells_bought"]
    assert got.to_numpy().tolist() == expected.astype(float).to_numpy().tolist() and got.max() > 0
