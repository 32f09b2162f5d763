"""Runner speed: kam run's pool vs the naive papermill + nbconvert CLI loop, and vs two floors.

* naive: ``papermill nb out -p account_id X && jupyter nbconvert --to html --no-input out`` per task, one
  after the other (what a shell script would do);
* ours: the ``kam run`` command with the same tasks and the same outputs (``--only`` the notebook: no account
  documents, which the naive loop does not write either) in its worker pool (kernels forked from a template,
  HTML in the worker), and the same with cold kernels (``--no-fork``) for comparison; a command of its own, as
  the naive loop's, so that its start (Python, imports, the kernel template) counts;
* compute floor: the same notebooks' code cells executed one after the other in this one, already warm
  Python process (an IPython shell, no kernel; figures rendered, outputs kept) plus their HTML export: what
  the work itself costs;
* empty-notebook floor: the same number of empty notebooks (parameters cell only) through the same command.

Each notebook's time is broken down (kernel start, execution, kernel stop, export) from the run manifests.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N_ACCOUNTS = 6
PHASES = ("kernel_start", "execute", "kernel_stop", "export")


def _per_account_notebook() -> Path:
    import papermill as pm

    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        if "account_id" in pm.inspect_notebook(str(nb)) and not nb.name.startswith("03"):
            return nb
    return ROOT / "tests" / "fixtures" / "notebooks" / "20_account.ipynb"


def _empty_notebook(folder: Path) -> Path:
    import nbformat as nbf

    nb = nbf.v4.new_notebook()
    cell = nbf.v4.new_code_cell('account_id: str = ""  # account\nsource: str = ""  # data')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "50_empty.ipynb"
    nbf.write(nb, path)
    return path


def _kam_run(nb: Path, out: Path, run_id: str, accounts: list[str], *extra: str) -> tuple[float, Path, dict]:
    """``kam run`` of the one notebook ``nb`` (its folder, ``--only`` its number) for ``accounts`` on the sample, 2
    workers: its seconds, run folder and manifest (each notebook checked to have run)."""
    cmd = [sys.executable, "-m", "kamlib.cli", "run", str(ROOT / "data" / "sample"), "--notebooks", str(nb.parent),
           "--only", nb.name.split("_")[0], "--accounts", ",".join(accounts), "--as-of", "2025-12-31", "--jobs", "2",
           "--out", str(out), "--run-id", run_id, "--quiet", *extra]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    run_dir = out / run_id
    manifest = json.loads((run_dir / "manifest.json").read_text())
    rows = manifest["notebooks"]
    assert all(r["status"] == "ok" for r in rows), rows
    assert sorted(r["account_id"] for r in rows if r["account_id"]) == sorted(accounts), rows
    return seconds, run_dir, manifest


def _breakdown(rows: list[dict]) -> dict[str, float]:
    """Mean seconds per notebook and phase, from the notebook rows of a run's manifest."""
    return {p: statistics.mean(r["timings"].get(p, 0.0) for r in rows) for p in PHASES}


class _Shell:
    """An IPython shell in this process that executes code cells as a kernel would show them: stdout, display
    calls, the last expression's rich formats, matplotlib figures rendered inline (PNG)."""

    def __init__(self):
        from IPython.core.displayhook import DisplayHook
        from IPython.core.interactiveshell import InteractiveShell

        outputs: list[dict] = []

        class Hook(DisplayHook):
            def write_output_prompt(self):  # no "Out[n]:" on stdout, as in a kernel
                pass

            def write_format_data(self, format_dict, md_dict=None):
                outputs.append({"output_type": "execute_result", "data": format_dict, "metadata": md_dict or {},
                                "execution_count": None})

        class Shell(InteractiveShell):
            def enable_gui(self, gui=None):  # inline figures need no GUI event loop
                pass

        self.shell = Shell.instance()
        self.shell.displayhook = self.shell.display_trap.hook = Hook(shell=self.shell)
        self.shell.enable_matplotlib("inline")
        self.outputs = outputs

    def run(self, nb) -> None:
        import nbformat
        from IPython.utils.capture import capture_output

        self.shell.reset(new_session=False)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            self.outputs.clear()
            with capture_output(display=True) as cap:
                result = self.shell.run_cell(cell.source, store_history=False)
            result.raise_error()
            outs = []
            if cap.stdout:
                outs.append(nbformat.v4.new_output("stream", name="stdout", text=cap.stdout))
            outs += [nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata) for o in cap.outputs]
            outs += [nbformat.from_dict(o) for o in self.outputs]
            cell.outputs = outs


def _compute_floor(executed: list[Path], work: Path, data, source: str, as_of: str) -> tuple[float, dict]:
    """Seconds to execute the notebooks of ``executed`` (kam run's own, with their parameters) in this warm
    process and export them, and the mean per notebook of each phase."""
    import importlib

    import nbformat

    from kamlib.batch import kernels, runner
    from kamlib.data.cache import ENV, store_data

    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # as in a kernel: no debugger warning
    for name in kernels.PRELOAD:  # warm: what a forked kernel has imported before its first cell
        importlib.import_module(name)
    runner.prepare_exporter()
    shell = _Shell()
    nbs = []
    for path in executed:
        nb = nbformat.read(path, as_version=4)
        for c in nb.cells:
            if c.cell_type == "code":
                c.outputs, c.execution_count = [], None
        nbs.append(nb)
    cache = work / "cache"
    store_data(data, source, as_of, cache)  # a fresh run cache, as kam run has it
    old_env, old_cwd = os.environ.get(ENV), os.getcwd()
    os.environ[ENV] = str(cache)
    os.chdir(ROOT / "notebooks")
    exec_s = export_s = 0.0
    try:
        t0 = time.perf_counter()
        for i, nb in enumerate(nbs):
            t1 = time.perf_counter()
            shell.run(nb)
            t2 = time.perf_counter()
            out = work / f"floor-{i}.ipynb"
            nbformat.write(nb, out)
            runner.to_html(out, out.with_suffix(".html"), footer="<footer>floor</footer>")
            exec_s += t2 - t1
            export_s += time.perf_counter() - t2
        seconds = time.perf_counter() - t0
    finally:
        os.chdir(old_cwd)
        if old_env is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = old_env
    n = len(nbs)
    return seconds, {"kernel_start": 0.0, "execute": exec_s / n, "kernel_stop": 0.0, "export": export_s / n}


def bench_runner() -> list[tuple[str, float, float]]:
    import kamlib
    from kamlib.batch.runner import select_accounts

    sample = ROOT / "data" / "sample"
    data = kamlib.load(sample, as_of="2025-12-31", warn=False)
    accounts = [a for a, _ in select_accounts(data, {})][:N_ACCOUNTS]
    nb = _per_account_notebook()
    bindir = Path(sys.executable).parent
    n = len(accounts)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        for acc in accounts:
            out = tmp / "naive" / f"{acc}.ipynb"
            out.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([str(bindir / "papermill"), str(nb), str(out), "-p", "account_id", acc, "-p", "source",
                            str(sample), "-p", "as_of", "2025-12-31", "--cwd", str(nb.parent), "-k", "python3",
                            "--no-progress-bar"], check=True, capture_output=True)
            subprocess.run([str(bindir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)],
                           check=True, capture_output=True)
        naive = time.perf_counter() - t0

        nb_dir = tmp / "one"
        nb_dir.mkdir()
        (nb_dir / nb.name).write_bytes(nb.read_bytes())
        seconds, run_dirs, setup, rows = {}, {}, {}, {}
        for label, extra in (("cold", ["--no-fork"]), ("forked", [])):
            seconds[label], run_dirs[label], manifest = _kam_run(nb_dir / nb.name, tmp / "ours", label, accounts,
                                                                 *extra)
            setup[label] = seconds[label] - manifest["seconds"]
            rows[label] = manifest["notebooks"]
            assert {r["kernel"].split(":")[0] for r in rows[label]} == {label}, [r["kernel"] for r in rows[label]]
        ours = seconds["forked"]

        empty, _, _ = _kam_run(_empty_notebook(tmp / "empty"), tmp / "floor", "empty", accounts)

        executed = [run_dirs["forked"] / r["ipynb"] for r in rows["forked"] if r["account_id"]]
        compute, floor_phases = _compute_floor(executed, tmp, data, str(sample), "2025-12-31")
        phases = {"forked": _breakdown(rows["forked"]), "cold (--no-fork)": _breakdown(rows["cold"]),
                  "compute floor": floor_phases}

    print(f"  {nb.name} for {n} key accounts, 2 workers: naive CLI loop {naive:.1f} s, kam run {ours:.1f} s "
          f"(cold kernels: {seconds['cold']:.1f} s), compute floor {compute:.1f} s (one warm process, no kernel), "
          f"{n} empty notebooks through the pool {empty:.1f} s")
    print(f"  of kam run's {ours:.1f} s, {setup['forked']:.1f} s go before the first notebook (start the command, load "
          f"and validate the source, the key-account decision, plan) and {ours - setup['forked']:.1f} s to the "
          "notebooks in the pool")
    print(f"  per notebook, mean seconds: {'':18}" + "".join(f"{p:>13}" for p in PHASES))
    for label, row in phases.items():
        print(f"    {label:<44}" + "".join(f"{row[p]:13.2f}" for p in PHASES))
    return [
        (f"kam run vs naive papermill+nbconvert loop ({n} accounts), time ratio (goal <= 1/10)", ours / naive, 0.1),
        (f"kam run vs compute floor ({n} notebooks in one warm process), time ratio (goal <= 1.3)", ours / compute,
         1.3),
        (f"kam run vs floor of empty notebooks ({n}), time ratio (goal <= 1.5)", ours / empty, 1.5),
        ("kam run vs kam run --no-fork (forked vs cold kernels), time ratio (goal <= 1)", ours / seconds["cold"], 1.0),
    ]
