"""Pure edits on one example's JSON value, used by the editor, the undo commands and bulk dialogs.

Every function takes a parsed line (a dict) and returns a NEW value; the input is never changed,
so an undo command can keep the old record and restore its exact bytes. Keys the app does not know
are carried along untouched. A message is addressed by its path inside the value, for example
("messages", 2) in a chat example or ("input", "messages", 0) / ("preferred_output", 0) in a
preference pair.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from desktop_app.core.errors import UserFacingError

Path = tuple[str | int, ...]
ROLES = ("system", "user", "assistant", "tool")

CHAT_LIST: Path = ("messages",)
PROMPT_LIST: Path = ("input", "messages")
PREFERRED_LIST: Path = ("preferred_output",)
NON_PREFERRED_LIST: Path = ("non_preferred_output",)


# ---- reading ------------------------------------------------------------------------------
def get_at(value: Any, path: Path) -> Any:
    """The item at `path`, or None when any step is missing or of the wrong type."""
    current = value
    for step in path:
        if isinstance(step, int):
            if not isinstance(current, list) or not 0 <= step < len(current):
                return None
        elif not isinstance(current, dict) or step not in current:
            return None
        current = current[step]
    return current


def message_list(value: Any, list_path: Path) -> list[Any]:
    items = get_at(value, list_path)
    return items if isinstance(items, list) else []


def is_trained(message: Any) -> bool:
    """Whether the model learns from this reply: weight 1 or no weight at all."""
    return not (isinstance(message, dict) and message.get("weight") == 0)


def text_of(message: Any) -> str:
    """A message's text: the content string, or its text parts joined by blank lines."""
    if not isinstance(message, dict):
        return ""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n\n".join(p["text"] for p in content if _is_text_part(p))
    return ""


def _is_text_part(part: Any) -> bool:
    return (
        isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str)
    )


def image_label(part: Any) -> str:
    """How an image part is shown: its web address, or a short description of embedded data."""
    image = part.get("image_url") if isinstance(part, dict) else None
    url = image.get("url") if isinstance(image, dict) else image
    if not isinstance(url, str) or not url:
        return "Image (no address)"
    if url.startswith("data:"):
        header, _, data = url.partition(",")
        kind = header[5:].split(";", 1)[0].split("/")[-1].upper() or "image"
        size = len(data) * 3 // 4 if ";base64" in header else len(data)
        return f"Embedded {kind} image ({_human_size(size)})"
    return url


def _human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def is_valid_base64(data: str) -> bool:
    try:
        base64.b64decode(data, validate=True)
    except ValueError:
        return False
    return True


# ---- the general copy-and-change step -----------------------------------------------------
def changed_at(value: Any, path: Path, change: Callable[[Any], Any]) -> Any:
    """A deep copy of `value` where the item at `path` is replaced by change(copy of item)."""
    new = copy.deepcopy(value)
    if not path:
        return change(new)
    parent = get_at(new, path[:-1])
    if parent is None:
        raise KeyError(f"nothing at {path!r}")
    parent[path[-1]] = change(parent[path[-1]])
    return new


def _message_change(value: Any, ref: Path, change: Callable[[dict[str, Any]], None]) -> Any:
    def apply(message: Any) -> Any:
        if not isinstance(message, dict):
            raise KeyError(f"no message at {ref!r}")
        change(message)
        return message

    return changed_at(value, ref, apply)


# ---- message fields -----------------------------------------------------------------------
def set_content(value: Any, ref: Path, text: str) -> Any:
    """Set a message's text. A reply that only calls tools keeps "no content" when left empty."""

    def change(message: dict[str, Any]) -> None:
        if text == "" and "tool_calls" in message:
            if "content" in message:
                message["content"] = None
            return
        message["content"] = text

    return _message_change(value, ref, change)


def set_part_text(value: Any, ref: Path, part_index: int, text: str) -> Any:
    """Set the text of one text part of a message whose content is a list of parts."""

    def change(message: dict[str, Any]) -> None:
        part = message["content"][part_index]
        part["text"] = text

    return _message_change(value, ref, change)


def set_role(value: Any, ref: Path, role: str) -> Any:
    def change(message: dict[str, Any]) -> None:
        message["role"] = role
        if role != "assistant" and message.get("weight") == 1:
            del message["weight"]

    return _message_change(value, ref, change)


def set_trained(value: Any, ref: Path, trained: bool) -> Any:
    """Switch training on a reply: off writes weight 0; on removes the weight again, unless the
    example writes its weights out (another message has weight 1), then it writes weight 1."""
    explicit = any(m.get("weight") == 1 for m in _all_messages(value) if isinstance(m, dict))

    def change(message: dict[str, Any]) -> None:
        if not trained:
            message["weight"] = 0
        elif explicit:
            message["weight"] = 1
        else:
            message.pop("weight", None)

    return _message_change(value, ref, change)


def _all_messages(value: Any) -> list[Any]:
    out: list[Any] = []
    for list_path in (CHAT_LIST, PROMPT_LIST, PREFERRED_LIST, NON_PREFERRED_LIST):
        out.extend(message_list(value, list_path))
    return out


# ---- adding, removing, reordering messages ------------------------------------------------
def suggested_role(previous: str | None) -> str:
    """The role a new message after `previous` most likely has."""
    return {"user": "assistant", "tool": "assistant", "assistant": "user", "system": "user"}.get(
        previous or "", "user"
    )


def insert_message(value: Any, list_path: Path, at: int, message: dict[str, Any]) -> Any:
    def change(items: Any) -> Any:
        items = items if isinstance(items, list) else []
        items.insert(max(0, min(at, len(items))), copy.deepcopy(message))
        return items

    if get_at(value, list_path) is None:
        value = _ensure_list(value, list_path)
    return changed_at(value, list_path, change)


def _ensure_list(value: Any, list_path: Path) -> Any:
    new = copy.deepcopy(value)
    current = new
    for step in list_path[:-1]:
        if not isinstance(current.get(step), dict):
            current[step] = {}
        current = current[step]
    current[list_path[-1]] = []
    return new


def remove_message(value: Any, ref: Path) -> Any:
    def change(items: list[Any]) -> list[Any]:
        del items[int(ref[-1])]
        return items

    return changed_at(value, ref[:-1], change)


def duplicate_message(value: Any, ref: Path) -> Any:
    def change(items: list[Any]) -> list[Any]:
        index = int(ref[-1])
        items.insert(index + 1, copy.deepcopy(items[index]))
        return items

    return changed_at(value, ref[:-1], change)


def move_message(value: Any, ref: Path, delta: int) -> Any:
    """Move a message up (delta -1) or down (+1); unchanged value when it cannot move."""
    items = message_list(value, ref[:-1])
    index = int(ref[-1])
    target = index + delta
    if not 0 <= target < len(items) or index == target:
        return copy.deepcopy(value)

    def change(items: list[Any]) -> list[Any]:
        items.insert(target, items.pop(index))
        return items

    return changed_at(value, ref[:-1], change)


# ---- tool calls ---------------------------------------------------------------------------
def tool_calls(message: Any) -> list[Any]:
    calls = message.get("tool_calls") if isinstance(message, dict) else None
    return calls if isinstance(calls, list) else []


def call_name(call: Any) -> str:
    function = call.get("function") if isinstance(call, dict) else None
    name = function.get("name") if isinstance(function, dict) else None
    return name if isinstance(name, str) else ""


def call_arguments(call: Any) -> str:
    function = call.get("function") if isinstance(call, dict) else None
    arguments = function.get("arguments") if isinstance(function, dict) else None
    if isinstance(arguments, str):
        return arguments
    return "" if arguments is None else json.dumps(arguments, ensure_ascii=False)


def pretty_arguments(arguments: str) -> str:
    """Arguments shown indented when they are JSON, as they are otherwise."""
    try:
        return json.dumps(json.loads(arguments), indent=2, ensure_ascii=False)
    except ValueError:
        return arguments


def arguments_problem(text: str) -> str:
    """A plain sentence when tool-call arguments are not a JSON object, else ""."""
    if not text.strip():
        return "The arguments are empty; write {} for a function without arguments."
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"The arguments are not valid JSON (line {exc.lineno}, character {exc.colno})."
    if not isinstance(value, dict):
        return "The arguments must be an object in { }, with a value for each parameter."
    return ""


def compact_arguments(text: str) -> str:
    """How typed arguments are stored: one-line JSON when they parse, the text as typed if not."""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text


def set_call_name(value: Any, ref: Path, call_index: int, name: str) -> Any:
    def change(message: dict[str, Any]) -> None:
        call = message["tool_calls"][call_index]
        call.setdefault("function", {})["name"] = name

    return _message_change(value, ref, change)


def set_call_arguments(value: Any, ref: Path, call_index: int, text: str) -> Any:
    def change(message: dict[str, Any]) -> None:
        call = message["tool_calls"][call_index]
        call.setdefault("function", {})["arguments"] = compact_arguments(text)

    return _message_change(value, ref, change)


def add_tool_call(value: Any, ref: Path, name: str = "") -> Any:
    used = {c.get("id") for m in _all_messages(value) for c in tool_calls(m) if isinstance(c, dict)}
    number = 1
    while f"call_{number}" in used:
        number += 1
    call = {
        "id": f"call_{number}",
        "type": "function",
        "function": {"name": name, "arguments": "{}"},
    }

    def change(message: dict[str, Any]) -> None:
        if not isinstance(message.get("tool_calls"), list):
            message["tool_calls"] = []
        message["tool_calls"].append(call)

    return _message_change(value, ref, change)


def remove_tool_call(value: Any, ref: Path, call_index: int) -> Any:
    def change(message: dict[str, Any]) -> None:
        del message["tool_calls"][call_index]
        if not message["tool_calls"]:
            del message["tool_calls"]
            if message.get("content") is None:
                message["content"] = ""

    return _message_change(value, ref, change)


def set_tool_call_id(value: Any, ref: Path, call_id: str) -> Any:
    def change(message: dict[str, Any]) -> None:
        message["tool_call_id"] = call_id

    return _message_change(value, ref, change)


def calls_before(value: Any, ref: Path) -> list[tuple[str, str]]:
    """(id, function name) of every tool call made before the message at `ref`, nearest first."""
    items = message_list(value, ref[:-1])
    found: list[tuple[str, str]] = []
    for message in reversed(items[: int(ref[-1])]):
        for call in tool_calls(message):
            call_id = call.get("id") if isinstance(call, dict) else None
            if isinstance(call_id, str):
                found.append((call_id, call_name(call)))
    return found


# ---- system prompt ------------------------------------------------------------------------
class SystemPromptMode(StrEnum):
    SET = "set"  # replace the system message, or add one where there is none
    ADD_MISSING = "add_missing"  # add only where an example has no system message
    REMOVE = "remove"  # remove the system message


def chat_list_path(value: Any) -> Path | None:
    """Where an example's conversation lives: messages, or input.messages for a preference pair."""
    if isinstance(value, dict) and isinstance(value.get("messages"), list):
        return CHAT_LIST
    if isinstance(value, dict) and isinstance(get_at(value, PROMPT_LIST), list):
        return PROMPT_LIST
    return None


def with_system_prompt(value: Any, text: str, mode: SystemPromptMode) -> Any | None:
    """The example with its system prompt set/added/removed, or None when nothing changes."""
    list_path = chat_list_path(value)
    if list_path is None:
        return None
    items = message_list(value, list_path)
    has_system = bool(items) and isinstance(items[0], dict) and items[0].get("role") == "system"
    if mode is SystemPromptMode.REMOVE:
        return remove_message(value, (*list_path, 0)) if has_system else None
    if has_system:
        if mode is SystemPromptMode.ADD_MISSING or items[0].get("content") == text:
            return None
        return set_content(value, (*list_path, 0), text)
    return insert_message(value, list_path, 0, {"role": "system", "content": text})


# ---- find and replace ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TextPattern:
    """What to look for in message texts (never in roles, names or other fields)."""

    find: str
    regex: bool = False
    match_case: bool = False
    whole_words: bool = False

    def compile(self) -> re.Pattern[str]:
        if not self.find:
            raise UserFacingError("There is nothing to look for.", "Type the text to find first.")
        source = self.find if self.regex else re.escape(self.find)
        if self.whole_words:
            source = rf"\b(?:{source})\b"
        flags = 0 if self.match_case else re.IGNORECASE
        try:
            return re.compile(source, flags | re.MULTILINE)
        except re.error as exc:
            where = f" at character {exc.pos + 1}" if exc.pos is not None else ""
            raise UserFacingError(
                f"The search pattern is not a valid regular expression: {exc.msg}{where}.",
                "Fix the pattern, or untick “Regular expression” to search for the text as typed.",
                technical=str(exc),
            ) from exc


def text_slots(value: Any) -> list[Path]:
    """Paths of every piece of message text in an example (content strings and text parts)."""
    slots: list[Path] = []
    for list_path in (CHAT_LIST, PROMPT_LIST, PREFERRED_LIST, NON_PREFERRED_LIST):
        for index, message in enumerate(message_list(value, list_path)):
            if not isinstance(message, dict):
                continue
            content = message.get("content")
            if isinstance(content, str):
                slots.append((*list_path, index, "content"))
            elif isinstance(content, list):
                slots.extend(
                    (*list_path, index, "content", i, "text")
                    for i, part in enumerate(content)
                    if _is_text_part(part)
                )
    return slots


def might_match(raw: bytes, pattern: TextPattern) -> bool:
    """A quick test on a line's bytes: False only when the plain text cannot be in the line.

    Lets a search skip parsing most lines. Text JSON would escape (quotes, backslashes,
    non-ASCII, control characters) and regular expressions always go the slow, exact way.
    """
    needle = pattern.find
    if pattern.regex or not needle.isascii() or not needle.isprintable() or '"' in needle:
        return True
    if "\\" in needle:
        return True
    data = raw if pattern.match_case else raw.lower()
    return (needle if pattern.match_case else needle.lower()).encode() in data


def count_matches(value: Any, pattern: re.Pattern[str]) -> int:
    return sum(
        sum(1 for _match in pattern.finditer(get_at(value, slot))) for slot in text_slots(value)
    )


def replace_matches(
    value: Any, pattern: re.Pattern[str], replacement: str, *, regex: bool
) -> tuple[Any, int]:
    """(new value, number of replacements); the value itself when nothing matched."""
    total = 0
    new = value
    for slot in text_slots(value):
        text = get_at(value, slot)
        try:
            if regex:
                changed, count = pattern.subn(replacement, text)
            else:
                changed, count = pattern.subn(lambda _m: replacement, text)
        except (re.error, IndexError) as exc:
            raise UserFacingError(
                f"The replacement text refers to a group the pattern does not have ({exc}).",
                "Use \\1, \\2 … only for groups written in ( ) in the pattern.",
                technical=str(exc),
            ) from exc
        if count and changed != text:
            if new is value:
                new = copy.deepcopy(value)
            get_at(new, slot[:-1])[slot[-1]] = changed
            total += count
    return new, total


@dataclass(slots=True)
class ReplacePlan:
    """What a find-and-replace over several examples would do."""

    changes: dict[int, Any] = field(default_factory=dict)  # record index -> new value
    replacements: int = 0

    @property
    def examples(self) -> int:
        return len(self.changes)


def plan_replace(
    values: Iterable[tuple[int, Any]], pattern: TextPattern, replacement: str
) -> ReplacePlan:
    compiled = pattern.compile()
    plan = ReplacePlan()
    for index, value in values:
        if value is None:
            continue
        new, count = replace_matches(value, compiled, replacement, regex=pattern.regex)
        if count:
            plan.changes[index] = new
            plan.replacements += count
    return plan


def count_plan(values: Iterable[tuple[int, Any]], pattern: TextPattern) -> tuple[int, int]:
    """(matches, examples with a match) without building new values — for a live preview."""
    compiled = pattern.compile()
    matches = examples = 0
    for _index, value in values:
        if value is None:
            continue
        found = count_matches(value, compiled)
        matches += found
        examples += found > 0
    return matches, examples


def plan_system_prompt(
    values: Iterable[tuple[int, Any]], text: str, mode: SystemPromptMode
) -> dict[int, Any]:
    changes: dict[int, Any] = {}
    for index, value in values:
        new = with_system_prompt(value, text, mode) if value is not None else None
        if new is not None:
            changes[index] = new
    return changes


# ---- other lines ------------------------------------------------------------------------
def legacy_to_chat(value: Any) -> Any | None:
    """A prompt/completion line as a chat example (other keys kept), or None if it is not one."""
    if not isinstance(value, dict) or not ("prompt" in value or "completion" in value):
        return None
    rest = {k: v for k, v in value.items() if k not in ("prompt", "completion")}
    messages = []
    prompt, completion = value.get("prompt"), value.get("completion")
    if prompt not in (None, ""):
        messages.append({"role": "user", "content": _as_text(prompt)})
    messages.append({"role": "assistant", "content": _as_text(completion)})
    return {"messages": messages, **rest}


def _as_text(item: Any) -> str:
    return item if isinstance(item, str) else "" if item is None else json.dumps(item)


def raw_line_for_save(text: str, dumps: Callable[[Any], bytes]) -> str:
    """What the raw editor stores: the text as typed when it is one line; otherwise one-line JSON
    in the file's style when it parses, or the text with its line breaks turned into spaces."""
    if "\n" not in text and "\r" not in text:
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text.replace("\r", "").replace("\n", " ")
    return dumps(value).decode("utf-8")


def formatted(text: str) -> str | None:
    """The line indented for reading, or None when it is not JSON."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return None


def structure(value: Any, list_paths: Sequence[Path]) -> tuple[Any, ...]:
    """A summary that changes only when bubbles must be rebuilt (not when text is typed)."""
    shape: list[Any] = []
    for list_path in list_paths:
        for message in message_list(value, list_path):
            if not isinstance(message, dict):
                shape.append(("?",))
                continue
            content = message.get("content")
            parts = (
                tuple(p.get("type") if isinstance(p, dict) else "?" for p in content)
                if isinstance(content, list)
                else type(content).__name__
            )
            shape.append(
                (message.get("role"), parts, len(tool_calls(message)), "tool_call_id" in message)
            )
        shape.append("|")
    return tuple(shape)
