"""Issue 17: the German of the exercises is the German a Mittelstand KAM speaks. Checked on every German text of
the catalogue section and on the rendered German tasks, hints, solutions and feedback."""

from __future__ import annotations

import re

import pytest

from kamlib import i18n
from kamlib.teaching import exercises as E

#: Words a German KAM would stumble over, and what to say instead.
AVOID = {
    r"\bGegner\w*": "Kritiker (a critic in the buying center)",
    r"\bWareneinsatz\b": "Materialeinsatz / Herstellkosten (Rheinwerk manufactures)",
    r"\bPlan gegen Ist\b": "Plan-Ist-Vergleich",
    r"\bStraffen\b": "a quadrant label of the catalogue",
    r"\bJahr bis heute\b": "seit Jahresbeginn",
    r"\bEinseitige Zusammenfassung\b": "Zusammenfassung auf einer Seite",
    r"\b(red|amber|green)\b": "rot / gelb / grün",
    r"\b(strategic|streamline)\b": "Strategisch / Streamline (the quadrant labels)",
    r"\b(attractiveness|strength|neither)\b": "Attraktivität / Stärke / keine",
}


def _german_texts():
    for name, table in i18n.tables().items():
        if name.startswith("exercises."):
            for key, (_en, de) in table.items():
                yield f"{name}:{key}", de


def _rendered(exercise_id):
    ex = E.get(exercise_id)
    yield "task", E.task(exercise_id, "de").markdown
    yield "hint", E.hint(exercise_id, "de").markdown
    yield "solution", E.show_solution(exercise_id, "de").markdown
    for m in ex.mistakes:
        answer = m.answer(dict(ex.inputs))
        yield (
            f"mistake {m.key}",
            E.check(exercise_id, sorted(answer) if isinstance(answer, set) else answer, "de").message,
        )


@pytest.mark.parametrize("exercise_id", E.ids())
def test_german_exercise_texts_avoid_the_stumbling_words(exercise_id):
    texts = list(_rendered(exercise_id))
    texts += [(k, de) for k, de in _german_texts() if k.startswith(f"exercises.{exercise_id}:")]
    for where, text in texts:
        prose = re.sub(
            r"`[^`]*`|\{\w+\}", "", text
        )  # code (answer keys, option codes) and placeholders may stay English
        for pattern, instead in AVOID.items():
            found = re.search(pattern, prose)
            assert not found, f"{exercise_id} {where}: '{found.group(0)}' in German; say {instead}: {text!r}"


def test_a_qbr_is_a_quartalsgespraech_never_the_jahresgespraech():
    """Where a German text speaks of a QBR, it calls it Quartalsgespräch (QBR); the Jahresgespräch is the annual
    executive review (04.3) and never a QBR."""
    sections: dict[str, list[str]] = {}
    for where, de in _german_texts():
        sections.setdefault(where.split(":")[0], []).append(de)
    qbr = [name for name, texts in sections.items() if any("QBR" in t for t in texts)]
    assert qbr, "no exercise speaks of the QBR"
    for name in qbr:
        joined = " ".join(sections[name])
        assert "Quartalsgespräch (QBR)" in joined, name
        assert "Jahresgespräch" not in " ".join(t for t in sections[name] if "QBR" in t), name
    annual = " ".join(sections["exercises.04.3"])
    assert "Jahresgespräch" in annual and "QBR" not in annual


def test_the_rule_would_catch_gegner(monkeypatch):
    monkeypatch.setitem(i18n.table("exercises.00.5"), "hint", ("x", "Wer ist der Gegner?"))
    with pytest.raises(AssertionError, match="Gegner"):
        test_german_exercise_texts_avoid_the_stumbling_words("00.5")


def test_contribution_margin_is_deckungsbeitrag_in_german():
    texts = " ".join(de for _, de in _german_texts())
    assert "Deckungsbeitrag" in texts
    assert not re.search(r"\bBeitragsmarge\b|\bKontributionsmarge\b", texts)


# --------------------------------------------------------------------------- no English in German (review M5)

#: English words that leaked into German exercises before: the 02.3 grid's product lines and plants, and Python words
#: of the answer-format line. Code in backticks may stay.
ENGLISH = ("Drives", "Sensors", "Controls", "Plant", "dict", "list", "None", "keys", "Dictionary")
#: Codes that are German words too ("die definitive Liste").
SAME_IN_GERMAN = {"definitive"}


def _codes(exercise_id: str) -> set[str]:
    """The canonical English codes an exercise works with (entries of a dict answer, label answers, options of a
    text task, table rows), except those whose German label is the same word (Initiator, Gatekeeper, Score)."""
    ex = E.get(exercise_id)
    shown = {**i18n.table("exercises.label_shown"), **i18n.table("review.labels"), **i18n.CRITERION_LABELS}
    shown.update(i18n.table("exercises.field_labels"))
    codes = set(ex.fields) | set(ex.text_fields) | set(ex.labels) | set(ex.classes)
    codes |= {o for f in ex.text_fields.values() for o in f.options}
    components = ex.inputs.get("components")
    codes |= set(components) if isinstance(components, dict) else set()
    codes |= set(i18n.table("exercises.label_shown"))
    return {
        c
        for c in codes
        if re.fullmatch(r"[a-z][a-z_0-9]+", c)  # codes, not the ids (K1, Q2) or names (Dr. Heike Brandt) of a task
        and c not in SAME_IN_GERMAN
        and c.lower() != i18n.pick(shown.get(c, (c, "")), "de").lower()
    }


def _everything_german(exercise_id):
    """Every text a German trainee or trainer sees of this exercise: task (on screen and on paper), hint, solution,
    the feedback on each typical mistake and the general feedbacks (empty, wrong type, unknown label, partly
    right, incomplete, extra keys)."""
    ex = E.get(exercise_id)
    yield from _rendered(exercise_id)
    yield "paper", E.task(exercise_id, "de", paper=True).markdown
    yield "empty", E.check(exercise_id, None, "de").message
    yield "wrong_type", E.check(exercise_id, object(), "de").message
    sol = E.solution(exercise_id)
    if ex.kind == "label":
        yield "unknown_label", E.check(exercise_id, "Quatsch", "de").message
    if ex.kind == "fields":
        first = next(iter(ex.fields))
        yield "incomplete", E.check(exercise_id, {first: sol[first]}, "de").message
        yield "extra_keys", E.check(exercise_id, {**sol, "xyz": 1}, "de").message
        wrong = {k: ("Quatsch" if s.kind == "label" else -12345.0) for k, s in ex.fields.items()}
        yield "partly", E.check(exercise_id, {**wrong, first: sol[first]}, "de").message
        for k, s in ex.fields.items():
            if s.kind == "label":
                yield "unknown_label", E.check(exercise_id, {**sol, k: "Quatsch"}, "de").message
    if ex.kind == "text":
        first = next(iter(ex.text_fields))
        yield "incomplete", E.check(exercise_id, {first: "x"}, "de").message
        for k, f in ex.text_fields.items():
            if f.kind in ("choice", "ids"):
                yield "unknown_value", E.check(exercise_id, {**E.solution(exercise_id), k: "Quatsch"}, "de").message
    for f in E.form_fields(exercise_id, "de"):
        yield "form", " ".join([f.label, *(shown for _, shown in f.options)])


@pytest.mark.parametrize("exercise_id", E.ids())
def test_german_exercise_shows_no_english_codes(exercise_id):
    """Rendered in German, no text outside backticks (code) contains one of the exercise's English codes
    (:func:`_codes`: entry keys such as volume, growth_vs_plan, critic; label codes such as buyer, amber; option
    codes such as price_increase), a word of ``ENGLISH``, or a number with a decimal point (0.35 instead of
    0,35). It fails when a text shows a raw key instead of its catalogue label, e.g. "volume stimmt"."""
    words = sorted(_codes(exercise_id) | set(ENGLISH), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])")
    for where, text in _everything_german(exercise_id):
        prose = re.sub(r"`[^`]*`|\b\d\d\.\d\b", "", text)  # code, and exercise ids (03.2) may stay
        found = pattern.search(prose)
        assert not found, f"{exercise_id} {where}: English '{found.group(0)}' in German: {text!r}"
        point = re.search(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])", prose)
        assert not point, f"{exercise_id} {where}: decimal point '{point.group(0)}' in German: {text!r}"


def test_the_no_english_rule_would_catch_a_raw_key(monkeypatch):
    monkeypatch.setitem(i18n.table("exercises.04.4"), "hint", ("x", "Probe: volume plus price."))
    with pytest.raises(AssertionError, match="volume|price"):
        test_german_exercise_shows_no_english_codes("04.4")
