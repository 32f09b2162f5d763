"""Workshops: Excel template round trip, bad cells, agreement, weights, handout, portfolio definitions, scenarios."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import AS_OF, ROOT, SAMPLE
from openpyxl import load_workbook

from kamlib import KamDataError, i18n, selection, workshop
from kamlib.cli import main as kam_main
from kamlib.errors import KamParameterError

EVIL = '=HYPERLINK("http://evil.example","click")'
SCRIPT = "<script>alert(1)</script> GmbH"


@pytest.fixture(scope="module")
def sel(sample_data):
    return selection.select_key_accounts(sample_data)


@pytest.fixture(scope="module")
def names(sample_data):
    return sample_data.accounts.set_index("account_id")["name"]


def _accounts() -> pd.DataFrame:
    return pd.DataFrame({"account_id": ["ACC-0013", "ACC-0020", "ACC-0027"],
                         "name": ["Größler Antriebe KG", EVIL, SCRIPT]})


def _fill(template: Path, out: Path, rater: str, rows: dict[int, list]) -> Path:
    """Fill a copy of ``template``: B1 = rater, row -> values from column C on."""
    wb = load_workbook(template)
    ws = wb["ratings"]
    ws["B1"] = rater
    for row, values in rows.items():
        for j, v in enumerate(values, start=3):
            ws.cell(row=row, column=j, value=v)
    wb.save(out)
    return out


def _kam(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kamlib.cli", *args], capture_output=True, text=True, timeout=300)


# ------------------------------------------------------------------------------------- template round trip


def test_template_layout_validation_and_neutralised_names(tmp_path):
    path = workshop.write_template(_accounts(), tmp_path / "t.xlsx", lang="de")
    wb = load_workbook(path)
    ws = wb["ratings"]
    assert ws["A1"].value == "Bewerter" and ws["B1"].value is None
    assert [c.value for c in ws[4]][:3] == ["account_id", "name", "revenue_share"]
    assert ws["C3"].value == "Umsatzanteil"
    assert ws["B6"].value == "'" + EVIL  # a formula would run in Excel; the apostrophe makes it text
    assert ws["B6"].data_type == "s"
    assert ws["B7"].value == SCRIPT
    (dv,) = ws.data_validations.dataValidation
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", "between", "0", "10")
    assert str(dv.sqref) == "C5:H7"
    assert wb["kam"].sheet_state == "hidden"
    ids = [r[0].value for r in wb["kam"].iter_rows(min_row=2, max_col=1) if r[0].value]
    assert ids == ["ACC-0013", "ACC-0020", "ACC-0027"]


def test_template_round_trip_several_files(tmp_path):
    t = workshop.write_template(_accounts(), tmp_path / "t.xlsx")
    a = _fill(t, tmp_path / "a.xlsx", "GF", {5: [10, 9, 4, 8, 7, 6], 6: [3, None, "", 2.5, 1, 0]})
    b = _fill(t, tmp_path / "b.xlsx", "Vertrieb", {7: ["7", "8,5", None, None, None, None]})
    got = workshop.read_ratings([a, b])
    expected = pd.DataFrame(
        [("GF", "ACC-0013", c, float(v)) for c, v in zip(workshop.CRITERIA, [10, 9, 4, 8, 7, 6])]
        + [("GF", "ACC-0020", c, v) for c, v in [("revenue_share", 3.0), ("growth_potential", 2.5),
                                                 ("credibility", 1.0), ("relationship", 0.0)]]
        + [("Vertrieb", "ACC-0027", "revenue_share", 7.0), ("Vertrieb", "ACC-0027", "lifetime_value", 8.5)],
        columns=["rater", "account_id", "criterion", "score"])
    pd.testing.assert_frame_equal(got, expected)


def test_cli_template_and_ratings_end_to_end(tmp_path):
    t = tmp_path / "t.xlsx"
    assert kam_main(["workshop-template", str(SAMPLE), str(t), "--accounts", "ACC-0013,ACC-0020", "--lang", "en"]) == 0
    wb = load_workbook(t)
    assert [r[0].value for r in wb["ratings"].iter_rows(min_row=5, max_col=1)] == ["ACC-0013", "ACC-0020"]
    filled = _fill(t, tmp_path / "f.xlsx", "@SUM(1+1)*cmd", {5: [8, 8, 8, 8, 8, 8]})
    out = tmp_path / "ratings.csv"
    assert kam_main(["workshop-ratings", str(filled), "-o", str(out), "--source", str(SAMPLE)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "rater,account_id,criterion,score"
    assert text.splitlines()[1] == "'@SUM(1+1)*cmd,ACC-0013,revenue_share,8.0"  # rater name neutralised
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert len(back) == 6 and set(back["criterion"]) == set(workshop.CRITERIA)


def test_cli_template_top_n(tmp_path, sample_data, sel):
    t = tmp_path / "top.xlsx"
    assert kam_main(["workshop-template", str(SAMPLE), str(t), "--top", "4"]) == 0
    ids = [r[0].value for r in load_workbook(t)["ratings"].iter_rows(min_row=5, max_col=1)]
    best = sel.table.sort_values(["score", "revenue_12m"], ascending=False).index[:4].tolist()
    assert ids == best


# ------------------------------------------------------------------------------------- bad cells


def test_bad_cells_named_with_file_sheet_row_column(tmp_path):
    t = workshop.write_template(_accounts(), tmp_path / "t.xlsx")
    bad = _fill(t, tmp_path / "bad.xlsx", "GF", {5: [11, None, None, None, None, None], 6: [None, "abc"]})
    wb = load_workbook(bad)
    wb["ratings"]["A7"] = "ACC-9999"
    wb.save(bad)
    with pytest.raises(KamDataError) as err:
        workshop.read_ratings(bad)
    assert str(err.value) == (
        f"3 problems found in {bad}:\n"
        f"  - {bad}, sheet ratings row 5 (account_id ACC-0013), column C (revenue_share): 11 is outside 0-10\n"
        f"  - {bad}, sheet ratings row 6 (account_id ACC-0020), column D (lifetime_value): 'abc' is not a number; "
        "enter 0-10 or leave it empty\n"
        f"  - {bad}, sheet ratings row 7, column A (account_id): 'ACC-9999' is not an account of this template")


def test_cli_bad_cell_exit_2_no_traceback_nothing_written(tmp_path):
    t = workshop.write_template(_accounts(), tmp_path / "t.xlsx")
    bad = _fill(t, tmp_path / "bad.xlsx", "GF", {6: [None, None, None, None, None, 11]})
    out = tmp_path / "ratings.csv"
    r = _kam("workshop-ratings", str(bad), "-o", str(out))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr + r.stdout
    assert (f"{bad}, sheet ratings row 6 (account_id ACC-0020), column H (relationship): 11 is outside 0-10"
            in r.stderr)
    assert not out.exists()


def test_missing_rater_duplicate_rating_and_foreign_workbook(tmp_path):
    t = workshop.write_template(_accounts(), tmp_path / "t.xlsx")
    nameless = _fill(t, tmp_path / "n.xlsx", "", {5: [5]})
    with pytest.raises(KamDataError, match=r"n\.xlsx, sheet ratings row 1, column B \(rater\): the rater's name is empty"):
        workshop.read_ratings(nameless)
    a = _fill(t, tmp_path / "a.xlsx", "GF", {5: [5]})
    a2 = _fill(t, tmp_path / "a2.xlsx", "GF", {5: [6]})
    with pytest.raises(KamDataError, match=r"a2\.xlsx, sheet ratings row 5 \(account_id ACC-0013\), column C "
                                           r"\(revenue_share\): rater 'GF' already rated ACC-0013 on revenue_share in"):
        workshop.read_ratings([a, a2])
    formula = _fill(t, tmp_path / "formula.xlsx", "=A1", {5: ["=5+6"]})  # openpyxl writes formulas, no values
    with pytest.raises(KamDataError) as err:
        workshop.read_ratings(formula)
    assert str(err.value).splitlines()[1:] == [
        f"  - {formula}, sheet ratings row 1, column B (rater): '=A1' is a formula without a value; type the name as text",
        f"  - {formula}, sheet ratings row 5 (account_id ACC-0013), column C (revenue_share): '=5+6' is a formula "
        "without a value; enter a number 0-10"]
    other = tmp_path / "other.xlsx"
    pd.DataFrame({"x": [1]}).to_excel(other, index=False)
    with pytest.raises(KamDataError, match="sheet 'ratings' not found"):
        workshop.read_ratings(other)
    with pytest.raises(KamDataError, match=r"\(account_id\): 'ACC-0013' is not a known account_id"):
        workshop.read_ratings(a, known_accounts=["ACC-0020"])


# ------------------------------------------------------------------------------------- never overwrite


def test_never_overwrites_template_or_ratings(tmp_path):
    t = tmp_path / "t.xlsx"
    t.write_bytes(b"mine")
    r = _kam("workshop-template", str(SAMPLE), str(t), "--top", "3")
    assert r.returncode == 2 and "exists; not overwriting" in r.stderr and "Traceback" not in r.stderr
    assert t.read_bytes() == b"mine"
    with pytest.raises(FileExistsError, match=r"t\.xlsx exists; not overwriting"):
        workshop.write_template(_accounts(), t)
    good = _fill(workshop.write_template(_accounts(), tmp_path / "g.xlsx"), tmp_path / "f.xlsx", "GF", {5: [5]})
    out = tmp_path / "ratings.csv"
    out.write_text("keep me")
    assert kam_main(["workshop-ratings", str(good), "-o", str(out)]) == 2
    assert out.read_text() == "keep me"


# ------------------------------------------------------------------------------------- agreement


def test_kendalls_w_on_collected_ratings(tmp_path):
    # three raters rank three accounts on credibility: ranks (1,2,3), (1,3,2), (2,1,3)
    # rank sums 4, 6, 8 -> S = 8, W = 12*8 / (3^2 * (3^3 - 3)) = 0.4444
    t = workshop.write_template(_accounts(), tmp_path / "t.xlsx")
    files = [_fill(t, tmp_path / f"{r}.xlsx", r, {5: [None] * 4 + [a], 6: [None] * 4 + [b], 7: [None] * 4 + [c]})
             for r, (a, b, c) in {"A": (1, 2, 3), "B": (1, 3, 2), "C": (2, 1, 3)}.items()]
    ratings = workshop.read_ratings(files)
    spread, agreement = selection.rating_agreement(ratings)
    row = agreement.set_index("criterion").loc["credibility"]
    assert row["kendalls_w"] == pytest.approx(0.4444, abs=1e-4)
    assert (row["raters"], row["accounts"]) == (3, 3)
    assert spread.set_index("account_id").loc["ACC-0020", "range"] == 2


def test_rated_scores_and_provisional_rule():
    r = pd.DataFrame([("A", "X", "revenue_share", 9), ("B", "X", "revenue_share", 7), ("A", "X", "credibility", 8),
                      ("A", "Y", "revenue_share", 10), ("A", "Y", "credibility", 2),
                      ("A", "Z", "revenue_share", 7), ("A", "Z", "credibility", 7)],
                     columns=["rater", "account_id", "criterion", "score"])
    out = workshop.provisional_from_ratings(r, {"X": "Xa", "Y": "Ya"}, places=1)
    # Y meets only one threshold (7) and gets no rank; X (8.0) ranks before Z (7.0); one place
    assert out.loc["Y", "rank"] is pd.NA and out.loc["Y", "n_met"] == 1
    assert out.loc[["X", "Z"], "rank"].tolist() == [1, 2]
    assert out["provisional"].to_dict() == {"X": True, "Z": False, "Y": False}
    assert out.loc["X", "max_range"] == 2 and out.loc["Z", "name"] == "Z"
    heavy = workshop.provisional_from_ratings(r, None, weights={"revenue_share": 0.0, "credibility": 1.0})
    assert heavy.loc["X", "score"] == 8.0


def test_rated_workshop_reads_the_rule_as_the_provisional_list_does():
    r = pd.DataFrame([("A", "X", "revenue_share", 9), ("A", "X", "credibility", 8),
                      ("A", "Y", "revenue_share", 10), ("A", "Y", "credibility", 2),
                      ("A", "Z", "revenue_share", 7), ("A", "Z", "credibility", 7)],
                     columns=["rater", "account_id", "criterion", "score"])
    # weights named for every criterion (as a handout's agreed weights are): only the two rated ones count,
    # 1 and 3 normalised to 0.25 and 0.75, as provisional_from_ratings reads them
    weights = dict.fromkeys(workshop.CRITERIA, 2.0) | {"revenue_share": 1.0, "credibility": 3.0}
    room = workshop.RatedWorkshop.from_ratings(r, {}, weights=weights, places=2)
    assert dict(zip(room.criteria, room.weights.tolist())) == {"revenue_share": 0.25, "credibility": 0.75}
    assert room.k == 2
    # places not positive: as many places as rated accounts (3), as in provisional_from_ratings
    assert workshop.RatedWorkshop.from_ratings(r, {}, places=-1).k == 3
    # a rated criterion without a weight is named, by all three
    for call in (workshop.RatedWorkshop.from_ratings, workshop.provisional_from_ratings, workshop.build_handout):
        with pytest.raises(KamParameterError, match="no weight for 'credibility'"):
            call(r, {}, weights={"revenue_share": 1.0})


def test_the_three_rated_calls_share_one_rule_and_refuse_a_misspelt_keyword():
    r = pd.DataFrame([("A", "X", "revenue_share", 9), ("A", "X", "credibility", 8),
                      ("A", "Y", "revenue_share", 10), ("A", "Y", "credibility", 2),
                      ("A", "Z", "revenue_share", 7), ("A", "Z", "credibility", 7)],
                     columns=["rater", "account_id", "criterion", "score"])
    # the rule's keywords are one dataclass: a typo is an error in all three, never silently the default
    for call in (workshop.RatedWorkshop.from_ratings, workshop.provisional_from_ratings, workshop.build_handout):
        with pytest.raises(TypeError, match="min_critera"):
            call(r, {}, min_critera=1)
    # min_criteria=1: Y (10 >= 7 on revenue_share only) now ranks too, in all three. Equal default weights:
    # X 0.5*9+0.5*8 = 8.5, Z 0.5*7+0.5*7 = 7.0, Y 0.5*10+0.5*2 = 6.0, so X, Z, Y; places=2 keeps X and Z
    rule = {"min_criteria": 1, "places": 2}
    table = workshop.provisional_from_ratings(r, {}, **rule)
    assert table["rank"].tolist() == [1, 2, 3] and table.index[table["provisional"]].tolist() == ["X", "Z"]
    room = workshop.RatedWorkshop.from_ratings(r, {}, **rule)
    assert (room.min_criteria, room.k) == (1, 2)
    assert workshop.build_handout(r, {}, **rule).min_criteria == 1


def test_rated_workshop_sliders_rerank_and_remember(sample_data, names):
    room = workshop.RatedWorkshop.from_ratings(sample_data.ratings, names)
    start = room.static()["name"].tolist()
    w = room.weights.copy()
    w[list(room.criteria).index("relationship")] = 1.0
    png, table = room.update(w, None)
    assert png[:4] == b"\x89PNG" and room.last["name"].tolist() != start
    agreed, thresholds = room.agreed()
    assert agreed["relationship"] == pytest.approx(1.0 / (1.0 + 5 / 6))
    assert thresholds == dict.fromkeys(workshop.CRITERIA, 7.0)


# ------------------------------------------------------------------------------------- handout


def test_handout_escapes_html_and_neutralises_excel(tmp_path, sample_data):
    r = sample_data.ratings
    evil_names = {a: (SCRIPT if a == "ACC-0136" else EVIL if a == "ACC-0038" else a) for a in r["account_id"].unique()}
    h = workshop.build_handout(r, evil_names, as_of=AS_OF)
    page = h.html()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; GmbH" in page
    assert "&lt;script&gt;" in h._repr_html_()
    html_file, xlsx_file = h.save(tmp_path)
    assert html_file.read_text(encoding="utf-8") == page
    cells = [c.value for ws in load_workbook(xlsx_file).worksheets for row in ws.iter_rows() for c in row]
    assert "'" + EVIL in cells and EVIL not in cells
    with pytest.raises(FileExistsError, match=r"workshop_handout\.html exists; not overwriting"):
        h.save(tmp_path)
    import base64
    import re

    links = h.download_links()
    page_b64 = re.search(r'download="workshop_handout.html" href="data:text/html;charset=utf-8;base64,([^"]+)"', links)
    assert base64.b64decode(page_b64.group(1)).decode("utf-8") == page
    assert "<script>" not in links


def test_german_handout_has_german_labels(sample_data, names):
    de = workshop.build_handout(sample_data.ratings, names, as_of=AS_OF, lang="de").html()
    en = workshop.build_handout(sample_data.ratings, names, as_of=AS_OF, lang="en").html()
    for text in ("Vorläufige Key-Account-Liste", "Vereinbarte Gewichte und Schwellen", "Umsatzanteil", "Bewerter",
                 "Kendalls W", '<html lang="de">'):
        assert text in de and text not in en
    assert "Provisional key-account list" in en and "Provisional key-account list" not in de
    assert "8,75" in de and "8.75" in en  # the top score in each language's number format


def test_handout_lists_the_provisional_accounts(sample_data, names):
    h = workshop.build_handout(sample_data.ratings, names, places=5, as_of=AS_OF)
    assert h.provisional["rank"].tolist() == [1, 2, 3, 4, 5]
    assert h.provisional["account_id"].iloc[0] == "ACC-0136"
    assert h.raters == ("Controlling", "GF", "Service", "Vertrieb")
    assert repr(h).splitlines()[1] == "1. ACC-0136 Smit & Maas Auto Parts N.V.: 8.75"


# ------------------------------------------------------------------------------------- portfolio


def test_default_definition_reproduces_selection_quadrants(sample_data, sel):
    scores = workshop.component_scores(sample_data)
    placed = workshop.place(scores.loc[sel.table.index], workshop.PortfolioDefinition.from_selection(sel))
    pd.testing.assert_series_equal(placed["quadrant"], sel.table["quadrant"], check_names=False)
    assert np.allclose(placed["attractiveness"], sel.table["attractiveness"])
    assert np.allclose(placed["strength"], sel.table["strength"])


def test_definition_changes_move_the_expected_accounts():
    scores = pd.DataFrame({"revenue_share": [8.0, 8.0, 3.0, 3.0], "credibility": [0.0, 10.0, 10.0, 0.0],
                           "relationship": [6.0, 5.5, 9.0, 2.0], "share_of_wallet": [np.nan, np.nan, 4.0, 2.0]},
                          index=["A", "B", "C", "D"])
    base = workshop.PortfolioDefinition({"revenue_share": 1.0}, {"relationship": 0.5, "share_of_wallet": 0.5})
    assert workshop.place(scores, base)["quadrant"].tolist() == ["strategic", "strategic", "status", "streamline"]
    # credibility joins attractiveness at equal weight: A (8+0)/2 = 4 drops to status, C (3+10)/2 = 6.5 rises
    cred = workshop.PortfolioDefinition({"revenue_share": 1.0, "credibility": 1.0}, base.strength)
    moved = workshop.quadrant_changes(scores, cred, base, {"A": "Alpha"})
    assert moved[["name", "quadrant_before", "quadrant_after"]].to_dict("index") == {
        "A": {"name": "Alpha", "quadrant_before": "strategic", "quadrant_after": "status"},
        "C": {"name": "C", "quadrant_before": "status", "quadrant_after": "strategic"}}
    # the strength line moves to 6: B (5.5, no wallet estimate) becomes a star, A stays on the line
    line = workshop.PortfolioDefinition(base.attractiveness, base.strength, strength_cut=6.0)
    assert workshop.quadrant_changes(scores, line, base).index.tolist() == ["B"]
    assert workshop.quadrant_changes(scores, base, base).empty


def test_definition_errors_name_the_parameter():
    with pytest.raises(KamParameterError, match="parameter attractiveness: unknown component 'size'"):
        workshop.PortfolioDefinition({"size": 1.0}, {"relationship": 1.0})
    with pytest.raises(KamParameterError, match="parameter strength: at least one weight must be above 0"):
        workshop.PortfolioDefinition({"revenue_share": 1.0}, {"relationship": 0.0})
    with pytest.raises(KamParameterError, match="parameter strength_cut: 11 outside 0-10"):
        workshop.PortfolioDefinition({"revenue_share": 1.0}, {"relationship": 1.0}, strength_cut=11)


def test_scenarios_drop_weakest_and_add_emerging(sample_data, sel):
    t = sel.table
    definitive = list(sel.definitive.index)
    fewer = workshop.scenario(sel, sample_data.kams, drop_weakest=3)
    weakest = t.loc[definitive].sort_values("score").index[:3]
    assert set(fewer.dropped) == set(weakest) and len(fewer.ids) == len(definitive) - 3 and not fewer.added
    more = workshop.scenario(sel, sample_data.kams, add_emerging=3)
    pool = t[(t["type"] == "emerging") & ~t.index.isin(definitive) & (t["status"] == "active") & (t["revenue_12m"] > 0)]
    assert list(more.added) == pool.sort_values("score", ascending=False).index[:3].tolist()
    assert all(t.loc[i, "type"] == "emerging" for i in more.added)
    # capacity: per KAM the key accounts on the new list, total = list length
    cap = more.capacity.set_index("kam_id")
    on = t.loc[list(more.ids)]
    for kam_id, n in on["kam_id"].value_counts().items():
        assert cap.loc[kam_id, "key_accounts"] == n
        assert cap.loc[kam_id, "free"] == cap.loc[kam_id, "capacity"] - n
    assert cap.loc["-", "key_accounts"] == int(on["kam_id"].isna().sum())
    assert cap.loc["total", "key_accounts"] == len(definitive) + 3
    assert cap.loc["total", "free"] == int(sample_data.kams["capacity"].sum()) - len(definitive) - 3


def test_workshop_tables_and_sentences_in_german(sample_data, sel):
    from kamlib.present import overview

    board = workshop.PortfolioWorkshop.from_data(sample_data, sel, lang="de")
    capacity = overview.view(board.static()[3], "de").frame
    assert list(capacity.columns) == ["KAM", "Kapazität", "Key Accounts", "Frei"]
    assert capacity.iloc[-1, 0] == "Summe"
    loads = workshop.compare_load(now=board.scenario.capacity, fewer=board.scenario.capacity)
    assert list(overview.view(loads, "de").frame.columns)[:3] == ["Kapazität", "Key Accounts (jetzt)", "Frei (jetzt)"]
    assert workshop.board_summary(sel, "de") == (f"{len(sel.definitive)} definitive Key Accounts; "
                                                 f"KAM-Kapazität {int(sel.capacity['capacity'].sum())}")
    r = pd.DataFrame({"rater": ["A", "B"], "account_id": ["X", "X"], "criterion": ["credibility"] * 2, "score": [8, 6]})
    assert workshop.ratings_summary(r, 3, "de") == "2 Bewertungen von 2 Bewertern zu 1 Kunden; 3 Plätze auf der vorläufigen Liste"


def test_handout_dates_and_criteria_in_german(sample_data, names):
    h = workshop.build_handout(sample_data.ratings, names, as_of=AS_OF, lang="de")
    assert "Datenstand 31.12.2025" in repr(h).splitlines()[0]
    assert all("revenue_share" not in v for v in h.provisional["criteria_met"])


def test_portfolio_workshop_state_and_static(sample_data, sel):
    board = workshop.PortfolioWorkshop.from_data(sample_data, sel)
    definition, counts, changes, capacity = board.static()
    assert counts["accounts"].sum() == len(sel.definitive)
    assert repr(changes) == "No account changes quadrant against the default definition."
    board.define(strength_cut=6.0)
    # a stricter strength cut (5 -> 6) moves exactly the accounts with 5 <= strength < 6 to the weak side:
    # strategic -> star when attractive (>= 5), status -> streamline otherwise
    t = sel.definitive
    moved = t[(t["strength"] >= 5.0) & (t["strength"] < 6.0)]
    expected = {a: ("star" if t.loc[a, "attractiveness"] >= 5.0 else "streamline") for a in moved.index}
    ch = board.changes()
    assert len(moved) == 8 and dict(ch["quadrant_after"]) == expected
    assert dict(ch["quadrant_before"]) == dict(moved["quadrant"])
    board.apply(drop_weakest=3)
    board.apply(add_emerging=3)
    assert len(board.scenario.dropped) == 3 and len(board.scenario.added) == 3
    png, body = board.render()
    assert png[:4] == b"\x89PNG" and "kam-capacity" in body
    board.reset()
    assert board.definition == board.base and board.scenario.ids == tuple(sel.definitive.index)


# ------------------------------------------------------------------------------------- form, live, app


def test_rating_form_adds_replaces_and_saves(tmp_path):
    r = workshop.add_rating(None, "GF", "ACC-1", {"credibility": 7, "relationship": 4})
    r = workshop.add_rating(r, "=GF", "ACC-1", {"credibility": 2})
    r = workshop.add_rating(r, "GF", "ACC-1", {"credibility": 9})
    assert r.values.tolist() == [["=GF", "ACC-1", "credibility", 2.0], ["GF", "ACC-1", "credibility", 9.0],
                                 ["GF", "ACC-1", "relationship", 4.0]]
    with pytest.raises(KamParameterError, match="parameter scores: credibility=12 outside 0-10"):
        workshop.add_rating(r, "GF", "ACC-1", {"credibility": 12})
    with pytest.raises(KamParameterError, match="parameter rater"):
        workshop.add_rating(r, " ", "ACC-1", {"credibility": 1})
    out = workshop.save_ratings(r, tmp_path / "r.csv")
    assert out.read_text(encoding="utf-8-sig").splitlines()[1] == "'=GF,ACC-1,credibility,2.0"
    form = workshop.RatingForm(_accounts(), ratings=r)
    import base64

    link = form.download_link()
    csv = base64.b64decode(link.split("base64,")[1].split('"')[0]).decode("utf-8-sig")
    assert csv.splitlines()[:2] == ["rater,account_id,criterion,score", "'=GF,ACC-1,credibility,2.0"]
    assert "&lt;script&gt;" not in form.table_html() and "credibility" in form.table_html()


def test_live_frontend_detection(monkeypatch):
    for var in ("KAM_WORKSHOP_LIVE", "SERVER_SOFTWARE", "JPY_SESSION_NAME", "VOILA_PREHEAT", "VOILA_SERVER_URL"):
        monkeypatch.delenv(var, raising=False)
    assert workshop.live_frontend() is False  # papermill, nbclient, nbval
    # a kernel Voilà prepares for its pool (kam workshop --participants) runs before any request, so without
    # SERVER_SOFTWARE; Voilà marks it with its own variables. It showed the room static tables, no sliders.
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_SERVER_URL", "http://127.0.0.1:8866/")
    assert workshop.live_frontend() is True
    from kamlib.teaching import form

    assert form.live_frontend is workshop.live_frontend  # one rule for exercises and workshops
    monkeypatch.delenv("VOILA_PREHEAT")
    monkeypatch.delenv("VOILA_SERVER_URL")
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    assert workshop.live_frontend() is True
    monkeypatch.setenv("KAM_WORKSHOP_LIVE", "0")
    assert workshop.live_frontend() is False
    monkeypatch.delenv("SERVER_SOFTWARE")
    monkeypatch.setenv("KAM_WORKSHOP_LIVE", "1")
    assert workshop.live_frontend() is True


def test_workshop_app_port_and_command():
    from kamlib.workshop.app import HOST, free_port, voila_command

    with socket.socket() as s:
        s.bind((HOST, 0))
        s.listen()
        taken = s.getsockname()[1]
        assert free_port(taken) != taken
    cmd = voila_command(8866)
    assert "--Voila.ip=127.0.0.1" in cmd and "--port=8866" in cmd and "--no-browser" in cmd
    assert cmd[-1] != "--show_tracebacks=True" and "--show_tracebacks=False" in cmd


def test_compare_load_side_by_side(sample_data, sel):
    now = workshop.capacity_load(sel.table, list(sel.definitive.index), sample_data.kams)
    fewer = workshop.scenario(sel, sample_data.kams, drop_weakest=3).capacity
    table = workshop.compare_load(now=now, fewer=fewer)
    assert table.index[-1] == "total" and list(table.index[:-1]) == [k for k in now["kam_id"] if k != "total"]
    assert table.loc["total", "key_accounts_now"] - table.loc["total", "key_accounts_fewer"] == 3
    assert (table["free_fewer"] == table["capacity"] - table["key_accounts_fewer"]).all()


def test_ratings_csv_loads_back_and_into_the_data_model(tmp_path, sample_copy):
    t = workshop.write_template(_accounts(), tmp_path / "t.xlsx")
    filled = _fill(t, tmp_path / "f.xlsx", "+Vertrieb", {5: [8, 7, 6, 5, 4, 3]})
    out = tmp_path / "ratings.csv"
    assert kam_main(["workshop-ratings", str(filled), "-o", str(out)]) == 0
    back = workshop.load_ratings(out)
    assert back["rater"].unique().tolist() == ["'+Vertrieb"] and back["score"].tolist() == [8, 7, 6, 5, 4, 3]
    (sample_copy / "ratings.csv").write_bytes(out.read_bytes())
    import kamlib

    data = kamlib.load(sample_copy, as_of=AS_OF)
    assert len(data.ratings) == 6 and set(data.ratings["criterion"]) == set(workshop.CRITERIA)


def test_load_ratings_names_row_and_column(tmp_path):
    bad = tmp_path / "r.csv"
    bad.write_text("rater,account_id,criterion,score\nGF,ACC-1,credibility,7\nGF,ACC-1,size,5\n,ACC-2,credibility,x\n")
    with pytest.raises(KamDataError) as err:
        workshop.load_ratings(bad)
    assert str(err.value).splitlines()[1:] == [
        f"  - {bad} row 3, column criterion: 'size' is not a criterion; choose from {', '.join(workshop.CRITERIA)}",
        f"  - {bad} row 4, column rater: is empty, but a value is required",
        f"  - {bad} row 4, column score: 'x' is not a number"]
    other = tmp_path / "o.csv"
    other.write_text("who,what\n1,2\n")
    with pytest.raises(KamDataError, match="row 1: missing column rater, account_id, criterion, score"):
        workshop.load_ratings(other)


def test_template_accounts_are_the_places_and_as_many_runners_up():
    # five accounts meet the rule (provisional), two got a place (definitive): the room rates the two placed ones
    # and the two best runners-up (table order = best first), not all five
    from types import SimpleNamespace

    import pandas as pd

    from kamlib.selection import Selection

    ids = ["A", "B", "C", "D", "E", "F"]
    table = pd.DataFrame({"provisional": [True, True, True, True, True, False],
                          "definitive": [False, True, False, True, False, False]}, index=ids)
    sel = Selection(table=table, capacity=pd.DataFrame(), criteria=(), weights=pd.Series(dtype=float),
                    thresholds=pd.Series(dtype=float), notes=(), max_key_accounts=2)
    data = SimpleNamespace(accounts=pd.DataFrame({"account_id": ids, "name": [f"n{a}" for a in ids]}))
    t = workshop.template_accounts(data, selection=sel)
    assert t["account_id"].tolist() == ["B", "D", "A", "C"]
    assert t["name"].tolist() == ["nB", "nD", "nA", "nC"]


# ------------------------------------------------------------------------------------- screens (issue 17)


def _four_criteria_ratings() -> pd.DataFrame:
    crit = ["revenue_share", "lifetime_value", "growth_potential", "relationship"]
    rows = [("GF", a, c, s) for a, base in (("A", 8), ("B", 6), ("C", 4)) for c, s in zip(crit, (base, 7, 5, 9))]
    return pd.DataFrame(rows, columns=list(workshop.RATINGS_COLUMNS))


def test_shares_hand_worked():
    from kamlib.workshop.screen import share_texts, shares

    # 0.45 + 0.25 + 0.2 + 0.2 = 1.10: 0.45/1.10 = 0.4091, 0.25/1.10 = 0.2273, 0.2/1.10 = 0.1818 (twice)
    assert shares([0.45, 0.25, 0.2, 0.2]).round(4).tolist() == [0.4091, 0.2273, 0.1818, 0.1818]
    assert share_texts([0.45, 0.25, 0.2, 0.2], "en") == ["41%", "23%", "18%", "18%"]
    # 0.45 + 0.25 + 0.2 + 0.15 = 1.05: 0.4286, 0.2381, 0.1905, 0.1429 -> 43 %, 24 %, 19 %, 14 %
    assert shares([0.45, 0.25, 0.2, 0.15]).round(4).tolist() == [0.4286, 0.2381, 0.1905, 0.1429]
    assert share_texts([0.45, 0.25, 0.2, 0.15], "de") == ["43\u00a0%", "24\u00a0%", "19\u00a0%", "14\u00a0%"]
    with pytest.raises(ValueError):
        shares([0.5, -0.1])


def test_screen_and_handout_show_the_same_normalised_weights():
    # the room sets 0.45/0.25/0.2/0.2: the screen beside each slider and the handout both show 41/23/18/18 %
    # (0.45/1.10, 0.25/1.10, 0.2/1.10), not the slider's raw 0.45
    r = _four_criteria_ratings()
    room = workshop.RatedWorkshop.from_ratings(r, {}, places=2)
    ui = room.widget()
    sliders = {s.description: s for s in _all(ui, "FloatSlider") if s.description != "≥"}
    for c, v in zip(room.criteria, (0.45, 0.25, 0.2, 0.2)):
        sliders[workshop.label(c)].value = v
    shown = [room.share_labels[c].value for c in room.criteria]
    assert [_strip_tags(s) for s in shown] == ["41%", "23%", "18%", "18%"]
    assert all(not s.readout for s in sliders.values())  # no raw 0.45 on the screen
    handout = workshop.HandoutPanel(room, r, {}, places=2).handout()
    assert handout.weights["weight"].tolist() == ["41%", "23%", "18%", "18%"]
    assert "<td>41%</td>" in handout.html()


def test_german_screens_show_german_numbers(sample_data, names, sel):
    # the ranking table, the thresholds (≥ 7 -> "7,0") and the cut lines (5 -> "5,0") in the language of the room:
    # ipywidgets' own readout only knows the decimal point, so the sliders show their value as text beside them
    room = workshop.RatedWorkshop.from_ratings(sample_data.ratings, names, lang="de")
    ui = room.widget()
    thresholds = [s for s in _all(ui, "FloatSlider") if s.description == "≥"]
    assert thresholds and all(not s.readout for s in thresholds)
    shown = {_strip_tags(h.value) for h in _all(ui, "HTML")}
    assert {i18n.number(s.value, "de", 1) for s in thresholds} <= shown
    thresholds[0].value = 6.5
    assert "6,5" in {_strip_tags(h.value) for h in _all(ui, "HTML")}
    (table,) = [h for h in _all(ui, "HTML") if "<table" in h.value]
    scores = [float(x.replace(",", ".")) for x in __import__("re").findall(r"<td>(\d+,\d\d)</td>", table.value)]
    assert scores == sorted(scores, reverse=True) and len(scores) == len(room.last)
    assert not __import__("re").search(r"<td>\d+\.\d\d</td>", table.value)
    board = workshop.PortfolioWorkshop.from_data(sample_data, sel, lang="de")
    bui = board.widget()
    cuts = [s for s in _all(bui, "FloatSlider") if s.max == 10]
    assert len(cuts) == 2 and all(not s.readout for s in cuts)
    texts = {_strip_tags(h.value) for h in _all(bui, "HTML")}
    assert {i18n.number(s.value, "de", 1) for s in cuts} <= texts


def _all(widget, kind: str) -> list:
    """Every widget of class ``kind`` inside ``widget`` (depth first)."""
    found = [widget] if type(widget).__name__ == kind else []
    for child in getattr(widget, "children", ()):
        found += _all(child, kind)
    return found


def _strip_tags(s: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", s).strip()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_ranking_chart_image_has_the_figures_aspect(sample_data, names, lang):
    from PIL import Image

    room = workshop.RatedWorkshop.from_ratings(sample_data.ratings, names, lang=lang)
    ui = room.widget()
    (image,) = _all(ui, "Image")
    w_in, h_in = room._fig.get_size_inches()
    png = Image.open(__import__("io").BytesIO(image.value))
    # figure 5 x (0.25 k + 1) inches at 80 dpi is the PNG's size; the widget shows exactly that many pixels
    assert png.size == (round(w_in * 80), round(h_in * 80))
    assert image.layout.width == f"{png.size[0]}px" and image.layout.height == f"{png.size[1]}px"
    assert image.layout.align_self == "flex-start" and image.layout.object_fit == "contain"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_slider_labels_are_whole_and_fit(sample_data, names, sel, lang):
    from kamlib.workshop.screen import label_width

    room = workshop.RatedWorkshop.from_ratings(sample_data.ratings, names, lang=lang)
    board = workshop.PortfolioWorkshop.from_data(sample_data, sel, lang=lang)
    form = workshop.RatingForm(workshop.template_accounts(sample_data), lang=lang)
    for ui in (room.widget(), board.widget(), form.widget()):
        sliders = [s for s in _all(ui, "FloatSlider") + _all(ui, "IntSlider") if s.description != "≥"]
        assert sliders
        for s in sliders:
            # the whole label is on the slider, and its column is as wide as the longest label of the group
            assert s.description in _full_labels(lang), s.description
            assert int(s.style.description_width.removesuffix("ch")) >= len(s.description) + 2
    assert label_width(["Stärke der Beziehung"]) == "22ch"  # 20 characters + 2


def _full_labels(lang: str) -> set[str]:
    cut = workshop.label("cut", lang)
    return {workshop.label(c, lang) for c in workshop.COMPONENTS} | {
        f"{workshop.label(a, lang)}: {cut}" for a in ("attractiveness", "strength")}


def test_cut_line_sliders_have_a_usable_track(sample_data, sel):
    from kamlib.workshop.screen import TRACK_PX

    board = workshop.PortfolioWorkshop.from_data(sample_data, sel)
    cuts = [s for s in _all(board.widget(), "FloatSlider") if s.max == 10]
    assert len(cuts) == 2 and TRACK_PX >= 250
    for s in cuts:  # label column + track + readout: the track keeps TRACK_PX whatever the label
        assert s.layout.width == f"calc({s.style.description_width} + {TRACK_PX + 70}px)"


# ------------------------------------------------------------------------------------- the room's app (issue 17)


def test_room_app_command_line_for_bind_and_token(tmp_path):
    from kamlib.workshop import app

    local = app.voila_command(8866, tmp_path, bind="127.0.0.1", token="k7m2qp")
    assert "--Voila.ip=127.0.0.1" in local and "--Voila.token=k7m2qp" in local and "--port=8866" in local
    room = app.voila_command(8870, tmp_path, bind="0.0.0.0", token="ab3x9z")
    assert "--Voila.ip=0.0.0.0" in room and "--Voila.token=ab3x9z" in room
    assert "--show_tracebacks=False" in room and "--no-browser" in room
    args = app.parse_args(["--bind", "0.0.0.0", "--token", "abc123", "--lang", "de"])
    assert (args.bind, args.token, args.lang) == ("0.0.0.0", "abc123", "de")
    assert app.parse_args([]).bind == "127.0.0.1"  # the loopback unless the facilitator opens the room
    with pytest.raises(SystemExit):  # a bind address that is not an IP address
        app.parse_args(["--bind", "room-1"])
    with pytest.raises(SystemExit):  # a token too short to keep a neighbouring room out
        app.parse_args(["--token", "ab"])


def test_room_token_is_short_typeable_and_new_each_time():
    from kamlib.workshop import app

    tokens = {app.new_token() for _ in range(50)}
    assert len(tokens) == 50  # 31**6 = 887,503,681 possibilities: 50 draws collide with p < 2e-6
    for t in tokens:
        assert len(t) == 6 and set(t) <= set(app.TOKEN_ALPHABET)
    assert not set("0O1lI") & set(app.TOKEN_ALPHABET)  # nothing a participant can mistype from the projector


def test_room_address_uses_the_lan_ip_when_bound_to_all(monkeypatch):
    from kamlib.workshop import app

    monkeypatch.setattr(app, "lan_ip", lambda: "192.168.10.23")
    assert app.address("0.0.0.0", 8866, "k7m2qp") == "http://192.168.10.23:8866/?token=k7m2qp"
    assert app.address("127.0.0.1", 8866, "k7m2qp") == "http://127.0.0.1:8866/?token=k7m2qp"
    assert app.address("10.0.0.5", 9000, "") == "http://10.0.0.5:9000/"


def test_room_instruction_in_the_facilitators_language():
    from kamlib.workshop import app

    url = "http://192.168.10.23:8866/?token=k7m2qp"
    de = app.instruction(url, "de")
    en = app.instruction(url, "en")
    assert url in de and url in en and de != en
    assert "Browser" in de and "WLAN" in de and "browser" in en


def test_room_notebooks_keep_one_language_and_set_it(tmp_path):
    import nbformat

    from kamlib.workshop import app

    made = app.room_notebooks(tmp_path, langs=("de", "en"))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in made) == [
        "de/criteria_workshop.ipynb", "de/portfolio_workshop.ipynb",
        "en/criteria_workshop.ipynb", "en/portfolio_workshop.ipynb"]
    nb = nbformat.read(tmp_path / "de" / "criteria_workshop.ipynb", as_version=4)
    tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
    assert "lang-de" in tags and "lang-en" not in tags
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert 'lang: str = "de"' in params.source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    app.room_notebooks(tmp_path / "reg", langs=("en",), register=str(tmp_path / "source"))
    nb = nbformat.read(tmp_path / "reg" / "en" / "criteria_workshop.ipynb", as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert f"register: str = {str(tmp_path / 'source')!r}" in params.source and 'lang: str = "en"' in params.source


def test_kam_workshop_subcommand_reaches_the_app(monkeypatch):
    from kamlib.workshop import app

    seen = {}
    monkeypatch.setattr(app, "run", lambda args: seen.setdefault("args", args) and 0)
    assert kam_main(["workshop", "--bind", "0.0.0.0", "--token", "abc123", "--lang", "de"]) == 0
    args = seen["args"]
    assert (args.bind, args.token, args.lang, args.instruction) == ("0.0.0.0", "abc123", "de", False)


def _run_room(monkeypatch, tmp_path, argv):
    """``kam workshop ARGV`` up to the point where Voilà would start: what it prints and the notebooks it serves."""
    import io

    import nbformat

    from kamlib.workshop import app

    seen: dict = {}

    def fake_call(cmd, cwd=None, **kw):  # instead of Voilà: read the parameters of the notebooks it would serve
        nb = nbformat.read(Path(cwd) / "de" / "criteria_workshop.ipynb", as_version=4)
        seen["params"] = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        return 0

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(app, "_call", fake_call)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert app.run(app.parse_args(["--port", "0", "--token", "k7m2qp", *argv])) == 0
    return out.getvalue(), seen["params"]


def test_room_instruction_never_gives_participants_a_loopback_address(monkeypatch, tmp_path):
    from kamlib.workshop import app

    # the function itself: a loopback URL is never read out; the facilitator is told how to open the room
    for lang in ("de", "en"):
        said = app.instruction("http://127.0.0.1:8866/?token=k7m2qp", lang)
        assert "127.0.0.1" not in said and "--bind 0.0.0.0" in said
    assert "nicht verbinden" in app.instruction("http://127.0.0.1:8866/?token=k7m2qp", "de")
    assert "cannot join" in app.instruction("http://127.0.0.1:8866/?token=k7m2qp", "en")
    # kam workshop --lang de --instruction on the default bind address (127.0.0.1): the read-out block
    # (between the blank lines) holds no loopback address and names the option
    printed, _ = _run_room(monkeypatch, tmp_path, ["--lang", "de", "--instruction"])
    block = printed.split("\n\n")[1]
    assert "127.0.0.1" not in block and "nicht verbinden" in block and "--bind 0.0.0.0" in block
    # on the room's network: the LAN address with the port and the code
    monkeypatch.setattr(app, "lan_ip", lambda: "192.168.10.23")
    printed, _ = _run_room(monkeypatch, tmp_path, ["--bind", "0.0.0.0", "--lang", "de", "--instruction"])
    block = printed.split("\n\n")[1]
    assert "http://192.168.10.23:" in block and "?token=k7m2qp" in block and "WLAN" in block
    # bound to every interface but no network found: still no loopback address for the room
    monkeypatch.setattr(app, "lan_ip", lambda: "127.0.0.1")
    printed, _ = _run_room(monkeypatch, tmp_path, ["--bind", "0.0.0.0", "--instruction"])
    block = printed.split("\n\n")[1]
    assert "127.0.0.1" not in block and "network" in block


def test_room_app_states_its_language(monkeypatch, tmp_path):
    printed, params = _run_room(monkeypatch, tmp_path, [])
    assert "Language: English" in printed and "--lang de" in printed  # the default, said out loud
    printed, _ = _run_room(monkeypatch, tmp_path, ["--lang", "de"])
    assert "Sprache: Deutsch" in printed and "--lang en" in printed


def test_kam_workshop_help_describes_the_command(capsys):
    with pytest.raises(SystemExit):
        kam_main(["workshop", "-h"])
    helptext = capsys.readouterr().out
    # a description line between the usage and the options, as kam sample-data has
    assert "start the room's workshop app" in helptext.split("options:")[0].lower()


def test_the_rooms_decision_is_recorded_by_default(monkeypatch, tmp_path):
    from kamlib.workshop import app

    assert app.parse_args([]).register == app.DEFAULT_REGISTER == "workshop-decisions"
    printed, params = _run_room(monkeypatch, tmp_path, ["--lang", "de"])
    folder = tmp_path / "workshop-decisions"
    # the served notebook's register parameter is that folder (absolute: Voilà runs in a temporary folder)
    assert f"register: str = {str(folder.resolve())!r}" in params
    assert folder.is_dir() and str(folder.resolve()) in printed and "Entscheidungsregister" in printed
    other = tmp_path / "reg"
    printed, params = _run_room(monkeypatch, tmp_path, ["--register", str(other)])
    assert f"register: str = {str(other.resolve())!r}" in params and str(other.resolve()) in printed


# ------------------------------------------------------------------------------------- the room's decision (issue 17)


def test_the_rooms_decision_is_recorded_and_read_back(tmp_path, sample_data, names, sample_copy):
    import json

    import kamlib
    from kamlib import decision

    ratings = sample_data.ratings
    room = workshop.RatedWorkshop.from_ratings(ratings, names, places=8)
    panel = workshop.DecidePanel(room, ratings, names, sample_data, register=str(sample_copy), places=8)
    provisional = panel.provisional_ids()
    # the provisional list is the rated accounts meeting the rule, best 8 by the agreed weights
    rated = workshop.provisional_from_ratings(ratings, names, places=8)
    assert provisional == rated.index[rated["provisional"]].tolist() and len(provisional) == 8
    # the room drops the last two provisional accounts after discussing them
    definitive = provisional[:6]
    p_path = panel.record("provisional", provisional, decided_by="Workshop 1", decided_on=AS_OF, note="first pass")
    d_path = panel.record("definitive", definitive, decided_by="Workshop 1", decided_on=AS_OF,
                          note="=two dropped: capacity")
    # the provisional list: a decision file notebook 01 can start from (decision parameter)
    back = decision.read(p_path, sample_data)
    assert back.ids and set(back.ids) == set(provisional) and back.source == "provisional"
    assert json.loads(Path(p_path).read_text())["note"] == "first pass"
    # the definitive list: the register of the data source; every later run pins it
    assert d_path == sample_copy / "key_account_decisions.csv"
    data = kamlib.load(sample_copy, as_of=AS_OF)
    pinned = decision.for_notebook(data, "")
    assert pinned.source == "pinned" and pinned.decided_on == AS_OF and pinned.decided_by == "Workshop 1"
    assert set(pinned.ids) == set(definitive)
    reg = data.key_account_decisions
    assert sorted(reg.loc[reg["decision"] == "not_key", "account_id"]) == sorted(provisional[6:])
    assert (reg["reason"] == "'=two dropped: capacity").all()  # the room's note, neutralised against formulas
    params = json.loads(reg["parameters"].iloc[0])
    w, _ = room.agreed()
    assert params["criteria"] == list(room.criteria) and params["weights"] == pytest.approx(w)
    assert params["min_criteria"] == room.min_criteria
    # deciding again the same day replaces the day's rows (a room corrects itself), other days stay
    panel.record("definitive", definitive[:5], decided_by="Workshop 1", decided_on=AS_OF, note="")
    again = decision.for_notebook(kamlib.load(sample_copy, as_of=AS_OF), "")
    assert set(again.ids) == set(definitive[:5])


def test_recording_refuses_a_definitive_list_outside_the_provisional(sample_data, names, tmp_path):
    room = workshop.RatedWorkshop.from_ratings(sample_data.ratings, names, places=8)
    panel = workshop.DecidePanel(room, sample_data.ratings, names, sample_data, register=str(tmp_path), places=8)
    provisional = panel.provisional_ids()
    outside = [a for a in sample_data.accounts["account_id"] if a not in set(provisional)][:1]
    with pytest.raises(KamParameterError, match="not on the provisional list"):
        panel.record("definitive", provisional[:3] + outside, decided_by="Workshop", decided_on=AS_OF)
    with pytest.raises(KamParameterError, match="decided_by"):
        panel.record("definitive", provisional[:3], decided_by=" ", decided_on=AS_OF)
    assert not (tmp_path / "key_account_decisions.csv").exists()


def test_decide_panel_buttons_record_what_the_room_ticked(sample_data, names, sample_copy):
    import datetime

    from kamlib import decision

    room = workshop.RatedWorkshop.from_ratings(sample_data.ratings, names, places=8)
    panel = workshop.DecidePanel(room, sample_data.ratings, names, sample_data, register=str(sample_copy), places=8,
                                 lang="de")
    ui = panel.widget()
    (by,) = _all(ui, "Text")
    (on,) = _all(ui, "DatePicker")
    by.value, on.value = "Workshop Vertrieb", datetime.date(2025, 12, 31)
    first, second = _all(ui, "Button")
    assert (first.description, second.description) == ("Vorläufige Liste festhalten", "Definitive Liste beschließen")
    first.click()
    boxes = _all(ui, "Checkbox")
    assert len(boxes) == 8 and all(b.value for b in boxes)
    boxes[-1].value = False  # the room drops the eighth account
    second.click()
    message = _all(ui, "HTML")[-1].value
    assert message.startswith("7 Key Accounts im Entscheidungsregister") and "31.12.2025" in message
    import kamlib

    d = decision.for_notebook(kamlib.load(sample_copy, as_of=AS_OF), "")
    assert set(d.ids) == set(panel.provisional_ids()[:7]) and d.decided_by == "Workshop Vertrieb"


def test_room_app_says_what_is_missing_before_it_prints_an_address(monkeypatch, capsys):
    # a laptop set up without Voilà (an extra) gets one clear message in the room's language and exit 2, not an
    # address and an access code for an app that then fails to start
    import importlib.util

    from kamlib.workshop import app

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "voila" else real(name, *a))
    monkeypatch.setattr(app, "_call", lambda *a, **k: pytest.fail("the app started without Voilà"))
    assert app.main(["--lang", "de", "--register", ""]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Voilà" in err and 'pip install ".[lab]"' in err and "fehlt" in err


def test_room_app_finds_notebooks_and_sample_next_to_an_installed_package(monkeypatch, tmp_path):
    # pip install . (not editable): kamlib's own folder has no notebooks/ and no data/sample next to it; the app
    # then uses the workbook folder it is started in, as the trainee copies do
    from kamlib.workshop import app

    monkeypatch.setattr(app, "NOTEBOOKS", tmp_path / "site-packages" / "notebooks" / "workshop")
    monkeypatch.setattr("kamlib.SAMPLE", str(tmp_path / "site-packages" / "data" / "sample"))
    (tmp_path / "wb" / "notebooks" / "workshop").mkdir(parents=True)
    (tmp_path / "wb" / "data" / "sample").mkdir(parents=True)
    (tmp_path / "wb" / "data" / "sample" / "accounts.csv").write_text("account_id\n")
    monkeypatch.chdir(tmp_path / "wb")
    assert app.default_folder() == Path("notebooks/workshop").resolve()
    assert app.default_source() == str(Path("data/sample").resolve())
    monkeypatch.setattr(app, "NOTEBOOKS", tmp_path / "wb" / "notebooks" / "workshop")
    monkeypatch.setattr("kamlib.SAMPLE", str(tmp_path / "wb" / "data" / "sample"))
    assert app.default_source() == ""  # the installed sample is found by the notebooks themselves


def _criteria_setup(ratings_file: str, capsys) -> tuple[dict, str]:
    """Run the criteria workshop's parameters cell and its setup cell (the one that reads the ratings) on the
    sample with ``ratings_file``: the names they define and what they print."""
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "workshop" / "criteria_workshop.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    params = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    setup = next(s for s in code if "ratings_summary" in s)
    ns: dict = {}
    capsys.readouterr()
    with pd.option_context("display.float_format", None):  # the cell sets it; keep it out of the other tests
        exec(params, ns)
        ns.update(source=str(SAMPLE), as_of=AS_OF, ratings_file=ratings_file)
        exec(setup, ns)
    return ns, capsys.readouterr().out


def test_criteria_notebook_gathers_the_rooms_hand_ins(tmp_path, capsys, sample_data):
    from kamlib.workshop import gather

    folder = tmp_path / "room" / gather.HAND_INS
    ns, out = _criteria_setup(str(folder), capsys)  # no one has handed in yet: the source's ratings, and it says so
    assert len(ns["ratings"]) == len(sample_data.ratings) == 414
    assert out.splitlines()[0] == "No one has handed in ratings yet: the ratings of the data source are shown."
    gather.hand_in(folder, "Anna Müller", {"ACC-0013": {"credibility": 8, "relationship": 6}})
    gather.hand_in(folder, "Bernd", {"ACC-0013": {"credibility": 4}, "ACC-0020": {"credibility": 9}})
    ns, out = _criteria_setup(str(folder), capsys)
    # 2 + 2 = 4 ratings by 2 participants on 2 accounts
    assert ns["ratings"][["rater", "account_id", "score"]].astype(object).values.tolist() == [
        ["Anna Müller", "ACC-0013", 8.0], ["Anna Müller", "ACC-0013", 6.0],
        ["Bernd", "ACC-0013", 4.0], ["Bernd", "ACC-0020", 9.0]]
    assert out.splitlines()[0] == "2 participants have handed in 4 ratings; these are shown instead of the ratings of the data source."
    assert out.splitlines()[1].startswith("4 ratings by 2 raters on 2 accounts")
    ns, out = _criteria_setup("", capsys)  # as before: the source's ratings, only the summary
    assert len(ns["ratings"]) == 414 and out.splitlines()[0].startswith("414 ratings by 4 raters")
