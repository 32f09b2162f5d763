"""Issue 17: evaluate/create tasks (kind "text" with a rubric), the form interface (form_fields, from_form), hint()
and progress recording, as the contract between the helpers states them."""

from __future__ import annotations

import json

import pytest

from kamlib import i18n
from kamlib.data.schemas import PLAN_SECTIONS
from kamlib.teaching import exercises as E

NEW = {"00.5": "create", "01.5": "evaluate", "01.6": "evaluate", "02.5": "create", "03.5": "evaluate",
       "04.5": "create", "05.6": "evaluate"}


def test_levels_evaluate_and_create_exist_in_both_languages():
    assert E.LEVELS["evaluate"] == ("evaluate", "Bewerten")
    assert E.LEVELS["create"] == ("create", "Gestalten")


def test_one_evaluate_or_create_task_per_module():
    for nb in ("00", "01", "02", "03", "04", "05"):
        assert {E.get(i).level for i in E.ids(nb)} & {"evaluate", "create"}, nb
    for i, level in NEW.items():
        ex = E.get(i)
        assert ex.level == level and ex.kind == "text", i


@pytest.mark.parametrize("exercise_id", sorted(NEW))
def test_model_answer_passes_with_the_rubric_for_the_trainer(exercise_id):
    ex = E.get(exercise_id)
    assert ex.rubric >= 2
    for lang in ("en", "de"):
        fb = E.check(exercise_id, E.solution(exercise_id), lang=lang)
        assert fb.correct and fb.key == "rubric"
        points = tuple(i18n.pick(ex.text(f"rubric_{n}"), lang) for n in range(1, ex.rubric + 1))
        assert fb.rubric == points
        assert all(p in fb.message for p in points)
        head = "Checks passed." if lang == "en" else "Prüfung bestanden."
        assert str(fb).split(": ", 1)[1].startswith(head)  # not "Correct.": the trainer still judges the rubric


def _model(exercise_id, **changes):
    return {**E.solution(exercise_id), **changes}


def test_00_5_the_critic_and_the_ally_are_checked():
    # the critic of the table is the decider Dr. Heike Brandt; Laura Kemp and Sven Ober support us
    assert E.check("00.5", _model("00.5", critic="Markus Thiel")).key == "wrong_critic"
    assert E.check("00.5", _model("00.5", ally="Dr. Heike Brandt")).key == "ally_not_supporter"
    assert E.check("00.5", _model("00.5", ally="Markus Thiel")).key == "ally_not_supporter"
    assert E.check("00.5", _model("00.5", steps="Send her our best price.")).key == "one_step"
    assert E.check("00.5", _model("00.5", ally="Sven Ober")).key == "rubric"
    # steps numbered on one line, or separated by semicolons, count one by one
    assert E.check("00.5", _model("00.5", steps="1. Ask Laura Kemp. 2. Meet Dr. Brandt.")).key == "rubric"
    assert E.check("00.5", _model("00.5", steps="Ask Laura Kemp; meet Dr. Brandt")).key == "rubric"
    assert E.check("00.5", _model("00.5", steps="Meet her by 30. June.")).key == "one_step"
    fb = E.check("00.5", _model("00.5", concern=""))
    assert fb.key == "incomplete"


def test_00_5_german_texts_say_kritiker_not_gegner():
    section = i18n.table("exercises.00.5")
    german = " ".join(de for en, de in section.values())
    assert "Kritiker" in german and "Gegner" not in german


def test_01_5_three_or_four_criteria_each_with_a_reason():
    # source 004: three or four criteria; one reason per criterion
    two = _model("01.5", criteria=["revenue_share", "growth_potential"], reasons="a\nb")
    assert E.check("01.5", two).key == "too_few"
    five = ["revenue_share", "lifetime_value", "growth_potential", "credibility", "relationship"]
    assert E.check("01.5", _model("01.5", criteria=five, reasons="a\nb\nc\nd\ne")).key == "too_many_criteria"
    three = ["revenue_share", "lifetime_value", "relationship"]
    assert E.check("01.5", _model("01.5", criteria=three, reasons="one reason only")).key == "reason_missing"
    assert E.check("01.5", _model("01.5", criteria=three, reasons="r1\nr2\nr3")).key == "rubric"
    assert E.check("01.5", _model("01.5", criteria=["size"])).key == "unknown_value"


def test_01_6_definitive_list_is_consistent_with_the_rule():
    # capacity 4; D4 meets only one criterion; every dropped account needs a reason naming it
    assert E.check("01.6", _model("01.6", definitive=["D1", "D2", "D4", "D5"])).key == "rule_broken"
    assert E.check("01.6", _model("01.6", definitive=["D1", "D2", "D3", "D5", "D6"])).key == "over_capacity"
    fb = E.check("01.6", _model("01.6", definitive=["D1", "D2", "D5", "D6"], reasons="D4 meets one criterion."))
    assert fb.key == "reason_missing"
    assert E.check("01.6", _model("01.6", definitive=["D1", "D9"])).key == "unknown_value"
    ok = _model("01.6", definitive=["D1", "D2", "D6"], reasons="D3 insolvency. D4 rule. D5 later.")
    assert E.check("01.6", ok).key == "rubric"


def test_02_5_every_plan_section_is_filled():
    assert set(E.get("02.5").text_fields) == set(PLAN_SECTIONS)
    fb = E.check("02.5", _model("02.5", usp="  "))
    assert fb.key == "incomplete" and "usp" in fb.message.lower() or "USP" in fb.message
    assert E.check("02.5", _model("02.5", agreed_goal="Work together more closely.")).key == "agreed_goal_vague"
    model = E.solution("02.5")
    assert E.check("02.5", _model("02.5", objective=model["customer_goal"])).key == "objective_copied"
    assert E.check("02.5", _model("02.5", team_customer="Jens Hofmann (buyer)")).key == "single_threaded_team"


def test_03_5_the_clv_argument_is_judged_with_the_right_number():
    # m = 60,000, r = 0.9, d = 0.08: CLV = 54,000 / (1 + 0.08 - 0.9) = 54,000 / 0.18 = 300,000;
    # the colleague's 540,000 = 54,000 / (1 - 0.9) forgets the discount rate
    assert E.check("03.5", _model("03.5", clv=300_000)).key == "rubric"
    assert E.check("03.5", _model("03.5", clv=540_000)).key == "colleague_number"
    assert E.check("03.5", _model("03.5", clv=50_000)).key == "clv_wrong"  # 54,000 / 1.08
    assert E.check("03.5", _model("03.5", verdict="holds")).key == "accepted"
    assert E.check("03.5", _model("03.5", clv="300.000", verdict="does_not_hold"), lang="de").key == "rubric"
    assert "300.000\n" in E.show_solution("03.5", "de").markdown  # shown as a whole number, not 300.000,00


def test_04_5_qbr_agenda():
    core = ["review", "kpis", "wins", "challenges", "next_goals"]
    assert E.check("04.5", _model("04.5", agenda=core)).key == "rubric"
    assert E.check("04.5", _model("04.5", agenda=[c for c in core if c != "challenges"])).key == "core_missing"
    assert E.check("04.5", _model("04.5", agenda=[*core, "margin"])).key == "internal_shown"
    assert E.check("04.5", _model("04.5", goals="Better deliveries.")).key == "goals_vague"
    for lang in ("en", "de"):  # the QBR is a Quartalsgespräch, never the Jahresgespräch
        text = E.task("04.5", lang).markdown
        assert "QBR" in text
        assert "Jahresgespräch" not in text
    assert "Quartalsgespräch (QBR)" in E.task("04.5", "de").markdown


def test_05_6_a_portfolio_cut_by_the_rule_not_by_revenue():
    # lowest weighted score: Q7 (6.4); the largest revenue fall: Q2 (-18 %); the smallest revenue: Q4 (300)
    assert E.check("05.6", _model("05.6", drop="Q7")).key == "rubric"
    assert E.check("05.6", _model("05.6", drop="Q2")).key == "cut_by_revenue"
    assert E.check("05.6", _model("05.6", drop="Q4")).key == "cut_smallest"
    assert E.check("05.6", _model("05.6", drop="Q5")).key == "not_by_rule"
    assert E.check("05.6", _model("05.6", after="no_care")).key == "neglect"


@pytest.mark.parametrize("exercise_id", sorted(NEW))
def test_text_tasks_refuse_other_shapes(exercise_id):
    assert E.check(exercise_id, 3.5).key == "wrong_type"
    assert E.check(exercise_id, None).key == "empty"


# --------------------------------------------------------------------------- form_fields and from_form


def test_form_fields_per_kind():
    f = E.form_fields("03.2", "de")
    assert len(f) == 1 and f[0].key is None and f[0].kind == "number" and f[0].label
    f = E.form_fields("00.1", "de")
    assert f[0].kind == "choice" and [v for v, _ in f[0].options] == ["a", "b", "c", "d"]
    assert f[0].options[0][1].startswith("(a) ") and "Neukunden" in f[0].options[0][1] or f[0].options[0][1]
    f = E.form_fields("00.2")
    assert [x.key for x in f] == ["K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8"]
    assert {x.kind for x in f} == {"mapping-row"} and f[0].options == (("A", "A"), ("B", "B"), ("C", "C"))
    f = E.form_fields("03.1", "de")
    assert [x.key for x in f] == ["db1", "db2", "db3", "db4"] and f[0].label == "DB I"
    f = E.form_fields("04.2", "de")
    assert f[1].kind == "label" and f[1].label == "Ampel"
    assert dict(f[1].options)["amber"] == "gelb"  # German band names, never the English ones
    f = E.form_fields("01.2")
    assert f[0].kind == "ids" and [v for v, _ in f[0].options] == ["K1", "K2", "K3", "K4", "K5", "K6"]
    f = E.form_fields("02.5", "de")
    assert [x.key for x in f] == list(PLAN_SECTIONS) and {x.kind for x in f} == {"text"}
    f = E.form_fields("03.5", "de")
    kinds = {x.key: x.kind for x in f}
    assert kinds == {"verdict": "choice", "clv": "number", "reason": "text"}


@pytest.mark.parametrize("exercise_id", E.ids())
def test_the_solution_entered_in_the_form_passes(exercise_id):
    """What a trainee types into the widgets (text for numbers, as a German would) comes back as an answer
    check() accepts; the solution, entered field by field, is correct."""
    ex, sol = E.get(exercise_id), E.solution(exercise_id)
    fields = E.form_fields(exercise_id, "de")
    values: dict = {}
    for f in fields:
        v = sol if f.key is None else sol[f.key]
        if f.kind in ("number", "share"):
            v = i18n.number(float(v), "de", 6)
        if f.kind == "ids":
            v = tuple(sorted(v))
        values[f.key] = v
    answer = E.from_form(exercise_id, values)
    assert E.check(exercise_id, answer, lang="de").correct, (exercise_id, answer)
    assert ex.kind


def test_from_form_with_nothing_filled_is_empty():
    assert E.check("03.2", E.from_form("03.2", {None: ""})).key == "empty"
    assert E.check("03.1", E.from_form("03.1", {"db1": "", "db2": None})).key == "empty"
    assert E.check("03.1", E.from_form("03.1", {"db1": "160000", "db2": None})).key == "incomplete"


# --------------------------------------------------------------------------- hint and progress


def _events(tmp_path):
    return json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))["events"]


def test_check_hint_and_solution_are_recorded(tmp_path, monkeypatch):
    monkeypatch.setenv("KAM_PROGRESS_FILE", str(tmp_path / "p.json"))
    E.check("03.2", 42_500 / 1.08)
    E.check("03.2", E.solution("03.2"), lang="de")
    text = E.hint("03.2", "de")
    E.show_solution("03.2")
    E.check("02.5", E.solution("02.5"))
    ev = [(e["id"], e["event"], e["correct"], e["key"]) for e in _events(tmp_path)]
    assert ev == [
        ("03.2", "check", False, "no_minus_r"),
        ("03.2", "check", True, "correct"),
        ("03.2", "hint", None, ""),
        ("03.2", "solution", None, ""),
        ("02.5", "check", True, "rubric"),
    ]
    assert "Nenner" in text.markdown and text._repr_markdown_() == text.markdown


def test_an_answer_key_is_no_trainee_event(tmp_path, monkeypatch):
    monkeypatch.setenv("KAM_PROGRESS_FILE", str(tmp_path / "p.json"))
    E.show_solution("03.2", "de", record=False)
    assert not (tmp_path / "p.json").exists()
    E.show_solution("03.2", "de")
    assert [e["event"] for e in _events(tmp_path)] == ["solution"]


def test_hint_exists_for_every_exercise():
    for i in E.ids():
        for lang in ("en", "de"):
            assert E.hint(i, lang).markdown.strip()
