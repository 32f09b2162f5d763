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
