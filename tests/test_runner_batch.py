"""The batch runner at scale: plan, faults, resume, hostile names, atomic writes, browser checks."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import AS_OF, ROOT, SAMPLE, require_system

from kamlib.batch import runner
from kamlib.data import writers as reporting

FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
ACCOUNTS = ["ACC-0001", "ACC-0002", "ACC-0003", "ACC-0004", "ACC-0005"]


def _run(tmp_path: Path, source: Path = SAMPLE, **kwargs):
    kwargs.setdefault("parameters", {"as_of": AS_OF})
    return runner.run_workbook(str(source), notebooks_dir=FIXTURES, out=tmp_path / "reports", workers=2, **kwargs)


def test_dry_run_plans_portfolio_once_and_accounts_each(tmp_path):
    tasks = _run(tmp_path, accounts=ACCOUNTS[:3], dry_run=True)
    assert [t.key for t in tasks] == ["10_portfolio", *[f"accounts/{a}/20_account" for a in ACCOUNTS[:3]]]
    assert tasks[1].parameters["account_id"] == "ACC-0001"
    assert "account_id" not in tasks[0].parameters
    assert not (tmp_path / "reports").exists()  # a dry run writes nothing


def test_default_accounts_are_the_definitive_key_accounts(tmp_path, sample_data):
    from kamlib.selection import select_key_accounts

    tasks = _run(tmp_path, dry_run=True)
    expected = list(select_key_accounts(sample_data).definitive.index)
    assert [t.account_id for t in tasks if t.account_id] == expected


def test_faults_do_not_stop_the_others_and_resume_reruns_only_failures(tmp_path, sample_slice):
    """Issue 16: on the five accounts' slice of the sample (sample_slice), whose load in the notebooks takes a
    fraction of a second, so the cell timeout that stops the hanging ACC-0004 is 10 s instead of 25 s (the
    hanging cell sleeps 300 s: it can only end by the timeout)."""
    marker = tmp_path / "FAIL"
    marker.write_text("x")
    params = {"as_of": AS_OF, "fail_marker": str(marker), "hang_for": "ACC-0004"}
    src = sample_slice(5, accounts=ACCOUNTS)
    result = _run(tmp_path, accounts=ACCOUNTS, parameters=params, run_id="r1", timeout=10, source=src)
    run_dir = result.run_dir
    status = {r.key: r for r in result.results}
    assert status["10_portfolio"].status == "ok"
    assert status["accounts/ACC-0001/20_account"].status == "ok"
    assert status["accounts/ACC-0002/20_account"].status == "ok"
    assert "RuntimeError: injected failure for ACC-0003" in status["accounts/ACC-0003/20_account"].error
    assert "CellTimeoutError: A cell timed out" in status["accounts/ACC-0004/20_account"].error
    assert "Dead" in status["accounts/ACC-0005/20_account"].error or "died" in status["accounts/ACC-0005/20_account"].error
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert sorted(manifest["failures"]) == [f"accounts/{a}/20_account" for a in ("ACC-0003", "ACC-0004", "ACC-0005")]
    index = (run_dir / "index.html").read_text()
    assert "3 failed" in index and "injected failure for ACC-0003" in index
    assert (run_dir / "portfolio.txt").read_text() == "done"  # output_dir points at the run folder
    assert (run_dir / "accounts" / "ACC-0001" / "done.txt").read_text() == "ACC-0001"
    assert not list(run_dir.rglob("*.tmp-*")), "temporary files left behind"
    ok_html = run_dir / "accounts" / "ACC-0001" / "20_account.html"
    before = ok_html.stat().st_mtime_ns

    marker.unlink()  # the cause is fixed: resume with the same parameters
    again = _run(tmp_path, accounts=ACCOUNTS, parameters=params, resume="r1", timeout=300, source=src)
    assert again.run_dir == run_dir and again.failed == []
    assert ok_html.stat().st_mtime_ns == before  # not re-run
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["failures"] == [] and manifest["resumed"] is True
    assert len(manifest["notebooks"]) == 6
    rerun = {r.key for r in again.results if r.started >= manifest["started"]}
    assert rerun == {f"accounts/{a}/20_account" for a in ("ACC-0003", "ACC-0004", "ACC-0005")}


def test_resume_refuses_other_parameters_and_foreign_paths(tmp_path, sample_slice):
    from kamlib.errors import KamParameterError

    src = sample_slice(5, accounts=ACCOUNTS)  # issue 16: five accounts, not 240 (nothing here needs more)
    _run(tmp_path, accounts=["ACC-0001"], run_id="p1", source=src)
    with pytest.raises(KamParameterError, match=r"parameters differ from that run \(as_of\)"):
        _run(tmp_path, accounts=["ACC-0001"], resume="p1", parameters={"as_of": "2026-01-31"}, source=src)
    with pytest.raises(KamParameterError, match="is not a run id"):
        _run(tmp_path, accounts=["ACC-0001"], resume="../p1", source=src)


def test_password_is_masked_in_manifest_and_index(tmp_path):
    params = runner._shown_params({"source": "postgresql+psycopg://kam:S3cret@db/kam", "output_dir": "/x"})
    assert params == {"source": "postgresql+psycopg://kam:***@db/kam"}
    # a password with '/' (base64) is masked whole, and notebooks get the URL without it
    params = runner._shown_params({"source": "postgresql://kam:Zm9v/YmFy+==@db:5432/kam?kam_schema=s"})
    assert params == {"source": "postgresql://kam:***@db:5432/kam?kam_schema=s"}
    from kamlib.data.readers import split_password

    assert split_password("postgresql://kam:Zm9v/YmFy+==@db:5432/kam") == ("postgresql://kam@db:5432/kam",
                                                                          "Zm9v/YmFy+==")


def test_resume_refuses_changed_data(tmp_path, sample_slice):
    from kamlib.errors import KamParameterError

    sample_copy = tmp_path / "data"  # issue 16: a copy of the five accounts' slice, not of all 240
    shutil.copytree(sample_slice(5, accounts=ACCOUNTS), sample_copy)
    runner.run_workbook(str(sample_copy), notebooks_dir=FIXTURES, out=tmp_path / "reports", run_id="r",
                        parameters={"as_of": AS_OF}, accounts=["ACC-0001"], workers=1)
    with open(sample_copy / "accounts.csv", "a", encoding="utf-8") as f:
        f.write("ACC-9999,Neu GmbH" + "," * 11 + "\n")
    with pytest.raises(KamParameterError, match="source data changed"):
        runner.run_workbook(str(sample_copy), notebooks_dir=FIXTURES, out=tmp_path / "reports", resume="r",
                            parameters={"as_of": AS_OF}, accounts=["ACC-0001"], workers=1)


def hostile_source(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    accounts = pd.DataFrame({
        "account_id": ["../../evil", "CON", "ACC 1/2"],
        "name": ["<script>alert(1)</script>", '=HYPERLINK("http://x","click")', "Müller & Söhne"],
    })
    accounts.to_csv(folder / "accounts.csv", index=False)
    orders = pd.DataFrame({"order_id": ["o1", "o2", "o3"], "account_id": accounts["account_id"],
                           "date": ["2025-03-01"] * 3, "gross_revenue_eur": [10.0, 20.0, 30.0]})
    orders.to_csv(folder / "orders.csv", index=False)
    return folder


def test_hostile_ids_and_names_give_safe_files_and_escaped_html(tmp_path):
    src = hostile_source(tmp_path)
    out = tmp_path / "reports"
    result = runner.run_workbook(str(src), notebooks_dir=FIXTURES, out=out, run_id="h", workers=2,
                                 parameters={"as_of": AS_OF}, all_accounts=True)
    assert result.failed == [], [r.error for r in result.failed]
    run_dir = out / "h"
    written = [p for p in tmp_path.rglob("*") if p.is_file() and src not in p.parents]
    assert all(run_dir in p.parents for p in written), "a file was written outside the run folder"
    folders = sorted(p.name for p in (run_dir / "accounts").iterdir())
    assert all(".." not in f and "/" not in f and f.lower() != "con" for f in folders)
    assert len(folders) == 3
    index = (run_dir / "index.html").read_text()
    assert "<script>alert(1)</script>" not in index and "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    for report in (run_dir / "accounts").rglob("*.html"):
        assert "<script>alert(1)</script>" not in report.read_text()


def test_csv_exports_neutralise_formulas(tmp_path):
    df = pd.DataFrame({"name": ['=HYPERLINK("http://x","y")', "+49 30 123", "-5", "@SUM(A1)", "Müller"],
                       "revenue": [1.0, 2.0, 3.0, 4.0, 5.0]})
    path = reporting.write_csv(df, tmp_path / "x.csv", index=False)
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["name"].tolist() == ["'=HYPERLINK(\"http://x\",\"y\")", "'+49 30 123", "'-5", "'@SUM(A1)", "Müller"]
    assert back["revenue"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    with pytest.raises(FileExistsError, match=r"x\.csv exists; not overwriting"):
        reporting.write_csv(df, path)


def test_safe_name_properties():
    for hostile in ["../../x", "/etc/passwd", "a\\b", "..", ".hidden", "CON", "nul.txt", "x" * 300, "", "ä/ö"]:
        name = runner.safe_name(hostile)
        assert name and "/" not in name and "\\" not in name and not name.startswith(".")
        assert name.split(".")[0].lower() not in runner._RESERVED and len(name) <= 90
    assert runner.safe_name("a/b") != runner.safe_name("a_b")  # collisions kept apart


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _screenshot(url: str, png: Path) -> np.ndarray:
    import matplotlib.image as mpimg

    subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    f"--user-data-dir={png.parent / 'profile'}", "--hide-scrollbars", "--window-size=1200,900",
                    f"--screenshot={png}", url], check=True, capture_output=True, timeout=120)
    return mpimg.imread(png)


def test_browser_screenshots_of_index_and_a_report_are_not_blank(tmp_path, sample_slice):
    require_system("chromium", _chromium() is not None)
    result = _run(tmp_path, accounts=["ACC-0001"], run_id="shot", pdf=True, source=sample_slice(5, accounts=ACCOUNTS))
    assert result.failed == []
    for page in (result.run_dir / "index.html", result.run_dir / "accounts" / "ACC-0001" / "20_account.html"):
        img = _screenshot(page.resolve().as_uri(), tmp_path / f"{page.stem}.png")
        rgb = img[..., :3]
        dark = (rgb.mean(axis=2) < 0.8).mean()
        assert img.shape[0] > 100 and dark > 0.002, f"{page.name} looks blank ({dark:.4f} dark pixels)"
    pdf = result.run_dir / "accounts" / "ACC-0001" / "20_account.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_index_shows_health_band_and_flags_from_the_products_escaped(tmp_path):
    """The index reads each account's health (notebook 04) and profile flags (notebook 02) from the products
    they declared and wrote, by name (a file with the right name but not written as a product is not read)."""
    from kamlib.batch import products

    run_dir = tmp_path / "run"
    base = run_dir / "accounts" / "ACC-0001"
    base.mkdir(parents=True)
    health = pd.DataFrame({"score": [80.0, 42.4], "band": ["green", "red"]}, index=["margin", "health"])
    reporting.write_csv(health, base / "review_2025Q4_health.csv")  # a stray file: not a product
    assert runner._account_signals(run_dir, "ACC-0001") == {"health": None, "band": None, "flags": []}
    products.write("review_health", health, base, period="2025Q4")
    findings = pd.DataFrame({"severity": ["medium", "high"], "section": ["x", "y"], "check": ["a", "b"],
                             "message": ["<script>alert(1)</script> not met", "=HYPERLINK(\"http://x\") overdue"]})
    products.write("profile_findings", findings, base)
    signals = runner._account_signals(run_dir, "ACC-0001")
    assert signals["health"] == 42.4 and signals["band"] == "red"
    assert [f["severity"] for f in signals["flags"]] == ["high", "medium"]  # most severe first
    manifest = {"run_id": "r", "as_of": AS_OF, "source": "s", "source_sha256": "0" * 64, "started": "t",
                "seconds": 1.0, "parameters": {}, "failures": [], "kamlib": "0",
                "accounts": [{"account_id": "ACC-0001", "name": "A", **signals}],
                "notebooks": [{"key": "accounts/ACC-0001/02", "notebook": "02_account_profile.ipynb",
                               "account_id": "ACC-0001", "ipynb": None, "html": "accounts/ACC-0001/02.html",
                               "pdf": None, "seconds": 1.0, "status": "ok", "error": None}]}
    page = runner._index_html(manifest, run_dir)
    assert '<span class="band red">red</span> 42' in page
    assert "1 high · 2 in all" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # no extracts (the account's 02/04 did not run): empty cells, no error
    assert runner._account_signals(run_dir, "ACC-0404") == {"health": None, "band": None, "flags": []}


def test_trainee_cells_are_left_out_of_reports_unless_asked_for(tmp_path, sample_slice):
    import nbformat

    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    nb = nbformat.read(FIXTURES / "20_account.ipynb", as_version=4)
    cell = nbformat.v4.new_code_cell('print("trainee cell ran")')
    cell.metadata["tags"] = [runner.TRAINEE_TAG]
    nb.cells.append(cell)
    nbformat.write(nb, nb_dir / "20_account.ipynb")
    texts = {}
    for keep in (False, True):
        res = runner.run_workbook(str(sample_slice(5, accounts=ACCOUNTS)), notebooks_dir=nb_dir, out=tmp_path / "out",
                                  workers=1,
                                  parameters={"as_of": AS_OF}, accounts=["ACC-0001"], exercises=keep)
        assert not res.failed, [r.error for r in res.failed]
        texts[keep] = (res.run_dir / "accounts" / "ACC-0001" / "20_account.html").read_text(encoding="utf-8")
    assert "trainee cell ran" not in texts[False]
    assert "trainee cell ran" in texts[True]


def test_the_portfolio_notebooks_start_before_the_per_account_ones():
    """A run's pool takes its notebooks in the order they are submitted. The portfolio notebooks are the long
    ones (05 alone took 22 of the sample run's 86 s) and came last in plan order, so 05 ran alone at the end
    while the other worker had nothing left to do. They now go first, in plan order; the manifest keeps the
    plan's order."""
    t = runner.Task
    plan = [t("nb/00_start_here.ipynb", "00_start_here", {}),
            t("nb/02_account_profile.ipynb", "accounts/A/02_account_profile", {}, "A"),
            t("nb/02_account_profile.ipynb", "accounts/B/02_account_profile", {}, "B"),
            t("nb/03_customer_value.ipynb", "03_customer_value", {"account_id": ""}),
            t("nb/03_customer_value.ipynb", "accounts/A/03_customer_value", {}, "A"),
            t("nb/05_portfolio_review.ipynb", "05_portfolio_review", {})]
    assert [x.key for x in runner.execution_order(plan)] == [
        "00_start_here", "03_customer_value", "05_portfolio_review",
        "accounts/A/02_account_profile", "accounts/B/02_account_profile", "accounts/A/03_customer_value"]
    assert [x.key for x in plan][0:2] == ["00_start_here", "accounts/A/02_account_profile"]  # not reordered in place
