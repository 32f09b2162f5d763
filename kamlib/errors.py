"""Errors and warnings written for people, not for debuggers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in the input: where it is and what is wrong.

    ``location`` is what the user knows the data by: a file name (``orders.csv``), a sheet
    (``sample.xlsx, sheet orders``) or a database table (``table orders``). ``row`` is the
    row number as the user sees it (in a CSV or a sheet the header is row 1, so the first
    record is row 2); ``None`` when the finding concerns the whole file or column.
    """

    location: str
    row: int | None
    column: str | None
    message: str
    key: str | None = None  # e.g. "order_id ORD-0000017", shown to help find the record
    severity: str = "error"

    def __str__(self) -> str:
        where = self.location
        if self.row is not None:
            where += f" row {self.row}"
            if self.key:
                where += f" ({self.key})"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class KamDataError(ValueError):
    """The input data has problems; ``findings`` lists every one of them.

    The message shows the first ``max_shown`` findings and counts the rest per file and
    column, so that a column of 100,000 bad values still reads as one clear error.
    """

    max_shown = 25

    def __init__(self, findings: list[Finding], source: str | None = None):
        self.findings = list(findings)
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.findings)
        head = f"{n} problem{'s' if n != 1 else ''} found"
        if self.source:
            head += f" in {self.source}"
        lines = [head + ":"]
        lines += [f"  - {f}" for f in self.findings[: self.max_shown]]
        rest = self.findings[self.max_shown :]
        if rest:
            counts = Counter((f.location, f.column) for f in rest)
            lines.append(f"  ... and {len(rest)} more:")
            for (loc, col), k in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))):
                lines.append(f"      {k} in {loc}" + (f", column {col}" if col else ""))
        return "\n".join(lines)


class KamDataWarning(UserWarning):
    """Something in the input was ignored or looks odd but does not stop the analysis."""


class KamParameterError(ValueError):
    """A notebook or function parameter is unusable; the message names the parameter."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(f"parameter {parameter}: {message}")
