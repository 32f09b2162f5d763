"""The issue's acceptance in a real browser: a German trainee opens notebook 01 in JupyterLab, answers an
exercise in the form widget, and reads the feedback in German.

The trainee's copy is written by ``kamlib.teaching.trainee`` (``kam notebooks DEST --lang de``) into a
temporary folder; JupyterLab serves that folder on 127.0.0.1 (a subprocess in its own process group,
stopped by its PID at the end), Playwright drives Debian's /usr/bin/chromium (no ``playwright install``);
every request to another host is aborted. The trainee runs all cells, types the typical mistake into the
form of exercise 01.3 (the plain mean of the scores), clicks "Prüfen", reads the German diagnosis, types the
right answer in German number format and reads "Richtig". The screenshot of the form is kept in
``reports/test-artifacts/trainee_form.de.png`` and, with ``KAM_SCREENSHOTS=docs/screenshots``, also there.
Without chromium the test is skipped, except under ``KAM_REQUIRE_SYSTEM=1``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from conftest import ARTIFACTS, ROOT, loopback_page, open_in_lab, require_chromium, stop_process_group, wait_http

NOTEBOOK = "01_account_selection.ipynb"  # the workbook notebook
COPY = "01_Kundenauswahl.ipynb"  # its German trainee copy (kamlib.teaching.trainee.copy_name)
EXERCISE, CHOICE = "01.3", "01.1"
WAIT_S = 120  # server start, and the notebook's cells up to the form


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_chromium()


def _asks(nb, exercise_id: str) -> bool:
    return any(c.cell_type == "code" and f'form.ask("{exercise_id}"' in c.source for c in nb.cells)


def _imports_form(nb) -> bool:
    return any(c.cell_type == "code" and re.search(r"^from kamlib\.teaching import .*\bform\b", c.source, re.M)
               for c in nb.cells)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """The German trainee copy, as ``kam notebooks DEST --lang de`` writes it; 01 asks its exercises with the form."""
    from kamlib.teaching import trainee

    dest = tmp_path_factory.mktemp("trainee") / "mein-kurs"
    trainee.write_trainee_notebooks(dest, "de", source_folder=ROOT / "notebooks")
    nb = nbformat.read(dest / COPY, as_version=4)
    assert _imports_form(nb) and _asks(nb, EXERCISE) and _asks(nb, CHOICE), f"{COPY} does not ask with form.ask"
    return dest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(course, chromium, tmp_path_factory):
    folder = course
    home = tmp_path_factory.mktemp("lab")
    token, port = uuid.uuid4().hex, _free_port()
    settings = home / "settings"
    # every cell rendered (no windowing, so the form is in the page wherever it is), no news fetched
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none", "autoStartDefaultKernel": true}')
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false"}')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "KAM_WORKSHOP_LIVE"))}
    progress = home / "progress.json"
    env.update(JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               IPYTHONDIR=str(home / "ipython"), MPLBACKEND="Agg", KAM_PROGRESS_FILE=str(progress),
               KAM_TRAINEE="Anna Weiß")
    jupyter = Path(sys.executable).with_name("jupyter")
    cmd = [str(jupyter) if jupyter.is_file() else sys.executable, *([] if jupyter.is_file() else ["-m", "jupyter"]),
           "lab", "--no-browser", f"--ServerApp.token={token}", f"--port={port}", "--ip=127.0.0.1",
           f"--ServerApp.root_dir={folder}", "--ServerApp.port_retries=0", "--allow-root",
           "--LabApp.extension_manager=readonly", f"--LabApp.workspaces_dir={home / 'workspaces'}",
           f"--LabApp.user_settings_dir={settings}", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.news_url=None"]
    log = home / "server.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=folder, stdout=fh, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/api/status?token={token}"
        wait_http(url, proc, log, WAIT_S)
        yield f"http://127.0.0.1:{port}", token, progress
    finally:  # the server and its kernels: our process group, TERM then KILL
        stop_process_group(proc)


@pytest.fixture()
def page(chromium):
    with loopback_page(viewport={"width": 1400, "height": 1000}, locale="de-DE", last_shot="trainee_last_page.png") as pg:
        yield pg


def _form(page, exercise_id: str):
    """The output of the cell that asks ``exercise_id``: the task (Übung 01.3 · ...) with its form."""
    return page.locator(".jp-OutputArea", has=page.locator(".kam-form")).filter(
        has_text=f"Übung {exercise_id} ·").first


def _answer(form, text: str, expected: str):
    form.locator(".kam-form input[type='text']").first.fill(text)
    form.locator(".kam-form button", has_text="Prüfen").first.click()
    feedback = form.locator(".kam-feedback")
    feedback.filter(has_text=expected).wait_for(timeout=30_000)
    return feedback.inner_text()


def test_a_german_trainee_answers_in_the_form_and_reads_german_feedback(jupyterlab, page):

    base, token, progress = jupyterlab
    t0 = time.monotonic()
    open_in_lab(page, f"{base}/lab/tree/{COPY}?token={token}", WAIT_S)
    # the German copy: the notebook's first heading in German, not in English
    from kamlib.present.report import cell_lang

    source = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
    first = {lang: next(c.source.splitlines()[0].lstrip("# ").strip() for c in source.cells
                        if c.cell_type == "markdown" and cell_lang(c) == lang) for lang in ("en", "de")}
    page.locator(".jp-MarkdownCell", has_text=first["de"]).first.wait_for(timeout=30_000)
    assert first["en"] not in page.locator(".jp-Notebook").inner_text()
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

    form = _form(page, EXERCISE)
    form.wait_for(timeout=WAIT_S * 1000)
    form.scroll_into_view_if_needed()
    buttons = form.locator(".kam-form button").all_inner_texts()
    assert [b.strip() for b in buttons] == ["Prüfen", "Tipp", "Lösung zeigen"]
    # S = 0,35·8 + 0,25·6 + 0,2·9 + 0,2·4 = 2,8 + 1,5 + 1,8 + 0,8 = 6,9; the plain mean (8+6+9+4)/4 = 6,75
    wrong = _answer(form, "6,75", "Noch nicht")
    assert "einfache Mittelwert der Scores" in wrong
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "trainee_form.de.png"  # the diagnosis of the mistake: what the form is for
    form.screenshot(path=str(shot))
    right = _answer(form, "6,9", "Richtig")
    assert "Übung 01.3" in right
    form.screenshot(path=str(ARTIFACTS / "trainee_form_right.de.png"))
    print(f"screenshot: {shot} ({time.monotonic() - t0:.1f} s)")
    if os.environ.get("KAM_SCREENSHOTS"):
        target = ROOT / os.environ["KAM_SCREENSHOTS"]
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target / "trainee_form.de.png")

    # the options of a choice are shown in full: every label's whole text inside its box, one below the other,
    # all of them above the buttons (JupyterLab's default radio labels are one line high and overlap when wrapped)
    choice = _form(page, CHOICE)
    choice.wait_for(timeout=30_000)
    choice.scroll_into_view_if_needed()
    labels = choice.locator(".widget-radio-box label")
    assert labels.count() == 4
    boxes = labels.evaluate_all(
        "ls => ls.map(l => { const r = l.getBoundingClientRect();"
        " return [r.top, r.bottom, l.scrollHeight - l.clientHeight, l.scrollWidth - l.clientWidth]; })")
    assert all(dh <= 1 and dw <= 1 for _t, _b, dh, dw in boxes), boxes
    assert all(boxes[i][1] <= boxes[i + 1][0] + 1 for i in range(3)), boxes
    button_top = choice.locator(".kam-form button").first.bounding_box()["y"]
    assert boxes[-1][1] <= button_top + 1, (boxes, button_top)
    choice.screenshot(path=str(ARTIFACTS / "trainee_choice.de.png"))

    # both checks are in the trainee's progress file: the mistake first, then the right answer (running the
    # notebook's literal cell "answer = None" also records a check without an answer: no attempt)
    events = json.loads(progress.read_text(encoding="utf-8"))
    assert events["trainee"] == "Anna Weiß"
    assert [(e["event"], e["correct"], e["key"]) for e in events["events"]
            if e["id"] == EXERCISE and e["key"] != "empty"] == [
        ("check", False, "unweighted_mean"), ("check", True, "correct")]
    from kamlib.teaching import progress as kam_progress

    assert kam_progress.summary("de", progress).loc[EXERCISE].tolist() == [2, True, 0, False]
