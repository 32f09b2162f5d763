"""Account profile, step 2 of the KAM cycle: one profile per key account, ready for the customer meeting.

:func:`build_profile` collects everything the data says about one account into a frozen
:class:`AccountProfile` (plain DataFrames plus a table of findings): basics with the time-zone overlap,
relationship history, buying center with coverage checks, whitespace with share of wallet and ranked
cross-/upsell opportunities, competitors, open actions, and a profile linter. The 02 notebook shows it;
review notebooks and reports reuse the same object.

Sections the data cannot support are not an error: :attr:`AccountProfile.notes` holds one sentence per
such section, and the notebook prints that sentence instead of a table.

Rules (stated once here, tested in ``tests/test_profile.py``)
-------------------------------------------------------------
* Windows: the *last 12 months* are ``(as_of - 12 months, as_of]``; the 12 months before that are the
  previous window (:func:`kamlib.periods.trailing_year`, the window every step counts). Revenue is gross revenue (as in the selection step); DB I = gross - discount - cost of goods.
* Trend: growth g = R_last / R_previous - 1; *growing* when g > +10 %, *declining* when g < -10 %, *stable*
  otherwise; *too new to judge* without revenue in the previous 12 months.
* Buying center: a *key contact* is a decider, approver or buyer, or anyone with influence >= 4. The account is
  *single-threaded* when only one contact is known or one contact carries more than half of the interactions
  with named contacts in the last 12 months. Key contacts whose last interaction is older than ``cadence_days``
  (or who were never met) are flagged, as are opponents with influence >= 4 and a missing decider.
* Whitespace: cells are product line x business unit. *owned*: our revenue in the cell in the last 12 months;
  *gap*: not owned but eligible (a wallet potential above 0, or the customer bought there before);
  *not eligible*: neither. Share of wallet = our revenue / potential (per cell; in total over the cells with an
  estimate). Penetration = owned cells / eligible cells. Gap = potential - revenue (not below 0).
* Win probability of a cell: (peers owning it + 1) / (peers + 2) - Laplace's rule of succession over the
  *peers*, i.e. the other accounts of the same industry that bought from us in the last 12 months. Expected
  value = gap x win probability; opportunities are ranked by it (cross-sell in gap cells, upsell in owned cells).
* Actions are *overdue* when open or in progress and due strictly before ``as_of``.
* The last *review* is the last interaction of type ``qbr``; it is stale when older than ``cadence_days``.
* The linter also reports absent tables and columns, empty account fields, no target for the quarter after
  ``as_of``, open complaints, wallet estimates below our revenue, and data whose latest order (of any account)
  lies more than 31 days before ``as_of`` (then the last-12-months figures are incomplete).

Examples
--------
>>> import kamlib
>>> from kamlib import profile
>>> data = kamlib.load("data/sample", as_of="2025-12-31")
>>> p = profile.build_profile(data, "Müller Maschinenbau GmbH")
>>> p.account_id, p.key_figures["trend"]
('ACC-0044', 'stable')
>>> sorted(p.notes)
[]
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Literal, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from kamlib import defaults, i18n, periods
from kamlib.data import schemas
from kamlib.data.cache import portfolio_memo
from kamlib.data.readers import KamData
from kamlib.errors import KamParameterError

if TYPE_CHECKING:
    from pandas.api.typing import NAType

#: Our side of the table: time zone and business hours (local, start and end hour).
OUR_TIMEZONE = "Europe/Berlin"
BUSINESS_HOURS = (8, 17)
#: Trend band: growth beyond +/- this share of the previous 12 months counts as growing / declining.
TREND_BAND = 0.10
#: A contact carrying more than this share of the interactions makes the account single-threaded.
SINGLE_THREAD_SHARE = 0.5
#: Influence (1-5) from which a contact counts as highly influential.
HIGH_INFLUENCE = 4
#: Buying roles that always make a contact a key contact.
KEY_ROLES = ("decider", "approver", "buyer")
#: Action statuses that still need work.
OPEN_STATUS = ("open", "in_progress")
SEVERITIES = ("high", "medium", "low")
SECTIONS = ("data", "basics", "history", "complaints", "buying_center", "whitespace", "competitors", "actions", "plan")
#: Statuses of a plan item that close it: a goal done or dropped is never overdue (a missed one still is).
PLAN_CLOSED = schemas.PLAN_CLOSED
_DASH = "\u2013"

# --------------------------------------------------------------------------- labels (en, de)

LABELS: dict[str, tuple[str, str]] = i18n.table("profile.labels")

VALUE_LABELS: dict[str, tuple[str, str]] = i18n.table("profile.value_labels")
#: Columns (and basics/key-figure fields) whose values are codes translated by :data:`VALUE_LABELS`.
_CODED = {
    "status",
    "opportunity",
    "trend",
    "line_status",
    "severity",
    "buying_role",
    "attitude",
    "section",
    "position",
    "relationship_stage",
    "account_status",
}
_PERCENT = {
    "share",
    "share_of_wallet",
    "win_probability",
    "db1_margin",
    "db1_margin_12m",
    "growth",
    "penetration",
    "our_share",
    "leader_share",
    "others_share",
}
_ONE_DECIMAL = {"time_difference_h", "business_hours_overlap_h", "customer_years", "mean_days_between_orders"}

# Messages (en, de) of the linter and of the one-sentence notes; {placeholders} are filled in.
_TEXT: dict[str, tuple[str, str]] = i18n.table("profile.text")

_TABLE_LOSS: dict[str, tuple[str, str]] = i18n.table("profile.table_loss")

#: Codes of the linter's checks (``findings["check"]``) as tables show them.
CHECK_LABELS: dict[str, tuple[str, str]] = i18n.table("profile.checks")

#: Days between the latest order of any account and ``as_of`` after which the data counts as ending early.
STALE_DATA_DAYS = 31
#: Account fields the profile needs, with the severity of a gap.
_ACCOUNT_FIELDS = {
    "industry": "medium",
    "country": "low",
    "city": "low",
    "timezone": "medium",
    "employees": "low",
    "customer_revenue_eur": "low",
    "since": "low",
    "relationship_stage": "medium",
    "reference_value": "low",
}


def label(key: str, lang: str = "en") -> str:
    """Label of a column, field or figure text in ``lang``; unknown keys come back unchanged.

    Examples
    --------
    >>> label("share_of_wallet", "de"), label("gap_eur", "de")
    ('Share of Wallet', 'Lücke (EUR)')
    """
    pair = LABELS.get(key)
    return key if pair is None else i18n.pick(pair, lang)


@overload
def value_label(value: str, lang: str = "en") -> str: ...
@overload
def value_label(value: object, lang: str = "en") -> object: ...
def value_label(value: object, lang: str = "en") -> object:
    """Translate a code such as ``"gap"`` or ``"decider"``; other values come back unchanged."""
    pair = VALUE_LABELS.get(value) if isinstance(value, str) else None
    return value if pair is None else i18n.pick(pair, lang)


def check_label(check: object, lang: str = "en") -> object:
    """The name of a linter check such as ``"stale_review"`` in ``lang``; unknown codes come back unchanged.

    Examples
    --------
    >>> check_label("key_contact_not_met", "de"), check_label("stale_review", "en")
    ('Schlüsselkontakt nicht getroffen', 'business review overdue')
    """
    pair = CHECK_LABELS.get(check) if isinstance(check, str) else None
    return check if pair is None else i18n.pick(pair, lang)


def text(key: str, lang: str = "en", **values: object) -> str:
    """A generated sentence (finding, note or notebook line) in ``lang`` with ``values`` filled in.

    Examples
    --------
    >>> text("open_complaints_count", "de", n=2)
    'Offene Reklamationen: 2'
    """
    return i18n.pick(_TEXT[key], lang).format(**values)


_text = text


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class AccountProfile:
    """Everything the data says about one account, as of one date. Built by :func:`build_profile`.

    Attributes
    ----------
    account_id, name, as_of, cadence_days, lang, anonymised
        What the profile is of and how it was built.
    basics : pd.Series
        Master data plus time difference and overlap of business hours with ours.
    key_figures : pd.Series
        Revenue, DB I, trend, order frequency, last order, complaints, contacts, share of wallet, penetration,
        open and overdue actions (values are numbers, dates or codes).
    quarterly : pd.DataFrame
        One row per quarter from the first order to ``as_of``: revenue, discounts, net, cost of goods, DB I,
        margin, orders and the revenue/margin targets where set.
    product_lines, products : pd.DataFrame
        What was bought, with first and last purchase; ``product_line_quarters`` has revenue per line and quarter.
    complaints, complaints_by_quarter : pd.DataFrame
        The account's complaints (days open, still open) and counts per quarter and severity.
    contacts, roles : pd.DataFrame
        Contacts with role, influence, attitude, interactions and last interaction; contacts per buying role.
    whitespace, opportunities : pd.DataFrame
        One row per product line x business unit cell; the cross-/upsell opportunities ranked by expected value.
    competitors, competitive_position : pd.DataFrame
        Competitor shares per product line; our share and rank per line.
    targets, actions : pd.DataFrame
        The account's targets, and its actions with ``is_open``, ``overdue`` and ``days_overdue``.
    findings : pd.DataFrame
        The profile linter: severity, section, check, message (most severe first).
    notes : dict
        Section -> one sentence, for each section the data cannot support.
    plan : pd.DataFrame
        The account plan (table ``account_plans``, items reviewed by ``as_of``) in the order of its sections,
        with ``overdue`` (due before ``as_of``, neither done nor dropped) and ``days_overdue``.
    """

    account_id: str
    name: str
    as_of: pd.Timestamp
    cadence_days: int
    lang: str
    anonymised: bool
    basics: pd.Series
    key_figures: pd.Series
    quarterly: pd.DataFrame
    product_lines: pd.DataFrame
    products: pd.DataFrame
    product_line_quarters: pd.DataFrame
    complaints: pd.DataFrame
    complaints_by_quarter: pd.DataFrame
    contacts: pd.DataFrame
    roles: pd.DataFrame
    whitespace: pd.DataFrame
    opportunities: pd.DataFrame
    competitors: pd.DataFrame
    competitive_position: pd.DataFrame
    targets: pd.DataFrame
    actions: pd.DataFrame
    findings: pd.DataFrame
    notes: dict = field(default_factory=dict)
    plan: pd.DataFrame = field(default_factory=lambda: _plan_frame(schemas.empty_frame("account_plans")))

    @property
    def coverage(self) -> pd.DataFrame:
        """The buying-center findings (no decider, single-threaded, key contacts not met, opponents)."""
        return self.findings[self.findings["section"] == "buying_center"].reset_index(drop=True)

    @property
    def open_actions(self) -> pd.DataFrame:
        """Actions still open or in progress, the overdue ones first."""
        return self.actions[self.actions["is_open"]].reset_index(drop=True)

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every DataFrame of the profile by name (for export and for checks)."""
        return {k: v for k, v in self.__dict__.items() if isinstance(v, pd.DataFrame)}

    def __repr__(self) -> str:
        n = self.findings["severity"].value_counts()
        return (
            f"AccountProfile({self.account_id}, {self.name!r}, as_of={self.as_of.date()}, findings: "
            f"{int(n.get('high', 0))} high, {int(n.get('medium', 0))} medium, {int(n.get('low', 0))} low)"
        )


# --------------------------------------------------------------------------- account lookup


def _fold(text: str) -> str:
    """Lower case, umlauts spelled out, accents and extra spaces removed (for fuzzy matching)."""
    t = str(text).casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    t = unicodedata.normalize("NFKD", t)
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", t).strip()


def resolve_account(data: KamData, account_id: str, *, max_matches: int = 5) -> str:
    """The account id that ``account_id`` means: an id (case-insensitive) or a unique customer name.

    Raises
    ------
    KamParameterError
        Naming the parameter ``account_id``, with up to ``max_matches`` close matches by id and name
        ("ACC-0044 (Müller Maschinenbau GmbH)"), or the ids when a name belongs to several accounts.

    Examples
    --------
    >>> import kamlib
    >>> data = kamlib.load("data/sample", as_of="2025-12-31")
    >>> resolve_account(data, "acc-0044"), resolve_account(data, "Müller Maschinenbau GmbH")
    ('ACC-0044', 'ACC-0044')
    """
    acc = data.accounts
    if not isinstance(account_id, str) or not account_id.strip():
        raise KamParameterError(
            "account_id",
            f"give an account id (such as {acc['account_id'].iloc[0]}) or a "
            "unique customer name, not " + repr(account_id),
        )
    key = account_id.strip()
    ids = acc["account_id"].astype(str)
    if (ids == key).any():
        return key
    hit = ids[ids.str.casefold() == key.casefold()]
    if len(hit) == 1:
        return str(hit.iloc[0])
    names = acc["name"].astype(str)
    squash = names.str.strip().str.replace(r"\s+", " ", regex=True).str.casefold()
    named = acc[squash == re.sub(r"\s+", " ", key).casefold()]
    if len(named) == 1:
        return str(named["account_id"].iloc[0])
    if len(named) > 1:
        shown = ", ".join(f"{i} ({n})" for i, n in zip(named["account_id"], named["name"]))
        raise KamParameterError(
            "account_id", f"the name {key!r} belongs to {len(named)} accounts ({shown}); give the account id"
        )
    fk = _fold(key)
    scores = []
    for i, n in zip(ids, names):
        fi, fn = _fold(i), _fold(n)
        s = max(difflib.SequenceMatcher(None, fk, fi).ratio(), difflib.SequenceMatcher(None, fk, fn).ratio())
        if len(fk) >= 3 and (fk in fn or fk in fi):
            s = max(s, 0.9 + min(len(fk) / max(len(fn), 1), 1.0) * 0.09)
        scores.append((s, i, n))
    scores.sort(key=lambda t: (-t[0], t[1]))
    close = [f"{i} ({n})" for s, i, n in scores[:max_matches] if s >= 0.6]
    if close:
        raise KamParameterError("account_id", f"no account with id or name {key!r}; close matches: " + "; ".join(close))
    raise KamParameterError(
        "account_id",
        f"no account with id or name {key!r} and nothing close; the {len(ids)} ids run from {ids.min()} to {ids.max()}",
    )


def pseudonym(contact_id: str, *, lang: str = "en", salt: str = "", length: int = 4) -> str:
    """A stable pseudonym for a contact: the same contact id always gives the same text.

    Derived from a SHA-256 hash of ``salt + contact_id``: deterministic across runs and machines, and not
    readable back to the name without the data. Give a ``salt`` to make pseudonyms differ between handouts.

    Examples
    --------
    >>> pseudonym("CON-00074", lang="de") == pseudonym("CON-00074", lang="de")
    True
    >>> pseudonym("CON-00074", lang="de")[:8], len(pseudonym("CON-00074"))
    ('Kontakt ', 12)
    """
    digest = hashlib.sha256((salt + str(contact_id)).encode("utf-8")).hexdigest()[:length].upper()
    return f"{'Kontakt' if i18n.check_lang(lang) == 'de' else 'Contact'} {digest}"


def _pseudonyms(contact_ids: pd.Series, *, lang: str, salt: str) -> dict[str, str]:
    ids = sorted(set(contact_ids.astype(str)))
    for length in (4, 6, 8, 12, 64):
        names = {c: pseudonym(c, lang=lang, salt=salt, length=length) for c in ids}
        if len(set(names.values())) == len(names):
            return names
    raise AssertionError("SHA-256 collision")  # pragma: no cover


# --------------------------------------------------------------------------- small rules


def business_hours_overlap(
    timezone: str,
    *,
    on: str | pd.Timestamp,
    our_timezone: str = OUR_TIMEZONE,
    hours: tuple[float, float] = BUSINESS_HOURS,
) -> dict[str, float | str]:
    """Time difference and overlap of business hours between a customer's time zone and ours, on one day.

    Both sides are assumed to work ``hours`` (local start and end hour); the customer's previous, same and next
    calendar day are compared with our day, so that zones far east or west are handled. Daylight saving time
    follows the date ``on``.

    Returns
    -------
    dict
        ``time_difference_h`` (their clock minus ours), ``overlap_h`` and ``window`` (our local time, e.g.
        ``"08:00-10:00"``, empty without overlap). NaN values and an empty window for an unknown time zone.

    Examples
    --------
    >>> business_hours_overlap("Asia/Shanghai", on="2025-12-31")
    {'time_difference_h': 7.0, 'overlap_h': 2.0, 'window': '08:00-10:00'}
    >>> business_hours_overlap("America/Chicago", on="2025-07-01")["window"]
    '15:00-17:00'
    """
    try:
        ours, theirs = ZoneInfo(our_timezone), ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return {"time_difference_h": float("nan"), "overlap_h": float("nan"), "window": ""}
    day = pd.Timestamp(on).date()

    def at(d, hour: float, tz) -> datetime:
        return datetime.combine(d, time(0), tz) + timedelta(hours=float(hour))

    o_start, o_end = at(day, hours[0], ours), at(day, hours[1], ours)
    total, best = 0.0, None
    for shift in (-1, 0, 1):
        d = day + timedelta(days=shift)
        s, e = max(o_start, at(d, hours[0], theirs)), min(o_end, at(d, hours[1], theirs))
        if e > s:
            total += (e - s).total_seconds() / 3600
            if best is None or (e - s) > (best[1] - best[0]):
                best = (s, e)
    noon_ours, noon_theirs = at(day, 12, ours), at(day, 12, theirs)
    off_ours, off_theirs = noon_ours.utcoffset(), noon_theirs.utcoffset()
    assert off_ours is not None and off_theirs is not None  # aware datetimes (ZoneInfo) always have an offset
    diff = (off_theirs - off_ours).total_seconds() / 3600
    window = f"{best[0].astimezone(ours):%H:%M}-{best[1].astimezone(ours):%H:%M}" if best else ""
    return {"time_difference_h": float(diff), "overlap_h": round(total, 4), "window": window}


def revenue_trend(current: float, previous: float, *, band: float = TREND_BAND) -> str:
    """Trend code from revenue in the last 12 months and in the 12 months before.

    ``growing`` when growth > +band, ``declining`` when growth < -band, ``stable`` in between (the band's
    edges count as stable); ``too_new`` without previous revenue, ``no_revenue`` without any.

    Examples
    --------
    >>> revenue_trend(111, 100), revenue_trend(110, 100), revenue_trend(89, 100), revenue_trend(5, 0)
    ('growing', 'stable', 'declining', 'too_new')
    """
    if previous <= 0:
        return "too_new" if current > 0 else "no_revenue"
    g = round((current - previous) / previous, 9)
    if g > band:
        return "growing"
    if g < -band:
        return "declining"
    return "stable"


@overload
def win_probability(owners: int, peers: int) -> float: ...
@overload
def win_probability(owners: np.ndarray, peers: np.ndarray) -> np.ndarray: ...
def win_probability(owners: int | np.ndarray, peers: int | np.ndarray) -> float | np.ndarray:
    """Laplace's rule of succession: (owners + 1) / (peers + 2).

    A cell no peer owns still gets a small chance, a cell all peers own never reaches certainty, and with no
    peers at all the estimate is an honest 50 %.

    Examples
    --------
    >>> win_probability(3, 8), win_probability(0, 0)
    (0.4, 0.5)
    """
    result = (np.asarray(owners, dtype=float) + 1.0) / (np.asarray(peers, dtype=float) + 2.0)
    return float(result) if np.ndim(result) == 0 else result


def overdue(actions: pd.DataFrame, *, as_of: str | pd.Timestamp) -> pd.Series:
    """True for actions that are open or in progress and were due strictly before ``as_of``.

    Examples
    --------
    >>> a = pd.DataFrame({"status": ["open", "open", "done", "in_progress"],
    ...                   "due": pd.to_datetime(["2025-12-30", "2025-12-31", "2025-01-01", "2025-06-30"])})
    >>> overdue(a, as_of="2025-12-31").tolist()
    [True, False, False, True]
    """
    ts = pd.Timestamp(as_of)
    due = actions["due"] if "due" in actions else pd.Series(pd.NaT, index=actions.index)
    return (actions["status"].isin(OPEN_STATUS) & due.notna() & (due < ts)).astype(bool)


def single_threaded(
    interactions_per_contact: pd.Series, *, contacts: int, share: float = SINGLE_THREAD_SHARE
) -> tuple[bool, str | None, float]:
    """Whether one contact carries the relationship.

    ``interactions_per_contact`` counts interactions per contact (last 12 months); ``contacts`` is the number of
    known contacts. Single-threaded when only one contact is known, or the top contact's share of the interactions
    is above ``share``. Returns (flag, top contact, top share); share is NaN without interactions.

    Examples
    --------
    >>> single_threaded(pd.Series({"a": 3, "b": 1}), contacts=3)
    (True, 'a', 0.75)
    >>> single_threaded(pd.Series({"a": 2, "b": 2}), contacts=3)[0]
    False
    """
    counts = interactions_per_contact[interactions_per_contact > 0]
    if contacts == 1:
        top = str(counts.index[0]) if len(counts) else None
        return True, top, 1.0 if len(counts) else float("nan")
    if counts.sum() <= 0:
        return False, None, float("nan")
    counts = counts.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    top_share = float(counts.iloc[0] / counts.sum())
    return top_share > share + 1e-12, str(counts.index[0]), top_share


def coming_period(as_of: str | pd.Timestamp) -> pd.Period:
    """The quarter after the one ``as_of`` lies in (the period a target must exist for).

    Examples
    --------
    >>> str(coming_period("2025-12-31")), str(coming_period("2025-11-15"))
    ('2026Q1', '2026Q1')
    """
    return pd.Timestamp(as_of).to_period("Q") + 1


def _period_covers(period: str, quarter: pd.Period) -> bool:
    p = str(period)
    if re.fullmatch(r"\d{4}", p):
        return int(p) == quarter.year
    if re.fullmatch(r"\d{4}Q[1-4]", p):
        return pd.Period(p, freq="Q") == quarter
    if re.fullmatch(r"\d{4}-\d{2}", p):
        return pd.Period(p, freq="M").asfreq("Q") == quarter
    return False


# --------------------------------------------------------------------------- helpers


@functools.cache
def _kinds(table: str) -> dict[str, tuple[str, bool, bool]]:
    return schemas.column_kinds(table)


_DTYPES: dict[str, Literal["datetime64[ns]", "Int64", "float64", "str"]] = {
    "date": "datetime64[ns]",
    "integer": "Int64",
    "number": "float64",
    "text": "str",
}


def _complete(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """``df`` with every column of the data model (absent optional columns added empty)."""
    missing = [c for c in _kinds(table) if c not in df.columns]
    if not missing:
        return df
    out = df.copy()
    for c in missing:
        out[c] = pd.Series(np.nan, index=out.index).astype(_DTYPES[_kinds(table)[c][0]])
    return out


def _in(dates: pd.Series, window: tuple[pd.Timestamp, pd.Timestamp]) -> pd.Series:
    return (dates >= window[0]) & (dates <= window[1])


def _date_text(ts: pd.Timestamp | datetime | np.datetime64 | str | None, lang: str) -> str:
    if ts is None or pd.isna(ts):
        return _DASH
    ts = pd.Timestamp(ts)
    return ts.strftime("%d.%m.%Y") if lang == "de" else ts.strftime("%Y-%m-%d")


def _finding(rows: list, severity: str, section: str, check: str, message: str) -> None:
    rows.append({"severity": severity, "section": section, "check": check, "message": message})


def _overdue_values(row: pd.Series, lang: str, **owners: str) -> dict[str, object]:
    """How a finding names an overdue action or plan item: ``{due}`` (the date in ``lang``), ``{days}`` overdue,
    and each of ``owners`` (placeholder -> column) by its value, a dash when not recorded."""
    named = {k: row[c] if pd.notna(row[c]) else _DASH for k, c in owners.items()}
    return {"due": _date_text(row["due"], lang), "days": int(row["days_overdue"]), **named}


def _contact_values(row: pd.Series, lang: str) -> dict[str, object]:
    """How a finding names a contact: ``{name}``, ``{role}`` (the label in ``lang``), ``{influence}`` (a dash when
    not rated)."""
    influence = _DASH if pd.isna(row["influence"]) else int(row["influence"])
    return {"name": row["name"], "role": value_label(row["buying_role"], lang), "influence": influence}


def _db1(o: pd.DataFrame) -> pd.Series:
    return o["gross_revenue_eur"] - o["discount_eur"].fillna(0.0) - o["cogs_eur"].fillna(0.0)


def _line_of(orders: pd.DataFrame, products: pd.DataFrame) -> pd.Series:
    lines = products.set_index("product_id")["product_line"] if len(products) else pd.Series(dtype="str")
    return orders["product_id"].map(lines).astype("str").fillna("?")


# --------------------------------------------------------------------------- the build


def build_profile(
    data: KamData,
    account_id: str,
    *,
    as_of: str | pd.Timestamp | None = None,
    cadence_days: int = 90,
    anonymise: bool = False,
    lang: str = "en",
    our_timezone: str = OUR_TIMEZONE,
    business_hours: tuple[float, float] = BUSINESS_HOURS,
    trend_band: float = TREND_BAND,
    single_thread_share: float = SINGLE_THREAD_SHARE,
    high_influence: int = HIGH_INFLUENCE,
    salt: str = "",
    plan_stale_days: int = defaults.PLAN_STALE_DAYS,
) -> AccountProfile:
    """Build the profile of one account as of a date.

    Parameters
    ----------
    data
        :class:`kamlib.KamData`; it is not changed.
    account_id
        The account's id (case-insensitive) or its name when that is unique.
    as_of
        Profile date; default ``data.as_of``. An earlier date cuts orders, interactions and complaints at that
        date (complaints closed later count as open); action statuses are taken as recorded.
    cadence_days
        Review cadence: key contacts and business reviews older than this are flagged (90 = quarterly).
    anonymise
        Replace contact names by stable pseudonyms ("Contact 7F3A" / "Kontakt 7F3A") everywhere in the profile.
    lang
        Language of findings and notes: ``"en"`` or ``"de"``.
    our_timezone, business_hours
        Our time zone and business hours (local start and end hour, also assumed for the customer).
    trend_band, single_thread_share, high_influence
        Thresholds of the trend, single-threaded and high-influence rules (see the module docstring).
    salt
        Mixed into the pseudonyms; the same salt gives the same pseudonyms.
    plan_stale_days
        An account plan none of whose items was reviewed within this many days is "not current"
        (default :data:`kamlib.defaults.PLAN_STALE_DAYS`).

    Returns
    -------
    AccountProfile

    Raises
    ------
    KamParameterError
        Unknown ``account_id`` (with close matches), ``as_of`` after the data's date, bad ``cadence_days``
        or ``lang``.
    """
    try:
        i18n.check_lang(lang)
    except ValueError as exc:
        raise KamParameterError("lang", str(exc)) from None
    if isinstance(cadence_days, bool) or not isinstance(cadence_days, (int, np.integer)) or cadence_days < 1:
        raise KamParameterError("cadence_days", f"must be a whole number of days of at least 1, not {cadence_days!r}")
    cadence_days = int(cadence_days)
    if isinstance(plan_stale_days, bool) or not isinstance(plan_stale_days, (int, np.integer)) or plan_stale_days < 1:
        raise KamParameterError(
            "plan_stale_days", f"must be a whole number of days of at least 1, not {plan_stale_days!r}"
        )
    try:
        ts = data.as_of if as_of in (None, "") else pd.Timestamp(as_of).normalize()
    except (ValueError, TypeError):
        raise KamParameterError("as_of", f"{as_of!r} is not a date (use YYYY-MM-DD)") from None
    if ts > data.as_of:
        raise KamParameterError(
            "as_of",
            f"{ts.date()} lies after the data's as_of {data.as_of.date()}; the data cannot describe a later date",
        )
    return _profile(
        data,
        account_id,
        as_of=ts,
        cadence_days=cadence_days,
        anonymise=bool(anonymise),
        lang=lang,
        our_timezone=our_timezone,
        business_hours=business_hours,
        trend_band=trend_band,
        single_thread_share=single_thread_share,
        high_influence=high_influence,
        salt=salt,
        plan_stale_days=int(plan_stale_days),
    )


# several notebooks of a run ask for the same profile (02 shows it; the summaries of 02 and 04 and the proposals
# of 04 read it as of the same date): the run computes it once; the arguments are checked and spelt out above
@portfolio_memo
def _profile(
    data: KamData,
    account_id: str,
    *,
    as_of: pd.Timestamp,
    cadence_days: int,
    anonymise: bool,
    lang: str,
    our_timezone: str,
    business_hours: tuple[float, float],
    trend_band: float,
    single_thread_share: float,
    high_influence: int,
    salt: str,
    plan_stale_days: int,
) -> AccountProfile:
    """:func:`build_profile` for arguments already checked, ``as_of`` a normalised date."""
    ts = as_of
    acc_id = resolve_account(data, account_id)
    ctx = _Context.create(data, acc_id, ts, lang=lang, cadence_days=cadence_days, anonymise=anonymise, salt=salt)
    findings: list[dict] = []
    notes: dict[str, str] = {}

    basics = _basics(ctx, our_timezone=our_timezone, business_hours=business_hours)
    quarterly, product_lines, products, line_quarters, hist = _history(ctx, notes)
    complaints, complaints_by_quarter, comp = _complaints(ctx, quarterly, notes)
    contacts, roles, bc = _buying_center(
        ctx, notes, findings, single_thread_share=single_thread_share, high_influence=high_influence
    )
    whitespace, opportunities, ws = _whitespace(ctx, notes, findings)
    competitors, position = _competitors(ctx, whitespace, notes, findings)
    targets, actions, act = _actions(ctx, notes, findings)
    plan = _plan(ctx, notes, findings, stale_days=int(plan_stale_days))
    _lint(ctx, findings, hist=hist, comp=comp, bc=bc)

    trend = revenue_trend(hist["revenue_12m_eur"], hist["revenue_prev_12m_eur"], band=trend_band)
    prev = hist["revenue_prev_12m_eur"]
    key_figures = pd.Series(
        {
            "revenue_12m_eur": hist["revenue_12m_eur"],
            "revenue_prev_12m_eur": prev,
            "growth": (hist["revenue_12m_eur"] - prev) / prev if prev > 0 else float("nan"),
            "trend": trend,
            "db1_12m_eur": hist["db1_12m_eur"],
            "db1_margin_12m": hist["db1_margin_12m"],
            "orders_12m": hist["orders_12m"],
            "orders_total": hist["orders_total"],
            "first_order": hist["first_order"],
            "last_order": hist["last_order"],
            "days_since_last_order": hist["days_since_last_order"],
            "mean_days_between_orders": hist["mean_days_between_orders"],
            "product_lines_12m": hist["product_lines_12m"],
            "complaints_12m": comp["complaints_12m"],
            "open_complaints": comp["open_complaints"],
            "contacts": bc["contacts"],
            "interactions_12m": bc["interactions_12m"],
            "last_interaction": bc["last_interaction"],
            "last_review": bc["last_review"],
            "share_of_wallet": ws["share_of_wallet"],
            "penetration": ws["penetration"],
            "whitespace_eur": ws["whitespace_eur"],
            "open_actions": act["open_actions"],
            "overdue_actions": act["overdue_actions"],
        },
        dtype=object,
        name=acc_id,
    )

    f = pd.DataFrame(findings, columns=["severity", "section", "check", "message"])
    if len(f):
        f["_s"] = f["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
        f["_c"] = f["section"].map({s: i for i, s in enumerate(SECTIONS)})
        f = f.sort_values(["_s", "_c"], kind="stable").drop(columns=["_s", "_c"]).reset_index(drop=True)
    if ctx.anonymise:
        f["message"] = f["message"].map(ctx.scrub)
        actions = actions.assign(**{c: actions[c].map(ctx.scrub) for c in ("goal", "action", "owner")})
        plan = plan.assign(**{c: plan[c].map(ctx.scrub) for c in ("text", "owner_ours", "owner_customer", "result")})
    return AccountProfile(
        account_id=acc_id,
        name=ctx.name,
        as_of=ts,
        cadence_days=cadence_days,
        lang=lang,
        anonymised=bool(anonymise),
        basics=basics,
        key_figures=key_figures,
        quarterly=quarterly,
        product_lines=product_lines,
        products=products,
        product_line_quarters=line_quarters,
        complaints=complaints,
        complaints_by_quarter=complaints_by_quarter,
        contacts=contacts,
        roles=roles,
        whitespace=whitespace,
        opportunities=opportunities,
        competitors=competitors,
        competitive_position=position,
        targets=targets,
        actions=actions,
        findings=f,
        notes=notes,
        plan=plan,
    )


@dataclass
class _Context:
    """The account's slices of the data, cut at ``as_of``, and the run's options."""

    data: KamData
    account_id: str
    account: pd.Series
    name: str
    as_of: pd.Timestamp
    lang: str
    cadence_days: int
    anonymise: bool
    orders: pd.DataFrame  # all accounts, <= as_of, with product_line
    mine: pd.DataFrame  # this account's orders
    interactions: pd.DataFrame
    complaints: pd.DataFrame
    contacts: pd.DataFrame
    wallet: pd.DataFrame
    names: dict[str, str]  # contact id -> shown name (pseudonym when anonymised)
    real_names: dict[str, str]
    cur: tuple[pd.Timestamp, pd.Timestamp]
    prev: tuple[pd.Timestamp, pd.Timestamp]

    @classmethod
    def create(
        cls,
        data: KamData,
        acc_id: str,
        as_of: pd.Timestamp,
        *,
        lang: str,
        cadence_days: int,
        anonymise: bool,
        salt: str,
    ) -> _Context:
        accounts = _complete(data.accounts, "accounts")
        account = accounts[accounts["account_id"] == acc_id].iloc[0]
        orders = _complete(data.orders, "orders")
        orders = orders[orders["date"] <= as_of]
        products = _complete(data.products, "products")
        orders = orders.assign(product_line=_line_of(orders, products))
        inter = _complete(data.interactions, "interactions")
        inter = inter[(inter["account_id"] == acc_id) & (inter["date"] <= as_of)]
        comp = _complete(data.complaints, "complaints")
        comp = comp[(comp["account_id"] == acc_id) & (comp["opened"] <= as_of)]
        comp = comp.assign(closed=comp["closed"].where(comp["closed"] <= as_of))
        contacts = _complete(data.contacts, "contacts")
        contacts = contacts[contacts["account_id"] == acc_id]
        real = dict(zip(contacts["contact_id"].astype(str), contacts["name"].astype(str)))
        shown = _pseudonyms(contacts["contact_id"], lang=lang, salt=salt) if anonymise else dict(real)
        wallet = _complete(data.wallet, "wallet")
        return cls(
            data=data,
            account_id=acc_id,
            account=account,
            name=str(account["name"]),
            as_of=as_of,
            lang=lang,
            cadence_days=cadence_days,
            anonymise=anonymise,
            orders=orders,
            mine=orders[orders["account_id"] == acc_id],
            interactions=inter,
            complaints=comp,
            contacts=contacts,
            wallet=wallet[wallet["account_id"] == acc_id],
            names=shown,
            real_names=real,
            cur=periods.trailing_year(as_of),
            prev=periods.trailing_year(as_of, years_back=1),
        )

    def scrub(self, text: object) -> object:
        """Replace any real contact name inside ``text`` by the contact's pseudonym."""
        if not isinstance(text, str) or not self.anonymise:
            return text
        for cid, real in sorted(self.real_names.items(), key=lambda kv: -len(kv[1])):
            if real and real in text:
                text = text.replace(real, self.names[cid])
        return text

    def has(self, table: str) -> bool:
        return table in self.data.available


def _basics(ctx: _Context, *, our_timezone: str, business_hours: tuple[float, float]) -> pd.Series:
    a = ctx.account
    tz = a["timezone"]
    hours: dict[str, float | str] = (
        business_hours_overlap(tz, on=ctx.as_of, our_timezone=our_timezone, hours=business_hours)
        if pd.notna(tz)
        else {"time_difference_h": float("nan"), "overlap_h": float("nan"), "window": ""}
    )
    kam = None
    if pd.notna(a["kam_id"]):
        kams = _complete(ctx.data.kams, "kams").set_index("kam_id")["name"]
        kam = f"{kams[a['kam_id']]} ({a['kam_id']})" if a["kam_id"] in kams.index else str(a["kam_id"])
    since = a["since"]
    years = round((ctx.as_of - since).days / 365.25, 1) if pd.notna(since) else float("nan")
    window = (
        f"{hours['window']} ({our_timezone})"
        if hours["window"]
        else (_DASH if pd.isna(hours["overlap_h"]) else _text("no_overlap", ctx.lang))
    )
    return pd.Series(
        {
            "account_id": ctx.account_id,
            "name": ctx.name,
            "industry": a["industry"],
            "country": a["country"],
            "city": a["city"],
            "timezone": tz,
            "time_difference_h": hours["time_difference_h"],
            "business_hours_overlap_h": hours["overlap_h"],
            "overlap_window": window,
            "employees": a["employees"],
            "customer_revenue_eur": a["customer_revenue_eur"],
            "kam": kam,
            "since": since,
            "customer_years": years,
            "relationship_stage": a["relationship_stage"],
            "reference_value": a["reference_value"],
            "account_status": a["status"],
        },
        dtype=object,
        name=ctx.account_id,
    )


def _history(ctx: _Context, notes: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    o = ctx.mine
    lang = ctx.lang
    cur, prev = o[_in(o["date"], ctx.cur)], o[_in(o["date"], ctx.prev)]
    db1_cur = float(_db1(cur).sum())
    net_cur = float((cur["gross_revenue_eur"] - cur["discount_eur"].fillna(0.0)).sum())
    dates = pd.Series(sorted(o["date"].unique()))
    hist = {
        "revenue_12m_eur": float(cur["gross_revenue_eur"].sum()),
        "revenue_prev_12m_eur": float(prev["gross_revenue_eur"].sum()),
        "db1_12m_eur": db1_cur,
        "db1_margin_12m": db1_cur / net_cur if net_cur > 0 else float("nan"),
        "orders_12m": int(len(cur)),
        "orders_total": int(len(o)),
        "first_order": o["date"].min() if len(o) else pd.NaT,
        "last_order": o["date"].max() if len(o) else pd.NaT,
        "days_since_last_order": int((ctx.as_of - o["date"].max()).days) if len(o) else float("nan"),
        "mean_days_between_orders": round((dates.iloc[-1] - dates.iloc[0]).days / (len(dates) - 1), 1)
        if len(dates) > 1
        else float("nan"),
        "product_lines_12m": int(cur.loc[cur["product_line"] != "?", "product_line"].nunique()),
    }
    q_cols = [
        "quarter",
        "gross_revenue_eur",
        "discount_eur",
        "net_revenue_eur",
        "cogs_eur",
        "db1_eur",
        "db1_margin",
        "orders",
        "revenue_target_eur",
        "margin_target_eur",
        "complete",
    ]
    if not len(o):
        notes["history"] = _text("note_history", lang, as_of=_date_text(ctx.as_of, lang))
        empty_lines = pd.DataFrame(
            columns=[
                "product_line",
                "first_purchase",
                "last_purchase",
                "products",
                "orders",
                "revenue_total_eur",
                "revenue_12m_eur",
                "line_status",
            ]
        )
        return (
            pd.DataFrame(columns=q_cols),
            empty_lines,
            pd.DataFrame(
                columns=[
                    "product_id",
                    "product_name",
                    "product_line",
                    "first_purchase",
                    "last_purchase",
                    "orders",
                    "revenue_total_eur",
                ]
            ),
            pd.DataFrame(columns=["quarter", "product_line", "gross_revenue_eur"]),
            hist,
        )
    quarters = pd.period_range(o["date"].min().to_period("Q"), ctx.as_of.to_period("Q"), freq="Q")
    oq = o.assign(
        q=o["date"].dt.to_period("Q"),
        net=o["gross_revenue_eur"] - o["discount_eur"].fillna(0.0),
        db1=_db1(o),
        disc=o["discount_eur"].fillna(0.0),
        cogs=o["cogs_eur"].fillna(0.0),
    )
    g = oq.groupby("q")
    q = pd.DataFrame(
        {
            "gross_revenue_eur": g["gross_revenue_eur"].sum(),
            "discount_eur": g["disc"].sum(),
            "net_revenue_eur": g["net"].sum(),
            "cogs_eur": g["cogs"].sum(),
            "db1_eur": g["db1"].sum(),
            "orders": g.size(),
        }
    ).reindex(quarters, fill_value=0)
    q["orders"] = q["orders"].astype(int)
    q["db1_margin"] = (q["db1_eur"] / q["net_revenue_eur"].where(q["net_revenue_eur"] > 0)).round(6)
    tq = _quarter_targets(ctx, quarters)
    q = q.join(tq)
    q["complete"] = [p.end_time.normalize() <= ctx.as_of for p in q.index]
    q.index = q.index.astype(str)
    q.index.name = "quarter"
    q = q.reset_index()[q_cols].round({c: 2 for c in q_cols if c.endswith("_eur")})

    by_line = oq.groupby("product_line")
    lines = pd.DataFrame(
        {
            "first_purchase": by_line["date"].min(),
            "last_purchase": by_line["date"].max(),
            "products": by_line["product_id"].nunique(),
            "orders": by_line.size(),
            "revenue_total_eur": by_line["gross_revenue_eur"].sum().round(2),
            "revenue_12m_eur": cur.groupby("product_line")["gross_revenue_eur"].sum().round(2),
        }
    )
    lines["revenue_12m_eur"] = lines["revenue_12m_eur"].fillna(0.0)
    lines["line_status"] = np.where(lines["last_purchase"] >= ctx.cur[0], "active", "lapsed")
    lines.index.name = "product_line"
    lines = lines.reset_index().sort_values(["first_purchase", "product_line"], kind="stable").reset_index(drop=True)
    if not ctx.has("products"):
        notes["product_lines"] = _text("note_product_lines", lang)
    prods = _complete(ctx.data.products, "products").set_index("product_id")
    by_prod = oq[oq["product_id"].notna()].groupby("product_id")
    products = pd.DataFrame(
        {
            "first_purchase": by_prod["date"].min(),
            "last_purchase": by_prod["date"].max(),
            "orders": by_prod.size(),
            "revenue_total_eur": by_prod["gross_revenue_eur"].sum().round(2),
        }
    )
    products.index.name = "product_id"
    products = products.reset_index()
    products.insert(1, "product_name", products["product_id"].map(prods["name"]))
    products.insert(2, "product_line", products["product_id"].map(prods["product_line"]))
    products = products.sort_values(["first_purchase", "product_id"], kind="stable").reset_index(drop=True)
    lq = oq.groupby(["q", "product_line"])["gross_revenue_eur"].sum().round(2).reset_index()
    lq["quarter"] = lq["q"].astype(str)
    lq = lq[["quarter", "product_line", "gross_revenue_eur"]]
    return q, lines, products, lq, hist


def _quarter_targets(ctx: _Context, quarters: pd.PeriodIndex) -> pd.DataFrame:
    """Targets per quarter: a quarter's own row, else the sum of its months, else a quarter of the year's row."""
    out = pd.DataFrame(np.nan, index=quarters, columns=["revenue_target_eur", "margin_target_eur"])
    t = _complete(ctx.data.targets, "targets")
    t = t[t["account_id"] == ctx.account_id]
    if not len(t):
        return out
    per = t["period"].astype(str)
    for p in quarters:
        rows = t[per == str(p)]
        factor = 1.0
        if not len(rows):
            rows = t[
                per.str.fullmatch(r"\d{4}-\d{2}")
                & per.isin([str(m) for m in pd.period_range(p.start_time, p.end_time, freq="M")])
            ]
        if not len(rows):
            rows, factor = t[per == str(p.year)], 0.25
        if len(rows):
            out.loc[p, "revenue_target_eur"] = float(rows["revenue_target_eur"].sum()) * factor
            m = rows["margin_target_eur"]
            out.loc[p, "margin_target_eur"] = float(m.sum()) * factor if m.notna().any() else np.nan
    return out


def _complaints(ctx: _Context, quarterly: pd.DataFrame, notes: dict) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    c = ctx.complaints
    lang = ctx.lang
    cols = ["complaint_id", "opened", "closed", "severity", "category", "days_open", "open"]
    is_open = c["closed"].isna()
    end = c["closed"].where(~is_open, ctx.as_of)
    out = c.assign(days_open=(end - c["opened"]).dt.days.astype("Int64"), open=is_open.astype(bool))[cols]
    out = out.sort_values(["opened", "complaint_id"], kind="stable").reset_index(drop=True)
    info = {
        "complaints_12m": int(_in(c["opened"], ctx.cur).sum()),
        "open_complaints": int(is_open.sum()),
        "oldest_open": c.loc[is_open, "opened"].min() if is_open.any() else pd.NaT,
    }
    sev_cols = list(schemas.SEVERITIES)
    if not ctx.has("complaints"):
        notes["complaints"] = _text("note_complaints_table", lang)
    elif not len(c):
        notes["complaints"] = _text("note_complaints", lang)
    if not len(c):
        return out, pd.DataFrame(columns=["quarter", *sev_cols, "total"]), info
    start = min(
        c["opened"].min().to_period("Q"),
        pd.Period(quarterly["quarter"].iloc[0], freq="Q") if len(quarterly) else ctx.as_of.to_period("Q"),
    )
    quarters = pd.period_range(start, ctx.as_of.to_period("Q"), freq="Q")
    sev = c["severity"].astype("str").fillna("?")
    tab = pd.crosstab(c["opened"].dt.to_period("Q"), sev).reindex(index=quarters, fill_value=0)
    tab = tab.reindex(columns=sev_cols + ([s for s in tab.columns if s not in sev_cols]), fill_value=0)
    tab["total"] = tab.sum(axis=1)
    tab.index = tab.index.astype(str)
    tab.index.name = "quarter"
    tab.columns.name = None
    return out, tab.reset_index(), info


def _buying_center(
    ctx: _Context, notes: dict, findings: list, *, single_thread_share: float, high_influence: int
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    lang, c, it = ctx.lang, ctx.contacts, ctx.interactions
    last_review = it.loc[it["type"] == "qbr", "date"].max() if (it["type"] == "qbr").any() else pd.NaT
    info = {
        "contacts": int(len(c)),
        "interactions_12m": int(_in(it["date"], ctx.cur).sum()),
        "last_interaction": it["date"].max() if len(it) else pd.NaT,
        "last_review": last_review,
    }
    cols = [
        "contact_id",
        "name",
        "title",
        "business_unit",
        "buying_role",
        "influence",
        "attitude",
        "interactions_total",
        "interactions_12m",
        "last_interaction",
        "days_since_last",
        "met_in_cadence",
        "key_contact",
    ]
    role_cols = ["buying_role", "contacts", "names", "max_influence"]
    if not len(c):
        notes["buying_center"] = _text("note_buying_center", lang)
        if ctx.has("contacts"):
            _finding(findings, "high", "buying_center", "no_contacts", _text("no_contacts", lang))
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=role_cols), info
    named = it[it["contact_id"].isin(c["contact_id"])]
    total = named.groupby("contact_id").size()
    recent = named[_in(named["date"], ctx.cur)].groupby("contact_id").size()
    last = named.groupby("contact_id")["date"].max()
    ids = c["contact_id"]
    out = pd.DataFrame(
        {
            "contact_id": ids.to_numpy(),
            "name": ids.map(ctx.names).to_numpy(),
            "title": c["title"].to_numpy(),
            "business_unit": c["business_unit"].to_numpy(),
            "buying_role": c["buying_role"].to_numpy(),
            "influence": c["influence"].to_numpy(),
            "attitude": c["attitude"].to_numpy(),
            "interactions_total": total.reindex(ids).fillna(0).astype(int).to_numpy(),
            "interactions_12m": recent.reindex(ids).fillna(0).astype(int).to_numpy(),
            "last_interaction": pd.to_datetime(last.reindex(ids)).to_numpy(),
        }
    )
    out["days_since_last"] = (ctx.as_of - out["last_interaction"]).dt.days.astype("Int64")
    out["met_in_cadence"] = (out["days_since_last"] <= ctx.cadence_days).fillna(False).astype(bool)
    infl = out["influence"].astype("Float64")
    out["key_contact"] = (out["buying_role"].isin(KEY_ROLES) | (infl >= high_influence).fillna(False)).astype(bool)
    role_rank = {r: i for i, r in enumerate(schemas.BUYING_ROLES)}
    out = (
        out.assign(_r=out["buying_role"].map(role_rank), _i=-infl.fillna(0))
        .sort_values(["_r", "_i", "contact_id"], kind="stable")
        .drop(columns=["_r", "_i"])
        .reset_index(drop=True)[cols]
    )
    role_rows = []
    for r in schemas.BUYING_ROLES:
        part = out[out["buying_role"] == r]
        role_rows.append(
            {
                "buying_role": r,
                "contacts": len(part),
                "names": ", ".join(part["name"]),
                "max_influence": part["influence"].max() if len(part) else pd.NA,
            }
        )
    roles = pd.DataFrame(role_rows, columns=role_cols)

    # coverage findings
    if not (out["buying_role"] == "decider").any():
        _finding(findings, "high", "buying_center", "no_decider", _text("no_decider", lang, n=len(out)))
    flag, top, share = single_threaded(recent, contacts=len(out), share=single_thread_share)
    if len(out) == 1:
        _finding(
            findings,
            "high",
            "buying_center",
            "single_threaded",
            _text("single_contact", lang, name=out["name"].iloc[0]),
        )
    elif flag:
        assert top is not None  # flagged with more than one contact: single_threaded names the top contact
        _finding(
            findings,
            "high",
            "buying_center",
            "single_threaded",
            _text(
                "single_threaded",
                lang,
                name=ctx.names.get(top, top),
                share=i18n.percent(share, lang, 0),
                n=int(recent.sum()),
            ),
        )
    if info["interactions_12m"] == 0 or recent.sum() == 0:
        _finding(findings, "medium", "buying_center", "no_interactions", _text("no_interactions", lang))
    for _, row in out[out["key_contact"] & ~out["met_in_cadence"]].iterrows():
        when = (
            _text("never_met", lang)
            if pd.isna(row["last_interaction"])
            else _text(
                "met_days_ago", lang, date=_date_text(row["last_interaction"], lang), days=int(row["days_since_last"])
            )
        )
        _finding(
            findings,
            "medium",
            "buying_center",
            "key_contact_not_met",
            _text("key_contact_not_met", lang, when=when, cadence=ctx.cadence_days, **_contact_values(row, lang)),
        )
    opp = out[(out["attitude"] == "opponent") & (out["influence"].astype("Float64") >= high_influence).fillna(False)]
    for _, row in opp.iterrows():
        _finding(
            findings,
            "high",
            "buying_center",
            "opponent_high_influence",
            _text("opponent_high_influence", lang, **_contact_values(row, lang)),
        )
    return out, roles, info


def _whitespace(ctx: _Context, notes: dict, findings: list) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    lang = ctx.lang
    cols = [
        "product_line",
        "business_unit",
        "status",
        "revenue_12m_eur",
        "potential_eur",
        "share_of_wallet",
        "gap_eur",
        "peers",
        "peer_owners",
        "win_probability",
        "expected_value_eur",
        "opportunity",
    ]
    opp_cols = [
        "rank",
        "product_line",
        "business_unit",
        "opportunity",
        "revenue_12m_eur",
        "potential_eur",
        "share_of_wallet",
        "gap_eur",
        "win_probability",
        "expected_value_eur",
        "peers",
        "peer_owners",
    ]
    info = {"share_of_wallet": float("nan"), "penetration": float("nan"), "whitespace_eur": float("nan")}
    w = ctx.wallet
    if not len(w):
        notes["whitespace"] = _text("note_whitespace", lang)
        if ctx.has("wallet"):
            _finding(findings, "medium", "whitespace", "no_wallet", _text("no_wallet", lang))
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=opp_cols), info
    o = ctx.orders
    mine = ctx.mine
    bu = mine["business_unit"].astype("str").fillna("?")
    cur_mask = _in(mine["date"], ctx.cur)
    rev = mine[cur_mask].groupby([mine.loc[cur_mask, "product_line"], bu[cur_mask]])["gross_revenue_eur"].sum()
    ever = set(zip(mine["product_line"], bu))
    pot = w.groupby(["product_line", "business_unit"])["potential_eur"].sum()
    lines = sorted(
        set(_complete(ctx.data.products, "products")["product_line"].dropna().astype(str))
        | set(w["product_line"].astype(str))
        | {pl for pl, _ in rev.index}
    )
    units = sorted(set(w["business_unit"].astype(str)) | {b for _, b in rev.index})
    lines = [x for x in lines if x != "?"] + (["?"] if "?" in lines else [])
    units = [x for x in units if x != "?"] + (["?"] if "?" in units else [])
    grid = pd.MultiIndex.from_product([lines, units], names=["product_line", "business_unit"])
    ws = pd.DataFrame(index=grid)
    ws["revenue_12m_eur"] = rev.reindex(grid).fillna(0.0).round(2)
    ws["potential_eur"] = pot.reindex(grid)
    has_pot = ws["potential_eur"] > 0
    owned = ws["revenue_12m_eur"] > 0
    bought_before = pd.Series([k in ever for k in grid], index=grid)
    eligible = owned | has_pot | bought_before
    ws["status"] = np.where(owned, "owned", np.where(eligible, "gap", "not_eligible"))
    ws["share_of_wallet"] = (ws["revenue_12m_eur"] / ws["potential_eur"].where(has_pot)).round(6)
    ws["gap_eur"] = (ws["potential_eur"].where(has_pot) - ws["revenue_12m_eur"]).clip(lower=0.0).round(2)

    # peers: other accounts of the same industry that bought in the last 12 months
    acc = _complete(ctx.data.accounts, "accounts").set_index("account_id")
    oc = o[_in(o["date"], ctx.cur) & (o["account_id"] != ctx.account_id) & (o["gross_revenue_eur"] > 0)]
    industry = ctx.account["industry"]
    if pd.notna(industry):
        oc = oc[oc["account_id"].map(acc["industry"]) == industry]
    n_peers = int(oc["account_id"].nunique())
    cells = (
        oc.assign(bu=oc["business_unit"].astype("str").fillna("?"))
        .groupby(["product_line", "bu"])["account_id"]
        .nunique()
    )
    cells.index.names = ["product_line", "business_unit"]
    ws["peers"] = n_peers
    ws["peer_owners"] = cells.reindex(grid).fillna(0).astype(int)
    ws["win_probability"] = win_probability(ws["peer_owners"].to_numpy(), np.full(len(ws), n_peers)).round(6)
    ws["expected_value_eur"] = (ws["gap_eur"] * ws["win_probability"]).round(2)
    ws["opportunity"] = np.where(
        ~(ws["gap_eur"] > 0),
        np.asarray(None),  # as np.where takes None (stubs: no bare None)
        np.where(owned, "upsell", "cross_sell"),
    )
    ws = ws.reset_index()[cols]

    est = ws[ws["potential_eur"] > 0]
    sow = float(est["revenue_12m_eur"].sum() / est["potential_eur"].sum()) if len(est) else float("nan")
    n_elig = int((ws["status"] != "not_eligible").sum())
    info = {
        "share_of_wallet": round(sow, 6),
        "penetration": round(int((ws["status"] == "owned").sum()) / n_elig, 6) if n_elig else float("nan"),
        "whitespace_eur": round(float(ws["gap_eur"].fillna(0).sum()), 2),
    }
    opp = (
        ws[ws["opportunity"].notna()]
        .sort_values(
            ["expected_value_eur", "gap_eur", "product_line", "business_unit"],
            ascending=[False, False, True, True],
            kind="stable",
        )
        .reset_index(drop=True)
    )
    opp.insert(0, "rank", np.arange(1, len(opp) + 1))
    opp = opp[opp_cols]
    if not len(opp):
        notes["opportunities"] = _text("note_opportunities", lang)
    over = est[est["revenue_12m_eur"] > est["potential_eur"]]
    if len(over):
        shown = ", ".join(f"{r.product_line}/{r.business_unit}" for r in over.head(3).itertuples())
        _finding(
            findings,
            "low",
            "whitespace",
            "wallet_below_revenue",
            _text("wallet_below_revenue", lang, n=len(over), cells=shown + (" ..." if len(over) > 3 else "")),
        )
    return ws, opp, info


def _competitors(ctx: _Context, ws: pd.DataFrame, notes: dict, findings: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    comp = _complete(ctx.data.competitors, "competitors")
    comp = comp[comp["account_id"] == ctx.account_id][["product_line", "competitor", "share"]]
    comp = comp.sort_values(
        ["product_line", "share", "competitor"], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)
    pos_cols = [
        "product_line",
        "our_share",
        "leader",
        "leader_share",
        "competitors",
        "others_share",
        "our_rank",
        "position",
    ]
    if not len(comp):
        notes["competitors"] = _text("note_competitors", ctx.lang)
        if ctx.has("competitors"):
            _finding(findings, "low", "competitors", "no_competitors", _text("no_competitors", ctx.lang))
        return comp, pd.DataFrame(columns=pos_cols)
    est = ws[ws["potential_eur"] > 0] if len(ws) else ws
    rows = []
    rank: int | NAType
    for line, part in comp.groupby("product_line", sort=True):
        e = est[est["product_line"] == line] if len(est) else est
        ours = float(e["revenue_12m_eur"].sum() / e["potential_eur"].sum()) if len(e) else float("nan")
        top = part.iloc[0]
        if ours == ours and ours <= 0:
            rank, position, others = pd.NA, "none", max(0.0, 1.0 - float(part["share"].sum()))
        elif ours == ours:
            rank = 1 + int((part["share"] > ours).sum())
            position = {1: "first", 2: "second", 3: "third"}.get(rank, "behind")
            others = max(0.0, 1.0 - min(ours, 1.0) - float(part["share"].sum()))
        else:
            rank, position, others = pd.NA, "unknown", float("nan")
        rows.append(
            {
                "product_line": line,
                "our_share": round(ours, 6),
                "leader": top["competitor"],
                "leader_share": float(top["share"]),
                "competitors": len(part),
                "others_share": round(others, 6),
                "our_rank": rank,
                "position": position,
            }
        )
    pos = pd.DataFrame(rows, columns=pos_cols)
    pos["our_rank"] = pos["our_rank"].astype("Int64")
    return comp, pos


def _actions(ctx: _Context, notes: dict, findings: list) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    lang = ctx.lang
    t = _complete(ctx.data.targets, "targets")
    targets = t[t["account_id"] == ctx.account_id][["period", "revenue_target_eur", "margin_target_eur"]]
    targets = targets.sort_values("period", kind="stable").reset_index(drop=True)
    a = _complete(ctx.data.actions, "actions")
    a = a[a["account_id"] == ctx.account_id]
    cols = ["action_id", "goal", "action", "owner", "due", "status", "is_open", "overdue", "days_overdue"]
    late = overdue(a, as_of=ctx.as_of)
    out = a.assign(
        is_open=a["status"].isin(OPEN_STATUS).astype(bool),
        overdue=late,
        days_overdue=(ctx.as_of - a["due"]).dt.days.where(late).astype("Int64"),
    )[cols]
    out = (
        out.assign(_o=~out["is_open"], _l=~out["overdue"])
        .sort_values(["_o", "_l", "due", "action_id"], kind="stable")
        .drop(columns=["_o", "_l"])
        .reset_index(drop=True)
    )
    info = {"open_actions": int(out["is_open"].sum()), "overdue_actions": int(out["overdue"].sum())}
    if not len(out):
        notes["actions"] = _text("note_actions", lang)
        if ctx.has("actions"):
            _finding(findings, "low", "actions", "no_actions", _text("no_actions", lang))
    elif not out["is_open"].any():
        notes["actions"] = _text("note_no_open_actions", lang)
    for _, r in out[out["overdue"]].iterrows():
        _finding(
            findings,
            "high",
            "actions",
            "overdue_action",
            _text(
                "overdue_action",
                lang,
                action_id=r["action_id"],
                action=r["action"],
                **_overdue_values(r, lang, owner="owner"),
            ),
        )
    if ctx.has("targets"):
        nxt = coming_period(ctx.as_of)
        if not any(_period_covers(p, nxt) for p in targets["period"]):
            _finding(findings, "high", "actions", "no_targets", _text("no_targets", lang, period=str(nxt)))
    return targets, out, info


#: The columns of a profile's plan: the table's own (without the account) and the overdue flag and days.
_PLAN_COLUMNS = [c for c in schemas.columns("account_plans") if c != "account_id"] + ["overdue", "days_overdue"]


def _plan_frame(items: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """The items of one account's plan in the order of the sections, then due date and id, with the overdue flag."""
    return schemas.plan_items(items, as_of)[_PLAN_COLUMNS]


def _plan(ctx: _Context, notes: dict, findings: list, *, stale_days: int) -> pd.DataFrame:
    """The account plan as of ``ctx.as_of`` and its checks: no plan, sections missing, not reviewed within
    ``stale_days``, agreed goals overdue."""
    lang = ctx.lang
    p = _complete(ctx.data.account_plans, "account_plans")
    p = p[(p["account_id"] == ctx.account_id) & (p["updated_on"] <= ctx.as_of)]
    plan = _plan_frame(p, ctx.as_of)
    if not ctx.has("account_plans"):
        notes["plan"] = _text("note_plan_table", lang)
        return plan
    if not len(plan):
        notes["plan"] = _text("note_plan", lang)
        _finding(findings, "medium", "plan", "no_account_plan", _text("no_account_plan", lang))
        return plan
    missing = [s for s in schemas.PLAN_SECTIONS if s not in set(plan["section"])]
    if missing:
        # the section names as in a sentence: "our USP", "the customer's team" (the labels' first letter lowered)
        names = ", ".join(_sentence_case(value_label(s, lang), lang) for s in missing)
        _finding(findings, "medium", "plan", "plan_incomplete", _text("plan_incomplete", lang, sections=names))
    last = plan["updated_on"].max()
    if (ctx.as_of - last).days > stale_days:
        _finding(
            findings,
            "medium",
            "plan",
            "plan_not_current",
            _text(
                "plan_not_current",
                lang,
                date=_date_text(last, lang),
                days=int((ctx.as_of - last).days),
                limit=stale_days,
            ),
        )
    goals = plan[(plan["section"] == "agreed_goal") & plan["overdue"]]
    for _, r in goals.iterrows():
        _finding(
            findings,
            "high",
            "plan",
            "agreed_goal_overdue",
            _text(
                "agreed_goal_overdue",
                lang,
                item_id=r["item_id"],
                text=r["text"],
                status=value_label(r["status"], lang) if pd.notna(r["status"]) else _DASH,
                **_overdue_values(r, lang, owner_ours="owner_ours", owner_customer="owner_customer"),
            ),
        )
    return plan


def _sentence_case(text: str, lang: str) -> str:
    """A label inside a sentence: English lowers the first letter ("Our USP" -> "our USP"); German keeps nouns
    capitalised and lowers only a leading possessive ("Unser Team" -> "unser Team")."""
    if lang == "de":
        first, _, rest = text.partition(" ")
        return f"{first.lower()} {rest}" if rest and first in ("Unser", "Unsere") else text
    return text[:1].lower() + text[1:] if text[1:2].islower() or text[1:2] == " " else text


def _lint(ctx: _Context, findings: list, *, hist: dict, comp: dict, bc: dict) -> None:
    """The data checks of the linter (the section builders add their own findings)."""
    lang, data, a = ctx.lang, ctx.data, ctx.account
    for table in (
        "products",
        "contacts",
        "interactions",
        "complaints",
        "wallet",
        "competitors",
        "targets",
        "actions",
        "kams",
        "account_plans",
    ):
        if table not in data.available:
            _finding(
                findings,
                "medium" if table in ("contacts", "wallet", "targets", "interactions") else "low",
                "data",
                "missing_table",
                _text("missing_table", lang, table=table, loss=i18n.pick(_TABLE_LOSS[table], lang)),
            )
    for table in ("accounts", "orders", "contacts", "interactions", "actions"):
        if table not in data.available:
            continue
        frame = getattr(data, table)
        absent = [col for col, (_kind, required, _n) in _kinds(table).items() if not required and col not in frame]
        if absent:
            _finding(
                findings,
                "low",
                "data",
                "missing_column",
                _text("missing_column", lang, table=table, columns=", ".join(absent)),
            )
    if pd.isna(a["kam_id"]):
        _finding(findings, "medium", "basics", "no_kam", _text("no_kam", lang))
    for fld, sev in _ACCOUNT_FIELDS.items():
        if fld in data.accounts.columns and pd.isna(a[fld]):
            _finding(
                findings,
                sev,
                "basics",
                "missing_field",
                _text("missing_field", lang, field=label("account_status" if fld == "status" else fld, lang)),
            )
    cur = ctx.mine[_in(ctx.mine["date"], ctx.cur)]
    n_bad = int((cur["product_id"].isna() | cur["business_unit"].isna()).sum())
    if n_bad and {"product_id", "business_unit"} <= set(data.orders.columns):
        _finding(findings, "low", "data", "missing_field", _text("missing_product", lang, n=n_bad))
    c = ctx.contacts
    thin = c[c["influence"].isna() | c["attitude"].isna()]
    if len(thin):
        names = ", ".join(ctx.names[str(i)] for i in thin["contact_id"].head(5)) + (" ..." if len(thin) > 5 else "")
        _finding(
            findings, "low", "buying_center", "missing_field", _text("contact_fields", lang, n=len(thin), names=names)
        )
    latest = ctx.orders["date"].max()
    if pd.notna(latest) and (ctx.as_of - latest).days > STALE_DATA_DAYS:
        _finding(
            findings,
            "medium",
            "data",
            "data_ends_early",
            _text("data_ends_early", lang, date=_date_text(latest, lang), days=int((ctx.as_of - latest).days)),
        )
    if hist["revenue_12m_eur"] <= 0:
        _finding(findings, "high", "history", "no_revenue_12m", _text("no_revenue_12m", lang))
    if comp["open_complaints"]:
        _finding(
            findings,
            "medium",
            "complaints",
            "open_complaints",
            _text("open_complaint", lang, n=comp["open_complaints"], date=_date_text(comp["oldest_open"], lang)),
        )
    if ctx.has("interactions"):
        lr = bc["last_review"]
        if pd.isna(lr):
            _finding(
                findings, "medium", "buying_center", "stale_review", _text("no_review", lang, cadence=ctx.cadence_days)
            )
        elif (ctx.as_of - lr).days > ctx.cadence_days:
            when = _text("days_ago", lang, date=_date_text(lr, lang), days=int((ctx.as_of - lr).days))
            _finding(
                findings,
                "medium",
                "buying_center",
                "stale_review",
                _text("stale_review", lang, when=when, cadence=ctx.cadence_days),
            )


# --------------------------------------------------------------------------- presentation


def _format(key: str, value: object, lang: str) -> object:
    # pandas-stubs: pd.isna takes any object, but is_scalar is no TypeGuard, so an `object` matches no overload
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):  # type: ignore[call-overload]
        return _DASH
    if isinstance(value, (pd.Timestamp, datetime, np.datetime64)):
        return _date_text(value, lang)
    if isinstance(value, (bool, np.bool_)):
        return i18n.t("yes" if value else "no", lang)
    if isinstance(value, str):
        if key == "check":
            return check_label(value, lang)
        return value_label(value, lang) if key in _CODED else value
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        if key in _PERCENT:
            return i18n.percent(v, lang, 1)
        if key.endswith("_eur"):
            return i18n.number(v, lang, 0)
        if key in _ONE_DECIMAL:
            return i18n.number(v, lang, 1)
        if v.is_integer():
            return i18n.number(v, lang, 0)
        return i18n.number(v, lang, 2)
    return value


def present(
    obj: pd.DataFrame | pd.Series,
    lang: str = "en",
    *,
    columns: list[str] | None = None,
    index: str | Literal[False] | None = None,
) -> pd.DataFrame:
    """A display copy: translated headers and codes, numbers formatted for ``lang`` (1,234 / 1.234; 15.8% /
    15,8 %), dates as 2025-12-31 / 31.12.2025, missing values as a dash.

    A Series (``basics``, ``key_figures``) becomes a two-column table of label and value. ``columns`` picks
    columns; ``index`` (default: the first column) becomes the row label, ``index=False`` numbers the rows from 1. All cells are text, so notebook output
    is identical on every machine; the HTML view escapes customer names (pandas does).

    Examples
    --------
    >>> df = pd.DataFrame({"product_line": ["Motoren"], "gap_eur": [12345.6], "share_of_wallet": [0.158],
    ...                    "status": ["gap"]})
    >>> present(df, "de").to_dict("records")
    [{'Lücke (EUR)': '12.346', 'Share of Wallet': '15,8\\xa0%', 'Status': 'Lücke'}]
    """
    i18n.check_lang(lang)
    if isinstance(obj, pd.Series):
        vals = [_format(str(k), v, lang) for k, v in obj.items()]
        out = pd.DataFrame({label("value", lang): vals}, index=[label(k, lang) for k in obj.index])
        out.index.name = label("field", lang)
        return out
    df = obj[list(columns)] if columns is not None else obj
    out = pd.DataFrame({label(c, lang): [_format(c, v, lang) for v in df[c]] for c in df.columns})
    if index is False:
        out.index = pd.RangeIndex(1, len(out) + 1)
    elif len(df.columns):
        out = out.set_index(label(index or df.columns[0], lang))
    return out


#: The columns of the account plan as :func:`account_plan_view` shows them (the section is the row label).
PLAN_VIEW_COLUMNS = ["text", "owner_ours", "owner_customer", "due", "status", "result", "updated_on"]


def account_plan_view(profile: AccountProfile, lang: str | None = None, *, internal: bool = True) -> pd.DataFrame:
    """The account plan by section for display in ``lang``: the section as the row label (a word), then the
    item, our and the customer's owner, due date, status (a word), result and when it was last reviewed;
    missing values as a dash. ``internal=False`` leaves out our objectives, strategy and USP
    (:data:`kamlib.data.schemas.PLAN_INTERNAL_SECTIONS`): what remains may be shown to the customer.

    Examples
    --------
    >>> import kamlib
    >>> p = build_profile(kamlib.load("data/sample", as_of="2025-12-31"), "ACC-0044")
    >>> account_plan_view(p, "de", internal=False).index.unique().tolist()
    ['Ziel des Kunden', 'Vorhaben des Kunden', 'Unser Team', 'Team des Kunden', 'Vereinbartes Ziel']
    """
    lang = lang or profile.lang
    plan = profile.plan
    if not internal:
        plan = plan[~plan["section"].isin(schemas.PLAN_INTERNAL_SECTIONS)]
    return present(plan, lang, columns=["section", *PLAN_VIEW_COLUMNS])


def whitespace_matrix(profile: AccountProfile, *, lang: str = "en") -> pd.DataFrame:
    """Product line x business unit as text: share of wallet for owned cells, the gap or a dash.

    Owned cells without an estimate show "owned"; gap cells show the gap in EUR where the wallet is estimated
    ("gap 166 k" / "Lücke 166 Tsd."), else just "gap".
    """
    ws = profile.whitespace
    if not len(ws):
        return pd.DataFrame()

    def cell(r) -> str:
        if r["status"] == "owned":
            sow = r["share_of_wallet"]
            return i18n.percent(sow, lang, 0) if pd.notna(sow) else value_label("owned", lang)
        if r["status"] == "gap":
            g = r["gap_eur"]
            return (
                _text("gap_cell", lang, amount=i18n.short_amount(g, lang)) if pd.notna(g) else value_label("gap", lang)
            )
        return _DASH

    m = ws.assign(text=ws.apply(cell, axis=1)).pivot(index="product_line", columns="business_unit", values="text")
    m = m.reindex(index=list(dict.fromkeys(ws["product_line"])), columns=list(dict.fromkeys(ws["business_unit"])))
    m.index.name = label("product_line", lang)
    m.columns.name = label("business_unit", lang)
    return m


def headline(profile: AccountProfile, *, lang: str | None = None) -> str:
    """One line naming the profile: account, date and the linter's findings per severity.

    Examples
    --------
    >>> import kamlib
    >>> p = build_profile(kamlib.load("data/sample", as_of="2025-12-31"), "ACC-0044", lang="de")
    >>> headline(p)
    'Kundenprofil ACC-0044 · Müller Maschinenbau GmbH, Stand 31.12.2025; Profil-Check: 1 hoch, 4 mittel, 0 niedrig.'
    """
    lang = lang or profile.lang
    n = profile.findings["severity"].value_counts()
    return _text(
        "headline",
        lang,
        account_id=profile.account_id,
        name=profile.name,
        as_of=_date_text(profile.as_of, lang),
        **{s: int(n.get(s, 0)) for s in SEVERITIES},
    )


#: The profile's tables a run keeps as CSV extracts (products ``profile_<name>`` of kamlib.batch.products).
EXTRACTS = ("findings", "opportunities", "contacts", "quarterly")


def extracts(profile: AccountProfile) -> dict[str, pd.DataFrame]:
    """The profile's tables to keep as extracts, keyed by their product name (``profile_findings`` ...); the
    notebook writes them with :func:`kamlib.batch.products.write_many`."""
    return {f"profile_{name}": getattr(profile, name) for name in EXTRACTS}


def summary_sentences(profile: AccountProfile, *, lang: str | None = None) -> list[str]:
    """Three sentences for the top of the profile: revenue and trend, buying center, whitespace."""
    lang = lang or profile.lang
    k = profile.key_figures
    out = []
    trend = value_label(k["trend"], lang)
    growth = "" if pd.isna(k["growth"]) else f" ({'+' if k['growth'] >= 0 else ''}{i18n.percent(k['growth'], lang)})"
    out.append(
        _text(
            "summary_revenue",
            lang,
            revenue=i18n.number(k["revenue_12m_eur"], lang, 0),
            trend=trend,
            growth=growth,
            band=i18n.percent(TREND_BAND, lang, 0),
        )
    )
    n_high = int((profile.findings["severity"] == "high").sum())
    out.append(
        _text(
            "summary_contacts",
            lang,
            contacts=k["contacts"],
            interactions=k["interactions_12m"],
            findings=len(profile.findings),
            high=n_high,
        )
    )
    if pd.notna(k["share_of_wallet"]):
        out.append(
            _text(
                "summary_wallet",
                lang,
                sow=i18n.percent(k["share_of_wallet"], lang),
                pen=i18n.percent(k["penetration"], lang),
                ws=i18n.number(k["whitespace_eur"], lang, 0),
            )
        )
    return out
