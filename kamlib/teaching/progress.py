"""A trainee's progress through the exercises, kept in one small local JSON file.

Every check of an answer, every hint and every solution shown is one event in the file::

    {"trainee": "anna", "events": [{"id": "01.2", "event": "check", "correct": false, "key": "wrong_rate",
                                    "at": "2026-11-30T09:12:03+00:00"}, ...]}

The file is :func:`path` (``KAM_PROGRESS_FILE`` or ``~/.kam/progress.json``); the trainee's name comes from
``KAM_TRAINEE`` or the login name. Writing never stops a notebook: a file that cannot be written gives one
warning per session and the exercise goes on. This module imports nothing from the rest of ``teaching``.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from kamlib import i18n
from kamlib.data.writers import atomic_write_text

EVENTS = ("check", "hint", "solution")

_warned = False
_LABELS: dict[str, tuple[str, str]] = i18n.table("form.progress")


def path() -> Path:
    """The progress file: the environment variable ``KAM_PROGRESS_FILE`` if set, else ``~/.kam/progress.json``."""
    env = os.environ.get("KAM_PROGRESS_FILE")
    return Path(env) if env else Path.home() / ".kam" / "progress.json"


def trainee_name() -> str:
    """``KAM_TRAINEE`` if set, else the login name (``"trainee"`` when the system cannot tell)."""
    name = os.environ.get("KAM_TRAINEE", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name on some locked-down or container systems
        return "trainee"


def read(file: str | Path | None = None) -> dict:
    """The progress file's content ``{"trainee": ..., "events": [...]}``; a missing file is an empty record.

    Raises ``ValueError`` for a file that is not a progress file (not JSON, or without an event list).
    """
    p = Path(file) if file is not None else path()
    if not p.exists():
        return {"trainee": trainee_name(), "events": []}
    try:
        content = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{p}: not a progress file ({err})") from None
    if not isinstance(content, dict) or not isinstance(content.get("events"), list):
        raise ValueError(f"{p}: not a progress file (no event list)")
    content.setdefault("trainee", trainee_name())
    return content


def _warn_once(message: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        warnings.warn(message, RuntimeWarning, stacklevel=3)


def record(exercise_id: str, event: str, *, correct: bool | None = None, key: str = "") -> None:
    """Append one event (``"check"``, ``"hint"`` or ``"solution"``) for ``exercise_id`` to the progress file.

    The file is replaced in one step (a reader never sees half a file). A file that cannot be read or written
    (read-only folder, damaged content) gives one warning per session and nothing else: the exercise goes on.
    """
    if event not in EVENTS:
        raise ValueError(f"event must be one of {', '.join(EVENTS)}, not {event!r}")
    p = path()
    try:
        with _locked(p):
            _append(p, exercise_id, event, correct, key)
    except (OSError, ValueError) as err:
        _warn_once(f"progress not saved to {p}: {err}")


#: How long a writer waits for another one (two notebooks of one trainee), and when a lock counts as left over.
LOCK_WAIT_S, LOCK_STALE_S = 5.0, 30.0


@contextmanager
def _locked(p: Path) -> Iterator[None]:
    """Only one writer at a time: a lock file next to ``p`` made with O_EXCL (works on Windows too). A lock older
    than ``LOCK_STALE_S`` (a kernel killed while writing) is removed; after ``LOCK_WAIT_S`` the write goes ahead."""
    lock = p.with_name(f".{p.name}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = None
    deadline = time.monotonic() + LOCK_WAIT_S
    while fd is None:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                if time.time() - lock.stat().st_mtime > LOCK_STALE_S:
                    lock.unlink(missing_ok=True)
                    continue
            except FileNotFoundError:
                continue
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)
            lock.unlink(missing_ok=True)


def _append(p: Path, exercise_id: str, event: str, correct: bool | None, key: str) -> None:
    """Read the file, add one event, write it back in one step (under the lock of :func:`_locked`)."""
    content = read(p)
    if os.environ.get("KAM_TRAINEE", "").strip():
        content["trainee"] = trainee_name()
    content["events"].append(
        {
            "id": str(exercise_id),
            "event": event,
            "correct": None if correct is None else bool(correct),
            "key": str(key),
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
    )
    atomic_write_text(p, json.dumps(content, ensure_ascii=False, indent=1) + "\n")


# --------------------------------------------------------------------------- what the trainee and the trainer see


def _l(key: str, lang: str, **values: object) -> str:
    text = i18n.pick(_LABELS[key], lang)
    return text.format(**values) if values else text


def _order(exercise_id: str) -> tuple:
    """Exercise ids in course order: 00.2 before 00.10, 05.6 after 05.5."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in str(exercise_id).split("."))


def _tally(events: list) -> dict[str, dict]:
    """Per exercise id: attempts (checks of an answer), passed (a correct check), hints, solution (shown at least
    once). A check without an answer (key ``empty``: the notebook's ``answer = None`` cell run as it is) is no
    attempt and does not count."""
    out: dict[str, dict] = {}
    for e in events:
        if not isinstance(e, dict) or e.get("event") not in EVENTS:
            continue  # an entry this version does not know: skipped, the rest still counts
        if e["event"] == "check" and e.get("key") == "empty":
            continue
        row = out.setdefault(str(e.get("id")), {"attempts": 0, "passed": False, "hints": 0, "solution": False})
        if e["event"] == "check":
            row["attempts"] += 1
            row["passed"] = row["passed"] or e.get("correct") is True
        elif e["event"] == "hint":
            row["hints"] += 1
        else:
            row["solution"] = True
    return dict(sorted(out.items(), key=lambda kv: _order(kv[0])))


def summary(lang: str = "en", file: str | Path | None = None) -> pd.DataFrame:
    """Per exercise (rows, in course order) the trainee's attempts (answers checked), whether one was right,
    the hints used and whether the solution was shown; headers in ``lang``. ``file``: default :func:`path`.

    Examples
    --------
    >>> import json, tempfile
    >>> f = Path(tempfile.mkdtemp()) / "p.json"
    >>> _ = f.write_text(json.dumps({"trainee": "Anna", "events": [
    ...     {"id": "01.2", "event": "check", "correct": False, "key": "x", "at": ""},
    ...     {"id": "01.2", "event": "check", "correct": True, "key": "correct", "at": ""}]}))
    >>> summary("de", f).to_dict("index")
    {'01.2': {'Versuche': 2, 'Gelöst': True, 'Tipps genutzt': 0, 'Lösung angesehen': False}}
    """
    lang = i18n.check_lang(lang)
    tally = _tally(read(file)["events"])
    columns = ["attempts", "passed", "hints", "solution"]
    df = pd.DataFrame.from_dict(tally, orient="index", columns=columns) if tally else pd.DataFrame(columns=columns)
    df = df.astype({"attempts": int, "passed": bool, "hints": int, "solution": bool})
    df.columns = [_l(c, lang) for c in columns]
    df.index.name = _l("exercise", lang)
    return df


def show(lang: str = "en", file: str | Path | None = None):
    """The trainee's progress as a table in ``lang`` (one call in a notebook: ``progress.show("de")``); with
    nothing recorded yet, a sentence saying how progress is recorded."""
    from kamlib.present import overview

    df = summary(lang, file)
    done = int(df.iloc[:, 1].sum()) if len(df) else 0
    caption = _l("caption", lang, passed=done, tried=len(df))
    if not len(df):
        return overview.Table(pd.DataFrame({_l("exercise", lang): [_l("nothing_yet", lang)]}), index=False, lang=lang)
    return overview.view(df, lang, caption=caption)


def _cell(row: dict, lang: str) -> str:
    if row["passed"]:
        text = _l("cell_passed", lang)
    elif row["solution"]:
        text = _l("cell_solution", lang)
    elif row["attempts"]:
        text = _l("cell_open", lang, n=row["attempts"])
    else:
        text = _l("cell_hint_only", lang)
    return text + (_l("cell_hints", lang, n=row["hints"]) if row["hints"] else "")


def file_problem(file: str | Path) -> str | None:
    """``"file_missing"`` or ``"file_damaged"`` (not a progress file) for a trainee's file the room page cannot
    read, else ``None``; the key's text in a language is ``label(key, lang)``."""
    f = Path(file)
    if not f.is_file():
        return "file_missing"
    try:
        read(f)
    except (OSError, ValueError):
        return "file_damaged"
    return None


def label(key: str, lang: str = "en", **values: object) -> str:
    """A text of the progress catalogue (``form.progress``) in ``lang``, e.g. the words for a
    :func:`file_problem` key (``"Datei fehlt"``) or the command line's messages."""
    return _l(key, i18n.check_lang(lang), **values)


def collect(paths, lang: str = "en") -> pd.DataFrame:
    """A room's overview from the trainees' progress files: one row per trainee (the file's name for the
    trainee; the file name added when two files carry the same name), one column per exercise any of them
    worked on (course order), then the number of exercises solved. A cell says solved / not yet (attempts) /
    solution shown, plus the hints used; empty when the trainee did not touch the exercise.

    A missing or damaged file does not stop the overview: it gets a row named by the file, with empty cells
    and a last column *Note* saying what is wrong (that column only appears when some file has a problem).
    """
    lang = i18n.check_lang(lang)
    files = [Path(p) for p in paths]
    problems = {i: file_problem(f) for i, f in enumerate(files)}
    empty: dict = {"events": []}
    records = [(f, read(f) if problems[i] is None else {**empty, "trainee": f.name}) for i, f in enumerate(files)]
    names = [str(r.get("trainee") or f.stem) for f, r in records]
    shown = [n if names.count(n) == 1 else f"{n} ({f.name})" for n, (f, _) in zip(names, records)]
    tallies = [_tally(r["events"]) for _, r in records]
    ids = sorted({i for t in tallies for i in t}, key=_order)
    solved, note = _l("solved_count", lang), _l("note", lang)
    rows = []
    for n, tally in enumerate(tallies):
        row: dict[str, object] = {i: (_cell(tally[i], lang) if i in tally else "") for i in ids}
        key = problems[n]
        row[solved] = "" if key else sum(t["passed"] for t in tally.values())
        row[note] = _l(key, lang) if key else ""
        rows.append(row)
    columns = [*ids, solved] + ([note] if any(problems.values()) else [])
    return pd.DataFrame(rows, index=pd.Index(shown, name=_l("trainee", lang)), columns=columns)


def write_room(paths, out: str | Path, lang: str = "en") -> Path:
    """The room's overview (:func:`collect`) as one offline HTML page ``out``; names and ids escaped."""
    from kamlib.present.pages import render

    lang = i18n.check_lang(lang)
    paths = [Path(p) for p in paths]
    df = collect(paths, lang)
    page = render(
        "progress_room.html.j2",
        lang=lang,
        title=_l("room_title", lang),
        note=_l("room_note", lang, n=len(df)),
        index_name=df.index.name,
        columns=[str(c) for c in df.columns],
        rows=[
            (str(name), [str(v) for v in values], file_problem(f) is not None)
            for name, values, f in zip(df.index, df.itertuples(index=False), paths)
        ],
    )
    return atomic_write_text(out, page + "\n")
