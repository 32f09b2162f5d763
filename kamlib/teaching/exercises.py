"""Exercises for trainees: small fixed tasks per step notebook, a checker that diagnoses typical mistakes.

Every exercise works on small inputs stated in its own task text, so it runs offline and always gives the
same result. The checker compares an answer with the solution and, when it is wrong, with what each
*typical mistake* would produce (computed from the same inputs, not hard-coded), and names the mistake.
It never shows the solution; :func:`show_solution` does, on request.

* :func:`show` (alias :func:`task`) -- the task with its inputs and the expected answer format;
* :func:`check` -- a :class:`Feedback` (``correct``, ``key`` of the diagnosis, ``message``);
* :func:`show_solution` -- the solution with the worked steps;
* :func:`overview` -- all exercises as a table.

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

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kamlib import i18n, selection
from kamlib.clv import contractual_clv
from kamlib.i18n import pick
from kamlib.profile import win_probability
from kamlib.review import band as health_band

Pair = tuple[str, str]  # (English, German)

LEVELS: dict[str, tuple[str, str]] = i18n.table("exercises.levels")
REL_TOL = 0.005  # 0.5 % of the solution
NEAR_MISS = 0.03  # within 3 % but outside the tolerance: "rounded too early"

_TEXTS: dict[str, tuple[str, str]] = i18n.table("exercises.texts")

_FORMATS: dict[str, tuple[str, str]] = i18n.table("exercises.formats")


def _t(key: str, lang: str, **values: object) -> str:
    text = pick(_TEXTS[key], lang)
    return text.format(**values) if values else text


# =========================================================================== data structures


@dataclass(frozen=True)
class Mistake:
    """A typical wrong approach: ``answer(inputs)`` is what a trainee making it would answer."""

    key: str
    hint: Pair
    answer: Callable[[dict], Any]


@dataclass(frozen=True)
class FieldSpec:
    """One entry of a dict answer: its kind (number, share, label) and the names accepted for it."""

    kind: str
    aliases: tuple[str, ...] = ()
    label: Pair = ("", "")
    tolerance: float = 0.0
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Exercise:
    """One exercise. ``prompt``, hints and ``explanation`` are (English, German) templates filled with
    the formatted ``inputs`` (and for the explanation also with ``steps(inputs)``)."""

    id: str
    level: str
    title: Pair
    prompt: Pair
    kind: str  # number, share, label, choice, ids, mapping, fields
    inputs: Mapping[str, Any]
    solve: Callable[[dict], Any]
    mistakes: tuple[Mistake, ...]
    hint: Pair
    explanation: Pair
    steps: Callable[[dict], dict] = lambda x: {}
    tolerance: float = 0.0
    decimals: int = 2
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # label: canonical -> synonyms
    options: Mapping[str, Pair] = field(default_factory=dict)  # choice: letter -> text
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    ids: tuple[str, ...] = ()  # ids / mapping: the ids of the task
    classes: tuple[str, ...] = ()  # mapping: allowed classes
    tables: Callable[[dict, str], dict] = lambda x, lang: {}

    @property
    def notebook(self) -> str:
        return self.id.split(".")[0]

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

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        head = _t("correct" if self.correct else "not_yet", self.lang)
        return f"{_t('exercise', self.lang)} {self.exercise_id}: {head} {self.message}".rstrip()

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        mark = "✅" if self.correct else ("✏️" if self.key == "empty" else "❌")
        head = _t("correct" if self.correct else "not_yet", self.lang)
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


def _parse_choice(value: Any, options: Mapping[str, Pair]) -> str:
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
    if isinstance(value, pd.Series):
        value = value.to_dict()
    if isinstance(value, (list, tuple)) and len(value) == len(ex.fields):  # values in the order of the keys
        value = dict(zip(ex.fields, value))
    if not isinstance(value, Mapping):
        raise _WrongType
    out: dict[str, Any] = {}
    for k, v in value.items():
        key = _field_key(k, ex)
        if key is None or _is_empty(v):
            continue
        spec = ex.fields[key]
        out[key] = _parse_label(v, spec.labels) if spec.kind == "label" else _parse_number(v, lang)
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
    raise ValueError(f"unknown exercise kind {ex.kind!r}")


def _normalise_internal(ex: Exercise, value: Any) -> Any:
    """Solutions and mistake answers are produced in canonical form already; only make them hashable/comparable."""
    if ex.kind == "ids":
        return frozenset(value)
    if ex.kind in ("number", "share"):
        return float(value)
    if ex.kind == "fields":
        return {k: (float(v) if ex.fields[k].kind != "label" else v) for k, v in value.items()}
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
        keys = ", ".join(f'"{k}"' for k in ex.fields)
        example = ", ".join(f'"{k}": ...' for k in ex.fields)
        return template.format(keys=keys, example=example)
    return template


# =========================================================================== the catalogue

_EXERCISES: dict[str, Exercise] = {}


def _register(ex: Exercise) -> Exercise:
    if ex.id in _EXERCISES:
        raise ValueError(f"duplicate exercise id {ex.id}")
    if ex.level not in LEVELS:
        raise ValueError(f"exercise {ex.id}: unknown level {ex.level!r}")
    _EXERCISES[ex.id] = ex
    return ex


def _md_table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _choice_table(options: Mapping[str, Pair], lang: str) -> str:
    return "\n".join(f"* ({k}) {pick(v, lang)}" for k, v in options.items())


def _answers(letter: str) -> Callable[[dict], str]:
    """The answer of whoever picks ``letter``, whatever the inputs."""
    return lambda x: letter


def _choice(
    *,
    id: str,
    level: str,
    title: Pair,
    prompt: Pair,
    options: Mapping[str, Pair],
    answer: str,
    wrong: Mapping[str, tuple[str, Pair]],
    hint: Pair,
    explanation: Pair,
) -> Exercise:
    """A multiple-choice exercise: ``options`` by letter (listed where the prompt says ``{options}``), the letter
    of the right ``answer`` and, per wrong letter, the mistake that choosing it shows (key, hint)."""
    return Exercise(
        id=id,
        level=level,
        title=title,
        prompt=prompt,
        kind="choice",
        inputs={},
        options=options,
        solve=_answers(answer),
        mistakes=tuple(Mistake(key, text, _answers(letter)) for letter, (key, text) in wrong.items()),
        hint=hint,
        explanation=explanation,
        tables=lambda x, lang: {"options": _choice_table(options, lang)},
    )


# --------------------------------------------------------------------------- 00 start here

_register(
    _choice(
        id="00.1",
        level="recall",
        title=("What KAM is", "Was KAM ist"),
        prompt=(
            "Which statement describes Key Account Management best?\n\n{options}",
            "Welche Aussage beschreibt Key Account Management am besten?\n\n{options}",
        ),
        options={
            "a": (
                "Winning as many new customers as possible with one standard offer.",
                "Möglichst viele Neukunden mit einem einheitlichen Angebot gewinnen.",
            ),
            "b": (
                "Organised, long-term care of a few customers that matter by revenue and by strategic value "
                "(reference, growth, know-how).",
                "Die organisierte, langfristige Betreuung weniger Kunden, die durch Umsatz und strategischen Wert "
                "(Referenz, Wachstum, Know-how) wichtig sind.",
            ),
            "c": (
                "Giving the largest customers the largest discounts.",
                "Den größten Kunden die höchsten Rabatte geben.",
            ),
            "d": (
                "Looking after every customer with the most intensive care possible.",
                "Jeden Kunden so intensiv wie möglich betreuen.",
            ),
        },
        answer="b",
        wrong={
            "a": (
                "hunter_only",
                (
                    "That is acquisition, the 'hunter' side of selling. KAM keeps and develops a few existing "
                    "relationships over years; winning new business is only part of it.",
                    "Das ist Neukundengewinnung, die 'Hunter'-Seite des Verkaufs. KAM pflegt und entwickelt "
                    "wenige bestehende Beziehungen über Jahre; Neugeschäft ist nur ein Teil davon.",
                ),
            ),
            "c": (
                "discounts",
                (
                    "Discounts are a cost: they lower net revenue and every contribution margin below it. "
                    "Size alone does not make a key account, and buying loyalty with price is not KAM.",
                    "Rabatte sind Kosten: sie senken den Nettoumsatz und jeden Deckungsbeitrag darunter. Größe "
                    "allein macht keinen Schlüsselkunden, und Treue mit Preisnachlässen zu kaufen ist kein KAM.",
                ),
            ),
            "d": (
                "max_care",
                (
                    "Care has an optimum (source 000): very intensive care can cost more than it returns, and "
                    "a KAM can look after only a handful of accounts.",
                    "Betreuung hat ein Optimum (Quelle 000): sehr intensive Betreuung kann mehr kosten, als sie "
                    "einbringt, und ein KAM kann nur eine Handvoll Kunden betreuen.",
                ),
            ),
        },
        hint=("Think of focus, depth and duration.", "Denken Sie an Fokus, Tiefe und Dauer."),
        explanation=(
            "KAM concentrates organised, long-term care on the few customers that matter, by revenue and by "
            "strategic value such as their reference effect (section 1).",
            "KAM konzentriert organisierte, langfristige Betreuung auf die wenigen Kunden, die zählen – durch "
            "Umsatz und durch strategischen Wert wie ihre Referenzwirkung (Abschnitt 1).",
        ),
    )
)


def _abc(
    values: dict[str, float], cutoffs=(0.8, 0.95), *, ascending=False, strict=False, before=False
) -> dict[str, str]:
    """ABC classes the way a trainee might compute them (the mistakes); the solution uses selection.abc_classes."""
    s = pd.Series(values, dtype=float).sort_values(ascending=ascending, kind="stable")
    cum = s.cumsum() / s.sum()
    if before:
        cum = cum - s / s.sum()
    a, b = cutoffs
    out: dict[str, str] = {}
    for k, c in cum.items():
        key = str(k)  # the account ids, the keys of values
        c = round(float(c), 12)
        if (c < a) if strict else (c <= a):
            out[key] = "A"
        elif (c < b) if strict else (c <= b):
            out[key] = "B"
        else:
            out[key] = "C"
    return out


_REV_00_2 = {
    "K1": 400_000,
    "K2": 250_000,
    "K3": 150_000,
    "K4": 80_000,
    "K5": 50_000,
    "K6": 40_000,
    "K7": 20_000,
    "K8": 10_000,
}


def _revenue_table(x: dict, lang: str, key: str = "revenue") -> str:
    head = ["account", "revenue (EUR)"] if lang == "en" else ["Kunde", "Umsatz (EUR)"]
    return _md_table(head, [[k, _fmt_number(v, lang)] for k, v in x[key].items()])


_register(
    Exercise(
        id="00.2",
        level="apply",
        title=("ABC classes by hand", "ABC-Klassen von Hand"),
        prompt=(
            "Classify the eight accounts into A, B and C. Cut-offs on the cumulative share of revenue: A up to and "
            "including 80 %, B up to and including 95 %, C the rest.\n\n{table}",
            "Ordnen Sie die acht Kunden den Klassen A, B und C zu. Grenzen auf dem kumulierten Umsatzanteil: A bis "
            "einschließlich 80 %, B bis einschließlich 95 %, C der Rest.\n\n{table}",
        ),
        kind="mapping",
        inputs={"revenue": _REV_00_2},
        ids=tuple(_REV_00_2),
        classes=("A", "B", "C"),
        solve=lambda x: selection.abc_classes(pd.Series(x["revenue"], dtype=float))["abc"].to_dict(),
        mistakes=(
            Mistake(
                "ascending",
                (
                    "You sorted from the smallest account up. ABC starts with the largest account: sort by "
                    "revenue descending, then accumulate.",
                    "Sie haben beim kleinsten Kunden begonnen. ABC beginnt beim größten Kunden: absteigend "
                    "nach Umsatz sortieren, dann kumulieren.",
                ),
                lambda x: _abc(x["revenue"], ascending=True),
            ),
            Mistake(
                "cum_before",
                (
                    "You used the cumulative share *before* adding the account. The cumulative share of an "
                    "account includes its own revenue.",
                    "Sie haben den kumulierten Anteil *vor* dem Kunden verwendet. Der kumulierte Anteil eines "
                    "Kunden enthält seinen eigenen Umsatz.",
                ),
                lambda x: _abc(x["revenue"], before=True),
            ),
            Mistake(
                "strict_cutoff",
                (
                    "An account exactly on a cut-off belongs to the higher class: the cut-offs are "
                    "'up to and including'.",
                    "Ein Kunde genau auf einer Grenze gehört in die höhere Klasse: die Grenzen gelten "
                    "'bis einschließlich'.",
                ),
                lambda x: _abc(x["revenue"], strict=True),
            ),
        ),
        hint=(
            "Sort descending, compute each account's share of the total, accumulate, then compare with the cut-offs.",
            "Absteigend sortieren, Anteil jedes Kunden am Gesamtumsatz berechnen, kumulieren, dann mit den Grenzen "
            "vergleichen.",
        ),
        explanation=(
            "Total {total}. Cumulative shares from the largest account: {cum}. Up to and including 80 % is A, up "
            "to and including 95 % is B, the rest C.",
            "Summe {total}. Kumulierte Anteile ab dem größten Kunden: {cum}. Bis einschließlich 80 % A, bis "
            "einschließlich 95 % B, der Rest C.",
        ),
        steps=lambda x: {
            "total": sum(x["revenue"].values()),
            "cum": selection.abc_classes(pd.Series(x["revenue"], dtype=float))["cum_share"].to_dict(),
        },
        tables=lambda x, lang: {"table": _revenue_table(x, lang)},
    )
)

_REV_00_3 = {
    "K01": 520_000,
    "K02": 310_000,
    "K03": 150_000,
    "K04": 120_000,
    "K05": 90_000,
    "K06": 80_000,
    "K07": 60_000,
    "K08": 40_000,
    "K09": 30_000,
    "K10": 20_000,
    "K11": 15_000,
    "K12": 5_000,
}


def _top(values: dict, k: int, *, largest: bool = True) -> float:
    s = sorted(values.values(), reverse=largest)
    return sum(s[:k]) / sum(s)


_register(
    Exercise(
        id="00.3",
        level="apply",
        title=("Top-20 % share", "Anteil der Top 20 %"),
        prompt=(
            "Twelve accounts. Which share of total revenue do the top 20 % of the accounts bring? (20 % of the accounts, "
            "rounded **up** to whole accounts.)\n\n{table}",
            "Zwölf Kunden. Welchen Anteil am Gesamtumsatz bringen die besten 20 % der Kunden? (20 % der Kunden, auf "
            "ganze Kunden **auf**gerundet.)\n\n{table}",
        ),
        kind="share",
        inputs={"revenue": _REV_00_3},
        tolerance=0.002,
        solve=lambda x: selection.top_share(pd.Series(x["revenue"], dtype=float), fraction=0.2),
        mistakes=(
            Mistake(
                "rounded_down",
                (
                    "20 % of 12 accounts is 2.4: round up to whole accounts, not down.",
                    "20 % von 12 Kunden sind 2,4: auf ganze Kunden aufrunden, nicht abrunden.",
                ),
                lambda x: _top(x["revenue"], 2),
            ),
            Mistake(
                "bottom",
                (
                    "You took the smallest accounts. The top 20 % are the largest ones.",
                    "Sie haben die kleinsten Kunden genommen. Die Top 20 % sind die größten.",
                ),
                lambda x: _top(x["revenue"], 3, largest=False),
            ),
            Mistake(
                "ratio_to_rest",
                (
                    "You divided by the revenue of the *other* accounts. A share divides by the total.",
                    "Sie haben durch den Umsatz der *übrigen* Kunden geteilt. Ein Anteil teilt durch die Summe aller.",
                ),
                lambda x: (lambda s: s / (1 - s))(_top(x["revenue"], 3)),
            ),
        ),
        hint=(
            "Count the accounts that make 20 %, add their revenue, divide by the total.",
            "Zählen Sie, wie viele Kunden 20 % sind, addieren Sie deren Umsatz und teilen Sie durch die Summe.",
        ),
        explanation=(
            "20 % of 12 accounts = 2.4, rounded up to {k} accounts. Their revenue {top} of {total} gives the share.",
            "20 % von 12 Kunden = 2,4, aufgerundet {k} Kunden. Ihr Umsatz {top} von {total} ergibt den Anteil.",
        ),
        steps=lambda x: {
            "k": 3,
            "top": sum(sorted(x["revenue"].values(), reverse=True)[:3]),
            "total": sum(x["revenue"].values()),
        },
        tables=lambda x, lang: {"table": _revenue_table(x, lang)},
    )
)

_REV_00_4 = {"K1": 60, "K2": 25, "K3": 10, "K4": 5}


def _gini_variant(values: dict, *, ascending=False, constant=True, raw=False) -> float:
    s = sorted(values.values(), reverse=not ascending)
    n, total = len(s), sum(s)
    shares = s if raw else [v / total for v in s]
    weighted = sum((i + 1) * v for i, v in enumerate(shares))
    return ((n + 1) / n if constant else 1.0) - 2.0 / n * weighted


_register(
    Exercise(
        id="00.4",
        level="apply",
        title=("Gini coefficient", "Gini-Koeffizient"),
        prompt=(
            "Four accounts with revenue (in thousand EUR) {revenue}. Compute the (not normalised) Gini coefficient "
            "G = (n+1)/n − (2/n)·Σ i·sᵢ, with the revenue shares sᵢ sorted **descending** (i = 1 for the largest).",
            "Vier Kunden mit Umsatz (in Tausend EUR) {revenue}. Berechnen Sie den (nicht normierten) Gini-Koeffizienten "
            "G = (n+1)/n − (2/n)·Σ i·sᵢ, mit den Umsatzanteilen sᵢ **absteigend** sortiert (i = 1 für den größten).",
        ),
        kind="share",
        inputs={"revenue": _REV_00_4},
        tolerance=0.005,
        solve=lambda x: selection.gini(pd.Series(x["revenue"], dtype=float)),
        mistakes=(
            Mistake(
                "normalised",
                (
                    "That is the normalised G* = G·n/(n−1). The task asks for the plain G.",
                    "Das ist der normierte G* = G·n/(n−1). Gefragt ist der einfache G.",
                ),
                lambda x: selection.gini(pd.Series(x["revenue"], dtype=float), normalised=True),
            ),
            Mistake(
                "ascending",
                (
                    "With the shares sorted ascending the formula gives a negative number: i = 1 must be the "
                    "largest share.",
                    "Mit aufsteigend sortierten Anteilen ergibt die Formel eine negative Zahl: i = 1 muss der "
                    "größte Anteil sein.",
                ),
                lambda x: _gini_variant(x["revenue"], ascending=True),
            ),
            Mistake(
                "constant",
                ("The first term is (n+1)/n, not 1.", "Der erste Term ist (n+1)/n, nicht 1."),
                lambda x: _gini_variant(x["revenue"], constant=False),
            ),
            Mistake(
                "raw_values",
                (
                    "Use revenue *shares* (each revenue divided by the total), not the revenues themselves.",
                    "Verwenden Sie Umsatz*anteile* (jeden Umsatz durch die Summe geteilt), nicht die Umsätze selbst.",
                ),
                lambda x: _gini_variant(x["revenue"], raw=True),
            ),
        ),
        hint=(
            "Shares first (divide by the total), sort them descending, then Σ i·sᵢ.",
            "Zuerst Anteile (durch die Summe teilen), absteigend sortieren, dann Σ i·sᵢ.",
        ),
        explanation=(
            "Shares {shares}; Σ i·sᵢ = {sum}; G = 5/4 − 2/4 · {sum}.",
            "Anteile {shares}; Σ i·sᵢ = {sum}; G = 5/4 − 2/4 · {sum}.",
        ),
        steps=lambda x: {
            "shares": [v / sum(x["revenue"].values()) for v in x["revenue"].values()],
            "sum": sum(
                (i + 1) * v / sum(x["revenue"].values())
                for i, v in enumerate(sorted(x["revenue"].values(), reverse=True))
            ),
        },
        tables=lambda x, lang: {"revenue": ", ".join(f"{k} {v}" for k, v in x["revenue"].items())},
    )
)

# --------------------------------------------------------------------------- 01 account selection

_register(
    _choice(
        id="01.1",
        level="recall",
        title=("The selection rule of source 004", "Die Auswahlregel aus Quelle 004"),
        prompt=(
            "How does source 004 (KMU magazine) recommend choosing key accounts?\n\n{options}",
            "Wie empfiehlt Quelle 004 (KMU-Magazin), Schlüsselkunden auszuwählen?\n\n{options}",
        ),
        options={
            "a": (
                "An account must meet all six criteria of source 001.",
                "Ein Kunde muss alle sechs Kriterien aus Quelle 001 erfüllen.",
            ),
            "b": (
                "Formulate three or four criteria; a candidate meets at least two; select provisionally, then "
                "definitively after a detailed review.",
                "Drei bis vier Kriterien formulieren; ein Kandidat erfüllt mindestens zwei; erst provisorisch, nach "
                "genauer Prüfung definitiv auswählen.",
            ),
            "c": (
                "Revenue above the average decides on its own.",
                "Ein überdurchschnittlicher Umsatz entscheidet allein.",
            ),
            "d": (
                "Every account of ABC class A or B becomes a key account at once.",
                "Jeder Kunde der ABC-Klasse A oder B wird sofort Schlüsselkunde.",
            ),
        },
        answer="b",
        wrong={
            "a": (
                "all_criteria",
                (
                    "Hardly any customer meets every criterion, and six criteria dilute the decision.",
                    "Kaum ein Kunde erfüllt jedes Kriterium, und sechs Kriterien verwässern die Entscheidung.",
                ),
            ),
            "c": (
                "revenue_only",
                (
                    "Revenue is only one criterion; lifetime value, growth, reference value and the "
                    "relationship count too.",
                    "Umsatz ist nur ein Kriterium; Kundenlebenszeitwert, Wachstum, Referenzwert und die "
                    "Beziehung zählen ebenfalls.",
                ),
            ),
            "d": (
                "too_many",
                (
                    "That makes far too many key accounts, without a review. Source 001 warns: adding an "
                    "account later is easier than taking the status away.",
                    "Das ergibt viel zu viele Schlüsselkunden, ohne Prüfung. Quelle 001 warnt: später "
                    "aufzunehmen ist leichter, als den Status wieder zu entziehen.",
                ),
            ),
        },
        hint=(
            "How many criteria, how many met, and in how many steps?",
            "Wie viele Kriterien, wie viele erfüllt, in wie vielen Schritten?",
        ),
        explanation=(
            "Three or four criteria, at least two met, then rank; provisional first, definitive after checking "
            "status, revenue and capacity (notebook 01, sections 3 and 6).",
            "Drei bis vier Kriterien, mindestens zwei erfüllt, dann Rangfolge; zuerst provisorisch, definitiv nach "
            "Prüfung von Status, Umsatz und Kapazität (Notebook 01, Abschnitte 3 und 6).",
        ),
    )
)

_CRIT = ("revenue_share", "lifetime_value", "growth_potential", "relationship")
_SCORES_01_2 = {
    "K1": (9.0, 8.0, 3.0, 5.0),
    "K2": (7.0, 4.0, 6.0, 2.0),
    "K3": (6.0, 7.0, 7.0, 9.0),
    "K4": (5.0, 6.0, 9.0, 4.0),
    "K5": (8.0, 3.0, 2.0, 7.0),
    "K6": (6.5, 6.9, 6.0, 6.8),
}
_WEIGHTS = {"revenue_share": 0.35, "lifetime_value": 0.25, "growth_potential": 0.2, "relationship": 0.2}


def _met(x: dict, *, strict=False, at_least=2) -> list[str]:
    t = x["threshold"]
    return [k for k, s in x["scores"].items() if sum((v > t) if strict else (v >= t - 1e-9) for v in s) >= at_least]


def _scores_table(x: dict, lang: str) -> str:
    head = ["account" if lang == "en" else "Kunde"] + [i18n.criterion_label(c, lang) for c in _CRIT]
    return _md_table(head, [[k, *(_fmt_number(v, lang) for v in s)] for k, s in x["scores"].items()])


_register(
    Exercise(
        id="01.2",
        level="apply",
        title=("The '≥ 2 criteria' rule", "Die Regel 'mindestens 2 Kriterien'"),
        prompt=(
            "Scores 0-10 of six accounts on four criteria. A criterion is met when its score reaches the threshold "
            "{threshold} (score ≥ threshold). Which accounts meet **at least two** criteria?\n\n{table}",
            "Scores 0-10 von sechs Kunden auf vier Kriterien. Ein Kriterium ist erfüllt, wenn der Score die Schwelle "
            "{threshold} erreicht (Score ≥ Schwelle). Welche Kunden erfüllen **mindestens zwei** Kriterien?\n\n{table}",
        ),
        kind="ids",
        inputs={"scores": _SCORES_01_2, "threshold": 7.0, "weights": _WEIGHTS},
        ids=tuple(_SCORES_01_2),
        solve=lambda x: _met(x),
        mistakes=(
            Mistake(
                "strict",
                (
                    "A score exactly on the threshold meets the criterion: 'reaches' means ≥, not >.",
                    "Ein Score genau auf der Schwelle erfüllt das Kriterium: 'erreicht' heißt ≥, nicht >.",
                ),
                lambda x: _met(x, strict=True),
            ),
            Mistake(
                "at_least_one",
                (
                    "You included accounts that meet only one criterion; the rule asks for two.",
                    "Sie haben Kunden aufgenommen, die nur ein Kriterium erfüllen; die Regel verlangt zwei.",
                ),
                lambda x: _met(x, at_least=1),
            ),
            Mistake(
                "weighted_score",
                (
                    "You compared the weighted score with the threshold. The rule counts criteria met "
                    "first; the weighted score only ranks the candidates afterwards.",
                    "Sie haben den gewichteten Score mit der Schwelle verglichen. Die Regel zählt zuerst "
                    "die erfüllten Kriterien; der gewichtete Score ordnet die Kandidaten erst danach.",
                ),
                lambda x: [
                    k
                    for k, s in x["scores"].items()
                    if sum(w * v for w, v in zip(x["weights"].values(), s)) >= x["threshold"]
                ],
            ),
        ),
        hint=("For each account count the scores ≥ the threshold.", "Zählen Sie je Kunde die Scores ≥ Schwelle."),
        explanation=(
            "Criteria met per account: {counts}. Accounts with two or more pass the rule.",
            "Erfüllte Kriterien je Kunde: {counts}. Kunden mit zwei oder mehr erfüllen die Regel.",
        ),
        steps=lambda x: {"counts": {k: sum(v >= x["threshold"] for v in s) for k, s in x["scores"].items()}},
        tables=lambda x, lang: {"table": _scores_table(x, lang)},
    )
)

_SCORES_01_3 = {"revenue_share": 8.0, "lifetime_value": 6.0, "growth_potential": 9.0, "relationship": 4.0}


def _weights_text(x: dict, lang: str) -> str:
    return ", ".join(f"{i18n.criterion_label(c, lang)} {_fmt_number(w, lang)}" for c, w in x["weights"].items())


def _account_scores_text(x: dict, lang: str) -> str:
    return ", ".join(f"{i18n.criterion_label(c, lang)} {_fmt_number(v, lang)}" for c, v in x["scores"].items())


_register(
    Exercise(
        id="01.3",
        level="apply",
        title=("Weighted score", "Gewichteter Score"),
        prompt=(
            "Weights: {weights_text}. Scores of one account: {scores_text}. Compute its weighted score "
            "S = Σ wᵢ·xᵢ (0-10).",
            "Gewichte: {weights_text}. Scores eines Kunden: {scores_text}. Berechnen Sie seinen gewichteten Score "
            "S = Σ wᵢ·xᵢ (0-10).",
        ),
        kind="number",
        inputs={"weights": _WEIGHTS, "scores": _SCORES_01_3},
        tolerance=0.02,
        solve=lambda x: float(selection.weighted_score(pd.DataFrame([x["scores"]]), pd.Series(x["weights"])).iloc[0]),
        mistakes=(
            Mistake(
                "unweighted_mean",
                (
                    "That is the plain mean of the scores; multiply each score by its weight first.",
                    "Das ist der einfache Mittelwert der Scores; multiplizieren Sie jeden Score zuerst "
                    "mit seinem Gewicht.",
                ),
                lambda x: sum(x["scores"].values()) / len(x["scores"]),
            ),
            Mistake(
                "percent_weights",
                (
                    "You used the weights as percentages (35 instead of 0.35): the weights add up to 1, "
                    "so S stays on the 0-10 scale.",
                    "Sie haben die Gewichte als Prozent verwendet (35 statt 0,35): die Gewichte ergeben "
                    "zusammen 1, damit bleibt S auf der Skala 0-10.",
                ),
                lambda x: sum(100 * x["weights"][c] * v for c, v in x["scores"].items()),
            ),
            Mistake(
                "sum_of_scores",
                ("You added the scores without weights.", "Sie haben die Scores ohne Gewichte addiert."),
                lambda x: sum(x["scores"].values()),
            ),
        ),
        hint=(
            "Multiply each score by its weight and add.",
            "Jeden Score mit seinem Gewicht multiplizieren und addieren.",
        ),
        explanation=(
            "S = {terms}, the sum of the weighted scores; it stays on the 0-10 scale because the weights add up to 1.",
            "S = {terms}, die Summe der gewichteten Scores; sie bleibt auf der Skala 0-10, weil die Gewichte "
            "zusammen 1 ergeben.",
        ),
        steps=lambda x: {"terms": " + ".join(f"{x['weights'][c]}·{v}" for c, v in x["scores"].items())},
        tables=lambda x, lang: {"weights_text": _weights_text(x, lang), "scores_text": _account_scores_text(x, lang)},
    )
)


def _quadrant(attractiveness: float, strength: float, split: float = 5.0) -> str:
    """The portfolio quadrant by the rule of selection.portfolio_position (on the line counts as high)."""
    high, strong = attractiveness >= split, strength >= split
    return "strategic" if high and strong else "star" if high else "status" if strong else "streamline"


_QUADRANT_SYNONYMS = {
    "strategic": ("strategisch", "strategic account", "strategischer Kunde"),
    "star": ("stern",),
    "status": ("halten", "maintain"),
    "streamline": ("straffen", "streamlining"),
}

_register(
    Exercise(
        id="01.4",
        level="analyse",
        title=("Place an account in the portfolio matrix", "Einen Kunden in der Portfolio-Matrix einordnen"),
        prompt=(
            "An account scores {attractiveness} on attractiveness to us and {strength} on the strength of our "
            "relationship (both 0-10; high means ≥ {split}). In which quadrant does it belong (strategic, star, status, "
            "streamline)? Then think about what that means for the care it should get.",
            "Ein Kunde erreicht {attractiveness} bei der Attraktivität für uns und {strength} bei der Stärke unserer "
            "Beziehung (beide 0-10; hoch heißt ≥ {split}). In welchen Quadranten gehört er (strategic, star, status, "
            "streamline)? Überlegen Sie dann, was das für seine Betreuung bedeutet.",
        ),
        kind="label",
        inputs={"attractiveness": 7.2, "strength": 3.5, "split": 5.0},
        labels=_QUADRANT_SYNONYMS,
        solve=lambda x: _quadrant(x["attractiveness"], x["strength"], x["split"]),
        mistakes=(
            Mistake(
                "axes_swapped",
                (
                    "You swapped the axes: {attractiveness} is the attractiveness, {strength} the strength.",
                    "Sie haben die Achsen vertauscht: {attractiveness} ist die Attraktivität, {strength} die Stärke.",
                ),
                lambda x: _quadrant(x["strength"], x["attractiveness"], x["split"]),
            ),
            Mistake(
                "attractiveness_only",
                (
                    "Strategic needs both axes high; the relationship is still weak here.",
                    "Strategisch verlangt beide Achsen hoch; die Beziehung ist hier noch schwach.",
                ),
                lambda x: _quadrant(x["attractiveness"], 10.0, x["split"]),
            ),
            Mistake(
                "strength_only",
                (
                    "Streamline means low attractiveness, but this account is attractive to us.",
                    "Streamline heißt geringe Attraktivität, aber dieser Kunde ist für uns attraktiv.",
                ),
                lambda x: _quadrant(0.0, x["strength"], x["split"]),
            ),
        ),
        hint=(
            "Attractiveness decides high/low on one axis, strength on the other.",
            "Die Attraktivität entscheidet hoch/niedrig auf der einen Achse, die Stärke auf der anderen.",
        ),
        explanation=(
            "Attractiveness {attractiveness} ≥ {split} is high, strength {strength} < {split} is low: high "
            "attractiveness with a weak relationship. Strategy: invest selectively to build the relationship; the "
            "account need not be profitable yet (notebook 01, section 7).",
            "Attraktivität {attractiveness} ≥ {split} ist hoch, Stärke {strength} < {split} ist niedrig: hohe "
            "Attraktivität bei schwacher Beziehung. Strategie: selektiv investieren, um die Beziehung aufzubauen; "
            "der Kunde muss noch nicht profitabel sein (Notebook 01, Abschnitt 7).",
        ),
    )
)

# --------------------------------------------------------------------------- 02 account profile

_ROLES = {
    "user": ("users", "Anwender", "Nutzer", "Verwender"),
    "influencer": ("influencers", "Beeinflusser", "Einflussnehmer"),
    "buyer": ("buyers", "Einkäufer", "Käufer"),
    "decider": ("deciders", "decision maker", "Entscheider", "Entscheidungsträger"),
    "gatekeeper": ("gatekeepers", "Informationsselektierer", "Torwächter"),
    "initiator": ("initiators", "Initiator", "Initiatoren"),
    "approver": ("approvers", "Genehmiger", "Freigeber"),
}
_CLASSIC = ("user", "influencer", "buyer", "decider", "gatekeeper")
_CONTACTS_02_1 = {
    "Anna Berger": "user",
    "Ben Krause": "buyer",
    "Carla Roth": "influencer",
    "Dieter Vogel": "gatekeeper",
    "Eva Lang": "initiator",
}


_ROLE_DE = {"user": "Anwender", "influencer": "Beeinflusser", "buyer": "Einkäufer", "gatekeeper": "Gatekeeper"}


def _present_role_mistake(role: str) -> Mistake:
    return Mistake(
        f"present_{role}",
        (
            "That role is covered: {" + role + "_contact} is the " + role + ".",
            "Diese Rolle ist besetzt: {" + role + "_contact} ist " + _ROLE_DE[role] + " (" + role + ").",
        ),
        lambda x: role,
    )  # role is this function's argument: no late-binding surprise


_register(
    Exercise(
        id="02.1",
        level="analyse",
        title=("The buying-center gap", "Die Lücke im Buying Center"),
        prompt=(
            "The contacts we know at a customer and their buying roles:\n\n{table}\n\nWhich of the **five classic** "
            "buying-center roles of Webster & Wind (user, influencer, buyer, decider, gatekeeper) has nobody? Answer "
            "with the role.",
            "Die Ansprechpartner, die wir bei einem Kunden kennen, und ihre Rollen:\n\n{table}\n\nWelche der **fünf "
            "klassischen** Buying-Center-Rollen nach Webster & Wind (user, influencer, buyer, decider, gatekeeper) ist "
            "nicht besetzt? Antworten Sie mit der Rolle.",
        ),
        kind="label",
        inputs={"contacts": _CONTACTS_02_1},
        labels=_ROLES,
        solve=lambda x: next(r for r in _CLASSIC if r not in x["contacts"].values()),
        mistakes=(
            Mistake(
                "not_classic",
                (
                    "Approvers (and initiators) were added to the model later; the question asks for the "
                    "five classic roles.",
                    "Genehmiger (und Initiatoren) kamen später zum Modell hinzu; gefragt sind die fünf "
                    "klassischen Rollen.",
                ),
                lambda x: "approver",
            ),
            Mistake(
                "initiator",
                (
                    "{initiator_contact} is the initiator, and the initiator is not one of the five classic "
                    "roles anyway.",
                    "{initiator_contact} ist Initiatorin, und der Initiator gehört ohnehin nicht zu den fünf "
                    "klassischen Rollen.",
                ),
                lambda x: "initiator",
            ),
            *(_present_role_mistake(r) for r in ("user", "influencer", "buyer", "gatekeeper")),
        ),
        hint=(
            "List the five classic roles and tick off each contact's role.",
            "Schreiben Sie die fünf klassischen Rollen auf und haken Sie die Rolle jedes Kontakts ab.",
        ),
        explanation=(
            "Covered: {covered}. Of the five classic roles one is left: nobody who says the final yes. Without a "
            "known decider the profile linter of notebook 02 raises a finding, and the next action is to find "
            "and meet that person.",
            "Besetzt: {covered}. Von den fünf klassischen Rollen bleibt eine: niemand, der das letzte Ja spricht. "
            "Ohne bekannten Entscheider meldet der Profil-Linter in Notebook 02 einen Befund; die nächste "
            "Maßnahme ist, diese Person zu finden und zu treffen.",
        ),
        steps=lambda x: {"covered": ", ".join(sorted(set(x["contacts"].values())))},
        tables=lambda x, lang: {
            "table": _md_table(
                ["contact", "buying role"] if lang == "en" else ["Kontakt", "Rolle"],
                [[k, v] for k, v in x["contacts"].items()],
            ),
            **{f"{role}_contact": name for name, role in x["contacts"].items()},
        },
    )
)

_register(
    Exercise(
        id="02.2",
        level="apply",
        title=("Share of wallet", "Share of Wallet"),
        prompt=(
            "A customer spends {wallet} EUR a year in our product category (all suppliers together, us included). We "
            "sold it {ours} EUR. Our company's total revenue with all customers is {company} EUR. What is our share of "
            "wallet at this customer?",
            "Ein Kunde kauft in unserer Produktkategorie jährlich für {wallet} EUR ein (alle Lieferanten zusammen, wir "
            "eingeschlossen). Wir haben ihm {ours} EUR verkauft. Der Gesamtumsatz unseres Unternehmens mit allen Kunden "
            "beträgt {company} EUR. Wie hoch ist unser Share of Wallet bei diesem Kunden?",
        ),
        kind="share",
        inputs={"wallet": 480_000, "ours": 120_000, "company": 6_000_000},
        tolerance=0.002,
        solve=lambda x: x["ours"] / x["wallet"],
        mistakes=(
            Mistake(
                "inverted",
                (
                    "You divided the wallet by our revenue; share of wallet is our revenue / the customer's spend.",
                    "Sie haben das Einkaufsvolumen durch unseren Umsatz geteilt; Share of Wallet ist unser "
                    "Umsatz / Einkaufsvolumen des Kunden.",
                ),
                lambda x: x["wallet"] / x["ours"],
            ),
            Mistake(
                "added_ours",
                (
                    "The customer's spend already includes what it buys from us; do not add our revenue to it.",
                    "Das Einkaufsvolumen enthält bereits, was der Kunde bei uns kauft; addieren Sie unseren "
                    "Umsatz nicht dazu.",
                ),
                lambda x: x["ours"] / (x["wallet"] + x["ours"]),
            ),
            Mistake(
                "own_revenue_base",
                (
                    "That is the customer's share of *our* revenue (concentration), not our share of *its* spend.",
                    "Das ist der Anteil des Kunden an *unserem* Umsatz (Konzentration), nicht unser "
                    "Anteil an *seinem* Einkauf.",
                ),
                lambda x: x["ours"] / x["company"],
            ),
        ),
        hint=(
            "Our revenue with the customer divided by the customer's total spend in the category.",
            "Unser Umsatz mit dem Kunden geteilt durch sein gesamtes Einkaufsvolumen in der Kategorie.",
        ),
        explanation=(
            "Share of wallet = {ours} / {wallet}. The rest of the wallet is with competitors: that is where "
            "share can still move.",
            "Share of Wallet = {ours} / {wallet}. Der Rest des Volumens liegt bei Wettbewerbern: dort kann sich "
            "der Anteil noch bewegen.",
        ),
    )
)

_CELLS_02_3 = {  # (product line, business unit): (potential, our revenue)
    ("Drives", "Plant A"): (200_000, 150_000),
    ("Drives", "Plant B"): (100_000, 0),
    ("Sensors", "Plant A"): (50_000, 60_000),
    ("Sensors", "Plant B"): (0, 0),
    ("Controls", "Plant A"): (80_000, 0),
    ("Controls", "Plant B"): (120_000, 30_000),
}


def _whitespace(x: dict, *, net_negative=False, potential_only=False, gaps_only=False, all_cells=False) -> dict:
    cells = x["cells"].values()
    eligible = [(p, c) for p, c in cells if p > 0 or c > 0]
    if potential_only:
        ws = sum(p for p, c in eligible)
    elif gaps_only:
        ws = sum(p for p, c in eligible if c == 0)
    else:
        ws = sum((p - c) if net_negative else max(p - c, 0) for p, c in eligible)
    owned = sum(1 for p, c in cells if c > 0)
    return {"whitespace": ws, "penetration": owned / (len(x["cells"]) if all_cells else len(eligible))}


_register(
    Exercise(
        id="02.3",
        level="apply",
        title=("Whitespace and penetration", "Whitespace und Penetration"),
        prompt=(
            "The whitespace grid of one customer: estimated yearly potential (wallet) and our revenue per product line "
            "and business unit, in EUR. A cell is *owned* when we have revenue there, *eligible* when it has a "
            "potential or our revenue. Compute the total whitespace (the remaining potential, potential − our revenue "
            "per cell, never below 0) and the penetration (owned cells / eligible cells).\n\n{table}",
            "Das Whitespace-Raster eines Kunden: geschätztes jährliches Potenzial und unser Umsatz je Produktlinie und "
            "Bereich, in EUR. Eine Zelle ist *belegt*, wenn wir dort Umsatz haben, *relevant*, wenn sie Potenzial oder "
            "unseren Umsatz hat. Berechnen Sie den gesamten Whitespace (das verbleibende Potenzial, Potenzial − unser "
            "Umsatz je Zelle, nie unter 0) und die Penetration (belegte / relevante Zellen).\n\n{table}",
        ),
        kind="fields",
        inputs={"cells": _CELLS_02_3},
        fields={
            "whitespace": FieldSpec(
                "number",
                ("whitespace_eur", "gap", "weisser fleck", "luecke"),
                ("whitespace", "Whitespace"),
                tolerance=500.0,
            ),
            "penetration": FieldSpec(
                "share", ("penetration_rate", "durchdringung"), ("penetration", "Penetration"), tolerance=0.005
            ),
        },
        solve=lambda x: _whitespace(x),
        mistakes=(
            Mistake(
                "negative_gap_netted",
                (
                    "Where our revenue exceeds the estimate the gap is 0, not negative: a low "
                    "estimate elsewhere must not eat up real potential.",
                    "Wo unser Umsatz die Schätzung übersteigt, ist die Lücke 0, nicht negativ: eine "
                    "zu niedrige Schätzung darf kein echtes Potenzial aufzehren.",
                ),
                lambda x: _whitespace(x, net_negative=True),
            ),
            Mistake(
                "potential_not_gap",
                (
                    "You added up the potential; whitespace is what remains after our revenue.",
                    "Sie haben das Potenzial addiert; Whitespace ist, was nach unserem Umsatz übrig bleibt.",
                ),
                lambda x: _whitespace(x, potential_only=True),
            ),
            Mistake(
                "gaps_only",
                (
                    "You counted only the cells where we sell nothing (cross-selling). Owned cells with "
                    "headroom are whitespace too (upselling).",
                    "Sie haben nur Zellen ohne unseren Umsatz gezählt (Cross-Selling). Belegte Zellen mit "
                    "Luft nach oben sind auch Whitespace (Upselling).",
                ),
                lambda x: _whitespace(x, gaps_only=True),
            ),
            Mistake(
                "not_eligible_counted",
                (
                    "A cell with neither potential nor revenue is not eligible; leave it out of the "
                    "penetration's denominator.",
                    "Eine Zelle ohne Potenzial und ohne Umsatz ist nicht relevant; lassen Sie sie "
                    "aus dem Nenner der Penetration heraus.",
                ),
                lambda x: _whitespace(x, all_cells=True),
            ),
        ),
        hint=(
            "Go cell by cell: max(potential − revenue, 0); count owned and eligible cells.",
            "Zelle für Zelle: max(Potenzial − Umsatz, 0); belegte und relevante Zellen zählen.",
        ),
        explanation=(
            "Gaps per cell: {gaps}. Owned cells {owned} of {eligible} eligible.",
            "Lücken je Zelle: {gaps}. Belegte Zellen {owned} von {eligible} relevanten.",
        ),
        steps=lambda x: {
            "gaps": [max(p - c, 0) for p, c in x["cells"].values()],
            "owned": sum(1 for p, c in x["cells"].values() if c > 0),
            "eligible": sum(1 for p, c in x["cells"].values() if p > 0 or c > 0),
        },
        tables=lambda x, lang: {
            "table": _md_table(
                ["product line", "business unit", "potential", "our revenue"]
                if lang == "en"
                else ["Produktlinie", "Bereich", "Potenzial", "unser Umsatz"],
                [
                    [line, unit, _fmt_number(p, lang), _fmt_number(c, lang)]
                    for (line, unit), (p, c) in x["cells"].items()
                ],
            )
        },
    )
)

_register(
    Exercise(
        id="02.4",
        level="analyse",
        title=("Expected value of a whitespace cell", "Erwartungswert einer Whitespace-Zelle"),
        prompt=(
            "A gap of {gap} EUR: the customer's plant B does not buy our sensors. Of {peers} comparable customers in the "
            "same industry, {owners} buy sensors from us in such a unit. Estimate the win probability with Laplace's "
            "rule (owners + 1)/(peers + 2) and give the expected value of the cell in EUR.",
            "Eine Lücke von {gap} EUR: Werk B des Kunden kauft unsere Sensoren nicht. Von {peers} vergleichbaren Kunden "
            "derselben Branche kaufen {owners} in einem solchen Bereich Sensoren bei uns. Schätzen Sie die "
            "Gewinnwahrscheinlichkeit mit der Regel von Laplace (Besitzer + 1)/(Vergleichskunden + 2) und geben Sie den "
            "Erwartungswert der Zelle in EUR an.",
        ),
        kind="number",
        inputs={"gap": 40_000, "peers": 10, "owners": 3},
        tolerance=1.0,
        solve=lambda x: x["gap"] * float(win_probability(x["owners"], x["peers"])),
        mistakes=(
            Mistake(
                "raw_share",
                (
                    "You used owners/peers; Laplace's rule adds 1 and 2 so that few peers do not give "
                    "extreme probabilities.",
                    "Sie haben Besitzer/Vergleichskunden verwendet; die Regel von Laplace addiert 1 und 2, "
                    "damit wenige Vergleichskunden keine extremen Wahrscheinlichkeiten ergeben.",
                ),
                lambda x: x["gap"] * x["owners"] / x["peers"],
            ),
            Mistake(
                "laplace_denominator",
                (
                    "The denominator is peers + 2 (one imagined success and one imagined failure).",
                    "Der Nenner ist Vergleichskunden + 2 (ein gedachter Erfolg und ein gedachter Misserfolg).",
                ),
                lambda x: x["gap"] * (x["owners"] + 1) / (x["peers"] + 1),
            ),
            Mistake(
                "probability_only",
                (
                    "That is the probability; the expected value multiplies it by the gap in EUR.",
                    "Das ist die Wahrscheinlichkeit; der Erwartungswert multipliziert sie mit der Lücke in EUR.",
                ),
                lambda x: float(win_probability(x["owners"], x["peers"])),
            ),
            Mistake(
                "gap_only",
                (
                    "The gap alone assumes we win it for sure; weight it with the win probability.",
                    "Die Lücke allein unterstellt, dass wir sie sicher gewinnen; gewichten Sie sie mit der "
                    "Gewinnwahrscheinlichkeit.",
                ),
                lambda x: float(x["gap"]),
            ),
        ),
        hint=(
            "p = (owners + 1)/(peers + 2); expected value = gap × p.",
            "p = (Besitzer + 1)/(Vergleichskunden + 2); Erwartungswert = Lücke × p.",
        ),
        explanation=(
            "p = ({owners} + 1)/({peers} + 2); expected value = {gap} × p.",
            "p = ({owners} + 1)/({peers} + 2); Erwartungswert = {gap} × p.",
        ),
    )
)

# --------------------------------------------------------------------------- 03 customer value

_ACC_03_1 = {
    "gross_revenue": 500_000,
    "discount": 40_000,
    "cogs": 300_000,
    "marketing": 8_000,
    "sales": 25_000,
    "service": 12_000,
    "logistics": 9_000,
}


def _db(x: dict, *, no_discount=False, logistics_in_db2=False, service_in_db3=False, swap_ms=False) -> dict:
    a = x["account"]
    net = a["gross_revenue"] - (0 if no_discount else a["discount"])
    db1 = net - a["cogs"]
    first, second = ("sales", "marketing") if swap_ms else ("marketing", "sales")
    db2 = db1 - a[first] - (a["logistics"] if logistics_in_db2 else 0)
    db3 = db2 - a[second] - (a["service"] if service_in_db3 else 0)
    db4 = db3 - (0 if service_in_db3 else a["service"]) - (0 if logistics_in_db2 else a["logistics"])
    return {"db1": db1, "db2": db2, "db3": db3, "db4": db4}


_DB_FIELDS = {
    f"db{i}": FieldSpec(
        "number",
        (f"db {r}", f"db_{r}", f"db{r}", f"db_{i}", f"db {i}"),
        (f"DB {r.upper()}", f"DB {r.upper()}"),
        tolerance=1.0,
    )
    for i, r in ((1, "i"), (2, "ii"), (3, "iii"), (4, "iv"))
}

_register(
    Exercise(
        id="03.1",
        level="apply",
        title=("Contribution margin DB I-IV", "Deckungsbeitrag DB I-IV"),
        prompt=(
            "One account's year in EUR:\n\n{table}\n\nCompute DB I to DB IV.",
            "Das Jahr eines Kunden in EUR:\n\n{table}\n\nBerechnen Sie DB I bis DB IV.",
        ),
        kind="fields",
        inputs={"account": _ACC_03_1},
        fields=_DB_FIELDS,
        solve=lambda x: _db(x),
        mistakes=(
            Mistake(
                "discount_forgotten",
                (
                    "You started from gross revenue: the discount comes off first (net revenue), "
                    "before the cost of goods.",
                    "Sie sind vom Bruttoumsatz ausgegangen: zuerst kommt der Rabatt weg "
                    "(Nettoumsatz), dann die Herstellkosten.",
                ),
                lambda x: _db(x, no_discount=True),
            ),
            Mistake(
                "logistics_in_db2",
                (
                    "Your DB II subtracts the logistics cost; that belongs in DB IV together with "
                    "service. DB II takes off only customer-specific marketing.",
                    "Ihr DB II zieht die Logistikkosten ab; die gehören zusammen mit dem Service in den "
                    "DB IV. Der DB II zieht nur kundenspezifisches Marketing ab.",
                ),
                lambda x: _db(x, logistics_in_db2=True),
            ),
            Mistake(
                "service_in_db3",
                (
                    "Your DB III subtracts the service cost; DB III takes off only sales cost (visits, "
                    "offers, order handling). Service goes into DB IV.",
                    "Ihr DB III zieht die Servicekosten ab; der DB III zieht nur Vertriebskosten ab "
                    "(Besuche, Angebote, Auftragsabwicklung). Service gehört in den DB IV.",
                ),
                lambda x: _db(x, service_in_db3=True),
            ),
            Mistake(
                "marketing_sales_swapped",
                (
                    "Marketing and sales are swapped: DB II takes off marketing, DB III sales.",
                    "Marketing und Vertrieb sind vertauscht: DB II zieht Marketing ab, DB III den Vertrieb.",
                ),
                lambda x: _db(x, swap_ms=True),
            ),
        ),
        hint=(
            "Gross − discount = net; − cost of goods = DB I; − marketing = DB II; − sales = DB III; − service and "
            "logistics = DB IV.",
            "Brutto − Rabatt = netto; − Herstellkosten = DB I; − Marketing = DB II; − Vertrieb = DB III; − Service und "
            "Logistik = DB IV.",
        ),
        explanation=(
            "Net revenue {net}; DB I = {net} − {cogs}; DB II = DB I − {marketing}; DB III = DB II − {sales}; "
            "DB IV = DB III − {service} − {logistics}. Cost to serve = {cts}.",
            "Nettoumsatz {net}; DB I = {net} − {cogs}; DB II = DB I − {marketing}; DB III = DB II − {sales}; "
            "DB IV = DB III − {service} − {logistics}. Betreuungskosten = {cts}.",
        ),
        steps=lambda x: {
            "net": x["account"]["gross_revenue"] - x["account"]["discount"],
            **x["account"],
            "cts": sum(x["account"][c] for c in ("marketing", "sales", "service", "logistics")),
        },
        tables=lambda x, lang: {
            "table": _md_table(
                ["item", "EUR"] if lang == "en" else ["Position", "EUR"],
                [[pick(_ITEM_LABELS[k], lang), _fmt_number(v, lang)] for k, v in x["account"].items()],
            )
        },
    )
)

_ITEM_LABELS: dict[str, tuple[str, str]] = i18n.table("exercises.item_labels")

_CLV_INPUTS = {"m": 50_000, "r": 0.85, "d": 0.08}

_register(
    Exercise(
        id="03.2",
        level="apply",
        title=("Contractual CLV, closed form", "Vertraglicher CLV, geschlossene Form"),
        prompt=(
            "An account brings a margin of m = {m} EUR at the end of each year it stays. It stays from one year to the "
            "next with probability r = {r}; the discount rate is d = {d}. Compute its customer lifetime value "
            "CLV = m·r/(1+d−r) in EUR.",
            "Ein Kunde bringt am Ende jedes Jahres, das er bleibt, einen Deckungsbeitrag von m = {m} EUR. Er bleibt von "
            "einem Jahr zum nächsten mit Wahrscheinlichkeit r = {r}; der Diskontsatz ist d = {d}. Berechnen Sie seinen "
            "Kundenlebenszeitwert CLV = m·r/(1+d−r) in EUR.",
        ),
        kind="number",
        inputs=_CLV_INPUTS,
        tolerance=1.0,
        decimals=0,
        solve=lambda x: contractual_clv(x["m"], x["r"], x["d"]),
        mistakes=(
            Mistake(
                "no_minus_r",
                (
                    "You used r/(1+d) instead of r/(1+d−r): that is only the first year's discounted "
                    "margin, the later years are missing.",
                    "Sie haben r/(1+d) statt r/(1+d−r) verwendet: das ist nur der abgezinste Beitrag des "
                    "ersten Jahres, die späteren Jahre fehlen.",
                ),
                lambda x: x["m"] * x["r"] / (1 + x["d"]),
            ),
            Mistake(
                "numerator_r",
                (
                    "The numerator is m·r, not m: the first margin only comes if the account is retained.",
                    "Im Zähler steht m·r, nicht m: der erste Beitrag kommt nur, wenn der Kunde bleibt.",
                ),
                lambda x: x["m"] / (1 + x["d"] - x["r"]),
            ),
            Mistake(
                "timing_start",
                (
                    "m(1+d)/(1+d−r) is the variant with the margin at the *start* of each year; the task "
                    "has it at the end.",
                    "m(1+d)/(1+d−r) ist die Variante mit dem Beitrag am *Anfang* jedes Jahres; in der "
                    "Aufgabe kommt er am Ende.",
                ),
                lambda x: contractual_clv(x["m"], x["r"], x["d"], timing="start"),
            ),
            Mistake(
                "percent_inputs",
                ("Percentages vs fractions: use d = 0.08, not 8.", "Prozent vs. Bruch: d = 0,08, nicht 8."),
                lambda x: x["m"] * x["r"] / (1 + 100 * x["d"] - x["r"]),
            ),
        ),
        hint=("Denominator: 1 + d − r. Numerator: m · r.", "Nenner: 1 + d − r. Zähler: m · r."),
        explanation=(
            "CLV = {m} · {r} / (1 + {d} − {r}); the margin multiple r/(1+d−r) says how many yearly margins the "
            "account is worth.",
            "CLV = {m} · {r} / (1 + {d} − {r}); das Vielfache r/(1+d−r) sagt, wie viele Jahresbeiträge der Kunde "
            "wert ist.",
        ),
    )
)


def _finite(x: dict, *, discount_from_0=False, retention=True, discount=True) -> float:
    """Σ_{t=1..T} m·r^t/(1+d)^t and the variants a trainee might compute by mistake."""
    total = 0.0
    for t in range(1, x["T"] + 1):
        term = x["m"] * (x["r"] ** t if retention else 1.0)
        if discount:
            term /= (1 + x["d"]) ** (t - 1 if discount_from_0 else t)
        total += term
    return total


_register(
    Exercise(
        id="03.3",
        level="apply",
        title=("CLV over a finite horizon", "CLV über einen endlichen Horizont"),
        prompt=(
            "Same account: m = {m} EUR at the end of each year, r = {r}, d = {d}, but only the next T = {T} years count. "
            "Compute CLV_T = Σₜ₌₁ᵀ m·rᵗ/(1+d)ᵗ in EUR.",
            "Derselbe Kunde: m = {m} EUR am Ende jedes Jahres, r = {r}, d = {d}, aber nur die nächsten T = {T} Jahre "
            "zählen. Berechnen Sie CLV_T = Σₜ₌₁ᵀ m·rᵗ/(1+d)ᵗ in EUR.",
        ),
        kind="number",
        inputs={**_CLV_INPUTS, "T": 3},
        tolerance=1.0,
        decimals=0,
        solve=lambda x: contractual_clv(x["m"], x["r"], x["d"], horizon=x["T"]),
        mistakes=(
            Mistake(
                "closed_form",
                (
                    "That is the infinite-horizon value m·r/(1+d−r); with T = {T} the sum stops after {T} years.",
                    "Das ist der Wert ohne Horizont m·r/(1+d−r); mit T = {T} endet die Summe nach {T} Jahren.",
                ),
                lambda x: contractual_clv(x["m"], x["r"], x["d"]),
            ),
            Mistake(
                "discount_from_0",
                (
                    "You discounted from t − 1: a margin at the end of year t is discounted by (1+d)ᵗ.",
                    "Sie haben ab t − 1 abgezinst: ein Beitrag am Ende von Jahr t wird mit (1+d)ᵗ abgezinst.",
                ),
                lambda x: _finite(x, discount_from_0=True),
            ),
            Mistake(
                "retention_missing",
                (
                    "Each year's margin comes only if the account is still there: multiply by rᵗ.",
                    "Der Beitrag eines Jahres kommt nur, wenn der Kunde noch da ist: mit rᵗ multiplizieren.",
                ),
                lambda x: _finite(x, retention=False),
            ),
            Mistake(
                "no_discount",
                (
                    "Money in later years is worth less today: divide by (1+d)ᵗ.",
                    "Geld in späteren Jahren ist heute weniger wert: durch (1+d)ᵗ teilen.",
                ),
                lambda x: _finite(x, discount=False),
            ),
        ),
        hint=("Three terms: t = 1, 2, 3, each m·rᵗ/(1+d)ᵗ.", "Drei Terme: t = 1, 2, 3, jeweils m·rᵗ/(1+d)ᵗ."),
        explanation=(
            "Terms: {terms}; their sum is CLV_T. It stays below the closed form, which adds all later years.",
            "Terme: {terms}; ihre Summe ist CLV_T. Sie bleibt unter der geschlossenen Form, die alle späteren "
            "Jahre addiert.",
        ),
        steps=lambda x: {"terms": [round(x["m"] * x["r"] ** t / (1 + x["d"]) ** t, 2) for t in range(1, x["T"] + 1)]},
    )
)

_ACC_03_4 = {  # account: (net revenue, DB I, cost to serve)
    "C1": (900_000, 270_000, 150_000),
    "C2": (400_000, 80_000, 95_000),
    "C3": (60_000, 15_000, 40_000),
    "C4": (1_500_000, 300_000, 260_000),
    "C5": (120_000, -5_000, 4_000),
    "C6": (200_000, 70_000, 30_000),
}


def _largest(x: dict, col: int, k: int, *, smallest=False) -> list[str]:
    return sorted(x["accounts"], key=lambda a: x["accounts"][a][col], reverse=not smallest)[:k]


_register(
    Exercise(
        id="03.4",
        level="analyse",
        title=("Who destroys profit?", "Wer vernichtet Gewinn?"),
        prompt=(
            "Six accounts, last 12 months, in EUR. Cost to serve = marketing + sales + service + logistics. Which "
            "accounts destroy profit, i.e. end below zero at DB IV (the right end of the whale curve)?\n\n{table}",
            "Sechs Kunden, letzte 12 Monate, in EUR. Betreuungskosten = Marketing + Vertrieb + Service + Logistik. "
            "Welche Kunden vernichten Gewinn, enden also beim DB IV unter null (das rechte Ende der Walkurve)?\n\n{table}",
        ),
        kind="ids",
        inputs={"accounts": _ACC_03_4},
        ids=tuple(_ACC_03_4),
        solve=lambda x: [a for a, (n, db1, cts) in x["accounts"].items() if db1 - cts < 0],
        mistakes=(
            Mistake(
                "db1_only",
                (
                    "You looked at DB I only; DB IV also takes off the cost to serve.",
                    "Sie haben nur den DB I betrachtet; der DB IV zieht auch die Betreuungskosten ab.",
                ),
                lambda x: [a for a, (n, db1, cts) in x["accounts"].items() if db1 < 0],
            ),
            Mistake(
                "highest_cost",
                (
                    "High cost to serve is no loss by itself: compare it with the account's DB I.",
                    "Hohe Betreuungskosten allein sind kein Verlust: vergleichen Sie sie mit dem DB I des Kunden.",
                ),
                lambda x: _largest(x, 2, 3),
            ),
            Mistake(
                "smallest_revenue",
                (
                    "Small is not unprofitable: a small account with little care can earn money.",
                    "Klein heißt nicht unprofitabel: ein kleiner Kunde mit wenig Betreuung kann Geld verdienen.",
                ),
                lambda x: _largest(x, 0, 3, smallest=True),
            ),
        ),
        hint=(
            "DB IV = DB I − cost to serve; which are negative?",
            "DB IV = DB I − Betreuungskosten; welche sind negativ?",
        ),
        explanation=(
            "DB IV per account: {db4}. The negative ones destroy profit; for each, the question is whether the care "
            "can become cheaper or be paid for (notebook 03, whale curve).",
            "DB IV je Kunde: {db4}. Die negativen vernichten Gewinn; für jeden stellt sich die Frage, ob die "
            "Betreuung günstiger werden oder bezahlt werden kann (Notebook 03, Walkurve).",
        ),
        steps=lambda x: {"db4": {a: db1 - cts for a, (n, db1, cts) in x["accounts"].items()}},
        tables=lambda x, lang: {
            "table": _md_table(
                ["account", "net revenue", "DB I", "cost to serve"]
                if lang == "en"
                else ["Kunde", "Nettoumsatz", "DB I", "Betreuungskosten"],
                [[a, *(_fmt_number(v, lang) for v in vals)] for a, vals in x["accounts"].items()],
            )
        },
    )
)

# --------------------------------------------------------------------------- 04 review cycle

_RET_04_1 = {"start": 1_000_000, "expansion": 120_000, "contraction": 50_000, "churn": 80_000}


def _grr_nrr(x: dict, *, expansion_in_grr=False, no_churn=False, no_contraction=False) -> dict:
    s, e = x["start"], x["expansion"]
    c = 0 if no_contraction else x["contraction"]
    ch = 0 if no_churn else x["churn"]
    grr = (s + (e if expansion_in_grr else 0) - c - ch) / s
    return {"grr": grr, "nrr": (s + e - c - ch) / s}


_RR_FIELDS = {
    "grr": FieldSpec("share", ("gross revenue retention", "gross_revenue_retention"), ("GRR", "GRR"), tolerance=0.002),
    "nrr": FieldSpec("share", ("net revenue retention", "net_revenue_retention"), ("NRR", "NRR"), tolerance=0.002),
}

_register(
    Exercise(
        id="04.1",
        level="apply",
        title=("GRR and NRR", "GRR und NRR"),
        prompt=(
            "The accounts that bought in 2024Q4 brought {start} EUR then. In 2025Q4 some of them bought more (expansion "
            "{expansion} EUR), some less (contraction {contraction} EUR), and some nothing at all (churned revenue "
            "{churn} EUR). Compute the gross and the net revenue retention.",
            "Die Kunden, die 2024Q4 gekauft haben, brachten damals {start} EUR. In 2025Q4 kauften einige mehr "
            "(Ausweitung {expansion} EUR), einige weniger (Rückgang {contraction} EUR) und einige gar nichts "
            "(abgewanderter Umsatz {churn} EUR). Berechnen Sie die Brutto- und die Netto-Umsatzbindung (GRR, NRR).",
        ),
        kind="fields",
        inputs=_RET_04_1,
        fields=_RR_FIELDS,
        solve=lambda x: _grr_nrr(x),
        mistakes=(
            Mistake(
                "expansion_in_grr",
                (
                    "GRR leaves expansion out (that is why it can never exceed 100 %); only NRR adds it.",
                    "Die GRR lässt die Ausweitung weg (darum kann sie nie über 100 % liegen); nur die NRR addiert sie.",
                ),
                lambda x: _grr_nrr(x, expansion_in_grr=True),
            ),
            Mistake(
                "churn_forgotten",
                (
                    "The churned revenue is missing: accounts that stopped buying lose all their start revenue.",
                    "Der abgewanderte Umsatz fehlt: Kunden, die nicht mehr kaufen, verlieren ihren ganzen Startumsatz.",
                ),
                lambda x: _grr_nrr(x, no_churn=True),
            ),
            Mistake(
                "contraction_forgotten",
                (
                    "The contraction is missing: accounts that buy less reduce both GRR and NRR.",
                    "Der Rückgang fehlt: Kunden, die weniger kaufen, senken GRR und NRR.",
                ),
                lambda x: _grr_nrr(x, no_contraction=True),
            ),
        ),
        hint=(
            "GRR = (start − contraction − churn)/start; NRR adds the expansion.",
            "GRR = (Start − Rückgang − Abwanderung)/Start; die NRR addiert die Ausweitung.",
        ),
        explanation=(
            "GRR = ({start} − {contraction} − {churn}) / {start}; NRR = ({start} + {expansion} − {contraction} − "
            "{churn}) / {start}. Expansion counts only in NRR.",
            "GRR = ({start} − {contraction} − {churn}) / {start}; NRR = ({start} + {expansion} − {contraction} − "
            "{churn}) / {start}. Die Ausweitung zählt nur in der NRR.",
        ),
    )
)

_HEALTH_04_2 = {  # component: (score 0-100 or None for no data, weight)
    "growth_vs_plan": (60.0, 0.25),
    "margin": (70.0, 0.15),
    "engagement": (100.0, 0.20),
    "complaints": (60.0, 0.15),
    "coverage": (None, 0.15),
    "action_completion": (92.5, 0.10),
}
_BANDS = {"red": ("rot",), "amber": ("gelb", "orange", "bernstein"), "green": ("gruen", "grün")}


def _health(x: dict, *, missing_as_zero=False, unweighted=False) -> float:
    comps = [(s, w) for s, w in x["components"].values() if s is not None or missing_as_zero]
    if unweighted:
        return round(sum(s for s, w in comps) / len(comps), 9)
    total = sum((s or 0.0) * w for s, w in comps)
    return round(total if missing_as_zero else total / sum(w for s, w in comps), 9)


def _health_answer(score: float, band: str | None = None) -> dict:
    return {"score": score, "band": band or health_band(score)}


_register(
    Exercise(
        id="04.2",
        level="apply",
        title=("Health score and band", "Health Score und Ampel"),
        prompt=(
            "The health components of one account (0-100) and their weights. The account has no contacts data, so "
            "*coverage* has no score: it drops out and the other weights are re-weighted to sum 1. Compute the health "
            "score and its band (red up to and including 50, amber up to and including 75, green above).\n\n{table}",
            "Die Health-Komponenten eines Kunden (0-100) und ihre Gewichte. Zu den Ansprechpartnern gibt es keine "
            "Daten, *coverage* hat also keinen Score: die Komponente entfällt und die übrigen Gewichte werden auf "
            "Summe 1 umgerechnet. Berechnen Sie den Health Score und seine Ampel (red bis einschließlich 50, amber bis "
            "einschließlich 75, green darüber).\n\n{table}",
        ),
        kind="fields",
        inputs={"components": _HEALTH_04_2},
        fields={
            "score": FieldSpec("number", ("health", "health_score", "h", "wert"), ("score", "Score"), tolerance=0.1),
            "band": FieldSpec("label", ("ampel", "farbe", "colour", "color"), ("band", "Ampel"), labels=_BANDS),
        },
        solve=lambda x: _health_answer(_health(x)),
        mistakes=(
            Mistake(
                "missing_as_zero",
                (
                    "You counted the missing component as 0. A component without data drops out and "
                    "the other weights are divided by their sum.",
                    "Sie haben die fehlende Komponente mit 0 gezählt. Eine Komponente ohne Daten "
                    "entfällt, und die übrigen Gewichte werden durch ihre Summe geteilt.",
                ),
                lambda x: _health_answer(_health(x, missing_as_zero=True)),
            ),
            Mistake(
                "unweighted_mean",
                (
                    "That is the plain mean of the components; the health score weights them.",
                    "Das ist der einfache Mittelwert der Komponenten; der Health Score gewichtet sie.",
                ),
                lambda x: _health_answer(_health(x, unweighted=True)),
            ),
            Mistake(
                "band_boundary",
                (
                    "Your score is right, but the band is not: the upper ends of the bands count to the "
                    "band ('up to and including').",
                    "Ihr Score stimmt, die Ampel nicht: die Obergrenzen gehören noch zur Ampelstufe "
                    "('bis einschließlich').",
                ),
                lambda x: _health_answer(_health(x), "green"),
            ),
        ),
        hint=(
            "Σ score × weight over the components with data, divided by the sum of their weights.",
            "Σ Score × Gewicht über die Komponenten mit Daten, geteilt durch die Summe ihrer Gewichte.",
        ),
        explanation=(
            "Σ score × weight = {total} over weights summing to {weights}; score = {total} / {weights}; then the "
            "band by its upper ends.",
            "Σ Score × Gewicht = {total} bei einer Gewichtssumme von {weights}; Score = {total} / {weights}; dann "
            "die Ampel nach ihren Obergrenzen.",
        ),
        steps=lambda x: {
            "total": sum(s * w for s, w in x["components"].values() if s is not None),
            "weights": round(sum(w for s, w in x["components"].values() if s is not None), 6),
        },
        tables=lambda x, lang: {
            "table": _md_table(
                ["component", "score", "weight"] if lang == "en" else ["Komponente", "Score", "Gewicht"],
                [
                    [k, "–" if s is None else _fmt_number(s, lang), _fmt_number(w, lang)]
                    for k, (s, w) in x["components"].items()
                ],
            )
        },
    )
)

_register(
    _choice(
        id="04.3",
        level="recall",
        title=("The annual review (Jahresgespräch)", "Das Jahresgespräch"),
        prompt=(
            "What should the annual executive review with a strategic key account (German: *Jahresgespräch*) end "
            "with?\n\n{options}",
            "Womit sollte das Jahresgespräch mit einem strategischen Schlüsselkunden enden?\n\n{options}",
        ),
        options={
            "a": ("A report of last year's revenue.", "Einem Bericht über den Umsatz des Vorjahres."),
            "b": (
                "An action plan with milestones and owners, and a revenue forecast with its probability.",
                "Einem Maßnahmenplan mit Meilensteinen und Verantwortlichen und einer Umsatzprognose mit "
                "Wahrscheinlichkeit.",
            ),
            "c": ("A new price list.", "Einer neuen Preisliste."),
            "d": (
                "Nothing in writing; the relationship matters more than paper.",
                "Nichts Schriftlichem; die Beziehung zählt mehr als Papier.",
            ),
        },
        answer="b",
        wrong={
            "a": (
                "looking_back",
                (
                    "Looking back is the start of the review, not its end: the meeting should produce "
                    "what happens next.",
                    "Der Rückblick ist der Anfang des Gesprächs, nicht sein Ende: es soll ergeben, was als "
                    "Nächstes geschieht.",
                ),
            ),
            "c": (
                "price_only",
                (
                    "Prices may be on the agenda, but a price list is no plan for the relationship.",
                    "Preise können Thema sein, aber eine Preisliste ist kein Plan für die Beziehung.",
                ),
            ),
            "d": (
                "nothing_written",
                (
                    "Without written goals, owners and dates nobody can review progress next quarter.",
                    "Ohne schriftliche Ziele, Verantwortliche und Termine kann im nächsten Quartal "
                    "niemand den Fortschritt prüfen.",
                ),
            ),
        },
        hint=("What will you check at the next review?", "Was prüfen Sie beim nächsten Gespräch?"),
        explanation=(
            "A review closes the KAM cycle and opens the next one: goals for the coming period with owners, "
            "milestones and a forecast (notebook 04, sections 5 and 6).",
            "Ein Review schließt den KAM-Zyklus und öffnet den nächsten: Ziele für die kommende Periode mit "
            "Verantwortlichen, Meilensteinen und Prognose (Notebook 04, Abschnitte 5 und 6).",
        ),
    )
)


def _bridge(x: dict, *, price_first=False, flip=False, both_current=False) -> dict:
    q0, p0, q1, p1 = x["q0"], x["p0"], x["q1"], x["p1"]
    if price_first:
        vol, price = (q1 - q0) * p1, (p1 - p0) * q0
    elif both_current:
        vol, price = (q1 - q0) * p1, (p1 - p0) * q1
    else:
        vol, price = (q1 - q0) * p0, (p1 - p0) * q1
    if flip:
        vol, price = -vol, -price
    return {"volume": vol, "price": price}


_register(
    Exercise(
        id="04.4",
        level="analyse",
        title=("Volume and price effect", "Mengen- und Preiseffekt"),
        prompt=(
            "One product, same quarter last year: {q0} units at {p0} EUR net. This quarter: {q1} units at {p1} EUR. "
            "Split the change in net revenue into a volume effect (change in units at last year's price) and a price "
            "effect (change in price times this year's units), in EUR.",
            "Ein Produkt, Vorjahresquartal: {q0} Stück zu {p0} EUR netto. Dieses Quartal: {q1} Stück zu {p1} EUR. "
            "Zerlegen Sie die Änderung des Nettoumsatzes in einen Mengeneffekt (Mengenänderung zum Vorjahrespreis) und "
            "einen Preiseffekt (Preisänderung mal diesjährige Menge), in EUR.",
        ),
        kind="fields",
        inputs={"q0": 100, "p0": 50.0, "q1": 110, "p1": 48.0},
        fields={
            "volume": FieldSpec(
                "number", ("volume_effect", "menge", "mengeneffekt"), ("volume", "Menge"), tolerance=1.0
            ),
            "price": FieldSpec("number", ("price_effect", "preis", "preiseffekt"), ("price", "Preis"), tolerance=1.0),
        },
        solve=lambda x: _bridge(x),
        mistakes=(
            Mistake(
                "order_of_effects",
                (
                    "You valued the volume at this year's price and the price change at last year's "
                    "units. The bridge here values volume at last year's price and price at this "
                    "year's units.",
                    "Sie haben die Menge zum diesjährigen Preis und die Preisänderung zur Vorjahresmenge "
                    "bewertet. Die Brücke bewertet hier die Menge zum Vorjahrespreis und den Preis zur "
                    "diesjährigen Menge.",
                ),
                lambda x: _bridge(x, price_first=True),
            ),
            Mistake(
                "sign",
                (
                    "The signs are the wrong way round: compute this year minus last year.",
                    "Die Vorzeichen sind vertauscht: rechnen Sie dieses Jahr minus Vorjahr.",
                ),
                lambda x: _bridge(x, flip=True),
            ),
            Mistake(
                "does_not_add_up",
                (
                    "Your two effects do not add up to the change in revenue: volume at this year's "
                    "price and price at this year's units count the cross term twice.",
                    "Ihre beiden Effekte ergeben zusammen nicht die Umsatzänderung: Menge zum "
                    "diesjährigen Preis und Preis zur diesjährigen Menge zählen den Kreuzterm doppelt.",
                ),
                lambda x: _bridge(x, both_current=True),
            ),
        ),
        hint=(
            "Check: volume + price must equal this year's revenue minus last year's.",
            "Probe: Menge + Preis muss Umsatz dieses Jahr minus Vorjahr ergeben.",
        ),
        explanation=(
            "Volume = ({q1} − {q0}) × {p0}; price = ({p1} − {p0}) × {q1}; together they make the change "
            "{q1}·{p1} − {q0}·{p0}.",
            "Menge = ({q1} − {q0}) × {p0}; Preis = ({p1} − {p0}) × {q1}; zusammen ergeben sie die Änderung "
            "{q1}·{p1} − {q0}·{p0}.",
        ),
    )
)

# --------------------------------------------------------------------------- 05 portfolio review

_register(
    Exercise(
        id="05.1",
        level="apply",
        title=("Logo retention", "Kundenbindungsrate"),
        prompt=(
            "{start} accounts bought in 2024Q4. In 2025Q4, {kept} of them bought again and the others did not. Also "
            "buying in 2025Q4: {returned} account that last bought in 2023 (it came back) and {new} accounts buying for "
            "the first time. What is the logo retention 2025Q4 against 2024Q4?",
            "{start} Kunden kauften in 2024Q4. In 2025Q4 kauften {kept} von ihnen wieder, die übrigen nicht. Außerdem "
            "kauften in 2025Q4: {returned} Kunde, der zuletzt 2023 gekauft hatte (er kam zurück), und {new} Kunden zum "
            "ersten Mal. Wie hoch ist die Kundenbindungsrate (Logo Retention) 2025Q4 gegenüber 2024Q4?",
        ),
        kind="share",
        inputs={"start": 20, "kept": 17, "returned": 1, "new": 2},
        tolerance=0.002,
        solve=lambda x: x["kept"] / x["start"],
        mistakes=(
            Mistake(
                "returned_counted",
                (
                    "You counted the returning account as retained. It did not buy in the base "
                    "quarter, so it is not in the start set: it is counted as returned, not as "
                    "retained.",
                    "Sie haben den zurückgekehrten Kunden als gehalten gezählt. Er hat im Basisquartal "
                    "nicht gekauft, gehört also nicht zur Startmenge: er zählt als zurückgekehrt, nicht "
                    "als gehalten.",
                ),
                lambda x: (x["kept"] + x["returned"]) / x["start"],
            ),
            Mistake(
                "new_counted",
                (
                    "New and returning accounts are not retained ones: retention only follows the accounts "
                    "of the start set.",
                    "Neue und zurückgekehrte Kunden sind keine gehaltenen: die Bindungsrate verfolgt nur die "
                    "Kunden der Startmenge.",
                ),
                lambda x: (x["kept"] + x["returned"] + x["new"]) / x["start"],
            ),
            Mistake(
                "churn_given",
                (
                    "That is the churn rate (Abwanderungsrate), 1 − retention.",
                    "Das ist die Abwanderungsrate, 1 − Bindungsrate.",
                ),
                lambda x: 1 - x["kept"] / x["start"],
            ),
            Mistake(
                "denominator_now",
                (
                    "The denominator is the start set ({start} accounts), not everybody buying now.",
                    "Der Nenner ist die Startmenge ({start} Kunden), nicht alle, die jetzt kaufen.",
                ),
                lambda x: x["kept"] / (x["start"] + x["returned"] + x["new"]),
            ),
        ),
        hint=(
            "Retained accounts of the start set / accounts of the start set.",
            "Gehaltene Kunden der Startmenge / Kunden der Startmenge.",
        ),
        explanation=(
            "Retention = {kept} / {start}; churn = 1 − retention. The returning and the new accounts are reported "
            "separately (notebook 05, section 2).",
            "Bindungsrate = {kept} / {start}; Abwanderung = 1 − Bindungsrate. Zurückgekehrte und neue Kunden werden "
            "getrennt ausgewiesen (Notebook 05, Abschnitt 2).",
        ),
    )
)

_ACC_05_2 = {  # account: (revenue 2024Q4, revenue 2025Q4)
    "A1": (100_000, 130_000),
    "A2": (200_000, 150_000),
    "A3": (150_000, 0),
    "A4": (250_000, 250_000),
    "A5": (300_000, 340_000),
    "A6": (0, 60_000),
    "A7": (0, 40_000),
}


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


_register(
    Exercise(
        id="05.2",
        level="analyse",
        title=("GRR and NRR from account data", "GRR und NRR aus Kundendaten"),
        prompt=(
            "Revenue per account in the base quarter 2024Q4 and in 2025Q4 (A7 last bought in 2023 and came back; A6 is "
            "new). Classify each account as expansion, contraction, churn or not in the start set, then compute GRR and "
            "NRR.\n\n{table}",
            "Umsatz je Kunde im Basisquartal 2024Q4 und in 2025Q4 (A7 kaufte zuletzt 2023 und kam zurück; A6 ist neu). "
            "Ordnen Sie jeden Kunden als Ausweitung, Rückgang, Abwanderung oder nicht in der Startmenge ein und "
            "berechnen Sie dann GRR und NRR.\n\n{table}",
        ),
        kind="fields",
        inputs={"accounts": _ACC_05_2},
        fields=_RR_FIELDS,
        solve=lambda x: _rr_accounts(x),
        mistakes=(
            Mistake(
                "new_counted",
                (
                    "A6 and A7 had no revenue in the base quarter: they are not in the start set and their "
                    "revenue is no expansion.",
                    "A6 und A7 hatten im Basisquartal keinen Umsatz: sie gehören nicht zur Startmenge, ihr "
                    "Umsatz ist keine Ausweitung.",
                ),
                lambda x: _rr_accounts(x, count_new=True),
            ),
            Mistake(
                "expansion_in_grr",
                (
                    "GRR leaves expansion out and can never exceed 100 %; only NRR adds it.",
                    "Die GRR lässt die Ausweitung weg und kann nie über 100 % liegen; nur die NRR addiert sie.",
                ),
                lambda x: _rr_accounts(x, expansion_in_grr=True),
            ),
            Mistake(
                "churn_forgotten",
                (
                    "A3 stopped buying: its whole base revenue is churn and lowers both ratios.",
                    "A3 kauft nicht mehr: sein ganzer Basisumsatz ist Abwanderung und senkt beide Kennzahlen.",
                ),
                lambda x: _rr_accounts(x, churn_as_zero=True),
            ),
        ),
        hint=(
            "Start = base revenue of accounts that bought in 2024Q4; then sum expansion, contraction and churn.",
            "Start = Basisumsatz der Kunden, die 2024Q4 kauften; dann Ausweitung, Rückgang und Abwanderung summieren.",
        ),
        explanation=(
            "Start {start}; expansion {expansion}, contraction {contraction}, churn {churn}; GRR = (start − "
            "contraction − churn)/start, NRR = (start + expansion − contraction − churn)/start.",
            "Start {start}; Ausweitung {expansion}, Rückgang {contraction}, Abwanderung {churn}; GRR = (Start − "
            "Rückgang − Abwanderung)/Start, NRR = (Start + Ausweitung − Rückgang − Abwanderung)/Start.",
        ),
        steps=lambda x: {
            "start": sum(a for a, b in x["accounts"].values()),
            "expansion": sum(b - a for a, b in x["accounts"].values() if a > 0 and b > a),
            "contraction": sum(a - b for a, b in x["accounts"].values() if 0 < b < a),
            "churn": sum(a for a, b in x["accounts"].values() if a > 0 and b == 0),
        },
        tables=lambda x, lang: {
            "table": _md_table(
                ["account", "2024Q4", "2025Q4"] if lang == "en" else ["Kunde", "2024Q4", "2025Q4"],
                [[k, _fmt_number(a, lang), _fmt_number(b, lang)] for k, (a, b) in x["accounts"].items()],
            )
        },
    )
)

_PROV_05_3 = {  # account: (weighted score, revenue in thousand EUR, KAM)
    "P01": (9.1, 900, "Weber"),
    "P02": (8.7, 300, "Weber"),
    "P03": (8.2, 1200, "Yilmaz"),
    "P04": (7.9, 80, "Weber"),
    "P05": (7.5, 700, "Yilmaz"),
    "P06": (7.3, 350, "Weber"),
    "P07": (7.0, 500, "Yilmaz"),
    "P08": (6.8, 200, "Weber"),
    "P09": (6.6, 650, "Novak"),
    "P10": (6.1, 90, "Novak"),
}


def _drop(x: dict, *, by: int = 0, top=False, per_kam=False) -> list[str]:
    acc = x["accounts"]
    excess = len(acc) - sum(x["capacity"].values())
    if per_kam:
        out = []
        for kam, cap in x["capacity"].items():
            mine = sorted((a for a in acc if acc[a][2] == kam), key=lambda a: acc[a][0])
            out += mine[: max(0, len(mine) - cap)]
        return out
    return sorted(acc, key=lambda a: acc[a][by], reverse=top)[:excess]


_register(
    Exercise(
        id="05.3",
        level="analyse",
        title=("Too many key accounts", "Zu viele Schlüsselkunden"),
        prompt=(
            "The provisional list has ten accounts; the KAMs can serve {capacity_text} key accounts. The rule: beyond "
            "the total capacity, the accounts with the **lowest weighted score** leave the list first (an overloaded "
            "KAM's account is reassigned if another KAM has room). Which accounts leave the list?\n\n{table}",
            "Die provisorische Liste hat zehn Kunden; die KAMs können {capacity_text} Schlüsselkunden betreuen. Die "
            "Regel: über die Gesamtkapazität hinaus verlassen die Kunden mit dem **niedrigsten gewichteten Score** "
            "zuerst die Liste (der Kunde eines überlasteten KAM wird umverteilt, wenn ein anderer KAM Platz hat). "
            "Welche Kunden verlassen die Liste?\n\n{table}",
        ),
        kind="ids",
        inputs={"accounts": _PROV_05_3, "capacity": {"Weber": 3, "Yilmaz": 3, "Novak": 2}},
        ids=tuple(_PROV_05_3),
        solve=lambda x: _drop(x),
        mistakes=(
            Mistake(
                "lowest_revenue",
                (
                    "You dropped the smallest accounts by revenue; the rule uses the weighted score, "
                    "which already includes revenue among other criteria.",
                    "Sie haben die umsatzschwächsten Kunden gestrichen; die Regel nutzt den gewichteten "
                    "Score, der den Umsatz neben anderen Kriterien bereits enthält.",
                ),
                lambda x: _drop(x, by=1),
            ),
            Mistake(
                "top_dropped",
                (
                    "You dropped the best accounts: the lowest scores leave first.",
                    "Sie haben die besten Kunden gestrichen: die niedrigsten Scores gehen zuerst.",
                ),
                lambda x: _drop(x, top=True),
            ),
            Mistake(
                "per_kam",
                (
                    "You dropped the overloaded KAM's weakest accounts. Capacity is first a question of the "
                    "total; an overloaded KAM's accounts are reassigned to KAMs with room.",
                    "Sie haben die schwächsten Kunden des überlasteten KAM gestrichen. Kapazität ist zuerst eine "
                    "Frage der Summe; die Kunden eines überlasteten KAM werden an KAMs mit Platz umverteilt.",
                ),
                lambda x: _drop(x, per_kam=True),
            ),
        ),
        hint=(
            "Total capacity vs list length gives how many leave; then sort by weighted score.",
            "Gesamtkapazität gegen Listenlänge ergibt, wie viele gehen; dann nach gewichtetem Score sortieren.",
        ),
        explanation=(
            "Capacity {total} for ten accounts: the two lowest scores leave. Weber still has more accounts than "
            "capacity afterwards; those accounts are reassigned to KAMs with room, which is what the 'reassign' flag "
            "of notebook 01 marks. Source 001: better to start small and add accounts later.",
            "Kapazität {total} für zehn Kunden: die zwei niedrigsten Scores gehen. Weber hat danach noch mehr Kunden "
            "als Kapazität; diese werden an KAMs mit Platz umverteilt – das markiert 'reassign' in Notebook 01. "
            "Quelle 001: lieber klein anfangen und später ergänzen.",
        ),
        steps=lambda x: {"total": sum(x["capacity"].values())},
        tables=lambda x, lang: {
            "capacity_text": " + ".join(f"{v} ({k})" for k, v in x["capacity"].items())
            + " = "
            + str(sum(x["capacity"].values())),
            "table": _md_table(
                ["account", "weighted score", "revenue (thousand EUR)", "KAM"]
                if lang == "en"
                else ["Kunde", "gewichteter Score", "Umsatz (Tsd. EUR)", "KAM"],
                [[a, _fmt_number(s, lang), _fmt_number(r, lang), k] for a, (s, r, k) in x["accounts"].items()],
            ),
        },
    )
)

_register(
    _choice(
        id="05.4",
        level="recall",
        title=("Pitfalls of source 001", "Stolpersteine aus Quelle 001"),
        prompt=(
            "Which of these is **not** a pitfall that source 001 warns about, but a recommendation?\n\n{options}",
            "Was davon ist **kein** Stolperstein, vor dem Quelle 001 warnt, sondern eine Empfehlung?\n\n{options}",
        ),
        options={
            "a": (
                "Neglecting the smaller accounts once KAM starts.",
                "Die kleineren Kunden vernachlässigen, sobald KAM beginnt.",
            ),
            "b": (
                "Following the account plan too rigidly when the customer's situation changes.",
                "Am Kundenplan zu starr festhalten, wenn sich die Lage des Kunden ändert.",
            ),
            "c": ("Going into customer meetings unprepared.", "Unvorbereitet in Kundengespräche gehen."),
            "d": (
                "Starting with few key accounts and adding more later.",
                "Mit wenigen Schlüsselkunden beginnen und später weitere aufnehmen.",
            ),
        },
        answer="d",
        wrong={
            "a": (
                "neglect",
                (
                    "Neglecting the rest of the customer base is a real pitfall; notebook 05 checks it in the data.",
                    "Den übrigen Kundenstamm zu vernachlässigen ist ein echter Stolperstein; Notebook 05 prüft "
                    "ihn in den Daten.",
                ),
            ),
            "b": (
                "rigid",
                (
                    "Rigidity is a pitfall: the plan has to follow the customer, reviews exist to adjust it.",
                    "Starrheit ist ein Stolperstein: der Plan muss dem Kunden folgen, Reviews sind zum Anpassen da.",
                ),
            ),
            "c": (
                "unprepared",
                (
                    "Being unprepared is a pitfall; the account profile of notebook 02 exists against it.",
                    "Unvorbereitet zu sein ist ein Stolperstein; das Kundenprofil aus Notebook 02 hilft dagegen.",
                ),
            ),
        },
        hint=("Three of them are warnings; one is advice.", "Drei davon sind Warnungen, eine ist ein Rat."),
        explanation=(
            "Starting small is advice (sources 001 and 004): promoting an account later is easier than taking the "
            "status away.",
            "Klein anzufangen ist ein Rat (Quellen 001 und 004): später aufzunehmen ist leichter, als den Status "
            "wieder zu entziehen.",
        ),
    )
)

_AXES = {
    "attractiveness": ("attraktivitaet", "attractiveness to us", "attraktivitaet fuer uns"),
    "strength": ("staerke", "relationship strength", "relationship", "beziehung", "beziehungsstaerke"),
    "both": ("beide", "both axes"),
    "neither": ("keine", "none", "keine von beiden"),
}

_register(
    Exercise(
        id="05.5",
        level="analyse",
        title=("Reading a quadrant move", "Einen Quadrantenwechsel lesen"),
        prompt=(
            "Between last year and this year an account moved from **{before}** to **{after}** in the portfolio matrix. "
            "Which axis fell below the line: attractiveness, strength, both or neither?",
            "Zwischen Vorjahr und diesem Jahr wechselte ein Kunde in der Portfolio-Matrix von **{before}** nach "
            "**{after}**. Welche Achse fiel unter die Linie: attractiveness (Attraktivität), strength (Stärke), both "
            "(beide) oder neither (keine)?",
        ),
        kind="label",
        inputs={"before": "strategic", "after": "status"},
        labels=_AXES,
        solve=lambda x: "attractiveness",
        mistakes=(
            Mistake(
                "strength",
                (
                    "Both quadrants have a strong relationship: strength stayed high.",
                    "Beide Quadranten haben eine starke Beziehung: die Stärke blieb hoch.",
                ),
                lambda x: "strength",
            ),
            Mistake(
                "both",
                (
                    "If both had fallen the account would now be in streamline.",
                    "Wären beide gefallen, läge der Kunde jetzt im Quadranten Streamline.",
                ),
                lambda x: "both",
            ),
            Mistake(
                "neither",
                (
                    "A move between quadrants means at least one axis crossed the line.",
                    "Ein Quadrantenwechsel heißt, dass mindestens eine Achse die Linie überquert hat.",
                ),
                lambda x: "neither",
            ),
        ),
        hint=(
            "Write down high/low on both axes for each quadrant.",
            "Notieren Sie für jeden Quadranten hoch/niedrig je Achse.",
        ),
        explanation=(
            "Strategic is high/high, status is low attractiveness with high strength: the account became less "
            "attractive to us (smaller, less growth or margin) while the relationship stayed strong. Strategy now: "
            "maintain and manage the cost to serve.",
            "Strategic ist hoch/hoch, status ist geringe Attraktivität bei hoher Stärke: der Kunde wurde für uns "
            "weniger attraktiv (kleiner, weniger Wachstum oder Marge), die Beziehung blieb stark. Strategie jetzt: "
            "halten und die Betreuungskosten steuern.",
        ),
    )
)


# =========================================================================== public API


def ids(notebook: str | None = None) -> list[str]:
    """All exercise ids, or those of one notebook ("00" ... "05")."""
    return [k for k in _EXERCISES if notebook is None or k.startswith(f"{notebook}.")]


def get(exercise_id: str) -> Exercise:
    """The :class:`Exercise` with this id; an unknown id raises a KeyError naming the known ones."""
    try:
        return _EXERCISES[str(exercise_id).strip()]
    except KeyError:
        raise KeyError(f"unknown exercise {exercise_id!r}; known: {', '.join(_EXERCISES)}") from None


def _fill(template: Pair, ex: Exercise, lang: str, extra: dict | None = None) -> str:
    values = ex.values(lang)
    for k, v in (extra or {}).items():
        values[k] = _fmt_value(v, lang)
    return pick(template, lang).format(**values)


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


def task(exercise_id: str, lang: str = "en") -> Text:
    """The task as Markdown: title, level, the task with its inputs, the answer format and how to check."""
    ex, lang = get(exercise_id), i18n.check_lang(lang)
    parts = [
        f"**{_t('exercise', lang)} {ex.id} · {pick(ex.title, lang)}** ({_t('level', lang)}: "
        f"{pick(LEVELS[ex.level], lang)})",
        "",
        _fill(ex.prompt, ex, lang),
        "",
        f"*{_t('answer_format', lang)}:* {answer_format(ex, lang)}",
    ]
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
                        f"{_fmt_number(s.tolerance, lang)} ({k})" for k, s in ex.fields.items() if s.kind != "label"
                    ),
                )
            )
    parts += ["", _t("how_to", lang, id=ex.id)]
    return Text("\n".join(parts))


show = task


def _solution_text(ex: Exercise, lang: str) -> str:
    sol = ex.solution()
    if ex.kind == "share":
        return f"{_fmt_number(round(sol, 4), lang)} ({i18n.percent(sol, lang)})"
    if ex.kind == "number":
        return _fmt_number(sol, lang, ex.decimals)
    if ex.kind == "choice":
        return f"({sol}) {pick(ex.options[sol], lang)}"
    if ex.kind == "ids":
        return ", ".join(sorted(sol))
    if ex.kind == "mapping":
        return ", ".join(f"{k}: {v}" for k, v in sol.items())
    if ex.kind == "fields":
        out = []
        for k, v in sol.items():
            spec = ex.fields[k]
            shown = (
                v
                if spec.kind == "label"
                else (
                    f"{_fmt_number(round(v, 4), lang)} ({i18n.percent(v, lang)})"
                    if spec.kind == "share"
                    else _fmt_number(v, lang, 2 if v != round(v) else 0)
                )
            )
            out.append(f"{pick(spec.label, lang) or k} = {shown}")
        return "; ".join(out)
    return str(sol)


def show_solution(exercise_id: str, lang: str = "en") -> Text:
    """The solution with the worked steps (only here does the solution appear)."""
    ex, lang = get(exercise_id), i18n.check_lang(lang)
    explanation = _fill(ex.explanation, ex, lang, ex.steps(dict(ex.inputs)))
    return Text(
        f"**{_t('solution', lang)} {ex.id} · {pick(ex.title, lang)}:** {_solution_text(ex, lang)}\n\n{explanation}"
    )


def solution(exercise_id: str) -> Any:
    """The solution value in the canonical answer shape (for tests and for trainers)."""
    return get(exercise_id).solution()


def check(exercise_id: str, answer: Any, lang: str = "en") -> Feedback:
    """Compare ``answer`` with the solution; diagnose the typical mistake when it is wrong. Never raises for an
    answer of the wrong shape (the feedback says what is expected); an unknown ``exercise_id`` is a KeyError."""
    ex, lang = get(exercise_id), i18n.check_lang(lang)

    def fb(key: str, message: str, correct: bool = False) -> Feedback:
        return Feedback(ex.id, correct, key, message, lang)

    fmt = answer_format(ex, lang)
    if _is_empty(answer):
        return fb("empty", _t("empty", lang, format=fmt))
    try:
        given = _normalise(ex, answer, lang)
    except _WrongType:
        return fb("wrong_type", _t("wrong_type", lang, format=fmt, given=_describe_type(answer, lang)))
    sol = ex.solution()
    inputs = dict(ex.inputs)

    # answers that name things outside the task
    if ex.kind in ("label", "choice") and isinstance(given, str) and given.startswith("?"):
        if ex.kind == "label":
            return fb("unknown_label", _t("unknown_label", lang, given=given[1:], labels=", ".join(ex.labels)))
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
            return fb("incomplete", _t("incomplete", lang, missing=", ".join(f'"{k}"' for k in missing)))
        for k, v in given.items():
            if ex.fields[k].kind == "label" and isinstance(v, str) and v.startswith("?"):
                return fb(
                    "unknown_label", _t("unknown_label", lang, given=v[1:], labels=", ".join(ex.fields[k].labels))
                )

    if _same(ex, given, sol):
        return fb("correct", "", correct=True)

    # typical mistakes: first an exact match of the whole answer, then (for dicts) the wrong parts
    computed = [(m, _normalise_internal(ex, m.answer(inputs))) for m in ex.mistakes]
    for m, value in computed:
        if _same(ex, given, value):
            return fb(m.key, _fill(m.hint, ex, lang))
    if ex.kind == "fields":
        wrong = [k for k in ex.fields if not _same(ex, given[k], sol[k], k)]
        for m, value in computed:
            if all(not _same(ex, value[k], sol[k], k) and _same(ex, given[k], value[k], k) for k in wrong):
                return fb(m.key, _fill(m.hint, ex, lang))
        for k in wrong:
            spec = ex.fields[k]
            if spec.kind == "share" and _close(given[k], 100 * sol[k], 100 * spec.tolerance):
                return fb("percent_vs_fraction", _t("percent_vs_fraction", lang))
        right = [k for k in ex.fields if k not in wrong]
        if right:
            return fb(
                "partly",
                _t("partly", lang, right=", ".join(right), wrong=", ".join(wrong)) + " " + _fill(ex.hint, ex, lang),
            )
    if ex.kind in ("number", "share"):
        if ex.kind == "share" and _close(given, 100 * sol, 100 * ex.tolerance):
            return fb("percent_vs_fraction", _t("percent_vs_fraction", lang))
        if abs(given - sol) <= NEAR_MISS * abs(sol):
            return fb("rounding", _t("rounding", lang))
    if ex.kind == "mapping":
        n = sum(given[i] != sol[i] for i in ex.ids)
        return fb("wrong", _t("n_wrong", lang, n=n, total=len(ex.ids)) + " " + _fill(ex.hint, ex, lang))
    if ex.kind == "ids":
        return fb(
            "wrong",
            _t("set_diff", lang, n_missing=len(sol - given), n_extra=len(given - sol)) + " " + _fill(ex.hint, ex, lang),
        )
    return fb("wrong", _fill(ex.hint, ex, lang))


def overview(lang: str = "en") -> pd.DataFrame:
    """All exercises: id, notebook, level and title."""
    lang = i18n.check_lang(lang)
    rows = [
        {"id": ex.id, "notebook": ex.notebook, "level": pick(LEVELS[ex.level], lang), "title": pick(ex.title, lang)}
        for ex in _EXERCISES.values()
    ]
    return pd.DataFrame(rows).set_index("id")
