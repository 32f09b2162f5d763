"""Issue 17, better exercises: no choice item solvable by length, specific diagnoses where the mistake is obvious,
extra keys refused, and every solution pinned to a value worked out by hand here (not by the exercise's own code)."""

from __future__ import annotations

import statistics

import pytest

from kamlib.teaching import exercises as E

CHOICE_IDS = [i for i in E.ids() if E.get(i).kind == "choice"]
LENGTH_RATIO = 1.5


# --------------------------------------------------------------------------- 1. no choice item solvable by length


@pytest.mark.parametrize("exercise_id", CHOICE_IDS)
@pytest.mark.parametrize("lang", ["en", "de"])
def test_no_choice_item_is_solvable_by_length(exercise_id, lang):
    """The rule, per choice item and language, on the option texts' lengths in characters:

    (a) the correct option is not the uniquely longest (at least one wrong option is as long or longer), and
    (b) no option is more than 1.5 × the median length of the other options (no option stands out by length,
        which would hint that it is the carefully qualified, i.e. correct, one, or an obvious throw-away).

    Picking the longest option, or the odd one out by length, therefore never identifies the answer."""
    ex = E.get(exercise_id)
    i = 0 if lang == "en" else 1
    length = {o: len(ex.text(f"option_{o}")[i]) for o in ex.options}
    right = ex.solution()
    assert any(length[o] >= length[right] for o in ex.options if o != right), (
        f"{exercise_id} ({lang}): the correct option ({right}) is the longest: {length}"
    )
    for o in ex.options:
        others = statistics.median(v for k, v in length.items() if k != o)
        assert length[o] <= LENGTH_RATIO * others, (
            f"{exercise_id} ({lang}): option {o} is {length[o]} characters, more than {LENGTH_RATIO} × the "
            f"median {others} of the others: {length}"
        )


def test_the_length_rule_would_fail_on_the_old_00_1(monkeypatch):
    """The rule catches the old 00.1: its right option (b) had 121 characters against 51-67."""
    old = {
        "option_a": ("Winning as many new customers as possible with one standard offer.", "x" * 67),
        "option_b": (
            "Organised, long-term care of a few customers that matter by revenue and by strategic value "
            "(reference, growth, know-how).",
            "x" * 141,
        ),
        "option_c": ("Giving the largest customers the largest discounts.", "x" * 46),
        "option_d": ("Looking after every customer with the most intensive care possible.", "x" * 46),
    }
    for k, v in old.items():
        monkeypatch.setitem(E.i18n.table("exercises.00.1"), k, v)
    with pytest.raises(AssertionError, match="longest"):
        test_no_choice_item_is_solvable_by_length("00.1", "en")


# --------------------------------------------------------------------------- 2.-3. specific diagnoses


def test_04_4_price_effect_at_last_years_units_gets_its_own_diagnosis():
    # q0 = 100 at p0 = 50, q1 = 110 at p1 = 48: volume (110 - 100) × 50 = 500 is right; the price effect at
    # last year's units is (48 - 50) × 100 = -200 instead of (48 - 50) × 110 = -220
    for lang in ("en", "de"):
        fb = E.check("04.4", {"volume": 500, "price": -200}, lang=lang)
        assert fb.key == "price_last_year_units", fb
    assert "volume" in E.check("04.4", {"volume": 500, "price": -200}).message.lower()
    # the other order (volume at this year's price 10 × 48 = 480, price at last year's units -200) keeps its own
    assert E.check("04.4", {"volume": 480, "price": -200}).key == "order_of_effects"


def test_03_3_year_zero_term_is_diagnosed():
    # m = 50,000, r = 0.85, d = 0.08, T = 3. Terms t = 1..3: 50,000·0.85/1.08 = 39,351.85;
    # 50,000·0.7225/1.1664 = 30,971.36; 50,000·0.614125/1.259712 = 24,375.61; sum 94,698.83.
    # With a year-0 term (t = 0: 50,000·1/1 = 50,000) included: 144,698.83.
    fb = E.check("03.3", 144_698.83)
    assert fb.key == "year_0_included"
    assert "t = 0" in fb.message or "year 0" in fb.message
    assert E.check("03.3", 144_698.83, lang="de").key == "year_0_included"


def test_05_3_cuts_by_revenue_are_diagnosed():
    # capacity 3 + 3 + 2 = 8 for 10 accounts: 2 leave. Lowest revenue overall: P04 (80), P10 (90).
    assert E.check("05.3", ["P04", "P10"]).key == "lowest_revenue"
    # the overloaded KAM Weber (P01, P02, P04, P06, P08: 5 accounts for 3 places) cut by revenue: P04 (80), P08 (200)
    assert E.check("05.3", ["P04", "P08"]).key == "per_kam_revenue"
    # the accounts that stay instead of those that leave: all but P10 (6.1) and P09 (6.6)
    kept = ["P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08"]
    assert E.check("05.3", kept).key == "kept_listed"


# --------------------------------------------------------------------------- 4. extra keys


@pytest.mark.parametrize("exercise_id", [i for i in E.ids() if E.get(i).kind in ("fields", "text")])
def test_extra_keys_are_refused_and_named(exercise_id):
    answer = dict(E.solution(exercise_id))
    answer["my_note"] = 1
    answer["Bonus"] = "x"
    for lang in ("en", "de"):
        fb = E.check(exercise_id, answer, lang=lang)
        assert not fb.correct and fb.key == "extra_keys", fb
        assert "my_note" in fb.message and "Bonus" in fb.message


def test_a_key_given_twice_under_two_names_is_refused():
    # "db1" and "DB I" name the same entry: the second is an extra key
    sol = E.solution("03.1")
    fb = E.check("03.1", {**sol, "DB I": sol["db1"]})
    assert fb.key == "extra_keys" and "DB I" in fb.message


# --------------------------------------------------------------------------- 5. solutions pinned by hand

HAND = {
    # 00.1, 01.1, 04.3, 05.4: the letter of the right option (read in the catalogue texts)
    "00.1": "b",
    # 00.2: total 1,000,000; cumulative 0.40, 0.65, 0.80 (A up to and including 80 %), 0.88, 0.93 (B up to 95 %),
    # 0.97, 0.99, 1.00 (C)
    "00.2": {"K1": "A", "K2": "A", "K3": "A", "K4": "B", "K5": "B", "K6": "C", "K7": "C", "K8": "C"},
    # 00.3: 20 % of 12 = 2.4 -> 3 accounts; (520 + 310 + 150) / 1,440 = 980 / 1,440
    "00.3": 980 / 1440,
    # 00.4: shares 0.6, 0.25, 0.1, 0.05; Σ i·s = 0.6 + 0.5 + 0.3 + 0.2 = 1.6; G = 5/4 - 2/4 · 1.6 = 0.45
    "00.4": 0.45,
    "01.1": "b",
    # 01.2: scores >= 7 per account: K1 2 (9, 8), K2 1, K3 3 (7, 7, 9), K4 1, K5 2 (8, 7), K6 0
    "01.2": {"K1", "K3", "K5"},
    # 01.3: 0.35·8 + 0.25·6 + 0.2·9 + 0.2·4 = 2.8 + 1.5 + 1.8 + 0.8 = 6.9
    "01.3": 6.9,
    # 01.4: attractiveness 7.2 >= 5 high, strength 3.5 < 5 low -> star
    "01.4": "star",
    # 02.1: covered user, buyer, influencer, gatekeeper (and the non-classic initiator) -> decider
    "02.1": "decider",
    # 02.2: 120,000 / 480,000
    "02.2": 0.25,
    # 02.3: gaps 50,000 + 100,000 + 0 (60,000 > 50,000) + 80,000 + 90,000 = 320,000; (Sensors, Plant B) not
    # eligible; owned 3 (Drives A, Sensors A, Controls B) of 5 eligible = 0.6
    "02.3": {"whitespace": 320_000, "penetration": 0.6},
    # 02.4: p = (3 + 1)/(10 + 2) = 1/3; 40,000 / 3
    "02.4": 40_000 / 3,
    # 03.1: net 500,000 - 40,000 = 460,000; DB I 460,000 - 300,000 = 160,000; DB II - 8,000 = 152,000;
    # DB III - 25,000 = 127,000; DB IV - 12,000 - 9,000 = 106,000
    "03.1": {"db1": 160_000, "db2": 152_000, "db3": 127_000, "db4": 106_000},
    # 03.2: 50,000 · 0.85 / (1 + 0.08 - 0.85) = 42,500 / 0.23
    "03.2": 42_500 / 0.23,
    # 03.3: 39,351.85 + 30,971.36 + 24,375.61 (see above)
    "03.3": 94_698.83,
    # 03.4: DB IV = DB I - cost to serve: C1 120k, C2 -15k, C3 -25k, C4 40k, C5 -9k, C6 40k
    "03.4": {"C2", "C3", "C5"},
    # 04.1: GRR (1,000,000 - 50,000 - 80,000)/1,000,000 = 0.87; NRR (1,000,000 + 120,000 - 130,000)/1,000,000 = 0.99
    "04.1": {"grr": 0.87, "nrr": 0.99},
    # 04.2: weights with data 0.25 + 0.15 + 0.20 + 0.15 + 0.10 = 0.85; Σ = 15 + 10.5 + 20 + 9 + 9.25 = 63.75;
    # 63.75 / 0.85 = 75.0 -> amber (up to and including 75)
    "04.2": {"score": 75.0, "band": "amber"},
    "04.3": "b",
    # 04.4: volume (110 - 100) × 50 = 500; price (48 - 50) × 110 = -220
    "04.4": {"volume": 500, "price": -220},
    # 05.1: 17 / 20
    "05.1": 0.85,
    # 05.2: start 100 + 200 + 150 + 250 + 300 = 1,000k; expansion 30 + 40 = 70k; contraction 50k; churn 150k;
    # GRR (1,000 - 50 - 150)/1,000 = 0.80; NRR (1,000 + 70 - 200)/1,000 = 0.87
    "05.2": {"grr": 0.80, "nrr": 0.87},
    # 05.3: capacity 8 for 10 accounts; lowest weighted scores P10 (6.1), P09 (6.6)
    "05.3": {"P10", "P09"},
    "05.4": "d",
    # 05.5: strategic (high/high) -> status (low attractiveness, high strength): attractiveness fell
    "05.5": "attractiveness",
}


def test_every_computed_exercise_has_a_hand_value():
    computed = [i for i in E.ids() if E.get(i).kind != "text"]
    assert sorted(HAND) == sorted(computed)


@pytest.mark.parametrize("exercise_id", sorted(HAND))
def test_solution_equals_the_value_computed_by_hand(exercise_id):
    ex, hand, sol = E.get(exercise_id), HAND[exercise_id], E.solution(exercise_id)
    if ex.kind in ("number", "share"):
        assert sol == pytest.approx(hand, abs=max(ex.tolerance, 0.005 * abs(hand)))
    elif ex.kind == "fields":
        assert set(sol) == set(hand)
        for k, v in hand.items():
            if isinstance(v, str):
                assert sol[k] == v
            else:
                assert sol[k] == pytest.approx(v, abs=max(ex.fields[k].tolerance, 1e-9)), k
    elif ex.kind == "ids":
        assert set(sol) == hand
    else:
        assert sol == hand
    # and the hand value passes the checker
    answer = sorted(hand) if isinstance(hand, set) else hand
    assert E.check(exercise_id, answer).correct


# every typical mistake: what a trainee making it would type, worked out by hand, and the key that must come back
HAND_MISTAKES = [
    ("00.1", "a", "hunter_only"),
    ("00.1", "c", "discounts"),
    ("00.1", "d", "max_care"),
    # 00.2 ascending: from K8 up, cumulative 0.01, 0.03, 0.07, 0.12, 0.20, 0.35, 0.60, 1.00 -> A until 0.80
    ("00.2", {"K8": "A", "K7": "A", "K6": "A", "K5": "A", "K4": "A", "K3": "A", "K2": "A", "K1": "C"}, "ascending"),
    # cumulative before the account: 0, 0.40, 0.65, 0.80, 0.88, 0.93, 0.97, 0.99
    ("00.2", {"K1": "A", "K2": "A", "K3": "A", "K4": "A", "K5": "B", "K6": "B", "K7": "C", "K8": "C"}, "cum_before"),
    # strict: K3 at exactly 0.80 becomes B
    ("00.2", {"K1": "A", "K2": "A", "K3": "B", "K4": "B", "K5": "B", "K6": "C", "K7": "C", "K8": "C"}, "strict_cutoff"),
    ("00.3", 830 / 1440, "rounded_down"),  # 520 + 310
    ("00.3", 40 / 1440, "bottom"),  # 5 + 15 + 20
    ("00.3", 980 / 460, "ratio_to_rest"),  # 980 / (1,440 - 980)
    ("00.4", 0.6, "normalised"),  # 0.45 · 4/3
    ("00.4", 1.25 - 0.5 * (0.05 + 0.2 + 0.75 + 2.4), "ascending"),  # Σ i·s ascending = 3.4 -> -0.45
    ("00.4", 1 - 0.5 * 1.6, "constant"),  # 0.2
    ("00.4", 1.25 - 0.5 * (60 + 50 + 30 + 20), "raw_values"),  # -78.75
    ("01.1", "a", "all_criteria"),
    ("01.1", "c", "revenue_only"),
    ("01.1", "d", "too_many"),
    ("01.2", ["K1"], "strict"),  # with > 7 only K1 (9, 8) keeps two; K3 (9) and K5 (8) keep one
    ("01.2", ["K1", "K2", "K3", "K4", "K5"], "at_least_one"),
    # weighted scores: K1 0.35·9 + 0.25·8 + 0.2·3 + 0.2·5 = 6.75; K3 2.1 + 1.75 + 1.4 + 1.8 = 7.05 only
    ("01.2", ["K3"], "weighted_score"),
    ("01.2", ["K1", "K3", "K5", "K6"], "rounded_up"),  # K6 6,5/6,9/6/6,8 rounded: 7, 7, 6, 7 -> three criteria
    ("01.3", 27 / 4, "unweighted_mean"),  # (8 + 6 + 9 + 4) / 4 = 6.75
    ("01.3", 690, "percent_weights"),
    ("01.3", 27, "sum_of_scores"),
    ("01.4", "status", "axes_swapped"),
    ("01.4", "strategic", "attractiveness_only"),
    ("01.4", "streamline", "strength_only"),
    ("02.1", "approver", "not_classic"),
    ("02.1", "initiator", "initiator"),
    ("02.1", "user", "present_user"),
    ("02.1", "influencer", "present_influencer"),
    ("02.1", "buyer", "present_buyer"),
    ("02.1", "gatekeeper", "present_gatekeeper"),
    ("02.2", 4.0, "inverted"),  # 480 / 120
    ("02.2", 0.2, "added_ours"),  # 120 / 600
    ("02.2", 0.02, "own_revenue_base"),  # 120,000 / 6,000,000
    ("02.3", {"whitespace": 310_000, "penetration": 0.6}, "negative_gap_netted"),  # 320k - 10k
    ("02.3", {"whitespace": 550_000, "penetration": 0.6}, "potential_not_gap"),  # 200 + 100 + 50 + 80 + 120
    ("02.3", {"whitespace": 180_000, "penetration": 0.6}, "gaps_only"),  # 100 + 80
    ("02.3", {"whitespace": 320_000, "penetration": 0.5}, "not_eligible_counted"),  # 3 / 6
    ("02.4", 12_000, "raw_share"),  # 40,000 · 3/10
    ("02.4", 40_000 * 4 / 11, "laplace_denominator"),
    ("02.4", 1 / 3, "probability_only"),
    ("02.4", 40_000, "gap_only"),
    # 03.1 discount forgotten: 500k - 300k = 200k, 192k, 167k, 146k
    ("03.1", {"db1": 200_000, "db2": 192_000, "db3": 167_000, "db4": 146_000}, "discount_forgotten"),
    ("03.1", {"db1": 160_000, "db2": 143_000, "db3": 118_000, "db4": 106_000}, "logistics_in_db2"),
    ("03.1", {"db1": 160_000, "db2": 152_000, "db3": 115_000, "db4": 106_000}, "service_in_db3"),
    ("03.1", {"db1": 160_000, "db2": 135_000, "db3": 127_000, "db4": 106_000}, "marketing_sales_swapped"),
    ("03.2", 42_500 / 1.08, "no_minus_r"),
    ("03.2", 50_000 / 0.23, "numerator_r"),
    ("03.2", 50_000 * 1.08 / 0.23, "timing_start"),
    ("03.2", 42_500 / (1 + 8 - 0.85), "percent_inputs"),
    ("03.2", 42_500 / 0.15, "no_discount"),  # m·r/(1 − r) = 283.333,33
    ("03.3", 42_500 / 0.23, "closed_form"),
    # discounted from t - 1: 42,500 + 36,125/1.08 + 30,706.25/1.1664
    ("03.3", 42_500 + 36_125 / 1.08 + 30_706.25 / 1.1664, "discount_from_0"),
    ("03.3", 50_000 / 1.08 + 50_000 / 1.1664 + 50_000 / 1.259712, "retention_missing"),
    ("03.3", 42_500 + 36_125 + 30_706.25, "no_discount"),
    ("03.3", 50_000 + 94_698.83, "year_0_included"),
    ("03.3", 50_000 * 3, "m_times_t"),  # m·T = 150.000
    ("03.4", ["C5"], "db1_only"),
    ("03.4", ["C4", "C1", "C2"], "highest_cost"),  # 260k, 150k, 95k
    ("03.4", ["C3", "C5", "C6"], "smallest_revenue"),  # 60k, 120k, 200k
    ("04.1", {"grr": 0.99, "nrr": 0.99}, "expansion_in_grr"),
    ("04.1", {"grr": 0.95, "nrr": 1.07}, "churn_forgotten"),
    ("04.1", {"grr": 0.92, "nrr": 1.04}, "contraction_forgotten"),
    ("04.1", {"grr": 0.99, "nrr": 0.87}, "swapped"),  # GRR 0,87 and NRR 0,99 swapped
    ("04.2", {"score": 63.75, "band": "amber"}, "missing_as_zero"),
    ("04.2", {"score": 76.5, "band": "green"}, "unweighted_mean"),  # (60 + 70 + 100 + 60 + 92.5) / 5
    ("04.2", {"score": 75.0, "band": "green"}, "band_boundary"),
    ("04.3", "a", "looking_back"),
    ("04.3", "c", "price_only"),
    ("04.3", "d", "nothing_written"),
    ("04.4", {"volume": 480, "price": -200}, "order_of_effects"),
    ("04.4", {"volume": -500, "price": 220}, "sign"),
    ("04.4", {"volume": 480, "price": -220}, "does_not_add_up"),
    ("04.4", {"volume": 500, "price": -200}, "price_last_year_units"),
    ("05.1", 0.9, "returned_counted"),  # 18 / 20
    ("05.1", 1.0, "new_counted"),  # 20 / 20
    ("05.1", 0.15, "churn_given"),
    ("05.1", 17 / 23, "denominator_now"),
    ("05.2", {"grr": 0.80, "nrr": 0.97}, "new_counted"),  # + 100k new and returned
    ("05.2", {"grr": 0.87, "nrr": 0.87}, "expansion_in_grr"),
    ("05.2", {"grr": 0.95, "nrr": 1.02}, "churn_forgotten"),
    ("05.3", ["P04", "P10"], "lowest_revenue"),
    ("05.3", ["P01", "P02"], "top_dropped"),
    ("05.3", ["P08", "P06"], "per_kam"),  # Weber's lowest scores 6.8 and 7.3
    ("05.3", ["P04", "P08"], "per_kam_revenue"),
    ("05.3", ["P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08"], "kept_listed"),
    ("05.4", "a", "neglect"),
    ("05.4", "b", "rigid"),
    ("05.4", "c", "unprepared"),
    ("05.5", "strength", "strength"),
    ("05.5", "both", "both"),
    ("05.5", "neither", "neither"),
]


def test_every_typical_mistake_has_a_hand_case():
    have = {(i, k) for i, _, k in HAND_MISTAKES}
    want = {(i, m.key) for i in HAND for m in E.get(i).mistakes}
    assert have == want, sorted(want ^ have)


@pytest.mark.parametrize("exercise_id, answer, key", HAND_MISTAKES, ids=[f"{i}-{k}" for i, _, k in HAND_MISTAKES])
def test_hand_worked_mistake_gets_its_specific_hint(exercise_id, answer, key):
    ex = E.get(exercise_id)
    for lang in ("en", "de"):
        fb = E.check(exercise_id, answer, lang=lang)
        assert not fb.correct and fb.key == key, f"{exercise_id}: {answer!r} diagnosed {fb.key}, expected {key}"
        assert fb.message == E._fill(ex, f"mistake_{key}", lang)


# the computable parts of the text tasks' model answers, worked out by hand
HAND_TEXT = {
    "00.5": {"critic": "Dr. Heike Brandt", "ally": "Laura Kemp"},  # the one critic; a supporter with access to her
    "01.5": {"criteria": {"revenue_share", "lifetime_value", "growth_potential", "relationship"}},  # 4 of 6
    # D4 meets 1 criterion (< 2), D3 is insolvent: D1, D2, D5, D6 fill the 4 places
    "01.6": {"definitive": {"D1", "D2", "D5", "D6"}},
    # 60,000 · 0.9 / (1 + 0.08 - 0.9) = 54,000 / 0.18 = 300,000, not the colleague's 540,000
    "03.5": {"verdict": "does_not_hold", "clv": 300_000},
    "04.5": {"agenda": {"review", "kpis", "wins", "challenges", "next_goals"}},  # the five parts, nothing internal
    # lowest weighted score: Q7 6.4 (Q6 6.9, Q8 7.0, ...); it keeps standard care
    "05.6": {"drop": "Q7", "after": "standard_care"},
}


@pytest.mark.parametrize("exercise_id", sorted(HAND_TEXT))
def test_text_model_answers_equal_the_hand_values(exercise_id):
    sol = E.solution(exercise_id)
    for k, v in HAND_TEXT[exercise_id].items():
        if isinstance(v, set):
            assert set(sol[k]) == v, k
        elif isinstance(v, (int, float)):
            assert sol[k] == pytest.approx(v, abs=1.0), k
        else:
            assert sol[k] == v, k


def test_answer_entries_by_the_entry_each_key_names():
    """_entries: a dict answer's values by the entry each key names, for fields tasks (keys or aliases, case,
    accents and spaces aside) and text tasks (keys only); unknown keys and empty values are left out."""
    import pandas as pd

    db = E.get("03.1")  # fields db1..db4, aliases such as "db i", "db_1"
    # "DB I" -> alias "db i" -> db1; "db 3" -> db3; "db_2" is empty; "foo" names no field
    assert E._entries({"DB I": 5, "db_2": " ", "foo": 1, "db 3": 7}, db) == {"db1": 5, "db3": 7}
    assert E._entries(pd.Series({"DB_IV": 9}), db) == {"db4": 9}
    text = E.get("00.5")  # entries critic, ally, concern, steps, signal
    assert E._entries({"Critic": "Dr. Roth", "ally": "", "ALLY ": "Frau Weiß", "x": "?"}, text) == {
        "critic": "Dr. Roth",
        "ally": "Frau Weiß",
    }
    with pytest.raises(E._WrongType):
        E._entries(["Dr. Roth"], text)
