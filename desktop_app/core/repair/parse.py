"""Reading one piece of a broken file with the most exact library that can, and saying what was wrong.

The libraries, tried in order (the first that reads the piece wins; the fast ones first):
- `json` (standard library): valid JSON, several values in a row, raw line breaks and tabs inside
  text (`strict=False`), NaN and Infinity (turned into null).
- `ast.literal_eval` (standard library): Python dict syntax (single quotes, True/False/None),
  which also covers trailing commas.
- `json_repair`: anything else it can mend, such as missing closing braces or brackets, misplaced
  quotes or names without quotes. Its result is kept only when every word of the source is still
  there.
- `json5`: what JSON5 allows and json_repair did not mend exactly (comments inside a line, hex
  numbers...); last because it is pure Python and slow on long pieces.
"""

from __future__ import annotations

import ast
import json
import math
import re
from typing import Any

import json5
from json_repair import repair_json

from desktop_app.core.repair.scanner import mask_strings, string_literals

_SEPARATOR = re.compile(r"[\s,]*")
_TRAILING_COMMA = re.compile(r",\s*[}\]]")
_PYTHON_WORDS = re.compile(r"\b(True|False|None)\b")
_NUMBER_WORDS = re.compile(r"(?<![\w\"'])-?(NaN|Infinity)\b")
_BARE_NAME = re.compile(r"[{,]\s*[A-Za-z_]\w*\s*:")


class Unreadable(Exception):
    """No library could read the piece without losing text (or it is not an example).

    `why` says it in a writer's words, after the piece's line numbers."""

    def __init__(self, technical: str, why: str = "") -> None:
        super().__init__(technical)
        self.why = why or "could not be read as an example, even after trying to repair it"


def read_values(text: str, *, balanced: bool = True, closers: str = "") -> tuple[list[Any], str]:
    """The values in `text` and the name of what read them; raises Unreadable.

    `balanced`: every bracket is closed (json5 cannot mend a piece that is not); `closers`: what
    would close the brackets left open, tried first (exact, where json_repair guesses)."""
    values = _read_json(text)
    if values is not None:
        return values, "json"
    if closers:
        values = _read_json(text + closers)
        if values is not None:
            return values, "json"
    try:
        return [_read_python(text)], "python"
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    try:
        return _read_repaired(text), "json_repair"
    except Unreadable:
        if not balanced or len(text) > _JSON5_LIMIT:
            raise
    try:
        return [_nan_to_null(json5.loads(text))], "json5"
    except (ValueError, TypeError, RecursionError) as exc:
        raise Unreadable(str(exc)) from exc


_JSON5_LIMIT = 64 * 1024


def _read_json(text: str) -> list[Any] | None:
    decoder = json.JSONDecoder(strict=False, parse_constant=lambda _: None)
    values: list[Any] = []
    pos = _SEPARATOR.match(text, 0).end()  # type: ignore[union-attr]
    try:
        while pos < len(text):
            value, pos = decoder.raw_decode(text, pos)
            values.append(value)
            pos = _SEPARATOR.match(text, pos).end()  # type: ignore[union-attr]
    except (ValueError, RecursionError):
        return None
    return values


def _read_python(text: str) -> Any:
    value = ast.literal_eval(text.strip())
    if not isinstance(value, dict | list):
        raise ValueError("not a dict or list")
    return _as_json(value)


def _as_json(value: Any) -> Any:
    """Python values as JSON ones (tuples become lists); raises ValueError for anything else."""
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise ValueError("a name that is not text")
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ValueError(f"{type(value).__name__} is not JSON")


def _read_repaired(text: str) -> list[Any]:
    try:
        value = repair_json(text, return_objects=True, skip_json_loads=True)
    except (ValueError, RecursionError) as exc:
        raise Unreadable(str(exc)) from exc
    values: list[Any]
    if isinstance(value, dict):
        values = [value]
    elif isinstance(value, list) and value and text.lstrip().startswith("{"):
        values = value  # several objects in a row
    elif isinstance(value, list) and value:
        values = [value]
    else:
        raise Unreadable("nothing could be read")
    if not keeps_text(text, values):
        raise Unreadable("the repair would lose text")
    return [_nan_to_null(v) for v in values]


def keeps_text(source: str, values: list[Any]) -> bool:
    """True when every word written in `source` is still in the text, names or numbers of `values`.

    Words, not whole strings, so a quote typed in the wrong place in the source (which pairs
    the quotes differently) does not hide text that was kept."""
    found: set[str] = set()
    _collect_strings(values, found)
    joined = "\u0000".join(found)
    kept = set(_WORD.findall(joined))
    written = set(_WORD.findall(_ESCAPE.sub(_unescape_one, source)))
    if written - kept - _JSON_WORDS:
        return False
    literals = string_literals(source)
    if any("\n" in literal for literal in literals):
        return True  # a misplaced quote pairs the others wrongly: the words are all we can check
    # every text exactly, escapes included (json_repair can misread one, such as \f)
    texts = (text for text in map(_unescape, literals) if text is not None)
    return all(text in found or text in joined for text in texts)


_WORD = re.compile(r"\w+|[^\w\s{}\[\]:,\"']")  # words, and signs that are not JSON's
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)
_JSON_WORDS = frozenset({"true", "false", "null", "True", "False", "None", "NaN", "Infinity"})


def _unescape(literal: str) -> str | None:
    """The text of a string literal of the source (single-quoted ones too); None when it has an
    escape JSON does not know (then only its words can be checked)."""
    for candidate in (literal, literal.replace("\\'", "'").replace('"', '\\"')):
        try:
            value = json.loads(f'"{candidate}"', strict=False)
        except ValueError:
            continue
        if isinstance(value, str):
            return value
    return None


def _unescape_one(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) == 5:
        return chr(int(code[1:], 16))
    if code in "nrtbf":
        return " "
    return code if code in "\"\\/'" else " " + code  # an escape JSON does not know stays apart


def _collect_strings(value: Any, found: set[str]) -> None:
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        found.add(str(value))
    elif isinstance(value, dict):
        for key, item in value.items():
            found.add(str(key))
            _collect_strings(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect_strings(item, found)


def _nan_to_null(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {key: _nan_to_null(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nan_to_null(item) for item in value]
    return value


def describe_problems(text: str, *, unclosed: bool) -> list[str]:
    """Plain words for what was wrong with the JSON of a piece (its text without comments)."""
    masked = mask_strings(text)
    problems = []
    if _TRAILING_COMMA.search(masked):
        problems.append("removed a comma before a closing bracket")
    if "''" in masked:
        problems.append("changed single quotes to double quotes")
    if _PYTHON_WORDS.search(masked):
        problems.append("changed Python's True, False and None to JSON's true, false and null")
    if _NUMBER_WORDS.search(masked):
        problems.append(
            "changed NaN or Infinity (not allowed in JSON) to null; check what the value should be"
        )
    if _BARE_NAME.search(masked):
        problems.append("put quotes around names written without them")
    if any("\n" in s or "\t" in s for s in string_literals(text)):
        problems.append("kept line breaks or tabs typed inside text as \\n or \\t")
    if unclosed:
        problems.append("added a missing closing brace or bracket")
    return problems
