"""What the checks found in an open dataset: one `RecordSummary` per line, plus whole-file problems.

Qt-free: the scheduler (desktop_app.qt.analysis_store) decides when checks run and relays the
changes this store reports to the views. Each summary remembers the record it describes, so a
result is kept only while that record is still in the dataset, and an edited line keeps its old
result (counts, problems) until the new one arrives; `current(index)` tells the two apart.
Problems carry the line they were found on; `problems()` and `record_problems()` give the record's
current position instead, so inserting or removing lines never shows stale line numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from desktop_app.core.dataset.records import Dataset, Record
from desktop_app.core.problems import Problem, Severity

if TYPE_CHECKING:
    from desktop_app.core.analysis.analyzer import RecordSummary

Rows = tuple[int, int] | None  # first and last row that changed, or None


class CheckResults:
    """Summaries parallel to a dataset's records (None: not checked yet)."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._summaries: list[RecordSummary | None] = [None] * len(dataset)
        self._described: list[Record | None] = [None] * len(dataset)  # what each summary is of
        self._dataset_problems: list[Problem] = []
        self._by_row: dict[int, list[Problem]] = {}  # whole-file findings on a line
        self._errors = 0
        self._warnings = 0
        self.structure_changed = False  # lines inserted or removed since the file was loaded
        self._positions: dict[int, int] | None = None  # id(record) -> row, built when needed

    # ---- reading ---------------------------------------------------------------------------
    def summary(self, index: int) -> RecordSummary | None:
        return self._summaries[index] if 0 <= index < len(self._summaries) else None

    def current(self, index: int) -> RecordSummary | None:
        """The summary only when it describes the line as it is now (not an edit being checked)."""
        summary = self.summary(index)
        if summary is None or self._described[index] is not self.dataset[index]:
            return None
        return summary

    @property
    def summaries(self) -> list[RecordSummary | None]:
        return self._summaries

    @property
    def checked_count(self) -> int:
        """Lines with a result (an edited line keeps its old one while it is checked again)."""
        return sum(s is not None for s in self._summaries)

    def unchecked_rows(self) -> list[int]:
        return [i for i, s in enumerate(self._summaries) if s is None]

    @property
    def error_count(self) -> int:
        return self._errors + self._dataset_count(Severity.ERROR)

    @property
    def warning_count(self) -> int:
        return self._warnings + self._dataset_count(Severity.WARNING)

    def _dataset_count(self, severity: Severity) -> int:
        """Whole-file findings as `problems()` lists them: those about the file, and those on
        lines still there (a removed duplicate is not counted while the file is re-checked)."""
        wide = sum(p.severity is severity for p in self._dataset_problems if p.line is None)
        rows = sum(p.severity is severity for found in self._by_row.values() for p in found)
        return wide + rows

    @property
    def problem_codes(self) -> list[str]:
        """Problem codes present now (for the filter menu)."""
        return sorted({p.code for _, p in self.problems()})

    def dataset_problems(self) -> list[Problem]:
        return list(self._dataset_problems)

    def record_problems(self, index: int) -> tuple[Problem, ...]:
        """The line's own problems plus the dataset-wide findings pointing at it (duplicates…)."""
        summary = self.summary(index)
        own = () if summary is None else tuple(_at_line(p, index + 1) for p in summary.problems)
        extra = self._by_row.get(index)
        return own + tuple(extra) if extra else own

    def findings(self, index: int) -> tuple[Problem, ...] | None:
        """What `record_problems` holds, without renumbering (quicker: the filters only look at
        codes and severities); None when the line is not checked yet."""
        summary = self.summary(index)
        if summary is None:
            return None
        extra = self._by_row.get(index)
        return (*summary.problems, *extra) if extra else summary.problems

    def problems(self) -> Iterator[tuple[int | None, Problem]]:
        """Every problem with the current record index (None for the whole dataset)."""
        for problem in self._dataset_problems:
            if problem.line is None:
                yield None, problem
        summaries, extra = self._summaries, self._by_row
        # one lean pass to find the few rows with problems (100,000 rows: ~5 ms, not ~22)
        rows = [i for i, s in enumerate(summaries) if s is not None and s.problems]
        if extra:
            rows = sorted(set(rows).union(extra))
        for index in rows:
            summary = summaries[index]
            if summary is not None:
                for problem in summary.problems:
                    yield index, _at_line(problem, index + 1)
            for problem in extra.get(index, ()):
                yield index, problem

    # ---- following the dataset -------------------------------------------------------------
    def inserted(self, start: int, count: int) -> None:
        self._summaries[start:start] = [None] * count
        self._described[start:start] = [None] * count
        self._shift_rows(start, count)
        self._positions = None

    def removed(self, start: int, count: int) -> None:
        for summary in self._summaries[start : start + count]:
            self._count(summary, -1)
        del self._summaries[start : start + count]
        del self._described[start : start + count]
        self._shift_rows(start, -count)
        self.structure_changed = True
        self._positions = None

    def _shift_rows(self, start: int, delta: int) -> None:
        """Keep whole-file findings on their lines until they are recomputed."""
        if not self._by_row:
            return
        moved: dict[int, list[Problem]] = {}
        for row, found in self._by_row.items():
            if row < start:
                moved[row] = found
            elif delta > 0 or row >= start - delta:
                moved[row + delta] = found
        self._by_row = moved

    # ---- results ---------------------------------------------------------------------------
    def take(self, results: Iterable[tuple[int, Record, RecordSummary]], *, only_new: bool) -> Rows:
        """Results of (row when sent, record, summary): each goes to where its record is now,
        if it is still there; `only_new`: only to lines without a summary (the first check)."""
        low = high = None
        for hint, record, summary in results:
            index = self.index_of(record, hint)
            if index is None or (only_new and self._summaries[index] is not None):
                continue
            self.set(index, summary, record)
            low = index if low is None else min(low, index)
            high = index if high is None else max(high, index)
        return None if low is None or high is None else (low, high)

    def take_lines(self, loaded: Sequence[Record], first: int, found: list[RecordSummary]) -> Rows:
        """Summaries of lines first.. of the file as it was loaded (`loaded`: its records)."""
        end = min(len(loaded), first + len(found))  # (results past the loaded lines: none)
        lines = zip(range(first, end), loaded[first:end], found[: end - first], strict=True)
        return self.take(lines, only_new=True)

    def index_of(self, record: Record, hint: int) -> int | None:
        """Where `record` is now (`hint`: where it was), or None when it has gone."""
        dataset = self.dataset
        if 0 <= hint < len(dataset) and dataset[hint] is record:
            return hint
        if not self.structure_changed:
            return None
        if self._positions is None:
            self._positions = {id(r): i for i, r in enumerate(dataset)}
        index = self._positions.get(id(record))
        return index if index is not None and dataset[index] is record else None

    def set(self, index: int, summary: RecordSummary | None, record: Record | None) -> None:
        self._count(self._summaries[index], -1)
        self._summaries[index] = summary
        self._described[index] = record
        self._count(summary, +1)

    def forget(self, first: int, last: int) -> None:
        for index in range(first, last + 1):
            self.set(index, None, None)

    def clear(self) -> None:
        """Forget everything (a new model, or every line replaced)."""
        self._summaries = [None] * len(self.dataset)
        self._described = [None] * len(self.dataset)
        self._errors = self._warnings = 0
        self._dataset_problems = []
        self._by_row = {}
        self._positions = None

    def set_dataset_problems(self, problems: Sequence[Problem]) -> Rows:
        """New whole-file findings; returns the rows whose findings changed."""
        self._dataset_problems = list(problems)
        by_row: dict[int, list[Problem]] = {}
        for problem in self._dataset_problems:
            if problem.line is not None and 0 < problem.line <= len(self._summaries):
                by_row.setdefault(problem.line - 1, []).append(problem)
        changed = set(by_row) | set(self._by_row)
        self._by_row = by_row
        return (min(changed), max(changed)) if changed else None

    def _count(self, summary: RecordSummary | None, sign: int) -> None:
        if summary is None:
            return
        for problem in summary.problems:
            if problem.severity is Severity.ERROR:
                self._errors += sign
            elif problem.severity is Severity.WARNING:
                self._warnings += sign


def _at_line(problem: Problem, line: int) -> Problem:
    return problem if problem.line == line else replace(problem, line=line)
