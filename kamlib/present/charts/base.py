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
from matplotlib.ticker import Formatter

from kamlib import i18n

__all__ = [
    "new_axes",
    "tick_formatter",
    "safe_text",
    "empty",
    "label_point",
    "quadrant_names",
    "show",
    "describe",
    "tight_png",
    "change_text",
    "alt",
]


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax`` when given (the caller's figure, its size), else the Axes of a new figure of ``size`` inches.

    Every chart function calls this first with the size that fits its content.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


class _Ticks(Formatter):
    """Tick labels in ``lang`` that never repeat: when two ticks would read the same ('2 k' for 2,000 and
    2,500, '1' for 0.5 and 1.0 with no decimals), every label of the axis gets one more decimal, up to three."""

    def __init__(self, lang: str, kind: str, decimals: int | None):
        self.lang, self.kind, self.decimals, self.extra = lang, kind, decimals, 0

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        shown = [v for v in locs if self.axis is None or _within(v, self.axis.get_view_interval())]
        for extra in range(4):
            self.extra = extra
            labels = [self.format(v) for v in shown]
            if len(set(labels)) == len(labels):
                return

    def __call__(self, x, pos=None) -> str:
        return self.format(x)

    def format(self, v: float) -> str:
        lang, kind, extra, number = self.lang, self.kind, self.extra, i18n.number

        def auto(v: float) -> str:
            if self.decimals is not None:
                return number(v, lang, self.decimals + extra)
            text = number(v, lang, 6).rstrip("0")
            return text.rstrip(",." if lang == "de" else ".")

        if kind == "percent":
            text = auto(round(v * 100, 6))
            return f"{text}\u00a0%" if lang == "de" else f"{text}%"
        if kind == "short":
            return i18n.short_amount(v, lang, extra)
        if kind == "thousands":
            return f"{auto(v / 1e3)}\u00a0k"
        if kind == "money":
            if abs(v) >= 1e6:
                text = number(v / 1e6, lang, 1 + extra)
                return f"{text}\u00a0Mio.\u00a0€" if lang == "de" else f"€{text}M"
            if abs(v) >= 1e3:
                text = number(v / 1e3, lang, extra)
                return f"{text}\u00a0Tsd.\u00a0€" if lang == "de" else f"€{text}k"
            text = number(v, lang, extra)
            return f"{text}\u00a0€" if lang == "de" else f"€{text}"
        return auto(v)


def _within(v: float, interval) -> bool:
    lo, hi = sorted(interval)
    return lo - 1e-9 * max(1.0, abs(lo)) <= v <= hi + 1e-9 * max(1.0, abs(hi))


def tick_formatter(lang: str = "en", kind: str = "number", decimals: int | None = None) -> Formatter:
    """A matplotlib tick formatter: ``kind`` is 'number' (1.234,5 / 1,234.5), 'percent' (fractions: 80 %),
    'money' (EUR, with k and M), 'short' (:func:`kamlib.i18n.short_amount`) or 'thousands' (1.234 k).
    The labels of one axis never repeat (:class:`_Ticks` adds decimals where two ticks would read the same)."""
    i18n.check_lang(lang)
    return _Ticks(lang, kind, decimals)


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


# --------------------------------------------------------------------------- showing a chart with its alt text

_ALT = i18n.table("charts.alt")


def _alt(key: str, lang: str, **values: object) -> str:
    return i18n.pick(_ALT[key], lang).format(**values)


def _ticks(labels, max_items: int = 8) -> list[str]:
    return [t.get_text().strip() for t in labels if t.get_text().strip()][: max_items * 10]


def _axis_text(ax: Axes, which: str, lang: str) -> str:
    axis = ax.xaxis if which == "x" else ax.yaxis
    name = axis.get_label().get_text().strip() or _alt(which, lang)
    lo, hi = sorted(axis.get_view_interval())
    pad = 1e-9 * max(1.0, abs(lo), abs(hi))
    shown = [t for loc, t in zip(axis.get_majorticklocs(), axis.get_ticklabels()) if lo - pad <= loc <= hi + pad]
    ticks = _ticks(shown)  # only the ticks inside the axis' limits
    if not ticks:
        return ""
    numeric = all(any(ch.isdigit() for ch in t) for t in ticks)
    if numeric or len(ticks) > 8:
        return _alt("axis", lang, label=name, first=ticks[0], last=ticks[-1])
    return f"{name}: {', '.join(ticks)}"


def describe(fig, lang: str = "en") -> str:
    """What ``fig`` shows, in ``lang``, from its own text: per Axes its title, each axis with its label and its
    first and last tick label (or its categories), and the legend's series. The alt text of :func:`show`
    when the caller has none of its own.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.bar(["2024", "2025"], [1.0, 2.0]); _ = ax.set_title("Revenue"); _ = ax.set_ylabel("EUR")
    >>> describe(fig, "en")
    'Chart: Revenue; horizontal axis from 2024 to 2025; EUR from 0.00 to 2.00'
    >>> _ = ax.set_xticks([0, 1], ["north", "south"]); describe(fig, "de")
    'Diagramm: Revenue; waagerechte Achse: north, south; EUR von 0.00 bis 2.00'
    >>> plt.close(fig)
    """
    i18n.check_lang(lang)
    # Not drawn (a canvas.draw() here rendered every chart once more): Axis.get_ticklabels() places and formats
    # the ticks itself. What only a draw would apply is applied here: the figure's layout engine (constrained
    # layout moves the axes, and so their ticks) and each axes' aspect (an equal aspect widens the data limits)
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    for ax in fig.axes:
        ax.apply_aspect()
    parts = []
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison and not ax.get_title():
            continue
        bits = [ax.get_title().strip()] if ax.get_title().strip() else []
        if ax.axison:
            bits += [t for t in (_axis_text(ax, "x", lang), _axis_text(ax, "y", lang)) if t]
        legend = ax.get_legend()
        if legend is not None:
            items = [t.get_text() for t in legend.get_texts() if t.get_text()]
            if items:
                bits.append(_alt("legend", lang, items=", ".join(items)))
        if bits:
            parts.append("; ".join(bits))
    return _alt("chart", lang, parts=" | ".join(parts)) if parts else _alt("chart", lang, parts="–")


def show(fig=None, *, alt: str | None = None, lang: str = "en") -> str:
    """Display ``fig`` (default: the current figure) as a PNG whose display metadata carry its alt text
    (``{"image/png": {"alt": ...}}``, which the HTML export writes into the ``<img>``), then close it.

    ``alt`` says what the chart shows; without it :func:`describe` builds one from the chart's own title, axes
    and legend. Returns the alt text.
    """
    import base64

    from IPython.display import display

    fig = fig if fig is not None else plt.gcf()
    text = (alt or "").strip() or describe(fig, lang)
    png_bytes = tight_png(fig)
    plt.close(fig)
    png = base64.b64encode(png_bytes).decode("ascii")
    display({"image/png": png, "text/plain": text}, raw=True, metadata={"image/png": {"alt": text}})
    return text


def tight_png(fig) -> bytes:
    """``fig`` as PNG bytes cut to its drawn content plus ``savefig.pad_inches``, as ``savefig(bbox_inches=
    "tight")`` writes it, but drawn once instead of twice.

    savefig's tight box draws the whole figure to measure it and then again to print it (about 0.1 s of a
    chart's 0.13 s). Here the figure is drawn once on its Agg canvas, measured with that renderer and its
    pixels cut to the box. Where that cannot give the same picture, savefig prints it: not an Agg canvas, a
    screen's device pixel ratio, ``savefig.*`` settings of its own (dpi, face or edge colour, transparency), a
    constrained layout, or something drawn outside the figure that the tight box takes in (a legend placed
    beside it, tick labels at the very edge). In that last case the figure is drawn once more on the box, as
    savefig does it (savefig itself would draw it twice more).
    """
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    rc = plt.rcParams
    canvas = fig.canvas
    box = None
    as_drawn = (
        rc["savefig.dpi"] in ("figure", fig.dpi)
        and rc["savefig.facecolor"] == "auto"
        and rc["savefig.edgecolor"] == "auto"
        and not rc["savefig.transparent"]
    )
    # a constrained layout leaves less margin than the pad (its box never fits), and savefig draws it once more
    # for the layout anyway
    constrained = isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    if (
        isinstance(canvas, FigureCanvasAgg)
        and getattr(canvas, "device_pixel_ratio", 1) == 1
        and as_drawn
        and not constrained
    ):
        canvas.draw()
        dpi = fig.dpi
        box = fig.get_tightbbox(canvas.get_renderer()).padded(rc["savefig.pad_inches"])
        full_w, full_h = canvas.get_width_height()
        # savefig prints on a canvas of the box's whole pixels (as FigureCanvasBase.get_width_height counts
        # them), the figure moved by the box's corner
        w, h = (int(size * dpi + 1e-8) for size in box.size)
        left, top = round(box.x0 * dpi), round(full_h - box.y0 * dpi - h)
        if 0 <= left and left + w <= full_w and 0 <= top and top + h <= full_h and w > 0 and h > 0:
            return _canvas_png(fig, (left, top, left + w, top + h))
    if box is not None:
        try:  # what savefig does with a box: the figure moved and cut to it, drawn once more
            from matplotlib._tight_bbox import adjust_bbox
        except ImportError:  # a matplotlib that moved it: savefig below
            pass
        else:
            restore = adjust_bbox(fig, box, canvas.get_renderer(), None)
            try:
                canvas.draw()
                return _canvas_png(fig)
            finally:
                restore()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def _canvas_png(fig, crop: tuple[int, int, int, int] | None = None) -> bytes:
    """The pixels ``fig``'s Agg canvas holds from its last draw (cut to ``crop``: left, top, right, bottom) as PNG
    bytes with the figure's dpi, as savefig writes them."""
    import io

    from PIL import Image

    canvas = fig.canvas
    pixels = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    (pixels if crop is None else pixels.crop(crop)).save(buf, format="png", dpi=(fig.dpi, fig.dpi))
    return buf.getvalue()


def change_text(current: float, previous: float, lang: str = "en") -> str:
    """'fell 44.0%' / 'rose 5.0%' / 'unchanged' for an alt text; '–' when there is nothing to compare with.

    >>> change_text(56.0, 100.0, "en"), change_text(105.0, 100.0, "de"), change_text(1.0, 0.0, "en")
    ('fell 44.0%', 'plus 5,0\\xa0%', '–')
    """
    if previous != previous or current != current or not previous:
        return "–"
    rate = current / previous - 1
    if abs(rate) < 0.0005:
        return _alt("flat", lang)
    return _alt("rose" if rate > 0 else "fell", lang, pct=i18n.percent(abs(rate), lang, 1))


def alt(key: str, lang: str = "en", **values: object) -> str:
    """An alt text of the catalogue (``charts.alt``) filled with ``values``."""
    return _alt(key, lang, **values)
