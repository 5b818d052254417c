"""The exact bytes to upload (`UploadSource`) and the idempotency key of each create."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from desktop_app.core.errors import DatasetOpenError, UserFacingError


def idempotency_key(what: str, token: str) -> str:
    """The Idempotency-Key of one create, derived from its pending record's token."""
    return f"ftstudio-{what}-{token}"


class UploadSource:
    """The exact bytes to upload: in memory or a file on disk, plus an optional prefix (a BOM).

    The content hash covers exactly what is sent, so the upload cache and the provenance copy
    match what the provider received.
    """

    def __init__(
        self,
        filename: str,
        *,
        data: bytes | None = None,
        path: Path | None = None,
        prefix: bytes = b"",
    ) -> None:
        if (data is None) == (path is None):
            raise ValueError("give exactly one of data or path")
        self.filename = filename
        self.data = data
        self.path = Path(path) if path is not None else None
        self.prefix = prefix
        self._sha256: str | None = None

    @classmethod
    def from_bytes(cls, data: bytes, filename: str) -> UploadSource:
        return cls(filename, data=data)

    @classmethod
    def from_path(cls, path: Path, filename: str | None = None) -> UploadSource:
        return cls(filename or Path(path).name, path=Path(path))

    def with_prefix(self, prefix: bytes) -> UploadSource:
        """The same content with `prefix` in front, unless it already starts with it."""
        if not prefix or self.head(len(prefix)) == prefix:
            return self
        return UploadSource(self.filename, data=self.data, path=self.path, prefix=prefix)

    @property
    def size(self) -> int:
        body = len(self.data) if self.data is not None else _path_size(self.path)
        return len(self.prefix) + body

    def head(self, count: int) -> bytes:
        with self.open() as handle:
            return handle.read(count)

    def open(self) -> IO[bytes]:
        """A fresh binary stream over the whole content (prefix included)."""
        if self.data is not None and not self.prefix:
            return io.BytesIO(self.data)
        if self.data is not None:
            return io.BytesIO(self.prefix + self.data)
        assert self.path is not None
        handle = _open_path(self.path)
        if not self.prefix:
            return handle
        return io.BufferedReader(_PrefixedReader(self.prefix, handle))

    def chunks(self, size: int = 1024 * 1024) -> Iterator[bytes]:
        with self.open() as handle:
            while chunk := handle.read(size):
                yield chunk

    def sha256(self) -> str:
        if self._sha256 is None:
            import hashlib

            digest = hashlib.sha256()
            for chunk in self.chunks():
                digest.update(chunk)
            self._sha256 = digest.hexdigest()
        return self._sha256


def _path_size(path: Path | None) -> int:
    assert path is not None
    try:
        return path.stat().st_size
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _open_path(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _unreadable(path: Path, exc: OSError) -> UserFacingError:
    return DatasetOpenError(
        f"“{path.name}” could not be read for upload ({exc.strerror or 'the system refused'}).",
        "Check that the file still exists and that you can open it, then try again.",
    )


class _PrefixedReader(io.RawIOBase):
    """A readable, seekable stream of `prefix` followed by a file's bytes."""

    def __init__(self, prefix: bytes, handle: IO[bytes]) -> None:
        super().__init__()
        self._prefix = prefix
        self._handle = handle
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._pos < len(self._prefix):
            chunk = self._prefix[self._pos : self._pos + len(view)]
        else:
            chunk = self._handle.read(len(view))
        view[: len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        total = len(self._prefix) + _handle_size(self._handle)
        target = {
            io.SEEK_SET: offset,
            io.SEEK_CUR: self._pos + offset,
            io.SEEK_END: total + offset,
        }[whence]
        self._pos = max(0, target)
        self._handle.seek(max(0, self._pos - len(self._prefix)))
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._handle.close()
        super().close()


def _handle_size(handle: IO[bytes]) -> int:
    return os.fstat(handle.fileno()).st_size
