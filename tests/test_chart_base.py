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
