"""The exact bytes an upload sends, edges that mutation testing showed unguarded
(docs/architecture.md, "Tests that notice bugs"): a prefix (Azure's byte-order mark) added once,
in front of a file on disk as well as of bytes in memory, the size and hash of exactly what is
sent, a stream that can be read again from any point, and the words when the file went away."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from desktop_app.core.errors import DatasetOpenError
from desktop_app.core.providers.upload_source import UploadSource, idempotency_key

BOM = b"\xef\xbb\xbf"
BODY = b'{"messages": [{"role": "user", "content": "hi"}]}\n' * 3


@pytest.fixture
def on_disk(tmp_path: Path) -> UploadSource:
    path = tmp_path / "train.jsonl"
    path.write_bytes(BODY)
    return UploadSource.from_path(path)


@pytest.fixture
def in_memory() -> UploadSource:
    return UploadSource.from_bytes(BODY, "train.jsonl")


@pytest.mark.parametrize("kind", ["on_disk", "in_memory"])
def test_a_prefix_is_put_in_front_once(kind: str, request: pytest.FixtureRequest) -> None:
    source: UploadSource = request.getfixturevalue(kind)
    marked = source.with_prefix(BOM)
    assert marked is not source and marked.filename == "train.jsonl"
    with marked.open() as handle:
        assert handle.read() == BOM + BODY
    assert marked.size == len(BOM) + len(BODY)
    assert marked.sha256() == hashlib.sha256(BOM + BODY).hexdigest()
    assert b"".join(marked.chunks(7)) == BOM + BODY
    assert max(len(chunk) for chunk in marked.chunks(7)) == 7
    assert marked.with_prefix(BOM) is marked  # already starts with it: unchanged
    assert source.with_prefix(b"") is source


def test_content_that_already_starts_with_the_prefix_is_sent_as_it_is() -> None:
    source = UploadSource.from_bytes(BOM + BODY, "t.jsonl")
    assert source.with_prefix(BOM) is source
    other = UploadSource.from_bytes(BODY, "t.jsonl").with_prefix(b"[")
    assert other.head(2) == b"[{"


def test_the_prefixed_file_stream_can_be_read_again_from_any_point(on_disk: UploadSource) -> None:
    whole = BOM + BODY
    with on_disk.with_prefix(BOM).open() as handle:
        assert handle.read(2) == whole[:2]
        assert handle.read(5) == whole[2:7]
        assert handle.seek(0, io.SEEK_END) == len(whole)
        assert handle.read() == b""
        assert handle.seek(1) == 1 and handle.read(4) == whole[1:5]
        assert handle.seek(-3, io.SEEK_END) == len(whole) - 3 and handle.read() == whole[-3:]
        assert handle.seek(0) == 0 and handle.read() == whole
        assert handle.seek(-5, io.SEEK_SET) == 0


def test_the_size_and_hash_are_of_what_is_sent(on_disk: UploadSource) -> None:
    assert on_disk.size == len(BODY)
    assert on_disk.sha256() == hashlib.sha256(BODY).hexdigest()
    assert on_disk.head(4) == BODY[:4]


def test_a_file_that_went_away_is_named_with_what_to_do(tmp_path: Path) -> None:
    gone = UploadSource.from_path(tmp_path / "gone.jsonl", "named.jsonl")
    assert gone.filename == "named.jsonl"
    for read in (lambda: gone.size, gone.open):
        with pytest.raises(DatasetOpenError) as refused:
            read()
        assert refused.value.message == (
            "“gone.jsonl” could not be read for upload (No such file or directory)."
        )
        assert refused.value.next_step == (
            "Check that the file still exists and that you can open it, then try again."
        )


def test_exactly_one_of_data_or_path() -> None:
    with pytest.raises(ValueError, match=r"^give exactly one of data or path$"):
        UploadSource("t.jsonl")
    with pytest.raises(ValueError, match=r"^give exactly one of data or path$"):
        UploadSource("t.jsonl", data=b"", path=Path("t.jsonl"))


def test_the_idempotency_key_names_what_is_created_and_its_token() -> None:
    assert idempotency_key("job", "tok-1") == "ftstudio-job-tok-1"


def test_a_prefixed_file_larger_than_one_read_is_sent_whole(tmp_path: Path) -> None:
    body = bytes(range(256)) * 400  # 100 KiB: many reads of the stream's buffer
    path = tmp_path / "big.jsonl"
    path.write_bytes(body)
    marked = UploadSource.from_path(path).with_prefix(BOM)
    assert b"".join(marked.chunks(4096)) == BOM + body
    with marked.open() as handle:
        assert handle.read(10) == (BOM + body)[:10]
        assert handle.seek(20_000, io.SEEK_CUR) == 20_010
        assert handle.read(5) == (BOM + body)[20_010:20_015]
        assert handle.seek(-15, io.SEEK_CUR) == 20_000
        assert handle.read() == (BOM + body)[20_000:]
