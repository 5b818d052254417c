"""The repair itself: lines go in one at a time, repaired lines come out, each change is noted.

Lines that are already one example each come out byte for byte. Lines that together hold one
example (pretty-printed, tab-indented...) or several (a list, `{"data": [...]}`, two on one line)
are read as one piece and written one example per line. A piece no library can read comes out
as it went in, line by line, and is reported, so nothing is lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.dataset.records import JsonStyle, Record
from desktop_app.core.repair.parse import Unreadable, describe_problems, read_values
from desktop_app.core.repair.roles import describe_roles, fix_roles, needs_role_fix
from desktop_app.core.repair.scanner import (
    EXAMPLE_KEYS,
    LineState,
    closes_wrapper,
    indent_of,
    is_comment,
    looks_like_object_start,
    scan,
    starts_sibling,
    starts_value,
    string_literals,
    wrapper_name,
    wrapper_name_after_brace,
)

REPAIRED = "repaired"
LEFT = "left"  # could not be repaired: kept as it was
REMOVED = "removed"  # comments and the lines of a wrapper around the examples
PREVIEW_LIMIT = 2000  # pieces whose text is kept for a preview; the repair itself has no limit


@dataclass(slots=True)
class Piece:
    """Lines first..last (1-based) of the source, and what happened to them."""

    first: int
    last: int
    status: str
    notes: list[str]
    before: str = ""  # the source text (kept only for a preview)
    after: list[Any] = field(default_factory=list)  # the examples made from it
    roles_only: bool = False  # a whole example on its line whose roles were renamed, nothing else

    @property
    def where(self) -> str:
        return (
            f"line {self.first}" if self.first == self.last else f"lines {self.first}–{self.last}"
        )


@dataclass(slots=True)
class _Line:
    number: int
    raw: bytes
    ending: bytes
    text: str
    fixed: bool = False  # the text differs from the bytes (a byte-order mark was taken out)


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


_fast_decoder = json.JSONDecoder(parse_constant=_reject_constant)


class Repairer:
    """Feed it the lines of a file; it calls `emit` with each line of the repaired file."""

    def __init__(
        self,
        emit: Callable[[Record], None],
        *,
        style: JsonStyle | None = None,
        ending: bytes = b"\n",
        preview: bool = False,
    ) -> None:
        self._emit_record = emit
        self._style = style or JsonStyle()
        self._ending = ending
        self._preview = preview
        self.pieces: list[Piece] = []
        self.lines = 0
        self.examples = 0
        self._buffer: list[_Line] = []
        self._state = LineState()
        self._first_indent = 0
        self._wrapper: str | None = None
        self._closing_brace = (
            False  # a wrapper opened as `{` then `"data": [` ends with `]` then `}`
        )

    # ---- input ---------------------------------------------------------------------------
    def feed(self, raw: bytes, ending: bytes) -> None:
        self.lines += 1
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self._flush(unclosed=True)
            self._leave([_Line(self.lines, raw, ending, "")], "is not UTF-8 text")
            return
        line = _Line(self.lines, raw, ending, text)
        if "\ufeff" in text and not self._state.quote:
            line.text, line.fixed = text.replace("\ufeff", ""), True
        if self._buffer:
            self._piece_line(line)
        else:
            self._top_line(line)

    def finish(self) -> None:
        self._flush(unclosed=True)
        if self._wrapper is not None:
            self._wrapper = None  # the list was never closed: nothing more to remove

    # ---- lines between examples ------------------------------------------------------------
    def _top_line(self, line: _Line) -> None:
        text = line.text
        stripped = text.strip()
        if not stripped:
            self._emit(Record(line.raw, line.ending))
            return
        if is_comment(text):
            self._add(
                line.number,
                line.number,
                REMOVED,
                [f"removed the comment “{_shorten(stripped)}”"],
                line,
            )
            return
        if (self._wrapper is not None and closes_wrapper(text)) or (
            self._closing_brace and stripped == "}"
        ):
            self._add(
                line.number,
                line.number,
                REMOVED,
                ["removed the end of the list around the examples"],
                line,
            )
            self._closing_brace = (
                self._wrapper is not None and self._closing_brace and "}" not in text
            )
            self._wrapper = None
            return
        name = wrapper_name(text)
        if name is not None:
            what = f"“{name}”" if name else "a list"
            self._add(
                line.number,
                line.number,
                REMOVED,
                [f"the examples were wrapped in {what}; each is now on its own line"],
                line,
            )
            self._wrapper = name
            return
        if not line.fixed and self._keep_as_is(line):
            return
        if not starts_value(text):
            self._leave([line], "is not JSON: it does not start with { or [")
            return
        self._first_indent = indent_of(text)
        self._piece_line(line)

    def _keep_as_is(self, line: _Line) -> bool:
        """The fast path: a line that is one whole example stays byte for byte."""
        if not line.text.lstrip().startswith("{"):
            return False
        try:
            value = _fast_decoder.decode(line.text)
        except (ValueError, RecursionError):
            return False
        if not is_example(value):
            return False
        if needs_role_fix(value):
            changes = fix_roles(value)
            notes = [describe_roles(changes)]
            self._add(line.number, line.number, REPAIRED, notes, line, [value], roles_only=True)
            self._emit(Record(self._style.dumps(value), line.ending))
        elif self._wrapper is not None:  # an item of the list: out of it, without its indent
            note = "taken out of the list around the examples"
            self._add(line.number, line.number, REPAIRED, [note], line, [value])
            self._emit(Record(line.raw.strip(), line.ending))
        else:
            self._emit(Record(line.raw, line.ending))
        self.examples += 1
        return True

    # ---- lines of a piece -------------------------------------------------------------------
    def _piece_line(self, line: _Line) -> None:
        state = self._state
        if len(self._buffer) == 1 and self._buffer[0].text.strip() == "{" and state.depth == 1:
            name = wrapper_name_after_brace(line.text)
            if name is not None:
                self._open_wrapper(self._buffer[0], line, name)
                return
        if state.quote and looks_like_object_start(line.text):
            state.quote = ""
        sibling = self._buffer and state.depth > 0 and not state.quote
        if sibling and starts_sibling(line.text, self._first_indent):
            self._flush(unclosed=True)
            self._top_line(line)
            return
        self._buffer.append(line)
        if state.quote or not is_comment(line.text):
            scan(line.text, state)
        if state.depth == 0 and not state.quote:
            self._flush(unclosed=False)

    def _open_wrapper(self, brace: _Line, line: _Line, name: str) -> None:
        self._buffer, self._state = [], LineState()
        note = f"the examples were wrapped in “{name}”; each is now on its own line"
        self._add(brace.number, line.number, REMOVED, [note], brace.text + "\n" + line.text)
        self._wrapper, self._closing_brace = name, True

    def _flush(self, *, unclosed: bool) -> None:
        lines, self._buffer = self._buffer, []
        state, self._state = self._state, LineState()
        if not lines:
            return
        comments = [ln for ln in lines if is_comment(ln.text)]
        body = [ln.text for ln in lines if not is_comment(ln.text)]
        text = "\n".join(body)
        try:
            balanced = not unclosed and state.depth == 0
            closers = "" if state.quote else state.closers()
            values, reader = read_values(text, balanced=balanced, closers=closers)
            examples, notes = unwrap(values)
        except Unreadable as exc:
            self._leave(lines, exc.why)
            return
        unclosed = unclosed or state.depth > 0 or bool(state.quote)
        notes = _problem_notes(text, reader, unclosed=unclosed) + notes
        if len(body) > 1:
            notes.insert(
                0,
                f"one example was written over {len(body)} lines"
                if len(examples) == 1
                else f"written over {len(body)} lines",
            )
        if len(values) > 1:
            notes.append(
                f"{len(values)} values were written one after another; each is now on its own line"
            )
        if comments:
            notes.append(f"removed {len(comments)} comment line{'s' if len(comments) > 1 else ''}")
        if self._wrapper is not None:
            notes.append("taken out of the list around the examples")
        changes = [change for example in examples for change in fix_roles(example)]
        if changes:
            notes.append(describe_roles(changes))
        if any(ln.fixed for ln in lines):
            notes.append("removed a byte-order mark (an invisible marker) inside the file")
        if not notes:
            notes.append("rewritten as JSON")
        self._add(
            lines[0].number, lines[-1].number, REPAIRED, notes, *self._preview_of(lines, examples)
        )
        last_ending = lines[-1].ending
        for index, example in enumerate(examples):
            ending = last_ending if index == len(examples) - 1 and not last_ending else self._ending
            self._emit(Record(self._style.dumps(example), ending))
        self.examples += len(examples)

    def _preview_of(self, lines: list[_Line], examples: list[Any]) -> tuple[str, list[Any]]:
        if not self._previewing:
            return "", []
        return "\n".join(ln.text for ln in lines), examples

    # ---- results ---------------------------------------------------------------------------
    def _leave(self, lines: list[_Line], why: str) -> None:
        self._add(lines[0].number, lines[-1].number, LEFT, [why], *self._preview_of(lines, []))
        for line in lines:
            self._emit(Record(line.raw, line.ending))

    def _add(
        self,
        first: int,
        last: int,
        status: str,
        notes: list[str],
        before: _Line | str = "",
        after: list[Any] | None = None,
        roles_only: bool = False,
    ) -> None:
        text = before.text if isinstance(before, _Line) else before
        if not self._previewing:
            text, after = "", None
        self.pieces.append(Piece(first, last, status, notes, text, list(after or []), roles_only))

    @property
    def _previewing(self) -> bool:
        """Keep the text for a preview (of the first pieces only, so memory stays small)."""
        return self._preview and len(self.pieces) < PREVIEW_LIMIT

    def _emit(self, record: Record) -> None:
        self._emit_record(record)


def _problem_notes(text: str, reader: str, *, unclosed: bool) -> list[str]:
    problems = describe_problems(text, unclosed=unclosed)
    if reader != "json_repair":
        return problems
    # a quote in the wrong place pairs the others up wrongly: then only say it in general
    misplaced = any("\n" in literal for literal in string_literals(text))
    if problems and not misplaced:
        return problems
    return ["mended broken JSON (a missing or misplaced quote, comma or brace)"]


def is_example(value: Any) -> bool:
    """An object that is one example (of any shape), not a lone message or a list's wrapper."""
    if not isinstance(value, dict) or not value:
        return False
    if "role" in value and "messages" not in value:
        return False
    return bool(EXAMPLE_KEYS & value.keys()) or _wrapped_list(value) is None


def _wrapped_list(value: dict[str, Any]) -> tuple[str, list[Any]] | None:
    if EXAMPLE_KEYS & value.keys():
        return None
    for key, item in value.items():
        if isinstance(item, list) and item and all(isinstance(x, dict) for x in item):
            return key, item
    return None


def unwrap(values: list[Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Examples from the values of a piece: lists and `{"data": [...]}` are opened up."""
    examples: list[dict[str, Any]] = []
    notes: list[str] = []
    for value in values:
        if isinstance(value, list):
            if not value or not all(isinstance(x, dict) for x in value):
                raise Unreadable("list", "is a list of things that are not examples")
            examples.extend(value)
            notes.append(f"a list of {len(value)} examples; each is now on its own line")
        elif isinstance(value, dict) and not is_example(value):
            wrapped = _wrapped_list(value)
            if wrapped is None:
                raise Unreadable(
                    "message",
                    "is a single message outside any example; move it into the example it belongs to",
                )
            key, items = wrapped
            examples.extend(items)
            notes.append(f"took {len(items)} examples out of “{key}”")
            others = sorted(k for k in value if k != key)
            if others:
                notes.append("left out the other fields around them (" + ", ".join(others) + ")")
        elif isinstance(value, dict):
            examples.append(value)
        else:
            raise Unreadable(
                "scalar", "is JSON but not an example (an example is an object in { })"
            )
    return examples, notes


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
