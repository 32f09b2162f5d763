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
        yield f"mistake {m.key}", E.check(exercise_id, sorted(answer) if isinstance(answer, set) else answer, "de").message


@pytest.mark.parametrize("exercise_id", E.ids())
def test_german_exercise_texts_avoid_the_stumbling_words(exercise_id):
    texts = list(_rendered(exercise_id))
    texts += [(k, de) for k, de in _german_texts() if k.startswith(f"exercises.{exercise_id}:")]
    for where, text in texts:
        prose = re.sub(r"`[^`]*`|\{\w+\}", "", text)  # code (answer keys, option codes) and placeholders may stay English
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
