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
import warnings
from pathlib import Path

from kamlib.data.writers import atomic_write_text

EVENTS = ("check", "hint", "solution")

_warned = False


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
    except (OSError, ValueError) as err:
        _warn_once(f"progress not saved to {p}: {err}")
