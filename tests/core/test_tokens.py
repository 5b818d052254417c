"""Token counts: bundled encodings (offline, verified, lazy, cached) and the Cookbook formula."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.files.resources import resource
from desktop_app.core.tokens import counts as tokens
from desktop_app.core.tokens.counts import (
    CL100K,
    O200K,
    ExampleTokens,
    TokenCounter,
    TokenizerDataError,
    encoding_for_model,
    encoding_name_for_model,
    get_encoding,
    load_bundled_ranks,
)

REPO = Path(__file__).resolve().parents[2]


# ---- encodings per model ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-4o-2024-08-06", O200K),
        ("gpt-4o-mini", O200K),
        ("gpt-4o-2024-11-20", O200K),
        ("gpt-4.1-2025-04-14", O200K),
        ("gpt-4.1-mini", O200K),
        ("gpt-4.1-nano-2025-04-14", O200K),
        ("o1", O200K),
        ("o1-mini", O200K),
        ("o3-mini-2025-01-31", O200K),
        ("o4-mini-2025-04-16", O200K),
        ("gpt-5", O200K),
        ("gpt-5.1-mini", O200K),
        ("gpt-3.5-turbo", CL100K),
        ("gpt-3.5-turbo-0613", CL100K),
        ("gpt-4", CL100K),
        ("gpt-4-0613", CL100K),
        ("gpt-4-turbo", CL100K),
        ("davinci-002", CL100K),
        ("babbage-002", CL100K),
        # fine-tuned names use their base model (tiktoken itself says cl100k for ft:gpt-4.1)
        ("ft:gpt-4.1-mini-2025-04-14:my-org::abc123", O200K),
        ("ft:gpt-4.1-2025-04-14:my-org:custom:abc123:ckpt-step-88", O200K),
        ("ft:gpt-4o-mini-2024-07-18:org:suffix:7p4lURel", O200K),
        ("ft:gpt-3.5-turbo-0125:org::xyz", CL100K),
        ("ft:davinci-002:org::xyz", CL100K),
        ("FT:GPT-4.1-MINI:Org::X", O200K),
        ("  gpt-4  ", CL100K),
        # unknown → o200k_base
        ("some-new-model", O200K),
        ("", O200K),
        ("ft:", O200K),
    ],
)
def test_encoding_name_for_model(model: str, expected: str) -> None:
    assert encoding_name_for_model(model) == expected


def test_tiktoken_prefix_table_is_wrong_for_fine_tuned_gpt41() -> None:
    """The reason we do not use tiktoken's own lookup (FACTS.md §5)."""
    import tiktoken

    assert tiktoken.encoding_name_for_model("ft:gpt-4.1-mini-2025-04-14:org::abc") == CL100K
    assert encoding_name_for_model("ft:gpt-4.1-mini-2025-04-14:org::abc") == O200K


def test_encoding_for_model_returns_the_cached_encoding() -> None:
    assert encoding_for_model("gpt-4.1-mini") is get_encoding(O200K)
    assert encoding_for_model("gpt-3.5-turbo") is get_encoding(CL100K)
    assert get_encoding(O200K).name == O200K


# ---- the bundled files --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "text", "ids"),
    [(O200K, "hello world", [24912, 2375]), (CL100K, "hello world", [15339, 1917])],
)
def test_known_token_ids(name: str, text: str, ids: list[int]) -> None:
    assert get_encoding(name).encode_ordinary(text) == ids


@pytest.mark.parametrize(
    ("name", "n_vocab", "specials"),
    [
        (O200K, 200019, {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}),
        (
            CL100K,
            100277,
            {
                "<|endoftext|>": 100257,
                "<|fim_prefix|>": 100258,
                "<|fim_middle|>": 100259,
                "<|fim_suffix|>": 100260,
                "<|endofprompt|>": 100276,
            },
        ),
    ],
)
def test_encoding_has_tiktokens_vocabulary_and_special_tokens(
    name: str, n_vocab: int, specials: dict[str, int]
) -> None:
    encoding = get_encoding(name)
    assert encoding.n_vocab == n_vocab
    assert encoding._special_tokens == specials
    assert encoding.encode("<|endoftext|>", allowed_special="all") == [specials["<|endoftext|>"]]


@pytest.mark.parametrize("name", [O200K, CL100K])
def test_bundled_ranks_equal_tiktokens_own_parser(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tiktoken.load import load_tiktoken_bpe

    plain = tmp_path / f"{name}.tiktoken"
    plain.write_bytes(gzip.decompress(resource("tiktoken", f"{name}.tiktoken.gz").read_bytes()))
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")  # a local path, and no cache written anywhere
    assert load_bundled_ranks(name) == load_tiktoken_bpe(str(plain))


def _fake_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tiktoken"
    folder.mkdir()
    for item in resource("tiktoken").iterdir():
        (folder / item.name).write_bytes(item.read_bytes())
    monkeypatch.setattr(tokens, "resource", lambda *parts: tmp_path.joinpath(*parts))
    return folder


def test_damaged_gzip_is_a_plain_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _fake_resources(tmp_path, monkeypatch)
    (folder / "cl100k_base.tiktoken.gz").write_bytes(b"not gzip at all")
    with pytest.raises(TokenizerDataError) as info:
        load_bundled_ranks(CL100K)
    assert "Reinstall" in info.value.next_step
    assert "damaged" in info.value.message


def test_changed_file_fails_the_checksum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _fake_resources(tmp_path, monkeypatch)
    data = gzip.decompress((folder / "cl100k_base.tiktoken.gz").read_bytes())
    (folder / "cl100k_base.tiktoken.gz").write_bytes(
        gzip.compress(data.replace(b" 0\n", b" 1\n", 1))
    )
    with pytest.raises(TokenizerDataError) as info:
        load_bundled_ranks(CL100K)
    assert "does not match SHA256SUMS" in info.value.technical


def test_missing_file_and_missing_checksum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _fake_resources(tmp_path, monkeypatch)
    (folder / "o200k_base.tiktoken.gz").unlink()
    with pytest.raises(TokenizerDataError):
        load_bundled_ranks(O200K)
    (folder / "SHA256SUMS").write_text("", encoding="ascii")
    with pytest.raises(TokenizerDataError) as info:
        load_bundled_ranks(CL100K)
    assert "no entry in SHA256SUMS" in info.value.technical


def test_unknown_encoding_name_is_refused() -> None:
    with pytest.raises(ValueError, match="no bundled encoding"):
        tokens._build_encoding("p50k_base")


# ---- offline, lazy, cached once per process (fresh interpreters) --------------------------------
_NO_NETWORK = """
import socket, sys
def refuse(*args, **kwargs):
    raise AssertionError("network used")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
"""


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_counting_never_uses_the_network_or_tiktokens_cache(tmp_path: Path) -> None:
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    # Where tiktoken would look for its cached o200k file: a poisoned copy. If tiktoken's own
    # loader ran, it would reject it (wrong hash) and try to download, which fails here.
    (cache / "fb374d419588a4632f3f557e76b4b70aebbca790").write_bytes(b"poison")
    (cache / "9b5ad71b2ce5302211f9c61530b329a4922fc6a4").write_bytes(b"poison")
    code = (
        _NO_NETWORK
        + """
from desktop_app.core.tokens.counts import TokenCounter
print(TokenCounter("gpt-4.1-mini").count_text("hello world"))
print(TokenCounter("gpt-3.5-turbo").count_text("hello world"))
"""
    )
    result = _run(
        code,
        TIKTOKEN_CACHE_DIR=str(cache),
        HTTPS_PROXY="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "2"]
    assert sorted(p.name for p in cache.iterdir()) == [
        "9b5ad71b2ce5302211f9c61530b329a4922fc6a4",
        "fb374d419588a4632f3f557e76b4b70aebbca790",
    ]
    assert all(p.read_bytes() == b"poison" for p in cache.iterdir())


def test_the_network_guard_itself_works() -> None:
    """The guard above really blocks tiktoken's own download path."""
    code = (
        _NO_NETWORK
        + """
import tiktoken
try:
    tiktoken.get_encoding("r50k_base")
except AssertionError as exc:
    print("blocked:", exc)
"""
    )
    result = _run(code, TIKTOKEN_CACHE_DIR="")
    assert "blocked: network used" in result.stdout, result.stderr


def test_tiktoken_is_imported_lazily() -> None:
    code = """
import sys
import desktop_app.core.tokens.counts as t
counter = t.TokenCounter("gpt-4o")
print("tiktoken" in sys.modules)
counter.count_text("x")
print("tiktoken" in sys.modules)
"""
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_encoding_is_built_once_per_process_across_threads() -> None:
    code = """
import threading
from desktop_app.core.tokens import counts as tokens
built = []
original = tokens._build_encoding
def counting(name):
    built.append(name)
    return original(name)
tokens._build_encoding = counting
results = []
barrier = threading.Barrier(4)
def work():
    barrier.wait()
    results.append(tokens.get_encoding("cl100k_base"))
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print(len(built), len({id(r) for r in results}))
"""
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "1"]


# ---- the counting formula -----------------------------------------------------------------------
@pytest.fixture(params=["gpt-4.1-mini", "gpt-3.5-turbo"])
def counter(request: pytest.FixtureRequest) -> TokenCounter:
    return TokenCounter(request.param)


def n(counter: TokenCounter, text: str) -> int:
    """Tokens of one piece, straight from the encoding (special-token text as plain text)."""
    return len(counter.encoding.encode(text, disallowed_special=()))


def test_literal_counts(counter: TokenCounter) -> None:
    assert counter.count_text("hello world") == 2
    assert counter.count_text("") == 0


def test_plain_conversation(counter: TokenCounter) -> None:
    value = {
        "messages": [
            {"role": "system", "content": "You are Marv, a sarcastic chatbot."},
            {"role": "user", "content": "What's the capital of France?"},
            {"role": "assistant", "content": "Paris, as if everyone doesn't know that already."},
        ]
    }
    pieces = [(m["role"], m["content"]) for m in value["messages"]]
    total = 3 + sum(3 + n(counter, role) + n(counter, text) for role, text in pieces)
    reply = n(counter, pieces[2][1])
    assert counter.count_example(value) == ExampleTokens(total, reply, reply)


def test_hand_computed_literal_o200k() -> None:
    """Every piece is known: "user"/"assistant" are 1 token, "Hi"/"Hello!" are 1 and 2."""
    counter = TokenCounter("gpt-4o")
    assert [counter.count_text(t) for t in ("user", "assistant", "Hi", "Hello!")] == [1, 1, 1, 2]
    value = {
        "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
    }
    # 3 per example + (3 + 1 + 1) + (3 + 1 + 2)
    assert counter.count_example(value) == ExampleTokens(14, 2, 2)


def test_name_adds_its_tokens_plus_one(counter: TokenCounter) -> None:
    value = {
        "messages": [
            {"role": "user", "name": "example_user", "content": "Hi there"},
            {"role": "assistant", "name": "bot", "content": "Hello"},
        ]
    }
    total = 3
    total += 3 + n(counter, "user") + n(counter, "Hi there") + n(counter, "example_user") + 1
    total += 3 + n(counter, "assistant") + n(counter, "Hello") + n(counter, "bot") + 1
    counts = counter.count_example(value)
    assert counts is not None
    assert counts.total == total
    assert counts.assistant == n(counter, "Hello")  # the name is not reply text


def test_tool_calls_count_function_names_and_arguments(counter: TokenCounter) -> None:
    calls = [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
        },
        {
            "id": "call_2",
            "type": "function",
            "function": {"name": "get_time", "arguments": '{"tz": "CET"}'},
        },
    ]
    value = {
        "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {}}}],
        "messages": [
            {"role": "user", "content": "Weather and time in Paris?"},
            {"role": "assistant", "content": None, "tool_calls": calls},
            {"role": "tool", "tool_call_id": "call_1", "content": "18°C"},
            {"role": "assistant", "content": "18°C, and it is noon.", "weight": 1},
        ],
    }
    call_tokens = sum(
        n(counter, c["function"]["name"]) + n(counter, c["function"]["arguments"]) for c in calls
    )
    total = 3
    total += 3 + n(counter, "user") + n(counter, "Weather and time in Paris?")
    total += 3 + n(counter, "assistant") + call_tokens
    total += 3 + n(counter, "tool") + n(counter, "18°C")
    total += 3 + n(counter, "assistant") + n(counter, "18°C, and it is noon.")
    reply = call_tokens + n(counter, "18°C, and it is noon.")
    assert counter.count_example(value) == ExampleTokens(total, reply, reply)


def test_legacy_function_call_counts_like_a_tool_call(counter: TokenCounter) -> None:
    value = {
        "messages": [
            {"role": "user", "content": "Add 2 and 3"},
            {
                "role": "assistant",
                "function_call": {"name": "add", "arguments": '{"a": 2, "b": 3}'},
            },
            {"role": "function", "name": "add", "content": "5"},
            {"role": "assistant", "content": "It is 5."},
        ]
    }
    call = n(counter, "add") + n(counter, '{"a": 2, "b": 3}')
    total = 3
    total += 3 + n(counter, "user") + n(counter, "Add 2 and 3")
    total += 3 + n(counter, "assistant") + call
    total += 3 + n(counter, "function") + n(counter, "5") + n(counter, "add") + 1
    total += 3 + n(counter, "assistant") + n(counter, "It is 5.")
    reply = call + n(counter, "It is 5.")
    assert counter.count_example(value) == ExampleTokens(total, reply, reply)


def test_text_parts_count_and_images_do_not(counter: TokenCounter) -> None:
    value = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in this chart?"},
                    {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
                    {"type": "text", "text": "Answer briefly."},
                ],
            },
            {"role": "assistant", "content": [{"type": "text", "text": "Sales by month."}]},
        ]
    }
    total = 3
    total += (
        3
        + n(counter, "user")
        + n(counter, "What is in this chart?")
        + n(counter, "Answer briefly.")
    )
    total += 3 + n(counter, "assistant") + n(counter, "Sales by month.")
    reply = n(counter, "Sales by month.")
    assert counter.count_example(value) == ExampleTokens(total, reply, reply)


def test_weight_zero_replies_are_not_trained_and_weight_is_not_text(counter: TokenCounter) -> None:
    value = {
        "messages": [
            {"role": "user", "content": "Q1"},
            {"role": "assistant", "content": "A draft answer", "weight": 0},
            {"role": "user", "content": "Q2"},
            {"role": "assistant", "content": "The real answer", "weight": 1},
        ]
    }
    without_weights = {
        "messages": [{k: v for k, v in m.items() if k != "weight"} for m in value["messages"]]
    }
    counts = counter.count_example(value)
    plain = counter.count_example(without_weights)
    assert counts is not None and plain is not None
    assert counts.total == plain.total
    assert counts.assistant == n(counter, "A draft answer") + n(counter, "The real answer")
    assert counts.trained == n(counter, "The real answer")


def test_special_token_text_counts_as_plain_text(counter: TokenCounter) -> None:
    text = "The end<|endoftext|> really"
    assert counter.count_text(text) == n(counter, text) > 1
    value = {"messages": [{"role": "user", "content": text}]}
    assert counter.count_example(value) == ExampleTokens(
        3 + 3 + n(counter, "user") + n(counter, text), 0, 0
    )


@pytest.mark.parametrize(
    "messages",
    [
        [{"role": "user", "content": 42}],
        [{"role": 7, "content": "hi"}],
        [{"role": "user", "content": "hi", "name": 12}],
        [{"role": "assistant", "content": {"text": "x"}}],
        [{"role": "assistant", "tool_calls": "not a list"}],
        [
            {
                "role": "assistant",
                "tool_calls": [
                    3,
                    {"function": "x"},
                    {"function": {"name": 1, "arguments": {"a": 1}}},
                ],
            }
        ],
        [{"role": "assistant", "function_call": ["x"]}],
        [{"role": "user", "content": [1, None, {"type": "text", "text": 5}, {"type": "text"}]}],
        ["just text", 5, None],
        [],
    ],
)
def test_junk_where_text_belongs_counts_as_nothing(
    counter: TokenCounter, messages: list[Any]
) -> None:
    counts = counter.count_example({"messages": messages})
    assert counts is not None
    dict_messages = [m for m in messages if isinstance(m, dict)]
    roles = sum(n(counter, m["role"]) for m in dict_messages if isinstance(m.get("role"), str))
    texts = sum(
        n(counter, m["content"]) for m in dict_messages if isinstance(m.get("content"), str)
    )
    assert counts.total == 3 + 3 * len(dict_messages) + roles + texts


@pytest.mark.parametrize("messages", [None, "text", 5, {"role": "user"}])
def test_messages_that_are_not_a_list_count_only_the_example(
    counter: TokenCounter, messages: Any
) -> None:
    assert counter.count_example({"messages": messages}) == ExampleTokens(3, 0, 0)


@pytest.mark.parametrize("value", [None, 5, "text", [1, 2], {"prompt": "a", "completion": "b"}, {}])
def test_values_that_are_not_examples_give_none(counter: TokenCounter, value: Any) -> None:
    assert counter.count_example(value) is None


def test_preference_pair_counts_input_plus_preferred(counter: TokenCounter) -> None:
    value = {
        "input": {
            "messages": [
                {"role": "system", "content": "Be kind."},
                {"role": "user", "content": "Rate my poem."},
            ],
            "tools": [],
        },
        "preferred_output": [{"role": "assistant", "content": "It has lovely imagery."}],
        "non_preferred_output": [{"role": "assistant", "content": "It is bad and much too long."}],
    }
    source = (
        3
        + n(counter, "system")
        + n(counter, "Be kind.")
        + 3
        + n(counter, "user")
        + n(counter, "Rate my poem.")
    )
    preferred = 3 + n(counter, "assistant") + n(counter, "It has lovely imagery.")
    rejected = 3 + n(counter, "assistant") + n(counter, "It is bad and much too long.")
    reply = n(counter, "It has lovely imagery.")
    assert counter.count_example(value) == ExampleTokens(
        3 + source + preferred, reply, reply, preferred, rejected
    )


def test_preference_pair_with_junk_parts(counter: TokenCounter) -> None:
    value = {"input": "not an object", "preferred_output": None, "non_preferred_output": [5]}
    assert counter.count_example(value) == ExampleTokens(3, 0, 0, 0, 0)


# ---- count_many ---------------------------------------------------------------------------------
def _realworld_values(realworld_dir: Path) -> list[Any]:
    values: list[Any] = []
    for path in sorted(realworld_dir.glob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            try:
                values.append(json.loads(line))
            except ValueError:
                values.append(None)
    return values


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_count_many_matches_count_example(realworld_dir: Path, threads: int) -> None:
    values = _realworld_values(realworld_dir)
    counter = TokenCounter("gpt-4.1-mini")
    many = counter.count_many(values, num_threads=threads)
    assert many == [counter.count_example(v) for v in values]
    assert sum(1 for c in many if c is not None) > 1000
    assert any(c is None for c in many)


def test_count_many_accepts_a_generator_and_nothing(counter: TokenCounter) -> None:
    assert counter.count_many([]) == []
    values = ({"messages": [{"role": "user", "content": f"text {i}"}]} for i in range(50))
    counts = counter.count_many(values)
    assert len(counts) == 50 and all(c is not None for c in counts)


def test_count_many_is_thread_safe(counter: TokenCounter) -> None:
    values = [{"messages": [{"role": "user", "content": "word " * i}]} for i in range(200)]
    expected = [counter.count_example(v) for v in values]
    results: list[list[ExampleTokens | None]] = []

    def work() -> None:
        results.append(counter.count_many(values, num_threads=2))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 3
