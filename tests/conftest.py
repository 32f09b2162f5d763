"""Shared test set-up: paths, the sample company, and the helpers several test modules use.

Helpers are handed to tests as fixtures (``make_data``, ``write_case``, ``with_order``, ``kam``,
``cdnow_master``, ``cdnow_summary``, ``lifetimes``), so no test module imports another one. Constants
(paths, ``AS_OF``, the small CSV corpus below) may be imported from here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings as hypothesis_settings

from kamlib.present.pdf import CHROMIUM_FLAGS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
AS_OF = "2025-12-31"
#: The CDNOW data, vendored (tests/data/cdnow/README.md): the master file and the 2,357-customer summary.
CDNOW_DIR = Path(__file__).resolve().parent / "data" / "cdnow"
CDNOW_MASTER = CDNOW_DIR / "CDNOW_master.txt"
CDNOW_SUMMARY = CDNOW_DIR / "cdnow_customers_summary_with_transactions.csv"


# Property tests (Hypothesis): on a CI run (``CI`` set, as ``.ci/run`` on a clean clone is) each draws the same
# examples every time, so that a red CI means the change broke something; elsewhere they draw new ones each run and
# keep a failing example in .hypothesis/ for the next.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_configure(config) -> None:
    """The trainees' progress file (kamlib.teaching.progress) goes to a temporary folder for the whole session,
    set in the environment so notebook kernels started by nbval and nbclient inherit it (never ~/.kam)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="kam-progress-"))
    config._kam_progress_dir = folder
    os.environ["KAM_PROGRESS_FILE"] = str(folder / "progress.json")


def pytest_unconfigure(config) -> None:
    folder = getattr(config, "_kam_progress_dir", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


#: Set by pytest itself for each phase of a test.
_ENV_SET_BY_PYTEST = ("PYTEST_CURRENT_TEST",)


@pytest.fixture(autouse=True)
def _environment_left_as_found():
    """Every test leaves ``os.environ`` as it found it: a variable left behind reaches every later test on this
    worker, and every kernel it starts. A kernel forked from a template that imported numpy without it would
    not be the kernel asked for, so it starts cold instead (kamlib.batch.kernels): one test's Dask cluster (its
    nanny sets ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``, ``MALLOC_TRIM_THRESHOLD_`` in this process) made the
    later notebooks of nbval on that worker start cold. A test that changes it fails, and the change is undone."""
    before = {k: v for k, v in os.environ.items() if k not in _ENV_SET_BY_PYTEST}
    yield
    after = {k: v for k, v in os.environ.items() if k not in _ENV_SET_BY_PYTEST}
    if after != before:
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        for k in changed:
            if k in before:
                os.environ[k] = before[k]
            else:
                os.environ.pop(k, None)
        pytest.fail(f"the test left os.environ changed: {changed} (use monkeypatch, or restore it)", pytrace=False)


@pytest.fixture
def restored_environ():
    """For a test whose third-party code sets variables in this process's environment (a Dask ``LocalCluster``'s
    nannies): ``os.environ`` is put back as it was after the test."""
    before = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(before)


def plan_frame(rows) -> pd.DataFrame:
    """An ``account_plans`` table from rows (item_id, account_id, section, text, owner_ours, owner_customer, due,
    status, result, updated_on), in the data model's column order, dates parsed (the tests' hand-made plans)."""
    from kamlib.data import schemas

    df = pd.DataFrame(rows, columns=schemas.columns("account_plans"))
    for col in ("due", "updated_on"):
        df[col] = pd.to_datetime(df[col])
    return df


def require_system(what: str, available: bool) -> None:
    """Skip when a system package is missing, except under KAM_REQUIRE_SYSTEM=1 (CI), where it fails."""
    if available:
        return
    if os.environ.get("KAM_REQUIRE_SYSTEM") == "1":
        pytest.fail(f"{what} is required under KAM_REQUIRE_SYSTEM=1 but is not installed")
    pytest.skip(f"{what} is not installed on this machine (CI installs it)")


@pytest.fixture(scope="session")
def sample_data():
    import kamlib

    return kamlib.load(SAMPLE, as_of=AS_OF)


@pytest.fixture()
def sample_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "sample"
    shutil.copytree(SAMPLE, dst)
    return dst


# --------------------------------------------------------------------------- KamData from hand-made tables


def _make_data(accounts: pd.DataFrame, orders: pd.DataFrame, kams: pd.DataFrame | None = None,
               as_of: str = "2025-12-31", **extra: pd.DataFrame):
    import kamlib
    from kamlib.data import schemas

    tables = {n: schemas.empty_frame(n) for n in schemas.TABLES}
    tables.update(accounts=accounts, orders=orders, **extra)
    available = ["accounts", "orders", *extra]
    if kams is not None:
        tables["kams"] = kams
        available.append("kams")
    return kamlib.KamData(**tables, source="test", as_of=pd.Timestamp(as_of),
                          available=tuple(n for n in schemas.TABLES if n in available))


@pytest.fixture(scope="session")
def make_data():
    """``make_data(accounts, orders, kams=None, as_of="2025-12-31", **tables) -> KamData``, without reading files:
    every table not given is empty and not available."""
    return _make_data


# --------------------------------------------------------------------------- a small valid data folder as CSV text

ACCOUNTS = """account_id,name,industry,country,kam_id,since,reference_value,status
ACC-1,Müller GmbH,automotive,DE,KAM-1,2020-01-15,4,active
ACC-2,Schröder & Co. KG,chemicals,AT,,2021-06-01,2,active
ACC-3,"Dupont, Fils et Cie",food,FR,KAM-1,2022-03-01,3,active
"""
KAMS = """kam_id,name,level,capacity
KAM-1,Anna Weiß,senior,4
"""
PRODUCTS = """product_id,name,product_line
P-1,Getriebe G1,gearboxes
P-2,Motor M2,motors
"""
ORDER_HEADER = "order_id,account_id,date,product_id,quantity,gross_revenue_eur,discount_eur,cogs_eur"
#: 16 valid order lines: rows 2..17 of orders.csv.
ORDER_LINES = tuple(
    f"O-{i:02d},ACC-{1 + i % 3},2025-{1 + i % 12:02d}-{1 + i:02d},P-{1 + i % 2},{i + 1},{1000 + 10 * i}.50,{i}.00,"
    f"{500 + i}.25"
    for i in range(16)
)


def _write_case(folder: Path, *, accounts=ACCOUNTS, kams=KAMS, products=PRODUCTS, orders=None,
                encoding="utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if orders is None:
        orders = "\n".join([ORDER_HEADER, *ORDER_LINES]) + "\n"
    for name, text in (("accounts", accounts), ("kams", kams), ("products", products), ("orders", orders)):
        if text is not None:
            (folder / f"{name}.csv").write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return folder


def _with_order(row: int, line: str) -> str:
    lines = list(ORDER_LINES)
    lines[row - 2] = line
    return "\n".join([ORDER_HEADER, *lines]) + "\n"


@pytest.fixture(scope="session")
def write_case():
    """``write_case(folder, accounts=..., kams=..., products=..., orders=..., encoding=...) -> folder``: the small
    valid folder (accounts, kams, products, 16 orders) as CSV files; a table given as None is not written."""
    return _write_case


@pytest.fixture(scope="session")
def with_order():
    """``with_order(row, line) -> orders.csv text``: the 16 valid orders with file row ``row`` (2..17) replaced."""
    return _with_order


# --------------------------------------------------------------------------- the kam command


def _kam(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kamlib.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


@pytest.fixture(scope="session")
def kam():
    """``kam(*args, cwd=None) -> CompletedProcess``: the kam command in a subprocess (text output captured)."""
    return _kam


# --------------------------------------------------------------------------- CDNOW (vendored) and lifetimes


@pytest.fixture(scope="session")
def cdnow_master() -> Path:
    """CDNOW_master.txt, vendored: every purchase of the 23,570 customers (69,659 lines)."""
    return CDNOW_MASTER


@pytest.fixture(scope="session")
def cdnow_summary() -> pd.DataFrame:
    """The 2,357-customer CDNOW summary (columns x, t_x, T, zbar, ...), vendored."""
    return pd.read_csv(CDNOW_SUMMARY)


@pytest.fixture(scope="session")
def lifetimes():
    """The ``lifetimes`` package, for the tests that compare our fitters with its fitters (and only those).

    Missing: skipped on a developer machine, a failure under KAM_REQUIRE_SYSTEM=1 (CI installs the dev extra).
    """
    try:
        import lifetimes
    except ImportError:
        require_system("lifetimes (test-only dependency: pip install -e '.[dev]')", False)
    return lifetimes


# ---------------------------------------------------------------------------------------------- shared runs
#: ``kam run`` on the sample, done once per test session and shared by the xdist workers (issue 16): the first
#: worker that asks runs it under a file lock, the others wait on the lock and reuse the folder. Read-only for
#: tests (a test that must change outputs copies them); a changed file fails the fixture's teardown.
SHARED_RUN_TIMEOUT_S = 1800
SHARED_RUNS = {
    # the default run: every step notebook, every definitive key account, their documents, English
    "sample_run": (str(SAMPLE), "--as-of", AS_OF),
}


def _shared_runs_dir(tmp_path_factory) -> Path:
    """A folder every worker of this session sees: under xdist each worker's basetemp is ``pytest-N/popen-gwK``,
    so their parent ``pytest-N`` (new for each session, or the cleared ``--basetemp``); else the basetemp."""
    base = tmp_path_factory.getbasetemp()
    if base.name.startswith("popen-gw"):  # this process is an xdist worker (not a pytest started inside one)
        base = base.parent
    folder = base / "shared-runs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _fingerprint(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def _shared_run(tmp_path_factory, name: str):
    """Run ``kam run`` for ``SHARED_RUNS[name]`` once per session; yield the run folder, check it is unchanged."""
    import fcntl
    import json

    base = _shared_runs_dir(tmp_path_factory) / name
    base.mkdir(exist_ok=True)
    record = base / "kam-run.json"  # the command, its exit code and output; the run folder is base/out/run
    with open(base / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes (also if this worker dies)
        if not record.is_file():
            shutil.rmtree(base / "out", ignore_errors=True)  # a run interrupted before its record
            args = [*SHARED_RUNS[name], "--out", str(base / "out"), "--run-id", "run", "--quiet"]
            # its own process group: a timeout or Ctrl-C stops the run with its pool workers and kernels
            proc = subprocess.Popen([sys.executable, "-m", "kamlib.cli", "run", *args], cwd=ROOT, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
            try:  # the whole workbook: 70 notebooks, minutes on a busy machine
                stdout, stderr = proc.communicate(timeout=SHARED_RUN_TIMEOUT_S)
                done = {"returncode": proc.returncode, "stdout": stdout, "stderr": stderr}
            except subprocess.TimeoutExpired:  # recorded, so the other workers fail too instead of running it again
                stop_process_group(proc)
                stdout, stderr = proc.communicate()
                done = {"returncode": None, "stdout": stdout,
                        "stderr": f"{stderr}\ntimed out after {SHARED_RUN_TIMEOUT_S} s"}
            finally:
                stop_process_group(proc)  # nothing left of it (a no-op once it has ended and its group is gone)
            tmp = record.with_suffix(".tmp")
            tmp.write_text(json.dumps({"args": args, **done}), encoding="utf-8")
            tmp.replace(record)
    info = json.loads(record.read_text(encoding="utf-8"))
    if info["returncode"] != 0:
        pytest.fail(f"kam run {' '.join(info['args'])} exited with {info['returncode']}:\n"
                    f"{info['stdout'][-2000:]}\n{info['stderr'][-3000:]}")
    run_dir = base / "out" / "run"
    before = _fingerprint(run_dir)
    yield run_dir
    after = _fingerprint(run_dir)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert not changed, f"{name} is read-only for tests (copy what you change); changed: {changed[:10]}"


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """The run folder (``reports/<run-id>/`` layout, manifest.json inside) of ``kam run data/sample --as-of
    2025-12-31``: notebooks 00-05, 02-04 for every definitive key account, their documents, English. One run per
    session, shared by the xdist workers; ``sample_run.parent.parent / "kam-run.json"`` holds the exit code and
    output. Read-only."""
    yield from _shared_run(tmp_path_factory, "sample_run")


# ---------------------------------------------------------------------------------------------- browser tests
#: Debian's Chromium (no ``playwright install``), its flags for a headless run without network side traffic,
#: and where browser tests keep their screenshots (gitignored).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = CHROMIUM_FLAGS  # one list for PDFs, browser tests and the room benchmark
ARTIFACTS = ROOT / "reports" / "test-artifacts"


def require_chromium() -> str:
    """Chromium's path; skips without it (fails under KAM_REQUIRE_SYSTEM=1)."""
    require_system("chromium", Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK))
    return CHROMIUM


@contextlib.contextmanager
def loopback_page(*, viewport: dict, locale: str | None = None, last_shot: str | None = None):
    """A Playwright page in Chromium that may only reach 127.0.0.1 / localhost (every other request is aborted);
    with ``last_shot`` what the page showed at the end is saved to ARTIFACTS, for a failing run."""
    from urllib.parse import urlparse

    from playwright.sync_api import sync_playwright

    exe = require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, timeout=60_000)
        page = None
        try:
            context = browser.new_context(viewport=viewport, **({"locale": locale} if locale else {}))

            def loopback_only(route):
                host = urlparse(route.request.url).hostname
                if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
                    route.continue_()
                else:
                    route.abort()

            context.route("**/*", loopback_only)
            context.set_default_timeout(60_000)
            page = context.new_page()
            yield page
        finally:
            if last_shot and page is not None:
                try:
                    ARTIFACTS.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(ARTIFACTS / last_shot), full_page=False, timeout=10_000)
                except Exception:
                    pass
            browser.close()


def stop_process_group(proc: subprocess.Popen) -> None:
    """Stop a server started with ``start_new_session=True`` and the kernels it started: its process group,
    TERM then KILL (and KILL when the leader is already gone, for kernels left in the group)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def open_in_lab(page, url: str, timeout_s: float) -> None:
    """Open a notebook in JupyterLab at ``url`` and wait until its kernel is idle (confirming the kernel dialog
    when Lab still asks which kernel to use)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(url, wait_until="domcontentloaded")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=timeout_s * 1000)
    select = page.locator(".jp-Dialog button", has_text="Select")
    try:
        select.wait_for(timeout=5_000)
        select.click()
    except PlaywrightTimeout:
        pass
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle'], "
                 ".jp-Toolbar-kernelStatus[data-status='idle']").first.wait_for(state="attached",
                                                                                  timeout=timeout_s * 1000)


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    """Poll ``url`` until it answers 200; fail with the server's log when it exits or does not answer in time."""
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


# --------------------------------------------------------------------------- small slices of the sample (H-B)


def _slice_accounts(n_accounts: int, accounts: tuple[str, ...]) -> list[str]:
    """``accounts``, the account of the sample's last order (so the data date stays), one prospect without any
    order and one lost account, then every k-th of the sample's accounts ranked by gross revenue (largest
    first, ties by id), so a slice keeps big, middling, small, lost and prospect accounts alike."""
    table = pd.read_csv(SAMPLE / "accounts.csv", dtype=str)
    acc = table["account_id"]
    revenue = pd.read_csv(SAMPLE / "orders.csv", usecols=["account_id", "gross_revenue_eur"]).groupby(
        "account_id")["gross_revenue_eur"].sum()
    ranked = sorted(acc, key=lambda a: (-revenue.get(a, 0.0), a))
    orders = pd.read_csv(SAMPLE / "orders.csv", usecols=["account_id", "date"], dtype=str)
    last = orders.sort_values(["date", "account_id"]).iloc[-1]["account_id"]  # keeps the sample's as_of
    no_orders = sorted(set(acc) - set(orders["account_id"]))  # prospects: accounts without any order
    lost = sorted(table.loc[table["status"] == "lost", "account_id"])
    chosen = list(dict.fromkeys([*accounts, last, *no_orders[:1], *lost[:1]]))
    step = len(ranked) / max(n_accounts, 1)
    for a in [ranked[int(i * step)] for i in range(min(n_accounts, len(ranked)))] + ranked:
        if len(chosen) >= max(n_accounts, len(accounts)):
            break
        if a not in chosen:
            chosen.append(a)
    return chosen


def _write_slice(folder: Path, keep: list[str], tables: tuple[str, ...] | None = None) -> Path:
    """The sample's CSV files restricted to the accounts ``keep`` (every table with an account_id column; KAMs
    and products whole, as they belong to no account); ``tables`` limits which files are written."""
    folder.mkdir(parents=True)
    for path in sorted(SAMPLE.glob("*.csv")):
        if tables is not None and path.stem not in tables:
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "account_id" in df.columns:
            df = df[df["account_id"].isin(keep)]
        df.to_csv(folder / path.name, index=False)
    return folder


@pytest.fixture(scope="session")
def sample_slice(tmp_path_factory):
    """``sample_slice(n_accounts=30, accounts=(), tables=None, exact=False) -> Path``: a data folder with the
    sample's tables restricted to ``accounts`` plus the accounts :func:`_slice_accounts` adds up to
    ``n_accounts`` (``exact``: the named accounts only, for a test that pins a composition) and everything that
    belongs to them (orders, plans, contacts, interactions, ...). Made once per session and arguments;
    read-only for tests (copy it to change it)."""
    made: dict[tuple, Path] = {}

    def make(n_accounts: int = 30, accounts=(), tables=None, exact: bool = False) -> Path:
        key = (n_accounts, tuple(accounts), None if tables is None else tuple(sorted(tables)), exact)
        if key not in made:
            keep = list(accounts) if exact else _slice_accounts(n_accounts, tuple(accounts))
            made[key] = _write_slice(tmp_path_factory.mktemp("slice") / "data", keep, key[2])
        return made[key]

    return make
