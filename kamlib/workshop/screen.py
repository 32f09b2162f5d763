"""What makes a workshop screen readable on a projector: normalised weights, true-aspect charts, full labels.

Pure helpers the widgets of :mod:`kamlib.workshop` and :mod:`kamlib.workshop.widgets` share, so the screen and
the handout can never disagree:

* :func:`shares` turns the sliders' raw weights into the weights the rule uses (sum 1), :func:`share_texts`
  shows them as whole percent; the handout's weight column is built with the same two functions.
* :func:`image_layout` gives an ``ipywidgets.Image`` the figure's own pixel size and keeps the flex box
  around it from stretching it (a table beside a chart is often taller than the chart).
* :func:`label_width` sizes the description column of a group of sliders to its longest label, so no label
  is cut; :data:`TRACK_PX` is the width of a slider's track.

Examples
--------
>>> shares([0.45, 0.25, 0.2, 0.2]).round(4).tolist()
[0.4091, 0.2273, 0.1818, 0.1818]
>>> share_texts([0.45, 0.25, 0.2, 0.2], "de")
['41\\xa0%', '23\\xa0%', '18\\xa0%', '18\\xa0%']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from kamlib import i18n

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Width of a slider's track in pixels: wide enough to set a value to a step on a projector.
TRACK_PX = 300
#: Room for the readout (the number right of the track) in pixels.
READOUT_PX = 70


def shares(raw: Sequence[float] | np.ndarray | Mapping[str, float]) -> np.ndarray:
    """The weights as the rule uses them: each raw weight divided by their sum (all zero stays zero).

    A mapping gives its values in its order. Negative or non-finite weights are refused.

    Examples
    --------
    >>> shares({"a": 3, "b": 1}).tolist(), shares([0, 0]).tolist()
    ([0.75, 0.25], [0.0, 0.0])
    """
    values = list(raw.values()) if isinstance(raw, Mapping) else list(raw)
    w = np.asarray(values, dtype=float)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and 0 or more")
    total = w.sum()
    return w / total if total > 0 else np.zeros_like(w)


def share_texts(raw: Sequence[float] | np.ndarray | Mapping[str, float], lang: str = "en") -> list[str]:
    """The normalised weights as whole percent in ``lang`` (43% in English, 43 % in German)."""
    return [i18n.percent(float(s), lang, 0) for s in shares(raw)]


def figure_pixels(fig: Figure) -> tuple[int, int]:
    """The figure's size in pixels as its PNG is written (inches x dpi)."""
    w, h = fig.get_size_inches()
    return round(float(w) * fig.dpi), round(float(h) * fig.dpi)


def image_layout(fig: Figure) -> dict[str, str]:
    """Layout of the ``ipywidgets.Image`` that shows ``fig``: its own size in pixels, never stretched.

    A flex box stretches its children to the tallest one (``align-items: stretch``); the image keeps its
    height (``align_self: flex-start``) and, should a narrow screen squeeze it, its aspect (``object_fit``).
    """
    w, h = figure_pixels(fig)
    return {
        "width": f"{w}px",
        "height": f"{h}px",
        "max_width": "100%",
        "object_fit": "contain",
        "align_self": "flex-start",
        "flex": "0 0 auto",
    }


def label_width(labels: Iterable[str]) -> str:
    """CSS width of the description column for sliders labelled ``labels``: the longest label plus room.

    ``ch`` is the width of a digit in the page's font; letters of running text are narrower on average, so
    a label of n characters fits into n + 2 ch in any sans-serif font the browser picks.

    Examples
    --------
    >>> label_width(["Revenue share", "Strength of relationship"])
    '26ch'
    """
    return f"{max((len(s) for s in labels), default=1) + 2}ch"


def slider_width(description_width: str) -> str:
    """CSS width of a slider whose description column is ``description_width``: label, track and readout."""
    return f"calc({description_width} + {TRACK_PX + READOUT_PX}px)"


def value_text(value: float, lang: str = "en", decimals: int = 1) -> str:
    """A slider's value as the room reads it (7.0 in English, 7,0 in German): ipywidgets' readout only knows the
    decimal point, so sliders on a German screen show this text beside them instead.

    Examples
    --------
    >>> value_text(7, "de"), value_text(6.5, "en")
    ('7,0', '6.5')
    """
    return i18n.number(float(value), lang, decimals)


#: The two kinds of workshop slider: (largest value, step, whether the value is shown beside it as text).
SLIDER_KINDS = {"weight": (1.0, 0.05, False), "score": (10.0, 0.5, True)}


def slider(kind: str, value: float, description: str, description_width: str):
    """An ``ipywidgets.FloatSlider`` of a workshop screen.

    ``kind`` ``"weight"``: 0-1 in steps of 0.05, relative, so the share beside it (:func:`share_texts`) is its number;
    ``"score"``: 0-10 in steps of 0.5 (a threshold or a portfolio cut), its value beside it in the room's language
    (:func:`value_text`; ipywidgets' own readout knows only the decimal point). Neither shows a readout of its own;
    both update when released, so a drag re-ranks once.

    Examples
    --------
    >>> s = slider("score", 7, "≥", "3ch")  # track 300 px + the value beside it 70 px
    >>> (s.min, s.max, s.step, s.readout, s.continuous_update, s.layout.width)
    (0.0, 10.0, 0.5, False, False, 'calc(3ch + 370px)')
    >>> s = slider("weight", 0.25, "Umsatzanteil", "14ch")  # track only: the share is its own widget
    >>> (s.value, s.max, s.step, s.description, s.style.description_width, s.layout.width)
    (0.25, 1.0, 0.05, 'Umsatzanteil', '14ch', 'calc(14ch + 300px)')
    """
    import ipywidgets as w

    if kind not in SLIDER_KINDS:
        raise ValueError(f"kind must be one of {', '.join(SLIDER_KINDS)}, not {kind!r}")
    top, step, text_beside = SLIDER_KINDS[kind]
    return w.FloatSlider(
        value=float(value),
        min=0.0,
        max=top,
        step=step,
        description=description,
        readout=False,
        continuous_update=False,
        style={"description_width": description_width},
        layout=w.Layout(
            width=slider_width(description_width) if text_beside else f"calc({description_width} + {TRACK_PX}px)"
        ),
    )
