"""kamlib: the library behind the KAM Workbook.

Public API::

    kamlib.load(source, as_of=...)      -> KamData   (CSV/Parquet folder, .xlsx, SQL URL)
    kamlib.KamDataError, kamlib.KamDataWarning, kamlib.Finding
    kamlib.data.sample.generate(seed=...)    -> dict of DataFrames (the fictional sample company)
    kamlib.SAMPLE                        -> path of the bundled sample company (data/sample)
    kamlib.decision.decide(data, params) -> the run's key-account decision
    kamlib.defaults                      -> the one home of the workbook's default parameters

Importing kamlib changes no global state (no pandas options, no warning filters, no plot styles).
"""

from pathlib import Path as _Path

from kamlib.data.readers import KamData, export, load, validate
from kamlib.errors import Finding, KamDataError, KamDataWarning

#: The bundled sample company, found from kamlib's own location (not the working directory), so a
#: notebook's empty ``source`` works wherever papermill or Jupyter was started.
SAMPLE = str(_Path(__file__).resolve().parent.parent / "data" / "sample")
#: The workbook's own step notebooks, found the same way: ``kam`` started in an analyst's own folder runs them
#: (a ``notebooks/`` folder in the working directory, e.g. a trainee's copies, is taken first).
NOTEBOOKS = str(_Path(__file__).resolve().parent.parent / "notebooks")

__all__ = ["SAMPLE", "NOTEBOOKS", "KamData", "KamDataError", "KamDataWarning", "Finding", "load", "validate", "export"]
__version__ = "0.1.0"
