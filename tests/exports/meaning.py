"""What an example means for training, read independently from each format.

A chat example is a list of events: ("system"|"user"|"assistant", text), ("call", name, args as
JSON text with sorted keys) for a tool call, ("result", text) for a tool's answer. Each assistant
event also says whether it is learned. Comparing these lists between the writer's file and an
export shows that no example was lost or changed in meaning.
"""

from __future__ import annotations

import json
from typing import Any

Event = tuple[Any, ...]


def text_of(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    # a picture or sound is part of the meaning too (a text-only export cannot carry it)
    return "\n".join(
        part["text"] if part.get("type", "text") == "text" else repr(part) for part in content
    )


def args_key(arguments: Any) -> str:
    if isinstance(arguments, str):
        arguments = json.loads(arguments) if arguments.strip() else {}
    return json.dumps(arguments, sort_keys=True, ensure_ascii=False)


def openai_events(messages: list[dict[str, Any]], *, trained: bool = True) -> list[Event]:
    """Events of OpenAI-style messages; assistant events carry (…, learned?)."""
    events: list[Event] = []
    for m in messages:
        role = "system" if m["role"] in ("system", "developer") else m["role"]
        text = text_of(m.get("content"))
        learned = trained and m.get("weight", 1) != 0
        if role == "assistant":
            if text or not m.get("tool_calls"):
                events.append(("assistant", text, learned))
            for call in m.get("tool_calls") or []:
                fn = call["function"]
                events.append(("call", fn["name"], args_key(fn.get("arguments", {})), learned))
        elif role == "tool":
            events.append(("result", text))
        else:
            events.append((role, text))
    return events


def source_events(value: dict[str, Any]) -> list[Event]:
    """The writer's example, cut after its last learned reply (what follows teaches nothing)."""
    events = openai_events(value["messages"])
    learned = [i for i, e in enumerate(events) if e[0] in ("assistant", "call") and e[-1]]
    return events[: learned[-1] + 1] if learned else []


def unlearned(events: list[Event]) -> list[Event]:
    """The same events with every reply marked learned (for trainers that learn every reply)."""
    return [(*e[:-1], True) if e[0] in ("assistant", "call") else e for e in events]


def joined(events: list[Event]) -> list[Event]:
    """Consecutive user messages / tool results joined, as LLaMA-Factory needs them."""
    out: list[Event] = []
    for e in events:
        if out and e[0] in ("user", "result") and out[-1][0] == e[0]:
            out[-1] = (e[0], out[-1][1] + "\n\n" + e[1])
        else:
            out.append(e)
    return out


def llama_factory_events(messages: list[dict[str, Any]]) -> list[Event]:
    """Events of LLaMA-Factory ShareGPT messages (OpenAI tags; function_call turns)."""
    events: list[Event] = []
    for m in messages:
        if m["role"] == "function_call":
            calls = json.loads(m["content"])
            for call in calls if isinstance(calls, list) else [calls]:
                events.append(("call", call["name"], args_key(call["arguments"]), True))
        elif m["role"] == "assistant":
            events.append(("assistant", m["content"], True))
        elif m["role"] == "tool":
            events.append(("result", m["content"]))
        else:
            events.append((m["role"], m["content"]))
    return events


def axolotl_events(messages: list[dict[str, Any]]) -> list[Event]:
    """Events of Axolotl rows: an assistant message is learned when its “train” flag says so."""
    events = openai_events([{k: v for k, v in m.items() if k != "train"} for m in messages])
    out: list[Event] = []
    index = 0
    for m in messages:
        if m["role"] != "assistant":
            out.append(events[index])
            index += 1
            continue
        count = (1 if (text_of(m.get("content")) or not m.get("tool_calls")) else 0) + len(
            m.get("tool_calls") or []
        )
        for e in events[index : index + count]:
            out.append((*e[:-1], bool(m["train"])))
        index += count
    return out


def vertex_events(row: dict[str, Any]) -> list[Event]:
    """Events of a Gemini row: system parts, then one event per part of each user/model turn."""
    events: list[Event] = [
        ("system", part["text"]) for part in row.get("systemInstruction", {}).get("parts", [])
    ]
    for content in row["contents"]:
        for part in content["parts"]:
            if content["role"] == "model":
                events.append(("assistant", part["text"], True))
            else:
                events.append(("user", part["text"]))
    return events


def prefixes_for_last_reply(events: list[Event]) -> list[list[Event]]:
    """What a trainer that learns only the LAST message must see: one example per learned reply.

    Each learned reply (with all the tool calls of its message) ends one example; what comes
    before it is context (learned or not does not matter there, so it is marked learned).
    """
    out = []
    for i, e in enumerate(events):
        ends_message = i + 1 == len(events) or events[i + 1][0] != "call"
        if e[0] in ("assistant", "call") and e[-1] and ends_message:
            out.append(unlearned(events[: i + 1]))
    return out


def align(expected: list[tuple[int, list[Event]]], got: list[list[Event]]) -> list[int]:
    """Match output rows to source examples in order; return the lines with no matching row.

    Fails if an output row matches no source example (an example changed in meaning or invented).
    """
    missing = []
    position = 0
    for line, events in expected:
        if position < len(got) and got[position] == events:
            position += 1
        else:
            missing.append(line)
    assert position == len(got), (
        f"output row {position + 1} matches no source example: {got[position]}"
    )
    return missing
