"""The Rheinwerk case (kamlib.teaching.case): every designed-in story of the sample holds in the data, worked out
by hand from the CSV files (the csv module, no kamlib), both in the bundled sample and in a sample regenerated
from its seed, so a change of the generator that breaks a story fails here."""

from __future__ import annotations

import csv
import dataclasses
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

import kamlib
from kamlib import i18n
from kamlib.data import sample
from kamlib.data.datafile import DataFileError
from kamlib.teaching import case

AS_OF = "2025-12-31"


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    with open(folder / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _revenue_by_year(folder: Path) -> dict[str, dict[int, float]]:
    """Gross revenue per account and calendar year (the sample's 12-month windows end on 31 December)."""
    out: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for r in _rows(folder, "orders"):
        out[r["account_id"]][int(r["date"][:4])] += float(r["gross_revenue_eur"])
    return out


@pytest.fixture(scope="module", params=["bundled", "regenerated"])
def case_data(request, tmp_path_factory):
    """(folder, KamData, stories by key) of the bundled sample and of the sample regenerated from seed 2025."""
    if request.param == "bundled":
        folder = Path(kamlib.SAMPLE)
    else:
        folder = tmp_path_factory.mktemp("regenerated")
        sample.write(sample.generate(seed=2025), folder)
    data = kamlib.load(str(folder), as_of=AS_OF)
    return folder, data, case.story_map(data)


def test_every_story_is_told(case_data) -> None:
    _, _, found = case_data
    assert list(found) == list(case.STORY_KEYS)
    for key, story in found.items():
        assert story.facts, f"story {key} not found in the data"
        if key not in ("supplier",):
            assert story.account_ids, key


def test_supplier_market_and_products(case_data) -> None:
    folder, _, found = case_data
    f = found["supplier"].facts
    assert f["company"] == "Rheinwerk Antriebstechnik GmbH"
    accounts = _rows(folder, "accounts")
    assert f["accounts"] == len(accounts) == 240
    assert f["active"] == sum(r["status"] == "active" for r in accounts)
    lines = Counter(r["product_line"] for r in _rows(folder, "products"))
    assert dict(f["product_lines"]) == dict(lines)
    assert set(lines) == {"Getriebe", "Motoren", "Steuerungen", "Sensorik", "Service & Ersatzteile"}
    # the last 12 months' gross revenue: the sum of the 2025 order lines (about 25 M EUR by design)
    rev = sum(float(r["gross_revenue_eur"]) for r in _rows(folder, "orders") if r["date"].startswith("2025"))
    assert f["revenue"] == pytest.approx(rev, abs=0.01)
    assert 20e6 < rev < 30e6
    # German-speaking home market: DE, AT, CH hold about three quarters of the accounts (60 % + 8 % + 7 % drawn)
    dach = sum(r["country"] in ("DE", "AT", "CH") for r in accounts) / len(accounts)
    assert f["dach_share"] == pytest.approx(dach) and dach > 0.6


def test_revenue_concentration_top_fifth_holds_four_fifths(case_data) -> None:
    folder, _, found = case_data
    totals: Counter[str] = Counter()
    for r in _rows(folder, "orders"):
        totals[r["account_id"]] += float(r["gross_revenue_eur"])
    values = sorted([totals.get(r["account_id"], 0.0) for r in _rows(folder, "accounts")], reverse=True)
    n_top = math.ceil(0.2 * 240)  # 48 accounts
    share = sum(values[:n_top]) / sum(values)
    f = found["concentration"].facts
    assert f["n_top"] == n_top == 48
    assert f["share"] == pytest.approx(share, abs=1e-9)
    assert share == pytest.approx(0.80, abs=0.01)  # calibrated by the generator


def test_six_kams_and_their_accounts(case_data) -> None:
    folder, _, found = case_data
    kams = _rows(folder, "kams")
    story = found["kams"]
    assert story.facts["n"] == len(kams) == 6
    assert [k["level"] for k in kams].count("ceo") == 1
    by_kam: dict[str, set[str]] = defaultdict(set)
    for r in _rows(folder, "accounts"):
        if r["kam_id"]:
            by_kam[r["kam_id"]].add(r["account_id"])
    for k in story.facts["kams"]:
        assert set(k["accounts"]) == by_kam[k["kam_id"]]
        assert len(k["accounts"]) >= 1
    assert set(story.account_ids) == set().union(*by_kam.values())


def test_model_account_is_the_largest_with_an_open_complaint_and_an_overdue_action(case_data) -> None:
    folder, _, found = case_data
    rev = _revenue_by_year(folder)
    largest = max(rev, key=lambda a: rev[a][2025])
    story = found["model_account"]
    assert story.account_ids == (largest,)
    assert story.facts["name"] == "Müller Maschinenbau GmbH"
    open_complaints = [r for r in _rows(folder, "complaints") if r["account_id"] == largest and not r["closed"]]
    overdue = [
        r
        for r in _rows(folder, "actions")
        if r["account_id"] == largest and r["status"] in ("open", "in_progress") and r["due"] and r["due"] < AS_OF
    ]
    assert story.facts["open_complaints"] == len(open_complaints) >= 1
    assert story.facts["overdue_actions"] == len(overdue) >= 1
    # rows in every table that has an account_id column
    tables = [t for t in sample.TABLES if "account_id" in sample.COLUMNS[t]]
    assert all(any(r["account_id"] == largest for r in _rows(folder, t)) for t in tables)
    assert story.facts["tables"] == len(tables)


def test_big_account_without_decider(case_data) -> None:
    folder, _, found = case_data
    rev = _revenue_by_year(folder)
    roles: dict[str, set[str]] = defaultdict(set)
    for r in _rows(folder, "contacts"):
        roles[r["account_id"]].add(r["buying_role"])
    without = [a for a in roles if "decider" not in roles[a]]
    biggest = max(without, key=lambda a: rev[a][2025])
    story = found["no_decider"]
    assert story.account_ids[0] == biggest
    assert "decider" not in story.facts["roles"] and story.facts["roles"] == sorted(roles[biggest])
    ranking = sorted(rev, key=lambda a: -rev[a][2025])
    assert ranking.index(biggest) + 1 == story.facts["revenue_rank"] == 2  # the second largest account


def test_single_threaded_account(case_data) -> None:
    folder, _, found = case_data
    story = found["single_threaded"]
    a = story.account_ids[0]
    counts = Counter(
        r["contact_id"]
        for r in _rows(folder, "interactions")
        if r["account_id"] == a and r["contact_id"] and r["date"].startswith("2025")
    )
    top, n_top = counts.most_common(1)[0]
    share = n_top / sum(counts.values())
    assert share > 0.5  # one contact carries more than half of the year's contacts (the profile's rule)
    assert story.facts["share"] == pytest.approx(share)
    n_contacts = sum(r["account_id"] == a for r in _rows(folder, "contacts"))
    assert story.facts["contacts"] == n_contacts >= 4  # others exist, but are not met
    assert story.facts["kam"] is not None


def test_declining_key_account(case_data) -> None:
    folder, _, found = case_data
    story = found["declining"]
    a = story.account_ids[0]
    rev = _revenue_by_year(folder)[a]
    # 2023 > 2024 > 2025, and 2025 at most 75 % of 2023 (bundled sample: 2,111,887.72 -> 1,378,361.55 -> 905,616.04,
    # a fall of 905,616.04 / 2,111,887.72 - 1 = -57.1 %)
    assert rev[2023] > rev[2024] > rev[2025]
    assert story.facts["revenues"] == pytest.approx([rev[2023], rev[2024], rev[2025]], abs=0.01)
    assert story.facts["fall"] == pytest.approx(rev[2025] / rev[2023] - 1)
    assert story.facts["fall"] <= -0.25
    account = next(r for r in _rows(folder, "accounts") if r["account_id"] == a)
    assert account["kam_id"]  # a key account with a KAM
    deciders = [r for r in _rows(folder, "contacts") if r["account_id"] == a and r["buying_role"] == "decider"]
    assert deciders and all(r["attitude"] == "opponent" for r in deciders)
    assert story.facts["decider_attitude"] == "opponent"
    qbrs = [r for r in _rows(folder, "interactions") if r["account_id"] == a and r["type"] == "qbr"]
    assert story.facts["qbrs_history"] == len(qbrs) == 0  # neglected: no QBR in the whole history
    assert story.facts["rank_then"] <= 5  # among the largest accounts when the history begins
    # its account plan is neglected: last reviewed more than six months (183 days: before 2025-07-01) before the data date
    reviewed = max(r["updated_on"] for r in _rows(folder, "account_plans") if r["account_id"] == a)
    assert reviewed < "2025-07-01" and story.facts["plan_reviewed"] == reviewed
    goals = [r for r in _rows(folder, "account_plans") if r["account_id"] == a and r["section"] == "agreed_goal"]
    assert story.facts["goals_at_risk"] == sum(r["status"] in ("at_risk", "missed") for r in goals) >= 1


def test_profit_destroyers(case_data) -> None:
    folder, _, found = case_data
    story = found["profit_destroyers"]
    big = story.account_ids[0]
    # DB IV of 2025 by hand: gross - discount - cogs - cost to serve of the quarters 2025Q1-Q4
    net = db1 = gross = discount = 0.0
    for r in _rows(folder, "orders"):
        if r["account_id"] == big and r["date"].startswith("2025"):
            g, d, c = float(r["gross_revenue_eur"]), float(r["discount_eur"]), float(r["cogs_eur"])
            gross, discount, net, db1 = gross + g, discount + d, net + g - d, db1 + g - d - c
    cts = sum(
        float(r["cost_eur"])
        for r in _rows(folder, "service_costs")
        if r["account_id"] == big and r["period"].startswith("2025")
    )
    assert story.facts["net_revenue"] == pytest.approx(net, abs=0.01)
    assert story.facts["db4"] == pytest.approx(db1 - cts, abs=0.01)
    assert db1 - cts < 0
    # heavy discounts: at least twice the average discount rate
    assert story.facts["discount_share"] == pytest.approx(discount / gross)
    assert story.facts["discount_share"] > 2 * story.facts["avg_discount_share"]
    assert story.facts["revenue_rank"] <= 12  # a large account (rank 10 by run-rate in the generator)
    assert story.facts["n"] == len(story.account_ids) > 3  # and a few (many small) others


def test_rough_patch_accounts_lose_their_qbrs_and_recover(case_data) -> None:
    folder, _, found = case_data
    story = found["rough_patch"]
    assert story.facts["n"] >= 2
    quarters = [f"{y}Q{q}" for y in (2023, 2024, 2025) for q in (1, 2, 3, 4)]
    held: dict[str, set[str]] = defaultdict(set)
    for r in _rows(folder, "interactions"):
        if r["type"] == "qbr":
            held[r["account_id"]].add(f"{r['date'][:4]}Q{(int(r['date'][5:7]) - 1) // 3 + 1}")
    rev = _revenue_by_year(folder)
    for acc in story.facts["accounts"]:
        a = acc["account_id"]
        gap = quarters[quarters.index(acc["gap_from"]) : quarters.index(acc["gap_to"]) + 1]
        assert len(gap) >= 3 and not (set(gap) & held[a])
        before, after = quarters[: quarters.index(gap[0])], quarters[quarters.index(gap[-1]) + 1 :]
        assert set(before) & held[a] and set(after) & held[a]  # QBRs before and again after the patch
        # the patch shows in the revenue: the year 2024 below the better of 2023 and 2025
        assert rev[a][2024] < max(rev[a][2023], rev[a][2025])


def test_small_kam_accounts_lose_money(case_data) -> None:
    folder, _, found = case_data
    story = found["small_kam_accounts"]
    rev = _revenue_by_year(folder)
    values = sorted(v[2025] for v in rev.values() if v[2025] > 0)
    median = (values[len(values) // 2] + values[(len(values) - 1) // 2]) / 2
    assert story.facts["median"] == pytest.approx(median)
    kam = {r["account_id"] for r in _rows(folder, "accounts") if r["kam_id"]}
    assert set(story.account_ids) == {a for a in kam if rev[a][2025] < median}
    assert story.facts["n"] >= 1 and story.facts["losses"] >= 1


def test_emerging_newcomer_lost_and_prospects(case_data) -> None:
    folder, _, found = case_data
    rev = _revenue_by_year(folder)
    accounts = {r["account_id"]: r for r in _rows(folder, "accounts")}
    for a in found["emerging"].account_ids:
        assert accounts[a]["since"] >= "2023-01-01"
        assert rev[a][2025] >= 1.5 * rev[a][2024] > 0
    assert found["emerging"].facts["n"] >= 5

    new = found["newcomer"]
    assert new.facts["name"] == "Nordlicht Robotik GmbH"
    a = new.account_ids[0]
    assert sum(r["account_id"] == a for r in _rows(folder, "orders")) == new.facts["orders"] == 5
    assert not accounts[a]["kam_id"] and new.facts["contacts"] == 0
    assert sum(r["account_id"] == a for r in _rows(folder, "interactions")) <= 2

    lost = found["lost"]
    no_2025 = {a for a in rev if rev[a][2025] == 0 and (rev[a][2023] + rev[a][2024]) > 0}
    assert set(lost.account_ids) == no_2025
    assert lost.facts["with_status_lost"] == sum(r["status"] == "lost" for r in accounts.values()) == lost.facts["n"]

    pros = found["prospects"]
    assert set(pros.account_ids) == {a for a, r in accounts.items() if r["status"] == "prospect"}
    counts = Counter(r["account_id"] for r in _rows(folder, "orders"))
    assert all(counts[a] <= 2 for a in pros.account_ids)


def test_regenerated_sample_tells_the_same_stories(tmp_path) -> None:
    """The stories of the sample regenerated from seed 2025 are those of data/sample (same accounts, same facts)."""
    sample.write(sample.generate(seed=2025), tmp_path)
    fresh = case.story_map(kamlib.load(str(tmp_path), as_of=AS_OF))
    bundled = case.story_map(kamlib.load(kamlib.SAMPLE, as_of=AS_OF))
    for key in case.STORY_KEYS:
        assert fresh[key].account_ids == bundled[key].account_ids, key
        assert fresh[key].facts.keys() == bundled[key].facts.keys(), key


def test_stories_of_data_without_them_are_empty(tmp_path) -> None:
    """Another company's data need not tell a story: the story comes back empty instead of failing."""
    tables = sample.generate(seed=7, n_accounts=30)
    tables["contacts"] = tables["contacts"].assign(buying_role="decider")
    sample.write(tables, tmp_path)
    found = case.story_map(kamlib.load(str(tmp_path), as_of=AS_OF))
    assert found["no_decider"].account_ids == () and found["no_decider"].facts == {}
    assert found["supplier"].facts["accounts"] == 30


# --------------------------------------------------------------------------- the booklet and the role plays


@pytest.fixture(scope="module")
def sample_case():
    data = kamlib.load(kamlib.SAMPLE, as_of=AS_OF)
    return data, case.story_map(data)


def _evil(data, account_id: str, text: str):
    """``data`` with the name of ``account_id`` replaced by ``text`` (markup a customer name must never become)."""
    acc = data.accounts.copy()
    acc.loc[acc["account_id"] == account_id, "name"] = text
    acc.loc[acc["account_id"] == account_id, "industry"] = "<i>" + text  # a company's own industry code: data too
    return dataclasses.replace(data, accounts=acc)


EVIL = "<script>alert(1)</script> *Evil* [link](http://evil.example) &amp; Co"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_booklet_tells_company_kams_stories_and_tasks(sample_case, lang) -> None:
    data, found = sample_case
    text = case.booklet_markdown(data, lang)
    folder = Path(kamlib.SAMPLE)
    assert "Rheinwerk Antriebstechnik GmbH" in text
    for kam in _rows(folder, "kams"):
        assert kam["name"] in text
    # the declining account's revenue per year, summed by hand from orders.csv and formatted as the booklet does
    a = found["declining"].account_ids[0]
    rev = _revenue_by_year(folder)[a]
    for year in (2023, 2024, 2025):
        assert i18n.money(rev[year], lang, 0) in text
    assert i18n.percent(1 - rev[2025] / rev[2023], lang, 1) in text  # 57.1 % in the bundled sample
    for key in ("model_account", "no_decider", "single_threaded", "declining", "profit_destroyers", "newcomer"):
        assert found[key].facts["name"] in text, key
    for module in case.MODULES:
        heading = i18n.pick(i18n.table("case.modules")[module], lang)
        assert f"### {heading}" in text
        section = text.split(f"### {heading}")[1].split("###")[0]
        assert section.count("\n1. ") == 1 and "\n2. " in section, module  # at least two tasks per module
    for key in case.STORY_KEYS[3:]:  # every account story with what it teaches and a question for the room
        assert i18n.pick(i18n.table("case.stories")[key + "_lesson"], lang) in text, key
    assert "{" not in text and "}" not in text  # every placeholder filled
    assert i18n.pick(i18n.table("case.trainer")["heading"], lang) not in text  # the trainees' copy: no answers


def test_german_booklet_has_no_english_sentence(sample_case) -> None:
    data, _ = sample_case
    de = case.booklet_markdown(data, "de")
    english = [en for name, rows in i18n.tables().items() if name.startswith("case.") for en, d in rows.values()]
    chunks = [max(re.split(r"\{\w+\}", en), key=len).strip() for en in english]  # longest text between placeholders
    leftovers = [c for c in chunks if len(c) >= 20 and c in de]
    assert len([c for c in chunks if len(c) >= 20]) > 100  # the check reads the case's English sentences
    assert leftovers == []
    for term in ("Quartalsgespräch", "Jahresgespräch", "Deckungsbeitrag", "Buying Center", "Kundenwert"):
        assert term in de or term == "Deckungsbeitrag" and "DB IV" in de, term


def test_booklet_html_is_offline_printable_and_escapes_names(sample_case, tmp_path) -> None:
    data, found = sample_case
    a = found["declining"].account_ids[0]
    page = case.write_booklet(_evil(data, a, EVIL), tmp_path, "de")
    assert page == tmp_path / "case_booklet.html"
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="de">' in html and "@page" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<em>Evil</em>" not in html and 'href="http://evil.example"' not in html
    assert "&amp;amp; Co" in html  # the entity stays text: the reader sees '&amp; Co' as written
    assert "<table>" in html and "<h1>Die Fallstudie Rheinwerk</h1>" in html
    assert not [m for m in ('src="http', 'href="http', "@import") if m in html]  # offline: nothing from elsewhere


@pytest.mark.skipif(not any(Path(p).exists() for p in ("/usr/bin/chromium",)), reason="PDF needs Chromium")
def test_booklet_pdf(sample_case, tmp_path) -> None:
    data, _ = sample_case
    page = case.write_booklet(data, tmp_path / "fallbuch.html", "de", pdf=True)
    pdf = tmp_path / "fallbuch.pdf"
    assert page.exists() and pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000


def _quarter_revenue(folder: Path, account_id: str, months: tuple[str, ...]) -> float:
    return sum(
        float(r["gross_revenue_eur"])
        for r in _rows(folder, "orders")
        if r["account_id"] == account_id and r["date"][:7] in months
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_roleplays_have_both_sides_and_the_data_figures(sample_case, lang) -> None:
    data, found = sample_case
    folder = Path(kamlib.SAMPLE)
    briefs = case.roleplays(data, lang)
    assert set(briefs) == {"qbr", "annual"}
    a = found["declining"].account_ids[0]
    name = found["declining"].facts["name"]
    labels = i18n.table("case.roleplay")
    for kind, text in briefs.items():
        for part in ("h_customer", "h_kam", "h_observer", "h_wants", "h_pressure", "h_pushback", "h_goals", "h_keep"):
            assert i18n.pick(labels[part], lang) in text, (kind, part)
        assert name in text and "{" not in text
    # QBR: the last quarter's revenue (orders of October-December 2025) against the plan in targets.csv
    actual = _quarter_revenue(folder, a, ("2025-10", "2025-11", "2025-12"))
    target = next(
        float(r["revenue_target_eur"])
        for r in _rows(folder, "targets")
        if r["account_id"] == a and r["period"] == "2025Q4"
    )
    qbr = briefs["qbr"]
    assert i18n.money(actual, lang, 0) in qbr and i18n.money(target, lang, 0) in qbr
    assert i18n.percent(actual / target, lang, 1) in qbr
    # the customer side is played by the account's most influential buyer; the decider is named for the annual one
    contacts = [r for r in _rows(folder, "contacts") if r["account_id"] == a]
    buyer = max(
        (r for r in contacts if r["buying_role"] == "buyer"), key=lambda r: int(r["influence"])
    )  # first of equals: lowest id
    decider = next(r for r in contacts if r["buying_role"] == "decider")
    assert buyer["name"] in qbr and decider["name"] in briefs["annual"]
    # Jahresgespräch: share of wallet = revenue 2025 / the wallet potential summed from wallet.csv
    potential = sum(float(r["potential_eur"]) for r in _rows(folder, "wallet") if r["account_id"] == a)
    rev_2025 = _revenue_by_year(folder)[a][2025]
    annual = briefs["annual"]
    assert i18n.money(potential, lang, 0) in annual and i18n.percent(rev_2025 / potential, lang, 1) in annual
    # the quarterly review is never called Jahresgespräch in German, nor the other way round
    if lang == "de":
        assert "Quartalsgespräch (QBR)" in qbr.splitlines()[0] and "Jahresgespräch" in annual.splitlines()[0]


def test_roleplay_pages_escape_customer_names(sample_case, tmp_path) -> None:
    data, found = sample_case
    a = found["declining"].account_ids[0]
    paths = case.write_roleplays(_evil(data, a, EVIL), tmp_path / "roleplays", "de")
    assert [p.name for p in paths] == ["roleplay_qbr.html", "roleplay_annual.html"]
    for p in paths:
        html = p.read_text(encoding="utf-8")
        assert "<script" not in html and "&lt;script&gt;" in html and "<em>Evil</em>" not in html
        assert "Kundenseite" in html and "Seite des Key Account Managers" in html
        assert "break-before: page" in html  # printed, every side starts on a sheet of its own


def test_a_company_without_the_stories_still_gets_its_booklet(tmp_path) -> None:
    """30 accounts (seed 7): no declining key account, no single-threaded one: the booklet leaves those stories out
    and the role plays say that the case account is missing, in the reader's language."""
    sample.write(sample.generate(seed=7, n_accounts=30), tmp_path)
    data = kamlib.load(str(tmp_path), as_of=AS_OF)
    found = case.story_map(data)
    assert found["declining"].account_ids == () and found["single_threaded"].account_ids == ()
    text = case.booklet_markdown(data, "de")
    assert "Sinkflug:" not in text and "Am seidenen Faden" not in text and "### Modul 05" in text
    briefs = case.roleplays(data, "de")
    missing = i18n.pick(i18n.table("case.roleplay")["no_role_play"], "de")
    assert all(missing in b for b in briefs.values())


@pytest.mark.parametrize("lang", ["en", "de"])
def test_trainer_copy_has_the_expected_figures(sample_case, lang) -> None:
    data, found = sample_case
    folder = Path(kamlib.SAMPLE)
    text = case.booklet_markdown(data, lang, trainer=True)
    heading = i18n.pick(i18n.table("case.trainer")["heading"], lang)
    assert text.count(f"> **{heading}:**") == len(case.MODULES)
    notes = case.trainer_notes(data, lang)
    assert set(notes) == set(case.MODULES) and all(f"> **{heading}:** {n}" in text for n in notes.values())
    # 03: the largest loss-maker breaks even when its cost to serve falls by -DB IV (DB IV by hand from the CSV)
    big = found["profit_destroyers"].account_ids[0]
    db1 = sum(
        float(r["gross_revenue_eur"]) - float(r["discount_eur"]) - float(r["cogs_eur"])
        for r in _rows(folder, "orders")
        if r["account_id"] == big and r["date"].startswith("2025")
    )
    cts = sum(
        float(r["cost_eur"])
        for r in _rows(folder, "service_costs")
        if r["account_id"] == big and r["period"].startswith("2025")
    )
    assert i18n.money(cts - db1, lang, 0) in notes["03"]  # 302,372.57 - 169,277.74 = 133,094.83 in the sample
    # 03: five years of the declining account's DB I at retention 0.9 and 0.6, discount rate 10 %:
    # sum over t = 1..5 of m * r^t / 1.1^t
    a = found["declining"].account_ids[0]
    m = sum(
        float(r["gross_revenue_eur"]) - float(r["discount_eur"]) - float(r["cogs_eur"])
        for r in _rows(folder, "orders")
        if r["account_id"] == a and r["date"].startswith("2025")
    )
    for r in (0.9, 0.6):
        clv = sum(m * r**t / 1.1**t for t in range(1, 6))
        assert i18n.money(clv, lang, 0) in notes["03"], r
    # 04: the last quarter's plan-actual comparison of the declining account
    actual = _quarter_revenue(folder, a, ("2025-10", "2025-11", "2025-12"))
    assert i18n.money(actual, lang, 0) in notes["04"]


# --------------------------------------------------------------------------- review of issue 17: M3, m5


@pytest.fixture(scope="module")
def bundled():
    return kamlib.load(kamlib.SAMPLE)


def test_booklet_figures_are_the_notebooks_figures(bundled) -> None:
    """M3: the top-20 % shares and customer counts are computed as notebooks 00 and 01 compute them (their very
    calls, repeated here), and the booklet's key accounts are 01's decided list. By hand from orders.csv: the
    last twelve months have 226 buyers, ceil(0.2 * 226) = 46 of them bring 78.04 %; the whole history has 236
    buyers, ceil(0.2 * 236) = 48. Notebook 01 decides 22 key accounts."""
    import pandas as pd

    from kamlib import decision, selection

    data = bundled
    facts = case.story_map(data)["concentration"].facts
    whole = selection.account_revenue(data.orders)  # notebook 00
    last_start = data.as_of - pd.DateOffset(years=1) + pd.Timedelta(days=1)  # notebook 01
    revenue_12m = selection.account_revenue(data.orders, start=last_start, end=data.as_of)
    assert facts["accounts"] == len(whole) == 236 and facts["n_top"] == 48
    assert facts["accounts_current"] == len(revenue_12m) == 226 and facts["n_top_current"] == 46
    assert facts["share"] == pytest.approx(selection.top_share(whole, fraction=0.2))
    assert facts["share_current"] == pytest.approx(selection.top_share(revenue_12m, fraction=0.2))
    assert round(facts["share_current"], 3) == 0.780
    key = list(decision.decide(data).selection.definitive.index)
    assert case.key_accounts(data) == [str(k) for k in key] and len(key) == 22
    kams = case.story_map(data)["kams"].facts
    assert kams["key_accounts"] == 22 and kams["accounts"] == 23
    share = revenue_12m.reindex(key).fillna(0).sum() / revenue_12m.sum()
    assert kams["key_share"] == pytest.approx(share)
    for lang, digits in (("de", "78,0"), ("en", "78.0")):
        text = case.booklet_markdown(data, lang, trainer=True)
        shown = i18n.percent(facts["share_current"], lang)
        assert shown.startswith(digits) and shown in text
        assert (
            case._tx(
                "booklet",
                "kams_key",
                lang,
                key=22,
                key_share=case._pct(share, lang),
                both=kams["key_with_kam"],
                kam_not_key=kams["kam_not_key"],
            )
            in text
        )
        assert "79,0" not in text and "79.0" not in text  # the old base (240 accounts, zeros included)


def test_booklet_plot_is_consistent(bundled) -> None:
    """m5: the prospects' trial orders are the same number in section 1 and in their story; 'n of n lose money'
    reads 'all'; the annual brief's customer does not ask for Rheinwerk's management when the KAM is its
    managing director; the stories are not all key accounts."""
    found = case.story_map(bundled)
    max_orders = found["prospects"].facts["max_orders"]
    de = case.booklet_markdown(bundled, "de")
    assert "einem Probeauftrag" not in de and f"höchstens {max_orders} Probeaufträge" in de
    small = found["small_kam_accounts"].facts
    if small["losses"] == small["n"]:
        assert f"davon {small['n']} mit Verlust" not in de and "alle machen Verlust" in de
    assert "Die Geschichten der Key Accounts" not in de
    annual = case.roleplays(bundled, "de")["annual"]
    assert "Geschäftsleitung von Rheinwerk" not in annual


# --- the fills file (kamlib/teaching/case_fills.toml): which fact fills which placeholder, in which format --------

_FILLS = """
[stories.demo]
loss = { format = "money", abs = true }
last = { format = "plain", fact = "years", item = -1 }
db1 = { format = "money", fact = "profit.db1", missing = nan }
kam = { format = "text", missing_label = "none" }
name = "text"
"""


def test_a_fill_takes_its_fact_by_path_item_and_sign_and_stands_in_for_a_missing_one():
    sentence = case.fills(case.FILLS_FILE.parse(_FILLS))["stories"]["demo"]
    facts = {"loss": -1234.0, "years": [2023, 2024, 2025], "kam": None, "name": "A*B", "profit": {}}
    values = {p: fill.value(facts, "en") for p, fill in sentence.items()}
    assert values["loss"] == "€1,234"  # abs(-1234.0) as money, no decimals
    assert values["last"] == 2025  # the last item of the list, as it is
    assert values["db1"] == "–"  # profit has no db1: missing = nan, and money of nan is a dash
    assert values["kam"] == "none"  # None: the catalogue's case.labels.none
    assert values["name"] == r"A\*B"  # customer text escaped for Markdown
    with pytest.raises(KeyError, match="name"):  # an absent fact without a stand-in is an error
        sentence["name"].value({}, "en")


def test_a_fact_that_is_there_but_none_shows_as_a_dash_without_a_stand_in():
    """None is the data's "no value" (no plan review, no decider): without missing/missing_text/missing_label it shows
    as the dash that money, numbers and dates show for no value; before, text showed 'None' and percent, roles or an
    item of it raised TypeError. An absent fact (a misspelt path) stays an error."""
    parsed = case.FILLS_FILE.parse(
        '[s.t]\ntitle = "text"\nshare = "percent"\nroles = "roles"\nfirst = { format = "plain", fact = "years", item = 0 }'
        '\nreviewed = "date"\n'
    )
    sentence = case.fills(parsed)["s"]["t"]
    facts = {"title": None, "share": None, "roles": None, "years": None, "reviewed": None}
    assert {p: fill.value(facts, "de") for p, fill in sentence.items()} == dict.fromkeys(
        ["title", "share", "roles", "first", "reviewed"], "–"
    )
    with pytest.raises(KeyError, match="'title'"):
        sentence["title"].value({}, "en")


@pytest.mark.parametrize(
    ("fill", "says"),
    [
        # an option the fill does not have: the options it has
        (
            'loss = { format = "money", sign = false }',
            "s.t.loss.sign: unknown entry (allowed: format, fact, item, abs, missing, missing_text, missing_label)",
        ),
        # a stand-in value for a list's item would be indexed itself (nan[0]): missing_text or missing_label instead
        (
            'first = { format = "money", fact = "revenues", item = 0, missing = nan }',
            "s.t.first.missing: not with item (the stand-in would be indexed; use missing_text or missing_label)",
        ),
    ],
)
def test_a_fill_that_cannot_work_names_the_file_and_the_key(fill, says):
    with pytest.raises(DataFileError) as err:
        case.fills(case.FILLS_FILE.parse(f"[s.t]\n{fill}\n"))
    assert str(err.value) == f"kamlib/teaching/case_fills.toml: {says}"


def test_every_fill_names_a_placeholder_of_its_catalogue_sentence_in_both_languages():
    """The fills file and the catalogue agree: each filled placeholder appears in the sentence's English and
    German text (a fill for a placeholder the sentence lost would be silently ignored)."""
    for section, sentences in case._FILLS.items():
        for key, placeholders in sentences.items():
            if (section, key) == ("stories", "common"):
                continue  # the account's facts every story may name
            table = i18n.table(f"case.{section}")
            # a story's placeholders may stand in its heading (_h) or discussion question (_q) too
            family = [table[k] for k in (key, f"{key}_h", f"{key}_q") if k in table]
            for lang in (0, 1):
                text = " ".join(pair[lang] for pair in family)
                for p in placeholders:
                    assert "{" + p + "}" in text, (section, key, p, ("en", "de")[lang])
