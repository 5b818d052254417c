"""Prompts for a comparison: from a dataset's examples, its validation share, or a file.

A prompt is the conversation before an example's last assistant reply; that reply is the
reference the comparison shows beside the two models' replies. Files can be JSONL chat examples
(or preference pairs), CSV/TSV with a prompt column (and optionally a reference and a system
column), or plain text with one prompt per line. What cannot be used is listed in
`PromptSet.skipped` with the reason, never dropped silently.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.dataset.jsonline import RecordKind, classify, parse_line
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.errors import DatasetOpenError, UserFacingError
from desktop_app.core.providers.base import ChatMessage

SENDABLE_ROLES = ("system", "developer", "user", "assistant")


class CompareError(UserFacingError):
    """A comparison could not be set up, read or written."""


@dataclass(frozen=True, slots=True)
class Prompt:
    messages: tuple[ChatMessage, ...]  # what the models are sent
    reference: str | None = None  # the reply the dataset gives, if any
    source: str = ""  # where it came from: “example 12”, “line 3”, “row 4”

    @property
    def text(self) -> str:
        """The last user message: the question itself."""
        for message in reversed(self.messages):
            if message.role == "user":
                return message.content
        return self.messages[-1].content if self.messages else ""

    @property
    def system(self) -> str:
        first = self.messages[0] if self.messages else None
        return first.content if first is not None and first.role in ("system", "developer") else ""

    @property
    def history(self) -> tuple[ChatMessage, ...]:
        """The turns before the question (without the system prompt)."""
        body = [m for m in self.messages if m.role not in ("system", "developer")]
        return tuple(body[:-1])

    def to_json(self) -> dict[str, Any]:
        return {
            "messages": [m.to_dict() for m in self.messages],
            "reference": self.reference,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Prompt:
        messages = tuple(
            ChatMessage(str(m.get("role", "user")), str(m.get("content", "")))
            for m in data.get("messages") or ()
            if isinstance(m, Mapping)
        )
        reference = data.get("reference")
        return cls(
            messages, reference if isinstance(reference, str) else None, str(data.get("source", ""))
        )


@dataclass(slots=True)
class PromptSet:
    prompts: list[Prompt] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why), never silent

    def skipped_summary(self, limit: int = 3) -> str:
        """“2 lines were left out: line 4 is not valid JSON; …” or ""."""
        if not self.skipped:
            return ""
        count = len(self.skipped)
        shown = "; ".join(f"{where}: {why}" for where, why in self.skipped[:limit])
        more = f"; and {count - limit} more" if count > limit else ""
        return f"{count} {'entry was' if count == 1 else 'entries were'} left out ({shown}{more})."


def prompt_from_value(value: Any, source: str) -> Prompt | str:
    """The prompt in a chat example or preference pair, or the reason it cannot be one."""
    kind = classify(value)
    if kind is RecordKind.CHAT:
        messages = value.get("messages")
        if not isinstance(messages, list) or not messages:
            return "it has no messages"
        last = _last_assistant(messages)
        context = messages[:last] if last is not None else messages
        reference = _text(messages[last].get("content")) if last is not None else None
        return _prompt(context, reference, source)
    if kind is RecordKind.PREFERENCE:
        source_messages = value.get("input", {})
        messages = source_messages.get("messages") if isinstance(source_messages, dict) else None
        if not isinstance(messages, list) or not messages:
            return "its input has no messages"
        preferred = value.get("preferred_output")
        first = preferred[0] if isinstance(preferred, list) and preferred else None
        reference = _text(first.get("content")) if isinstance(first, dict) else None
        return _prompt(messages, reference, source)
    if kind is RecordKind.OTHER:
        return "it is neither a chat example nor a preference pair"
    return "it is not a JSON object"


def _last_assistant(messages: list[Any]) -> int | None:
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if isinstance(message, dict) and message.get("role") == "assistant":
            return index
    return None


def _prompt(messages: list[Any], reference: str | None, source: str) -> Prompt | str:
    converted: list[ChatMessage] = []
    for message in messages:
        if not isinstance(message, dict):
            return "a message is not a JSON object"
        role = message.get("role")
        if role not in SENDABLE_ROLES or message.get("tool_calls") or message.get("function_call"):
            return "it uses tools, which the comparison cannot send"
        content = message.get("content")
        if isinstance(content, list) and any(
            isinstance(p, dict) and p.get("type") != "text" for p in content
        ):
            return "it contains images or files, which the comparison cannot send"
        converted.append(ChatMessage(str(role), _text(content)))
    if not any(m.role == "user" for m in converted):
        return "there is no user message before the reply"
    return Prompt(tuple(converted), reference, source)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def prompts_from_dataset(dataset: Dataset, indexes: Iterable[int] | None = None) -> PromptSet:
    """Prompts from examples of an open dataset (all of them, or the given record indexes)."""
    result = PromptSet()
    chosen = range(len(dataset)) if indexes is None else sorted(set(indexes))
    for index in chosen:
        parsed = dataset[index].parse()
        if parsed.kind is RecordKind.BLANK:
            continue
        where = f"example {index + 1}"
        if parsed.kind is RecordKind.BROKEN:
            result.skipped.append((where, "it is not valid JSON"))
            continue
        made = prompt_from_value(parsed.value, where)
        if isinstance(made, Prompt):
            result.prompts.append(made)
        else:
            result.skipped.append((where, made))
    return result


def validation_prompts(dataset: Dataset, fraction: float = 0.1, seed: int = 0) -> PromptSet:
    """Prompts from the validation share of a dataset (the same split the export writes)."""
    from desktop_app.core.dataset.split import split_indexes

    return prompts_from_dataset(dataset, split_indexes(dataset, fraction, seed).validation)


PROMPT_COLUMNS = ("prompt", "question", "input", "user", "message", "query", "instruction")
REFERENCE_COLUMNS = (
    "reference",
    "expected",
    "ideal",
    "answer",
    "reply",
    "response",
    "completion",
    "output",
    "assistant",
)
SYSTEM_COLUMNS = ("system", "system prompt", "system_prompt")


def read_prompts(path: str | Path) -> PromptSet:
    """Prompts from a file: JSONL chat examples, CSV/TSV (a prompt column, optionally a reference
    column), or plain text with one prompt per line."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DatasetOpenError(
            f"“{path}” could not be found.", "Check the file name and the folder."
        ) from None
    except OSError as exc:
        raise DatasetOpenError(
            f"“{path.name}” could not be read ({exc.strerror or 'the system refused'}).",
            "Check that the file exists and that you can open it.",
        ) from exc
    text = _decode(data, path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson") or _looks_like_jsonl(text):
        result = _jsonl_prompts(data, text)
    elif suffix in (".csv", ".tsv"):
        result = _csv_prompts(text, "\t" if suffix == ".tsv" else None)
    else:
        result = _text_prompts(text)
    if not result.prompts:
        raise CompareError(
            f"“{path.name}” has no prompts the comparison can use. {result.skipped_summary()}".strip(),
            "Use chat examples (JSONL), a CSV file with a “prompt” column, or a text file with "
            "one prompt per line.",
        )
    return result


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # what spreadsheet programs on Windows often save
    except UnicodeDecodeError:
        raise DatasetOpenError(
            f"“{path.name}” is not a text file the app can read.",
            "Save it as UTF-8 text (in a spreadsheet: “CSV UTF-8”) and try again.",
        ) from None


def _looks_like_jsonl(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return first.lstrip().startswith("{")


def _jsonl_prompts(data: bytes, text: str) -> PromptSet:
    stripped = text.strip()
    if stripped.startswith("["):  # a JSON array of examples
        try:
            values = json.loads(stripped)
        except ValueError:
            values = None
        if isinstance(values, list):
            result = PromptSet()
            for number, value in enumerate(values, 1):
                _add(result, prompt_from_value(value, f"item {number}"), f"item {number}")
            return result
    result = PromptSet()
    for number, raw in enumerate(data.splitlines(), 1):
        parsed = parse_line(raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw)
        if parsed.kind is RecordKind.BLANK:
            continue
        where = f"line {number}"
        if parsed.kind is RecordKind.BROKEN:
            result.skipped.append((where, "it is not valid JSON"))
            continue
        _add(result, prompt_from_value(parsed.value, where), where)
    return result


def _add(result: PromptSet, made: Prompt | str, where: str) -> None:
    if isinstance(made, Prompt):
        result.prompts.append(made)
    else:
        result.skipped.append((where, made))


def _csv_prompts(text: str, delimiter: str | None) -> PromptSet:
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        return PromptSet()
    header = [cell.strip().lower() for cell in rows[0]]
    prompt_col = _column(header, PROMPT_COLUMNS)
    if prompt_col is not None:
        reference_col = _column(header, REFERENCE_COLUMNS)
        system_col = _column(header, SYSTEM_COLUMNS)
        body, first_number = rows[1:], 2
    else:
        prompt_col, reference_col, system_col = 0, (1 if len(rows[0]) > 1 else None), None
        body, first_number = rows, 1
    result = PromptSet()
    for number, row in enumerate(body, first_number):
        where = f"row {number}"
        question = _cell(row, prompt_col)
        if not question.strip():
            if any(cell.strip() for cell in row):
                result.skipped.append((where, "the prompt cell is empty"))
            continue
        system = _cell(row, system_col)
        reference = _cell(row, reference_col) if reference_col is not None else ""
        messages = ((ChatMessage("system", system),) if system.strip() else ()) + (
            ChatMessage("user", question),
        )
        result.prompts.append(Prompt(messages, reference or None, where))
    return result


def _column(header: list[str], names: Sequence[str]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _cell(row: list[str], column: int | None) -> str:
    return row[column] if column is not None and column < len(row) else ""


def _text_prompts(text: str) -> PromptSet:
    result = PromptSet()
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            result.prompts.append(
                Prompt((ChatMessage("user", line.strip()),), None, f"line {number}")
            )
    return result


def dataset_system_prompts(dataset: Dataset, limit: int = 2000) -> list[tuple[str, int]]:
    """The system prompts of the first `limit` examples with how often each occurs, most used
    first (for “use the dataset's system prompt” in the playground)."""
    return _system_prompts(dataset, limit)[0].most_common()


def usual_system_prompt(dataset: Dataset, limit: int = 2000) -> tuple[str, int, int] | None:
    """The system prompt at least half of the first `limit` examples start with: the prompt,
    how many start with it, how many examples were looked at (for imported examples)."""
    found, examples = _system_prompts(dataset, limit)
    if not found:
        return None
    prompt, count = found.most_common(1)[0]
    return (prompt, count, examples) if count * 2 >= examples else None


def _system_prompts(dataset: Dataset, limit: int) -> tuple[Counter[str], int]:
    """How often each system prompt starts one of the first `limit` examples, and how many
    examples (chats and preference pairs) there were among them."""
    found: Counter[str] = Counter()
    examples = 0
    for index in range(min(limit, len(dataset))):
        value = dataset.value(index)
        messages = value.get("messages") if isinstance(value, dict) else None
        if not isinstance(messages, list):
            source = value.get("input") if isinstance(value, dict) else None
            messages = source.get("messages") if isinstance(source, dict) else None
        if not isinstance(messages, list):
            continue
        examples += 1
        first = messages[0] if messages else None
        if isinstance(first, dict) and first.get("role") in ("system", "developer"):
            text = _text(first.get("content"))
            if text.strip():
                found[text] += 1
    return found, examples
