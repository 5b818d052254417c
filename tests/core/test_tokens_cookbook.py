"""Token counts against the OpenAI Cookbook's own counting, on the Cookbook's toy file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desktop_app.core.tokens.counts import TokenCounter


def _cookbook_num_tokens(encoding: Any, messages: list[dict[str, Any]]) -> int:
    """The Cookbook notebook's num_tokens_from_messages, re-typed from FACTS.md §4.2."""
    num_tokens = 0
    for message in messages:
        num_tokens += 3
        for key, value in message.items():
            num_tokens += len(encoding.encode(value))
            if key == "name":
                num_tokens += 1
    return num_tokens + 3


def test_matches_the_cookbook_on_its_toy_file(realworld_dir: Path) -> None:
    path = realworld_dir / "openai_openai-cookbook__examples_data_toy_chat_fine_tuning.jsonl"
    values = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for model in ("gpt-3.5-turbo", "gpt-4o"):
        counter = TokenCounter(model)
        counts = counter.count_many(values)
        for value, got in zip(values, counts, strict=True):
            assert got is not None
            assert got.total == _cookbook_num_tokens(counter.encoding, value["messages"])
            replies = [m["content"] for m in value["messages"] if m["role"] == "assistant"]
            assert got.assistant == sum(len(counter.encoding.encode(r)) for r in replies)
