"""Tokens are counted from tiktoken's packed buffer: the same numbers as encode_ordinary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.core.tokens import counts
from desktop_app.core.tokens.counts import encoded_length, encoding_for_model

TEXTS = [
    "",
    "Hello, world!",
    "Special tokens stay text: <|endoftext|> <|im_start|>user<|im_end|>",
    "Lone surrogate \ud800 in the middle",  # tiktoken's own fallback path
    "日本語のテキストと emoji 🎉🎉 and ümlauts",
    "word " * 5000,
    "```python\nprint('code')\n```\n\t\ttabs\r\nand CRLF",
]


@pytest.mark.parametrize("model", ["gpt-4.1-mini-2025-04-14", "gpt-3.5-turbo-0125"])
def test_the_buffer_counts_what_encode_ordinary_counts(model: str) -> None:
    encoding = encoding_for_model(model)
    for text in TEXTS:
        assert encoded_length(encoding, text) == len(encoding.encode_ordinary(text)), text


def test_real_files_count_alike(realworld_dir: Path) -> None:
    encoding = encoding_for_model("gpt-4.1-mini-2025-04-14")
    texts: list[str] = []
    for path in sorted(realworld_dir.glob("*.jsonl"))[:6]:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[:40]:
            try:
                value = json.loads(line)
            except ValueError:
                continue
            texts += [
                m["content"]
                for m in value.get("messages", [])
                if isinstance(m, dict) and isinstance(m.get("content"), str)
            ]
    assert len(texts) > 50
    assert [encoded_length(encoding, t) for t in texts] == [
        len(encoding.encode_ordinary(t)) for t in texts
    ]


def test_without_the_buffer_the_list_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    encoding = encoding_for_model("gpt-4.1-mini-2025-04-14")

    class OtherCore:  # a tiktoken whose core has no packed buffer
        pass

    class Plain:
        _core_bpe = OtherCore()
        encode_ordinary = staticmethod(encoding.encode_ordinary)

    assert counts._count(Plain(), "Hello there, writer") == 4  # type: ignore[arg-type]
    assert counts._count(encoding, "Hello there, writer") == 4
