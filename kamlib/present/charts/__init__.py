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

from kamlib.present.charts import base as _base
from kamlib.present.charts import clv as _clv
from kamlib.present.charts import profile as _profile
from kamlib.present.charts import review as _review
from kamlib.present.charts import selection as _selection
from kamlib.present.charts import value as _value

# each chart module lists its public names once, in its own __all__; the package re-exports them
from kamlib.present.charts.base import *  # noqa: F403
from kamlib.present.charts.clv import *  # noqa: F403
from kamlib.present.charts.profile import *  # noqa: F403
from kamlib.present.charts.review import *  # noqa: F403
from kamlib.present.charts.selection import *  # noqa: F403
from kamlib.present.charts.value import *  # noqa: F403

#: Every chart module's public names, listed once in the module itself.
__all__ = [name for module in (_base, _selection, _profile, _value, _clv, _review) for name in module.__all__]
