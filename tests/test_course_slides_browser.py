"""The course pack's slides in a real browser (Debian's /usr/bin/chromium through Playwright): at 1280×720 no
slide's content is taller than the slide, so nothing is cut off on the projector (review of issue 17, M1).

One deck per language: module 01 (the account selection: the longest prose, the 22-row key-account table). The
English deck carries the notebook's stored outputs (tables, charts); the German one is built without executing
the notebook (``execute=False``: prose only), which keeps this test under a minute. Skipped without Chromium,
except under KAM_REQUIRE_SYSTEM=1 (CI).
"""

from __future__ import annotations

import pytest
from conftest import CHROMIUM_ARGS, ROOT, require_chromium

from kamlib.teaching import course

#: Every leaf slide (a section without sections inside), shown one after the other: the ones whose content is
#: taller than the slide's height (reveal.js config, 760), with their indices and first words.
_TOO_TALL = """() => {
  const H = Reveal.getConfig().height, bad = [];
  const leaves = [...document.querySelectorAll('.reveal .slides section')].filter(s => !s.querySelector('section'));
  for (const s of leaves) {
    const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v);
    if (s.scrollHeight > H + 2) bad.push([i.h, i.v, s.scrollHeight, (s.innerText || '').slice(0, 60)]);
  }
  return [leaves.length, bad];
}"""


@pytest.mark.parametrize("lang", ["en", "de"])
def test_no_slide_is_taller_than_the_slide(tmp_path, lang):
    chromium = require_chromium()
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    course.copy_reveal(tmp_path)
    deck = course.write_slides(
        "01", tmp_path, lang, notebooks=ROOT / "notebooks", source=ROOT / "data" / "sample", execute=False
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(deck.resolve().as_uri())
            page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
            n, too_tall = page.evaluate(_TOO_TALL)
            rows = page.evaluate(
                "() => Math.max(0, ...[...document.querySelectorAll('.reveal .slides table')]"
                ".map(t => t.querySelectorAll('tbody tr').length))"
            )
        finally:
            browser.close()
    assert n >= 10, n  # the deck has its slides
    assert too_tall == []
    assert rows <= course.MAX_ROWS
