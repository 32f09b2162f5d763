"""What notebooks 00 and 01 and the workshops show, in the run's language.

Step 00 (start here) tours the data and takes a first look at revenue concentration; step 01 and the
workshops show the selection. The computations live in :mod:`kamlib.selection` and :mod:`kamlib.workshop`;
this module turns their results into tables and sentences for a reader: headers, code values (``strategic``,
``existing``, criteria), numbers (1.234,5) and dates (31.12.2025) in ``lang``, every sentence from the
catalogue (``selection.toml``).

Examples
--------
>>> import kamlib
>>> from kamlib.present import overview
>>> data = kamlib.load("data/sample", as_of="2025-12-31")
>>> overview.data_tour(data)["table"].tolist()[:2]
['accounts', 'kams']
>>> import pandas as pd
>>> overview.view(pd.DataFrame({"quadrant": ["streamline"], "revenue_12m": [1234.5]}), "de").frame.to_dict("records")
[{'Quadrant': 'Streamline', 'Umsatz, letzte 12 Monate (EUR)': '1.234,50'}]
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from kamlib import i18n, selection
from kamlib.data import schemas
from kamlib.data.readers import KamData

_COLUMNS = i18n.table("selection.columns")
_SENTENCES = i18n.table("selection.sentences")
_WORKSHOP = i18n.table("workshop.l")


def text(key: str, lang: str = "en", **values) -> str:
    """A sentence of ``selection.sentences`` in ``lang``; numbers and dates in ``values`` are formatted
    by the caller (:func:`kamlib.i18n.percent` ...), codes are looked up there too.

    Examples
    --------
    >>> text("borderline", "de", n=5, k=20)
    'Grenzfälle: 5; stabil ausgewählt: 20'
    """
    return i18n.pick(_SENTENCES[key], lang).format(**values)


# --------------------------------------------------------------------------- tables for readers

#: Columns whose cells hold codes, and how each code is shown.
_VALUE_COLUMNS = {
    "type": "value",
    "level": "value",
    "status": "value",
    "relationship_stage": "value",
    "pinned": "value",
    "today": "value",
    "quadrant": "quadrant",
    "quadrant_before": "quadrant",
    "quadrant_after": "quadrant",
    "criterion": "criterion",
    "criteria_met": "criteria",
    "component": "criterion",
    "kam_id": "kam",
    "track": "track",
}


def label(code: object, lang: str = "en") -> str:
    """The header of a column code in ``lang``: this module's table, the workshop's, then the catalogue's
    column labels; criteria by their names; an unknown code comes back as it is.

    Examples
    --------
    >>> label("p_selected", "de"), label("revenue_share", "en"), label("key_accounts_now", "de")
    ('P(ausgewählt)', 'Revenue share', 'Key Accounts (jetzt)')
    """
    code = str(code)
    if code in _COLUMNS:
        return i18n.pick(_COLUMNS[code], lang)
    if code in i18n.CRITERION_LABELS:
        return i18n.criterion_label(code, lang)
    if code in i18n.COLUMNS:
        return i18n.pick(i18n.COLUMNS[code], lang)
    if code in _WORKSHOP:
        return i18n.pick(_WORKSHOP[code], lang)
    for head in ("key_accounts", "free"):  # workshop.compare_load: key_accounts_<scenario>, free_<scenario>
        if code.startswith(head + "_") and f"scenario_{code[len(head) + 1 :]}" in _COLUMNS:
            return f"{label(head, lang)} ({i18n.pick(_COLUMNS['scenario_' + code[len(head) + 1 :]], lang)})"
    found = i18n.code_label(code, lang)
    return code if found is None else found


def value(v: object, lang: str = "en", kind: str | None = None) -> str:
    """One cell for a reader: a code of ``kind`` ('value', 'quadrant', 'criterion', 'criteria', 'kam') as its
    label, a :class:`kamlib.selection.Text` in ``lang``, yes/no, '–' for missing; other text unchanged.

    Examples
    --------
    >>> value("existing", "de", "value"), value("revenue_share, relationship", "de", "criteria"), value(True, "en")
    ('bestehend', 'Umsatzanteil, Stärke der Beziehung', 'yes')
    """
    if isinstance(v, selection.Text):
        return v.render(lang)
    if isinstance(v, (bool, np.bool_)):
        return i18n.t("yes" if v else "no", lang)
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "–"
    s = str(v)
    if kind == "criteria":
        return (
            ", ".join(
                i18n.criterion_label(c, lang) if c in i18n.CRITERION_LABELS else c
                for c in (v if isinstance(v, (list, tuple)) else s.split(", "))
            )
            if s
            else "–"
        )
    if kind == "criterion" and s in i18n.CRITERION_LABELS:
        return i18n.criterion_label(s, lang)
    if kind == "criterion" and s in _WORKSHOP:
        return i18n.pick(_WORKSHOP[s], lang)
    if kind == "quadrant" and s in i18n.QUADRANT_LABELS:
        return i18n.quadrant_label(s, lang)
    if kind == "value" and s in i18n.VALUES:
        return i18n.pick(i18n.VALUES[s], lang)
    if kind == "track" and f"track_{s}" in _COLUMNS:  # which ranking gave the place (selection)
        return i18n.pick(_COLUMNS[f"track_{s}"], lang)
    if kind == "kam" and s in ("-", "total"):
        return i18n.pick(_WORKSHOP["no_kam" if s == "-" else "total"], lang)
    return s


#: Columns shown as they are (a year is not an amount: 2025, not 2.025).
_PLAIN = {"year"}


class Line(str):
    """A sentence shown as a paragraph (HTML) and as plain text (no quotes around it)."""

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self)}</p>"

    def __repr__(self) -> str:
        return str(self)


class Table:
    """A table for a reader: ``frame`` holds the shown text (headers and cells in ``lang``); HTML escapes every
    cell and shows code columns (table and parameter names) as code."""

    def __init__(
        self,
        frame: pd.DataFrame,
        code: Iterable[str] = (),
        index: bool = True,
        caption: str | None = None,
        lang: str = "en",
    ):
        self.frame, self.code, self.index, self.caption, self.lang = frame, tuple(code), index, caption, lang

    def _repr_html_(self) -> str:
        f = self.frame
        shown = pd.DataFrame(
            {
                c: [(f"<code>{html.escape(v)}</code>" if c in self.code else html.escape(v)) for v in f[c]]
                for c in f.columns
            },
            index=f.index,
        )
        shown.columns = [html.escape(str(c)) for c in f.columns]
        if self.index:
            shown.index = pd.Index(
                [html.escape(str(i)) for i in f.index],
                name=None if f.index.name is None else html.escape(str(f.index.name)),
            )
        out = shown.to_html(escape=False, index=self.index, classes="kam-table", border=0)
        if self.caption:  # the one table style (kamlib.present.tables): a caption, and a note under a '–'
            out = out.replace(">", f"><caption>{html.escape(self.caption)}</caption>", 1)
        if any((f[c] == "–").any() for c in f.columns):
            from kamlib.present import tables

            span = len(f.columns) + (1 if self.index else 0)
            note = html.escape(tables.text("missing_note", self.lang))
            out = out.replace(
                "</table>", f'<tfoot><tr><td class="kam-note" colspan="{span}">– {note}</td></tr></tfoot></table>', 1
            )
        return out

    def __repr__(self) -> str:
        return self.frame.to_string(index=self.index)

    def __len__(self) -> int:
        return len(self.frame)


def _view_captioned(key: str, lang: str):
    """:func:`view` whose table gets the caption ``key``."""

    def make(df, lang_, **options) -> Table:
        return _captioned(view(df, lang_, **options), key, lang)

    return make


def view(
    df: pd.DataFrame,
    lang: str = "en",
    *,
    decimals: int | Mapping[str, int] = 2,
    percent: Iterable[str] = (),
    code: Iterable[str] = (),
    index: bool = True,
    caption: str | None = None,
) -> Table:
    """``df`` as a :class:`Table` in ``lang``: headers by :func:`label`, code cells by :func:`value`, numbers
    in ``lang``'s format (``decimals`` per column, whole-numbered columns without decimals, ``percent``
    columns as percentages), dates as 31.12.2025 or 2025-12-31. ``code`` columns stay as they are (names of
    tables and parameters) and show as code.
    """
    i18n.check_lang(lang)
    percent, code = set(percent), set(code)

    def is_number(v) -> bool:
        return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))

    def column(name, values: pd.Series) -> list[str]:
        kind = _VALUE_COLUMNS.get(str(name))
        if name in code:
            return [str(v) for v in values]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            return [i18n.date(v, lang) for v in values]
        numeric = (pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)) or (
            values.dtype == object and values.notna().any() and all(is_number(v) for v in values.dropna())
        )
        if str(name) in _PLAIN:  # years: no thousands separator
            return ["–" if pd.isna(v) else str(v) for v in values]
        if not numeric:
            return [i18n.date(v, lang) if isinstance(v, pd.Timestamp) else value(v, lang, kind) for v in values]
        nums = pd.to_numeric(values, errors="coerce").astype(float)
        d = decimals.get(str(name)) if isinstance(decimals, Mapping) else None
        if d is None:
            finite = nums[np.isfinite(nums)]
            whole = len(finite) > 0 and bool((finite == finite.round()).all())
            d = 0 if whole else (decimals if isinstance(decimals, int) else 2)
        return [
            "–"
            if pd.isna(v)
            else i18n.percent(float(v), lang, 1)
            if name in percent
            else i18n.number(float(v), lang, d)
            for v in nums
        ]

    out = pd.DataFrame({label(c, lang): column(c, df[c]) for c in df.columns}, index=df.index)
    out.columns = [label(c, lang) for c in df.columns]
    if index:
        name = df.index.name
        if name is not None or not isinstance(df.index, pd.RangeIndex):
            out.index = pd.Index(column(name, df.index.to_series()), name=None if name is None else label(name, lang))
    codes = tuple(label(c, lang) for c in df.columns if c in code)
    return Table(out, codes, index=index and not isinstance(df.index, pd.RangeIndex), caption=caption, lang=lang)


def caption(key: str, lang: str = "en", **values) -> str:
    """The caption of a table (catalogue ``tables.captions``) in ``lang``, filled with ``values``.

    >>> caption("preview", "de", table="orders")
    'Erste Zeilen der Tabelle orders'
    """
    return i18n.pick(i18n.table("tables.captions")[key], lang).format(**values)


def _captioned(shown: Table, key: str, lang: str, **values) -> Table:
    shown.caption = caption(key, lang, **values)
    return shown


# --------------------------------------------------------------------------- 00: the data tour


def data_tour(data: KamData, lang: str = "en") -> pd.DataFrame:
    """One row per table of the data model: what it holds, whether it is required, rows in the source."""
    rows = []
    for name in schemas.TABLES:
        rows.append(
            {
                "table": name,
                i18n.t("meaning", lang): i18n.table_meaning(name, lang),
                i18n.t("required", lang): i18n.t("yes" if schemas.TABLES[name].required else "no", lang),
                i18n.t("rows", lang): len(getattr(data, name)) if name in data.available else 0,
            }
        )
    return pd.DataFrame(rows)


def data_tour_table(data: KamData, lang: str = "en") -> Table:
    """:func:`data_tour` for a reader: headers in ``lang``, table names as code (they are the file names)."""
    return _captioned(view(data_tour(data, lang), lang, code=("table",)), "data_tour", lang)


def preview(data: KamData, table: str, lang: str = "en", n: int = 5) -> Table:
    """The first ``n`` rows of one table of the data, headers, codes, numbers and dates in ``lang``."""
    return _captioned(view(getattr(data, table).head(n), lang, index=False), "preview", lang, table=table)


# --------------------------------------------------------------------------- 00 and 01: concentration


def concentration_by_year(data: KamData, lang: str = "en") -> pd.DataFrame:
    """Top-20 % share and Gini of gross revenue per calendar year and for the whole period.

    Every account with orders in the year counts, zero-value ones included (a customer whose orders were
    worth nothing is still a customer, and leaving it out would make the revenue look less concentrated
    than it is); an account without orders in a year, e.g. a lost customer, does not dilute that year.
    """
    orders = data.orders
    rows = []
    years = sorted(orders["date"].dt.year.unique())
    for year in [*years, None]:
        if year is None:
            rev = selection.account_revenue(orders)
            label_ = f"{years[0]}-{years[-1]}" if years else ""
        else:
            rev = selection.account_revenue(orders, start=f"{year}-01-01", end=f"{year}-12-31")
            label_ = str(year)
        s = selection.concentration_summary(rev).iloc[0]
        rows.append(
            {
                i18n.t("year", lang): label_,
                i18n.t("accounts", lang): int(s["accounts"]),
                i18n.t("total_eur", lang): round(float(s["total_eur"]), 2),
                i18n.t("top20_share", lang): round(float(s["top20_share"]), 4),
                i18n.t("gini", lang): round(float(s["gini"]), 4),
                i18n.t("gini_normalised", lang): round(float(s["gini_normalised"]), 4),
            }
        )
    return pd.DataFrame(rows)


def concentration_by_year_table(data: KamData, lang: str = "en") -> Table:
    """:func:`concentration_by_year` for a reader: amounts in whole EUR, the top-20 % share in percent."""
    df = concentration_by_year(data, lang)
    return _view_captioned("concentration", lang)(
        df,
        lang,
        decimals={i18n.t("total_eur", lang): 0, i18n.t("gini", lang): 3, i18n.t("gini_normalised", lang): 3},
        percent=(i18n.t("top20_share", lang),),
    )


def concentration_table(table: pd.DataFrame, lang: str = "en", *, measure: str = "revenue") -> Table:
    """:func:`kamlib.selection.concentration_by_year` for a reader (shares in percent, changes in points);
    ``measure`` ('revenue' or 'margin') names it in the caption."""
    df = table.copy()
    for c in ("top20_change", "gini_change"):
        if c in df:
            df[c] = df[c] * (100 if c == "top20_change" else 1)
    return _view_captioned("concentration_db1" if measure in ("margin", "db1") else "concentration", lang)(
        df,
        lang,
        decimals={
            "year": 0,
            "accounts": 0,
            "total_eur": 0,
            "gini": 3,
            "gini_normalised": 3,
            "A": 0,
            "B": 0,
            "C": 0,
            "negative_accounts": 0,
            "top20_change": 1,
            "gini_change": 3,
        },
        percent=("top20_share",),
    )


def concentration_sentence(revenue: pd.Series, *, period: str = "", lang: str = "en") -> str:
    """A sentence stating the top-20 % share and Gini of ``revenue``.

    Every account in ``revenue`` counts, zero values included: pass :func:`kamlib.selection.account_revenue`
    of the orders for every account with orders (missing values are left out). ``period`` is a key of
    ``selection.sentences`` (``"period_whole"``, ``"period_12m"``), said in ``lang``, or a text of its own.

    Examples
    --------
    >>> import pandas as pd
    >>> concentration_sentence(pd.Series([60.0, 25, 10, 5]), period="period_whole", lang="de")
    'Die besten 20 % der Kunden (1 von 4) bringen 60,0\\xa0% des Bruttoumsatzes im gesamten Zeitraum; Gini 0,45.'
    """
    rev = revenue.dropna()
    n = len(rev)
    k = max(1, math.ceil(0.2 * n - 1e-9))
    period = text(period, lang) if period in _SENTENCES else period
    return (
        i18n.t("concentration_sentence", lang)
        .format(
            k=k,
            n=n,
            share=i18n.percent(selection.top_share(rev), lang),
            gini=i18n.number(selection.gini(rev), lang),
            period=period,
        )
        .replace("  ", " ")
        .replace(" ;", ";")
    )


def concentration_12m(revenue_12m: pd.Series, margin_12m: pd.Series, lang: str = "en") -> str:
    """Top-20 % share of revenue and of DB I in the last 12 months, and a note when accounts with a negative
    DB I are left out of the DB I share (a share of a total cannot be negative)."""
    lines = [
        text("top20_revenue_12m", lang, x=i18n.percent(selection.top_share(revenue_12m), lang)),
        text("top20_db1_12m", lang, x=i18n.percent(selection.top_share(margin_12m[margin_12m >= 0]), lang)),
    ]
    negative = int((margin_12m < 0).sum())
    if negative:
        lines.append(text("note", lang, text=text("negative_db1", lang, n=negative)))
    return "\n".join(lines)


# --------------------------------------------------------------------------- 01: the selection


def criteria_table(chosen: Iterable[str], lang: str = "en") -> Table:
    """The six criteria: name in ``lang``, how the data scores it, whether this run uses it (the code is
    what the parameter ``criteria`` takes)."""
    chosen = set(chosen)
    df = pd.DataFrame(
        {
            "criterion_code": list(selection.CRITERION_RULES),
            "criterion": list(selection.CRITERION_RULES),
            "rule": [i18n.pick(r, lang) for r in selection.CRITERION_RULES.values()],
            "chosen": [c in chosen for c in selection.CRITERION_RULES],
        }
    )
    return _captioned(view(df, lang, code=("criterion_code",)), "criteria", lang)


def selection_notes(sel, lang: str = "en") -> str:
    """What the selection says about its parameters ("Note: ..."), one line each, in ``lang``."""
    return "\n".join(
        text("note", lang, text=n.render(lang) if isinstance(n, selection.Text) else str(n)) for n in sel.notes
    )


def correlation_table(sel, lang: str = "en") -> Table:
    """The correlation between the chosen criteria's scores (:attr:`kamlib.selection.Selection.correlation`),
    criteria by their names in ``lang``."""
    corr = sel.correlation.copy()
    corr.index = [label(c, lang) for c in corr.index]
    return _captioned(view(corr, lang, decimals=2), "correlation", lang)


def correlation_verdict(sel, threshold: float, lang: str = "en") -> str:
    """The warning threshold and the pairs of chosen criteria at or above it, in ``lang``."""
    pairs = selection.redundant_pairs(sel.correlation, threshold=threshold)
    shown = "; ".join(f"{label(a, lang)} – {label(b, lang)} ({i18n.number(r, lang, 2)})" for a, b, r in pairs) or text(
        "no_pairs", lang
    )
    return text("correlation_verdict", lang, x=i18n.number(threshold, lang, 2), pairs=shown)


def tracks_sentence(sel, lang: str = "en") -> str:
    """How many accounts are provisional by the criteria and by the emerging track, and how many are definitive."""
    t = sel.table
    by_criteria = t["n_met"] >= sel.min_criteria
    return text(
        "tracks",
        lang,
        p=int(t["provisional"].sum()),
        c=int(by_criteria.sum()),
        m=sel.min_criteria,
        e=int((t["provisional"] & ~by_criteria).sum()),
        d=int(t["definitive"].sum()),
        de=int((t["definitive"] & (t["track"] == "emerging")).sum()),
    )


def rule_changes_table(changes: pd.DataFrame, lang: str = "en") -> Table | Line:
    """:func:`kamlib.selection.rule_changes` for a reader, or the sentence that no account moves."""
    if changes.empty:
        return Line(text("rules_agree", lang))
    return _captioned(view(changes, lang, decimals={"revenue_12m": 0}), "rule_changes", lang)


def selection_summary(sel, lang: str = "en") -> str:
    """One sentence: the criteria, the length of the provisional and definitive lists, the places.

    Examples
    --------
    >>> import kamlib
    >>> s = selection.select_key_accounts(kamlib.load("data/sample", as_of="2025-12-31"), criteria=["revenue_share", "relationship"])
    >>> selection_summary(s, "de").split(";")[0]
    'Kriterien: Umsatzanteil, Stärke der Beziehung'
    """
    return text(
        "selection_summary",
        lang,
        criteria=", ".join(i18n.criterion_label(c, lang) for c in sel.criteria),
        p=int(sel.table["provisional"].sum()),
        d=int(sel.table["definitive"].sum()),
        k=sel.max_key_accounts,
    )


def selection_table(table: pd.DataFrame, lang: str = "en", caption: str | None = None) -> Table:
    """Rows of :attr:`kamlib.selection.Selection.table` (any columns) for a reader; revenue growth (a ratio)
    in percent."""
    return view(
        table,
        lang,
        decimals={
            "revenue_12m": 0,
            "score": 2,
            "attractiveness": 2,
            "strength": 2,
            **{c: 1 for c in selection.CRITERION_RULES},
        },
        percent=("growth",),
        caption=caption,
    )


def key_account_list(sel, lang: str = "en", *, as_of=None) -> Table:
    """The definitive key accounts of a selection, as a report opens with them: name, KAM, revenue of the last
    12 months, quadrant, type and how the account got its place, in rank order; the caption names the data
    date ``as_of`` when given (the list is only true for the data it was decided on)."""
    from kamlib.present import summary

    d = sel.definitive
    cols = [c for c in ("name", "kam_id", "revenue_12m", "quadrant", "type", "track") if c in d.columns]
    caption = (
        summary.say("key_accounts", lang, n=len(d))
        if as_of is None
        else summary.say("key_accounts_as_of", lang, n=len(d), date=i18n.date(as_of, lang))
    )
    return selection_table(d[cols], lang, caption=caption)


def type_crosstab(sel, lang: str = "en") -> Table:
    """Accounts by type (existing, emerging, other) and by provisional / definitive, with totals."""
    t = sel.table
    ct = pd.crosstab(t["type"], [t["provisional"], t["definitive"]], margins=True, margins_name="All")
    ct.columns = [
        " / ".join(
            label(c, lang) if c == "All" else f"{label(n, lang)}: {value(c, lang)}"
            for n, c in zip(("provisional", "definitive"), col)
            if c != ""
        )
        for col in ct.columns
    ]
    ct.index = [label("All", lang) if i == "All" else value(i, lang, "value") for i in ct.index]
    ct.index.name = label("type", lang)
    return _captioned(view(ct, lang), "type_crosstab", lang)


def definitive_summary(sel, lang: str = "en") -> str:
    """How many definitive key accounts there are and their share of revenue in the last 12 months."""
    t = sel.table
    share = t.loc[t["definitive"], "revenue_12m"].sum() / t["revenue_12m"].sum()
    return text("definitive_share", lang, n=int(t["definitive"].sum()), x=i18n.percent(share, lang))


def saved_sentence(sel, lang: str = "en") -> str:
    """What :func:`kamlib.decision.write` saved, in ``lang``."""
    return text("saved_key_accounts", lang, n=len(sel.table), k=int(sel.table["definitive"].sum()))


def quadrant_table(sel, lang: str = "en") -> Table:
    """The four quadrants of the portfolio matrix: the strategy for each, accounts and definitive key accounts."""
    t, d = sel.table, sel.definitive
    df = pd.DataFrame(
        {
            "quadrant": list(selection.QUADRANTS),
            "strategy": [i18n.pick(selection.QUADRANT_STRATEGY[q], lang) for q in selection.QUADRANTS],
            "accounts": [int((t["quadrant"] == q).sum()) for q in selection.QUADRANTS],
            "definitive key accounts": [int((d["quadrant"] == q).sum()) for q in selection.QUADRANTS],
        }
    )
    return _captioned(view(df, lang), "quadrants", lang)


def sensitivity_summary(sens: pd.DataFrame, lang: str = "en") -> str:
    """Borderline accounts (selected in 10-90 % of the draws) and stable selections (90 % or more)."""
    return text("borderline", lang, n=int(sens["borderline"].sum()), k=int((sens["p_selected"] >= 0.9).sum()))


def sensitivity_table(sens: pd.DataFrame, lang: str = "en") -> Table:
    """Rows of :func:`kamlib.selection.weight_sensitivity`: probabilities in percent."""
    return _captioned(
        view(sens, lang, percent=[c for c in sens.columns if str(c).startswith("p_")]), "sensitivity", lang
    )


def agreement_tables(ratings: pd.DataFrame | None, lang: str = "en", top: int = 10) -> tuple:
    """Kendall's W per criterion and the ``top`` account x criterion pairs where the raters differ most;
    without ratings, the sentence saying so."""
    if ratings is None or not len(ratings):
        return (Line(text("no_ratings", lang)),)
    spread, agreement = selection.rating_agreement(ratings)
    spread = spread.sort_values(
        ["range", "account_id", "criterion"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
    return (
        _captioned(view(agreement, lang, decimals={"kendalls_w": 2}), "agreement", lang),
        _captioned(
            view(spread.head(top), lang, decimals={"mean": 2, "std": 2, "min": 1, "max": 1, "range": 1}), "spread", lang
        ),
    )
