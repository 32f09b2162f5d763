"""The run cache: one validated load and shared portfolio results per kam run, and nothing outside a run."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from conftest import AS_OF, ROOT, SAMPLE

import kamlib
from kamlib import selection
from kamlib.batch import runner
from kamlib.data import cache

FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"


@pytest.fixture()
def run_cache(tmp_path, monkeypatch, sample_data):
    folder = tmp_path / ".cache"
    cache.store_data(sample_data, str(SAMPLE), AS_OF, folder)
    monkeypatch.setenv(cache.ENV, str(folder))
    return folder


def test_load_answers_from_the_cache_only_for_the_same_source_and_date(run_cache, sample_data):
    # the token is the cache key: the first 24 hex digits of sha256("<absolute folder>\0<as_of day>")
    key = hashlib.sha256(f"{SAMPLE.resolve()}\x00{AS_OF}".encode()).hexdigest()[:24]
    assert sorted(p.name for p in run_cache.iterdir()) == [f"data-{key}.pkl"]
    hit = kamlib.load(SAMPLE, as_of=AS_OF)
    assert getattr(hit, cache._TOKEN, None) == key
    assert hit.orders.equals(sample_data.orders) and hit.as_of == sample_data.as_of
    # relative spelling of the same folder is the same source
    assert getattr(kamlib.load(ROOT / "data" / ".." / "data" / "sample", as_of=AS_OF), cache._TOKEN, None) == key
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
    # a notebook that changes its loaded data in place (a what-if) gets results for the changed data
    cached.orders.loc[cached.orders["account_id"] == "ACC-0044", "gross_revenue_eur"] *= 100
    changed = memo(cached)
    assert len(calls) == 5
    assert changed.table.loc["ACC-0044", "revenue_12m"] > 50 * first.table.loc["ACC-0044", "revenue_12m"]
    assert memo(kamlib.load(SAMPLE, as_of=AS_OF)).table.equals(first.table)  # a fresh load: the unchanged entry
    assert len(calls) == 5


def test_a_runs_notebooks_build_an_accounts_profile_and_health_score_once(run_cache, sample_data, monkeypatch):
    """02 builds ACC-0071's profile; the summaries of 02 and 04 and 04's proposals build it again as of the
    data's date, spelt out; 04 scores the health the summary scored. Within a run each is computed once (one
    profile history, the health of 2025Q4 and of 2025Q3 for its trend); before, every call computed afresh."""
    from kamlib import profile as kp
    from kamlib import review as rv
    from kamlib.present import summary

    histories, scored = [], []
    real_history, real_scored = kp._history, rv._scored
    monkeypatch.setattr(kp, "_history", lambda *a, **k: histories.append(1) or real_history(*a, **k))
    monkeypatch.setattr(rv, "_scored", lambda *a, **k: scored.append(a[2]) or real_scored(*a, **k))
    in_02 = kamlib.load(SAMPLE, as_of=AS_OF)
    shown = kp.build_profile(in_02, "ACC-0071")
    summary.account_summary(in_02, "ACC-0071")
    in_04 = kamlib.load(SAMPLE, as_of=AS_OF)  # the next notebook's own load
    summary.account_summary(in_04, "ACC-0071", "2025Q4")
    health = rv.health_score(in_04, "ACC-0071", "")  # empty: the default quarter, 2025Q4
    rv.next_actions(in_04, "ACC-0071", "2025Q4", health=health)
    assert len(histories) == 1 and scored == ["2025Q4", "2025Q3"]
    # the same results as computed outside a run
    pd.testing.assert_frame_equal(health, rv.health_score(sample_data, "ACC-0071", "2025Q4"))
    assert shown.key_figures.equals(kp.build_profile(sample_data, "ACC-0071", as_of=AS_OF).key_figures)
    assert len(histories) == 2 and len(scored) == 4  # outside the run's data: computed, not remembered


def test_the_health_score_is_one_entry_whether_weights_and_rules_are_left_out_or_spelt_out(run_cache, monkeypatch):
    """02's summary scores the health with weights and rules left out (None); 04 first checks its parameters
    (rv.check_weights, rv.check_rules: the defaults spelt out) and scores with those, as its summary does. Within
    a run that is one score, computed once; before, 04 computed it again for every account (0.2 s each)."""
    from kamlib import review as rv
    from kamlib.present import summary

    scored = []
    real_scored = rv._scored
    monkeypatch.setattr(rv, "_scored", lambda *a, **k: scored.append(a[2]) or real_scored(*a, **k))
    in_02 = kamlib.load(SAMPLE, as_of=AS_OF)
    summary.account_summary(in_02, "ACC-0071")
    assert scored == ["2025Q4", "2025Q3"]
    in_04 = kamlib.load(SAMPLE, as_of=AS_OF)  # as notebook 04's cells do
    weights, note = rv.check_weights(None)
    rules = rv.check_rules(None)
    summary.account_summary(in_04, "ACC-0071", "", weights=weights, rules=rules)
    health = rv.health_score(in_04, "ACC-0071", "", weights=weights, rules=rules)
    assert scored == ["2025Q4", "2025Q3"] and note is None
    # the defaults spelt out are the defaults: the same weights, not ones a rounding error apart
    assert rv.check_weights(dict(rv.DEFAULT_WEIGHTS)) == (rv.DEFAULT_WEIGHTS, None)
    pd.testing.assert_frame_equal(health, rv.health_score(in_02, "ACC-0071", "2025Q4"))
    # other weights are another score; weights that need normalising are scored with their normalised form
    other = {**weights, "margin": 0.65}
    rv.health_score(in_04, "ACC-0071", "", weights=other)
    assert scored == ["2025Q4", "2025Q3"] * 2
    normalised, note = rv.check_weights(other)
    assert note is not None and abs(sum(normalised.values()) - 1) < 1e-12
    rv.health_score(in_04, "ACC-0071", "", weights=normalised)
    assert scored == ["2025Q4", "2025Q3"] * 2


def test_the_fingerprint_sees_every_change_in_place_and_nothing_else(sample_data):
    """The memo's key holds a fingerprint of the data as they are now: any change a notebook makes in place must
    change it, or the notebook reads (and shares) results of data it no longer has. Before, only 256 evenly
    spaced rows of each table and the sums of number columns counted: a buying role changed in contact row 1
    (not among contacts' sampled rows 0, 2, 4, ...) or a date moved by a day left it the same."""
    import copy
    import pickle

    d = copy.deepcopy(sample_data)
    before = cache.fingerprint(d)
    assert cache.fingerprint(pickle.loads(pickle.dumps(d))) == before  # what every kernel of a run unpickles
    second = d.contacts.index[1]
    d.contacts.loc[second, "buying_role"] = "user" if d.contacts.at[second, "buying_role"] != "user" else "buyer"
    role = cache.fingerprint(d)
    d.interactions.loc[d.interactions.index[1], "date"] += pd.Timedelta(days=1)
    day = cache.fingerprint(d)
    d.orders.loc[d.orders.index[1], "gross_revenue_eur"] += 0.01
    cent = cache.fingerprint(d)
    d.complaints.loc[d.complaints.index[1], "closed"] = pd.NaT
    reopened = cache.fingerprint(d)
    assert len({before, role, day, cent, reopened}) == 5


def test_the_fingerprint_sees_what_is_kept_outside_the_values_buffers(sample_data):
    """Changes a notebook could make that live beside the values in memory (found by review): an Arrow
    dictionary column's dictionary, an object column's types (1, True and "1"; None and NaN), a categorical's
    order, a MultiIndex (it crashed), names of the index and of the columns."""
    import copy

    import pyarrow as pa

    d = copy.deepcopy(sample_data)
    a = d.accounts
    digests = [cache.fingerprint(d)]

    def changed(step):
        step()
        digests.append(cache.fingerprint(d))

    changed(lambda: a.__setitem__("status", a["status"].astype(pd.ArrowDtype(pa.dictionary(pa.int32(), pa.string())))))
    changed(lambda: a.__setitem__("status", a["status"].replace({"active": "lost", "lost": "active"})))
    changed(lambda: a.__setitem__("key", pd.Series([1] * len(a), dtype=object, index=a.index)))
    changed(lambda: a.__setitem__("key", a["key"].where(a.index != a.index[5], True)))
    changed(lambda: a.__setitem__("key", a["key"].where(a.index != a.index[6], "1")))
    changed(lambda: a.__setitem__("key", a["key"].where(a.index != a.index[7], None)))
    changed(lambda: a.__setitem__("key", a["key"].where(a.index != a.index[7], float("nan"))))
    changed(lambda: a.__setitem__("relationship_stage", a["relationship_stage"].astype("category")))
    stages = a["relationship_stage"].cat.categories
    changed(lambda: a.__setitem__("relationship_stage", a["relationship_stage"].cat.reorder_categories(stages[::-1])))
    changed(lambda: setattr(d.orders, "index", pd.MultiIndex.from_frame(d.orders[["account_id", "order_id"]])))
    changed(lambda: d.orders.index.set_names(["acc", "order"], inplace=True))
    changed(lambda: setattr(a.columns, "name", "field"))
    assert len(set(digests)) == len(digests) == 13


def _probe_notebook(folder):
    """A per-account notebook that reports whether its data came from the run cache, and a stale output."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('source: str = ""  # data\nas_of: str = "2025-12-31"  # date\n'
                                       'account_id: str = "ACC-0001"  # account')
    params.metadata["tags"] = ["parameters"]
    probe = nbformat.v4.new_code_cell("import os, kamlib\ndata = kamlib.load(source, as_of=as_of)\n"
                                      "print('cached', bool(getattr(data, '_kam_run_token', None)))\n"
                                      "print(data.accounts.set_index('account_id').loc[account_id, 'name'])")
    probe.outputs = [nbformat.v4.new_output("stream", name="stdout", text="STALE-OUTPUT-ACC-0099\n")]
    nb.cells = [params, probe]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "20_probe.ipynb")
    return folder


def test_a_run_uses_one_load_leaves_no_cache_and_gives_the_same_reports(tmp_path, monkeypatch, sample_slice):
    """Issue 16: on a slice of the sample with ACC-0001 and ACC-0002 (sample_slice), not all 240 accounts."""
    import tempfile

    # a temporary folder of this test's own: a run of another test worker leaves its cache there meanwhile
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))

    nb_dir = _probe_notebook(tmp_path / "nbs")
    small = sample_slice(5, accounts=["ACC-0001", "ACC-0002"])
    reports = {}
    before = set(Path(tempfile.gettempdir()).glob("kam-run-cache-*"))
    for use_cache in (True, False):
        out = tmp_path / ("cached" if use_cache else "plain")
        res = runner.run_workbook(str(small), notebooks_dir=nb_dir, out=out, run_id="r", workers=2,
                                  parameters={"as_of": AS_OF}, accounts=["ACC-0001", "ACC-0002"], cache=use_cache)
        assert not res.failed, [r.error for r in res.failed]
        text = (res.run_dir / "accounts" / "ACC-0002" / "20_probe.ipynb").read_text()
        nb = json.loads(text)
        outputs = ["".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", [])]
        assert outputs[0].startswith(f"cached {use_cache}"), outputs
        reports[use_cache] = outputs[0].split("\n", 1)[1]
        # the saved output of the source notebook never reaches a report; the real source is recorded
        assert "STALE-OUTPUT" not in text
        assert nb["metadata"]["papermill"]["input_path"] == str(nb_dir / "20_probe.ipynb")
        assert not any(p.name.startswith(".") for p in res.run_dir.rglob("*"))  # no temporary files left
    assert reports[True] == reports[False] and reports[True].strip()
    assert set(Path(tempfile.gettempdir()).glob("kam-run-cache-*")) == before  # the cache is gone


def test_a_runs_documents_read_the_runs_data_and_results_and_come_out_the_same(tmp_path, monkeypatch, sample_slice):
    """The documents of a run are written while its cache is still there, from the data the notebooks read: the
    profiles and health scores the notebooks computed are read back, not computed again (before: the cache was
    gone and the documents got the runner's own data, so every account's profile and health score were computed
    once more). The documents are the same with and without the cache, and nothing of the cache is left."""
    import tempfile

    from kamlib.batch import documents as batch_docs

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    seen = []
    real = batch_docs.write_documents

    def recording(data, *args, **kwargs):
        seen.append((getattr(data, cache._TOKEN, None), cache.cache_dir()))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(batch_docs, "write_documents", recording)
    nb_dir = _probe_notebook(tmp_path / "nbs")
    small = sample_slice(5, accounts=["ACC-0001", "ACC-0002"])
    pages = {}
    for use_cache in (True, False):
        res = runner.run_workbook(str(small), notebooks_dir=nb_dir, out=tmp_path / str(use_cache), run_id="r",
                                  parameters={"as_of": AS_OF}, accounts=["ACC-0002"], only=["20", "brief"],
                                  cache=use_cache)
        assert not res.failed, [r.error for r in res.failed]
        pages[use_cache] = (res.run_dir / "accounts" / "ACC-0002" / "brief.de.html").read_text(encoding="utf-8")
    (token, folder), (no_token, no_folder) = seen
    assert token and folder is not None and folder.name.startswith("kam-run-cache-")
    assert no_token is None and no_folder is None
    assert pages[True] == pages[False] and "ACC-0002" in pages[True]
    assert cache.cache_dir() is None and not list((tmp_path / "tmp").glob("kam-run-cache-*"))


def test_kernel_environment_is_per_task_and_never_the_workers(tmp_path):
    """Tasks running in threads of one worker (thread pools, Dask) each give their kernel their own values."""
    from concurrent.futures import ThreadPoolExecutor

    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('tag: str = ""  # which task')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("import os, time\ntime.sleep(1)\n"
                                                  "print(tag, os.environ.get('KAM_TEST_SECRET'), os.getcwd())")]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, tmp_path / "30_env.ipynb")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    here = os.getcwd()
    info = {"run_id": "r", "as_of": AS_OF, "source_sha256": "0" * 64, "kamlib": "0"}
    tasks = [runner.Task(str(tmp_path / "30_env.ipynb"), f"30_env_{t}", {"tag": t}) for t in ("a", "b")]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda t: runner.execute_task(t, str(run_dir), str(tmp_path), info,
                                                              env={"KAM_TEST_SECRET": f"secret-{t.parameters['tag']}"}),
                                tasks))
    assert [r.status for r in results] == ["ok", "ok"], [r.error for r in results]
    for t in ("a", "b"):
        nb_out = json.loads((run_dir / f"30_env_{t}.ipynb").read_text())
        printed = "".join("".join(o.get("text", "")) for c in nb_out["cells"] for o in c.get("outputs", []))
        assert printed.strip() == f"{t} secret-{t} {tmp_path}"  # the kernel runs in the notebooks' folder
        assert "secret-" not in json.dumps(nb_out["metadata"]) and "secret-" not in "".join(
            "".join(c["source"]) for c in nb_out["cells"])
    assert "KAM_TEST_SECRET" not in os.environ
    assert os.getcwd() == here  # nor the worker's working directory (papermill's cwd= would chdir it)


def test_kam_run_on_a_local_dask_cluster(tmp_path, sample_slice, restored_environ):
    """--scheduler: the same run through a Dask distributed cluster (two worker processes on 127.0.0.1).
    Issue 16: on a slice of the sample with the three accounts (sample_slice), not all 240. The cluster's nannies
    set their workers' variables (OMP_NUM_THREADS, PYTHONHASHSEED, ...) in this process: restored_environ."""
    from distributed import Client, LocalCluster

    from kamlib import cli

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        with Client(cluster) as client:
            worker_pids = set(client.run(os.getpid).values())
        assert len(worker_pids) == 2
        src = sample_slice(5, accounts=["ACC-0001", "ACC-0002", "ACC-0003"])
        code = cli.main(["run", str(src), "--notebooks", str(FIXTURES), "--out", str(tmp_path), "--run-id", "dask",
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


def test_unreachable_scheduler_is_one_clear_error(tmp_path, capsys, monkeypatch):
    import distributed

    from kamlib import cli

    # issue 16: the client gives up after 1 s instead of kam's 10 s (a refused port is retried until then)
    real, asked = distributed.Client, []

    def quick(address, timeout=None, **kwargs):
        asked.append(timeout)
        return real(address, timeout=1, **kwargs)

    monkeypatch.setattr(distributed, "Client", quick)

    code = cli.main(["run", str(SAMPLE), "--notebooks", str(FIXTURES), "--out", str(tmp_path),
                     "--scheduler", "tcp://127.0.0.1:9", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot reach the Dask scheduler" in err and "Traceback" not in err
    assert not any(tmp_path.iterdir())  # nothing written
    assert len(asked) == 1  # the message came from kam's one attempt through the client


def test_run_password_is_used_only_for_its_own_url(monkeypatch):
    import sqlalchemy as sa

    from kamlib.data import readers as data

    own = "postgresql+psycopg://kam@db:5432/kam?kam_schema=s"
    monkeypatch.setenv(data.PASSWORD_ENV, "Zm9v/YmFy+==")
    monkeypatch.setenv(data.PASSWORD_URL_ENV, own)
    bare = sa.engine.make_url("postgresql+psycopg://kam@db:5432/kam")
    assert data._with_run_password(bare, own).password == "Zm9v/YmFy+=="
    other = sa.engine.make_url("postgresql+psycopg://kam@elsewhere:5432/kam")
    assert data._with_run_password(other, "postgresql+psycopg://kam@elsewhere:5432/kam").password is None
    monkeypatch.delenv(data.PASSWORD_ENV)
    assert data._with_run_password(bare, own).password is None
