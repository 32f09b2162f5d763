"""pytest for the whole repository: nbval runs the notebooks on forked kernels.

With ``--nbval`` (or ``--nbval-lax``) every notebook's kernel is forked from one kernel template per pytest
process (per xdist worker), as ``kam run`` does (:mod:`kamlib.batch.kernels`): the template imports
ipykernel, pandas, matplotlib, pandera and kamlib once, and each notebook gets a fresh child of it, so every
notebook still starts from a clean kernel of its own. nbval itself is unchanged: it compares the same cells
with the same outputs, and a cell that fails still fails. Where forking is not possible (not Linux,
``KAM_NO_FORK=1``, a kernelspec that is not this interpreter's ipykernel) nbval's kernels start cold, as
before. ``tests/test_nbval_kernels.py`` proves both: the kernel's parent is the template, and a failing cell fails.
"""

from __future__ import annotations

from typing import Any

import pytest

_state: dict[str, Any] = {}


def _nbval_on(config) -> bool:
    return bool(getattr(config.option, "nbval", False) or getattr(config.option, "nbval_lax", False))


def _start_template() -> None:
    """Start this process's kernel template once (its imports run while pytest collects and runs tests)."""
    template = _state.get("template")
    if template is None or template.process is not None or _state.get("why_cold"):
        return
    try:
        template.start()
    except OSError as err:  # e.g. a temporary folder whose path is too long for a Unix socket
        _state["why_cold"] = f"the kernel template could not start ({err})"


def pytest_configure(config) -> None:
    if not _nbval_on(config):
        return
    import nbval.kernel

    from kamlib.batch import kernels

    why = kernels.fork_unavailable_reason()
    if why is not None:
        _state["why_cold"] = why
        return
    template = kernels.KernelTemplate(cwd=str(config.rootpath))
    base = kernels.kernel_manager_class({}, template=template.address, blocking=True)

    class NbvalKernelManager(base):  # type: ignore[misc,valid-type]
        async def _async_pre_start_kernel(self, **kw):
            _start_template()  # without notebooks among the collected items it was not started
            return await super()._async_pre_start_kernel(**kw)

    _state.update(template=template, manager=NbvalKernelManager, original=nbval.kernel.KernelManager)
    nbval.kernel.KernelManager = NbvalKernelManager  # what nbval.kernel.start_new_kernel instantiates


def pytest_collection_finish(session) -> None:
    if _state.get("template") is not None and any(type(i).__module__.startswith("nbval") for i in session.items):
        _start_template()


def _started() -> list[str]:
    """How this process's nbval kernels started: "forked" or "cold: <why>" each."""
    manager = _state.get("manager")
    return list(manager.started) if manager is not None else []


def pytest_sessionfinish(session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: its kernels are reported by the controller (below)
        workeroutput["nbval_kernels"] = _started()
        workeroutput["nbval_why_cold"] = _state.get("why_cold")


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent without it (-p no:xdist)
def pytest_testnodedown(node) -> None:
    """pytest-xdist, in the controller: collect each worker's kernels for the summary."""
    output = getattr(node, "workeroutput", None) or {}
    # by worker: xdist may report a worker twice (after Ctrl-C)
    _state.setdefault("worker_kernels", {})[node.gateway.id] = output.get("nbval_kernels", [])
    if output.get("nbval_why_cold"):
        _state["why_cold"] = output["nbval_why_cold"]


def pytest_terminal_summary(terminalreporter) -> None:
    """One line: how nbval's kernels started, across the xdist workers too (a cold one says why)."""
    started = _started() + [s for kernels in _state.get("worker_kernels", {}).values() for s in kernels]
    if started:
        forked = sum(s == "forked" for s in started)
        cold = sorted({s for s in started if s != "forked"})
        terminalreporter.write_line(
            f"nbval kernels: {forked} forked, {len(started) - forked} cold{' (' + '; '.join(cold) + ')' if cold else ''}"
        )
    elif _state.get("why_cold"):
        terminalreporter.write_line(f"nbval kernels: cold ({_state['why_cold']})")


def pytest_unconfigure(config) -> None:
    template = _state.pop("template", None)
    if template is not None:
        template.close()
    original = _state.pop("original", None)
    if original is not None:
        import nbval.kernel

        nbval.kernel.KernelManager = original
    _state.clear()
