"""The run cache: one validated load and shared portfolio results per kam run, and nothing outside a run."""

from __future__ import annotations

import functools
import json
import os

import pytest

import kamlib
from conftest import AS_OF, ROOT, SAMPLE
from kamlib import cache, runner, selection

FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"


@pytest.fixture()
def run_cache(tmp_path, monkeypatch, sample_data):
    folder = tmp_path / ".cache"
    cache.store_data(sample_data, str(SAMPLE), AS_OF, folder)
    monkeypatch.setenv(cache.ENV, str(folder))
    return folder


def test_load_answers_from_the_cache_only_for_the_same_source_and_date(run_cache, sample_data):
    hit = kamlib.load(SAMPLE, as_of=AS_OF)
    assert getattr(hit, cache._TOKEN, None)
    assert hit.orders.equals(sample_data.orders) and hit.as_of == sample_data.as_of
    # relative spelling of the same folder is the same source
    assert getattr(kamlib.load(ROOT / "data" / ".." / "data" / "sample", as_of=AS_OF), cache._TOKEN, None)
    other_day = kamlib.load(SAMPLE, as_of="2026-01-31")
    assert getattr(other_day, cache._TOKEN, None) is None and str(other_day.as_of.date()) == "2026-01-31"


def test_no_cache_outside_a_run(monkeypatch, sample_data):
    monkeypatch.delenv(cache.ENV, raising=False)
    assert getattr(kamlib.load(SAMPLE, as_of=AS_OF), cache._TOKEN, None) is None
    assert cache.cached_data(SAMPLE, AS_OF) is None


def test_portfolio_memo_computes_once_per_run_and_only_for_cached_data(run_cache, sample_data, monkeypatch):
    calls = []
    real = selection.select_key_accounts.__wrapped__

    @functools.wraps(real)  # same signature, so defaults can be applied
    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    memo = cache.portfolio_memo(counting)
    cached = kamlib.load(SAMPLE, as_of=AS_OF)
    first = memo(cached)
    again = memo(kamlib.load(SAMPLE, as_of=AS_OF), max_key_accounts=None)  # defaults spelled out: same key
    assert len(calls) == 1
    assert first.table.equals(again.table) and first.table.equals(real(sample_data).table)
    memo(cached, max_key_accounts=5)  # other arguments: computed
    assert len(calls) == 2
    memo(sample_data)
    memo(sample_data)  # not from the cache: always computed, never stored
    assert len(calls) == 4
    assert len(list(run_cache.glob("memo-select_key_accounts-*.pkl"))) == 2


def test_a_run_shares_one_load_leaves_no_cache_and_gives_the_same_reports(tmp_path):
    reports = {}
    for use_cache in (True, False):
        out = tmp_path / ("cached" if use_cache else "plain")
        res = runner.run_workbook(str(SAMPLE), notebooks_dir=FIXTURES, out=out, run_id="r", workers=2,
                                  parameters={"as_of": AS_OF}, accounts=["ACC-0001", "ACC-0002"], cache=use_cache)
        assert not res.failed, [r.error for r in res.failed]
        assert not (res.run_dir / ".cache").exists()
        nb = json.loads((res.run_dir / "accounts" / "ACC-0002" / "20_account.ipynb").read_text())
        reports[use_cache] = [o.get("text") for c in nb["cells"] for o in c.get("outputs", [])]
    assert reports[True] == reports[False] and any(reports[True])


def test_kam_run_on_a_local_dask_cluster(tmp_path):
    """--scheduler: the same run through a Dask distributed cluster (two worker processes on 127.0.0.1)."""
    from distributed import Client, LocalCluster

    from kamlib import cli

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        with Client(cluster) as client:
            worker_pids = set(client.run(os.getpid).values())
        assert len(worker_pids) == 2
        code = cli.main(["run", str(SAMPLE), "--notebooks", str(FIXTURES), "--out", str(tmp_path), "--run-id", "dask",
                         "--accounts", "ACC-0001,ACC-0002,ACC-0003", "--scheduler", cluster.scheduler_address,
                         "--quiet"])
    assert code == 0
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert [r["status"] for r in manifest["notebooks"]] == ["ok"] * 4
    ran_on = {int(r["worker"].rsplit(":", 1)[1]) for r in manifest["notebooks"]}
    assert os.getpid() not in ran_on
    assert ran_on <= worker_pids
    assert (tmp_path / "dask" / "accounts" / "ACC-0003" / "20_account.html").is_file()
    assert not (tmp_path / "dask" / ".cache").exists()


def test_unreachable_scheduler_is_one_clear_error(tmp_path, capsys):
    from kamlib import cli

    code = cli.main(["run", str(SAMPLE), "--notebooks", str(FIXTURES), "--out", str(tmp_path),
                     "--scheduler", "tcp://127.0.0.1:9", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot reach the Dask scheduler" in err and "Traceback" not in err
    assert not any(tmp_path.iterdir())  # nothing written
