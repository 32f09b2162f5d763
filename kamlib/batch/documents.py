"""The account documents of a run (:mod:`kamlib.present.documents`): written into each report account's folder in
both languages, optionally printed to PDF, and listed for the manifest.

Each account is computed once (:func:`kamlib.present.documents.prepare`) and rendered in every language, the
accounts side by side in forked worker processes (the data is inherited, not copied through pickles). A
document that fails is recorded (status ``failed`` with its error, and an error page under its name, so a link to
it still opens) like a failed notebook; it never stops the run or the other documents.

PDFs come from Chromium, as the notebook reports': through Playwright when it is installed (one browser for all
documents of the run), else through ``pdf_fallback`` (the runner's :func:`kamlib.batch.runner.html_to_pdf`, one
Chromium process per file).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from kamlib import i18n
from kamlib.data.writers import atomic_path, atomic_write_text
from kamlib.present import documents, pages

KINDS = documents.KINDS
#: The documents handed to the customer: no navigation to internal pages (:func:`kamlib.batch.runner.link_pages`).
CUSTOMER_KINDS = documents.CUSTOMER_KINDS
CHROMIUM = "/usr/bin/chromium"
_CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def split_only(only: Sequence[str] | None) -> tuple[list[str], list[str] | None]:
    """``--only`` values split into document kinds and notebook prefixes.

    Returns (kinds, prefixes): without ``--only`` every kind and no notebook filter (None); with it the kinds
    named (none: no documents) and the remaining values as notebook prefixes (an empty list: no notebook).

    Examples
    --------
    >>> split_only(None)
    (['brief', 'qbr', 'annual'], None)
    >>> split_only(["qbr", "04"]), split_only(["01"])
    ((['qbr'], ['04']), ([], ['01']))
    """
    if not only:
        return list(KINDS), None
    kinds = [k for k in KINDS if k in only]
    return kinds, [o for o in only if o not in KINDS]


def _chromium() -> str | None:
    import shutil

    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class _Printer:
    """Prints HTML files to A4 PDFs with one headless Chromium (Playwright), or file by file through a fallback."""

    def __init__(self, fallback: Callable[[Path, Path], None] | None) -> None:
        self.fallback = fallback
        self._pw: Any = None
        self._browser: Any = None
        self._page: Any = None

    def __enter__(self) -> _Printer:
        exe = _chromium()
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            return self
        if exe is None:
            return self
        try:
            self._pw = sync_playwright().start()
            self._browser = self._pw.chromium.launch(executable_path=exe, args=_CHROMIUM_ARGS)
            context = self._browser.new_context()
            context.route(
                "**/*",
                lambda route: route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort(),
            )
            self._page = context.new_page()
        except Exception:  # no usable browser through Playwright: the fallback prints
            self.__exit__(None, None, None)
        return self

    def __exit__(self, *exc: object) -> None:
        for closer in (self._browser, self._pw):
            try:
                if closer is not None:
                    closer.close() if closer is self._browser else closer.stop()
            except Exception:
                pass
        self._pw = self._browser = self._page = None

    def print(self, html: Path, pdf: Path) -> None:
        if self._page is None:
            if self.fallback is None:
                raise FileNotFoundError("PDF needs Chromium: install the Debian package 'chromium'")
            self.fallback(html, pdf)
            return
        self._page.goto(html.resolve().as_uri(), wait_until="load")
        with atomic_path(pdf) as tmp:  # a reader never sees half a PDF
            self._page.pdf(path=str(tmp), format="A4", prefer_css_page_size=True, print_background=True)


def _account_documents(
    data,
    run_dir: Path,
    account_id: str,
    folder: str,
    kinds: Sequence[str],
    langs: Sequence[str],
    period: str | None,
    year: int | None,
) -> list[dict]:
    """Compute one account once and write its documents in every language; their manifest entries."""
    entries: list[dict] = []
    (run_dir / "accounts" / folder).mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    try:
        prep = documents.prepare(data, account_id, period=period, year=year)
        p_period, p_year, error = prep.period, prep.year, None
    except Exception as exc:  # one account's failure is recorded, the others go on
        prep, error = None, f"{type(exc).__name__}: {exc}"
        from kamlib import review

        p_period = str(period or review.last_complete_quarter(data.as_of))
        p_year = int(year or documents.annual_year(data.as_of))
    prep_s = time.perf_counter() - t0
    for kind in kinds:
        for lang in langs:
            t1 = time.perf_counter()
            name = documents.document_name(
                kind, lang, period=p_period if kind == "qbr" else None, year=p_year if kind == "annual" else None
            )
            entry: dict = {"account_id": account_id, "kind": kind, "lang": lang}
            if kind == "qbr":
                entry["period"] = p_period
            elif kind == "annual":
                entry["year"] = p_year
            rel = f"accounts/{folder}/{name}"
            entry.update(html=rel, pdf=None, title=name, status="ok", error=None)
            try:
                if prep is None:
                    raise RuntimeError(error)
                html, entry["title"] = documents.render_document(prep, kind, lang)
                atomic_write_text(run_dir / rel, html)
            except Exception as exc:
                entry.update(status="failed", error=error or f"{type(exc).__name__}: {exc}")
                page = pages.error_page(
                    lang,
                    what=f"{account_id} {name}",
                    error=entry["error"],
                    back="../../index.html",
                    run_id=run_dir.name,
                )
                atomic_write_text(run_dir / rel, page)
            entry["seconds"] = round(time.perf_counter() - t1 + prep_s / (len(kinds) * len(langs)), 3)
            entries.append(entry)
    return entries


#: What the forked workers of :func:`write_documents` work on (inherited, never pickled).
_JOB: dict = {}


def _in_worker(account_id: str, folder: str) -> list[dict]:
    return _account_documents(_JOB["data"], _JOB["run_dir"], account_id, folder, *_JOB["args"])


def _fork_pool(workers: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


def write_documents(
    data,
    run_dir: Path,
    accounts: Iterable[tuple[str, str]],
    *,
    kinds: Sequence[str] = KINDS,
    langs: Sequence[str] = i18n.LANGS,
    pdf: bool = False,
    period: str | None = None,
    year: int | None = None,
    pdf_fallback: Callable[[Path, Path], None] | None = None,
    workers: int | None = None,
) -> list[dict]:
    """Write the documents ``kinds`` in ``langs`` for ``accounts`` ((account_id, folder) pairs) into
    ``run_dir/accounts/<folder>/`` and return their manifest entries (contract B): account_id, kind, lang,
    period or year, html and pdf (paths relative to ``run_dir``; pdf None without ``pdf``), title, status
    (``ok`` or ``failed``), error and seconds.

    Accounts are computed in ``workers`` forked processes (default: one per core, at most 4; 1: in this
    process); the PDFs are printed afterwards by one browser."""
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown document kind {', '.join(map(repr, unknown))}: use {', '.join(KINDS)}")
    if not kinds or not langs:  # kam run --only 02: no document, so nothing to compute for any account
        return []
    todo = list(accounts)
    args = (tuple(kinds), tuple(langs), period, year)
    n = max(1, min(workers or os.cpu_count() or 1, 4, len(todo)))
    pool = _fork_pool(n) if n > 1 else None
    per_account: list[list[dict]] = []
    if pool is None:
        per_account = [_account_documents(data, run_dir, a, f, *args) for a, f in todo]
    else:
        _JOB.update(data=data, run_dir=run_dir, args=args)
        try:
            futures = [pool.submit(_in_worker, a, f) for a, f in todo]
            for (a, f), fut in zip(todo, futures):
                try:
                    per_account.append(fut.result())
                except Exception:  # the worker died: this account in this process instead
                    per_account.append(_account_documents(data, run_dir, a, f, *args))
        finally:  # interrupted: the accounts not started yet are dropped, not waited for
            pool.shutdown(cancel_futures=True)
            _JOB.clear()
    entries = [e for group in per_account for e in group]
    written = [e for e in entries if e["status"] == "ok"]
    if pdf and written:
        with _Printer(pdf_fallback) as printer:
            for entry in written:
                html_path = run_dir / entry["html"]
                try:
                    printer.print(html_path, html_path.with_suffix(".pdf"))
                    entry["pdf"] = entry["html"][: -len(".html")] + ".pdf"
                except Exception as exc:
                    entry.update(status="failed", error=f"PDF: {type(exc).__name__}: {exc}")
    return entries


def failed_keys(entries: list[dict]) -> list[str]:
    """The failed documents as keys for the manifest's ``failures`` (their html path without the suffix)."""
    return [e["html"][: -len(".html")] for e in entries if e["status"] != "ok"]
