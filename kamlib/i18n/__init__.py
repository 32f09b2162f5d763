"""The run's language: the one catalogue of labels and sentences, and number, money and date formats.

Every (English, German) pair kamlib shows lives in the TOML files of ``kamlib/i18n/catalogue/`` (one file
per module, one section per table), read with :func:`table`. Code renders its text in the run's ``lang``
where it produces it; nothing translates finished output afterwards. Formats come from CLDR through Babel.
Notebook prose is bilingual at the source (Markdown cells tagged ``lang-en``/``lang-de``).

Examples
--------
>>> t("revenue_eur", "de")
'Umsatz (EUR)'
>>> t("revenue_eur", "en")
'Revenue (EUR)'
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

from babel.dates import format_date
from babel.numbers import NumberPattern, parse_pattern

LANGS = ("en", "de")
#: The Babel locale of each language: number, money and date formats come from CLDR through Babel.
LOCALES = {"en": "en_US", "de": "de_DE"}


@functools.cache
def _catalogue() -> dict[str, dict[str, tuple[str, str]]]:
    """Every table of the catalogue, keyed ``file.section``: the TOML files in ``kamlib/i18n/catalogue/``."""
    tables: dict[str, dict[str, tuple[str, str]]] = {}
    for entry in sorted(resources.files("kamlib.i18n").joinpath("catalogue").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        parsed = tomllib.loads(entry.read_text(encoding="utf-8"))
        for section, rows in parsed.items():
            tables[f"{entry.name[:-5]}.{section}"] = {k: (v["en"], v["de"]) for k, v in rows.items()}
    return tables


def table(name: str) -> dict[str, tuple[str, str]]:
    """The catalogue table ``name`` ("review.labels"): code -> (English, German).

    Examples
    --------
    >>> table("common.labels")["revenue_eur"]
    ('Revenue (EUR)', 'Umsatz (EUR)')
    """
    return _catalogue()[name]


def tables() -> dict[str, dict[str, tuple[str, str]]]:
    """All catalogue tables, keyed ``file.section`` (tests iterate over them)."""
    return dict(_catalogue())


_LABELS: dict[str, tuple[str, str]] = table("common.labels")

CRITERION_LABELS: dict[str, tuple[str, str]] = table("common.criterion_labels")
QUADRANT_LABELS: dict[str, tuple[str, str]] = table("common.quadrant_labels")

#: What each table of the data model holds, for the data tour.
TABLE_MEANING: dict[str, tuple[str, str]] = table("common.table_meaning")


#: Column and index names of the tables the notebooks show (code -> English, German). Module tables
#: (``profile.LABELS``, ``review.LABELS`` ...) come after this one in :func:`code_label`.
COLUMNS: dict[str, tuple[str, str]] = table("common.columns")

#: Code values in table cells (category codes of the data model and of kamlib's results).
VALUES: dict[str, tuple[str, str]] = table("common.values")

#: Codes of the profile linter's findings (``profile.findings["check"]``).
CHECKS: dict[str, tuple[str, str]] = table("common.checks")

#: The run's index page (``index.html``) and report footer, written by :mod:`kamlib.batch.runner`.
INDEX: dict[str, tuple[str, str]] = table("common.index")


def number(value: float, lang: str = "en", decimals: int = 2) -> str:
    """Format a number the way readers of ``lang`` expect: 1,234.50 (en) or 1.234,50 (de); missing gives '–'.

    Babel formats with the locale's separators and rounds half up on the decimal value shown (2.675 -> 2.68).

    Examples
    --------
    >>> number(1234.5, "de"), number(1234.5, "en"), number(-0.5, "de", 1), number(2.675, "en")
    ('1.234,50', '1,234.50', '-0,5', '2.68')
    >>> number(float("nan"), "de"), number(1234.4, "de", 0), number(-0.0004, "en", 1)
    ('–', '1.234', '0.0')
    """
    if value is None or value != value:
        return "–"
    if value and round(value, decimals) == 0:  # -0.0004 shown with one decimal: 0.0, not -0.0
        value = 0.0
    return _decimal_pattern(decimals).apply(value, LOCALES[check_lang(lang)])


@functools.lru_cache(maxsize=16)
def _decimal_pattern(decimals: int) -> NumberPattern:
    """Babel's pattern for ``decimals`` places, parsed once (``format_decimal`` parses it on every call: a
    chart's tick labels and a table's cells call :func:`number` thousands of times)."""
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


def percent(value: float, lang: str = "en", decimals: int = 1, *, signed: bool = False) -> str:
    """80.0% in English, 80,0 % in German (with the non-breaking space German style guides ask for).

    ``signed``: a change, with '+' before a rise and a real minus sign (U+2212) before a fall; none when it
    rounds to zero.

    Examples
    --------
    >>> percent(0.8, "en"), percent(0.8, "de")
    ('80.0%', '80,0\u00a0%')
    >>> percent(-0.408, "de", signed=True), percent(0.05, "en", signed=True), percent(-0.00004, "en", signed=True)
    ('\u221240,8\u00a0%', '+5.0%', '0.0%')
    """
    if signed and value == value and value is not None:
        body = percent(abs(value), lang, decimals)
        if round(abs(value) * 100, decimals) == 0:
            return body
        return ("+" if value > 0 else "\u2212") + body
    text = number(value * 100, lang, decimals)
    return f"{text}\u00a0%" if lang == "de" else f"{text}%"


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise a ValueError naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def pick(pair: tuple[str, str], lang: str = "en") -> str:
    """The German or English half of an (English, German) pair; every module's label table uses this."""
    return pair[1] if check_lang(lang) == "de" else pair[0]


def t(key: str, lang: str = "en") -> str:
    """The label ``key`` in ``lang`` ('en' or 'de')."""
    return pick(_LABELS[key], lang)


def criterion_label(criterion: str, lang: str = "en") -> str:
    return pick(CRITERION_LABELS[criterion], lang)


def quadrant_label(quadrant: str, lang: str = "en") -> str:
    return pick(QUADRANT_LABELS[quadrant], lang)


def table_meaning(table: str, lang: str = "en") -> str:
    return pick(TABLE_MEANING[table], lang)


# --------------------------------------------------------------------------- formats


def money(value: float, lang: str = "en", decimals: int = 2) -> str:
    """An amount in EUR: '€1,234.56' (en) or '1.234,56 €' (de); negative amounts keep their sign in front.

    Examples
    --------
    >>> money(1234.56, "en"), money(1234.56, "de")
    ('€1,234.56', '1.234,56\u00a0€')
    >>> money(-5, "en", 0), money(-5, "de", 0)
    ('-€5', '-5\u00a0€')
    >>> money(float("nan"), "de")
    '–'
    """
    if value is None or value != value:
        return "–"
    if check_lang(lang) == "de":
        return f"{number(value, lang, decimals)}\u00a0€"
    sign = "-" if value < 0 else ""
    return f"{sign}€{number(abs(value), lang, decimals)}"


def date(value, lang: str = "en") -> str:
    """A date as German readers write it (31.12.2025) or ISO 8601 (2025-12-31); missing dates give '–'.

    Examples
    --------
    >>> date("2025-12-31", "de"), date("2025-12-31", "en")
    ('31.12.2025', '2025-12-31')
    >>> date(None, "de")
    '–'
    """
    import pandas as pd

    check_lang(lang)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    pattern = "dd.MM.yyyy" if lang == "de" else "yyyy-MM-dd"
    return format_date(pd.Timestamp(value).date(), format=pattern, locale=LOCALES[lang])


def short_amount(value: float, lang: str = "en", extra: int = 0) -> str:
    """A large amount for a chart: '1.5 M', '300 k' (en) or '1,5 Mio.', '300 Tsd.' (de); '0' for zero.

    Examples
    --------
    >>> short_amount(1_520_000, "en"), short_amount(1_520_000, "de"), short_amount(-300_000, "de")
    ('1.5 M', '1,5\u00a0Mio.', '-300\u00a0Tsd.')
    >>> short_amount(float("inf"), "de"), short_amount(0, "en"), short_amount(512, "de")
    ('∞', '0', '512')

    ``extra`` adds decimals (a chart axis whose ticks 2,000 and 2,500 would both read '2 k'):

    >>> short_amount(2_500, "en"), short_amount(2_500, "en", 1), short_amount(2_500, "de", 1)
    ('2 k', '2.5 k', '2,5\u00a0Tsd.')
    """
    de = check_lang(lang) == "de"
    if value != value or value in (float("inf"), float("-inf")):
        return "∞" if value == value else "–"
    if abs(value) >= 1e6:
        return f"{number(value / 1e6, lang, 1 + extra)}\u00a0Mio." if de else f"{value / 1e6:.{1 + extra}f} M"
    if abs(value) >= 1e3:
        return f"{number(value / 1e3, lang, extra)}\u00a0Tsd." if de else f"{value / 1e3:.{extra}f} k"
    return number(value, lang, extra) if value else "0"


def missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas' NA (the cells every table shows as '–')."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):  # arrays are not cells
        return False


#: The kinds of :func:`cell`: how a table cell is written for a reader.
CELL_KINDS = ("auto", "number", "int", "money", "percent", "points", "date", "yesno", "text")


def cell(value: object, lang: str = "en", kind: str = "auto", decimals: int = 2) -> str:
    """One table cell as text for readers of ``lang``: the one cell formatter every table of the workbook uses.

    ``kind``: ``number`` (``decimals`` places), ``int`` (no decimals), ``money`` (EUR amount, no symbol: the
    header says EUR), ``percent`` (a share 0.158 as 15.8%, ``decimals`` default 1 when given so), ``points``
    (a change of a share in percentage points, signed), ``date``, ``yesno``, ``text``; ``auto`` picks by the
    value's type (bool, whole number, float, timestamp, text). Missing values are '–' in every kind.

    Examples
    --------
    >>> cell(1234.5, "de"), cell(1234.5, "en", "int"), cell(0.158, "de", "percent", 1), cell(0.012, "en", "points", 1)
    ('1.234,50', '1,234', '15,8\xa0%', '+1.2 pp')
    >>> cell(True, "de"), cell(float("nan"), "en", "money"), cell("2025-12-31", "de", "date"), cell(7, "en")
    ('ja', '–', '31.12.2025', '7')
    """
    import datetime as _dt

    import numpy as np

    check_lang(lang)
    if kind not in CELL_KINDS:
        raise ValueError(f"kind must be one of {', '.join(CELL_KINDS)}, not {kind!r}")
    if missing(value):
        return "–"
    if kind == "auto":
        if isinstance(value, (bool, np.bool_)):
            kind = "yesno"
        elif isinstance(value, (int, np.integer)):
            kind = "int"
        elif isinstance(value, (float, np.floating)):
            kind = "int" if float(value).is_integer() and abs(float(value)) >= 1000 else "number"
        elif isinstance(value, (_dt.date, np.datetime64)):
            kind = "date"
        else:
            kind = "text"
    if kind == "yesno":
        return t("yes" if bool(value) else "no", lang)
    if kind == "date":
        return date(value, lang)
    if kind == "text":
        return str(value)
    v = float(value)  # type: ignore[arg-type]  # number kinds take numbers; a wrong kind raises here
    if kind == "int":
        return number(v, lang, 0)
    if kind == "money":
        return number(v, lang, decimals)
    if kind == "percent":
        return percent(v, lang, decimals)
    if kind == "points":
        sign = "+" if v > 0 else ""
        return (
            f"{sign}{number(v * 100, lang, decimals)}\u00a0{'Pp.' if lang == 'de' else 'pp'}"
            if lang == "de"
            else f"{sign}{number(v * 100, lang, decimals)} pp"
        )
    return number(v, lang, decimals)


# --------------------------------------------------------------------------- tables and text


def code_label(code: str, lang: str = "en") -> str | None:
    """The label of a column code or value code (``COLUMNS``, then the module tables); None if unknown."""
    for table in _code_tables():
        pair = table.get(code)
        if pair is not None:
            return pick(pair, lang)
    return None


def _code_tables() -> list[dict[str, tuple[str, str]]]:
    value_labels = table("value.labels")
    return [
        COLUMNS,
        CRITERION_LABELS,
        CHECKS,
        _LABELS,
        table("profile.labels"),
        table("review.labels"),
        VALUES,
        table("profile.value_labels"),
        table("clv.labels"),
        {k: (v[0].lstrip("−= "), v[1].lstrip("−= ")) for k, v in value_labels.items()},
        table("scope.labels"),
    ]


def registry() -> dict[str, tuple[str, str]]:
    """Every (English, German) pair kamlib shows, keyed ``file.section.key`` (the whole catalogue)."""
    return {f"{name}.{key}": pair for name, rows in tables().items() for key, pair in rows.items()}
