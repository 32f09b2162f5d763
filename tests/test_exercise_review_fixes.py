"""Issue 17 review (M4, m1, m2) and the worksheets' paper form: German feedback names labels and entries in German,
choice items cannot be solved by absolute words, obvious mistakes get their own diagnosis, and a task prints on
paper without the code line."""

from __future__ import annotations

import re

import pytest

from kamlib.teaching import exercises as E

# --------------------------------------------------------------------------- M4: feedback in the feedback's language


def test_unknown_band_lists_the_german_colours():
    # 04.2 bands red/amber/green are shown as rot/gelb/grün (exercises.label_shown)
    msg = E.check("04.2", {"score": 75, "band": "lila"}, "de").message
    assert "rot, gelb, grün" in msg, msg
    assert not re.search(r"\b(red|amber|green)\b", msg), msg


def test_unknown_role_lists_the_german_roles():
    # 02.1 roles in the order of _ROLES: user, influencer, buyer, decider, gatekeeper, initiator, approver
    msg = E.check("02.1", "Hausmeister", "de").message
    assert "Anwender, Beeinflusser, Einkäufer, Entscheider, Gatekeeper, Initiator, Genehmiger" in msg, msg
    assert not re.search(r"\b(user|influencer|buyer|decider|approver)\b", msg), msg


def test_unknown_axis_lists_the_german_axes():
    msg = E.check("05.5", "Umsatz", "de").message
    assert "Attraktivität, Stärke, beide, keine" in msg, msg
    assert not re.search(r"\b(attractiveness|strength|both|neither)\b", msg), msg


def test_partly_names_the_entries_by_their_german_labels():
    # 04.4: volume = (110 − 100) × 50 = 500 right; price = (48 − 50) × 110 = −220, given 0: wrong and no mistake's
    # value (order_of_effects: price (48−50)×100 = −200; sign: +220; price_last_year_units: −200)
    fb = E.check("04.4", {"volume": 500, "price": 0}, "de")
    assert fb.key == "partly"
    assert "Mengeneffekt" in fb.message and "Preiseffekt" in fb.message, fb.message
    assert not re.search(r"\b(volume|price)\b", fb.message), fb.message
    # 03.1: DB I = 460.000 − 300.000 = 160.000, DB II = 152.000, DB III = 127.000 right; DB IV = 127.000 − 12.000
    # − 9.000 = 106.000, given 1: wrong. Three right entries: no "DB III stimmt" with a singular verb for three
    fb = E.check("03.1", {"db1": 160_000, "db2": 152_000, "db3": 127_000, "db4": 1}, "de")
    assert fb.key == "partly"
    assert "DB I, DB II, DB III" in fb.message and "DB IV" in fb.message, fb.message
    assert not re.search(r"\bdb\d\b", fb.message) and "DB III stimmt" not in fb.message, fb.message


def test_incomplete_names_the_missing_entry_by_its_label():
    fb = E.check("04.1", {"grr": 0.87}, "de")
    assert fb.key == "incomplete" and "NRR" in fb.message and '"nrr"' not in fb.message, fb.message


# --------------------------------------------------------------------------- m1: absolute words single out nothing

#: Words that make a statement absolute. A test-wise trainee strikes options carrying them ("never say always").
ABSOLUTE = {
    "en": r"\b(every|everyone|everything|all|always|never|only|immediately|at once|any)\b",
    "de": r"\b(jede[nmrs]?|alle[nmrs]?|immer|nie|niemals|sofort|nur|stets)\b",
}
CHOICE_IDS = [i for i in E.ids() if E.get(i).kind == "choice"]


def _absolute(exercise_id: str, lang: str) -> dict[str, bool]:
    ex, i = E.get(exercise_id), (0 if lang == "en" else 1)
    return {o: bool(re.search(ABSOLUTE[lang], ex.text(f"option_{o}")[i], re.IGNORECASE)) for o in ex.options}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_absolute_words_do_not_single_out_the_wrong_options(lang):
    """The rule, per language, with the word lists of ``ABSOLUTE``:

    (a) per choice item, at most one option carries an absolute word, so striking the absolute options leaves at
        least three of four; and
    (b) over all choice items, the right option is free of absolute words no more often than the wrong options are
        (share of right options without one ≤ share of wrong options without one): the heuristic "the option without
        an absolute word is right" does no better than chance."""
    right_free, wrong_free, wrong_n = 0, 0, 0
    for exercise_id in CHOICE_IDS:
        marks = _absolute(exercise_id, lang)
        assert sum(marks.values()) <= 1, f"{exercise_id} ({lang}): absolute words in {marks}"
        right = E.solution(exercise_id)
        right_free += not marks[right]
        wrong_free += sum(not v for o, v in marks.items() if o != right)
        wrong_n += len(marks) - 1
    assert right_free / len(CHOICE_IDS) <= wrong_free / wrong_n, (
        f"({lang}) right options free of absolute words {right_free}/{len(CHOICE_IDS)}, wrong ones "
        f"{wrong_free}/{wrong_n}"
    )


def test_the_absolute_rule_catches_the_old_01_1(monkeypatch):
    monkeypatch.setitem(
        E.i18n.table("exercises.01.1"),
        "option_d",
        ("Make every account of class A or B a key account at once.", "Jeden A- und B-Kunden sofort aufnehmen."),
    )
    monkeypatch.setitem(
        E.i18n.table("exercises.01.1"),
        "option_a",
        ("Apply all six criteria; only an account that meets every one is selected.", "Alle sechs Kriterien."),
    )
    with pytest.raises(AssertionError, match="01.1"):
        test_absolute_words_do_not_single_out_the_wrong_options("en")


# --------------------------------------------------------------------------- m2: obvious mistakes diagnosed


def test_03_2_without_discount_rate():
    # m·r/(1 − r) = 50.000 · 0,85 / 0,15 = 42.500 / 0,15 = 283.333,33 (the colleague's error of 03.5)
    fb = E.check("03.2", 283_333, "de")
    assert fb.key == "no_discount", fb
    assert "1 + d − r" in fb.message


def test_04_1_grr_and_nrr_swapped():
    # GRR = (1.000.000 − 50.000 − 80.000)/1.000.000 = 0,87; NRR = (… + 120.000)/1.000.000 = 0,99; swapped:
    fb = E.check("04.1", {"grr": 0.99, "nrr": 0.87})
    assert fb.key == "swapped", fb


def test_01_2_scores_rounded_up_include_k6():
    # K6 scores 6,5 / 6,9 / 6 / 6,8: none reaches 7, but rounded they are 7, 7, 6, 7 (three criteria);
    # the right answer K1, K3, K5 plus K6
    fb = E.check("01.2", ["K1", "K3", "K5", "K6"], "de")
    assert fb.key == "rounded_up", fb
    assert "K6" in fb.message


def test_03_3_m_times_t():
    # m·T = 50.000 · 3 = 150.000 (neither retention nor discounting)
    fb = E.check("03.3", 150_000)
    assert fb.key == "m_times_t", fb


# --------------------------------------------------------------------------- paper worksheets


@pytest.mark.parametrize("exercise_id", E.ids())
def test_paper_task_has_no_code_line(exercise_id):
    on_screen = E.task(exercise_id, "de").markdown
    paper = E.task(exercise_id, "de", paper=True).markdown
    assert "exercises.check" in on_screen
    assert (
        "exercises." not in paper and "answer =" not in paper and "Formular" not in paper and "im Code" not in paper
    ), paper
    # the paper version keeps the prompt and gives one answer line per entry of the form
    for f in E.form_fields(exercise_id, "de"):
        assert f.label in paper, (f.label, paper)


def test_paper_task_of_a_dict_answer_lists_the_german_entries():
    paper = E.task("04.4", "de", paper=True).markdown
    assert "Mengeneffekt: ____" in paper and "Preiseffekt: ____" in paper, paper
