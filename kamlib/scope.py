"""What a report may show: the whole portfolio, or one account and anonymous context.

``kam run`` writes one folder per key account (``accounts/<id>/``), and KAMs forward these folders: to
colleagues, to the account team, sometimes to the customer. A per-account report therefore holds that
account's figures only. Where a comparison with the portfolio helps the reader, it shows **anonymous
aggregates**: the account's rank among N, its percentile, and the quartiles of the *other* accounts,
never another account's id, name or individual figure. Portfolio tables and extracts belong to the
portfolio view (``account_id`` empty), which ``kam run`` writes once, at the run's top level.

Notebooks pass every multi-account table they show or write through a :class:`Scope`:

* ``scope.rows(frame)``: the whole frame in the portfolio view, the account's rows in an account view
  (the account id is found in a column or index level ``account_id``, or in a plain index);
* ``scope.rows(frame, among=key_ids)``: the same, but the portfolio view shows only ``among``;
* ``scope.context(frame, columns)``: the account's value, rank, percentile and the other accounts'
  quartiles per column (:func:`peer_context`);
* ``scope.describe(frame, columns)``: ``describe()`` in the portfolio view, ``context`` in an account view;
* ``scope.groups(table)``: per-group aggregates (quadrants, industries) without their totals, and masked
  where a group is too small to hide its members;
* ``present_context(context, lang)``: a context table as a reader of ``lang`` sees it (labels, number
  formats, a dash for withheld quartiles).

Quartiles of fewer than :data:`MIN_PEERS` other accounts are withheld: the median of two accounts is
their mean, and of one account its figure.

Examples
--------
>>> t = pd.DataFrame({"name": list("abcdef"), "db4": [10.0, 20, 30, 40, 50, 60]},
...                  index=pd.Index([f"ACC-{i}" for i in range(1, 7)], name="account_id"))
>>> Scope("ACC-3").rows(t)  # doctest: +NORMALIZE_WHITESPACE
           name   db4
account_id
ACC-3         c  30.0
>>> c = Scope("ACC-3").context(t, ["db4"])  # rank 4 of 6; 2 of the 5 others lower; others 10, 20, 40, 50, 60
>>> c.loc["db4", ["this_account", "rank", "accounts", "percentile", "peers"]].tolist()
[30.0, 4.0, 6.0, 40.0, 5.0]
>>> c.loc["db4", ["peer_p25", "peer_median", "peer_p75"]].tolist()
[20.0, 40.0, 50.0]
>>> len(Scope(None).rows(t))  # the portfolio view
6
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from kamlib import i18n
from kamlib.errors import KamParameterError

#: Peer quartiles and group figures need at least this many other accounts behind them.
MIN_PEERS = 5

#: Column codes of the context table (English, German); registered in :func:`kamlib.i18n.registry`.
LABELS: dict[str, tuple[str, str]] = i18n.table("scope.labels")

CONTEXT_COLUMNS = ("this_account", "rank", "accounts", "percentile", "peers", "peer_p25", "peer_median", "peer_p75")


def _account_of(account_id) -> str | None:
    if account_id is None or (isinstance(account_id, float) and np.isnan(account_id)):
        return None
    text = str(account_id).strip()
    return text or None


def account_ids(frame: pd.DataFrame | pd.Series, *, on: str = "account_id") -> pd.Index:
    """The account id of every row of ``frame``: column ``on``, else index level ``on``, else a plain index.

    Raises ``KamParameterError`` for a frame keyed by something else (a table per quadrant or year is no
    per-account table and cannot be restricted to one account).

    Examples
    --------
    >>> list(account_ids(pd.DataFrame({"account_id": ["A", "B"], "x": [1, 2]})))
    ['A', 'B']
    >>> idx = pd.MultiIndex.from_tuples([("A", 2024), ("A", 2025)], names=["account_id", "period"])
    >>> list(account_ids(pd.Series([1, 2], index=idx)))
    ['A', 'A']
    """
    if isinstance(frame, pd.DataFrame) and on in frame.columns:
        return pd.Index(frame[on].astype(str))
    names = list(frame.index.names)
    if on in names:
        return pd.Index(frame.index.get_level_values(on).astype(str))
    if frame.index.nlevels == 1 and names[0] is None:
        return pd.Index(frame.index.astype(str))
    raise KamParameterError(
        "on",
        f"no column or index level {on!r} in this table (index: {names}); "
        "a table that is not per account cannot be restricted to one account",
    )


def restrict(
    frame: pd.DataFrame | pd.Series,
    account_id: str | None,
    *,
    on: str = "account_id",
    among: Iterable[str] | None = None,
):
    """``frame`` as a report for ``account_id`` may show it: its rows only; all rows when ``account_id`` is empty.

    ``among`` limits the portfolio view (e.g. to the key accounts); an account view shows the account's
    own rows whether or not it is among them. Row order is kept; the input is never changed.

    Examples
    --------
    >>> t = pd.DataFrame({"x": [1, 2, 3]}, index=pd.Index(["A", "B", "C"], name="account_id"))
    >>> restrict(t, "B")["x"].tolist(), restrict(t, "")["x"].tolist(), restrict(t, None, among=["C", "A"])["x"].tolist()
    ([2], [1, 2, 3], [1, 3])
    >>> restrict(t, "Z").empty  # an account without rows shows nothing, never someone else
    True
    """
    acc = _account_of(account_id)
    if acc is None:
        if among is None:
            return frame.copy()
        keep = set(map(str, among))
        return frame[account_ids(frame, on=on).isin(keep)].copy()
    return frame[account_ids(frame, on=on) == acc].copy()


def peer_context(
    frame: pd.DataFrame,
    account_id: str | None,
    columns: Iterable[str],
    *,
    on: str = "account_id",
    min_peers: int = MIN_PEERS,
) -> pd.DataFrame:
    """Where ``account_id`` stands among all accounts of ``frame``, per column, without naming anyone else.

    One row per column (index ``figure``):

    * ``this_account``: the account's value (NaN when it has none);
    * ``rank``: 1 + the number of accounts with a higher value (1 = highest; ties share a rank);
    * ``accounts``: accounts with a value, this one included;
    * ``percentile``: share of the other accounts with a lower value, ties counted half, in %;
    * ``peers``: other accounts with a value;
    * ``peer_p25``, ``peer_median``, ``peer_p75``: quartiles of the other accounts (linear interpolation),
      NaN when fewer than ``min_peers`` other accounts have a value.

    Accounts without a value (NaN) are left out of that column's comparison. The frame must hold one
    row per account.
    """
    acc = _account_of(account_id)
    if acc is None:
        raise KamParameterError(
            "account_id",
            "the context of an account needs an account id; the portfolio view shows the portfolio tables instead",
        )
    ids = account_ids(frame, on=on)
    if ids.has_duplicates:
        raise KamParameterError("frame", "peer_context needs one row per account")
    cols = list(columns)
    rows = []
    for col in cols:
        s = pd.Series(pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float), index=ids).dropna()
        others = s[s.index != acc].to_numpy()
        own = float(s[acc]) if acc in s.index else np.nan
        row = {
            "this_account": own,
            "rank": np.nan,
            "accounts": float(len(s)),
            "percentile": np.nan,
            "peers": float(len(others)),
            "peer_p25": np.nan,
            "peer_median": np.nan,
            "peer_p75": np.nan,
        }
        if not np.isnan(own):
            row["rank"] = float(1 + (others > own).sum())
            if len(others):
                row["percentile"] = round(100.0 * ((others < own).sum() + 0.5 * (others == own).sum()) / len(others), 1)
        if len(others) >= max(int(min_peers), 1):
            row["peer_p25"], row["peer_median"], row["peer_p75"] = np.percentile(others, [25, 50, 75])
        rows.append(row)
    out = pd.DataFrame(rows, index=pd.Index(cols, name="figure"), columns=list(CONTEXT_COLUMNS))
    return out.astype({"rank": "Int64", "accounts": "Int64", "peers": "Int64"})


def present_context(
    context: pd.DataFrame, lang: str = "en", *, percent: Iterable[str] = (), decimals: int = 0
) -> pd.DataFrame:
    """A display copy of a :func:`peer_context` table in ``lang``: all cells text, headers and figures labelled.

    The account's value and the quartiles are in the figure's own unit: figures listed in ``percent`` are
    fractions shown as percentages with one decimal (15.8% / 15,8 %), the others numbers with ``decimals``
    (1,234 / 1.234).
    Rank, accounts and peers are whole numbers, the percentile has one decimal; a missing value (no value
    of the account, quartiles withheld for too few peers) is a dash. Figure codes are labelled from the
    catalogue (:func:`kamlib.i18n.code_label`); unknown codes stay as they are.

    Examples
    --------
    >>> t = pd.DataFrame({"db4": [10.0, 20, 30, 40, 50, 1060], "db4_margin": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]},
    ...                  index=pd.Index([f"ACC-{i}" for i in range(1, 7)], name="account_id"))
    >>> shown = present_context(peer_context(t, "ACC-6", ["db4", "db4_margin"]), "de", percent=["db4_margin"])
    >>> shown.loc["DB IV"].tolist()
    ['1.060', '1', '6', '100,0', '5', '20', '30', '40']
    >>> shown.loc["DB-IV-Marge", ["Dieser Kunde", "Übrige: Median"]].tolist()
    ['60,0\\xa0%', '30,0\\xa0%']
    >>> present_context(peer_context(t, "ACC-6", ["db4"], min_peers=9), "en").iloc[0, -3:].tolist()
    ['–', '–', '–']
    """
    i18n.check_lang(lang)
    pct = set(percent)
    dash = "\u2013"

    def cell(figure: str, column: str, v) -> str:
        if v is None or pd.isna(v):
            return dash
        if column in ("rank", "accounts", "peers"):
            return i18n.number(float(v), lang, 0)
        if column == "percentile":
            return i18n.number(float(v), lang, 1)
        if figure in pct:
            return i18n.percent(float(v), lang, 1)
        return i18n.number(float(v), lang, decimals)

    def head(code: str) -> str:
        pair = LABELS.get(code)
        return i18n.pick(pair, lang) if pair else (i18n.code_label(code, lang) or code)

    out = pd.DataFrame(
        [[cell(str(f), c, context.at[f, c]) for c in context.columns] for f in context.index],
        columns=[head(c) for c in context.columns],
        index=pd.Index([head(str(f)) for f in context.index], name=head("figure")),
    )
    return out


def group_figures(
    table: pd.DataFrame,
    *,
    count: str = "accounts",
    totals: Iterable[str] = (),
    own_group=None,
    min_peers: int = MIN_PEERS,
) -> pd.DataFrame:
    """Per-group aggregates fit for an account report: ``totals`` (portfolio sums) dropped, and every figure
    of a group with fewer than ``min_peers`` accounts other than this one masked (NaN); the count stays.

    ``own_group`` is the group of the account the report is for (its own figures are no secret to it,
    but they do not hide the others).

    Examples
    --------
    >>> q = pd.DataFrame({"accounts": [12, 5, 3], "db4": [9e5, 2e5, 1e5], "db4_margin": [0.2, 0.1, 0.05]},
    ...                  index=pd.Index(["star", "status", "streamline"], name="quadrant"))
    >>> group_figures(q, totals=["db4"], own_group="status")  # doctest: +NORMALIZE_WHITESPACE
                accounts  db4_margin
    quadrant
    star              12         0.2
    status             5         NaN
    streamline         3         NaN
    """
    out = table.drop(columns=[c for c in totals if c in table.columns]).copy()
    others = out[count] - (out.index == own_group).astype(int)
    figures = [c for c in out.columns if c != count]
    if figures:
        out[figures] = out[figures].astype(float)
        out.loc[others < min_peers, figures] = np.nan
    return out


class Scope:
    """The view a notebook reports: the portfolio (``account_id`` empty) or one account.

    Examples
    --------
    >>> Scope(""), Scope("ACC-0044")
    (Scope(portfolio), Scope(account ACC-0044))
    >>> Scope("ACC-0044").ids(["ACC-0001", "ACC-0044"]), Scope(None).ids(["ACC-0001", "ACC-0044"])
    (['ACC-0044'], ['ACC-0001', 'ACC-0044'])
    """

    def __init__(self, account_id: str | None = None, *, min_peers: int = MIN_PEERS):
        self.account_id = _account_of(account_id)
        self.min_peers = int(min_peers)

    @property
    def is_portfolio(self) -> bool:
        return self.account_id is None

    def __repr__(self) -> str:
        return "Scope(portfolio)" if self.is_portfolio else f"Scope(account {self.account_id})"

    def rows(self, frame, *, on: str = "account_id", among: Iterable[str] | None = None):
        """See :func:`restrict`."""
        return restrict(frame, self.account_id, on=on, among=among)

    def ids(self, ids: Iterable[str]) -> list[str]:
        """The account ids the view covers: all of ``ids`` (portfolio) or just this account."""
        return list(map(str, ids)) if self.account_id is None else [self.account_id]

    def context(self, frame: pd.DataFrame, columns: Iterable[str], *, on: str = "account_id") -> pd.DataFrame:
        """See :func:`peer_context` (account views only)."""
        return peer_context(frame, self.account_id, columns, on=on, min_peers=self.min_peers)

    def describe(self, frame: pd.DataFrame, columns: Iterable[str], *, on: str = "account_id") -> pd.DataFrame:
        """``frame[columns].describe().T`` for the portfolio, the account's :meth:`context` otherwise.

        ``describe`` shows minimum and maximum, which are single accounts' figures: fine for the portfolio
        view, not for a report about one account.
        """
        cols = list(columns)
        return frame[cols].describe().T if self.is_portfolio else self.context(frame, cols, on=on)

    def groups(
        self, table: pd.DataFrame, *, count: str = "accounts", totals: Iterable[str] = (), own_group=None
    ) -> pd.DataFrame:
        """The table for the portfolio; :func:`group_figures` for an account view."""
        if self.is_portfolio:
            return table
        return group_figures(table, count=count, totals=totals, own_group=own_group, min_peers=self.min_peers)
