"""The helpers every chart shares (kamlib.present.charts.base) as the charts use them."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from kamlib.present import charts  # noqa: E402
from kamlib.present.charts.base import quadrant_names  # noqa: E402


def test_cost_to_serve_names_show_a_dollar_sign_as_written():
    # two dollar signs in a name would start matplotlib's mathtext and print "b" in italics, without the signs
    t = pd.DataFrame(
        {
            "name": ["A$b$ AG", "Other"],
            "net_revenue": [100.0, 200.0],
            "cost_to_serve": [300.0, 20.0],
            "db4": [-50.0, 80.0],
        },
        index=["A", "B"],
    )
    ax = charts.cost_to_serve_chart(t, label_top=1)
    assert ax.texts[0].get_text() == r"A\$b\$ AG"
    ax = charts.cost_to_serve_chart(t, account_id="A")
    assert r"A\$b\$ AG" in [x.get_text() for x in ax.texts]
    plt.close("all")


def test_quadrant_names_sit_in_their_corners():
    fig, ax = plt.subplots()
    colours = {"strategic": "#000001", "star": "#000002", "status": "#000003", "streamline": "#000004"}
    quadrant_names(ax, "de", colours, inset=0.5, fontsize=8)
    # strength across, attractiveness up: strategic top right, star top left, status bottom right
    got = {x.get_text(): (x.get_position(), x.get_ha(), x.get_va(), x.get_color()) for x in ax.texts}
    assert got == {
        "Strategisch": ((9.5, 9.5), "right", "top", "#000001"),
        "Star": ((0.5, 9.5), "left", "top", "#000002"),
        "Status": ((9.5, 0.5), "right", "bottom", "#000003"),
        "Streamline": ((0.5, 0.5), "left", "bottom", "#000004"),
    }
    plt.close(fig)


def _drawn_then_described(make) -> tuple[str, str]:
    """describe() of a chart as built, and of the same chart once matplotlib has drawn it (what its PNG shows)."""
    from kamlib.present.charts.base import describe

    fig = make()
    before = describe(fig, "en")
    fig.canvas.draw()
    after = describe(fig, "en")
    plt.close(fig)
    return before, after


def test_the_alt_text_reads_the_axes_as_they_are_drawn_without_drawing_them():
    """The alt text reads each axis' limits and tick labels without rendering the chart (it used to render every
    chart once more). What only takes effect when a figure is drawn must be applied first: an equal aspect that
    widens the data limits (0-10 in data, -9.8 to 19.8 on an 8 x 3 inch chart) and a constrained layout."""

    def aspect():
        fig, ax = plt.subplots(figsize=(8, 3))
        ax.plot([0, 10], [0, 10])
        ax.set_aspect("equal", adjustable="datalim")
        return fig

    def constrained():
        fig, ax = plt.subplots(figsize=(3, 2.2), layout="constrained")
        ax.plot([0, 5], [0, 2.5])
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        return fig

    # by hand: the axes are 0.775 * 8 = 6.2 in wide and 0.77 * 3 = 2.31 in high; y shows 0-10 with 5 % margins,
    # -0.5 to 10.5 (11 units on 2.31 in); equal aspect makes x 6.2 / 2.31 * 11 = 29.5 units around 5: -9.8 to
    # 19.8, whose ticks inside the limits (step 5) run from -5 to 15; as built, x showed 0 to 10
    before, after = _drawn_then_described(aspect)
    assert "horizontal axis from −5 to 15; vertical axis from 0 to 10" in after.replace("-", "−")
    assert before == after
    before, after = _drawn_then_described(constrained)
    assert before == after


def _png(fig_maker, via_show: bool):
    """The PNG bytes of a new figure from ``fig_maker``: through :func:`charts.show` (what a notebook gets) or
    through ``savefig(bbox_inches="tight")`` (what it got before issue 16's fifth round)."""
    import base64
    import io
    from unittest import mock

    fig = fig_maker()
    if not via_show:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        plt.close(fig)
        return buf.getvalue()
    with mock.patch("IPython.display.display") as shown:
        charts.show(fig, alt="a chart")
    return base64.b64decode(shown.call_args.args[0]["image/png"])


def test_show_draws_a_chart_once_and_gives_savefigs_tight_picture():
    """Issue 16: ``savefig(bbox_inches="tight")`` drew every chart twice (once to measure, once to print);
    :func:`charts.show` now draws a laid-out chart once and cuts its pixels to the same box. Where the cut cannot
    give savefig's picture, it takes two draws, as before: the box reaches beyond the figure (a legend placed
    beside the axes, tick labels at the figure's edge without a layout, a note beyond the edge of a laid-out
    chart: drawn once more on the measured box, as savefig prints it), or savefig prints it (a screen's device
    pixel ratio, ``savefig.facecolor`` of its own, a constrained layout). Every picture has savefig's size and,
    for these, its pixels. (Where the box's corner falls between two pixels, savefig draws everything
    moved by that fraction and rounds each line and letter anew, so a line can sit one pixel apart; of the
    sample run's charts, 2 of 45 compared.)"""
    import io
    from unittest import mock

    import numpy as np
    from matplotlib.figure import Figure
    from PIL import Image

    def bars():
        fig, axes = plt.subplots(1, 2, figsize=(8, 3))
        for ax in axes:
            ax.bar([f"Q{i}" for i in range(1, 9)], range(1, 9))
            ax.set_title("Revenue")
            ax.set_ylabel("EUR")
        fig.tight_layout()
        return fig

    def legend_outside():
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1], [0, 1], label="a long series name")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))  # no layout: it stays outside the figure
        return fig

    def no_layout():
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1], [1, 0])
        return fig

    def text_outside():  # laid out, then a note placed right of the axes, beyond the figure's edge
        fig = bars()
        fig.axes[1].text(1.1, 0.5, "a note beside the chart", transform=fig.axes[1].transAxes)
        return fig

    def hidpi():  # a screen's canvas with two device pixels to a pixel (Qt, ipympl on a retina screen)
        fig = bars()
        fig.canvas._set_device_pixel_ratio(2)
        return fig

    def constrained():
        fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
        ax.plot([0, 1], [0, 1])
        ax.set_title("Revenue")
        return fig

    def yellow():
        with plt.rc_context({"savefig.facecolor": "yellow"}):
            return bars()

    real_draw = Figure.draw
    cases = ((bars, 1), (legend_outside, 2), (no_layout, 2), (text_outside, 2), (hidpi, 2), (constrained, 2),
             (yellow, 2))
    for make, draws_now in cases:
        rc = {"savefig.facecolor": "yellow"} if make is yellow else {}
        draws = []

        def counting(self, renderer, draws=draws):
            draws.append(self)
            return real_draw(self, renderer)

        with plt.rc_context(rc):
            with mock.patch.object(Figure, "draw", counting):
                new = Image.open(io.BytesIO(_png(make, via_show=True)))
            old = Image.open(io.BytesIO(_png(make, via_show=False)))
        assert len(draws) == draws_now, make.__name__  # bars: it was 2
        assert new.size == old.size, make.__name__
        assert np.array_equal(np.asarray(new.convert("RGBA")), np.asarray(old.convert("RGBA"))), make.__name__
    # the legend beside the axes is in the picture: wider than the 4-inch figure at 100 dpi; the face is yellow
    assert Image.open(io.BytesIO(_png(legend_outside, via_show=True))).size[0] > 400
    with plt.rc_context({"savefig.facecolor": "yellow"}):
        assert Image.open(io.BytesIO(_png(bars, via_show=True))).convert("RGB").getpixel((0, 0)) == (255, 255, 0)
