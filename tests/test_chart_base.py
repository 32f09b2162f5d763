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
