"""Which rows of the examples table the filters let through (the proxy asks, row by row or all).

Filters combine: free text (plain, case-insensitive, or a regular expression), a problem filter
(only errors, only warnings, any problem, a given problem code, or no problems), a tag, a
review status, and a chosen set of rows (a bar clicked in the overview's Style charts). Rows are judged straight from the core stores, never through `data()`.

The text filter's answers come from a search (`TextSearch`): a byte per line for the records it
searched. A row whose record is one of those takes the answer; a record changed or added since
is asked of the matcher itself. Records are compared by identity: an edit makes a new record,
and the searched list keeps the old ones alive, so an identity is never reused meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import compress

from desktop_app.core.dataset.records import Record
from desktop_app.core.dataset.review import ReviewStatus
from desktop_app.core.problems import Problem, Severity
from desktop_app.core.search.query import Matcher
from desktop_app.qt.examples_model import ExamplesModel

PROBLEMS_ANY = "any"
PROBLEMS_ERRORS = "errors"
PROBLEMS_WARNINGS = "warnings"
PROBLEMS_NONE = "none"


class RowFilter:
    """The filters in force and their answers for each row."""

    def __init__(self) -> None:
        self.text = ""
        self.regex = False
        self.matcher: Matcher | None = None
        self.problems = ""  # "", any, errors, warnings, none, or "code:<code>"
        self.tag = ""
        self.status: ReviewStatus | None = None
        self.only: frozenset[int] | None = None  # chosen rows (a bar of the Style charts)
        self._searched: Sequence[Record] = ()
        self._hits = bytearray()
        self._where: dict[int, int] | None = None  # id(record) -> its place in _searched

    @property
    def active(self) -> bool:
        return bool(self.matcher or self.problems or self.tag or self.status) or (
            self.only is not None
        )

    def set_text(
        self,
        text: str,
        regex: bool,
        matcher: Matcher | None,
        searched: Sequence[Record],
        hits: bytearray,
    ) -> None:
        """The text filter and the search's answer: `hits[i]` for `searched[i]`."""
        self.text, self.regex, self.matcher = text, regex, matcher
        self._searched, self._hits, self._where = searched, hits, None

    def text_hits(self, records: Sequence[Record]) -> bytearray | None:
        """The text answers for these records when they are exactly the ones searched."""
        if len(records) == len(self._searched) and records == self._searched:
            return self._hits
        return None

    # ---- judging rows ------------------------------------------------------------------------
    def rows(self, model: ExamplesModel, candidates: range) -> list[int]:
        """The candidate rows that pass every filter, in order."""
        rows: Iterable[int] = candidates
        if self.only is not None:
            only = self.only
            rows = [r for r in candidates if r in only]
            if self.matcher is not None:  # the text answers below are for the whole table
                rows = [r for r in rows if self._text_hit(model.dataset[r], r)]
                return self._rest(model, rows)
        elif self.matcher is not None:
            records = list(model.dataset)
            hits = self.text_hits(records) if candidates == range(len(records)) else None
            if hits is not None:
                rows = compress(candidates, hits)
            else:
                rows = [r for r in candidates if self._text_hit(records[r], r)]
        return self._rest(model, rows)

    def _rest(self, model: ExamplesModel, rows: Iterable[int]) -> list[int]:
        """The status, tag and problem filters."""
        if self.status is not None:
            get, status = model.review.get, self.status
            rows = [r for r in rows if get(r).status is status]
        if self.tag:
            get, tag = model.review.get, self.tag
            rows = [r for r in rows if tag in get(r).tags]
        if self.problems:
            rows = self._problem_rows(model, rows)
        return list(rows)

    def accepts(self, model: ExamplesModel, row: int) -> bool:
        return bool(self.rows(model, range(row, row + 1)))

    def _text_hit(self, record: Record, row: int) -> bool:
        searched = self._searched
        if row < len(searched) and searched[row] is record:
            return bool(self._hits[row])
        if self._where is None:
            self._where = {id(r): i for i, r in enumerate(searched)}
        place = self._where.get(id(record))
        if place is not None:
            return bool(self._hits[place])
        assert self.matcher is not None
        return self.matcher(record.raw)

    def _problems_match(self, model: ExamplesModel, row: int) -> bool:
        return bool(self._problem_rows(model, [row]))

    def _problem_rows(self, model: ExamplesModel, rows: Iterable[int]) -> list[int]:
        """The rows whose problems the problem filter wants (unchecked rows wait for their
        check: they join once it arrives)."""
        wanted = _PROBLEM_TESTS.get(self.problems)
        if wanted is None and self.problems.startswith("code:"):
            code = self.problems[5:]
            wanted = _any_with(lambda p: p.code == code)
        if wanted is None:
            return list(rows)
        findings = model.analysis.findings
        return [r for r in rows if (found := findings(r)) is not None and wanted(found)]


def _any_with(test: Callable[[Problem], bool]) -> Callable[[tuple[Problem, ...]], bool]:
    return lambda found: bool(found) and any(test(p) for p in found)


_PROBLEM_TESTS: dict[str, Callable[[tuple[Problem, ...]], bool]] = {
    PROBLEMS_NONE: lambda found: not any(p.severity is not Severity.INFO for p in found),
    PROBLEMS_ANY: bool,
    PROBLEMS_ERRORS: _any_with(lambda p: p.severity is Severity.ERROR),
    PROBLEMS_WARNINGS: _any_with(lambda p: p.severity is Severity.WARNING),
}
