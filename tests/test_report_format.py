"""Reports for their readers (issue 14, parts 1 and 6): the summary block a per-account report opens with, the
one table style (words for headers, % for ratios, money in EUR, '–' with a footnote, bands as badges with
WCAG AA contrast, captions), chart tick labels that never repeat and charts that carry an alt text."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kamlib import review as rv  # noqa: E402
from kamlib.present import charts, summary, tables  # noqa: E402


def _orders(rows):
    return pd.DataFrame(
        [
            {
                "order_id": f"o{i}",
                "account_id": acc,
                "date": pd.Timestamp(date),
                "product_id": "P1",
                "quantity": 1.0,
                "gross_revenue_eur": float(rev),
                "discount_eur": 0.0,
                "cogs_eur": rev * 0.5,
            }
            for i, (acc, date, rev) in enumerate(rows)
        ]
    )


@pytest.fixture()
def one_account(make_data):
    accounts = pd.DataFrame({"account_id": ["A"], "name": ["Kunde & Co. KG"], "status": ["active"]})
    orders = _orders([("A", "2024-11-01", 200), ("A", "2025-08-01", 100), ("A", "2025-11-01", 50)])
    actions = pd.DataFrame(
        {
            "action_id": ["a1", "a2", "a3"],
            "account_id": ["A"] * 3,
            "goal": ["g"] * 3,
            "action": ["Call the buyer", "Send offer", "Visit"],
            "owner": ["Anna", "Anna", "Ben"],
            "due": pd.to_datetime(["2025-12-01", "2026-02-01", "2025-06-01"]),
            "status": ["open", "in_progress", "done"],
        }
    )
    return make_data(accounts, orders, actions=actions)


def test_account_summary_hand_computed(one_account):
    s = summary.account_summary(one_account, "A", "2025Q4", proposals=False)
    # last 12 months (2025-01-01..2025-12-31): 100 + 50 = 150; the 12 months before: 200 -> -25 %
    assert (s.revenue_12m, s.revenue_prev_12m) == (150.0, 200.0)
    assert s.db1_12m == 75.0  # cost of goods is half the revenue, no discount
    # quarter 50 against 100 in 2025Q3 and 200 in 2024Q4: a fall of 75 % > 30 % is a red flag, capped at 50
    assert (s.revenue_quarter, s.revenue_previous_quarter, s.revenue_last_year) == (50.0, 100.0, 200.0)
    assert "revenue_fall" in s.reasons and s.band == "red" and s.health <= 50
    # a1 open and due before the quarter's end: overdue; a2 in progress: open; a3 done
    assert (s.open_actions, s.overdue_actions, s.next_due) == (2, 1, pd.Timestamp("2025-12-01"))
    en = s.key_figures("en").iloc[:, 0].tolist()
    assert en[:4] == ["€150", "−25.0%", "€75", "50.0%"]
    assert en[-1] == "2 open, 1 overdue (next due 2025-12-01)"
    de = s.key_figures("de").iloc[:, 0].tolist()
    assert de[:4] == ["150\u00a0€", "−25,0\u00a0%", "75\u00a0€", "50,0\u00a0%"]
    # what changed: 50 against 200 = -75 %, against 100 = -50 %
    assert s.changes("en")[0] == "Revenue 2025Q4: €50, −75.0% against 2024Q4 and −50.0% against 2025Q3"
    assert s.decisions("en") == ["Overdue since 2025-12-01: Call the buyer (owner: Anna)"]


def test_account_summary_html_escapes_names_and_opens_with_the_account(one_account):
    html = summary.account_summary(one_account, "A", "2025Q4", proposals=False)._repr_html_()
    assert html.index("Kunde &amp; Co. KG (A)") < html.index("<table")
    assert "<caption>Key figures</caption>" in html and "kam-badge-red" in html
    assert "nan" not in html.lower().replace("kunde", "")


def test_summary_shows_a_dash_with_a_footnote_when_nothing_to_compare(one_account):
    s = summary.account_summary(one_account, "A", "2025Q4", proposals=False)
    s.revenue_prev_12m, s.health = 0.0, float("nan")
    html = tables.to_html(s.key_figures("en"))
    # no revenue the year before: no change to show; no score: no health; both as '–' and a footnote
    assert html.count("<td>–</td>") >= 2 and "<tfoot>" in html and "NaN" not in html


def test_badges_meet_wcag_aa_and_the_old_amber_did_not():
    for band, colours in tables.BADGES.items():
        assert tables.contrast(colours["text"], colours["background"]) >= 4.5, band
    assert tables.contrast("#ffffff", "#f39c12") < 4.5  # the amber of the charts, as a badge, fails AA


def test_one_table_style_caption_dash_footnote_badge_and_no_series_repr():
    df = tables.captioned(
        pd.DataFrame({"Band": ["gelb", "red"], "share_bad": [None, "12.0%"]}), "Bänder", badges=("Band",)
    )
    html = tables.to_html(df, lang="de")
    assert "<caption>Bänder</caption>" in html and 'class="kam-table' in html
    assert "kam-badge-amber" in html and "kam-badge-red" in html
    assert '<th scope="col">Share bad</th>' in html  # snake_case header as words
    assert "<td>–</td>" in html and "kein Wert" in html and "None" not in html
    s = pd.Series({"red": 3, "amber": 1}, name="count")
    out = tables.to_html(s)
    assert "dtype" not in out and "Name:" not in out and "<td>3</td>" in out


def test_view_functions_render_ratio_as_percent_money_with_euro_and_missing_as_dash():
    plan = pd.DataFrame(
        {"actual": [812178.96], "target": [float("nan")], "attainment": [0.9], "yoy_growth": [None]},
        index=["revenue"],
    )
    row = rv.plan_view(plan, "en").iloc[0].tolist()
    # a large amount: whole euros with the currency; a ratio 0.9 as 90.0 %; missing as '–'
    assert row == ["€812,179", "–", "90.0%", "–"]
    assert rv.plan_view(plan, "de").iloc[0].tolist() == ["812.179\u00a0€", "–", "90,0\u00a0%", "–"]
    small = rv.plan_view(pd.DataFrame({"actual": [12.5]}, index=["revenue"]), "en").iloc[0, 0]
    assert small == "€12.50"  # below 1,000 the cents stay
    workload = pd.DataFrame(
        {
            "name": ["Anna"],
            "key_accounts": [2],
            "meetings": [3],
            "revenue": [1500.4],
            "capacity": [4],
            "utilisation": [0.5],
        },
        index=pd.Index(["KAM-1"]),
    )
    shown = rv.workload_view(workload, "en")
    assert "Account" not in shown.columns  # the KAM's name is not an account
    assert shown.iloc[0].tolist()[-3:] == ["€1,500", "4", "50.0%"]


def test_tick_labels_of_an_axis_never_repeat():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1500, 3500])
    ax.set_yticks([1500, 2000, 2500, 3000, 3500])
    ax.yaxis.set_major_formatter(charts.tick_formatter("en", "short"))
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # '2 k' for 2,000 and 2,500 before: one more decimal for the whole axis
    assert labels == ["1.5 k", "2.0 k", "2.5 k", "3.0 k", "3.5 k"]
    plt.close(fig)


def test_show_displays_png_with_alt_metadata(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append((a, k)))
    b = pd.Series(
        {
            "base_revenue": 1000.0,
            "volume": 100.0,
            "mix": -20.0,
            "price": 5.0,
            "new_lines": 0.0,
            "lost_lines": -85.0,
            "current_revenue": 1000.0,
        },
        name="2024Q4 -> 2025Q4",
    )
    ax = charts.bridge_chart(b, lang="de")
    alt = charts.show(ax.figure, alt=charts.bridge_alt(b, lang="de"), lang="de")
    (data,), kwargs = shown[0]
    assert kwargs["metadata"] == {"image/png": {"alt": alt}} and data["image/png"]
    assert alt.startswith("Umsatzbrücke 2024Q4 zu 2025Q4: von 1.000\u00a0€ auf 1.000\u00a0€")
    fig, ax = plt.subplots()
    ax.bar(["A", "B"], [1, 2])
    ax.set_title("Titel")
    assert charts.show(fig, lang="de").startswith("Diagramm: Titel; waagerechte Achse: A, B")
    assert not plt.get_fignums()  # closed


def test_profile_summary_of_an_account_without_business_in_the_last_quarter(make_data):
    # B bought only in 2024Q4 and 2025Q1: the profile (no period given) still opens with its figures, the
    # quarter's health and changes are left out instead of failing; revenue 12 months 40, the year before 60
    accounts = pd.DataFrame({"account_id": ["A", "B"], "name": ["A", "B"], "status": ["active"] * 2})
    data = make_data(accounts, _orders([("A", "2025-11-01", 10), ("B", "2024-11-01", 60), ("B", "2025-02-01", 40)]))
    s = summary.account_summary(data, "B", proposals=False)
    assert (s.revenue_12m, s.revenue_prev_12m, s.band) == (40.0, 60.0, "n/a")
    assert s.changes("en") == [] and s.key_figures("en").iloc[:2, 0].tolist() == ["€40", "−33.3%"]
    with pytest.raises(Exception, match="2025Q4"):
        summary.account_summary(data, "B", "2025Q4", proposals=False)


def test_overview_and_value_tables_carry_caption_and_dash_note():
    from kamlib import value
    from kamlib.present import overview

    t = overview.view(
        pd.DataFrame({"revenue_12m": [1234.5, None], "growth": [0.5, 3.0]}),
        "de",
        percent=("growth",),
        caption=overview.caption("emerging", "de"),
    )
    html = t._repr_html_()
    # a ratio 3.0 is 300 %, a missing revenue '–' with the note under the table
    assert "<caption>Aufstrebende Kunden, die besten zuerst</caption>" in html
    assert "300,0\u00a0%" in html and "–" in html and "kein Wert" in html
    shown = value.show(pd.DataFrame({"net_revenue": [1.5]}), "en", caption="statement")
    assert tables.to_html(shown).count("<caption>Contribution margin scheme, last 12 months</caption>") == 1


def test_review_views_carry_captions_and_show_bands_as_badges():
    portfolio = pd.DataFrame(
        {"name": ["A AG"], "band": ["amber"], "health": [62.0], "attainment": [0.9]},
        index=pd.Index(["A"], name="account_id"),
    )
    shown = rv.portfolio_view(portfolio, "de")
    html = tables.to_html(shown)
    assert "<caption>Alle Key Accounts, Handlungsbedarf zuerst</caption>" in html
    assert "kam-badge kam-badge-amber" in html and ">gelb</span>" in html and "90,0\u00a0%" in html
    counts = tables.to_html(rv.band_counts(pd.DataFrame({"band": ["red", "red", "green"]}), "en"))
    assert (
        "kam-badge-red" in counts
        and "kam-badge-green" in counts
        and "<caption>Key accounts per band</caption>" in counts
    )


def test_alt_text_names_only_the_ticks_inside_the_axis():
    fig, ax = plt.subplots()
    ax.scatter([0, 150], [0.1, 0.9])
    ax.set_xlim(0, 150)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(charts.tick_formatter("en", "percent"))
    text = charts.describe(fig, "en")
    # matplotlib also labels ticks beyond the limits (-20, 160): an alt text names the visible range only
    assert "from 0 to 140" in text and "from 0% to 100%" in text and "-20" not in text and "160" not in text
    plt.close(fig)


def test_summary_margin_is_db1_over_net_revenue_as_in_the_profile(make_data):
    # with discounts gross and net revenue differ. Last 12 months (2025-01-01..2025-12-31):
    # gross 100 + 50 = 150, discount 20 + 10 = 30 -> net 120; cost of goods 40 + 20 = 60 -> DB I 120 - 60 = 60;
    # DB I margin = 60 / 120 = 50.0 % (the old summary divided by gross: 60 / 150 = 40.0 %)
    from kamlib import profile

    accounts = pd.DataFrame({"account_id": ["A"], "name": ["A"], "status": ["active"]})
    orders = _orders([("A", "2024-11-01", 200), ("A", "2025-08-01", 100), ("A", "2025-11-01", 50)])
    orders["discount_eur"] = [0.0, 20.0, 10.0]
    orders["cogs_eur"] = [100.0, 40.0, 20.0]
    data = make_data(accounts, orders)
    s = summary.account_summary(data, "A", "2025Q4", proposals=False)
    assert (s.revenue_12m, s.revenue_prev_12m, s.db1_12m) == (150.0, 200.0, 60.0)
    assert s.key_figures("en").iloc[3, 0] == "50.0%"
    assert s.key_figures("de").iloc[3, 0] == "50,0\u00a0%"
    p = profile.build_profile(data, "A")
    assert p.key_figures["db1_margin_12m"] == pytest.approx(0.5)
    assert p.key_figures["revenue_12m_eur"] == s.revenue_12m and p.key_figures["db1_12m_eur"] == s.db1_12m


@pytest.mark.parametrize("lang", ["en", "de"])
def test_decisions_show_amounts_in_euro_like_every_other_amount(sample_data, lang):
    # 04 'What needs a decision' said 'expected value 104,202 EUR' where every other amount reads €104,202
    # (German 104.202 €): the offer's expected value is money of kamlib.i18n, not a number with 'EUR' after it
    from kamlib import i18n, profile

    p = profile.build_profile(sample_data, "ACC-0071", as_of="2025-12-31", lang=lang)
    top = p.opportunities.iloc[0]
    found = rv.next_actions(sample_data, "ACC-0071", "2025Q4", profile=p, lang=lang)["proposal"].tolist()
    offers = [x for x in found if str(top["product_line"]) in x and str(top["business_unit"]) in x]
    assert offers and all("EUR" not in x for x in found)
    assert i18n.money(float(top["expected_value_eur"]), lang, 0) in offers[0]


def test_review_sentences_leave_the_currency_to_the_money_formatter():
    # a '{value} EUR' placeholder gives '104,202 EUR'; i18n.money writes €104,202 / 104.202 € itself
    import re

    from kamlib import i18n

    texts = [t for name, tab in i18n.tables().items() if name.startswith("review.") for v in tab.values() for t in v]
    assert len(texts) > 100 and not [t for t in texts if re.search(r"\}\s*EUR", t)]


def test_summary_changes_come_from_the_one_signed_percent_formatter():
    # 91.5 against 100: -8.5 % with a real minus; 100 against 100: no change, written as i18n writes it
    from kamlib import i18n

    for cur, lang in [(91.5, "en"), (91.5, "de"), (100.0, "en"), (105.0, "de")]:
        assert summary.change(cur, 100.0, lang) == i18n.percent(cur / 100.0 - 1, lang, 1, signed=True)
    assert summary.change(91.5, 100.0, "en") == "\u22128.5%"


def test_attention_list_names_quarter_and_data_date():
    """05 opens with the attention list; its caption says which quarter and which data it was made on."""
    portfolio = pd.DataFrame(
        {"name": ["A AG", "B KG"], "band": ["amber", "green"], "health": [62.0, 90.0], "attainment": [0.9, 1.1]},
        index=pd.Index(["A", "B"], name="account_id"),
    )
    html = tables.to_html(summary.attention_list(portfolio, "de", quarter="2025Q4", as_of=pd.Timestamp("2026-03-31")))
    assert "<caption>Key Accounts mit Handlungsbedarf, 2025Q4 (Datenstand 31.03.2026)</caption>" in html
    assert "A AG" in html and "B KG" not in html  # green accounts need no attention
    html = tables.to_html(summary.attention_list(portfolio, "en", quarter="2025Q4"))
    assert "<caption>Key accounts that need attention, 2025Q4</caption>" in html


def _summary(**kw):
    base = dict(account_id="A", name="Bäcker & Söhne AG", quarter="2025Q4", as_of=pd.Timestamp("2025-12-31"),
                revenue_12m=400.0, revenue_prev_12m=500.0, db1_12m=200.0, db1_margin_12m=0.5, health=72.0,
                health_previous=80.0, band="amber", revenue_quarter=120.0, revenue_previous_quarter=100.0,
                revenue_last_year=150.0, complaints_opened=3, complaints_open=1)
    return summary.AccountSummary(**{**base, **kw})


def test_summary_changes_one_sentence_per_known_fact_and_one_heading():
    s = _summary()
    # 120 against 150 (2024Q4): 120/150 - 1 = -20.0 %; against 100 (2025Q3): 120/100 - 1 = +20.0 %
    assert s.changes("en") == [
        "Revenue 2025Q4: €120, \u221220.0% against 2024Q4 and +20.0% against 2025Q3",
        "Health score 72 in 2025Q4 after 80 in 2025Q3",
        "Complaints in 2025Q4: 3 opened, 1 still open at its end",
    ]
    assert s.changes("de")[2] == "Reklamationen in 2025Q4: 3 eröffnet, 1 am Quartalsende noch offen"
    # a fact not known gives no sentence: no health the quarter before, no complaints table
    nan = float("nan")
    assert _summary(health_previous=nan, complaints_opened=nan).changes("en") == [s.changes("en")[0]]
    assert _summary(revenue_quarter=nan, health=nan, complaints_opened=nan).changes("en") == []
    # the heading is the same in the text and the HTML form (the name escaped in HTML)
    heading = "Bäcker & Söhne AG (A) · 2025Q4 · Datenstand 31.12.2025"
    de = _summary(lang="de")
    assert de.heading() == heading and s.heading("de") == heading
    assert repr(de).splitlines()[0] == heading
    assert f"<strong>{heading.replace('&', '&amp;')}</strong>" in de._repr_html_()
