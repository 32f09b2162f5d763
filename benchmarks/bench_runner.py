"""Runner speed: kam run's pool vs the naive papermill + nbconvert CLI loop, and vs the floor.

* naive: ``papermill nb out -p account_id X && jupyter nbconvert --to html --no-input out`` per task, one
  after the other (what a shell script would do);
* ours: :func:`kamlib.batch.runner.run_workbook` with the same tasks in its worker pool (HTML in the worker);
* floor: the same number of empty notebooks (parameters cell only) through the same pool.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N_ACCOUNTS = 6


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


def bench_runner() -> list[tuple[str, float, float]]:
    import kamlib
    from kamlib.batch.runner import run_workbook, select_accounts

    sample = ROOT / "data" / "sample"
    data = kamlib.load(sample, as_of="2025-12-31", warn=False)
    accounts = [a for a, _ in select_accounts(data, {})][:N_ACCOUNTS]
    nb = _per_account_notebook()
    bindir = Path(sys.executable).parent
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
        t0 = time.perf_counter()
        r = run_workbook(str(sample), notebooks_dir=nb_dir, out=tmp / "ours", parameters={"as_of": "2025-12-31"},
                         accounts=accounts, workers=2)
        ours = time.perf_counter() - t0
        assert not r.failed, [x.error for x in r.failed]

        empty_dir = tmp / "empty"
        _empty_notebook(empty_dir)
        t0 = time.perf_counter()
        r = run_workbook(str(sample), notebooks_dir=empty_dir, out=tmp / "floor", parameters={},
                         accounts=accounts, workers=2)
        floor = time.perf_counter() - t0
    n = len(accounts)
    print(f"  {nb.name} for {n} key accounts: naive CLI loop {naive:.1f} s, kam run pool {ours:.1f} s, "
          f"{n + 0} empty notebooks through the pool {floor:.1f} s")
    return [
        (f"kam run vs naive papermill+nbconvert loop ({n} accounts), time ratio (goal <= 1/4)", ours / naive, 0.25),
        (f"kam run vs floor of empty notebooks ({n}), time ratio (goal <= 1.5)", ours / floor, 1.5),
    ]
