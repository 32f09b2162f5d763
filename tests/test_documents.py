"""The account documents (kamlib.present.documents, kamlib.batch.documents): names, the target proposal, the
whitelist of the customer-facing pages, failures, ``kam run --only qbr``, and page counts through Chromium."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import AS_OF, ROOT, SAMPLE, require_system

from kamlib import i18n, review
from kamlib.batch import documents as batch_docs
from kamlib.present import documents as D

CHROMIUM = "/usr/bin/chromium"
#: Screenshots of the documents go to reports/test-artifacts/ (ignored by git) on every run; into the tracked
#: docs/screenshots/ only when KAM_SCREENSHOTS names that folder (``make screenshots``).
SCREENSHOTS = ROOT / "reports" / "test-artifacts" / "screenshots"
DOC_SCREENSHOTS = os.environ.get("KAM_SCREENSHOTS", "")


# --------------------------------------------------------------------------- names, years, the proposal


def test_document_names_follow_the_contract():
    assert D.document_name("brief", "de") == "brief.de.html"
    assert D.document_name("qbr", "en", period="2025Q4") == "qbr_2025Q4.en.html"
    assert D.document_name("annual", "de", year=2025) == "annual_2025.de.html"
    for bad in (lambda: D.document_name("memo", "en"), lambda: D.document_name("qbr", "en", period="2025"),
                lambda: D.document_name("annual", "en"), lambda: D.document_name("brief", "fr")):
        with pytest.raises(ValueError):
            bad()


def test_annual_year_is_the_last_complete_calendar_year():
    assert D.annual_year("2025-12-31") == 2025  # the year ends on the data date: it is complete
    assert D.annual_year("2025-12-30") == 2024
    assert D.annual_year("2026-02-01") == 2025


def test_target_proposal_by_hand():
    """TARGET_RULES: trend limited to +-15 %, 25 % of the top three opportunities' expected value, total +20 % at most,
    rounding never across this year's revenue."""
    assert D.TARGET_RULES == {"trend_cap": 0.15, "opportunity_share": 0.25, "max_growth": 0.20, "top": 3}
    opp = pd.DataFrame({"product_line": ["Motoren", "Getriebe", "Sensorik", "Motoren"],
                        "gap_eur": [100_000.0, 50_000.0, 30_000.0, 999_999.0],
                        "win_probability": [0.2, 0.4, 0.5, 0.9]})
    # growing: 1,000,000 after 800,000 = +25 %, limited to +15 %: trend 1,150,000; the best three opportunities:
    # 100,000 x 0.2 + 50,000 x 0.4 + 30,000 x 0.5 = 55,000 expected (the fourth is not counted); 25 % of it = 13,750;
    # 1,163,750 -> 1,164,000 (+16.4 %), below the limit 1,200,000
    p = D.propose_targets(1_000_000.0, 800_000.0, opp)
    assert p["growth"] == pytest.approx(0.25) and p["applied"] == pytest.approx(0.15)
    assert p["trend_eur"] == pytest.approx(1_150_000.0)
    assert p["expected_eur"] == pytest.approx(55_000.0) and p["extra_eur"] == pytest.approx(13_750.0)
    assert p["share"] == pytest.approx(55_000 / 180_000)
    assert p["lines"] == ["Motoren", "Getriebe", "Sensorik"]
    assert p["proposal"] == 1_164_000.0 and p["change"] == pytest.approx(0.164) and not p["capped"]
    # large potential: 1,000,000 x 0.8 = 800,000 expected, 25 % = 200,000; 1,150,000 + 200,000 = 1,350,000 (+35 %)
    # is limited to +20 %: 1,200,000
    big = pd.DataFrame({"product_line": ["X"], "gap_eur": [1_000_000.0], "win_probability": [0.8]})
    capped = D.propose_targets(1_000_000.0, 800_000.0, big)
    assert capped["proposal"] == 1_200_000.0 and capped["capped"]
    # declining: 600,000 after 800,000 = -25 %, limited to -15 %: 510,000; plus 25 % of 100,000 x 0.2 = 5,000:
    # 515,000 (-14.2 %) -- a falling account gets no growth target from its potential
    down = D.propose_targets(600_000.0, 800_000.0, opp.head(1))
    assert down["trend_eur"] == pytest.approx(510_000.0) and down["proposal"] == 515_000.0
    assert down["change"] == pytest.approx(515 / 600 - 1)
    # flat: 47,005 after 47,005, no potential: the proposal is this year's revenue (0 %), not 47,000 (a fall)
    flat = D.propose_targets(47_005.0, 47_005.0, opp.iloc[0:0])
    assert flat["proposal"] == 47_005.0 and flat["change"] == 0.0
    # flat plus 25 % of 1,000 x 0.4 = 100: 47,105 rounds to 47,000 -- below this year: up to 48,000 (+2.1 %)
    small = pd.DataFrame({"product_line": ["X"], "gap_eur": [1_000.0], "win_probability": [0.4]})
    up = D.propose_targets(47_005.0, 47_005.0, small)
    assert up["proposal"] == 48_000.0 and up["change"] > 0
    # a slight fall: 46,600 after 46,700: trend 46,600 x 46,600 / 46,700 = 46,500.2, rounds to 47,000 -- above this
    # year: down to 46,000
    assert D.propose_targets(46_600.0, 46_700.0, opp.iloc[0:0])["proposal"] == 46_000.0
    # no year before: the year itself is the base (123,456 rounds to 123,000 -- a fall of 0.4 %? no: no change
    # rounds to this year's revenue)
    new = D.propose_targets(123_456.0, 0.0, opp.iloc[0:0])
    assert new["applied"] == 0.0 and new["proposal"] == 123_456.0


def test_target_proposals_of_the_sample_stay_within_the_rules(sample_data):
    """Every key account of the sample: the proposal lies within [-trend_cap, +max_growth] of this year's revenue."""
    from kamlib.batch import runner

    rules = D.TARGET_RULES
    changes = []
    for acc, _ in runner.select_accounts(sample_data, {}):
        p = D.customer_facts(sample_data, acc).proposal
        rev = p["revenue"]
        assert rev * (1 - rules["trend_cap"]) - 1e-6 <= p["proposal"] <= rev * (1 + rules["max_growth"]) + 1e-6, acc
        # rounding never turns the direction: the rounded change has the sign of the unrounded one
        raw = min(p["trend_eur"] + p["extra_eur"], rev * (1 + rules["max_growth"]))
        rev, raw = round(rev, 2), round(raw, 2)
        assert (p["proposal"] > rev) == (raw > rev) and (p["proposal"] < rev) == (raw < rev), acc
        changes.append(p["change"])
    assert len(changes) >= 10


# --------------------------------------------------------------------------- hand-made account with markers

MARK = {
    "objective": "MARKOBJECTIVE1", "strategy": "MARKSTRATEGY2", "usp": "MARKUSP3", "attitude": "MARKATTITUDE4",
    "role": "MARKROLE5", "goal": "MARKACTIONGOAL6", "action": "MARKACTIONTEXT7", "note": "MARKNOTE8",
    "action_note": "MARKACTIONNOTE9",
}
COGS = 98765.43  # cost of goods of the one Q4 order: a distinctive amount
MARGIN_TARGET = 7_777_777.0
COST_TO_SERVE = 4_242.42


def _marked_data(make_data, name="Kunde <b>Eins</b> GmbH"):
    accounts = pd.DataFrame({"account_id": ["ACC-1"], "name": [name], "industry": ["Maschinenbau"],
                             "country": ["DE"], "city": ["Ulm"], "kam_id": ["KAM-1"],
                             "since": pd.to_datetime(["2015-03-01"]), "status": ["active"]})
    kams = pd.DataFrame({"kam_id": ["KAM-1"], "name": ["Anna Weiß"], "level": ["senior"], "capacity": [4]})
    products = pd.DataFrame({"product_id": ["P-1", "P-2"], "name": ["G1", "M2"], "product_line": ["Getriebe", "Motoren"]})
    orders = pd.DataFrame({
        "order_id": ["O-1", "O-2", "O-3", "O-4"], "account_id": ["ACC-1"] * 4,
        "date": pd.to_datetime(["2024-11-05", "2025-03-10", "2025-11-12", "2025-12-01"]),
        "product_id": ["P-1", "P-2", "P-1", "P-2"], "business_unit": ["Werk"] * 4,
        "quantity": [10, 20, 30, 40], "gross_revenue_eur": [10_000.0, 20_000.0, 200_000.0, 150_000.0],
        "discount_eur": [0.0, 0.0, 1_000.0, 0.0], "cogs_eur": [5_000.0, 9_000.0, COGS, 70_000.0]})
    complaints = pd.DataFrame({
        "complaint_id": ["C-1", "C-2"], "account_id": ["ACC-1"] * 2,
        "opened": pd.to_datetime(["2025-10-01", "2025-11-20"]), "closed": pd.to_datetime(["2025-10-11", pd.NaT]),
        "severity": ["high", "medium"], "category": ["quality", "delivery"], "note": [MARK["note"]] * 2})
    contacts = pd.DataFrame({
        "contact_id": ["CON-1", "CON-2"], "account_id": ["ACC-1"] * 2, "name": ["Eva Kern", "Jan Roth"],
        "title": ["Einkauf", "Werkleitung"], "business_unit": ["Werk"] * 2, "buying_role": [MARK["role"], "buyer"],
        "influence": [5, 3], "attitude": [MARK["attitude"], "opponent"]})
    actions = pd.DataFrame({
        "action_id": ["A-1"], "account_id": ["ACC-1"], "goal": [MARK["goal"]], "action": [MARK["action"]],
        "owner": ["Anna Weiß"], "due": pd.to_datetime(["2026-01-31"]), "status": ["in_progress"],
        "notes": [MARK["action_note"]]})
    targets = pd.DataFrame({"account_id": ["ACC-1"] * 4, "period": ["2025Q1", "2025Q2", "2025Q3", "2025Q4"],
                            "revenue_target_eur": [50_000.0, 50_000.0, 50_000.0, 250_000.0],
                            "margin_target_eur": [MARGIN_TARGET] * 4})
    service_costs = pd.DataFrame({"account_id": ["ACC-1"], "period": ["2025Q4"], "category": ["service"],
                                  "cost_eur": [COST_TO_SERVE]})
    plans = pd.DataFrame({
        "item_id": [f"PLAN-{i}" for i in range(1, 9)], "account_id": ["ACC-1"] * 8,
        "section": ["objective", "strategy", "usp", "customer_goal", "team_ours", "team_customer",
                    "agreed_goal", "agreed_goal"],
        "text": [MARK["objective"], MARK["strategy"], MARK["usp"], "Werk Süd bis 2027 <i>ausbauen</i>",
                 "Anna Weiß, KAM", "Eva Kern, Einkauf", "Lieferzeit Getriebe unter 10 Tagen",
                 "Gemeinsamer Workshop Energieeffizienz"],
        "owner_ours": [None, None, None, None, None, None, "Anna Weiß", "Anna Weiß"],
        "owner_customer": [None, None, None, None, None, None, "Eva Kern", "Jan Roth"],
        "due": pd.to_datetime([None, None, None, None, None, None, "2025-12-15", "2026-02-28"]),
        "status": [None, None, None, None, None, None, "done", "open"],
        "result": [None, None, None, None, None, None, "8,5 Tage im Schnitt", None],
        "updated_on": pd.to_datetime(["2025-12-01"] * 8)})
    extra = dict(products=products, complaints=complaints, contacts=contacts, actions=actions, targets=targets,
                 service_costs=service_costs)
    try:
        data = make_data(accounts, orders, kams=kams, account_plans=plans, **extra)
    except TypeError:  # the data model has no account_plans yet (contract A lands with helper "plan")
        data = make_data(accounts, orders, kams=kams, **extra)
        object.__setattr__(data, "account_plans", plans)
    return data


def _money_forms(v: float) -> list[str]:
    return [i18n.money(v, lang, d) for lang in i18n.LANGS for d in (0, 2)] + [
        i18n.number(v, lang, d) for lang in i18n.LANGS for d in (0, 2)]


def _internal_words(data, prep) -> list[str]:
    """Every marker and every internal figure of the account as a reader would see it, in both languages."""
    words = list(MARK.values())
    for v in (COGS, MARGIN_TARGET, COST_TO_SERVE, 200_000.0 - 1_000.0 - COGS):  # cogs, margin target, cts, DB I
        words += _money_forms(v)
    h = prep.health.loc["health"]
    for lang in i18n.LANGS:
        words += [i18n.pick(i18n.table("review.labels")["health"], lang), "Health", "DB I", "DB IV",
                  i18n.pick(i18n.table("documents.titles")["internal"], lang)]
        view = review.findings_view(prep.findings, lang)  # the findings as the brief shows them
        words += [str(x) for x in view.index] + [str(x) for x in view.iloc[:, -1]]
        words += [review.label(str(h["band"]), lang)]
    return words


def test_markers_never_reach_the_customer_documents(make_data):
    data = _marked_data(make_data)
    prep = D.prepare(data, "ACC-1")
    assert prep.period == "2025Q4" and prep.year == 2025
    assert len(prep.findings), "the hand-made account has health findings (no decider, as the role is a marker)"
    words = _internal_words(data, prep)
    for lang in i18n.LANGS:
        brief, _ = D.render_document(prep, "brief", lang)
        # the markers are reachable: the internal brief shows them (so their absence below is no accident)
        for m in (MARK["objective"], MARK["strategy"], MARK["usp"], MARK["goal"], MARK["attitude"], MARK["role"]):
            assert m in brief, m
        for kind in D.CUSTOMER_KINDS:
            html, _ = D.render_document(prep, kind, lang)
            html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)  # the shared stylesheet names the bands
            leaked = [w for w in words if w in html]
            assert not leaked, f"{kind} {lang}: internal content {leaked}"
        qbr, _ = D.render_document(prep, "qbr", lang)
        # what the customer may see is there: the agreed goals with both owners, its result, the next goal
        for shown in ("Lieferzeit Getriebe unter 10 Tagen", "8,5 Tage im Schnitt", "Eva Kern",
                      "Gemeinsamer Workshop Energieeffizienz", "Jan Roth"):
            assert shown in qbr, shown
        # units of Q4 2025 by line: Getriebe 30, Motoren 40; one complaint resolved in 10 days, one open (delivery)
        assert re.search(r"Getriebe</td><td class=\"num\">1</td><td class=\"num\">30</td>", qbr)
        annual, _ = D.render_document(prep, "annual", lang)
        assert "Werk Süd bis 2027 &lt;i&gt;ausbauen&lt;/i&gt;" in annual  # customer text escaped, not markup


def test_customer_views_take_the_whitelist_only(make_data):
    data = _marked_data(make_data)
    facts = D.customer_facts(data, "ACC-1")
    assert set(facts.tables) == set(D.CUSTOMER_FIELDS)
    for table, frame in facts.tables.items():
        assert list(frame.columns) == list(D.CUSTOMER_FIELDS[table]), table
    assert set(facts.tables["account_plans"]["section"]) <= set(D.CUSTOMER_SECTIONS)
    for forbidden in ("cogs_eur", "discount_eur", "attitude", "influence", "buying_role", "margin_target_eur", "goal"):
        assert all(forbidden not in f.columns for f in facts.tables.values()), forbidden
    with pytest.raises(TypeError):
        D.qbr_view(data, "en")  # the full data is refused
    with pytest.raises(TypeError):
        D.annual_view(data, "de")


def test_annual_pack_figures_by_hand(make_data):
    data = _marked_data(make_data)
    prep = D.prepare(data, "ACC-1")
    v = D.annual_view(prep.customer, "en")
    # 2025: Getriebe 200,000 (30 units), Motoren 20,000 + 150,000 = 170,000 (60 units); 2024: Getriebe 10,000 (10)
    rows = {r["cells"][0]: r["cells"] for r in v["figures"]}
    assert rows["Getriebe"] == ["Getriebe", "€200,000", "€10,000", "+1,900.0%", "30", "10"]
    assert rows["Motoren"] == ["Motoren", "€170,000", "€0", "–", "60", "0"]
    assert rows["Total"] == ["Total", "€370,000", "€10,000", "+3,600.0%", "90", "10"]
    # plan 2025: 50,000 x 3 + 250,000 = 400,000 in all four quarters; 370,000 / 400,000 = 92.5 %
    assert v["plan_line"] == "Our planned revenue for 2025: €400,000; revenue in that period €370,000, 92.5% of our plan."
    # proposal: +3,600 % limited to +15 %: 370,000 x 1.15 = 425,500; no wallet, no opportunities -> 426,000 (rounded)
    assert v["proposal_line"] == "Proposed revenue target 2026: €426,000 (+15.1% on €370,000)."
    assert [r["cells"][0] for r in v["agreed"]] == ["Lieferzeit Getriebe unter 10 Tagen"]  # the goal due in 2025 only


def test_one_failing_account_is_recorded_not_raised(make_data, tmp_path, monkeypatch):
    data = _marked_data(make_data)
    real = D.prepare

    def broken(data, account_id, **kw):
        if account_id == "ACC-X":
            raise RuntimeError("boom for ACC-X")
        return real(data, account_id, **kw)

    monkeypatch.setattr(D, "prepare", broken)
    entries = batch_docs.write_documents(data, tmp_path, [("ACC-X", "ACC-X"), ("ACC-1", "ACC-1")], kinds=["qbr"])
    status = {(e["account_id"], e["lang"]): e["status"] for e in entries}
    assert status == {("ACC-X", "en"): "failed", ("ACC-X", "de"): "failed", ("ACC-1", "en"): "ok",
                      ("ACC-1", "de"): "ok"}
    failed = [e for e in entries if e["status"] == "failed"]
    assert all("boom for ACC-X" in e["error"] for e in failed)
    assert (tmp_path / "accounts/ACC-X/qbr_2025Q4.en.html").is_file()  # an error page: the link still opens
    assert batch_docs.failed_keys(entries) == ["accounts/ACC-X/qbr_2025Q4.en", "accounts/ACC-X/qbr_2025Q4.de"]



def test_no_document_asked_for_computes_and_writes_nothing(make_data, tmp_path, monkeypatch):
    """kam run --only 02 asks for no document: no account is prepared (a profile and a health score each; on
    the sample's 22 report accounts about 4 s in one process) and no account folder is made. Before, every
    account was prepared and its folder made, for nothing written."""
    prepared = []
    monkeypatch.setattr(D, "prepare", lambda data, account_id, **kw: prepared.append(account_id))
    entries = batch_docs.write_documents(_marked_data(make_data), tmp_path, [("ACC-1", "ACC-1")], kinds=[])
    assert entries == [] and prepared == [] and list(tmp_path.iterdir()) == []


def test_a_failed_document_and_a_failed_notebook_get_one_error_page(make_data, tmp_path, monkeypatch):
    # one page (kamlib.present.pages.error_page) for both: the document's in its language, the cause escaped,
    # the link two folders up to the index, the run's id in the re-run command; the notebook's the same page
    from kamlib.batch import runner
    from kamlib.present import pages

    def broken(data, account_id, **kw):
        raise RuntimeError("<b>boom</b>")

    data = _marked_data(make_data)
    monkeypatch.setattr(D, "prepare", broken)
    batch_docs.write_documents(data, tmp_path, [("ACC-X", "ACC-X")], kinds=["qbr"], langs=["de"])
    page = (tmp_path / "accounts/ACC-X/qbr_2025Q4.de.html").read_text(encoding="utf-8")
    assert "Dieser Bericht konnte nicht erstellt werden: ACC-X qbr_2025Q4.de.html" in page
    assert "RuntimeError: &lt;b&gt;boom&lt;/b&gt;" in page and "<b>boom" not in page
    assert '<a href="../../index.html">' in page and f"--resume {tmp_path.name}</code>" in page
    task = runner.Task("notebooks/04_review_cycle.ipynb", "accounts/ACC-X/04_review_cycle", {}, "ACC-X")
    run = {"run_id": "R1", "parameters": {"lang": "de"}}
    assert runner.error_page(task, "RuntimeError: x", run, depth=2) == pages.error_page(
        "de", what="04_review_cycle · ACC-X", error="RuntimeError: x", back="../../index.html", run_id="R1",
        text=runner._footer_text(run, "de"),
    )


# --------------------------------------------------------------------------- kam run --only qbr


def test_kam_run_only_qbr_writes_just_those_documents(kam, tmp_path):
    out = tmp_path / "reports"
    r = kam("run", str(SAMPLE), "--as-of", AS_OF, "--out", str(out), "--run-id", "q", "--only", "qbr",
            "--accounts", "ACC-0135", "--quiet")
    assert r.returncode == 0, r.stderr
    run = out / "q"
    written = sorted(p.relative_to(run).as_posix() for p in (run / "accounts").rglob("*") if p.is_file())
    # one account, one kind, two languages, the last complete quarter at 2025-12-31 is 2025Q4; no notebook ran
    assert written == ["accounts/ACC-0135/qbr_2025Q4.de.html", "accounts/ACC-0135/qbr_2025Q4.en.html"]
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["notebooks"] == [] and manifest["failures"] == []
    assert [(d["account_id"], d["kind"], d["lang"], d["period"], d["html"], d["pdf"]) for d in manifest["documents"]] == [
        ("ACC-0135", "qbr", "en", "2025Q4", "accounts/ACC-0135/qbr_2025Q4.en.html", None),
        ("ACC-0135", "qbr", "de", "2025Q4", "accounts/ACC-0135/qbr_2025Q4.de.html", None)]
    assert manifest["documents"][1]["title"].startswith("Quartalsgespräch (QBR) – ")


def test_kam_run_only_unknown_kind_is_one_message(kam, tmp_path):
    r = kam("run", str(SAMPLE), "--out", str(tmp_path), "--only", "qbrr")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "'qbrr' is neither a document (brief, qbr, annual)" in r.stderr
    assert "Traceback" not in r.stderr and not any(tmp_path.iterdir())


# --------------------------------------------------------------------------- Chromium: pages and screenshots


def _pages(pdf: bytes) -> int:
    """Pages of a PDF: pypdf when installed, else the page objects Chromium writes (``/Type /Page``)."""
    try:
        import io

        from pypdf import PdfReader
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def browser():
    require_system("chromium", Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_system("playwright (pip install -e '.[dev]')", False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = b.new_context(viewport={"width": 900, "height": 1200})
        requests: list[str] = []

        def offline(route):
            requests.append(route.request.url)
            route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()

        context.route("**/*", offline)
        page = context.new_page()
        page.requests = requests  # type: ignore[attr-defined]
        yield page
        b.close()


def _pdf_pages(page, html: str | None, path: Path) -> int:
    """Pages of ``html`` written to ``path`` (or of the page already at ``path``: None) printed to A4."""
    if html is not None:
        path.write_text(html, encoding="utf-8")
    page.requests.clear()
    page.goto(path.as_uri())
    assert page.requests == [path.as_uri()], f"{path.name} loaded something else: {page.requests}"
    return _pages(page.pdf(format="A4", prefer_css_page_size=True, print_background=True))


def _shrink(png: Path) -> None:
    """A screenshot as a 64-colour PNG (a third of the size; text and tables stay sharp)."""
    from PIL import Image

    with Image.open(png) as img:
        small = img.convert("RGB").quantize(colors=64)
    small.save(png, optimize=True)


def test_page_counts_for_every_key_account(browser, sample_data, sample_run, tmp_path):
    """The documents of every key account as the shared default run (conftest ``sample_run``) wrote them, both
    languages, printed to A4: the QBR page one page, the brief one or two, the pack at least one; none shows a
    pandas missing-value marker and none loads anything but itself."""
    from kamlib.batch import runner

    accounts = [a for a, _ in runner.select_accounts(sample_data, {})]
    assert len(accounts) >= 10
    docs = json.loads((sample_run / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert sorted((d["account_id"], d["kind"], d["lang"]) for d in docs if d["status"] == "ok") == sorted(
        (acc, kind, lang) for acc in accounts for kind in D.KINDS for lang in i18n.LANGS)  # every one, none failed
    counts, goals = {}, {}
    for d in docs:
        path = sample_run / d["html"]
        html = path.read_text(encoding="utf-8")
        shown = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S))
        assert not re.search(r"\b(NaN|nan|NaT|None|inf)\b", shown), d["html"]  # missing is '–'
        counts[(d["account_id"], d["kind"], d["lang"])] = _pdf_pages(browser, None, path)
    wrong = {k: n for k, n in counts.items()
             if (k[1] == "qbr" and n != 1) or (k[1] == "brief" and not 1 <= n <= 2) or (k[1] == "annual" and n < 1)}
    assert not wrong, wrong
    for acc in accounts:
        view = D.qbr_view(D.customer_facts(sample_data, acc), "en")
        goals[acc] = len(view["achieved"]) + len(view["next"])
    # screenshots for the README, both languages: the key account with the most agreed goals on its QBR page
    targets = [SCREENSHOTS] + ([ROOT / DOC_SCREENSHOTS] if DOC_SCREENSHOTS else [])
    for folder in targets:
        folder.mkdir(parents=True, exist_ok=True)
    prep = D.prepare(sample_data, max(accounts, key=lambda a: goals[a]))
    for lang in i18n.LANGS:
        for kind in D.KINDS:
            html, _ = D.render_document(prep, kind, lang)
            path = tmp_path / f"shot.{kind}.{lang}.html"
            path.write_text(html, encoding="utf-8")
            browser.goto(path.as_uri())
            shot = SCREENSHOTS / f"{kind}.{lang}.png"
            browser.screenshot(path=str(shot), full_page=True)
            _shrink(shot)
            assert 10_000 < shot.stat().st_size < 200_000
            for folder in targets[1:]:
                (folder / shot.name).write_bytes(shot.read_bytes())


def test_a_full_qbr_page_stays_one_page(browser, make_data, tmp_path):
    """The QBR page at its limits (every table at its row limit, long texts) is still one A4 page."""
    data = _marked_data(make_data)
    prep = D.prepare(data, "ACC-1")
    long = "Gemeinsames Ziel mit einer ausführlichen Beschreibung, wie sie im Account-Plan stehen kann, " * 3
    assert D.clip(long, D.MAX_CHARS["goal"]) != long  # the view cuts it; the page shows the longest it may show
    goal, result = D.clip(long, D.MAX_CHARS["goal"]), D.clip(long, D.MAX_CHARS["result"])
    owners = "Dr. Katharina Weiß / Claudia Müller-Lang"  # two names of usual length
    goals = lambda due: [{"cells": [goal, owners, due, "einvernehmlich gestrichen"], "result": result}  # noqa: E731
                         for _ in range(D.MAX_ROWS["goals"])]
    for lang in i18n.LANGS:
        v = D.qbr_view(prep.customer, lang)
        solution = v["L"]["solution_text"]
        v.update(achieved=goals("15.12.2025"), next=[{**g, "result": ""} for g in goals("31.03.2026")],
                 value=[[f"Service & Ersatzteile {i}", "12", "1.234", "1.000"] for i in range(D.MAX_ROWS["lines"])],
                 issues=[[f"Rechnungsstellung {i}", "3", "01.10.2025", solution] for i in range(D.MAX_ROWS["issues"])],
                 team=[{"heading": "Ihr Team", "items": ["Claudia Müller-Lang, Vorständin Produktion"] * D.MAX_ROWS["team"]},
                       {"heading": "Unser Team", "items": ["Dr. Katharina Weiß, Key Account Management"] * D.MAX_ROWS["team"]}])
        assert _pdf_pages(browser, D.render_qbr(v), tmp_path / f"full.{lang}.html") == 1


def test_pdfs_of_the_documents(browser, make_data, tmp_path):
    """``kam run --pdf``'s path: the documents printed to A4 PDFs next to their HTML, listed in the entries."""
    from kamlib.batch import runner

    data = _marked_data(make_data)
    # the browser fixture holds Playwright in this thread, so the printer falls back to Chromium's command line
    # (as it does where Playwright is not installed): the run passes runner.html_to_pdf the same way
    entries = batch_docs.write_documents(data, tmp_path, [("ACC-1", "ACC-1")], kinds=["qbr", "brief"], langs=["de"],
                                         pdf=True, pdf_fallback=runner.html_to_pdf)
    assert all(e["status"] == "ok" for e in entries), [e["error"] for e in entries]
    assert [(e["kind"], e["status"], e["pdf"]) for e in entries] == [
        ("qbr", "ok", "accounts/ACC-1/qbr_2025Q4.de.pdf"), ("brief", "ok", "accounts/ACC-1/brief.de.pdf")]
    pdf = (tmp_path / entries[0]["pdf"]).read_bytes()
    assert pdf.startswith(b"%PDF") and _pages(pdf) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf)
    assert box and abs(float(box[1]) - 595.3) < 1 and abs(float(box[2]) - 841.9) < 1  # A4: 210 x 297 mm in points


def test_kam_run_only_annual_with_pdf(kam, tmp_path):
    """``--pdf`` in a run of its own: Playwright prints with one Chromium (where it is installed)."""
    require_system("chromium", Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK))
    out = tmp_path / "reports"
    r = kam("run", str(SAMPLE), "--as-of", AS_OF, "--out", str(out), "--run-id", "a", "--only", "annual",
            "--accounts", "ACC-0056", "--pdf", "--quiet")
    assert r.returncode == 0, r.stderr + r.stdout
    run = out / "a"
    written = sorted(p.relative_to(run).as_posix() for p in (run / "accounts").rglob("*") if p.is_file())
    assert written == [f"accounts/ACC-0056/annual_2025.{lang}.{ext}" for lang in ("de", "en") for ext in ("html", "pdf")]
    docs = json.loads((run / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert [(d["year"], d["pdf"]) for d in docs] == [(2025, "accounts/ACC-0056/annual_2025.en.pdf"),
                                                    (2025, "accounts/ACC-0056/annual_2025.de.pdf")]
    assert _pages((run / docs[1]["pdf"]).read_bytes()) >= 1


def test_documents_of_thin_data(make_data, tmp_path):
    """Only accounts and orders (as CDNOW): every document is written; the brief says what the data cannot show."""
    from kamlib.data import schemas

    accounts = pd.concat([schemas.empty_frame("accounts"),
                          pd.DataFrame({"account_id": ["A1"], "name": ["Dünn GmbH"]})], ignore_index=True)
    orders = pd.concat([schemas.empty_frame("orders"), pd.DataFrame({
        "order_id": ["O1", "O2"], "account_id": ["A1", "A1"], "date": pd.to_datetime(["2024-05-01", "2025-11-01"]),
        "gross_revenue_eur": [100.0, 250.0]})], ignore_index=True)
    data = make_data(accounts, orders)
    entries = batch_docs.write_documents(data, tmp_path, [("A1", "A1")], workers=1)
    assert [(e["kind"], e["lang"], e["status"]) for e in entries] == [
        (k, lang, "ok") for k in D.KINDS for lang in i18n.LANGS]
    brief = (tmp_path / "accounts/A1/brief.de.html").read_text(encoding="utf-8")
    assert "Grenzen der Datenbasis" in brief and "Ohne Produkttabelle" in brief
    annual = (tmp_path / "accounts/A1/annual_2025.en.html").read_text(encoding="utf-8")
    # 2025: 250 after 100 (+150 %, limited to +15 %): 287.5, below 10,000 rounded to whole euros: 288
    assert "Proposed revenue target 2026: €288 (+15.2% on €250)." in annual and "We had no planned revenue for 2025." in annual


def test_annual_pack_addresses_the_customer(make_data):
    """The Jahresgespräch pack is read by the customer: their goals and plans are 'Ihre', not 'des Kunden'; the
    internal brief keeps 'Ziele des Kunden' (it is about the customer, read by us)."""
    prep = D.prepare(_marked_data(make_data), "ACC-1")
    de = D.annual_view(prep.customer, "de")
    en = D.annual_view(prep.customer, "en")
    assert [s["heading"] for s in de["customer_plans"]][:1] == ["Ihre Ziele"]
    assert [s["heading"] for s in en["customer_plans"]][:1] == ["Your goals"]
    annual, _ = D.render_document(prep, "annual", "de")
    assert "des Kunden" not in annual
    brief, _ = D.render_document(prep, "brief", "de")
    assert "Ziele des Kunden" in brief


def test_an_overdue_agreed_goal_is_overdue_on_every_document(sample_data):
    """ACC-0211's agreed goal 'Servoregler SR-10 ...' was due on 29.03.2025 and is still recorded as on_track: at the
    end of 2025Q4 (and of the year 2025) it is overdue, on the QBR page, in the pack and in the brief -- never 'im
    Plan'."""
    prep = D.prepare(sample_data, "ACC-0211")
    goal, shown = "Servoregler SR-10", "überfällig seit 29.03.2025"
    qbr = D.qbr_view(prep.customer, "de")
    rows = [r["cells"] for r in qbr["achieved"] if r["cells"][0].startswith(goal)]
    assert rows and rows[0][3] == shown  # due before 2025Q4, not closed: it belongs to the quarter's review
    annual = D.annual_view(prep.customer, "de")
    rows = [r["cells"] for r in annual["agreed"] if r["cells"][0].startswith(goal)]
    assert rows and rows[0][3] == shown
    assert D.annual_view(prep.customer, "en")["agreed"][[r["cells"][0].startswith(goal)
                                                         for r in annual["agreed"]].index(True)]["cells"][3] == (
        "overdue since 2025-03-29")
    brief = D.brief_view(prep, "de")
    items = [x for s in brief["plan"] for x in s["items"] if x.startswith(goal)]
    assert items and items[0].endswith(f"{shown})") and "im Plan" not in items[0]
    assert items[0] == "Servoregler SR-10 für die neue Baureihe technisch freigeben (Kerstin Wendt, überfällig seit 29.03.2025)"
    for kind in D.CUSTOMER_KINDS:
        html, _ = D.render_document(prep, kind, "de")
        line = html[html.index(goal): html.index(goal) + 400]
        assert "im Plan" not in line.split("</tr>")[0], kind


def test_kam_run_only_accepts_commas(kam, tmp_path):
    """``--only brief,qbr`` is read like ``--only brief --only qbr`` (as ``--accounts`` reads commas)."""
    out = tmp_path / "reports"
    r = kam("run", str(SAMPLE), "--as-of", AS_OF, "--out", str(out), "--run-id", "c", "--only", "brief,qbr",
            "--accounts", "ACC-0135", "--quiet")
    assert r.returncode == 0, r.stderr
    run = out / "c"
    written = sorted(p.relative_to(run).as_posix() for p in (run / "accounts").rglob("*") if p.is_file())
    # one account, two kinds, two languages: 4 files, no notebook
    assert written == ["accounts/ACC-0135/brief.de.html", "accounts/ACC-0135/brief.en.html",
                       "accounts/ACC-0135/qbr_2025Q4.de.html", "accounts/ACC-0135/qbr_2025Q4.en.html"]


def test_customer_documents_have_no_navigation_to_internal_pages(sample_run):
    """After a full run (conftest ``sample_run``: reports 02/03/04 and the documents of every key account, ACC-0135
    the first) the QBR page and the pack link to no internal page (brief, notebooks 02/03/04, the index) and do not
    show the account id, though the account's internal pages exist beside them; the brief keeps its navigation and
    the index still lists the customer documents."""
    acc = sample_run / "accounts" / "ACC-0135"
    assert {p.name for p in acc.glob("0[234]_*.html")} == {
        "02_account_profile.html", "03_customer_value.html", "04_review_cycle.html"}  # there is something to link to
    for name in ("qbr_2025Q4.de.html", "qbr_2025Q4.en.html", "annual_2025.de.html", "annual_2025.en.html"):
        html = (acc / name).read_text(encoding="utf-8")
        hrefs = re.findall(r'href="([^"]+)"', html)
        assert not [h for h in hrefs if re.search(r"brief|0[234]_|index", h)], (name, hrefs)
        assert "ACC-0135" not in html, name
    brief = (acc / "brief.de.html").read_text(encoding="utf-8")
    assert "qbr_2025Q4.de.html" in brief  # the internal brief leads on to the documents
    index = (sample_run / "index.html").read_text(encoding="utf-8")
    assert "accounts/ACC-0135/qbr_2025Q4.de.html" in index or "ACC-0135/qbr_2025Q4" in index


def test_annual_plan_compares_only_the_planned_quarters(make_data):
    """Targets for 2025Q1 and 2025Q4 only (plus an order in Q3, which has none): the plan is compared with the revenue
    of the planned quarters, not the whole year's, and worded as our plan (not as agreed with the customer)."""
    data = _marked_data(make_data)
    orders = data.orders.copy()
    extra = orders.iloc[[0]].assign(order_id="O-5", date=pd.Timestamp("2025-07-15"), gross_revenue_eur=80_000.0)
    object.__setattr__(data, "orders", pd.concat([orders, extra], ignore_index=True))
    t = data.targets
    object.__setattr__(data, "targets", t[t["period"].isin(["2025Q1", "2025Q4"])].reset_index(drop=True))
    facts = D.customer_facts(data, "ACC-1")
    # year 2025: 20,000 + 80,000 + 200,000 + 150,000 = 450,000; planned quarters Q1 + Q4: 20,000 + 350,000 = 370,000
    assert facts.proposal["revenue"] == 450_000.0
    assert facts.plan_eur == 300_000.0 and facts.plan_revenue_eur == 370_000.0
    assert facts.plan_quarters == ("2025Q1", "2025Q4")
    # 370,000 / 300,000 = 123.3 % (not 450,000 / 300,000 = 150 %)
    assert D.annual_view(facts, "de")["plan_line"] == (
        "Unser Planwert für 1. Quartal 2025, 4. Quartal 2025: 300.000\xa0€; Umsatz in diesem Zeitraum 370.000\xa0€, "
        "123,3\xa0% des Planwerts.")
    assert "vereinbart" not in D.annual_view(facts, "de")["plan_line"]


def test_thin_data_leave_out_what_is_not_recorded(make_data, tmp_path):
    """Only accounts and orders: the QBR page says nothing about complaints (no 'keine Reklamation', no 'keine offenen
    Themen'), the brief says contacts are not recorded (not 'no gaps'), the product lines are one line 'Alle
    Produkte' (no products table), not '–'."""
    from kamlib.data import schemas

    accounts = pd.concat([schemas.empty_frame("accounts"),
                          pd.DataFrame({"account_id": ["A1"], "name": ["Dünn GmbH"]})], ignore_index=True)
    orders = pd.concat([schemas.empty_frame("orders"), pd.DataFrame({
        "order_id": ["O1", "O2", "O3"], "account_id": ["A1"] * 3, "product_id": ["P1", "P2", "P1"],
        "date": pd.to_datetime(["2024-11-01", "2025-11-01", "2025-12-01"]), "quantity": [5, 2, 3],
        "gross_revenue_eur": [100.0, 250.0, 50.0]})], ignore_index=True)
    data = make_data(accounts, orders)
    prep = D.prepare(data, "A1")
    assert prep.customer.missing >= {"complaints", "products", "account_plans"}
    qbr = D.qbr_view(prep.customer, "de")
    # 2025Q4: orders O2 (2 units) and O3 (3 units): one line, 2 deliveries, 5 units; 2024Q4: O1, 5 units
    assert qbr["value"] == [["Alle Produkte", "2", "5", "5"]]
    html, _ = D.render_document(prep, "qbr", "de")
    assert "Reklamation" not in html and "Keine offenen Themen" not in html and "Offene Themen" not in html
    annual = D.annual_view(prep.customer, "en")
    # 2025: 250 + 50 = 300 (5 units); 2024: 100 (5 units); +200 %
    assert [r["cells"] for r in annual["figures"]][0] == ["All products", "€300", "€100", "+200.0%", "5", "5"]
    brief, _ = D.render_document(prep, "brief", "de")
    assert "Keine Lücken im Buying Center gefunden" not in brief
    assert "Ansprechpartner sind in den Daten nicht erfasst" in brief
    # an empty complaints table that exists is recorded: "no complaint in the quarter" is then true
    empty = make_data(accounts, orders, complaints=schemas.empty_frame("complaints"))
    assert "Reklamation" in D.render_document(D.prepare(empty, "A1"), "qbr", "de")[0]


def test_annual_pack_has_the_section_of_agenda_item_4(make_data):
    """Agenda item 4 (quality, delivery and service: open issues) has its section: the complaints still open at the
    year's end by topic. _marked_data: C-1 (quality) opened 01.10., closed 11.10.2025 -- not open; C-2 (delivery)
    opened 20.11.2025, still open -- one row 'Lieferung', 1, 20.11.2025."""
    prep = D.prepare(_marked_data(make_data), "ACC-1")
    v = D.annual_view(prep.customer, "de")
    assert v["agenda"][3] == "Qualität, Liefertreue und Service: offene Themen"
    assert [r[:3] for r in v["issues"]] == [["Lieferung", "1", "20.11.2025"]]
    html, _ = D.render_document(prep, "annual", "de")
    assert html.count("Qualität, Liefertreue und Service: offene Themen") == 2  # the agenda item and its heading


def test_brief_states_each_risk_once_and_uses_real_minus(sample_data, sample_run):
    """ACC-0071: the single-threaded finding stands under gaps only; the overdue action ACT-0036 is named, so no
    extra '1 Maßnahme(n) überfällig'. A negative change in the pack carries U+2212, not a hyphen."""
    v = D.brief_view(D.prepare(sample_data, "ACC-0071"), "de")
    assert not set(v["risks"]) & set(v["gaps"])
    assert any("ACT-0036" in r for r in v["risks"]) and "1 Maßnahme(n) überfällig." not in v["risks"]
    # the pack's change column uses this formatter (i18n.percent(signed=True)): -40.8 % as '−40,8 %'
    assert D._pct(-0.408, "de", signed=True) == "\u221240,8\u00a0%" and D._pct(0.05, "en", signed=True) == "+5.0%"
    # the brief's navigation names the QBR page's quarter as the page does (the shared run, conftest sample_run)
    brief = (sample_run / "accounts/ACC-0135/brief.de.html").read_text(encoding="utf-8")
    assert '<a href="qbr_2025Q4.de.html">Quartalsgespräch (QBR) 4. Quartal 2025</a>' in brief


def test_a_failed_pdf_print_leaves_neither_half_a_file_nor_a_temporary_one(tmp_path, monkeypatch):
    """html_to_pdf prints next to the target and moves the file into place: a Chromium that writes part of the
    PDF and then fails leaves the folder as it was (before: a hidden '.report.pdf.tmp-<pid>' stayed behind), and
    a good print replaces an older PDF in one step."""
    import stat
    import subprocess

    from kamlib.present.pdf import html_to_pdf

    fake = tmp_path / "chromium"
    fake.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do case "$a" in --print-to-pdf=*) out="${a#--print-to-pdf=}";; esac; done\n'
        '[ -n "$FAKE_NOTHING" ] || printf "%%PDF-1.4 half" > "$out"\n'
        'exit "${FAKE_EXIT:-0}"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    html = tmp_path / "report.html"
    html.write_text("<p>x</p>")
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.pdf").write_bytes(b"%PDF-1.4 the old one")
    monkeypatch.setenv("FAKE_EXIT", "1")
    with pytest.raises(subprocess.CalledProcessError):
        html_to_pdf(html, out / "report.pdf", chromium_exe=str(fake))
    monkeypatch.delenv("FAKE_EXIT")
    monkeypatch.setenv("FAKE_NOTHING", "1")  # exits 0 but prints nothing: an error, the old PDF stays
    with pytest.raises(RuntimeError, match="printed no PDF"):
        html_to_pdf(html, out / "report.pdf", chromium_exe=str(fake))
    assert sorted(p.name for p in out.iterdir()) == ["report.pdf"]
    assert (out / "report.pdf").read_bytes() == b"%PDF-1.4 the old one"
    monkeypatch.delenv("FAKE_NOTHING")
    assert sorted(p.name for p in out.iterdir()) == ["report.pdf"]
    assert (out / "report.pdf").read_bytes() == b"%PDF-1.4 the old one"
    html_to_pdf(html, out / "report.pdf", chromium_exe=str(fake))
    assert sorted(p.name for p in out.iterdir()) == ["report.pdf"]
    assert (out / "report.pdf").read_bytes() == b"%PDF-1.4 half"
