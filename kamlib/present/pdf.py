"""Print an HTML page to an A4 PDF with headless Chromium: offline (no network, no profile left behind) and
atomic (the PDF appears whole or not at all). One home for the command line that the runner's reports, the
account documents and the course's case booklet all print with."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kamlib.data.writers import atomic_path


def chromium() -> str | None:
    """The Chromium executable that prints PDFs (None when there is none)."""
    for candidate in (
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
        "/usr/bin/chromium",
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


#: Chromium without a display, a sandbox (root in CI containers) or any network side traffic of its own; also
#: the flags of the browser tests and of the workshop room's load benchmark.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, *, chromium_exe: str | None = None) -> None:
    """Print ``html_path`` to ``pdf_path``; FileNotFoundError names the Debian package when Chromium is missing."""
    exe = chromium_exe or chromium()
    if not exe:
        raise FileNotFoundError("PDF needs Chromium: install the Debian package 'chromium' (apt-get install chromium)")
    # written next to the target and moved into place: a reader never sees half a PDF, a failed print leaves nothing
    with atomic_path(pdf_path) as tmp, tempfile.TemporaryDirectory() as profile:
        cmd = [
            exe,
            "--headless",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp}",
            Path(html_path).resolve().as_uri(),
        ]
        done = subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        if not tmp.is_file() or tmp.stat().st_size == 0:  # Chromium said yes but printed nothing: keep the old PDF
            said = done.stderr.decode(errors="replace").strip()[-500:]
            raise RuntimeError(f"Chromium printed no PDF for {html_path}" + (f": {said}" if said else ""))
