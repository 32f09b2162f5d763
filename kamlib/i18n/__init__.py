"""German and English labels for tables, charts and generated sentences.

Notebook narrative is written once (English, with the German KAM terms where they matter); what
kamlib generates (chart labels, table headers, summary sentences) follows the ``lang`` parameter.

Examples
--------
>>> t("revenue_eur", "de")
'Umsatz (EUR)'
>>> t("revenue_eur", "en")
'Revenue (EUR)'
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources

from babel.dates import format_date
from babel.numbers import format_decimal

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

#: Sentences the notebooks print: English template -> German template. ``{name}`` is any text; numbers,
#: dates and codes inside it are localised too (see :func:`localise_text`).
SENTENCES: dict[str, tuple[str, str]] = table("common.sentences")

#: Headings of notebooks 00-05 (without the leading ``#`` and the "N · " number): English -> German.
HEADINGS: dict[str, tuple[str, str]] = table("common.headings")

#: The run's index page (``index.html``) and report footer, written by :mod:`kamlib.batch.runner`.
INDEX: dict[str, tuple[str, str]] = table("common.index")


def number(value: float, lang: str = "en", decimals: int = 2) -> str:
    """Format a number the way readers of ``lang`` expect: 1,234.50 (en) or 1.234,50 (de); missing gives '–'.

    Babel formats with the locale's separators and rounds half up on the decimal value shown (2.675 -> 2.68).

    Examples
    --------
    >>> number(1234.5, "de"), number(1234.5, "en"), number(-0.5, "de", 1), number(2.675, "en")
    ('1.234,50', '1,234.50', '-0,5', '2.68')
    >>> number(float("nan"), "de"), number(1234.4, "de", 0)
    ('–', '1.234')
    """
    if value is None or value != value:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=LOCALES[check_lang(lang)])


def percent(value: float, lang: str = "en", decimals: int = 1) -> str:
    """80.0% in English, 80,0 % in German (with the non-breaking space German style guides ask for).

    Examples
    --------
    >>> percent(0.8, "en"), percent(0.8, "de")
    ('80.0%', '80,0\u00a0%')
    """
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


def short_amount(value: float, lang: str = "en") -> str:
    """A large amount for a chart: '1.5 M', '300 k' (en) or '1,5 Mio.', '300 Tsd.' (de); '0' for zero.

    Examples
    --------
    >>> short_amount(1_520_000, "en"), short_amount(1_520_000, "de"), short_amount(-300_000, "de")
    ('1.5 M', '1,5\u00a0Mio.', '-300\u00a0Tsd.')
    >>> short_amount(float("inf"), "de"), short_amount(0, "en"), short_amount(512, "de")
    ('∞', '0', '512')
    """
    de = check_lang(lang) == "de"
    if value != value or value in (float("inf"), float("-inf")):
        return "∞" if value == value else "–"
    if abs(value) >= 1e6:
        return f"{number(value / 1e6, lang, 1)}\u00a0Mio." if de else f"{value / 1e6:.1f} M"
    if abs(value) >= 1e3:
        return f"{number(value / 1e3, lang, 0)}\u00a0Tsd." if de else f"{value / 1e3:.0f} k"
    return number(value, lang, 0) if value else "0"


def tick_formatter(lang: str = "en", kind: str = "number", decimals: int | None = None):
    """A matplotlib tick formatter: ``kind`` is 'number' (1.234,5 / 1,234.5), 'percent' (fractions: 80 %),
    'money' (EUR, with k and M), 'short' (:func:`short_amount`) or 'thousands' (1.234 k).

    Examples
    --------
    >>> f = tick_formatter("de", "percent")
    >>> f(0.8, 0), tick_formatter("en", "percent")(0.8, 0)
    ('80\u00a0%', '80%')
    >>> tick_formatter("de", "money")(1_500_000, 0), tick_formatter("en", "money")(1_500_000, 0)
    ('1,5\u00a0Mio.\u00a0€', '€1.5M')
    >>> tick_formatter("de")(2500.5, 0), tick_formatter("de")(2.5, 0), tick_formatter("de")(3.0, 0)
    ('2.500,5', '2,5', '3')
    """
    from matplotlib.ticker import FuncFormatter

    check_lang(lang)

    def auto(v: float) -> str:
        if decimals is not None:
            return number(v, lang, decimals)
        text = number(v, lang, 6).rstrip("0")
        return text.rstrip(",." if lang == "de" else ".")

    def fmt(v, _pos=None):
        if kind == "percent":
            text = auto(round(v * 100, 6))
            return f"{text}\u00a0%" if lang == "de" else f"{text}%"
        if kind == "short":
            return short_amount(v, lang)
        if kind == "thousands":
            return f"{auto(v / 1e3)}\u00a0k"
        if kind == "money":
            if abs(v) >= 1e6:
                text = number(v / 1e6, lang, 1)
                return f"{text}\u00a0Mio.\u00a0€" if lang == "de" else f"€{text}M"
            if abs(v) >= 1e3:
                text = number(v / 1e3, lang, 0)
                return f"{text}\u00a0Tsd.\u00a0€" if lang == "de" else f"€{text}k"
            text = number(v, lang, 0)
            return f"{text}\u00a0€" if lang == "de" else f"€{text}"
        return auto(v)

    return FuncFormatter(fmt)


def localise_axes(ax, lang: str = "en") -> None:
    """German tick labels (decimal comma, '80 %') on the numeric axes of ``ax`` and its twins, in place.

    Axes whose formatter is matplotlib's default (ScalarFormatter) or a PercentFormatter are switched;
    category axes and formatters set on purpose (FuncFormatter) are left alone. English is unchanged.
    """
    from matplotlib.ticker import PercentFormatter, ScalarFormatter

    if check_lang(lang) == "en":
        return
    axes = [ax, *(a for a in ax.figure.axes if a is not ax and a.bbox.bounds == ax.bbox.bounds)]
    for a in axes:
        for axis in (a.xaxis, a.yaxis):
            if axis.get_scale() != "linear":
                continue
            f = axis.get_major_formatter()
            if isinstance(f, PercentFormatter):
                scale = f.xmax
                pf = tick_formatter(lang, "percent", f.decimals)
                axis.set_major_formatter(pf if scale == 1.0 else
                                         tick_formatter(lang, "number", f.decimals).__class__(
                                             lambda v, p, s=scale: pf(v / s, p)))
            elif isinstance(f, ScalarFormatter):
                axis.set_major_formatter(tick_formatter(lang, "number"))


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
    return [COLUMNS, CRITERION_LABELS, CHECKS, _LABELS, table("profile.labels"), table("review.labels"), VALUES,
            table("profile.value_labels"), table("clv.labels"),
            {k: (v[0].lstrip("−= "), v[1].lstrip("−= ")) for k, v in value_labels.items()}, table("scope.labels")]


def registry() -> dict[str, tuple[str, str]]:
    """Every (English, German) pair kamlib shows, keyed ``file.section.key`` (the whole catalogue)."""
    return {f"{name}.{key}": pair for name, rows in tables().items() for key, pair in rows.items()}


_EN_NUMBER = re.compile(r"(?<![\w.,])([-+−]?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\w]|[.,]\d)")
_ISO_DATE = re.compile(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00)?(?![\w-])")
_PERCENT = re.compile(r"(\d)\s?%")
_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def german_numbers(text: str) -> str:
    """English number, percent and ISO-date formats inside ``text`` in German style.

    Examples
    --------
    >>> german_numbers("m = 1,083,305.95 EUR, r = 0.9761, 76.7%, from 2025-01-01")
    'm = 1.083.305,95 EUR, r = 0,9761, 76,7\u00a0%, from 01.01.2025'
    >>> german_numbers("ACC-0044 in 2025Q4, 2023-2025, P(alive) 50 %")
    'ACC-0044 in 2025Q4, 2023-2025, P(alive) 50\u00a0%'
    """
    text = _EN_NUMBER.sub(lambda m: m.group(1) + m.group(2).replace(",", "\x00").replace(".", ",")
                          .replace("\x00", "."), text)
    text = _ISO_DATE.sub(lambda m: f"{m.group(3)}.{m.group(2)}.{m.group(1)}", text)
    return _PERCENT.sub("\\1\u00a0%", text)


def _template_regex(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"(?P<{part}>.+?)")
        else:
            out.append(r"\s+".join(re.escape(w) for w in part.split(" ")))
    return re.compile("".join(out), re.S)


_SENTENCE_RES: list[tuple[re.Pattern, str]] = []
_PHRASES: dict[str, str] = {}


def _phrases() -> dict[str, str]:
    """English label -> German for whole cells: every registry pair without placeholders (first one wins)."""
    if not _PHRASES:
        for en, de in registry().values():
            if "{" not in en and en != de and len(en) > 3:
                _PHRASES.setdefault(en, de)
    return _PHRASES


@functools.lru_cache(maxsize=None)
def _truncated_regex(template: str) -> re.Pattern:
    """Like :func:`_template_regex`, but the text may stop anywhere (pandas cuts long cells with '...')."""
    parts = re.split(r"\{(\w+)\}", template)

    def lit(part: str) -> str:
        return r"\s+".join(re.escape(w) for w in part.split(" "))

    def build(i: int) -> str:
        if i >= len(parts):
            return ""
        rest = build(i + 1)
        if i % 2:
            return f"(?P<{parts[i]}>.+?)(?:{rest})?" if rest else f"(?P<{parts[i]}>.+)"
        part = parts[i]
        if not part:
            return rest
        prefixes = "|".join(lit(part[:k]) for k in range(len(part) - 1, 0, -1))
        full = f"{lit(part)}(?:{rest})?" if rest else lit(part)
        return f"(?:{full}|(?:{prefixes}))" if prefixes else full

    return re.compile(build(0), re.S)


_SENTENCE_RES: list[tuple[re.Pattern, str, str]] = []


def translate_sentence(text: str, lang: str = "en") -> str | None:
    """The German form of an English line printed by a notebook (``SENTENCES``), or None if none matches.

    A text cut short by pandas ('...' at the end) is matched as far as it goes; the German is then cut too.

    Examples
    --------
    >>> translate_sentence("Borderline accounts: 5; stable selections: 20", "de")
    'Grenzfälle: 5; stabil ausgewählt: 20'
    >>> translate_sentence("meets revenue_share, lifetime_value; rank 6", "de")
    'erfüllt Umsatzanteil, Kundenlebenszeitwert; Rang 6'
    >>> translate_sentence("DB IV, last 12 months (2025-01-01 to 2025...", "de")
    'DB IV, letzte 12 Monate (01.01.2025 bis 2025…)...'
    >>> translate_sentence("not attainable: even 100 % retention woul...", "de")
    'nicht erreichbar: selbst 100 % Bindung würde die Betreuung nicht bezahlen'
    """
    if check_lang(lang) == "en":
        return text
    if not _SENTENCE_RES:
        ordered = sorted(SENTENCES.values(), key=lambda p: -len(p[0]))
        _SENTENCE_RES.extend((_template_regex(en), en, de) for en, de in ordered)
    stripped = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    for rx, _, de in _SENTENCE_RES:
        m = rx.fullmatch(stripped)
        if m:
            values = {k: localise_text(v, lang, numbers=True) for k, v in m.groupdict().items()}
            return lead + de.format(**values)
    if stripped.endswith("...") and len(stripped) > 12:
        cut = stripped[:-3]
        for phrase, german in _phrases().items():
            if phrase.startswith(cut):
                return lead + german
        for _, en, de in _SENTENCE_RES:
            m = _truncated_regex(en).fullmatch(cut)
            if m and len(en.split("{", 1)[0]) >= 6:
                names = re.findall(r"\{(\w+)\}", de)
                present = {k: v for k, v in m.groupdict().items() if v is not None}
                last = max(present, key=lambda k: m.start(k)) if present else None
                values = {k: localise_text(present[k], lang, numbers=True) + ("…" if k == last else "")
                          if k in present else "…" for k in names}
                return lead + de.format(**values) + "..."
    return None


_WHOLE_NUMBER = re.compile(r"[-+−]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+)\s?%?")


def localise_text(text: str, lang: str = "en", *, numbers: bool = False) -> str:
    """A cell or printed line in ``lang``: known codes, phrases and sentences (``SENTENCES``) translated,
    ISO dates as 31.12.2025, a cell that is one English-formatted number as 1.234,56.

    Numbers inside other text are converted only with ``numbers=True`` (as for the values of a matched
    English sentence): text that kamlib already wrote in German ("567.642 EUR") must not be converted twice.
    English comes back unchanged.

    Examples
    --------
    >>> localise_text("existing", "de"), localise_text("True", "de"), localise_text("2025-12-31", "de")
    ('bestehend', 'ja', '31.12.2025')
    >>> localise_text("Befund des Profils: key_contact_not_met", "de")
    'Befund des Profils: Schlüsselkontakt nicht getroffen'
    >>> localise_text("1,234.5", "de"), localise_text("Erwartungswert 567.642 EUR", "de")
    ('1.234,5', 'Erwartungswert 567.642 EUR')
    >>> localise_text("revenue_share, relationship, credib...", "de")
    'Umsatzanteil, Stärke der Beziehung, Glaubwürdigkeit / Referenz'
    """
    if check_lang(lang) == "en":
        return text
    core = text.strip()
    if not core:
        return text
    for table in (VALUES, QUADRANT_LABELS, CRITERION_LABELS):
        if core in table:
            return pick(table[core], lang)
    if _WHOLE_NUMBER.fullmatch(core):
        return german_numbers(core)
    if "_" in core and _CODE.fullmatch(core) and code_label(core, lang) is not None:
        return code_label(core, lang)
    phrase = _phrases().get(core)
    if phrase is not None:
        return phrase
    listed = _code_list(core, lang)
    if listed is not None:
        return listed
    sentence = translate_sentence(core, lang)
    if sentence is not None:
        return sentence
    out = _CODE.sub(lambda m: code_label(m.group(0), lang) or m.group(0), core)
    return german_numbers(out) if numbers else _ISO_DATE.sub(lambda m: f"{m.group(3)}.{m.group(2)}.{m.group(1)}", out)


def _code_list(core: str, lang: str) -> str | None:
    """'revenue_share, relationship' (criteria as :class:`~kamlib.selection.Selection` lists them) translated;
    a last item cut short by pandas ('credib...') is completed."""
    items = core.split(", ")
    if len(items) < 2:
        return None
    out = []
    for k, item in enumerate(items):
        if item in CRITERION_LABELS:
            out.append(pick(CRITERION_LABELS[item], lang))
        elif k == len(items) - 1 and item.endswith("...") and item[:-3]:
            hits = [c for c in CRITERION_LABELS if c.startswith(item[:-3])]
            if len(hits) != 1:
                return None
            out.append(pick(CRITERION_LABELS[hits[0]], lang))
        else:
            return None
    return ", ".join(out)


def format_frame(df, lang: str = "en", *, decimals: int = 2, percent: tuple[str, ...] = ()):
    """A display copy of ``df`` for ``lang``: column and index names and code values translated (see
    :func:`code_label`), numbers as text with ``decimals`` (columns in ``percent`` as percentages), dates as
    :func:`date`. Keeps English labels for ``lang='en'`` but still formats numbers (1,234.56).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"revenue_12m": [1234.5], "type": ["existing"], "retention": [0.9]},
    ...                   index=pd.Index(["ACC-1"], name="account_id"))
    >>> format_frame(df, "de", percent=("retention",)).to_dict("records")
    [{'Umsatz, letzte 12 Monate (EUR)': '1.234,50', 'Typ': 'bestehend', 'Bindungsrate': '90,0\u00a0%'}]
    >>> format_frame(df, "de").index.name
    'Kunden-ID'
    """
    import numpy as np
    import pandas as pd

    check_lang(lang)

    def cell(col, v):
        if v is None or (not isinstance(v, (str, list, tuple, np.ndarray)) and pd.isna(v)):
            return "–"
        if isinstance(v, (bool, np.bool_)):
            return t("yes" if v else "no", lang)
        if isinstance(v, (pd.Timestamp, np.datetime64)):
            return date(v, lang)
        if isinstance(v, (int, np.integer)):
            return number(float(v), lang, 0)
        if isinstance(v, (float, np.floating)):
            return globals()["percent"](float(v), lang) if col in percent else number(float(v), lang, decimals)
        return localise_text(str(v), lang) if lang == "de" else str(v)

    def head(name):
        if name is None:
            return None
        return code_label(str(name), lang) or (localise_text(str(name), lang) if lang == "de" else str(name))

    out = pd.DataFrame({head(c): [cell(c, v) for v in df[c]] for c in df.columns}, index=df.index.copy())
    if lang == "de":
        out.index = out.index.map(lambda v: localise_text(v, lang) if isinstance(v, str) else v)
    out.index.names = [head(n) for n in df.index.names]
    return out


def styler(df, lang: str = "en", *, precision: int = 2):
    """A pandas Styler showing ``df`` with the number format of ``lang`` (thousands and decimal separators)
    and translated headers.

    Examples
    --------
    >>> import pandas as pd
    >>> html = styler(pd.DataFrame({"revenue_12m": [1234.5]}), "de").to_html()
    >>> "1.234,50" in html and "Umsatz, letzte 12 Monate (EUR)" in html
    True
    """
    de = check_lang(lang) == "de"
    shown = df.rename(columns=lambda c: code_label(str(c), lang) or c)
    # a Styler, unlike DataFrame.to_html, does not escape by default: cells, labels and names carry customer text
    st = shown.style.format(precision=precision, thousands="." if de else ",", decimal="," if de else ".",
                            na_rep="–", escape="html")
    for axis in (0, 1):
        st = st.format_index(escape="html", axis=axis).format_index_names(escape="html", axis=axis)
    return st
