"""The room's app as participants see it: started with one command, an access code, and screens that work on a
projector (1280 x 720).

One app (``python -m kamlib.workshop.app``, what ``kam workshop`` runs) is started per module on 127.0.0.1 with a
known token on a copy of the workshop notebooks; it serves both languages (``de/`` and ``en/``). Without the
token the server refuses; with it the browser (Debian's /usr/bin/chromium through Playwright, every request to
another host aborted) measures what the issue found wrong: the chart's displayed aspect against the figure's,
cut slider labels, 22 px cut-line sliders, and raw weights on screen where the handout shows shares.
Screenshots of both workshops go to ``reports/test-artifacts/`` (and, with ``KAM_SCREENSHOTS=docs/screenshots``,
to ``docs/screenshots/workshop_*.png``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ARTIFACTS, ROOT, loopback_page, require_system, stop_process_group

TOKEN = "k7m2qp"
START_S = 60
RUN_S = int(os.environ.get("KAM_BROWSER_TIMEOUT", 180))
PROJECTOR = {"width": 1280, "height": 720}


def _voila_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("voila") is not None


class _App:
    """``python -m kamlib.workshop.app`` in its own process group; stopped by our PID's group."""

    def __init__(self, folder: Path, home: Path, register: Path):
        self.log = home / "app.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "KAM_WORKSHOP_LIVE"))}
        env.update(JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
                   IPYTHONDIR=str(home / "ipython"), MPLBACKEND="Agg", TMPDIR=str(home))
        self._fh = open(self.log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kamlib.workshop.app", "--bind", "127.0.0.1", "--port", "0", "--token", TOKEN,
             "--folder", str(folder), "--register", str(register)],
            cwd=home, stdout=self._fh, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def url(self, timeout: float) -> str:
        """The address the app printed, once the server answers on it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"app exited with {self.proc.returncode}:\n{self.text()[-3000:]}")
            m = re.search(r"(http://127\.0\.0\.1:\d+)/\?token=" + TOKEN, self.text())
            if m:
                try:
                    with urllib.request.urlopen(f"{m.group(1)}/?token={TOKEN}", timeout=5) as r:
                        if r.status == 200:
                            return m.group(1)
                except OSError:
                    pass
            time.sleep(0.3)
        raise AssertionError(f"the app did not answer within {timeout:.0f} s:\n{self.text()[-3000:]}")

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        try:
            stop_process_group(self.proc)
        finally:
            self._fh.close()


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    require_system("voila", _voila_installed())
    root = tmp_path_factory.mktemp("room")
    shutil.copytree(ROOT / "notebooks" / "workshop", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    home = root / "home"
    home.mkdir()
    register = root / "register"
    shutil.copytree(ROOT / "data" / "sample", register)  # the room's own data folder: its register is written
    app = _App(root / "notebooks", home, register)
    app.register = register
    try:
        yield app.url(START_S), app
    finally:
        app.stop()


def _status(url: str) -> tuple[int, str]:
    """Status and redirect target of one request, redirects not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=20) as r:
            return r.status, ""
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Location", "")


def test_room_app_needs_the_token(room):
    t0 = time.monotonic()
    base, app = room
    assert f"{base}/?token={TOKEN}" in app.text()  # the address the facilitator reads out
    for path in ("/", "/voila/render/de/criteria_workshop.ipynb"):
        code, where = _status(base + path)
        assert code == 403 or (code in (301, 302, 303) and "/login" in where), (path, code, where)
    assert _status(f"{base}/?token={TOKEN}")[0] == 200
    assert _status(f"{base}/?token=wrong1")[0] in (302, 403)
    assert time.monotonic() - t0 < 60


# ---------------------------------------------------------------------------------------------- the screens


@pytest.fixture()
def page():
    with loopback_page(viewport=PROJECTOR) as pg:
        yield pg


_MEASURE = """() => {
  const imgs = [...document.querySelectorAll('img.widget-image')].map(i => ({
      shown: i.getBoundingClientRect().width / i.getBoundingClientRect().height,
      png: i.naturalWidth / i.naturalHeight, w: i.naturalWidth, h: i.naturalHeight}));
  const labels = [...document.querySelectorAll('.widget-slider .widget-label')].map(l => ({
      text: l.textContent, sw: l.scrollWidth, cw: l.clientWidth}));
  const sliders = [...document.querySelectorAll('.widget-slider')].map(s => ({
      text: (s.querySelector('.widget-label') || {}).textContent,
      track: s.querySelector('.slider-container').getBoundingClientRect().width}));
  return {imgs, labels, sliders};
}"""


def _open(page, base: str, lang: str, notebook: str):
    page.goto(f"{base}/voila/render/{lang}/{notebook}?token={TOKEN}", wait_until="domcontentloaded",
              timeout=RUN_S * 1000)
    page.locator("img.widget-image").first.wait_for(state="visible", timeout=RUN_S * 1000)
    page.wait_for_function("() => [...document.querySelectorAll('img.widget-image')].every(i => i.naturalWidth > 0)")
    return page.evaluate(_MEASURE)


def _expected_labels(lang: str) -> set[str]:
    from kamlib import workshop

    cut = workshop.label("cut", lang)
    return {workshop.label(c, lang) for c in workshop.COMPONENTS} | {"≥"} | {
        f"{workshop.label(a, lang)}: {cut}" for a in ("attractiveness", "strength")}


def _check_screen(m: dict, lang: str) -> None:
    assert m["imgs"], "no chart on the page"
    for img in m["imgs"]:  # the chart at its true aspect: displayed width/height = PNG width/height within 2 %
        assert abs(img["shown"] / img["png"] - 1) <= 0.02, img
    assert m["labels"]
    for lab in m["labels"]:  # the whole label, nothing hidden behind an ellipsis
        assert lab["sw"] <= lab["cw"], lab
        assert lab["text"] in _expected_labels(lang), lab


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"workshop_{name}.png"
    page.screenshot(path=str(shot), full_page=False)
    if os.environ.get("KAM_SCREENSHOTS"):
        dest = ROOT / os.environ["KAM_SCREENSHOTS"]
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, dest / shot.name)
    print(f"screenshot: {shot}")
    return shot


def _shares_on_screen(page) -> list[str]:
    return [t.strip() for t in page.locator(".kam-share").all_inner_texts()]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_criteria_workshop_on_a_projector(room, page, lang):
    from kamlib import workshop

    base, _ = room
    m = _open(page, base, lang, "criteria_workshop.ipynb")
    _check_screen(m, lang)
    # the weights as the room sees them beside the sliders are the weights the handout prints
    shares = _shares_on_screen(page)
    assert len(shares) == 6 and all(s.endswith("%") for s in shares)
    page.locator(".widget-image").first.scroll_into_view_if_needed()
    _shot(page, f"criteria_{lang}")
    page.locator("button", has_text="Handout").click()
    page.locator("a[download$='.html']").first.wait_for(timeout=60_000)
    head = workshop.label("weight", lang)
    table = page.locator("table", has=page.locator("th", has_text=head)).first
    printed = [line.split("\t")[1].strip() for line in table.inner_text().splitlines()[1:] if "\t" in line]
    assert printed == shares


@pytest.mark.parametrize("lang", ["en", "de"])
def test_portfolio_workshop_on_a_projector(room, page, lang):
    from kamlib import workshop

    base, _ = room
    m = _open(page, base, lang, "portfolio_workshop.ipynb")
    _check_screen(m, lang)
    cut = workshop.label("cut", lang)
    cuts = [s for s in m["sliders"] if s["text"].endswith(cut)]
    assert len(cuts) == 2
    for s in cuts:  # a cut line can be set on a projector: the track is at least 250 px wide
        assert s["track"] >= 250, s
    assert len(_shares_on_screen(page)) == 2 * len(workshop.COMPONENTS)
    page.locator(".widget-image").first.scroll_into_view_if_needed()
    _shot(page, f"portfolio_{lang}")


def test_the_room_decides_in_the_browser(room, page):
    """Record the provisional list, untick the last account, record the definitive list: the register of the
    room's data folder then pins exactly the ticked accounts for every later run."""
    import kamlib
    from kamlib import decision

    base, app = room
    _open(page, base, "de", "criteria_workshop.ipynb")
    by = page.locator(".widget-text", has=page.locator(".widget-label", has_text="Beschlossen von")).locator("input")
    by.fill("Workshop Vertrieb")
    by.press("Enter")
    page.locator("button", has_text="Vorläufige Liste festhalten").click()
    message = page.locator(".widget-html", has_text="als vorläufige Liste").first
    message.wait_for(timeout=60_000)
    boxes = page.locator(".widget-checkbox input[type=checkbox]")
    n = boxes.count()
    assert n >= 2
    names = page.locator(".widget-checkbox").all_inner_texts()
    boxes.nth(n - 1).uncheck()
    page.locator("button", has_text="Definitive Liste beschließen").click()
    page.locator(".widget-html", has_text="im Entscheidungsregister").first.wait_for(timeout=60_000)
    register = app.register / decision.REGISTER_NAME
    assert register.is_file()
    kept = {t.split(" · ")[0].strip() for t in names[:-1]}
    # the register counts decisions up to the data date: read the data as of today's decision
    d = decision.for_notebook(kamlib.load(app.register, as_of=str(__import__("datetime").date.today())), "")
    assert d.source == "pinned" and d.decided_by == "Workshop Vertrieb" and set(d.ids) == kept
    _shot(page, "decide_de")
