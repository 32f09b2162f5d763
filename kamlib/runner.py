"""Batch execution of the workbook: papermill in a small worker pool, HTML with the code hidden.

``run_workbook`` is what ``kam run`` and ``make workbook`` call. It never writes into
``notebooks/``: every run gets its own ``reports/<run-id>/`` folder with the executed notebooks,
their HTML (input hidden), an ``index.html`` linking them and a ``manifest.json`` (parameters,
input hash, versions, timings, failures).

``refresh_notebooks`` is the one place that does write into ``notebooks/``: it re-executes them
in place on the sample data so that nbval has reference outputs (``make notebooks``).
"""

from __future__ import annotations

import hashlib
import html
import json
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

NOTEBOOK_TIMEOUT_S = 600


@dataclass
class NotebookResult:
    notebook: str
    ipynb: str
    html: str | None
    seconds: float
    error: str | None = None


@dataclass
class RunResult:
    run_dir: Path
    results: list[NotebookResult] = field(default_factory=list)

    @property
    def failed(self) -> list[NotebookResult]:
        return [r for r in self.results if r.error]


def source_hash(source: str) -> str:
    """SHA-256 over the files of a source folder or workbook (the URL itself for a database)."""
    h = hashlib.sha256()
    p = Path(source)
    if p.is_dir():
        for f in sorted(p.rglob("*")):
            if f.is_file():
                h.update(f.relative_to(p).as_posix().encode())
                h.update(f.read_bytes())
    elif p.is_file():
        h.update(p.read_bytes())
    else:
        h.update(source.encode())
    return h.hexdigest()


def new_run_dir(out: Path, run_id: str | None = None) -> Path:
    """Create ``out/<run-id>``; never reuses an existing folder."""
    out.mkdir(parents=True, exist_ok=True)
    base = run_id or datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    candidate, n = out / base, 1
    while True:
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            if run_id:
                raise FileExistsError(f"{candidate} exists already; choose another --run-id") from None
            n += 1
            candidate = out / f"{base}-{n}"


def to_html(ipynb: Path, target: Path) -> None:
    """Executed notebook -> standalone HTML without code cells (the report a reader sees)."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(ipynb, as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")


def _execute_one(nb_path: str, out_dir: str, parameters: dict, cwd: str) -> NotebookResult:
    import papermill as pm

    nb = Path(nb_path)
    out_ipynb = Path(out_dir) / nb.name
    out_html = out_ipynb.with_suffix(".html")
    t0 = time.perf_counter()
    error = None
    try:
        declared = pm.inspect_notebook(str(nb))  # pass only what the notebook's parameters cell declares
        params = {k: v for k, v in parameters.items() if k in declared}
        pm.execute_notebook(
            str(nb), str(out_ipynb), parameters=params, cwd=cwd, progress_bar=False,
            request_save_on_cell_execute=False, execution_timeout=NOTEBOOK_TIMEOUT_S, kernel_name="python3",
        )
    except Exception as exc:  # papermill's execution error carries the failing cell's exception
        if hasattr(exc, "ename"):
            error = f"{exc.ename}: {exc.evalue} (cell {getattr(exc, 'exec_count', '?')})"
        else:
            error = f"{exc.__class__.__name__}: {exc}"
    html_name = None
    if out_ipynb.exists():
        try:
            to_html(out_ipynb, out_html)
            html_name = out_html.name
        except Exception as exc:  # a broken HTML export must not hide the notebook itself
            error = error or f"HTML export failed: {exc}"
    return NotebookResult(nb.name, out_ipynb.name, html_name, round(time.perf_counter() - t0, 2), error)


def _index_html(run_dir: Path, manifest: dict) -> str:
    rows = []
    for r in manifest["notebooks"]:
        name = html.escape(r["notebook"])
        link = f'<a href="{html.escape(r["html"])}">{name}</a>' if r["html"] else name
        status = "failed: " + html.escape(r["error"]) if r["error"] else "ok"
        rows.append(f"<tr><td>{link}</td><td>{status}</td><td>{r['seconds']:.1f} s</td>"
                    f'<td><a href="{html.escape(r["ipynb"])}">ipynb</a></td></tr>')
    params = "".join(f"<li><code>{html.escape(k)}</code> = <code>{html.escape(repr(v))}</code></li>"
                     for k, v in manifest["parameters"].items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>KAM Workbook run {html.escape(manifest['run_id'])}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse}}td,th{{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}}</style>
</head><body>
<h1>KAM Workbook: run {html.escape(manifest['run_id'])}</h1>
<p>Source: <code>{html.escape(manifest['source'])}</code> (sha256 {manifest['source_sha256'][:12]}&hellip;),
started {html.escape(manifest['started'])}, {manifest['seconds']:.1f} s in all.</p>
<ul>{params}</ul>
<table><tr><th>Notebook</th><th>Status</th><th>Time</th><th>Executed notebook</th></tr>
{''.join(rows)}
</table></body></html>
"""


def run_workbook(
    source: str,
    *,
    notebooks_dir: Path = Path("notebooks"),
    out: Path = Path("reports"),
    run_id: str | None = None,
    parameters: dict | None = None,
    workers: int = 2,
    pattern: str = "[0-9][0-9]_*.ipynb",
    only: list[str] | None = None,
) -> RunResult:
    """Execute every step notebook on ``source`` into a fresh ``out/<run-id>/`` folder.

    The source is validated before anything is written (a bad source raises
    :class:`kamlib.KamDataError` and leaves no run folder behind).
    """
    from . import load

    params = dict(parameters or {})
    src = source if "://" in source else str(Path(source).resolve())
    load(src, as_of=params.get("as_of"), warn=False)  # fail early, write nothing
    params["source"] = src
    nbs = sorted(p for p in notebooks_dir.glob(pattern) if ".ipynb_checkpoints" not in p.parts)
    if only:
        nbs = [p for p in nbs if p.name.startswith(tuple(only))]
    if not nbs:
        raise FileNotFoundError(f"no notebooks matching {pattern}{' and ' + ', '.join(only) if only else ''} "
                                f"in {notebooks_dir}")
    run_dir = new_run_dir(out, run_id)
    params["output_dir"] = str(run_dir.resolve())  # notebooks write their CSV/Excel extracts here
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    cwd = str(notebooks_dir.resolve())
    args = [(str(nb.resolve()), str(run_dir.resolve()), params, cwd) for nb in nbs]
    if workers > 1 and len(nbs) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(nbs))) as pool:
            results = list(pool.map(_execute_one, *zip(*args)))
    else:
        results = [_execute_one(*a) for a in args]
    manifest = {
        "run_id": run_dir.name,
        "started": started,
        "seconds": round(time.perf_counter() - t0, 2),
        "source": src,
        "source_sha256": source_hash(src),
        "parameters": params,
        "notebooks": [r.__dict__ for r in results],
        "failures": [r.notebook for r in results if r.error],
        "versions": _versions(),
    }
    (run_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    (run_dir / "index.html").write_text(_index_html(run_dir, manifest), encoding="utf-8")
    return RunResult(run_dir, results)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("kamlib", "pandas", "numpy", "pandera", "papermill", "nbconvert", "matplotlib", "seaborn"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def refresh_notebooks(notebooks_dir: Path = Path("notebooks"), pattern: str = "*.ipynb") -> list[Path]:
    """Re-execute notebooks in place (reference outputs for nbval), with their default parameters."""
    import nbformat
    from nbclient import NotebookClient

    done = []
    for nb_path in sorted(notebooks_dir.glob(pattern)):
        nb = nbformat.read(nb_path, as_version=4)
        NotebookClient(nb, timeout=NOTEBOOK_TIMEOUT_S, kernel_name="python3",
                       resources={"metadata": {"path": str(nb_path.parent.resolve())}}).execute()
        for cell in nb.cells:  # keep diffs small: no per-run execution timestamps
            cell.metadata.pop("execution", None)
        nb.metadata.pop("widgets", None)
        nbformat.write(nb, nb_path)
        done.append(nb_path)
    return done
