"""A tiny YAML writer for export configs (the app itself does not depend on a YAML library).

It writes block mappings, lists of mappings as `- ` items, lists of plain values in flow style
(`[a, b]`), and plain values as YAML 1.1 reads them back: text in double quotes (JSON escaping is
valid YAML), `true`/`false`, `null`, integers, and floats always with a decimal point so that
PyYAML reads `1.0e-05` as a number (it reads `1e-05` as text).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any


def dump(mapping: Mapping[str, Any], comments: Mapping[str, str] | None = None) -> str:
    """The mapping as a YAML document; `comments` puts a `# ...` line above top-level keys."""
    lines: list[str] = []
    for key, value in mapping.items():
        if comments and key in comments:
            lines.extend(f"# {text}".rstrip() for text in comments[key].splitlines())
        lines.extend(_entry(key, value, 0))
    return "\n".join(lines) + "\n"


def _entry(key: str, value: Any, indent: int) -> list[str]:
    pad = " " * indent
    name = _key(key)
    if isinstance(value, Mapping) and value:
        out = [f"{pad}{name}:"]
        for sub_key, sub_value in value.items():
            out.extend(_entry(sub_key, sub_value, indent + 2))
        return out
    if isinstance(value, list) and value and any(isinstance(v, Mapping) for v in value):
        out = [f"{pad}{name}:"]
        for item in value:
            out.extend(_list_item(item, indent + 2))
        return out
    return [f"{pad}{name}: {scalar(value)}"]


def _list_item(item: Any, indent: int) -> list[str]:
    pad = " " * indent
    if not isinstance(item, Mapping) or not item:
        return [f"{pad}- {scalar(item)}"]
    body: list[str] = []
    for key, value in item.items():
        body.extend(_entry(key, value, indent + 2))
    first = body[0].lstrip()
    return [f"{pad}- {first}", *body[1:]]


_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}  # YAML 1.1 reads these


def _key(key: str) -> str:
    plain = key.replace("_", "").replace("-", "")
    safe = plain.isascii() and plain.isalnum() and key[0].isalpha() and key.lower() not in _WORDS
    return key if safe else scalar(key)


def scalar(value: Any) -> str:
    """One plain value (or a flow-style list/mapping of them)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return "".join(_printable(c) for c in json.dumps(value, ensure_ascii=False))
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(str(k))}: {scalar(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _printable(char: str) -> str:
    """YAML allows only printable characters, even inside quotes, and folds its own line breaks
    (NEL, LS, PS) into spaces; escape all of those."""
    code = ord(char)
    if code in (0x2028, 0x2029):
        return f"\\u{code:04x}"
    if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD:
        return char
    if code >= 0x10000:
        return char
    return f"\\u{code:04x}"


def _float(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError("configs hold finite numbers only")
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}e{exponent}"
    return text
