"""kam run / the papermill runner, and the notebooks executed with non-default parameters."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from conftest import AS_OF, ROOT, SAMPLE

import kamlib


@pytest.fixture(scope="module")
def workbook_run(sample_run):
    """The session's shared default run (conftest ``sample_run``: ``kam run data/sample --as-of 2025-12-31``) and
    the record of its command (exit code, output). Read-only."""
    return json.loads((sample_run.parent.parent / "kam-run.json").read_text(encoding="utf-8")), sample_run


def test_each_notebook_writes_exactly_its_declared_products(workbook_run):
    """The contract between notebooks and the runner: every extract a report folder holds is a product declared
    for a notebook that ran there (kamlib.batch.products), recorded in products.json, and readable by name."""
    from kamlib.batch import products

    r, run_dir = workbook_run
    manifest = json.loads((run_dir / "manifest.json").read_text())
    folders: dict[str, set[str]] = {}
    for rec in manifest["notebooks"]:
        folder = "accounts/" + rec["key"].split("/")[1] if rec["account_id"] else "."
        folders.setdefault(folder, set()).add(rec["notebook"].removesuffix(".ipynb"))
    assert len(folders) > 1  # the portfolio folder and at least one account folder
    for folder, stems in folders.items():
        expected = {name for stem in stems for name in products.declared(stem)}
        recorded = products.written(run_dir / folder)
        assert set(recorded) == expected, folder
        csvs = {p.name for p in (run_dir / folder).glob("*.csv")} - {"key_accounts.csv"}
        assert csvs == set(recorded.values()), folder  # no CSV outside the declaration
        assert all(products.read(name, run_dir / folder) is not None for name in recorded)


def test_run_produces_index_html_and_manifest(workbook_run, sample_data):
    r, run_dir = workbook_run
    assert r["returncode"] == 0, r["stdout"] + r["stderr"]
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert notebooks, "no step notebooks found"
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["failures"] == []
    ran = {}
    for rec in manifest["notebooks"]:
        ran.setdefault(rec["notebook"], []).append(rec)
    assert sorted(ran) == notebooks  # every step notebook ran
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    for rec in manifest["notebooks"]:
        html = (run_dir / rec["html"]).read_text(encoding="utf-8")
        assert "<html" in html and "kamlib.load(" not in html  # code is hidden in the report
        assert manifest["run_id"] in html and "data as of 2025-12-31" in html  # footer
        assert rec["html"] in index
    from kamlib.selection import select_key_accounts

    key_accounts = list(select_key_accounts(sample_data).definitive.index)
    per_account = {rec["account_id"] for rec in manifest["notebooks"] if rec["account_id"]}
    if per_account:
        assert per_account == set(key_accounts)
    assert manifest["parameters"]["as_of"] == AS_OF
    assert len(manifest["source_sha256"]) == 64
    assert {"pandas", "papermill", "python"} <= set(manifest["versions"])


def test_run_writes_key_accounts_csv(workbook_run, sample_data):
    import pandas as pd

    _, run_dir = workbook_run
    ka = pd.read_csv(run_dir / "key_accounts.csv", encoding="utf-8-sig")
    assert len(ka) == len(sample_data.accounts)
    assert 0 < ka["definitive"].sum() <= sample_data.kams["capacity"].sum()
    assert {"account_id", "name", "score", "rank", "reason", "quadrant"} <= set(ka.columns)


def test_run_report_prints_top20_share(workbook_run):
    _, run_dir = workbook_run
    nb = nbformat.read(run_dir / "00_start_here.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "The top 20 % of accounts" in text


def test_run_never_writes_into_notebooks(workbook_run):
    _, run_dir = workbook_run
    assert run_dir.parent != ROOT / "notebooks"
    assert not list((ROOT / "notebooks").glob("*.html"))


def test_run_with_bad_source_writes_nothing(kam, write_case, with_order, tmp_path):
    bad = write_case(tmp_path / "bad", orders=with_order(5, "O-03,ACC-1,2025-04-04,P-2,4,oops,0,1"))
    out = tmp_path / "reports"
    r = kam("run", str(bad), "--as-of", AS_OF, "--out", str(out), cwd=ROOT)
    assert r.returncode == 2
    assert "orders.csv row 5 (order_id O-03), column gross_revenue_eur: 'oops' is not a number" in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()


def test_existing_run_id_is_not_overwritten(kam, tmp_path):
    out = tmp_path / "reports"
    (out / "keep").mkdir(parents=True)
    (out / "keep" / "index.html").write_text("old")
    r = kam("run", str(SAMPLE), "--as-of", AS_OF, "--out", str(out), "--run-id", "keep", cwd=ROOT)
    assert r.returncode == 2 and "exists already" in r.stderr
    assert (out / "keep" / "index.html").read_text() == "old"


def test_notebooks_run_with_non_default_parameters(kam, tmp_path, sample_slice):
    """Every notebook, every cell (--with-exercises keeps the trainee cells), under papermill through kam run
    (forked kernels, two at a time) with German labels, a later as_of and an Excel source that every notebook loads
    itself (--no-cache); 02-04 for ACC-0044, their defaults' account, and 03 for the portfolio too. On a slice of
    30 of the sample's accounts (issue 16): what is checked is that the parameters reach every notebook and that
    every cell runs, not the whole company's figures."""
    book = kamlib.export(kamlib.load(sample_slice(30, accounts=["ACC-0044"]), as_of=AS_OF), tmp_path / "slice.xlsx")
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    out = tmp_path / "reports"
    r = kam("run", str(book), "--as-of", "2026-03-31", "--lang", "de", "--accounts", "ACC-0044", "--no-cache",
            "--with-exercises", "--only", ",".join(nb[:2] for nb in notebooks), "--out", str(out), "--run-id", "x",
            "--quiet", cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    manifest = json.loads((out / "x" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["failures"] == [] and manifest["skipped"] == []
    assert manifest["parameters"]["as_of"] == "2026-03-31" and manifest["parameters"]["source"].endswith(".xlsx")
    ran = sorted({rec["notebook"] for rec in manifest["notebooks"]})
    assert ran == notebooks  # every step notebook ran
    for rec in manifest["notebooks"]:
        executed = nbformat.read(out / "x" / rec["ipynb"], as_version=4)
        texts = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") + o.get("data", {}).get("text/html", "")
                        for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", []))
        # the data date shows the parameter took effect: in German, in the data's repr (notebook 00), or as the
        # quarter it makes the review period (05 opens with the attention list of 2026Q1)
        assert "31.03.2026" in texts or "as_of=2026-03-31" in texts or "2026Q1" in texts, rec["key"]
        assert not any(o.get("output_type") == "error" for c in executed.cells for o in c.get("outputs", []))
        if rec["notebook"].startswith("00_"):  # the concentration sentence in German, its share in German format
            assert re.search(r"Die besten 20 % der Kunden \(\d+ von \d+\) bringen \d+,\d\u00a0% des Bruttoumsatzes",
                             texts), texts[:2000]


def test_every_parameter_line_is_understood_by_papermill():
    """papermill silently drops a parameter line it cannot parse (e.g. an apostrophe in the comment)."""
    import papermill as pm

    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cells = nbformat.read(nb, as_version=4).cells
        first_code = next(c for c in cells if c.cell_type == "code")
        assert "parameters" in first_code.metadata.get("tags", []), nb.name
        lines = [ln for ln in first_code.source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        declared = pm.inspect_notebook(str(nb))
        assert len(declared) == len(lines), (nb.name, sorted(declared))
        for name, info in declared.items():
            assert info["inferred_type_name"] != "None", f"{nb.name}: {name} has no type annotation"
            assert info["help"], f"{nb.name}: {name} has no comment"


def test_selection_with_non_default_criteria_via_kam_run(kam, tmp_path):
    import pandas as pd

    out = tmp_path / "reports"
    r = kam("run", str(SAMPLE), "--as-of", AS_OF, "--out", str(out), "--run-id", "crit", "--only", "01",
            "-p", 'criteria=["revenue_share", "credibility", "tailored_service"]',
            "-p", "weights=[2, 1, 1]",
            "-p", 'thresholds={"revenue_share": 6, "credibility": 6, "tailored_service": 6}',
            "-p", "max_key_accounts=10", "--lang", "de", cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    run_dir = out / "crit"
    assert sorted(p.name for p in run_dir.glob("*.ipynb")) == ["01_account_selection.ipynb"]
    ka = pd.read_csv(run_dir / "key_accounts.csv", encoding="utf-8-sig")
    assert {"credibility", "tailored_service"} <= set(ka.columns) and "relationship" not in ka.columns
    assert ka["place"].notna().sum() == 10 <= ka["provisional"].sum()  # 10 places; provisional: all meeting the rule
    nb = nbformat.read(run_dir / "01_account_selection.ipynb", as_version=4)
    text = json.dumps([c.get("outputs", []) for c in nb.cells])
    from kamlib import i18n

    note = i18n.pick(i18n.table("selection.texts")["weights_normalised"], "de").format(x=4)
    assert note in text  # the run is German (--lang de): the catalogue's German note


def test_bad_selection_parameter_is_refused_before_any_notebook_runs(kam, tmp_path):
    out = tmp_path / "reports"
    r = kam("run", str(SAMPLE), "--as-of", AS_OF, "--out", str(out), "--run-id", "bad", "--only", "01",
            "-p", 'criteria=["revenue_share", "size"]', cwd=ROOT)
    assert r.returncode == 2
    assert "parameter criteria: unknown criterion 'size'" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert not (out / "bad").exists()  # nothing written


@pytest.mark.parametrize("message, calls, status", [
    ("Kernel died before replying to kernel_info", 2, "ok"),  # a start that lost a port race: started again
    ("Kernel didn't respond in 60 seconds", 1, "failed"),  # anything else is the notebook's failure
])
def test_a_kernel_that_dies_before_its_first_reply_is_started_once_more(tmp_path, monkeypatch, message, calls,
                                                                       status):
    import shutil

    import papermill

    from kamlib.batch import runner

    seen = []

    def fake_execute(src, out, **kw):
        seen.append(src)
        if len(seen) == 1:
            raise RuntimeError(message)
        shutil.copy(src, out)

    monkeypatch.setattr(papermill, "execute_notebook", fake_execute)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(1)")]
    nbformat.write(nb, tmp_path / "10_x.ipynb")
    run = {"run_id": "r", "as_of": "2025-12-31", "source_sha256": "0" * 64}
    (tmp_path / "run").mkdir()
    res = runner.execute_task(runner.Task(str(tmp_path / "10_x.ipynb"), "10_x", {}), str(tmp_path / "run"),
                              str(tmp_path), run)
    assert (len(seen), res.status) == (calls, status), res.error


def test_a_notebook_run_by_hand_decides_its_key_accounts_itself(tmp_path, sample_data):
    """As a user runs one notebook by hand (plain papermill, no kam run): no run decision is handed in, so
    notebook 04 works out the key accounts from the Excel source at a later as_of itself, in German."""
    import papermill as pm

    book = kamlib.export(sample_data, tmp_path / "sample.xlsx")
    out = tmp_path / "04.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "04_review_cycle.ipynb"), str(out), cwd=str(ROOT / "notebooks"),
                        parameters={"source": str(book), "as_of": "2026-03-31", "lang": "de",
                                    "account_id": "ACC-0044"}, progress_bar=False, kernel_name="python3")
    executed = nbformat.read(out, as_version=4)
    assert "decision_file" not in executed.metadata.get("papermill", {}).get("parameters", {})
    texts = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") + o.get("data", {}).get("text/html", "")
                    for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "2026Q1" in texts and "ACC-0044" in texts
    assert not any(o.get("output_type") == "error" for c in executed.cells for o in c.get("outputs", []))
