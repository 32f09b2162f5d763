"""What a report opens with: the block its reader needs first, before the detail.

* :func:`account_summary` for the per-account reports (02 profile, 04 review): key figures (revenue of the
  last 12 months against the 12 months before, DB I, the health band with its main reasons, open and overdue
  actions), what changed in the quarter, and what needs a decision. The numbers come from
  :mod:`kamlib.review` (the same functions the report's sections use), so the block and the detail agree.
* :func:`attention_list` for the portfolio review (05): the red and amber key accounts, the worst first.

Everything a reader sees comes from the catalogue (``tables.summary``) in the run's language.
"""

from __future__ import annotations

import html as _html
import math
from dataclasses import dataclass, field

import pandas as pd

from kamlib import i18n, periods, value
from kamlib import review as rv
from kamlib.errors import KamParameterError
from kamlib.present import tables

_S = i18n.table("tables.summary")


def say(key: str, lang: str = "en", **values: object) -> str:
    """A sentence of ``tables.summary`` in ``lang``, filled with ``values``."""
    return i18n.pick(_S[key], lang).format(**values)


def change(current: float, previous: float, lang: str = "en") -> str:
    """A change as a signed percentage ('+5.0%', '−44.0%', real minus sign) from :func:`kamlib.i18n.percent`;
    '–' when there is nothing to compare with.

    >>> change(56.0, 100.0, "en"), change(105.0, 100.0, "de"), change(5.0, 0.0, "en")
    ('−44.0%', '+5,0\\xa0%', '–')
    """
    if i18n.missing(current) or i18n.missing(previous) or not previous:
        return "–"
    return i18n.percent(current / previous - 1, lang, 1, signed=True)  # the one signed-percent formatter


@dataclass
class AccountSummary:
    """The numbers of the opening block of one account's report (computed by :func:`account_summary`)."""

    account_id: str
    name: str
    quarter: str
    as_of: pd.Timestamp
    revenue_12m: float
    revenue_prev_12m: float
    db1_12m: float
    db1_margin_12m: float
    health: float
    health_previous: float
    band: str
    reasons: list[str] = field(default_factory=list)  # finding codes, then weak components
    weak: dict[str, float] = field(default_factory=dict)  # component -> score below 50
    open_actions: int = 0
    overdue_actions: int = 0
    next_due: pd.Timestamp | None = None
    overdue: list[dict] = field(default_factory=list)  # action, owner, due of each overdue action
    revenue_quarter: float = float("nan")
    revenue_previous_quarter: float = float("nan")
    revenue_last_year: float = float("nan")
    complaints_opened: float = float("nan")
    complaints_open: float = float("nan")
    proposals: list[str] = field(default_factory=list)
    data_line: str = ""
    lang: str = "en"

    # ------------------------------------------------------------------ what a reader sees

    def key_figures(self, lang: str | None = None) -> pd.DataFrame:
        """Figure -> value, as text in ``lang`` (money in EUR without cents, shares in %, '–' when missing)."""
        lang = lang or self.lang
        db1_margin = self.db1_margin_12m  # DB I / net revenue, as in the profile and the value step
        health = (
            say("health_value", lang, score=i18n.cell(self.health, lang, "int"))
            if not i18n.missing(self.health)
            else "–"
        )
        reasons = "; ".join(self.reason_texts(lang)) or "–"
        due = f" ({say('next_due', lang, date=i18n.date(self.next_due, lang))})" if self.next_due is not None else ""
        rows = {
            say("revenue_12m", lang): i18n.money(self.revenue_12m, lang, 0),
            say("revenue_vs", lang): change(self.revenue_12m, self.revenue_prev_12m, lang),
            say("db1_12m", lang): i18n.money(self.db1_12m, lang, 0),
            say("db1_margin", lang): "–" if i18n.missing(db1_margin) else i18n.percent(db1_margin, lang, 1),
            say("health", lang, quarter=self.quarter): health
            + (f" ({rv.label(self.band, lang)})" if self.band != "n/a" and health != "–" else ""),
            say("reasons", lang): reasons,
            say("open_actions", lang): say("open_value", lang, open=self.open_actions, overdue=self.overdue_actions)
            + due,
        }
        out = pd.DataFrame({say("value", lang): list(rows.values())}, index=pd.Index(rows, name=say("figure", lang)))
        return tables.captioned(out, say("key_figures", lang), badges=(), lang=lang)

    def reason_texts(self, lang: str | None = None) -> list[str]:
        lang = lang or self.lang
        out = [rv.label(c, lang) for c in self.reasons if c not in self.weak]
        out += [
            say("weak", lang, component=rv.label(c, lang), score=i18n.cell(s, lang, "int"))
            for c, s in self.weak.items()
        ]
        return out[:4]

    def changes(self, lang: str | None = None) -> list[str]:
        """One sentence per fact of the quarter that is known: revenue against the year before and the quarter
        before, the health score against the quarter before, complaints opened and still open."""
        lang = lang or self.lang
        q = pd.Period(self.quarter, freq="Q")
        quarters = {"quarter": self.quarter, "previous": str(q - 1), "last_year": str(q - 4)}

        def known(*values: float) -> bool:
            return not any(i18n.missing(v) for v in values)

        facts: dict[str, dict[str, str] | None] = {
            "quarter_revenue": {
                "value": i18n.money(self.revenue_quarter, lang, 0),
                "yoy": change(self.revenue_quarter, self.revenue_last_year, lang),
                "qoq": change(self.revenue_quarter, self.revenue_previous_quarter, lang),
            }
            if known(self.revenue_quarter)
            else None,
            "health_trend": {
                "now": i18n.cell(self.health, lang, "int"),
                "before": i18n.cell(self.health_previous, lang, "int"),
            }
            if known(self.health, self.health_previous)
            else None,
            "complaints": {
                "n": i18n.cell(self.complaints_opened, lang, "int"),
                "open": i18n.cell(self.complaints_open, lang, "int"),
            }
            if known(self.complaints_opened)
            else None,
        }
        return [say(key, lang, **quarters, **values) for key, values in facts.items() if values]

    def heading(self, lang: str | None = None) -> str:
        """The block's first line: name, id, quarter and the date of the data."""
        lang = lang or self.lang
        q, as_of = self.quarter, i18n.date(self.as_of, lang)
        return say("heading", lang, name=self.name, account_id=self.account_id, quarter=q, as_of=as_of)

    def decisions(self, lang: str | None = None) -> list[str]:
        lang = lang or self.lang
        if self.proposals:  # the proposals of kamlib.review.next_actions name the overdue actions themselves
            return list(self.proposals[:5])
        return [
            say("overdue_action", lang, date=i18n.date(a["due"], lang), action=a["action"], owner=a["owner"] or "–")
            for a in self.overdue[:3]
        ]

    def _repr_html_(self) -> str:
        lang = self.lang
        band = tables.badge(rv.label(self.band, lang)) if self.band != "n/a" else "–"

        def items(lines: list[str]) -> str:
            shown = lines or [say("nothing", lang)]
            return "<ul>" + "".join(f"<li>{_html.escape(x)}</li>" for x in shown) + "</ul>"

        heading = self.heading(lang)
        return (
            '<div class="kam-summary">'
            f"<p><strong>{_html.escape(heading)}</strong> {band}</p>"
            + tables.to_html(self.key_figures(lang), lang=lang)
            + f"<p><strong>{_html.escape(say('what_changed', lang))}</strong></p>"
            + items(self.changes(lang))
            + f"<p><strong>{_html.escape(say('decide', lang))}</strong></p>"
            + items(self.decisions(lang))
            + (
                f"<p><small>{_html.escape(say('data_line', lang, line=self.data_line))}</small></p>"
                if self.data_line
                else ""
            )
            + "</div>"
        )

    def __repr__(self) -> str:
        lang = self.lang
        lines = [
            self.heading(lang),
            self.key_figures(lang).to_string(),
            say("what_changed", lang) + ":",
            *[f"- {x}" for x in self.changes(lang)],
            say("decide", lang) + ":",
            *[f"- {x}" for x in self.decisions(lang) or [say("nothing", lang)]],
        ]
        return "\n".join(lines)


def _twelve_months(data, account_id: str, as_of: pd.Timestamp, years_back: int = 0) -> pd.Series:
    """Gross and net revenue and DB I of ``account_id`` in the twelve months of
    :func:`kamlib.periods.trailing_year` (the window the profile counts), from
    :func:`kamlib.value.account_contribution` (DB I = net revenue - cost of goods, margin on net revenue)."""
    start, end = periods.trailing_year(as_of, years_back)
    t = value.account_contribution(data, start=start, end=end)
    if account_id in t.index:
        return t.loc[account_id]
    return pd.Series({"gross_revenue": 0.0, "net_revenue": 0.0, "db1": 0.0, "db1_margin": float("nan")})


def account_summary(
    data,
    account_id: str,
    period: str = "",
    *,
    weights: dict | None = None,
    rules: dict | None = None,
    cadence_days: int = 90,
    proposals: bool = True,
    lang: str = "en",
) -> AccountSummary:
    """The opening block of one account's report for the quarter ``period`` (empty: the last complete one).

    Revenue (gross, as in the profile) and DB I (net revenue minus cost of goods) with its margin on net revenue
    of the 12 months up to the data date (:func:`kamlib.periods.trailing_year`) and the revenue of the 12 months
    before, from :func:`kamlib.value.account_contribution`, the figures the profile (02) shows; the health score of :func:`kamlib.review.health_score` with its band, its findings
    (:func:`kamlib.review.health_findings`) and components below 50 as reasons; the account's actions
    (:func:`kamlib.review.action_status`): open, overdue and the next due date; the quarter's revenue
    against the quarter before and the same quarter last year; and, with ``proposals``, the proposed next
    actions (:func:`kamlib.review.next_actions`).
    """
    i18n.check_lang(lang)
    as_of = pd.Timestamp(data.as_of)
    cur, prev = _twelve_months(data, account_id, as_of), _twelve_months(data, account_id, as_of, 1)
    try:
        q = rv.check_period(data, period, account_id=account_id)
    except KamParameterError:
        if str(period or "").strip():
            raise  # a quarter the caller asked for must exist
        q = None  # the profile of an account without business in the last quarter: no quarter figures
    nan = float("nan")
    quarter = str(q) if q is not None else str(rv.last_complete_quarter(as_of))
    score = previous = nan
    band, findings, weak = "n/a", [], {}
    actions = pd.DataFrame(columns=["action_id", "goal", "action", "owner", "due", "status", "state"])
    kpis = pd.Series(dtype=object)
    shown_proposals: list[str] = []
    if q is not None:
        period = str(q)
        health = rv.health_score(data, account_id, period, weights=weights, cadence_days=cadence_days, rules=rules)
        h = health.loc["health"]
        assert isinstance(h, pd.Series)  # "health" is one row
        score, previous, band = float(h["score"]), float(h["previous"]), str(h["band"])
        findings = [c for c in str(h["findings"]).split(", ") if c]
        comps = health.drop(index="health")
        weak = {str(k): float(v) for k, v in comps["score"].sort_values().items() if not math.isnan(v) and v < 50}
        if data.has("actions"):
            actions = rv.action_status(data, account_id, period)
        kpis = rv.account_kpis(data, account_id, period, cadence_days=cadence_days)
        if proposals:
            found = rv.next_actions(data, account_id, period, health=health, cadence_days=cadence_days, lang=lang)
            shown_proposals = [str(p) for p in found["proposal"].head(5)]
    elif data.has("actions"):
        actions = data.actions[data.actions["account_id"] == account_id].assign(
            state=lambda a: a["status"].map({"open": "open", "in_progress": "open"}).fillna(a["status"])
        )
    is_open = actions["state"].isin(["open", "overdue"])
    dues = actions.loc[is_open & actions["due"].notna(), "due"]
    overdue = actions[actions["state"] == "overdue"]
    name = data.accounts.set_index("account_id").loc[account_id, "name"]
    return AccountSummary(
        account_id=account_id,
        name=str(name),
        quarter=quarter,
        as_of=as_of,
        revenue_12m=float(cur["gross_revenue"]),
        revenue_prev_12m=float(prev["gross_revenue"]),
        db1_12m=float(cur["db1"]),
        db1_margin_12m=float(cur["db1_margin"]),
        health=score,
        health_previous=previous,
        band=band,
        reasons=findings + list(weak),
        weak=weak,
        open_actions=int(is_open.sum()),
        overdue_actions=int(len(overdue)),
        next_due=pd.Timestamp(dues.min()) if len(dues) else None,
        overdue=[{"action": str(r["action"]), "owner": r["owner"], "due": r["due"]} for _, r in overdue.iterrows()],
        revenue_quarter=float(kpis.get("revenue", nan)),
        revenue_previous_quarter=float(kpis.get("revenue_previous_quarter", nan)),
        revenue_last_year=float(kpis.get("revenue_last_year", nan)),
        complaints_opened=float(kpis.get("complaints_opened", nan)),
        complaints_open=float(kpis.get("complaints_open_at_end", nan)),
        proposals=shown_proposals,
        lang=lang,
    )


def attention_list(portfolio: pd.DataFrame, lang: str = "en", *, quarter: str = "", as_of=None) -> pd.DataFrame:
    """The red and amber key accounts of :func:`kamlib.review.portfolio_review`, in its attention order: name,
    KAM, band (a badge), health, findings in words, revenue against plan. Empty when every account is green.
    The caption names the quarter and, given ``as_of``, the data date."""
    i18n.check_lang(lang)
    flagged = portfolio[portfolio["band"].isin(["red", "amber"])]
    shown = rv.portfolio_view(
        flagged[
            [c for c in ("name", "kam_id", "band", "health", "findings", "attainment", "yoy_growth") if c in flagged]
        ],
        lang,
    )
    caption = say("attention", lang, quarter=quarter) if quarter else say("attention", lang, quarter="").rstrip(", ")
    if as_of is not None:
        caption += say("as_of_suffix", lang, date=i18n.date(as_of, lang))
    return tables.captioned(shown, caption, badges=(rv.label("band", lang),), lang=lang)
