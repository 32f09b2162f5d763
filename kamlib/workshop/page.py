"""The participant's page of a workshop room (``kam workshop --participants N``, the criteria workshop).

A room of 25 opens the link at the same second. A notebook page (Voilà) loads about 5 MB of JupyterLab's scripts and
a kernel per participant; this page is one small HTML document with native sliders and number fields, served by
the room's app from one process that holds the room's data once:

* **the participant's own work stays theirs**: their weights and their unsent ratings live only in their browser.
  A slider move sends the weights, the app answers with the ranking for exactly those weights and keeps nothing;
  no participant can see or move another's view;
* **ratings are handed in**, not shared while typed: *Hand in* writes the participant's own file in the room's
  hand-in folder (:func:`kamlib.workshop.gather.hand_in`); handing in again replaces only that file. The
  facilitator's notebook gathers the folder (agreement, the provisional list, the decision), and every
  participant's ranking is then computed on the ratings handed in so far (until the first hand-in, on the data
  source's ratings table);
* the facilitator's notebook (Voilà) runs on the facilitator's laptop only (127.0.0.1): the decide step that
  writes the decision register is not on the participants' page.

The page needs no files from elsewhere (no CDN, no fonts): it works on a room's network without internet. Every
value from the data (account names) is escaped by the page templates (Jinja2, autoescape); the app answers with
short texts from the catalogue (``room.page``), never a traceback.

Run by the app: ``python -m kamlib.workshop.page --port P ... -- <the facilitator's Voilà command>``.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from kamlib import i18n, processes
from kamlib.errors import KamDataError, KamParameterError
from kamlib.present.pages import render
from kamlib.workshop import CRITERIA, RATINGS_COLUMNS, RatedWorkshop, gather, label, template_accounts
from kamlib.workshop.screen import share_texts, value_text

#: A rater's name longer than this is refused (it names a file and a column in the handout).
MAX_NAME = 80
#: Requests larger than this are refused before they are read (a hand-in of 40 accounts x 6 criteria is ~3 KB).
MAX_BODY = 64 * 1024
COOKIE = "kam_room"
#: The room ranks on the hand-ins once this many participants have handed in: one participant's scores alone
#: would show the whole room exactly what that person entered.
MIN_RATERS = 2
_TEXTS: dict[str, tuple[str, str]] = i18n.table("room.page")


def text(key: str, lang: str = "en", **values: object) -> str:
    """A sentence of the page (catalogue ``room.page``) in ``lang``."""
    return i18n.pick(_TEXTS[key], lang).format(**values)


def _stamp(folder: Path) -> tuple:
    """What identifies the hand-in folder's content: its hand-ins' names, sizes, change times and inodes (a file
    replaced within the clock's tick still gets a new inode)."""
    try:
        files = gather.hand_in_files(folder)
    except OSError:  # no folder yet (nobody has handed in), or it cannot be read
        return ()
    out = []
    for f in files:
        try:
            st = f.stat()
        except OSError:  # removed between the listing and now
            continue
        out.append((f.name, st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


class CriteriaRoom:
    """The room's shared, read-only state: the data, the candidates to rate, and the ranking rule over the ratings
    handed in so far (rebuilt when the hand-in folder changes). Nothing of a participant is kept here."""

    def __init__(
        self, data: Any, folder: str | Path, *, lang: str = "en", min_criteria: int | None = None, places: int = 0
    ):
        from kamlib import defaults

        self.lang = i18n.check_lang(lang)
        self.folder = Path(folder)
        self.places = places
        self.min_criteria = int(defaults.selection_parameters(min_criteria=min_criteria)["min_criteria"])
        self.names = data.accounts.set_index("account_id")["name"].astype(str)
        self.source_ratings = (
            data.ratings[list(RATINGS_COLUMNS)] if data.has("ratings") else pd.DataFrame(columns=list(RATINGS_COLUMNS))
        )
        self.candidates = template_accounts(data)
        self._stamp: tuple = ()
        self._built = False
        self._workshop: RatedWorkshop | None = None
        self.raters = 0  # participants whose hand-ins the ranking uses (0: the data source's ratings)

    def workshop(self) -> RatedWorkshop | None:
        """The ranking rule over the room's ratings now: the hand-ins once at least :data:`MIN_RATERS` participants
        have handed in and they cover enough criteria for the rule, else the data source's (None: no ratings)."""
        stamp = _stamp(self.folder)
        if stamp == self._stamp and self._built:
            return self._workshop
        self._stamp, self._built = stamp, True
        try:
            handed = gather.read_hand_ins(self.folder)
            if handed["rater"].nunique() >= MIN_RATERS:
                built = self._rule(handed)
                self._workshop, self.raters = built, int(handed["rater"].nunique())
                return built
        except (KamDataError, KamParameterError) as err:  # a file put in by hand, or too few criteria rated yet:
            print(err, file=sys.stderr, flush=True)  # the facilitator is told, the room goes on
        if self.raters == 0 or self._workshop is None:  # never ranked on hand-ins yet: the source's ratings
            self._workshop = self._rule(self.source_ratings) if len(self.source_ratings) else None
        return self._workshop

    def _rule(self, ratings: pd.DataFrame) -> RatedWorkshop:
        return RatedWorkshop.from_ratings(
            ratings, self.names, min_criteria=self.min_criteria, places=self.places, lang=self.lang
        )

    # ------------------------------------------------------------------ what the page shows
    def basis(self, lang: str) -> str:
        return text("room_ratings", lang, n=self.raters) if self.raters else text("source_ratings", lang, m=MIN_RATERS)

    def ranking_html(self, ranking: pd.DataFrame, lang: str) -> str:
        top = float(ranking["score"].max()) if len(ranking) else 0.0
        rows = [
            {
                "rank": int(r),
                "name": str(n),
                "score": i18n.number(float(s), lang, 2),
                "bar": round(100 * float(s) / top) if top > 0 else 0,
            }
            for r, n, s in ranking[["rank", "name", "score"]].itertuples(index=False)
        ]
        return render(
            "room_ranking.html.j2",
            rows=rows,
            rank=label("rank", lang),
            account=label("account", lang),
            score=label("score", lang),
            none=label("none", lang),
        )

    def page(self, lang: str, token: str) -> str:
        """The whole page for a participant arriving now, in ``lang``: the ranking at the room's starting weights
        is in it already, so the page is usable before any script has run."""
        ws = self.workshop()
        criteria = []
        ranking = Markup("")
        if ws is not None:
            shares = share_texts(ws.weights, lang)
            for i, c in enumerate(ws.criteria):
                name = label(c, lang)
                criteria.append(
                    {
                        "key": c,
                        "label": name,
                        "weight": float(ws.weights[i]),
                        "share": shares[i],
                        "threshold": float(ws.thresholds[i]),
                        "threshold_text": value_text(ws.thresholds[i], lang),
                        "weight_label": text("weight_of", lang, criterion=name),
                        "threshold_label": text("threshold_of", lang, criterion=name),
                    }
                )
            # rendered by the autoescaping ranking template: markup already, its names escaped there
            ranking = Markup(self.ranking_html(ws.ranking(), lang))
        return render(
            "room_page.html.j2",
            lang=lang,
            L={k: i18n.pick(v, lang) for k, v in _TEXTS.items()},
            weights_help=text("weights_help", lang, k=self.min_criteria),
            token=token,
            candidates=[{"id": a, "name": n} for a, n in self.candidates.itertuples(index=False)],
            rate=[{"key": c, "label": label(c, lang)} for c in CRITERIA],
            criteria=criteria,
            ranking=ranking,
            basis=self.basis(lang),
            max_name=MAX_NAME,
            account_label=label("account", lang),
            weight_heading=label("weight", lang),
            threshold_heading=label("threshold", lang),
            config={"token": token, "lang": lang, "criteria": [c["key"] for c in criteria]},
        )

    def rank(self, body: Mapping[str, Any], lang: str) -> dict[str, Any]:
        """The answer to a slider move: the ranking for exactly the weights and thresholds sent (kept nowhere)."""
        ws = self.workshop()
        sent = body.get("criteria")
        if not isinstance(sent, list):
            return {"message": text("bad_request", lang)}
        if ws is None or sent != list(ws.criteria):
            return {"message": text("changed", lang)}
        weights = _numbers(body.get("weights"), len(sent), 0.0, 1.0)
        thresholds = _numbers(body.get("thresholds"), len(sent), 0.0, 10.0)
        if weights is None or thresholds is None:
            return {"message": text("bad_request", lang)}
        if not any(weights):  # the rule needs a weight; said in the room's language, the last ranking stays
            return {"message": text("no_weight", lang)}
        ranking = ws.ranking(weights, thresholds)
        return {
            "message": "",
            "shares": share_texts(weights, lang),
            "thresholds": [value_text(t, lang) for t in thresholds],
            "ranking": self.ranking_html(ranking, lang),
            "basis": self.basis(lang),
        }

    def hand_in(self, body: Mapping[str, Any], lang: str) -> dict[str, Any]:
        """A participant's ratings into their own file of the hand-in folder; a sentence to show them."""

        def refused(key: str, **values: object) -> dict[str, Any]:
            return {"ok": False, "message": text(key, lang, **values)}

        rater = body.get("rater", "")
        if not isinstance(rater, str):
            return refused("bad_request")
        rater = rater.strip()
        if not rater:
            return refused("no_name")
        if len(rater) > MAX_NAME:
            return refused("name_too_long", n=MAX_NAME)
        raw = body.get("scores")
        if not isinstance(raw, Mapping) or not set(raw) <= set(self.candidates["account_id"]):
            return refused("bad_request")
        scores: dict[str, dict[str, object]] = {}
        for account, given in raw.items():
            if not isinstance(given, Mapping):
                return refused("bad_request")
            judged = {str(c): v for c, v in given.items() if v not in (None, "")}
            if judged:
                scores[str(account)] = judged
        if not scores:
            return refused("no_scores")
        try:
            gather.hand_in(self.folder, rater, scores)  # type: ignore[arg-type]  # gather checks every score
        except KamParameterError as err:  # said in the page's language: the parameter names what is wrong
            return (
                refused("bad_name")
                if err.parameter == "rater"
                else {"ok": False, "message": label("score_error", lang)}
            )
        return {"ok": True, "message": text("handed_in", lang, rater=rater, n=sum(map(len, scores.values())))}


def _numbers(values: object, n: int, low: float, high: float) -> list[float] | None:
    """``values`` as ``n`` finite numbers within [low, high], else None."""
    if not isinstance(values, list) or len(values) != n or any(isinstance(v, bool) for v in values):
        return None
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError):
        return None
    arr = np.asarray(out)
    return out if np.isfinite(arr).all() and ((arr >= low) & (arr <= high)).all() else None


def make_app(room: CriteriaRoom, token: str = ""):
    """The page's web application (Tornado, the server Jupyter itself runs on): ``/`` the page, ``/rank`` a
    slider move, ``/hand-in`` a participant's ratings. With a ``token`` every request needs it: the page from
    ``?token=`` (then a cookie), the page's own requests in a header (which a page of another site cannot send)."""
    import tornado.web

    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )

    class Base(tornado.web.RequestHandler):
        def set_default_headers(self) -> None:
            self.set_header("Cache-Control", "no-store")
            self.set_header("X-Content-Type-Options", "nosniff")
            self.set_header("Content-Security-Policy", csp)
            self.set_header("Referrer-Policy", "no-referrer")

        def lang(self) -> str:
            q = self.get_query_argument("lang", room.lang)
            return q if q in i18n.LANGS else room.lang

        def log_exception(self, typ, value, tb) -> None:  # one line on the facilitator's console, no traceback
            if not isinstance(value, tornado.web.HTTPError):
                print(f"room page: {self.request.method} {self.request.path}: {typ.__name__}: {value}", file=sys.stderr)

        def write_error(self, status_code: int, **kwargs: Any) -> None:  # a short sentence, never a traceback
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            key = "no_access" if status_code == 403 else "bad_request"
            self.finish(text(key, self.lang()))

        def _given(self, *, header_only: bool) -> str:
            if header_only:
                return self.request.headers.get("X-Room-Token", "")
            return self.get_query_argument("token", "") or self.get_cookie(COOKIE) or ""

        def check(self, *, header_only: bool = False) -> None:
            if token and not hmac.compare_digest(self._given(header_only=header_only).encode(), token.encode()):
                raise tornado.web.HTTPError(403)

        def body(self) -> dict:
            try:
                content = json.loads(self.request.body or b"{}")
            except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
                raise tornado.web.HTTPError(400) from None
            if not isinstance(content, dict):
                raise tornado.web.HTTPError(400)
            return content

    class Page(Base):
        def get(self) -> None:
            self.check()
            if token:
                self.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(room.page(self.lang(), token))

    class Rank(Base):
        def post(self) -> None:
            self.check(header_only=True)
            self.finish(room.rank(self.body(), self.lang()))

    class HandIn(Base):
        def post(self) -> None:
            self.check(header_only=True)
            self.finish(room.hand_in(self.body(), self.lang()))

    return tornado.web.Application(
        [(r"/", Page), (r"/rank", Rank), (r"/hand-in", HandIn)],
        xsrf_cookies=False,
        compress_response=True,
        log_function=lambda handler: None,  # no access log on the facilitator's console (errors: log_exception)
    )


def _parent_death_signal():
    """Linux: a function for the child (between fork and exec) that makes it get SIGTERM when this process ends,
    even when it is killed; the library call is looked up here, in the parent (a child of a process with threads
    must not load libraries). None elsewhere."""
    if sys.platform != "linux":
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def set_signal() -> None:  # pragma: no cover - runs in the child
        prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent ended before this line
            os.kill(os.getpid(), signal.SIGTERM)

    return set_signal


def server(room: CriteriaRoom, token: str):
    """The page's HTTP server (requests over :data:`MAX_BODY` refused before they are read)."""
    from tornado.httpserver import HTTPServer

    return HTTPServer(make_app(room, token), max_body_size=MAX_BODY)


async def serve(room: CriteriaRoom, port: int, bind: str, token: str, ready_line: str = "", child: Sequence[str] = ()):
    """Serve the page until SIGINT, SIGTERM or SIGHUP; ``child`` (the facilitator's Voilà) runs alongside, is
    watched (the facilitator is told when it ends) and is stopped with the page."""
    http = server(room, token)
    http.listen(port, address=bind)
    proc = subprocess.Popen(list(child), preexec_fn=_parent_death_signal()) if child else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            loop.add_signal_handler(getattr(signal, name), stop.set)
    if ready_line:
        print(ready_line, flush=True)
    try:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), 1.0)
            except TimeoutError:
                pass
            if proc is not None and proc.poll() is not None:
                print(text("notebooks_stopped", room.lang, code=proc.returncode), file=sys.stderr, flush=True)
                proc = None
    finally:
        http.stop()
        if proc is not None:
            processes.stop(proc, 20)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m kamlib.workshop.page", description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--token", required=True, help="the access code every request needs")
    p.add_argument("--lang", default="en", choices=list(i18n.LANGS))
    p.add_argument("--source", default="", help="the room's data (empty: the bundled sample)")
    p.add_argument("--as-of", default="", help="the data's date (the room cache's key)")
    p.add_argument("--hand-ins", required=True, help="the folder the participants' ratings are handed in to")
    p.add_argument("--ready-line", default="")
    p.add_argument("child", nargs=argparse.REMAINDER, help="-- then the facilitator's Voilà command")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    import kamlib

    args = build_parser().parse_args(argv)
    child = [a for a in args.child if a != "--"] if args.child[:1] == ["--"] else list(args.child)
    try:
        data = kamlib.load(args.source or kamlib.SAMPLE, as_of=args.as_of)
        room = CriteriaRoom(data, args.hand_ins, lang=args.lang)
        room.workshop()  # the room's ranking once, before anyone arrives
    except (KamDataError, KamParameterError) as err:
        print(str(err), file=sys.stderr)
        return 2
    asyncio.run(serve(room, args.port, args.bind, args.token, args.ready_line, child))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
