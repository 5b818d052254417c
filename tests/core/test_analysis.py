"""Per-line summaries, the fast parse, hashes, and streaming a file across processes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_checks_rules import A, S, U, chat, pair

from desktop_app.core.analysis import analyzer as analysis
from desktop_app.core.analysis.analyzer import Analyzer, analyze_file, keys_certified, parse_fast
from desktop_app.core.checks import check_line
from desktop_app.core.dataset.jsonline import RecordKind, parse_line
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.errors import DatasetOpenError
from desktop_app.core.tokens.counts import TokenCounter

MODEL = "gpt-4.1-mini-2025-04-14"
REALWORLD = sorted((Path(__file__).resolve().parents[1] / "data" / "realworld").glob("*.jsonl"))


def raw(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(MODEL)


def test_chat_summary(analyzer: Analyzer) -> None:
    value = chat(
        S(),
        U("  Where is\nmy parcel?"),
        A("Monday.", weight=1),
        U("Thanks"),
        A("You're welcome.", weight=0),
    )
    summary = analyzer.record(raw(value), 12)
    counts = TokenCounter(MODEL).count_example(value)
    assert counts is not None
    assert summary.kind is RecordKind.CHAT
    assert summary.preview == "Where is my parcel?"
    assert summary.turns == 5 and summary.has_system and summary.has_user and summary.images == 0
    assert (summary.tokens, summary.assistant_tokens, summary.trained_tokens) == (
        counts.total,
        counts.assistant,
        counts.trained,
    )
    assert summary.trained_tokens < summary.assistant_tokens
    assert summary.problems == ()
    assert len(summary.content_hash) == 16 and len(summary.prompt_hash) == 16


def test_problems_carry_the_line(analyzer: Analyzer) -> None:
    summary = analyzer.record(raw(chat(U(), {"role": "assistnat", "content": "x"})), 147)
    # no "no assistant message" on top: the unreadable role is the one thing to fix
    assert [(p.code, p.line, p.message_index) for p in summary.problems] == [
        ("unknown_role", 147, 1)
    ]


def test_broken_and_blank_summaries(analyzer: Analyzer) -> None:
    broken = analyzer.record(b'{"messages": [}', 3)
    # the table's text for the line (one rule before and after the check: core/dataset/preview.py)
    assert broken.kind is RecordKind.BROKEN and broken.preview == '(cannot be read) {"messages": [}'
    assert broken.problems[0].message.startswith("This line is not valid JSON")
    assert broken.tokens is None and broken.content_hash == b"" == broken.prompt_hash
    blank = analyzer.record(b"  ", 4)
    assert (
        blank.kind is RecordKind.BLANK
        and blank.preview == "(blank line)"
        and blank.problems[0].code == "blank_line"
    )


def test_preference_summary(analyzer: Analyzer) -> None:
    summary = analyzer.record(raw(pair()), 1)
    assert summary.kind is RecordKind.PREFERENCE and summary.preview == "Is it sunny?"
    assert summary.turns == 2 and summary.tokens is not None and summary.prompt_hash


def test_legacy_line_preview(analyzer: Analyzer) -> None:
    summary = analyzer.record(raw({"prompt": "Capital of France?", "completion": "Paris"}), 1)
    assert summary.kind is RecordKind.OTHER and summary.preview == "Capital of France?"
    assert summary.tokens is None


def test_hash_ignores_key_order_and_spacing(analyzer: Analyzer) -> None:
    a = analyzer.record(
        b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}',
        1,
    )
    b = analyzer.record(
        b'{"messages":[{"content":"Hi","role":"user"},{"content":"Yo","role":"assistant"}]}', 2
    )
    c = analyzer.record(
        b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo!"}]}',
        3,
    )
    assert a.content_hash == b.content_hash != c.content_hash
    assert a.prompt_hash == b.prompt_hash == c.prompt_hash


def test_hash_tells_values_apart(analyzer: Analyzer) -> None:
    values = [
        chat(U("ab"), A("c")),
        chat(U("a"), A("bc")),
        chat(U("1"), A("x")),
        {"messages": [U(1), A("x")]},
        {"messages": [U(True), A("x")]},
        {"messages": [U(None), A("x")]},
        chat(U("a"), A("x"), tools=[]),
        chat(U("a", name="n"), A("x")),
        chat(U("a", name=""), A("x")),
        chat(U("a"), A("x", weight=1)),
        chat(U("a"), A("x", weight=True)),
        chat(U("a"), A("x", weight="1")),
        chat(U("a"), A("x", weight=[1])),
        chat(U("a"), A("x", extra=1)),
        chat(U("1:a"), A("x")),
        chat(U("a1:"), A("x")),
    ]
    hashes = {analyzer.record(raw(v), 1).content_hash for v in values}
    assert len(hashes) == len(values)


def test_prompt_hash_is_everything_before_the_final_reply(analyzer: Analyzer) -> None:
    base = analyzer.record(raw(chat(S(), U("Q"), A("R1"))), 1)
    other_system = analyzer.record(raw(chat(S("Other."), U("Q"), A("R1"))), 2)
    no_reply = analyzer.record(raw(chat(S(), U("Q"))), 3)
    assert base.prompt_hash != other_system.prompt_hash
    assert no_reply.prompt_hash == b""


def test_record_and_records_agree(analyzer: Analyzer) -> None:
    raws = [raw(chat(U(f"Q{i}"), A(f"A{i}"))) for i in range(5)] + [b"", b"{bad", raw(pair())]
    assert analyzer.records(raws, 10) == [analyzer.record(r, 10 + i) for i, r in enumerate(raws)]


# ---- the fast parse gives exactly what parse_line gives -----------------------------------------
def test_keys_certified() -> None:
    assert keys_certified(b'{"a": 1, "b": {"c": 2}}', 3)
    assert not keys_certified(b'{"a": 1, "a": 2}', 1)  # one name kept, two written
    assert keys_certified(b'{"a" :\t1}', 1)  # spacing before a colon is fine
    assert not keys_certified(b'{"a": "say \\": here"}', 1)  # text that looks like a name: unsure
    assert not keys_certified(b'{"a": "x", "b" : "y", "a" : "z"}', 2)


_keys = st.sampled_from(["role", "content", "messages", "a", 'q"', "weight", "é"])
_scalars = st.one_of(
    st.text(max_size=8), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)
)
_spacing = st.sampled_from(["", " ", "  ", "\t"])


@st.composite
def json_objects(draw: st.DrawFn, depth: int = 0) -> str:
    """JSON object text, possibly repeating names, with odd spacing around the colons."""
    pairs = []
    for _ in range(draw(st.integers(0, 4))):
        key = json.dumps(draw(_keys), ensure_ascii=draw(st.booleans()))
        if depth < 2 and draw(st.booleans()):
            value = draw(json_objects(depth + 1))
        elif draw(st.booleans()):
            value = (
                "[" + ", ".join(draw(st.lists(st.builds(json.dumps, _scalars), max_size=3))) + "]"
            )
        else:
            value = json.dumps(draw(_scalars), ensure_ascii=draw(st.booleans()))
        pairs.append(f"{key}{draw(_spacing)}:{draw(_spacing)}{value}")
    return "{" + ", ".join(pairs) + "}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(json_objects(), st.text(max_size=30), st.binary(max_size=30)))
def test_summaries_match_the_plain_parser(line: str | bytes) -> None:
    data = line.encode() if isinstance(line, str) else line
    data = data.replace(b"\n", b" ")
    analyzer = Analyzer(MODEL)
    summary = analyzer.record(data, 5)
    assert summary.problems == tuple(check_line(data, parse_line(data), 5))
    parsed, certified = parse_fast(data)
    exact = parse_line(data)
    assert (parsed.kind, parsed.value) == (exact.kind, exact.value) or parsed.value != parsed.value
    if certified:
        assert parsed == exact


# ---- streaming a file ---------------------------------------------------------------------------
def expected(path: Path) -> list[Any]:
    analyzer = Analyzer(MODEL)
    return [analyzer.record(record.raw, i + 1) for i, record in enumerate(Dataset.open(path))]


@pytest.fixture
def small_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut files into ranges of a few hundred bytes and use workers even for tiny files."""
    monkeypatch.setattr(analysis, "RANGE_BYTES", 300)
    monkeypatch.setattr(analysis, "IN_PROCESS_BYTES", 0)


@pytest.mark.parametrize("path", REALWORLD, ids=lambda p: p.name[:30])
def test_file_matches_the_dataset_line_by_line(path: Path, small_ranges: None) -> None:
    result = analyze_file(path, MODEL, jobs=2)
    assert result.summaries == expected(path)
    assert result.file_bytes == path.stat().st_size


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xef\xbb\xbf",
        b"\n\n",
        b'\xef\xbb\xbf{"messages": [{"role": "user", "content": "Hi"}]}\r\n\r\n{bad}\r\nlast-no-newline\r',
        b"a\rb\n\r\n\xff\xfe\n" + b'{"messages": []}\n' * 40,
    ],
)
@pytest.mark.parametrize("jobs", [1, 2])
def test_odd_files_split_like_the_dataset(
    tmp_path: Path, data: bytes, jobs: int, small_ranges: None
) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_bytes(data)
    result = analyze_file(path, MODEL, jobs=jobs)
    assert result.summaries == expected(path)
    assert result.bom == data.startswith(b"\xef\xbb\xbf")
    assert Dataset.open(path).to_bytes() == data


def test_without_previews(tmp_path: Path, small_ranges: None) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(b"\n".join(raw(chat(U(f"Q{i}"), A("R"))) for i in range(30)))
    summaries = analyze_file(path, MODEL, jobs=2, previews=False).summaries
    assert [s.preview for s in summaries] == [""] * 30
    assert [s.tokens for s in summaries] == [s.tokens for s in expected(path)]


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(DatasetOpenError, match="could not be found"):
        analyze_file(tmp_path / "missing.jsonl")
    with pytest.raises(DatasetOpenError, match="is a folder"):
        analyze_file(tmp_path)
    afile = tmp_path / "file.jsonl"
    afile.write_text("{}")
    with pytest.raises(DatasetOpenError, match="could not be read"):
        analyze_file(afile / "inside.jsonl")


def test_prompt_hash_with_tool_calls(analyzer: Analyzer) -> None:
    def example(call_id: str, reply: str) -> dict[str, Any]:
        calls = [{"id": call_id, "type": "function", "function": {"name": "f", "arguments": "{}"}}]
        return chat(
            U("Weather?"),
            {"role": "assistant", "tool_calls": calls},
            {"role": "tool", "tool_call_id": call_id, "content": "sunny"},
            A(reply),
            tools=[{"type": "function", "function": {"name": "f"}}],
        )

    a, b, c = (
        analyzer.record(raw(example(i, r)), 1)
        for i, r in (("c1", "Sunny."), ("c2", "Sunny."), ("c1", "Rain."))
    )
    assert a.prompt_hash != b.prompt_hash  # the call ids differ, so the conversations differ
    assert a.prompt_hash == c.prompt_hash and a.content_hash != c.content_hash


def test_spawned_workers_when_threads_run(tmp_path: Path, small_ranges: None) -> None:
    """With another thread alive, fork is unsafe: the workers are spawned, with the same result."""
    import threading

    path = REALWORLD[0]
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait, name="busy-gui-thread")
    helper.start()
    try:
        result = analyze_file(path, MODEL, jobs=2)
    finally:
        stop.set()
        helper.join()
    assert result.summaries == expected(path)


def test_without_voice_no_features_are_measured(tmp_path: Path) -> None:
    """`validate --no-voice` reads no voice features, so none are measured (the rest stays)."""
    raws = [raw(chat(S(), U(f"Question {i}?"), A(f"Answer {i}, best regards."))) for i in range(5)]
    voiced = Analyzer(MODEL).records(raws, 1)
    plain = Analyzer(MODEL, voice=False).records(raws, 1)
    assert all(s.voice is not None for s in voiced)
    assert all(s.voice is None for s in plain)
    assert [replace(s, voice=None) for s in voiced] == plain
    path = tmp_path / "d.jsonl"
    path.write_bytes(b"\n".join(raws) + b"\n")
    assert all(s.voice is None for s in analyze_file(path, MODEL, jobs=1, voice=False).summaries)
    assert all(s.voice is not None for s in analyze_file(path, MODEL, jobs=1).summaries)
