"""Real-browser tests of the workshop: JupyterLab and the Voilà app, driven by Playwright.

Both servers run on 127.0.0.1 inside the test (subprocesses in their own process group, stopped by PID in
the fixture teardown) on a copy of the workshop notebooks and the sample data, so JupyterLab's autosave
never touches the committed notebooks. The browser is Debian's /usr/bin/chromium (no ``playwright
install``); every request to a host other than 127.0.0.1 is aborted. The screenshot taken after the slider
moved is kept in ``reports/test-artifacts/`` (gitignored) and its path printed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import ARTIFACTS, ROOT, loopback_page, open_in_lab, require_chromium, stop_process_group, wait_http

NOTEBOOK = "criteria_workshop.ipynb"
SERVER_START_S = 120
RUN_S = int(os.environ.get("KAM_BROWSER_TIMEOUT", 180))


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_chromium()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """notebooks/workshop and data/sample copied with the same relative layout."""
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(ROOT / "notebooks" / "workshop", root / "notebooks" / "workshop",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "data" / "sample", root / "data" / "sample")
    return root


def _free_port() -> int:
    from kamlib.workshop.app import free_port

    return free_port(0)


class _Server:
    def __init__(self, cmd: list[str], cwd: Path, log: Path, env: dict[str, str]):
        self.log = log
        self._fh = open(log, "wb")
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=self._fh, stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)

    def stop(self) -> None:
        """Stop the server and its kernels: the process group led by our PID, TERM then KILL."""
        try:
            stop_process_group(self.proc)
        finally:
            self._fh.close()


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "KAM_WORKSHOP_LIVE"))}
    # own config, data and runtime dirs: no user settings, no workspace restore, nothing outside tmp
    env.update(JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               IPYTHONDIR=str(home / "ipython"), MPLBACKEND="Agg")
    return env


@pytest.fixture(scope="module")
def jupyterlab(workdir, chromium):
    token = uuid.uuid4().hex
    port = _free_port()
    home = workdir / "_lab"
    settings = home / "settings"
    # render every cell (no windowing, so the widget is in the DOM wherever it is) and fetch no news
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none", "autoStartDefaultKernel": true}')
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--ServerApp.token={token}", f"--port={port}",
           "--ip=127.0.0.1", f"--ServerApp.root_dir={workdir}", "--ServerApp.port_retries=0", "--allow-root",
           "--LabApp.extension_manager=readonly",
           f"--LabApp.workspaces_dir={home / 'workspaces'}", f"--LabApp.user_settings_dir={settings}",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.news_url=None"]
    server = _Server(cmd, workdir, home / "server.log", _env(home))
    try:
        wait_http(f"http://127.0.0.1:{port}/api/status?token={token}", server.proc, server.log, SERVER_START_S)
        yield f"http://127.0.0.1:{port}", token
    finally:
        server.stop()


@pytest.fixture(scope="module")
def voila(workdir, chromium):
    from kamlib.workshop.app import voila_command

    port = _free_port()
    home = workdir / "_voila"
    home.mkdir()
    server = _Server(voila_command(port, workdir / "notebooks" / "workshop"), workdir, home / "server.log", _env(home))
    try:
        wait_http(f"http://127.0.0.1:{port}/", server.proc, server.log, SERVER_START_S)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture()
def page(chromium):
    with loopback_page(viewport={"width": 1400, "height": 1000}, last_shot="last_page.png") as pg:
        yield pg


# ---------------------------------------------------------------------------------------------- helpers


def _ranking_table(scope):
    """The ranking table of the weight workshop (the only widget table with a 'Score' column header)."""
    return scope.locator(".widget-html-content table", has=scope.page.locator("th", has_text="Score")).first


def _set_slider(scope, description: str, value: str) -> None:
    """Set the slider labelled ``description`` to ``value`` with the keyboard (as a user can); "max" drags a
    weight slider's handle past the end of the track (a weight has no number: the share beside it is the number)."""
    exact = re.compile(rf"^{re.escape(description)}$")  # the form's sliders have longer labels
    slider = scope.locator(".widget-slider", has=scope.page.locator(".widget-label", has_text=exact)).first
    if value == "max":  # the weight sliders are those with a share beside them (the rating form has the same labels)
        row = scope.locator(".widget-hbox", has=scope.page.locator(".kam-share"))
        slider = row.locator(".widget-slider", has=scope.page.locator(".widget-label", has_text=exact)).first
        handle = slider.locator(".noUi-handle")
        handle.scroll_into_view_if_needed()
        box, track = handle.bounding_box(), slider.locator(".slider-container").bounding_box()
        mouse = scope.page.mouse
        mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        mouse.down()
        mouse.move(track["x"] + track["width"] + 40, box["y"] + box["height"] / 2, steps=8)
        mouse.up()
        return
    # the value sliders show their number as text beside them (in the room's language), not in an editable
    # readout: step the handle with the arrow keys, as a keyboard user does, until it stands at ``value``
    handle = slider.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    handle.focus()
    target = float(value)
    for _ in range(60):
        now = float(handle.get_attribute("aria-valuenow"))
        if abs(now - target) < 1e-9:
            break
        handle.press("ArrowRight" if now < target else "ArrowLeft")
    assert abs(float(handle.get_attribute("aria-valuenow")) - target) < 1e-9, f"{description} did not reach {value}"


def _expected_names(relationship_weight: float) -> list[str]:
    """The ranking kamlib computes when the relationship slider stands at ``relationship_weight``."""
    import kamlib
    from kamlib import workshop

    data = kamlib.load(ROOT / "data" / "sample", as_of="2025-12-31")
    names = data.accounts.set_index("account_id")["name"]
    room = workshop.RatedWorkshop.from_ratings(data.ratings, names)
    w = room.weights.copy()
    w[list(room.criteria).index("relationship")] = relationship_weight
    return room.ranking(w)["name"].tolist()


def _names(table) -> list[str]:
    return [line.split("\t")[1] for line in table.inner_text().splitlines()[1:] if line.count("\t") >= 2]


def _move_and_check(page, scope, name: str) -> Path:
    table = _ranking_table(scope)
    table.wait_for(state="attached", timeout=RUN_S * 1000)
    table.scroll_into_view_if_needed()
    before = table.inner_text()
    assert _names(table) == _expected_names(1 / 6)  # equal weights to start with
    _set_slider(scope, "Strength of relationship", "max")  # the relationship weight from 1/6 to 1
    _wait_until(lambda: table.inner_text() != before)
    after = _names(table)
    assert after != _expected_names(1 / 6)
    assert after == _expected_names(1.0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"workshop_after_slider_{name}.png"
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(shot), full_page=False)
    print(f"screenshot: {shot}")
    _assert_not_blank(shot)
    return shot


def _wait_until(condition, timeout: float = 30.0) -> None:
    """Poll ``condition`` (locators re-query the page: widgets replace their HTML on every update)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the page did not change within {timeout:.0f} s")
        time.sleep(0.2)


def _assert_not_blank(path: Path) -> None:
    from PIL import Image

    with Image.open(path) as img:
        rgb = img.convert("RGB")
        colors = rgb.getcolors(maxcolors=1 << 20) or []
        lo, hi = zip(*rgb.getextrema())
    assert len(colors) > 50, f"{path}: only {len(colors)} colours, looks blank"
    assert min(lo) < 100 and max(hi) > 200, f"{path}: no contrast"


# ---------------------------------------------------------------------------------------------- tests


def test_jupyterlab_runs_workshop_and_slider_reranks(jupyterlab, page):

    base, token = jupyterlab
    t0 = time.monotonic()
    # wait until the notebook is open and its kernel is idle, then Run > Run All Cells
    open_in_lab(page, f"{base}/lab/tree/notebooks/workshop/{NOTEBOOK}?token={token}", SERVER_START_S)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    _move_and_check(page, page.locator(".jp-Notebook"), "lab")
    print(f"JupyterLab: run + slider in {time.monotonic() - t0:.1f} s")


def test_voila_app_shows_workshop_without_code_and_slider_reranks(voila, page):
    t0 = time.monotonic()
    page.goto(f"{voila}/voila/render/{NOTEBOOK}", wait_until="domcontentloaded", timeout=RUN_S * 1000)
    shot = _move_and_check(page, page.locator("body"), "voila")
    body = page.locator("body").inner_text()
    assert "import kamlib" not in body and "workshop.show(" not in body  # participants see no code
    assert "Traceback" not in body
    # the handout follows the sliders as the room sees them: the other five stand at 1/6, so relationship 1 is
    # 1 / (1 + 5/6) = 6/11 = 0.545 -> 55 % and each other (1/6) / (11/6) = 1/11 = 0.091 -> 9 %, as beside the sliders
    page.locator("button", has_text="Handout").click()
    link = page.locator("a[download='workshop_handout.html']")
    link.wait_for(timeout=30_000)
    weights = page.locator("table", has=page.locator("th", has_text="Weight")).first.inner_text()
    assert "Strength of relationship\t55%" in weights and weights.count("\t9%\t") == 5
    print(f"Voila: render + slider in {time.monotonic() - t0:.1f} s ({shot.name})")


def test_voila_portfolio_cut_line_and_scenario_button(voila, page, sample_data):
    from kamlib import selection, workshop

    sel = selection.select_key_accounts(
        sample_data, criteria=["revenue_share", "lifetime_value", "growth_potential", "relationship"],
        weights={"revenue_share": 0.35, "lifetime_value": 0.25, "growth_potential": 0.2, "relationship": 0.2})
    board = workshop.PortfolioWorkshop.from_data(sample_data, sel)
    board.define(strength_cut=6.0)
    expected_moves = board.changes().index.tolist()
    assert expected_moves  # the strength line at 6 moves some key accounts
    page.goto(f"{voila}/voila/render/portfolio_workshop.ipynb", wait_until="domcontentloaded", timeout=RUN_S * 1000)
    changes = page.locator(".kam-changes").first
    changes.wait_for(state="attached", timeout=RUN_S * 1000)
    assert "No account changes quadrant" in changes.inner_text()
    _set_slider(page.locator("body"), "Strength: cut line", "6")

    def shown() -> list[str]:
        return [line.split("\t")[0] for line in changes.inner_text().splitlines() if line.startswith("ACC-")]

    # the keyboard passes 5.5 on its way to 6: wait for the view of 6, and fail with what was shown instead
    try:
        _wait_until(lambda: shown() == expected_moves)
    except AssertionError:
        assert shown() == expected_moves
    capacity = page.locator(".kam-capacity").first
    total_before = [ln for ln in capacity.inner_text().splitlines() if ln.startswith("Total")][0]  # label in lang
    page.locator("button", has_text="Drop the weakest 3").click()
    _wait_until(lambda: total_before not in capacity.inner_text())
    total_after = [ln for ln in capacity.inner_text().splitlines() if ln.startswith("Total")][0]
    assert total_after.split("\t")[2] == str(len(sel.definitive) - 3)
