"""Token counting edges that mutation testing showed unguarded (docs/architecture.md, "Tests that notice bugs").

The encoding is cached once per process, so the older tests only built it once, in whichever
test came first: a broken build could pass unseen. These tests build it afresh, make it refuse
a tiktoken that builds encodings differently, name the damaged file in plain words, and count
the earlier assistant turns of a preference pair's input as replies that are not trained.
"""

from __future__ import annotations

import dataclasses
import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_tokens import _fake_resources
from tiktoken_ext import openai_public

from desktop_app.core.models.catalog import find_model
from desktop_app.core.tokens import counts as tokens
from desktop_app.core.tokens.counts import CL100K, O200K, TokenCounter, TokenizerDataError

REINSTALL = "Reinstall Finetune Studio to restore it."


@pytest.fixture
def no_cached_encodings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "_encodings", {})


@pytest.mark.parametrize(
    ("name", "ids", "endoftext"),
    [(O200K, [24912, 2375], 199999), (CL100K, [15339, 1917], 100257)],
)
def test_a_fresh_build_counts_exactly_like_tiktoken(
    name: str, ids: list[int], endoftext: int, no_cached_encodings: None
) -> None:
    encoding = tokens.get_encoding(name)
    assert encoding.name == name
    assert encoding.encode_ordinary("hello world") == ids
    assert encoding.encode("<|endoftext|>", allowed_special="all") == [endoftext]


def _constructor(source: str) -> Callable[[], dict[str, Any]]:
    """A stand-in for tiktoken's encoding constructor; `load_tiktoken_bpe` is the app's loader."""
    scope: dict[str, Any] = {}
    exec(source, scope)  # fixed text from this file
    return scope["constructor"]  # type: ignore[no-any-return]


_CALLS_TWICE = """
def constructor():
    ranks = load_tiktoken_bpe("first")
    load_tiktoken_bpe("second")
    return {"name": "o200k_base", "mergeable_ranks": ranks}
"""
_COPIES_RANKS = """
def constructor():
    return {"name": "o200k_base", "mergeable_ranks": dict(load_tiktoken_bpe("only"))}
"""
_RENAMES = """
def constructor():
    return {"name": "cl100k_base", "mergeable_ranks": load_tiktoken_bpe("only")}
"""


@pytest.mark.parametrize("source", [_CALLS_TWICE, _COPIES_RANKS, _RENAMES])
def test_a_tiktoken_that_builds_encodings_differently_is_refused(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(openai_public.ENCODING_CONSTRUCTORS, O200K, _constructor(source))
    with pytest.raises(TokenizerDataError) as info:
        tokens._build_encoding(O200K)
    assert "for o200k_base" in info.value.message
    assert info.value.technical == "this tiktoken version builds the encoding in an unexpected way"


def test_tiktoken_expecting_another_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = tokens._expected_sha256
    ranks = tokens.load_bundled_ranks(O200K)
    monkeypatch.setattr(tokens, "load_bundled_ranks", lambda name: ranks)
    monkeypatch.setattr(tokens, "_expected_sha256", lambda n: "0" * 64 if n == O200K else real(n))
    with pytest.raises(TokenizerDataError) as info:
        tokens._build_encoding(O200K)
    assert "for o200k_base" in info.value.message
    assert info.value.technical.startswith("tiktoken expects sha256 446a9538")
    assert info.value.technical.endswith("o200k_base.tiktoken")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled tiktoken folder that a test may damage."""
    return _fake_resources(tmp_path, monkeypatch)


def _damage(name: str) -> TokenizerDataError:
    with pytest.raises(TokenizerDataError) as info:
        tokens.load_bundled_ranks(name)
    assert info.value.message == (
        f"The token counter's data file for {name} is missing or damaged, so tokens cannot be counted."
    )
    assert info.value.next_step == REINSTALL
    return info.value


def test_each_damaged_file_is_named_with_what_is_wrong(folder: Path) -> None:
    (folder / "cl100k_base.tiktoken.gz").write_bytes(b"not gzip at all")
    assert _damage(CL100K).technical.startswith("BadGzipFile: ")
    data = gzip.decompress((folder / "o200k_base.tiktoken.gz").read_bytes())
    (folder / "o200k_base.tiktoken.gz").write_bytes(gzip.compress(data + b"\n"))
    assert _damage(O200K).technical.endswith(" does not match SHA256SUMS")
    (folder / "SHA256SUMS").unlink()
    assert _damage(O200K).technical.startswith("SHA256SUMS: ")
    (folder / "SHA256SUMS").write_text("", encoding="ascii")
    assert _damage(O200K).technical == "no entry in SHA256SUMS"


def test_checksums_in_binary_mode_are_read(folder: Path) -> None:
    # `sha256sum -b` writes "<hash> *<name>"; the file must still be recognised.
    sums = folder / "SHA256SUMS"
    lines = sums.read_text(encoding="ascii").splitlines()
    sums.write_text("".join(f"{h} *{n}\n" for h, n in (line.split() for line in lines)), "ascii")
    assert len(tokens.load_bundled_ranks(CL100K)) == 100256


def test_earlier_assistant_turns_of_a_pair_count_as_replies_but_are_not_trained() -> None:
    counter = TokenCounter("gpt-4.1-mini")

    def pair(*earlier: dict[str, str]) -> dict[str, Any]:
        question = {"role": "user", "content": "And in June?"}
        return {
            "input": {"messages": [*earlier, question]},
            "preferred_output": [{"role": "assistant", "content": "Warm and sunny."}],
            "non_preferred_output": [{"role": "assistant", "content": "No idea."}],
        }

    first = {"role": "user", "content": "What is Paris like in May?"}
    earlier_reply = {"role": "assistant", "content": "Mild, with some rain."}
    short, long = (
        counter.count_example(pair(first)),
        counter.count_example(pair(first, earlier_reply)),
    )
    assert short is not None and long is not None
    reply = counter.count_text("Mild, with some rain.")
    assert long.total - short.total == 3 + counter.count_text("assistant") + reply
    assert long.assistant - short.assistant == reply
    assert long.trained == short.trained == counter.count_text("Warm and sunny.")


def test_the_editors_counter_counts_each_value() -> None:
    counter = TokenCounter("gpt-4.1-mini")
    example = {
        "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
    }
    assert counter.count_examples([example, "not an example"]) == [
        counter.count_example(example),
        None,
    ]


def test_an_encoding_is_built_once_and_then_reused(no_cached_encodings: None) -> None:
    # Building takes about a second; rebuilding on every count would make counting crawl.
    assert tokens.get_encoding(CL100K) is tokens.get_encoding(CL100K)


def test_the_model_list_decides_the_encoding_before_the_name_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # resources/models.json can name a new model's encoding without a code change.
    known = find_model("gpt-4.1-mini")
    assert known is not None
    listed = {"gpt-4.1-mini": dataclasses.replace(known, encoding=CL100K)}
    monkeypatch.setattr(tokens, "find_model", listed.get)
    assert tokens.encoding_name_for_model("gpt-4.1-mini") == CL100K
    listed["gpt-4.1-mini"] = dataclasses.replace(known, encoding="p50k_base")  # not bundled
    assert tokens.encoding_name_for_model("gpt-4.1-mini") == O200K
