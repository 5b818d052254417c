"""The examples filter's searches: at once when small, in the background when big (the file on
disk in processes, or the lines in memory a slice at a time), always the same answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from PySide6.QtCore import QCoreApplication, QTimer

from desktop_app.core.search.on_disk import SearchProcesses
from desktop_app.core.search.query import Query, matching_rows
from desktop_app.qt import text_search
from desktop_app.qt.document import Document
from desktop_app.qt.text_search import SearchResult, TextSearch


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    words = ["refund", "Order", "delivery", "REFUNDS", 'say "hi"', "café", "zebra crossing"]
    lines = []
    for number in range(3000):
        content = f"Line {number}: {words[number % len(words)]} and some padding " * 3
        lines.append(json.dumps({"messages": [{"role": "user", "content": content}]}))
    path = tmp_path / "big.jsonl"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


@pytest.fixture
def document(qtbot, pools, big_file: Path, search_processes):
    doc = Document(pools)
    doc.search.deleteLater()
    doc.search = TextSearch(pools, search_processes, parent=doc)
    doc.search.at_once_bytes = 64 * 1024  # this file counts as big here
    doc.start_loading(big_file)
    qtbot.waitUntil(lambda: not doc.loading, timeout=20_000)
    yield doc
    doc.close()


def wanted(records, query: Query) -> bytearray:
    matcher = query.matcher()
    assert matcher is not None
    return matching_rows(matcher, [r.raw for r in records])


def found_in_background(qtbot, search: TextSearch, query: Query, records) -> SearchResult:
    with qtbot.waitSignal(search.found, timeout=20_000) as blocker:
        assert search.find(query, records) is None
    result = blocker.args[0]
    assert isinstance(result, SearchResult) and result.query == query
    return result


def test_a_loaded_file_is_searched_on_disk(qtbot, document) -> None:
    disk = document.search.disk
    assert disk is not None and list(disk.records) == list(document.dataset)
    for text in ("refund", "ORDER", 'say "hi', "café", "nothing like this"):
        query = Query(text)
        result = found_in_background(qtbot, document.search, query, list(document.dataset))
        assert result.records is disk.records
        assert result.hits == wanted(disk.records, query), text


def test_small_searches_answer_at_once(document) -> None:
    records = list(document.dataset)[:10]
    result = document.search.find(Query("refund"), records)
    assert result is not None and result.hits == wanted(records, Query("refund"))
    narrowed = bytearray(len(document.dataset))
    narrowed[:7] = b"\x01" * 7
    result = document.search.find(Query("refunds"), list(document.dataset), narrowed)
    assert result is not None  # only seven lines to look at
    assert result.hits[:7] == wanted(list(document.dataset)[:7], Query("refunds"))
    assert not any(result.hits[7:])


def test_without_a_file_the_lines_are_searched_between_events(qtbot, document, monkeypatch) -> None:
    monkeypatch.setattr(text_search, "SLICE_S", -1.0)  # one slice of lines per turn of the loop
    document.search.disk = None
    searched_when_ticked: list[int] = []  # lines searched so far, each time another event ran

    def tick() -> None:
        work = document.search._slices
        if work is not None:
            searched_when_ticked.append(work.at)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(0)
    query = Query(r"refund\w*", regex=True)
    records = list(document.dataset)
    result = found_in_background(qtbot, document.search, query, records)
    timer.stop()
    assert result.hits == wanted(records, query)
    # the window's events ran half-way through the search, not only before or after it
    assert any(0 < at < len(records) for at in searched_when_ticked), searched_when_ticked


def test_a_file_changed_on_disk_is_no_longer_trusted(qtbot, document, big_file: Path) -> None:
    records = list(document.dataset)
    big_file.write_bytes(
        big_file.read_bytes().replace(b"zebra", b"ZEBRA").replace(b"Line", b"LINE")
    )
    query = Query("line 42:")
    result = found_in_background(qtbot, document.search, query, records)
    assert result.hits == wanted(records, query)
    assert document.search.disk is None  # later searches go to the lines straight away


def test_a_newer_search_replaces_the_running_one(qtbot, document) -> None:
    records = list(document.dataset)
    answers: list[SearchResult] = []
    document.search.found.connect(answers.append)
    assert document.search.find(Query("delivery"), records) is None
    assert document.search.find(Query("zebra"), records) is None
    settle(qtbot, document.search)
    assert [a.query for a in answers] == [Query("zebra")]
    document.search.find(Query("order"), records)
    document.search.cancel()
    settle(qtbot, document.search)
    assert len(answers) == 1


def settle(qtbot, search: TextSearch) -> None:
    """Wait until every search worker has ended and what it sent has been delivered."""
    qtbot.waitUntil(lambda: not search.busy, timeout=20_000)
    assert search.tasks.wait(20_000, owner=search)
    QCoreApplication.sendPostedEvents()  # the answers the workers queued for this thread
    QCoreApplication.processEvents()


def test_a_saved_file_is_searched_on_disk_again(qtbot, document, tmp_path: Path) -> None:
    dataset = document.dataset
    dataset.insert_values(0, [{"messages": [{"role": "user", "content": "a brand new refund"}]}])
    dataset.remove(10, 5)
    document.search.disk = None
    target = tmp_path / "saved.jsonl"
    with qtbot.waitSignal(document.saved, timeout=20_000):
        document.save(target)
    disk = document.search.disk
    assert disk is not None and disk.path == target and disk.unchanged()
    assert list(disk.records) == list(dataset)
    reread = Document(document.pools)
    reread.start_loading(target)
    qtbot.waitUntil(lambda: not reread.loading, timeout=20_000)
    assert reread.search.disk is not None and reread.search.disk.ends == disk.ends
    reread.close()
    query = Query("refund")
    result = found_in_background(qtbot, document.search, query, list(dataset))
    assert result.hits == wanted(list(dataset), query)


class Clock:
    """The clock the text search reads; it moves only when a test moves it."""

    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        return self.now


class SlowDisk(SearchProcesses):
    """Search processes reading from a slow drive (a network share, say): each search moves the
    search's clock on by ten seconds."""

    def __init__(self, clock: Clock, count: int) -> None:
        super().__init__(count=count)
        self.clock = clock

    def search(self, copy, query, cancelled):  # type: ignore[no-untyped-def]
        self.clock.now += 10.0
        return super().search(copy, query, cancelled)


def test_a_file_slow_to_read_is_searched_in_memory_after(qtbot, pools, big_file, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(text_search, "time", clock)
    slow = SlowDisk(clock, count=2)
    document = Document(pools)
    document.search.deleteLater()
    document.search = TextSearch(pools, slow, parent=document)
    document.search.at_once_bytes = 64 * 1024
    try:
        document.start_loading(big_file)
        qtbot.waitUntil(lambda: not document.loading, timeout=20_000)
        slow.start()
        records = list(document.dataset)
        result = found_in_background(qtbot, document.search, Query("refund"), records)
        assert result.hits == wanted(records, Query("refund"))
        assert document.search.disk is None  # too slow: the lines in memory from now on
        result = found_in_background(qtbot, document.search, Query("order"), records)
        assert result.records is records  # searched in memory
        assert result.hits == wanted(records, Query("order"))
    finally:
        document.close()
        slow.close()


def test_focusing_the_filter_gets_the_search_processes_ready(qtbot, pools, big_file) -> None:
    from desktop_app.qt.examples_model import ExamplesModel
    from desktop_app.ui.panes.examples_pane import ExamplesPane

    processes = SearchProcesses(count=1)
    document = Document(pools)
    document.analysis.checking_changed.disconnect(document._on_checking_changed)  # (not then)
    document.search.deleteLater()
    document.search = TextSearch(pools, processes, parent=document)
    document.search.at_once_bytes = 64 * 1024
    model = ExamplesModel(document.dataset, document.analysis, document.review)
    pane = ExamplesPane()
    qtbot.addWidget(pane)
    try:
        document.start_loading(big_file)
        qtbot.waitUntil(lambda: not document.loading, timeout=20_000)
        pane.set_model(model, document.search)
        pane.show()
        qtbot.waitExposed(pane)
        assert not processes.running
        pane.focus_filter()
        qtbot.waitUntil(lambda: processes.running, timeout=20_000)
    finally:
        pane.set_model(None)
        model.detach()
        document.close()
        processes.close()


def test_closing_does_not_wait_for_the_search_processes_to_start(
    document, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starting the processes can take a second; a file switched just then must not wait."""
    import threading

    release = threading.Event()
    entered = threading.Event()

    def slow_start(self: SearchProcesses) -> None:
        entered.set()
        release.wait(30)

    monkeypatch.setattr(SearchProcesses, "running", property(lambda self: False))
    monkeypatch.setattr(SearchProcesses, "start", slow_start)
    search = document.search
    search.prepare()
    starter = search._starter
    assert starter is not None and entered.wait(10)
    waits: list[object] = []
    with monkeypatch.context() as watch:
        watch.setattr(search.tasks, "wait", lambda *a, **k: waits.append(k) or True)
        search.close()  # returns although the start is still under way
    assert waits == [] and not starter.done.is_set()
    release.set()
    assert starter.done.wait(10)
