"""The in-process memo of portfolio computations (kamlib.data.cache.memo_scope).

A backtest scores every account at every past quarter; each score asks for the same portfolio tables
(contribution margins of the whole portfolio) of the same quarter's data. Inside ``memo_scope`` a
``portfolio_memo`` function computes once per data object, content and arguments.
"""

from __future__ import annotations

import pandas as pd

from kamlib.data import cache


def _counting():
    calls = []

    @cache.portfolio_memo
    def totals(data, factor=1):
        calls.append(factor)
        return data.orders.groupby("account_id")["gross_revenue_eur"].sum() * factor

    return totals, calls


def _data(make_data):
    accounts = pd.DataFrame({"account_id": ["A", "B"], "name": ["a", "b"]})
    orders = pd.DataFrame({"order_id": ["1", "2", "3"], "account_id": ["A", "A", "B"],
                           "date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]),
                           "gross_revenue_eur": [100.0, 50.0, 30.0]})
    return make_data(accounts, orders)


def test_outside_a_scope_every_call_computes(make_data):
    totals, calls = _counting()
    data = _data(make_data)
    totals(data)
    totals(data)
    assert calls == [1, 1]


def test_inside_a_scope_the_same_call_computes_once(make_data):
    totals, calls = _counting()
    data = _data(make_data)
    with cache.memo_scope():
        first = totals(data)
        second = totals(data, factor=1)  # the default given explicitly: the same entry
        third = totals(data, factor=2)
    assert calls == [1, 2]
    assert first.to_dict() == second.to_dict() == {"A": 150.0, "B": 30.0}  # 100 + 50, 30
    assert third.to_dict() == {"A": 300.0, "B": 60.0}


def test_a_result_is_a_copy_the_caller_may_change(make_data):
    totals, _ = _counting()
    data = _data(make_data)
    with cache.memo_scope():
        first = totals(data)
        first["A"] = -1.0
        assert totals(data)["A"] == 150.0


def test_another_data_object_does_not_share_and_the_scope_ends(make_data):
    totals, calls = _counting()
    with cache.memo_scope():
        totals(_data(make_data))
        totals(_data(make_data))  # equal content, another object: not shared (its origin may differ)
    assert calls == [1, 1]
    data = _data(make_data)
    with cache.memo_scope():
        totals(data)
    totals(data)  # after the scope: computes again
    assert calls == [1, 1, 1, 1]


def test_memo_active_only_inside_a_scope(make_data):
    data = _data(make_data)
    assert not cache.memo_active(data)
    with cache.memo_scope():
        assert cache.memo_active(data)
    assert not cache.memo_active(data)


def test_an_accounts_quarterly_margins_are_the_same_from_the_portfolio_table(sample_data):
    """db4_figures takes the account's rows of the remembered portfolio table inside a scope and computes the
    account alone outside one: the same figures either way (contribution margins are sums per account)."""
    from kamlib import review
    from kamlib.value import contribution_margins

    q4 = contribution_margins(sample_data, freq="Q")["db4"].xs("2025Q4", level="period")
    losing = sorted(a for a, v in q4.items() if v < 0)[:10]  # the accounts the loss flag is about
    no_orders = sorted(set(sample_data.accounts["account_id"]) - set(sample_data.orders["account_id"]))
    assert len(losing) == 10 and no_orders
    accounts = [*sample_data.accounts["account_id"][:6], *losing, *no_orders]
    alone = {a: review.db4_figures(sample_data, a) for a in accounts}
    with cache.memo_scope():
        shared = {a: review.db4_figures(sample_data, a) for a in accounts}
    assert sum(len(f) for f in alone.values()) > 50  # real quarters, not empty frames
    for a in accounts:
        pd.testing.assert_frame_equal(alone[a], shared[a])


def test_portfolio_review_is_the_same_with_the_memo(sample_data):
    from kamlib import review

    scoped = review.portfolio_review(sample_data, "2025Q4")
    plain = review.portfolio_review.__wrapped__(sample_data, "2025Q4")  # the function without its scope
    pd.testing.assert_frame_equal(scoped, plain)


def test_in_a_run_a_scope_reads_the_runs_cache_once(make_data, tmp_path, monkeypatch):
    """Within kam run (data from the run cache), a scope asks the cache on disk once per question; every
    later call is answered in the process (no digest of the data, no file read)."""
    totals, calls = _counting()
    data = _data(make_data)
    folder = tmp_path / "cache"
    cache.store_data(data, "src", "2025-12-31", folder)
    monkeypatch.setenv(cache.ENV, str(folder))
    run_data = cache.cached_data("src", "2025-12-31")
    digests = []
    real = cache.fingerprint
    monkeypatch.setattr(cache, "fingerprint", lambda d: digests.append(1) or real(d))
    totals(run_data)  # outside a scope: computed and stored in the run's cache
    with cache.memo_scope():
        for _ in range(3):
            assert totals(run_data).to_dict() == {"A": 150.0, "B": 30.0}
    assert calls == [1]  # the three scoped calls read the stored result once
    assert len(digests) == 2  # one for storing, one for the scope's single read of the run's cache
