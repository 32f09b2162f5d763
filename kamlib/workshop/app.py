"""The room's workshop app, started with one command: ``kam workshop`` (or ``make workshop``).

The workshop notebooks become a web app without code (Voilà): participants see text, tables, charts and
sliders, never code or tracebacks. One command starts it and prints the address to type:

* ``kam workshop`` – on this computer only (127.0.0.1), e.g. for the facilitator's projector;
* ``kam workshop --bind 0.0.0.0`` (``make workshop ROOM=1``) – for the participants' laptops on the room's
  network; the address printed is this machine's LAN address with the port and a short access code
  (``?token=k7m2qp``), generated each time unless ``--token`` sets it;
* ``--lang de`` prints everything for the facilitator in German (the first line says which language),
  ``--instruction`` adds the two sentences to read out or write on the flip chart – never a loopback address:
  on 127.0.0.1 it says instead that other laptops cannot join and names ``--bind 0.0.0.0``;
* the room's decision (the criteria workshop's decide step) is recorded in the decision register folder
  ``--register`` (default ``workshop-decisions/`` in the current folder, printed at start);
* ``--participants N`` prepares the room before it arrives: for the criteria workshop the participants get a light
  page (:mod:`kamlib.workshop.page`) whose ratings are handed in to ``--hand-ins`` (default
  ``workshop-ratings/``), and the facilitator's notebooks stay on 127.0.0.1 on the next port; for the portfolio
  workshop Voilà's kernels are prepared for each participant (:mod:`kamlib.workshop.room`).

The app serves a copy of the workshop notebooks per language (``de/`` and ``en/``), each with only its own
prose and its ``lang`` parameter set, so a German room never meets the English text. Voilà takes the bind
address as ``Voila.ip`` and the access code as ``Voila.token`` (jupyter_server's identity provider: without
the code a request is refused or sent to the login page; the first visit with ``?token=`` sets a cookie).

Examples
--------
>>> port = free_port(8866)
>>> 1024 <= port <= 65535
True
>>> address("127.0.0.1", 8866, "k7m2qp")
'http://127.0.0.1:8866/?token=k7m2qp'
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from kamlib import i18n, processes
from kamlib.workshop import room

HOST = "127.0.0.1"
ALL = "0.0.0.0"
#: The decision register folder (relative to the current folder) when ``--register`` is not given.
DEFAULT_REGISTER = "workshop-decisions"
#: The folder (relative to the current folder) a room's participants hand their ratings in to (``--hand-ins``).
DEFAULT_HAND_INS = "workshop-ratings"
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks" / "workshop"
#: Letters and digits a participant cannot confuse when typing from a projector (no 0/O, 1/l/I).
TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOKEN_LENGTH = 6
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{4,64}$")
_TEXTS: dict[str, tuple[str, str]] = i18n.table("workshop.app")


def text(key: str, lang: str = "en", **values) -> str:
    """A sentence of the app (catalogue ``workshop.app``) in ``lang``."""
    return i18n.pick(_TEXTS[key], lang).format(**values)


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


def new_token(length: int = TOKEN_LENGTH) -> str:
    """A fresh access code of ``length`` characters from :data:`TOKEN_ALPHABET`."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(length))


def lan_ip() -> str:
    """This machine's address on the local network (the interface its default route leaves by).

    Connecting a UDP socket sends nothing; it only asks the system which local address it would use.
    Without a network the loopback address.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
            ip = s.getsockname()[0]
        except OSError:
            ip = ""
    if ip and not ip.startswith("127.") and ip != ALL:
        return ip
    try:
        ip = socket.gethostbyname(socket.gethostname())
    except OSError:
        ip = ""
    return ip if ip and not ip.startswith("127.") else HOST


def address(bind: str, port: int, token: str) -> str:
    """The address participants type: the LAN address when the app listens on every interface."""
    host = lan_ip() if bind in (ALL, "") else bind
    return f"http://{host}:{port}/" + (f"?token={token}" if token else "")


def _loopback(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        return ipaddress.ip_address(urlsplit(url).hostname or "").is_loopback
    except ValueError:
        return (urlsplit(url).hostname or "") == "localhost"


def instruction(url: str, lang: str = "en", *, bind: str = HOST, page: bool = False) -> str:
    """Two sentences for the room (read out, or written on the flip chart): how to join, no QR code.

    A loopback address (127.x, localhost) is never given to the room: other laptops cannot reach it. Instead the
    facilitator reads that participants cannot join yet and how to open the room (``--bind 0.0.0.0``), or, when
    the app listens on every interface (``bind`` 0.0.0.0) but this computer has no network address, to connect
    it to the room's network first.
    """
    if _loopback(url):
        return text("no_network" if bind in (ALL, "") else "instruction_local", lang)
    return text("instruction_page" if page else "instruction", lang, url=url)


def voila_command(port: int, folder: Path = NOTEBOOKS, *, bind: str = HOST, token: str = "") -> list[str]:
    """The Voilà command line: tree of ``folder`` on ``bind``:``port``, access code ``token`` (none when
    empty), no browser, no tracebacks, code hidden."""
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(folder),
        f"--port={port}",
        f"--Voila.ip={bind}",
        "--no-browser",
        "--show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        "--Voila.port_retries=0",  # the address printed is the one it serves, or it stops with an error
    ]
    return cmd + ([f"--Voila.token={token}"] if token else [])


def _set_param(source: str, name: str, literal: str) -> str:
    """The parameters cell ``source`` with the string parameter ``name`` (``name: str = "..."``) set to
    ``literal`` (Python source of the new value).

    >>> _set_param('lang: str = "en"  # language', "lang", '"de"')
    'lang: str = "de"  # language'
    """
    pattern = re.compile(rf'^{name}(\s*:\s*str)?\s*=\s*"[^"\n]*"', re.MULTILINE)
    return pattern.sub(lambda _: f"{name}: str = {literal}", source)


def room_notebooks(
    dest: str | Path,
    *,
    langs: Sequence[str] = ("de", "en"),
    source: Path = NOTEBOOKS,
    data: str = "",
    register: str = "",
    as_of: str = "",
    ratings_file: str = "",
) -> list[Path]:
    """Copies of the workshop notebooks in ``dest/<lang>/``: only that language's prose (cells tagged
    ``lang-<other>`` left out), the ``lang`` parameter set (``source`` when ``data`` is given, ``register``
    when ``register`` is, ``as_of`` when ``as_of`` is, ``ratings_file`` when that is: a room's hand-in folder), no
    outputs; the room page's texts in the notebook's
    metadata (``kam_room``: what the loading screen says while a workspace is prepared)."""
    import nbformat

    made = []
    for lang in langs:
        i18n.check_lang(lang)
        folder = Path(dest) / lang
        folder.mkdir(parents=True, exist_ok=True)
        for path in sorted(Path(source).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            keep = []
            for cell in nb.cells:
                tags = cell.metadata.get("tags", [])
                if any(t.startswith("lang-") and t != f"lang-{lang}" for t in tags):
                    continue
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
                    if "parameters" in tags:
                        cell.source = _set_param(cell.source, "lang", f'"{lang}"')
                        if data:
                            cell.source = _set_param(cell.source, "source", repr(str(Path(data).resolve())))
                        if register:
                            cell.source = _set_param(cell.source, "register", repr(str(Path(register).resolve())))
                        if as_of:
                            cell.source = _set_param(cell.source, "as_of", repr(as_of))
                        if ratings_file:
                            cell.source = _set_param(
                                cell.source, "ratings_file", repr(str(Path(ratings_file).resolve()))
                            )
                keep.append(cell)
            nb.cells = keep
            nb.metadata.pop("widgets", None)
            nb.metadata["kam_room"] = {
                "lang": lang,
                "preparing": text("preparing", lang),
                "step": i18n.pick(_TEXTS["step"], lang),
            }
            out = folder / path.name
            nbformat.write(nb, out)
            made.append(out)
    return made


def default_folder() -> Path:
    """The workshop notebooks: next to the kamlib package (the repository, an editable install), else in the
    workbook folder the app is started in (``pip install .`` puts only the package into site-packages)."""
    return NOTEBOOKS if NOTEBOOKS.is_dir() else Path("notebooks/workshop").resolve()


def default_source() -> str:
    """The data source to hand the notebooks: "" when the bundled sample is where the notebooks look for it
    (``kamlib.SAMPLE``), else the workbook folder's ``data/sample`` when there is one."""
    import kamlib

    if (Path(kamlib.SAMPLE) / "accounts.csv").is_file():
        return ""
    local = Path("data/sample").resolve()
    return str(local) if (local / "accounts.csv").is_file() else ""


def _bind(value: str) -> str:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an IP address (e.g. 127.0.0.1 or 0.0.0.0)") from None
    return value


def _token(value: str) -> str:
    if not _TOKEN_RE.match(value):
        raise argparse.ArgumentTypeError("use 4-64 letters, digits, '-' or '_'")
    return value


def build_parser(prog: str = "kam workshop", *, add_help: bool = True) -> argparse.ArgumentParser:
    """The app's options (``kam workshop`` takes them as its parents)."""
    p = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n")[0], add_help=add_help)
    p.add_argument(
        "--bind",
        type=_bind,
        default=HOST,
        help="address to listen on: 127.0.0.1 (default, this computer only) or 0.0.0.0 (the room's network)",
    )
    p.add_argument("--port", type=int, default=8866, help="first port to try (default 8866; 0: any free port)")
    p.add_argument("--token", type=_token, default=None, help="access code (default: a new 6-character code)")
    p.add_argument(
        "--lang", default="en", choices=list(i18n.LANGS), help="the facilitator's language (default en; printed first)"
    )
    p.add_argument("--instruction", action="store_true", help="also print how participants join, to read out")
    p.add_argument("--source", default="", help="data source for the workshops (default: the bundled sample)")
    p.add_argument(
        "--register",
        default=DEFAULT_REGISTER,
        help="folder of the decision register (key_account_decisions.csv) the room's decision is recorded in "
        f"(default: {DEFAULT_REGISTER}/ in the current folder; '' records nothing)",
    )
    p.add_argument("--folder", default=None, help="folder with the workshop notebooks (default: the workbook's)")
    p.add_argument(
        "--participants",
        type=_participants,
        default=0,
        help="prepare a workspace for each of N participants before they open the link (the data and the "
        "workshop computed once for the room; default 0: each workspace starts when its page is opened)",
    )
    p.add_argument(
        "--hand-ins",
        default=DEFAULT_HAND_INS,
        help="with --participants (criteria workshop): the folder the participants' ratings are handed in to, one "
        f"file each, gathered by the facilitator's notebook (default: {DEFAULT_HAND_INS}/ in the current folder)",
    )
    p.add_argument(
        "--workshop",
        choices=list(room.WORKSHOPS),
        default="criteria",
        help="the workshop the room opens first, whose workspaces --participants prepares (default criteria)",
    )
    return p


def _participants(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 0 <= n <= room.MAX_PARTICIPANTS:
        raise argparse.ArgumentTypeError(f"use 0 to {room.MAX_PARTICIPANTS} participants, not {n}")
    return n


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Start the app with parsed options (``kam workshop``, ``make workshop``) and print the address."""
    import importlib.util

    lang = args.lang
    if importlib.util.find_spec("voila") is None:  # before any address is printed: the room must not wait for nothing
        print(text("no_voila", lang), file=sys.stderr)
        return 2
    folder = Path(args.folder) if args.folder else default_folder()
    if not folder.is_dir():
        print(text("no_folder", lang, folder=folder), file=sys.stderr)
        return 2
    port = free_port(args.port, host=args.bind)
    token = args.token or new_token()
    url = address(args.bind, port, token)
    register = ""
    if args.register:
        register = str(Path(args.register).resolve())
        Path(register).mkdir(parents=True, exist_ok=True)
    page = bool(args.participants) and args.workshop == "criteria" and os.name == "posix"
    hand_ins = str(Path(args.hand_ins).resolve()) if page else ""
    if page:
        try:
            Path(hand_ins).mkdir(parents=True, exist_ok=True)
            probe = Path(hand_ins) / ".kam-write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as err:
            print(text("no_hand_ins", lang, path=hand_ins, error=err.strerror or err), file=sys.stderr)
            return 2
    # a stopped app (SIGTERM, or SIGHUP: its terminal closed) removes its copies and the room cache (customer
    # data) as Ctrl+C does, and lets its server stop its own children
    stops = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    before = {s: signal.signal(s, _stop) for s in stops}
    try:
        return _serve(args, lang, folder, port, token, url, register, page, hand_ins)
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def _serve(
    args: argparse.Namespace,
    lang: str,
    folder: Path,
    port: int,
    token: str,
    url: str,
    register: str,
    page: bool,
    hand_ins: str,
) -> int:
    with tempfile.TemporaryDirectory(prefix="kam-workshop-") as tmp:
        source = args.source or default_source()
        env = dict(os.environ)
        as_of = ""
        if args.participants and os.name != "posix":  # Voilà names its pools with "\\" there (see room.pools)
            print(text("room_not_here", lang), flush=True)
            args.participants = 0
        if args.participants:  # the room's data once, validated, in the room's cache (see kamlib.workshop.room)
            n = args.participants if page else args.participants + room.SPARE
            print(text("preparing_page" if page else "preparing_room", lang, n=n), flush=True)
            as_of, cache = room.room_cache(source, Path(tmp) / ".room-cache")
            env.update(cache)
        made = room_notebooks(
            tmp,
            langs=(lang, *(x for x in i18n.LANGS if x != lang)),
            source=folder,
            data=source,
            register=register,
            as_of=as_of,
            ratings_file=hand_ins,
        )
        # the facilitator's notebooks: with the participants' page they stay on this computer, on the next port
        nb_bind, nb_port = (HOST, free_port(port + 1)) if page else (args.bind, port)
        nb_base = address(nb_bind, nb_port, "").rstrip("/")
        print(text("language", lang))
        if register:
            print(text("register", lang, path=register))
        if page:
            print(text("hand_ins", lang, path=hand_ins))
            print(text("page", lang, url=url))
        else:
            print(text("started", lang, url=url))
        print(text("token", lang, token=token))
        if args.bind == HOST:
            print(text("local_only", lang))
        print(text("facilitator" if page else "direct", lang))
        for nb in made:
            rel = nb.relative_to(tmp).as_posix()
            print(f"  {rel}: {nb_base}/voila/render/{rel}?token={token}")
        if args.instruction:
            print()
            print(instruction(url, lang, bind=args.bind, page=page))
            print()
        print(text("stop", lang))
        sys.stdout.flush()
        cmd = voila_command(nb_port, Path(tmp), bind=nb_bind, token=token)
        # the app's page template: Voilà's lab page saying "preparing your workspace" (kamlib.workshop.room)
        cmd.append("--template=kam")
        env["JUPYTER_PATH"] = room.jupyter_path(env.get("JUPYTER_PATH", ""))  # page template, forked kernels
        if page:  # the participants' page (kamlib.workshop.page), the facilitator's Voilà beside it
            cmd = page_command(
                cmd,
                port=port,
                bind=args.bind,
                token=token,
                lang=lang,
                source=source,
                as_of=as_of,
                hand_ins=hand_ins,
                ready_line=text("page_ready", lang),
            )
        elif args.participants:
            pooled = room.notebook_name(args.workshop, lang)
            room.prepare(Path(tmp) / pooled, {k: v for k, v in env.items() if k.startswith("KAM_")})
            cmd = room.launcher_command(
                cmd, participants=args.participants, notebook=pooled, ready_line=i18n.pick(_TEXTS["room_ready"], lang)
            )
        return _call(cmd, cwd=tmp, env=env)


def _call(cmd: list[str], *, cwd: str, env: dict) -> int:
    """Run the server ``cmd`` until it ends or the app is stopped; a stopped app asks the server to stop (SIGTERM:
    Voilà shuts its kernels down, the page stops Voilà) and waits for it, so nothing is left running."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        processes.stop(proc, 30)
        return 0


def _stop(signum, frame) -> None:
    """SIGTERM or SIGHUP ends the app as Ctrl+C does: the server is stopped and the temporary folder removed."""
    raise KeyboardInterrupt


def page_command(
    voila: list[str],
    *,
    port: int,
    bind: str,
    token: str,
    lang: str,
    source: str,
    as_of: str,
    hand_ins: str,
    ready_line: str,
) -> list[str]:
    """The participants' page (:mod:`kamlib.workshop.page`) on ``bind``:``port``, running ``voila`` (the
    facilitator's notebooks) beside it."""
    return [
        voila[0],
        "-m",
        "kamlib.workshop.page",
        f"--port={port}",
        f"--bind={bind}",
        f"--token={token}",
        f"--lang={lang}",
        f"--source={source}",
        f"--as-of={as_of}",
        f"--hand-ins={hand_ins}",
        f"--ready-line={ready_line}",
        "--",
        *voila,
    ]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
