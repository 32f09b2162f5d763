"""The Rheinwerk case: the sample company's designed-in stories, found in the data, and the teaching material built
on them (the case booklet and two role-play briefs).

The sample (:mod:`kamlib.data.sample`) was generated to tell stories a trainer can teach with: a big account whose
buying center has no decider, a single-threaded account, a declining key account, profit destroyers, accounts in a
rough patch, newcomers, lost accounts and prospects. :func:`stories` finds each of them *from the data* with
kamlib's own functions (revenue windows, the profile's single-thread rule, the customer contribution margins), never
from stored account ids, so a change of the generator that breaks a story shows up in ``tests/test_case.py``.

* :func:`stories` -- the stories as :class:`Story` (key, accounts, facts);
* :func:`booklet_markdown` / :func:`write_booklet` -- the case booklet (Markdown, HTML, optionally PDF);
* :func:`roleplays` / :func:`write_roleplays` -- the briefs for the Quartalsgespräch (QBR) and the Jahresgespräch.

Every sentence a reader sees comes from ``kamlib/i18n/catalogue/case.toml`` (English and German); numbers are
formatted with :mod:`kamlib.i18n`. Customer text (names, titles) is escaped for Markdown here and for HTML by the
templates' autoescaping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from kamlib import periods, profile, selection, value
from kamlib.data import sample

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


def _concentration(ctx: _Context) -> Story:
    whole = selection.account_revenue(ctx.data.orders, accounts=ctx.accounts.reset_index())
    n_top = math.ceil(0.2 * len(whole))
    return Story(
        "concentration",
        tuple(whole.index[:n_top]),
        {
            "share": float(selection.top_share(whole, fraction=0.2)),
            "share_current": float(selection.top_share(ctx.current, fraction=0.2)),
            "n_top": n_top,
            "accounts": len(whole),
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
    return Story(
        "kams",
        tuple(ctx.kam_accounts),
        {
            "kams": rows,
            "n": len(rows),
            "accounts": len(ctx.kam_accounts),
            "revenue_share": float(ctx.current.reindex(ctx.kam_accounts).sum() / ctx.current.sum()),
        },
    )


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
    rev = [float(v) for v in y.loc[a].astype(float).tolist()]
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
