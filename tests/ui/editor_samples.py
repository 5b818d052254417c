"""Sample lines shared by the editor and dialog tests: chat, tools, DPO, images, broken, blank, legacy."""

from __future__ import annotations

import json

CHAT = {
    "messages": [
        {"role": "system", "content": "Be kind."},
        {"role": "user", "content": "Rewrite: buy now!"},
        {"role": "assistant", "content": "Take a look when you're ready.", "x-note": "keep"},
    ]
}
TOOLS = {
    "messages": [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 21}'},
        {"role": "assistant", "content": "It is 21 degrees.", "weight": 0},
    ]
}
PAIR = {
    "input": {"messages": [{"role": "user", "content": "Describe the shoe."}]},
    "preferred_output": [{"role": "assistant", "content": "Light and grippy."}],
    "non_preferred_output": [{"role": "assistant", "content": "BEST SHOE!!!"}],
}
IMAGE = {
    "messages": [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in the chart?"},
                {"type": "image_url", "image_url": {"url": "https://example.com/chart.png"}},
                {
                    "type": "image_url",
                    "image_url": {"url": "data:image/png;base64," + "QUJD" * 500},
                },
            ],
        },
        {"role": "assistant", "content": "Sales by month."},
    ]
}
BROKEN = '{"messages": [{"role": "user", "content": "Hi"},, ]}'
LEGACY = {"prompt": "Q?", "completion": "A.", "id": 7}

LINES = [CHAT, TOOLS, PAIR, IMAGE, BROKEN, "", LEGACY]


def _line(item: object) -> bytes:
    return item.encode() if isinstance(item, str) else json.dumps(item).encode()


ORIGINAL = b"\n".join(_line(item) for item in LINES) + b"\n"
CHAT_LINE, TOOLS_LINE, PAIR_LINE, IMAGE_LINE, BROKEN_LINE, BLANK_LINE, LEGACY_LINE = range(7)
