"""The practice server's check of an uploaded training file, reported the way OpenAI reports it.

The structural rules below give OpenAI's wording; after them every example also goes through the
app's own per-line checks (desktop_app.core.checks), and any error there fails the job too.

A failed check becomes the job's `error`: `invalid_n_examples` with OpenAI's own sentence
(“Training file has 3 example(s), but must have at least 10 examples”), or
`invalid_training_file` / `invalid_validation_file` naming the example (“Example 4, message 2 …”).
The examples that pass are kept, so the tuned “model” can answer from them.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

MIN_EXAMPLES = 10
CHAT_ROLES = frozenset({"system", "user", "assistant", "tool", "function"})
MESSAGE_KEYS = frozenset(
    {"role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call", "refusal"}
)


@dataclass(frozen=True, slots=True)
class Pair:
    """One thing a user said and the reply the example teaches."""

    prompt: str
    reply: str


@dataclass
class FileCheck:
    n_examples: int = 0
    code: str | None = None
    message: str | None = None
    pairs: list[Pair] = field(default_factory=list)
    tokens: int = 0  # one epoch's trained tokens, counted as the app's estimate counts them

    @property
    def ok(self) -> bool:
        return self.code is None


class _Tally:
    """Trained tokens counted exactly, with the model's encoding and the formula of the estimate
    the writer saw before starting (a practice job's trained_tokens then match it, as a real
    job's do): each example capped at the model's training limit, in batches of examples."""

    BATCH = 1_000

    def __init__(self, model: str) -> None:
        from desktop_app.core.models.catalog import find_model
        from desktop_app.core.tokens.counts import TokenCounter

        self.counter = TokenCounter(model)
        info = find_model(model)
        self.limit = info.training_context if info is not None else None
        self.pending: list[Any] = []
        self.total = 0

    def add(self, value: Any) -> None:
        self.pending.append(value)
        if len(self.pending) >= self.BATCH:
            self.flush()

    def flush(self) -> int:
        counts = self.counter.count_many(self.pending, num_threads=1)
        limit = self.limit or sys.maxsize
        self.total += sum(min(count.total, limit) for count in counts if count is not None)
        self.pending.clear()
        return self.total


def check_file(
    content: bytes, *, method: str, file_id: str, model: str, validation: bool = False
) -> FileCheck:
    which = "validation" if validation else "training"
    prefix = f"The job failed due to an invalid {which} file. Invalid file format. "
    result = FileCheck()
    tally = _Tally(model)
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return _fail(result, which, prefix + "The file is not UTF-8 text.")
    number = 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        number += 1
        problem = _check_line(line, number, method, file_id, result, tally) or _shared_checks(
            line, number
        )
        if problem:
            return _fail(result, which, prefix + problem)
    result.n_examples = number
    result.tokens = tally.flush()
    if not validation and number < MIN_EXAMPLES:
        result.code = "invalid_n_examples"
        result.message = (
            f"Training file has {number} example(s), but must have at least {MIN_EXAMPLES} examples"
        )
    elif number == 0:
        return _fail(result, which, prefix + "The file has no examples.")
    return result


def _fail(result: FileCheck, which: str, message: str) -> FileCheck:
    result.code = f"invalid_{which}_file"
    result.message = message
    return result


def _check_line(
    line: str, number: int, method: str, file_id: str, result: FileCheck, tally: _Tally
) -> str | None:
    try:
        value = json.loads(line)
    except ValueError:
        return f"Example {number} is not valid JSON."
    if not isinstance(value, dict):
        return f"Example {number} is not a JSON object."
    is_preference = "input" in value or "preferred_output" in value
    if method == "dpo" and not is_preference:
        return (
            f"Input file {file_id} is in the fine-tune-chat format, but the specified fine-tuning "
            f"job is not using 'supervised' as the training method (provided method={method})."
        )
    if method != "dpo" and is_preference:
        return (
            f"Input file {file_id} is in the fine-tune-preference format, but the specified "
            f"fine-tuning job is not using 'dpo' as the training method (provided method={method})."
        )
    tally.add(value)
    if is_preference:
        return _check_preference(value, number, result)
    return _check_chat(value, number, result)


def _shared_checks(line: str, number: int) -> str | None:
    """The first error the app's own checks find in this example, in OpenAI's style."""
    from desktop_app.core.checks import check_line
    from desktop_app.core.dataset.jsonline import parse_line
    from desktop_app.core.problems import Severity

    raw = line.rstrip("\r").encode("utf-8")
    for problem in check_line(raw, parse_line(raw), number):
        if problem.severity is Severity.ERROR:
            return f"Example {number}: {problem.message}"
    return None


def _check_chat(value: dict[str, Any], number: int, result: FileCheck) -> str | None:
    for key in value:
        if key not in ("messages", "tools", "parallel_tool_calls", "functions"):
            return f"Example {number} contains an extra “{key}”."
    messages = value.get("messages")
    if not isinstance(messages, list) or not messages:
        return f"Example {number} is missing the “messages” list."
    problem = _check_messages(messages, number)
    if problem:
        return problem
    if not any(m.get("role") == "assistant" for m in messages):
        return f"Example {number} has no assistant message to learn from."
    _remember(messages, result)
    return None


def _check_messages(messages: list[Any], number: int) -> str | None:
    for index, message in enumerate(messages, start=1):
        where = f"Example {number}, message {index}"
        if not isinstance(message, dict):
            return f"{where} is not an object."
        if "role" not in message:
            return f"{where} Discriminator 'role' is missing in value"
        role = message["role"]
        if role not in CHAT_ROLES:
            return f"{where} has the unknown role {json.dumps(role)}."
        for key in message:
            if key not in MESSAGE_KEYS:
                return f"{where} contains an extra “{key}”."
        content = message.get("content")
        if role == "assistant":
            if "weight" in message and message["weight"] not in (0, 1):
                return f"{where} has a weight other than 0 or 1."
            if content is None and not (message.get("tool_calls") or message.get("function_call")):
                return f"{where} has no content."
            if content is not None and not isinstance(content, str):
                return f"{where} content must be a string for assistant messages."
        elif role in ("system", "tool", "function") and not isinstance(content, str):
            return f"{where} content must be a string."
        elif role == "user" and not isinstance(content, str | list):
            return f"{where} content must be a string or a list of parts."
    return None


def _check_preference(value: dict[str, Any], number: int, result: FileCheck) -> str | None:
    source = value.get("input")
    messages = source.get("messages") if isinstance(source, dict) else None
    if not isinstance(messages, list) or not messages:
        return f"Example {number} is missing “input” with a “messages” list."
    problem = _check_messages(messages, number)
    if problem:
        return problem
    for key in ("preferred_output", "non_preferred_output"):
        output = value.get(key)
        if (
            not isinstance(output, list)
            or len(output) != 1
            or not isinstance(output[0], dict)
            or output[0].get("role") != "assistant"
            or not isinstance(output[0].get("content"), str)
        ):
            return f"Example {number}: “{key}” must hold exactly one assistant message with text."
    _remember([*messages, value["preferred_output"][0]], result)
    return None


def _remember(messages: list[dict[str, Any]], result: FileCheck) -> None:
    last_user = ""
    for message in messages:
        content = message.get("content")
        text = content if isinstance(content, str) else _parts_text(content)
        if message.get("role") == "user":
            last_user = text
        elif message.get("role") == "assistant" and text and last_user:
            result.pairs.append(Pair(last_user, text))


def _parts_text(content: Any) -> str:
    if not isinstance(content, list):
        return ""
    return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
