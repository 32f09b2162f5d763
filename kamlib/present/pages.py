"""HTML pages a run writes besides the reports: the index, the page of a failed report, the footer.

Pages are Jinja2 templates in ``kamlib/present/templates/`` rendered with autoescaping on, so every value
from the data (account names, KAM ids, error messages) is text, never markup. Callers pass labels already
in the run's language (from the catalogue) and values already formatted; templates only lay them out.

Examples
--------
>>> print(render("footer.html.j2", text="Run <1>"))
<footer class="kam-footer" style="margin:2rem 0 1rem;padding-top:.5rem;border-top:1px solid #ccc;color:#595959;font:12px system-ui,sans-serif">Run &lt;1&gt;</footer>
"""

from __future__ import annotations

import functools

import jinja2

from kamlib import i18n


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kamlib.present", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context) -> str:
    """Template ``template`` filled with ``context`` (autoescaped; a missing name is an error, not a blank)."""
    return _environment().get_template(template).render(**context).rstrip("\n")


def error_page(lang: str, *, what: str, error: str, back: str, run_id: str, text: str = "") -> str:
    """The page of a report or document that failed, in ``lang``: which one (``what``), the cause (``error``), the
    link ``back`` to the index, how to re-run it (``run_id``) and the footer ``text``."""
    labels = {k: i18n.pick(v, lang) for k, v in i18n.table("pages.error").items()}
    return render("error.html.j2", lang=lang, L=labels, what=what, error=error, back=back, run_id=run_id, text=text)
