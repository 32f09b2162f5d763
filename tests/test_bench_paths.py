"""What kam run does before its first notebook, on the paths that used to be slow: the same results, less work.

(The seconds themselves are measured by ``make bench``, not here: the machines are shared and noisy.)
"""

from __future__ import annotations

import pandas as pd

from kamlib import value


def test_window_costs_work_out_each_period_end_once_with_the_same_result(monkeypatch, sample_data):
    sc = sample_data.service_costs
    # the reference: each row's period end worked out row by row (what _window_costs did before)
    ends = sc["period"].astype(str).map(value._period_end)
    start, end = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31")
    expected = sc[(ends >= start) & (ends <= end + pd.Timedelta(days=1))]
    assert 0 < len(expected) < len(sc)  # the window keeps some rows and drops others

    calls: list[str] = []
    period_end = value._period_end
    monkeypatch.setattr(value, "_period_end", lambda p: calls.append(p) or period_end(p))
    got = value._window_costs(sc, start, end)
    pd.testing.assert_frame_equal(got, expected)
    # one call per distinct period (a few dozen quarters and months), not one per row (thousands)
    assert sorted(calls) == sorted(sc["period"].astype(str).unique())
    assert len(calls) < len(sc) / 10
