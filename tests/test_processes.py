"""kamlib.processes.stop: SIGTERM first, SIGKILL for a child that does not end (POSIX exit codes)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kamlib import processes

pytestmark = pytest.mark.skipif(os.name != "posix", reason="exit codes by signal are POSIX")


def _child(ignore_term: bool) -> subprocess.Popen:
    code = "import signal, time\n"
    if ignore_term:
        code += "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    code += "print('ready', flush=True)\ntime.sleep(60)\n"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"  # its handler is in place
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return proc


def test_a_child_that_ends_on_sigterm_is_not_killed():
    assert processes.stop(_child(ignore_term=False), 10) == -15  # SIGTERM


def test_a_child_that_ignores_sigterm_is_killed_after_the_timeout():
    assert processes.stop(_child(ignore_term=True), 0.5) == -9  # SIGKILL
