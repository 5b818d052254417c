"""Comparisons: prompts from data and files, runs against the practice server over real HTTP,
failures (missing model, rate limit, timeout), cancelling, blind rating, saving and CSV export."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.core.compare_support import (
    BASE_MODEL,
    QUICK_RETRY,
    SYSTEM,
    answer,
    example,
    examples,
    jsonl,
    practice_provider,
    question,
    train,
)

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.dataset.split import split_indexes
from desktop_app.core.errors import DatasetOpenError
from desktop_app.core.practice_server import Fault, PracticeServer
from desktop_app.core.providers.base import ChatMessage
from desktop_app.core.tokens.counts import TokenCounter
from desktop_app.core.trying.comparison import (
    TIE,
    A,
    B,
    CompareError,
    Comparison,
    Reply,
    Result,
    RunSettings,
)
from desktop_app.core.trying.comparison_run import (
    Price,
    RunReport,
    SideEstimate,
    estimate_run,
    inference_price,
    run_comparison,
)
from desktop_app.core.trying.endpoints import Endpoint, ProviderPool
from desktop_app.core.trying.prompts import (
    prompt_from_value,
    prompts_from_dataset,
    read_prompts,
    validation_prompts,
)


@pytest.fixture(scope="module")
def trained() -> Iterator[tuple[PracticeServer, str]]:
    """One practice server for the module, with a model trained on the fern examples."""
    server = PracticeServer(pace=3000).start()
    try:
        yield server, train(server)
    finally:
        server.stop()


@pytest.fixture
def server(trained: tuple[PracticeServer, str]) -> Iterator[PracticeServer]:
    practice = trained[0]
    practice.faults.clear()
    practice.config.chat_piece_delay = 0.0
    yield practice
    practice.faults.clear()
    practice.config.chat_piece_delay = 0.0


@pytest.fixture
def tuned(trained: tuple[PracticeServer, str]) -> str:
    return trained[1]


def make_comparison(server: PracticeServer, model_a: str, model_b: str, count: int = 4, **kw):
    prompts = prompts_from_dataset(Dataset.from_values(examples(count))).prompts
    settings = RunSettings(**kw)
    return Comparison.create(
        prompts,
        Endpoint("practice", model_a, server.base_url),
        Endpoint("practice", model_b, server.base_url),
        settings=settings,
        seed=7,
    )


def run(comparison: Comparison, server: PracticeServer, *, read: float = 10.0, cancel=None):
    results: list[tuple[Result, int]] = []

    def on_result(result: Result) -> None:
        results.append((result, threading.get_ident()))
        comparison.apply(result)

    with practice_provider(server, read) as pa, practice_provider(server, read) as pb:
        report = run_comparison(
            comparison, (pa, pb), cancel=cancel or threading.Event(), on_result=on_result
        )
    return report, results


def chat_requests(server: PracticeServer) -> int:
    return sum(1 for r in server.requests if r.path.endswith("/chat/completions"))


# ---- prompts --------------------------------------------------------------------------------
def test_a_prompt_is_the_conversation_before_the_last_reply() -> None:
    value = {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": [{"type": "text", "text": "Name a fern."}]},
            {"role": "assistant", "content": "Maidenhair.", "weight": 1},
        ]
    }
    prompt = prompt_from_value(value, "example 1")

    assert not isinstance(prompt, str)
    assert [m.role for m in prompt.messages] == ["system", "user", "assistant", "user"]
    assert prompt.text == "Name a fern." and prompt.reference == "Maidenhair."
    assert prompt.system == "Be brief."
    assert prompt.history == (ChatMessage("user", "Hi"), ChatMessage("assistant", "Hello!"))


def test_prompts_without_a_reply_or_from_preference_pairs() -> None:
    open_question = prompt_from_value({"messages": [{"role": "user", "content": "Why?"}]}, "x")
    pair = prompt_from_value(
        {
            "input": {"messages": [{"role": "user", "content": "Pick one"}]},
            "preferred_output": [{"role": "assistant", "content": "This one"}],
            "non_preferred_output": [{"role": "assistant", "content": "That one"}],
        },
        "y",
    )

    assert not isinstance(open_question, str) and open_question.reference is None
    assert not isinstance(pair, str) and pair.reference == "This one"
    assert pair.text == "Pick one"


def test_what_cannot_be_a_prompt_is_listed_with_the_reason() -> None:
    tools = {
        "messages": [
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "tool_calls": [{"id": "1", "type": "function"}]},
            {"role": "tool", "content": "sunny", "tool_call_id": "1"},
            {"role": "assistant", "content": "Sunny."},
        ]
    }
    dataset = Dataset.from_bytes(
        jsonl([example(1), tools, {"text": "hello"}]) + b"{broken\n\n" + jsonl([example(2)])
    )

    found = prompts_from_dataset(dataset)

    assert [p.source for p in found.prompts] == ["example 1", "example 6"]
    assert found.skipped == [
        ("example 2", "it uses tools, which the comparison cannot send"),
        ("example 3", "it is neither a chat example nor a preference pair"),
        ("example 4", "it is not valid JSON"),
    ]
    assert found.skipped_summary().startswith("3 entries were left out (example 2: it uses tools")


def test_selected_examples_and_the_validation_share() -> None:
    dataset = Dataset.from_values(examples(30))

    chosen = prompts_from_dataset(dataset, [4, 2, 2])
    validation = validation_prompts(dataset, 0.2, seed=3)

    assert [p.source for p in chosen.prompts] == ["example 3", "example 5"]
    expected = split_indexes(dataset, 0.2, 3).validation
    assert [p.source for p in validation.prompts] == [f"example {i + 1}" for i in expected]
    assert len(validation.prompts) == 6


def test_prompt_files_jsonl_csv_tsv_text_and_json(tmp_path: Path) -> None:
    (tmp_path / "p.jsonl").write_bytes(b"\xef\xbb\xbf" + jsonl([example(1)]) + b"oops\n")
    (tmp_path / "p.csv").write_text(
        'Question,Expected,System\n"Why, though?","Because.",Be kind\n,,\n,orphan reference,\n',
        encoding="utf-8",
    )
    (tmp_path / "noheader.csv").write_text("What is moss?;A small plant\n", encoding="utf-8")
    (tmp_path / "p.tsv").write_text("prompt\treference\nHi\tHello\n", encoding="utf-8")
    (tmp_path / "p.txt").write_text("First question\n\n  Second question  \n", encoding="utf-8")
    (tmp_path / "p.json").write_text(json.dumps([example(3)]), encoding="utf-8")
    (tmp_path / "win.csv").write_bytes("prompt\nCafé olé\n".encode("cp1252"))

    from_jsonl = read_prompts(tmp_path / "p.jsonl")
    from_csv = read_prompts(tmp_path / "p.csv")
    no_header = read_prompts(tmp_path / "noheader.csv")

    assert from_jsonl.prompts[0].reference == answer(1)
    assert from_jsonl.skipped == [("line 2", "it is not valid JSON")]
    assert [(p.text, p.reference, p.system) for p in from_csv.prompts] == [
        ("Why, though?", "Because.", "Be kind")
    ]
    assert from_csv.skipped == [("row 4", "the prompt cell is empty")]
    assert [(p.text, p.reference) for p in no_header.prompts] == [
        ("What is moss?", "A small plant")
    ]
    assert [(p.text, p.reference) for p in read_prompts(tmp_path / "p.tsv").prompts] == [
        ("Hi", "Hello")
    ]
    text = read_prompts(tmp_path / "p.txt").prompts
    assert [(p.text, p.source) for p in text] == [
        ("First question", "line 1"),
        ("Second question", "line 3"),
    ]
    assert read_prompts(tmp_path / "p.json").prompts[0].source == "item 1"
    assert read_prompts(tmp_path / "win.csv").prompts[0].text == "Café olé"


def test_unusable_prompt_files_say_why(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("\n\n", encoding="utf-8")
    (tmp_path / "other.jsonl").write_bytes(jsonl([{"text": "x"}]))

    with pytest.raises(CompareError) as empty:
        read_prompts(tmp_path / "empty.txt")
    with pytest.raises(CompareError) as other:
        read_prompts(tmp_path / "other.jsonl")
    with pytest.raises(DatasetOpenError) as missing:
        read_prompts(tmp_path / "nowhere.csv")

    assert empty.value.message == "“empty.txt” has no prompts the comparison can use."
    assert "line 1: it is neither a chat example" in other.value.message
    assert missing.value.message.endswith("could not be found.")


# ---- running against the practice server ---------------------------------------------------
def test_a_run_fills_every_row_reported_on_the_thread_that_runs_it(server, tuned) -> None:
    """Requests go out on the run's own pool threads, but every result is reported on the thread
    that called run_comparison (in the app a Qt pool thread, the only one that may emit)."""
    comparison = make_comparison(server, BASE_MODEL, tuned, count=5, concurrency=3)
    outcome: list[tuple[RunReport, list[tuple[Result, int]]]] = []
    callers: list[int] = []

    def worker() -> None:
        callers.append(threading.get_ident())
        report, results = run(comparison, server)
        outcome.append((report, results))

    thread = threading.Thread(target=worker, name="the-worker")
    thread.start()
    thread.join()

    report, results = outcome[0]
    assert (report.asked, report.answered, report.failed, report.cancelled) == (10, 10, 0, False)
    assert len(results) == 10 and {ident for _, ident in results} == set(callers)
    assert comparison.finished and not comparison.pending()
    for number, row in enumerate(comparison.rows, 1):
        assert row.b is not None and row.b.text == answer(number) == row.prompt.reference
        assert row.a is not None and row.a.text.startswith("Thanks for asking about")
        assert row.a.seconds is not None and row.a.seconds >= 0


def test_a_model_that_does_not_exist_fails_plainly_and_is_asked_once(server) -> None:
    comparison = make_comparison(server, BASE_MODEL, "ft:gpt-4o-mini:org:gone:abc", concurrency=1)
    before = chat_requests(server)

    report, _ = run(comparison, server)

    assert report.answered == 4 and report.failed == 4
    assert chat_requests(server) - before == 5  # four for A, one for B
    first, *rest = [row.b for row in comparison.rows]
    assert first is not None and first.sent and first.error_type == "ModelUnavailableError"
    assert first.error == (
        "This model isn't available: “ft:gpt-4o-mini:org:gone:abc” at the practice server. "
        "It may have been shut down, or (on Azure) not deployed yet."
    )
    assert all(r is not None and not r.sent and r.error == first.error for r in rest)
    assert all(row.a is not None and row.a.ok for row in comparison.rows)
    assert comparison.pending() == [(i, B) for i in range(4)]


def test_a_rate_limited_prompt_fails_alone(server, tuned) -> None:
    server.faults.add(Fault("status", path=r"/chat/completions$", status=429, times=3))
    comparison = make_comparison(server, BASE_MODEL, tuned, count=3, concurrency=1)

    report, _ = run(comparison, server)

    assert report.failed == 1 and report.answered == 5
    failed = comparison.rows[0].a
    assert failed is not None and failed.error_type == "RateLimitError"
    assert failed.error == "The practice server is busy (rate limit)."
    assert failed.next_step == "Wait a minute and try again."
    assert comparison.pending() == [(0, A)]


def test_a_timed_out_prompt_fails_alone_and_runs_again(server, tuned) -> None:
    server.faults.add(Fault("slow", path=r"/chat/completions$", delay=1.5, times=3))
    comparison = make_comparison(server, BASE_MODEL, tuned, count=3, concurrency=1)

    run(comparison, server, read=0.3)

    timed_out = comparison.rows[0].a
    assert timed_out is not None and timed_out.error_type == "RequestTimeoutError"
    assert timed_out.error == "The practice server did not answer in time."
    assert sum(1 for row in comparison.rows for r in (row.a, row.b) if r is not None and r.ok) == 5

    report, _ = run(comparison, server)  # the next run asks only what failed

    assert report.asked == 1 and comparison.finished
    assert all(r is not None and r.ok for row in comparison.rows for r in (row.a, row.b))


def test_a_cancelled_run_keeps_what_arrived(server, tuned) -> None:
    server.config.chat_piece_delay = 5.0  # slow pieces: a request takes a while
    comparison = make_comparison(server, BASE_MODEL, tuned, count=6, concurrency=1)
    cancel = threading.Event()
    arrived: list[Result] = []

    def on_result(result: Result) -> None:
        arrived.append(result)
        comparison.apply(result)
        if len(arrived) == 2:
            cancel.set()

    with practice_provider(server) as pa, practice_provider(server) as pb:
        report = run_comparison(comparison, (pa, pb), cancel=cancel, on_result=on_result)

    assert report.cancelled and report.answered == 2
    assert [(r.row, r.side) for r in arrived] == [(0, A), (0, B)]
    assert comparison.rows[0].answered and not any(r.answered for r in comparison.rows[1:])
    assert len(comparison.pending()) == 10


# ---- the estimate ---------------------------------------------------------------------------
def test_the_estimate_counts_tokens_and_knows_what_is_free(server, tuned) -> None:
    comparison = make_comparison(server, BASE_MODEL, tuned, count=3, max_tokens=5)
    counter = TokenCounter(BASE_MODEL)
    expected_in = sum(
        counter.count_example({"messages": [m.to_dict() for m in row.prompt.messages]}).total
        for row in comparison.rows
    )

    estimate = estimate_run(comparison)

    assert estimate.a.input_tokens == expected_in and estimate.a.requests == 3
    assert estimate.a.expected_output_tokens == 15  # references are longer than max_tokens
    assert estimate.a.max_output_tokens == 15
    assert estimate.cost == 0.0
    assert "free (practice mode)" in estimate.lines()[0]


def test_an_unknown_price_is_said_and_a_known_one_is_used() -> None:
    price, note = inference_price(Endpoint("together", "meta-llama/Llama-3-8b"))
    local_price, local_note = inference_price(Endpoint("local", "llama3.2", "http://x/v1"))
    priced = SideEstimate(
        Endpoint("openai", "ft:gpt-4o-mini:o::x"), 2, 1_000_000, 500_000, 2_000, Price(0.3, 1.2), ""
    )

    assert price is None and note.startswith("unknown price")
    assert local_price == Price(0.0, 0.0) and local_note == "free (runs on this computer)"
    assert priced.cost == pytest.approx(0.3 + 0.6)
    assert priced.max_cost == pytest.approx(0.3 + 0.0024)
    assert priced.sentence().endswith("about $0.90, at most $0.30")


# ---- rating, saving, exporting --------------------------------------------------------------
def test_blind_order_is_seeded_and_ratings_map_through_it() -> None:
    prompts = prompts_from_dataset(Dataset.from_values(examples(40))).prompts
    a, b = Endpoint("practice", "base"), Endpoint("practice", "tuned")
    one = Comparison.create(prompts, a, b, seed=11)
    same = Comparison.create(prompts, a, b, seed=11)
    other = Comparison.create(prompts, a, b, seed=12)

    flips = [row.flipped for row in one.rows]
    assert flips == [row.flipped for row in same.rows]
    assert flips != [row.flipped for row in other.rows]
    assert 5 < sum(flips) < 35  # both orders occur

    flipped = flips.index(True)
    straight = flips.index(False)
    assert one.rate_blind(flipped, "1") == B and one.rows[flipped].rating == B
    assert one.rate_blind(straight, "1") == A
    assert one.rate_blind(0 if 0 not in (flipped, straight) else 2, "tie") == TIE


def test_the_summary_gives_the_win_rate_with_its_count() -> None:
    comparison = Comparison.create(
        prompts_from_dataset(Dataset.from_values(examples(6))).prompts,
        Endpoint("practice", "base-model"),
        Endpoint("practice", "tuned-model"),
        seed=1,
    )
    for index, rating in enumerate([B, B, B, A, TIE]):
        comparison.set_rating(index, rating)

    summary = comparison.summary()

    assert (summary.rated, summary.a_wins, summary.b_wins, summary.ties) == (5, 1, 3, 1)
    assert summary.win_rate(B) == pytest.approx(0.6)
    assert summary.sentence("base-model", "tuned-model") == (
        "tuned-model won 3 of 5 rated prompts (60%); base-model won 1; 1 tie."
    )


def test_next_unrated_skips_rated_and_failed_rows() -> None:
    comparison = Comparison.create(
        prompts_from_dataset(Dataset.from_values(examples(4))).prompts,
        Endpoint("practice", "x"),
        Endpoint("practice", "y"),
        seed=1,
    )
    for index in range(4):
        comparison.apply(Result(index, A, Reply("a")))
        comparison.apply(Result(index, B, Reply("b") if index != 2 else Reply(error="boom")))
    comparison.set_rating(1, TIE)

    assert comparison.next_unrated() == 0
    assert comparison.next_unrated(0) == 3
    assert comparison.next_unrated(3) == 0


def test_saved_comparisons_come_back_whole(tmp_path: Path, app_home: Path) -> None:
    dataset_path = tmp_path / "ferns.jsonl"
    comparison = Comparison.create(
        prompts_from_dataset(Dataset.from_values(examples(3))).prompts,
        Endpoint("openai", "gpt-4o-mini", account="work"),
        Endpoint("local", "fern-model", "http://localhost:11434/v1", preset="ollama"),
        seed=5,
        settings=RunSettings(max_tokens=200, temperature=0.2, concurrency=2),
        source="validation share of ferns.jsonl",
        dataset_path=str(dataset_path),
    )
    comparison.apply(Result(0, A, Reply("first", seconds=1.5)))
    comparison.apply(Result(0, B, Reply(error="Busy.", next_step="Wait.", error_type="X")))
    comparison.set_rating(1, TIE)

    saved = comparison.save()
    again = Comparison.load(saved)
    beside_nothing = Comparison.create(
        [row.prompt for row in comparison.rows], comparison.a, comparison.b, seed=1
    )

    assert saved.parent == tmp_path and saved.name.startswith("ferns.comparison-")
    assert again.to_json() == comparison.to_json()
    assert again.path == saved and again.rows[0].b is not None and again.rows[0].b.error == "Busy."
    assert [r.flipped for r in again.rows] == [r.flipped for r in comparison.rows]
    assert beside_nothing.save().parent == app_home / "data" / "comparisons"


def test_files_that_are_not_comparisons_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"kind": "something else"}', encoding="utf-8")
    (tmp_path / "new.json").write_text(
        '{"kind": "finetune-studio-comparison", "schema_version": 99}', encoding="utf-8"
    )

    with pytest.raises(CompareError) as other:
        Comparison.load(tmp_path / "x.json")
    with pytest.raises(CompareError) as newer:
        Comparison.load(tmp_path / "new.json")

    assert other.value.message == "“x.json” is not a saved comparison."
    assert newer.value.next_step == "Update Finetune Studio to open it."


def test_csv_export_has_every_column_and_is_spreadsheet_safe(tmp_path: Path) -> None:
    value = example(1)
    value["messages"][1]["content"] = "=SUM(A1:A3) is what?"
    comparison = Comparison.create(
        prompts_from_dataset(Dataset.from_values([value, example(2)])).prompts,
        Endpoint("practice", "base"),
        Endpoint("practice", "tuned"),
        seed=3,
    )
    comparison.apply(Result(0, A, Reply("- a list item\n- another")))
    comparison.apply(Result(0, B, Reply("-1+2")))
    comparison.apply(Result(1, A, Reply(error="The model is busy.", next_step="Wait.")))
    comparison.set_rating(0, B)

    path = comparison.export_csv(tmp_path / "out.csv")
    raw = path.read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))

    assert raw.startswith(b"\xef\xbb\xbf")
    assert rows[0]["prompt"] == "'=SUM(A1:A3) is what?"
    assert rows[0]["system"] == SYSTEM and rows[0]["reference"] == answer(1)
    assert rows[0]["reply_a"] == "- a list item\n- another"
    assert rows[0]["reply_b"] == "'-1+2"
    assert (rows[0]["rating"], rows[0]["better_model"]) == ("B", "tuned")
    assert rows[1]["problem_a"] == "The model is busy. Wait."
    assert rows[1]["problem_b"] == "not asked yet" and rows[1]["rating"] == ""
    assert rows[1]["prompt"] == question(2)


def test_a_side_without_a_key_fails_plainly_while_the_other_answers(server) -> None:
    comparison = make_comparison(server, BASE_MODEL, "gpt-4o-mini", count=3)
    comparison.b = Endpoint("openai", "gpt-4o-mini")  # no OpenAI key is stored in this test

    pool = ProviderPool(retry=QUICK_RETRY)
    try:
        report = run_comparison(
            comparison, pool.get, cancel=threading.Event(), on_result=comparison.apply
        )
    finally:
        pool.close()

    assert report.answered == 3 and report.failed == 3
    assert all(row.a is not None and row.a.ok for row in comparison.rows)
    replies = [row.b for row in comparison.rows]
    assert all(r is not None and not r.sent and r.error_type == "MissingKeyError" for r in replies)
    assert replies[0].error == "There is no API key for OpenAI yet."


def test_a_first_save_goes_to_the_data_folder_when_the_dataset_folder_is_unusable(
    tmp_path: Path, app_home: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    comparison = Comparison.create(
        prompts_from_dataset(Dataset.from_values(examples(2))).prompts,
        Endpoint("practice", "a"),
        Endpoint("practice", "b"),
        dataset_path=str(blocker / "ferns.jsonl"),
    )

    saved = comparison.save()

    assert saved.parent == app_home / "data" / "comparisons"
    assert saved.name.startswith("ferns.comparison-")
    with pytest.raises(CompareError) as refused:
        comparison.export_csv(blocker / "out.csv")
    assert refused.value.message.startswith("“out.csv” could not be written")
