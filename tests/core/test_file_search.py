"""Searching the file on disk in child processes finds exactly what searching the lines does."""

from __future__ import annotations

import os
import time
from array import array
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.dataset.records import BOM, Dataset
from desktop_app.core.search.on_disk import (
    DiskCopy,
    FileStamp,
    SearchCancelled,
    SearchProcesses,
    line_ends,
    search_span,
)
from desktop_app.core.search.query import Query, block_hits, matching_rows, plain_needles

QUERIES = [
    Query("assistant"),
    Query("THE"),
    Query('say "'),  # found in its JSON-escaped form
    Query("ü"),  # non-ASCII: decoded and case-folded
    Query("\\n"),
    Query(r"\bwh\w+\?", regex=True),
    Query("no line holds this text"),
]


def copy_of(path: Path) -> DiskCopy:
    dataset = Dataset.open(path)
    chunks = list(dataset.iter_bytes())
    start = len(BOM) if dataset.bom else 0
    ends = line_ends(chunks[1:] if start else chunks, start)
    return DiskCopy(path, FileStamp.of(path.stat()), list(dataset), ends, start)


def expected(copy: DiskCopy, query: Query) -> bytearray:
    matcher = query.matcher()
    assert matcher is not None
    return matching_rows(matcher, [r.raw for r in copy.records])


@pytest.fixture
def odd_file(tmp_path: Path) -> Path:
    """A byte order mark, CRLF and LF endings, a broken line, blank lines, a carriage return
    inside a line and none at the end."""
    lines = [
        b'{"messages": [{"role": "user", "content": "Say \\"hi\\""}]}\r\n',
        b"\r\n",
        b'{"messages": [{"role": "assistant", "content": "Gr\xc3\xbc\xc3\x9fe, WHAT?"}]}\n',
        b"{broken line with the word assistant\n",
        b"\n",
        b'{"messages": [{"role": "user", "content": "who is there?"}]}\r',
    ]
    path = tmp_path / "odd.jsonl"
    path.write_bytes(BOM + b"".join(lines))
    return path


def test_the_processes_find_what_the_lines_hold(search_processes, realworld_dir, odd_file) -> None:
    files = [*sorted(realworld_dir.glob("*.jsonl")), odd_file]
    for path in files:
        copy = copy_of(path)
        for query in QUERIES:
            assert search_processes.search(copy, query, lambda: False) == expected(copy, query), (
                path.name,
                query,
            )


def test_one_span_per_process_covers_every_line_once(realworld_dir) -> None:
    for path in sorted(realworld_dir.glob("*.jsonl")):
        _assert_spans_cover(copy_of(path))


def _assert_spans_cover(copy: DiskCopy) -> None:
    for parts in (1, 2, 3, 7, len(copy.records) + 5):
        spans = copy.spans(parts)
        assert 1 <= len(spans) <= parts
        joined = array("q")
        for span in spans:
            joined.extend(span.ends)
        assert joined == copy.ends
        assert spans[0].start == copy.start
        for before, after in pairwise(spans):
            assert after.start == before.ends[-1]


def test_a_changed_file_is_not_searched(odd_file) -> None:
    copy = copy_of(odd_file)
    span = copy.spans(1)[0]
    query = Query("assistant")
    assert search_span(str(odd_file), copy.stamp, span, query) == expected(copy, query)
    data = odd_file.read_bytes()
    before = odd_file.stat().st_mtime_ns
    odd_file.write_bytes(data.replace(b"assistant", b"ASSISTANT"))  # same size, new time
    os.utime(odd_file, ns=(before, before + 1_000_000_000))  # (whatever the clock's grain)
    assert not copy.unchanged()
    assert search_span(str(odd_file), copy.stamp, span, query) is None
    replaced = odd_file.with_suffix(".new")
    replaced.write_bytes(data)
    os.replace(replaced, odd_file)  # the same bytes, but another file now
    assert not copy.unchanged()
    assert search_span(str(odd_file), copy.stamp, span, query) is None


def test_lines_that_moved_are_noticed_even_with_the_old_stamp(odd_file) -> None:
    """A file rewritten in place to the same size with its time set back has the old stamp;
    the lines at the edges of each piece and span still tell."""
    copy = copy_of(odd_file)
    span = copy.spans(1)[0]
    data = odd_file.read_bytes()
    stamp = copy.stamp
    for changed in (data.replace(b"who is", b"who's "), b"\n" + data[:-1]):
        odd_file.write_bytes(changed)
        os.utime(odd_file, ns=(stamp.mtime_ns, stamp.mtime_ns))
        assert FileStamp.of(odd_file.stat()) == stamp
        assert search_span(str(odd_file), stamp, span, Query("who")) is None


def test_a_search_can_be_cancelled(search_processes, realworld_dir) -> None:
    copy = copy_of(realworld_dir / "yangzhijiany_hoshino_cat__example.jsonl")
    with pytest.raises(SearchCancelled):
        search_processes.search(copy, Query("a"), lambda: True)
    assert search_processes.search(copy, Query("a"), lambda: False) == expected(copy, Query("a"))


def test_a_process_that_died_is_replaced(realworld_dir) -> None:
    copy = copy_of(realworld_dir / "yangzhijiany_hoshino_cat__example.jsonl")
    owned = SearchProcesses(count=2)
    try:
        owned.start()
        victim = owned._children[0].process
        victim.kill()
        victim.join(5)
        deadline = time.monotonic() + 5
        answer = owned.search(copy, Query("cat"), lambda: False)
        while answer is None and time.monotonic() < deadline:  # (a search meanwhile: None)
            answer = owned.search(copy, Query("cat"), lambda: False)
        assert answer == expected(copy, Query("cat"))
        assert all(c.process.is_alive() for c in owned._children)
        assert victim not in [c.process for c in owned._children]
    finally:
        owned.close()


def test_line_ends_follow_the_bytes_written() -> None:
    chunks = [b"abc", b"\n", b"", b"\r\n", b"de", b""]
    assert list(line_ends(chunks, 3)) == [7, 9, 11]


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(
        st.text(alphabet=st.sampled_from('aAbB"\\ é\r'), max_size=12).map(
            lambda t: t.encode("utf-8")
        ),
        min_size=1,
        max_size=12,
    ),
    text=st.text(alphabet=st.sampled_from('aAbB" \\'), min_size=1, max_size=4),
)
def test_a_block_search_agrees_with_each_line(lines: list[bytes], text: str) -> None:
    needles = plain_needles(text)
    assert needles is not None
    block = b"".join(line + b"\n" for line in lines)
    ends = array("q")
    offset = 0
    for line in lines:
        offset += len(line) + 1
        ends.append(offset)
    hits = bytearray(len(lines))
    block_hits(block, 0, ends, range(len(lines)), needles, hits)
    matcher = Query(text).matcher()
    assert matcher is not None
    assert hits == bytearray(matcher(line) for line in lines)
