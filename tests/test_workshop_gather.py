"""The room's ratings: each participant hands in their own file, the facilitator gathers the folder (issue 18)."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest

from kamlib import workshop
from kamlib.errors import KamDataError, KamParameterError
from kamlib.workshop import gather

EVIL = '=HYPERLINK("http://evil.example","click")'

ANNA = {"ACC-2": {"relationship": 4, "credibility": 8}, "ACC-1": {"credibility": 7.5}}
BERND = {"ACC-1": {"relationship": 9, "credibility": 6}}
# sorted by rater ("Anna Müller" < "Bernd"), account ("ACC-1" < "ACC-2"), then the order of workshop.CRITERIA
# (credibility is the 5th criterion, relationship the 6th): 1 + 2 rows of Anna, 2 rows of Bernd = 5 ratings
ANNA_ROWS = [
    ["Anna Müller", "ACC-1", "credibility", 7.5],
    ["Anna Müller", "ACC-2", "credibility", 8.0],
    ["Anna Müller", "ACC-2", "relationship", 4.0],
]
BERND_ROWS = [["Bernd", "ACC-1", "credibility", 6.0], ["Bernd", "ACC-1", "relationship", 9.0]]


def _rows(frame: pd.DataFrame) -> list[list]:
    return frame[list(workshop.RATINGS_COLUMNS)].astype(object).values.tolist()


def _csvs(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_two_raters_hand_in_and_are_read_back(tmp_path):
    room = tmp_path / "room" / gather.HAND_INS  # created by the first hand-in
    a = gather.hand_in(room, "Anna Müller", ANNA)
    b = gather.hand_in(room, "Bernd", BERND)
    assert a.parent == room and b.parent == room and a != b
    assert re.fullmatch(r"anna-muller-[0-9a-f]{10}\.csv", a.name) and re.fullmatch(r"bernd-[0-9a-f]{10}\.csv", b.name)
    assert _csvs(room) == sorted([a.name, b.name])  # no temporary file left behind
    back = gather.read_hand_ins(room)
    assert list(back.columns) == list(workshop.RATINGS_COLUMNS)
    assert _rows(back) == ANNA_ROWS + BERND_ROWS
    # each file is a ratings CSV the workshop reads as it is (UTF-8 with BOM for Excel)
    assert a.read_bytes().startswith(b"\xef\xbb\xbf")
    assert _rows(workshop.load_ratings(a)) == ANNA_ROWS


def test_the_same_rater_again_replaces_only_their_file(tmp_path):
    a = gather.hand_in(tmp_path, "Anna Müller", ANNA)
    anna_bytes = a.read_bytes()
    b = gather.hand_in(tmp_path, "Bernd", BERND)
    again = gather.hand_in(tmp_path, "  Bernd ", {"ACC-3": {"revenue_share": 10, "credibility": None}})
    assert again == b and _csvs(tmp_path) == sorted([a.name, b.name])
    assert a.read_bytes() == anna_bytes
    # Bernd's earlier two rows are gone, his new one (revenue_share 10; credibility None = not judged) stays
    assert _rows(gather.read_hand_ins(tmp_path)) == ANNA_ROWS + [["Bernd", "ACC-3", "revenue_share", 10.0]]


def test_names_that_differ_in_case_or_umlaut_get_their_own_files(tmp_path):
    names = ["Anna Müller", "anna müller", "Anna-Müller", "Anna Mueller"]
    paths = [gather.hand_in(tmp_path, n, {"ACC-1": {"credibility": i}}) for i, n in enumerate(names)]
    assert len(set(paths)) == 4 and len(_csvs(tmp_path)) == 4
    back = gather.read_hand_ins(tmp_path)
    assert sorted(back["rater"]) == sorted(names)
    # the same name typed on a Mac (decomposed ü) is the same person: it replaces, it does not add
    decomposed = unicodedata.normalize("NFD", "Anna Müller")
    assert decomposed != "Anna Müller"
    assert gather.hand_in(tmp_path, decomposed, {"ACC-1": {"credibility": 9}}) == paths[0]
    assert len(_csvs(tmp_path)) == 4


def test_a_hand_in_stays_inside_the_folder(tmp_path):
    room = tmp_path / "room"
    p = gather.hand_in(room, "../../etc/passwd", {"ACC-1": {"credibility": 5}})
    assert p.parent == room and re.fullmatch(r"etc-passwd-[0-9a-f]{10}\.csv", p.name)
    assert _csvs(tmp_path) == ["room"]
    # a name with no letters at all still gets a file of its own
    q = gather.hand_in(room, "###", {"ACC-1": {"credibility": 5}})
    assert q.parent == room and re.fullmatch(r"rater-[0-9a-f]{10}\.csv", q.name)


@pytest.mark.parametrize(
    ("rater", "scores", "message"),
    [
        ("", {"ACC-1": {"credibility": 5}}, "parameter rater"),
        ("   ", {"ACC-1": {"credibility": 5}}, "parameter rater"),
        ("Anna", {"ACC-1": {"credibility": 11}}, "credibility=11 outside 0-10"),
        ("Anna", {"ACC-1": {"credibility": -0.5}}, "credibility=-0.5 outside 0-10"),
        ("Anna", {"ACC-1": {"credibility": "x"}}, "'x' is not a number"),
        ("Anna", {"ACC-1": {"credibility": float("nan")}}, "is not a number"),
        ("Anna", {"ACC-1": {"credibility": True}}, "is not a number"),
        ("Anna", {"ACC-1": {"size": 5}}, "unknown criterion 'size'"),
        ("Anna", {}, "no score"),
        ("Anna", {"ACC-1": {}, "ACC-2": {"credibility": None}}, "no score"),
        ("Anna", {" ": {"credibility": 5}}, "empty account"),
        ("Anna", {"ACC-1": {"credibility": 5}, " ACC-1": {"relationship": 5}}, "ACC-1 twice"),
    ],
)
def test_bad_hand_ins_are_refused_and_nothing_is_written(tmp_path, rater, scores, message):
    with pytest.raises(KamParameterError, match=re.escape(message)):
        gather.hand_in(tmp_path, rater, scores)
    assert _csvs(tmp_path) == []


def test_a_score_given_as_text_is_read_as_a_number(tmp_path):
    # the participant page may send form values as text; German decimal comma as in load_ratings
    gather.hand_in(tmp_path, "Carla", {"ACC-1": {"credibility": "7,5", "relationship": "3"}})
    assert _rows(gather.read_hand_ins(tmp_path)) == [
        ["Carla", "ACC-1", "credibility", 7.5], ["Carla", "ACC-1", "relationship", 3.0]]


def test_a_corrupt_file_is_named_with_row_and_column(tmp_path):
    gather.hand_in(tmp_path, "Anna Müller", ANNA)
    bad = tmp_path / "zz-carla.csv"
    bad.write_text("rater,account_id,criterion,score\nCarla,ACC-1,credibility,6\nCarla,ACC-2,credibility,12\n")
    # hidden and temporary files (the hand-in's own temporary file, Excel's lock file) are not hand-ins
    (tmp_path / ".anna.csv").write_text("garbage")
    (tmp_path / "~$zz-carla.csv").write_text("garbage")
    (tmp_path / "notes.txt").write_text("garbage")
    with pytest.raises(KamDataError) as err:
        gather.read_hand_ins(tmp_path)
    assert [str(f) for f in err.value.findings] == [f"{bad} row 3, column score: 12 is outside 0-10"]
    bad.write_text("rater,account_id,criterion,score\nCarla,ACC-1,credibility,6\n")
    assert len(gather.read_hand_ins(tmp_path)) == 3 + 1


def test_a_rater_in_two_files_names_both(tmp_path):
    a = gather.hand_in(tmp_path, "Anna Müller", ANNA)
    copy = tmp_path / "copy-of-anna.csv"
    copy.write_bytes(a.read_bytes())
    with pytest.raises(KamDataError) as err:
        gather.read_hand_ins(tmp_path)
    (finding,) = err.value.findings
    assert finding.column == "rater" and a.name in str(finding) and copy.name in str(finding)
    assert "'Anna Müller'" in str(finding)


def test_an_empty_or_missing_folder_gives_an_empty_frame(tmp_path):
    for folder in (tmp_path, tmp_path / "not-yet"):
        back = gather.read_hand_ins(folder)
        assert list(back.columns) == list(workshop.RATINGS_COLUMNS) and len(back) == 0
    assert not (tmp_path / "not-yet").exists()  # reading creates nothing


def test_room_ratings_says_whether_it_shows_hand_ins_or_the_source(tmp_path):
    fallback = pd.DataFrame([["GF", "ACC-9", "credibility", 5.0]], columns=list(workshop.RATINGS_COLUMNS))
    frame, en = gather.room_ratings(tmp_path / "ratings", fallback, "en")
    _, de = gather.room_ratings(tmp_path / "ratings", fallback, "de")
    assert frame is fallback
    assert en == "No one has handed in ratings yet: the ratings of the data source are shown."
    assert de == "Noch hat niemand Bewertungen abgegeben: Angezeigt werden die Bewertungen aus der Datenquelle."
    gather.hand_in(tmp_path / "ratings", "Anna Müller", ANNA)
    gather.hand_in(tmp_path / "ratings", "Bernd", BERND)
    frame, en = gather.room_ratings(tmp_path / "ratings", fallback, "en")
    _, de = gather.room_ratings(tmp_path / "ratings", fallback, "de")
    assert _rows(frame) == ANNA_ROWS + BERND_ROWS  # 3 + 2 = 5 ratings by 2 raters, none of the fallback
    assert en == "2 participants have handed in 5 ratings; these are shown instead of the ratings of the data source."
    assert de == "2 Teilnehmende haben 5 Bewertungen abgegeben; angezeigt werden diese statt der Bewertungen aus der Datenquelle."
    gather.hand_in(tmp_path / "one", "Bernd", BERND)
    assert gather.room_ratings(tmp_path / "one", fallback, "de")[1] == (
        "Eine Person hat bisher Bewertungen abgegeben (2); angezeigt werden diese statt der Bewertungen aus der Datenquelle.")
    assert gather.room_ratings(tmp_path / "one", fallback, "en")[1] == (
        "One participant has handed in ratings so far (2); these are shown instead of the ratings of the data source.")


def test_formula_text_is_neutralised_in_the_file_and_read_back_unchanged(tmp_path):
    p = gather.hand_in(tmp_path, EVIL, {"-ACC-7": {"credibility": 4}, "ACC-1": {"credibility": 2}})
    raw = p.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in raw and "'-ACC-7" in raw  # a spreadsheet shows them as text, runs nothing
    assert "\n=" not in raw and ",=" not in raw and '"=' not in raw and ",-" not in raw
    # load_ratings reads the CSV as it stands (with the apostrophe); the gathering gives the names back as typed
    assert set(workshop.load_ratings(p)["rater"]) == {"'" + EVIL}
    # "-ACC-7" < "ACC-1" in code-point order ('-' is 0x2D, 'A' 0x41)
    assert _rows(gather.read_hand_ins(tmp_path)) == [[EVIL, "-ACC-7", "credibility", 4.0], [EVIL, "ACC-1", "credibility", 2.0]]
    assert gather.hand_in(tmp_path, EVIL, {"ACC-1": {"credibility": 3}}) == p  # the same rater's file again


def test_ratings_for_the_notebook_takes_a_csv_or_a_folder(tmp_path):
    fallback = pd.DataFrame([["GF", "ACC-9", "credibility", 5.0]], columns=list(workshop.RATINGS_COLUMNS))
    assert gather.ratings_for("", fallback, "en") == (fallback, "")
    csv = workshop.save_ratings(pd.DataFrame(BERND_ROWS, columns=list(workshop.RATINGS_COLUMNS)), tmp_path / "r.csv")
    frame, said = gather.ratings_for(str(csv), fallback, "en")
    assert _rows(frame) == BERND_ROWS and said == ""
    room = tmp_path / "room" / "ratings"
    frame, said = gather.ratings_for(str(room), fallback, "de")  # not there yet: no one has handed in
    assert frame is fallback and said.startswith("Noch hat niemand")
    gather.hand_in(room, "Anna Müller", ANNA)
    frame, said = gather.ratings_for(str(room), fallback, "en")
    assert _rows(frame) == ANNA_ROWS and said.startswith("One participant has handed in ratings so far (3)")
    with pytest.raises(KamDataError, match="file not found"):  # a CSV that is not there stays an error
        gather.ratings_for(str(tmp_path / "missing.csv"), fallback, "en")
