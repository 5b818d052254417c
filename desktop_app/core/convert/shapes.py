"""Recognising the shape of a JSON or JSONL file of examples and bringing it in as chat examples.

Shapes: OpenAI/Hugging Face `messages`, Alpaca (`instruction`/`input`/`output`, with `system`
and `history`), ShareGPT (`conversations` of `from`/`value`, with tools), preference pairs
(`chosen`/`rejected`), and a prompt and reply under other names (`question`/`answer`,
`Prompt`/`Completion`, `input`/`output`...). The file is read with the repair engine first, so a
pretty-printed `.json` array or a `{"data": [...]}` wrapper works as well as JSONL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from desktop_app.core.convert.notes import Conversion, ConversionError, Notes, chat_example, plural
from desktop_app.core.convert.preference import preference_example
from desktop_app.core.convert.sharegpt import (
    ShapeError,
    openai_tools,
    sharegpt_example,
    turn_messages,
)
from desktop_app.core.convert.tables import PROMPT_NAMES, RESPONSE_NAMES, SYSTEM_NAMES

CHAT, ALPACA, SHAREGPT, PREFERENCE, PAIRS, OPENAI_PREFERENCE = (
    "chat",
    "alpaca",
    "sharegpt",
    "preference",
    "pairs",
    "openai-preference",
)
SHAPE_NAMES = {
    CHAT: "Chat messages",
    ALPACA: "Alpaca",
    SHAREGPT: "ShareGPT",
    PREFERENCE: "Preference pairs (chosen/rejected)",
    PAIRS: "Prompt and reply",
    OPENAI_PREFERENCE: "OpenAI preference pairs",
}
_PROMPTS = (*PROMPT_NAMES, "text", "context")
_REPLIES = (*RESPONSE_NAMES, "target", "label")
_SAMPLE = 200


@dataclass(frozen=True)
class Mapping:
    """Which shape the file is read as, and which fields hold what (names as the file writes them)."""

    shape: str
    prompt: str | None = None  # PAIRS: the prompt; PREFERENCE: the prompt (None: shared beginning)
    reply: str | None = None  # PAIRS: the reply
    system: str | None = None  # PAIRS and ALPACA: a system message
    turns: str = "conversations"  # SHAREGPT: the list of turns

    def describe(self, count: int) -> str:
        """“Alpaca, 999 examples” or “Prompt and reply (question → answer), 12 examples”."""
        name = SHAPE_NAMES[self.shape]
        if self.shape == PAIRS:
            name += f" ({self.prompt} → {self.reply})"
        return f"{name}, {plural(count, 'example')}"


def fields_of(values: Sequence[Any]) -> list[str]:
    """Every field name in the first examples, most common first."""
    counts: Counter[str] = Counter()
    for value in values[:_SAMPLE]:
        if isinstance(value, dict):
            counts.update(value.keys())
    return [name for name, _ in counts.most_common()]


def detect(values: Sequence[Any]) -> Mapping | None:
    """The shape most of the first examples have, or None when none fits."""
    votes: Counter[Mapping] = Counter()
    for value in values[:_SAMPLE]:
        if isinstance(value, dict):
            mapping = _shape_of(value)
            if mapping is not None:
                votes[mapping] += 1
    return votes.most_common(1)[0][0] if votes else None


def _shape_of(value: dict[str, Any]) -> Mapping | None:
    keys = {key.lower(): key for key in value}
    if "preferred_output" in keys and "input" in keys:
        return Mapping(OPENAI_PREFERENCE)
    if "chosen" in keys and "rejected" in keys:
        prompt = next(
            (keys[k] for k in ("prompt", "conversations", "question", "input") if k in keys), None
        )
        return Mapping(PREFERENCE, prompt=prompt)
    if "messages" in keys:
        return Mapping(CHAT, turns=keys["messages"])
    for name in ("conversations", "conversation"):
        if name in keys:
            return Mapping(SHAREGPT, turns=keys[name])
    if "instruction" in keys and "output" in keys:
        return Mapping(ALPACA, system=keys.get("system"))
    prompt = next((keys[k] for k in _PROMPTS if k in keys), None)
    reply = next((keys[k] for k in _REPLIES if k in keys and keys[k] != prompt), None)
    if prompt and reply:
        system = next((keys[k] for k in SYSTEM_NAMES if k in keys), None)
        return Mapping(PAIRS, prompt=prompt, reply=reply, system=system)
    return None


def convert_values(
    values: Sequence[Any],
    mapping: Mapping,
    system: str | None = None,
    numbers: Sequence[int] | None = None,
    unit: str = "example",
) -> Conversion:
    """Every value as an example of `mapping`'s shape; each one that does not fit is named in a note.

    `numbers` are the line (or example) numbers of the values, for the notes."""
    notes = Notes()
    converter = _CONVERTERS[mapping.shape]
    out: list[dict[str, Any]] = []
    unused: Counter[str] = Counter()
    for index, value in enumerate(values):
        number = numbers[index] if numbers is not None else index + 1
        if not isinstance(value, dict):
            notes.at("{where} {was} not an object, so {it} {was} not brought in.", number)
            continue
        try:
            example = converter(value, mapping)
        except ShapeError as exc:
            notes.at(f"{{where}}: {exc}, so {{it}} {{was}} not brought in.", number)
            continue
        unused.update(key for key in value if key not in _used_keys(mapping, value))
        if system and mapping.shape in (CHAT, SHAREGPT, ALPACA, PAIRS):
            example = _with_system(example, system)
        out.append(example)
    if unused:
        fields = ", ".join(f"{name} ({count})" for name, count in sorted(unused.items()))
        notes.add(f"Fields a chat example cannot hold were left out: {fields}.")
    return Conversion(out, notes.render(unit))


def convert_one(value: dict[str, Any], mapping: Mapping) -> dict[str, Any]:
    """One example in the chat (or preference) shape; raises ShapeError saying why it cannot be."""
    return _CONVERTERS[mapping.shape](value, mapping)


def _with_system(example: dict[str, Any], system: str) -> dict[str, Any]:
    messages = example["messages"]
    if not messages or messages[0].get("role") != "system":
        example["messages"] = [{"role": "system", "content": system}, *messages]
    return example


def _used_keys(mapping: Mapping, value: dict[str, Any]) -> set[str]:
    if mapping.shape == ALPACA:
        return {
            k for k in value if k.lower() in ("instruction", "input", "output", "system", "history")
        }
    if mapping.shape == PAIRS:
        return {k for k in (mapping.prompt, mapping.reply, mapping.system) if k}
    if mapping.shape == SHAREGPT:
        return {mapping.turns, "system", "tools"}
    if mapping.shape == CHAT:
        return {mapping.turns, "tools", "parallel_tool_calls"}
    if mapping.shape == PREFERENCE:
        return {k for k in ("chosen", "rejected", "system", "tools", mapping.prompt) if k}
    return set(value)


# ---- one converter per shape ------------------------------------------------------------------
def _chat(value: dict[str, Any], mapping: Mapping) -> dict[str, Any]:
    example: dict[str, Any] = {"messages": turn_messages(value.get(mapping.turns))}
    if "tools" in value:
        example["tools"] = openai_tools(value["tools"])
    if "parallel_tool_calls" in value:
        example["parallel_tool_calls"] = value["parallel_tool_calls"]
    return example


def _sharegpt(value: dict[str, Any], mapping: Mapping) -> dict[str, Any]:
    return sharegpt_example(value, mapping.turns)


def _alpaca(value: dict[str, Any], mapping: Mapping) -> dict[str, Any]:
    keys = {key.lower(): key for key in value}
    instruction = _field_text(value, keys.get("instruction"), "instruction")
    extra = value.get(keys.get("input", ""), "")
    user = f"{instruction}\n\n{extra}" if isinstance(extra, str) and extra.strip() else instruction
    reply = _field_text(value, keys.get("output"), "output")
    messages: list[dict[str, Any]] = []
    system = value.get(keys.get("system", ""), "")
    if isinstance(system, str) and system.strip():
        messages.append({"role": "system", "content": system})
    history = value.get(keys.get("history", "")) or []
    if not isinstance(history, list):
        raise ShapeError("its “history” is not a list of earlier turns")
    for turn in history:
        if not (
            isinstance(turn, list | tuple)
            and len(turn) == 2
            and all(isinstance(t, str) for t in turn)
        ):
            raise ShapeError("a turn of its “history” is not a pair of texts")
        messages += [
            {"role": "user", "content": turn[0]},
            {"role": "assistant", "content": turn[1]},
        ]
    messages += [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]
    return {"messages": messages}


def _pairs(value: dict[str, Any], mapping: Mapping) -> dict[str, Any]:
    user = _field_text(value, mapping.prompt, mapping.prompt or "prompt")
    reply = _field_text(value, mapping.reply, mapping.reply or "reply")
    system = value.get(mapping.system) if mapping.system else None
    return chat_example(system if isinstance(system, str) else "", user, reply)


def _preference(value: dict[str, Any], mapping: Mapping) -> dict[str, Any]:
    return preference_example(value, mapping.prompt)


def _openai_preference(value: dict[str, Any], mapping: Mapping) -> dict[str, Any]:
    return value


def _field_text(value: dict[str, Any], key: str | None, name: str) -> str:
    text = value.get(key) if key else None
    if not isinstance(text, str):
        raise ShapeError(f"its “{name}” is missing or not text")
    if not text.strip():
        raise ShapeError(f"its “{name}” is empty")
    return text


_CONVERTERS: dict[str, Callable[[dict[str, Any], Mapping], dict[str, Any]]] = {
    CHAT: _chat,
    SHAREGPT: _sharegpt,
    ALPACA: _alpaca,
    PAIRS: _pairs,
    PREFERENCE: _preference,
    OPENAI_PREFERENCE: _openai_preference,
}


def with_fields(mapping: Mapping, prompt: str | None, reply: str | None) -> Mapping:
    """The mapping with other prompt and reply fields (the writer's choice in the import preview)."""
    return replace(mapping, prompt=prompt, reply=reply)


def shape_error(name: str) -> ConversionError:
    return ConversionError(
        f"Finetune Studio could not tell what kind of examples “{name}” holds.",
        "It reads chat messages, Alpaca, ShareGPT, chosen/rejected pairs, and prompt/reply "
        "fields such as question/answer. Choose the fields by hand in the Import dialog.",
    )
