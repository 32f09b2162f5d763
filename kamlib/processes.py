"""Ending a child process politely: SIGTERM first (it may shut its own children down), SIGKILL when it does not end.

The run's kernel template, the workshop app's server and the participants' page's Voilà all end their child this
way, so a child that handles SIGTERM cleans up and one that hangs cannot keep its parent waiting.
"""

from __future__ import annotations

import subprocess


def stop(proc: subprocess.Popen, timeout: float) -> int:
    """End ``proc``: SIGTERM, then SIGKILL when it has not ended after ``timeout`` seconds; its exit code.

    Examples
    --------
    >>> import sys
    >>> p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    >>> stop(p, 10) == -15  # ended by SIGTERM (on POSIX)
    True
    """
    proc.terminate()
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()
