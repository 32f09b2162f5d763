"""The participant's page of a workshop room (kamlib.workshop.page): access, privacy, hand-ins, escaping.

The expected rankings are worked out by hand from two hand-ins on two accounts X and Y (the room's first two
candidates), on the criteria credibility and relationship:

    rater A: X 8 / 6, Y 4 / 10        rater B: X 6 / 6, Y 6 / 8
    means:   X 7 / 6, Y 5 / 9         thresholds 0 / 0: both accounts meet both criteria

    weights 1 / 0       -> shares 100 % / 0 %  -> X 7.00, Y 5.00
    weights 0.25 / 0.75 -> shares 25 % / 75 %  -> X 0.25*7 + 0.75*6 = 6.25, Y 0.25*5 + 0.75*9 = 8.00
"""

from __future__ import annotations

import json
import re
import tempfile
from html import unescape
from pathlib import Path

import pytest

pytest.importorskip("tornado")
from tornado.testing import AsyncHTTPTestCase  # noqa: E402

import kamlib  # noqa: E402
from kamlib.workshop import CRITERIA, gather, page  # noqa: E402

TOKEN = "room42"
_DATA = None


def sample():
    global _DATA
    if _DATA is None:
        _DATA = kamlib.load(kamlib.SAMPLE)
    return _DATA


def hand_ins(room: page.CriteriaRoom) -> tuple[str, str]:
    x, y = room.candidates["account_id"].iloc[:2]
    gather.hand_in(room.folder, "A", {x: {"credibility": 8, "relationship": 6}, y: {"credibility": 4, "relationship": 10}})
    gather.hand_in(room.folder, "B", {x: {"credibility": 6, "relationship": 6}, y: {"credibility": 6, "relationship": 8}})
    return x, y


def rows(page_html: str) -> list[tuple[str, str, str]]:
    """(rank, name as the reader sees it, score) of a ranking table."""
    found = re.findall(r'<tr><td class="num">(\d+)</td><td>(.*?)</td><td class="num">(.*?)</td>', page_html)
    return [(r, unescape(n), s) for r, n, s in found]


class PageTest(AsyncHTTPTestCase):
    lang = "en"

    def get_app(self):
        self.folder = Path(tempfile.mkdtemp()) / gather.HAND_INS
        self.room = page.CriteriaRoom(sample(), self.folder, lang=self.lang)
        return page.make_app(self.room, TOKEN)

    def get_http_server(self):  # the page's own server, with its request size limit
        return page.server(self.room, TOKEN)

    def post(self, path: str, body, *, token: str | None = TOKEN, raw: bytes | None = None):
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["X-Room-Token"] = token
        return self.fetch(path, method="POST", body=raw if raw is not None else json.dumps(body), headers=headers)

    def rank(self, weights, thresholds=(0, 0), criteria=("credibility", "relationship"), lang=""):
        r = self.post(
            "/rank" + (f"?lang={lang}" if lang else ""),
            {"criteria": list(criteria), "weights": list(weights), "thresholds": list(thresholds)},
        )
        assert r.code == 200
        return json.loads(r.body)


class TestAccess(PageTest):
    def test_the_page_needs_the_access_code_and_a_page_of_another_site_cannot_post(self):
        r = self.fetch("/")
        assert r.code == 403
        body = r.body.decode()
        assert body == page.text("no_access", "en") and "Traceback" not in body
        r = self.fetch(f"/?token={TOKEN}")
        assert r.code == 200 and "kam_room=" in r.headers.get("Set-Cookie", "")
        flags = r.headers["Set-Cookie"].lower()
        assert "httponly" in flags and "samesite=strict" in flags  # no script reads it, no other site sends it
        cookie = r.headers["Set-Cookie"].split(";")[0]
        assert self.fetch("/", headers={"Cookie": cookie}).code == 200  # the cookie opens the page again
        # the cookie alone does not move a slider: a form on another site would send it, not the header
        r = self.fetch("/rank", method="POST", body="{}", headers={"Cookie": cookie})
        assert r.code == 403
        assert self.post("/rank", {}, token="wrong").code == 403
        assert self.post("/hand-in", {}, token=None).code == 403
        assert r.headers["Cache-Control"] == "no-store"
        assert "default-src 'none'" in r.headers["Content-Security-Policy"]  # nothing loads from elsewhere


class TestPrivacy(PageTest):
    def test_a_slider_move_ranks_exactly_the_weights_sent_and_the_room_keeps_nothing(self):
        x, y = hand_ins(self.room)
        nx, ny = (self.room.names[i] for i in (x, y))
        before = self.fetch(f"/?token={TOKEN}").body
        a = self.rank([1, 0])  # participant A
        b = self.rank([0.25, 0.75])  # participant B, at the same time
        assert a["shares"] == ["100%", "0%"] and b["shares"] == ["25%", "75%"]
        assert rows(a["ranking"]) == [("1", nx, "7.00"), ("2", ny, "5.00")]
        assert rows(b["ranking"]) == [("1", ny, "8.00"), ("2", nx, "6.25")]
        assert self.rank([1, 0]) == a  # A's next move does not see B's
        assert self.fetch(f"/?token={TOKEN}").body == before  # a new page starts from the room's weights

    def test_german_numbers_and_shares(self):
        x, y = hand_ins(self.room)
        b = self.rank([0.25, 0.75], lang="de")
        assert b["shares"] == ["25\xa0%", "75\xa0%"]
        assert [r[2] for r in rows(b["ranking"])] == ["8,00", "6,25"]
        assert b["thresholds"] == ["0,0", "0,0"]


class TestHandIns(PageTest):
    lang = "de"

    def test_a_hand_in_is_the_participants_own_file_and_the_ranking_uses_the_room_s_ratings(self):
        page_before = self.fetch(f"/?token={TOKEN}").body.decode()
        assert page.text("source_ratings", "de", m=2) in page_before
        assert page_before.count('class="kam-weight"') == 6  # the source's ratings cover all six criteria
        x, y = self.room.candidates["account_id"].iloc[:2]
        r = self.post(
            "/hand-in",
            {"rater": "Anna", "scores": {x: {"credibility": 8, "relationship": ""}, y: {"relationship": 3}}},
        )
        answer = json.loads(r.body)
        assert answer == {"ok": True, "message": page.text("handed_in", "de", rater="Anna", n=2)}
        files = list(self.folder.glob("*.csv"))
        assert len(files) == 1
        got = gather.read_hand_ins(self.folder)
        assert sorted(got[["account_id", "criterion", "score"]].itertuples(index=False, name=None)) == sorted(
            [(x, "credibility", 8.0), (y, "relationship", 3.0)]
        )
        # one participant's scores alone would show the room exactly what Anna entered: still the source's ratings
        assert self.fetch(f"/?token={TOKEN}").body.decode() == page_before
        self.post("/hand-in", {"rater": "Bo", "scores": {x: {"credibility": 6, "relationship": 5}}})
        # a page opened before the second hand-in still has six sliders: it is told to reload, not given a wrong
        # ranking
        stale = self.rank([1] * 6, [0] * 6, criteria=CRITERIA)
        assert stale == {"message": page.text("changed", "de")}
        after = self.fetch(f"/?token={TOKEN}").body.decode()
        assert page.text("room_ratings", "de", n=2) in after
        assert after.count('class="kam-weight"') == 2
        # handing in again replaces only Anna's own file
        self.post("/hand-in", {"rater": "Anna", "scores": {x: {"credibility": 9}}})
        assert len(list(self.folder.glob("*.csv"))) == 2
        anna = gather.read_hand_ins(self.folder).query("rater == 'Anna'")
        assert anna[["account_id", "criterion", "score"]].values.tolist() == [[x, "credibility", 9.0]]

    def test_hand_ins_on_too_few_criteria_leave_the_room_on_the_source_s_ratings(self):
        """The rule needs two criteria (min_criteria 2): two participants who both rate only credibility cannot be
        ranked by it; the room goes on with the source's ratings and the facilitator's console says why."""
        import contextlib
        import io

        x = self.room.candidates["account_id"].iloc[0]
        before = self.fetch(f"/?token={TOKEN}").body.decode()
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            for rater in ("Anna", "Bo"):
                assert json.loads(self.post("/hand-in", {"rater": rater, "scores": {x: {"credibility": 7}}}).body)["ok"]
            now = self.fetch(f"/?token={TOKEN}")
            moved = self.rank([1] * 6, [0] * 6, criteria=CRITERIA)
        assert now.code == 200 and now.body.decode() == before
        assert "shares" in moved and moved["message"] == ""
        assert err.getvalue().strip() == "parameter criteria: choose at least 2 criteria (source 004 suggests 3-4); got 1"

    def test_bad_input_gets_one_sentence_in_the_page_s_language(self):
        x = self.room.candidates["account_id"].iloc[0]
        r = self.post("/rank", None, raw=b"not json")
        assert r.code == 400 and r.body.decode() == page.text("bad_request", "de")
        six = CRITERIA
        assert self.rank([1] * 5, [0] * 6, criteria=six) == {"message": page.text("bad_request", "de")}
        assert self.rank([2] + [1] * 5, [0] * 6, criteria=six) == {"message": page.text("bad_request", "de")}
        assert self.rank([0] * 6, [0] * 6, criteria=six) == {"message": page.text("no_weight", "de")}

        def hand(body):
            return json.loads(self.post("/hand-in", body).body)

        assert hand({"rater": "", "scores": {x: {"credibility": 5}}}) == {
            "ok": False,
            "message": page.text("no_name", "de"),
        }
        assert hand({"rater": "Bo", "scores": {x: {"credibility": 11}}})["message"] == "Bitte eine Zahl von 0 bis 10 eingeben."
        assert hand({"rater": "Bo", "scores": {"ACC-NOT-HERE": {"credibility": 5}}})["message"] == page.text(
            "bad_request", "de"
        )
        assert hand({"rater": "x" * 81, "scores": {x: {"credibility": 5}}})["message"] == page.text(
            "name_too_long", "de", n=80
        )
        assert hand({"rater": "Bo", "scores": {x: {"credibility": ""}}})["message"] == page.text("no_scores", "de")
        assert hand({"rater": ["Bo"], "scores": {x: {"credibility": 5}}})["message"] == page.text("bad_request", "de")
        for name in ("Bo\rEve", "'=Bo"):  # a line break splits the CSV row; the apostrophe merges with "=Bo"
            assert hand({"rater": name, "scores": {x: {"credibility": 5}}})["message"] == page.text("bad_name", "de")
        assert self.rank([True] + [1] * 5, [0] * 6, criteria=six) == {"message": page.text("bad_request", "de")}
        r = self.post("/rank", {"criteria": 5, "weights": [], "thresholds": []})
        assert json.loads(r.body) == {"message": page.text("bad_request", "de")}
        padded = {"criteria": list(six), "weights": [1] * 6, "thresholds": [0] * 6, "pad": "x" * page.MAX_BODY}
        r = self.post("/rank", padded)  # a valid move, but larger than the page's limit
        assert r.code in (400, 413, 599)  # refused by the server before reading (Tornado answers 400 or closes)
        r = self.post("/rank", None, raw=b"[" * 20_000 + b"]" * 20_000)  # within it, nested too deep for Python
        assert r.code == 400 and r.body.decode() == page.text("bad_request", "de")
        assert not self.folder.exists() or not list(self.folder.glob("*.csv"))  # nothing written

    def test_a_broken_file_in_the_hand_in_folder_is_told_to_the_facilitator_and_the_room_goes_on(self):
        import contextlib
        import io

        x, y = hand_ins(self.room)
        good = self.rank([1, 0], lang="en")
        self.folder.joinpath("by-hand.csv").write_text("rater,account_id,criterion,score\nC,X,credibility,elf\n")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            again = self.rank([1, 0], lang="en")
        assert again == good  # the two good hand-ins still rank the room
        assert "by-hand.csv" in err.getvalue() and "score" in err.getvalue()


class TestEscaping(PageTest):
    def test_customer_text_is_text_on_the_page_and_in_every_answer(self):
        evil = '<img src=x onerror="alert(1)">'
        x, y = hand_ins(self.room)
        self.room.names = self.room.names.copy()
        self.room.names[x] = evil
        self.room.candidates.loc[0, "name"] = evil
        self.room._stamp = None  # rebuild with the new name
        html = self.fetch(f"/?token={TOKEN}").body.decode()
        answer = self.rank([1, 0])
        for text in (html, answer["ranking"]):
            assert evil not in text
            assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in text
