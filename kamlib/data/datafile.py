"""Data files shipped inside the package: tables written as TOML next to the module that reads them.

A module keeps its logic in Python and its tables (names, agendas, sentence fills, the data model's columns) in a
TOML file beside it, read with :mod:`importlib.resources` (so an installed wheel finds it) and :mod:`tomllib`.
Every value is checked as it is read: a malformed entry raises :class:`DataFileError` naming the file and the
entry's key, not a ``KeyError`` or ``TypeError`` somewhere later.

Examples
--------
>>> f = DataFile("kamlib.teaching", "agendas.toml")
>>> day = f.parse('sessions = [{ key = "welcome", minutes = 30 }]')
>>> [s.integer("minutes") for s in day.rows("sessions")]
[30]
>>> f.parse('sessions = [{ key = "welcome", minutes = "30" }]').rows("sessions")[0].integer("minutes")
Traceback (most recent call last):
...
kamlib.data.datafile.DataFileError: kamlib/teaching/agendas.toml: sessions[0].minutes: expected int, got '30'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeVar

T = TypeVar("T")
_REQUIRED: Any = object()


class DataFileError(ValueError):
    """A packaged data file that cannot be read as its module expects: the message names the file and the key."""


@dataclass(frozen=True)
class DataFile:
    """The TOML file ``name`` in the package ``package`` (a dotted module name)."""

    package: str
    name: str

    def __str__(self) -> str:
        return f"{self.package.replace('.', '/')}/{self.name}"

    def text(self) -> str:
        """The file as shipped."""
        return resources.files(self.package).joinpath(self.name).read_text(encoding="utf-8")

    def read(self) -> Entry:
        """The whole file, parsed (a TOML syntax error is a :class:`DataFileError` too)."""
        return self.parse(self.text())

    def parse(self, text: str) -> Entry:
        """``text`` parsed as this file (the tests feed malformed text through here)."""
        try:
            return Entry(self, "", tomllib.loads(text))
        except tomllib.TOMLDecodeError as err:
            raise DataFileError(f"{self}: {err}") from None

    def error(self, key: str, problem: str) -> DataFileError:
        return DataFileError(f"{self}: {key or '(top)'}: {problem}")

    def need(self, value: object, kind: type[T], key: str) -> T:
        """``value`` if it is a ``kind`` (a TOML integer is not a float here, a boolean is not an integer)."""
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            hint = (
                f" (write {value}.0)"
                if kind is float and isinstance(value, int) and not isinstance(value, bool)
                else ""
            )
            raise self.error(key, f"expected {kind.__name__}, got {value!r}{hint}")
        return value

    def all(self, value: object, kind: type[T], key: str, length: int | None = None) -> tuple[T, ...]:
        """``value`` as a tuple of ``kind`` (a TOML array), of ``length`` values if given."""
        items = tuple(self.need(v, kind, f"{key}[{i}]") for i, v in enumerate(self.need(value, list, key)))
        if length is not None and len(items) != length:
            raise self.error(key, f"expected {length} values, got {list(items)}")
        return items


@dataclass(frozen=True)
class Entry:
    """One table of a data file (the whole file at ``key`` ""): its values read by name, each checked."""

    file: DataFile
    key: str
    values: dict[str, Any]

    def where(self, name: str) -> str:
        """The key of the value ``name`` in messages (``sessions[2].minutes``)."""
        return f"{self.key}.{name}" if self.key else name

    def error(self, name: str, problem: str) -> DataFileError:
        return self.file.error(self.where(name), problem)

    def only(self, *names: str) -> Entry:
        """This entry, when it holds none but the values ``names``: a misspelt name (``uniqe = true``) would
        otherwise be left unread and its check silently off.

        >>> f = DataFile("kamlib.data", "schemas.toml")
        >>> f.parse("orders = { uniqe = true }").table("orders").only("unique", "key")
        Traceback (most recent call last):
        ...
        kamlib.data.datafile.DataFileError: kamlib/data/schemas.toml: orders.uniqe: unknown entry (allowed: unique, key)
        """
        for name in self.values:
            if name not in names:
                raise self.error(name, f"unknown entry (allowed: {', '.join(names)})")
        return self

    def get(self, name: str, kind: type[T], default: T = _REQUIRED) -> T:
        """The value ``name``, checked to be a ``kind``; ``default`` where the table leaves it out (without a
        default it must be there)."""
        if name not in self.values:
            if default is _REQUIRED:
                raise self.error(name, "missing")
            return default
        return self.file.need(self.values[name], kind, self.where(name))

    def text(self, name: str, default: str = _REQUIRED) -> str:
        return self.get(name, str, default)

    def integer(self, name: str) -> int:
        return self.get(name, int)

    def number(self, name: str) -> float:
        return self.get(name, float)

    def array(
        self, name: str, kind: type[T], length: int | None = None, default: tuple[T, ...] = _REQUIRED
    ) -> tuple[T, ...]:
        """The array ``name`` of ``kind`` values (``length`` of them if given); ``default`` where it is left out."""
        if name not in self.values and default is not _REQUIRED:
            return default
        return self.file.all(self.get(name, list), kind, self.where(name), length)

    def arrays(self, name: str, kind: type[T], length: int | None = None) -> tuple[tuple[T, ...], ...]:
        """The array ``name`` of arrays of ``kind`` values (``length`` each if given)."""
        where = self.where(name)
        return tuple(self.file.all(v, kind, f"{where}[{i}]", length) for i, v in enumerate(self.get(name, list)))

    def texts(self, name: str, default: tuple[str, ...] = _REQUIRED) -> tuple[str, ...]:
        """An array of strings; ``default`` where the table leaves it out."""
        return self.array(name, str, default=default)

    def numbers(self, name: str) -> tuple[float, ...]:
        return self.array(name, float)

    def one_of(self, name: str, allowed: tuple[str, ...] | dict[str, Any]) -> str:
        """The string ``name``, which must be one of ``allowed`` (a product line, an industry, a country)."""
        value = self.text(name)
        if value not in allowed:
            raise self.error(name, f"{value!r} is not one of {list(allowed)}")
        return value

    def table(self, name: str) -> Entry:
        return Entry(self.file, self.where(name), self.get(name, dict))

    def tables(self, name: str) -> dict[str, Entry]:
        """A table of tables (``[countries.DE]``, ``[countries.AT]``, ...) by their names, in the file's order."""
        return self.table(name).entries()

    def entries(self) -> dict[str, Entry]:
        """Every value of this table as a table (a file of ``[section]`` tables), by name, in the file's order."""
        return {k: self.table(k) for k in self.values}

    def rows(self, name: str) -> list[Entry]:
        """An array of tables (``[[day]]`` or ``[{...}, {...}]``), in the file's order."""
        where = self.where(name)
        return [
            Entry(self.file, f"{where}[{i}]", self.file.need(v, dict, f"{where}[{i}]"))
            for i, v in enumerate(self.get(name, list))
        ]
