"""Reading a multipart/form-data request body into its parts.

The parsing is done by the maintained `multipart` package (the parser behind Bottle; the stdlib
dropped `cgi`): it handles quoting, RFC 2231 / UTF-8 file names and binary bodies correctly.
"""

from __future__ import annotations

from dataclasses import dataclass

import multipart as _multipart


@dataclass(frozen=True, slots=True)
class Part:
    name: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None


class MultipartError(ValueError):
    pass


def boundary_of(content_type: str) -> str:
    kind, options = _multipart.parse_options_header(content_type)
    if kind != "multipart/form-data":
        raise MultipartError("expected multipart/form-data")
    boundary = options.get("boundary")
    if not boundary:
        raise MultipartError("the multipart boundary is missing")
    return str(boundary)


def parse_multipart(content_type: str, body: bytes) -> dict[str, Part]:
    """The parts of a multipart body by field name (the last one wins for repeated names)."""
    parser = _multipart.PushMultipartParser(boundary_of(content_type), content_length=len(body))
    parts: dict[str, Part] = {}
    segment = None
    chunks: list[bytes] = []
    try:
        for chunk in (body, b""):  # the empty chunk tells the parser the body ended
            for event in parser.parse(chunk):
                if isinstance(event, _multipart.MultipartSegment):
                    segment, chunks = event, []
                elif event is not None:
                    chunks.append(bytes(event))
                elif segment is not None:
                    parts[segment.name or ""] = _part(segment, b"".join(chunks))
    except _multipart.MultipartError as exc:
        raise MultipartError(str(exc).rstrip(".")) from exc
    if not parts:
        raise MultipartError("the multipart body has no parts")
    if "" in parts:
        raise MultipartError("a multipart part has no field name")
    return parts


def _part(segment: _multipart.MultipartSegment, data: bytes) -> Part:
    return Part(segment.name or "", data, segment.filename, segment.content_type)
