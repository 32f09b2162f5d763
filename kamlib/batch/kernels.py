"""Forked kernels: every notebook gets a fresh kernel forked from a template that has imported everything once.

A cold kernel (``python -m ipykernel_launcher``) spends most of its first seconds importing: ipykernel, then
pandas, matplotlib, pandera and kamlib in the notebook's first cells. ``kam run`` therefore starts one
**template** process per run (:class:`KernelTemplate`): it imports ipykernel and the heavy libraries
(:data:`PRELOAD`), opens no kernel sockets, starts no threads and runs nothing of any notebook, then waits on a
private Unix socket. For each notebook the kernel manager's provisioner (:class:`ForkedProvisioner`, a
jupyter_client kernel provisioner) asks the template to fork; the child becomes an ordinary kernel with its
own connection file, working directory and environment, exactly as the kernelspec's command would start
it (``ipykernel_launcher -f <connection file>``). Every notebook starts from the same clean state, and
nothing of one notebook reaches another: they are separate processes, and the template never runs notebook
code. The same idea as Python's ``multiprocessing`` forkserver. A Jupyter server (the workshop app's Voilà) gets
the same through the provisioner ``kam-forked`` of :mod:`kamlib.batch.provisioner`, with one template per server.

Where fork is not available or not safe (not Linux, a kernelspec that is not this interpreter's ipykernel,
an environment that differs from the template's in a variable a preloaded library reads at import, a
template that failed to start), the kernel starts cold, as before, with the same results. ``kam run
--no-fork`` (or ``KAM_NO_FORK=1``) always starts cold kernels.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from queue import Empty
from typing import Any

#: What the template imports once (module names). Only libraries that do not look for a running IPython at
#: import time: those that do (tqdm.auto, ipywidgets, matplotlib_inline's backend) must be imported in the
#: kernel itself, see :data:`MUST_NOT_PRELOAD`.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",  # with pdb, sqlite3 (history): what every kernel imports while it starts
    "pdb",
    "sqlite3",
    "pandas",  # first: see ASKS_IF_IN_A_KERNEL
    "numpy",
    "scipy.special",
    "scipy.stats",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "pandera",
    "kamlib",
    "kamlib.data.readers",  # kamlib.load: `import kamlib` alone imports none of it
    "kamlib.i18n",
    "kamlib.profile",
    "kamlib.selection",
    "kamlib.value",
    "kamlib.review",
    "kamlib.present.charts",
    "kamlib.batch.products",
    "pyarrow.parquet",  # what the notebooks' first cells import through pandas, matplotlib and kamlib
    "PIL.Image",
    "jinja2",
    "yaml",
)
#: Modules that decide at import whether they run inside IPython; preloaded in the template (where there is
#: none) they would behave differently in the kernel. A template that has one of them refuses to fork.
MUST_NOT_PRELOAD = ("matplotlib_inline.backend_inline", "tqdm.auto", "tqdm.autonotebook", "ipywidgets")
#: Modules that ask the ``get_ipython`` a kernel defines in builtins whether they run in a kernel, and settle
#: a default by the answer (pandas: ``display.max_columns`` is 20 in a kernel, 0 = "fit the terminal"
#: elsewhere). The template imports them first, with a stand-in that answers as a kernel's shell would.
ASKS_IF_IN_A_KERNEL = ("pandas",)
#: What Voilà adds to a kernel's environment (voila.utils.ENV_VARIABLE): the page's request, read by a notebook
#: at run time.
VOILA_ENV = (
    "VOILA_",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_SOFTWARE",
    "SERVER_PROTOCOL",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
)
#: Environment variables a forked kernel may get with another value than the template had: read at run time
#: only (the run cache folder, a database password, Jupyter's own, the test pytest runs now, which it sets per
#: test while nbval runs notebooks on forked kernels, Voilà's request). Any other difference starts a cold kernel.
ENV_MAY_DIFFER = ("KAM_", "JPY_", "PYDEVD_", "PYTEST_CURRENT_TEST", *VOILA_ENV)
NO_FORK_ENV = "KAM_NO_FORK"
#: How long a fork request waits for the template (its imports included) before the kernel starts cold.
READY_TIMEOUT_S = 120.0


_TEMPLATE_START = (
    "import importlib.util, sys; spec = importlib.util.spec_from_file_location('kam_kernel_template', sys.argv[1]); "
    "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module); module.template_main()"
)


class TemplateUnavailable(RuntimeError):
    """The template cannot fork this kernel; the caller starts a cold one."""


def fork_unavailable_reason() -> str | None:
    """Why kernels cannot be forked here, or None when they can."""
    if os.environ.get(NO_FORK_ENV, "") not in ("", "0"):
        return f"{NO_FORK_ENV} is set"
    if not hasattr(os, "fork") or not hasattr(socket, "AF_UNIX"):
        return "this system has no fork"
    if not sys.platform.startswith("linux"):  # macOS: fork after system frameworks are loaded is unsafe
        return f"fork is not safe on {sys.platform}"
    return None


# --------------------------------------------------------------------------- the template (client side)


class KernelTemplate:
    """A template process for this run: started at once, imports in the background, forks kernels on request.

    ``start`` returns immediately (the imports overlap with whatever the caller does next); the first
    :meth:`fork` waits for them. ``close`` ends the template and any kernel it forked that is still alive.
    """

    def __init__(self, cwd: str | None = None, preload: tuple[str, ...] | None = None, *, output: bool = False):
        self.cwd = cwd
        self.output = output  # the template's and its kernels' stdout and stderr: this process's, or /dev/null
        self.preload = tuple(PRELOAD if preload is None else preload)
        self._dir = Path(tempfile.mkdtemp(prefix="kam-kernels-"))  # 0700: only this user may ask for a fork
        self.address = str(self._dir / "template.sock")
        self.process: subprocess.Popen | None = None
        self.env = dict(os.environ)
        self.forked = False  # set by a caller once a kernel was forked from it

    def start(self) -> KernelTemplate:
        # this file alone, not the kamlib package: nothing may be imported before the preload decides how
        cmd = [sys.executable, "-c", _TEMPLATE_START, __file__]
        # bound here, so that a request can queue up the moment start() returns
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.address)
        listener.listen(64)
        self.process = subprocess.Popen(
            [*cmd, str(listener.fileno()), json.dumps(self.preload)],
            pass_fds=[listener.fileno()],
            stdin=subprocess.PIPE,  # the template ends when this pipe closes (this process ended)
            # a run's kernels write to its kernels.log, the template's own errors reach each notebook's entry as
            # the reason its kernel started cold; a Jupyter server's go to its console, as cold kernels' do
            stdout=None if self.output else subprocess.DEVNULL,
            stderr=None if self.output else subprocess.DEVNULL,
            cwd=self.cwd,
            env=self.env,
            start_new_session=True,  # a Ctrl-C in the terminal reaches the run, not the template
        )
        listener.close()
        return self

    def close(self) -> None:
        proc, self.process = self.process, None
        if proc is not None:
            try:
                if proc.stdin:
                    proc.stdin.close()
                proc.wait(timeout=0.2)  # an idle template ends at once
            except (OSError, subprocess.TimeoutExpired):  # still importing (a run that failed early): end it
                from kamlib import processes  # here, not at the top: the template runs this file itself, before kamlib

                processes.stop(proc, 5)
        shutil.rmtree(self._dir, ignore_errors=True)

    @classmethod
    def started(cls, cwd: str) -> tuple[KernelTemplate | None, str | None]:
        """A started template for kernels working in ``cwd``, or (None, why not) when it cannot start (e.g. a
        temporary folder whose path is too long for a Unix socket)."""
        template = None
        try:
            template = cls(cwd=cwd)
            return template.start(), None
        except OSError as err:
            if template is not None:
                template.close()
            return None, f"the kernel template could not start ({err})"

    def __enter__(self) -> KernelTemplate:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def fork_kernel(address: str, argv: list[str], env: dict, cwd: str | None, log: str | None) -> ForkedProcess:
    """Ask the template at ``address`` for a kernel running ``argv`` (a kernelspec command) in ``cwd`` with
    ``env``; raises :class:`TemplateUnavailable` when it cannot."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(READY_TIMEOUT_S)
    try:
        sock.connect(address)
        request = {"argv": argv, "env": env, "cwd": cwd, "log": log}
        sock.sendall(json.dumps(request).encode() + b"\n")
        reply = _read_line(sock)
    except OSError as err:
        sock.close()
        raise TemplateUnavailable(f"kernel template at {address}: {err}") from None
    if not reply or "pid" not in reply:
        sock.close()
        raise TemplateUnavailable((reply or {}).get("error", "the kernel template ended"))
    return ForkedProcess(int(reply["pid"]), sock)


def _read_line(sock: socket.socket) -> dict | None:
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf += chunk
    return json.loads(buf)


class ForkedProcess:
    """A kernel forked by the template, with the part of :class:`subprocess.Popen` a provisioner uses.

    The kernel is the template's child, not ours: the template reaps it and sends its exit status over the
    socket of the request, which therefore tells whether the kernel is still alive."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, sock: socket.socket):
        self.pid = pid
        self._sock: socket.socket | None = sock
        self.returncode: int | None = None
        sock.setblocking(False)

    def poll(self) -> int | None:
        if self.returncode is not None or self._sock is None:
            return self.returncode
        try:
            data = self._sock.recv(65536)
        except BlockingIOError:
            return None
        except OSError:
            data = b""
        if data:
            try:
                self.returncode = int(json.loads(data.splitlines()[0])["exit"])
            except (ValueError, KeyError, IndexError):
                self.returncode = -1
        else:  # the template ended without a word: is the kernel itself still there?
            try:
                os.kill(self.pid, 0)
                return None
            except ProcessLookupError:
                self.returncode = -1
            except PermissionError:
                return None
        self._close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(0.02)
        return self.returncode if self.returncode is not None else -1

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def _close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


# --------------------------------------------------------------------------- the kernel manager


def _forkable(argv: list[str]) -> bool:
    """Whether ``argv`` starts this interpreter's ipykernel, which is what the template holds."""
    if len(argv) < 3 or argv[1:3] != ["-m", "ipykernel_launcher"]:
        return False
    exe = shutil.which(argv[0]) or argv[0]
    try:
        return os.path.samefile(exe, sys.executable)
    except OSError:
        return False


def _env_difference(env: dict, before: dict, after: dict) -> list[str]:
    """The variables of a kernel's ``env`` that its imports would not have seen in the template: each must be as
    it was ``before`` the template's imports, or, where they added it, as they set it (``after``: pandera sets
    ``SPARK_LOCAL_IP`` and ``PYARROW_IGNORE_TIMEZONE`` where they are unset; a process that has imported pandera
    passes them on, and a cold kernel importing pandera with them ends up where the template is). A variable the
    imports changed or removed must be as it was before. (Assumed: no module preloaded before the one that adds
    a variable reads it at import; none does.)"""

    def seen(k: str) -> bool:
        return env.get(k) == before.get(k) or (k not in before and env.get(k) == after.get(k))

    keys = set(env) | set(before) | set(after)
    return sorted(k for k in keys if not seen(k) and not k.startswith(ENV_MAY_DIFFER))


def launch_forked(provisioner: Any, cmd: list[str], kw: dict, template: str | None, log: str | None) -> str | None:
    """For a jupyter_client ``LocalProvisioner`` about to launch ``cmd``: ask ``template`` (an address) for a forked
    kernel and make it the provisioner's process. None when it was forked, else why not (the caller starts it
    cold, as the local provisioner does)."""
    if not template:
        return "no template"
    if not _forkable(cmd):
        return "the kernelspec is not this interpreter's ipykernel"
    try:
        # kam run's provisioner calls this synchronously, as the local provisioner's Popen (a worker's event loop
        # may have been inherited through fork, and a thread's wake-up of it can get lost); a Jupyter server's
        # (kamlib.batch.provisioner) in a thread, so that its event loop does not wait for the template
        forked = fork_kernel(template, cmd, kw["env"], kw.get("cwd"), log)
    except TemplateUnavailable as err:
        return str(err)
    provisioner.process = forked  # the part of Popen a provisioner uses
    provisioner.pid = provisioner.pgid = forked.pid  # the child called setsid(): its own process group
    provisioner.cwd = kw.get("cwd")
    return None


async def wait_forked(provisioner: Any) -> None:
    """Before the local provisioner's ``wait``: look every 10 ms, not 100 ms, whether a forked kernel has ended;
    its exit is known the moment the template has reaped it, and a notebook's report waits for it."""
    process = provisioner.process
    if process is not None and isinstance(process, ForkedProcess):
        while process.poll() is None:
            await asyncio.sleep(0.01)


def kernel_manager_class(
    env: dict,
    cwd: str | None = None,
    log: Path | None = None,
    template: str | None = None,
    *,
    blocking: bool = False,
):
    """A kernel manager class whose kernels start in ``cwd`` with ``env`` added to this process's environment.

    The class is an ``AsyncKernelManager`` (what papermill and nbclient drive), or with ``blocking`` a
    ``KernelManager`` with blocking methods (what nbval drives; see the repository's root ``conftest.py``).

    With ``template`` (the address of a :class:`KernelTemplate`) kernels are forked from it where that is
    possible, else started cold; the class attribute ``started`` lists how each kernel started ("forked",
    "cold: <why the template could not fork it>", or "cold" without a template) and ``timings`` the seconds spent stopping kernels. With ``log`` the kernels' stdout and
    stderr (ipykernel's "running over TCP without encryption", a "KeyboardInterrupt caught in kernel" at
    shutdown) are appended to that file instead of reaching the terminal.
    """
    from jupyter_client.manager import AsyncKernelManager, KernelManager
    from jupyter_client.provisioning import LocalProvisioner

    extra = dict(env)
    started: list[str] = []
    stop_seconds: list[float] = []

    class ForkedProvisioner(LocalProvisioner):
        """jupyter_client's local provisioner, with the process forked from the template where possible."""

        async def launch_kernel(self, cmd: list[str], **kw: Any):
            why = launch_forked(self, cmd, kw, template, str(log) if log else None)
            if why is not None:
                started.append(f"cold: {why}" if template else "cold")
                if log is None:
                    return await super().launch_kernel(cmd, **kw)
                with open(log, "ab") as fh:  # the child keeps its own copy of the descriptor
                    return await super().launch_kernel(cmd, **{**kw, "stdout": fh, "stderr": fh})
            started.append("forked")
            return self.connection_info

        async def wait(self) -> int | None:
            await wait_forked(self)
            return await super().wait()

    base: Any = KernelManager if blocking else AsyncKernelManager

    class RunKernelManager(base):
        async def _async_pre_start_kernel(self, **kw):
            kw["env"] = {**kw.get("env", os.environ), **extra}
            if cwd:
                kw["cwd"] = cwd
            if self.provisioner is None:  # type: ignore[has-type]
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())  # type: ignore[has-type]
                self.provisioner = ForkedProvisioner(
                    kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
                )
            return await super()._async_pre_start_kernel(**kw)

        async def _async_finish_shutdown(self, waittime=None, pollinterval=0.1, restart=False):
            # look every 10 ms whether the kernel has ended (jupyter_client: 100 ms); the report waits for it
            return await super()._async_finish_shutdown(waittime, min(pollinterval, 0.01), restart)

        async def _async_wait(self, pollinterval=0.1):
            # the same after a kill (shutdown_kernel(now=True), kam run's "immediate"): jupyter_client looks once
            # before the kernel is gone and then sleeps 100 ms, about 0.11 s for every notebook
            return await super()._async_wait(min(pollinterval, 0.01))

        async def shutdown_kernel(self, *a, **kw):
            t0 = time.perf_counter()
            try:
                return await super().shutdown_kernel(*a, **kw)
            finally:
                stop_seconds.append(time.perf_counter() - t0)

    manager = RunKernelManager
    if not blocking:  # nbval drives a blocking client with its own wait for IOPub
        RunKernelManager.client_factory = ready_client_class()
    else:
        from jupyter_client.blocking import BlockingKernelClient

        RunKernelManager.client_factory = quick_reconnect(BlockingKernelClient)

        class BlockingRunKernelManager(RunKernelManager):
            def shutdown_kernel(self, *a, **kw):  # the blocking shutdown, timed the same way
                t0 = time.perf_counter()
                try:
                    return KernelManager.shutdown_kernel(self, *a, **kw)
                finally:
                    stop_seconds.append(time.perf_counter() - t0)

        manager = BlockingRunKernelManager
    manager.started = started
    manager.stop_seconds = stop_seconds
    return manager


#: How soon a kernel client tries again to reach a kernel port that refused it (ZMQ's default: 100 ms). A client
#: connects the moment its kernel is started, and a forked kernel opens its ports about 30 ms later: the first
#: try is refused, and the default interval cost a tenth of a second before every notebook's first cell.
RECONNECT_MS = 10


def quick_reconnect(client_class: type) -> type:
    """``client_class`` (a jupyter_client kernel client) whose sockets try a refused port again after
    :data:`RECONNECT_MS`. Each client makes its own ZMQ context; the option is set on that one only."""
    import zmq

    class QuickReconnectClient(client_class):
        def _context_default(self):
            context = super()._context_default()
            context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
            context.setsockopt(zmq.RECONNECT_IVL_MAX, 100)  # a kernel that died: back off to ZMQ's usual 100 ms
            return context

    return QuickReconnectClient


def ready_client_class():
    """jupyter_client's ``AsyncKernelClient`` whose ``wait_for_ready`` ends when the kernel has answered.

    jupyter_client's own waits, after the kernel_info reply, until no IOPub message has come for 0.2 s: a
    fixed 0.2 s per notebook. This one ends at the kernel's "idle" status for the request it got the reply
    to: after that the kernel sends nothing more for it (nbclient ignores messages of other requests anyway).
    When IOPub's "welcome" shows the subscription became live only after that request, its status messages
    were never heard, so it asks once more and ends at that request's "idle". Whatever else goes missing
    costs the same 0.2 s of silence as before, never more."""
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import KernelManager

    class ReadyKernelClient(quick_reconnect(AsyncKernelClient)):  # type: ignore[misc]
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            end = time.time() + (float("inf") if timeout is None else timeout)
            if not isinstance(self.parent, KernelManager):  # as jupyter_client: a kernel it did not start
                while not await self._async_is_alive():
                    if time.time() > end:
                        raise RuntimeError(f"Kernel didn't respond to heartbeats in {timeout} seconds")
                    await asyncio.sleep(0.2)
            while True:  # as jupyter_client: a kernel_info reply, and an IOPub message proving IOPub is connected
                self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    pass
                else:
                    if reply["msg_type"] == "kernel_info_reply":
                        try:
                            first = await self.iopub_channel.get_msg(timeout=0.2)
                        except Empty:
                            pass
                        else:
                            self._handle_kernel_info_reply(reply)
                            break
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.time() > end:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            answered = {reply["parent_header"].get("msg_id")}

            def idle(msg: dict) -> bool:
                return (
                    msg.get("msg_type") == "status"
                    and msg["content"].get("execution_state") == "idle"
                    and msg["parent_header"].get("msg_id") in answered
                )

            msg = first
            asked_again = False
            while not idle(msg):  # the flush: up to that request's "idle", at most 0.2 s of silence as before
                if msg.get("msg_type") == "iopub_welcome" and not asked_again:
                    # ipykernel >= 7 says "welcome" once this client's subscription is live; the status
                    # messages of a request answered before it are lost, so their "idle" would never come.
                    # One more request, now surely heard, ends the wait in a round trip instead of 0.2 s
                    # (or the first request's "idle", if that still comes).
                    answered.add(self.kernel_info())
                    asked_again = True
                try:
                    msg = await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    return

    return ReadyKernelClient


# --------------------------------------------------------------------------- the template (its own process)


def template_main() -> None:
    """The template process: ``python -c _TEMPLATE_START kernels.py LISTENER_FD PRELOAD_JSON``; see the module
    doc. The listening socket is bound by :meth:`KernelTemplate.start`: requests queue up while the imports run."""
    import selectors

    listener, preload = socket.socket(fileno=int(sys.argv[2])), json.loads(sys.argv[3])
    base_env = dict(os.environ)  # what the preloaded libraries saw at import
    # what ipykernel_launcher does first: the working directory leaves sys.path (IPython puts '' back)
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    error = _preload(preload)
    after_env = dict(os.environ)  # what the imports left (a library may set a variable where it is unset)
    wake_r, wake_w = socket.socketpair()
    wake_r.setblocking(False)
    wake_w.setblocking(False)
    signal.set_wakeup_fd(wake_w.fileno())
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the selector; children are reaped below
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # through the finally below: no kernel left behind
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, "accept")
    sel.register(wake_r, selectors.EVENT_READ, "child")
    sel.register(sys.stdin.fileno(), selectors.EVENT_READ, "owner")
    kernels: dict[int, socket.socket] = {}
    try:
        while True:
            for key, _ in sel.select():
                if key.data == "owner":
                    if not os.read(sys.stdin.fileno(), 4096):
                        return  # the run ended
                elif key.data == "child":
                    try:
                        while wake_r.recv(4096):
                            pass
                    except BlockingIOError:
                        pass
                    _reap(kernels)
                else:
                    conn, _ = listener.accept()
                    conn.settimeout(10)
                    try:
                        request = _read_line(conn)
                    except (OSError, ValueError):
                        conn.close()
                        continue
                    why = error or ("empty request" if request is None else None)
                    if (
                        why is None
                        and request is not None
                        and (diff := _env_difference(request.get("env") or {}, base_env, after_env))
                    ):
                        why = f"environment differs from the kernel template's ({', '.join(diff[:3])})"
                    if why is not None or request is None:
                        _send(conn, {"error": why})
                        conn.close()
                        continue
                    sys.stdout.flush()
                    sys.stderr.flush()
                    pid = os.fork()
                    if pid == 0:  # the kernel: never returns into this loop
                        for s in (listener, wake_r, wake_w, *kernels.values()):
                            s.close()
                        sel.close()
                        _become_kernel(request, conn)
                    kernels[pid] = conn
                    _send(conn, {"pid": pid})
    finally:
        for pid in kernels:  # kernels their manager did not stop (a crashed run): not left behind
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        os._exit(0)  # nothing to save: tearing down pandas, scipy and matplotlib would take half a second


def _preload(modules: list[str]) -> str | None:
    """Import ``modules`` as a kernel would find them; an error message when the template must not fork."""
    import importlib

    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # what ipykernel sets
    # read by ipykernel at import (the default of IPKernelApp.parent_handle): a kernel ends when its parent,
    # the template, does (and says nothing about Ctrl-C, as a kernel started by jupyter_client)
    os.environ["JPY_PARENT_PID"] = str(os.getpid())
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # as ipykernel's own kernelspec sets it
    try:
        for name in modules:
            if name in ASKS_IF_IN_A_KERNEL:
                with _as_in_a_kernel():
                    importlib.import_module(name)
            importlib.import_module(name)
    except Exception as err:  # a broken install: kernels start cold and show the error themselves
        return f"kernel template could not import {name}: {err.__class__.__name__}: {err}"
    finally:
        if os.environ.get("MPLBACKEND") == "module://matplotlib_inline.backend_inline":
            os.environ.pop("MPLBACKEND")  # the kernel's environment comes from its request
    loaded = [m for m in MUST_NOT_PRELOAD if m in sys.modules]
    if loaded:
        return f"kernel template imported {', '.join(loaded)}, which must be imported inside the kernel"
    # (native threads of OpenBLAS's pool may exist: OpenBLAS stops and restarts them around a fork)
    if threading.active_count() != 1:
        return "kernel template started threads while importing; forking it is not safe"
    return None


class _KernelShellLookalike:
    kernel = True  # what pandas looks for: "IPython as a Jupyter kernel"


@contextlib.contextmanager
def _as_in_a_kernel():
    """``get_ipython()`` answers like a kernel's shell while a module of :data:`ASKS_IF_IN_A_KERNEL` imports."""
    import builtins

    had = hasattr(builtins, "get_ipython")
    previous = getattr(builtins, "get_ipython", None)
    builtins.get_ipython = lambda: _KernelShellLookalike()  # type: ignore[attr-defined]
    try:
        yield
    finally:
        if had:
            builtins.get_ipython = previous  # type: ignore[attr-defined]
        else:
            del builtins.get_ipython  # type: ignore[attr-defined]


def _send(conn: socket.socket, message: dict) -> None:
    try:
        conn.sendall(json.dumps(message).encode() + b"\n")
    except OSError:
        pass


def _reap(kernels: dict[int, socket.socket]) -> None:
    while kernels:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = kernels.pop(pid, None)
        if conn is not None:
            _send(conn, {"exit": os.waitstatus_to_exitcode(status)})
            conn.close()


def _become_kernel(request: dict, conn: socket.socket) -> None:
    """In the forked child: take the request's directory, environment and streams, run ipykernel, exit."""
    code = 1
    try:
        conn.close()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()  # its own process group, as jupyter_client starts kernels (interrupts reach its children)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        if request.get("log"):
            fd = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.close(fd)
        if request.get("cwd"):
            os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())  # the kernel ends when the template does
        if "numpy" in sys.modules:  # a cold kernel seeds numpy's global generator afresh; so does each fork
            sys.modules["numpy"].random.seed()
        import importlib.util

        spec = importlib.util.find_spec("ipykernel_launcher")
        sys.argv = [spec.origin if spec and spec.origin else "ipykernel_launcher", *request["argv"][3:]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:  # what a normal interpreter exit does: join threads, run atexit, flush
            threading._shutdown()  # type: ignore[attr-defined]
            import atexit

            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
