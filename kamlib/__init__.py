"""kamlib: the library behind the KAM Workbook.

Public API::

    kamlib.load(source, as_of=...)      -> KamData   (CSV/Parquet folder, .xlsx, SQL URL)
    kamlib.KamDataError, kamlib.KamDataWarning, kamlib.Finding
    kamlib.data.sample.generate(seed=...)    -> dict of DataFrames (the fictional sample company)
    kamlib.SAMPLE                        -> path of the bundled sample company (data/sample)
    kamlib.decision.decide(data, params) -> the run's key-account decision
    kamlib.defaults                      -> the one home of the workbook's default parameters

Importing kamlib changes no global state (no pandas options, no warning filters, no plot styles), and imports
no dataframe library: the names above and kamlib's modules are imported when first used (``kamlib.load``,
``kamlib.decision``), so that ``kam run`` starts its kernel template before it imports pandas.
"""

import importlib as _importlib
import importlib.util as _importlib_util
from pathlib import Path as _Path
from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:  # what the lazy names below are, for type checkers and IDEs
    from kamlib.data.readers import KamData, export, load, validate
    from kamlib.errors import Finding, KamDataError, KamDataWarning

#: The public names imported on first use (PEP 562), and the module each lives in.
_LAZY = {
    "KamData": "kamlib.data.readers",
    "export": "kamlib.data.readers",
    "load": "kamlib.data.readers",
    "validate": "kamlib.data.readers",
    "Finding": "kamlib.errors",
    "KamDataError": "kamlib.errors",
    "KamDataWarning": "kamlib.errors",
}


def _lazy(name: str) -> object:
    """``kamlib.load`` and the other public names, and ``kamlib.<module>``, imported when first asked for (PEP 562).

    A hand-written hook rather than a lazy-loading library: seven names and the modules, nothing else to
    configure."""
    if name in _LAZY:
        value = getattr(_importlib.import_module(_LAZY[name]), name)
    elif name.isidentifier() and not name.startswith("_") and _importlib_util.find_spec(f"{__name__}.{name}"):
        value = _importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # once: later lookups do not come here
    return value


if not _TYPE_CHECKING:  # type checkers see the imports above, not a hook that would accept any name
    __getattr__ = _lazy


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
