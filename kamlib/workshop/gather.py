"""The room's ratings: every participant hands in their own file, the facilitator gathers the folder.

In a workshop room every participant rates on their own page; :func:`hand_in` writes their ratings into the
room's hand-in folder (``<room>/ratings/``, :data:`HAND_INS`), one file per participant, so that nobody
overwrites anybody else and handing in again replaces only one's own earlier file. The facilitator's notebook
gathers the folder with :func:`room_ratings` (or :func:`ratings_for`, which also takes a single ratings CSV)
and says in one sentence whether it shows the room's ratings or, while nobody has handed in yet, those of the
data source.

A hand-in is an ordinary ratings CSV (``rater, account_id, criterion, score``; UTF-8 with BOM, text that a
spreadsheet would run as a formula prefixed with an apostrophe), so :func:`kamlib.workshop.load_ratings` and
Excel read it as it is. Its name is a readable slug of the rater's name plus a short hash of the exact name:
``anna-muller-<hash>.csv``; "Anna Müller" and "anna müller" are two people with two files.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp()) / HAND_INS
>>> hand_in(folder, "Anna Müller", {"ACC-1": {"credibility": 7, "relationship": 5}}).name
'anna-muller-94666c8824.csv'
>>> ratings, said = room_ratings(folder, pd.DataFrame(), "de")
>>> said
'Eine Person hat bisher Bewertungen abgegeben (2); angezeigt werden diese statt der Bewertungen aus der Datenquelle.'
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from kamlib import i18n, workshop
from kamlib.data.writers import write_csv
from kamlib.errors import Finding, KamDataError, KamParameterError

#: The hand-in folder's name inside a room folder.
HAND_INS = "ratings"

# (English, German) sentences of this module
_TEXTS: dict[str, tuple[str, str]] = i18n.table("workshop.gather")
_SLUG_CHARS = 40
_HASH_CHARS = 10


def _text(key: str, lang: str = "en", **values) -> str:
    return i18n.pick(_TEXTS[key], lang).format(**values)


def _rater_name(rater: object) -> str:
    """The rater's name as it is kept: stripped, Unicode NFC (a decomposed "ü" typed on a Mac is the same "ü")."""
    return unicodedata.normalize("NFC", str(rater if rater is not None else "")).strip()


def hand_in_name(rater: str) -> str:
    """The file name of ``rater``'s hand-in: a readable slug and a short hash of the exact (stripped) name.

    Examples
    --------
    >>> hand_in_name("Anna Müller") == hand_in_name(" Anna Müller "), hand_in_name("Anna Müller") == hand_in_name("anna müller")
    (True, False)
    >>> hand_in_name("../../etc/passwd")[:11]
    'etc-passwd-'
    """
    name = _rater_name(rater)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:_SLUG_CHARS].strip("-") or "rater"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:_HASH_CHARS]
    return f"{slug}-{digest}.csv"


def _score(account: str, criterion: str, value: object) -> float | None:
    """A score 0-10 as a float; ``None`` (not judged) stays ``None``; anything else is refused."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise KamParameterError("scores", f"{account} {criterion}: {value!r} is not a number")
    try:
        num = float(value.strip().replace(",", ".")) if isinstance(value, str) else float(value)  # type: ignore[arg-type]  # checked by the except
    except (TypeError, ValueError):
        raise KamParameterError("scores", f"{account} {criterion}: {value!r} is not a number") from None
    if math.isnan(num):
        raise KamParameterError("scores", f"{account} {criterion}: {value!r} is not a number")
    if not 0 <= num <= 10:
        raise KamParameterError("scores", f"{account} {criterion}={num:g} outside 0-10")
    return num


def hand_in(folder: str | Path, rater: str, scores: Mapping[str, Mapping[str, float]]) -> Path:
    """Write ``rater``'s ratings into the hand-in folder ``folder`` (created if missing); returns the file.

    ``scores``: account_id -> criterion -> score 0..10; a missing criterion, an empty inner mapping or a
    ``None`` score means "not judged". Scores may come as text from a form ("7,5"). The file (see
    :func:`hand_in_name`) replaces only this rater's earlier hand-in, atomically: a reader sees the old file or
    the new one, never half of one. Refuses (:class:`~kamlib.errors.KamParameterError`, nothing written) an empty
    rater (or one that is not text, holds a control character or starts with an apostrophe), an empty or repeated
    account, an unknown criterion, a score outside 0-10 or not a number, and a hand-in without any score.
    """
    if not isinstance(rater, str):
        raise KamParameterError("rater", "the rater's name must be text")
    name = _rater_name(rater)
    if not name:
        raise KamParameterError("rater", "enter the rater's name")
    if any(unicodedata.category(ch).startswith("C") for ch in name):  # a line break would split the CSV row
        raise KamParameterError("rater", "the name holds a control character (line break, tab)")
    if name.startswith("'"):  # read back without it (the CSV's formula guard): it would merge with another name
        raise KamParameterError("rater", "the name must not start with an apostrophe")
    if not isinstance(scores, Mapping):
        raise KamParameterError("scores", "expected account -> criterion -> score")
    rows: list[tuple[str, str, str, float]] = []
    seen: set[str] = set()
    for account, given in scores.items():
        acc = str(account).strip()
        if not acc:
            raise KamParameterError("scores", "empty account id")
        if acc in seen:
            raise KamParameterError("scores", f"account {acc} twice")
        seen.add(acc)
        if not isinstance(given, Mapping):
            raise KamParameterError("scores", f"{acc}: expected criterion -> score")
        for criterion, value in given.items():
            if criterion not in workshop.CRITERIA:
                raise KamParameterError(
                    "scores", f"unknown criterion {criterion!r}; choose from {', '.join(workshop.CRITERIA)}"
                )
            num = _score(acc, criterion, value)
            if num is not None:
                rows.append((name, acc, criterion, num))
    if not rows:
        raise KamParameterError("scores", "no score given; rate at least one account on one criterion")
    folder = Path(folder)
    target = folder / hand_in_name(name)
    if target.resolve().parent != folder.resolve():  # the slug allows no separators; belt and braces
        raise KamParameterError("rater", f"{name!r} gives no file name inside {folder}")
    frame = workshop._sorted_ratings(pd.DataFrame(rows, columns=list(workshop.RATINGS_COLUMNS)))
    folder.mkdir(parents=True, exist_ok=True)
    return write_csv(frame, target, overwrite=True, index=False)


def hand_in_files(folder: Path) -> list[Path]:
    """The hand-ins in ``folder``: every ``*.csv`` but hidden and temporary files ('.' or '~' first), sorted."""
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file() and not p.name.startswith((".", "~"))
    )


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rater": pd.Series(dtype=str),
            "account_id": pd.Series(dtype=str),
            "criterion": pd.Series(dtype=str),
            "score": pd.Series(dtype=float),
        }
    )


def read_hand_ins(folder: str | Path) -> pd.DataFrame:
    """All hand-ins in ``folder`` as one ratings frame (``workshop.RATINGS_COLUMNS``, sorted like
    :func:`~kamlib.workshop.load_ratings`); a missing or empty folder gives an empty frame.

    Every file is read by :func:`~kamlib.workshop.load_ratings`, so a bad row is named by file, row and column;
    a rater found in two files is named with both. All problems of all files come in one
    :class:`~kamlib.errors.KamDataError`. Names and account ids come back as typed: the apostrophe that
    keeps a spreadsheet from running ``=HYPERLINK(...)`` is taken off again.
    """
    folder = Path(folder)
    if not folder.exists():
        return _empty()
    if not folder.is_dir():
        raise KamDataError([Finding(str(folder), None, None, "is not a folder of hand-ins")])
    findings: list[Finding] = []
    frames: list[pd.DataFrame] = []
    first_file: dict[str, Path] = {}  # rater -> the file that holds their ratings
    for path in hand_in_files(folder):
        try:
            ratings = workshop.load_ratings(path)
        except KamDataError as err:
            findings += err.findings
            continue
        for column in ("rater", "account_id"):
            ratings[column] = ratings[column].map(workshop._unneutralise)
        for rater in ratings["rater"].unique():
            if rater in first_file:
                findings.append(
                    Finding(
                        str(path), None, "rater", f"{rater!r} also handed in {first_file[rater].name}; remove one file"
                    )
                )
            else:
                first_file[rater] = path
        frames.append(ratings)
    if findings:
        raise KamDataError(findings, str(folder))
    if not frames:
        return _empty()
    out = pd.concat(frames, ignore_index=True)
    out["score"] = out["score"].astype(float)
    return workshop._sorted_ratings(out)


def room_ratings(folder: str | Path, fallback: pd.DataFrame, lang: str = "en") -> tuple[pd.DataFrame, str]:
    """The room's ratings for the facilitator: the hand-ins in ``folder`` when there are any, else ``fallback``
    (the data source's ratings table), and one sentence in ``lang`` saying which."""
    i18n.check_lang(lang)
    handed = read_hand_ins(folder)
    if not len(handed):
        return fallback, _text("none_yet", lang)
    raters = handed["rater"].nunique()
    n = i18n.number(len(handed), lang, 0)
    said = _text("handed_in_one", lang, n=n) if raters == 1 else _text("handed_in", lang, n=n, r=raters)
    return handed, said


def ratings_for(ratings_file: str | Path, fallback: pd.DataFrame, lang: str = "en") -> tuple[pd.DataFrame, str]:
    """The criteria notebook's ratings from its parameter ``ratings_file`` and a sentence to show ('' for none).

    * empty: ``fallback`` (the data source's ratings);
    * a folder, or a path without a file suffix that does not exist yet (the room's hand-in folder before the
      first hand-in): :func:`room_ratings`;
    * anything else: a ratings CSV read by :func:`~kamlib.workshop.load_ratings` (a missing file is an error).
    """
    if not str(ratings_file).strip():
        return fallback, ""
    p = Path(ratings_file)
    if p.is_dir() or (not p.exists() and not p.suffix):
        return room_ratings(p, fallback, lang)
    return workshop.load_ratings(p), ""
