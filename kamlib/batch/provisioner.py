"""The kernel provisioner ``kam-forked``: a Jupyter server's kernels forked from one template process.

jupyter_client picks a kernel's provisioner by name from its kernelspec (``metadata.kernel_provisioner``) among
the ``jupyter_client.kernel_provisioners`` entry points; kamlib registers this one. The workshop app gives its
Voilà a ``python3`` kernelspec that names it (``kamlib/workshop/kernelspecs``), so each participant's
kernel is forked from a template that has imported ipykernel, pandas, matplotlib and kamlib once
(:mod:`kamlib.batch.kernels`), instead of importing them again in every kernel: a room of 25 prepares 27 kernels.

The template is started by the first kernel the server asks for, in the server's own environment, and lives
as long as the server process (it ends when its pipe to the server closes). Every kernel is a fresh fork of
it, as in ``kam run``: nothing of one participant's kernel reaches another's. Where forking is not possible or
not wanted (not Linux, ``KAM_NO_FORK=1``, another interpreter's kernelspec, an environment variable the
preloaded libraries read that differs) the kernel starts cold, as jupyter_client's local provisioner starts
it; the server's log says why, once per reason.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
import threading
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from kamlib.batch import kernels

_lock = threading.Lock()
_template: kernels.KernelTemplate | None = None
_why_not: str | None = None
_said: set[str] = set()
_atexit = False
_ended = 0  # templates that ended before any kernel was forked from them, in a row
#: the threads that wait for forks (not the event loop's default executor, which the server uses for its files)
_forks = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="kam-fork")
#: how each kernel of this process started: "forked" or "cold: <why>" (read by the tests)
started: list[str] = []


def template_address() -> tuple[str | None, str | None]:
    """The address of this process's kernel template, started on the first call (and again if it has ended);
    or None and why there is none."""
    global _template, _why_not, _atexit, _ended
    with _lock:
        if _template is not None and (_template.process is None or _template.process.poll() is not None):
            _template.close()  # it ended (killed, out of memory): a new one for the next kernels
            _ended = 0 if _template.forked else _ended + 1
            _template = None
            if _ended >= 2:  # it cannot start here: cold kernels, without paying its imports each time
                _why_not = "the kernel template ended twice before forking a kernel"
        if _template is None and _why_not is None:
            _why_not = kernels.fork_unavailable_reason()
            if _why_not is None:
                _template = kernels.KernelTemplate(output=True).start()
                if not _atexit:
                    atexit.register(close)
                    _atexit = True
        return (_template.address if _template else None), _why_not


def close() -> None:
    """End this process's template and the kernels it forked; the next kernel asks again (a new template)."""
    global _template, _why_not, _ended
    with _lock:
        template, _template, _why_not, _ended = _template, None, None, 0
    if template is not None:
        template.close()


class TemplateProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner whose kernels are forked from this process's template where possible."""

    async def launch_kernel(self, cmd: list[str], **kw: Any):
        address, why = template_address()
        if why is None:
            # in a thread: the first request waits for the template's imports, and the server's event loop
            # (other participants' pages) must not wait with it
            loop = asyncio.get_running_loop()
            why = await loop.run_in_executor(_forks, kernels.launch_forked, self, cmd, kw, address, None)
        if why is None:
            if _template is not None:
                _template.forked = True
            started.append("forked")
            return self.connection_info
        started.append(f"cold: {why}")
        if why not in _said:
            _said.add(why)
            logging.getLogger(__name__).warning("kernels start cold: %s", why)
        return await super().launch_kernel(cmd, **kw)

    async def wait(self) -> int | None:
        await kernels.wait_forked(self)
        return await super().wait()
