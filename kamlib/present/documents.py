"""The account documents a KAM takes to a meeting: the internal account brief, the customer-facing QBR page and
the Jahresgespräch pack (annual review with the customer), as print-ready HTML (A4).

Documents are not notebooks: each is a view model (a dict of strings already formatted in ``lang``, text from
the catalogue ``kamlib/i18n/catalogue/documents.toml``) laid out by a Jinja2 template
(``templates/doc_*.html.j2``, autoescaped through :func:`kamlib.present.pages.render`) with a print stylesheet
(``_doc_print.css.j2``: ``@page`` A4, page breaks between sections, rows and charts never cut). Everything is
inline: no script, font or image from anywhere else.

The figures come from the KAM cycle (:mod:`kamlib.profile`, :mod:`kamlib.review`), computed once per account
(:func:`prepare`) and rendered in each language.

**The whitelist rule.** The two customer-facing documents are built from :class:`CustomerFacts` only, which
:func:`customer_facts` fills from :data:`CUSTOMER_FIELDS`: named columns of named tables and the customer-facing
sections of the account plan. Margins, cost of goods, cost to serve, margin targets, the health score and its
findings, contact assessments (attitude, influence, buying role), the internal plan sections (objective,
strategy, USP), the actions (written for us: "win a second contact in purchasing") and any note column never
reach them, because they are never handed over. Projects the customer sees are the agreed goals achieved.

Examples
--------
>>> document_name("qbr", "de", period="2025Q4"), document_name("annual", "en", year=2025)
('qbr_2025Q4.de.html', 'annual_2025.en.html')
>>> document_name("brief", "en")
'brief.en.html'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kamlib import i18n, profile, review
from kamlib.data import schemas
from kamlib.defaults import TARGET_RULES  # noqa: F401 (re-exported for the tests)
from kamlib.errors import KamParameterError
from kamlib.present import pages

KINDS = ("brief", "qbr", "annual")
#: Which documents may be handed to the customer (built from :class:`CustomerFacts` only).
CUSTOMER_KINDS = ("qbr", "annual")

CUSTOMER_SECTIONS = schemas.PLAN_CUSTOMER_SECTIONS
INTERNAL_SECTIONS = ("objective", "strategy", "usp")

#: The whitelist: the only tables and columns a customer-facing document is built from (rows of the account).
CUSTOMER_FIELDS: dict[str, tuple[str, ...]] = {
    "orders": ("order_id", "date", "product_id", "quantity", "gross_revenue_eur"),
    "products": ("product_id", "product_line"),
    "complaints": ("complaint_id", "opened", "closed", "category"),
    "targets": ("period", "revenue_target_eur"),
    "account_plans": ("section", "text", "owner_ours", "owner_customer", "due", "status", "result"),
}

#: Proposal for next year's revenue target (:data:`kamlib.defaults.TARGET_RULES`): the year's trend is continued,
#: limited to this change either way ...
TREND_CAP = float(TARGET_RULES["trend_cap"])
#: ... plus a share of the expected value of this many of the best open opportunities (whitespace).
TOP_OPPORTUNITIES = int(TARGET_RULES["top"])
#: Rows at most per table of a document (the QBR page must stay one A4 page, the brief two).
MAX_ROWS = {
    "contacts": 8,
    "opportunities": 5,
    "actions": 5,
    "gaps": 4,
    "risks": 5,
    "plan": 3,
    "goals": 4,
    "lines": 5,
    "issues": 3,
    "team": 4,
}
#: Characters at most of a goal's text and result on the customer pages (longer ones end in '…').
MAX_CHARS = {"goal": 90, "result": 80}

#: Columns of the agreed goals a customer page shows (:attr:`CustomerFacts.goals`): the plan columns of the
#: whitelist and ``overdue`` (:func:`kamlib.review.plan_progress`: due before the period's end, not done or dropped).
GOAL_COLUMNS = (*CUSTOMER_FIELDS["account_plans"], "overdue")


# --------------------------------------------------------------------------- names and periods


def document_name(kind: str, lang: str, *, period: str | None = None, year: int | None = None) -> str:
    """The file name of a document in the account's folder (contract: brief.<lang>.html, qbr_<period>.<lang>.html,
    annual_<year>.<lang>.html)."""
    i18n.check_lang(lang)
    if kind == "brief":
        return f"brief.{lang}.html"
    if kind == "qbr":
        if not period or not review.QUARTER_PATTERN.match(str(period)):
            raise ValueError(f"a QBR page needs a quarter such as 2025Q4, not {period!r}")
        return f"qbr_{period}.{lang}.html"
    if kind == "annual":
        if year is None or not 1900 <= int(year) <= 2999:
            raise ValueError(f"a Jahresgespräch pack needs a year, not {year!r}")
        return f"annual_{int(year)}.{lang}.html"
    raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")


def annual_year(as_of: str | pd.Timestamp) -> int:
    """The year of the Jahresgespräch: the last calendar year that has ended by ``as_of``.

    Examples
    --------
    >>> annual_year("2025-12-31"), annual_year("2025-12-30"), annual_year("2026-03-01")
    (2025, 2024, 2025)
    """
    ts = pd.Timestamp(as_of).normalize()
    return ts.year if (ts.month, ts.day) == (12, 31) else ts.year - 1


def _t(section: str, key: str, lang: str, **values: object) -> str:
    return i18n.pick(i18n.table(f"documents.{section}")[key], lang).format(**values)


def plans_of(data) -> pd.DataFrame:
    """The ``account_plans`` table of ``data``; an empty frame with its columns (the data model's) when ``data``
    has no such attribute (hand-made data of the tests)."""
    plans = getattr(data, "account_plans", None)
    return schemas.empty_frame("account_plans") if plans is None else plans


# --------------------------------------------------------------------------- the target proposal


def _round_toward(raw: float, base: float, low: float, high: float) -> float:
    """``raw`` rounded half up to whole thousands (below 10,000: whole euros), kept on ``raw``'s side of ``base``
    (rounding never turns a rise into a fall or the reverse) and within ``[low, high]``."""
    step = 1000.0 if raw >= 10_000 else 1.0
    cents, base = round(raw, 2), round(base, 2)  # 370,000 x 1.15 is 425,499.999... in floating point
    out = float(math.floor(cents / step + 0.5) * step)
    if cents > base and out <= base:
        out = math.floor(base / step) * step + step
    elif cents < base and out >= base:
        out = math.ceil(base / step) * step - step
    elif cents == base:
        return float(base)  # no change: this year's revenue itself (rounding would make it a change)
    if out > high:
        out = math.floor(high / step) * step
    if out < low:
        out = math.ceil(low / step) * step
    return float(out)


def propose_targets(
    revenue: float,
    revenue_before: float,
    opportunities: pd.DataFrame,
    *,
    rules: dict | None = None,
) -> dict:
    """Next year's revenue target under :data:`kamlib.defaults.TARGET_RULES` (``rules`` overrides single values):

    1. the trend: this year's revenue moved on by its change on the year before, limited to ``±trend_cap``;
    2. plus ``opportunity_share`` of the expected value (open potential x win probability) of the ``top`` best open
       opportunities;
    3. the total change limited to ``+max_growth`` (the trend alone already keeps it above ``-trend_cap``);
    4. rounded half up to whole thousand EUR (below 10,000 EUR to whole euros), but never across this year's
       revenue (a rise stays a rise, a fall a fall) nor out of ``[-trend_cap, +max_growth]``.

    ``opportunities`` has columns product_line, gap_eur and win_probability, best first
    (:attr:`kamlib.profile.AccountProfile.opportunities`).

    Returns a dict: growth (the measured change, NaN without a year before), applied (the change used), cap,
    opportunity_share, max_growth, trend_eur, expected_eur (the opportunities' expected value), extra_eur (the
    share counted), share (expected / their open potential), lines (their product lines), capped (the limit
    applied), proposal (rounded) and change (proposal against this year's revenue).

    Examples
    --------
    >>> opp = pd.DataFrame({"product_line": ["A", "B"], "gap_eur": [100_000.0, 50_000.0],
    ...                     "win_probability": [0.2, 0.4]})
    >>> p = propose_targets(1_000_000, 800_000, opp)
    >>> p["applied"], p["trend_eur"], p["expected_eur"], p["extra_eur"], p["proposal"]
    (0.15, 1150000.0, 40000.0, 10000.0, 1160000.0)
    """
    r = {**TARGET_RULES, **(rules or {})}
    cap, share_counted, max_growth, top = (
        float(r["trend_cap"]),
        float(r["opportunity_share"]),
        float(r["max_growth"]),
        int(r["top"]),
    )
    growth = revenue / revenue_before - 1.0 if revenue_before > 0 else float("nan")
    applied = 0.0 if math.isnan(growth) else min(max(growth, -cap), cap)
    trend_eur = revenue * (1.0 + applied)
    opp = opportunities.head(top) if top > 0 else opportunities.iloc[0:0]
    gaps = pd.to_numeric(opp["gap_eur"], errors="coerce").fillna(0.0)
    expected = float((gaps * pd.to_numeric(opp["win_probability"], errors="coerce").fillna(0.0)).sum())
    extra = share_counted * expected
    total_gap = float(gaps.sum())
    raw = trend_eur + extra
    high, low = revenue * (1.0 + max_growth), revenue * (1.0 - cap)
    capped = revenue > 0 and raw > high
    if capped:
        raw = high
    proposal = _round_toward(raw, revenue, low, high) if revenue > 0 else float(round(raw))
    return {
        "growth": growth,
        "applied": applied,
        "cap": cap,
        "opportunity_share": share_counted,
        "max_growth": max_growth,
        "trend_eur": trend_eur,
        "expected_eur": expected,
        "extra_eur": extra,
        "share": expected / total_gap if total_gap > 0 else float("nan"),
        "lines": list(dict.fromkeys(str(x) for x in opp["product_line"])),
        "capped": bool(capped),
        "proposal": proposal,
        "change": proposal / revenue - 1.0 if revenue > 0 else float("nan"),
    }


# --------------------------------------------------------------------------- facts: computed once per account


@dataclass(frozen=True)
class CustomerFacts:
    """Everything a customer-facing document may show, and nothing else (see :data:`CUSTOMER_FIELDS`)."""

    account_id: str
    name: str
    as_of: pd.Timestamp
    period: str
    year: int
    tables: dict[str, pd.DataFrame]
    plan_eur: float  # our revenue plan of ``year``: the sum over the quarters that have one (NaN: none)
    plan_revenue_eur: float  # the revenue of just those quarters (what the plan is compared with)
    plan_quarters: tuple[str, ...]  # the quarters of ``year`` with a revenue plan, e.g. ("2025Q1", "2025Q3")
    proposal: dict
    #: the agreed goals with ``overdue`` (:data:`GOAL_COLUMNS`) at the end of the QBR quarter ("qbr") and of the
    #: Jahresgespräch year ("annual")
    goals: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: tables of :data:`CUSTOMER_FIELDS` the source did not contain (a missing table is not an empty one: no
    #: complaints table says nothing about complaints, so the customer pages leave that section out)
    missing: frozenset[str] = frozenset()


def recorded(data, table: str) -> bool:
    """Whether the source contained ``table`` at all (possibly with no rows): :attr:`KamData.available`."""
    available = getattr(data, "available", None)
    if table == "account_plans" and getattr(data, "account_plans", None) is None:
        return False
    return True if available is None else table in available


def _rows(data, table: str, account_id: str) -> pd.DataFrame:
    frame = plans_of(data) if table == "account_plans" else getattr(data, table)
    if "account_id" in frame.columns:
        frame = frame[frame["account_id"] == account_id]
    cols = [c for c in CUSTOMER_FIELDS[table] if c in frame.columns]
    out = frame[cols].reset_index(drop=True).copy()
    for c in CUSTOMER_FIELDS[table]:
        if c not in out.columns:
            out[c] = pd.Series([None] * len(out), dtype="object")
    return out


def agreed_goals(data, account_id: str, period: str) -> pd.DataFrame:
    """The account's agreed goals as the customer may see them (:data:`GOAL_COLUMNS`), ``overdue`` at the end of
    ``period`` (:func:`kamlib.review.plan_progress`); empty without an account plan or any data for ``period``."""
    try:
        progress = review.plan_progress(data, account_id, period, sections=("agreed_goal",))
    except (KamParameterError, AttributeError, KeyError):
        progress = pd.DataFrame(columns=list(GOAL_COLUMNS))
    out = progress.reset_index(drop=True)
    for c in GOAL_COLUMNS:
        if c not in out.columns:
            out[c] = pd.Series([None] * len(out), dtype="object")
    return out[list(GOAL_COLUMNS)].assign(overdue=out["overdue"].fillna(False).astype(bool))


def customer_facts(
    data, account_id: str, *, period: str | None = None, year: int | None = None, prof=None
) -> CustomerFacts:
    """The whitelisted facts of one account for the QBR page of ``period`` (default: the last complete quarter)
    and the Jahresgespräch pack of ``year`` (default: :func:`annual_year`). ``prof``: the account's profile if
    already built (for the open opportunities)."""
    period = str(period or review.last_complete_quarter(data.as_of))
    year = int(year or annual_year(data.as_of))
    tables = {t: _rows(data, t, account_id) for t in CUSTOMER_FIELDS}
    plans = tables["account_plans"]
    tables["account_plans"] = plans[plans["section"].isin(CUSTOMER_SECTIONS)].reset_index(drop=True)
    quarters = [pd.Period(f"{year}Q{i}", freq="Q") for i in range(1, 5)]
    targets = {q: review.quarter_target(data, account_id, q)[0] for q in quarters}
    known = {q: x for q, x in targets.items() if not math.isnan(x)}
    o = tables["orders"]
    years = pd.to_datetime(o["date"]).dt.year
    # the plan is compared with the revenue of the quarters that have one (as notebook 04 does), not the whole year
    in_planned = pd.to_datetime(o["date"]).dt.to_period("Q").isin(list(known))
    plan_revenue = float(o.loc[in_planned, "gross_revenue_eur"].sum())
    rev = float(o.loc[years == year, "gross_revenue_eur"].sum())
    rev_before = float(o.loc[years == year - 1, "gross_revenue_eur"].sum())
    prof = prof or profile.build_profile(data, account_id, as_of=data.as_of)
    proposal = propose_targets(rev, rev_before, prof.opportunities)
    proposal.update(revenue=rev, revenue_before=rev_before)
    name = str(data.accounts.set_index("account_id").loc[account_id, "name"])
    return CustomerFacts(
        account_id=account_id,
        name=name,
        as_of=data.as_of,
        period=period,
        year=year,
        tables=tables,
        plan_eur=float(sum(known.values())) if known else float("nan"),
        plan_revenue_eur=plan_revenue if known else float("nan"),
        plan_quarters=tuple(str(q) for q in known),
        proposal=proposal,
        goals={"qbr": agreed_goals(data, account_id, period), "annual": agreed_goals(data, account_id, f"{year}Q4")},
        missing=frozenset(t for t in CUSTOMER_FIELDS if not recorded(data, t)),
    )


@dataclass
class Prepared:
    """One account's figures, computed once and rendered in each language (:func:`render_all`)."""

    data: Any  # KamData
    account_id: str
    period: str
    year: int
    customer: CustomerFacts
    health: pd.DataFrame | None
    findings: pd.DataFrame | None
    profiles: dict[str, profile.AccountProfile] = field(default_factory=dict)

    def profile(self, lang: str) -> profile.AccountProfile:
        if lang not in self.profiles:
            self.profiles[lang] = profile.build_profile(self.data, self.account_id, as_of=self.data.as_of, lang=lang)
        return self.profiles[lang]


def prepare(data, account_id: str, *, period: str | None = None, year: int | None = None) -> Prepared:
    """Compute what the three documents of one account show (the profile, the health score and its findings,
    the customer facts), once for every language."""
    period = str(period or review.last_complete_quarter(data.as_of))
    prof = profile.build_profile(data, account_id, as_of=data.as_of, lang="en")
    try:
        health = review.health_score(data, account_id, period)
        findings = review.health_findings(data, account_id, period)
    except KamParameterError:  # no orders and no target in the quarter: no health score to show
        health, findings = None, None
    facts = customer_facts(data, account_id, period=period, year=year, prof=prof)
    return Prepared(data, account_id, period, facts.year, facts, health, findings, {"en": prof})


# --------------------------------------------------------------------------- small formatters


def _money(v: object, lang: str) -> str:
    return "–" if i18n.missing(v) else i18n.money(float(v), lang, 0)  # type: ignore[arg-type]


def _pct(v: object, lang: str, signed: bool = False, decimals: int = 1) -> str:
    if i18n.missing(v) or not math.isfinite(float(v)):  # type: ignore[arg-type]
        return "–"
    return i18n.percent(float(v), lang, decimals, signed=signed)  # type: ignore[arg-type]


def _int(v: object, lang: str) -> str:
    return "–" if i18n.missing(v) else i18n.number(float(v), lang, 0)  # type: ignore[arg-type]


def _text(v: object) -> str:
    return "–" if i18n.missing(v) or not str(v).strip() else str(v)


def _goal_status(code: object, lang: str, *, overdue: bool = False, due: object = None) -> str:
    """A goal's status in words; a goal past its due date and not closed is 'overdue since <due>' whatever its
    recorded status says (a missed one stays 'not achieved')."""
    if overdue and str(code) != "missed":
        return _t("goal_status", "overdue_since", lang, date=i18n.date(due, lang))
    pairs = i18n.table("documents.goal_status")
    return i18n.pick(pairs[str(code)], lang) if str(code) in pairs else _text(code)


def _owners(row: pd.Series) -> str:
    return " / ".join(_text(row.get(c)) for c in ("owner_ours", "owner_customer"))


def _bars(values: list[tuple[str, float]], lang: str, *, width: int = 640, height: int = 150) -> dict:
    """An inline SVG bar chart as data for the template macro (bars scaled to the largest value)."""
    top = max([v for _, v in values if math.isfinite(v)] + [0.0])
    n = max(len(values), 1)
    slot = width / n
    bars = []
    for i, (label, v) in enumerate(values):
        h = 0.0 if top <= 0 or not math.isfinite(v) else (height - 36) * max(v, 0.0) / top
        bars.append(
            {
                "x": round(i * slot + slot * 0.15, 1),
                "w": round(slot * 0.7, 1),
                "y": round(height - 18 - h, 1),
                "h": round(h, 1),
                "label": label,
                "value": i18n.short_amount(v, lang),
                "cx": round(i * slot + slot / 2, 1),
            }
        )
    return {"width": width, "height": height, "bars": bars}


def quarter_text(period: str, lang: str) -> str:
    """A quarter as readers write it: 'Q4 2025' (en), '4. Quartal 2025' (de).

    Examples
    --------
    >>> quarter_text("2025Q4", "en"), quarter_text("2025Q4", "de")
    ('Q4 2025', '4. Quartal 2025')
    """
    q = review.parse_period(period)
    return _t("titles", "quarter", lang, q=q.quarter, year=q.year)


def _header(kind: str, name: str, account_id: str, when: str, as_of: pd.Timestamp, lang: str) -> dict:
    kind_text = _t("titles", kind, lang)
    return {
        "lang": lang,
        "kind": kind,
        "kind_text": kind_text,
        "title": _t("titles", "doc_title", lang, kind=kind_text, name=name, period=when),
        "name": name,
        "account_id": account_id,
        "when": when,
        "as_of": _t("titles", "as_of", lang, date=i18n.date(as_of, lang)),
    }


# --------------------------------------------------------------------------- the brief (internal)


def brief_view(prep: Prepared, lang: str = "en") -> dict:
    """The account brief's view model (internal: may show margins, health and contact assessments)."""
    i18n.check_lang(lang)
    p = prep.profile(lang)
    b, k = p.basics, p.key_figures
    L = {key: i18n.pick(pair, lang) for key, pair in i18n.table("documents.brief").items()}
    who = [
        (L["industry"], _text(b.get("industry"))),
        (L["city"], _text(b.get("city"))),
        (L["since"], i18n.date(b.get("since"), lang)),
        (L["kam"], _text(b.get("kam"))),
        (L["status"], _text(profile.value_label(b.get("account_status"), lang))),
        (L["stage"], _text(profile.value_label(b.get("relationship_stage"), lang))),
    ]
    q = p.quarterly.copy()
    q["year"] = q["quarter"].astype(str).str[:4]
    by_year = q.groupby("year", sort=True)[["gross_revenue_eur", "db1_eur", "revenue_target_eur"]].sum(min_count=1)
    years = [
        [
            str(y),
            _money(r["gross_revenue_eur"], lang),
            _money(r["revenue_target_eur"], lang),
            _money(r["db1_eur"], lang),
            _pct(r["db1_eur"] / r["gross_revenue_eur"] if r["gross_revenue_eur"] > 0 else float("nan"), lang),
        ]
        for y, r in by_year.tail(3).iterrows()
    ]
    quarters = [
        [
            str(r["quarter"]),
            _money(r["gross_revenue_eur"], lang),
            _money(r["revenue_target_eur"], lang),
            _money(r["db1_eur"], lang),
            _pct(r["db1_margin"], lang),
        ]
        for _, r in q.tail(4).iterrows()
    ]
    chart_q = q.tail(8)
    chart = _bars([(str(r["quarter"]), float(r["gross_revenue_eur"])) for _, r in chart_q.iterrows()], lang)
    chart["caption"] = L["revenue_chart"].format(n=len(chart_q))
    trend = L["trend"].format(
        revenue=_money(k["revenue_12m_eur"], lang),
        previous=_money(k["revenue_prev_12m_eur"], lang),
        growth=_pct(k["growth"], lang, signed=True),
        trend=_text(profile.value_label(k["trend"], lang)),
    )
    contacts = p.contacts.sort_values(["influence", "name"], ascending=[False, True], na_position="last")
    contact_rows = [
        [
            _text(c["name"]),
            _text(c["title"]),
            _text(profile.value_label(c["buying_role"], lang)),
            _int(c["influence"], lang),
            _text(profile.value_label(c["attitude"], lang)),
            i18n.date(c["last_interaction"], lang),
        ]
        for _, c in contacts.head(MAX_ROWS["contacts"]).iterrows()
    ]
    gaps = [str(m) for m in p.coverage["message"]][: MAX_ROWS["gaps"]]
    opp_rows = [
        [
            _text(r["product_line"]),
            _text(r["business_unit"]),
            _text(profile.value_label(r["opportunity"], lang)),
            _money(r["gap_eur"], lang),
            _pct(r["win_probability"], lang),
            _money(r["expected_value_eur"], lang),
        ]
        for _, r in p.opportunities.head(MAX_ROWS["opportunities"]).iterrows()
    ]
    risks: list[str] = []
    if prep.findings is not None and len(prep.findings):
        view = review.findings_view(prep.findings, lang)
        risks += [f"{idx}: {row.iloc[-1]}" for idx, row in view.iterrows()]
    # each fact once: a coverage gap stands under "Gaps", not again under the risks
    risks += [str(m) for m in p.findings.loc[p.findings["severity"] == "high", "message"] if str(m) not in gaps]
    oc = p.complaints[p.complaints["open"]] if len(p.complaints) else p.complaints
    if len(oc):
        risks.append(L["open_complaints"].format(n=len(oc), date=i18n.date(oc["opened"].min(), lang)))
    named = int((p.findings["check"] == "overdue_action").sum()) if "check" in p.findings.columns else 0
    if int(k["overdue_actions"] or 0) > named:  # the count only when the findings do not name each one already
        risks.append(L["overdue_actions"].format(n=int(k["overdue_actions"])))
    risks = risks[: MAX_ROWS["risks"]]
    action_rows = [
        [
            _text(a["action"]),
            _text(a["goal"]),
            _text(a["owner"]),
            i18n.date(a["due"], lang) + (f" ({L['overdue']})" if bool(a["overdue"]) else ""),
        ]
        for _, a in p.open_actions.head(MAX_ROWS["actions"]).iterrows()
    ]
    health = None
    if prep.health is not None:
        h = prep.health
        total = h.loc["health"]
        health = {
            "line": L["health_line"].format(
                score=_int(total["score"], lang),
                band=review.label(str(total["band"]), lang) if not i18n.missing(total["band"]) else "–",
                previous=_int(total.get("previous"), lang),
            ),
            "band": str(total["band"]) if not i18n.missing(total["band"]) else "",
            "components": " · ".join(
                f"{review.label(str(c), lang)} {_int(r['score'], lang)}"
                for c, r in h.drop(index="health").iterrows()
                if not i18n.missing(r["weight"]) and float(r["weight"]) > 0
            ),
        }
    plans = p.plan  # the plan as of the data date, with ``overdue``
    sections = []
    for sec in ("objective", "strategy", "usp", "customer_goal", "agreed_goal"):
        rows = plans[plans["section"] == sec]
        if sec == "agreed_goal":  # what is still to do (overdue first); the achieved ones are on the QBR page
            rows = rows[~rows["status"].isin([*schemas.PLAN_CLOSED, "missed"])]
            rows = rows.sort_values("overdue", ascending=False, kind="stable")
        if len(rows):
            items = [
                _text(r["text"])
                + (
                    f" ({_text(r.get('owner_ours'))}, "
                    + (
                        _goal_status(r.get("status"), lang, overdue=True, due=r.get("due"))
                        if bool(r.get("overdue", False)) and r.get("status") != "missed"
                        else f"{i18n.date(r.get('due'), lang)}, {_goal_status(r.get('status'), lang)}"
                    )
                    + ")"
                    if sec in ("objective", "agreed_goal")
                    else ""
                )
                for _, r in rows.head(MAX_ROWS["plan"]).iterrows()
            ]
            sections.append({"heading": _t("plan_sections", sec, lang), "items": items})
    return {
        **_header("brief", p.name, p.account_id, i18n.date(p.as_of, lang), p.as_of, lang),
        "internal": _t("titles", "internal", lang),
        "L": L,
        "who": who,
        "years": years,
        "quarters": quarters,
        "chart": chart,
        "trend": trend,
        "contacts": contact_rows,
        "contacts_recorded": recorded(prep.data, "contacts"),  # no table: the gaps cannot be judged
        "gaps": gaps,
        "opportunities": opp_rows,
        "risks": risks,
        "actions": action_rows,
        "health": health,
        "health_heading": L["health"].format(period=quarter_text(prep.period, lang)),
        "plan": sections,
        "notes": [str(n) for n in p.notes.values()],  # what the company's data cannot show for this account
    }


# --------------------------------------------------------------------------- customer-facing documents


def _in_period(dates: pd.Series, period: pd.Period) -> pd.Series:
    d = pd.to_datetime(dates, errors="coerce")
    return (d >= period.start_time) & (d <= period.end_time)


def _category(code: object, lang: str) -> str:
    pairs = i18n.table("documents.complaint_category")
    return i18n.pick(pairs[str(code)], lang) if str(code) in pairs else _text(code)


def clip(text: str, n: int) -> str:
    """``text`` cut to at most ``n`` characters at a word boundary, with '…' (a one-page document stays one page).

    Examples
    --------
    >>> clip("Lieferzeit Getriebe unter 10 Tagen", 20), clip("kurz", 20)
    ('Lieferzeit Getriebe…', 'kurz')
    """
    if len(text) <= n:
        return text
    cut = text[: n - 1]
    if text[n - 1] != " " and " " in cut:  # the cut falls inside a word: drop that word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def _goal_rows(goals: pd.DataFrame, lang: str, *, result: bool = True) -> list[dict]:
    out = []
    for _, r in goals.head(MAX_ROWS["goals"]).iterrows():
        row = [
            clip(_text(r["text"]), MAX_CHARS["goal"]),
            _owners(r),
            i18n.date(r["due"], lang),
            _goal_status(r["status"], lang, overdue=bool(r.get("overdue", False)), due=r["due"]),
        ]
        # the result goes under the goal (its own column would make every row three lines high)
        out.append({"cells": row, "result": clip(_text(r["result"]), MAX_CHARS["result"]) if result else ""})
    return out


def _lines(facts: CustomerFacts, lang: str) -> pd.DataFrame:
    """The account's orders with ``line``: the product line from the products table; without a products table one
    line 'All products' (a product id alone means nothing to a reader); a product the table lacks: '–'."""
    o = facts.tables["orders"]
    if "products" in facts.missing:
        return o.assign(line=_t("titles", "all_products", lang), date=pd.to_datetime(o["date"]))
    lines = facts.tables["products"].set_index("product_id")["product_line"]
    line = o["product_id"].map(lines).astype("object").where(lambda x: x.notna(), "–")  # no product line: '–'
    return o.assign(line=line, date=pd.to_datetime(o["date"]))


def _open_issues(facts: CustomerFacts, end: pd.Timestamp, lang: str) -> list[list[str]]:
    c = facts.tables["complaints"]
    opened, closed = pd.to_datetime(c["opened"]), pd.to_datetime(c["closed"])
    still = c[(opened <= end) & (closed.isna() | (closed > end))]
    solution = _t("qbr", "solution_text", lang)
    rows = []
    for cat, g in still.groupby("category", sort=True):
        rows.append([_category(cat, lang), _int(len(g), lang), i18n.date(pd.to_datetime(g["opened"]).min(), lang)])
    rows.sort(key=lambda r: r[0])
    return [r + [solution] for r in rows[: MAX_ROWS["issues"]]]


def qbr_view(facts: CustomerFacts, lang: str = "en") -> dict:
    """The QBR page's view model, from the whitelisted :class:`CustomerFacts` only."""
    if not isinstance(facts, CustomerFacts):
        raise TypeError("the QBR page is built from CustomerFacts only (the whitelist), not from the data")
    i18n.check_lang(lang)
    q = review.parse_period(facts.period)
    L = {key: i18n.pick(pair, lang) for key, pair in i18n.table("documents.qbr").items()}
    plans = facts.tables["account_plans"]
    agreed = facts.goals["qbr"]
    due = pd.to_datetime(agreed["due"], errors="coerce")
    # due in the quarter, or due before it and still not closed (overdue; a missed one was reported before)
    this_q = agreed[
        _in_period(agreed["due"], q) | ((due < q.start_time) & agreed["overdue"] & (agreed["status"] != "missed"))
    ]
    next_q = agreed[_in_period(agreed["due"], q + 1)]
    o = _lines(facts, lang)
    now, before = o[_in_period(o["date"], q)], o[_in_period(o["date"], q - 4)]
    qty_before = before.groupby("line")["quantity"].sum()
    value_rows = [
        [
            str(line),
            _int(g["order_id"].nunique(), lang),
            _int(g["quantity"].sum(), lang),
            _int(qty_before.get(line, 0), lang),
        ]
        for line, g in sorted(now.groupby("line"), key=lambda x: -float(x[1]["quantity"].sum()))
    ][: MAX_ROWS["lines"]]
    c = facts.tables["complaints"]
    closed = c[_in_period(c["closed"], q)]
    complaints = "complaints" not in facts.missing  # no complaints table: no service line, no issues section
    if not complaints:
        service = ""
    elif len(closed):
        days = (pd.to_datetime(closed["closed"]) - pd.to_datetime(closed["opened"])).dt.days.mean()
        service = L["service"].format(n=len(closed), days=i18n.number(float(days), lang, 1))
    else:
        service = L["no_service"]
    team = [
        {
            "heading": _t("plan_sections", sec, lang),
            "items": [_text(x) for x in plans.loc[plans["section"] == sec, "text"]][: MAX_ROWS["team"]],
        }
        for sec in ("team_customer", "team_ours")
        if (plans["section"] == sec).any()
    ]
    return {
        **_header("qbr", facts.name, facts.account_id, quarter_text(str(q), lang), facts.as_of, lang),
        "prepared_for": _t("titles", "prepared_for", lang, name=facts.name),
        "L": L,
        "achieved": _goal_rows(this_q, lang),
        "value_heading": L["value"].format(period=quarter_text(str(q), lang)),
        "value": value_rows,
        "service": service,
        "issues": _open_issues(facts, q.end_time, lang) if complaints else [],
        "show_issues": complaints,
        "next_heading": L["next"].format(period=quarter_text(str(q + 1), lang)),
        "next": _goal_rows(next_q, lang, result=False),
        "team": team,
    }


def annual_view(facts: CustomerFacts, lang: str = "en") -> dict:
    """The Jahresgespräch pack's view model, from the whitelisted :class:`CustomerFacts` only."""
    if not isinstance(facts, CustomerFacts):
        raise TypeError("the Jahresgespräch pack is built from CustomerFacts only (the whitelist), not from the data")
    i18n.check_lang(lang)
    year = facts.year
    L = {key: i18n.pick(pair, lang) for key, pair in i18n.table("documents.annual").items()}
    o = _lines(facts, lang)
    yr = o["date"].dt.year
    cur, prev = o[yr == year], o[yr == year - 1]
    lines = sorted(set(cur["line"]) | set(prev["line"]))

    def fig(frame: pd.DataFrame, line: str | None, col: str) -> float:
        f = frame if line is None else frame[frame["line"] == line]
        return float(f[col].sum())

    rows = []
    for line in [*lines, None]:
        r1, r0 = fig(cur, line, "gross_revenue_eur"), fig(prev, line, "gross_revenue_eur")
        rows.append(
            {
                "cells": [
                    str(line) if line is not None else L["total"],
                    _money(r1, lang),
                    _money(r0, lang),
                    _pct(r1 / r0 - 1.0 if r0 > 0 else float("nan"), lang, signed=True),
                    _int(fig(cur, line, "quantity"), lang),
                    _int(fig(prev, line, "quantity"), lang),
                ],
                "total": line is None,
            }
        )
    p = facts.proposal
    rev = p["revenue"]
    if math.isnan(facts.plan_eur):
        plan_line = L["no_plan"].format(year=year)
    else:  # our planning, not agreed with the customer; compared with the revenue of the planned quarters only
        planned = (
            str(year)
            if len(facts.plan_quarters) == 4
            else ", ".join(quarter_text(q, lang) for q in facts.plan_quarters)
        )
        actual = facts.plan_revenue_eur
        plan_line = L["plan_line"].format(
            quarters=planned,
            actual=_money(actual, lang),
            target=_money(facts.plan_eur, lang),
            attainment=_pct(actual / facts.plan_eur if facts.plan_eur > 0 else float("nan"), lang),
        )
    plans = facts.tables["account_plans"]
    goals = facts.goals["annual"]
    agreed = goals[_in_period(goals["due"], pd.Period(str(year), freq="Y"))]
    trend_eur = _money(p["trend_eur"], lang)
    if math.isnan(p["growth"]):
        trend = L["assume_no_trend"].format(year=year, trend=trend_eur)
    else:
        trend = L["assume_trend"].format(
            year=year, growth=_pct(p["growth"], lang, signed=True), cap=_pct(p["cap"], lang, False), trend=trend_eur
        )
    if p["lines"] and p["extra_eur"] > 0:
        potential = L["assume_potential"].format(
            lines=", ".join(p["lines"]),
            expected=_money(p["expected_eur"], lang),
            share=_pct(p["share"], lang),
            next=year + 1,
            counted=_pct(p["opportunity_share"], lang, decimals=0),
            extra=_money(p["extra_eur"], lang),
        )
    else:
        potential = L["assume_no_potential"]
    limit = L["assume_limit_applied" if p["capped"] else "assume_limit"].format(
        year=year, max_growth=_pct(p["max_growth"], lang, decimals=0), cap=_pct(p["cap"], lang, decimals=0)
    )
    customer = [
        {
            "heading": _t("annual", sec, lang),  # addressed to the customer: "Ihre Ziele", "Ihre Vorhaben"
            "items": [_text(x) for x in plans.loc[plans["section"] == sec, "text"]],
        }
        for sec in ("customer_goal", "customer_plan")
        if (plans["section"] == sec).any()
    ]
    nxt = year + 1
    return {
        **_header("annual", facts.name, facts.account_id, str(year), facts.as_of, lang),
        "prepared_for": _t("titles", "prepared_for", lang, name=facts.name),
        "L": L,
        "figures_heading": L["figures"].format(year=year),
        "columns": [
            _t("qbr", "line", lang),
            L["revenue"].format(year=year),
            L["revenue"].format(year=year - 1),
            L["change"],
            L["units"].format(year=year),
            L["units"].format(year=year - 1),
        ],
        "figures": rows,
        "plan_line": plan_line,
        "agreed_heading": L["agreed"].format(year=year),
        "agreed": _goal_rows(agreed, lang),
        "no_agreed": L["no_agreed"].format(year=year),
        "customer_plans": customer,
        "proposal_heading": L["proposal"].format(year=nxt),
        "proposal_line": L["proposal_line"].format(
            year=nxt,
            proposal=_money(p["proposal"], lang),
            change=_pct(p["change"], lang, signed=True),
            base=_money(rev, lang),
        ),
        "assumptions": [trend, potential, limit],
        # item 4 (quality, delivery, service) has its section only where complaints are recorded
        "agenda": [
            L[f"agenda_{i}"].format(year=year, next=nxt)
            for i in range(1, 7)
            if i != 4 or "complaints" not in facts.missing
        ],
        "issues_heading": L["agenda_4"],
        "show_issues": "complaints" not in facts.missing,
        "issues": _open_issues(facts, pd.Period(str(year), freq="Y").end_time, lang)
        if "complaints" not in facts.missing
        else [],
        "issue_columns": [_t("qbr", k, lang) for k in ("category", "open_n", "since", "solution")],
        "no_issues": _t("qbr", "no_issues", lang),
        "goal_columns": [
            _t("qbr", "goal", lang),
            _t("qbr", "owners", lang),
            _t("qbr", "due", lang),
            _t("qbr", "status", lang),
        ],
    }


# --------------------------------------------------------------------------- rendering


def render_brief(view: dict) -> str:
    """The account brief as one self-contained HTML page (A4 print stylesheet inline)."""
    return pages.render("doc_brief.html.j2", v=view)


def render_qbr(view: dict) -> str:
    """The QBR page as one self-contained HTML page (one A4 page)."""
    return pages.render("doc_qbr.html.j2", v=view)


def render_annual(view: dict) -> str:
    """The Jahresgespräch pack as one self-contained HTML page (A4)."""
    return pages.render("doc_annual.html.j2", v=view)


def render_document(prep: Prepared, kind: str, lang: str) -> tuple[str, str]:
    """(HTML, title) of document ``kind`` of a prepared account in ``lang``."""
    if kind == "brief":
        view = brief_view(prep, lang)
        return render_brief(view), view["title"]
    if kind == "qbr":
        view = qbr_view(prep.customer, lang)
        return render_qbr(view), view["title"]
    if kind == "annual":
        view = annual_view(prep.customer, lang)
        return render_annual(view), view["title"]
    raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")


def file_name(prep: Prepared, kind: str, lang: str) -> str:
    """The file name of document ``kind`` of a prepared account (:func:`document_name` with its period/year)."""
    if kind == "qbr":
        return document_name(kind, lang, period=prep.period)
    if kind == "annual":
        return document_name(kind, lang, year=prep.year)
    return document_name(kind, lang)
