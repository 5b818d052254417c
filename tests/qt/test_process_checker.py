"""A big file's first check runs in child processes and lands on the right rows."""

from __future__ import annotations

from pathlib import Path

from qt_helpers import checked

from desktop_app.core.analysis.analyzer import Analyzer
from desktop_app.core.analysis.process_checker import MIN_BYTES
from desktop_app.core.dataset.templates import sample_path
from desktop_app.qt.document import Document


def test_big_file_is_checked_in_processes(qtbot, pools, tmp_path: Path) -> None:
    lines = sample_path().read_bytes().splitlines()
    repeat = MIN_BYTES // sum(len(line) + 1 for line in lines) + 2
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"\n".join(lines * repeat) + b"\n")
    doc = Document(pools)
    with qtbot.waitSignal(doc.loaded, timeout=20_000):
        doc.start_loading(path)
    assert doc.analysis.checking
    assert doc.analysis._snapshot  # the process path took it
    doc.dataset.set_value(3, {"messages": []})  # an edit while the processes work
    qtbot.waitUntil(lambda: checked(doc.analysis), timeout=120_000)
    analyzer = Analyzer()
    for index in (0, 11, 12, 14, len(lines) * (repeat - 1) + 11):
        expected = analyzer.record(doc.dataset[index].raw, index + 1)
        got = doc.analysis.summary(index)
        assert got is not None
        assert got.tokens == expected.tokens and got.kind == expected.kind
        assert [p.code for p in got.problems] == [p.code for p in expected.problems]
    assert doc.analysis.summary(3).tokens == analyzer.record(doc.dataset[3].raw, 4).tokens
    qtbot.waitUntil(lambda: doc.analysis.counter() is not None, timeout=20_000)  # for edits
    doc.close()
