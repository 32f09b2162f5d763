"""Exercises for trainees: small fixed tasks per step notebook, a checker that diagnoses typical mistakes.

Every exercise works on small inputs stated in its own task text, so it runs offline and always gives the
same result. The checker compares an answer with the solution and, when it is wrong, with what each
*typical mistake* would produce (computed from the same inputs, not hard-coded), and names the mistake.
It never shows the solution; :func:`show_solution` does, on request.

* :func:`show` (alias :func:`task`) -- the task with its inputs and the expected answer format;
* :func:`check` -- a :class:`Feedback` (``correct``, ``key`` of the diagnosis, ``message``);
* :func:`show_solution` -- the solution with the worked steps;
* :func:`hint` -- the exercise's hint;
* :func:`form_fields` / :func:`from_form` -- the inputs of an answer form and the answer they make
  (kamlib.teaching.form builds the widgets);
* :func:`overview` -- all exercises as a table.

Levels run from recall through apply and analyse to evaluate and create. Evaluate and create tasks (kind
``text``) have no single right answer: the checker applies what a computer can (counts, allowed values,
consistency with a rule, every entry filled, a figure in a goal) and then returns ``key="rubric"`` with the
points the trainer judges (:attr:`Feedback.rubric`). :func:`check`, :func:`hint` and :func:`show_solution`
record an event in the trainee's progress file (:mod:`kamlib.teaching.progress`).

Every text an exercise shows (title, task, options, hint, worked explanation, one text per typical mistake) is
in the catalogue ``kamlib/i18n/catalogue/exercises.toml``, one section per exercise (``["03.2"]``), in English and
German. What each exercise is (level, kind, inputs, answer entries, tolerances, its typical mistakes in order) is in
the data file ``kamlib/teaching/exercises.toml``, one table per exercise. This module holds what each computes, its
:class:`Logic` registered by id (solution, the typical mistakes' answers, worked steps, the tables of its task), and
the checker; it reads the texts by key (:meth:`Exercise.text`). An entry of the data file without its logic, logic
without its entry, or a catalogue section that lacks a text or has one the exercise does not read, fails at import.

Tolerance: a number counts as correct when it lies within 0.5 % of the solution or within the exercise's
absolute tolerance (stated in the task), whichever is larger. Shares may be given as fractions (0.25) or as
text with a percent sign ("25 %"); German number text ("1.234,5") is understood with ``lang="de"``.

Examples
--------
>>> check("03.2", None).key
'empty'
>>> fb = check("03.2", 50_000 * 0.85 / 1.08)   # r/(1+d) instead of r/(1+d-r)
>>> fb.correct, fb.key
(False, 'no_minus_r')
>>> check("01.4", "STAR").correct
True
>>> check("00.4", [0.45]).key
'wrong_type'
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kamlib import i18n, selection
from kamlib.clv import contractual_clv
from kamlib.data.datafile import DataFile, Entry
from kamlib.data.schemas import PLAN_SECTIONS
from kamlib.i18n import pick
from kamlib.profile import win_probability
from kamlib.review import band as health_band
from kamlib.teaching import progress

Pair = tuple[str, str]  # (English, German)

LEVELS: dict[str, tuple[str, str]] = i18n.table("exercises.levels")
REL_TOL = 0.005  # 0.5 % of the solution
NEAR_MISS = 0.03  # within 3 % but outside the tolerance: "rounded too early"

_TEXTS: dict[str, tuple[str, str]] = i18n.table("exercises.texts")

_FORMATS: dict[str, tuple[str, str]] = i18n.table("exercises.formats")

#: Column headers of the tables in the tasks, and the names of the entries of a dict answer.
_COLUMNS: dict[str, tuple[str, str]] = i18n.table("exercises.columns")
_FIELD_LABELS: dict[str, tuple[str, str]] = i18n.table("exercises.field_labels")
#: How the answer form shows the canonical labels of label answers (bands, quadrants, roles, axes).
_LABEL_SHOWN: dict[str, tuple[str, str]] = i18n.table("exercises.label_shown")


def _t(key: str, lang: str, **values: object) -> str:
    text = pick(_TEXTS[key], lang)
    return text.format(**values) if values else text


def _col(key: str, lang: str) -> str:
    return pick(_COLUMNS[key], lang)


# =========================================================================== data structures


@dataclass(frozen=True)
class Mistake:
    """A typical wrong approach: ``answer(inputs)`` is what a trainee making it would answer. What the checker
    then says is the exercise's catalogue text ``mistake_<key>``.

    Text tasks (kind ``text``) have no single right answer: there ``answer`` is an example answer showing the
    mistake and ``detect(given, inputs)`` tells whether a (parsed) answer makes it."""

    key: str
    answer: Callable[[dict], Any]
    detect: Callable[[dict, dict], bool] | None = None


@dataclass(frozen=True)
class TextField:
    """One named entry of a text task's answer: free ``text``, one ``choice`` of ``options``, several of them
    (``ids``) or a ``number``. Its label is the catalogue text ``field_<key>``; a free text's model answer is
    ``model_<key>``; with ``translated`` the options are shown by their catalogue texts ``option_<value>``."""

    kind: str  # text, choice, ids, number
    options: tuple[str, ...] = ()
    translated: bool = False
    tolerance: float = 0.0
    label_table: str = ""  # options shown by the texts of this catalogue table instead (e.g. criterion labels)


@dataclass(frozen=True)
class FormField:
    """One input of the answer form (kamlib.teaching.form builds a widget per field). ``key`` is None for a
    single-value answer, else the dict key (the id of a mapping row, a field, a text task's entry)."""

    key: str | None
    kind: str  # number | share | choice | label | text | ids | mapping-row
    label: str
    options: tuple[tuple[str, str], ...] = ()  # (value, shown label)


@dataclass(frozen=True)
class FieldSpec:
    """One entry of a dict answer: its kind (number, share, label) and the names accepted for it. Its name in
    the solution text is the catalogue's ``exercises.field_labels`` entry of its key."""

    kind: str
    aliases: tuple[str, ...] = ()
    tolerance: float = 0.0
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Exercise:
    """One exercise: its inputs and logic. Its texts are the catalogue section ``exercises.<id>``: ``title``,
    ``prompt``, ``hint``, ``explanation``, ``option_<letter>`` (choice) and ``mistake_<key>`` per typical mistake;
    they are (English, German) templates filled with the formatted ``inputs`` (and for the explanation also with
    ``steps(inputs)``)."""

    id: str
    level: str
    kind: str  # number, share, label, choice, ids, mapping, fields, text
    inputs: Mapping[str, Any]
    solve: Callable[[dict], Any]
    mistakes: tuple[Mistake, ...]
    steps: Callable[[dict], dict] = lambda x: {}
    tolerance: float = 0.0
    decimals: int = 2
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # label: canonical -> synonyms
    options: tuple[str, ...] = ()  # choice: the letters (texts: option_<letter>)
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    ids: tuple[str, ...] = ()  # ids / mapping: the ids of the task
    classes: tuple[str, ...] = ()  # mapping: allowed classes
    tables: Callable[[dict, str], dict] = lambda x, lang: {}
    text_fields: Mapping[str, TextField] = field(default_factory=dict)  # text: the named entries of the answer
    rubric: int = 0  # text: the number of rubric points the trainer judges (texts rubric_1 ... rubric_<n>)
    extra_texts: tuple[str, ...] = ()  # further catalogue texts the task's tables read

    @property
    def notebook(self) -> str:
        return self.id.split(".")[0]

    def text(self, key: str) -> Pair:
        """The (English, German) text ``key`` of this exercise's catalogue section."""
        return i18n.table(f"exercises.{self.id}")[key]

    def text_keys(self) -> set[str]:
        """The keys this exercise reads from its catalogue section."""
        return {
            "title",
            "prompt",
            "hint",
            "explanation",
            *(f"option_{o}" for o in self.options),
            *(f"mistake_{m.key}" for m in self.mistakes),
            *(f"rubric_{n}" for n in range(1, self.rubric + 1)),
            *(f"field_{k}" for k in self.text_fields),
            *(f"model_{k}" for k, f in self.text_fields.items() if f.kind == "text"),
            *(
                f"option_{o}"
                for f in self.text_fields.values()
                if f.translated and not f.label_table
                for o in f.options
            ),
            *self.extra_texts,
        }

    def solution(self) -> Any:
        return _normalise_internal(self, self.solve(dict(self.inputs)))

    def values(self, lang: str) -> dict:
        """Inputs formatted for ``lang`` (numbers with the language's separators) plus the tables."""
        out: dict[str, object] = {}
        for k, v in self.inputs.items():
            out[k] = _fmt_number(v, lang) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
        out.update(self.tables(dict(self.inputs), lang))
        return out


@dataclass(frozen=True)
class Feedback:
    """The checker's verdict. ``key`` names the diagnosis: ``correct``, ``empty``, ``wrong_type``, a mistake key
    of the exercise, or a general one (``percent_vs_fraction``, ``rounding``, ``incomplete``, ``wrong``, ...)."""

    exercise_id: str
    correct: bool
    key: str
    message: str
    lang: str = "en"
    rubric: tuple[str, ...] = ()  # text tasks: the points the trainer still judges, in lang

    def __bool__(self) -> bool:
        return self.correct

    def _head(self) -> str:
        """'Correct.', 'Not yet.', or for a text task whose checks passed 'Checks passed.' (the trainer judges on)."""
        return _t("checked" if self.key == "rubric" else "correct" if self.correct else "not_yet", self.lang)

    def __str__(self) -> str:
        head = self._head()
        return f"{_t('exercise', self.lang)} {self.exercise_id}: {head} {self.message}".rstrip()

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        mark = "📝" if self.key == "rubric" else "✅" if self.correct else ("✏️" if self.key == "empty" else "❌")
        head = self._head()
        return f"{mark} **{_t('exercise', self.lang)} {self.exercise_id}: {head}** {self.message}".rstrip()


@dataclass(frozen=True)
class Text:
    """Markdown text that shows as rendered Markdown in Jupyter and as plain text elsewhere."""

    markdown: str

    def __str__(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.markdown

    def _repr_markdown_(self) -> str:
        return self.markdown


# =========================================================================== formatting and parsing


def _fmt_number(v: float, lang: str, decimals: int | None = None) -> str:
    """1,234.5 / 1.234,5; integers without decimals; otherwise up to 4 decimals without trailing zeros."""
    v = float(v)
    if decimals is None:
        if v == round(v):
            decimals = 0
        else:
            decimals = 4
            text = i18n.number(v, lang, decimals)
            dec = "," if lang == "de" else "."
            return text.rstrip("0").rstrip(dec)
    return i18n.number(v, lang, decimals)


class _WrongType(Exception):
    pass


_NUM = re.compile(r"^[+-]?[\d.,\s\u00a0']+$")


def _parse_number(value: Any, lang: str) -> float:
    """A number from int/float/numpy scalars or text ("0,25", "1.234,5", "25 %", "1,234.5")."""
    if isinstance(value, bool):
        raise _WrongType
    if isinstance(value, (int, float)):
        return float(value)
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:  # numpy scalar
        return _parse_number(value.item(), lang)
    if isinstance(value, str):
        text = value.strip().replace("€", "").replace("EUR", "").replace("eur", "").strip()
        percent = text.endswith("%")
        text = text.rstrip("%").strip()
        if not text or not _NUM.match(text):
            raise _WrongType
        text = text.replace("\u00a0", "").replace(" ", "").replace("'", "")
        sign = -1.0 if text.startswith("-") else 1.0
        text = text.lstrip("+-")
        if "," in text and "." in text:
            dec = "," if text.rfind(",") > text.rfind(".") else "."
        elif "," in text:
            # one comma followed by exactly three digits reads as a thousands separator in English text
            dec = "." if (lang == "en" and re.fullmatch(r"\d{1,3}(,\d{3})+", text)) else ","
        else:
            dec = "." if not (lang == "de" and re.fullmatch(r"\d{1,3}(\.\d{3})+", text)) else ","
        thousands = "." if dec == "," else ","
        text = text.replace(thousands, "").replace(dec, ".")
        try:
            number = sign * float(text)
        except ValueError:
            raise _WrongType from None
        return number / 100.0 if percent else number
    raise _WrongType


def _fold(text: str) -> str:
    text = str(text).strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^(the|a|an|der|die|das|ein|eine) ", "", text)


def _parse_label(value: Any, labels: Mapping[str, tuple[str, ...]]) -> str:
    if not isinstance(value, str):
        raise _WrongType
    folded = _fold(value)
    for canonical, synonyms in labels.items():
        if folded in {_fold(canonical), *(_fold(s) for s in synonyms)}:
            return canonical
    return "?" + value.strip()


def _parse_choice(value: Any, options: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise _WrongType
    text = _fold(value)
    text = re.sub(r"^(option|antwort) ", "", text)
    if text in options:
        return text
    return "?" + value.strip()


def _parse_ids(value: Any, ex: Exercise) -> frozenset[str]:
    if isinstance(value, str):
        items = [s for s in re.split(r"[,;\s]+", value) if s]
    elif isinstance(value, (list, tuple, set, frozenset, pd.Index, pd.Series)):
        items = list(value)
    else:
        raise _WrongType
    if not all(isinstance(i, str) for i in items):
        raise _WrongType
    by_fold = {i.upper(): i for i in ex.ids}
    return frozenset(by_fold.get(i.strip().upper(), "?" + i.strip()) for i in items)


def _parse_mapping(value: Any, ex: Exercise) -> dict[str, str]:
    if isinstance(value, pd.Series):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        raise _WrongType
    by_fold = {i.upper(): i for i in ex.ids}
    classes = {c.upper(): c for c in ex.classes}
    out: dict[str, str] = {}
    keys = [str(k).strip().upper() for k in value]
    if keys and all(k in classes for k in keys):  # class -> ids
        for cls, members in value.items():
            if isinstance(members, str):
                members = [m for m in re.split(r"[,;\s]+", members) if m]
            if not isinstance(members, (list, tuple, set, frozenset)):
                raise _WrongType
            for m in members:
                out[by_fold.get(str(m).strip().upper(), "?" + str(m))] = classes[str(cls).strip().upper()]
        return out
    for k, v in value.items():
        if not isinstance(v, str):
            raise _WrongType
        out[by_fold.get(str(k).strip().upper(), "?" + str(k))] = classes.get(v.strip().upper(), "?" + v.strip())
    return out


def _field_key(name: Any, ex: Exercise) -> str | None:
    folded = _fold(str(name)).replace(" ", "")
    for key, spec in ex.fields.items():
        if folded in {_fold(key).replace(" ", ""), *(_fold(a).replace(" ", "") for a in spec.aliases)}:
            return key
    return None


def _parse_fields(value: Any, ex: Exercise, lang: str) -> dict[str, Any]:
    if isinstance(value, (list, tuple)) and len(value) == len(ex.fields):  # values in the order of the keys
        value = dict(zip(ex.fields, value))
    out: dict[str, Any] = {}
    for key, v in _entries(value, ex).items():
        spec = ex.fields[key]
        out[key] = _parse_label(v, spec.labels) if spec.kind == "label" else _parse_number(v, lang)
    return out


def _text_key(name: Any, ex: Exercise) -> str | None:
    folded = _fold(str(name)).replace(" ", "")
    for key in ex.text_fields:
        if folded == _fold(key).replace(" ", ""):
            return key
    return None


def _entry_key(name: Any, ex: Exercise) -> str | None:
    """The entry of a fields or text task that a key of a dict answer names (None: none)."""
    return _field_key(name, ex) if ex.kind == "fields" else _text_key(name, ex)


def _entries(value: Any, ex: Exercise) -> dict[str, Any]:
    """A dict answer (or Series) of a fields or text task: its values by the entry each key names; keys that
    name no entry and empty values are left out. Anything else is the wrong type."""
    if isinstance(value, pd.Series):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        raise _WrongType
    out: dict[str, Any] = {}
    for k, v in value.items():
        key = _entry_key(k, ex)
        if key is not None and not _is_empty(v):
            out[key] = v
    return out


def _extra_keys(ex: Exercise, answer: Any) -> list[str]:
    """The keys of a dict answer that name no entry of the exercise, or an entry named before under another
    name ({"db1": ..., "DB I": ...})."""
    if isinstance(answer, pd.Series):
        answer = answer.to_dict()
    if ex.kind not in ("fields", "text") or not isinstance(answer, Mapping):
        return []
    seen: set[str] = set()
    extra: list[str] = []
    for k in answer:
        key = _entry_key(k, ex)
        if key is None or key in seen:
            extra.append(str(k))
        else:
            seen.add(key)
    return extra


def _items(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [s for s in re.split(r"[,;\s]+", value) if s]
    if isinstance(value, (list, tuple, set, frozenset, pd.Index, pd.Series)):
        return list(value)
    raise _WrongType


def _parse_text(value: Any, ex: Exercise, lang: str) -> dict[str, Any]:
    """A text task's answer: a dict of its entries (a text alone when it has one entry). Free texts stay as
    typed; choices and lists become their canonical values ('?' + the text for an unknown one)."""
    if isinstance(value, str) and len(ex.text_fields) == 1:
        value = {next(iter(ex.text_fields)): value}
    out: dict[str, Any] = {}
    for key, v in _entries(value, ex).items():
        spec = ex.text_fields[key]
        if spec.kind == "number":
            out[key] = _parse_number(v, lang)
        elif spec.kind == "text":
            if not isinstance(v, str):
                raise _WrongType
            out[key] = v.strip()
        else:
            by_fold = {_fold(o): o for o in spec.options}
            if spec.kind == "choice":
                if not isinstance(v, str):
                    raise _WrongType
                out[key] = by_fold.get(_fold(v), "?" + v.strip())
            else:
                out[key] = frozenset(by_fold.get(_fold(str(i)), "?" + str(i).strip()) for i in _items(v))
    return out


def _normalise(ex: Exercise, answer: Any, lang: str) -> Any:
    if ex.kind in ("number", "share"):
        return _parse_number(answer, lang)
    if ex.kind == "label":
        return _parse_label(answer, ex.labels)
    if ex.kind == "choice":
        return _parse_choice(answer, ex.options)
    if ex.kind == "ids":
        return _parse_ids(answer, ex)
    if ex.kind == "mapping":
        return _parse_mapping(answer, ex)
    if ex.kind == "fields":
        return _parse_fields(answer, ex, lang)
    if ex.kind == "text":
        return _parse_text(answer, ex, lang)
    raise ValueError(f"unknown exercise kind {ex.kind!r}")


def _normalise_internal(ex: Exercise, value: Any) -> Any:
    """Solutions and mistake answers are produced in canonical form already; only make them hashable/comparable."""
    if ex.kind == "ids":
        return frozenset(value)
    if ex.kind in ("number", "share"):
        return float(value)
    if ex.kind == "fields":
        return {k: (float(v) if ex.fields[k].kind != "label" else v) for k, v in value.items()}
    if ex.kind == "text":
        return {
            k: frozenset(v)
            if ex.text_fields[k].kind == "ids"
            else float(v)
            if ex.text_fields[k].kind == "number"
            else v
            for k, v in value.items()
        }
    return value


def _is_empty(answer: Any) -> bool:
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, str) and not answer.strip():
        return True
    if isinstance(answer, (list, tuple, set, frozenset, dict)) and len(answer) == 0:
        return True
    return isinstance(answer, float) and math.isnan(answer)


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= max(tol, REL_TOL * abs(b))


def _same(ex: Exercise, answer: Any, target: Any, key: str | None = None) -> bool:
    kind = ex.fields[key].kind if key else ex.kind
    tol = ex.fields[key].tolerance if key else ex.tolerance
    if kind in ("number", "share"):
        return _close(answer, target, tol)
    if kind == "fields":
        return all(k in answer and _same(ex, answer[k], target[k], k) for k in target)
    return answer == target


def _describe_type(answer: Any, lang: str) -> str:
    if isinstance(answer, Mapping):
        return _t("a_dict", lang)
    if isinstance(answer, (list, tuple, set, frozenset)):
        return _t("a_list", lang)
    if isinstance(answer, str):
        return f'{_t("text", lang)} "{answer}"'
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        return _t("a_number", lang)
    return type(answer).__name__


def answer_format(ex: Exercise, lang: str = "en") -> str:
    """What shape of answer the exercise expects, in ``lang``."""
    template = pick(_FORMATS[ex.kind], lang)
    if ex.kind == "label":
        return template.format(example="...")
    if ex.kind in ("ids", "mapping"):
        return template.format(example=ex.ids[0])
    if ex.kind == "fields":
        keys = ", ".join(f'`"{k}"`' for k in ex.fields)
        example = ", ".join(f'"{k}": ...' for k in ex.fields)
        return template.format(keys=keys, example=example)
    if ex.kind == "text":
        keys = ", ".join(f'`"{k}"`' for k in ex.text_fields)
        example = ", ".join(f'"{k}": ...' for k in list(ex.text_fields)[:2])
        return template.format(keys=keys, example=example)
    return template


# =========================================================================== the catalogue

#: The data file of the exercises, next to this module: per exercise its level, kind, inputs, answer entries,
#: tolerances and typical mistakes (see its head). This module holds what each computes: its :class:`Logic`.
DATA_FILE = DataFile("kamlib.teaching", "exercises.toml")

_EXERCISES: dict[str, Exercise] = {}


def _register(ex: Exercise) -> Exercise:
    if ex.id in _EXERCISES:
        raise ValueError(f"duplicate exercise id {ex.id}")
    if ex.level not in LEVELS:
        raise ValueError(f"exercise {ex.id}: unknown level {ex.level!r}")
    texts = set(i18n.tables().get(f"exercises.{ex.id}", {}))
    if texts != ex.text_keys():
        raise ValueError(
            f"exercise {ex.id}: the catalogue section exercises.{ex.id} lacks {sorted(ex.text_keys() - texts)} "
            f"and has unused {sorted(texts - ex.text_keys())}"
        )
    unlabelled = set(ex.fields) - set(_FIELD_LABELS)
    if unlabelled:
        raise ValueError(f"exercise {ex.id}: no exercises.field_labels entry for {sorted(unlabelled)}")
    _EXERCISES[ex.id] = ex
    return ex


Answer = Callable[[dict], Any]
Detect = Callable[[dict, dict], bool]


def _no_steps(x: dict) -> dict:
    return {}


def _no_tables(x: dict, lang: str) -> dict:
    return {}


@dataclass(frozen=True)
class Logic:
    """What one exercise computes from its inputs: the answer it ``solve``-s for, per typical mistake of its own the
    answer of whoever makes it (in a text task an example answer and how to detect the mistake in a given one), the
    worked ``steps`` of its explanation and the ``tables`` its texts show. A mistake the data file gives as flags is
    ``variant(inputs, **flags)``: the same computation with that one step done wrong."""

    solve: Answer
    mistakes: Mapping[str, Answer | tuple[Answer, Detect]] = field(default_factory=dict)
    variant: Callable[..., Any] | None = None
    steps: Callable[[dict], dict] = _no_steps
    tables: Callable[[dict, str], dict] = _no_tables


#: The logic of every exercise but the multiple-choice ones (their answer and wrong letters are all data), by id.
_LOGIC: dict[str, Logic] = {}


def _logic(
    exercise_id: str,
    solve: Answer,
    *,
    mistakes: Mapping[str, Answer | tuple[Answer, Detect]] | None = None,
    variant: Callable[..., Any] | None = None,
    steps: Callable[[dict], dict] = _no_steps,
    tables: Callable[[dict, str], dict] = _no_tables,
) -> None:
    """Register the :class:`Logic` of the exercise ``exercise_id`` (its entry in the data file says the rest). A
    ``variant`` names its flags as keyword-only parameters with defaults (no ``**flags``: the data file's flags
    are checked against them)."""
    if exercise_id in _LOGIC:
        raise ValueError(f"exercise {exercise_id}: logic registered twice")
    if variant is not None and any(
        p.kind is p.VAR_KEYWORD or (p.kind is p.KEYWORD_ONLY and p.default is p.empty)
        for p in inspect.signature(variant).parameters.values()
    ):
        raise ValueError(f"exercise {exercise_id}: the variant must name each flag, keyword-only with a default")
    _LOGIC[exercise_id] = Logic(solve, mistakes or {}, variant, steps, tables)


# --------------------------------------------------------------------------- reading the data file

#: The entries an exercise's table may have (what each means: the head of the data file); a multiple-choice one
#: has its letters instead of inputs and mistakes.
_ENTRIES = (
    *("level", "kind", "inputs", "tolerance", "decimals", "ids_of", "classes", "labels", "fields", "text_fields"),
    *("rubric", "extra_texts", "mistakes"),
)
_CHOICE_ENTRIES = ("level", "kind", "answer", "wrong")


def _keys_of(entry: Entry, name: str, inputs: Mapping[str, Any]) -> tuple[str, ...]:
    """The keys of the input table that the value ``name`` of ``entry`` names (the ids of a task, a field's options)."""
    table = entry.text(name)
    if not isinstance(inputs.get(table), dict):
        raise entry.error(name, f"no input table {table!r}")
    return tuple(inputs[table])


def _synonyms(labels: Entry) -> dict[str, tuple[str, ...]]:
    return {canonical: labels.texts(canonical) for canonical in labels.values}


def _with_flags(variant: Callable[..., Any], flags: Entry) -> Answer:
    """The answer of the mistake ``flags``: ``variant(inputs, **flags)``, each flag checked to be a keyword-only
    parameter of the variant and of the type of its default (``by = true`` where it counts ``by = 1`` is refused)."""
    params = inspect.signature(variant).parameters.values()
    defaults = {p.name: p.default for p in params if p.kind is p.KEYWORD_ONLY}
    values = {name: flags.get(name, type(defaults[name])) for name in flags.only(*defaults).values}
    return lambda x: variant(x, **values)


def _mistakes(entry: Entry, logic: Logic) -> tuple[Mistake, ...]:
    """The typical mistakes in the data file's order: a variant of the computation (flags) or a function of the
    logic's own (no flags); every mistake of the logic must be named."""
    mistakes = entry.tables("mistakes")
    unnamed = sorted(set(logic.mistakes) - set(mistakes))
    if unnamed:
        raise entry.error("mistakes", f"the logic's mistakes {unnamed} are not listed")
    out = []
    for name, flags in mistakes.items():
        if flags.values:
            if logic.variant is None:
                raise flags.file.error(flags.key, "flags, but the logic has no variant to give them to")
            out.append(Mistake(name, _with_flags(logic.variant, flags)))
        elif name in logic.mistakes:
            own = logic.mistakes[name]
            answer, detect = own if isinstance(own, tuple) else (own, None)
            out.append(Mistake(name, answer, detect))
        else:
            raise flags.file.error(flags.key, "no flags and no function in the logic")
    return tuple(out)


def _choice(entry: Entry, exercise_id: str) -> Exercise:
    """A multiple-choice exercise: the letter of the right ``answer`` and, per ``wrong`` letter, the mistake that
    choosing it shows. Its options are these letters in order; their texts (``option_<letter>``) are listed where
    the prompt says ``{options}``."""
    answer, wrong = entry.text("answer"), entry.table("wrong")
    options = tuple(sorted({answer, *wrong.values}))
    return Exercise(
        id=exercise_id,
        level=entry.text("level"),
        kind="choice",
        inputs={},
        options=options,
        solve=_answers(answer),
        mistakes=tuple(Mistake(wrong.text(letter), _answers(letter)) for letter in wrong.values),
        tables=lambda x, lang: {"options": _choice_table(exercise_id, options, lang)},
    )


def _text_field(spec: Entry, inputs: Mapping[str, Any]) -> TextField:
    spec.only("kind", "options", "options_of", "label_table", "translated", "tolerance")
    label_table = spec.text("label_table", "")
    if "options_of" in spec.values:
        options = _keys_of(spec, "options_of", inputs)
    elif label_table and "options" not in spec.values:
        options = tuple(i18n.table(label_table))
    else:
        options = spec.texts("options", ())
    return TextField(
        spec.text("kind"),
        options,
        translated=spec.get("translated", bool, False),
        tolerance=spec.get("tolerance", float, 0.0),
        label_table=label_table,
    )


def _field(spec: Entry) -> FieldSpec:
    spec.only("kind", "aliases", "tolerance", "labels")
    return FieldSpec(
        spec.text("kind"),
        spec.texts("aliases", ()),
        tolerance=spec.get("tolerance", float, 0.0),
        labels=_synonyms(spec.table("labels")) if "labels" in spec.values else {},
    )


def _exercise(exercise_id: str, entry: Entry) -> Exercise:
    """The exercise ``exercise_id`` from its table ``entry`` of the data file and its logic."""
    if entry.text("kind") == "choice":
        return _choice(entry.only(*_CHOICE_ENTRIES), exercise_id)
    entry.only(*_ENTRIES)
    logic = _LOGIC.get(exercise_id)
    if logic is None:
        raise entry.file.error(entry.key, f"no logic in exercises.py (_logic({exercise_id!r}, ...))")

    def tables(name: str) -> dict[str, Entry]:
        return entry.tables(name) if name in entry.values else {}

    inputs = entry.get("inputs", dict, {})
    return Exercise(
        id=exercise_id,
        level=entry.text("level"),
        kind=entry.text("kind"),
        inputs=inputs,
        solve=logic.solve,
        mistakes=_mistakes(entry, logic),
        steps=logic.steps,
        tolerance=entry.get("tolerance", float, 0.0),
        decimals=entry.get("decimals", int, 2),
        labels=_synonyms(entry.table("labels")) if "labels" in entry.values else {},
        fields={k: _field(spec) for k, spec in tables("fields").items()},
        ids=_keys_of(entry, "ids_of", inputs) if "ids_of" in entry.values else (),
        classes=entry.texts("classes", ()),
        tables=logic.tables,
        text_fields={k: _text_field(spec, inputs) for k, spec in tables("text_fields").items()},
        rubric=entry.get("rubric", int, 0),
        extra_texts=entry.texts("extra_texts", ()),
    )


def _exercises(data: Entry) -> list[Exercise]:
    """The exercises of the data file (as read or parsed) joined with their logic. Every exercise with logic needs
    an entry and every entry but a multiple-choice one needs logic."""
    without_entry = sorted(set(_LOGIC) - set(data.values))
    if without_entry:
        raise data.file.error("", f"no entry for the exercises {without_entry} that exercises.py has logic for")
    return [_exercise(exercise_id, data.table(exercise_id)) for exercise_id in data.values]


def _md_table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _choice_table(exercise_id: str, letters: tuple[str, ...], lang: str) -> str:
    texts = i18n.table(f"exercises.{exercise_id}")
    return "\n".join(f"* ({k}) {pick(texts[f'option_{k}'], lang)}" for k in letters)


def _answers(letter: str) -> Callable[[dict], str]:
    """The answer of whoever picks ``letter``, whatever the inputs."""
    return lambda x: letter


# --------------------------------------------------------------------------- text tasks (evaluate, create)


def _model_texts(exercise_id: str, keys: tuple[str, ...]) -> dict[str, str]:
    """The English model answers ``model_<key>`` of a text task (its solution; show_solution shows them in lang)."""
    section = i18n.table(f"exercises.{exercise_id}")
    return {k: section[f"model_{k}"][0] for k in keys}


def _lines(text: str) -> list[str]:
    """The items of a free text: one per line, separated by semicolons or bullets, or numbered ("1. ... 2. ...")."""
    return [p for p in re.split(r"[\n;•]+|(?<=[.!?:])\s+(?=\d{1,2}[.)]\s+\D)", text) if p.strip(" -•*\t")]


def _names(text: str) -> list[str]:
    """The people a free text names: separated by commas, semicolons, line breaks, slashes or 'and'/'und'."""
    return [p for p in re.split(r"[,;\n/]+|\s+(?:and|und|&)\s+", re.sub(r"\([^)]*\)", "", text)) if p.strip()]


def _has_figure(text: str) -> bool:
    """A goal is measurable when it states a figure or a date (at least one digit)."""
    return re.search(r"\d", text) is not None


_ITEM_LABELS: dict[str, tuple[str, str]] = i18n.table("exercises.item_labels")


def _item(key: str, lang: str) -> str:
    return pick(_ITEM_LABELS[key], lang)


def _shown(key: str, lang: str) -> str:
    return pick(_LABEL_SHOWN[key], lang)


def _attitude(key: str, lang: str) -> str:
    return pick(_ATTITUDES[key], lang)


_ATTITUDES: dict[str, tuple[str, str]] = i18n.table("exercises.attitudes")


# --------------------------------------------------------------------------- 00 start here


def _abc(x: dict, cutoffs=(0.8, 0.95), *, ascending=False, strict=False, before=False) -> dict[str, str]:
    """ABC classes of the input ``revenue`` the way a trainee might compute them (the mistakes); the solution uses
    selection.abc_classes."""
    s = pd.Series(x["revenue"], dtype=float).sort_values(ascending=ascending, kind="stable")
    cum = s.cumsum() / s.sum()
    if before:
        cum = cum - s / s.sum()
    a, b = cutoffs
    out: dict[str, str] = {}
    for k, c in cum.items():
        key = str(k)  # the account ids, the keys of the revenue table
        c = round(float(c), 12)
        if (c < a) if strict else (c <= a):
            out[key] = "A"
        elif (c < b) if strict else (c <= b):
            out[key] = "B"
        else:
            out[key] = "C"
    return out


def _with(x: dict, attitude: str) -> list[str]:
    return [n for n, (role, att) in x["contacts"].items() if att == attitude]


_logic(
    "00.5",
    solve=lambda x: {
        "critic": _with(x, "critic")[0],
        "ally": "Laura Kemp",
        **_model_texts("00.5", ("concern", "steps", "signal")),
    },
    mistakes={
        "wrong_critic": (
            lambda x: {**solution("00.5"), "critic": _with(x, "neutral")[0]},
            lambda g, x: g["critic"] not in _with(x, "critic"),
        ),
        "ally_not_supporter": (
            lambda x: {**solution("00.5"), "ally": _with(x, "neutral")[0]},
            lambda g, x: g["ally"] not in _with(x, "supporter"),
        ),
        "one_step": (
            lambda x: {**solution("00.5"), "steps": "Send her our best price."},
            lambda g, x: len(_lines(g["steps"])) < 2,
        ),
    },
    tables=lambda x, lang: {
        "table": _md_table(
            [_col("contact", lang), _col("buying_role", lang), _col("attitude", lang)],
            [[n, _shown(role, lang), _attitude(att, lang)] for n, (role, att) in x["contacts"].items()],
        )
    },
)


def _revenue_table(x: dict, lang: str, key: str = "revenue") -> str:
    head = [_col("account", lang), _col("revenue_eur", lang)]
    return _md_table(head, [[k, _fmt_number(v, lang)] for k, v in x[key].items()])


def _abc_classes(x: dict) -> pd.DataFrame:
    return selection.abc_classes(pd.Series(x["revenue"], dtype=float))


_logic(
    "00.2",
    solve=lambda x: _abc_classes(x)["abc"].to_dict(),
    variant=_abc,
    steps=lambda x: {"total": sum(x["revenue"].values()), "cum": _abc_classes(x)["cum_share"].to_dict()},
    tables=lambda x, lang: {"table": _revenue_table(x, lang)},
)


def _top(values: dict, k: int, *, largest: bool = True) -> float:
    s = sorted(values.values(), reverse=largest)
    return sum(s[:k]) / sum(s)


_logic(
    "00.3",
    solve=lambda x: selection.top_share(pd.Series(x["revenue"], dtype=float), fraction=0.2),
    mistakes={
        "rounded_down": lambda x: _top(x["revenue"], 2),
        "bottom": lambda x: _top(x["revenue"], 3, largest=False),
        "ratio_to_rest": lambda x: (lambda s: s / (1 - s))(_top(x["revenue"], 3)),
    },
    steps=lambda x: {
        "k": 3,
        "top": sum(sorted(x["revenue"].values(), reverse=True)[:3]),
        "total": sum(x["revenue"].values()),
    },
    tables=lambda x, lang: {"table": _revenue_table(x, lang)},
)


def _gini_variant(x: dict, *, ascending=False, constant=True, raw=False) -> float:
    s = sorted(x["revenue"].values(), reverse=not ascending)
    n, total = len(s), sum(s)
    shares = s if raw else [v / total for v in s]
    weighted = sum((i + 1) * v for i, v in enumerate(shares))
    return ((n + 1) / n if constant else 1.0) - 2.0 / n * weighted


_logic(
    "00.4",
    solve=lambda x: selection.gini(pd.Series(x["revenue"], dtype=float)),
    mistakes={"normalised": lambda x: selection.gini(pd.Series(x["revenue"], dtype=float), normalised=True)},
    variant=_gini_variant,
    steps=lambda x: {
        "shares": [v / sum(x["revenue"].values()) for v in x["revenue"].values()],
        "sum": sum(
            (i + 1) * v / sum(x["revenue"].values()) for i, v in enumerate(sorted(x["revenue"].values(), reverse=True))
        ),
    },
    tables=lambda x, lang: {"revenue": ", ".join(f"{k} {v}" for k, v in x["revenue"].items())},
)

# --------------------------------------------------------------------------- 01 account selection

_CRIT = ("revenue_share", "lifetime_value", "growth_potential", "relationship")


def _met(x: dict, *, strict=False, at_least=2) -> list[str]:
    t = x["threshold"]
    return [k for k, s in x["scores"].items() if sum((v > t) if strict else (v >= t - 1e-9) for v in s) >= at_least]


def _rounded_scores(x: dict) -> dict[str, list[float]]:
    """The scores rounded half up to whole points (the mistake of 01.2: 6.5 counted as 7)."""
    return {k: [float(math.floor(v + 0.5)) for v in s] for k, s in x["scores"].items()}


def _only_by_rounding(x: dict, lang: str) -> str:
    """The accounts that meet the rule only with rounded scores, with their scores (e.g. "K6 (6,5; 6,9; 6; 6,8)")."""
    extra = [k for k in _met({**x, "scores": _rounded_scores(x)}) if k not in _met(x)]
    return ", ".join(f"{k} ({'; '.join(_fmt_number(v, lang) for v in x['scores'][k])})" for k in extra)


def _scores_table(x: dict, lang: str) -> str:
    head = [_col("account", lang)] + [i18n.criterion_label(c, lang) for c in _CRIT]
    return _md_table(head, [[k, *(_fmt_number(v, lang) for v in s)] for k, s in x["scores"].items()])


def _weighted_met(x: dict) -> list[str]:
    """The accounts whose weighted score reaches the threshold (the rule asks for criteria met, not a score)."""
    weights = x["weights"].values()
    return [k for k, s in x["scores"].items() if sum(w * v for w, v in zip(weights, s)) >= x["threshold"]]


_logic(
    "01.2",
    solve=_met,
    mistakes={"rounded_up": lambda x: _met({**x, "scores": _rounded_scores(x)}), "weighted_score": _weighted_met},
    variant=_met,
    steps=lambda x: {"counts": {k: sum(v >= x["threshold"] for v in s) for k, s in x["scores"].items()}},
    tables=lambda x, lang: {"table": _scores_table(x, lang), "rounded": _only_by_rounding(x, lang)},
)


def _weights_text(x: dict, lang: str) -> str:
    return ", ".join(f"{i18n.criterion_label(c, lang)} {_fmt_number(w, lang)}" for c, w in x["weights"].items())


def _account_scores_text(x: dict, lang: str) -> str:
    return ", ".join(f"{i18n.criterion_label(c, lang)} {_fmt_number(v, lang)}" for c, v in x["scores"].items())


_logic(
    "01.3",
    solve=lambda x: float(selection.weighted_score(pd.DataFrame([x["scores"]]), pd.Series(x["weights"])).iloc[0]),
    mistakes={
        "unweighted_mean": lambda x: sum(x["scores"].values()) / len(x["scores"]),
        "percent_weights": lambda x: sum(100 * x["weights"][c] * v for c, v in x["scores"].items()),
        "sum_of_scores": lambda x: sum(x["scores"].values()),
    },
    steps=lambda x: {
        "terms": lambda lang: " + ".join(
            f"{_fmt_number(x['weights'][c], lang)}·{_fmt_number(v, lang)}" for c, v in x["scores"].items()
        )
    },
    tables=lambda x, lang: {"weights_text": _weights_text(x, lang), "scores_text": _account_scores_text(x, lang)},
)


def _quadrant(attractiveness: float, strength: float, split: float = 5.0) -> str:
    """The portfolio quadrant by the rule of selection.portfolio_position (on the line counts as high)."""
    high, strong = attractiveness >= split, strength >= split
    return "strategic" if high and strong else "star" if high else "status" if strong else "streamline"


_logic(
    "01.4",
    solve=lambda x: _quadrant(x["attractiveness"], x["strength"], x["split"]),
    mistakes={
        "axes_swapped": lambda x: _quadrant(x["strength"], x["attractiveness"], x["split"]),
        "attractiveness_only": lambda x: _quadrant(x["attractiveness"], 10.0, x["split"]),
        "strength_only": lambda x: _quadrant(0.0, x["strength"], x["split"]),
    },
)

# --------------------------------------------------------------------------- 02 account profile

_CLASSIC = ("user", "influencer", "buyer", "decider", "gatekeeper")

_logic(
    "02.1",
    solve=lambda x: next(r for r in _CLASSIC if r not in x["contacts"].values()),
    mistakes={
        "not_classic": _answers("approver"),
        "initiator": _answers("initiator"),
        **{f"present_{r}": _answers(r) for r in ("user", "influencer", "buyer", "gatekeeper")},
    },
    steps=lambda x: {"covered": lambda lang: ", ".join(sorted(_shown(r, lang) for r in set(x["contacts"].values())))},
    tables=lambda x, lang: {
        "table": _md_table(
            [_col("contact", lang), _col("buying_role", lang)],
            [[k, _shown(v, lang)] for k, v in x["contacts"].items()],
        ),
        **{f"{role}_contact": name for name, role in x["contacts"].items()},
    },
)

_logic(
    "02.2",
    solve=lambda x: x["ours"] / x["wallet"],
    mistakes={
        "inverted": lambda x: x["wallet"] / x["ours"],
        "added_ours": lambda x: x["ours"] / (x["wallet"] + x["ours"]),
        "own_revenue_base": lambda x: x["ours"] / x["company"],
    },
)


def _cells(x: dict) -> list[tuple[str, str, float, float]]:
    """The cells of the product line × business unit grid as (line, unit, potential, our revenue)."""
    return [(line, unit, p, c) for line, units in x["cells"].items() for unit, (p, c) in units.items()]


def _whitespace(x: dict, *, net_negative=False, potential_only=False, gaps_only=False, all_cells=False) -> dict:
    cells = [(p, c) for _, _, p, c in _cells(x)]
    eligible = [(p, c) for p, c in cells if p > 0 or c > 0]
    if potential_only:
        ws = sum(p for p, c in eligible)
    elif gaps_only:
        ws = sum(p for p, c in eligible if c == 0)
    else:
        ws = sum((p - c) if net_negative else max(p - c, 0) for p, c in eligible)
    owned = sum(1 for p, c in cells if c > 0)
    return {"whitespace": ws, "penetration": owned / (len(cells) if all_cells else len(eligible))}


_logic(
    "02.3",
    solve=_whitespace,
    variant=_whitespace,
    steps=lambda x: {
        "gaps": [max(p - c, 0) for _, _, p, c in _cells(x)],
        "owned": sum(1 for _, _, p, c in _cells(x) if c > 0),
        "eligible": sum(1 for _, _, p, c in _cells(x) if p > 0 or c > 0),
    },
    tables=lambda x, lang: {
        "table": _md_table(
            [_col(c, lang) for c in ("product_line", "business_unit", "potential", "our_revenue")],
            [
                [_item(line, lang), _item(unit, lang), _fmt_number(p, lang), _fmt_number(c, lang)]
                for line, unit, p, c in _cells(x)
            ],
        )
    },
)

_logic(
    "02.4",
    solve=lambda x: x["gap"] * float(win_probability(x["owners"], x["peers"])),
    mistakes={
        "raw_share": lambda x: x["gap"] * x["owners"] / x["peers"],
        "laplace_denominator": lambda x: x["gap"] * (x["owners"] + 1) / (x["peers"] + 1),
        "probability_only": lambda x: float(win_probability(x["owners"], x["peers"])),
        "gap_only": lambda x: float(x["gap"]),
    },
)

# --------------------------------------------------------------------------- 03 customer value


def _db(x: dict, *, no_discount=False, logistics_in_db2=False, service_in_db3=False, swap_ms=False) -> dict:
    a = x["account"]
    net = a["gross_revenue"] - (0 if no_discount else a["discount"])
    db1 = net - a["cogs"]
    first, second = ("sales", "marketing") if swap_ms else ("marketing", "sales")
    db2 = db1 - a[first] - (a["logistics"] if logistics_in_db2 else 0)
    db3 = db2 - a[second] - (a["service"] if service_in_db3 else 0)
    db4 = db3 - (0 if service_in_db3 else a["service"]) - (0 if logistics_in_db2 else a["logistics"])
    return {"db1": db1, "db2": db2, "db3": db3, "db4": db4}


_logic(
    "03.1",
    solve=_db,
    variant=_db,
    steps=lambda x: {
        "net": x["account"]["gross_revenue"] - x["account"]["discount"],
        **x["account"],
        "cts": sum(x["account"][c] for c in ("marketing", "sales", "service", "logistics")),
    },
    tables=lambda x, lang: {
        "table": _md_table(
            [_col("item", lang), "EUR"], [[_item(k, lang), _fmt_number(v, lang)] for k, v in x["account"].items()]
        )
    },
)

_logic(
    "03.2",
    solve=lambda x: contractual_clv(x["m"], x["r"], x["d"]),
    mistakes={
        "no_minus_r": lambda x: x["m"] * x["r"] / (1 + x["d"]),
        "numerator_r": lambda x: x["m"] / (1 + x["d"] - x["r"]),
        "timing_start": lambda x: contractual_clv(x["m"], x["r"], x["d"], timing="start"),
        "percent_inputs": lambda x: x["m"] * x["r"] / (1 + 100 * x["d"] - x["r"]),
        "no_discount": lambda x: x["m"] * x["r"] / (1 - x["r"]),
    },
)


def _finite(x: dict, *, discount_from_0=False, retention=True, discount=True, first: int = 1) -> float:
    """Σ_{t=1..T} m·r^t/(1+d)^t and the variants a trainee might compute by mistake (``first=0``: a year-0 term)."""
    total = 0.0
    for t in range(first, x["T"] + 1):
        term = x["m"] * (x["r"] ** t if retention else 1.0)
        if discount:
            term /= (1 + x["d"]) ** (t - 1 if discount_from_0 else t)
        total += term
    return total


_logic(
    "03.3",
    solve=lambda x: contractual_clv(x["m"], x["r"], x["d"], horizon=x["T"]),
    mistakes={"closed_form": lambda x: contractual_clv(x["m"], x["r"], x["d"])},
    variant=_finite,
    steps=lambda x: {"terms": [round(x["m"] * x["r"] ** t / (1 + x["d"]) ** t, 2) for t in range(1, x["T"] + 1)]},
)


def _largest(x: dict, col: int, k: int, *, smallest=False) -> list[str]:
    return sorted(x["accounts"], key=lambda a: x["accounts"][a][col], reverse=not smallest)[:k]


_logic(
    "03.4",
    solve=lambda x: [a for a, (n, db1, cts) in x["accounts"].items() if db1 - cts < 0],
    mistakes={
        "db1_only": lambda x: [a for a, (n, db1, cts) in x["accounts"].items() if db1 < 0],
        "highest_cost": lambda x: _largest(x, 2, 3),
        "smallest_revenue": lambda x: _largest(x, 0, 3, smallest=True),
    },
    steps=lambda x: {"db4": {a: db1 - cts for a, (n, db1, cts) in x["accounts"].items()}},
    tables=lambda x, lang: {
        "table": _md_table(
            [_col("account", lang), _col("net_revenue", lang), "DB I", _col("cost_to_serve", lang)],
            [[a, *(_fmt_number(v, lang) for v in vals)] for a, vals in x["accounts"].items()],
        )
    },
)

# --------------------------------------------------------------------------- 04 review cycle


def _grr_nrr(x: dict, *, expansion_in_grr=False, no_churn=False, no_contraction=False) -> dict:
    s, e = x["start"], x["expansion"]
    c = 0 if no_contraction else x["contraction"]
    ch = 0 if no_churn else x["churn"]
    grr = (s + (e if expansion_in_grr else 0) - c - ch) / s
    return {"grr": grr, "nrr": (s + e - c - ch) / s}


_logic(
    "04.1",
    solve=_grr_nrr,
    mistakes={"swapped": lambda x: {"grr": _grr_nrr(x)["nrr"], "nrr": _grr_nrr(x)["grr"]}},
    variant=_grr_nrr,
)


def _components(x: dict) -> list[tuple[str, float | None, float]]:
    """The components of the health score as (component, score or None for no data, weight)."""
    return [(k, c.get("score"), c["weight"]) for k, c in x["components"].items()]


def _health(x: dict, *, missing_as_zero=False, unweighted=False) -> float:
    comps = [(s, w) for _, s, w in _components(x) if s is not None or missing_as_zero]
    if unweighted:
        return round(sum((s or 0.0) for s, w in comps) / len(comps), 9)
    total = sum((s or 0.0) * w for s, w in comps)
    return round(total if missing_as_zero else total / sum(w for s, w in comps), 9)


def _health_answer(score: float, band: str | None = None) -> dict:
    return {"score": score, "band": band or health_band(score)}


def _health_variant(x: dict, *, missing_as_zero=False, unweighted=False) -> dict:
    return _health_answer(_health(x, missing_as_zero=missing_as_zero, unweighted=unweighted))


_logic(
    "04.2",
    solve=lambda x: _health_answer(_health(x)),
    mistakes={"band_boundary": lambda x: _health_answer(_health(x), "green")},
    variant=_health_variant,
    steps=lambda x: {
        "total": sum(s * w for _, s, w in _components(x) if s is not None),
        "weights": round(sum(w for _, s, w in _components(x) if s is not None), 6),
    },
    tables=lambda x, lang: {
        "table": _md_table(
            [_col(c, lang) for c in ("component", "score", "weight")],
            [
                [
                    pick(i18n.table("review.labels")[k], lang),
                    "–" if s is None else _fmt_number(s, lang),
                    _fmt_number(w, lang),
                ]
                for k, s, w in _components(x)
            ],
        )
    },
)


def _bridge(x: dict, *, price_first=False, flip=False, both_current=False, price_at_q0=False) -> dict:
    q0, p0, q1, p1 = x["q0"], x["p0"], x["q1"], x["p1"]
    if price_at_q0:  # the volume effect right, the price change valued at last year's units
        vol, price = (q1 - q0) * p0, (p1 - p0) * q0
    elif price_first:
        vol, price = (q1 - q0) * p1, (p1 - p0) * q0
    elif both_current:
        vol, price = (q1 - q0) * p1, (p1 - p0) * q1
    else:
        vol, price = (q1 - q0) * p0, (p1 - p0) * q1
    if flip:
        vol, price = -vol, -price
    return {"volume": vol, "price": price}


_logic("04.4", solve=_bridge, variant=_bridge)

# --------------------------------------------------------------------------- 05 portfolio review

_logic(
    "05.1",
    solve=lambda x: x["kept"] / x["start"],
    mistakes={
        "returned_counted": lambda x: (x["kept"] + x["returned"]) / x["start"],
        "new_counted": lambda x: (x["kept"] + x["returned"] + x["new"]) / x["start"],
        "churn_given": lambda x: 1 - x["kept"] / x["start"],
        "denominator_now": lambda x: x["kept"] / (x["start"] + x["returned"] + x["new"]),
    },
)


def _rr_accounts(x: dict, *, count_new=False, expansion_in_grr=False, churn_as_zero=False) -> dict:
    start = exp = con = churn = 0.0
    for r0, r1 in x["accounts"].values():
        if r0 == 0:
            exp += r1 if count_new else 0.0
            continue
        start += r0
        if r1 == 0:
            churn += 0.0 if churn_as_zero else r0
        elif r1 < r0:
            con += r0 - r1
        else:
            exp += r1 - r0
    totals = {"start": start, "expansion": exp, "contraction": con, "churn": churn}
    return _grr_nrr(totals, expansion_in_grr=expansion_in_grr)


_logic(
    "05.2",
    solve=_rr_accounts,
    variant=_rr_accounts,
    steps=lambda x: {
        "start": sum(a for a, b in x["accounts"].values()),
        "expansion": sum(b - a for a, b in x["accounts"].values() if a > 0 and b > a),
        "contraction": sum(a - b for a, b in x["accounts"].values() if 0 < b < a),
        "churn": sum(a for a, b in x["accounts"].values() if a > 0 and b == 0),
    },
    tables=lambda x, lang: {
        "table": _md_table(
            [_col("account", lang), "2024Q4", "2025Q4"],
            [[k, _fmt_number(a, lang), _fmt_number(b, lang)] for k, (a, b) in x["accounts"].items()],
        )
    },
)


def _drop(x: dict, *, by: int = 0, top=False, per_kam=False, kept=False) -> list[str]:
    acc = x["accounts"]
    excess = len(acc) - sum(x["capacity"].values())
    if kept:  # the accounts that stay, listed instead of those that leave
        return sorted(acc, key=lambda a: acc[a][0], reverse=True)[: len(acc) - excess]
    if per_kam:
        out = []
        for kam, cap in x["capacity"].items():
            mine = sorted((a for a in acc if acc[a][2] == kam), key=lambda a: acc[a][by])
            out += mine[: max(0, len(mine) - cap)]
        return out
    return sorted(acc, key=lambda a: acc[a][by], reverse=top)[:excess]


_logic(
    "05.3",
    solve=_drop,
    variant=_drop,
    steps=lambda x: {"total": sum(x["capacity"].values())},
    tables=lambda x, lang: {
        "capacity_text": " + ".join(f"{v} ({k})" for k, v in x["capacity"].items())
        + " = "
        + str(sum(x["capacity"].values())),
        "table": _md_table(
            [_col("account", lang), _col("weighted_score", lang), _col("revenue_keur", lang), "KAM"],
            [[a, _fmt_number(s, lang), _fmt_number(r, lang), k] for a, (s, r, k) in x["accounts"].items()],
        ),
    },
)

_logic(
    "05.5",
    solve=lambda x: "attractiveness",
    mistakes={"strength": _answers("strength"), "both": _answers("both"), "neither": _answers("neither")},
    tables=lambda x, lang: {
        "before": i18n.quadrant_label(x["before"], lang),
        "after": i18n.quadrant_label(x["after"], lang),
    },
)

# --------------------------------------------------------------------------- evaluate and create tasks of 01-05

_CRITERIA = tuple(i18n.CRITERION_LABELS)

_logic(
    "01.5",
    solve=lambda x: {
        "criteria": frozenset({"revenue_share", "lifetime_value", "growth_potential", "relationship"}),
        **_model_texts("01.5", ("reasons",)),
    },
    mistakes={
        "too_few": (
            lambda x: {"criteria": ["revenue_share", "growth_potential"], "reasons": "Size.\nGrowth."},
            lambda g, x: len(g["criteria"]) < x["low"],
        ),
        "too_many_criteria": (
            lambda x: {"criteria": list(_CRITERIA), "reasons": "\n".join(_CRITERIA)},
            lambda g, x: len(g["criteria"]) > x["high"],
        ),
        "reason_missing": (
            lambda x: {"criteria": ["revenue_share", "lifetime_value", "relationship"], "reasons": "They matter."},
            lambda g, x: len(_lines(g["reasons"])) < len(g["criteria"]),
        ),
    },
    tables=lambda x, lang: {"criteria_list": "\n".join(f"* `{c}`: {i18n.criterion_label(c, lang)}" for c in _CRITERIA)},
)


def _dropped(g: dict, x: dict) -> list[str]:
    return [a for a in x["accounts"] if a not in g["definitive"]]


_logic(
    "01.6",
    solve=lambda x: {"definitive": frozenset({"D1", "D2", "D5", "D6"}), **_model_texts("01.6", ("reasons",))},
    mistakes={
        "rule_broken": (
            lambda x: {"definitive": ["D1", "D2", "D4", "D5"], "reasons": "D3 insolvency. D6 lowest score."},
            lambda g, x: any(x["accounts"][a][0] < x["min_met"] for a in g["definitive"]),
        ),
        "over_capacity": (
            lambda x: {"definitive": ["D1", "D2", "D3", "D5", "D6"], "reasons": "D4 meets one criterion."},
            lambda g, x: len(g["definitive"]) > x["capacity"],
        ),
        "reason_missing": (
            lambda x: {"definitive": ["D1", "D2", "D5", "D6"], "reasons": "D4 meets one criterion only."},
            lambda g, x: any(re.search(rf"\b{a}\b", g["reasons"], flags=re.IGNORECASE) is None for a in _dropped(g, x)),
        ),
    },
    tables=lambda x, lang: {
        "table": _md_table(
            [_col("account", lang), _col("criteria_met", lang), _col("weighted_score", lang), _col("note", lang)],
            [
                [a, met, _fmt_number(score, lang, 1), pick(i18n.table("exercises.01.6")[f"note_{a}"], lang)]
                for a, (met, score) in x["accounts"].items()
            ],
        )
    },
)

_logic(
    "02.5",
    solve=lambda x: _model_texts("02.5", PLAN_SECTIONS),
    mistakes={
        "agreed_goal_vague": (
            lambda x: {**solution("02.5"), "agreed_goal": "Work together more closely."},
            lambda g, x: not _has_figure(g["agreed_goal"]),
        ),
        "objective_copied": (
            lambda x: {**solution("02.5"), "objective": solution("02.5")["customer_goal"]},
            lambda g, x: _fold(g["objective"]) == _fold(g["customer_goal"]),
        ),
        "single_threaded_team": (
            lambda x: {**solution("02.5"), "team_customer": "Jens Hofmann (buyer)"},
            lambda g, x: len(_names(g["team_customer"])) < 2,
        ),
    },
)

_logic(
    "03.5",
    solve=lambda x: {
        "verdict": "does_not_hold",
        "clv": contractual_clv(x["m"], x["r"], x["d"]),
        **_model_texts("03.5", ("reason",)),
    },
    mistakes={
        "colleague_number": (
            lambda x: {**solution("03.5"), "clv": x["claim"]},
            lambda g, x: _close(g["clv"], x["claim"], 1.0),
        ),
        "clv_wrong": (
            lambda x: {**solution("03.5"), "clv": x["m"] * x["r"] / (1 + x["d"])},
            lambda g, x: not _close(g["clv"], contractual_clv(x["m"], x["r"], x["d"]), 1.0),
        ),
        "accepted": (lambda x: {**solution("03.5"), "verdict": "holds"}, lambda g, x: g["verdict"] == "holds"),
    },
)

_QBR_CORE = ("review", "kpis", "wins", "challenges", "next_goals")
_QBR_INTERNAL = ("margin",)


def _agenda_items(lang: str) -> str:
    """The items a QBR agenda of 04.5 may hold, with their texts."""
    items = get("04.5").text_fields["agenda"].options
    return "\n".join(f"* `{i}`: {pick(i18n.table('exercises.04.5')[f'option_{i}'], lang)}" for i in items)


_logic(
    "04.5",
    solve=lambda x: {"agenda": frozenset(_QBR_CORE), **_model_texts("04.5", ("opening", "goals"))},
    mistakes={
        "core_missing": (
            lambda x: {**solution("04.5"), "agenda": ["review", "kpis", "wins", "next_goals", "product_show"]},
            lambda g, x: not set(_QBR_CORE) <= g["agenda"],
        ),
        "internal_shown": (
            lambda x: {**solution("04.5"), "agenda": [*_QBR_CORE, "margin"]},
            lambda g, x: bool(set(_QBR_INTERNAL) & g["agenda"]),
        ),
        "goals_vague": (
            lambda x: {**solution("04.5"), "goals": "Better deliveries."},
            lambda g, x: not _has_figure(g["goals"]),
        ),
    },
    tables=lambda x, lang: {"items": _agenda_items(lang), "nrr_text": i18n.percent(x["nrr"], lang, 0)},
)


def _cut(x: dict, col: int, *, largest: bool = False) -> str:
    acc = x["accounts"]
    return (max if largest else min)(acc, key=lambda a: acc[a][col])


_logic(
    "05.6",
    solve=lambda x: {"drop": _cut(x, 0), "after": "standard_care", **_model_texts("05.6", ("reason",))},
    mistakes={
        "cut_by_revenue": (
            lambda x: {**solution("05.6"), "drop": _cut(x, 2)},
            lambda g, x: g["drop"] == _cut(x, 2) != _cut(x, 0),
        ),
        "cut_smallest": (
            lambda x: {**solution("05.6"), "drop": _cut(x, 1)},
            lambda g, x: g["drop"] == _cut(x, 1) != _cut(x, 0),
        ),
        "not_by_rule": (lambda x: {**solution("05.6"), "drop": "Q5"}, lambda g, x: g["drop"] != _cut(x, 0)),
        "neglect": (lambda x: {**solution("05.6"), "after": "no_care"}, lambda g, x: g["after"] == "no_care"),
    },
    tables=lambda x, lang: {
        "table": _md_table(
            [_col("account", lang), _col("weighted_score", lang), _col("revenue_keur", lang), _col("change", lang)],
            [
                [a, _fmt_number(s, lang, 1), _fmt_number(r, lang), i18n.percent(c, lang, 0, signed=True)]
                for a, (s, r, c) in x["accounts"].items()
            ],
        )
    },
)


for _ex in _exercises(DATA_FILE.read()):
    _register(_ex)


# =========================================================================== public API


def ids(notebook: str | None = None) -> list[str]:
    """All exercise ids, or those of one notebook ("00" ... "05")."""
    return sorted(k for k in _EXERCISES if notebook is None or k.startswith(f"{notebook}."))


def get(exercise_id: str) -> Exercise:
    """The :class:`Exercise` with this id; an unknown id raises a KeyError naming the known ones."""
    try:
        return _EXERCISES[str(exercise_id).strip()]
    except KeyError:
        raise KeyError(f"unknown exercise {exercise_id!r}; known: {', '.join(_EXERCISES)}") from None


def _fill(ex: Exercise, key: str, lang: str, extra: dict | None = None) -> str:
    """The exercise's text ``key`` in ``lang``, filled with its formatted inputs (and ``extra`` values)."""
    values = ex.values(lang)
    for k, v in (extra or {}).items():
        values[k] = v(lang) if callable(v) else _fmt_value(v, lang)
    return pick(ex.text(key), lang).format(**values)


def _fmt_value(v: Any, lang: str) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        return _fmt_number(v, lang) if float(v) == round(float(v)) else _fmt_number(round(float(v), 4), lang)
    if isinstance(v, Mapping):
        return ", ".join(f"{k}: {_fmt_value(x, lang)}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return ", ".join(_fmt_value(x, lang) for x in v)
    return str(v)


def _paper_lines(ex: Exercise, lang: str) -> list[str]:
    """The answer lines of a printed worksheet: one per input of the answer form, with the choices to mark."""
    blank = "______________________"
    lines = []
    for f in form_fields(ex.id, lang):
        if f.kind in ("choice", "mapping-row") or (f.kind in ("label", "ids") and f.options):
            choices = " ☐ ".join(o[0] if f.key is None and f.kind == "choice" else o[1] for o in f.options)
            lines.append(f"- {f.label}: ☐ {choices}")
        else:
            lines.append(f"- {f.label}: {blank}")
    return lines


def task(exercise_id: str, lang: str = "en", *, paper: bool = False) -> Text:
    """The task as Markdown: title, level, the task with its inputs, the answer format and how to check. With
    ``paper=True`` (a printed worksheet) the answer-format line and the code line give way to answer lines, one per
    input of the answer form (:func:`form_fields`)."""
    ex, lang = get(exercise_id), i18n.check_lang(lang)
    parts = [
        f"**{_t('exercise', lang)} {ex.id} · {pick(ex.text('title'), lang)}** ({_t('level', lang)}: "
        f"{pick(LEVELS[ex.level], lang)})",
        "",
        _fill(ex, "prompt", lang),
        "",
    ]
    parts += (
        [f"*{_t('answer_format', lang)}:*", "", *_paper_lines(ex, lang), ""]
        if paper
        else [f"*{_t('answer_format', lang)}:* {answer_format(ex, lang)}"]
    )
    if ex.kind in ("number", "share"):
        parts.append(_t("tolerance", lang, tol=_fmt_number(ex.tolerance, lang)))
    elif ex.kind == "fields":
        tols = {_fmt_number(s.tolerance, lang): None for s in ex.fields.values() if s.kind in ("number", "share")}
        if len(tols) == 1:
            parts.append(_t("tolerance", lang, tol=next(iter(tols))))
        elif tols:
            parts.append(
                _t(
                    "tolerance",
                    lang,
                    tol=", ".join(
                        f"{_fmt_number(s.tolerance, lang)} ({pick(_FIELD_LABELS[k], lang)})"
                        for k, s in ex.fields.items()
                        if s.kind != "label"
                    ),
                )
            )
    if not paper:
        parts += ["", _t("how_to", lang, id=ex.id)]
    return Text("\n".join(parts))


show = task


def _text_value(ex: Exercise, key: str, value: Any, lang: str) -> str:
    spec = ex.text_fields[key]
    if spec.kind == "number":
        value = round(float(value), 2)
        return _fmt_number(value, lang, 0 if value == round(value) else 2)
    if spec.kind == "text":
        lines = [line.strip() for line in str(value).splitlines() if line.strip()]
        return lines[0] if len(lines) == 1 else "".join(f"\n  - {line}" for line in lines)
    values = [value] if isinstance(value, str) else sorted(value)
    return ", ".join(dict(_options(ex, spec, lang)).get(v, v) for v in values)


def _solution_text(ex: Exercise, lang: str) -> str:
    sol = ex.solution()
    if ex.kind == "text":
        model = {
            k: pick(ex.text(f"model_{k}"), lang) if f.kind == "text" else sol[k] for k, f in ex.text_fields.items()
        }
        lines = [f"- **{_field_label(ex, k, lang)}:** {_text_value(ex, k, v, lang)}" for k, v in model.items()]
        return _t("model_answer", lang) + "\n\n" + "\n".join(lines)
    if ex.kind == "share":
        return f"{_fmt_number(round(sol, 4), lang)} ({i18n.percent(sol, lang)})"
    if ex.kind == "number":
        return _fmt_number(sol, lang, ex.decimals)
    if ex.kind == "choice":
        return f"({sol}) {pick(ex.text(f'option_{sol}'), lang)}"
    if ex.kind == "label":
        return _label_shown(sol, ex.labels, lang)
    if ex.kind == "ids":
        return ", ".join(sorted(sol))
    if ex.kind == "mapping":
        return ", ".join(f"{k}: {v}" for k, v in sol.items())
    if ex.kind == "fields":
        out = []
        for k, v in sol.items():
            spec = ex.fields[k]
            shown = (
                _label_shown(v, spec.labels, lang)
                if spec.kind == "label"
                else (
                    f"{_fmt_number(round(v, 4), lang)} ({i18n.percent(v, lang)})"
                    if spec.kind == "share"
                    else _fmt_number(v, lang, 2 if v != round(v) else 0)
                )
            )
            out.append(f"{pick(_FIELD_LABELS[k], lang)} = {shown}")
        return "; ".join(out)
    return str(sol)


def show_solution(exercise_id: str, lang: str = "en", *, record: bool = True) -> Text:
    """The solution with the worked steps (only here does the solution appear). Recorded in the trainee's progress
    file unless ``record=False`` (a trainer building an answer key is no trainee looking up a solution)."""
    ex, lang = get(exercise_id), i18n.check_lang(lang)
    explanation = _fill(ex, "explanation", lang, ex.steps(dict(ex.inputs)))
    if record:
        progress.record(ex.id, "solution")
    text = f"**{_t('solution', lang)} {ex.id} · {pick(ex.text('title'), lang)}:** {_solution_text(ex, lang)}\n\n{explanation}"
    if ex.rubric:
        points = "\n".join(f"{n}. {pick(ex.text(f'rubric_{n}'), lang)}" for n in range(1, ex.rubric + 1))
        text += f"\n\n*{_t('rubric_head', lang)}*\n\n{points}"
    return Text(text)


def hint(exercise_id: str, lang: str = "en") -> Text:
    """The exercise's hint (a nudge, not the solution); recorded in the trainee's progress file."""
    ex, lang = get(exercise_id), i18n.check_lang(lang)
    progress.record(ex.id, "hint")
    return Text(f"💡 **{_t('hint', lang)} {ex.id}:** {_fill(ex, 'hint', lang)}")


def _options(ex: Exercise, spec: TextField, lang: str) -> tuple[tuple[str, str], ...]:
    """A text task's options as (value, shown label)."""
    if spec.label_table:
        return tuple((v, pick(i18n.table(spec.label_table)[v], lang)) for v in spec.options)
    return tuple((v, pick(ex.text(f"option_{v}"), lang) if spec.translated else v) for v in spec.options)


def form_fields(exercise_id: str, lang: str = "en") -> list[FormField]:
    """The inputs of the answer form: one field for a single value (key None), one per id of a mapping, one per
    entry of a dict answer or of a text task. Labels and option texts in ``lang``."""
    ex, lang = get(exercise_id), i18n.check_lang(lang)
    answer = _t("form_answer", lang)
    if ex.kind in ("number", "share"):
        return [FormField(None, ex.kind, answer)]
    if ex.kind == "choice":
        return [
            FormField(
                None, "choice", answer, tuple((o, f"({o}) {pick(ex.text(f'option_{o}'), lang)}") for o in ex.options)
            )
        ]
    if ex.kind == "label":
        return [FormField(None, "label", answer, tuple((c, _label_shown(c, ex.labels, lang)) for c in ex.labels))]
    if ex.kind == "ids":
        return [FormField(None, "ids", answer, tuple((i, i) for i in ex.ids))]
    if ex.kind == "mapping":
        return [FormField(i, "mapping-row", i, tuple((c, c) for c in ex.classes)) for i in ex.ids]
    if ex.kind == "fields":
        return [
            FormField(
                k,
                spec.kind,
                pick(_FIELD_LABELS[k], lang),
                tuple((c, _label_shown(c, spec.labels, lang)) for c in spec.labels),
            )
            for k, spec in ex.fields.items()
        ]
    return [FormField(k, f.kind, _field_label(ex, k, lang), _options(ex, f, lang)) for k, f in ex.text_fields.items()]


def _labels_text(labels: Mapping[str, tuple[str, ...]], lang: str) -> str:
    """The possible answers of a label answer as the feedback lists them, in ``lang``."""
    return ", ".join(_label_shown(c, labels, lang) for c in labels)


def _label_shown(canonical: str, labels: Mapping[str, tuple[str, ...]], lang: str) -> str:
    """A label as the form shows it in ``lang``: the catalogue's ``exercises.label_shown`` entry (bands, roles,
    axes) or the portfolio quadrant's label, else the canonical word."""
    shown = _LABEL_SHOWN.get(canonical) or i18n.QUADRANT_LABELS.get(canonical)
    return pick(shown, lang) if shown else canonical


def from_form(exercise_id: str, values: Mapping[str | None, object]) -> Any:
    """The answer :func:`check` accepts, from the form's values (keys as in :func:`form_fields`). Empty inputs are
    left out, so an empty form gives None and a half-filled one an incomplete answer."""
    ex = get(exercise_id)

    def filled(v: object) -> bool:
        return not _is_empty(v) and not (isinstance(v, (list, tuple, set, frozenset)) and not v)

    def clean(v: object) -> object:
        if isinstance(v, str):
            return v.strip()
        if isinstance(v, (set, frozenset, tuple)):
            return list(v)
        return v

    if ex.kind in ("number", "share", "choice", "label", "ids"):
        v = values.get(None)
        return clean(v) if filled(v) else None
    out = {k: clean(v) for k, v in values.items() if k is not None and filled(v)}
    return out or None


def solution(exercise_id: str) -> Any:
    """The solution value in the canonical answer shape (for tests and for trainers)."""
    return get(exercise_id).solution()


def check(exercise_id: str, answer: Any, lang: str = "en") -> Feedback:
    """Compare ``answer`` with the solution; diagnose the typical mistake when it is wrong. Never raises for an
    answer of the wrong shape (the feedback says what is expected); an unknown ``exercise_id`` is a KeyError."""
    ex, lang = get(exercise_id), i18n.check_lang(lang)
    feedback = _check(ex, answer, lang)
    progress.record(ex.id, "check", correct=feedback.correct, key=feedback.key)
    return feedback


def _field_label(ex: Exercise, key: str, lang: str) -> str:
    if ex.kind == "text":
        return pick(ex.text(f"field_{key}"), lang)
    return pick(_FIELD_LABELS[key], lang)


def _check_text(ex: Exercise, given: dict, lang: str) -> Feedback:
    """A text task: what the computer can check (every entry given, values allowed, the task's rules), then the
    rubric points the trainer judges."""

    def fb(key: str, message: str, correct: bool = False, rubric: tuple[str, ...] = ()) -> Feedback:
        return Feedback(ex.id, correct, key, message, lang, rubric)

    missing = [k for k in ex.text_fields if k not in given]
    if missing:
        return fb("incomplete", _t("incomplete", lang, missing=", ".join(_field_label(ex, k, lang) for k in missing)))
    for k, v in given.items():
        values = [v] if isinstance(v, str) else list(v) if isinstance(v, frozenset) else []
        unknown = sorted(x[1:] for x in values if x.startswith("?"))
        if unknown:
            return fb(
                "unknown_value",
                _t(
                    "unknown_value",
                    lang,
                    given=", ".join(unknown),
                    field=_field_label(ex, k, lang),
                    allowed=", ".join(
                        f"`{v}`" if v == shown else f"`{v}` ({shown})"
                        for v, shown in _options(ex, ex.text_fields[k], lang)
                    ),
                ),
            )
    inputs = dict(ex.inputs)
    for m in ex.mistakes:
        if m.detect is not None and m.detect(given, inputs):
            return fb(m.key, _fill(ex, f"mistake_{m.key}", lang))
    points = tuple(pick(ex.text(f"rubric_{n}"), lang) for n in range(1, ex.rubric + 1))
    message = _t("rubric", lang) + "\n\n" + "\n".join(f"{n}. {p}" for n, p in enumerate(points, 1))
    return fb("rubric", message, correct=True, rubric=points)


def _check(ex: Exercise, answer: Any, lang: str) -> Feedback:
    def fb(key: str, message: str, correct: bool = False) -> Feedback:
        return Feedback(ex.id, correct, key, message, lang)

    fmt = answer_format(ex, lang)
    if _is_empty(answer):
        return fb("empty", _t("empty", lang, format=fmt))
    extra = _extra_keys(ex, answer)
    if extra:
        return fb("extra_keys", _t("extra_keys", lang, keys=", ".join(f'`"{k}"`' for k in extra), format=fmt))
    try:
        given = _normalise(ex, answer, lang)
    except _WrongType:
        return fb("wrong_type", _t("wrong_type", lang, format=fmt, given=_describe_type(answer, lang)))
    if ex.kind == "text":
        return _check_text(ex, given, lang)
    sol = ex.solution()
    inputs = dict(ex.inputs)

    # answers that name things outside the task
    if ex.kind in ("label", "choice") and isinstance(given, str) and given.startswith("?"):
        if ex.kind == "label":
            return fb("unknown_label", _t("unknown_label", lang, given=given[1:], labels=_labels_text(ex.labels, lang)))
        return fb("unknown_option", _t("unknown_option", lang, given=given[1:], options=", ".join(ex.options)))
    if ex.kind == "ids":
        unknown = sorted(i[1:] for i in given if i.startswith("?"))
        if unknown:
            return fb("unknown_ids", _t("unknown_ids", lang, ids=", ".join(unknown)))
    if ex.kind == "mapping":
        unknown = sorted(k[1:] for k in given if k.startswith("?"))
        bad = sorted({v[1:] for v in given.values() if v.startswith("?")})
        if unknown:
            return fb("unknown_ids", _t("unknown_ids", lang, ids=", ".join(unknown)))
        if bad:
            return fb("unknown_label", _t("unknown_label", lang, given=", ".join(bad), labels=", ".join(ex.classes)))
        missing = [i for i in ex.ids if i not in given]
        if missing:
            return fb("incomplete", _t("incomplete", lang, missing=", ".join(missing)))
    if ex.kind == "fields":
        missing = [k for k in ex.fields if k not in given]
        if missing:
            return fb(
                "incomplete", _t("incomplete", lang, missing=", ".join(_field_label(ex, k, lang) for k in missing))
            )
        for k, v in given.items():
            if ex.fields[k].kind == "label" and isinstance(v, str) and v.startswith("?"):
                return fb(
                    "unknown_label",
                    _t("unknown_label", lang, given=v[1:], labels=_labels_text(ex.fields[k].labels, lang)),
                )

    if _same(ex, given, sol):
        return fb("correct", "", correct=True)

    # typical mistakes: first an exact match of the whole answer, then (for dicts) the wrong parts
    computed = [(m, _normalise_internal(ex, m.answer(inputs))) for m in ex.mistakes]
    for m, value in computed:
        if _same(ex, given, value):
            return fb(m.key, _fill(ex, f"mistake_{m.key}", lang))
    if ex.kind == "fields":
        wrong = [k for k in ex.fields if not _same(ex, given[k], sol[k], k)]
        for m, value in computed:
            if all(not _same(ex, value[k], sol[k], k) and _same(ex, given[k], value[k], k) for k in wrong):
                return fb(m.key, _fill(ex, f"mistake_{m.key}", lang))
        for k in wrong:
            spec = ex.fields[k]
            if spec.kind == "share" and _close(given[k], 100 * sol[k], 100 * spec.tolerance):
                return fb("percent_vs_fraction", _t("percent_vs_fraction", lang))
        right = [k for k in ex.fields if k not in wrong]
        if right:
            return fb(
                "partly",
                _t(
                    "partly",
                    lang,
                    right=", ".join(_field_label(ex, k, lang) for k in right),
                    wrong=", ".join(_field_label(ex, k, lang) for k in wrong),
                )
                + " "
                + _fill(ex, "hint", lang),
            )
    if ex.kind in ("number", "share"):
        if ex.kind == "share" and _close(given, 100 * sol, 100 * ex.tolerance):
            return fb("percent_vs_fraction", _t("percent_vs_fraction", lang))
        if abs(given - sol) <= NEAR_MISS * abs(sol):
            return fb("rounding", _t("rounding", lang))
    if ex.kind == "mapping":
        n = sum(given[i] != sol[i] for i in ex.ids)
        return fb("wrong", _t("n_wrong", lang, n=n, total=len(ex.ids)) + " " + _fill(ex, "hint", lang))
    if ex.kind == "ids":
        return fb(
            "wrong",
            _t("set_diff", lang, n_missing=len(sol - given), n_extra=len(given - sol)) + " " + _fill(ex, "hint", lang),
        )
    return fb("wrong", _fill(ex, "hint", lang))


def overview(lang: str = "en") -> pd.DataFrame:
    """All exercises: id, notebook, level and title."""
    lang = i18n.check_lang(lang)
    rows = [
        {
            "id": ex.id,
            "notebook": ex.notebook,
            "level": pick(LEVELS[ex.level], lang),
            "title": pick(ex.text("title"), lang),
        }
        for ex in map(get, ids())
    ]
    return pd.DataFrame(rows).set_index("id")
