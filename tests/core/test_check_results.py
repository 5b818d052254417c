"""The Qt-free check results: aligned with the lines, kept only for records still there, an edited
line's old result kept (and told apart) until its new one arrives."""

from __future__ import annotations

import pytest

from desktop_app.core.analysis.analyzer import Analyzer
from desktop_app.core.analysis.check_results import CheckResults
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.problems import Problem, Severity

GOOD = (
    b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}'
)
EMPTY_REPLY = (
    b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": ""}]}'
)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def _checked(analyzer: Analyzer, dataset: Dataset) -> CheckResults:
    results = CheckResults(dataset)
    found = analyzer.records([r.raw for r in dataset], 1)
    results.take(
        ((i, r, s) for i, (r, s) in enumerate(zip(dataset, found, strict=True))), only_new=True
    )
    return results


def test_results_follow_the_records(analyzer: Analyzer) -> None:
    dataset = Dataset.from_bytes(b"\n".join([GOOD, EMPTY_REPLY, GOOD]) + b"\n")
    results = _checked(analyzer, dataset)
    assert results.checked_count == 3 and results.error_count == 1
    assert [p.line for p in results.record_problems(1)] == [2]
    dataset.insert_values(0, [{"messages": []}])
    results.inserted(0, 1)
    assert results.summary(0) is None and results.unchecked_rows() == [0]
    assert [p.line for _, p in results.problems()] == [3]  # the empty reply is line 3 now
    dataset.remove(2, 1)
    results.removed(2, 1)
    assert results.error_count == 0 and len(results.summaries) == len(dataset) == 3


def test_an_edited_line_keeps_its_old_result_until_the_new_one(analyzer: Analyzer) -> None:
    dataset = Dataset.from_bytes(b"\n".join([GOOD, EMPTY_REPLY]) + b"\n")
    results = _checked(analyzer, dataset)
    old = results.summary(1)
    dataset.set_text(1, GOOD.decode())
    assert results.summary(1) is old and results.current(1) is None  # stale, and known to be
    assert results.error_count == 1
    new = analyzer.record(dataset[1].raw, 2)
    assert results.take([(1, dataset[1], new)], only_new=False) == (1, 1)
    assert results.current(1) is new and results.error_count == 0


def test_a_result_for_a_record_that_went_is_dropped(analyzer: Analyzer) -> None:
    dataset = Dataset.from_bytes(b"\n".join([GOOD, EMPTY_REPLY]) + b"\n")
    results = CheckResults(dataset)
    gone = dataset[1]
    found = analyzer.record(gone.raw, 2)
    dataset.set_text(1, GOOD.decode())  # replaced before its result came
    assert results.take([(1, gone, found)], only_new=True) is None
    assert results.summary(1) is None
    moved = dataset[1]
    dataset.insert_values(0, [{"messages": []}])
    results.inserted(0, 1)
    results.structure_changed = True
    assert results.take([(1, moved, found)], only_new=True) == (2, 2)  # found where it went


def test_whole_file_findings_move_with_their_lines(analyzer: Analyzer) -> None:
    dataset = Dataset.from_bytes(b"\n".join([GOOD, GOOD, GOOD]) + b"\n")
    results = _checked(analyzer, dataset)
    duplicate = Problem("duplicate_example", Severity.WARNING, "A copy of line 1.", line=3)
    assert results.set_dataset_problems([duplicate]) == (2, 2)
    assert results.warning_count == 1 and results.findings(2) == (duplicate,)
    dataset.remove(0, 1)
    results.removed(0, 1)
    assert results.findings(1) == (duplicate,)
    results.clear()
    assert results.warning_count == 0 and results.checked_count == 0
