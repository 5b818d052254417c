"""The examples proxy follows every change of its source: random walks of filters, sorts,
edits, inserts, removals and review changes, checked against a plain recomputation of the rows
(and by qtmodeltester, attached throughout, for every signal it sends)."""

from __future__ import annotations

import random

import pytest
from qt_helpers import checked

from PySide6.QtCore import QItemSelectionModel, Qt

from desktop_app.core.dataset.review import ReviewStatus
from desktop_app.core.search.query import text_matcher
from desktop_app.qt.analysis_store import AnalysisStore
from desktop_app.qt.examples_model import Column, ExamplesModel
from desktop_app.qt.examples_proxy import ExamplesProxy

WORDS = ["larkspur", "coffee", "ripe", "—", "refund", "zzz", "Peach"]
PROBLEMS = ["", "", "errors", "warnings", "any", "none", "code:duplicate_example"]
STATUSES = [None, None, ReviewStatus.DRAFT, ReviewStatus.NEEDS_WORK, ReviewStatus.APPROVED]
TAGS = ["", "", "tone", "fix"]


def expected_rows(proxy: ExamplesProxy, model: ExamplesModel) -> list[int]:
    rule = proxy.filter
    matcher = text_matcher(rule.text, regex=rule.regex)
    rows = []
    for row in range(len(model.dataset)):
        entry = model.review.get(row)
        if matcher is not None and not matcher(model.dataset[row].raw):
            continue
        if rule.status is not None and entry.status is not rule.status:
            continue
        if rule.tag and rule.tag not in entry.tags:
            continue
        if rule.problems and not rule._problems_match(model, row):
            continue
        rows.append(row)
    return rows


def shown(proxy: ExamplesProxy) -> list[int]:
    return [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(proxy.rowCount())]


def settle(qtbot, proxy: ExamplesProxy, analysis: AnalysisStore) -> None:
    qtbot.waitUntil(lambda: checked(analysis), timeout=30_000)
    qtbot.waitUntil(lambda: not proxy._resort_timer.isActive(), timeout=5000)


def assert_consistent(proxy: ExamplesProxy, model: ExamplesModel, column: int, order) -> None:
    rows = shown(proxy)
    assert sorted(rows) == expected_rows(proxy, model)
    assert len(set(rows)) == len(rows)
    if column < 0:
        assert rows == sorted(rows)
        return
    keys = model.sort_keys(rows, column)
    assert keys == sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)
    for position, row in enumerate(rows):
        assert proxy.proxy_row(row) == position


def a_step(rng: random.Random, proxy: ExamplesProxy, model: ExamplesModel, sorting: list) -> str:
    dataset, review = model.dataset, model.review
    choice = rng.randrange(9)
    if choice == 0:
        word = rng.choice(["", *WORDS])
        regex = rng.random() < 0.2 and word.isalpha()
        proxy.set_text(word.lower() + (r"\w*" if regex else ""), regex=regex)
        return f"text {word!r}"
    if choice == 1:
        proxy.set_problem_filter(rng.choice(PROBLEMS))
        return "problems"
    if choice == 2:
        proxy.set_status(rng.choice(STATUSES))
        proxy.set_tag(rng.choice(TAGS))
        return "status/tag"
    if choice == 3:
        sorting[:] = [rng.randrange(-1, len(Column)), rng.choice(list(Qt.SortOrder))]
        proxy.sort(*sorting)
        return f"sort {sorting}"
    if choice == 4:
        at = rng.randrange(len(dataset) + 1)
        count = rng.randrange(1, 4)
        values = [
            {"messages": [{"role": "user", "content": f"{rng.choice(WORDS)} {n}"}]}
            for n in range(count)
        ]
        dataset.insert_values(at, values)
        return f"insert {count} at {at}"
    if choice == 5 and len(dataset) > 5:
        at = rng.randrange(len(dataset) - 3)
        dataset.remove(at, rng.randrange(1, 4))
        return f"remove at {at}"
    if choice == 6 and len(dataset):
        row = rng.randrange(len(dataset))
        content = f"now about {rng.choice(WORDS)}" if rng.random() < 0.8 else ""
        dataset.set_value(row, {"messages": [{"role": "user", "content": content}]})
        return f"edit {row}"
    if choice == 7 and len(dataset):
        rows = sorted(rng.sample(range(len(dataset)), k=min(3, len(dataset))))
        review.set_field(rows, "status", rng.choice(list(ReviewStatus)))
        review.set_field(rows[:1], "tags", [rng.choice(["tone", "fix"])])
        return f"review {rows}"
    return "nothing"


@pytest.mark.parametrize("seed", range(6))
def test_the_rows_shown_always_follow_the_source(qtbot, qtmodeltester, stores, seed) -> None:
    _dataset, analysis, _review, model = stores
    proxy = ExamplesProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)  # stays attached: checks every signal below
    rng = random.Random(seed)
    sorting: list = [-1, Qt.SortOrder.AscendingOrder]
    history = []
    for _ in range(40):
        history.append(a_step(rng, proxy, model, sorting))
        settle(qtbot, proxy, analysis)
        try:
            assert_consistent(proxy, model, *sorting)
        except AssertionError as failure:
            raise AssertionError(f"after {history}") from failure


def test_the_current_and_selected_rows_follow_a_sort(qtbot, stores) -> None:
    _dataset, _analysis, _review, model = stores
    proxy = ExamplesProxy()
    proxy.setSourceModel(model)
    selection = QItemSelectionModel(proxy)
    selection.setCurrentIndex(proxy.index(11, 0), QItemSelectionModel.SelectionFlag.Select)
    proxy.sort(Column.TOKENS, Qt.SortOrder.DescendingOrder)
    assert proxy.mapToSource(selection.currentIndex()).row() == 11
    assert [proxy.mapToSource(i).row() for i in selection.selectedIndexes()] == [11]
    proxy.sort(-1)
    assert selection.currentIndex().row() == 11


def test_a_sorted_column_that_changes_is_sorted_again(qtbot, stores) -> None:
    dataset, analysis, _review, model = stores
    proxy = ExamplesProxy()
    proxy.setSourceModel(model)
    proxy.sort(Column.TOKENS, Qt.SortOrder.DescendingOrder)
    long_text = "word " * 3000
    dataset.set_value(20, {"messages": [{"role": "user", "content": long_text}]})
    settle(qtbot, proxy, analysis)
    assert shown(proxy)[0] == 20  # the longest example now
