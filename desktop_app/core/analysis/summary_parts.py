"""What a line summary records of an example besides its problems: canonical hashes (for duplicates
and train/validation leaks: the same example written with other spacing or key order hashes the
same) and the number of images (see desktop_app.core.analysis.analyzer)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from desktop_app.core.checks import images
from desktop_app.core.checks.plain import plain_fields, plain_piece
from desktop_app.core.dataset.jsonline import RecordKind


def canon(value: Any, out: list[bytes]) -> int:
    """Append a canonical form of a JSON value to `out` (object names sorted, so their order and
    the spacing of the line do not matter); return how many object names the value holds.

    Texts end with 0xFF, a byte UTF-8 never uses, so the form is unambiguous.
    """
    if isinstance(value, str):
        out.append(b"s" + value.encode("utf-8", "surrogatepass") + b"\xff")
        return 0
    if isinstance(value, dict):
        names = len(value)
        out.append(b"{")
        for key in sorted(value):
            item = value[key]
            if type(item) is str:  # most values: written here, without a call
                out.append(
                    key.encode("utf-8", "surrogatepass")
                    + b"\xffs"
                    + item.encode("utf-8", "surrogatepass")
                    + b"\xff"
                )
            else:
                out.append(key.encode("utf-8", "surrogatepass") + b"\xff")
                names += canon(item, out)
        out.append(b"}")
        return names
    if isinstance(value, list):
        out.append(b"[")
        names = 0
        for item in value:
            names += canon(item, out)
        out.append(b"]")
        return names
    out.append(b"v" + json.dumps(value).encode() + b"\xff")
    return 0


def digest(parts: list[bytes]) -> bytes:
    return hashlib.blake2b(b"".join(parts), digest_size=16).digest()


def example_hashes(
    value: dict[str, Any], kind: RecordKind, conversation: list[Any], reply_at: int
) -> tuple[bytes, bytes, int]:
    """(hash of the whole example, hash of its prompt or b"", number of object names in it)."""
    if kind is RecordKind.CHAT and isinstance(value.get("messages"), list):
        pieces: list[bytes] = []
        names = sum(message_piece(message, pieces) for message in conversation)
        return chat_hashes(value, pieces, names, reply_at)
    parts: list[bytes] = []
    names = canon(value, parts)
    prompt = b""
    source = value.get("input")
    if kind is RecordKind.PREFERENCE and reply_at >= 0 and isinstance(source, dict):
        prompt_parts: list[bytes] = []
        canon(source, prompt_parts)
        prompt = digest(prompt_parts)
    return digest(parts), prompt, names


def chat_hashes(
    value: dict[str, Any], pieces: list[bytes], names: int, reply_at: int
) -> tuple[bytes, bytes, int]:
    """Hashes of a chat example from its messages' canonical pieces: the other keys first, then
    the messages; the prompt hash is the same bytes cut before the final reply."""
    digest = hashlib.blake2b(digest_size=16)
    names += 1
    if len(value) > 1:
        parts: list[bytes] = []
        names += canon({k: v for k, v in value.items() if k != "messages"}, parts)
        digest.update(b"".join(parts))
    prompt = b""
    for index, piece in enumerate(pieces):
        if index == reply_at:
            prompt = digest.copy().digest()
        digest.update(piece)
    return digest.digest(), prompt, names


def message_piece(message: Any, pieces: list[bytes]) -> int:
    """Append one message's canonical bytes (one piece per message); return its object names.

    Plain messages use the quick length-prefixed form of checks.plain; any other message goes
    through `canon`. The leading P or C keeps the two forms apart.
    """
    fields = plain_fields(message)
    if fields is not None:
        pieces.append(plain_piece(*fields))
        return len(message)
    parts = [b"C"]
    names = canon(message, parts)
    pieces.append(b"".join(parts))
    return names


def image_count(conversation: list[Any]) -> int:
    return images.count_in(conversation)
