"""Trailing windows: the one home of "the twelve months up to ``as_of``" and its relatives.

Every window is a pair ``(start, end)`` with both ends *inclusive*: a date ``d`` lies in it when
``start <= d <= end``. ``end`` keeps the time of day it was given; ``start`` is a day start when ``end`` is one.

* :func:`trailing_months` / :func:`trailing_year`: whole calendar months back from ``end``, the next day after
  the same date ``months`` earlier (the last day of the month where that date does not exist):
  2025-12-31 gives 2025-01-01 .. 2025-12-31, 2024-02-29 gives 2023-03-01 .. 2024-02-29. The profile, the
  selection criteria, the customer-value window and the CLV retention windows count like this.
* :func:`trailing_quarters`: whole calendar quarters up to and including a quarter; its end is the quarter's
  last instant (``Period.end_time``), so a timestamp late on the last day still counts.
* :func:`trailing_days`: a fixed number of days (365), whatever the calendar: it differs from
  :func:`trailing_year` when the window holds a 29 February (2024-12-31 gives 2024-01-02 .. 2024-12-31).
  The review's buying-center coverage ("met in the last 365 days") counts like this.
* :func:`year_before`: the same date one year earlier (a snapshot date, not a window).

This module is part of the base layer: it imports only pandas.

Examples
--------
>>> trailing_year("2025-12-31")
(Timestamp('2025-01-01 00:00:00'), Timestamp('2025-12-31 00:00:00'))
>>> trailing_year("2025-12-31", years_back=1)
(Timestamp('2024-01-01 00:00:00'), Timestamp('2024-12-31 00:00:00'))
>>> [str(t.date()) for t in trailing_days("2024-12-31", 365)]
['2024-01-02', '2024-12-31']
"""

from __future__ import annotations

import pandas as pd

__all__ = ["trailing_months", "trailing_year", "trailing_quarters", "trailing_days", "year_before"]


def trailing_months(end, months: int = 12, *, back: int = 0) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The ``months`` calendar months up to and including ``end``, ``back`` such windows earlier.

    With ``back=1`` the window ends ``months`` months before ``end`` (the previous window, adjoining the
    current one: its end is the day before the current start).

    Examples
    --------
    >>> trailing_months("2025-06-30", 3)  # the day after 30 March, not 1 April
    (Timestamp('2025-03-31 00:00:00'), Timestamp('2025-06-30 00:00:00'))
    >>> trailing_months("2024-02-29", 12, back=1)
    (Timestamp('2022-03-01 00:00:00'), Timestamp('2023-02-28 00:00:00'))
    """
    end = pd.Timestamp(end)
    if back:
        end = end - pd.DateOffset(months=months * back)
    return end - pd.DateOffset(months=months) + pd.Timedelta(days=1), end


def trailing_year(as_of, years_back: int = 0) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The twelve months up to and including ``as_of`` (``years_back=1``: the twelve months before those).

    Examples
    --------
    >>> trailing_year("2025-03-15")
    (Timestamp('2024-03-16 00:00:00'), Timestamp('2025-03-15 00:00:00'))
    """
    return trailing_months(as_of, 12, back=years_back)


def trailing_quarters(period, quarters: int = 4, *, back: int = 0) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The ``quarters`` calendar quarters up to and including the quarter ``period`` ("2025Q4" or a Period),
    ``back`` such windows earlier: (first day of the first quarter, last instant of the last quarter).

    Examples
    --------
    >>> start, end = trailing_quarters("2025Q2")
    >>> str(start), str(end.date())
    ('2024-07-01 00:00:00', '2025-06-30')
    >>> [str(t.date()) for t in trailing_quarters("2025Q2", back=1)]
    ['2023-07-01', '2024-06-30']
    """
    last = pd.Period(period, freq="Q") - quarters * back
    return (last - (quarters - 1)).start_time, last.end_time


def trailing_days(end, days: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The ``days`` days up to and including the day of ``end``: start at the beginning of the day ``days − 1``
    days before ``end``'s day. Not calendar months: 365 days back from a 31 December of a leap year start on
    2 January.

    Examples
    --------
    >>> trailing_days("2025-12-31", 365)
    (Timestamp('2025-01-01 00:00:00'), Timestamp('2025-12-31 00:00:00'))
    >>> start, end = trailing_days(pd.Period("2024Q1", freq="Q").end_time, 365)
    >>> str(start), str(end.date())
    ('2023-04-02 00:00:00', '2024-03-31')
    """
    end = pd.Timestamp(end)
    return end.normalize() - pd.Timedelta(days=days - 1), end


def year_before(when, years: int = 1) -> pd.Timestamp:
    """The same date ``years`` years earlier (29 February becomes 28 February).

    Examples
    --------
    >>> year_before("2024-02-29"), year_before("2025-12-31")
    (Timestamp('2023-02-28 00:00:00'), Timestamp('2024-12-31 00:00:00'))
    """
    return pd.Timestamp(when) - pd.DateOffset(years=years)
