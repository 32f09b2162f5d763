"""Forked kernels (kamlib.batch.kernels): isolation between notebooks, the same reports as cold kernels, and
the fallback to cold kernels where forking is not possible."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from conftest import AS_OF, ROOT, SAMPLE, require_system

from kamlib.batch import kernels, runner

# a notebook that changes everything a later notebook could trip over, and checks that the change took
DIRTY = '''
import os, string, sys, types
import matplotlib, numpy as np, pandas as pd
import kamlib
LEAKED_GLOBAL = 42
os.environ["KAM_LEAK"] = os.environ["LEAK_OTHER"] = "1"
os.chdir("/")
matplotlib.rcParams["lines.linewidth"] = 9.0
pd.set_option("display.max_rows", 3)
kamlib.SAMPLE = "leaked"
string.capwords = lambda *a, **k: "leaked"
sys.modules["kam_leaked_module"] = types.ModuleType("kam_leaked_module")
np.random.seed(7)
assert os.getcwd() == "/" and pd.get_option("display.max_rows") == 3 and string.capwords("a b") == "leaked"
'''
# ... and one that must see none of it
CLEAN = '''
import os, string, sys
import matplotlib, numpy as np, pandas as pd
import kamlib
assert "LEAKED_GLOBAL" not in globals(), "a global leaked"
assert "KAM_LEAK" not in os.environ and "LEAK_OTHER" not in os.environ, "os.environ leaked"
assert os.getcwd() == {cwd!r}, "the working directory leaked: " + os.getcwd()
assert matplotlib.rcParams["lines.linewidth"] != 9.0, "matplotlib rcParams leaked"
assert pd.get_option("display.max_rows") != 3, "a pandas option leaked"
assert kamlib.SAMPLE != "leaked" and string.capwords("a b") == "A B", "a module attribute leaked"
assert "kam_leaked_module" not in sys.modules, "a module leaked"
assert np.random.random() != np.random.RandomState(7).random(), "numpy's global random state leaked"
'''
# what a kernel looks like from inside, for comparing forked and cold kernels
PROBE = '''
import json, os, sys
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
plt.plot([1, 2]); plt.show()
print(json.dumps({"path": sys.path, "rc": {k: repr(v) for k, v in plt.rcParams.items()},
                  "pandas": {k: repr(pd.get_option(k)) for k in ("display.max_columns", "display.width")}, "argv0": os.path.basename(sys.argv[0]), "cwd": os.getcwd(),
                  "backend": plt.get_backend(), "inline": "matplotlib_inline.backend_inline" in sys.modules,
                  "parent": os.environ.get("JPY_PARENT_PID") == str(os.getppid()),
                  "random": np.random.random()}))
'''


def _notebook(folder: Path, name: str, source: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / name)


def _fork_available() -> None:
    require_system("fork (Linux)", kernels.fork_unavailable_reason() is None)


@pytest.fixture()
def dirty_then_clean(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    _notebook(folder, "10_dirty.ipynb", DIRTY)
    _notebook(folder, "20_clean.ipynb", CLEAN.format(cwd=str(folder.resolve())))
    return folder


@pytest.fixture()
def source(sample_slice) -> Path:
    """The data of the runs here: issue 16, a 5-account slice of the sample (sample_slice) with the accounts the
    reports are made for; the runner loads it before any notebook, and notebook 02 reads it (not 240 accounts)."""
    return sample_slice(5, accounts=["ACC-0044", "ACC-0001"])


def _run(folder: Path, out: Path, source: Path = SAMPLE, **kw) -> runner.RunResult:
    r = runner.run_workbook(str(source), notebooks_dir=folder, out=out, parameters={"as_of": AS_OF}, **kw)
    assert isinstance(r, runner.RunResult)
    return r


@pytest.mark.parametrize("fork", [True, False])
def test_a_notebook_sees_nothing_of_the_one_before_it_on_the_same_worker(source, dirty_then_clean, tmp_path, fork):
    if fork:
        _fork_available()
    r = _run(dirty_then_clean, tmp_path / "reports", source=source, workers=1, fork=fork)
    by_key = {x.key: x for x in r.results}
    assert [x.status for x in r.results] == ["ok", "ok"], [x.error for x in r.results]
    assert by_key["10_dirty"].worker == by_key["20_clean"].worker  # one worker ran both, one after the other
    assert {x.kernel for x in r.results} == {"forked" if fork else "cold"}
    manifest = json.loads((r.run_dir / "manifest.json").read_text())
    assert manifest["kernels"] == ("forked from a template" if fork else "cold: --no-fork")


def test_the_clean_notebook_fails_when_it_shares_a_kernel_with_the_dirty_one(dirty_then_clean, tmp_path):
    """The check above can fail: one kernel reused for both notebooks (what forking avoids) is caught."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(dirty_then_clean))
    try:
        for name in ("10_dirty.ipynb", "20_clean.ipynb"):
            nb = nbformat.read(dirty_then_clean / name, as_version=4)
            client = NotebookClient(nb, km=km)
            if name.startswith("10"):
                client.execute()
            else:
                with pytest.raises(CellExecutionError, match="a global leaked"):
                    client.execute()
    finally:
        km.shutdown_kernel(now=True)


def _normalised(path: Path, run_id: str) -> str:
    text = path.read_text(encoding="utf-8").replace(run_id, "RUN")
    if path.suffix == ".html":  # papermill gives its injected parameters cell a new random id each run
        return re.sub(r'id="cell-id=[0-9a-f-]+"', 'id="cell-id=X"', text)
    if path.suffix == ".ipynb":
        nb = nbformat.reads(text, as_version=4)
        return json.dumps([[c.cell_type, c.source, c.get("outputs", [])] for c in nb.cells], sort_keys=True)
    return text


def test_reports_from_forked_and_cold_kernels_are_identical(source, tmp_path, sample_data):
    _fork_available()
    folder = tmp_path / "notebooks"
    folder.mkdir()
    src = Path(runner.__file__).resolve().parents[2] / "notebooks" / "02_account_profile.ipynb"
    (folder / src.name).write_bytes(src.read_bytes())
    _notebook(folder, "30_probe.ipynb", PROBE)
    accounts = ["ACC-0044", "ACC-0001"]
    runs = {}
    for fork in (True, False):
        name = "forked" if fork else "cold"
        r = _run(folder, tmp_path / "reports", source=source, run_id=f"run-{name}", accounts=accounts, workers=2, fork=fork)
        assert not r.failed, [x.error for x in r.failed]
        assert {x.kernel.split(":")[0] for x in r.results} == {name}
        runs[name] = r.run_dir
    files = sorted(p.relative_to(runs["cold"]) for p in runs["cold"].rglob("*") if p.is_file())
    assert sorted(p.relative_to(runs["forked"]) for p in runs["forked"].rglob("*") if p.is_file()) == files
    # the notebooks' reports (the account documents, brief/qbr/annual, are rendered without a kernel)
    reports = [
        f
        for f in files
        if f.suffix in (".html", ".ipynb", ".csv")
        and f.name != "index.html"
        and not f.name.startswith(("brief.", "qbr_", "annual_"))
    ]
    assert len([f for f in reports if f.suffix == ".html"]) == 3
    probes = {}
    for f in reports:
        forked, cold = (_normalised(runs[n] / f, f"run-{n}") for n in ("forked", "cold"))
        if f.name.startswith("30_probe"):  # its random draw differs: compared below
            if f.suffix == ".ipynb":
                probes = {n: json.loads(_stream(runs[n] / f)) for n in ("forked", "cold")}
            continue
        assert forked == cold, f"{f} differs between forked and cold kernels"
    # the kernels look the same from inside, figures included; only the random draws differ
    assert probes["forked"].pop("random") != probes["cold"].pop("random")
    assert probes["forked"] == probes["cold"]
    assert probes["forked"]["inline"] and probes["forked"]["parent"]


def _stream(ipynb: Path) -> str:
    nb = nbformat.read(ipynb, as_version=4)
    outputs = nb.cells[-1].outputs
    assert any("image/png" in o.get("data", {}) for o in outputs), "the figure was not shown"
    return next(o.text for o in outputs if o.output_type == "stream")


def test_forked_kernels_draw_different_random_numbers(source, tmp_path):
    _fork_available()
    folder = tmp_path / "notebooks"
    _notebook(folder, "30_probe.ipynb", PROBE)
    _notebook(folder, "31_probe.ipynb", PROBE)
    r = _run(folder, tmp_path / "reports", source=source, workers=2)
    draws = {json.loads(_stream(r.run_dir / x.ipynb))["random"] for x in r.results if x.ipynb}
    assert {x.kernel for x in r.results} == {"forked"} and len(draws) == 2


def test_a_template_that_cannot_import_falls_back_to_cold_kernels(source, dirty_then_clean, tmp_path, monkeypatch):
    _fork_available()
    monkeypatch.setattr(kernels, "PRELOAD", ("ipykernel.kernelapp", "kam_no_such_module"))
    r = _run(dirty_then_clean, tmp_path / "reports", source=source, workers=1)
    assert [x.status for x in r.results] == ["ok", "ok"], [x.error for x in r.results]
    assert all(x.kernel.startswith("cold: kernel template could not import kam_no_such_module") for x in r.results)


def test_kam_no_fork_in_the_environment_starts_cold_kernels(source, dirty_then_clean, tmp_path, monkeypatch):
    monkeypatch.setenv(kernels.NO_FORK_ENV, "1")
    r = _run(dirty_then_clean, tmp_path / "reports", source=source, workers=1)
    assert not r.failed and {x.kernel for x in r.results} == {"cold"}
    assert json.loads((r.run_dir / "manifest.json").read_text())["kernels"] == "cold: KAM_NO_FORK is set"


def test_fork_is_refused_where_it_is_not_safe(monkeypatch):
    monkeypatch.delenv(kernels.NO_FORK_ENV, raising=False)
    monkeypatch.setattr(kernels.sys, "platform", "darwin")
    assert kernels.fork_unavailable_reason() == "fork is not safe on darwin"


def _one_task(tmp_path: Path, template: str | None, env: dict | None = None) -> runner.NotebookResult:
    folder = tmp_path / "nb"
    _notebook(folder, "10_x.ipynb", "import os\nprint(os.getcwd())")
    (tmp_path / "run").mkdir(exist_ok=True)
    run = {"run_id": "r", "as_of": AS_OF, "source_sha256": "0" * 64}
    task = runner.Task(str(folder / "10_x.ipynb"), "10_x", {})
    return runner.execute_task(task, str(tmp_path / "run"), str(folder), run, env=env, template=template)


def test_a_template_that_ended_or_a_changed_environment_gives_a_cold_kernel(tmp_path):
    _fork_available()
    with kernels.KernelTemplate(cwd=str(tmp_path)).start() as template:
        ok = _one_task(tmp_path, template.address, env={"KAM_RUN_CACHE": "/nowhere"})  # KAM_*: may differ
        other = _one_task(tmp_path, template.address, env={"SOME_SETTING": "1"})
    gone = _one_task(tmp_path, template.address)
    assert [x.status for x in (ok, other, gone)] == ["ok"] * 3
    assert ok.kernel == "forked"
    assert other.kernel == "cold: environment differs from the kernel template's (SOME_SETTING)"
    assert gone.kernel.startswith("cold: kernel template at ")
    assert set(ok.timings) == {"kernel_start", "execute", "kernel_stop", "export"}


def test_a_variable_the_templates_imports_set_forks_when_the_kernel_has_it_with_that_value(tmp_path, monkeypatch):
    """A preloaded library may set a variable where it is unset (pandera: ``SPARK_LOCAL_IP``); a process that has
    imported it passes the variable on to its kernels. With the value the import set, a cold kernel's imports
    end up where the template is, so the kernel forks; with another value it starts cold."""
    _fork_available()
    (tmp_path / "mods").mkdir()
    (tmp_path / "mods" / "kam_sets_a_variable.py").write_text(
        'import os\nos.environ.setdefault("SET_AT_IMPORT", "as the library sets it")\n')
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "mods"))
    monkeypatch.delenv("SET_AT_IMPORT", raising=False)
    monkeypatch.setattr(kernels, "PRELOAD", ("ipykernel.kernelapp", "kam_sets_a_variable"))
    with kernels.KernelTemplate(cwd=str(tmp_path)).start() as template:
        unset = _one_task(tmp_path, template.address)
        same = _one_task(tmp_path, template.address, env={"SET_AT_IMPORT": "as the library sets it"})
        other = _one_task(tmp_path, template.address, env={"SET_AT_IMPORT": "the user's own"})
    assert [x.status for x in (unset, same, other)] == ["ok"] * 3
    assert [unset.kernel, same.kernel] == ["forked", "forked"]
    assert other.kernel == "cold: environment differs from the kernel template's (SET_AT_IMPORT)"


def test_a_template_that_cannot_start_gives_cold_kernels(source, dirty_then_clean, tmp_path, monkeypatch):
    _fork_available()
    monkeypatch.setenv("TMPDIR", str(tmp_path / ("x" * 120)))  # a Unix socket path is at most 107 bytes
    (tmp_path / ("x" * 120)).mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # tempfile reads TMPDIR again
    r = _run(dirty_then_clean, tmp_path / "reports", source=source, workers=1)
    manifest = json.loads((r.run_dir / "manifest.json").read_text())
    assert not r.failed and {x.kernel for x in r.results} == {"cold"}
    assert manifest["kernels"].startswith("cold: the kernel template could not start")


@pytest.mark.parametrize("blocking", [False, True], ids=["papermill", "nbval"])
def test_a_kernel_stopped_at_once_is_looked_at_every_10_ms(tmp_path, monkeypatch, blocking):
    """``shutdown_kernel(now=True)`` (kam run's "immediate") kills the kernel and then waits for it to be gone.
    jupyter_client looks every 100 ms, so each notebook paid about 0.11 s to stop (1 look too early, then 100 ms
    of sleep); both of our managers look every 10 ms."""
    import asyncio

    _fork_available()
    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(delay, *a, **kw):
        slept.append(delay)
        return await real_sleep(delay, *a, **kw)

    with kernels.KernelTemplate(cwd=str(tmp_path)).start() as template:
        manager = kernels.kernel_manager_class({}, str(tmp_path), None, template.address, blocking=blocking)
        km = manager(kernel_name="python3")

        async def start_and_stop():
            await km._async_start_kernel()
            monkeypatch.setattr(asyncio, "sleep", sleep)
            await km._async_shutdown_kernel(now=True)

        asyncio.run(start_and_stop())
    assert manager.started == ["forked"]
    assert slept and max(slept) <= 0.01, slept


@pytest.mark.parametrize("blocking", [False, True], ids=["papermill", "nbval"])
def test_a_client_tries_a_kernel_that_is_not_listening_yet_again_after_10_ms(tmp_path, blocking):
    """A client connects the moment its kernel is started; a forked kernel opens its ports about 30 ms later, so
    the first try is refused and ZMQ tries again after its reconnect interval: 100 ms by default, a tenth of a
    second before every notebook's first cell (measured: ready after 0.16 s, 0.06 s with 10 ms). Our clients'
    sockets try again every 10 ms."""
    import asyncio

    import zmq

    _fork_available()
    with kernels.KernelTemplate(cwd=str(tmp_path)).start() as template:
        manager = kernels.kernel_manager_class({}, str(tmp_path), None, template.address, blocking=blocking)
        km = manager(kernel_name="python3")

        async def connect():
            await km._async_start_kernel()
            kc = km.client()
            kc.start_channels(hb=False)  # no heartbeat thread: it is not what is checked, and it may outlive us
            try:
                return [kc.shell_channel.socket.getsockopt(zmq.RECONNECT_IVL),
                        kc.iopub_channel.socket.getsockopt(zmq.RECONNECT_IVL)]
            finally:
                kc.stop_channels()
                await km._async_shutdown_kernel(now=True)

        assert asyncio.run(connect()) == [10, 10]


def _kernel_run(km, code: str) -> str:
    """Run ``code`` in ``km``'s kernel; its printed output."""
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        out: list[str] = []
        client.execute_interactive(code, timeout=60, output_hook=lambda m: out.append(m["content"].get("text", "")))
        return "".join(out).strip()
    finally:
        client.stop_channels()


def test_a_jupyter_servers_kernels_are_forked_from_one_template_and_start_cold_when_told(monkeypatch):
    """Issue 16: the kernelspec the workshop app gives Voilà names kamlib's provisioner ``kam-forked``; through it
    jupyter_client's own kernel manager (what Voilà and JupyterLab use) gets kernels forked from one template of
    this process: both kernels' parent is that template, and what one kernel sets the next does not see; a template
    that was killed is replaced by a new one for the next kernel, but not a third time if it never forked. With
    KAM_NO_FORK=1 the kernel starts cold, as jupyter_client's local provisioner starts it (its parent is this
    process), and the reason is recorded."""
    import os

    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    from kamlib.batch import provisioner

    specs = KernelSpecManager(kernel_dirs=[str(ROOT / "kamlib" / "workshop" / "kernelspecs" / "kernels")])
    spec = specs.get_kernel_spec("python3")
    assert spec.metadata["kernel_provisioner"]["provisioner_name"] == "kam-forked"
    monkeypatch.delenv(kernels.NO_FORK_ENV, raising=False)
    provisioner.close()
    try:
        parents, leaked = [], []
        for _ in range(2):
            km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
            km.start_kernel()
            try:
                assert type(km.provisioner).__name__ == "TemplateProvisioner"
                leaked.append(_kernel_run(km, "print(globals().get('LEFT_BEHIND', 'clean'))"))
                parents.append(int(_kernel_run(km, "import os; LEFT_BEHIND = 'dirty'; print(os.getppid())")))
            finally:
                km.shutdown_kernel(now=True)
        address, why = provisioner.template_address()
        template_pid = provisioner._template.process.pid
        assert why is None and address and parents == [template_pid, template_pid] != [os.getpid()] * 2
        assert leaked == ["clean", "clean"] and provisioner.started[-2:] == ["forked", "forked"]
        # a template that ended (killed) is replaced: the next kernel is forked from a new one, not started cold
        import signal

        os.kill(template_pid, signal.SIGKILL)
        provisioner._template.process.wait(10)
        km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
        km.start_kernel()
        try:
            parent = int(_kernel_run(km, "import os; print(os.getppid())"))
        finally:
            km.shutdown_kernel(now=True)
        assert parent == provisioner._template.process.pid != template_pid and provisioner.started[-1] == "forked"
    finally:
        provisioner.close()
    monkeypatch.setenv(kernels.NO_FORK_ENV, "1")
    try:
        km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
        km.start_kernel()
        try:
            assert int(_kernel_run(km, "import os; print(os.getppid())")) == os.getpid()
        finally:
            km.shutdown_kernel(now=True)
        assert provisioner.started[-1] == f"cold: {kernels.NO_FORK_ENV} is set"
    finally:
        provisioner.close()
    # a template that ends twice before forking anything (it cannot start here) is not started a third time
    monkeypatch.delenv(kernels.NO_FORK_ENV)
    try:
        for _ in range(2):
            address, why = provisioner.template_address()
            assert address and why is None
            provisioner._template.process.kill()
            provisioner._template.process.wait(10)
        assert provisioner.template_address() == (None, "the kernel template ended twice before forking a kernel")
    finally:
        provisioner.close()


PARENT = 'import os\nprint("parent", os.getppid())'


def test_a_run_forks_its_kernels_from_the_callers_template_and_leaves_it_running(source, tmp_path):
    """Issue 16: ``run_workbook(template=...)`` forks from a template the caller started (and closes): two runs,
    one template; the run neither starts another nor ends it."""
    _fork_available()
    folder = tmp_path / "notebooks"
    _notebook(folder, "10_parent.ipynb", PARENT)
    with kernels.KernelTemplate(cwd=str(folder.resolve())).start() as template:
        parents = []
        for n in (1, 2):
            r = _run(folder, tmp_path / f"reports{n}", source=source, workers=1, template=template)
            assert [x.kernel for x in r.results] == ["forked"], [x.error for x in r.results]
            nb = nbformat.read(r.run_dir / "10_parent.ipynb", as_version=4)
            parents.append(int(nb.cells[-1].outputs[0]["text"].split()[1]))
            assert template.process is not None and template.process.poll() is None  # still there, still ours
        assert parents == [template.process.pid] * 2
    assert template.process is None


def test_kam_run_starts_its_kernel_template_before_it_imports_pandas(source, tmp_path):
    """Issue 16: ``kam run`` started its kernel template inside ``run_workbook``, after importing pandas, pandera,
    papermill and nbconvert (about 1 s), and the first notebook waited for the template's imports that much
    longer. The template now starts first, while the command imports and validates."""
    import subprocess
    import sys

    _fork_available()
    folder = tmp_path / "notebooks"
    _notebook(folder, "10_parent.ipynb", PARENT)
    script = f'''
import json, sys
from kamlib.batch import kernels
seen = []
start = kernels.KernelTemplate.start
def recording_start(self):
    seen.append(sorted(m for m in ("pandas", "pandera", "papermill", "nbconvert") if m in sys.modules))
    return start(self)
kernels.KernelTemplate.start = recording_start
from kamlib import cli
code = cli.main(["run", {str(source)!r}, "--notebooks", {str(folder)!r}, "--as-of", {AS_OF!r},
                 "--out", {str(tmp_path / "out")!r}, "--run-id", "r", "--quiet"])
print(json.dumps({{"code": code, "seen": seen}}))
'''
    # as from a terminal: without what pandera's import set in this process (the command's import of pandera, now
    # after the template's start, sets them; the kernels still fork)
    env = {k: v for k, v in os.environ.items() if k not in ("SPARK_LOCAL_IP", "PYARROW_IGNORE_TIMEZONE")}
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.strip().splitlines()[-1]) == {"code": 0, "seen": [[]]}
    manifest = json.loads((tmp_path / "out" / "r" / "manifest.json").read_text())
    assert [x["kernel"] for x in manifest["notebooks"]] == ["forked"]


def test_kam_run_leaves_no_kernel_template_behind_when_it_stops_early(tmp_path, monkeypatch):
    """The template ``kam run`` starts before parsing its arguments ends with the command: after a usage error
    (argparse exits) and after a source that cannot be read, its process is gone and its folder removed; and the
    caller's SIGTERM handler is back."""
    import shutil
    import signal
    import tempfile

    from kamlib import cli

    _fork_available()
    short = Path(tempfile.mkdtemp(prefix="kam-t-"))  # a Unix socket's path is at most 107 bytes: not under tmp_path
    monkeypatch.setenv("TMPDIR", str(short))
    monkeypatch.setattr(tempfile, "tempdir", None)  # tempfile reads TMPDIR again
    pids = []
    start = kernels.KernelTemplate.start

    def recording_start(self):
        started = start(self)
        pids.append(self.process.pid)
        return started

    monkeypatch.setattr(kernels.KernelTemplate, "start", recording_start)
    handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit):
        cli.main(["run", "--no-such-option"])
    assert cli.main(["run", str(tmp_path / "no-such-folder"), "--out", str(tmp_path / "out")]) == 2
    assert signal.getsignal(signal.SIGTERM) is handler  # kam run's own SIGTERM handler is gone with it
    assert len(pids) == 2
    for pid in pids:
        with pytest.raises(ProcessLookupError):  # ended and reaped (close waits for it)
            os.kill(pid, 0)
    left = sorted(p.name for p in short.iterdir())
    shutil.rmtree(short)
    assert left == []
