"""Workshops in the room: collect ratings, see agreement, agree weights, play with the portfolio matrix.

Two workshops, each a notebook in ``notebooks/workshop/`` (opened without code by ``make workshop``):

* **Criteria workshop.** Raters score the candidate accounts on the six criteria (0-10), either in an
  Excel template (:func:`write_template` / :func:`read_ratings`, also ``kam workshop-template`` and
  ``kam workshop-ratings``) or in a small form (:class:`RatingForm`). :func:`rated_scores` averages them,
  :func:`kamlib.selection.rating_agreement` shows where the raters disagree, the weight sliders of
  :class:`RatedWorkshop` (a :class:`~kamlib.workshop.widgets.SelectionWorkshop`) re-rank, and :func:`build_handout`
  turns the agreed weights into the provisional list as an HTML (and Excel) handout.
* **Portfolio workshop.** :class:`PortfolioDefinition` says which criteria, with which weights, make up
  attractiveness and relationship strength and where the cut lines lie; :func:`place` puts the accounts in
  the four quadrants, :func:`quadrant_changes` lists who moved against the default definition, and
  :func:`scenario` drops the weakest or adds the next emerging accounts and shows the effect on KAM capacity.
  :class:`PortfolioWorkshop` puts sliders and buttons on top.

Logic lives in pure functions; the widget classes are thin. Every widget has a static rendering
(:meth:`PortfolioWorkshop.static`, :meth:`RatedWorkshop.static`) that :func:`show` displays when no live
frontend is attached (papermill, nbval), so batch outputs are deterministic and carry no widget ids.

Examples
--------
>>> import pandas as pd
>>> r = pd.DataFrame({"rater": ["A", "A", "B", "B"], "account_id": ["X", "Y", "X", "Y"],
...                   "criterion": ["credibility"] * 4, "score": [8, 3, 9, 2]})
>>> float(rated_scores(r).loc["X", "credibility"])
8.5
>>> d = PortfolioDefinition({"revenue_share": 1.0}, {"relationship": 1.0})
>>> place(pd.DataFrame({"revenue_share": [8.0, 2.0], "relationship": [6.0, 9.0]}, index=["X", "Y"]), d)["quadrant"].tolist()
['strategic', 'status']
"""

from __future__ import annotations

import csv
import html
import io
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kamlib import i18n
from kamlib.data.writers import atomic_path, atomic_write_text, neutralise, safe_frame
from kamlib.errors import Finding, KamDataError, KamParameterError
from kamlib.present.frontend import live_frontend
from kamlib.selection import (
    CRITERION_RULES,
    QUADRANTS,
    Selection,
    check_selection_parameters,
    criterion_metrics,
    criterion_scores,
    percentile_score,
    rank_accounts,
    rating_agreement,
)
from kamlib.workshop.screen import (
    READOUT_PX,
    image_layout,
    label_width,
    share_texts,
    shares,
    slider,
    slider_width,
    value_text,
)
from kamlib.workshop.widgets import SelectionWorkshop

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CRITERIA: tuple[str, ...] = tuple(CRITERION_RULES)
#: What attractiveness and strength can be built from: the six criteria plus the share-of-wallet percentile.
COMPONENTS: tuple[str, ...] = CRITERIA + ("share_of_wallet",)
RATINGS_COLUMNS = ("rater", "account_id", "criterion", "score")
_EPS = 1e-9

# (English, German) labels of everything this module writes for people
_L: dict[str, tuple[str, str]] = i18n.table("workshop.l")
_TEXTS: dict[str, tuple[str, str]] = i18n.table("workshop.texts")


def label(key: str, lang: str = "en") -> str:
    """A label of this module in ``lang``; criteria and ``share_of_wallet`` get their display names.

    Examples
    --------
    >>> label("rater", "de"), label("share_of_wallet", "en"), label("credibility", "de")
    ('Bewerter', 'Share of wallet', 'Glaubwürdigkeit / Referenz')
    """
    if key in CRITERIA:
        return i18n.criterion_label(key, lang)
    return i18n.pick(_L[key], lang)


# =========================================================================== live or batch


def show(workshop) -> None:
    """Display ``workshop.widget()`` in a live frontend, else ``workshop.static()`` (deterministic output);
    tables of the static rendering in the workshop's language (:func:`kamlib.present.overview.view`)."""
    from IPython.display import display

    from kamlib.present import overview

    if live_frontend():
        display(workshop.widget())
    else:
        static = workshop.static()
        for part in static if isinstance(static, tuple) else (static,):
            display(overview.view(part, workshop.lang) if isinstance(part, pd.DataFrame) else part)


def text(key: str, lang: str = "en", **values) -> str:
    """A sentence of this module (``workshop.texts``) in ``lang`` with ``values`` filled in.

    Examples
    --------
    >>> text("board", "de", n=22, k=20)
    '22 definitive Key Accounts; KAM-Kapazität 20'
    """
    return i18n.pick(_TEXTS[key], lang).format(**values)


def ratings_summary(ratings: pd.DataFrame, places: int, lang: str = "en") -> str:
    """How many ratings, raters and rated accounts there are, and the places on the provisional list."""
    return text(
        "ratings_summary",
        lang,
        n=i18n.number(len(ratings), lang, 0),
        r=ratings["rater"].nunique(),
        a=ratings["account_id"].nunique(),
        k=places,
    )


def saved_sentence(paths: Sequence[str | Path], lang: str = "en") -> str:
    """The files a batch run wrote, in ``lang``."""
    return text("saved", lang, files=", ".join(Path(p).name for p in paths))


def board_summary(selection: Selection, lang: str = "en") -> str:
    """Definitive key accounts and the KAMs' total capacity, one sentence."""
    return text("board", lang, n=len(selection.definitive), k=int(selection.capacity["capacity"].sum()))


def scenario_lines(selection: Selection, fewer: Scenario, more: Scenario, lang: str = "en") -> str:
    """Who a scenario drops and who it adds, with names, one line each."""

    def names(ids):
        return (
            ", ".join(
                f"{i} {selection.table.at[i, 'name']}"  # type: ignore[str-bytes-safe]  # pandas-stubs: .at is any scalar; name is text
                for i in ids
            )
            or "–"
        )

    return "\n".join(
        [
            text("dropped_line", lang, accounts=names(fewer.dropped)),
            text("added_line", lang, accounts=names(more.added)),
        ]
    )


def ranks_compared(rated: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The workshop's rank beside the data's rank and definitive decision, per rated account."""
    return pd.DataFrame(
        {
            "name": rated["name"],
            "workshop_rank": rated["rank"],
            "data_rank": table["rank"].reindex(rated.index),
            "data_definitive": table["definitive"].reindex(rated.index),
        }
    )


class _HTML:
    """HTML for notebooks with a readable text fallback (what nbval compares)."""

    def __init__(self, html_text: str, text: str):
        self.html_text, self.text = html_text, text

    def _repr_html_(self) -> str:
        return self.html_text

    def __repr__(self) -> str:
        return self.text


# =========================================================================== collecting ratings

TEMPLATE_SHEET = "ratings"
META_SHEET = "kam"
HEADER_ROW = 4  # row of the machine-readable header (account_id, name, criterion keys)
FIRST_ROW = HEADER_ROW + 1


def template_accounts(
    data, *, accounts: Sequence[str] | None = None, top: int | None = None, selection: Selection | None = None
) -> pd.DataFrame:
    """The accounts a template asks about: ``accounts`` (ids, in that order), else the ``top`` N by weighted
    score of the data-driven selection, else the accounts the room should discuss: the definitive list and as
    many runners-up (provisional accounts without a place, best first), so that the room can move accounts
    across the line (the whole provisional list meets the rule and can be several times the places). Returns
    account_id and name."""
    from kamlib.decision import decide

    acc = data.accounts.set_index("account_id")
    if accounts:
        ids = [str(a) for a in accounts]
        unknown = [a for a in ids if a not in acc.index]
        if unknown:
            raise KamParameterError(
                "accounts", f"unknown account {', '.join(map(repr, unknown[:5]))}{' ...' if len(unknown) > 5 else ''}"
            )
        if len(set(ids)) != len(ids):
            raise KamParameterError("accounts", "an account is listed twice")
    else:
        sel = selection if selection is not None else decide(data).selection  # the key-account decision
        t = sel.table
        if top is not None:
            if top < 1:
                raise KamParameterError("top", "must be at least 1")
            ids = t.sort_values(["score", "revenue_12m"], ascending=False, kind="stable").index[:top].tolist()
        else:
            placed = sel.definitive.index.tolist()
            runners_up = [a for a in sel.provisional.index if a not in set(placed)][: len(placed)]
            ids = placed + runners_up
    return pd.DataFrame({"account_id": ids, "name": acc.loc[ids, "name"].astype(str).to_numpy()})


def write_template(
    accounts: pd.DataFrame, path: str | Path, *, lang: str = "en", criteria: Sequence[str] = CRITERIA
) -> Path:
    """Write the Excel sheet raters fill: one row per account, one column per criterion, 0-10 validated.

    Row 1 holds the rater's name (B1), row 3 the criteria in ``lang``, row 4 the machine-readable header,
    accounts from row 5. Names are neutralised against formula injection. A hidden sheet ``kam`` lists
    the accounts and criteria, so :func:`read_ratings` can tell an unknown account. Never overwrites.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    i18n.check_lang(lang)
    p = Path(path)
    if p.exists():
        raise FileExistsError(f"{p} exists; not overwriting")
    if p.suffix.lower() != ".xlsx":
        raise KamParameterError("out", f"{p.name}: the template must be an .xlsx file")
    crit = list(criteria)
    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    fill = PatternFill("solid", fgColor="FFF2CC")
    ws["A1"] = label("rater", lang)
    ws["A1"].font = Font(bold=True)
    ws["B1"].fill = fill
    ws["A2"] = label("template_help", lang)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=2 + len(crit))
    ws.row_dimensions[2].height = 45
    for j, c in enumerate(crit, start=3):
        ws.cell(row=3, column=j, value=label(c, lang)).alignment = Alignment(wrap_text=True)
    ws.row_dimensions[3].height = 45
    for j, key in enumerate(["account_id", "name", *crit], start=1):
        ws.cell(row=HEADER_ROW, column=j, value=key).font = Font(bold=True, color="808080")
    for i, (acc_id, name) in enumerate(accounts[["account_id", "name"]].itertuples(index=False), start=FIRST_ROW):
        ws.cell(row=i, column=1, value=neutralise(str(acc_id)))
        ws.cell(row=i, column=2, value=neutralise(str(name)))
        for j in range(3, 3 + len(crit)):
            ws.cell(row=i, column=j).fill = fill
    last = FIRST_ROW + len(accounts) - 1
    if len(accounts):
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="10",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="0-10",
            error=label("score_error", lang),
        )
        dv.add(f"C{FIRST_ROW}:{get_column_letter(2 + len(crit))}{last}")
        ws.add_data_validation(dv)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 40
    for j in range(3, 3 + len(crit)):
        ws.column_dimensions[get_column_letter(j)].width = 16
    ws.freeze_panes = f"C{FIRST_ROW}"
    meta = wb.create_sheet(META_SHEET)
    meta["A1"], meta["B1"] = "account_id", "criterion"
    for i, acc_id in enumerate(accounts["account_id"], start=2):
        meta.cell(row=i, column=1, value=neutralise(str(acc_id)))
    for i, c in enumerate(crit, start=2):
        meta.cell(row=i, column=2, value=c)
    meta.sheet_state = "hidden"
    p.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(p) as tmp:
        wb.save(tmp)
    return p


def _unneutralise(value: str) -> str:
    """Undo :func:`~kamlib.data.writers.neutralise` for ids read back from a template."""
    if value.startswith("'") and value[1:2] and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _cell_text(v: object) -> str:
    return "" if v is None else str(v).strip()


def read_ratings(
    paths: str | Path | Sequence[str | Path], *, known_accounts: Sequence[str] | None = None
) -> pd.DataFrame:
    """Read one or several filled templates into the ``ratings`` format (rater, account_id, criterion, score).

    Every bad cell becomes a :class:`~kamlib.errors.Finding` naming file, sheet, row, column and problem;
    if there is any, :class:`~kamlib.errors.KamDataError` lists them all. Empty score cells mean "not rated".
    ``known_accounts`` (e.g. the source's account ids) is checked in addition to the template's own list.
    """
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    if isinstance(paths, (str, Path)):
        paths = [paths]
    findings: list[Finding] = []
    rows: list[tuple[str, str, str, float]] = []
    seen: dict[tuple[str, str, str], str] = {}  # (rater, account, criterion) -> file that rated it first
    known = set(map(str, known_accounts)) if known_accounts is not None else None
    for path in paths:
        p = Path(path)
        where = f"{path}, sheet {TEMPLATE_SHEET}"
        if not p.is_file():
            findings.append(Finding(str(path), None, None, "file not found"))
            continue
        try:
            wb = load_workbook(p, data_only=True, read_only=False)
        except Exception as err:  # zip/xml errors: not a workbook
            findings.append(Finding(str(path), None, None, f"not an Excel workbook (.xlsx): {type(err).__name__}"))
            continue
        if TEMPLATE_SHEET not in wb.sheetnames:
            findings.append(
                Finding(
                    str(path),
                    None,
                    None,
                    f"sheet {TEMPLATE_SHEET!r} not found; fill a template written by kam workshop-template",
                )
            )
            continue
        ws = wb[TEMPLATE_SHEET]
        formulas = load_workbook(p, data_only=False)[TEMPLATE_SHEET]  # to tell a formula Excel never computed

        def uncomputed(row: int, col: int, formulas=formulas) -> str | None:  # this file's sheet
            f = formulas.cell(row=row, column=col).value
            return f if isinstance(f, str) and f.startswith("=") else None

        template_ids: set[str] | None = None
        if META_SHEET in wb.sheetnames:
            template_ids = {
                _unneutralise(_cell_text(r[0]))
                for r in wb[META_SHEET].iter_rows(min_row=2, max_col=1, values_only=True)
                if _cell_text(r[0])
            }
        header = [_cell_text(c.value) for c in ws[HEADER_ROW]]
        if header[:2] != ["account_id", "name"] or not any(h in CRITERIA for h in header[2:]):
            findings.append(
                Finding(
                    where,
                    HEADER_ROW,
                    None,
                    "header changed: expected account_id, name and the criteria (do not edit row 4)",
                )
            )
            continue
        crit_cols = [(j, h) for j, h in enumerate(header) if j >= 2 and h]
        bad_crit = [(j, h) for j, h in crit_cols if h not in CRITERIA]
        for j, h in bad_crit:
            findings.append(
                Finding(
                    where,
                    HEADER_ROW,
                    get_column_letter(j + 1),
                    f"{h!r} is not a criterion; choose from {', '.join(CRITERIA)}",
                )
            )
        rater = _cell_text(ws["B1"].value)
        if not rater and uncomputed(1, 2):
            findings.append(
                Finding(
                    where, 1, "B (rater)", f"{uncomputed(1, 2)!r} is a formula without a value; type the name as text"
                )
            )
        elif not rater:
            findings.append(Finding(where, 1, "B (rater)", "the rater's name is empty"))
        first_row: dict[str, int] = {}
        for r, values in enumerate(ws.iter_rows(min_row=FIRST_ROW, values_only=True), start=FIRST_ROW):
            values = list(values) + [None] * (len(header) - len(values))
            acc_raw = _cell_text(values[0])
            scores_raw = [values[j] for j, _ in crit_cols]
            if not acc_raw:
                if any(_cell_text(v) for v in scores_raw):
                    findings.append(Finding(where, r, "A (account_id)", "scores without an account_id"))
                continue
            acc_id = _unneutralise(acc_raw)
            key = f"account_id {acc_id}"
            if template_ids is not None and acc_id not in template_ids:
                findings.append(
                    Finding(where, r, "A (account_id)", f"{acc_id!r} is not an account of this template", key=None)
                )
                continue
            if known is not None and acc_id not in known:
                findings.append(Finding(where, r, "A (account_id)", f"{acc_id!r} is not a known account_id"))
                continue
            if acc_id in first_row:
                findings.append(
                    Finding(where, r, "A (account_id)", f"{acc_id} is listed twice (first in row {first_row[acc_id]})")
                )
                continue
            first_row[acc_id] = r
            for (j, crit), v in zip(crit_cols, scores_raw):
                if crit not in CRITERIA:
                    continue
                col = f"{get_column_letter(j + 1)} ({crit})"
                if v is None and uncomputed(r, j + 1):
                    findings.append(
                        Finding(
                            where,
                            r,
                            col,
                            f"{uncomputed(r, j + 1)!r} is a formula without a value; enter a number 0-10",
                            key=key,
                        )
                    )
                    continue
                if v is None or (isinstance(v, str) and not v.strip()):
                    continue
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    text = str(v).strip().replace(",", ".", 1)
                    try:
                        num = float(text)
                    except ValueError:
                        findings.append(
                            Finding(where, r, col, f"{str(v)!r} is not a number; enter 0-10 or leave it empty", key=key)
                        )
                        continue
                else:
                    num = float(v)
                if not math.isfinite(num) or not 0 <= num <= 10:
                    findings.append(Finding(where, r, col, f"{num:g} is outside 0-10", key=key))
                    continue
                if rater:
                    k = (rater, acc_id, crit)
                    if k in seen:
                        findings.append(
                            Finding(
                                where, r, col, f"rater {rater!r} already rated {acc_id} on {crit} in {seen[k]}", key=key
                            )
                        )
                        continue
                    seen[k] = str(path)
                    rows.append((rater, acc_id, crit, num))
    if findings:
        raise KamDataError(findings, ", ".join(map(str, paths)))
    return _sorted_ratings(pd.DataFrame(rows, columns=list(RATINGS_COLUMNS)))


def load_ratings(path: str | Path) -> pd.DataFrame:
    """Read a ratings CSV (as ``kam workshop-ratings`` or :class:`RatingForm` write it) and check every row.

    Bad rows raise :class:`~kamlib.errors.KamDataError` naming file, row (header = row 1), column and problem.
    """
    p = Path(path)
    if not p.is_file():
        raise KamDataError([Finding(str(path), None, None, "file not found")])
    try:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=None, engine="python")
    except (UnicodeDecodeError, pd.errors.ParserError, csv.Error) as err:
        raise KamDataError([Finding(str(path), None, None, f"not a readable CSV file ({err})")]) from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in RATINGS_COLUMNS if c not in raw.columns]
    if missing:
        raise KamDataError(
            [Finding(str(path), 1, None, f"missing column {', '.join(missing)}; expected {', '.join(RATINGS_COLUMNS)}")]
        )
    findings, rows = [], []
    for i, rec in enumerate(raw[list(RATINGS_COLUMNS)].itertuples(index=False), start=2):
        rater, acc, crit, score = (str(v).strip() for v in rec)
        if not any((rater, acc, crit, score)):
            continue
        bad = False
        for col, v in (("rater", rater), ("account_id", acc)):
            if not v:
                findings.append(Finding(str(path), i, col, "is empty, but a value is required"))
                bad = True
        if crit not in CRITERIA:
            findings.append(
                Finding(str(path), i, "criterion", f"{crit!r} is not a criterion; choose from {', '.join(CRITERIA)}")
            )
            bad = True
        try:
            num = float(score.replace(",", "."))
            if not 0 <= num <= 10:
                findings.append(Finding(str(path), i, "score", f"{num:g} is outside 0-10"))
                bad = True
        except ValueError:
            findings.append(Finding(str(path), i, "score", f"{score!r} is not a number"))
            bad = True
        if not bad:
            rows.append((rater, acc, crit, num))
    if findings:
        raise KamDataError(findings, str(path))
    return _sorted_ratings(pd.DataFrame(rows, columns=list(RATINGS_COLUMNS)))


def save_ratings(ratings: pd.DataFrame, path: str | Path) -> Path:
    """Write ratings as CSV in the data model's format (neutralised, UTF-8 with BOM); never overwrites."""
    from kamlib.data.writers import write_csv

    return write_csv(ratings[list(RATINGS_COLUMNS)], path, index=False)


def add_rating(ratings: pd.DataFrame | None, rater: str, account_id: str, scores: Mapping[str, float]) -> pd.DataFrame:
    """A new ratings frame with ``rater``'s scores for ``account_id`` (replacing what they gave before).

    Examples
    --------
    >>> r = add_rating(None, "GF", "ACC-1", {"credibility": 7, "relationship": 4})
    >>> add_rating(r, "GF", "ACC-1", {"credibility": 9})[["criterion", "score"]].values.tolist()
    [['credibility', 9.0], ['relationship', 4.0]]
    """
    rater = str(rater).strip()
    if not rater:
        raise KamParameterError("rater", "enter the rater's name")
    if not str(account_id).strip():
        raise KamParameterError("account_id", "choose an account")
    new = []
    for crit, v in scores.items():
        if crit not in CRITERIA:
            raise KamParameterError("scores", f"unknown criterion {crit!r}")
        v = float(v)
        if not 0 <= v <= 10:
            raise KamParameterError("scores", f"{crit}={v:g} outside 0-10")
        new.append((rater, str(account_id), crit, v))
    base = pd.DataFrame(columns=list(RATINGS_COLUMNS)) if ratings is None else ratings[list(RATINGS_COLUMNS)]
    add = pd.DataFrame(new, columns=list(RATINGS_COLUMNS))
    keep = ~base.set_index(["rater", "account_id", "criterion"]).index.isin(
        add.set_index(["rater", "account_id", "criterion"]).index
    )
    out = pd.concat([base[keep], add], ignore_index=True) if len(base) else add
    out["score"] = out["score"].astype(float)
    return _sorted_ratings(out)


def _sorted_ratings(ratings: pd.DataFrame) -> pd.DataFrame:
    """By rater, account and the criteria's order in ``CRITERION_RULES``: the same input, the same file."""
    order = {c: i for i, c in enumerate(CRITERIA)}
    idx = np.lexsort(
        (
            ratings["criterion"].map(order).to_numpy(),
            ratings["account_id"].astype(str).to_numpy(),
            ratings["rater"].astype(str).to_numpy(),
        )
    )
    return ratings.iloc[idx].reset_index(drop=True)


class RatingForm:
    """A small ipywidgets form for the room: rater, account, six sliders, *add*, the table, *save*."""

    def __init__(
        self,
        accounts: pd.DataFrame,
        *,
        ratings: pd.DataFrame | None = None,
        lang: str = "en",
        path: str = "ratings.csv",
    ):
        self.accounts = accounts[["account_id", "name"]].reset_index(drop=True)
        self.ratings = ratings if ratings is not None else pd.DataFrame(columns=list(RATINGS_COLUMNS))
        self.lang, self.path = lang, path

    def table_html(self) -> str:
        if not len(self.ratings):
            return "<i>-</i>"
        wide = self.ratings.pivot_table(index=["rater", "account_id"], columns="criterion", values="score")
        wide = wide.reindex(columns=[c for c in CRITERIA if c in wide.columns])
        return wide.to_html(escape=True, float_format=lambda v: f"{v:g}")

    def download_link(self) -> str:
        """A link that downloads the collected ratings as CSV (neutralised) from the page itself."""
        import base64

        text = safe_frame(self.ratings[list(RATINGS_COLUMNS)]).to_csv(index=False)
        data = base64.b64encode(("\ufeff" + text).encode("utf-8")).decode("ascii")
        return f'<a download="ratings.csv" href="data:text/csv;charset=utf-8;base64,{data}">ratings.csv</a>'

    def static(self):
        if len(self.ratings):
            return self.ratings
        empty = label("no_ratings_yet", self.lang)
        return _HTML(f"<i>{html.escape(empty)}</i>", empty)

    def widget(self):
        import ipywidgets as w

        rater = w.Text(description=label("rater", self.lang))
        options = [(f"{a} · {n}", a) for a, n in self.accounts.itertuples(index=False)]
        account = w.Dropdown(options=options, description=label("account", self.lang))
        width = label_width(label(c, self.lang) for c in CRITERIA)
        sliders = {
            c: w.IntSlider(
                value=5,
                min=0,
                max=10,
                description=label(c, self.lang),
                style={"description_width": width},
                layout=w.Layout(width=slider_width(width)),
            )
            for c in CRITERIA
        }
        add = w.Button(description="+", button_style="primary")
        path = w.Text(value=self.path, description="CSV")
        save = w.Button(description=label("save", self.lang))
        table, message = w.HTML(self.table_html()), w.HTML()

        def on_add(_):
            try:
                self.ratings = add_rating(
                    self.ratings, rater.value, account.value, {c: s.value for c, s in sliders.items()}
                )
            except KamParameterError as err:
                message.value = f"<b>{html.escape(str(err))}</b>"
                return
            message.value = self.download_link()
            table.value = self.table_html()

        def on_save(_):
            try:
                written = save_ratings(self.ratings, path.value)
                message.value = html.escape(text("saved_ratings", self.lang, n=len(self.ratings), path=written))
            except (OSError, ValueError) as err:
                message.value = f"<b>{html.escape(str(err))}</b>"

        add.on_click(on_add)
        save.on_click(on_save)
        return w.VBox([rater, account, *sliders.values(), add, message, table, w.HBox([path, save])])


# =========================================================================== agreement and the provisional list


def rated_scores(ratings: pd.DataFrame) -> pd.DataFrame:
    """Mean score per account (rows) and criterion (columns, in the order of ``CRITERION_RULES``)."""
    mean = ratings.groupby(["account_id", "criterion"])["score"].mean().unstack()
    return mean.reindex(columns=[c for c in CRITERIA if c in mean.columns]).astype(float)


@dataclass(frozen=True)
class RatingRule:
    """The rule of source 004 as a room sets it on the raters' mean scores: ``weights`` and ``thresholds`` by
    criterion or in the order of the rated criteria (None: the defaults), at least ``min_criteria`` thresholds
    reached, the top ``places`` provisional (every rated account when None or not positive).

    :func:`provisional_from_ratings`, :meth:`RatedWorkshop.from_ratings` and :func:`build_handout` take these
    four as keywords.
    """

    weights: Mapping[str, float] | Sequence[float] | None = None
    thresholds: Mapping[str, float] | Sequence[float] | None = None
    min_criteria: int = 2
    places: int | None = None

    def apply(self, ratings: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...], pd.Series, pd.Series, int]:
        """The raters' mean scores and the rule on them: the rated criteria, their checked weights and thresholds
        (when given by criterion, those of unrated criteria are left out) and the number of provisional places."""
        scores = rated_scores(ratings)
        crit = tuple(scores.columns)

        def rated(given):
            return {c: given[c] for c in crit if c in given} if isinstance(given, Mapping) else given

        crit, w, t, _ = check_selection_parameters(
            crit, rated(self.weights), rated(self.thresholds), min_criteria=self.min_criteria
        )
        n, places = len(scores), self.places
        return scores, crit, w, t, n if places is None or places <= 0 else min(n, int(places))


def provisional_from_ratings(
    ratings: pd.DataFrame, names: Mapping[str, str] | pd.Series | None = None, **parameters: Any
) -> pd.DataFrame:
    """The rule of source 004 on the raters' mean scores (``parameters``: the keywords of :class:`RatingRule`): at
    least ``min_criteria`` thresholds reached, ranked by the weighted mean (ties by account id); the top ``places``
    are provisional.

    Returns every rated account with name, the mean scores, score, criteria met, rank, provisional and
    the largest disagreement between raters (max - min over its criteria).
    """
    rule = RatingRule(**parameters)
    scores, crit, w, t, places = rule.apply(ratings)
    met = scores.ge(t, axis=1) & scores.notna()
    n_met = met.sum(axis=1)
    score = (scores.fillna(0.0) * w).sum(axis=1)
    rank = rank_accounts(score, n_met >= rule.min_criteria)
    g = ratings.groupby(["account_id", "criterion"])["score"]
    spread = (g.max() - g.min()).groupby(level=0).max()
    out = scores.round(2)
    out.insert(0, "name", [str(names.get(a, a)) if names is not None else a for a in scores.index])
    out["score"] = score.round(3)
    out["criteria_met"] = [", ".join(c for c in crit if met.at[i, c]) for i in scores.index]
    out["n_met"] = n_met.astype(int)
    out["rank"] = rank.astype("Int64")
    out["provisional"] = (rank <= places).fillna(False).astype(bool)
    out["max_range"] = spread.reindex(scores.index).astype(float)
    out["raters"] = ratings.groupby("account_id")["rater"].nunique().reindex(scores.index).astype(int)
    out.index.name = "account_id"
    return out.sort_values(["rank", "score"], ascending=[True, False], na_position="last", kind="stable")


@dataclass
class RatedWorkshop(SelectionWorkshop):
    """The weight sliders of :class:`~kamlib.workshop.widgets.SelectionWorkshop` over the raters' mean scores.

    Remembers the last weights and thresholds the room agreed on (``current``), so the handout uses them.
    """

    ids: np.ndarray | None = None
    current: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @classmethod
    def from_ratings(
        cls, ratings: pd.DataFrame, names: Mapping[str, str] | pd.Series, *, lang: str = "en", **parameters: Any
    ) -> RatedWorkshop:
        """The room's sliders starting at the rule's ``parameters`` (the keywords of :class:`RatingRule`)."""
        rule = RatingRule(**parameters)
        scores, crit, w, t, k = rule.apply(ratings)
        return cls(
            names=np.array([str(names.get(a, a)) for a in scores.index]),
            scores=scores.fillna(0.0).to_numpy(dtype=float),
            criteria=crit,
            weights=w.to_numpy(dtype=float),
            thresholds=t.to_numpy(dtype=float),
            min_criteria=rule.min_criteria,
            k=k,
            lang=lang,
            ids=scores.index.to_numpy(),
        )

    def update(self, weights=None, thresholds=None):
        out = super().update(weights, thresholds)
        self.current = (
            np.asarray(self.weights if weights is None else weights, dtype=float),
            np.asarray(self.thresholds if thresholds is None else thresholds, dtype=float),
        )
        return out

    def agreed(self) -> tuple[dict[str, float], dict[str, float]]:
        """The weights and thresholds of the last slider position (normalised), else the starting ones."""
        w, t = self.current if self.current is not None else (self.weights, self.thresholds)
        w = shares(w)
        return dict(zip(self.criteria, map(float, w))), dict(zip(self.criteria, map(float, t)))

    def static(self) -> pd.DataFrame:
        return self.ranking()


class HandoutPanel:
    """A button that writes the handout with the weights the sliders of ``workshop`` stand at."""

    def __init__(
        self,
        workshop: RatedWorkshop,
        ratings: pd.DataFrame,
        names,
        *,
        output_dir: str = "",
        as_of: str = "",
        lang: str = "en",
        places: int | None = None,
    ):
        self.workshop, self.ratings, self.names = workshop, ratings, names
        self.output_dir, self.as_of, self.lang, self.places = output_dir, as_of, lang, places

    def handout(self) -> Handout:
        w, t = self.workshop.agreed()
        return build_handout(
            self.ratings,
            self.names,
            weights=w,
            thresholds=t,
            min_criteria=self.workshop.min_criteria,
            places=self.places,
            as_of=self.as_of,
            lang=self.lang,
        )

    def static(self) -> Handout:
        return self.handout()

    def widget(self):
        import ipywidgets as w

        button = w.Button(description="Handout", button_style="success", icon="file")
        preview, message = w.HTML(), w.HTML()

        def on_click(_):
            h = self.handout()
            preview.value = h.download_links() + h._repr_html_()
            if self.output_dir:
                stamp = pd.Timestamp.now().strftime("%Y%m%d-%H%M%S")
                try:
                    files = h.save(self.output_dir, stem=f"workshop_handout_{stamp}")
                    message.value = html.escape(saved_sentence(files, self.lang))
                except OSError as err:
                    message.value = f"<b>{html.escape(str(err))}</b>"

        button.on_click(on_click)
        return w.VBox([button, message, preview])


class DecidePanel:
    """The criteria workshop's *decide* step: the provisional list at the agreed weights, the accounts the room
    keeps, and the two records in the decision register of the data source (``register``, a folder):

    * *provisional*: a decision folder (:func:`kamlib.decision.write`) in ``register/provisional_decision/``
      that notebook 01 can start from (``decision`` parameter) to check status, revenue and capacity;
    * *definitive*: rows in ``register/key_account_decisions.csv`` (:func:`kamlib.decision.record`) with the
      agreed criteria and weights, the date, who decided and the room's note; every later run pins this list
      (:func:`kamlib.decision.decide`).

    A batch run records nothing (:meth:`static` shows the provisional list).
    """

    def __init__(
        self,
        workshop: RatedWorkshop,
        ratings: pd.DataFrame,
        names,
        data,
        *,
        register: str = "",
        places: int | None = None,
        lang: str = "en",
    ):
        self.workshop, self.ratings, self.names, self.data = workshop, ratings, names, data
        self.register, self.places, self.lang = register, places, i18n.check_lang(lang)

    def parameters(self) -> dict:
        """The agreed rule as selection parameters (what the register keeps with the decision)."""
        w, t = self.workshop.agreed()
        return {
            "criteria": list(self.workshop.criteria),
            "weights": w,
            "thresholds": t,
            "min_criteria": int(self.workshop.min_criteria),
        }

    def provisional_ids(self) -> list[str]:
        """The provisional list at the agreed weights, best first."""
        p = self.parameters()
        table = provisional_from_ratings(
            self.ratings,
            self.names,
            weights=p["weights"],
            thresholds=p["thresholds"],
            min_criteria=p["min_criteria"],
            places=self.places,
        )
        return [str(i) for i in table.index[table["provisional"]]]

    def record(self, stage: str, ids: Sequence[str], *, decided_by: str, decided_on=None, note: str = "") -> Path:
        """Record ``ids`` as the room's ``stage`` (provisional or definitive) list; returns the file written."""
        import json

        from kamlib import decision

        ids = [str(i) for i in ids]
        if stage not in decision.STAGES:
            raise KamParameterError("stage", f"{stage!r}: choose {' or '.join(decision.STAGES)}")
        if not str(decided_by).strip():
            raise KamParameterError("decided_by", "enter who decided (e.g. the workshop's name)")
        if not ids:
            raise KamParameterError("accounts", "the list is empty")
        if not self.register:
            raise KamParameterError("register", text("no_register", "en"))
        provisional = self.provisional_ids()
        outside = [i for i in ids if i not in set(provisional)]
        if stage == "definitive" and outside:
            raise KamParameterError("accounts", f"{', '.join(outside)} not on the provisional list")
        on = pd.Timestamp(decided_on if decided_on is not None else pd.Timestamp.now().date()).date()
        if stage == "provisional":
            d = decision.room_decision(
                self.data, ids, parameters=self.parameters(), stage=stage, decided_by=decided_by, decided_on=on
            )
            _, path = decision.write(d, Path(self.register) / decision.PROVISIONAL_DIR, as_of=self.data.as_of)
            payload = json.loads(path.read_text(encoding="utf-8"))
            payload["note"] = note
            atomic_write_text(path, json.dumps(payload, indent=2, default=str))
            return path
        rows = decision.register_rows(
            ids,
            decided_on=on,
            decided_by=str(decided_by).strip(),
            parameters=self.parameters(),
            note=note,
            not_key=[i for i in provisional if i not in set(ids)],
        )
        return decision.record(self.register, rows)

    def _names(self, ids: Sequence[str]) -> str:
        return ", ".join(f"{i} {self.names.get(i, '')}".strip() for i in ids) or "–"

    def static(self) -> _HTML:
        sentence = text("decide_static", self.lang, accounts=self._names(self.provisional_ids()))
        return _HTML(f"<p>{html.escape(sentence)}</p>", sentence)

    def widget(self):
        import datetime

        import ipywidgets as w

        L = lambda k: label(k, self.lang)  # noqa: E731
        wide = {"description_width": label_width([L("decided_by"), L("decided_on"), L("room_note")])}
        by = w.Text(description=L("decided_by"), style=wide, layout=w.Layout(width="40em"))
        on = w.DatePicker(description=L("decided_on"), value=datetime.date.today(), style=wide)
        note = w.Textarea(description=L("room_note"), style=wide, layout=w.Layout(width="40em", height="4em"))
        boxes: dict[str, w.Checkbox] = {}
        keep = w.VBox()
        message = w.HTML()

        def fill() -> None:
            boxes.clear()
            for i in self.provisional_ids():
                boxes[i] = w.Checkbox(
                    value=True,
                    description=f"{i} · {self.names.get(i, '')}",
                    indent=False,
                    layout=w.Layout(width="auto"),
                )
            keep.children = [w.HTML(f"<b>{html.escape(L('keep'))}</b>"), *boxes.values()]

        def done(stage: str, path: Path, n: int) -> None:
            key = "recorded_" + stage
            on_text = i18n.date(str(on.value), self.lang) if on.value else ""
            message.value = html.escape(text(key, self.lang, n=n, path=path, on=on_text, by=by.value.strip()))

        def decide(kind: str, ids: list[str]) -> None:
            try:
                done(kind, self.record(kind, ids, decided_by=by.value, decided_on=on.value, note=note.value), len(ids))
            except (KamParameterError, OSError, ValueError) as err:
                message.value = f"<b>{html.escape(str(err))}</b>"

        def on_provisional(_):
            fill()
            decide("provisional", list(boxes))

        def on_definitive(_):
            decide("definitive", [i for i, b in boxes.items() if b.value])

        fill()
        first = w.Button(description=L("record_provisional"), layout=w.Layout(width="auto"))
        second = w.Button(description=L("record_definitive"), button_style="primary", layout=w.Layout(width="auto"))
        first.on_click(on_provisional)
        second.on_click(on_definitive)
        parts = [by, on, note, keep, w.HBox([first, second]), message]
        if not self.register:
            parts.insert(0, w.HTML(f"<i>{html.escape(text('no_register', self.lang))}</i>"))
        return w.VBox(parts)


# =========================================================================== the handout


@dataclass(frozen=True)
class Handout:
    """What the room agreed on: weights, the provisional list, agreement and the disputed scores."""

    weights: pd.DataFrame
    provisional: pd.DataFrame
    agreement: pd.DataFrame
    disputed: pd.DataFrame
    raters: tuple[str, ...]
    min_criteria: int
    as_of: str
    lang: str = "en"
    title: str = ""

    def html(self) -> str:
        """A self-contained HTML page; every name is escaped."""
        L = lambda k: html.escape(label(k, self.lang))  # noqa: E731
        esc = html.escape

        def table(df: pd.DataFrame, headers: list[str]) -> str:
            head = "".join(f"<th>{esc(h)}</th>" for h in headers)
            body = "".join(
                "<tr>" + "".join(f"<td>{esc(_fmt(v, self.lang))}</td>" for v in row) + "</tr>"
                for row in df.itertuples(index=False)
            )
            return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

        title = esc(self.title or label("handout_title", self.lang))
        prov = self.provisional
        parts = [
            f'<!DOCTYPE html><html lang="{self.lang}"><head><meta charset="utf-8"><title>{title}</title>',
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse;"
            "margin:.5em 0 1.5em}td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left}"
            "th{background:#1f4e79;color:#fff}</style></head><body>",
            f"<h1>{title}</h1>",
            f"<p>{L('as_of')}: {esc(self._as_of())} · {L('raters')}: {esc(', '.join(self.raters))}</p>",
            f"<h2>{L('weights')}</h2>",
            table(
                self.weights, [label("criterion", self.lang), label("weight", self.lang), label("threshold", self.lang)]
            ),
            f"<p>{esc(label('rule', self.lang).format(k=self.min_criteria))}</p>",
            f"<h2>{L('provisional')}</h2>",
            table(
                prov[["rank", "account_id", "name", "score", "criteria_met", "max_range"]],
                [label(k, self.lang) for k in ("rank", "account", "name", "score", "criteria_met", "max_range")],
            )
            if len(prov)
            else f"<p>{L('none')}</p>",
            f"<h2>{L('agreement')}</h2>",
            table(self.agreement, [label(k, self.lang) for k in ("criterion", "kendalls_w", "raters", "accounts")]),
            f"<h2>{L('disputed')}</h2>",
            table(self.disputed, [label(k, self.lang) for k in ("account", "name", "criterion", "mean", "range")]),
            f"<p><i>{L('footer')}</i></p></body></html>",
        ]
        return "\n".join(parts)

    def to_excel(self, path: str | Path) -> Path:
        """The same tables as an Excel workbook, text cells neutralised; never overwrites."""
        p = Path(path)
        if p.exists():
            raise FileExistsError(f"{p} exists; not overwriting")
        sheets = {
            label("weights", self.lang)[:31]: self.weights,
            label("provisional", self.lang)[:31]: self.provisional,
            label("kendalls_w", self.lang)[:31]: self.agreement,
            label("range", self.lang)[:31]: self.disputed,
        }
        with atomic_path(p) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for name, df in sheets.items():
                safe_frame(df).to_excel(xl, sheet_name=name, index=False)
        return p

    def excel_bytes(self) -> bytes:
        """The Excel handout as bytes (for a download link in the browser)."""
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            return self.to_excel(Path(d) / "handout.xlsx").read_bytes()

    def download_links(self, stem: str = "workshop_handout") -> str:
        """HTML links that download the handout (HTML and Excel) from the page itself: no file on the server."""
        import base64

        page = base64.b64encode(self.html().encode("utf-8")).decode("ascii")
        xlsx = base64.b64encode(self.excel_bytes()).decode("ascii")
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return (
            f'<p><a download="{stem}.html" href="data:text/html;charset=utf-8;base64,{page}">{stem}.html</a> · '
            f'<a download="{stem}.xlsx" href="data:{mime};base64,{xlsx}">{stem}.xlsx</a></p>'
        )

    def save(self, folder: str | Path, *, stem: str = "workshop_handout", excel: bool = True) -> list[Path]:
        """Write ``stem.html`` (and ``stem.xlsx``) into ``folder``; refuses to overwrite either."""
        folder = Path(folder)
        targets = [folder / f"{stem}.html"] + ([folder / f"{stem}.xlsx"] if excel else [])
        existing = [t for t in targets if t.exists()]
        if existing:
            raise FileExistsError(f"{existing[0]} exists; not overwriting")
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(targets[0], self.html())
        if excel:
            self.to_excel(targets[1])
        return targets

    def _as_of(self) -> str:
        """The data date in the handout's language (31.12.2025 in German); other text as given."""
        try:
            return i18n.date(self.as_of, self.lang) if self.as_of else ""
        except ValueError:
            return self.as_of

    def _repr_html_(self) -> str:
        body = self.html()
        return body[body.index("<h1>") : body.index("</body>")]

    def __repr__(self) -> str:
        prov = self.provisional
        lines = [
            f"{self.title or label('handout_title', self.lang)} ({label('as_of', self.lang)} {self._as_of()}; "
            f"{label('raters', self.lang)}: {', '.join(self.raters)})"
        ]
        lines += [
            f"{int(r)}. {a} {n}: {i18n.number(float(s), self.lang, 2)}"
            for r, a, n, s in prov[["rank", "account_id", "name", "score"]].itertuples(index=False)
        ]
        return "\n".join(lines)


def _fmt(v: object, lang: str) -> str:
    if isinstance(v, (bool, np.bool_)):
        return label("yes", lang) if v else ""
    if isinstance(v, (float, np.floating)):
        return "" if v != v else i18n.number(float(v), lang, 2)
    return "" if v is None or v is pd.NA else str(v)


def build_handout(
    ratings: pd.DataFrame,
    names: Mapping[str, str] | pd.Series,
    *,
    as_of: str = "",
    lang: str = "en",
    disputed: int = 10,
    title: str = "",
    **parameters: Any,
) -> Handout:
    """Everything the handout shows, computed from the ratings and the agreed rule (``parameters``: the keywords
    of :class:`RatingRule`)."""
    i18n.check_lang(lang)
    rule = RatingRule(**parameters)
    table = provisional_from_ratings(ratings, names, **parameters)
    _, crit, w, t, _ = rule.apply(ratings)
    wt = pd.DataFrame(  # the same shares, in the same words, as beside the room's sliders
        {
            "criterion": [label(c, lang) for c in crit],
            "weight": share_texts(w.to_numpy(), lang),
            "threshold": t.to_numpy(),
        }
    )
    prov = table[table["provisional"]].reset_index()
    prov["criteria_met"] = [", ".join(label(c, lang) for c in v.split(", ")) if v else "" for v in prov["criteria_met"]]
    spread, agreement = rating_agreement(ratings)
    agreement = agreement.assign(criterion=[label(c, lang) for c in agreement["criterion"]])
    agreement = agreement[["criterion", "kendalls_w", "raters", "accounts"]]
    top = spread.sort_values(["range", "account_id", "criterion"], ascending=[False, True, True], kind="stable").head(
        disputed
    )
    top = pd.DataFrame(
        {
            "account_id": top["account_id"].to_numpy(),
            "name": [str(names.get(a, a)) for a in top["account_id"]],
            "criterion": [label(c, lang) for c in top["criterion"]],
            "mean": top["mean"].to_numpy(),
            "range": top["range"].astype(float).to_numpy(),
        }
    )
    raters = tuple(sorted(ratings["rater"].astype(str).unique()))
    return Handout(wt, prov, agreement, top, raters, rule.min_criteria, str(as_of), lang, title)


# =========================================================================== portfolio workshop


@dataclass(frozen=True)
class PortfolioDefinition:
    """Which components, with which weights, make up attractiveness and strength, and the cut lines (0-10).

    Weights are normalised per axis; a component with weight 0 is not used.
    """

    attractiveness: Mapping[str, float]
    strength: Mapping[str, float]
    attractiveness_cut: float = 5.0
    strength_cut: float = 5.0

    def __post_init__(self):
        for axis in ("attractiveness", "strength"):
            w = dict(getattr(self, axis))
            bad = [k for k in w if k not in COMPONENTS]
            if bad:
                raise KamParameterError(
                    axis, f"unknown component {', '.join(map(repr, bad))}; choose from {', '.join(COMPONENTS)}"
                )
            if any(not math.isfinite(float(v)) or float(v) < 0 for v in w.values()):
                raise KamParameterError(axis, "weights must be finite and 0 or more")
            if sum(float(v) for v in w.values()) <= 0:
                raise KamParameterError(axis, "at least one weight must be above 0")
            object.__setattr__(self, axis, {k: float(v) for k, v in w.items()})
        for name in ("attractiveness_cut", "strength_cut"):
            v = float(getattr(self, name))
            if not 0 <= v <= 10:
                raise KamParameterError(name, f"{v:g} outside 0-10")
            object.__setattr__(self, name, v)

    @classmethod
    def from_selection(cls, selection: Selection, *, split: float = 5.0) -> PortfolioDefinition:
        """The definition :func:`kamlib.selection.portfolio_position` uses: attractiveness = the chosen
        criteria except relationship, with their weights; strength = relationship and share of wallet, equal."""
        w = selection.weights.drop("relationship", errors="ignore")
        if w.sum() <= 0:
            w = pd.Series(1.0, index=["revenue_share", "lifetime_value", "growth_potential"])
        return cls(dict(w / w.sum()), {"relationship": 0.5, "share_of_wallet": 0.5}, split, split)


def component_scores(data, *, discount_rate: float = 0.10) -> pd.DataFrame:
    """The six criterion scores (missing = 0) and the share-of-wallet percentile (missing stays missing)."""
    metrics = criterion_metrics(data, discount_rate=discount_rate)
    s = criterion_scores(metrics).fillna(0.0)
    s["share_of_wallet"] = percentile_score(metrics["share_of_wallet"]).round(6)
    return s[list(COMPONENTS)]


def _axis(scores: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    w = pd.Series({k: v for k, v in weights.items() if v > 0}, dtype=float)
    x = scores.reindex(columns=w.index)
    have = x.notna()
    num = (x.fillna(0.0) * w).sum(axis=1)
    den = (have * w).sum(axis=1)
    # a missing component (no wallet estimate) drops out and the others are re-weighted, as in portfolio_position
    return (num / den.where(den > 0)).fillna(0.0)


def place(scores: pd.DataFrame, definition: PortfolioDefinition) -> pd.DataFrame:
    """Attractiveness, strength (0-10) and quadrant per account; on a cut line counts as high."""
    att = _axis(scores, definition.attractiveness)
    strg = _axis(scores, definition.strength)
    high = att >= definition.attractiveness_cut - _EPS
    strong = strg >= definition.strength_cut - _EPS
    quadrant = np.select([high & strong, high, strong], ["strategic", "star", "status"], default="streamline")
    return pd.DataFrame(
        {"attractiveness": att.round(6), "strength": strg.round(6), "quadrant": quadrant}, index=scores.index
    )


def quadrant_changes(
    scores: pd.DataFrame,
    definition: PortfolioDefinition,
    base: PortfolioDefinition,
    names: Mapping[str, str] | pd.Series | None = None,
) -> pd.DataFrame:
    """Accounts whose quadrant under ``definition`` differs from ``base``, sorted by account id."""
    a, b = place(scores, base), place(scores, definition)
    moved = a["quadrant"] != b["quadrant"]
    out = pd.DataFrame(
        {
            "name": [str(names.get(i, i)) if names is not None else i for i in a.index[moved]],
            "quadrant_before": a.loc[moved, "quadrant"],
            "quadrant_after": b.loc[moved, "quadrant"],
            "attractiveness_before": a.loc[moved, "attractiveness"].round(2),
            "attractiveness_after": b.loc[moved, "attractiveness"].round(2),
            "strength_before": a.loc[moved, "strength"].round(2),
            "strength_after": b.loc[moved, "strength"].round(2),
        },
        index=a.index[moved],
    )
    out.index.name = "account_id"
    return out.sort_index(kind="stable")


@dataclass(frozen=True)
class Scenario:
    """A what-if key-account list: who is on it, who was dropped or added, and the KAMs' load."""

    ids: tuple[str, ...]
    dropped: tuple[str, ...]
    added: tuple[str, ...]
    capacity: pd.DataFrame


def capacity_load(table: pd.DataFrame, ids: Sequence[str], kams: pd.DataFrame | None) -> pd.DataFrame:
    """Key accounts per KAM against capacity (``free`` < 0: overloaded), a row for accounts without a KAM
    and a total row."""
    on = table.loc[list(ids)]
    counts = on["kam_id"].value_counts(dropna=True) if "kam_id" in on else pd.Series(dtype=int)
    rows: list[dict[str, object]] = []
    if kams is not None and len(kams):
        for k in kams.itertuples(index=False):
            cap = 0 if pd.isna(getattr(k, "capacity", None)) else int(k.capacity)  # type: ignore[arg-type]  # pandas-stubs: itertuples fields are any scalar; capacity is a number
            n = int(counts.get(k.kam_id, 0))
            rows.append({"kam_id": k.kam_id, "capacity": cap, "key_accounts": n, "free": cap - n})
    known = {r["kam_id"] for r in rows}
    for kam_id, n in counts.items():
        if kam_id not in known:
            rows.append({"kam_id": kam_id, "capacity": 0, "key_accounts": int(n), "free": -int(n)})
    no_kam = int(on["kam_id"].isna().sum()) if "kam_id" in on else len(on)
    if no_kam:
        rows.append({"kam_id": "-", "capacity": 0, "key_accounts": no_kam, "free": -no_kam})
    out = pd.DataFrame(rows, columns=["kam_id", "capacity", "key_accounts", "free"])
    total = {
        "kam_id": "total",
        "capacity": int(out["capacity"].sum()),
        "key_accounts": len(on),
        "free": int(out["capacity"].sum()) - len(on),
    }
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def compare_load(**loads: pd.DataFrame) -> pd.DataFrame:
    """Key accounts and free capacity per KAM side by side, e.g. ``compare_load(now=..., fewer=..., more=...)``.

    Rows follow the first table (KAMs, ``-`` for accounts without a KAM, ``total`` last); a row missing in
    another table counts 0 key accounts there.
    """
    first = next(iter(loads.values()))
    rows = list(first["kam_id"])
    for df in loads.values():
        rows += [k for k in df["kam_id"] if k not in rows]
    rows = [k for k in rows if k != "total"] + ["total"]
    cap = pd.concat([df.set_index("kam_id")["capacity"] for df in loads.values()], axis=1).max(axis=1)
    out = pd.DataFrame({"capacity": cap.reindex(rows).fillna(0).astype(int)})
    for name, df in loads.items():
        n = df.set_index("kam_id")["key_accounts"].reindex(rows).fillna(0).astype(int)
        out[f"key_accounts_{name}"] = n
        out[f"free_{name}"] = out["capacity"] - n
    out.index.name = "kam_id"
    return out


def scenario(
    selection: Selection,
    kams: pd.DataFrame | None = None,
    *,
    ids: Sequence[str] | None = None,
    drop_weakest: int = 0,
    add_emerging: int = 0,
) -> Scenario:
    """Start from ``ids`` (default: the definitive key accounts), drop the ``drop_weakest`` lowest weighted
    scores, then add the next ``add_emerging`` emerging accounts not on the list (active, with revenue in
    the last 12 months, best weighted score first; ties by account id)."""
    if drop_weakest < 0 or add_emerging < 0:
        raise KamParameterError("scenario", "counts must be 0 or more")
    t = selection.table
    start = list(selection.definitive.index) if ids is None else list(ids)
    order = t.loc[start].assign(_id=lambda d: d.index.astype(str))
    weakest = order.sort_values(["score", "_id"], ascending=[True, False], kind="stable").index[:drop_weakest]
    kept = [i for i in start if i not in set(weakest)]
    pool = t[
        (t["type"] == "emerging")
        & ~t.index.isin(start)
        & (t["revenue_12m"] > 0)
        & (t["status"].fillna("active") == "active")
    ].assign(_id=lambda d: d.index.astype(str))
    added = pool.sort_values(["score", "_id"], ascending=[False, True], kind="stable").index[:add_emerging].tolist()
    new = kept + added
    return Scenario(tuple(new), tuple(weakest), tuple(added), capacity_load(t, new, kams))


class PortfolioWorkshop:
    """Sliders for the portfolio definition and scenario buttons over the key-account list.

    ``static()`` renders the current state (definition, quadrant counts, changes vs the default, capacity)
    for batch runs; ``widget()`` is the live version.
    """

    def __init__(
        self,
        selection: Selection,
        scores: pd.DataFrame,
        kams: pd.DataFrame | None = None,
        *,
        lang: str = "en",
        step: int = 3,
    ):
        self.selection, self.kams, self.lang, self.step = selection, kams, i18n.check_lang(lang), step
        self.scores = scores.reindex(selection.table.index)
        self.names = selection.table["name"].astype(str)
        self.base = PortfolioDefinition.from_selection(selection)
        self.definition = self.base
        self.scenario = scenario(selection, kams)
        self._fig: Figure | None = None
        #: the shares shown beside the weight sliders, per axis and component (filled by :meth:`widget`)
        self.share_labels: dict[str, dict] = {}

    @classmethod
    def from_data(cls, data, selection: Selection, *, lang: str = "en") -> PortfolioWorkshop:
        return cls(selection, component_scores(data), data.kams if data.has("kams") else None, lang=lang)

    # -------------------------------------------------------------- state
    def define(
        self, attractiveness=None, strength=None, attractiveness_cut=None, strength_cut=None
    ) -> PortfolioDefinition:
        d = self.definition
        self.definition = PortfolioDefinition(
            d.attractiveness if attractiveness is None else attractiveness,
            d.strength if strength is None else strength,
            d.attractiveness_cut if attractiveness_cut is None else attractiveness_cut,
            d.strength_cut if strength_cut is None else strength_cut,
        )
        return self.definition

    def apply(self, *, drop_weakest: int = 0, add_emerging: int = 0) -> Scenario:
        """Apply a step to the current list; ``dropped``/``added`` are counted against the definitive list."""
        s = scenario(
            self.selection, self.kams, ids=self.scenario.ids, drop_weakest=drop_weakest, add_emerging=add_emerging
        )
        base = list(self.selection.definitive.index)
        self.scenario = Scenario(
            s.ids, tuple(i for i in base if i not in s.ids), tuple(i for i in s.ids if i not in base), s.capacity
        )
        return self.scenario

    def reset(self) -> None:
        self.definition = self.base
        self.scenario = scenario(self.selection, self.kams)

    # -------------------------------------------------------------- tables
    def positions(self) -> pd.DataFrame:
        ids = list(self.scenario.ids)
        pos = place(self.scores.loc[ids], self.definition)
        t = self.selection.table.loc[ids]
        out = pd.DataFrame({"name": self.names.loc[ids], "kam_id": t["kam_id"], "score": t["score"]}).join(pos)
        out["change"] = ["+" if i in self.scenario.added else "" for i in ids]
        return out.sort_values(["quadrant", "attractiveness"], ascending=[True, False], kind="stable")

    def counts(self) -> pd.DataFrame:
        q = self.positions()["quadrant"]
        return pd.DataFrame(
            {
                "quadrant": [i18n.quadrant_label(x, self.lang) for x in QUADRANTS],
                "accounts": [int((q == x).sum()) for x in QUADRANTS],
            }
        )

    def changes(self) -> pd.DataFrame:
        ids = list(self.scenario.ids)
        return quadrant_changes(self.scores.loc[ids], self.definition, self.base, self.names)

    def definition_table(self) -> pd.DataFrame:
        d = self.definition
        att = share_texts([d.attractiveness.get(c, 0.0) for c in COMPONENTS], self.lang)
        strg = share_texts([d.strength.get(c, 0.0) for c in COMPONENTS], self.lang)
        rows: list[dict[str, object]] = [
            {"component": label(c, self.lang), "attractiveness": a, "strength": s}
            for c, a, s in zip(COMPONENTS, att, strg)
        ]
        rows.append(
            {"component": label("cut", self.lang), "attractiveness": d.attractiveness_cut, "strength": d.strength_cut}
        )
        return pd.DataFrame(rows)

    def static(self) -> tuple:
        changes = self.changes()
        return (
            self.definition_table(),
            self.counts(),
            changes
            if len(changes)
            else _HTML(f"<p>{html.escape(label('no_changes', self.lang))}</p>", label("no_changes", self.lang)),
            self.scenario.capacity,
        )

    # -------------------------------------------------------------- drawing
    def render(self) -> tuple[bytes, str]:
        """(png of the matrix, html of changes and capacity)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from kamlib.present.charts.base import label_point, quadrant_names

        pos = self.positions()
        if self._fig is None:
            self._fig = Figure(figsize=(5.5, 5), dpi=80)
            FigureCanvasAgg(self._fig)
        fig = self._fig
        fig.clear()
        ax = fig.add_subplot(1, 1, 1)
        colors = {"strategic": "#1f4e79", "star": "#c55a11", "status": "#548235", "streamline": "#7f7f7f"}
        ax.scatter(pos["strength"], pos["attractiveness"], c=[colors[q] for q in pos["quadrant"]], s=40)
        for i, (x, y) in enumerate(zip(pos["strength"], pos["attractiveness"])):
            label_point(ax, str(pos.index[i])[-4:], (x, y), fontsize=6, offset=(2, 2))
        ax.axvline(self.definition.strength_cut, color="k", lw=0.8)
        ax.axhline(self.definition.attractiveness_cut, color="k", lw=0.8)
        ax.set_xlim(-0.3, 10.3)
        ax.set_ylim(-0.3, 10.3)
        ax.set_xlabel(i18n.t("strength_axis", self.lang))
        ax.set_ylabel(i18n.t("attractiveness_axis", self.lang))
        quadrant_names(ax, self.lang, colors, inset=0.2, fontsize=8)
        fig.subplots_adjust(left=0.12, right=0.97, top=0.97, bottom=0.1)
        buf = io.BytesIO()
        assert isinstance(fig.canvas, FigureCanvasAgg)  # attached when the figure was made
        fig.canvas.print_png(buf)
        changes = self.changes()
        from kamlib.present import overview

        ch = (
            overview.view(changes[["name", "quadrant_before", "quadrant_after"]], self.lang)._repr_html_()
            if len(changes)
            else f"<p>{html.escape(label('no_changes', self.lang))}</p>"
        )
        sc = self.scenario
        moves = "".join(
            f"<li>{html.escape(label(k, self.lang))}: {html.escape(', '.join(v))}</li>"
            for k, v in (("dropped", sc.dropped), ("added", sc.added))
            if v
        )
        return buf.getvalue(), (
            f"<div class='kam-changes'>{ch}</div>{'<ul>' + moves + '</ul>' if moves else ''}"
            f"<div class='kam-capacity'>{overview.view(sc.capacity, self.lang)._repr_html_()}</div>"
        )

    def widget(self):
        import ipywidgets as w

        d = self.definition
        cut = {a: f"{label(a, self.lang)}: {label('cut', self.lang)}" for a in ("attractiveness", "strength")}
        # one description column for the whole panel, as wide as its longest label: nothing is cut
        width = label_width([*(label(c, self.lang) for c in COMPONENTS), *cut.values()])

        def weight_slider(c: str, value: float) -> w.FloatSlider:  # relative: the share beside it is the weight
            return slider("weight", value, label(c, self.lang), width)

        def cut_slider(axis: str, value: float) -> w.FloatSlider:  # the value beside it (screen.value_text)
            return slider("score", value, cut[axis], width)

        att = {c: weight_slider(c, d.attractiveness.get(c, 0.0)) for c in COMPONENTS}
        strg = {c: weight_slider(c, d.strength.get(c, 0.0)) for c in COMPONENTS}
        share = w.Layout(width=f"{READOUT_PX}px")
        att_share = {c: w.HTML(layout=share).add_class("kam-share") for c in COMPONENTS}
        strg_share = {c: w.HTML(layout=share).add_class("kam-share") for c in COMPONENTS}
        self.share_labels = {"attractiveness": att_share, "strength": strg_share}
        acut = cut_slider("attractiveness", d.attractiveness_cut)
        scut = cut_slider("strength", d.strength_cut)
        cut_readouts = {
            axis: w.HTML(layout=w.Layout(width=f"{READOUT_PX}px")) for axis in ("attractiveness", "strength")
        }

        def show_shares() -> None:
            for axis, cut_s in (("attractiveness", acut), ("strength", scut)):
                cut_readouts[axis].value = html.escape(value_text(cut_s.value, self.lang))
            for sliders, labels in ((att, att_share), (strg, strg_share)):
                for c, t in zip(COMPONENTS, share_texts([sliders[c].value for c in COMPONENTS], self.lang)):
                    labels[c].value = f"<b>{html.escape(t)}</b>"

        wide = w.Layout(width="auto")
        drop = w.Button(description=label("drop", self.lang).format(n=self.step), layout=wide)
        add = w.Button(description=label("add", self.lang).format(n=self.step), layout=wide)
        reset = w.Button(description=label("reset", self.lang), layout=wide)
        image, tables, message = w.Image(format="png"), w.HTML(), w.HTML()

        def draw():
            show_shares()
            png, body = self.render()
            assert self._fig is not None  # drawn by render()
            image.layout = w.Layout(**image_layout(self._fig))
            image.value, tables.value = png, body

        def refresh(_=None):
            try:
                self.define(
                    {c: s.value for c, s in att.items()}, {c: s.value for c, s in strg.items()}, acut.value, scut.value
                )
            except KamParameterError as err:
                message.value = f"<b>{html.escape(str(err))}</b>"
                return
            message.value = ""
            draw()

        def on_drop(_):
            self.apply(drop_weakest=self.step)
            draw()

        def on_add(_):
            self.apply(add_emerging=self.step)
            draw()

        def on_reset(_):
            self.reset()
            for c in COMPONENTS:
                att[c].value, strg[c].value = self.base.attractiveness.get(c, 0.0), self.base.strength.get(c, 0.0)
            acut.value, scut.value = self.base.attractiveness_cut, self.base.strength_cut
            draw()

        for s in [*att.values(), *strg.values(), acut, scut]:
            s.observe(refresh, names="value")
        drop.on_click(on_drop)
        add.on_click(on_add)
        reset.on_click(on_reset)
        draw()
        head = lambda k: w.HTML(f"<b>{html.escape(label(k, self.lang))}</b>")  # noqa: E731
        column = lambda axis, sliders, shares, cut_line: w.VBox(  # noqa: E731
            [head(axis), *(w.HBox([sliders[c], shares[c]]) for c in COMPONENTS), cut_line]
        )
        controls = w.HBox(
            [
                column("attractiveness", att, att_share, w.HBox([acut, cut_readouts["attractiveness"]])),
                column("strength", strg, strg_share, w.HBox([scut, cut_readouts["strength"]])),
            ],
            layout=w.Layout(flex_flow="row wrap"),
        )
        return w.VBox(
            [
                controls,
                w.HBox([drop, add, reset]),
                message,
                w.HBox([image, tables], layout=w.Layout(align_items="flex-start")),
            ]
        )


# =========================================================================== reference outputs


def refresh_workshop_notebooks(folder: str | Path = "notebooks/workshop") -> list[Path]:
    """Re-execute the workshop notebooks in place (reference outputs for nbval), as ``make notebooks`` does
    for the step notebooks: default parameters, no live frontend, no execution timestamps."""
    import nbformat
    from nbclient import NotebookClient

    done = []
    previous = os.environ.get("KAM_WORKSHOP_LIVE")
    os.environ["KAM_WORKSHOP_LIVE"] = "0"  # the kernel inherits it: static renderings only
    try:
        for nb_path in sorted(Path(folder).glob("*.ipynb")):
            nb = nbformat.read(nb_path, as_version=4)
            NotebookClient(
                nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(nb_path.parent.resolve())}}
            ).execute()
            for cell in nb.cells:
                cell.metadata.pop("execution", None)
            nb.metadata.pop("widgets", None)
            nbformat.write(nb, nb_path)
            done.append(nb_path)
    finally:
        if previous is None:
            os.environ.pop("KAM_WORKSHOP_LIVE", None)
        else:
            os.environ["KAM_WORKSHOP_LIVE"] = previous
    return done
