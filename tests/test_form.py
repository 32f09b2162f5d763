"""The answer form (kamlib.teaching.form): built from the real exercises' form fields, driven the way a trainee
does it (type, tick, choose, click), read back from the feedback area; batch runs show only the task."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kamlib.teaching import exercises, form, progress


@pytest.fixture()
def live(monkeypatch, tmp_path: Path) -> Path:
    """A person is looking (as under JupyterLab); progress goes to a file of this test."""
    monkeypatch.setenv("KAM_WORKSHOP_LIVE", "1")
    f = tmp_path / "progress.json"
    monkeypatch.setenv("KAM_PROGRESS_FILE", str(f))
    return f


def _events(f: Path) -> list[tuple]:
    return [(e["id"], e["event"], e["correct"], e["key"]) for e in json.loads(f.read_text(encoding="utf-8"))["events"]]


def test_batch_shows_exactly_the_task_of_exercises_show(monkeypatch):
    monkeypatch.setenv("KAM_WORKSHOP_LIVE", "0")
    for lang in ("en", "de"):
        shown = form.ask("03.2", lang)
        assert shown == exercises.show("03.2", lang)  # same Markdown, so stored notebook outputs do not change
        assert shown._repr_markdown_() == exercises.show("03.2", lang)._repr_markdown_()


def test_batch_is_the_default_without_a_jupyter_server(monkeypatch):
    for var in ("KAM_WORKSHOP_LIVE", "JPY_SESSION_NAME", "SERVER_SOFTWARE"):
        monkeypatch.delenv(var, raising=False)
    assert not form.live_frontend()
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/anna/01_account_selection.ipynb")  # set by Jupyter Server
    assert form.live_frontend()
    assert isinstance(form.ask("03.2", "de"), form.Form)


def test_buttons_speak_the_trainees_language(live):
    de, en = form.ask("03.2", "de"), form.ask("03.2", "en")
    assert [b.description for b in (de.check_button, de.hint_button, de.solution_button)] == [
        "Prüfen", "Tipp", "Lösung zeigen"]
    assert [b.description for b in (en.check_button, en.hint_button, en.solution_button)] == [
        "Check", "Hint", "Show solution"]


def test_a_german_number_is_checked_and_the_mistake_named(live):
    f = form.ask("03.2", "de")
    box = f.inputs[None]
    assert type(box).__name__ == "Text" and box.placeholder.startswith("eine Zahl, z. B. 1.234,5")
    # CLV = m·r/(1+d−r) = 50.000 · 0,85 / 0,23 = 184.782,61; the typical mistake r/(1+d): 42.500/1,08 = 39.351,85
    box.value = "39.351,85"
    f.check_button.click()
    assert "Noch nicht" in f.feedback.value and "r/(1+d) statt r/(1+d−r)" in f.feedback.value
    assert 'class="kam-mark kam-wrong">✘' in f.feedback.value
    box.value = "184.782,61"
    f.check_button.click()
    assert 'class="kam-mark kam-ok">✔' in f.feedback.value and "Richtig" in f.feedback.value
    assert _events(live) == [("03.2", "check", False, "no_minus_r"), ("03.2", "check", True, "correct")]


def test_an_empty_form_asks_for_an_answer_and_counts_no_attempt(live):
    f = form.ask("03.2", "de")
    f.check_button.click()
    assert "Bitte zuerst Ihre Antwort eingeben" in f.feedback.value
    assert not live.exists()  # no event recorded


def test_what_the_trainee_types_is_shown_as_text_never_as_markup(live):
    f = form.ask("03.2", "de")
    f.inputs[None].value = "<b>x</b><img src=x onerror=alert(1)>"
    f.check_button.click()
    assert "<img" not in f.feedback.value and "<b>x" not in f.feedback.value
    assert "&lt;b&gt;x&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt;" in f.feedback.value


def test_hint_and_solution_buttons_show_their_text_and_are_recorded(live):
    f = form.ask("03.2", "de")
    f.hint_button.click()
    assert "Tipp 03.2" in f.feedback.value and "Nenner" in f.feedback.value
    f.solution_button.click()
    assert "Lösung 03.2" in f.feedback.value and "184.783" in f.feedback.value
    assert [e[1] for e in _events(live)] == ["hint", "solution"]
    assert progress.summary("de", live).loc["03.2"].tolist() == [0, False, 1, True]


def test_a_choice_shows_every_option_in_full(live):
    f = form.ask("01.1", "de")
    radio = f.inputs[None]
    assert type(radio).__name__ == "RadioButtons" and radio.value is None
    (field,) = exercises.form_fields("01.1", "de")
    assert list(radio.options) == [(shown, value) for value, shown in field.options]  # the whole text, not cut
    assert radio.layout.width == "100%" and "white-space:normal" in form._CSS
    wrong = next(v for v, _ in field.options if v != exercises.solution("01.1"))
    radio.value = wrong
    f.check_button.click()
    assert "Noch nicht" in f.feedback.value
    radio.value = exercises.solution("01.1")
    f.check_button.click()
    assert "Richtig" in f.feedback.value


def test_ids_are_ticked_in_check_boxes(live):
    f = form.ask("01.2", "de")
    boxes = f.inputs[None]
    assert sorted(boxes) == ["K1", "K2", "K3", "K4", "K5", "K6"]
    # the solution is K1, K3, K5 (each meets at least two thresholds); ticking K1 and K3: one missing, none extra
    boxes["K1"].value = boxes["K3"].value = True
    f.check_button.click()
    assert "in Ihrer Antwort fehlen: 1; Kunden, die nicht hineingehören: 0" in f.feedback.value
    boxes["K5"].value = True
    f.check_button.click()
    assert "Richtig" in f.feedback.value


def test_a_mapping_has_one_drop_down_per_id(live):
    f = form.ask("00.2", "en")
    solution = exercises.solution("00.2")
    assert sorted(f.inputs) == sorted(solution)  # K1 ... K8
    assert all(type(d).__name__ == "Dropdown" and d.value is None for d in f.inputs.values())
    for k, cls in solution.items():
        f.inputs[k].value = cls
    f.inputs["K8"].value = None  # one row left open
    f.check_button.click()
    assert "K8" in f.feedback.value and "Not yet" in f.feedback.value
    f.inputs["K8"].value = solution["K8"]
    f.check_button.click()
    assert "Correct" in f.feedback.value


def test_a_dict_answer_takes_a_number_and_a_label(live):
    f = form.ask("04.2", "de")
    assert sorted(k for k in f.inputs) == ["band", "score"]
    band = f.inputs["band"]
    assert ("gelb", "amber") in list(band.options)  # the band's German word, not the code
    f.inputs["score"].value = "75"  # hand-worked in test_exercises: weighted score 75, amber band
    band.value = "amber"
    f.check_button.click()
    assert "Richtig" in f.feedback.value


def test_free_text_gets_a_text_area(live):
    text_tasks = [i for i in exercises.ids() if exercises.get(i).kind == "text"]
    assert text_tasks, "no evaluate/create exercise of kind 'text' yet"
    f = form.ask(text_tasks[0], "de")
    kinds = {field.key: field.kind for field in exercises.form_fields(text_tasks[0], "de")}
    areas = [k for k, kind in kinds.items() if kind == "text"]
    assert areas and all(type(f.inputs[k]).__name__ == "Textarea" for k in areas)
    f.check_button.click()
    assert "Bitte zuerst Ihre Antwort eingeben" in f.feedback.value


def _enter(f: form.Form, field, value) -> None:
    """Enter ``value`` (in the solution's shape) into the widget of ``field`` the way a German trainee types it."""
    box = f.inputs[field.key]
    if field.kind in ("number", "share"):
        box.value = f"{float(value):.6f}".replace(".", ",")  # German decimal comma, e.g. 184782,608696
    elif field.kind == "ids":
        for v in value:
            box[v].value = True
    else:  # choice, label, mapping row: the option's value; text: the text
        box.value = value


@pytest.mark.parametrize("exercise_id", exercises.ids())
def test_every_exercise_can_be_answered_right_in_the_form(live, exercise_id):
    """The solution entered through the widgets (numbers as German text) is checked as right: every kind of
    field has its input, and what the inputs hold becomes the answer the checker accepts."""
    f = form.ask(exercise_id, "de")
    fields = exercises.form_fields(exercise_id, "de")
    solution = exercises.solution(exercise_id)
    assert set(f.inputs) == {field.key for field in fields}
    for field in fields:
        _enter(f, field, solution if field.key is None else solution[field.key])
    fb = f.check()
    assert fb is not None and fb.correct, (exercise_id, fb)
    assert "Noch nicht" not in f.feedback.value
