"""A trainee's progress file (kamlib.teaching.progress): where it lives, what one event writes, that a broken
file never stops an exercise, and the summaries for the trainee and the trainer's room."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest

from kamlib.teaching import progress


@pytest.fixture()
def pfile(tmp_path: Path, monkeypatch) -> Path:
    f = tmp_path / "p" / "progress.json"
    monkeypatch.setenv("KAM_PROGRESS_FILE", str(f))
    monkeypatch.setenv("KAM_TRAINEE", "Anna")
    monkeypatch.setattr(progress, "_warned", False)
    return f


def test_the_test_session_never_writes_to_the_home_folder():
    # conftest's pytest_configure points the whole session (and every kernel it starts) at a temporary file
    assert os.environ.get("KAM_PROGRESS_FILE")
    assert not progress.path().is_relative_to(Path.home() / ".kam")


def test_path_from_the_environment_or_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KAM_PROGRESS_FILE", str(tmp_path / "x.json"))
    assert progress.path() == tmp_path / "x.json"
    monkeypatch.delenv("KAM_PROGRESS_FILE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert progress.path() == tmp_path / "home" / ".kam" / "progress.json"


def test_record_appends_events_with_the_contracts_fields(pfile):
    progress.record("01.2", "check", correct=False, key="wrong_rate")
    progress.record("01.2", "hint")
    progress.record("01.2", "check", correct=True, key="correct")
    content = json.loads(pfile.read_text(encoding="utf-8"))
    assert content["trainee"] == "Anna"
    events = content["events"]
    assert [(e["id"], e["event"], e["correct"], e["key"]) for e in events] == [
        ("01.2", "check", False, "wrong_rate"),
        ("01.2", "hint", None, ""),
        ("01.2", "check", True, "correct"),
    ]
    assert all(set(e) == {"id", "event", "correct", "key", "at"} for e in events)
    assert events[0]["at"].endswith("+00:00")  # ISO time in UTC
    assert [p.name for p in pfile.parent.iterdir()] == ["progress.json"]  # no temporary file left behind


def test_record_refuses_an_unknown_event(pfile):
    with pytest.raises(ValueError, match="check, hint, solution"):
        progress.record("01.2", "peek")


def test_trainee_defaults_to_the_login_name(pfile, monkeypatch):
    monkeypatch.delenv("KAM_TRAINEE")
    monkeypatch.setenv("LOGNAME", "bernd")
    monkeypatch.setenv("USER", "bernd")
    progress.record("00.1", "solution")
    assert json.loads(pfile.read_text(encoding="utf-8"))["trainee"] == "bernd"


def test_an_unwritable_file_warns_once_and_never_raises(tmp_path, monkeypatch):
    # the folder of the file is a file: no user (root neither) can write there
    (tmp_path / "blocker").write_text("a file, not a folder", encoding="utf-8")
    monkeypatch.setenv("KAM_PROGRESS_FILE", str(tmp_path / "blocker" / "progress.json"))
    monkeypatch.setattr(progress, "_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        progress.record("01.2", "check", correct=True, key="correct")
        progress.record("01.2", "hint")
    assert len([w for w in caught if "progress not saved" in str(w.message)]) == 1


def test_a_damaged_file_is_kept_and_never_raises(pfile):
    pfile.parent.mkdir(parents=True)
    pfile.write_text("{not json", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        progress.record("01.2", "hint")
    assert [str(w.message) for w in caught if "progress not saved" in str(w.message)]
    assert pfile.read_text(encoding="utf-8") == "{not json"  # the trainee's file is not overwritten


# --------------------------------------------------------------------------- summary, show, collect, the room page


def _write(path: Path, trainee: str, events: list[tuple]) -> Path:
    rows = [{"id": i, "event": e, "correct": c, "key": "", "at": "2026-11-30T09:00:00+00:00"} for i, e, c in events]
    path.write_text(json.dumps({"trainee": trainee, "events": rows}), encoding="utf-8")
    return path


ANNA = [
    ("01.2", "check", False),
    ("01.2", "hint", None),
    ("01.2", "check", True),
    ("00.10", "check", False),
    ("00.2", "solution", None),
    ("00.2", "hint", None),
]
BERND = [("01.2", "check", True)] + [("03.1", "check", False)] * 3 + [("03.1", "hint", None)] * 2


def test_summary_counts_per_exercise_in_course_order(tmp_path):
    f = _write(tmp_path / "anna.json", "Anna", ANNA)
    df = progress.summary("en", f)
    # 00.2 before 00.10 (numeric order, not text order); 01.2: two checks, the second right, one hint;
    # 00.10: one wrong check; 00.2: no check, one hint, solution shown
    assert df.index.name == "Exercise"
    assert df.to_dict("index") == {
        "00.2": {"Attempts": 0, "Solved": False, "Hints used": 1, "Solution shown": True},
        "00.10": {"Attempts": 1, "Solved": False, "Hints used": 0, "Solution shown": False},
        "01.2": {"Attempts": 2, "Solved": True, "Hints used": 1, "Solution shown": False},
    }
    assert list(progress.summary("de", f).columns) == ["Versuche", "Gelöst", "Tipps genutzt", "Lösung angesehen"]


def test_a_check_without_an_answer_is_no_attempt(tmp_path):
    # running the notebook's literal cell "answer = None; exercises.check(...)" records a check with key "empty"
    rows = [{"id": "01.3", "event": "check", "correct": False, "key": k, "at": ""} for k in ("empty", "empty", "x")]
    f = tmp_path / "p.json"
    f.write_text(json.dumps({"trainee": "Anna", "events": rows}), encoding="utf-8")
    assert progress.summary("en", f).loc["01.3", "Attempts"] == 1  # three checks, two of them empty
    rows = rows[:2]
    f.write_text(json.dumps({"trainee": "Anna", "events": rows}), encoding="utf-8")
    assert len(progress.summary("en", f)) == 0 and list(progress.collect([f]).columns) == ["Solved"]


def test_summary_reads_the_trainees_own_file_by_default(pfile):
    progress.record("02.1", "check", correct=False, key="x")
    progress.record("02.1", "check", correct=False, key="x")
    assert progress.summary("en").loc["02.1", "Attempts"] == 2


def test_show_is_one_table_in_the_trainees_language(tmp_path):
    f = _write(tmp_path / "anna.json", "Anna", ANNA)
    html = progress.show("de", f)._repr_html_()
    # solved: only 01.2 of the three exercises worked on
    assert "Ihr Lernfortschritt: 1 von 3 bearbeiteten Übungen gelöst" in html
    assert "Tipps genutzt" in html and "<td>ja</td>" in html and "Attempts" not in html
    empty = progress.show("de", tmp_path / "none.json")._repr_html_()
    assert "Noch nichts erfasst" in empty


def test_collect_one_row_per_trainee_one_column_per_exercise(tmp_path):
    a = _write(tmp_path / "a.json", "Anna", ANNA)
    b = _write(tmp_path / "b.json", "Bernd", BERND)
    df = progress.collect([a, b], "de")
    assert df.index.name == "Teilnehmer"
    assert list(df.columns) == ["00.2", "00.10", "01.2", "03.1", "Gelöst"]
    assert df.loc["Anna"].tolist() == [
        "Lösung angesehen, Tipps: 1",  # no check, solution shown, one hint
        "noch nicht (Versuche: 1)",  # one wrong check
        "gelöst, Tipps: 1",  # wrong, hint, right
        "",  # not touched
        1,  # solved: 01.2
    ]
    assert df.loc["Bernd"].tolist() == ["", "", "gelöst", "noch nicht (Versuche: 3), Tipps: 2", 1]


def test_collect_tells_trainees_with_the_same_name_apart(tmp_path):
    a = _write(tmp_path / "laptop1.json", "trainee", BERND)
    b = _write(tmp_path / "laptop2.json", "trainee", ANNA)
    assert progress.collect([a, b]).index.tolist() == ["trainee (laptop1.json)", "trainee (laptop2.json)"]
    assert "Note" not in progress.collect([a, b]).columns  # no file problem: no note column


def test_collect_shows_a_missing_or_damaged_file_as_a_marked_row(tmp_path):
    # one trainee's laptop sent nothing, another sent a file that is no progress file: the room page still
    # comes, with one marked row per such file (named by the file) and the others counted as usual
    a = _write(tmp_path / "a.json", "Anna", ANNA)
    bad = tmp_path / "notes.json"
    bad.write_text('["not", "progress"]', encoding="utf-8")
    missing = tmp_path / "missing.json"
    df = progress.collect([a, bad, missing], "de")
    assert df.index.tolist() == ["Anna", "notes.json", "missing.json"]
    assert list(df.columns) == ["00.2", "00.10", "01.2", "Gelöst", "Hinweis"]
    assert df.loc["Anna"].tolist() == ["Lösung angesehen, Tipps: 1", "noch nicht (Versuche: 1)", "gelöst, Tipps: 1", 1, ""]
    assert df.loc["notes.json"].tolist() == ["", "", "", "", "Datei beschädigt (keine Fortschrittsdatei)"]
    assert df.loc["missing.json"].tolist() == ["", "", "", "", "Datei fehlt"]
    assert progress.collect([missing], "en").loc["missing.json", "Note"] == "file missing"
    page = progress.write_room([a, bad, missing], tmp_path / "room.html", "de").read_text(encoding="utf-8")
    assert page.count('<tr class="problem">') == 2 and "Datei fehlt" in page and "Anna" in page


def test_room_page_escapes_trainee_names(tmp_path):
    a = _write(tmp_path / "a.json", "<script>alert(1)</script> & Co", BERND)
    out = progress.write_room([a], tmp_path / "room.html", "de")
    page = out.read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert "Lernfortschritt der Gruppe" in page and '<html lang="de">' in page


def test_kam_progress_collect_writes_the_room_page(tmp_path, kam):
    a = _write(tmp_path / "a.json", "Anna", ANNA)
    b = _write(tmp_path / "b.json", "Bernd", BERND)
    out = tmp_path / "room.html"
    r = kam("progress", "collect", str(a), str(b), "--out", str(out), "--lang", "de")
    assert r.returncode == 0, r.stderr
    assert "2 Teilnehmer, 4 Übungen" in r.stdout  # 00.2, 00.10, 01.2, 03.1; German under --lang de
    page = out.read_text(encoding="utf-8")
    assert "noch nicht (Versuche: 3), Tipps: 2" in page and "Bernd" in page
    again = kam("progress", "collect", str(a), "--out", str(out))
    assert again.returncode == 2 and "not overwriting" in again.stderr
    again = kam("progress", "collect", str(a), "--out", str(out), "--lang", "de")
    assert again.returncode == 2 and "nicht überschrieben" in again.stderr and "--force" in again.stderr
    # a damaged and a missing file: the page is still written, each file named in German on stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    page = tmp_path / "x.html"
    r = kam("progress", "collect", str(a), str(bad), str(tmp_path / "gone.json"), "--out", str(page), "--lang", "de")
    assert r.returncode == 0, r.stderr
    assert "bad.json: Datei beschädigt" in r.stderr and "gone.json: Datei fehlt" in r.stderr
    assert "Traceback" not in r.stderr and "1 Teilnehmer, 3 Übungen" in r.stdout  # Anna: 00.2, 00.10, 01.2
    assert page.read_text(encoding="utf-8").count('<tr class="problem">') == 2


def test_kam_progress_show_prints_the_trainees_file(tmp_path, kam):
    a = _write(tmp_path / "a.json", "Anna", ANNA)
    r = kam("progress", "show", str(a), "--lang", "de")
    assert r.returncode == 0, r.stderr
    assert "Tipps genutzt" in r.stdout and "00.10" in r.stdout
    assert "1 von 3 bearbeiteten Übungen gelöst" in r.stdout and "ja" in r.stdout and "True" not in r.stdout


def test_two_notebooks_recording_at_once_lose_no_event(tmp_path, monkeypatch):
    """A trainee with two notebooks open: two kernels append to the same file at the same moment. Each
    process here records 30 events; all 4 x 30 = 120 must be in the file."""
    import subprocess
    import sys

    f = tmp_path / "progress.json"
    code = (
        "import sys\nfrom kamlib.teaching import progress\n"
        "for i in range(30):\n    progress.record(f'0{sys.argv[1]}.{i}', 'hint')\n"
    )
    env = {**os.environ, "KAM_PROGRESS_FILE": str(f)}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(n)], env=env) for n in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    events = json.loads(f.read_text(encoding="utf-8"))["events"]
    assert len(events) == 120
    assert not list(tmp_path.glob("*.lock"))  # no lock left behind
