"""The ``kam`` command line: validate data, write the sample company or a public data set, run the workbook.

User errors (bad data, missing paths, an existing output) print one clear message and exit with
status 2, never a traceback. A failing notebook in ``kam run`` exits with status 1.
"""

from __future__ import annotations

import argparse
import signal
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kamlib import notebooks_folder

if TYPE_CHECKING:
    from kamlib.batch.kernels import KernelTemplate

EXIT_OK, EXIT_FAILED, EXIT_USER_ERROR = 0, 1, 2


def _cmd_validate(args: argparse.Namespace) -> int:
    from kamlib.data.readers import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load(args.source, as_of=args.as_of, warn=False)
    print(f"{data.source}: valid (as_of {data.as_of.date()})")
    summary = data.summary()
    summary = summary[summary["present"]]
    width = max(len(t) for t in summary["table"])
    for rec in summary.itertuples():
        print(f"  {rec.table:<{width}}  {rec.rows:>9,} rows  {rec.columns:>2} columns")
    missing = [t for t in data.summary().query("~present")["table"]]
    if missing:
        print(f"  optional tables not present: {', '.join(missing)}")
    for note in data.warnings:
        print(f"warning: {note}")
    return EXIT_OK


def _cmd_sample(args: argparse.Namespace) -> int:
    from kamlib.data import sample

    out = Path(args.out)
    tables = sample.generate(seed=args.seed, n_accounts=args.n_accounts, years=args.years, as_of=args.as_of)
    targets = [out / f"{name}.csv" for name in tables]
    existing = [p for p in targets if p.exists()]
    if existing and not args.force:
        raise _UserError(
            f"{out} already holds {', '.join(p.name for p in existing[:3])}"
            f"{' ...' if len(existing) > 3 else ''}; not overwriting (use --force)"
        )
    written = sample.write(tables, out)
    rows = sum(len(t) for t in tables.values())
    print(f"wrote {len(written)} tables ({rows:,} rows) to {out} (seed {args.seed})")
    return EXIT_OK


def _cmd_public_data(args: argparse.Namespace) -> int:
    from kamlib.data import public as public_data

    out = Path(args.out)
    existing = [out / f"{name}.csv" for name in ("accounts", "orders") if (out / f"{name}.csv").exists()]
    if existing and not args.force:  # before reading the file: an existing output is the user's data
        raise _UserError(f"{out} already holds {', '.join(p.name for p in existing)}; not overwriting (use --force)")
    tables = public_data.cdnow(args.path, n_customers=args.customers)
    written = public_data.write(tables, out, force=args.force)
    orders = tables["orders"]
    print(
        f"wrote {len(written)} tables to {out}: {len(tables['accounts']):,} accounts, {len(orders):,} orders "
        f"({orders['date'].min().date()} to {orders['date'].max().date()}; dollar values as gross_revenue_eur, "
        f"not converted); then: kam run {out} --as-of {orders['date'].max().date()}"
    )
    return EXIT_OK


def _date(text: str) -> str:
    """argparse type for --as-of: a real calendar date in ISO form."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def _param(text: str) -> tuple[str, object]:
    """-p NAME=VALUE; VALUE is read as JSON (numbers, lists, objects, true/false) or else kept as text."""
    import json

    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"{text!r}: use NAME=VALUE, e.g. -p max_key_accounts=15")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def _load_params_file(path: str | None) -> dict:
    if not path:
        return {}
    import yaml

    p = Path(path)
    if not p.is_file():
        raise _UserError(f"params file {path} not found")
    try:
        params = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError:
        raise _UserError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except ValueError as err:  # e.g. as_of: 2024-02-30 fails inside YAML's date parser
        raise _UserError(f"{path}: {err}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise _UserError(f"{path}{where}: not valid YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(params, dict):
        raise _UserError(f"{path}: expected NAME: VALUE lines at the top level")
    return params


def _cmd_run(args: argparse.Namespace) -> int:
    from kamlib import SAMPLE
    from kamlib.batch.runner import run_workbook

    # precedence: defaults < params file < --as-of/--lang < -p NAME=VALUE
    params = {"lang": "en", **_load_params_file(args.params)}
    if args.as_of:
        params["as_of"] = args.as_of
    if args.lang:
        params["lang"] = args.lang
    params.update(dict(args.param))
    try:  # a date in the YAML file or in -p must be a real calendar date, like --as-of
        if params.get("as_of") not in (None, ""):  # no date: the runner takes it from the data
            params["as_of"] = _date(str(params["as_of"]))
        else:
            params.pop("as_of", None)
    except argparse.ArgumentTypeError as err:
        raise _UserError(f"as_of: {err}") from None
    accounts = [a.strip() for a in ",".join(args.accounts).split(",") if a.strip()] if args.accounts else None
    # --only brief,qbr,annual as well as --only brief --only qbr (like --accounts)
    args.only = [o.strip() for o in ",".join(args.only).split(",") if o.strip()]
    args.notebooks = notebooks_folder(args.notebooks)
    documents_only = _check_only(args.only, args.notebooks)
    template = getattr(args, "early_template", None)  # started by main() for this run, unless it needs none or another
    if template is not None and (documents_only or template.cwd != str(args.notebooks.resolve())):
        template.close()  # documents alone need no kernel; another notebook folder: the runner starts its own
        template = None
    client = _scheduler_client(args.scheduler) if args.scheduler and not args.dry_run else None
    try:
        result = run_workbook(
            args.source or SAMPLE,
            notebooks_dir=args.notebooks,
            out=Path(args.out),
            run_id=args.run_id,
            parameters=params,
            workers=args.jobs,
            only=args.only,
            accounts=accounts,
            all_accounts=args.all_accounts,
            resume=args.resume,
            dry_run=args.dry_run,
            pdf=args.pdf,
            timeout=args.timeout,
            quiet=args.quiet,
            cache=not args.no_cache,
            fork=not args.no_fork and not documents_only,  # documents alone need no kernel
            exercises=args.with_exercises,
            executor=client.get_executor(pure=False) if client else None,
            template=template,
        )
    finally:
        if client is not None:
            client.close()
    if isinstance(result, list):  # dry_run: the plan (Task list), nothing was executed
        print(f"plan: {len(result)} notebook runs")
        for task in result:
            shown = {k: v for k, v in task.parameters.items() if k not in ("source", "output_dir")}
            print(f"  {task.key:<58} {shown}")
        return EXIT_OK
    if not args.quiet or result.failed:
        for r in result.results:
            state = f"FAILED ({r.error})" if r.status != "ok" else "ok"
            if not args.quiet or r.status != "ok":
                print(f"  {r.key:<58} {r.seconds:6.1f} s  {state}")
    docs_failed = _report_documents(result.run_dir, quiet=args.quiet)
    print(f"report: {result.run_dir / 'index.html'} ({len(result.results)} notebooks, {len(result.failed)} failed)")
    return EXIT_FAILED if result.failed or docs_failed else EXIT_OK


def _check_only(only: list[str], notebooks: Path) -> bool:
    """Refuse an ``--only`` value that is neither a document kind nor the start of a notebook's name; True when
    only documents are asked for (no notebook runs)."""
    from kamlib.batch.documents import KINDS, split_only

    names = sorted(p.name for p in notebooks.glob("[0-9][0-9]_*.ipynb"))
    # without any notebook in the folder the runner says so (no notebooks matching ... in FOLDER)
    bad = [o for o in only if o not in KINDS and names and not any(n.startswith(o) for n in names)]
    if bad:
        shown = ", ".join(n.split("_")[0] for n in names)
        raise _UserError(
            f"--only {bad[0]!r} is neither a document ({', '.join(KINDS)}) nor the start of a notebook name ({shown})"
        )
    return bool(only) and split_only(only)[1] == []


def _report_documents(run_dir: Path, *, quiet: bool) -> int:
    """Print the run's account documents (from its manifest); the number that failed."""
    import json

    try:
        docs = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8")).get("documents") or []
    except (OSError, ValueError):
        return 0
    failed = [d for d in docs if d.get("status") != "ok"]
    for d in docs:
        if not quiet or d in failed:
            state = f"FAILED ({d.get('error')})" if d in failed else "ok"
            print(f"  {d['html']:<58} {state}")
    if docs:
        print(f"documents: {len(docs)} written, {len(failed)} failed")
    return len(failed)


class _UserError(Exception):
    pass


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _scheduler_client(address: str):
    """A client of a Dask distributed cluster, whose executor runs the notebooks (``--scheduler tcp://…``)."""
    try:
        from distributed import Client
    except ImportError:
        raise _UserError("--scheduler needs Dask distributed: pip install 'kamlib[dask]'") from None
    try:
        client = Client(address, timeout=10)
    except (OSError, TimeoutError, ValueError) as err:
        raise _UserError(f"--scheduler {address}: cannot reach the Dask scheduler ({err})") from None
    return client


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kam", description="KAM Workbook: validate data and run the workbook.")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check a data source and print a summary or every problem found")
    v.add_argument("source", help="folder of CSV/Parquet files, .xlsx workbook or database URL")
    v.add_argument(
        "--as-of",
        type=_date,
        default=None,
        help="analysis date YYYY-MM-DD (default: from the data: the last order date, or the end of its month "
        "when the orders run to the month's last working day)",
    )
    v.set_defaults(func=_cmd_validate)

    s = sub.add_parser("sample-data", help="write the fictional sample company as CSV files")
    s.add_argument("out", help="output folder")
    s.add_argument("--seed", type=int, default=2025)
    s.add_argument("--n-accounts", type=int, default=240)
    s.add_argument("--years", type=int, default=3)
    s.add_argument("--as-of", type=_date, default="2025-12-31")
    s.add_argument("--force", action="store_true", help="overwrite existing table files in OUT")
    s.set_defaults(func=_cmd_sample)

    d = sub.add_parser(
        "public-data",
        help="write a real public data set (CDNOW) as accounts.csv + orders.csv",
        description="Write a real public transaction data set in the KAM data model. cdnow: the "
        "CDNOW master file shipped in the lifetimes wheel (23,570 customers, "
        "1997-01 to 1998-06, dollar values kept as they are).",
    )
    d.add_argument("dataset", choices=["cdnow"], help="the data set")
    d.add_argument("out", help="output folder")
    d.add_argument(
        "--customers", type=int, default=None, metavar="N", help="only the first N customers by id (default: all)"
    )
    d.add_argument(
        "--path",
        default=None,
        metavar="FILE",
        help="CDNOW_master.txt (default: the copy inside the installed lifetimes package)",
    )
    d.add_argument("--force", action="store_true", help="overwrite accounts.csv and orders.csv in OUT")
    d.set_defaults(func=_cmd_public_data)

    r = sub.add_parser("run", help="execute the workbook's notebooks into reports/<run-id>/")
    r.add_argument(
        "source", nargs="?", default=None, help="data source (default: the bundled sample company, kamlib.SAMPLE)"
    )
    r.add_argument(
        "--as-of", type=_date, default=None, help="analysis date (default: from the data, as kam validate shows it)"
    )
    r.add_argument("--lang", default=None, choices=["en", "de"], help="report language (default: en)")
    r.add_argument("--params", metavar="FILE.yaml", help="notebook parameters as YAML (NAME: VALUE per line)")
    r.add_argument(
        "-p",
        "--param",
        type=_param,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help='notebook parameter, value as JSON, e.g. -p \'criteria=["revenue_share","credibility"]\' '
        "(passed to the notebooks that declare it; wins over --params)",
    )
    r.add_argument(
        "--accounts",
        action="append",
        metavar="ID[,ID...]",
        help="per-account notebooks for these accounts (default: the definitive key accounts)",
    )
    r.add_argument("--all-accounts", action="store_true", help="per-account notebooks for every account")
    r.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PREFIX[,PREFIX...]",
        help="run only notebooks whose name starts with PREFIX (repeatable or comma-separated), e.g. --only 01; or "
        "only the account documents brief, qbr, annual (no notebook runs unless a prefix is given too), e.g. "
        "--only qbr,annual",
    )
    r.add_argument("--jobs", "--workers", type=int, default=None, help="notebooks run in parallel (default: cores)")
    r.add_argument("--timeout", type=int, default=600, help="seconds a notebook cell may take (default 600)")
    r.add_argument(
        "--pdf",
        action="store_true",
        help="also print each report and the account documents (brief, QBR page, Jahresgespräch pack) to A4 PDF "
        "(needs Debian chromium)",
    )
    r.add_argument("--dry-run", action="store_true", help="print the plan, run nothing")
    r.add_argument("--quiet", action="store_true", help="no progress bar; print only failures and the report path")
    r.add_argument("--resume", metavar="RUN_ID", help="re-run only what is missing or failed in reports/RUN_ID")
    r.add_argument(
        "--with-exercises",
        action="store_true",
        help="keep the trainee cells (exercises, glossary) in the reports (default: left out)",
    )
    r.add_argument(
        "--no-cache",
        action="store_true",
        help="let every notebook load and compute on its own (default: load once, share portfolio results)",
    )
    r.add_argument(
        "--no-fork",
        action="store_true",
        help="start every notebook's kernel cold (default: fork each from a template that imported the "
        "libraries once; same results, faster)",
    )
    r.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        default=None,
        help="run the notebooks on a Dask distributed cluster instead of the local pool "
        "(its workers must see the notebooks, the data and --out under the same paths)",
    )
    r.add_argument(
        "--notebooks",
        default=None,
        help="folder with the step notebooks (default: notebooks/ here if it holds the step notebooks, else the workbook's own)",
    )
    r.add_argument("--out", default="reports", help="where run folders are created")
    r.add_argument("--run-id", default=None, help="name of the run folder (default: UTC timestamp)")
    r.set_defaults(func=_cmd_run)
    _add_workshop_commands(sub)
    _add_course_commands(sub)
    _add_trainee_commands(sub)
    return p


# ----------------------------------------------------------------------------- workshop commands
# kam workshop-template / kam workshop-ratings: the Excel round trip of the criteria workshop
# (logic in kamlib.workshop; bad cells are KamDataError findings naming file, sheet, row and column).


def _cmd_workshop_template(args: argparse.Namespace) -> int:
    from kamlib import workshop
    from kamlib.data.readers import load

    out = Path(args.out)
    if out.exists():
        raise _UserError(f"{out} exists; not overwriting")
    if out.suffix.lower() != ".xlsx":
        raise _UserError(f"{out}: the template must be an .xlsx file")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load(args.source, as_of=args.as_of, warn=False)
    accounts = [a.strip() for a in ",".join(args.accounts).split(",") if a.strip()] if args.accounts else None
    chosen = workshop.template_accounts(data, accounts=accounts, top=args.top)
    workshop.write_template(chosen, out, lang=args.lang)
    print(
        f"wrote {out}: {len(chosen)} accounts x {len(workshop.CRITERIA)} criteria to score 0-10; "
        f"one copy per rater, then: kam workshop-ratings FILLED.xlsx ... -o ratings.csv"
    )
    return EXIT_OK


def _cmd_workshop_ratings(args: argparse.Namespace) -> int:
    from kamlib import workshop

    out = Path(args.output)
    if out.exists():
        raise _UserError(f"{out} exists; not overwriting")
    known = None
    if args.source:
        from kamlib.data.readers import load

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            known = load(args.source, as_of=args.as_of, warn=False).accounts["account_id"].astype(str).tolist()
    ratings = workshop.read_ratings(args.filled, known_accounts=known)
    if not len(ratings):
        raise _UserError(f"no scores found in {', '.join(args.filled)}; nothing written")
    workshop.save_ratings(ratings, out)
    print(
        f"wrote {out}: {len(ratings)} ratings by {ratings['rater'].nunique()} raters on "
        f"{ratings['account_id'].nunique()} accounts"
    )
    return EXIT_OK


def _add_workshop_commands(sub) -> None:
    t = sub.add_parser("workshop-template", help="write the Excel sheet raters fill in a criteria workshop")
    t.add_argument("source", help="data source (folder, .xlsx or database URL)")
    t.add_argument("out", help="the template to write (.xlsx); never overwritten")
    which = t.add_mutually_exclusive_group()
    which.add_argument("--accounts", action="append", metavar="ID[,ID...]", help="these accounts, in this order")
    which.add_argument("--top", type=int, metavar="N", help="the N best accounts by the data-driven weighted score")
    t.add_argument("--as-of", type=_date, default=None, help="analysis date (default: from the data)")
    t.add_argument("--lang", default="en", choices=["en", "de"], help="language of the instructions and labels")
    t.set_defaults(func=_cmd_workshop_template)

    r = sub.add_parser("workshop-ratings", help="read filled workshop templates into a ratings CSV")
    r.add_argument("filled", nargs="+", help="one or several filled templates (.xlsx)")
    r.add_argument("-o", "--output", required=True, help="ratings CSV to write (rater, account_id, criterion, score)")
    r.add_argument("--source", default=None, help="also check the account ids against this data source")
    r.add_argument("--as-of", type=_date, default=None, help="analysis date for --source (default: from the data)")
    r.set_defaults(func=_cmd_workshop_ratings)

    from kamlib.workshop import app

    w = sub.add_parser(
        "workshop",
        parents=[app.build_parser(add_help=False)],
        help="start the room's workshop app (no code) and print the address and access code participants type",
        description="Start the room's workshop app (Voilà: no code on screen) and print the address and access "
        "code participants type. For the participants' laptops: kam workshop --bind 0.0.0.0 --lang de "
        "--instruction. The room's decision goes to the register folder (--register).",
    )
    w.set_defaults(func=_cmd_workshop)


def _cmd_workshop(args: argparse.Namespace) -> int:
    from kamlib.workshop import app

    return app.run(args)


# ----------------------------------------------------------------------------- trainee commands
# kam progress show / kam progress collect: a trainee's progress file and a room's overview
# kam notebooks DEST --lang de: the trainee's own copies of the notebooks in one language (kamlib.teaching)


def _cmd_progress_show(args: argparse.Namespace) -> int:
    from kamlib.teaching import progress

    table = progress.show(args.lang, args.file)  # cells as the notebook shows them (ja/nein, in lang)
    print(args.file or progress.path())
    if table.caption:
        print(f"{table.caption}\n{table.frame.to_string()}")
    else:  # nothing recorded yet: the sentence saying how progress gets recorded
        print(table.frame.iloc[0, 0])
    return EXIT_OK


def _cmd_progress_collect(args: argparse.Namespace) -> int:
    from kamlib.teaching import progress

    out = Path(args.out)
    lang = args.lang
    if out.exists() and not args.force:
        raise _UserError(progress.label("not_overwriting", lang, out=out))
    problems = {f: progress.file_problem(f) for f in args.files}
    for f, key in problems.items():  # the page still comes, the file as a marked row
        if key:
            print(progress.label("file_warning", lang, file=f, problem=progress.label(key, lang)), file=sys.stderr)
    df = progress.collect(args.files, lang)
    progress.write_room(args.files, out, lang)
    exercises = len(df.columns) - (2 if any(problems.values()) else 1)  # without "Solved" (and "Note")
    trainees = sum(1 for key in problems.values() if not key)
    print(progress.label("room_written", lang, out=out, n=trainees, m=exercises))
    return EXIT_OK


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from kamlib.teaching import trainee

    dest = Path(args.dest)
    if dest.exists() and any(dest.iterdir()) and not args.force:
        raise _UserError(trainee.text("not_empty", args.lang, dest=dest))
    written = trainee.write_trainee_notebooks(dest, args.lang, source_folder=notebooks_folder(args.notebooks))
    print(trainee.text("written", args.lang, n=len(written), dest=dest, language=args.lang))
    return EXIT_OK


def _add_trainee_commands(sub) -> None:
    p = sub.add_parser("progress", help="a trainee's exercise progress, or a room's overview for the trainer")
    psub = p.add_subparsers(dest="progress_command", required=True)
    s = psub.add_parser("show", help="print this trainee's progress (default file: KAM_PROGRESS_FILE or ~/.kam)")
    s.add_argument("file", nargs="?", default=None, help="a progress file (default: this trainee's)")
    s.add_argument("--lang", default="en", choices=["en", "de"], help="language of the headers")
    s.set_defaults(func=_cmd_progress_show)
    c = psub.add_parser("collect", help="the trainees' progress files as one HTML overview of the room")
    c.add_argument("files", nargs="+", help="the trainees' progress.json files")
    c.add_argument("--out", required=True, help="the HTML page to write (e.g. room.html)")
    c.add_argument("--lang", default="en", choices=["en", "de"], help="language of the page")
    c.add_argument("--force", action="store_true", help="overwrite an existing page")
    c.set_defaults(func=_cmd_progress_collect)

    n = sub.add_parser("notebooks", help="write a trainee's own copies of the notebooks in one language")
    n.add_argument("dest", help="folder for the copies (e.g. my-course); then: jupyter lab DEST")
    n.add_argument("--lang", default="en", choices=["en", "de"], help="language of the copies")
    n.add_argument(
        "--notebooks",
        default=None,
        help="folder of the workbook's notebooks (default: notebooks/ here if it holds the step notebooks, else the workbook's own)",
    )
    n.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    n.set_defaults(func=_cmd_notebooks)


# ----------------------------------------------------------------------------- course command
# kam course DEST [--lang de|en]: the trainer pack (kamlib.teaching.course): agendas, facilitator guides,
# slides, worksheets, answer key, case booklet, role-plays and the trainees' notebooks, offline


def _cmd_course(args: argparse.Namespace) -> int:
    from kamlib import SAMPLE
    from kamlib.teaching import course

    langs = (args.lang,) if args.lang else ("de", "en")
    execute = {"auto": None, "yes": True, "no": False}[args.execute]
    manifest = course.build_course(
        Path(args.dest),
        source=args.source or SAMPLE,
        langs=langs,
        notebooks=notebooks_folder(args.notebooks),
        execute=execute,
    )
    for lang, entry in manifest.items():
        print(
            course.label(
                "written", lang, index=entry["index"], modules=len(entry["guides"]), roleplays=len(entry["roleplays"])
            )
        )
    return EXIT_OK


def _add_course_commands(sub) -> None:
    c = sub.add_parser("course", help="build the trainer pack (agendas, guides, slides, worksheets, answer key)")
    c.add_argument("dest", nargs="?", default="course-pack", help="folder to write into (default: course-pack)")
    c.add_argument("--lang", default=None, choices=["en", "de"], help="one language only (default: de and en)")
    c.add_argument("--source", default=None, help="data of the case (default: the bundled sample company)")
    c.add_argument(
        "--notebooks",
        default=None,
        help="the workbook's notebooks the slides come from (default: notebooks/ here if it holds the step notebooks, else the workbook's own)",
    )
    c.add_argument(
        "--execute",
        default="auto",
        choices=["auto", "yes", "no"],
        help="run the notebooks for the slides' outputs: auto = only where the stored outputs are in another language",
    )
    c.set_defaults(func=_cmd_course)


def _early_template(argv: list[str]) -> KernelTemplate | None:
    """For ``kam run``: its kernel template, started before anything heavy is imported (building the parser imports
    the workshop app, and with it pandas; the run imports pandera, papermill and nbconvert: about 1 s), so that the
    template's own imports are done by the time the first notebook asks for a kernel. None for any other command,
    ``--help``, ``--dry-run``, ``--no-fork`` or where kernels cannot be forked (the runner then says why they start
    cold). Only an early start: :func:`_cmd_run` drops it where the parsed arguments need none."""
    from kamlib.batch import kernels  # standard library only

    if argv[:1] != ["run"] or kernels.fork_unavailable_reason() is not None:
        return None
    pre = _QuietParser(add_help=False)
    pre.add_argument("-h", "--help", action="store_true")
    for flag in ("--dry-run", "--no-fork"):
        pre.add_argument(flag, action="store_true")
    pre.add_argument("--notebooks")
    try:
        known, _ = pre.parse_known_args(argv[1:])
    except argparse.ArgumentError:  # the real parser says what is wrong
        return None
    if known.help or known.dry_run or known.no_fork:
        return None
    template, _ = kernels.KernelTemplate.started(str(notebooks_folder(known.notebooks).resolve()))
    return template  # None if it could not start: the runner tries again and says why


class _QuietParser(argparse.ArgumentParser):
    """A parser that raises its errors (an ambiguous ``--no``) instead of printing them and exiting."""

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)


def main(argv: list[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    # kam run: a plain `kill` (SIGTERM, e.g. from cron or CI) unwinds like Ctrl-C, so that the run cache and the
    # kernel template are removed; the caller's handler is back afterwards (main called from Python, a test)
    previous = signal.signal(signal.SIGTERM, _interrupt) if words[:1] == ["run"] else None
    template = None
    try:
        template = _early_template(words)
        return _main(argv, template)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM during kam run
        print("interrupted", file=sys.stderr)
        return EXIT_USER_ERROR
    finally:
        if template is not None:
            template.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str] | None, template: KernelTemplate | None) -> int:
    from kamlib.errors import KamDataError, KamParameterError

    args = build_parser().parse_args(argv)
    args.early_template = template
    try:
        return args.func(args)
    except (KamDataError, KamParameterError) as err:
        print(f"kam {args.command}: {err}", file=sys.stderr)
    except (_UserError, FileNotFoundError, FileExistsError, NotADirectoryError, PermissionError) as err:
        print(f"kam {args.command}: {err}", file=sys.stderr)
    except ValueError as err:  # remaining bad values (e.g. sample-data --n-accounts 5): a message, not a traceback
        print(f"kam {args.command}: {err}", file=sys.stderr)
    return EXIT_USER_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
