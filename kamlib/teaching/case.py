"""The Rheinwerk case: the sample company's designed-in stories, found in the data, and the teaching material built
on them (the case booklet and two role-play briefs).

The sample (:mod:`kamlib.data.sample`) was generated to tell stories a trainer can teach with: a big account whose
buying center has no decider, a single-threaded account, a declining key account, profit destroyers, accounts in a
rough patch, newcomers, lost accounts and prospects. :func:`stories` finds each of them *from the data* with
kamlib's own functions (revenue windows, the profile's single-thread rule, the customer contribution margins), never
from stored account ids, so a change of the generator that breaks a story shows up in ``tests/test_case.py``.

* :func:`stories` -- the stories as :class:`Story` (key, accounts, facts);
* :func:`booklet_markdown` / :func:`write_booklet` -- the case booklet (Markdown, HTML, optionally PDF), with
  ``trainer=True`` the trainer's copy that adds the figures expected in the answers (:func:`trainer_notes`);
* :func:`roleplays` / :func:`write_roleplays` -- the briefs for the Quartalsgespräch (QBR) and the Jahresgespräch,
  each with a customer side, a key account manager side and observer notes (printed on separate sheets).

Every sentence a reader sees comes from ``kamlib/i18n/catalogue/case.toml`` (English and German); which fact fills
which placeholder, and in which format, is ``case_fills.toml`` next to this module (:data:`FILLS_FILE`, read by
:func:`fills`; :func:`_say` fills a sentence); numbers are formatted with :mod:`kamlib.i18n`. Customer text (names, titles) is escaped for Markdown here and for HTML by the
templates' autoescaping.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kamlib import i18n, periods, profile, selection, value
from kamlib.data import sample
from kamlib.data.cache import portfolio_memo
from kamlib.data.datafile import _REQUIRED, DataFile, Entry
from kamlib.data.writers import atomic_write_text
from kamlib.present import pdf as pdf_print

#: The stories in the order the booklet tells them.
STORY_KEYS: tuple[str, ...] = (
    "supplier",
    "concentration",
    "kams",
    "model_account",
    "no_decider",
    "single_threaded",
    "declining",
    "profit_destroyers",
    "rough_patch",
    "small_kam_accounts",
    "emerging",
    "newcomer",
    "lost",
    "prospects",
)

#: The modules of the course (notebooks 00-05 and the two workshops), in course order.
MODULES: tuple[str, ...] = ("00", "01", "02", "03", "04", "05", "criteria_workshop", "portfolio_workshop")

#: A key account "declines" when its revenue fell in every 12-month window of the history and by at least this
#: share from the first window to the last.
DECLINE_MIN = 0.25
#: A rough patch: at least this many quarters in a row without a business review (QBR) at an account with a KAM,
#: after its first QBR, and QBRs held again afterwards.
QBR_GAP_MIN = 3
#: An emerging account grew its revenue by at least this share from the previous 12 months to the last 12.
EMERGING_GROWTH = 0.5


@dataclass(frozen=True)
class Story:
    """One designed-in story of the sample: its key, the accounts it is about (most important first), its facts."""

    key: str
    account_ids: tuple[str, ...]
    facts: dict = field(default_factory=dict)


# =========================================================================== finding the stories


def _windows(data) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The 12-month windows ending at the data date, oldest first, that the order history covers (11 months at least)."""
    as_of = pd.Timestamp(data.as_of).normalize()
    first = pd.Timestamp(data.orders["date"].min()).normalize()
    out = []
    for back in range(50):
        start, end = periods.trailing_months(as_of, 12, back=back)
        if (end - first).days < 330:
            break
        out.append((start, end))
    return out[::-1]


class _Context:
    """What several stories share: revenue per 12-month window, accounts with a KAM, names."""

    def __init__(self, data) -> None:
        self.data = data
        self.as_of = pd.Timestamp(data.as_of).normalize()
        self.windows = _windows(data)
        acc = data.accounts.assign(account_id=data.accounts["account_id"].astype(str))
        self.accounts = acc.set_index("account_id")
        self.names = self.accounts["name"].astype(str)
        self.yearly = pd.DataFrame(
            {
                i: selection.account_revenue(data.orders, start=s, end=e, accounts=acc).reindex(acc["account_id"])
                for i, (s, e) in enumerate(self.windows)
            }
        )
        self.current = selection.account_revenue(
            data.orders, start=self.windows[-1][0], end=self.windows[-1][1], accounts=acc
        )
        self.rank = pd.Series(range(1, len(self.current) + 1), index=self.current.index)
        kam = self.accounts["kam_id"]
        self.kam_accounts = [a for a in self.current.index if isinstance(kam.get(a), str) and kam.get(a)]
        kams = data.kams.assign(kam_id=data.kams["kam_id"].astype(str)).set_index("kam_id")
        self.kam_names = kams["name"].astype(str)

    def kam_of(self, account_id: str) -> str | None:
        kam = self.accounts.at[account_id, "kam_id"]
        return str(self.kam_names.get(kam, kam)) if isinstance(kam, str) else None

    def window_label(self, i: int) -> str:
        s, e = self.windows[i]
        return f"{s.date().isoformat()}/{e.date().isoformat()}"

    def base(self, account_id: str) -> dict:
        """The facts every account story names: name, revenue of the last 12 months and its rank, KAM."""
        return {
            "account_id": account_id,
            "name": str(self.names[account_id]),
            "revenue": float(self.current[account_id]),
            "revenue_rank": int(self.rank[account_id]),
            "kam": self.kam_of(account_id),
            "industry": str(self.accounts.at[account_id, "industry"]),
            "city": str(self.accounts.at[account_id, "city"]),
        }


def _supplier(ctx: _Context) -> Story:
    data = ctx.data
    acc = ctx.accounts
    products = data.products
    lines = products.groupby("product_line", sort=False).size()
    industries = acc["industry"].value_counts()
    countries = acc["country"].value_counts()
    dach = float(countries.reindex(["DE", "AT", "CH"]).fillna(0).sum() / len(acc))
    net = selection.account_revenue(data.orders, start=ctx.windows[-1][0], end=ctx.windows[-1][1], measure="net").sum()
    return Story(
        "supplier",
        (),
        {
            "company": sample.COMPANY,
            "as_of": ctx.as_of.date().isoformat(),
            "accounts": len(acc),
            "active": int((acc["status"] == "active").sum()),
            "product_lines": [(str(k), int(v)) for k, v in lines.items()],
            "products": len(products),
            "industries": [(str(k), int(v)) for k, v in industries.items()],
            "countries": len(countries),
            "dach_share": dach,
            "revenue": float(ctx.current.sum()),
            "net_revenue": float(net),
            "years": len(ctx.windows),
        },
    )


def revenue_whole(data) -> pd.Series:
    """Revenue per customer over the whole order history, as notebook 00 computes it: every customer with an
    order (customers that never ordered are not in the base)."""
    return selection.account_revenue(data.orders)


def revenue_12m(data) -> pd.Series:
    """Revenue per customer in the last twelve months, as notebook 01 computes it: the twelve months up to the
    data date, every customer with an order in them."""
    as_of = pd.Timestamp(data.as_of)
    return selection.account_revenue(
        data.orders, start=as_of - pd.DateOffset(years=1) + pd.Timedelta(days=1), end=as_of
    )


def _concentration(ctx: _Context) -> Story:
    whole, current = revenue_whole(ctx.data), revenue_12m(ctx.data)
    n_top = math.ceil(0.2 * len(whole))
    return Story(
        "concentration",
        tuple(whole.index[:n_top]),
        {
            "share": float(selection.top_share(whole, fraction=0.2)),
            "share_current": float(selection.top_share(current, fraction=0.2)),
            "n_top": n_top,
            "accounts": len(whole),
            "n_top_current": math.ceil(0.2 * len(current)),
            "accounts_current": len(current),
            "gini": float(selection.gini(whole)),
            "revenue": float(whole.sum()),
        },
    )


def _kams(ctx: _Context) -> Story:
    rows = []
    for kam in ctx.data.kams.itertuples(index=False):
        mine = [a for a in ctx.kam_accounts if ctx.accounts.at[a, "kam_id"] == kam.kam_id]
        rows.append(
            {
                "kam_id": str(kam.kam_id),
                "name": str(kam.name),
                "level": str(kam.level),
                "capacity": int(kam.capacity),
                "accounts": mine,
                "account_names": [str(ctx.names[a]) for a in mine],
                "revenue": float(ctx.current.reindex(mine).sum()),
            }
        )
    key = key_accounts(ctx.data)
    current = revenue_12m(ctx.data)
    return Story(
        "kams",
        tuple(ctx.kam_accounts),
        {
            "kams": rows,
            "n": len(rows),
            "accounts": len(ctx.kam_accounts),
            "revenue_share": float(ctx.current.reindex(ctx.kam_accounts).sum() / ctx.current.sum()),
            "key_accounts": len(key),
            "key_share": float(current.reindex(key).fillna(0).sum() / current.sum()),
            "key_with_kam": len(set(key) & set(ctx.kam_accounts)),
            "kam_not_key": len(set(ctx.kam_accounts) - set(key)),
        },
    )


def key_accounts(data) -> list[str]:
    """The key accounts as notebook 01 decides them (:func:`kamlib.decision.decide` with the workbook's default
    selection): the definitive list."""
    from kamlib import decision

    sel = decision.decide(data).selection
    return [str(i) for i in sel.definitive.index]


def _with_account(frame: pd.DataFrame, account_id: str) -> pd.DataFrame:
    if "account_id" not in frame:
        return frame.iloc[0:0]
    return frame[frame["account_id"].astype(str) == account_id]


def _model_account(ctx: _Context) -> Story:
    a = str(ctx.current.index[0])
    data = ctx.data
    with_rows = [t for t, df in data.tables().items() if "account_id" in df and len(_with_account(df, a))]
    account_tables = [t for t, df in data.tables().items() if "account_id" in df and len(df)]
    complaints = _with_account(data.complaints, a)
    actions = _with_account(data.actions, a)
    overdue = profile.overdue(actions, as_of=ctx.as_of) if len(actions) else pd.Series(dtype=bool)
    goals = _with_account(data.account_plans, a)
    goals = goals[goals["section"] == "agreed_goal"]
    due = goals[goals["due"] <= ctx.as_of]
    return Story(
        "model_account",
        (a,),
        {
            **ctx.base(a),
            "share": float(ctx.current[a] / ctx.current.sum()),
            "tables": len(with_rows),
            "account_tables": len(account_tables),
            "open_complaints": int(complaints["closed"].isna().sum()),
            "overdue_actions": int(overdue.sum()),
            "goals_due": len(due),
            "goals_done": int((due["status"] == "done").sum()),
        },
    )


def _no_decider(ctx: _Context) -> Story:
    c = ctx.data.contacts.assign(account_id=ctx.data.contacts["account_id"].astype(str))
    has = c.groupby("account_id")["buying_role"].agg(lambda s: bool((s == "decider").any()))
    without = [a for a in ctx.current.index if a in has.index and not has[a]]
    if not without:
        return Story("no_decider", (), {})
    a = without[0]
    mine = c[c["account_id"] == a].sort_values(["influence", "contact_id"], ascending=[False, True], kind="stable")
    top = mine.iloc[0]
    return Story(
        "no_decider",
        tuple(without),
        {
            **ctx.base(a),
            "contacts": len(mine),
            "roles": sorted(str(r) for r in mine["buying_role"].unique()),
            "top_contact": str(top["name"]),
            "top_title": str(top["title"]),
            "top_role": str(top["buying_role"]),
            "top_influence": int(top["influence"]),
            "others": len(without) - 1,
        },
    )


def _single_threaded(ctx: _Context) -> Story:
    start, end = ctx.windows[-1]
    it = ctx.data.interactions
    it = it[(it["date"] >= start) & (it["date"] <= end) & it["contact_id"].notna()]
    it = it.assign(account_id=it["account_id"].astype(str), contact_id=it["contact_id"].astype(str))
    c = ctx.data.contacts.assign(account_id=ctx.data.contacts["account_id"].astype(str))
    found = []
    for a in ctx.kam_accounts:
        n_contacts = int((c["account_id"] == a).sum())
        if n_contacts == 0:
            continue
        counts = it.loc[it["account_id"] == a, "contact_id"].value_counts()
        flag, top, share = profile.single_threaded(counts, contacts=n_contacts)
        if flag and top is not None:
            found.append((a, top, share, n_contacts, int(counts.sum())))
    if not found:
        return Story("single_threaded", (), {})
    a, top, share, n_contacts, n_int = found[0]
    person = c[c["contact_id"].astype(str) == top].iloc[0]
    return Story(
        "single_threaded",
        tuple(f[0] for f in found),
        {
            **ctx.base(a),
            "contact": str(person["name"]),
            "title": str(person["title"]),
            "role": str(person["buying_role"]),
            "share": float(share),
            "contacts": n_contacts,
            "interactions": n_int,
        },
    )


def _qbr_quarters(ctx: _Context, account_id: str) -> tuple[list[pd.Period], set[pd.Period]]:
    it = ctx.data.interactions
    mine = it[(it["account_id"].astype(str) == account_id) & (it["type"] == "qbr")]
    held = set(mine["date"].dt.to_period("Q"))
    quarters = list(pd.period_range(ctx.windows[0][0], ctx.as_of, freq="Q"))
    return quarters, held


def _declining(ctx: _Context) -> Story:
    y = ctx.yearly.reindex(ctx.kam_accounts)
    if y.shape[1] < 2:
        return Story("declining", (), {})
    falling = (y.diff(axis=1).iloc[:, 1:] < 0).all(axis=1) & (y.iloc[:, -1] <= (1 - DECLINE_MIN) * y.iloc[:, 0])
    cands = y.loc[falling].iloc[:, 0].sort_values(ascending=False, kind="stable")
    if cands.empty:
        return Story("declining", (), {})
    a = str(cands.index[0])
    data = ctx.data
    first_rank = list(
        selection.account_revenue(
            data.orders, start=ctx.windows[0][0], end=ctx.windows[0][1], accounts=data.accounts
        ).index
    ).index(a)
    c = _with_account(data.contacts, a)
    deciders = c[c["buying_role"] == "decider"]
    comp = _with_account(data.complaints, a)
    open_severe = comp[comp["closed"].isna() & comp["severity"].isin(["high", "critical"])]
    quarters, held = _qbr_quarters(ctx, a)
    last4 = quarters[-4:]
    plan = _with_account(data.account_plans, a)
    goals = plan[plan["section"] == "agreed_goal"]
    reviewed = plan["updated_on"].max() if len(plan) else pd.NaT
    rev = [float(v) for v in y.loc[[a]].to_numpy(dtype=float)[0]]
    return Story(
        "declining",
        tuple(str(i) for i in cands.index),
        {
            **ctx.base(a),
            "revenues": rev,
            "windows": [ctx.window_label(i) for i in range(len(rev))],
            "years": [ctx.windows[i][1].year for i in range(len(rev))],
            "fall": rev[-1] / rev[0] - 1,
            "rank_then": int(first_rank) + 1,
            "decider": str(deciders.iloc[0]["name"]) if len(deciders) else None,
            "decider_title": str(deciders.iloc[0]["title"]) if len(deciders) else None,
            "decider_attitude": str(deciders.iloc[0]["attitude"]) if len(deciders) else None,
            "qbrs_last_year": sum(1 for q in last4 if q in held),
            "qbrs_history": sum(1 for q in quarters if q in held),
            "quarters": len(quarters),
            "open_severe": len(open_severe),
            "oldest_open": (open_severe["opened"].min().date().isoformat() if len(open_severe) else None),
            "plan_reviewed": reviewed.date().isoformat() if pd.notna(reviewed) else None,
            "goals": len(goals),
            "goals_at_risk": int(goals["status"].isin(["at_risk", "missed"]).sum()),
        },
    )


def _profit_destroyers(ctx: _Context) -> Story:
    start, end = ctx.windows[-1]
    contribution = value.account_contribution(ctx.data, start=start, end=end)
    d = value.profit_destroyers(contribution)
    if d.empty:
        return Story("profit_destroyers", (), {})
    ids = [str(i) for i in d.index]
    row = {c: d[c].astype(float).to_dict() for c in ("net_revenue", "db1", "cost_to_serve", "db4")}
    big = max(ids, key=lambda i: (row["net_revenue"][i], i))
    o = ctx.data.orders
    o = o[(o["account_id"].astype(str) == big) & (o["date"] >= start) & (o["date"] <= end)]
    gross = float(o["gross_revenue_eur"].sum())
    discount = float(o["discount_eur"].sum())
    all_o = ctx.data.orders[(ctx.data.orders["date"] >= start) & (ctx.data.orders["date"] <= end)]
    avg_discount = float(all_o["discount_eur"].sum() / all_o["gross_revenue_eur"].sum())
    median_rev = float(ctx.current[ctx.current > 0].median())
    return Story(
        "profit_destroyers",
        (big, *[i for i in ids if i != big]),
        {
            **ctx.base(big),
            "n": len(ids),
            "loss": float(d["db4"].sum()),
            "net_revenue": row["net_revenue"][big],
            "db1": row["db1"][big],
            "cost_to_serve": row["cost_to_serve"][big],
            "db4": row["db4"][big],
            "main_cost": str(d.at[big, "main_cost"]),
            "discount_share": discount / gross if gross else float("nan"),
            "avg_discount_share": avg_discount,
            "with_kam": sum(1 for i in ids if i in ctx.kam_accounts),
            "small": sum(1 for i in ids if float(ctx.current.get(i, 0.0)) < median_rev),
            "accounts": len(contribution),
        },
    )


def _rough_patch(ctx: _Context) -> Story:
    found = []
    for a in ctx.kam_accounts:
        quarters, held = _qbr_quarters(ctx, a)
        flags = [q in held for q in quarters]
        if True not in flags:
            continue
        first, last = flags.index(True), len(flags) - 1 - flags[::-1].index(True)
        run, best = 0, (0, -1)
        for i in range(first, last + 1):
            run = run + 1 if not flags[i] else 0
            if run > best[0]:
                best = (run, i)
        if best[0] >= QBR_GAP_MIN:
            gap = quarters[best[1] - best[0] + 1 : best[1] + 1]
            found.append((a, gap))
    if not found:
        return Story("rough_patch", (), {})
    accounts = []
    for a, gap in found:
        accounts.append(
            {
                "account_id": a,
                "name": str(ctx.names[a]),
                "kam": ctx.kam_of(a),
                "gap_from": str(gap[0]),
                "gap_to": str(gap[-1]),
                "gap": len(gap),
                "revenues": [float(v) for v in ctx.yearly.loc[a]],
            }
        )
    return Story(
        "rough_patch",
        tuple(a for a, _ in found),
        {"accounts": accounts, "n": len(found), "years": [e.year for _, e in ctx.windows]},
    )


def _small_kam_accounts(ctx: _Context) -> Story:
    active = ctx.current[ctx.current > 0]
    median = float(active.median())
    small = [a for a in ctx.kam_accounts if float(ctx.current[a]) < median]
    start, end = ctx.windows[-1]
    contribution = value.account_contribution(ctx.data, start=start, end=end)
    return Story(
        "small_kam_accounts",
        tuple(small),
        {
            "n": len(small),
            "median": median,
            "revenue": float(ctx.current.reindex(small).sum()),
            "db4": float(contribution["db4"].reindex(small).sum()),
            "losses": int((contribution["db4"].reindex(small) < 0).sum()),
            "names": [str(ctx.names[a]) for a in small],
            "kams": [ctx.kam_of(a) for a in small],
        },
    )


def _emerging(ctx: _Context) -> Story:
    if ctx.yearly.shape[1] < 2:
        return Story("emerging", (), {})
    prev, cur = ctx.yearly.iloc[:, -2], ctx.yearly.iloc[:, -1]
    since = ctx.accounts["since"].reindex(ctx.yearly.index)
    ok = (prev > 0) & (cur >= (1 + EMERGING_GROWTH) * prev) & (since >= ctx.windows[0][0])
    growth = (cur[ok] / prev[ok] - 1).sort_values(ascending=False)
    ids = sorted(growth.index, key=lambda i: (-float(cur[i]), i))
    top = [
        {"account_id": i, "name": str(ctx.names[i]), "previous": float(prev[i]), "revenue": float(cur[i])}
        for i in ids[:3]
    ]
    return Story("emerging", tuple(ids), {"n": len(ids), "top": top})


def _newcomer(ctx: _Context) -> Story:
    acc = ctx.accounts
    active = acc[(acc["status"] == "active") & (ctx.current.reindex(acc.index) > 0)]
    if active.empty:
        return Story("newcomer", (), {})
    newest = active.sort_values(["since"], ascending=False, kind="stable")
    a = str(newest.index[0])
    data = ctx.data
    rows = {t: len(_with_account(df, a)) for t, df in data.tables().items() if "account_id" in df}
    return Story(
        "newcomer",
        (a,),
        {
            **ctx.base(a),
            "since": pd.Timestamp(acc.at[a, "since"]).date().isoformat(),
            "orders": rows.get("orders", 0),
            "interactions": rows.get("interactions", 0),
            "contacts": rows.get("contacts", 0),
            "tables": sorted(t for t, n in rows.items() if n and t != "accounts"),
        },
    )


def _lost(ctx: _Context) -> Story:
    before = selection.account_revenue(ctx.data.orders, end=ctx.windows[-1][0] - pd.Timedelta(days=1))
    lost = [str(a) for a in before.index if before[a] > 0 and float(ctx.current.get(a, 0.0)) <= 0]
    last_order = ctx.data.orders.groupby(ctx.data.orders["account_id"].astype(str))["date"].max()
    prev = ctx.yearly.iloc[:, -2] if ctx.yearly.shape[1] >= 2 else pd.Series(0.0, index=ctx.yearly.index)
    lost.sort(key=lambda a: (-float(before[a]), a))
    return Story(
        "lost",
        tuple(lost),
        {
            "n": len(lost),
            "revenue_before": float(before.reindex(lost).sum()),
            "revenue_previous": float(prev.reindex(lost).sum()),
            "last_order": last_order.reindex(lost).max().date().isoformat() if lost else None,
            "with_status_lost": int((ctx.accounts["status"].reindex(lost) == "lost").sum()),
        },
    )


def _prospects(ctx: _Context) -> Story:
    acc = ctx.accounts
    ids = [str(a) for a in acc.index[acc["status"] == "prospect"]]
    counts = ctx.data.orders.groupby(ctx.data.orders["account_id"].astype(str)).size().reindex(ids).fillna(0)
    return Story(
        "prospects",
        tuple(ids),
        {"n": len(ids), "max_orders": int(counts.max()) if ids else 0, "with_orders": int((counts > 0).sum())},
    )


_FINDERS = {
    "supplier": _supplier,
    "concentration": _concentration,
    "kams": _kams,
    "model_account": _model_account,
    "no_decider": _no_decider,
    "single_threaded": _single_threaded,
    "declining": _declining,
    "profit_destroyers": _profit_destroyers,
    "rough_patch": _rough_patch,
    "small_kam_accounts": _small_kam_accounts,
    "emerging": _emerging,
    "newcomer": _newcomer,
    "lost": _lost,
    "prospects": _prospects,
}


@portfolio_memo  # the course pack asks for them once per document and language
def stories(data) -> list[Story]:
    """The sample's designed-in stories, found in ``data`` (a :class:`kamlib.KamData`), in :data:`STORY_KEYS` order.

    A story the data does not tell (another company's export) comes back with no accounts and no facts.

    Examples
    --------
    >>> import kamlib
    >>> found = {s.key: s for s in stories(kamlib.load(kamlib.SAMPLE, as_of="2025-12-31"))}
    >>> found["supplier"].facts["company"]
    'Rheinwerk Antriebstechnik GmbH'
    >>> found["declining"].facts["fall"] < -0.25
    True
    """
    ctx = _Context(data)
    return [_FINDERS[k](ctx) for k in STORY_KEYS]


def story_map(data) -> dict[str, Story]:
    """:func:`stories` keyed by story."""
    return {s.key: s for s in stories(data)}


# =========================================================================== text


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_DOUBLE_STOP = re.compile(r"(?<=\w)\.\.(?=\s|$)")


def _md(text: object) -> str:
    """Customer text (a name, a title) as literal Markdown: markup characters escaped, so a name never becomes a
    link, emphasis, table cell or HTML tag (markdown-it renders raw HTML as text anyway)."""
    out = _MD_SPECIAL.sub(r"\\\1", str(text))
    out = _ENTITY.sub(r"\\&", out)
    return " ".join(out.split())


def _num(value: Any) -> float:
    """A cell of a pandas table as a float (pandas' stubs type cells loosely)."""
    return float(value)


def _tx(section: str, key: str, lang: str, /, **values: object) -> str:
    """The catalogue sentence ``case.<section>.<key>`` in ``lang``, its placeholders filled."""
    text = i18n.pick(i18n.table(f"case.{section}")[key], lang).format(**values)
    return _DOUBLE_STOP.sub(".", text)  # a name ending in a full stop ("Inc.") at the end of a sentence


def _label(section: str, code: object, lang: str) -> str:
    """A code (industry, product line, buying role, cost category, KAM level) in ``lang``; unknown codes as they are."""
    pair = i18n.table(f"case.{section}").get(str(code))
    return i18n.pick(pair, lang) if pair else _md(code)  # a company's own code is data: escaped like a name


def _money(v: float, lang: str) -> str:
    return i18n.money(v, lang, 0)


def _pct(v: float, lang: str) -> str:
    return i18n.percent(v, lang, 1)


def _and(items: list[str], lang: str, *, word: str = "and") -> str:
    """'a, b and c' / 'a, b und c' (``word="or"`` for a choice)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {_tx('labels', word, lang)} " + items[-1]


def _table(headers: list[str], rows: list[list[str]], *, right: tuple[int, ...] = ()) -> str:
    """A Markdown table (cells escaped by the caller); the columns in ``right`` (numbers) are right-aligned."""
    head = "| " + " | ".join(headers) + " |"
    rule = "|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|"
    return "\n".join([head, rule, *("| " + " | ".join(r) + " |" for r in rows)])


def _series(revenues: list[float], years: list[int], lang: str) -> str:
    return _and(
        [_tx("roleplay", "year_value", lang, year=y, value=_money(v, lang)) for y, v in zip(years, revenues)], lang
    )


def _quarter(period: pd.Period, lang: str) -> str:
    return _tx("roleplay", "quarter", lang, q=period.quarter, year=period.year)


# =========================================================================== how figures fill the sentences

#: How the figures fill the case's sentences: per sentence, each placeholder's format and fact (next to this module).
FILLS_FILE = DataFile("kamlib.teaching", "case_fills.toml")

#: The formats a fill names: (value, lang) -> what the sentence shows.
_FORMATS: dict[str, Callable[[Any, str], object]] = {
    "plain": lambda v, lang: v,
    "text": lambda v, lang: _md(v),
    "money": _money,
    "percent": _pct,
    "signed_percent": lambda v, lang: i18n.percent(v, lang, 1, signed=True),
    "number0": lambda v, lang: i18n.number(v, lang, 0),
    "number2": lambda v, lang: i18n.number(v, lang, 2),
    "date": i18n.date,
    "quarter": lambda v, lang: _quarter(pd.Period(v, "Q"), lang),
    "industry": lambda v, lang: _label("industries", v, lang),
    "role": lambda v, lang: _label("roles", v, lang),
    "line": lambda v, lang: _label("lines", v, lang),
    "cost": lambda v, lang: _label("costs", v, lang),
    "level": lambda v, lang: _label("levels", v, lang),
    "roles": lambda v, lang: _and([_label("roles", r, lang) for r in v], lang),
    "names": lambda v, lang: _and([_md(n) for n in v], lang),
}


@dataclass(frozen=True)
class Fill:
    """How one placeholder of a sentence is filled: the ``fact`` it shows (a path into the facts, ``a.b`` for
    ``facts["a"]["b"]``; its ``item`` of a list; its amount without the sign with ``absolute``) in ``format``. Where
    the fact is absent, None or empty, ``missing`` stands instead (formatted; not with ``item``), or ``missing_text``
    (as it is), or the label ``missing_label``. Without any of them a fact that is there but None (the data has no
    value: no plan review, no decider) shows as "–", as money, numbers and dates show no value; an empty text shows
    as it is; an absent fact (a misspelt path) is an error."""

    fact: str
    format: str
    item: int | None = None
    absolute: bool = False
    missing: Any = _REQUIRED
    missing_text: str | None = None
    missing_label: str | None = None

    def value(self, facts: dict, lang: str) -> object:
        v: Any = facts
        absent = False
        for part in self.fact.split("."):
            if not isinstance(v, dict) or part not in v:
                absent, v = True, None
                break
            v = v[part]
        if absent or v is None or (isinstance(v, str) and not v):
            if self.missing_label is not None:
                return _tx("labels", self.missing_label, lang)
            if self.missing_text is not None:
                return self.missing_text
            if self.missing is not _REQUIRED:
                v = self.missing
            elif absent:
                raise KeyError(f"case fill: no fact {self.fact!r}")
            elif v is None:
                return "–"
        if self.item is not None:
            v = v[self.item]
        if self.absolute:
            v = abs(v)
        return _FORMATS[self.format](v, lang)


_FILL_OPTIONS = ("format", "fact", "item", "abs", "missing", "missing_text", "missing_label")


def _fill(sentence: Entry, placeholder: str) -> Fill:
    if isinstance(sentence.values[placeholder], str):
        return Fill(placeholder, sentence.one_of(placeholder, _FORMATS))
    spec = sentence.table(placeholder).only(*_FILL_OPTIONS)
    if "item" in spec.values and "missing" in spec.values:
        raise spec.error("missing", "not with item (the stand-in would be indexed; use missing_text or missing_label)")
    return Fill(
        spec.text("fact", placeholder),
        spec.one_of("format", _FORMATS),
        spec.integer("item") if "item" in spec.values else None,
        spec.get("abs", bool, False),
        spec.values.get("missing", _REQUIRED),
        spec.text("missing_text") if "missing_text" in spec.values else None,
        spec.text("missing_label") if "missing_label" in spec.values else None,
    )


def fills(parsed: Entry) -> dict[str, dict[str, dict[str, Fill]]]:
    """The parsed fills file, checked (an unknown format or option, a wrong type names the file and the key):
    catalogue section -> sentence -> placeholder -> :class:`Fill`."""
    return {
        section: {
            key: {p: _fill(sentence, p) for p in sentence.values} for key, sentence in sentences.entries().items()
        }
        for section, sentences in parsed.entries().items()
    }


_FILLS = fills(FILLS_FILE.read())


def _values(section: str, key: str, facts: dict, lang: str) -> dict[str, object]:
    """The placeholders of the sentence ``case.<section>.<key>`` filled from ``facts`` as the fills file says."""
    return {placeholder: fill.value(facts, lang) for placeholder, fill in _FILLS[section][key].items()}


def _say(section: str, key: str, lang: str, facts: dict) -> str:
    """The sentence ``case.<section>.<key>`` in ``lang``, filled from ``facts`` (:data:`FILLS_FILE`)."""
    return _tx(section, key, lang, **_values(section, key, facts, lang))


# =========================================================================== the booklet


def _story_section(s: Story, found: dict[str, Story], lang: str) -> list[str]:
    """Heading, text and discussion question of one account story (nothing for a story the data do not tell)."""
    f = s.facts
    if not f:
        return []
    k = s.key
    facts = dict(f)  # the story's facts and the parts of its sentences built here
    table = ""
    if k == "declining":
        facts["series"] = _series(f["revenues"], f["years"], lang)
    elif k == "rough_patch":
        facts["gap_min"] = QBR_GAP_MIN
        rows = [
            [
                _md(a["name"]),
                _md(a["kam"] or "–"),
                f"{_quarter(pd.Period(a['gap_from'], 'Q'), lang)} – {_quarter(pd.Period(a['gap_to'], 'Q'), lang)}",
                "; ".join(_money(v, lang) for v in a["revenues"]),
            ]
            for a in f["accounts"]
        ]
        years = "/".join(str(y) for y in f["years"])
        table = _table(
            [
                _tx("labels", "customer", lang),
                _tx("labels", "kam_now", lang),
                _tx("labels", "qbr_gap", lang),
                f"{_tx('labels', 'revenue_years', lang)} ({years})",
            ],
            rows,
        )
    elif k == "small_kam_accounts":
        facts["losses"] = _tx("stories", "losses_all" if f["losses"] == f["n"] else "losses_some", lang, n=f["losses"])
    elif k == "emerging":
        facts["items"] = _and([_say("stories", "emerging_item", lang, t) for t in f["top"]], lang)
    values = {**_values("stories", "common", f, lang), **_values("stories", k, facts, lang)}
    out = [
        f"### {_tx('stories', k + '_h', lang, **values)}",
        _tx("stories", k, lang, **values),
    ]
    if table:
        out.append(table)
    out.append(f"**{_tx('labels', 'lesson', lang)}:** {_tx('stories', k + '_lesson', lang)}")
    out.append(f"**{_tx('labels', 'question', lang)}:** {_tx('stories', k + '_q', lang, **values)}")
    return out


def _task_values(found: dict[str, Story], lang: str) -> dict[str, object]:
    """The names and figures the case tasks refer to ('–' where the data do not tell the story)."""

    def name(key: str) -> str:
        f = found[key].facts
        return _md(f["name"]) if f.get("name") else "–"

    emerging = found["emerging"].facts.get("top") or [{"name": "–", "previous": float("nan"), "revenue": float("nan")}]
    kams = found["kams"].facts.get("kams", [])
    busiest = (
        max(kams, key=lambda k: (len(k["accounts"]) / max(k["capacity"], 1), len(k["accounts"]))) if kams else None
    )
    small = found["small_kam_accounts"].facts.get("names", [])
    rough = found["rough_patch"].facts.get("accounts", [])
    sup = found["supplier"].facts
    return {
        "accounts": sup.get("accounts", "–"),
        "active": sup.get("active", "–"),
        "lines": len(sup.get("product_lines", [])),
        "n_kam": found["kams"].facts.get("accounts", "–"),
        "small": _and([_md(n) for n in small], lang) or "–",
        "emerging": _md(emerging[0]["name"]),
        "previous": _money(emerging[0]["previous"], lang),
        "revenue": _money(emerging[0]["revenue"], lang),
        "no_decider": name("no_decider"),
        "single": name("single_threaded"),
        "contact": _md(found["single_threaded"].facts.get("contact", "–")),
        "destroyer": name("profit_destroyers"),
        "n": found["profit_destroyers"].facts.get("n", "–"),
        "declining": name("declining"),
        "rough": _and([_md(a["name"]) for a in rough], lang, word="or") or "–",
        "model": name("model_account"),
        "busiest": _md(busiest["name"]) if busiest else "–",
        "busiest_n": len(busiest["accounts"]) if busiest else "–",
        "busiest_capacity": busiest["capacity"] if busiest else "–",
    }


def booklet_markdown(data, lang: str = "en", *, trainer: bool = False) -> str:
    """The case booklet in Markdown: the company, its market, its key account managers, the stories of the key
    accounts (figures from ``data``) and the case tasks of every module (:data:`MODULES`).

    ``trainer=True``: the trainer's copy, each module's tasks followed by the figures expected in the answers
    (:func:`trainer_notes`).

    Examples
    --------
    >>> import kamlib
    >>> text = booklet_markdown(kamlib.load(kamlib.SAMPLE, as_of="2025-12-31"), "de")
    >>> text.splitlines()[0]
    '# Die Fallstudie Rheinwerk'
    """
    i18n.check_lang(lang)
    found = story_map(data)
    sup, con, kam = found["supplier"].facts, found["concentration"].facts, found["kams"].facts
    buyers = int((selection.account_revenue(data.orders, start=_windows(data)[-1][0], end=data.as_of) > 0).sum())
    prospects = found["prospects"].facts
    industries = [f"{_label('industries', i, lang)} ({n})" for i, n in sup["industries"][:4]]
    parts = [
        f"# {_tx('labels', 'title', lang)}",
        f"*{_tx('labels', 'subtitle', lang, date=i18n.date(sup['as_of'], lang))}*",
        _tx("booklet", "use", lang),
        f"## {_tx('labels', 'h_company', lang)}",
        _say("booklet", "company", lang, {**sup, "buyers": buyers, "max_orders": prospects.get("max_orders", 0)}),
        _tx("booklet", "products", lang, products=sup["products"], lines=len(sup["product_lines"])),
        _table(
            [_tx("labels", "line", lang), _tx("labels", "products", lang)],
            [[_label("lines", line, lang), str(n)] for line, n in sup["product_lines"]],
            right=(1,),
        ),
        _say("booklet", "market", lang, {**sup, "industries": _and(industries, lang)}),
        f"## {_tx('labels', 'h_market', lang)}",
        _say("booklet", "concentration", lang, {**con, "years": sup["years"]}),
        f"## {_tx('labels', 'h_kams', lang)}",
    ]
    ceo = next((k for k in kam["kams"] if k["level"] == "ceo"), None)
    parts.append(
        _say("booklet", "kams", lang, {**kam, "ceo": ceo["name"] if ceo else None})
        + " "
        + _say("booklet", "kams_key", lang, kam)
    )
    parts.append(
        _table(
            [
                _tx("labels", "kam", lang),
                _tx("labels", "level", lang),
                _tx("labels", "capacity", lang),
                _tx("labels", "n_accounts", lang),
                _tx("labels", "revenue_12m", lang),
                _tx("labels", "customers", lang),
            ],
            [
                [
                    _md(k["name"]),
                    _label("levels", k["level"], lang),
                    str(k["capacity"]),
                    str(len(k["accounts"])),
                    _money(k["revenue"], lang),
                    "; ".join(_md(n) for n in k["account_names"]),
                ]
                for k in kam["kams"]
            ],
            right=(2, 3, 4),
        )
    )
    over = [
        _tx("booklet", "overload", lang, name=_md(k["name"]), n=len(k["accounts"]), capacity=k["capacity"])
        for k in kam["kams"]
        if len(k["accounts"]) > k["capacity"]
    ]
    if over:
        parts.append(" ".join(over))
    parts += [f"## {_tx('labels', 'h_stories', lang)}", _tx("booklet", "stories", lang)]
    for key in STORY_KEYS[3:]:
        parts += _story_section(found[key], found, lang)
    parts += [f"## {_tx('labels', 'h_tasks', lang)}", _tx("booklet", "tasks", lang)]
    values = _task_values(found, lang)
    notes = _notes(data, found, lang) if trainer else {}
    tasks = i18n.table("case.tasks")
    for module in MODULES:
        parts.append(f"### {_tx('modules', module, lang)}")
        keys = sorted(k for k in tasks if k.rsplit("_", 1)[0] == module)
        parts.append("\n".join(f"{i}. {_tx('tasks', k, lang, **values)}" for i, k in enumerate(keys, 1)))
        if notes:
            parts.append(f"> **{_tx('trainer', 'heading', lang)}:** {notes[module]}")
    return "\n\n".join(parts) + "\n"


def markdown_html(text: str) -> str:
    """Markdown to HTML with markdown-it-py (CommonMark and tables); raw HTML in the text is shown as text."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def _page(markdown: str, lang: str, title: str, *, sides: bool = False) -> str:
    from kamlib.present import pages

    return pages.render(
        "course_case.html.j2",
        lang=lang,
        title=title,
        body=markdown_html(markdown),
        hint=_tx("labels", "print_sides" if sides else "print_hint", lang),
        sides=sides,
    )


def _target(dest: Path, name: str) -> Path:
    dest = Path(dest)
    if dest.suffix.lower() == ".html":
        dest.parent.mkdir(parents=True, exist_ok=True)
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    return dest / name


def write_booklet(data, dest: Path, lang: str = "en", *, pdf: bool = False, trainer: bool = False) -> Path:
    """Write the case booklet as one offline HTML page (print CSS for A4) and return its path.

    ``dest`` is a folder (the page is ``case_booklet.html`` in it) or an ``.html`` file. With ``pdf=True`` a PDF
    of the page is printed next to it with headless Chromium (FileNotFoundError when Chromium is missing).
    ``trainer=True`` writes the trainer's copy (expected figures after each module's tasks; default name
    ``case_booklet_trainer.html``).
    """
    text = booklet_markdown(data, lang, trainer=trainer)
    path = _target(dest, "case_booklet_trainer.html" if trainer else "case_booklet.html")
    atomic_write_text(path, _page(text, lang, _tx("labels", "title", lang)))
    if pdf:
        print_pdf(path, path.with_suffix(".pdf"))
    return path


#: The Chromium that prints PDFs and the printing itself live in :mod:`kamlib.present.pdf` (one command line for
#: reports, account documents and the booklet).
chromium = pdf_print.chromium
print_pdf = pdf_print.html_to_pdf

# =========================================================================== role plays

#: The health score's bands (kamlib.review.band), named in the catalogue's roleplay section.
_BANDS = ("red", "amber", "green")

#: The two role-play briefs: the quarterly business review and the annual review.
ROLEPLAYS: tuple[str, ...] = ("qbr", "annual")

#: The phases of each role play and their minutes (catalogue ``case.roleplay.phase_<key>``). The one source of
#: these numbers: the briefs print them, and the course's agendas and facilitator guides
#: (:mod:`kamlib.teaching.course`) build the role-play sessions from them. The QBR is played twice, with the
#: roles swapped; the annual review once, with an observer.
ROLEPLAY_PHASES: dict[str, tuple[tuple[str, int], ...]] = {
    "qbr": (("prepare", 10), ("talk", 15), ("feedback", 5), ("swap", 10), ("feedback", 5)),
    "annual": (("prepare", 10), ("talk", 20), ("feedback", 10)),
}


def roleplay_phases(kind: str, lang: str) -> str:
    """The phases of a role play as the brief and the guide print them: '10 min to prepare, 15 min …'."""
    return ", ".join(_tx("roleplay", f"phase_{key}", lang, n=minutes) for key, minutes in ROLEPLAY_PHASES[kind])


def roleplay_figures(data, account_id: str) -> dict:
    """The figures both briefs quote for ``account_id``, computed with kamlib (raw values, not yet formatted).

    Revenue per 12-month window, the last complete quarter's plan-actual comparison and health score, the
    complaints of the last twelve months, the competitors, the wallet potential and the next quarter's plan.
    """
    from kamlib import review

    ctx = _Context(data)
    q = review.last_complete_quarter(data.as_of)
    pva = review.plan_vs_actual(data, account_id, str(q))
    health = review.health_score(data, account_id, str(q)).loc["health"]
    start, end = ctx.windows[-1]
    comp = _with_account(data.complaints, account_id)
    comp = comp[(comp["opened"] >= start) & (comp["opened"] <= end)]
    competitors = _with_account(data.competitors, account_id).sort_values(
        ["share", "competitor"], ascending=[False, True], kind="stable"
    )
    potential = float(_with_account(data.wallet, account_id)["potential_eur"].sum())
    nxt = profile.coming_period(data.as_of)
    targets = _with_account(data.targets, account_id)
    plan_next = targets.loc[targets["period"].astype(str) == str(nxt), "revenue_target_eur"]
    revenues = [float(v) for v in ctx.yearly.loc[[account_id]].to_numpy(dtype=float)[0]]
    return {
        "quarter": q,
        "next_quarter": nxt,
        "revenues": revenues,
        "years": [e.year for _, e in ctx.windows],
        "actual": _num(pva.at["revenue", "actual"]),
        "target": _num(pva.at["revenue", "target"]),
        "attainment": _num(pva.at["revenue", "attainment"]),
        "ytd_attainment": _num(pva.at["revenue", "ytd_attainment"]),
        "health": _num(health["score"]),
        "health_previous": _num(health["previous"]),
        "band": str(health["band"]),
        "complaints": len(comp),
        "severe": int(comp["severity"].isin(["high", "critical"]).sum()),
        "competitors": [
            (str(r.competitor), str(r.product_line), _num(r.share)) for r in competitors.itertuples(index=False)
        ],
        "potential": potential,
        "plan_next": _num(plan_next.iloc[0]) if len(plan_next) else float("nan"),
    }


def _person(data, account_id: str, roles: tuple[str, ...]) -> tuple[str, str]:
    """(name, title) of the account's most influential contact in one of ``roles`` (the first role found wins)."""
    c = _with_account(data.contacts, account_id)
    for role in roles:
        mine = c[c["buying_role"] == role].sort_values(["influence", "contact_id"], ascending=[False, True])
        if len(mine):
            return str(mine.iloc[0]["name"]), str(mine.iloc[0]["title"])
    return "N. N.", _label("roles", roles[0], "en")


def roleplays(data, lang: str = "en") -> dict[str, str]:
    """The two role-play briefs as Markdown, keyed ``"qbr"`` and ``"annual"``, on the declining key account.

    Each brief has the setting, what both sides know, a customer side (what the customer wants, where they are
    under pressure, what they push back on), a key account manager side (goals, the figures to bring, what not to
    give away) and notes for the observer. Figures come from :func:`roleplay_figures`.
    """
    i18n.check_lang(lang)
    story = story_map(data)["declining"]
    if not story.account_ids:
        return {
            k: f"# {_tx('roleplay', 'title_' + k, lang, name='–')}\n\n{_tx('roleplay', 'no_role_play', lang)}\n"
            for k in ROLEPLAYS
        }
    a = story.account_ids[0]
    f = story.facts
    fig = roleplay_figures(data, a)
    name = _md(f["name"])
    decider, decider_title = _person(data, a, ("decider",))
    buyer, buyer_title = _person(data, a, ("buyer", "approver", "influencer"))
    comps = fig["competitors"]
    top = comps[0] if comps else ("–", "–", float("nan"))
    both = [
        "- " + _tx("roleplay", "both_revenue", lang, series=_series(fig["revenues"], fig["years"], lang)),
        "- " + _tx("roleplay", "both_complaints", lang, n=fig["complaints"], severe=fig["severe"]),
    ]
    if comps:
        items = [
            _say("roleplay", "competitor_item", lang, {"competitor": c, "line": line, "share": s})
            for c, line, s in comps[:3]
        ]
        both.append("- " + _tx("roleplay", "both_competitors", lang, items=_and(items, lang)))
    change = (
        fig["revenues"][-1] / fig["revenues"][-2] - 1
        if len(fig["revenues"]) >= 2 and fig["revenues"][-2]
        else float("nan")
    )
    band = _tx("roleplay", f"band_{fig['band']}", lang) if fig["band"] in _BANDS else fig["band"]
    health = _say("roleplay", "fig_health", lang, {**fig, "band": band})
    revenue_line = _say("roleplay", "fig_revenue", lang, {**fig, "change": change})
    goals_line = _tx("roleplay", "fig_goals", lang, at_risk=f["goals_at_risk"], goals=f["goals"])
    values = {"name": name, "decider": _md(decider), "decider_title": _md(decider_title), "city": _md(f["city"])}
    out: dict[str, str] = {}
    for kind in ROLEPLAYS:
        if kind == "qbr":
            customer, title = buyer, buyer_title
            setting = _tx("roleplay", "setting_qbr", lang, quarter=_quarter(fig["quarter"], lang), **values)
            figures = [
                revenue_line,
                _say("roleplay", "fig_quarter", lang, fig),
                health,
                _tx("roleplay", "fig_qbrs", lang, qbrs=f["qbrs_last_year"]),
                goals_line,
            ]
            competitor, line, share = top
            wants = _say("roleplay", "qbr_wants", lang, {"competitor": competitor, "line": line, "share": share})
        else:
            customer, title = decider, decider_title
            setting = _tx("roleplay", "setting_annual", lang, **values)
            sow = fig["revenues"][-1] / fig["potential"] if fig["potential"] else float("nan")
            figures = [
                revenue_line,
                _say("roleplay", "fig_wallet", lang, {**fig, "share": sow}),
                _say("roleplay", "fig_plan_next", lang, fig),
                goals_line,
                health,
            ]
            wants = _tx("roleplay", "annual_wants", lang)
        parts = [
            f"# {_tx('roleplay', 'title_' + kind, lang, name=name)}",
            f"## {_tx('roleplay', 'h_setting', lang)}",
            f"{_tx('roleplay', 'setting', lang, phases=roleplay_phases(kind, lang))} {setting}",
            f"## {_tx('roleplay', 'h_both', lang)}",
            "\n".join(both),
            f"## {_tx('roleplay', 'h_customer', lang)}",
            _tx("roleplay", "you_are", lang, person=_md(customer), title=_md(title), name=name),
            f"### {_tx('roleplay', 'h_wants', lang)}",
            wants,
            f"### {_tx('roleplay', 'h_pressure', lang)}",
            _tx("roleplay", f"{kind}_pressure", lang, **values),
            f"### {_tx('roleplay', 'h_pushback', lang)}",
            _tx("roleplay", f"{kind}_pushback", lang),
            f"## {_tx('roleplay', 'h_kam', lang)}",
            _tx("roleplay", "you_are_kam", lang, kam=_md(f["kam"] or "–"), name=name),
            f"### {_tx('roleplay', 'h_goals', lang)}",
            _tx("roleplay", f"{kind}_goals", lang, **values),
            f"### {_tx('roleplay', 'h_figures', lang)}",
            "\n".join(f"- {x}" for x in figures),
            f"### {_tx('roleplay', 'h_keep', lang)}",
            _tx("roleplay", f"{kind}_keep", lang),
            f"## {_tx('roleplay', 'h_observer', lang)}",
            _tx("roleplay", f"{kind}_observer", lang, **values),
        ]
        out[kind] = "\n\n".join(parts) + "\n"
    return out


def write_roleplays(data, dest: Path, lang: str = "en") -> list[Path]:
    """Write the two role-play briefs as offline HTML pages ``roleplay_qbr.html`` and ``roleplay_annual.html`` into
    the folder ``dest``; returns their paths."""
    folder = Path(dest)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, text in roleplays(data, lang).items():
        path = folder / f"roleplay_{kind}.html"
        title = text.splitlines()[0].lstrip("# ").replace("\\", "")
        atomic_write_text(path, _page(text, lang, title, sides=True))
        paths.append(path)
    return paths


# =========================================================================== notes for the trainer

#: The retention rates and the horizon of the customer-value figure in the trainer's note on module 03.
CLV_RETENTION: tuple[float, float] = (0.9, 0.6)
CLV_YEARS = 5


def trainer_notes(data, lang: str = "en") -> dict[str, str]:
    """Per module (:data:`MODULES`) the figures a trainer expects in the answers to the case tasks, and what a
    good answer does with them (computed from ``data``; the evaluate and create tasks have no single answer)."""
    i18n.check_lang(lang)
    return _notes(data, story_map(data), lang)


def _notes(data, found: dict[str, Story], lang: str) -> dict[str, str]:
    from kamlib import clv, defaults

    emerging = found["emerging"].facts.get("top", [])
    pdf, dec = found["profit_destroyers"].facts, found["declining"].facts
    ctx = _Context(data)
    start, end = ctx.windows[-1]
    contribution = value.account_contribution(data, start=start, end=end)
    whale = value.whale_summary(value.whale_curve(contribution["db4"]))
    rate = float(defaults.SELECTION["discount_rate"])
    # the facts the notes show (case_fills.toml, section trainer): every story's by its key, the tasks' values, the
    # whale curve's summary, the declining account's role-play figures and what is computed here
    facts: dict[str, Any] = {key: story.facts for key, story in found.items()}
    facts.update(tasks=_task_values(found, lang), whale=whale, retention=CLV_RETENTION, rate=rate)
    facts["growth"] = emerging[0]["revenue"] / emerging[0]["previous"] - 1 if emerging else float("nan")
    facts["gap"] = -pdf["db4"] if pdf else float("nan")
    facts["gap_share"] = facts["gap"] / pdf["cost_to_serve"] if pdf else float("nan")
    facts["margin"] = float(contribution["db1"].get(dec["account_id"], float("nan"))) if dec else float("nan")
    facts["clv_high"], facts["clv_low"] = (
        float(clv.clv_finite(facts["margin"], r, rate, CLV_YEARS)) for r in CLV_RETENTION
    )
    facts["rough"] = _and(
        [_say("trainer", "rough_item", lang, a) for a in found["rough_patch"].facts.get("accounts", [])], lang
    )
    if dec:
        fig = facts["fig"] = roleplay_figures(data, dec["account_id"])
        facts["band"] = _tx("roleplay", f"band_{fig['band']}", lang) if fig["band"] in _BANDS else fig["band"]
    ceo = facts["ceo"] = next((k for k in found["kams"].facts.get("kams", []) if k["level"] == "ceo"), None)
    facts["ceo_n"] = len(ceo["accounts"]) if ceo else None
    notes = {module: _say("trainer", module, lang, facts) for module in ("00", "01", "02", "03", "04", "05")}
    for workshop in ("criteria_workshop", "portfolio_workshop"):
        notes[workshop] = _tx("trainer", workshop, lang, **facts["tasks"])
    return notes
