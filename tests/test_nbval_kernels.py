"""nbval runs the notebooks on forked kernels (the repository's root conftest.py), and still fails what fails.

Each test runs pytest with ``--nbval`` in a subprocess on tiny notebooks in ``tmp_path``, whose conftest.py
loads the root conftest's hooks: the same code ``make test`` uses on ``notebooks/``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat as nbf
from conftest import ROOT

# a forked kernel's parent is the template (its command line names it) and it has the template's imports
IS_FORKED = (
    "import os, sys\n"
    "parent = open(f'/proc/{os.getppid()}/cmdline', 'rb').read()\n"
    "assert b'kam_kernel_template' in parent, parent\n"
    "assert 'pandas' in sys.modules and 'kamlib' in sys.modules"
)


def _notebook(path: Path, *cells: tuple[str, str | None]) -> None:
    """A notebook of code cells (source, expected stdout or None for no output), as nbval reads it."""
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    for i, (source, stdout) in enumerate(cells, start=1):
        outputs = [] if stdout is None else [nbf.v4.new_output("stream", name="stdout", text=stdout)]
        nb.cells.append(nbf.v4.new_code_cell(source, outputs=outputs, execution_count=i))
    nbf.write(nb, path)


def _nbval(folder: Path, *args: str, env: dict | None = None) -> tuple[dict[str, str], str]:
    """Run pytest --nbval on ``folder`` with the root conftest's hooks; the outcome per cell and the output."""
    (folder / "conftest.py").write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(ROOT / 'conftest.py')!r}).items()"
        " if not k.startswith('__')})\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-rA", "-q", *args, str(folder)],
        cwd=folder,
        env={**{k: v for k, v in os.environ.items() if k != "KAM_NO_FORK"}, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    outcomes = {
        m[1]: m[0] for m in re.findall(r"^(PASSED|FAILED|ERROR) \S*?([a-z_]+\.ipynb::Cell \d+)", proc.stdout, re.M)
    }
    return outcomes, proc.stdout + proc.stderr


def test_nbval_kernels_are_forked_clean_and_a_failing_cell_still_fails(tmp_path):
    _notebook(
        tmp_path / "a_changes_everything.ipynb",
        (IS_FORKED, None),
        # what a notebook may leave behind: a global, the environment, the working directory, a module attribute
        ("import json, os\nLEFT = 1\nos.environ['NBVAL_LEFT'] = '1'\nos.chdir('/')\njson.LEFT = 1", None),
        ("print(1 + 1)", "2\n"),  # the stored output matches: passes
    )
    _notebook(
        tmp_path / "b_sees_nothing.ipynb",
        (IS_FORKED, None),
        (
            "import json, os\nassert 'LEFT' not in globals()\nassert 'NBVAL_LEFT' not in os.environ\n"
            f"assert os.getcwd() == {str(tmp_path)!r}, os.getcwd()\nassert not hasattr(json, 'LEFT')",
            None,
        ),
    )
    _notebook(
        tmp_path / "c_fails.ipynb",
        ("1 / 0", None),  # an error in a cell
        ("print(1 + 1)", "3\n"),  # an output that differs from the stored one
    )
    outcomes, out = _nbval(tmp_path)
    assert outcomes == {
        "a_changes_everything.ipynb::Cell 0": "PASSED",
        "a_changes_everything.ipynb::Cell 1": "PASSED",
        "a_changes_everything.ipynb::Cell 2": "PASSED",
        "b_sees_nothing.ipynb::Cell 0": "PASSED",
        "b_sees_nothing.ipynb::Cell 1": "PASSED",
        "c_fails.ipynb::Cell 0": "FAILED",
        "c_fails.ipynb::Cell 1": "FAILED",
    }, out
    assert "ZeroDivisionError" in out
    assert "nbval kernels: 3 forked, 0 cold" in out, out


def test_without_fork_nbval_kernels_start_cold(tmp_path):
    # the same check of the kernel's parent fails on a cold kernel: the check above can fail, and KAM_NO_FORK works
    _notebook(tmp_path / "a_forked.ipynb", (IS_FORKED, None), ("print(1 + 1)", "2\n"))
    outcomes, out = _nbval(tmp_path, env={"KAM_NO_FORK": "1"})
    assert outcomes == {"a_forked.ipynb::Cell 0": "FAILED", "a_forked.ipynb::Cell 1": "PASSED"}, out
    assert "nbval kernels: cold (KAM_NO_FORK is set)" in out, out


def test_the_summary_counts_the_kernels_of_every_xdist_worker(tmp_path):
    """make test runs nbval on two xdist workers: the summary line counts the kernels both started (before, under -n
    it was missing, and 2 of 8 notebooks starting cold went unseen)."""
    for name in ("a_one.ipynb", "b_two.ipynb"):
        _notebook(tmp_path / name, (IS_FORKED, None), ("print(1 + 1)", "2\n"))
    outcomes, out = _nbval(tmp_path, "-n", "2", "--dist", "loadfile")
    assert set(outcomes.values()) == {"PASSED"} and len(outcomes) == 4, out
    assert "nbval kernels: 2 forked, 0 cold" in out, out
