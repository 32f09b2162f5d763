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
#: The workbook's own step notebooks, found the same way (in this repository's checkout), for
#: :func:`notebooks_folder`.
NOTEBOOKS = str(_Path(__file__).resolve().parent.parent / "notebooks")


def notebooks_folder(given: str | _Path | None = None) -> _Path:
    """The folder of the step notebooks ``kam`` runs: ``given`` as it is; without it ``notebooks/`` in the
    working directory when it holds step notebooks (``NN_*.ipynb``: the project folder), else the workbook's own
    (:data:`NOTEBOOKS`), so that ``kam run`` started in an analyst's own folder runs the workbook."""
    if given is not None:
        return _Path(given)
    here = _Path("notebooks")
    return here if any(here.glob("[0-9][0-9]_*.ipynb")) else _Path(NOTEBOOKS)


__all__ = [
    "SAMPLE",
    "NOTEBOOKS",
    "notebooks_folder",
    "KamData",
    "KamDataError",
    "KamDataWarning",
    "Finding",
    "load",
    "validate",
    "export",
]
__version__ = "0.1.0"
