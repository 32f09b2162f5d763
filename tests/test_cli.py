"""The kam command: exit codes, messages without tracebacks, nothing overwritten."""

from __future__ import annotations

import pytest
from conftest import AS_OF, SAMPLE


def test_validate_sample_exits_0_with_summary(kam):
    r = kam("validate", str(SAMPLE), "--as-of", AS_OF)
    assert r.returncode == 0, r.stderr
    assert "valid (as_of 2025-12-31)" in r.stdout
    assert "orders" in r.stdout and "rows" in r.stdout


def test_validate_bad_folder_exits_2_without_traceback(kam, write_case, with_order, tmp_path):
    folder = write_case(tmp_path / "bad", orders=with_order(17, "O-15,ACC-1,2025-04-16,P-2,16,abc,0,10"))
    r = kam("validate", str(folder), "--as-of", AS_OF)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr + r.stdout
    assert "orders.csv row 17 (order_id O-15), column gross_revenue_eur: 'abc' is not a number" in r.stderr


def test_validate_missing_path_exits_2(kam, tmp_path):
    r = kam("validate", str(tmp_path / "nothing"))
    assert r.returncode == 2 and "not found" in r.stderr and "Traceback" not in r.stderr


def test_sample_data_refuses_to_overwrite(kam, tmp_path):
    out = tmp_path / "s"
    out.mkdir()
    (out / "orders.csv").write_text("mine")
    r = kam("sample-data", str(out), "--n-accounts", "30")
    assert r.returncode == 2 and "not overwriting" in r.stderr and "Traceback" not in r.stderr
    assert (out / "orders.csv").read_text() == "mine"


def test_sample_data_writes_loadable_data(kam, tmp_path):
    out = tmp_path / "s"
    r = kam("sample-data", str(out), "--n-accounts", "60", "--seed", "7")
    assert r.returncode == 0, r.stderr
    v = kam("validate", str(out), "--as-of", AS_OF)
    assert v.returncode == 0, v.stderr


def test_bundled_sample_regenerates_bit_identically(kam, tmp_path):
    out = tmp_path / "regen"
    r = kam("sample-data", str(out))  # defaults are the ones data/sample was made with
    assert r.returncode == 0, r.stderr
    bundled = sorted(p.name for p in SAMPLE.glob("*.csv"))
    assert sorted(p.name for p in out.glob("*.csv")) == bundled
    for name in bundled:
        assert (out / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_bad_as_of_is_a_usage_error_not_a_traceback(kam):
    r = kam("validate", str(SAMPLE), "--as-of", "2025-13-45")
    assert r.returncode == 2
    assert "'2025-13-45' is not a date in the form YYYY-MM-DD" in r.stderr and "Traceback" not in r.stderr


def test_bad_param_syntax_is_a_usage_error(kam):
    r = kam("run", str(SAMPLE), "-p", "no equals sign")
    assert r.returncode == 2 and "use NAME=VALUE" in r.stderr


def _main(capsys, *argv: str) -> tuple[int, str]:
    """kam in this process (kamlib.cli.main, what the kam command calls): its exit code and what it wrote to
    stderr. An exception that kam does not turn into a message propagates and fails the test."""
    from kamlib import cli

    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code if isinstance(exc.code, int) else 1
    return code, capsys.readouterr().err


def test_bad_dates_and_values_in_run_parameters_are_messages(capsys, tmp_path):
    """Issue 16: through kamlib.cli.main in this process (was: four kam subprocesses, 7.7 s, of which about 1.5 s
    each is starting Python and importing); the kam command itself is run as a subprocess by the tests above."""
    params = tmp_path / "p.yaml"
    params.write_text("as_of: 2024-02-30\n")
    for args in (["--params", str(params)], ["-p", "as_of=yesterday"], ["-p", "cutoffs=5"]):
        code, err = _main(capsys, "run", str(SAMPLE), "--dry-run", *args)
        assert code == 2, (args, err)
        assert "Traceback" not in err and err.startswith("kam run: "), (args, err)  # one message
    code, err = _main(capsys, "sample-data", str(tmp_path / "s"), "--n-accounts", "5")
    assert code == 2 and "Traceback" not in err and err.startswith("kam sample-data: "), err


def test_kam_run_in_another_folder_runs_the_workbooks_notebooks(kam, tmp_path, sample_slice):
    """An analyst runs kam in their own folder, which has no notebooks/: the workbook's own notebooks run, as
    from the project folder (the sample is found the same way). Before: 'no notebooks matching 00 in
    notebooks', and without --only a run of the documents alone that said '0 notebooks' and exited 0."""
    import json

    r = kam("run", str(sample_slice(10)), "--only", "00", "--out", "out", "--run-id", "r", "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    manifest = json.loads((tmp_path / "out" / "r" / "manifest.json").read_text(encoding="utf-8"))
    assert [(n["key"], n["status"]) for n in manifest["notebooks"]] == [("00_start_here", "ok")]


def test_a_notebook_folder_without_notebooks_is_one_clear_error(kam, tmp_path, sample_slice):
    """A --notebooks folder with no notebook in it (a typo, the wrong folder) is refused, not a run of the
    documents alone that exits 0."""
    empty = tmp_path / "my-notebooks"
    empty.mkdir()
    r = kam("run", str(sample_slice(10)), "--notebooks", str(empty), "--out", str(tmp_path / "out"), "--quiet")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert f"no notebooks matching [0-9][0-9]_*.ipynb in {empty} (--notebooks names the folder)" in r.stderr
    assert not (tmp_path / "out").exists()  # refused before the data were read: no run folder


def test_a_notebooks_folder_here_without_step_notebooks_is_not_the_workbook(tmp_path, monkeypatch):
    """An analyst's own notebooks/ (no NN_*.ipynb in it) is not taken for the workbook's; the project folder's is."""
    from pathlib import Path

    import kamlib

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "my analysis.ipynb").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert kamlib.notebooks_folder() == Path(kamlib.NOTEBOOKS)
    (tmp_path / "notebooks" / "02_account_profile.ipynb").write_text("{}", encoding="utf-8")
    assert kamlib.notebooks_folder() == Path("notebooks")
    assert kamlib.notebooks_folder("elsewhere") == Path("elsewhere")


def test_importing_kamlib_or_its_command_line_imports_no_dataframe_library():
    """Issue 16: ``import kamlib`` imported pandas and pandera (0.6 s), so ``kam run`` could start its kernel
    template only after them. Its public API and its submodules are still there when used."""
    import subprocess
    import sys

    code = ("import sys, kamlib, kamlib.cli; "
            "print(sorted(m for m in ('pandas', 'pandera', 'numpy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    # before any public name is used: the modules, dir(), and a name that is no module
    code = ("import kamlib; print(kamlib.decision.__name__, kamlib.defaults.__name__, 'load' in dir(kamlib), "
            "hasattr(kamlib, 'no_such_module'), hasattr(kamlib, 'a.b'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["kamlib.decision", "kamlib.defaults", "True", "False", "False"]
    code = ("import kamlib; from kamlib import KamData, KamDataError, load; "
            "d = kamlib.load(kamlib.SAMPLE, as_of='2025-12-31', warn=False); "
            "print(isinstance(d, KamData), load is kamlib.load, kamlib.validate.__module__, "
            "kamlib.data.readers.__name__, kamlib.i18n.__name__, 'load' in dir(kamlib), issubclass(KamDataError, Exception))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "kamlib.data.readers", "kamlib.data.readers", "kamlib.i18n", "True", "True"]
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        import kamlib

        kamlib.no_such_thing  # noqa: B018
