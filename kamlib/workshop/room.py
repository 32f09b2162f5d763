"""A room of participants: workspaces prepared before they arrive (``kam workshop --participants N``).

The criteria workshop's room needs no kernel per participant: its participants get a light page
(:mod:`kamlib.workshop.page`) and only the room's data is prepared here (:func:`room_cache`). This module's pool
serves the portfolio workshop (``--workshop portfolio``), whose sliders redraw a chart in each participant's own
kernel:

When the facilitator says "open the link now", everyone asks for a kernel at the same second. Started cold, each
kernel imports pandas and kamlib, loads the data and computes the ranking, all at once on the facilitator's
laptop: a room of 12 waited a minute. With ``--participants N`` the app instead

1. loads and validates the data once, and runs the room's workshop once, before the server starts: the data and
   the portfolio results every participant's notebook asks for (those marked ``portfolio_memo``, e.g. the
   key-account selection) land in a room cache that each kernel reads instead of computing
   (:mod:`kamlib.data.cache`, as ``kam run``);
2. starts Voilà with a pool of N + ``spare`` kernels for that workshop in the room's language, each of which has
   already run the notebook (Voilà's ``preheat_kernel``): a participant's page is sent at once, and the kernel
   behind it is theirs alone (their sliders and ratings live only there);
3. after the pool is used, keeps ``spare`` kernels (not N) preparing in the background for late arrivals, so the
   room's kernels do not compete with a full new pool for the two cores; someone who arrives while none is ready
   gets a page that says their workspace is being prepared (the app's page template ``kam``) and then works;
4. prints a line when all workspaces are ready: the moment to read out the address.

Voilà itself is unchanged; :func:`main` runs it in this process with a kernel manager that adds the refill rule
and the "ready" line (:func:`room_manager_class`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Kernels kept ready beyond the participants: a reload, a late arrival, a second laptop.
SPARE = 2
#: More than this many kernels do not fit a facilitator's laptop (about 150 MB each).
MAX_PARTICIPANTS = 40
WORKSHOPS = ("criteria", "portfolio")
#: Voilà page templates shipped with kamlib (``kam``: Voilà's ``lab`` with the room's "preparing" text).
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: A Jupyter data folder with the ``python3`` kernelspec whose kernels are forked (provisioner ``kam-forked``).
KERNELSPECS = Path(__file__).resolve().parent / "kernelspecs"


def jupyter_path(current: str = "") -> str:
    """The app's Voilà's ``JUPYTER_PATH``: kamlib's page templates, and its forked ``python3`` kernelspec where
    the provisioner it names is installed (an entry point of kamlib's installation; without it jupyter_client
    would refuse the kernelspec and Voilà would start no kernel at all), before ``current``."""
    from importlib.metadata import entry_points

    forked = any(e.name == "kam-forked" for e in entry_points(group="jupyter_client.kernel_provisioners"))
    parts = [str(TEMPLATES), *([str(KERNELSPECS)] if forked else []), current]
    return os.pathsep.join(p for p in parts if p)


def notebook_name(workshop: str, lang: str) -> str:
    """The pooled notebook's path as Voilà names it (relative to the served folder).

    >>> notebook_name("criteria", "de")
    'de/criteria_workshop.ipynb'
    """
    if workshop not in WORKSHOPS:
        raise ValueError(f"workshop must be one of {', '.join(WORKSHOPS)}, not {workshop!r}")
    return f"{lang}/{workshop}_workshop.ipynb"


def pools(participants: int, notebook: str, spare: int = SPARE) -> dict:
    """Voilà's ``kernel_pools_config``: ``participants + spare`` kernels for ``notebook``, none for the others.

    >>> pools(25, "en/criteria_workshop.ipynb")
    {'default': {'pool_size': 0}, 'en/criteria_workshop.ipynb': {'pool_size': 27}}
    """
    if participants < 1 or spare < 0:
        raise ValueError("participants must be at least 1 and spare at least 0")
    return {"default": {"pool_size": 0}, notebook: {"pool_size": participants + spare}}


def refill_size(first_fill: bool, configured: int, spare: int) -> int:
    """How many kernels a pool is filled up to: all of them at the start, then only the spares.

    >>> refill_size(True, 27, 2), refill_size(False, 27, 2), refill_size(False, 1, 2)
    (27, 2, 1)
    """
    return configured if first_fill else min(configured, spare)


def room_manager_class(base: Any, *, spare: int, ready_line: str = "", on_ready=None) -> Any:
    """Voilà's pooling kernel manager ``base`` with the room's rules: a pool is filled completely once, then kept
    at ``spare`` kernels; when the first complete fill has run its notebooks, ``ready_line`` is printed (and
    ``on_ready()`` called)."""

    class RoomKernelManager(base):
        def __init__(self, **kwargs):
            self._kam_filled: set = set()
            super().__init__(**kwargs)

        def _kam_purge(self, notebook_name) -> None:
            """Drop kernels whose start failed or was cancelled: Voilà would keep them in the pool for good (no
            refill, and its shutdown of any kernel would raise on them)."""
            pool = self._pools.get(notebook_name)
            if pool:
                failed = [f for f in pool if f.done() and (f.cancelled() or f.exception() is not None)]
                for f in failed:
                    pool.remove(f)
                    self.log.warning("A prepared kernel for %s failed to start and was dropped", notebook_name)

        def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
            self._kam_purge(notebook_name)
            first = notebook_name not in self._kam_filled
            self._kam_filled.add(notebook_name)
            config: dict = dict(getattr(self, "kernel_pools_config", {}))  # a trait of Voilà's manager
            default = config.get("default", {})
            own = dict(config.get(notebook_name, default))
            configured = int(own.get("pool_size", default.get("pool_size", 1)))
            if not first and configured:
                self.kernel_pools_config = {
                    **config,
                    notebook_name: {**own, "pool_size": refill_size(False, configured, spare)},
                }
            try:
                super().fill_if_needed(delay=delay, notebook_name=notebook_name, **kwargs)
            finally:
                self.kernel_pools_config = config
            if first and configured:
                pool = list(self._pools.get(notebook_name, ()))
                asyncio.get_event_loop().create_task(self._kam_announce(pool))

        def get_pool_size(self, notebook_name: str) -> int:
            """Only kernels already started count: a participant who would otherwise wait for a kernel still
            starting, on a blank page, gets Voilà's ordinary path instead, whose page says at once that their
            workspace is being prepared (the kernel still starting stays in the pool for the next one)."""
            self._kam_purge(notebook_name)
            return sum(1 for f in self._pools.get(notebook_name, ()) if f.done())

        async def get_rendered_notebook(self, notebook_name: str, *args, **kwargs):
            self._kam_purge(notebook_name)
            pool = self._pools.get(notebook_name, [])
            ready = [f for f in pool if f.done()]
            if ready and pool[0] is not ready[0]:  # Voilà takes the first: make it one that has started
                pool.remove(ready[0])
                pool.insert(0, ready[0])
            return await super().get_rendered_notebook(notebook_name, *args, **kwargs)

        async def _kam_announce(self, pool) -> None:
            contents = await asyncio.gather(*pool, return_exceptions=True)
            tasks = [c["task"] for c in contents if isinstance(c, dict)]
            done = await asyncio.gather(*tasks, return_exceptions=True)  # every notebook has run
            ok = sum(1 for d in done if not isinstance(d, BaseException))
            if ok < len(pool):
                self.log.warning(
                    "%d of %d prepared kernels failed to start or run the notebook", len(pool) - ok, len(pool)
                )
            if ready_line:
                print(ready_line.format(n=ok), flush=True)
            if on_ready is not None:
                on_ready()

    return RoomKernelManager


def room_cache(source: str, folder: Path) -> tuple[str, dict[str, str]]:
    """Load and validate the room's data once into the room cache ``folder``: its data date (the notebooks'
    ``as_of``, so that their ``kamlib.load`` finds it) and the environment that points kernels at it."""
    import kamlib
    from kamlib.data import cache

    src = source or kamlib.SAMPLE
    data = kamlib.load(src)
    as_of = str(data.as_of.date())
    cache.store_data(data, src, as_of, folder)
    return as_of, {cache.ENV: str(folder)}


def launcher_command(
    voila: list[str], *, participants: int, notebook: str, ready_line: str, spare: int = SPARE
) -> list[str]:
    """``voila`` (``[python, -m, voila, ...]``) run by :func:`main` with the room's pool instead."""
    return [
        voila[0],
        "-m",
        "kamlib.workshop.room",
        "--participants",
        str(participants),
        "--spare",
        str(spare),
        "--notebook",
        notebook,
        "--ready-line",
        ready_line,
        "--",
        *voila[3:],
    ]


def socket_dir() -> str | None:
    """A new, short folder for the kernels' Unix sockets, or None where there are none (Windows: TCP).

    Kernels started together over TCP sometimes drew the same free port ("Address already in use") and the
    kernel restarted after that never finished its notebook; Unix sockets named after each kernel cannot
    collide. Their paths are limited to about 100 characters, so the folder is made directly in /tmp (a long
    TMPDIR, as on macOS or under pytest, would not fit)."""
    if os.name != "posix":
        return None
    base = "/tmp" if os.access("/tmp", os.W_OK) else None
    return tempfile.mkdtemp(prefix="kam-", dir=base)


def prepare(notebook: Path, env: dict, timeout: float = 600) -> None:
    """Run the room's ``notebook`` once in a kernel with the room's environment ``env`` (its cache): the data and
    every portfolio result the participants' notebooks ask for are then computed once and read by all."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    env = {**env, "KAM_WORKSHOP_LIVE": "1"}  # the widgets' path, as in the participants' kernels
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        sockets = socket_dir()  # as the room's kernels (see socket_dir)
        km = (
            AsyncKernelManager(
                kernel_name="python3", transport="ipc", connection_file=str(Path(sockets) / "kernel-prepare.json")
            )
            if sockets
            else AsyncKernelManager(kernel_name="python3")
        )
        try:
            client = NotebookClient(nb, km=km, timeout=timeout, resources={"metadata": {"path": str(notebook.parent)}})
            client.execute()
        finally:
            if km.has_kernel:  # nbclient leaves a kernel it was handed running
                run_sync(km.shutdown_kernel)(now=True)
            if sockets:
                shutil.rmtree(sockets, ignore_errors=True)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m kamlib.workshop.room", description=__doc__.split("\n")[0])
    p.add_argument("--participants", type=int, required=True)
    p.add_argument("--spare", type=int, default=SPARE)
    p.add_argument("--notebook", required=True, help="the pooled notebook, relative to the served folder")
    p.add_argument("--ready-line", default="", help="printed when all workspaces are ready ({n}: how many)")
    p.add_argument("voila", nargs=argparse.REMAINDER, help="-- then Voilà's own command line")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Voilà with the room's pool (``kam workshop --participants N`` runs this in its own process)."""
    import json

    import voila.app

    args = build_parser().parse_args(argv)
    rest = [a for a in args.voila if a != "--"] if args.voila[:1] == ["--"] else list(args.voila)
    make = voila.app.voila_kernel_manager_factory

    def factory(base, preheat_kernel, pool_size, **kwargs):
        cls = make(base, preheat_kernel, pool_size, **kwargs)
        return room_manager_class(cls, spare=args.spare, ready_line=args.ready_line) if preheat_kernel else cls

    voila.app.voila_kernel_manager_factory = factory
    # the pool's settings as a config file in a hidden folder of the served one (the tree does not list it)
    folder = Path.cwd() / ".room"
    folder.mkdir(exist_ok=True)
    settings = {
        "VoilaConfiguration": {"preheat_kernel": True},
        "VoilaKernelManager": {
            "kernel_pools_config": pools(args.participants, args.notebook, args.spare),
            "fill_delay": 0,
        },
    }
    (folder / "voila.json").write_text(json.dumps(settings, indent=1), encoding="utf-8")
    from jupyter_core.paths import jupyter_config_path

    rest += [f"--Voila.config_file_paths={p}" for p in [str(folder), *jupyter_config_path()]]
    sockets = socket_dir()
    if sockets:
        rest += ["--KernelManager.transport=ipc", f"--Voila.connection_dir_root={sockets}"]
    try:
        voila.app.main(argv=rest)
    finally:
        if sockets:
            shutil.rmtree(sockets, ignore_errors=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
