"""The examples table model, its filter proxy and the problems model, checked by qtmodeltester."""

from __future__ import annotations

import re

import pytest

from PySide6.QtCore import QModelIndex, Qt

from desktop_app.core.dataset.preview import line_preview
from desktop_app.core.dataset.records import Dataset, Record
from desktop_app.core.dataset.review import ReviewStatus, ReviewStore
from desktop_app.core.dataset.templates import sample_path
from desktop_app.core.search.query import text_matcher
from desktop_app.qt.analysis_store import AnalysisStore
from desktop_app.qt.commands import InsertRecordsCommand, RemoveRecordsCommand
from desktop_app.qt.examples_model import Column, ExamplesModel, Role
from desktop_app.qt.examples_proxy import ExamplesProxy
from desktop_app.qt.problems_model import ProblemColumn, ProblemRole, ProblemsModel


def test_examples_model_passes_the_model_tester(qtmodeltester, stores) -> None:
    dataset, _analysis, _review, model = stores
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(dataset) == 23
    assert model.columnCount() == len(Column)
    assert model.index(0, Column.NUMBER).data() == "1"
    assert model.index(0, Column.PREVIEW).data().startswith("Rewrite: ATTENTION")
    assert model.index(11, Column.PROBLEMS).data() == "1 error"
    assert model.index(11, Column.PROBLEMS).data(Role.SEVERITY) == "error"
    assert "empty assistant reply" in model.index(11, Column.PROBLEMS).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert model.index(21, Column.PREVIEW).data() == "(blank line)"
    assert model.index(22, Column.PREVIEW).data(Role.CHECKED) is True
    assert model.index(0, Column.STATUS).data() == "Draft"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Example"


def test_model_follows_edits_inserts_removes_and_review(qtbot, qtmodeltester, stores) -> None:
    dataset, _analysis, review, model = stores
    qtmodeltester.check(model, force_py=True)  # stays attached: every change below is verified
    with qtbot.waitSignal(model.rowsInserted):
        dataset.insert_values(2, [{"messages": [{"role": "user", "content": "Inserted!"}]}])
    assert model.index(2, Column.PREVIEW).data() == "Inserted!"
    with qtbot.waitSignal(model.dataChanged) as blocker:
        review.set_field([2], "status", ReviewStatus.APPROVED)
    assert blocker.args[0].column() == Column.STATUS
    assert model.index(2, Column.STATUS).data() == "Approved"
    with qtbot.waitSignal(model.rowsRemoved):
        dataset.remove(2, 1)
    with qtbot.waitSignal(model.modelReset):
        dataset.replace_all(list(dataset)[:5])
    assert model.rowCount() == 5


def test_preview_is_lazy_before_checks(qapp, pools) -> None:
    dataset = Dataset.from_bytes(sample_path().read_bytes())
    analysis = AnalysisStore(dataset, pools)
    model = ExamplesModel(dataset, analysis, ReviewStore(dataset))
    assert model.index(0, Column.TOKENS).data() == "…"
    assert model.index(0, Column.PREVIEW).data().startswith("Rewrite: ATTENTION")
    assert _preview(b'{"prompt": "old style"}') == "old style"
    assert _preview(b"nope").startswith("(cannot be read)")
    pref = b'{"input": {"messages": [{"role": "user", "content": "Q?"}]}, "preferred_output": []}'
    assert _preview(pref) == "Q?"


def _preview(raw: bytes) -> str:
    record = Record(raw)
    return line_preview(record.parse(), record.raw)


def test_proxy_filters(qtbot, qtmodeltester, stores) -> None:
    dataset, _analysis, review, model = stores
    proxy = ExamplesProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_text("larkspur crew")  # in every system prompt
    assert proxy.rowCount() == 21
    proxy.set_text("RIPE peach")
    rows = [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(proxy.rowCount())]
    assert rows == [0]
    proxy.set_text("—")  # non-ASCII text, written as-is in this file
    assert proxy.rowCount() == 6
    proxy.set_text(r"\b503-555-\d{4}\b", regex=True)
    assert proxy.rowCount() == 1
    with pytest.raises(re.error):
        proxy.set_text("(", regex=True)
    proxy.set_text("")
    proxy.set_problem_filter("errors")
    assert proxy.rowCount() == 4  # empty reply, misspelled role, missing reply, broken line
    proxy.set_problem_filter("code:duplicate_example")
    assert [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(proxy.rowCount())] == [15]
    proxy.set_problem_filter("none")
    clean = proxy.rowCount()
    proxy.set_problem_filter("")
    review.set_field([0, 4], "tags", ["tone"])
    review.set_field([4], "status", ReviewStatus.NEEDS_WORK)
    proxy.set_tag("tone")
    assert proxy.rowCount() == 2
    proxy.set_status(ReviewStatus.NEEDS_WORK)
    assert proxy.rowCount() == 1 and proxy.is_filtered
    proxy.clear_filters()
    assert proxy.rowCount() == len(dataset) and not proxy.is_filtered
    assert 10 < clean < len(dataset)


def _visible(proxy: ExamplesProxy) -> list[int]:
    return [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(proxy.rowCount())]


def test_typing_on_narrows_the_search_and_edits_meanwhile_still_count(qtbot, stores) -> None:
    dataset, _analysis, _review, model = stores
    proxy = ExamplesProxy()
    proxy.setSourceModel(model)
    fresh = ExamplesProxy()
    fresh.setSourceModel(model)
    for text in ("p", "pe", "pea", "peach"):  # typed one letter at a time
        proxy.set_text(text)
        fresh.clear_filters()
        fresh.set_text(text)  # searched from scratch
        assert _visible(proxy) == _visible(fresh), text
    assert _visible(proxy) == [0]
    dataset.set_value(5, {"messages": [{"role": "user", "content": "One PEACHY line"}]})
    assert _visible(proxy) == [0, 5]  # the edited line is asked again, not taken from before
    proxy.set_text("peachy")  # narrowing from a changed file: every line is searched again
    assert _visible(proxy) == [5]
    dataset.remove(0, 1)
    proxy.set_text("peachy l")
    assert _visible(proxy) == [4]


def test_proxy_sorts_by_tokens_and_problems(stores) -> None:
    _dataset, analysis, _review, model = stores
    proxy = ExamplesProxy()
    proxy.setSourceModel(model)
    proxy.sort(Column.TOKENS, Qt.SortOrder.DescendingOrder)
    first = proxy.mapToSource(proxy.index(0, 0)).row()
    tokens = [s.tokens or -1 for s in analysis.summaries]
    assert tokens[first] == max(tokens)
    proxy.sort(Column.PROBLEMS, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, Column.PROBLEMS).data(Role.ERROR_COUNT) == 1  # errors first
    assert proxy.index(4, Column.PROBLEMS).data() == "4 warnings"  # then the most warnings
    assert proxy.index(proxy.rowCount() - 1, Column.PROBLEMS).data() == ""


def test_text_matcher_handles_escaped_and_unicode_text() -> None:
    match = text_matcher("café")
    assert match is not None
    assert match(b'{"c": "Caf\\u00e9"}')
    assert match('{"c": "CAFÉ au lait"}'.encode())
    assert not match(b'{"c": "cafe"}')
    assert text_matcher("") is None
    quoted = text_matcher('say "hi"')
    assert quoted is not None and quoted(b'{"c": "they say \\"hi\\""}')


def test_problems_model(qtbot, qtmodeltester, stores) -> None:
    dataset, analysis, _review, _model = stores
    problems = ProblemsModel(analysis)
    qtmodeltester.check(problems, force_py=True)
    rows = [problems.index(r, 0).data(ProblemRole.RECORD_INDEX) for r in range(problems.rowCount())]
    assert rows == sorted(rows)
    assert rows[0] == -1  # the whole-file finding comes first
    first_line = problems.index(0, ProblemColumn.LINE).data()
    assert first_line == "All"
    empty = next(
        r
        for r in range(problems.rowCount())
        if problems.index(r, 0).data(ProblemRole.CODE) == "empty_reply"
    )
    index = problems.index(empty, ProblemColumn.MESSAGE)
    assert index.data(ProblemRole.RECORD_INDEX) == 11
    assert index.data(ProblemRole.MESSAGE_INDEX) == 2
    assert index.data(ProblemRole.HAS_FIX) is True
    assert "Quick fix available" in index.data(Qt.ItemDataRole.ToolTipRole)
    before = problems.rowCount()
    with qtbot.waitSignal(problems.rebuilt, timeout=5000):
        dataset.remove(11, 1)
    assert problems.rowCount() < before  # the tester attached above watched the rebuild
    assert problems.find(0) >= 0 and problems.find(10_000) == -1
    assert problems.data(QModelIndex()) is None
    problems.detach()


def test_undo_commands_drive_the_model(qtbot, stores) -> None:
    from PySide6.QtGui import QUndoStack

    dataset, analysis, _review, model = stores
    stack = QUndoStack()
    count = model.rowCount()
    stack.push(InsertRecordsCommand(dataset, 0, [{"messages": []}], "Add"))
    stack.push(RemoveRecordsCommand(dataset, [1, 3, 4], "Delete"))
    assert model.rowCount() == count - 2
    stack.undo()
    stack.undo()
    assert model.rowCount() == count
    assert len(analysis.summaries) == count
