"""Every chart of the workbook. Each function draws on a given or new Axes and returns it.

The KAM cycle modules compute; the charts of their results live here, one module per step:
:mod:`~kamlib.present.charts.selection` (00, 01), :mod:`~kamlib.present.charts.profile` (02),
:mod:`~kamlib.present.charts.value` and :mod:`~kamlib.present.charts.clv` (03),
:mod:`~kamlib.present.charts.review` (04, 05); notebooks use them as ``charts.bridge_chart(...)`` after
``from kamlib.present import charts``.

No global style is set on import; the functions use explicit colours and labels. Every function sizes its own
figure when no ``ax`` is given (:func:`~kamlib.present.charts.base.new_axes`), takes ``lang`` and labels itself
in it: titles, axes, legends and tick labels (1.234,5 and 80 % in German, :func:`tick_formatter`).
"""

from kamlib.present.charts.base import empty, new_axes, safe_text, tick_formatter
from kamlib.present.charts.clv import alive_chart, clv_heatmap, convergence_chart, survival_chart, uplift_chart
from kamlib.present.charts.profile import (
    ATTITUDE_COLOURS,
    product_line_timeline,
    relationship_map,
    revenue_chart,
    whitespace_heatmap,
)
from kamlib.present.charts.review import bridge_chart, health_chart, migration_chart, workload_chart
from kamlib.present.charts.selection import (
    ABC_COLOURS,
    CRITERION_COLOURS,
    QUADRANT_COLOURS,
    lorenz_chart,
    pareto_chart,
    portfolio_bubble,
    score_breakdown,
    sensitivity_heatmap,
)
from kamlib.present.charts.value import cost_to_serve_chart, margin_waterfall, whale_chart

__all__ = [
    "new_axes",
    "tick_formatter",
    "safe_text",
    "empty",
    "ABC_COLOURS",
    "QUADRANT_COLOURS",
    "CRITERION_COLOURS",
    "pareto_chart",
    "lorenz_chart",
    "score_breakdown",
    "portfolio_bubble",
    "sensitivity_heatmap",
    "ATTITUDE_COLOURS",
    "revenue_chart",
    "product_line_timeline",
    "relationship_map",
    "whitespace_heatmap",
    "whale_chart",
    "cost_to_serve_chart",
    "margin_waterfall",
    "clv_heatmap",
    "convergence_chart",
    "survival_chart",
    "uplift_chart",
    "alive_chart",
    "bridge_chart",
    "health_chart",
    "migration_chart",
    "workload_chart",
]
