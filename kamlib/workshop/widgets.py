"""Live widgets for workshops: move the weights and thresholds, see the ranking change.

The widget keeps one matplotlib figure (Agg) and one HTML table and updates them in place, so a change
re-ranks 10,000 accounts and redraws in well under the 150 ms a room tolerates (``make bench`` measures
it). In a batch run (papermill) the same numbers appear as static output via :meth:`SelectionWorkshop.static`.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kamlib import i18n
from kamlib.selection import CRITERION_RULES, Selection, check_selection_parameters, rerank

if TYPE_CHECKING:
    from matplotlib.container import BarContainer
    from matplotlib.figure import Figure


@dataclass
class SelectionWorkshop:
    """Weights and thresholds as sliders over a fixed score matrix.

    Build it from a :class:`~kamlib.selection.Selection` with :meth:`from_selection`; call
    :meth:`widget` in JupyterLab, :meth:`update` from code (and from the bench).
    """

    names: np.ndarray
    scores: np.ndarray  # accounts x criteria, missing = 0
    criteria: tuple[str, ...]
    weights: np.ndarray
    thresholds: np.ndarray
    min_criteria: int = 2
    k: int = 20
    lang: str = "en"
    _fig: Figure | None = field(default=None, repr=False)
    _bars: BarContainer | None = field(default=None, repr=False)
    last: pd.DataFrame | None = field(default=None, repr=False)
    #: the share (normalised weight) shown beside each weight slider, by criterion; filled by :meth:`widget`
    share_labels: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_selection(cls, selection: Selection, *, lang: str = "en") -> SelectionWorkshop:
        t = selection.table
        return cls(
            names=t["name"].astype(str).to_numpy(),
            scores=t[list(selection.criteria)].fillna(0.0).to_numpy(dtype=float),
            criteria=selection.criteria,
            weights=selection.weights.to_numpy(dtype=float).copy(),
            thresholds=selection.thresholds.to_numpy(dtype=float).copy(),
            min_criteria=selection.min_criteria,
            k=selection.max_key_accounts,
            lang=lang,
        )

    # ------------------------------------------------------------------ computing
    def ranking(self, weights=None, thresholds=None) -> pd.DataFrame:
        """Top-k qualifying accounts for the given weights/thresholds (normalised, validated)."""
        w = self.weights if weights is None else np.asarray(weights, dtype=float)
        t = self.thresholds if thresholds is None else np.asarray(thresholds, dtype=float)
        # same validation as the notebook parameters, so the room sees the same errors; a company's own criterion
        # (an accounts column) comes with its threshold already on the score scale
        own = tuple(c for c in self.criteria if c not in CRITERION_RULES)
        _, w_s, t_s, _ = check_selection_parameters(
            self.criteria,
            list(w),
            {c: v for c, v in zip(self.criteria, t) if c not in own},
            min_criteria=self.min_criteria,
            custom=own,
        )
        t_all = pd.Series(t, index=list(self.criteria), dtype=float)
        t_all.update(t_s)
        score, top = rerank(self.scores, w_s.to_numpy(), t_all.to_numpy(), min_criteria=self.min_criteria, k=self.k)
        return pd.DataFrame(
            {"rank": np.arange(1, len(top) + 1), "name": self.names[top], "score": np.round(score[top], 3)}
        )

    # ------------------------------------------------------------------ drawing
    def _figure(self) -> Figure:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        if self._fig is None:
            fig = Figure(figsize=(5, 0.25 * self.k + 1.0), dpi=80)
            FigureCanvasAgg(fig)
            ax = fig.add_subplot(1, 1, 1)
            y = np.arange(self.k)[::-1]
            self._bars = ax.barh(y, np.zeros(self.k), color="#1f4e79")
            ax.set_yticks(y, [""] * self.k, fontsize=7)
            ax.set_xlim(0, 10)
            ax.set_xlabel(i18n.t("weighted_score", self.lang))
            ax.set_ylabel("#")
            fig.subplots_adjust(left=0.1, right=0.97, top=0.97, bottom=0.08)
            self._fig = fig
        return self._fig

    def render(self, ranking: pd.DataFrame) -> tuple[bytes, str]:
        """Redraw the bar chart in place and build the HTML table; returns (png bytes, html)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = self._figure()
        assert self._bars is not None and isinstance(fig.canvas, FigureCanvasAgg)  # both made by _figure()
        ax = fig.axes[0]
        n = len(ranking)
        # the table beside the chart carries the names; rank numbers keep the redraw cheap (text is the cost)
        labels = [str(r) for r in ranking["rank"]] + [""] * (self.k - n)
        values = list(ranking["score"]) + [0.0] * (self.k - n)
        for bar, v in zip(self._bars, values):
            bar.set_width(v)
        ax.set_yticklabels(labels)
        buf = io.BytesIO()
        fig.canvas.print_png(buf)
        rows = "".join(
            f"<tr><td>{r}</td><td>{html.escape(str(nm))}</td><td>{i18n.number(s, self.lang)}</td></tr>"
            for r, nm, s in ranking[["rank", "name", "score"]].itertuples(index=False)
        )
        table = f"<table><tr><th>#</th><th>{html.escape(i18n.t('accounts', self.lang))}</th><th>Score</th></tr>{rows}</table>"
        return buf.getvalue(), table

    def update(self, weights=None, thresholds=None) -> tuple[bytes, str]:
        """Re-rank and redraw: what one slider move costs."""
        self.last = self.ranking(weights, thresholds)
        return self.render(self.last)

    # ------------------------------------------------------------------ widgets
    def widget(self):
        """ipywidgets UI: one weight and one threshold slider per criterion, live chart and table."""
        import ipywidgets as w

        from kamlib.workshop.screen import READOUT_PX, image_layout, label_width, share_texts, slider, value_text

        labels = [i18n.criterion_label(c, self.lang) for c in self.criteria]
        width = label_width(labels)
        # a weight is relative: the slider has no number of its own, the share beside it is what the rule
        # uses and the handout prints (screen.share_texts for both)
        wsl = [slider("weight", v, lab, width) for lab, v in zip(labels, self.weights)]
        shares = {c: w.HTML(layout=w.Layout(width=f"{READOUT_PX}px")).add_class("kam-share") for c in self.criteria}
        self.share_labels = shares
        tsl = [slider("score", v, "≥", "3ch") for v in self.thresholds]  # the value beside it: screen.value_text
        treadouts = [w.HTML(layout=w.Layout(width=f"{READOUT_PX}px")) for _ in tsl]
        image = w.Image(format="png", layout=w.Layout(**image_layout(self._figure())))
        table = w.HTML()
        message = w.HTML()

        def show_shares() -> None:
            for c, text in zip(self.criteria, share_texts([s.value for s in wsl], self.lang)):
                shares[c].value = f"<b>{html.escape(text)}</b>"

        def refresh(_=None):
            show_shares()
            for s, r in zip(tsl, treadouts):
                r.value = html.escape(value_text(s.value, self.lang))
            try:
                png, html_table = self.update([s.value for s in wsl], [s.value for s in tsl])
            except ValueError as err:  # e.g. all weights 0: say so in the room, keep the last view
                message.value = f"<b>{html.escape(str(err))}</b>"
                return
            message.value = ""
            image.value = png
            table.value = html_table

        for s in wsl + tsl:
            s.observe(refresh, names="value")
        refresh()
        rows = [w.HBox([a, shares[c], b, r]) for a, c, b, r in zip(wsl, self.criteria, tsl, treadouts)]
        return w.VBox([*rows, message, w.HBox([image, table], layout=w.Layout(align_items="flex-start"))])

    def static(self) -> pd.DataFrame:
        """The ranking at the current weights, for batch runs where widgets do not render."""
        return self.ranking()
