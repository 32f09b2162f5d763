"""A room at full load (issue 18): workspaces prepared before the room arrives, work done once per room.

The parts without a server: the pool's size and refill rule (on a stand-in for Voilà's pooling manager that
fills the way Voilà's does), the option and its limits, the room cache every kernel reads, and the texts of
the page a late participant sees. The browser test with three participants is at the end.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from kamlib.workshop import app, room


class _VoilaLikePool:
    """What Voilà's ``fill_if_needed`` does: start ``pool_size - len(pool)`` kernels for the notebook, the size
    read from ``kernel_pools_config`` (the notebook's entry, else "default")."""

    def __init__(self, **kwargs):
        self.kernel_pools_config = kwargs["config"]
        self._pools: dict[str, list] = {}
        self.started = 0

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
        size = self.kernel_pools_config.get(notebook_name, self.kernel_pools_config["default"])["pool_size"]
        pool = self._pools.setdefault(notebook_name, [])
        loop = asyncio.get_event_loop()
        for _ in range(size - len(pool)):
            self.started += 1
            fut = loop.create_future()
            fut.set_result({"task": _done(loop), "kernel_id": f"k{self.started}"})
            pool.append(fut)

    def take(self, notebook_name):  # what get_rendered_notebook does: pop one, then refill
        self._pools[notebook_name].pop(0)
        self.fill_if_needed(notebook_name=notebook_name)


def _done(loop):
    fut = loop.create_future()
    fut.set_result(None)
    return fut


def test_the_pool_is_filled_for_the_room_once_then_kept_at_the_spares(capsys):
    """25 participants + 2 spares = 27 kernels at the start. Voilà refills every used kernel to the full size,
    so 25 arrivals would start 25 more kernels while the room works; the room's rule keeps 2 instead:
    after 25 taken, 27 - 25 = 2 are left and nothing new starts; the 26th and 27th arrivals each take one
    and one new kernel starts per arrival (2 - 1 = 1 missing), so 27 + 2 = 29 kernels in all."""
    nb = room.notebook_name("criteria", "en")

    async def scenario():
        cls = room.room_manager_class(_VoilaLikePool, spare=2, ready_line="ready: {n}")
        pool = cls(config=room.pools(25, nb))
        pool.fill_if_needed(delay=0, notebook_name=nb)
        assert pool.started == 27
        await asyncio.sleep(0.01)  # the "ready" line once every pooled notebook has run
        for _ in range(25):
            pool.take(nb)
        assert pool.started == 27 and len(pool._pools[nb]) == 2
        pool.take(nb)
        pool.take(nb)
        assert pool.started == 29 and len(pool._pools[nb]) == 2
        pool.fill_if_needed(delay=0, notebook_name="en/portfolio_workshop.ipynb")  # not the room's: none
        assert pool.started == 29
        assert pool.kernel_pools_config[nb]["pool_size"] == 27  # the configured size itself is unchanged

    asyncio.run(scenario())
    assert capsys.readouterr().out.strip() == "ready: 27"


def test_a_kernel_still_starting_is_not_offered_to_a_participant():
    """Voilà sends a pooled page only once that kernel has started, so a participant handed a kernel still
    starting waits on a blank page. Pool: [starting, started, starting] -> 1 counts; the started one is taken
    first, and the starting ones stay for later arrivals."""

    async def scenario():
        loop = asyncio.get_event_loop()

        class Base(_VoilaLikePool):
            async def get_rendered_notebook(self, notebook_name, **kwargs):
                return await self._pools[notebook_name].pop(0)

        cls = room.room_manager_class(Base, spare=2)
        pool = cls(config=room.pools(1, "nb"))
        starting = [loop.create_future(), loop.create_future()]
        started = loop.create_future()
        started.set_result({"task": _done(loop), "kernel_id": "ready"})
        pool._pools["nb"] = [starting[0], started, starting[1]]
        assert pool.get_pool_size("nb") == 1
        assert (await pool.get_rendered_notebook("nb"))["kernel_id"] == "ready"
        assert pool._pools["nb"] == starting and pool.get_pool_size("nb") == 0

    asyncio.run(scenario())


def test_a_kernel_that_failed_to_start_leaves_the_pool():
    """Voilà keeps a failed start in the pool for good: it would count against the 2 spares (never refilled) and
    its shutdown of any kernel raises on it. Pool [failed, cancelled, started]: 1 counts, the other two go, and a
    refill then starts 2 - 1 = 1 kernel."""

    async def scenario():
        loop = asyncio.get_event_loop()
        cls = room.room_manager_class(_VoilaLikePool, spare=2)
        pool = cls(config=room.pools(1, "nb"))
        pool.log = __import__("logging").getLogger("test")
        failed, cancelled, started = loop.create_future(), loop.create_future(), loop.create_future()
        failed.set_exception(RuntimeError("Address already in use"))
        cancelled.cancel()
        started.set_result({"task": _done(loop), "kernel_id": "ok"})
        pool._pools["nb"] = [failed, cancelled, started]
        pool._kam_filled.add("nb")  # the room's first fill is over: refills keep the spares
        assert pool.get_pool_size("nb") == 1 and pool._pools["nb"] == [started]
        pool.fill_if_needed(notebook_name="nb")
        assert pool.started == 1 and len(pool._pools["nb"]) == 2

    asyncio.run(scenario())


def test_the_participants_option_and_its_limits(capsys):
    assert app.parse_args([]).participants == 0  # without it: each workspace starts when its page is opened
    args = app.parse_args(["--participants", "25", "--workshop", "portfolio"])
    assert (args.participants, args.workshop) == (25, "portfolio")
    for bad in ("-1", "41", "many"):
        with pytest.raises(SystemExit) as exc:
            app.parse_args(["--participants", bad])
        assert exc.value.code == 2
        assert "--participants" in capsys.readouterr().err
    with pytest.raises(ValueError):
        room.pools(0, "en/criteria_workshop.ipynb")
    with pytest.raises(ValueError):
        room.notebook_name("pricing", "en")


def test_voila_gets_the_forked_kernelspec_only_where_its_provisioner_is_installed(monkeypatch):
    """Issue 16: the app's JUPYTER_PATH holds kamlib's page templates and, where kamlib's installation registers
    the provisioner ``kam-forked``, the ``python3`` kernelspec that names it: jupyter_client then finds that spec
    first. Without the entry point (kamlib imported from a folder, not installed) jupyter_client would refuse
    the spec (NoSuchKernel) and Voilà would start no kernel, so the spec is left out and ipykernel's own serves."""
    import importlib.metadata
    import os

    from jupyter_client.kernelspec import KernelSpecManager

    path = room.jupyter_path("/elsewhere").split(os.pathsep)
    assert path == [str(room.TEMPLATES), str(room.KERNELSPECS), "/elsewhere"]
    specs = KernelSpecManager(kernel_dirs=[os.path.join(path[1], "kernels")])
    assert specs.get_kernel_spec("python3").metadata["kernel_provisioner"]["provisioner_name"] == "kam-forked"
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **kw: [])
    assert room.jupyter_path("").split(os.pathsep) == [str(room.TEMPLATES)]


def test_the_launcher_runs_voila_with_the_rooms_pool():
    cmd = app.voila_command(8866, room.TEMPLATES, token="k7m2qp")
    assert "--Voila.port_retries=0" in cmd  # never a different port than the address printed
    assert (room.TEMPLATES / "voila" / "templates" / "kam" / "index.html.j2").is_file()
    launched = room.launcher_command(
        cmd, participants=25, notebook="de/criteria_workshop.ipynb", ready_line="bereit: {n}"
    )
    assert launched[:3] == [sys.executable, "-m", "kamlib.workshop.room"]
    parsed = room.build_parser().parse_args(launched[3:])
    assert (parsed.participants, parsed.spare, parsed.notebook) == (25, 2, "de/criteria_workshop.ipynb")
    assert parsed.voila[1:] == cmd[3:]  # Voilà's own options passed on unchanged


def test_the_room_cache_is_what_every_kernel_loads(tmp_path, monkeypatch):
    """The data is validated once; a kernel's ``kamlib.load`` with the notebook's parameters gets the cached
    object (marked as coming from the cache: the portfolio_memo functions share their results only for it)."""
    import kamlib
    from kamlib.data import cache

    as_of, env = room.room_cache("", tmp_path / "cache")
    assert as_of == str(kamlib.load(kamlib.SAMPLE).as_of.date())
    monkeypatch.setenv(cache.ENV, env[cache.ENV])
    data = kamlib.load("" or kamlib.SAMPLE, as_of=as_of)  # the notebook's call with the room's parameters
    assert getattr(data, cache._TOKEN, None)
    assert len(data.accounts) == len(kamlib.load(kamlib.SAMPLE).accounts)


def test_the_room_notebooks_carry_the_date_and_the_page_texts(tmp_path):
    import nbformat

    made = app.room_notebooks(tmp_path, langs=("de",), as_of="2025-12-31")
    nb = nbformat.read(made[0], as_version=4)
    params = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "as_of: str = '2025-12-31'" in params
    texts = nb.metadata["kam_room"]
    assert texts == {"lang": "de", "preparing": "Ihr Arbeitsplatz wird vorbereitet …", "step": "Schritt {i} von {n}"}


# ---------------------------------------------------------------------------------- three participants, live

TOKEN = "room42"
#: the handle of the first weight slider (a row with a share beside it; the rating form's sliders come first)
WEIGHT_HANDLE = ".widget-hbox:has(.kam-share) .widget-slider .noUi-handle"
_SHARES = "() => [...document.querySelectorAll('.kam-share')].map(s => s.textContent.trim())"
_USABLE = """() => { const h = document.querySelector('.widget-hbox:has(.kam-share) .widget-slider .noUi-handle');
                     const s = document.querySelector('.kam-share');
                     return !!(h && s && s.textContent.trim() && h.getBoundingClientRect().width > 0); }"""
_LOADING = "() => (document.getElementById('loading_text') || {}).textContent || ''"


def _app(home, argv: list[str], env: dict):
    """``python -m kamlib.workshop.app`` with ``argv`` in ``home``, in its own process group (so that the test can
    stop it with everything it started), its output in ``home/app.log``."""
    import subprocess

    log = home / "app.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kamlib.workshop.app", *argv],
            cwd=home,
            stdout=fh,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    return proc, log


def _wait_ready(proc, log, address: str, ready: str, timeout: float):
    """The match of ``address`` in the app's output once the line ``ready`` is there too; fails with the output's
    end when the app exits or ``timeout`` seconds pass first."""
    import re
    import time

    deadline = time.monotonic() + timeout
    while True:
        text = log.read_text(errors="replace")
        m = re.search(address, text)
        if m and ready in text:
            return m
        assert proc.poll() is None, f"the app exited with {proc.returncode}:\n{text[-3000:]}"
        assert time.monotonic() < deadline, f"the room was not ready within {timeout:.0f} s:\n{text[-3000:]}"
        time.sleep(0.2)


@pytest.fixture()
def small_room(tmp_path_factory):
    """``kam workshop --participants 1 --workshop portfolio`` (1 + 2 spare = 3 kernels) on 127.0.0.1, English,
    nothing recorded; yields the portfolio workshop's address, the app's log and its process once the app says the
    room is ready."""
    import importlib.util
    import os
    import shutil

    from conftest import ROOT, require_system, stop_process_group

    require_system("voila", importlib.util.find_spec("voila") is not None)
    home = tmp_path_factory.mktemp("room-home")
    shutil.copytree(
        ROOT / "notebooks" / "workshop", home / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "KAM_RUN_CACHE"))}
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
        MPLBACKEND="Agg",
        TMPDIR=str(home),
    )
    argv = ["--port", "0", "--token", TOKEN, "--register", "", "--folder", str(home / "notebooks")]
    proc, log = _app(home, [*argv, "--participants", "1", "--workshop", "portfolio"], env)
    try:
        m = _wait_ready(proc, log, r"(http://127\.0\.0\.1:\d+)/\?token=" + TOKEN, "The room is ready: 3 workspaces", 300)
        yield f"{m.group(1)}/voila/render/en/portfolio_workshop.ipynb?token={TOKEN}", log, proc
    finally:
        stop_process_group(proc)


def _kernels_of(pid: int) -> tuple[list, list]:
    """The app ``pid``'s kernel templates (kamlib.batch.kernels) and the kernels it started cold
    (``ipykernel_launcher`` processes), among its live descendants."""
    import psutil  # ipykernel's own dependency

    templates, cold = [], []
    for p in psutil.Process(pid).children(recursive=True):
        try:
            cmd = " ".join(p.cmdline())
            parent = p.parent()
            forked = parent is not None and "kam_kernel_template" in " ".join(parent.cmdline())
        except psutil.NoSuchProcess:  # a kernel that ended meanwhile
            continue
        if "kam_kernel_template" in cmd and not forked:
            templates.append(p)
        elif "ipykernel_launcher" in cmd:
            cold.append(p)
    return templates, cold


def test_five_portfolio_participants_see_only_their_own_sliders_and_late_arrivals_get_a_working_page(small_room):
    """Five open at once with three kernels prepared (1 participant + 2 spares), every one forked from Voilà's one
    kernel template (issue 16): three get the prepared ones, the
    other two arrive after the pool is used and get kernels started for them (refilled spares, or Voilà's
    ordinary path when none has started yet: which one depends on a second's timing), while the pages say
    "Preparing your workspace". Every page becomes usable with the room's starting weights. A then moves the first weight slider four steps (0.05 each): A's shares change, nobody
    else's do. Nobody sees a traceback."""
    import json
    import time
    from urllib.parse import urlparse

    from conftest import CHROMIUM_ARGS, require_chromium
    from playwright.sync_api import sync_playwright

    url, log, app = small_room
    exe = require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, timeout=60_000)
        try:

            def participant():
                ctx = browser.new_context(viewport={"width": 1280, "height": 800})
                ctx.route(
                    "**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname == "127.0.0.1" else r.abort()
                )
                ctx.set_default_timeout(120_000)
                return ctx.new_page()

            pages = [participant() for _ in range(5)]
            a, others = pages[0], pages[1:]
            for pg in pages:
                pg.goto(url, wait_until="commit")
            seen: set[str] = set()
            deadline = time.monotonic() + 240
            while not all(pg.evaluate(_USABLE) for pg in pages):
                assert time.monotonic() < deadline, "a participant's page never became usable"
                for pg in pages:
                    try:
                        seen.add(pg.evaluate(_LOADING))
                    except Exception:  # the page is between documents
                        pass
                time.sleep(0.05)
            assert any(t.startswith("Preparing your workspace") for t in seen), seen
            text = log.read_text(errors="replace")
            assert text.count("Kernel started") >= 5  # 3 prepared + at least 2 started after the room arrived
            # issue 16: every kernel forked from one template of Voilà's (kamlib.batch.provisioner), none cold
            templates, cold = _kernels_of(app.pid)
            assert len(templates) == 1 and not cold, (templates, cold)
            assert len(templates[0].children()) >= 5  # the five participants' kernels, the refilled spares
            start = [pg.evaluate(_SHARES) for pg in pages]
            from kamlib.workshop import COMPONENTS

            # everyone: the room's starting weights, a share beside each weight of both axes
            assert all(x == start[0] for x in start) and len(start[0]) == 2 * len(COMPONENTS)
            a.locator(WEIGHT_HANDLE).first.focus()
            for _ in range(4):
                a.keyboard.press("ArrowRight")
            a.wait_for_function(
                f"before => JSON.stringify(({_SHARES})()) !== before",
                arg=json.dumps(start[0], separators=(",", ":"), ensure_ascii=False),
            )
            assert a.evaluate(_SHARES) != start[0]
            time.sleep(2)  # time enough for a leak to show: the kernels answer within a second
            assert [pg.evaluate(_SHARES) for pg in others] == start[1:]
            for pg in pages:
                body = pg.inner_text("body")
                assert "Traceback" not in body and "Error" not in body.split("\n")[0]
        finally:
            browser.close()


def test_bad_data_stops_the_room_before_any_kernel_starts(tmp_path, monkeypatch, capsys):
    """--participants validates the data once before the server starts: a bad cell is one clear error naming
    file, row and column (exit 2, no traceback), and Voilà is never started."""
    import shutil

    import kamlib
    from kamlib.cli import main as kam_main

    src = tmp_path / "data"
    shutil.copytree(kamlib.SAMPLE, src)
    lines = (src / "orders.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    col = header.index("gross_revenue_eur")
    row = lines[3].split(",")
    row[col] = "viel"  # not a number, data row 3
    lines[3] = ",".join(row)
    (src / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(app, "_call", lambda *a, **k: pytest.fail("Voilà started on bad data"))
    monkeypatch.chdir(tmp_path)
    code = kam_main(["workshop", "--source", str(src), "--participants", "3", "--register", "", "--port", "0"])
    err = capsys.readouterr().err
    assert code == 2
    assert "orders.csv" in err and "gross_revenue_eur" in err and "Traceback" not in err


def test_the_room_cache_is_not_used_once_the_source_changes(tmp_path, monkeypatch):
    """A room whose decision register lives in its data folder (--register = --source) records a decision; the
    next workspace must see the folder as it is now, not the data validated when the app started."""
    import shutil

    import kamlib
    from kamlib.data import cache

    src = tmp_path / "data"
    shutil.copytree(kamlib.SAMPLE, src)
    as_of, env = room.room_cache(str(src), tmp_path / "cache")
    monkeypatch.setenv(cache.ENV, env[cache.ENV])
    assert getattr(kamlib.load(str(src), as_of=as_of), cache._TOKEN, None)  # from the room cache
    accounts = src / "accounts.csv"
    accounts.write_text(accounts.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # the folder changed
    assert getattr(kamlib.load(str(src), as_of=as_of), cache._TOKEN, None) is None  # loaded afresh


# ------------------------------------------------------------------- the criteria workshop: the participants' page


def test_the_criteria_room_serves_the_page_and_keeps_the_facilitators_notebooks_on_this_computer(
    tmp_path, monkeypatch, capsys
):
    """--participants N for the criteria workshop: the participants' page on the room's address, the facilitator's
    Voilà on 127.0.0.1 and another port, its notebook gathering the hand-in folder (which lies outside the app's
    temporary folder, so that nothing handed in is lost when the app stops)."""
    import nbformat

    seen: dict = {}

    def fake_call(cmd, cwd=None, **kw):
        seen["cmd"] = cmd
        nb = nbformat.read(Path(cwd) / "en" / "criteria_workshop.ipynb", as_version=4)
        seen["params"] = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        return 0

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(app, "_call", fake_call)
    monkeypatch.setattr(app, "lan_ip", lambda: "192.168.10.23")
    argv = ["--bind", "0.0.0.0", "--port", "0", "--token", "k7m2qp", "--register", "", "--participants", "12"]
    assert app.run(app.parse_args([*argv, "--instruction"])) == 0
    out = capsys.readouterr().out
    cmd = seen["cmd"]
    assert cmd[:3] == [sys.executable, "-m", "kamlib.workshop.page"]
    parsed = page_parser().parse_args(cmd[3:])
    voila = parsed.child[1:]
    assert parsed.bind == "0.0.0.0" and parsed.token == "k7m2qp" and parsed.lang == "en"
    assert parsed.hand_ins == str(tmp_path / "workshop-ratings")
    assert "--Voila.ip=127.0.0.1" in voila  # the decide step is not on the room's network
    nb_port = int(next(a for a in voila if a.startswith("--port=")).split("=")[1])
    assert nb_port != parsed.port
    assert f"ratings_file: str = {str(tmp_path / 'workshop-ratings')!r}" in seen["params"]
    assert f"The participants' page: http://192.168.10.23:{parsed.port}/?token=k7m2qp" in out
    assert f"http://127.0.0.1:{nb_port}/voila/render/en/criteria_workshop.ipynb?token=k7m2qp" in out
    assert "then click on today's workshop" not in out and "type http://192.168.10.23:" in out
    # the portfolio workshop keeps Voilà's prepared kernels for every participant
    monkeypatch.setattr(room, "prepare", lambda nb, env: seen.setdefault("prepared", nb.name))
    assert app.run(app.parse_args([*argv, "--workshop", "portfolio"])) == 0
    assert seen["cmd"][:3] == [sys.executable, "-m", "kamlib.workshop.room"]
    assert seen["prepared"] == "portfolio_workshop.ipynb"


def page_parser():
    from kamlib.workshop import page

    return page.build_parser()


_PAGE_USABLE = """() => document.body && document.body.dataset.ready === '1'
                 && document.querySelectorAll('input.kam-weight').length > 0
                 && document.querySelectorAll('#kam-ranking tbody tr').length > 0"""
_PAGE_SHARES = "() => [...document.querySelectorAll('output.share')].map(s => s.textContent.trim())"
_PAGE_RANKING = "() => document.getElementById('kam-ranking').innerText"


@pytest.fixture(scope="module")
def page_room(tmp_path_factory):
    """``kam workshop --participants 3`` (criteria) on 127.0.0.1 with its own hand-in folder; yields the page's
    address, the hand-in folder, the app's process and its home (TMPDIR) once the room is ready."""
    import importlib.util
    import os

    from conftest import require_system, stop_process_group

    require_system("voila", importlib.util.find_spec("voila") is not None)  # the facilitator's notebooks
    if os.name != "posix":
        pytest.skip("--participants needs Linux or macOS")
    home = tmp_path_factory.mktemp("page-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "KAM_RUN_CACHE"))}
    env.update(JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"), TMPDIR=str(home))
    token = "page" + str(os.getpid())
    argv = ["--port", "0", "--token", token, "--register", "", "--participants", "3"]
    proc, log = _app(home, [*argv, "--hand-ins", str(home / "hand-ins")], env)
    try:
        m = _wait_ready(proc, log, r"The participants' page: (http://127\.0\.0\.1:\d+/\?token=" + token + ")", "The room is ready.", 180)
        yield {"url": m.group(1), "hand_ins": home / "hand-ins", "proc": proc, "home": home, "token": token}
    finally:
        stop_process_group(proc)


def test_three_participants_on_the_page_work_privately_and_a_late_arrival_starts_fresh(page_room):
    """Three open the page at once: each is usable with the room's starting weights and a ranking. A moves the first
    weight slider four steps: A's shares and ranking change; B then moves the second and gets the shares of B's
    weights alone; C's page stays as it was. A fourth arrives late and starts
    from the room's weights, not A's. A hands in ratings: one file in the hand-in folder, the thanks on A's page
    only. No page asks anything of a host other than the app; no page shows a traceback."""

    from conftest import CHROMIUM_ARGS, require_chromium
    from playwright.sync_api import sync_playwright

    url = page_room["url"]
    exe = require_chromium()
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, timeout=60_000)
        try:

            def participant():
                ctx = browser.new_context(viewport={"width": 1280, "height": 800})

                def route(r):
                    if r.request.url.startswith(url.split("?")[0]):
                        r.continue_()
                    else:
                        outside.append(r.request.url)
                        r.abort()

                ctx.route("**/*", route)
                ctx.set_default_timeout(30_000)
                return ctx.new_page()

            pages = [participant() for _ in range(3)]
            a, b, c = pages
            for pg in pages:
                pg.goto(url, wait_until="commit")
            for pg in pages:
                pg.wait_for_function(_PAGE_USABLE)
            start = [pg.evaluate(_PAGE_SHARES) for pg in pages]
            ranking = [pg.evaluate(_PAGE_RANKING) for pg in pages]
            assert start[0] == start[1] == start[2] and len(start[0]) == 6
            assert ranking[0] == ranking[1] == ranking[2]
            a.locator("input.kam-weight").first.focus()
            for _ in range(4):
                a.keyboard.press("ArrowRight")
            # the starting weights are 1/6 each, on the slider's 0.01 grid 0.17; four steps make 0.21:
            # 0.21 / (5 * 0.17 + 0.21) = 19.8 % -> 20 %, 0.17 / 1.06 = 16.0 % -> 16 %. Waited for, not read at
            # once: the answer to the third step may come before the fourth is pressed (then 19 % shows until
            # the fourth's answer arrives); a page that never shows 20 % fails after the 30 s timeout
            a_moved = ["20%", "16%", "16%", "16%", "16%", "16%"]
            a.wait_for_function(f"want => JSON.stringify(({_PAGE_SHARES})()) === want", arg=_json(a_moved))
            a.wait_for_function("() => document.body.dataset.ranked === '4'")  # the answer to the 4th move
            assert a.evaluate(_PAGE_RANKING) != ranking[0]
            assert a.evaluate(_PAGE_SHARES) == a_moved
            # B then moves the second slider: B's answer is for B's weights alone, A's move is not in it
            b.locator("input.kam-weight").nth(1).focus()
            for _ in range(4):
                b.keyboard.press("ArrowRight")
            b_moved = ["16%", "20%", "16%", "16%", "16%", "16%"]
            b.wait_for_function(f"want => JSON.stringify(({_PAGE_SHARES})()) === want", arg=_json(b_moved))
            b.wait_for_function("() => document.body.dataset.ranked === '4'")
            assert b.evaluate(_PAGE_SHARES) == b_moved
            assert a.evaluate(_PAGE_SHARES) == ["20%", "16%", "16%", "16%", "16%", "16%"]
            assert c.evaluate(_PAGE_SHARES) == start[2] and c.evaluate(_PAGE_RANKING) == ranking[2]
            late = participant()
            late.goto(url)
            late.wait_for_function(_PAGE_USABLE)
            assert late.evaluate(_PAGE_SHARES) == start[0]
            # A hands in two ratings
            a.fill("#kam-rater", "Participant A")
            a.locator("#kam-rate input[type=number]").nth(0).fill("8")
            a.locator("#kam-rate input[type=number]").nth(1).fill("3")
            a.click("#kam-hand-in")
            a.wait_for_function("() => document.getElementById('kam-hand-in-msg').textContent.startsWith('Thank you')")
            assert a.inner_text("#kam-hand-in-msg").startswith("Thank you, Participant A! Ratings handed in: 2.")
            assert len(list(page_room["hand_ins"].glob("*.csv"))) == 1
            assert b.inner_text("#kam-hand-in-msg") == ""
            for pg in [*pages, late]:
                assert "Traceback" not in pg.inner_text("body")
            assert outside == []
        finally:
            browser.close()


def test_a_stopped_room_leaves_no_copies_of_the_data_and_no_servers(page_room):
    """SIGTERM to the app (a closed terminal, a system shutdown): the app's temporary folder (the notebooks' copies
    and the room cache: customer data) is removed, the page and the facilitator's Voilà stop, and the hand-ins
    stay."""
    import json
    import signal
    import subprocess
    import time
    import urllib.request

    proc, home = page_room["proc"], page_room["home"]
    assert list(home.glob("kam-workshop-*"))  # while it runs
    request = urllib.request.Request(
        page_room["url"].split("?")[0] + "hand-in",
        data=json.dumps({"rater": "Stop test", "scores": {}}).encode(),
        headers={"Content-Type": "application/json", "X-Room-Token": page_room["token"]},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # no scores: refused, nothing written
        assert json.loads(answer.read())["ok"] is False
    before = sorted(p.name for p in page_room["hand_ins"].glob("*.csv"))
    proc.send_signal(signal.SIGTERM)  # the app alone, not its process group
    proc.wait(timeout=60)
    deadline = time.monotonic() + 30
    while subprocess.run(["pgrep", "-f", page_room["token"]], capture_output=True).stdout.strip():
        assert time.monotonic() < deadline, "a server of the room still runs after the app stopped"
        time.sleep(0.3)
    assert not list(home.glob("kam-workshop-*"))
    assert sorted(p.name for p in page_room["hand_ins"].glob("*.csv")) == before  # the room's, never removed


def _json(value) -> str:
    import json

    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
