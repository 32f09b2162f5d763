"""kamlib: the library behind the KAM Workbook.

Public API::

    kamlib.load(source, as_of=...)      -> KamData   (CSV/Parquet folder, .xlsx, SQL URL)
    kamlib.KamDataError, kamlib.KamDataWarning, kamlib.Finding
    kamlib.sample.generate(seed=...)    -> dict of DataFrames (the fictional sample company)
    kamlib.concentration                 -> ABC/Pareto and Gini helpers used from step 00 on

Importing kamlib changes no global state (no pandas options, no warning filters, no plot styles).
"""

from .data import KamData, export, load, validate
from .errors import Finding, KamDataError, KamDataWarning

__all__ = ["KamData", "KamDataError", "KamDataWarning", "Finding", "load", "validate", "export"]
__version__ = "0.1.0"
