"""The trainee exercises: every solution passes, every typical mistake gets its own hint, no feedback leaks the
solution, and every text the trainee sees exists in English and German."""

from __future__ import annotations

import math
import re

import pytest

from kamlib import i18n
from kamlib.teaching import exercises as E

IDS = E.ids()
NOTEBOOKS = ["00", "01", "02", "03", "04", "05"]


def _mistake_cases():
    for i in IDS:
        for m in E.get(i).mistakes:
            yield pytest.param(i, m, id=f"{i}-{m.key}")


def _typical_answer(ex, mistake):
    """What a trainee making the mistake would type, in the shape a trainee would use."""
    value = mistake.answer(dict(ex.inputs))
    if ex.kind == "ids":
        return list(value)
    return value


def _solution_strings(ex) -> list[str]:
    """Ways the solution could be written in a message (both languages, a few roundings)."""
    sol = ex.solution()
    out: set[str] = set()

    def numbers(v: float, share: bool):
        for lang in ("en", "de"):
            for d in range(0, 5):
                if abs(round(v, d) - v) <= 0.01 * abs(v) and round(v, d) != 0:
                    out.add(i18n.number(v, lang, d))
                    out.add(f"{round(v, d):.{d}f}")
            if share:
                for d in range(0, 3):
                    if abs(round(100 * v, d) - 100 * v) <= 0.01 * abs(100 * v):
                        out.add(i18n.number(100 * v, lang, d) + " %")
                        out.add(i18n.number(100 * v, lang, d) + "%")

    if ex.kind in ("number", "share"):
        numbers(sol, ex.kind == "share")
    elif ex.kind == "fields":
        for k, v in sol.items():
            if ex.fields[k].kind == "label":
                out.update({v, *ex.fields[k].labels[v]})
            else:
                numbers(v, ex.fields[k].kind == "share")
    elif ex.kind == "label":
        out.update({sol, *ex.labels[sol]})
    elif ex.kind == "choice":
        out.update({f"({sol})", f"option {sol}", *(t.rstrip(".") for t in ex.text(f"option_{sol}"))})
    elif ex.kind == "ids":
        out.add(", ".join(sorted(sol)))
    elif ex.kind == "mapping":
        out.update(f"{k}: {v}" for k, v in sol.items())
        out.update(f"{k} {v}" for k, v in sol.items())
    elif ex.kind == "text":  # the model answer's free texts, in both languages
        texts = [t for k, f in ex.text_fields.items() if f.kind == "text" for t in ex.text(f"model_{k}")]
        out.update(line.strip() for t in texts for line in t.splitlines() if line.strip())
    return sorted(out)


def _leaks(message: str, text: str) -> bool:
    if re.fullmatch(r"[\d.,\s%]+", text):  # numbers: not as part of a longer number
        return re.search(rf"(?<![\d.,]){re.escape(text)}(?![\d]|[.,]\d)", message) is not None
    return re.search(rf"(?<!\w){re.escape(text)}(?!\w)", message, flags=re.IGNORECASE) is not None


# --------------------------------------------------------------------------- the catalogue


def test_three_to_six_exercises_per_notebook():
    for nb in NOTEBOOKS:
        n = len(E.ids(nb))
        assert 3 <= n <= 6, f"notebook {nb} has {n} exercises"
    assert len(IDS) == len(set(IDS))
    assert all(re.fullmatch(r"0[0-5]\.\d", i) for i in IDS)


def test_levels_go_from_recall_to_create():
    levels = {E.get(i).level for i in IDS}
    assert levels == {"recall", "apply", "analyse", "evaluate", "create"}
    for nb in NOTEBOOKS:  # every notebook has a computation or analysis, and an evaluate or create task
        assert {E.get(i).level for i in E.ids(nb)} & {"apply", "analyse"}
        assert {E.get(i).level for i in E.ids(nb)} & {"evaluate", "create"}


def test_unknown_exercise_names_the_known_ones():
    with pytest.raises(KeyError, match="03.2"):
        E.check("9.9", 1)


def test_bad_language_is_refused():
    with pytest.raises(ValueError, match="lang"):
        E.check("03.2", 1.0, lang="fr")


# --------------------------------------------------------------------------- solutions and mistakes


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_passes_its_own_checker(exercise_id):
    for lang in ("en", "de"):
        fb = E.check(exercise_id, E.solution(exercise_id), lang=lang)
        # a text task's model answer passes what the computer checks; the rubric is left to the trainer
        assert fb.correct and fb.key == ("rubric" if E.get(exercise_id).kind == "text" else "correct") and bool(fb)


@pytest.mark.parametrize("exercise_id", IDS)
def test_at_least_three_typical_mistakes_with_distinct_keys(exercise_id):
    ex = E.get(exercise_id)
    keys = [m.key for m in ex.mistakes]
    assert len(keys) >= 3
    assert len(set(keys)) == len(keys)
    assert not set(keys) & {"correct", "empty", "wrong_type", "wrong", "incomplete", "partly", "rubric", "extra_keys"}


@pytest.mark.parametrize("exercise_id, mistake", list(_mistake_cases()))
def test_each_typical_mistake_gets_its_own_hint(exercise_id, mistake):
    ex = E.get(exercise_id)
    answer = _typical_answer(ex, mistake)
    for lang in ("en", "de"):
        fb = E.check(exercise_id, answer, lang=lang)
        assert not fb.correct
        assert fb.key == mistake.key, f"{exercise_id}: {mistake.key} answered {answer!r}, diagnosed {fb.key}"
        assert fb.message == E._fill(ex, f"mistake_{mistake.key}", lang)
    assert E.check(exercise_id, answer, "en").message != E.check(exercise_id, answer, "de").message


@pytest.mark.parametrize("exercise_id", IDS)
def test_feedback_never_contains_the_solution(exercise_id):
    ex = E.get(exercise_id)
    secrets = _solution_strings(ex)
    assert secrets
    answers = [None, ..., "nonsense", [object()], *(_typical_answer(ex, m) for m in ex.mistakes)]
    if ex.kind in ("number", "share"):
        answers += [ex.solution() * 1.02, ex.solution() * 1.5 + 1]
    for answer in answers:
        for lang in ("en", "de"):
            fb = E.check(exercise_id, answer, lang=lang)
            assert not fb.correct
            if fb.key == "unknown_label":  # lists every possible answer alike, so it singles none out
                labels = ex.labels or ex.fields.get("band", E.FieldSpec("")).labels
                assert all(E._label_shown(label, labels, lang) in fb.message for label in labels)
                continue
            for text in (fb.message, str(fb), fb._repr_markdown_()):
                leaked = [s for s in secrets if _leaks(text, s)]
                assert not leaked, f"{exercise_id} feedback {text!r} reveals {leaked}"
    # the task text does not reveal it either (only show_solution does)
    for lang in ("en", "de"):
        if ex.kind in ("number", "share", "fields", "ids", "mapping"):
            task = E.task(exercise_id, lang).markdown
            numeric = [s for s in secrets if re.fullmatch(r"[\d.,\s%]+", s) and len(s) > 3]
            assert not [s for s in numeric if _leaks(task, s)]


@pytest.mark.parametrize("exercise_id", IDS)
def test_show_solution_shows_the_solution(exercise_id):
    ex = E.get(exercise_id)
    secrets = _solution_strings(ex)
    for lang in ("en", "de"):
        text = E.show_solution(exercise_id, lang=lang)._repr_markdown_()
        assert text.startswith("**" + ("Solution" if lang == "en" else "Lösung") + f" {exercise_id}")
        assert any(_leaks(text, s) for s in secrets), f"{exercise_id}: solution not shown in {text!r}"
        assert "{" not in text.replace("{{", "")  # every placeholder was filled


@pytest.mark.parametrize("exercise_id", IDS)
def test_task_states_inputs_format_and_how_to_check(exercise_id):
    for lang in ("en", "de"):
        text = E.show(exercise_id, lang=lang).markdown
        assert exercise_id in text and "show_solution" in text and "exercises.check" in text
        assert "{" not in re.sub(r"`[^`]*`", "", text), text  # no unfilled placeholder outside code
        assert str(E.task(exercise_id, lang)) == text


# --------------------------------------------------------------------------- empty and wrong answers


@pytest.mark.parametrize("exercise_id", IDS)
@pytest.mark.parametrize("empty", [None, ..., "", "   ", [], {}])
def test_empty_answer_says_what_is_expected(exercise_id, empty):
    fb = E.check(exercise_id, empty)
    assert fb.key == "empty" and not fb.correct
    assert "None" in fb.message and E.answer_format(E.get(exercise_id), "en") in fb.message
    assert "Noch keine Antwort" in E.check(exercise_id, empty, lang="de").message


@pytest.mark.parametrize("exercise_id", IDS)
def test_wrong_type_is_named(exercise_id):
    ex = E.get(exercise_id)
    wrong = {
        "number": [1.0, 2.0],
        "share": {"x": 1},
        "label": 3,
        "choice": 2,
        "ids": 12,
        "mapping": ["A", "B"],
        "fields": 3.5,
        "text": 3.5,
    }[ex.kind]
    fb = E.check(exercise_id, wrong)
    assert fb.key == "wrong_type" and not fb.correct
    assert "expects" in fb.message and E.answer_format(ex, "en") in fb.message
    assert "erwartet" in E.check(exercise_id, wrong, lang="de").message


def test_text_that_is_no_number_is_a_wrong_type():
    assert E.check("03.2", "about two hundred thousand").key == "wrong_type"
    assert E.check("03.2", True).key == "wrong_type"


def test_unknown_label_option_and_ids_are_named():
    fb = E.check("02.1", "CEO")
    assert fb.key == "unknown_label" and "CEO" in fb.message
    assert E.check("00.1", "e").key == "unknown_option"
    fb = E.check("01.2", ["K1", "K99"])
    assert fb.key == "unknown_ids" and "K99" in fb.message


# --------------------------------------------------------------------------- tolerance and answer shapes


def test_numeric_tolerance_is_half_a_percent_or_the_stated_absolute():
    sol = E.solution("03.2")
    assert E.check("03.2", sol * 1.0049).correct
    assert E.check("03.2", round(sol)).correct
    assert not E.check("03.2", sol * 1.006).correct
    assert E.check("03.2", sol * 1.02).key == "rounding"
    assert E.check("01.3", E.solution("01.3") + 0.02).correct  # absolute tolerance 0.02 > 0.5 % of 6.9
    assert not E.check("01.3", E.solution("01.3") + 0.05).correct


def test_percent_vs_fraction_is_diagnosed():
    sol = E.solution("02.2")
    assert E.check("02.2", f"{sol * 100:g} %").correct
    assert E.check("02.2", f"{sol:g}".replace(".", ","), lang="de").correct
    fb = E.check("02.2", sol * 100)
    assert fb.key == "percent_vs_fraction"
    grr_nrr = E.solution("04.1")
    assert E.check("04.1", {k: 100 * v for k, v in grr_nrr.items()}).key == "percent_vs_fraction"


def test_numbers_as_german_or_english_text():
    sol = E.solution("03.2")
    de = i18n.number(sol, "de", 2)
    en = i18n.number(sol, "en", 2)
    assert E.check("03.2", de, lang="de").correct
    assert E.check("03.2", en, lang="en").correct
    assert E.check("03.2", f"{sol:.0f} EUR").correct


def test_labels_are_case_insensitive_and_german_synonyms_count():
    sol = E.solution("01.4")
    assert E.check("01.4", sol.upper()).correct
    assert E.check("01.4", f"  the {sol} ").correct
    assert E.check("02.1", "Entscheider", lang="de").correct
    assert E.check("00.1", "(B)").correct and E.check("00.1", "Option b").correct


def test_dict_answers_accept_key_variants_and_order():
    sol = E.solution("03.1")
    roman = {"DB I": sol["db1"], "db_ii": sol["db2"], "DB3": sol["db3"], "db iv": sol["db4"]}
    assert E.check("03.1", roman).correct
    assert E.check("03.1", [sol[k] for k in ("db1", "db2", "db3", "db4")]).correct
    fb = E.check("03.1", {"db1": sol["db1"]})
    assert fb.key == "incomplete" and "DB IV" in fb.message  # the entry's label (exercises.field_labels)
    assert E.check("04.2", {"score": E.solution("04.2")["score"], "Ampel": "Gelb"}, lang="de").correct


def test_partly_right_dict_names_the_right_and_wrong_keys():
    sol = E.solution("03.1")
    fb = E.check("03.1", {**sol, "db4": sol["db4"] + 5_000})
    assert fb.key == "partly" and "DB IV" in fb.message.split("correct")[1]


def test_ids_and_mapping_shapes():
    sol = E.solution("01.2")
    assert E.check("01.2", " , ".join(s.lower() for s in sol)).correct
    assert E.check("01.2", set(sol)).correct
    assert E.check("01.2", sorted(sol)[:-1]).key == "wrong"
    abc = E.solution("00.2")
    by_class = {c: [k for k, v in abc.items() if v == c] for c in "ABC"}
    assert E.check("00.2", by_class).correct
    assert E.check("00.2", {k.lower(): v.lower() for k, v in abc.items()}).correct
    fb = E.check("00.2", {k: ("A" if v == "C" else v) for k, v in abc.items()})
    assert fb.key == "wrong" and re.search(r"\d of 8", fb.message)
    assert E.check("00.2", dict(list(abc.items())[:3])).key == "incomplete"


def test_mistakes_are_computed_from_the_inputs_not_constants():
    """Change an input: the solution and the mistake answers move with it, and still get their hint."""
    import dataclasses

    ex = E.get("03.2")
    changed = dataclasses.replace(ex, id="03.2", inputs={**ex.inputs, "m": 80_000})
    assert not math.isclose(changed.solution(), ex.solution())
    for m in ex.mistakes:
        assert not math.isclose(m.answer(dict(changed.inputs)), m.answer(dict(ex.inputs)))


def test_distinct_mistakes_stay_apart_from_the_solution_and_each_other():
    for i in IDS:
        ex = E.get(i)
        values = [E._normalise_internal(ex, m.answer(dict(ex.inputs))) for m in ex.mistakes]
        for v in values:
            assert not E._same(ex, v, ex.solution()), i
        for a in range(len(values)):
            for b in range(a + 1, len(values)):
                assert not E._same(ex, values[a], values[b]), (i, ex.mistakes[a].key, ex.mistakes[b].key)


# --------------------------------------------------------------------------- languages


def _pairs(ex):
    """Every text of the exercise: its catalogue section ``exercises.<id>`` and the labels of its dict entries."""
    for key, pair in i18n.table(f"exercises.{ex.id}").items():
        yield key.replace("_", " ", 1), pair
    for k in ex.fields:
        yield f"field {k}", E._FIELD_LABELS[k]


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_text_the_exercise_reads_is_in_its_catalogue_section(exercise_id):
    """The section holds exactly the texts the exercise reads: none missing, none left over."""
    ex = E.get(exercise_id)
    section = set(i18n.table(f"exercises.{exercise_id}"))
    assert section == ex.text_keys()
    assert {"title", "prompt", "hint", "explanation"} <= section
    assert {f"mistake_{m.key}" for m in ex.mistakes} <= section
    assert {f"option_{o}" for o in ex.options} <= section


def test_a_catalogue_section_that_does_not_fit_its_exercise_is_refused(monkeypatch):
    """Registering an exercise whose catalogue section lacks a mistake text fails at import, not in a lesson."""
    import dataclasses

    ex = E.get("03.2")
    monkeypatch.setattr(E, "_EXERCISES", {})  # an empty register, restored after the test
    extra = dataclasses.replace(ex, mistakes=(*ex.mistakes, E.Mistake("not_in_catalogue", lambda x: 1.0)))
    with pytest.raises(ValueError, match="lacks \\['mistake_not_in_catalogue'\\]"):
        E._register(extra)


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_text_exists_in_english_and_german(exercise_id):
    ex = E.get(exercise_id)
    for what, pair in _pairs(ex):
        assert isinstance(pair, tuple) and len(pair) == 2, f"{exercise_id} {what}: not an (en, de) pair"
        en, de = pair
        assert en.strip() and de.strip(), f"{exercise_id} {what}: a language is missing"
        if what.split()[0] in ("prompt", "hint", "explanation", "mistake"):
            assert en != de, f"{exercise_id} {what}: the German text is a copy of the English one"


def test_general_messages_exist_in_both_languages():
    for table in (E._TEXTS, E._FORMATS, E.LEVELS):
        for key, (en, de) in table.items():
            assert en.strip() and de.strip(), key
    for key in ("empty", "wrong_type", "percent_vs_fraction", "rounding", "incomplete", "partly"):
        en, de = E._TEXTS[key]
        assert en != de, key


def test_a_missing_language_would_fail(monkeypatch):
    """The language test above really fails on a half-translated exercise."""
    monkeypatch.setitem(i18n.table("exercises.03.2"), "mistake_no_minus_r", ("only English", ""))
    with pytest.raises(AssertionError, match="language is missing"):
        test_every_text_exists_in_english_and_german("03.2")


def test_feedback_renders_in_notebooks():
    fb = E.check("03.2", 1.0, lang="de")
    assert fb._repr_markdown_().startswith("❌ **Übung 03.2: Noch nicht.**")
    assert E.check("03.2", None)._repr_markdown_().startswith("✏️ **Exercise 03.2: Not yet.**")
    assert str(fb).startswith("Übung 03.2: Noch nicht.")
    ok = E.check("03.2", E.solution("03.2"))
    assert ok._repr_markdown_().startswith("✅") and repr(ok) == "Exercise 03.2: Correct."


def test_overview_lists_all_exercises():
    table = E.overview("de")
    assert list(table.index) == IDS == sorted(IDS)
    assert set(table["level"]) == {"Wissen", "Anwenden", "Analysieren", "Bewerten", "Gestalten"}
