"""Tests for kamlib.data.sample: determinism, data model, integrity and realism."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kamlib.data.sample import generate, write

AS_OF = pd.Timestamp("2025-12-31")
SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"

EXPECTED_COLUMNS = {
    "accounts": ["account_id", "name", "industry", "country", "city", "timezone",
                 "employees", "customer_revenue_eur", "kam_id", "since",
                 "reference_value", "relationship_stage", "status"],
    "kams": ["kam_id", "name", "level", "capacity"],
    "products": ["product_id", "name", "product_line"],
    "orders": ["order_id", "account_id", "date", "product_id", "business_unit",
               "quantity", "gross_revenue_eur", "discount_eur", "cogs_eur"],
    "service_costs": ["account_id", "period", "category", "cost_eur"],
    "interactions": ["interaction_id", "account_id", "date", "type", "kam_id",
                     "contact_id"],
    "complaints": ["complaint_id", "account_id", "opened", "closed", "severity",
                   "category"],
    "contacts": ["contact_id", "account_id", "name", "title", "business_unit",
                 "buying_role", "influence", "attitude"],
    "wallet": ["account_id", "product_line", "business_unit", "potential_eur"],
    "competitors": ["account_id", "competitor", "product_line", "share"],
    "targets": ["account_id", "period", "revenue_target_eur", "margin_target_eur"],
    "actions": ["action_id", "account_id", "goal", "action", "owner", "due", "status"],
    "ratings": ["rater", "account_id", "criterion", "score"],
    "account_plans": ["item_id", "account_id", "section", "text", "owner_ours", "owner_customer", "due",
                      "status", "result", "updated_on"],
}
ENUMS = {
    ("accounts", "relationship_stage"): {"exploratory", "basic", "cooperative",
                                         "interdependent", "integrated"},
    ("accounts", "status"): {"active", "prospect", "lost"},
    ("kams", "level"): {"junior", "senior", "ceo"},
    ("service_costs", "category"): {"marketing", "sales", "service", "logistics"},
    ("interactions", "type"): {"meeting", "call", "visit", "email", "qbr"},
    ("complaints", "severity"): {"low", "medium", "high", "critical"},
    ("contacts", "buying_role"): {"user", "influencer", "buyer", "decider", "gatekeeper",
                                  "initiator", "approver"},
    ("contacts", "attitude"): {"champion", "supporter", "neutral", "opponent"},
    ("actions", "status"): {"open", "in_progress", "done", "cancelled"},
    ("ratings", "criterion"): {"revenue_share", "lifetime_value", "tailored_service",
                               "growth_potential", "credibility", "relationship"},
    ("account_plans", "section"): {"customer_goal", "customer_plan", "objective", "strategy", "usp", "team_ours",
                                   "team_customer", "agreed_goal"},
    ("account_plans", "status"): {"open", "on_track", "at_risk", "done", "missed", "dropped"},
}
ID_PATTERNS = {
    ("accounts", "account_id"): r"ACC-\d{4,}",
    ("kams", "kam_id"): r"KAM-\d{2,}",
    ("products", "product_id"): r"P-\d{3,}",
    ("orders", "order_id"): r"ORD-\d{7,}",
    ("interactions", "interaction_id"): r"INT-\d{6,}",
    ("contacts", "contact_id"): r"CON-\d{5,}",
    ("actions", "action_id"): r"ACT-\d{4,}",
    ("account_plans", "item_id"): r"PLAN-\d{5,}",
}
UNIQUE_KEYS = {
    "accounts": ["account_id"], "kams": ["kam_id"], "products": ["product_id"],
    "orders": ["order_id"], "interactions": ["interaction_id"],
    "complaints": ["complaint_id"], "contacts": ["contact_id"], "actions": ["action_id"],
    "service_costs": ["account_id", "period", "category"],
    "wallet": ["account_id", "product_line", "business_unit"],
    "competitors": ["account_id", "product_line", "competitor"],
    "targets": ["account_id", "period"],
    "ratings": ["rater", "account_id", "criterion"],
    "account_plans": ["item_id"],
}


@pytest.fixture(scope="module")
def default() -> dict[str, pd.DataFrame]:
    return generate()


@pytest.fixture(scope="module")
def large() -> dict[str, pd.DataFrame]:
    return generate(seed=7, n_accounts=2000)


def revenue_by_account(t: dict[str, pd.DataFrame]) -> pd.Series:
    rev = t["orders"].groupby("account_id")["gross_revenue_eur"].sum()
    return rev.reindex(t["accounts"]["account_id"], fill_value=0.0)


def top_share(values: pd.Series, frac: float = 0.2) -> float:
    v = np.sort(values.to_numpy(dtype=float))[::-1]
    return float(v[: math.ceil(frac * len(v))].sum() / v.sum())


def profit_by_account(t: dict[str, pd.DataFrame]) -> pd.Series:
    o = t["orders"]
    margin = (o["gross_revenue_eur"] - o["discount_eur"] - o["cogs_eur"]).groupby(
        o["account_id"]).sum()
    cost = t["service_costs"].groupby("account_id")["cost_eur"].sum()
    ids = t["accounts"]["account_id"]
    return margin.reindex(ids, fill_value=0.0) - cost.reindex(ids, fill_value=0.0)


def check_integrity(t: dict[str, pd.DataFrame], as_of: pd.Timestamp = AS_OF) -> None:
    """Data model, keys, foreign keys, enums, dates and money rules."""
    assert list(t) == list(EXPECTED_COLUMNS)
    for name, cols in EXPECTED_COLUMNS.items():
        assert list(t[name].columns) == cols, name
    for (table, col), pattern in ID_PATTERNS.items():
        assert t[table][col].str.fullmatch(pattern).all(), (table, col)
    for table, key in UNIQUE_KEYS.items():
        assert not t[table].duplicated(key).any(), table
        assert t[table][key].notna().all().all(), table
    for (table, col), allowed in ENUMS.items():
        assert set(t[table][col].dropna()) <= allowed, (table, col)

    accounts = set(t["accounts"]["account_id"])
    for name, df in t.items():
        if "account_id" in df.columns:
            assert set(df["account_id"]) <= accounts, name
    assert set(t["orders"]["product_id"]) <= set(t["products"]["product_id"])
    kams = set(t["kams"]["kam_id"])
    assert set(t["accounts"]["kam_id"].dropna()) <= kams
    assert set(t["interactions"]["kam_id"].dropna()) <= kams
    # interaction KAM is the account's KAM
    ia = t["interactions"].merge(t["accounts"][["account_id", "kam_id"]], on="account_id",
                                 suffixes=("", "_acc"))
    has = ia["kam_id"].notna()
    assert (ia.loc[has, "kam_id"] == ia.loc[has, "kam_id_acc"]).all()
    # contacts of THAT account
    ic = t["interactions"].dropna(subset=["contact_id"]).merge(
        t["contacts"][["contact_id", "account_id"]], on="contact_id", how="left",
        suffixes=("", "_c"))
    assert (ic["account_id"] == ic["account_id_c"]).all()

    # dates
    a = t["accounts"]
    assert (a["since"] <= as_of).all()
    start = as_of - pd.DateOffset(years=3) + pd.Timedelta(days=1)
    o = t["orders"]
    assert o["date"].between(start, as_of).all()
    assert (t["interactions"]["date"] <= as_of).all()
    c = t["complaints"]
    assert (c["opened"] <= as_of).all()
    closed = c["closed"].dropna()
    assert (closed <= as_of).all()
    assert (closed >= c.loc[closed.index, "opened"]).all()
    assert c["closed"].isna().any()  # some complaints are still open
    assert t["actions"]["due"].notna().all()
    assert (t["account_plans"]["updated_on"] <= as_of).all()

    # money and numbers
    assert (o["quantity"] >= 1).all()
    assert (o["gross_revenue_eur"] > 0).all()
    assert (o["discount_eur"] >= 0).all()
    assert (o["discount_eur"] <= o["gross_revenue_eur"]).all()
    assert (o["cogs_eur"] >= 0).all()
    net = o["gross_revenue_eur"] - o["discount_eur"]
    assert 0.45 <= (o["cogs_eur"] / net).median() <= 0.70
    for table, col in [("orders", "gross_revenue_eur"), ("orders", "discount_eur"),
                       ("orders", "cogs_eur"), ("service_costs", "cost_eur"),
                       ("wallet", "potential_eur"), ("targets", "revenue_target_eur")]:
        v = t[table][col]
        assert (v >= 0).all(), (table, col)
        assert np.allclose(v, v.round(2), rtol=0, atol=1e-9), (table, col)
    assert (a["employees"] >= 1).all()
    assert (a["customer_revenue_eur"] >= 0).all()
    assert a["reference_value"].between(1, 5).all()
    assert t["contacts"]["influence"].between(1, 5).all()
    assert t["ratings"]["score"].between(0, 10).all()
    assert t["service_costs"]["period"].str.fullmatch(r"\d{4}Q[1-4]").all()
    assert t["targets"]["period"].str.fullmatch(r"\d{4}Q[1-4]").all()

    # each account buys through 1-4 units; contacts and wallet use those units
    units = pd.concat([t["orders"][["account_id", "business_unit"]],
                       t["contacts"][["account_id", "business_unit"]].dropna(),
                       t["wallet"][["account_id", "business_unit"]]]).drop_duplicates()
    assert units.groupby("account_id").size().max() <= 4

    comp = t["competitors"]
    assert comp["share"].between(0, 1).all()
    assert (comp.groupby(["account_id", "product_line"])["share"].sum() <= 1 + 1e-9).all()

    k = t["kams"]
    assert (k["level"] == "ceo").sum() == 1
    assert k.loc[k["level"] == "ceo", "capacity"].item() == 8
    assert k.loc[k["level"] == "junior", "capacity"].between(2, 3).all()
    assert k.loc[k["level"] == "senior", "capacity"].between(3, 5).all()


# ----------------------------------------------------------------- determinism


def test_same_seed_gives_identical_frames_and_bytes(tmp_path: Path) -> None:
    first, second = generate(seed=11, n_accounts=150), generate(seed=11, n_accounts=150)
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])
    p1 = write(first, tmp_path / "a")
    p2 = write(generate(seed=11, n_accounts=150), tmp_path / "b")
    assert [p.name for p in p1] == [f"{n}.csv" for n in EXPECTED_COLUMNS]
    for x, y in zip(p1, p2):
        assert x.read_bytes() == y.read_bytes(), x.name


def test_default_bytes_are_stable(tmp_path: Path, default: dict[str, pd.DataFrame]) -> None:
    a = write(default, tmp_path / "a")
    b = write(generate(), tmp_path / "b")
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b))


def test_different_seed_gives_different_data(default: dict[str, pd.DataFrame]) -> None:
    other = generate(seed=2026)
    assert not default["orders"].equals(other["orders"])
    assert not default["accounts"]["name"].equals(other["accounts"]["name"])


# ----------------------------------------------------------------- integrity


def test_default_integrity(default: dict[str, pd.DataFrame]) -> None:
    check_integrity(default)


def test_large_integrity(large: dict[str, pd.DataFrame]) -> None:
    check_integrity(large)
    assert large["accounts"]["account_id"].iloc[-1] == "ACC-2000"


@pytest.mark.parametrize("n", [10, 37])
def test_small_sizes_work(n: int) -> None:
    t = generate(seed=3, n_accounts=n)
    assert len(t["accounts"]) == n
    check_integrity(t)


def test_other_as_of_and_years() -> None:
    t = generate(seed=5, n_accounts=80, years=2, as_of="2024-06-30")
    as_of = pd.Timestamp("2024-06-30")
    assert t["orders"]["date"].max() <= as_of
    assert t["orders"]["date"].min() >= pd.Timestamp("2022-07-01")
    assert (t["interactions"]["date"] <= as_of).all()
    assert (t["accounts"]["since"] <= as_of).all()
    assert {"2024Q2", "2024Q3"} <= set(t["targets"]["period"])


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError, match="n_accounts must be at least 10"):
        generate(n_accounts=5)
    with pytest.raises(ValueError, match="years must be at least 1"):
        generate(years=0)


# ----------------------------------------------------------------- realism


def test_revenue_concentration_default(default: dict[str, pd.DataFrame]) -> None:
    rev = revenue_by_account(default)
    assert 0.75 <= top_share(rev) <= 0.85
    assert 0.75 <= top_share(rev[rev > 0]) <= 0.85  # ABC on accounts with revenue
    assert 10e6 <= rev.sum() < 100e6  # tens of millions EUR


def test_revenue_concentration_large(large: dict[str, pd.DataFrame]) -> None:
    assert 0.70 <= top_share(revenue_by_account(large)) <= 0.90


def test_names(default: dict[str, pd.DataFrame]) -> None:
    names = default["accounts"]["name"]
    assert names.is_unique
    assert names.str.contains("[äöüÄÖÜ]").sum() >= 10
    assert names.str.contains("ß").any()
    assert names.str.contains("&").any()
    assert names.str.contains(",").any()
    assert names.str.contains('"').any()
    assert default["contacts"]["name"].str.contains("[äöüß]").any()
    assert default["accounts"]["timezone"].str.fullmatch(r"[A-Z][a-z]+/[A-Za-z_]+").all()
    assert (default["accounts"]["country"] == "DE").mean() > 0.4


def test_archetypes(default: dict[str, pd.DataFrame]) -> None:
    a = default["accounts"].set_index("account_id")
    o = default["orders"]
    last_year = o[o["date"] > AS_OF - pd.Timedelta(days=365)]
    lost = a.index[a["status"] == "lost"]
    prospects = a.index[a["status"] == "prospect"]
    assert 2 <= len(lost) and 2 <= len(prospects)
    assert not last_year["account_id"].isin(lost).any()
    assert o["account_id"].value_counts().reindex(prospects, fill_value=0).max() <= 2

    yearly = o.pivot_table(index="account_id", columns=o["date"].dt.year,
                           values="gross_revenue_eur", aggfunc="sum", fill_value=0.0)
    growing = (yearly[2025] > 1.5 * yearly[2024]) & (yearly[2024] > 1.3 * yearly[2023])
    recent = a.loc[yearly.index, "since"] >= pd.Timestamp("2023-01-01")
    assert (growing & recent).sum() >= 3  # emerging accounts
    declining = (yearly[2025] < 0.9 * yearly[2024]) & (yearly[2024] < 0.9 * yearly[2023])
    assert declining.sum() >= 5
    top10 = revenue_by_account(default).nlargest(10).index
    assert declining.reindex(top10, fill_value=False).any()  # an at-risk key account
    assert a.loc[top10, "kam_id"].notna().sum() >= 7  # key accounts have a KAM
    small = revenue_by_account(default).nsmallest(100).index
    assert a.loc[small, "kam_id"].isna().mean() > 0.9
    # light seasonality: every month carries 4-12 % of revenue
    by_month = o.groupby(o["date"].dt.month)["gross_revenue_eur"].sum()
    assert len(by_month) == 12
    assert (by_month / by_month.sum()).between(0.04, 0.12).all()


def test_special_accounts(default: dict[str, pd.DataFrame]) -> None:
    t = default
    a = t["accounts"].set_index("account_id")
    rev = revenue_by_account(t)
    # one key account present in every table
    full = [acc for acc in rev.nlargest(5).index
            if all(acc in set(df["account_id"]) for df in t.values() if "account_id" in df)]
    assert full
    # a brand-new account: a handful of orders and nothing else
    n_orders = t["orders"]["account_id"].value_counts()
    new = a.index[(a["since"] > AS_OF - pd.Timedelta(days=200))
                  & (a["status"] == "active") & (n_orders.reindex(a.index) <= 6)]
    sparse = [acc for acc in new if all(acc not in set(t[x]["account_id"])
                                        for x in ("contacts", "wallet", "targets"))]
    assert sparse
    # a big account without a decider among key-account candidates
    con = t["contacts"]
    roles = con.groupby("account_id")["buying_role"].apply(set)
    no_decider = [acc for acc in rev.nlargest(5).index
                  if acc in roles.index and "decider" not in roles[acc]]
    assert no_decider
    # a single-threaded account: one contact carries almost all interactions
    ints = t["interactions"].dropna(subset=["contact_id"])
    share = ints.groupby("account_id")["contact_id"].agg(
        lambda s: s.value_counts().iloc[0] / len(s))
    cnt = ints.groupby("account_id").size()
    n_con = con.groupby("account_id").size()
    single = share[(cnt >= 20) & (share >= 0.85) & (n_con.reindex(share.index) >= 3)]
    assert len(single) >= 1
    # contacts mainly for the top accounts
    assert 40 <= con["account_id"].nunique() <= 80
    o = t["orders"]
    rev12 = o[o["date"] > AS_OF - pd.Timedelta(days=365)].groupby("account_id")[
        "gross_revenue_eur"].sum()
    newcomers = set(a.index[a["since"] > AS_OF - pd.DateOffset(years=3)])
    big = set(rev.nlargest(90).index) | set(rev12.nlargest(90).index) | newcomers
    assert set(con["account_id"]) <= big  # established or emerging (recent run-rate)


def test_wallet_targets_actions_ratings(default: dict[str, pd.DataFrame]) -> None:
    t = default
    o = t["orders"]
    prod = t["products"].set_index("product_id")["product_line"]
    recent = o[o["date"] > AS_OF - pd.Timedelta(days=365)].assign(
        product_line=lambda d: d["product_id"].map(prod))
    cur = recent.groupby(["account_id", "product_line", "business_unit"])[
        "gross_revenue_eur"].sum()
    w = t["wallet"].set_index(["account_id", "product_line", "business_unit"])
    sow = (cur.reindex(w.index, fill_value=0.0) / w["potential_eur"])
    sold = sow[sow > 0]
    assert (sow <= 1).mean() > 0.97
    assert sold.between(0.05, 0.70).mean() > 0.75
    assert (sow == 0).any()  # white space

    tg = t["targets"]
    with_kam = set(t["accounts"].dropna(subset=["kam_id"])["account_id"])
    assert set(tg["account_id"]) == with_kam
    assert {"2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1"} <= set(tg["period"])

    act = t["actions"]
    overdue = act[(act["status"] == "open") & (act["due"] < AS_OF)]
    assert len(overdue) >= 3
    assert (act["due"] > AS_OF).any()

    r = t["ratings"]
    assert 15 <= r["account_id"].nunique() <= 20
    per_account = r.groupby("account_id")["rater"].nunique()
    assert per_account.between(3, 4).all()
    spread = r.groupby(["account_id", "criterion"])["score"].agg(lambda s: s.max() - s.min())
    assert 0 < spread.mean() < 4  # agreement is realistic but not perfect


def test_whale_curve_has_profit_destroyers(default: dict[str, pd.DataFrame]) -> None:
    profit = profit_by_account(default)
    rev = revenue_by_account(default)
    assert (profit < 0).sum() >= 10
    small = rev[rev > 0].nsmallest(60).index
    assert (profit[small] < 0).sum() >= 10
    cum = profit.sort_values(ascending=False).cumsum() / profit.sum()
    assert cum.max() > 1.03


# ----------------------------------------------------------------- CSV format


def test_csv_format(tmp_path: Path, default: dict[str, pd.DataFrame]) -> None:
    paths = write(default, tmp_path / "new" / "dir")
    assert len(paths) == 14  # 13 tables and account_plans
    total = sum(p.stat().st_size for p in paths)
    assert total < 4_000_000
    for p in paths:
        raw = p.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in raw
        assert raw.endswith(b"\n")
        raw.decode("utf-8")
    lines = (tmp_path / "new" / "dir" / "orders.csv").read_text("utf-8").splitlines()
    assert lines[0] == ",".join(EXPECTED_COLUMNS["orders"])
    row = re.compile(r"ORD-\d{7},ACC-\d{4},\d{4}-\d\d-\d\d,P-\d{3},[^,]+,\d+,"
                     r"\d+\.\d\d,\d+\.\d\d,\d+\.\d\d")
    assert all(row.fullmatch(line) for line in lines[1:])
    comp = (tmp_path / "new" / "dir" / "competitors.csv").read_text("utf-8").splitlines()
    assert all(re.search(r",[01]\.\d{4}$", line) for line in comp[1:])
    acc = (tmp_path / "new" / "dir" / "accounts.csv").read_text("utf-8")
    assert ",," in acc  # empty kam_id
    assert '"Brauerei ""Zum Löwen"" Maier, Söhne & Co. KG"' in acc

    back = pd.read_csv(tmp_path / "new" / "dir" / "accounts.csv", dtype=str,
                       keep_default_na=False)
    assert back["name"].tolist() == default["accounts"]["name"].tolist()
    cl = pd.read_csv(tmp_path / "new" / "dir" / "complaints.csv", dtype=str,
                     keep_default_na=False)
    assert (cl["closed"] == "").any()
    assert cl["opened"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    # values round-trip exactly
    o = pd.read_csv(tmp_path / "new" / "dir" / "orders.csv", parse_dates=["date"])
    pd.testing.assert_series_equal(o["gross_revenue_eur"],
                                   default["orders"]["gross_revenue_eur"])
    assert (o["date"].dt.date == default["orders"]["date"].dt.date).all()


def test_write_keeps_other_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("keep me")
    (tmp_path / "orders.csv").write_text("old")
    t = {"orders": generate(seed=1, n_accounts=20)["orders"]}
    paths = write(t, tmp_path)
    assert paths == [tmp_path / "orders.csv"]
    assert (tmp_path / "README.md").read_text() == "keep me"
    assert (tmp_path / "orders.csv").read_text().startswith("order_id,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "orders.csv"]


def test_write_formats_generic_frames(tmp_path: Path) -> None:
    df = pd.DataFrame({
        "txt": ["a", None, 'x "y"', "multi\nline"],
        "amount_eur": [1.005, -0.001, np.nan, -12.5],
        "share": [0.12346, 1.0, 0.0, np.nan],
        "n": pd.array([1, None, 3, -4], dtype="Int64"),
        "day": pd.to_datetime(["2025-01-02", None, "1999-12-31", "2025-12-31"]),
    })
    (path,) = write({"misc": df}, tmp_path)
    assert path.read_text("utf-8") == (
        "txt,amount_eur,share,n,day\n"
        "a,1.00,0.1235,1,2025-01-02\n"
        ",0.00,1.0000,,\n"
        '"x ""y""",,0.0000,3,1999-12-31\n'
        '"multi\nline",-12.50,,-4,2025-12-31\n'
    )


# ----------------------------------------------------------------- account plans (issue 14)


def test_account_plans_regenerate_identically_and_leave_the_other_tables_alone(tmp_path: Path) -> None:
    a, b = generate(seed=11, n_accounts=150), generate(seed=11, n_accounts=150)
    pd.testing.assert_frame_equal(a["account_plans"], b["account_plans"])
    pa_, pb = write({"account_plans": a["account_plans"]}, tmp_path / "a"), write(
        {"account_plans": b["account_plans"]}, tmp_path / "b")
    assert pa_[0].read_bytes() == pb[0].read_bytes()
    # the bundled sample: every other table is byte for byte what data/sample holds (the plans draw from a
    # stream of their own), and account_plans.csv is what generate() writes
    fresh = write(generate(), tmp_path / "sample")
    for path in fresh:
        assert path.read_bytes() == (SAMPLE_DIR / path.name).read_bytes(), path.name


def test_every_account_with_a_kam_has_a_plan_with_each_section(default: dict[str, pd.DataFrame]) -> None:
    plans, acc = default["account_plans"], default["accounts"]
    with_kam = set(acc.loc[acc["kam_id"].notna(), "account_id"])
    assert set(plans["account_id"]) == with_kam and len(with_kam) >= 20
    sections = plans.groupby("account_id")["section"].agg(set)
    assert all(s == set(ENUMS[("account_plans", "section")]) for s in sections), sections
    n = plans.groupby(["account_id", "section"]).size().unstack()
    assert n["customer_goal"].between(2, 3).all() and n["objective"].between(1, 2).all()
    assert (n["strategy"] == 1).all() and (n["usp"] == 1).all() and n["agreed_goal"].between(3, 5).all()
    assert (n["team_ours"] >= 2).all() and (n["team_customer"] >= 1).all()
    goals = plans[plans["section"] == "agreed_goal"]
    assert goals[["owner_ours", "owner_customer", "due", "status"]].notna().all().all()
    # the KAM of kams.csv is on our team; the customer's team are contacts of that account, "name, title"
    kam_name = acc.set_index("account_id")["kam_id"].map(default["kams"].set_index("kam_id")["name"])
    ours = plans[plans["section"] == "team_ours"]
    assert all(f"{kam_name[a]}, Key Account Management" in set(ours.loc[ours["account_id"] == a, "text"])
               for a in with_kam)
    c = default["contacts"]
    known = set(c["account_id"] + "|" + c["name"] + ", " + c["title"])
    theirs = plans[plans["section"] == "team_customer"]
    named = theirs[~theirs["text"].str.startswith("N. N.")]
    assert (named["account_id"] + "|" + named["text"]).isin(known).all() and len(named) >= 40
    # due dates spread over the last year and the next quarter; finished goals say what came of them
    assert goals["due"].between(AS_OF - pd.Timedelta(days=365), AS_OF + pd.Timedelta(days=90)).all()
    assert (goals["due"] < AS_OF).sum() >= 30 and (goals["due"] > AS_OF).sum() >= 10
    finished = goals["status"].isin(["done", "missed", "dropped"])
    assert goals.loc[finished, "result"].notna().all() and goals.loc[~finished, "result"].isna().all()
    # most plans were reviewed recently, a few not for more than six months
    age = (AS_OF - plans.groupby("account_id")["updated_on"].max()).dt.days
    assert 1 <= (age > 183).sum() <= len(age) // 4 and (age <= 60).mean() >= 0.6


def test_plan_statuses_follow_the_account_story(default: dict[str, pd.DataFrame]) -> None:
    # the declining key account (revenue rank 5 in the last 12 months, see test_special_accounts) has goals at
    # risk or missed and a stale plan; the largest account's goals due so far are all done
    rev = default["orders"][default["orders"]["date"] > AS_OF - pd.DateOffset(years=1)].groupby(
        "account_id")["gross_revenue_eur"].sum()
    plans = default["account_plans"]
    goals = plans[plans["section"] == "agreed_goal"]
    top = rev.idxmax()
    mine = goals[goals["account_id"] == top]
    assert (mine.loc[mine["due"] < AS_OF, "status"] == "done").all()
    assert (AS_OF - plans.loc[plans["account_id"] == top, "updated_on"].max()).days <= 60
    shares = goals.groupby("account_id")["status"].agg(lambda s: s.isin(["at_risk", "missed"]).mean())
    troubled = shares[shares > 0.5].index
    assert len(troubled) >= 1
    for a in troubled:
        assert (AS_OF - plans.loc[plans["account_id"] == a, "updated_on"].max()).days > 183


def test_sorted_by_reorders_parallel_arrays_stably():
    from kamlib.data import sample

    # key 3, 1, 2, 1 -> ascending and stable (the first 1 before the second): positions 1, 3, 2, 0
    acc, name = sample._sorted_by(np.array([3, 1, 2, 1]), np.array([10, 20, 30, 40]), np.array(["a", "b", "c", "d"]))
    assert acc.tolist() == [20, 40, 30, 10] and name.tolist() == ["b", "d", "c", "a"]


# --- the master data file (kamlib/data/sample.toml) -------------------------------------------------------------

def test_the_master_data_file_reads_into_the_generators_codes() -> None:
    from kamlib.data import sample

    m = sample.master_data(sample.MASTER_FILE.read())
    # rank 1 in the file is position 0; "Machine Building" is the second industry of the file (index 1)
    assert m.curated[0] == ("Müller Maschinenbau GmbH", 1, "DE", "Stuttgart")
    assert m.newcomer == ("Nordlicht Robotik GmbH", 1, "DE", "Bremen")
    # a product names its line; the code is the line's position (Sensorik is the fourth line, index 3)
    assert m.products[25] == ("Induktiver Näherungsschalter NS-12", 3, 45.0)
    # a US city takes the country's time zone unless it names its own
    us = dict(next(cities for code, _, _, cities in m.countries if code == "US"))
    assert us["Houston"] == "America/Chicago" and us["Detroit"] == "America/Detroit"
    # the buying roles come in the data model's order: decider is the fourth, its influence 4 to 5
    assert m.role_infl[3] == (4, 5)
