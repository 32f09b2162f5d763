"""The answer form: a trainee answers an exercise in a form (numbers, choices, text), not as a Python literal.

``form.ask("01.2", lang="de")`` shows the task (the same Markdown as :func:`kamlib.teaching.exercises.show`)
and, when a person is looking (JupyterLab, Voilà), a form built from :func:`exercises.form_fields` below it:

* number and share: a text box that takes the language's number text (German ``1.234,5`` or ``25 %``);
* choice and label: radio buttons with the full option texts; several ids: one check box per id; a mapping:
  one drop-down per id; free text: a text area;
* buttons "Check"/"Prüfen", "Hint"/"Tipp" and "Show solution"/"Lösung zeigen"; the feedback appears below in
  the exercise's language, rendered from Markdown with every HTML character escaped.

The buttons call :func:`exercises.check`, :func:`exercises.hint` and :func:`exercises.show_solution`, which
record the trainee's progress (:mod:`kamlib.teaching.progress`). In a batch run (papermill, nbclient, nbval)
``ask`` returns just the task, so the notebook's stored output is exactly that of ``exercises.show``.
"""

from __future__ import annotations

import functools
import html
from typing import Any

from kamlib import i18n
from kamlib.present.frontend import live_frontend
from kamlib.teaching import exercises

_LABELS: dict[str, tuple[str, str]] = i18n.table("form.form")

#: Lets long option texts wrap instead of being cut (JupyterLab's widget labels do not wrap by default).
_CSS = (
    "<style>.kam-form .widget-radio-box label,.kam-form .widget-checkbox label{display:flex;flex-direction:row;align-items:flex-start;"
    "gap:.45em;white-space:normal;overflow:visible;text-overflow:clip;height:auto;line-height:1.35;margin:.2em 0}"
    ".kam-form .widget-radio-box input,.kam-form .widget-checkbox input{flex:none;order:-1;margin:.2em 0 0 0}"
    ".kam-form .widget-label,.kam-form .widget-html-content{white-space:normal;overflow:visible;height:auto;"
    "line-height:1.35}.kam-form .widget-radio-box{height:auto;width:100%}.kam-feedback{margin-top:.4em}"
    ".kam-mark{font-weight:bold;margin-right:.3em}.kam-ok{color:#1e6b24}.kam-wrong{color:#b3261e}.kam-empty{color:#595959}"
    "</style>"
)


def _l(key: str, lang: str, **values: object) -> str:
    text = i18n.pick(_LABELS[key], lang)
    return text.format(**values) if values else text


@functools.cache
def _markdown():
    import mistune

    return mistune.create_markdown(escape=True, plugins=["table"])


def to_html(markdown: str) -> str:
    """Markdown of the checker (feedback, hint, solution) as HTML; any HTML in it is shown as text.

    Examples
    --------
    >>> to_html("**Richtig!** <b>x</b> `r/(1+d)`")
    '<p><strong>Richtig!</strong> &lt;b&gt;x&lt;/b&gt; <code>r/(1+d)</code></p>'
    """
    return str(_markdown()(markdown)).strip()


#: The checker's marks (emoji, which some browsers lack a font for) as plain symbols every system font has.
_MARKS = (("✅", "✔", "ok"), ("❌", "✘", "wrong"), ("✏️", "✎", "empty"))


def feedback_html(markdown: str) -> str:
    """The checker's verdict (``Feedback`` Markdown) as HTML: its leading mark as a coloured symbol, the text
    escaped (:func:`to_html`).

    Examples
    --------
    >>> feedback_html("✅ **Übung 01.3: Richtig.**")
    '<p><span class="kam-mark kam-ok">✔</span><strong>Übung 01.3: Richtig.</strong></p>'
    """
    for emoji, symbol, kind in _MARKS:
        if markdown.startswith(emoji):
            body = to_html(markdown[len(emoji) :].lstrip())
            mark = f'<span class="kam-mark kam-{kind}">{symbol}</span>'
            return body.replace("<p>", f"<p>{mark}", 1) if body.startswith("<p>") else mark + body
    return to_html(markdown)


class Form:
    """The form of one exercise: ``inputs`` (field key -> input widget), the buttons ``check_button``,
    ``hint_button``, ``solution_button``, the ``feedback`` area (an HTML widget) and ``widget`` (all of it)."""

    def __init__(self, exercise_id: str, lang: str = "en"):
        import ipywidgets as w

        self.exercise_id, self.lang = str(exercise_id), i18n.check_lang(lang)
        self.fields = exercises.form_fields(self.exercise_id, self.lang)
        self.inputs: dict[str | None, Any] = {}
        rows = [w.HTML(_CSS)]
        for field in self.fields:
            rows.append(self._field_row(field, w))
        self.check_button = w.Button(description=_l("check", self.lang), button_style="primary", icon="check")
        self.hint_button = w.Button(description=_l("hint", self.lang), icon="lightbulb-o")
        self.solution_button = w.Button(description=_l("solution", self.lang), icon="eye")
        for b in (self.check_button, self.hint_button, self.solution_button):
            b.layout = w.Layout(width="auto", min_width="8em")
        self.check_button.on_click(lambda _b: self.check())
        self.hint_button.on_click(lambda _b: self.hint())
        self.solution_button.on_click(lambda _b: self.show_solution())
        self.feedback = w.HTML(value="")
        self.feedback.add_class("kam-feedback")
        rows += [w.HBox([self.check_button, self.hint_button, self.solution_button]), self.feedback]
        self.widget = w.VBox(rows, layout=w.Layout(width="100%", max_width="60em"))
        self.widget.add_class("kam-form")

    def _field_row(self, field, w):
        """One input widget per field (kept in ``self.inputs``) with its label above or beside it."""
        label = w.HTML(html.escape(field.label))
        full = w.Layout(width="100%")
        options = [(shown, value) for value, shown in field.options]
        if field.kind in ("number", "share"):
            box = w.Text(
                value="", placeholder=_l(f"{field.kind}_placeholder", self.lang), layout=w.Layout(width="20em")
            )
        elif field.kind in ("choice", "label"):
            box = w.RadioButtons(options=options, value=None, layout=full)
        elif field.kind == "ids":
            checks = {
                value: w.Checkbox(value=False, description=shown, indent=False, layout=full) for shown, value in options
            }
            self.inputs[field.key] = checks
            return w.VBox([label, *checks.values()], layout=full)
        elif field.kind in ("mapping-row", "mapping"):
            box = w.Dropdown(options=[(_l("choose", self.lang), None), *options], value=None)
            self.inputs[field.key] = box
            label.layout = w.Layout(width="40%", min_width="12em")
            return w.HBox([label, box], layout=full)
        elif field.kind == "text":
            box = w.Textarea(value="", placeholder=_l("text_placeholder", self.lang), rows=4, layout=full)
        else:
            raise ValueError(f"exercise {self.exercise_id}: no form input for a field of kind {field.kind!r}")
        self.inputs[field.key] = box
        return w.VBox([label, box], layout=full)

    def values(self) -> dict[str | None, object]:
        """What the trainee entered, per field key: text as typed, the chosen value (None: nothing chosen),
        the list of ticked ids."""
        out: dict[str | None, object] = {}
        for key, box in self.inputs.items():
            if isinstance(box, dict):
                out[key] = [value for value, check in box.items() if check.value]
            else:
                out[key] = box.value
        return out

    def check(self):
        """Check the entered answer (as the "Check" button does) and show the feedback; returns it."""
        try:
            answer = exercises.from_form(self.exercise_id, self.values())
        except (TypeError, ValueError) as err:
            self.feedback.value = to_html(_l("unreadable", self.lang, error=err))
            return None
        if answer is None:  # nothing entered: no attempt, a reminder in the form's words
            self.feedback.value = feedback_html("✏️ " + _l("empty", self.lang))
            return None
        fb = exercises.check(self.exercise_id, answer, self.lang)
        self.feedback.value = feedback_html(fb._repr_markdown_())
        return fb

    def hint(self):
        text = exercises.hint(self.exercise_id, self.lang)
        self.feedback.value = to_html(str(text))
        return text

    def show_solution(self):
        text = exercises.show_solution(self.exercise_id, self.lang)
        self.feedback.value = to_html(str(text))
        return text

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(exercises.show(self.exercise_id, self.lang))
        display(self.widget)


def ask(exercise_id: str, lang: str = "en"):
    """The task of exercise ``exercise_id`` in ``lang`` with a form to answer it when a person is looking
    (a :class:`Form`, displayed as task + form); in a batch run the task alone (``exercises.show``)."""
    lang = i18n.check_lang(lang)
    if not live_frontend():
        return exercises.show(exercise_id, lang)
    return Form(exercise_id, lang)
