"""A workshop room at full load: N participants open the criteria workshop at once (issue 18).

The room's app (``python -m kamlib.workshop.app --participants N``) is started on 127.0.0.1 with a known access
code and left to prepare the room (it prints when it is ready). Then one Chromium (Debian's, through
Playwright) opens N pages at the same moment, each in its own browser context (its own cookies: a participant's
laptop), and measures for each

* the time from opening the link to the first usable weight slider: for the participants' page of the criteria
  workshop (the default) the slider on screen with the ranking beside it and the page's script running; for a
  Voilà room (``--voila``: the portfolio workshop on prepared kernels; ``--cold``: the criteria workshop without
  ``--participants``) the slider and the shares beside it filled in by the participant's kernel;
* the time from moving that slider (one arrow key on its handle) to the updated ranking table on the page, once
  every participant's page is usable (all N connected): first each at its own seeded moment within SPREAD_S
  seconds, then all released together; on the participants' page measured inside the page (its change event to
  the new table), with the benchmark's own view beside it; on a Voilà page the benchmark's view (the table or, for
  the portfolio, the chart redrawn);

and, every 0.2 s while the room is open, the app's memory: the proportional set size (PSS: shared pages
divided among the processes sharing them) summed over the app and every kernel it started.

Only 127.0.0.1 is contacted (Chromium resolves no other host); the app is stopped at the end, also on failure.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from kamlib.present.pdf import CHROMIUM_FLAGS

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench7"
PARTICIPANTS = int(os.environ.get("KAM_ROOM_PARTICIPANTS", 25))
GOAL_FIRST_SLIDER_S = 10.0
GOAL_SLIDER_TO_RANKING_S = 1.0
GOAL_PEAK_GB = 6.0
#: once all are connected, each participant moves a slider at a seeded moment within this many seconds
SPREAD_S = 5.0
CHROMIUM = "/usr/bin/chromium"
#: the handle of the first weight slider (a row with a share beside it; the rating form's sliders come first)
WEIGHT_HANDLE = ".widget-hbox:has(.kam-share) .widget-slider .noUi-handle"
#: every host but 127.0.0.1 unresolvable inside Chromium itself: a route handler in this script would pass each of
#: the room's ~2,400 requests (97 per page) through Python and become the bottleneck it is meant to observe
CHROMIUM_ARGS = [*CHROMIUM_FLAGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def available() -> bool:
    """Voilà, Playwright and Debian's Chromium are installed (``make test``'s CI machine has them)."""
    import importlib.util

    return all(importlib.util.find_spec(m) for m in ("voila", "playwright")) and os.access(CHROMIUM, os.X_OK)


def _tree(pid: int) -> list:
    """The process ``pid`` and its live descendants (psutil processes); none when it is gone."""
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


class Room:
    """The app in its own process group, its output in a log file."""

    def __init__(self, participants: int, home: Path, lang: str = "en", workshop: str = "criteria"):
        self.home, self.log = home, home / "app.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
        env.update(
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            IPYTHONDIR=str(home / "ipython"),
            MPLBACKEND="Agg",
        )
        self._fh = open(self.log, "wb")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kamlib.workshop.app",
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--token",
                TOKEN,
                "--lang",
                lang,
                "--register",
                "",
                "--participants",
                str(participants),  # 0: the app as before, each kernel started when its page is opened
                "--workshop",
                workshop,
                "--hand-ins",
                str(home / "hand-ins"),
            ],
            cwd=home,
            stdout=self._fh,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, pattern: str, timeout: float) -> str:
        """The app's address once the log matches ``pattern`` (its "ready" line)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited with {self.proc.returncode}:\n{self.text()[-3000:]}")
            text = self.text()
            m = re.search(r"(http://127\.0\.0\.1:\d+)/\?token=" + TOKEN, text)
            if m and re.search(pattern, text):
                return m.group(1)
            time.sleep(0.2)
        raise RuntimeError(f"the app was not ready within {timeout:.0f} s:\n{self.text()[-3000:]}")

    def pss_bytes(self) -> int:
        """PSS of the app and all its descendants (kernels), now."""
        import psutil

        total = 0
        for p in _tree(self.proc.pid):
            try:
                total += p.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return total

    def stop(self) -> None:
        try:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=10)
            else:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        finally:
            self._fh.close()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live descendants (seconds)."""
    import psutil

    total = 0.0
    for p in _tree(pid):
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


class MemoryWatch(threading.Thread):
    """Samples the room's PSS every ``every`` seconds until stopped; keeps the peak."""

    def __init__(self, room: Room, every: float = 0.2):
        super().__init__(daemon=True)
        self.room, self.every, self.peak = room, every, 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak = max(self.peak, self.room.pss_bytes())
            self._halt.wait(self.every)

    def stop(self) -> int:
        self._halt.set()
        self.join(timeout=30)
        return self.peak


# the participants' page: usable when its script runs and the ranking and a weight slider are on it
_PAGE_USABLE = """() => !!(document.body && document.body.dataset.ready === '1'
  && document.querySelector('#kam-ranking tbody tr') && document.querySelector('input.kam-weight'))"""
_PAGE_TABLE = "() => (document.getElementById('kam-ranking') || {}).innerHTML || ''"
# a Voilà page: the first weight slider is usable when its share (filled in by the kernel) is on the page
_USABLE = """() => {
  const s = document.querySelector('.widget-hbox:has(.kam-share) .widget-slider .noUi-handle');
  const share = document.querySelector('.kam-share');
  return !!(s && share && share.textContent.trim() && s.getBoundingClientRect().width > 0);
}"""
_TABLE = """() => { const t = [...document.querySelectorAll('.widget-html table')].map(x => x.outerHTML);
                    return t.length ? t[t.length - 1] : ''; }"""


#: how each kind of room is started, when it is ready, where a participant goes and what they see
MODES = {
    "page": {
        "workshop": "criteria",
        "prepared": True,
        "ready": r"The room is ready\.|Der Raum ist bereit\.",
        "url": "{base}/?token={token}",
        "usable": _PAGE_USABLE,
        "slider": "input.kam-weight",
        "table": _PAGE_TABLE,
        # the page marks each answer it has put on screen: a cheap check for 25 pages polled every 50 ms
        "moved": "() => !!document.body.dataset.ranked",
        # in the page itself: from the slider's change event to the new ranking table in the document
        "clock": """() => {
  document.addEventListener('change', () => { window.__kamMove = performance.now(); }, true);
  const inRanking = (r) => r.target.id === 'kam-ranking' || !!(r.target.closest && r.target.closest('#kam-ranking'));
  new MutationObserver((records) => {
    if (window.__kamMove && !window.__kamDone && records.some(inRanking)) { window.__kamDone = performance.now(); }
  }).observe(document, {childList: true, subtree: true});
}""",
    },
    "voila": {
        "workshop": "portfolio",
        "prepared": True,
        "ready": r"The room is ready: \d+|Der Raum ist bereit: \d+",
        "url": "{base}/voila/render/{lang}/portfolio_workshop.ipynb?token={token}",
        "usable": _USABLE,
        "slider": WEIGHT_HANDLE,
        # the portfolio's answer to a weight is its redrawn chart (a new image), not a table
        "table": "() => [...document.querySelectorAll('img')].map(i => i.src).join(' ')",
    },
    "cold": {
        "workshop": "criteria",
        "prepared": False,
        "ready": r"Voil. is running at",
        "url": "{base}/voila/render/{lang}/criteria_workshop.ipynb?token={token}",
        "usable": _USABLE,
        "slider": WEIGHT_HANDLE,
        "table": _TABLE,
    },
}


class Connected:
    """Counts participants past their first stage (usable, or failed); the slider moves start when all are: the
    goal's "while all 25 are connected"; a second barrier releases the second move of all together."""

    def __init__(self, n: int):
        self.n, self.here, self.event = n, set(), asyncio.Event()

    def arrive(self, who: int) -> None:  # once per participant, however often called
        self.here.add(who)
        if len(self.here) >= self.n:
            self.event.set()


async def _participant(
    browser,
    url: str,
    i: int,
    results: list,
    gate: asyncio.Event,
    timeout_s: float,
    mode: dict,
    room: Connected,
    moved: Connected,
):
    context = await browser.new_context(viewport={"width": 1280, "height": 800})

    page = await context.new_page()
    if mode.get("clock"):
        await page.add_init_script(f"({mode['clock']})()")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await gate.wait()
    t0 = time.monotonic()
    marks: dict[str, float] = {}
    page.on("domcontentloaded", lambda _: marks.setdefault("html", time.monotonic() - t0))
    page.on("load", lambda _: marks.setdefault("scripts", time.monotonic() - t0))
    stage, first, move, driver = "page", float("inf"), float("inf"), float("nan")
    burst, burst_driver = float("inf"), float("nan")
    try:  # a participant who never gets there is counted as failed at that stage, with the others measured
        await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        marks["response"] = time.monotonic() - t0
        stage = "first usable slider"
        try:
            await page.wait_for_function(mode["usable"], timeout=timeout_s * 1000, polling=100)
        finally:
            room.arrive(i)
        first = time.monotonic() - t0
        await asyncio.wait_for(room.event.wait(), timeout_s + 60)  # every path arrives; this only guards a bug

        async def move_slider() -> tuple[float, float]:
            """One arrow key on the first weight slider: (seconds to the new ranking, the driver's view)."""
            if mode.get("moved"):  # the page's marker of a new ranking, and the in-page clock, start afresh
                await page.evaluate(
                    "() => { window.__kamMove = 0; window.__kamDone = 0; delete document.body.dataset.ranked; }"
                )
            before = await page.evaluate(mode["table"])
            await page.locator(mode["slider"]).first.focus()
            t1 = time.monotonic()
            await page.keyboard.press("ArrowRight")
            changed = mode.get("moved") or f"() => ({mode['table']})() !== {before!r}".replace("\n", " ")
            await page.wait_for_function(changed, timeout=timeout_s * 1000, polling=50)
            seen = time.monotonic() - t1
            if mode.get("moved"):  # the marker is set only with a new ranking: check that it differs
                assert await page.evaluate(mode["table"]) != before, "the ranking did not change"
            if mode.get("clock"):  # what the participant sees: their change event to the new table, in their page
                return await page.evaluate("() => (window.__kamDone - window.__kamMove) / 1000"), seen
            return seen, float("nan")

        # a room: everyone moves once within SPREAD_S seconds (seeded moments), all 25 connected
        await asyncio.sleep(random.Random(i).uniform(0, SPREAD_S))
        stage = "slider -> ranking"
        try:
            move, driver = await move_slider()
        finally:
            moved.arrive(i)
        # the stress case: all released together (their key presses then go through the one driver)
        await asyncio.wait_for(moved.event.wait(), timeout_s + SPREAD_S + 60)
        stage = "slider -> ranking, all at once"
        burst, burst_driver = await move_slider()
        stage = ""
    except Exception as err:  # noqa: BLE001 - reported below as this participant's failure
        errors.append(f"{stage}: {type(err).__name__}: {str(err)[:200]}")
        room.arrive(i)  # nobody waits for a participant who failed
        moved.arrive(i)
    body = await page.inner_text("body")
    results.append(
        {
            "participant": i,
            "marks": marks,
            "first_slider_s": first,
            "slider_to_ranking_s": move,
            "driver_s": driver,
            "burst_s": burst,
            "burst_driver_s": burst_driver,
            "failed": stage,
            "traceback": "Traceback" in body,
            "page_errors": errors,
        }
    )
    return context


async def _open_room(url: str, n: int, mode: dict, timeout_s: float) -> list[dict]:  # real pages
    from playwright.async_api import async_playwright

    results: list[dict] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            gate, room, moved = asyncio.Event(), Connected(n), Connected(n)
            tasks = [
                asyncio.create_task(_participant(browser, url, i, results, gate, timeout_s, mode, room, moved))
                for i in range(n)
            ]
            await asyncio.sleep(1.0)  # every context made, every page waiting at the gate
            gate.set()
            done = await asyncio.gather(*tasks, return_exceptions=True)
            broken = [d for d in done if isinstance(d, BaseException)]  # the browser itself failed
            if broken:
                raise RuntimeError(f"{len(broken)} of {n} browser contexts failed: {broken[0]!r}")
        finally:
            try:
                await asyncio.wait_for(browser.close(), 60)
            except TimeoutError:  # the app is stopped next anyway; Chromium goes with this process
                pass
    return results


def _measure(n: int, lang: str, open_room, who: str, mode: str = "page") -> tuple[list[dict], int]:
    """Start a room of ``n`` (``mode``: see :data:`MODES`), wait until it is ready, let ``open_room(url, n, mode)``
    open it while the memory is watched; the participants' results and the peak PSS. Prints the start and the
    CPU split."""
    how = MODES[mode]
    home = Path(tempfile.mkdtemp(prefix="kam-bench-room-"))
    room = Room(n if how["prepared"] else 0, home, lang, workshop=how["workshop"])
    try:
        base = room.wait_ready(how["ready"], timeout=900)
        prepared = time.monotonic() - room.started
        print(
            f"  [{who}] app started ({mode}: {how['workshop']} workshop), ready in {prepared:.1f} s; "
            f"PSS before the room arrives {room.pss_bytes() / 2**30:.2f} GB"
        )
        watch = MemoryWatch(room)
        app_cpu, own_cpu = _cpu_seconds(room.proc.pid), _cpu_seconds(os.getpid())
        t_open = time.monotonic()
        watch.start()
        try:
            url = how["url"].format(base=base, lang=lang, token=TOKEN)
            results = asyncio.run(open_room(url, n, how, 300))
        finally:
            peak = watch.stop()
        wall = time.monotonic() - t_open
        app_cpu, own_cpu = _cpu_seconds(room.proc.pid) - app_cpu, _cpu_seconds(os.getpid()) - own_cpu
        print(
            f"  [{who}] while the room opened ({wall:.1f} s on {os.cpu_count()} cores): the app and its kernels "
            f"used {app_cpu:.1f} CPU s, the participants' side {own_cpu:.1f} CPU s"
        )
    finally:
        room.stop()
        shutil.rmtree(home, ignore_errors=True)
    first = sorted(r["first_slider_s"] for r in results)
    move = sorted(r["slider_to_ranking_s"] for r in results)
    print(
        f"  [{who}] first usable slider: median {statistics.median(first):.1f} s, worst {first[-1]:.1f} s; "
        f"slider move -> ranking (each at its own moment within {SPREAD_S:g} s, all connected): median "
        f"{statistics.median(move):.2f} s, worst {move[-1]:.2f} s; peak PSS {peak / 2**30:.2f} GB"
    )
    return results, peak


def bench_room(n: int = PARTICIPANTS, lang: str = "en", mode: str = "page") -> list[tuple[str, float, float]]:
    """The room's figures as (what, measured, goal) rows; prints the details.

    The N pages run in one Chromium on the same two cores as the app: everything the room's laptops would do,
    squeezed onto the facilitator's machine, so an upper bound; the CPU split printed says how much of it is
    the app's."""
    rows: list[tuple[str, float, float]] = []
    for who, opener in (("browsers", _open_room),):
        results, peak = _measure(n, lang, opener, who, mode)
        first = sorted(r["first_slider_s"] for r in results)
        move = sorted(r["slider_to_ranking_s"] for r in results)
        rows += [
            (f"room of {n} [{who}]: first usable slider, worst, seconds", first[-1], GOAL_FIRST_SLIDER_S),
            (
                f"room of {n} [{who}]: first usable slider, median, seconds",
                statistics.median(first),
                GOAL_FIRST_SLIDER_S,
            ),
            (
                f"room of {n} [{who}]: slider move -> ranking, moves within {SPREAD_S:g} s, worst, seconds",
                move[-1],
                GOAL_SLIDER_TO_RANKING_S,
            ),
            (f"room of {n} [{who}]: peak memory of the app (PSS), GB", peak / 2**30, GOAL_PEAK_GB),
        ]
        if who == "browsers":
            burst = sorted(r["burst_s"] for r in results)
            rows.append(
                (
                    f"room of {n} [{who}]: slider move -> ranking, all {n} in the same instant, worst, seconds",
                    burst[-1],
                    GOAL_SLIDER_TO_RANKING_S,
                )
            )
            print(
                f"  [browsers] slider move -> ranking, all {n} in the same instant: median "
                f"{statistics.median(burst):.2f} s, worst {burst[-1]:.2f} s"
            )
            for key, what in (("driver_s", "each at its own moment"), ("burst_driver_s", "all released together")):
                driven = sorted(r[key] for r in results if r[key] == r[key])  # measured in the page: also this view
                if driven:
                    print(
                        f"  [browsers] key press sent by this script -> new ranking seen by it ({what}; one Playwright "
                        f"driver for all {n} pages): median {statistics.median(driven):.2f} s, worst {driven[-1]:.2f} s"
                    )
            for phase in ("response", "html", "scripts"):
                got = sorted(r["marks"].get(phase, float("nan")) for r in results)
                print(f"  [browsers] {phase}: median {statistics.median(got):.1f} s, worst {got[-1]:.1f} s")
            failed = [r for r in results if r["failed"]]
            bad = [r for r in results if r["traceback"] or (r["page_errors"] and not r["failed"])]
            print(
                f"  [browsers] participants who did not get there: {len(failed)} of {n}"
                + "".join(f"\n    #{r['participant']}: {r['page_errors'][-1]}" for r in failed)
            )
            print(f"  [browsers] pages with a traceback or script error: {len(bad)} of {n}")
    return rows


if __name__ == "__main__":  # python -m benchmarks.bench_room [N] [--voila | --cold]
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else PARTICIPANTS
    if "--cold" in sys.argv:
        _measure(n, "en", _open_room, "cold: without --participants", "cold")
        sys.exit(0)
    for what, value, goal in bench_room(n, mode="voila" if "--voila" in sys.argv else "page"):
        print(f"{what}: {value:.2f} (goal {goal:g})")
