"""Finding where each example begins and ends in a file that is not one example per line.

This is not a JSON parser (the libraries in `parse.py` do the parsing): it only follows strings
and brackets line by line, so lines can be grouped into pieces that each hold one value or more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A whole string on one line, or a quote that opens a string the line does not close.
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|["\'{}\[\]]')
_STRING_END = {
    '"': re.compile(r'(?:[^"\\]|\\.)*"'),
    "'": re.compile(r"(?:[^'\\]|\\.)*'"),
}
_OPEN = frozenset("{[")
_CLOSE = frozenset("}]")
# A line that starts an object whose first name is a message's, not an example's.
_MESSAGE_START = re.compile(
    r"""^\s*\{\s*["']?(role|from|content|value|name|type|text|tool_calls|function_call)["']?\s*:"""
)
# A wrapper around the examples: `{"data": [` alone on a line (any name but an example's).
_WRAPPER_OPEN = re.compile(r"""^\s*\{\s*["']([A-Za-z_][\w\- ]*)["']\s*:\s*\[\s*$""")
EXAMPLE_KEYS = frozenset(
    {
        "messages",
        "conversations",
        "conversation",
        "input",
        "preferred_output",
        "non_preferred_output",
        "chosen",
        "rejected",
        "prompt",
        "instruction",
        "question",
        "tools",
    }
)
_WRAPPER_CLOSE = re.compile(r"^\s*\]\s*\}?\s*,?\s*$")
COMMENT_PREFIXES = ("//", "#")


@dataclass(slots=True)
class LineState:
    """Brackets still open and the quote of a string still open at the end of a line."""

    depth: int = 0
    quote: str = ""
    negative: bool = False  # more closers than openers were seen
    opened: list[str] = field(default_factory=list)  # the open brackets, innermost last

    def closers(self) -> str:
        """What would close every bracket still open, innermost first."""
        return "".join("}" if bracket == "{" else "]" for bracket in reversed(self.opened))


def scan(text: str, state: LineState) -> None:
    """Advance `state` over one line of text."""
    pos = 0
    if state.quote:
        match = _STRING_END[state.quote].match(text)
        if match is None:
            return  # the whole line is inside the string
        pos = match.end()
        state.quote = ""
    for match in _TOKEN.finditer(text, pos):
        token = match.group()
        if len(token) > 1:
            continue  # a complete string
        if token in _OPEN:
            state.depth += 1
            state.opened.append(token)
        elif token in _CLOSE:
            state.depth -= 1
            if state.opened:
                state.opened.pop()
            if state.depth < 0:
                state.depth = 0
                state.negative = True
        else:  # a quote whose string runs past the end of the line
            state.quote = token
            return


_OBJECT_START = re.compile(r"""^\s*\{\s*"[^"\n]*"\s*:""")


def looks_like_object_start(text: str) -> bool:
    """`{"name":` at the start of a line: where a string left open on the line before must have
    ended (a quote typed wrong), since text running over lines rarely starts like that."""
    return _OBJECT_START.match(text) is not None


def indent_of(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


def is_comment(text: str) -> bool:
    return text.lstrip().startswith(COMMENT_PREFIXES)


def starts_value(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def starts_sibling(text: str, first_indent: int) -> bool:
    """A line that begins a new example at the indentation of the piece's first line.

    Used when a piece never closed (a missing brace): the next example starts at the same
    indentation, while the messages inside an example are indented or look like messages.
    """
    stripped = text.lstrip(" \t")
    if not stripped.startswith("{") or indent_of(text) > first_indent:
        return False
    return _MESSAGE_START.match(stripped) is None


def wrapper_name(text: str) -> str | None:
    """The name in `{"data": [` or "" for a bare `[`; None when the line opens no wrapper."""
    stripped = text.strip()
    if stripped == "[":
        return ""
    match = _WRAPPER_OPEN.match(stripped)
    if match and match.group(1) not in EXAMPLE_KEYS:
        return match.group(1)
    return None


_WRAPPER_NAME = re.compile(r"""^\s*["']([A-Za-z_][\w\- ]*)["']\s*:\s*\[\s*$""")


def wrapper_name_after_brace(text: str) -> str | None:
    """The name in a `"data": [` line that follows a `{` alone on its line (json.dump's indent)."""
    match = _WRAPPER_NAME.match(text)
    if match and match.group(1) not in EXAMPLE_KEYS:
        return match.group(1)
    return None


def closes_wrapper(text: str) -> bool:
    return _WRAPPER_CLOSE.match(text) is not None


# Masking strings lets the problem checks below look only at the JSON around the text.
_ANY_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', re.DOTALL)


def string_literals(text: str) -> list[str]:
    return [match.group()[1:-1] for match in _ANY_STRING.finditer(text)]


def mask_strings(text: str) -> str:
    return _ANY_STRING.sub(lambda m: m.group()[0] * 2, text)
