"""``make workshop``: the workshop notebooks as a web app without code (Voilà) on 127.0.0.1.

Participants see text, tables, charts and sliders, never code or tracebacks. The app listens on the
loopback address only, on the first free port from 8866 on, and prints the address to open.

Examples
--------
>>> port = free_port(8866)
>>> 1024 <= port <= 65535
True
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
from pathlib import Path

HOST = "127.0.0.1"
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks" / "workshop"


def free_port(start: int = 8866, *, host: str = HOST, tries: int = 100) -> int:
    """The first port from ``start`` on that nobody listens on (``start`` = 0: any free port)."""
    for port in [0] if start == 0 else range(start, start + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError(f"no free port in {start}-{start + tries - 1} on {host}")


def voila_command(port: int, folder: Path = NOTEBOOKS) -> list[str]:
    """The Voilà command line: tree of ``folder``, loopback only, no browser, no tracebacks, code hidden."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(folder),
        f"--port={port}",
        f"--Voila.ip={HOST}",
        "--no-browser",
        "--show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m kamlib.workshop.app", description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, default=8866, help="first port to try (default 8866; 0: any free port)")
    p.add_argument("--folder", default=str(NOTEBOOKS), help="folder with the workshop notebooks")
    args = p.parse_args(argv)
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"workshop: {folder} is not a folder", file=sys.stderr)
        return 2
    port = free_port(args.port)
    base = f"http://{HOST}:{port}"
    print(f"Workshop app: {base}/  (Ctrl+C stops it)")
    for nb in sorted(folder.glob("*.ipynb")):
        print(f"  {nb.stem}: {base}/voila/render/{nb.name}")
    sys.stdout.flush()
    try:
        return subprocess.call(voila_command(port, folder))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
