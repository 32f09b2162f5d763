"""The run cache: what ``kam run`` computes once and hands to every notebook of the run.

A batch run executes the same portfolio computations in every per-account notebook: loading and
validating the source (about 1.3 s on the sample company), the key-account selection, contribution
margins, retention tables. ``kam run`` therefore

1. loads the source once, validated, and pickles the :class:`~kamlib.data.readers.KamData` into
   ``<run folder>/.cache/``;
2. points every notebook's kernel at that folder through the environment variable ``KAM_RUN_CACHE``;
3. lets :func:`kamlib.load` return the pickled data when it is asked for the same source and date, and
   lets the portfolio functions marked with :func:`portfolio_memo` store their result there the first
   time any notebook of the run computes it and read it back in every later one.

Outside a run (a trainee in JupyterLab, the tests, nbval) ``KAM_RUN_CACHE`` is unset and nothing here does
anything. Memoised results are used only for the data object that came from the cache itself, and their key
includes a :func:`fingerprint` of the data's current content: a notebook that builds its own ``KamData``
(filtered, anonymised, a different date) or changes the loaded one in place computes afresh.
Every file is written under a temporary name and renamed, so parallel notebooks never read half a file.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
import hashlib
import inspect
import os
import pickle
import re
from collections.abc import Iterator
from pathlib import Path

from kamlib.data.writers import atomic_path

ENV = "KAM_RUN_CACHE"
_TOKEN = "_kam_run_token"  # attribute set on the KamData that came from the cache


def cache_dir() -> Path | None:
    """The run cache folder named by ``KAM_RUN_CACHE``, or None outside a run."""
    value = os.environ.get(ENV, "")
    path = Path(value) if value else None
    return path if path is not None and path.is_dir() else None


def _source_key(source, as_of) -> str:
    import pandas as pd

    text = str(source)
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://", text):
        text = str(Path(text).expanduser().resolve())
    day = "" if as_of is None else str(pd.Timestamp(as_of).normalize().date())
    return hashlib.sha256(f"{text}\x00{day}".encode()).hexdigest()[:24]


def _atomic_pickle(obj, path: Path) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)


_SOURCE_SUFFIXES = (".csv", ".parquet", ".txt", ".xlsx")


def _files_stamp(source) -> str:
    """Name, size and modification time of the files a local source consists of (the folder's files, or the
    workbook itself); "" for a database URL. A cached load is valid only while this stays the same."""
    text = str(source)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://", text):
        return ""
    path = Path(text).expanduser()
    if path.is_dir():  # the files a folder source is read from; not an editor's lock file or .DS_Store
        files = sorted(
            p for p in path.iterdir() if p.is_file() and p.suffix.lower() in _SOURCE_SUFFIXES and p.name[0] not in ".~"
        )
    else:
        files = [path]
    stamp = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        stamp.append(f"{f.name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(stamp)


@contextlib.contextmanager
def reading(folder: Path) -> Iterator[None]:
    """Within this block this process reads and writes the run cache in ``folder``, as a notebook's kernel of the
    run does (``kam run`` writes the run's documents so, from the notebooks' data and results)."""
    before = os.environ.get(ENV)
    os.environ[ENV] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before


def store_data(data, source, as_of, folder: Path) -> Path:
    """Pickle validated ``data`` as the answer to ``load(source, as_of=as_of)`` within a run, with the stamp
    of the source's files (:func:`cached_data` loads afresh once they change, e.g. a workshop room's decision
    register in its data folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"data-{_source_key(source, as_of)}.pkl"
    _atomic_pickle((_files_stamp(source), data), path)
    return path


def cached_data(source, as_of):
    """The run's pickled KamData for ``(source, as_of)``, or None (outside a run, or another source/date)."""
    folder = cache_dir()
    if folder is None or as_of is None:
        return None
    key = _source_key(source, as_of)
    path = folder / f"data-{key}.pkl"
    try:
        with open(path, "rb") as fh:
            stamp, data = pickle.load(fh)
    except Exception:  # missing, damaged, or written by another pandas/kamlib (a remote worker): load afresh
        return None
    if stamp != _files_stamp(source):  # the source changed since the run (or room) validated it
        return None
    object.__setattr__(data, _TOKEN, key)  # KamData is frozen; the token only marks its origin
    return data


def fingerprint(data) -> str:
    """A digest of what ``data`` holds now: per table its column labels, types and names, its index and every
    value. Any change a notebook makes to its loaded data in place (a what-if) changes the fingerprint, so it
    never reads or writes the results of the unchanged data.

    Each column is hashed from its memory (the Arrow buffers of text and nullable columns, dictionaries and
    categoricals with their dictionary, the NumPy array of numbers and dates), objects value by value with
    their type: the sample's 14 tables in a few milliseconds. Two equal tables held in memory differently
    (another chunking) may get different digests: a memo entry computed again, never a wrong one. Every kernel
    of a run unpickles the same data and gets the same digest.
    """
    h = hashlib.blake2b(digest_size=12)
    for name in sorted(getattr(data, "available", ())) or ():
        df = getattr(data, name)
        head = (name, df.shape, list(df.columns), df.columns.names, df.index.names)  # each column's type: below
        h.update(f"\x00{head!r}".encode())
        index = df.index
        for level in range(index.nlevels):  # a MultiIndex level by level
            _hash_values(h, index.get_level_values(level) if index.nlevels > 1 else index)
        for col in range(df.shape[1]):
            _hash_values(h, df.iloc[:, col])
    return h.hexdigest()


def _hash_values(h, values) -> None:
    """Feed one column's (or index level's) values, as held in memory, into ``h``."""
    import numpy as np

    h.update(f"|{values.dtype!r}".encode())  # a categorical's categories and order, a time zone
    arr = values.array
    if hasattr(arr, "__arrow_array__"):  # text (pyarrow strings), nullable numbers and booleans, categoricals
        import pyarrow as pa

        for chunk in pa.chunked_array(arr.__arrow_array__()).chunks:
            _hash_arrow(h, chunk)
        return
    raw = np.asarray(arr)
    if raw.dtype.kind in "biufcmM":  # numbers, booleans, dates
        h.update(f"|{raw.dtype.str}:{len(raw)}".encode())
        h.update(np.ascontiguousarray(raw).view(np.uint8).data)
    else:  # objects: value by value, with the type (1, 1.0, True and "1" differ, None and NaN too)
        h.update(repr([(type(v).__qualname__, v) for v in raw]).encode())


def _hash_arrow(h, chunk) -> None:
    import pyarrow as pa

    h.update(f"|{chunk.type}:{chunk.offset}:{len(chunk)}:{chunk.null_count}".encode())
    if pa.types.is_dictionary(chunk.type):  # the indices' buffers leave out the dictionary they point into
        _hash_arrow(h, chunk.indices)
        _hash_arrow(h, chunk.dictionary)
        return
    buffers = chunk.buffers()
    if not chunk.null_count:  # no nulls: a validity bitmap of all ones or none at all, the same
        buffers = buffers[1:]
    for buf in buffers:
        h.update(b"-" if buf is None else memoryview(buf))


def _canonical(value) -> str:
    """A stable text for an argument: dicts sorted, pandas objects by content hash."""
    import pandas as pd

    if isinstance(value, dict):
        return "{" + ",".join(f"{_canonical(k)}:{_canonical(v)}" for k, v in sorted(value.items(), key=str)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    if isinstance(value, (pd.DataFrame, pd.Series, pd.Index)):
        obj = value.to_frame() if isinstance(value, pd.Index) else value
        return "pd:" + str(int(pd.util.hash_pandas_object(obj, index=True).sum()))
    return repr(value)


#: The in-process memo of :func:`memo_scope`: key -> (data object, result); None outside a scope.
_SCOPE: contextvars.ContextVar[dict | None] = contextvars.ContextVar("kam_memo_scope", default=None)


@contextlib.contextmanager
def memo_scope() -> Iterator[None]:
    """Within this block, each :func:`portfolio_memo` function computes once per data object, content and
    arguments, in this process (and hands out copies).

    For loops that ask the same portfolio question many times about the same data, such as a backtest that
    scores every account at every past quarter, each score needing the whole portfolio's contribution
    margins of that quarter. Results are kept for the same data *object* only (another object with equal
    content may come from elsewhere) and dropped when the outermost scope ends. The block must not change
    its data in place: the key is the object and the arguments, not a digest of the content (a digest costs
    more than many of the answers it would guard), so open a scope only around code that builds or owns the
    data it passes, as the backtest does with each quarter's data.
    """
    if _SCOPE.get() is not None:  # nested: the outer scope already memoises
        yield
        return
    token = _SCOPE.set({})
    try:
        yield
    finally:
        _SCOPE.reset(token)


def memo_scoped(fn):
    """Run ``fn`` within a :func:`memo_scope` (for a function that loops over accounts and never changes the
    data it is given)."""

    @functools.wraps(fn)
    def inner(*args, **kwargs):
        with memo_scope():
            return fn(*args, **kwargs)

    return inner


def memo_active(data) -> bool:
    """Whether :func:`portfolio_memo` functions remember their results in this process (within a
    :func:`memo_scope`). A caller that needs one account's slice of a portfolio table can then ask for the
    whole (computed once) instead of computing the slice. (The run cache on disk does not count: reading a
    portfolio table back costs more than computing one account's slice.)"""
    return _SCOPE.get() is not None


def _scoped_call(memo: dict, key: str, fn, data, args, kwargs):
    hit = memo.get(key)
    if hit is None or hit[0] is not data:
        result = fn(data, *args, **kwargs)
        memo[key] = (data, result)  # the data object is kept alive so its id is not reused within the scope
    else:
        result = hit[1]
    return copy.deepcopy(result)  # the caller may change what it gets; the memo keeps its own


def portfolio_memo(fn):
    """Compute ``fn(data, ...)`` once per run and share it between the run's notebooks.

    Active when ``data`` came from the run cache (see the module docstring), and within a
    :func:`memo_scope` (in this process only); otherwise the call goes straight through. The key is the function and its bound arguments with defaults applied, so
    ``f(data)`` and ``f(data, x=<default>)`` share one entry.
    """
    sig = inspect.signature(fn)

    def key_of(data, args, kwargs, origin: str, content: bool) -> str:
        bound = sig.bind(data, *args, **kwargs)
        bound.apply_defaults()
        parts = [fn.__module__, fn.__qualname__, origin, fingerprint(data) if content else ""]
        parts += [f"{k}={_canonical(v)}" for k, v in list(bound.arguments.items())[1:]]
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]

    def shared(data, *args, **kwargs):  # the run's cache on disk, or the computation itself
        token = getattr(data, _TOKEN, None)
        folder = cache_dir() if token else None
        if folder is None:
            return fn(data, *args, **kwargs)
        key = key_of(data, args, kwargs, str(token), True)
        path = folder / f"memo-{fn.__name__}-{key}.pkl"
        if path.is_file():
            try:
                with open(path, "rb") as fh:
                    return pickle.load(fh)
            except Exception:  # a damaged entry is recomputed, never trusted
                pass
        result = fn(data, *args, **kwargs)
        try:
            _atomic_pickle(result, path)
        except Exception:  # an unpicklable result is simply not shared
            pass
        return result

    @functools.wraps(fn)
    def wrapper(data, *args, **kwargs):
        memo = _SCOPE.get()
        if memo is None:
            return shared(data, *args, **kwargs)
        # within a scope: this process's memo first (no digest of the data: see memo_scope), then the run's
        return _scoped_call(memo, key_of(data, args, kwargs, f"id:{id(data)}", False), shared, data, args, kwargs)

    wrapper.__wrapped__ = fn
    return wrapper
