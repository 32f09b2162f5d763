"""Trailing windows (kamlib.periods): every variant against dates worked out by hand, and the places that use them."""

from __future__ import annotations

import pandas as pd
import pytest

from kamlib import periods


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


@pytest.mark.parametrize(("as_of", "years_back", "start", "end"), [
    ("2025-12-31", 0, "2025-01-01", "2025-12-31"),   # a calendar year
    ("2025-12-31", 1, "2024-01-01", "2024-12-31"),   # the year before, adjoining
    ("2025-03-15", 0, "2024-03-16", "2025-03-15"),   # mid-month: the day after the same date a year earlier
    ("2024-02-29", 0, "2023-03-01", "2024-02-29"),   # 2023-02-29 does not exist: 28 Feb, then the next day
    ("2024-02-29", 1, "2022-03-01", "2023-02-28"),   # previous window ends on 28 Feb (no 29th in 2023)
    ("2025-02-28", 0, "2024-02-29", "2025-02-28"),   # a window that holds 29 Feb has 366 days
])
def test_trailing_year_by_hand(as_of, years_back, start, end):
    assert periods.trailing_year(as_of, years_back) == (ts(start), ts(end))


def test_trailing_year_windows_adjoin():
    for as_of in pd.date_range("2023-01-01", "2025-12-31", freq="D"):
        cur, prev = periods.trailing_year(as_of), periods.trailing_year(as_of, years_back=1)
        assert prev[1] + pd.Timedelta(days=1) == cur[0]


def test_trailing_months_other_lengths_by_hand():
    # 30 June minus 3 months is 30 March: the window starts on 31 March, not on 1 April
    assert periods.trailing_months("2025-06-30", 3) == (ts("2025-03-31"), ts("2025-06-30"))
    assert periods.trailing_months("2025-06-30", 6, back=1) == (ts("2024-07-01"), ts("2024-12-30"))
    assert periods.trailing_months("2025-12-31", 24) == (ts("2024-01-01"), ts("2025-12-31"))


def test_trailing_year_keeps_the_time_of_day():
    start, end = periods.trailing_year("2025-12-31 13:45")
    assert (start, end) == (ts("2025-01-01 13:45"), ts("2025-12-31 13:45"))


def test_trailing_days_differs_from_trailing_year_only_around_29_february():
    # 365 days up to 31.12.2024 (a leap year) start on 2 January; the twelve months start on 1 January
    assert periods.trailing_days("2024-12-31", 365) == (ts("2024-01-02"), ts("2024-12-31"))
    assert periods.trailing_year("2024-12-31")[0] == ts("2024-01-01")
    # without a 29 February inside both agree
    assert periods.trailing_days("2025-12-31", 365) == periods.trailing_year("2025-12-31")
    # the end of a quarter (its last instant): start at the beginning of a day, end unchanged
    end = pd.Period("2024Q1", freq="Q").end_time
    start, stop = periods.trailing_days(end, 365)
    assert start == ts("2023-04-02") and stop == end  # 1 Apr 2023 .. 31 Mar 2024 would be 366 days


def test_trailing_days_matches_the_review_rule_it_replaced():
    # the review counted an interaction as "met in the last 365 days" when end - 365 days < date <= end
    days = pd.Series(pd.date_range("2022-12-01", "2025-01-31", freq="D"))
    for quarter in ("2023Q4", "2024Q1", "2024Q4", "2025Q1"):
        end = pd.Period(quarter, freq="Q").end_time
        before = (days <= end) & (days > end - pd.Timedelta(days=365))
        start, stop = periods.trailing_days(end, 365)
        assert ((days >= start) & (days <= stop)).equals(before), quarter


@pytest.mark.parametrize(("quarter", "back", "start", "last_day"), [
    ("2025Q4", 0, "2025-01-01", "2025-12-31"),
    ("2025Q4", 1, "2024-01-01", "2024-12-31"),
    ("2025Q2", 0, "2024-07-01", "2025-06-30"),
    ("2024Q1", 1, "2022-04-01", "2023-03-31"),
])
def test_trailing_quarters_by_hand(quarter, back, start, last_day):
    first, end = periods.trailing_quarters(quarter, back=back)
    assert first == ts(start)
    assert end.normalize() == ts(last_day) and end > ts(last_day) + pd.Timedelta(hours=23)  # the last instant


def test_year_before_by_hand():
    assert periods.year_before("2025-12-31") == ts("2024-12-31")
    assert periods.year_before("2024-02-29") == ts("2023-02-28")
    assert periods.year_before("2025-03-01", years=2) == ts("2023-03-01")


def test_the_modules_share_one_window(sample_data):
    """Profile, selection and customer value count the same twelve months up to the data's as_of."""
    from kamlib import profile, selection, value

    start, end = periods.trailing_year(sample_data.as_of)
    o = sample_data.orders
    in_window = o[(o["date"] >= start) & (o["date"] <= end)]
    revenue = in_window.groupby("account_id")["gross_revenue_eur"].sum()
    metrics = selection.criterion_metrics(sample_data)
    assert metrics.loc["ACC-0044", "revenue_12m"] == pytest.approx(revenue["ACC-0044"])
    p = profile.build_profile(sample_data, "ACC-0044")
    assert p.key_figures["revenue_12m_eur"] == pytest.approx(revenue["ACC-0044"])
    c = value.account_contribution(sample_data, start=start, end=end)
    assert c.loc["ACC-0044", "gross_revenue"] == pytest.approx(revenue["ACC-0044"], abs=0.01)
