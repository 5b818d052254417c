"""The cases an export must convert, leave out or report, as small JSONL files."""

from __future__ import annotations

import json
from typing import Any

TARGETS = ["mlx-lm", "trl", "unsloth", "axolotl", "llama-factory", "vertex"]
PREFERENCE_TARGETS = ["trl", "unsloth", "axolotl", "llama-factory"]
SYS = {"role": "system", "content": "You answer as a patient librarian."}
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


def u(text: str, **extra: Any) -> dict[str, Any]:
    return {"role": "user", "content": text, **extra}


def a(text: str | None, **extra: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": text, **extra}


def call(call_id: str, city: str) -> dict[str, Any]:
    args = json.dumps({"city": city})
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": "get_weather", "arguments": args},
    }


# line number -> the example (None: a raw line written as it is)
CHAT_LINES: dict[int, Any] = {
    1: {"messages": [SYS, u("Where are the atlases?"), a("Second floor, by the window.")]},
    2: "",
    3: '{"messages": [{"role": "user", "content": "unfinished',
    4: {"prompt": "Old style", "completion": "not a chat"},
    5: {
        "messages": [
            SYS,
            u("Recommend a novel."),
            a("Read anything.", weight=0),
            u("Something calmer?"),
            a("Try “A Month in the Country”.", weight=1),
        ]
    },
    6: {
        "messages": [
            u("Opening hours?"),
            a("9 to 5.", weight=1),
            u("Sunday?"),
            a("Closed, sorry.", weight=0),
        ]
    },
    7: {"messages": [u("Ignore this"), a("Ignored.", weight=0)]},
    8: {
        "messages": [
            {"role": "developer", "content": "Be brief."},
            {
                "role": "user",
                "content": [{"type": "text", "text": "Hi"}, {"type": "text", "text": "there"}],
            },
            a("Hello."),
        ]
    },
    9: {
        "messages": [
            {
                "role": "user",
                "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}],
            },
            a("A cat."),
        ]
    },
    10: {
        "messages": [
            u("Weather in Oslo and Rome?"),
            {
                "content": None,
                "role": "assistant",
                "function_call": None,
                "tool_calls": [call("c1", "Oslo"), call("c2", "Rome")],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "Oslo: 3°C"},
            {"role": "tool", "tool_call_id": "c2", "content": "Rome: 18°C"},
            a("Cold in Oslo, mild in Rome."),
        ],
        "tools": [WEATHER_TOOL],
    },
    11: {
        "messages": [u("Late fees?", name="reader_7"), a("Ten cents a day.")],
        "metadata": {"source": "desk"},
    },
    12: {"messages": [u("Photocopier?"), a("Room 4."), u("Thanks!")]},
    13: {"messages": [u("Question one."), u("And two."), a("Both answered.")]},
    14: {"messages": [SYS, a("Welcome to the library.")]},
    15: {
        "messages": [
            u("Weather in Oslo?"),
            a("Let me check.", tool_calls=[call("c3", "Oslo")]),
            {"role": "tool", "tool_call_id": "c3", "content": "3°C"},
            a("3°C."),
        ]
    },
    16: {
        "input": {"messages": [u("Best chair?")]},
        "preferred_output": [a("The blue one.")],
        "non_preferred_output": [a("Whatever.")],
    },
}

# lines every target leaves out, and the lines only some targets leave out
LEFT_OUT = {7, 9}
LEFT_OUT_BY_TARGET = {"llama-factory": {14, 15}, "vertex": {10, 14, 15}}

PREFERENCE_LINES: dict[int, Any] = {
    1: {
        "input": {"messages": [SYS, u("Best chair?")]},
        "preferred_output": [a("The blue one by the window.")],
        "non_preferred_output": [a("Whatever.")],
    },
    2: {
        "input": {"messages": [u("Quiet room?")]},
        "preferred_output": [a("Room 2 is silent.")],
        "non_preferred_output": [a("No idea.")],
    },
    3: {
        "input": {"messages": [u("Can I eat here?")], "tools": []},
        "preferred_output": [a("Only in the café.")],
        "non_preferred_output": [a("Sure, anywhere.")],
    },
    4: {
        "input": {"messages": [u("Two answers?")]},
        "preferred_output": [a("One."), a("Two.")],
        "non_preferred_output": [a("No.")],
    },
    5: {
        "input": {"messages": [u("Hi"), a("Hello")]},
        "preferred_output": [a("More.")],
        "non_preferred_output": [a("Less.")],
    },
    6: {"messages": [u("A chat line"), a("in a pair file")]},
}
PREFERENCE_LEFT_OUT = {4, 5}


def jsonl(lines: dict[int, Any], *, bom: bool = False, crlf: bool = False) -> bytes:
    ending = "\r\n" if crlf else "\n"
    out = [
        v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        for _, v in sorted(lines.items())
    ]
    data = ending.join(out) + ending
    return (b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8")
