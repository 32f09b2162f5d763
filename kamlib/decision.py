"""The key-account decision: made once per run, read by every step.

Which accounts are key accounts is a decision, not a figure each step may recompute with its own
defaults. :func:`decide` makes it, with the run's selection parameters over the one set of defaults
(:data:`kamlib.defaults.SELECTION`):

* **computed**: the definitive list of :func:`kamlib.selection.select_key_accounts`;
* **pinned**: when the data source holds a ``key_account_decisions`` table (the decision register), its
  latest decision up to ``as_of`` *is* the list: management decided it, with a reason per account and
  manual overrides ("keep ACC-x although it ranks 25th: strategic reference"). Today's computation is
  kept beside it, and :attr:`Decision.differences` shows where today's data would decide differently.

``kam run`` calls :func:`decide` once before any notebook, writes the decision into the run folder
(:func:`write`: ``key_accounts.csv`` for people, ``key_account_decision.json`` for the steps), plans the
per-account reports from it and hands its path to every notebook (parameter ``decision``); notebook 01
explains it, 03 and 05, the index page and the workshops start from it (:func:`for_notebook`). Outside a
run, a notebook with an empty ``decision`` decides with the same function and the same defaults.

Examples
--------
>>> import kamlib
>>> data = kamlib.load("data/sample", as_of="2025-12-31")
>>> d = decide(data)
>>> d.source, len(d.ids) == int(d.selection.table["definitive"].sum())
('computed', True)
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kamlib import defaults, i18n
from kamlib.errors import KamParameterError
from kamlib.selection import Selection, Text

CSV_NAME = "key_accounts.csv"
JSON_NAME = "key_account_decision.json"


@dataclass(frozen=True)
class Decision:
    """The key-account decision of a run.

    ``selection`` is today's :class:`kamlib.selection.Selection` under ``parameters`` whose ``definitive``
    column holds the *decided* list (pinned or computed); ``computed`` in its table is what today's data
    alone decides. ``differences`` lists the accounts where the two differ (empty unless pinned).
    ``previous_ids`` / ``previous_on`` are the pinned decision before the current one (None without one).
    """

    selection: Selection
    parameters: dict
    source: str  # computed | pinned
    decided_by: str | None = None
    decided_on: str | None = None
    differences: pd.DataFrame = field(default_factory=pd.DataFrame)
    previous_ids: tuple[str, ...] | None = None
    previous_on: str | None = None

    @property
    def ids(self) -> list[str]:
        """The key accounts, best rank first."""
        return [str(i) for i in self.selection.definitive.index]

    @property
    def definitive(self) -> pd.DataFrame:
        return self.selection.definitive

    def describe(self, lang: str = "en") -> str:
        """One sentence in ``lang``: how the list was decided (printed by the notebooks).

        Examples
        --------
        >>> import kamlib
        >>> decide(kamlib.load("data/sample", as_of="2025-12-31")).describe("de")
        '22 Key Accounts, aus den Daten ermittelt (Auswahlparameter dieses Laufs)'
        """
        from kamlib import i18n

        n, k = len(self.ids), len(self.differences)
        if self.source == "override":
            return sentence("override", lang, n=n)
        if self.source == "pinned":
            on = i18n.date(self.decided_on, lang) if self.decided_on else ""
            return sentence("pinned", lang, n=n, on=on, by=self.decided_by or "") + (
                sentence("differs", lang, k=k) if k else sentence("agrees", lang)
            )
        return sentence("computed", lang, n=n)


#: The decision's sentences, English and German (written where they are produced, in the run's language).
TEXTS: dict[str, tuple[str, str]] = i18n.table("decision.texts")


def sentence(key: str, lang: str, **values) -> str:
    """One of :data:`TEXTS` in ``lang`` with ``values`` filled in (the index page uses the same sentences)."""
    from kamlib import i18n

    return i18n.pick(TEXTS[key], lang).format(**values)


class Note(Text):
    """A sentence of the decision's notes (``decision.notes``) with its values: why an account is (not) a key
    account under a pinned decision, or how today's data would decide otherwise.

    Like :class:`kamlib.selection.Text` (tables showing it render it in the reader's language): as a string
    it is the English sentence (``key_accounts.csv``, logs); :meth:`render` gives any language. ``on`` is an
    ISO date (31.12.2025 in German), ``rank`` a number or None (unranked), ``reason`` a selection reason
    (rendered in the same language), ``why`` the register's own text (shown as written).

    Examples
    --------
    >>> n = Note("kept", rank=25, reason="x")
    >>> str(n), n.render("de")
    ("kept although today's data would not select it (rank 25; x)", 'beibehalten, obwohl der heutige Datenstand \
ihn nicht auswählen würde (Rang 25; x)')
    >>> Note("not_key_by_decision", on="2024-12-31").render("de")
    'kein Key Account laut Beschluss vom 31.12.2024'
    """

    def __new__(cls, key: str, **values):
        self = str.__new__(cls, _note(key, "en", values))
        self.key, self.values = key, values
        return self

    def render(self, lang: str = "en") -> str:
        """The sentence in ``lang``."""
        return _note(self.key, lang, self.values)


def _note(key: str, lang: str, values: dict) -> str:
    notes = i18n.table("decision.notes")

    def show(name, v):
        if name == "on":
            return i18n.date(v, lang)
        if name == "rank":
            return (
                i18n.pick(notes["unranked"], lang)
                if v is None or pd.isna(v)
                else i18n.pick(notes["rank"], lang).format(k=int(v))
            )
        if name == "reason" and isinstance(v, Text):
            return v.render(lang)
        return str(v)

    return i18n.pick(notes[key], lang).format(**{k: show(k, v) for k, v in values.items()})


def _selection_given(parameters: dict | None) -> dict:
    """The selection parameters among a run's or notebook's parameters (all others belong to other steps).

    Health-score weights are ``health_weights``; weights given here that name health components get a
    message that says so instead of being mistaken for (or silently dropped as) selection weights.
    """
    given = {k: v for k, v in (parameters or {}).items() if k in defaults.SELECTION_KEYS and v is not None}
    w = given.get("weights")
    if isinstance(w, dict) and w and set(w) <= set(defaults.HEALTH_WEIGHTS):
        raise KamParameterError(
            "weights",
            "these are health-score weights (notebook 04); pass them as "
            "health_weights - weights are the selection criteria's weights",
        )
    return given


def _register(data) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """(latest decision's rows, previous decision's rows) up to ``as_of``; None where there is none."""
    if not data.has("key_account_decisions"):
        return None, None
    reg = data.key_account_decisions
    reg = reg[reg["decided_on"] <= data.as_of]
    days = sorted(reg["decided_on"].dropna().unique())
    latest = reg[reg["decided_on"] == days[-1]] if days else None
    previous = reg[reg["decided_on"] == days[-2]] if len(days) > 1 else None
    return latest, previous


def _pinned_parameters(rows: pd.DataFrame) -> dict:
    """The selection parameters the register recorded for a decision (JSON in column ``parameters``)."""
    if "parameters" not in rows:
        return {}
    texts = [t for t in rows["parameters"].dropna().astype(str).unique() if t.strip()]
    if not texts:
        return {}
    parsed = []
    for text in texts:
        try:
            params = json.loads(text)
        except ValueError:
            raise KamParameterError(
                "key_account_decisions",
                f'column parameters: {text[:60]!r} is not JSON (write it like {{"min_criteria": 2}})',
            ) from None
        if not isinstance(params, dict):
            raise KamParameterError("key_account_decisions", f"column parameters: {text[:60]!r} is not a JSON object")
        unknown = sorted(set(params) - set(defaults.SELECTION_KEYS))
        if unknown:
            raise KamParameterError(
                "key_account_decisions",
                f"column parameters: unknown selection parameter "
                f"{', '.join(map(repr, unknown))}; known: {', '.join(defaults.SELECTION_KEYS)}",
            )
        parsed.append(params)
    if any(p != parsed[0] for p in parsed[1:]):
        raise KamParameterError(
            "key_account_decisions",
            "column parameters: one decision (one decided_on) holds different parameters on different rows",
        )
    return _selection_given(parsed[0])


def decide(data, parameters: dict | None = None) -> Decision:
    """The key-account decision for ``data`` under ``parameters`` (a run's or a notebook's; only the
    selection parameters among them count, the rest are ignored).

    Raises :class:`kamlib.errors.KamParameterError` when a selection parameter cannot fit the data.
    """
    from kamlib.selection import select_key_accounts

    latest, previous = _register(data)
    base = _pinned_parameters(latest) if latest is not None else {}
    params = defaults.selection_parameters(**{**base, **_selection_given(parameters)})
    sel = select_key_accounts(data, **params)
    table = sel.table.copy()
    table["computed"] = table["definitive"]
    if latest is None:
        return Decision(dataclasses.replace(sel, table=table), params, "computed")

    keys = latest.loc[latest["decision"] == "key", "account_id"].astype(str)
    reasons = latest.set_index("account_id")["reason"] if "reason" in latest else pd.Series(dtype=object)
    decided_on = str(pd.Timestamp(latest["decided_on"].iloc[0]).date())
    by = ", ".join(sorted(latest["decided_by"].astype(str).unique()))
    pinned = table.index.isin(keys)
    diff_rows = []
    for acc in table.index[pinned != table["computed"].to_numpy()]:
        row = table.loc[acc]
        rank = None if pd.isna(row["rank"]) else int(row["rank"])
        why = reasons.get(acc)
        why = "" if why is None or pd.isna(why) else str(why)
        if acc in set(keys):
            note = Note("kept", rank=rank, reason=row["reason"])
        else:
            note = Note("dropped", rank=rank)
        diff_rows.append(
            {
                "account_id": acc,
                "name": row["name"],
                "pinned": "key" if acc in set(keys) else "not_key",
                "today": "key" if row["computed"] else "not_key",
                "rank": row["rank"],
                "note": note,
                "reason": why,
            }
        )
    differences = pd.DataFrame(
        diff_rows, columns=["account_id", "name", "pinned", "today", "rank", "note", "reason"]
    ).set_index("account_id")
    differences["note"] = pd.Series([r["note"] for r in diff_rows], index=differences.index, dtype=object)
    table["definitive"] = pinned
    listed = set(latest["account_id"].astype(str))

    def reason(i, p, computed_reason) -> str:
        why = reasons.get(i) if i in listed else None
        why = why if isinstance(why, str) and why.strip() else ""
        if p or i in listed or table.at[i, "computed"]:  # listed in the decision, or dropped by not being listed
            key = ("key_by_decision" if p else "not_key_by_decision") + ("_why" if why else "")
            return Note(key, on=decided_on, **({"why": why} if why else {}))
        return computed_reason

    table["reason"] = pd.Series(
        [reason(i, p, r) for i, p, r in zip(table.index, pinned, table["reason"])], index=table.index, dtype=object
    )  # object: keeps the Notes (str would drop them)
    prev_ids = prev_on = None
    if previous is not None:
        prev_ids = tuple(previous.loc[previous["decision"] == "key", "account_id"].astype(str))
        prev_on = str(pd.Timestamp(previous["decided_on"].iloc[0]).date())
    return Decision(
        dataclasses.replace(sel, table=table), params, "pinned", by, decided_on, differences, prev_ids, prev_on
    )


def override(decision: Decision, ids: list[str]) -> Decision:
    """The decision with the key accounts replaced by ``ids`` (``kam run --accounts``); source "override"."""
    table = decision.selection.table.copy()
    table["definitive"] = table.index.isin(ids)
    return dataclasses.replace(
        decision, selection=dataclasses.replace(decision.selection, table=table), source="override"
    )


def write(decision: Decision, folder: str | Path, *, as_of=None) -> tuple[Path, Path]:
    """Write ``key_accounts.csv`` (every account with its scores, rank and the decision, neutralised
    against CSV injection) and ``key_account_decision.json`` (what the steps read) into ``folder``."""
    from kamlib.data.writers import atomic_write_text as _atomic_write_text
    from kamlib.data.writers import write_csv

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = write_csv(decision.selection.table, folder / CSV_NAME, overwrite=True)
    payload = {
        "source": decision.source,
        "as_of": None if as_of is None else str(pd.Timestamp(as_of).date()),
        "decided_by": decision.decided_by,
        "decided_on": decision.decided_on,
        "parameters": decision.parameters,
        "key_accounts": decision.ids,
        "differences": json.loads(decision.differences.reset_index().to_json(orient="records"))
        if len(decision.differences)
        else [],
        "previous_on": decision.previous_on,
        "previous_key_accounts": list(decision.previous_ids) if decision.previous_ids is not None else None,
    }
    json_path = folder / JSON_NAME
    _atomic_write_text(json_path, json.dumps(payload, indent=2, default=str))
    return csv_path, json_path


def read(path: str | Path, data) -> Decision:
    """The decision a run wrote (:func:`write`), applied to ``data``: the same parameters, and exactly the
    key accounts the file lists (even if today's computation would differ)."""
    p = Path(path)
    if p.is_dir():
        p = p / JSON_NAME
    try:
        payload = json.loads(p.read_text(encoding="utf-8"))
        ids = [str(i) for i in payload["key_accounts"]]
    except (OSError, ValueError, KeyError, TypeError):
        raise KamParameterError("decision", f"{p} is not a key-account decision written by kam run") from None
    d = decide(data, payload.get("parameters") or {})
    if set(d.ids) != set(ids) or payload.get("source") == "override":
        d = dataclasses.replace(override(d, ids), source=payload.get("source", "override"))
    return d


def for_notebook(data, decision: str = "", **parameters) -> Decision:
    """What a notebook starts from: the run's decision file when ``decision`` names one, else the
    decision made here with :func:`decide` (same function, same defaults as ``kam run``)."""
    return read(decision, data) if decision else decide(data, parameters)


# ----------------------------------------------------------------------------- the room's decision (workshops)
#: The decision register of a data source (the ``key_account_decisions`` table as a CSV file).
REGISTER_NAME = "key_account_decisions.csv"
#: Where a workshop puts its provisional list: a decision folder (:func:`write`) beside the register.
PROVISIONAL_DIR = "provisional_decision"
STAGES = ("provisional", "definitive")


def room_decision(
    data, ids: list[str], *, parameters: dict | None = None, stage: str = "provisional", decided_by="", decided_on=None
) -> Decision:
    """A list a room decided (criteria workshop): today's selection under the room's ``parameters`` with
    exactly ``ids`` as key accounts; ``source`` is the stage (provisional or definitive)."""
    if stage not in STAGES:
        raise KamParameterError("stage", f"{stage!r}: choose {' or '.join(STAGES)}")
    d = override(decide(data, parameters), [str(i) for i in ids])
    on = None if decided_on is None else str(pd.Timestamp(decided_on).date())
    return dataclasses.replace(d, source=stage, decided_by=decided_by or None, decided_on=on)


def register_rows(
    ids: list[str],
    *,
    decided_on,
    decided_by: str,
    parameters: dict | None = None,
    note: str = "",
    not_key: list[str] | tuple[str, ...] = (),
) -> pd.DataFrame:
    """Rows of the decision register for one decision: ``key`` for ``ids``, ``not_key`` for ``not_key``
    (e.g. provisional accounts the room did not keep); the room's ``note`` as every row's reason and the
    agreed selection parameters as JSON (what :func:`decide` reads back)."""
    on = str(pd.Timestamp(decided_on).date())
    params = json.dumps(parameters, sort_keys=True) if parameters else ""
    rows = [(on, decided_by, str(a), "key", note, params) for a in ids]
    rows += [(on, decided_by, str(a), "not_key", note, params) for a in not_key if str(a) not in set(map(str, ids))]
    return pd.DataFrame(rows, columns=["decided_on", "decided_by", "account_id", "decision", "reason", "parameters"])


def record(register: str | Path, rows: pd.DataFrame) -> Path:
    """Put one decision's ``rows`` (:func:`register_rows`) into the register CSV of a data-source folder
    (``register`` is the folder or the CSV itself): rows of other days stay, rows of the same ``decided_on``
    are replaced (a room that decides again the same day corrects itself). Text neutralised, written atomically."""
    from kamlib.data.writers import write_csv

    p = Path(register)
    if p.suffix.lower() != ".csv":
        p = p / REGISTER_NAME
    day = set(rows["decided_on"].astype(str))
    if p.exists():
        old = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        old = old[~old["decided_on"].astype(str).str[:10].isin(day)]
        rows = pd.concat([old, rows], ignore_index=True)
    p.parent.mkdir(parents=True, exist_ok=True)
    return write_csv(rows, p, index=False, overwrite=True)
