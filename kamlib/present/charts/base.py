"""What every chart shares: its Axes (:func:`new_axes`), tick labels in the reader's language
(:func:`tick_formatter`), text that matplotlib must show as written (:func:`safe_text`, :func:`empty`), a name
next to its point (:func:`label_point`) and the quadrant names in the corners of a portfolio matrix
(:func:`quadrant_names`).

Examples
--------
>>> f = tick_formatter("de", "percent")
>>> f(0.8, 0), tick_formatter("en", "percent")(0.8, 0)
('80\u00a0%', '80%')
>>> tick_formatter("de", "money")(1_500_000, 0), tick_formatter("en", "money")(1_500_000, 0)
('1,5\u00a0Mio.\u00a0€', '€1.5M')
>>> tick_formatter("de")(2500.5, 0), tick_formatter("de")(2.5, 0), tick_formatter("de")(3.0, 0)
('2.500,5', '2,5', '3')
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from kamlib import i18n

__all__ = ["new_axes", "tick_formatter", "safe_text", "empty", "label_point", "quadrant_names"]


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax`` when given (the caller's figure, its size), else the Axes of a new figure of ``size`` inches.

    Every chart function calls this first with the size that fits its content.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def tick_formatter(lang: str = "en", kind: str = "number", decimals: int | None = None) -> FuncFormatter:
    """A matplotlib tick formatter: ``kind`` is 'number' (1.234,5 / 1,234.5), 'percent' (fractions: 80 %),
    'money' (EUR, with k and M), 'short' (:func:`kamlib.i18n.short_amount`) or 'thousands' (1.234 k)."""
    i18n.check_lang(lang)
    number = i18n.number

    def auto(v: float) -> str:
        if decimals is not None:
            return number(v, lang, decimals)
        text = number(v, lang, 6).rstrip("0")
        return text.rstrip(",." if lang == "de" else ".")

    def fmt(v, _pos=None):
        if kind == "percent":
            text = auto(round(v * 100, 6))
            return f"{text}\u00a0%" if lang == "de" else f"{text}%"
        if kind == "short":
            return i18n.short_amount(v, lang)
        if kind == "thousands":
            return f"{auto(v / 1e3)}\u00a0k"
        if kind == "money":
            if abs(v) >= 1e6:
                text = number(v / 1e6, lang, 1)
                return f"{text}\u00a0Mio.\u00a0€" if lang == "de" else f"€{text}M"
            if abs(v) >= 1e3:
                text = number(v / 1e3, lang, 0)
                return f"{text}\u00a0Tsd.\u00a0€" if lang == "de" else f"€{text}k"
            text = number(v, lang, 0)
            return f"{text}\u00a0€" if lang == "de" else f"€{text}"
        return auto(v)

    return FuncFormatter(fmt)


def safe_text(text: object) -> str:
    """Text for a matplotlib label: a literal dollar sign must not start mathtext.

    >>> safe_text("US$ 5")
    'US\\\\$ 5'
    """
    return str(text).replace("$", r"\$")


def empty(ax: Axes, text: str) -> Axes:
    """A chart without data: ``text`` (why) in the middle of ``ax``, no axes."""
    ax.text(0.5, 0.5, safe_text(text), ha="center", va="center", wrap=True, transform=ax.transAxes, fontsize=10)
    ax.set_axis_off()
    return ax


def label_point(
    ax: Axes, text: object, xy: tuple, *, width: int | None = None, fontsize: float = 7, offset=(4, 4)
) -> None:
    """``text`` (a name, cut to ``width`` characters, shown as written) next to the point ``xy``, ``offset``
    points to the right and up."""
    ax.annotate(safe_text(str(text)[:width]), xy, fontsize=fontsize, xytext=offset, textcoords="offset points")


# the corners of the 0-10 portfolio matrix (strength across, attractiveness up): is the quadrant right, at the top?
_CORNERS = {"strategic": (True, True), "star": (False, True), "status": (True, False), "streamline": (False, False)}


def quadrant_names(ax: Axes, lang: str, colours: dict[str, str], *, inset: float, **text) -> None:
    """The name of each quadrant in ``lang`` in its corner of the 0-10 portfolio matrix, ``inset`` in from the
    corner, in the quadrant's colour; ``text`` passes font options on to matplotlib."""
    for q, (right, top) in _CORNERS.items():
        ax.text(
            10 - inset if right else inset,
            10 - inset if top else inset,
            i18n.quadrant_label(q, lang),
            ha="right" if right else "left",
            va="top" if top else "bottom",
            color=colours[q],
            **text,
        )
