"""The data model and its readers: schemas, loading (CSV/Excel/SQL), export, the run cache, the sample company.

The public entry points are re-exported here: ``kamlib.data.load(...)`` and ``kamlib.data.KamData``.
"""

from kamlib.data.readers import KamData, data_as_of, export, load, validate

__all__ = ["KamData", "data_as_of", "export", "load", "validate"]
