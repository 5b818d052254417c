"""A small multipart/form-data reader (the stdlib no longer has one)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Part:
    name: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None


class MultipartError(ValueError):
    pass


_PARAM = re.compile(r'(\w+)\*?="((?:[^"\\]|\\.)*)"|(\w+)=([^;\s]+)')


def boundary_of(content_type: str) -> str:
    if not content_type.lower().startswith("multipart/form-data"):
        raise MultipartError("expected multipart/form-data")
    params = _params(content_type)
    boundary = params.get("boundary")
    if not boundary:
        raise MultipartError("the multipart boundary is missing")
    return boundary


def parse_multipart(content_type: str, body: bytes) -> dict[str, Part]:
    """The parts of a multipart body by field name (the last one wins for repeated names)."""
    delimiter = b"--" + boundary_of(content_type).encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise MultipartError("the multipart body has no parts")
    parts: dict[str, Part] = {}
    for chunk in chunks[1:-1]:
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        if chunk.endswith(b"\r\n"):
            chunk = chunk[:-2]
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise MultipartError("a multipart part has no header end")
        headers = _headers(head.decode("utf-8", errors="replace"))
        disposition = _params(headers.get("content-disposition", ""))
        name = disposition.get("name")
        if not name:
            raise MultipartError("a multipart part has no field name")
        parts[name] = Part(name, data, disposition.get("filename"), headers.get("content-type"))
    return parts


def _headers(text: str) -> dict[str, str]:
    out = {}
    for line in text.split("\r\n"):
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip().lower()] = value.strip()
    return out


def _params(value: str) -> dict[str, str]:
    out = {}
    for match in _PARAM.finditer(value):
        if match.group(1):
            out[match.group(1).lower()] = match.group(2).replace('\\"', '"')
        else:
            out[match.group(3).lower()] = match.group(4).strip('"')
    return out
