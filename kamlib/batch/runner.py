"""Batch execution of the workbook: plan, run in a worker pool, write a report folder atomically.

``run_workbook`` is what ``kam run`` and ``make workbook`` call:

1. **Plan.** Notebooks without an ``account_id`` parameter run once (portfolio). Notebooks that declare
   ``account_id`` run once per account (the definitive key accounts by default, or ``accounts=``); when
   their default ``account_id`` is empty they also run once as a portfolio view.
2. **Run.** papermill's Python API in a process pool (no subprocess per notebook); each worker also
   exports the HTML (code hidden) with a footer naming run id, data date and input hash.
3. **Write safely.** Every file is written to a temporary name and renamed, so no half-written report
   sits under its final name. Account ids become folder names only after sanitising. A failing
   notebook (exception, dead kernel, timeout) never stops the others; its error is recorded in
   ``manifest.json`` and ``index.html``. ``resume`` re-runs only what is missing or failed.

It never writes into ``notebooks/``. ``refresh_notebooks`` is the one place that does: it re-executes
notebooks in place on the sample data so that nbval has reference outputs (``make notebooks``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import tempfile
import time
import unicodedata
import uuid
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kamlib import decision as decision_mod
from kamlib.batch import documents as account_documents
from kamlib.batch import kernels, products
from kamlib.data.writers import atomic_write_text
from kamlib.present import pages
from kamlib.present import pdf as pdf_print

NOTEBOOK_TIMEOUT_S = 600
PASSWORD_ENV = "KAM_DB_PASSWORD"  # the same name kamlib.data.readers reads
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


# --------------------------------------------------------------------------- plan


@dataclass
class Task:
    """One notebook execution: which notebook, for which account (or the portfolio), where to."""

    notebook: str  # path to the source notebook
    key: str  # unique, file-system safe: "01_account_selection" or "accounts/ACC-0001/02_account_profile"
    parameters: dict
    account_id: str | None = None
    account_name: str | None = None


@dataclass
class NotebookResult:
    key: str
    notebook: str
    account_id: str | None
    ipynb: str | None
    html: str | None
    pdf: str | None
    seconds: float
    started: str
    status: str  # ok | failed
    error: str | None = None
    worker: str = ""  # host:pid of the process that ran it (a pool worker or a Dask worker)
    kernel: str = ""  # "forked" from the run's kernel template, "cold: <why it could not>", or "cold" (no template)
    #: seconds: kernel_start (until the first cell runs), execute (the cells), kernel_stop, export (HTML, PDF)
    timings: dict = field(default_factory=dict)


@dataclass
class RunResult:
    run_dir: Path
    results: list[NotebookResult] = field(default_factory=list)

    @property
    def failed(self) -> list[NotebookResult]:
        return [r for r in self.results if r.status != "ok"]


def safe_name(text: str, *, max_len: int = 80) -> str:
    """A file-system safe, readable name for an account id or name.

    Keeps letters (also umlauts, folded to ASCII), digits, ``-``, ``_`` and ``.``; everything else
    becomes ``_``; no leading dots (no ``..`` or hidden files), no Windows reserved names, bounded length,
    never empty. Distinct inputs that collide get a short hash suffix.

    Examples
    --------
    >>> safe_name("../../etc/passwd")
    'etc_passwd-3754d6'
    >>> safe_name("ACC-0001")
    'ACC-0001'
    >>> safe_name("Müller & Söhne")
    'Muller_Sohne-6d9a29'
    """
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", folded).strip("._-") or "x"
    clean = clean[:max_len]
    if clean.lower().split(".")[0] in _RESERVED:
        clean = "_" + clean
    if clean != text:  # lossy: keep different inputs apart
        clean = f"{clean}-{hashlib.sha256(str(text).encode()).hexdigest()[:6]}"
    return clean


def declared_parameters(notebook: Path) -> dict[str, dict]:
    import papermill as pm

    return pm.inspect_notebook(str(notebook))


def plan_run(
    notebooks: list[Path],
    *,
    parameters: dict,
    accounts: list[tuple[str, str]] | None,
    declared: dict | None = None,
) -> list[Task]:
    """Tasks for ``notebooks``: portfolio notebooks once, per-account notebooks once per account.

    ``declared`` (notebook -> its parameters, as :func:`declared_parameters` gives them) saves inspecting a
    notebook the caller has inspected already."""
    tasks: list[Task] = []
    known = declared or {}
    for nb in notebooks:
        declared = known.get(nb) or declared_parameters(nb)
        params = {k: v for k, v in parameters.items() if k in declared}
        per_account = "account_id" in declared
        portfolio_too = per_account and declared["account_id"].get("default", "").strip() in ('""', "''", "None")
        if not per_account or portfolio_too:
            p = dict(params)
            if per_account:
                p["account_id"] = ""
            tasks.append(Task(str(nb), nb.stem, p))
        if per_account:
            for acc_id, name in accounts or []:
                p = {**params, "account_id": acc_id}
                tasks.append(Task(str(nb), f"accounts/{safe_name(acc_id)}/{nb.stem}", p, acc_id, name))
    return tasks


def execution_order(tasks: list[Task]) -> list[Task]:
    """The order in which a run's pool starts ``tasks``: the portfolio notebooks first, then the per-account
    ones, each in plan order.

    A portfolio notebook covers every account and takes longer than a per-account one (05 alone took 11-22 s of
    the sample run's 124-149 notebook-seconds, a per-account notebook 1-2 s); started last, it ran alone while
    the other workers had nothing left. Started first, the long ones overlap with the many short ones and every
    worker is busy to the end.
    Only the start order changes: the notebooks are independent of each other (they read the decision file,
    written before the pool starts, never another notebook's output), and the manifest and the index keep the
    plan's order."""
    return [t for t in tasks if t.account_id is None] + [t for t in tasks if t.account_id is not None]


# --------------------------------------------------------------------------- writing


def _within(run_dir: Path, path: Path) -> Path:
    resolved = path.resolve()
    if run_dir.resolve() not in resolved.parents:
        raise ValueError(f"refusing to write outside the run folder: {path}")
    return resolved


def footer_html(run: dict, lang: str = "en") -> str:
    """The footer every page of a run carries: run id, data date, source checksum, kamlib version."""
    from kamlib import i18n

    return pages.render("footer.html.j2", text=_footer_text(run, i18n.check_lang(lang)))


#: The report page's nbconvert template and stylesheet live in ``kamlib/present/templates/`` (``nbconvert/
#: report.html.j2``, ``report.css``): no MathJax (customer text is never typeset as math; ``$\\href{http://…}{x}$``
#: would become a live link), no require.js, widget manager or JupyterLab CSS from a CDN (:mod:`kamlib.present.export`).
REPORT_TEMPLATE = "kamlib/present/templates/nbconvert/report.html.j2"


def to_html(
    ipynb: Path,
    target: Path,
    *,
    footer: str = "",
    lang: str = "en",
    exercises: bool = False,
    title: str | None = None,
    index_href: str = "index.html",
) -> None:
    """Executed notebook -> standalone HTML without code cells, footer added; written atomically.

    The report follows ``lang`` (:func:`kamlib.present.report.report_notebook`: German headings and outputs,
    no English prose in a German report) and leaves exercises out unless ``exercises``. The page
    (:func:`kamlib.present.export.export_notebook`) loads nothing from the internet, is titled ``title`` (by
    default the report's name), links back to the index at ``index_href`` and has room for the links to the
    account's other reports and documents (:func:`link_pages` fills it when the run is complete).
    """
    import nbformat

    from kamlib.present import export
    from kamlib.present.report import report_notebook

    nb = report_notebook(nbformat.read(ipynb, as_version=4), lang, exercises=exercises)
    page = export.export_notebook(
        nb,
        title=title or export.report_name(Path(ipynb).stem, lang),
        lang=lang,
        index_href=index_href,
        footer=footer,
    )
    atomic_write_text(target, page)


def _export_html(nb, *, title: str = "", lang: str = "en") -> str:
    """``nb`` as a report page (no navigation filled in), with this process's one prepared exporter."""
    from kamlib.present import export

    return export.export_notebook(nb, title=title, lang=lang)


def prepare_exporter() -> None:
    """Build the HTML exporter and compile its templates now (once, before the pool's workers are forked)."""
    from kamlib.present import export

    export.prepare()


def report_title(task: Task, lang: str) -> str:
    """What a report is, for its ``<title>`` and heading: account id and name (per-account reports), the
    report's name in ``lang`` and its period (the review period, else the quarter of ``as_of``).

    Examples
    --------
    >>> t = Task("notebooks/02_account_profile.ipynb", "accounts/ACC-0044/02_account_profile",
    ...          {"as_of": "2025-12-31", "account_id": "ACC-0044"}, "ACC-0044", "Müller Antriebe GmbH")
    >>> report_title(t, "en")
    'ACC-0044 · Müller Antriebe GmbH · Account profile · 2025Q4'
    >>> report_title(Task("nb/05_portfolio_review.ipynb", "05_portfolio_review", {"period": "2025Q3"}), "de")
    'Portfolio-Bewertung · 2025Q3'
    """
    from kamlib.present import export

    period = str(task.parameters.get("period") or "")
    if not period and task.parameters.get("as_of"):
        try:
            day = datetime.fromisoformat(str(task.parameters["as_of"]))
            period = f"{day.year}Q{(day.month - 1) // 3 + 1}"
        except ValueError:
            period = str(task.parameters["as_of"])
    parts = [task.account_id, task.account_name] if task.account_id else []
    parts += [export.report_name(Path(task.notebook).stem, lang), period]
    return " · ".join(str(p) for p in parts if p)


def html_to_pdf(html_path: Path, pdf_path: Path, *, chromium: str | None = None) -> None:
    """Print an HTML report to PDF with headless Chromium (offline); atomic. See :mod:`kamlib.present.pdf`."""
    pdf_print.html_to_pdf(html_path, pdf_path, chromium_exe=chromium)


# --------------------------------------------------------------------------- executing


#: Cells with this tag are for trainees (exercises, glossary, objectives): left out of batch reports.
TRAINEE_TAG = "learning-path"


def execute_task(
    task: Task,
    run_dir: str,
    cwd: str,
    run: dict,
    timeout: int = NOTEBOOK_TIMEOUT_S,
    pdf: bool = False,
    env: dict | None = None,
    drop_tags: tuple[str, ...] = (TRAINEE_TAG,),
    template: str | None = None,
) -> NotebookResult:
    """Run one task in this process: papermill, then HTML (and PDF). Never raises for notebook errors.

    ``template`` is the address of the run's kernel template (:mod:`kamlib.batch.kernels`): the kernel is
    forked from it where possible; without it (``kam run --no-fork``) it starts cold.

    ``env`` is added to the environment of this notebook's kernel only (the run cache folder, a database
    password); this process's own environment is never changed, so tasks in threads of one worker (a
    thread pool, Dask) cannot see each other's values. Nothing of it is written into the notebook. Cells
    tagged with one of ``drop_tags`` are removed before execution (neither run nor shown).
    """
    import nbformat
    import papermill as pm

    root = Path(run_dir)
    base = _within(root, root / task.key)
    base.parent.mkdir(parents=True, exist_ok=True)
    out_ipynb, out_html, out_pdf = (base.with_suffix(s) for s in (".ipynb", ".html", ".pdf"))
    tmp_ipynb = base.with_name(f".{base.name}.tmp-{os.getpid()}.ipynb")
    params = dict(task.parameters)
    if "output_dir" in params:
        params["output_dir"] = str(base.parent)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    error = None
    first_cell: list[float] = []
    manager = kernels.kernel_manager_class(env or {}, cwd, root.resolve() / KERNEL_LOG, template)
    tmp_src = base.with_name(f".{base.name}.src-{os.getpid()}-{uuid.uuid4().hex[:8]}.ipynb")
    try:
        # the notebook as it will run: trainee cells removed, saved outputs cleared (they could come from
        # another account or company), written next to the report so papermill reads a path, not a copy
        source_nb = nbformat.read(task.notebook, as_version=4)
        source_nb.cells = [
            c for c in source_nb.cells if not set(c.get("metadata", {}).get("tags", [])) & set(drop_tags)
        ]
        for c in source_nb.cells:
            if c.cell_type == "code":
                c.outputs, c.execution_count = [], None
        nbformat.write(source_nb, tmp_src)
        # the kernel starts in ``cwd`` (papermill's own cwd= would chdir this whole process, which races
        # between threads of one worker)
        for attempt in (1, 2):
            first_cell.clear()
            t_exec = time.perf_counter()
            try:
                pm.execute_notebook(
                    str(tmp_src),
                    str(tmp_ipynb),
                    parameters=params,
                    progress_bar=False,
                    log_output=False,
                    request_save_on_cell_execute=False,
                    execution_timeout=timeout,
                    kernel_name="python3",
                    kernel_manager_class=manager,
                    # the notebook has run and its outputs are in (each cell, and what it writes, finishes before
                    # the next): no reason to wait for the kernel's own exit. Not waited for: atexit handlers and
                    # background threads a notebook leaves running; kamlib's notebooks have neither
                    shutdown_kernel="immediate",
                    on_cell_start=lambda **_: first_cell.append(time.perf_counter()) if not first_cell else None,
                )
                break
            except RuntimeError as exc:
                # a kernel that dies before its first reply ran no cell: on a busy machine two kernels
                # starting at once can pick the same free TCP port; start it once more
                if attempt == 1 and _KERNEL_START_FAILED in str(exc):
                    tmp_ipynb.unlink(missing_ok=True)
                    continue
                raise
    except Exception as exc:  # the failing cell's exception, a dead kernel or a timeout
        error = _describe(exc)
    finally:
        tmp_src.unlink(missing_ok=True)
    t_done = time.perf_counter()
    stop = sum(manager.stop_seconds[-1:])
    ready = first_cell[0] if first_cell else t_done
    timings = {
        "kernel_start": round(ready - t_exec, 3),
        "execute": round(max(0.0, t_done - ready - stop), 3),
        "kernel_stop": round(stop, 3),
    }
    html_name = pdf_name = ipynb_name = None
    if tmp_ipynb.exists():
        try:  # record the real source notebook, not the temporary copy
            executed = nbformat.read(tmp_ipynb, as_version=4)
            executed.metadata.setdefault("papermill", {})["input_path"] = str(task.notebook)
            drop_set_defaults(executed, params)  # e.g. account_id = "ACC-0044" in another account's notebook
            nbformat.write(executed, tmp_ipynb)
        except Exception:  # a damaged notebook is still moved into place and reported below
            pass
        os.replace(tmp_ipynb, out_ipynb)
        ipynb_name = out_ipynb.relative_to(root.resolve()).as_posix()
        try:
            lang = params.get("lang", "en") if params.get("lang") in ("en", "de") else "en"
            if error is None:
                to_html(
                    out_ipynb,
                    out_html,
                    footer=footer_html(run, lang),
                    lang=lang,
                    exercises=not drop_tags,
                    title=report_title(task, lang),
                    index_href="../" * task.key.count("/") + "index.html",
                )
            else:  # a reader gets what failed and what to do, not a traceback followed by empty sections
                atomic_write_text(out_html, error_page(task, error, run, depth=task.key.count("/")))
            html_name = out_html.relative_to(root.resolve()).as_posix()
            if pdf and error is None:
                html_to_pdf(out_html, out_pdf)
                pdf_name = out_pdf.relative_to(root.resolve()).as_posix()
        except Exception as exc:  # a broken export must not hide the notebook itself
            error = error or f"export failed: {_describe(exc)}"
    timings["export"] = round(time.perf_counter() - t_done, 3)
    return NotebookResult(
        task.key,
        Path(task.notebook).name,
        task.account_id,
        ipynb_name,
        html_name,
        pdf_name,
        round(time.perf_counter() - t0, 2),
        started,
        "failed" if error else "ok",
        error,
        f"{platform.node()}:{os.getpid()}",
        (manager.started or [""])[-1],
        timings,
    )


def error_page(task: Task, error: str, run: dict, *, depth: int = 0) -> str:
    """A short HTML page for a report that failed, in the run's language: which report, the cause (escaped),
    what to do next."""
    lang = _run_lang(run)
    return pages.error_page(
        lang,
        what=Path(task.notebook).stem + (f" · {task.account_id}" if task.account_id else ""),
        error=_plain(error),
        back="../" * depth + "index.html",
        run_id=run.get("run_id", "RUN_ID"),
        text=_footer_text(run, lang),
    )


def _run_lang(run: dict) -> str:
    from kamlib import i18n

    lang = (run.get("parameters") or {}).get("lang", "en")
    return lang if lang in i18n.LANGS else "en"


def _footer_text(run: dict, lang: str) -> str:
    from kamlib import i18n

    return i18n.pick(i18n.INDEX["footer"], lang).format(
        run_id=run.get("run_id", ""),
        as_of=i18n.date(str(run.get("as_of", "")), lang) if run.get("as_of") else "",
        sha=str(run.get("source_sha256", ""))[:12],
        version=run.get("kamlib", ""),
    )


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _plain(text: str) -> str:
    """An error message without terminal colour codes."""
    return _ANSI.sub("", text or "")


def failure_causes(results: list[dict]) -> list[tuple[str, int, list[str]]]:
    """Failures grouped by cause: (message with the account id taken out, count, keys), largest first.

    When 22 reports fail for one reason, the index says that reason once, at the top.
    """
    groups: dict[str, list[str]] = {}
    for r in results:
        if r.get("status") == "ok":
            continue
        msg = _plain(r.get("error") or "unknown error")
        if r.get("account_id"):  # the id as a whole token only: id "1" must not touch "2025Q1"
            msg = re.sub(rf"(?<![\w-]){re.escape(str(r['account_id']))}(?![\w-])", "<account>", msg)
        groups.setdefault(msg, []).append(r["key"])
    return sorted(((m, len(k), k) for m, k in groups.items()), key=lambda x: (-x[1], x[0]))


def drop_set_defaults(nb, parameters: dict) -> list[str]:
    r"""Remove from ``nb``'s ``parameters`` cell the lines of the parameters a run sets; return their names.

    papermill injects the values a run sets in a cell right after the ``parameters`` cell and keeps the
    defaults above it. Defaults are examples for an interactive session (``account_id: str = "ACC-0044"``,
    a data path, a date); left in place, every account's executed notebook would carry another account's
    id. The cell keeps the other parameters and comments and says which ones the next cell sets.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell('source: str = "x"  # data\naccount_id: str = "ACC-0044"  # e.g.\n'
    ...                                  'weights: dict = {"a": 1,\n                "b": 2}\nlang: str = "en"')
    >>> cell.metadata["tags"] = ["parameters"]
    >>> nb = nbformat.v4.new_notebook(cells=[cell])
    >>> drop_set_defaults(nb, {"account_id": "ACC-0001", "weights": {}, "unknown": 1})
    ['account_id', 'weights']
    >>> print(nb.cells[0].source)
    source: str = "x"  # data
    lang: str = "en"
    # set by kam run in the next cell: account_id, weights
    """
    import ast

    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # papermill reports that; nothing to drop here
            return []
        drop: set[int] = set()
        names: list[str] = []
        for node in tree.body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            hit = [t.id for t in targets if isinstance(t, ast.Name) and t.id in parameters]
            if hit:
                names += hit
                drop.update(range(node.lineno - 1, node.end_lineno))
        if names:
            kept = [line for i, line in enumerate(cell.source.splitlines()) if i not in drop]
            cell.source = "\n".join([*kept, f"# set by kam run in the next cell: {', '.join(names)}"])
        return names
    return []


#: jupyter_client's message when a kernel process ends before answering its first request
_KERNEL_START_FAILED = "Kernel died before replying to kernel_info"

#: Where the kernels' own messages go (relative to the run folder): not to the user's terminal.
KERNEL_LOG = "kernels.log"


def _describe(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)  # papermill's PapermillExecutionError carries the notebook's exception
    if ename is not None:
        return f"{ename}: {getattr(exc, 'evalue', '')}"[:500]
    lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip().strip("-")]
    return f"{exc.__class__.__name__}: {lines[0] if lines else ''}"[:500]


# --------------------------------------------------------------------------- the run


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
        h.update(re.sub(r"://[^@/]*@", "://", source).encode())  # never hash (or show) a password
    return h.hexdigest()


def new_run_dir(out: Path, run_id: str | None = None) -> Path:
    """Create ``out/<run-id>``; never reuses an existing folder."""
    out.mkdir(parents=True, exist_ok=True)
    base = safe_name(run_id) if run_id else datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    candidate, n = out / base, 1
    while True:
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            if run_id:
                raise FileExistsError(f"{candidate} exists already; choose another --run-id or --resume it") from None
            n += 1
            candidate = out / f"{base}-{n}"


def select_accounts(data, parameters: dict) -> list[tuple[str, str]]:
    """The key accounts (id, name) of the run's decision under ``parameters`` (:func:`kamlib.decision.decide`)."""
    d = decision_mod.decide(data, parameters)
    names = d.selection.table["name"]
    return [(i, str(names[i])) for i in d.ids]


def _account_facts(table, ids: list[str]) -> dict[str, dict]:
    """KAM, revenue, quadrant and type per account (from a selection table) for the index page."""
    import pandas as pd

    if table is None:
        return {}
    facts = table.reindex(ids).reindex(columns=["kam_id", "revenue_12m", "quadrant", "type", "definitive", "rank"])
    out: dict[str, dict] = {}
    for acc_id, row in facts.iterrows():
        out[acc_id] = {
            "kam_id": None if pd.isna(row["kam_id"]) else str(row["kam_id"]),
            "revenue_12m": None if pd.isna(row["revenue_12m"]) else float(row["revenue_12m"]),
            "quadrant": None if pd.isna(row["quadrant"]) else str(row["quadrant"]),
            "type": None if pd.isna(row["type"]) else str(row["type"]),
            "definitive": bool(row["definitive"]) if not pd.isna(row["definitive"]) else False,
            "rank": None if pd.isna(row["rank"]) else int(row["rank"]),  # the selection's rank: the index's order
        }
    return out


def _account_signals(run_dir: Path, folder: str) -> dict:
    """Health band and profile flags of one account, read from the products its notebooks wrote
    (:data:`kamlib.batch.products.PRODUCTS`: ``review_health`` of notebook 04, ``profile_findings`` of 02).
    A product that was not written gives empty values: the index then shows no band or flags."""
    import pandas as pd

    out: dict = {"health": None, "band": None, "flags": []}
    base = run_dir / "accounts" / folder
    try:
        h = products.read("review_health", base)
        if h is not None and "health" in h.index:
            score = pd.to_numeric(h["score"], errors="coerce").get("health")
            out["health"] = None if score is None or pd.isna(score) else round(float(score), 1)
            band = h["band"].get("health")
            out["band"] = None if band is None or pd.isna(band) else str(band)
        fnd = products.read("profile_findings", base)
        if fnd is not None:
            rank = {"high": 0, "medium": 1, "low": 2}
            fnd = fnd.assign(_r=fnd["severity"].map(rank).fillna(3)).sort_values("_r", kind="stable")
            out["flags"] = [
                {"severity": str(r.severity), "check": str(r.check), "message": str(r.message).lstrip("'")}
                for r in fnd.itertuples()
            ]
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    return out


def run_workbook(
    source: str,
    *,
    notebooks_dir: Path | None = None,
    out: Path = Path("reports"),
    run_id: str | None = None,
    parameters: dict | None = None,
    workers: int | None = None,
    pattern: str = "[0-9][0-9]_*.ipynb",
    only: list[str] | None = None,
    accounts: list[str] | None = None,
    all_accounts: bool = False,
    resume: str | None = None,
    dry_run: bool = False,
    pdf: bool = False,
    timeout: int = NOTEBOOK_TIMEOUT_S,
    quiet: bool = True,
    executor: Executor | None = None,
    cache: bool = True,
    exercises: bool = False,
    fork: bool = True,
    template: kernels.KernelTemplate | None = None,
) -> RunResult | list[Task]:
    """Execute the workbook on ``source`` into a fresh ``out/<run-id>/`` folder (or resume one).

    With ``fork`` (the default, where :func:`kamlib.batch.kernels.fork_unavailable_reason` allows it) the
    notebooks' kernels are forked from one kernel template for the run, started first so that its imports
    run while the source is validated; without it every kernel starts cold. The results are the same.
    ``template``: a started :class:`kamlib.batch.kernels.KernelTemplate` to fork from instead (``kam run``
    starts it before importing anything heavy; several runs may share one); the caller closes it.

    The source is validated before anything is written (a bad source raises
    :class:`kamlib.KamDataError` and leaves no run folder behind). With ``dry_run`` the plan (a list of
    :class:`Task`) is returned and nothing is executed or written.

    With ``cache`` (the default) the validated data and the portfolio results the notebooks share are
    computed once for the run (see :mod:`kamlib.data.cache`); ``executor`` may be any
    :class:`concurrent.futures.Executor` (a process pool by default, or a Dask cluster's
    ``client.get_executor()``) whose workers see the run folder under the same path. Trainee cells
    (exercises, glossary; tag ``learning-path``) are left out of the reports unless ``exercises``.
    ``notebooks_dir`` defaults to :func:`kamlib.notebooks_folder` (the project's, or the workbook's own).
    """
    from kamlib import notebooks_folder

    notebooks_dir = notebooks_folder(notebooks_dir)
    why_cold = kernels.fork_unavailable_reason() if fork else "--no-fork"
    own = template is None  # the run starts and ends its own template, or uses the caller's
    if why_cold is not None or dry_run:
        template = None
    elif template is None:
        template, why_cold = kernels.KernelTemplate.started(str(notebooks_dir.resolve()))
    try:
        return _run_workbook(
            source,
            notebooks_dir=notebooks_dir,
            out=out,
            run_id=run_id,
            parameters=parameters,
            workers=workers,
            pattern=pattern,
            only=only,
            accounts=accounts,
            all_accounts=all_accounts,
            resume=resume,
            dry_run=dry_run,
            pdf=pdf,
            timeout=timeout,
            quiet=quiet,
            executor=executor,
            cache=cache,
            exercises=exercises,
            template=template,
            why_cold=why_cold,
        )
    finally:
        if template is not None and own:
            template.close()


def _run_workbook(
    source: str,
    *,
    notebooks_dir: Path,
    out: Path,
    run_id: str | None,
    parameters: dict | None,
    workers: int | None,
    pattern: str,
    only: list[str] | None,
    accounts: list[str] | None,
    all_accounts: bool,
    resume: str | None,
    dry_run: bool,
    pdf: bool,
    timeout: int,
    quiet: bool,
    executor: Executor | None,
    cache: bool,
    exercises: bool,
    template: kernels.KernelTemplate | None,
    why_cold: str | None = None,
) -> RunResult | list[Task]:
    from kamlib import load
    from kamlib.data.readers import split_password
    from kamlib.errors import KamParameterError

    params = dict(parameters or {})
    from kamlib.data.readers import absolute_database_path

    src = absolute_database_path(source) if "://" in source else str(Path(source).resolve())
    nbs = sorted(p for p in notebooks_dir.glob(pattern) if ".ipynb_checkpoints" not in p.parts)
    doc_kinds, prefixes = account_documents.split_only(only)  # --only qbr/brief/annual: documents (see below)
    if prefixes is not None:
        nbs = [p for p in nbs if p.name.startswith(tuple(prefixes))]
    if not nbs and (prefixes is None or prefixes):  # notebooks asked for, none there: not a run of documents alone
        raise FileNotFoundError(
            f"no notebooks matching {pattern}{' and ' + ', '.join(only) if only else ''} in {notebooks_dir}"
            " (--notebooks names the folder)"
        )
    data = load(src, as_of=params.get("as_of") or None, warn=False)  # fail early, write nothing
    # notebooks get the URL without its password (it would be saved in every executed notebook);
    # their kernels get it in the environment instead
    nb_src, password = split_password(src)
    params["source"] = nb_src
    params["as_of"] = str(data.as_of.date())  # the date the runner validated (given or from the data), for all
    params.setdefault("output_dir", "")
    names = data.accounts.set_index("account_id")["name"].astype(str)
    declared = {nb: declared_parameters(nb) for nb in nbs}
    check_parameters(data, params)  # refuse what cannot fit, before any notebook
    # the key-account decision, made once for the whole run (kamlib.decision): it picks the per-account
    # reports, every notebook reads it (parameter `decision`) and it fills the index page
    decided = None
    needs_decision = not (accounts or all_accounts) or any("criteria" in d for d in declared.values())
    try:
        decided = decision_mod.decide(data, params)
    except (KamParameterError, ValueError):
        if needs_decision:
            raise
    if accounts:
        unknown = [a for a in accounts if a not in names.index]
        if unknown:
            raise KamParameterError("accounts", f"unknown account id {', '.join(map(repr, unknown[:5]))}")
        acc_list = [(a, names[a]) for a in accounts]
    elif all_accounts:
        acc_list = [(str(k), str(v)) for k, v in names.items()]
    else:
        acc_list = [(i, names[i]) for i in decided.ids] if decided is not None else []
    # --accounts / --all-accounts choose the per-account reports only; 01, 03, 05 and the index keep reading
    # the key-account decision (the manifest and the index say that the reports were chosen by hand)
    table = decided.selection.table if decided is not None else None
    if decided is not None:
        params["decision_file"] = "<run folder>/" + decision_mod.JSON_NAME  # the real path once the folder exists
    tasks = plan_run(nbs, parameters=params, accounts=acc_list, declared=declared)
    tasks, skipped = _skip_accounts_without_period(data, tasks, declared)
    if dry_run:
        return tasks

    previous: dict[str, dict] = {}
    if resume:
        if safe_name(resume) != resume:
            raise KamParameterError("resume", f"{resume!r} is not a run id (a folder name inside {out})")
        run_dir = out / resume
        manifest_path = run_dir / "manifest.json"
        if not manifest_path.is_file():
            raise FileNotFoundError(f"nothing to resume: {manifest_path} not found")
        try:
            old = json.loads(manifest_path.read_text(encoding="utf-8"))
            previous = {r["key"]: r for r in old["notebooks"]}
        except (ValueError, KeyError, TypeError):
            raise KamParameterError("resume", f"{manifest_path} is damaged; start a new run instead") from None
        if old.get("source_sha256") != source_hash(src):
            raise KamParameterError("resume", "the source data changed since that run; start a new run instead")
        changed = sorted(
            k
            for k in set(old.get("parameters", {})) | set(_shown_params(params))
            if old.get("parameters", {}).get(k) != _shown_params(params).get(k)
        )
        if old.get("report_accounts") is not None and old["report_accounts"] != [a for a, _ in acc_list]:
            changed.append("the accounts of the per-account reports (--accounts / --all-accounts)")
        if changed:
            raise KamParameterError(
                "resume",
                f"parameters differ from that run ({', '.join(changed)}); "
                "resume with the same parameters or start a new run",
            )
        keep = {
            k for k, r in previous.items() if r["status"] == "ok" and r.get("html") and (run_dir / r["html"]).is_file()
        }
        todo = [t for t in tasks if t.key not in keep]
    else:
        run_dir = new_run_dir(out, run_id)
        todo = tasks
    if decided is not None:  # written before any notebook runs; the notebooks read it
        decision_file = run_dir / decision_mod.JSON_NAME
        if not (resume and decision_file.is_file()):  # a resumed run keeps the decision its reports were made on
            _, decision_file = decision_mod.write(decided, run_dir, as_of=data.as_of)
        params["decision_file"] = str(decision_file.resolve())
        for t in todo:
            if "decision_file" in t.parameters:
                t.parameters["decision_file"] = params["decision_file"]
    facts = _account_facts(table, [a for a, _ in acc_list])
    run_info = {
        "run_id": run_dir.name,
        "as_of": str(data.as_of.date()),
        "source_sha256": source_hash(src),
        "kamlib": _versions().get("kamlib", ""),
    }
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    cwd = str(notebooks_dir.resolve())
    env = {}
    if password:
        from kamlib.data.readers import PASSWORD_URL_ENV

        env[PASSWORD_ENV], env[PASSWORD_URL_ENV] = password, nb_src
    # the cache holds customer data: a private temporary folder (0700) outside the report folder, removed
    # when the run ends; workers on other machines (Dask) do not see it and simply load for themselves
    cache_folder = Path(tempfile.mkdtemp(prefix="kam-run-cache-")) if cache and todo else None
    try:
        if cache_folder is not None:
            from kamlib.data.cache import ENV, store_data

            store_data(data, nb_src, params["as_of"], cache_folder)
            env[ENV] = str(cache_folder)
        results = _execute(
            todo,
            run_dir,
            cwd,
            run_info,
            workers=workers,
            timeout=timeout,
            pdf=pdf,
            quiet=quiet,
            executor=executor,
            env=env,
            drop_tags=() if exercises else (TRAINEE_TAG,),
            template=template.address if template is not None else None,
        )
        # the account documents (brief, QBR page, Jahresgespräch pack) of every report account, both languages;
        # with the cache, from the data the notebooks read, reading back the profiles and health scores they computed
        doc_data = data
        with contextlib.ExitStack() as reading_cache:
            if cache_folder is not None and doc_kinds and acc_list:
                from kamlib.data.cache import cached_data, reading

                reading_cache.enter_context(reading(cache_folder))
                cached = cached_data(nb_src, params["as_of"])
                doc_data = cached if cached is not None else data
            docs = account_documents.write_documents(
                doc_data,
                run_dir,
                [(a, safe_name(a)) for a, _ in acc_list],
                kinds=doc_kinds,
                pdf=pdf,
                pdf_fallback=html_to_pdf,
            )
    finally:
        if cache_folder is not None:
            shutil.rmtree(cache_folder, ignore_errors=True)
    by_key = {k: NotebookResult(**v) for k, v in previous.items()}
    by_key.update({r.key: r for r in results})
    ordered = [by_key[t.key] for t in tasks if t.key in by_key]
    manifest = {
        **run_info,
        "started": started,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - t0, 2),
        "source": _shown_params({"source": src})["source"],
        "parameters": _shown_params(params),
        "decision": _decision_info(decided, accounts, all_accounts, len(acc_list)),
        "report_accounts": [a for a, _ in acc_list],
        "skipped": skipped,
        "accounts": [
            {
                "account_id": a,
                "name": n,
                "folder": safe_name(a),
                **facts.get(a, {}),
                **_account_signals(run_dir, safe_name(a)),
            }
            for a, n in acc_list
        ],
        "notebooks": [asdict(r) for r in ordered],
        "documents": docs,
        "failures": [r.key for r in ordered if r.status != "ok"] + account_documents.failed_keys(docs),
        "resumed": bool(resume),
        # how the kernels started; each notebook's own entry says whether its kernel was in fact forked
        "kernels": "forked from a template" if template is not None else f"cold: {why_cold}",
        "versions": _versions(),
    }
    atomic_write_text(run_dir / "manifest.json", json.dumps(manifest, indent=2, default=str))
    link_pages(manifest, run_dir)  # each report's links to the account's other reports and documents
    atomic_write_text(run_dir / "index.html", _index_html(manifest, run_dir))
    return RunResult(run_dir, ordered)


def _shown_params(params: dict) -> dict:
    """Parameters as recorded in the manifest and index: no output_dir, passwords masked."""
    from kamlib.data.readers import _mask_password

    return {
        k: (_mask_password(v) if isinstance(v, str) else v)
        for k, v in params.items()
        if k not in ("output_dir", "decision_file")
    }


def _decision_info(decided, accounts, all_accounts, n_reports: int = 0) -> dict:
    """How the run's key accounts were decided, and whether the per-account reports follow that decision
    or accounts chosen by hand (``--accounts`` / ``--all-accounts``), for the manifest and the index page."""
    option = "--accounts" if accounts else "--all-accounts" if all_accounts else None
    chosen = {"reports_option": option, "reports_n": n_reports} if option else {}
    if decided is None:
        return {"source": "none", **chosen}
    diff = decided.differences.reset_index().to_dict(orient="records") if len(decided.differences) else []
    return {
        **chosen,
        "source": decided.source,
        "n": len(decided.ids),
        "text": decided.describe(),
        "decided_by": decided.decided_by,
        "decided_on": decided.decided_on,
        "key_accounts": decided.ids,
        "differences": diff,
        "file": decision_mod.CSV_NAME,
    }


def _skip_accounts_without_period(data, tasks: list[Task], declared: dict) -> tuple[list[Task], list[dict]]:
    """Leave out the per-account tasks of a notebook with a review ``period`` for accounts that have neither
    orders nor a target in that quarter (they could only fail); each is recorded with its reason, and the
    index names the reason once."""
    from kamlib.errors import KamParameterError
    from kamlib.review import check_period

    keep, skipped = [], []
    for t in tasks:
        d = declared.get(Path(t.notebook)) or {}
        if t.account_id and "period" in d:
            try:
                check_period(data, t.parameters.get("period") or "", account_id=t.account_id)
            except KamParameterError as err:
                skipped.append(
                    {"key": t.key, "account_id": t.account_id, "notebook": Path(t.notebook).name, "error": str(err)}
                )
                continue
        keep.append(t)
    return keep, skipped


def check_parameters(data, params: dict) -> None:
    """Refuse a run parameter that cannot fit ``data`` before any notebook runs.

    Checks, where the parameter is given: the review ``period`` (a calendar quarter, complete as of
    ``as_of``, with orders), ``fiscal_year_start``, the ``health_weights``, the CLV parameters
    (``discount_rate``, ``retention``, ``horizon``, ``growth``, ``extra_care``), ``time_unit``,
    ``cadence_days``, the ``health_rules``, ``lang``, an ``account_id`` and the selection's ``scoring_rule``, ``custom_criteria``,
    ``emerging_share`` and ``redundancy_threshold`` (:func:`kamlib.selection.check_rule_parameters`); the other
    selection parameters are checked by :func:`kamlib.decision.decide`. Raises :class:`kamlib.errors.KamParameterError` naming the parameter.
    """
    from kamlib import i18n
    from kamlib.errors import KamParameterError

    if "lang" in params:
        try:
            i18n.check_lang(params["lang"])
        except (KamParameterError, ValueError):
            raise KamParameterError("lang", f"must be one of {', '.join(i18n.LANGS)}, not {params['lang']!r}") from None
    if params.get("period") not in (None, ""):
        from kamlib.review import check_period

        check_period(data, str(params["period"]))
    if "fiscal_year_start" in params:
        from kamlib.review import check_fiscal_year_start

        check_fiscal_year_start(params["fiscal_year_start"])
    if params.get("health_weights") is not None:
        from kamlib.review import check_weights

        try:
            check_weights(params["health_weights"])
        except KamParameterError as err:
            raise KamParameterError("health_weights", str(err).split(": ", 1)[-1]) from None
    if params.get("health_rules") is not None:
        from kamlib.review import check_rules

        check_rules(params["health_rules"])  # names the parameter health_rules
    from kamlib.selection import check_rule_parameters

    check_rule_parameters(data, params)  # scoring rule, company criteria, emerging share, redundancy threshold
    clv_keys = ("discount_rate", "retention", "horizon", "growth", "extra_care")
    if any(k in params for k in clv_keys):
        from kamlib.clv import check_parameters as check_clv

        check_clv(**{k: params[k] for k in clv_keys if k in params})
    if "time_unit" in params and params["time_unit"] not in ("D", "W", "M"):
        raise KamParameterError("time_unit", f"must be D, W or M, not {params['time_unit']!r}")
    if "cadence_days" in params:
        c = params["cadence_days"]
        if isinstance(c, bool) or not isinstance(c, int) or c < 1:
            raise KamParameterError("cadence_days", f"must be a whole number of days, at least 1, not {c!r}")
    if params.get("account_id"):
        if str(params["account_id"]) not in set(data.accounts["account_id"].astype(str)):
            raise KamParameterError(
                "account_id",
                f"unknown account id {params['account_id']!r}; "
                "use --accounts to choose accounts for the per-account reports",
            )


def _execute(
    tasks: list[Task],
    run_dir: Path,
    cwd: str,
    run: dict,
    *,
    workers: int | None,
    timeout: int,
    pdf: bool,
    quiet: bool,
    executor: Executor | None,
    env: dict | None = None,
    drop_tags: tuple[str, ...] = (TRAINEE_TAG,),
    template: str | None = None,
) -> list[NotebookResult]:
    if not tasks:
        return []
    from tqdm.auto import tqdm

    n_workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    own = executor is None
    if own:  # the workers are forked from here (Linux): they inherit it ready
        prepare_exporter()
    pool = executor or ProcessPoolExecutor(max_workers=n_workers)
    results: list[NotebookResult] = []
    failed = 0
    try:
        futures = {
            pool.submit(execute_task, t, str(run_dir), cwd, run, timeout, pdf, env, drop_tags, template): t
            for t in execution_order(tasks)
        }
        bar = tqdm(total=len(tasks), disable=quiet, unit="nb", desc="kam run")
        for fut in as_completed(futures):
            task = futures[fut]
            try:
                r = fut.result()
            except Exception as exc:  # the worker process itself died
                r = NotebookResult(
                    task.key,
                    Path(task.notebook).name,
                    task.account_id,
                    None,
                    None,
                    None,
                    0.0,
                    "",
                    "failed",
                    f"worker crashed: {_describe(exc)}",
                )
            failed += r.status != "ok"
            results.append(r)
            bar.set_postfix(done=len(results) - failed, failed=failed, left=len(tasks) - len(results))
            bar.update(1)
        bar.close()
    finally:
        if own:
            pool.shutdown()
    return results


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("kamlib", "pandas", "numpy", "pandera", "papermill", "nbconvert", "matplotlib", "seaborn"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def _document_label(doc: dict, lang: str) -> str:
    """A document's name for a reader of ``lang``: "QBR page 2025Q4", "Jahresgespräch 2025", with the
    document's language named when it is not the reader's ("Account brief (in German)")."""
    from kamlib import i18n
    from kamlib.present import export

    when = doc.get("period") or doc.get("year")
    name = " ".join(str(x) for x in (export.report_name(str(doc.get("kind", "")), lang), when) if x)
    if doc.get("lang") in i18n.LANGS and doc["lang"] != lang:
        name = export.label("in_language", lang, name=name, language=export.label(f"language_{doc['lang']}", lang))
    return name


def _page_links(manifest: dict, run_dir: Path, lang: str | None = None) -> dict[str | None, list[dict]]:
    """Per account (None: the portfolio) the pages the run wrote, in the order a reader meets them: the
    notebook reports, then the documents in the run's language, then in the other one, labelled in ``lang``
    (default: the run's). Only pages whose file exists are listed (``{"path", "label", "report", "lang"}``;
    ``report``: a notebook report, not a document)."""
    from kamlib.present import export

    lang = lang or _run_lang(manifest)
    out: dict[str | None, list[dict]] = {}
    for r in manifest.get("notebooks") or []:
        if r.get("html") and (run_dir / r["html"]).is_file():
            stem = str(r["notebook"]).removesuffix(".ipynb")
            out.setdefault(r.get("account_id") or None, []).append(
                {"path": r["html"], "label": export.report_name(stem, lang), "report": True, "ok": r["status"] == "ok"}
            )
    docs = [d for d in manifest.get("documents") or [] if d.get("html") and (run_dir / d["html"]).is_file()]
    docs.sort(key=lambda d: d.get("lang") != lang)  # stable: the reader's language first
    for d in docs:
        out.setdefault(d.get("account_id") or None, []).append(
            {
                "path": d["html"],
                "label": _document_label(d, lang),
                "report": False,
                "ok": True,
                "pdf": d.get("pdf"),
                "lang": d.get("lang"),
                "kind": d.get("kind"),
                "when": d.get("period") or d.get("year"),
            }
        )
    return out


def link_pages(manifest: dict, run_dir: Path) -> int:
    """Fill every report's navigation with the same account's (or the portfolio's) other reports and
    documents, now that the run knows which it wrote; an account document gets the navigation bar first
    (shown on screen, not printed); the customer-facing documents (QBR page, Jahresgespräch pack) get none, they
    must not lead to internal pages; error pages are left as they are. Returns the number of pages changed."""
    from kamlib import i18n
    from kamlib.present import export

    lang = _run_lang(manifest)
    names = {a["account_id"]: a.get("name", "") for a in manifest.get("accounts") or []}
    by_lang = {x: _page_links(manifest, run_dir, x) for x in i18n.LANGS}  # a document's bar in its language
    changed = 0
    for acc_id, pages_ in by_lang[lang].items():
        for page in pages_:
            if page.get("kind") in account_documents.CUSTOMER_KINDS:
                continue  # handed to the customer: no navigation to our internal pages (the index still links it)
            here_lang: str = page["lang"] if page.get("lang") in by_lang else lang
            shown = by_lang[here_lang][acc_id]
            who = f"{acc_id} · {names.get(acc_id, '')}".rstrip(" ·") if acc_id else export.label("portfolio", here_lang)
            path = run_dir / page["path"]
            here = Path(page["path"]).parent
            links = [
                {
                    "href": Path(os.path.relpath(p["path"], here)).as_posix(),
                    # a QBR page's quarter worded as on the page itself ("4. Quartal 2025", not "2025Q4")
                    "label": str(p["label"]).replace(
                        str(p["when"]), account_documents.documents.quarter_text(str(p["when"]), here_lang)
                    )
                    if p.get("kind") == "qbr" and p.get("when")
                    else p["label"],
                    "current": p["path"] == page["path"],
                }
                for p in shown
            ]
            text = path.read_text(encoding="utf-8")
            if not page["report"]:  # an account document: navigation on screen, not on the printed page
                depth = len(Path(page["path"]).parts) - 1
                text = export.add_nav(text, lang=here_lang, index_href="../" * depth + "index.html")
            new = export.set_related(text, export.related_html(who, links, here_lang))
            if new is not None and new != text:
                atomic_write_text(path, new)
                changed += 1
    return changed


def _document_groups(docs: list[dict], lang: str) -> list[dict]:
    """An account's documents for the index, one entry per document (kind and period) with its versions:
    ``{"label", "html", "pdf", "others": [{"code", "html", "pdf", "title"}]}``: the name links to the version in
    the run's language, the other languages follow as short links ("DE") titled with the full name."""
    from kamlib.present import export

    groups: dict[tuple, dict] = {}
    for d in docs:
        g = groups.setdefault(
            (d.get("kind"), d.get("when")),
            {
                "label": " ".join(str(x) for x in (export.report_name(str(d.get("kind")), lang), d.get("when")) if x),
                "html": None,
                "pdf": None,
                "others": [],
            },
        )
        if d.get("lang") in (lang, None):
            g["html"], g["pdf"] = d["path"], d.get("pdf")
        else:
            code = str(d["lang"]).upper()
            g["others"].append(
                {"code": code, "lang": d["lang"], "html": d["path"], "pdf": d.get("pdf"), "title": d["label"]}
            )
    return list(groups.values())


def _index_html(manifest: dict, run_dir: Path) -> str:
    """The run's index page, in the run's ``lang`` (every label from the catalogue's ``common.index``,
    ``report.index`` and ``common.values``), rendered from ``templates/index.html.j2`` with autoescaping.

    Reports and documents are linked by their names in the run's language; the key accounts are listed in
    the rank order of the key-account selection, with the rank shown; a missing KAM is "–" with a legend."""
    from kamlib import i18n
    from kamlib.present import export

    lang = _run_lang(manifest)
    labels = {k: i18n.pick(pair, lang) for k, pair in i18n.INDEX.items()}
    labels.update({k: i18n.pick(pair, lang) for k, pair in i18n.table("report.index").items()})

    def value(code: str | None) -> str:
        pair = i18n.VALUES.get(code) if code else None
        return i18n.pick(pair, lang) if pair else (code or "–")

    portfolio: list[dict] = []
    per_account: dict[str, list[dict]] = {}
    for r in manifest["notebooks"]:
        (per_account.setdefault(r["account_id"], []) if r["account_id"] else portfolio).append(r)
    portfolio_rows = [
        {
            "html": r["html"],
            "notebook": export.report_name(r["notebook"].removesuffix(".ipynb"), lang),
            "ok": r["status"] == "ok",
            "error": r["error"] or "",
            "seconds": i18n.number(r["seconds"], lang, 1),
            "files": [{"href": r[k], "label": k} for k in ("ipynb", "pdf") if r.get(k)],
        }
        for r in portfolio
    ]
    documents = {
        acc: [p for p in links if not p["report"]] for acc, links in _page_links(manifest, run_dir).items() if acc
    }
    info = {a["account_id"]: a for a in manifest["accounts"]}
    order = [a["account_id"] for a in manifest["accounts"]]
    order += [acc for acc in [*per_account, *documents] if acc not in order]

    def flag_text(f: dict) -> str:  # the linter's sentences are English; German shows the check's name
        if lang == "en" or f["check"] not in i18n.CHECKS:
            return f["message"]
        return i18n.pick(i18n.CHECKS[f["check"]], lang)

    accounts = []
    for acc_id in dict.fromkeys(order):
        items, docs = per_account.get(acc_id, []), documents.get(acc_id, [])
        if not items and not docs:
            continue
        a = info.get(acc_id, {})
        flags = a.get("flags") or []
        bad = [r for r in items if r["status"] != "ok"]
        rank = a.get("rank")
        accounts.append(
            {
                "rank": int(rank) if rank is not None and rank == rank else None,
                "account_id": acc_id,
                "name": a.get("name", ""),
                "kam": a.get("kam_id") or "",
                "revenue": i18n.number(a["revenue_12m"], lang, 0) if a.get("revenue_12m") is not None else "–",
                "quadrant": value(a.get("quadrant")),
                "type": value(a.get("type")),
                "band_code": a.get("band") or "",
                "band": value(a.get("band")),
                "health": f"{a['health']:.0f}" if a.get("health") is not None else None,
                "flags": [{"severity": value(f["severity"]), "text": flag_text(f)} for f in flags],
                "flag_summary": i18n.pick(i18n.INDEX["flag_summary"], lang).format(
                    high=sum(f["severity"] == "high" for f in flags), n=len(flags)
                ),
                "reports": [
                    {
                        "html": r["html"],
                        "label": export.report_name(r["notebook"].removesuffix(".ipynb"), lang),
                        "ok": r["status"] == "ok",
                    }
                    for r in items
                ],
                "documents": _document_groups(docs, lang),
                "failed": "; ".join(f"{r['notebook']}: {r['error']}" for r in bad),
            }
        )
    accounts.sort(key=lambda x: (x["rank"] is None, x["rank"] or 0))  # stable: the decision's order otherwise
    causes = [{"message": m, "n": n} for m, n, _ in failure_causes(manifest["notebooks"])]
    skipped = [
        {"message": m, "n": n, "keys": ", ".join(keys[:12]), "more": len(keys) > 12}
        for m, n, keys in failure_causes([{**r, "status": "skipped"} for r in manifest.get("skipped") or []])
    ]
    return pages.render(
        "index.html.j2",
        lang=lang,
        L=labels,
        title=labels["title"].format(run_id=manifest["run_id"]),
        heading=labels["heading"].format(run_id=manifest["run_id"]),
        as_of=i18n.date(manifest["as_of"], lang),
        source=manifest["source"],
        sha=manifest["source_sha256"][:12],
        started=manifest["started"],
        seconds=i18n.number(manifest["seconds"], lang, 1),
        n_reports=len(manifest["notebooks"]),
        n_failed=len(manifest["failures"]),
        causes=causes,
        skipped=skipped,
        decision=_decision_context(manifest.get("decision") or {}, lang, labels),
        portfolio=portfolio_rows,
        accounts=accounts,
        ranked=any(x["rank"] is not None for x in accounts),
        kam_missing=any(not x["kam"] for x in accounts),
        parameters=[(k, json.dumps(v, default=str)) for k, v in manifest["parameters"].items()],
        text=_footer_text(manifest, lang),
    )


def _decision_context(dec: dict, lang: str, labels: dict[str, str]) -> dict | None:
    """What the index says about the run's key-account decision: its sentence, the accounts where today's
    data would decide otherwise, and a note when the reports were chosen by hand."""
    from kamlib import i18n

    if dec.get("source") not in ("computed", "pinned") or dec.get("n") is None:
        return None
    k = len(dec.get("differences") or [])
    text = (
        decision_mod.sentence("computed", lang, n=dec["n"])
        if dec["source"] == "computed"
        else (
            decision_mod.sentence(
                "pinned",
                lang,
                n=dec["n"],
                by=dec.get("decided_by") or "",
                on=i18n.date(dec["decided_on"], lang) if dec.get("decided_on") else "",
            )
            + (decision_mod.sentence("differs", lang, k=k) if k else decision_mod.sentence("agrees", lang))
        )
    )

    def diff_text(d: dict) -> str:
        rank = d.get("rank")
        rank = labels["rank"].format(k=int(rank)) if rank is not None and rank == rank else "–"
        return labels["diff_kept" if d.get("pinned") == "key" else "diff_dropped"].format(rank=rank)

    return {
        "source": dec.get("source", ""),
        "text": text,
        "file": dec.get("file") or "",
        "differences": [
            {
                "account_id": str(d["account_id"]),
                "name": str(d.get("name", "")),
                "text": diff_text(d),
                "reason": str(d.get("reason") or ""),
            }
            for d in dec.get("differences") or []
        ],
        "override": labels["decision_override"].format(n=dec["reports_n"], option=dec["reports_option"])
        if dec.get("reports_option")
        else "",
    }


def refresh_notebooks(notebooks_dir: Path = Path("notebooks"), pattern: str = "*.ipynb") -> list[Path]:
    """Re-execute notebooks in place (reference outputs for nbval), with their default parameters."""
    import nbformat
    from nbclient import NotebookClient

    done = []
    for nb_path in sorted(notebooks_dir.glob(pattern)):
        nb = nbformat.read(nb_path, as_version=4)
        NotebookClient(
            nb,
            timeout=NOTEBOOK_TIMEOUT_S,
            kernel_name="python3",
            resources={"metadata": {"path": str(nb_path.parent.resolve())}},
        ).execute()
        for cell in nb.cells:  # keep diffs small: no per-run execution timestamps
            cell.metadata.pop("execution", None)
        nb.metadata.pop("widgets", None)
        nbformat.write(nb, nb_path)
        done.append(nb_path)
    return done
