"""The OpenAI provider, on the real openai client over real HTTP, against the practice server."""

from __future__ import annotations

import threading

import pytest

from desktop_app.core.practice_server import PracticeConfig, PracticeServer
from desktop_app.core.providers.base import (
    CLIENT_TOKEN_KEY,
    ChatMessage,
    JobRequest,
    JobStatus,
    UploadSource,
    parse_result_csv,
)
from desktop_app.core.providers.errors import (
    AuthError,
    NotFoundError,
    OperationCancelled,
    ValidationError,
)
from desktop_app.core.providers.openai_provider import OpenAIProvider
from desktop_app.core.providers.retry import RetryPolicy


def test_upload_reports_progress_and_returns_the_file(provider, source, server) -> None:
    seen: list[tuple[int, int]] = []
    ref = provider.upload_file(source, progress=lambda sent, total: seen.append((sent, total)))

    assert ref.id.startswith("file-") and ref.bytes == source.size and ref.filename == "train.jsonl"
    assert seen[-1] == (source.size, source.size)
    assert [s for s, _ in seen] == sorted(s for s, _ in seen)
    assert server.api.file_content(ref.id) == source.data
    assert provider.get_file(ref.id) == ref


def test_a_whole_job_through_the_interface(provider, source, until_done) -> None:
    training = provider.upload_file(source)
    job = provider.create_job(
        JobRequest(
            model="gpt-4o-mini", training_file=training.id, suffix="support", n_epochs=3, seed=7
        )
    )
    assert job.status == JobStatus.VALIDATING_FILES and not job.is_terminal
    assert job.metadata[CLIENT_TOKEN_KEY]  # the create carried its client token

    done = until_done(provider, job.id)

    assert done.status == JobStatus.SUCCEEDED and done.is_terminal
    assert done.status_label == "Finished — the model is ready"
    assert done.suffix == "support" and done.seed == 7 and done.method == "supervised"
    assert done.hyperparameters["n_epochs"] == 3
    assert done.fine_tuned_model and done.fine_tuned_model.startswith(
        "ft:gpt-4o-mini-2024-07-18:practice:support:"
    )
    events = provider.list_events(job.id, limit=1000).items
    metrics = [e.metrics for e in events if e.metrics is not None]
    assert metrics and metrics[0].step == 36 and metrics[0].total_steps == 36  # newest first
    assert metrics[0].train_loss is not None and metrics[0].train_loss < metrics[-1].train_loss  # type: ignore[operator]
    checkpoints = provider.list_checkpoints(job.id).items
    assert [c.step for c in checkpoints] == [36, 24, 12]
    assert checkpoints[0].model.endswith(":ckpt-step-36") and checkpoints[0].job_id == job.id
    rows = parse_result_csv(provider.download_result_file(done.result_files[0]))
    assert len(rows) == 36 and rows[-1].step == 36 and rows[0].train_loss is not None


def test_jobs_are_listed_a_page_at_a_time(provider, source) -> None:
    training = provider.upload_file(source)
    ids = [
        provider.create_job(JobRequest(model="gpt-4o-mini", training_file=training.id)).id
        for _ in range(3)
    ]

    first = provider.list_jobs(limit=2)
    second = provider.list_jobs(limit=2, after=first.next_after)

    assert [j.id for j in first.items + second.items] == ids[::-1]
    assert first.has_more and first.next_after == ids[1]
    assert not second.has_more and second.next_after is None


def test_pause_resume_and_cancel(training_data) -> None:
    with (
        PracticeServer(pace=5) as server,
        OpenAIProvider(api_key="k", base_url=server.base_url) as provider,
    ):
        training = provider.upload_file(UploadSource.from_bytes(training_data(), "t.jsonl"))
        job = provider.create_job(JobRequest(model="gpt-4o-mini", training_file=training.id))
        for _ in range(2000):
            if provider.get_job(job.id).status == JobStatus.RUNNING:
                break
            threading.Event().wait(0.005)
        assert provider.pause_job(job.id).status == JobStatus.PAUSED
        assert provider.resume_job(job.id).status == JobStatus.RUNNING
        cancelled = provider.cancel_job(job.id)
        with pytest.raises(ValidationError) as again:
            provider.cancel_job(job.id)
    assert cancelled.status == JobStatus.CANCELLED and cancelled.is_terminal
    assert "cannot be cancelled" in again.value.message
    assert again.value.status == 400


def test_a_failed_job_is_explained_in_plain_words(provider, training_data, until_done) -> None:
    training = provider.upload_file(UploadSource.from_bytes(training_data(4), "small.jsonl"))
    done = until_done(
        provider, provider.create_job(JobRequest(model="gpt-4o-mini", training_file=training.id)).id
    )

    assert done.status == JobStatus.FAILED and done.error is not None
    assert done.error.code == "invalid_n_examples"
    what, step = done.error.explain()
    assert "Training file has 4 example(s), but must have at least 10 examples" in what
    assert "at least 10" in step


def test_an_invalid_example_is_named(provider, training_data, until_done) -> None:
    lines = training_data(12).split(b"\n")
    lines[6] = b'{"messages": [{"role": "user", "content": "hi"}]}'
    training = provider.upload_file(UploadSource.from_bytes(b"\n".join(lines), "t.jsonl"))
    done = until_done(
        provider, provider.create_job(JobRequest(model="gpt-4o-mini", training_file=training.id)).id
    )

    assert done.error is not None and done.error.code == "invalid_training_file"
    assert done.error.example_number == 7
    assert "Example 7 is the problem" in done.error.explain()[0]


def test_chat_and_streaming_with_the_tuned_model(provider, source, until_done) -> None:
    training = provider.upload_file(source)
    done = until_done(
        provider, provider.create_job(JobRequest(model="gpt-4o-mini", training_file=training.id)).id
    )
    assert done.fine_tuned_model is not None
    question = [ChatMessage("user", "How do I reset my password (5)?")]

    reply = provider.chat(done.fine_tuned_model, question)
    streamed = "".join(provider.chat_stream(done.fine_tuned_model, question))

    assert reply.text == "Open Settings, then Security, then Reset (5)." == streamed
    assert reply.finish_reason == "stop" and reply.model == done.fine_tuned_model
    assert reply.prompt_tokens and reply.completion_tokens


def test_a_stream_stops_when_cancelled(server, provider) -> None:
    server.config.chat_piece_delay = 50.0  # 1/60 s per piece at this pace: the reply takes a while
    cancel = threading.Event()
    pieces = []
    stream = provider.chat_stream(
        "gpt-4o-mini", [ChatMessage("user", "Tell me everything about passwords")], cancel=cancel
    )
    for piece in stream:
        pieces.append(piece)
        if len(pieces) == 3:
            cancel.set()

    assert len(pieces) == 3
    full = provider.chat(
        "gpt-4o-mini", [ChatMessage("user", "Tell me everything about passwords")]
    ).text
    assert len("".join(pieces)) < len(full)


def test_models_carry_shutdown_dates(provider) -> None:
    models = {m.id: m for m in provider.list_models()}

    assert models["gpt-4.1-2025-04-14"].shutdown_date == "2027-01-14"
    assert not models["gpt-4.1-2025-04-14"].is_fine_tuned


def test_check_connection_and_a_revoked_key() -> None:
    config = PracticeConfig(revoked_keys=frozenset({"sk-old-key-1234"}))
    with PracticeServer(config=config) as server:
        with OpenAIProvider(api_key="sk-good-key-5678", base_url=server.base_url) as good:
            assert good.check_connection() == "Connected to OpenAI: the key works."
        with (
            OpenAIProvider(api_key="sk-old-key-1234", base_url=server.base_url) as revoked,
            pytest.raises(AuthError) as rejected,
        ):
            revoked.list_jobs()
    assert rejected.value.message == "Your API key was rejected by OpenAI."
    assert rejected.value.next_step.startswith("Open Training → Keys and Providers…")
    assert "sk-old-key-1234" not in str(rejected.value) + rejected.value.technical


def test_not_found_names_what_is_missing(provider) -> None:
    with pytest.raises(NotFoundError) as missing:
        provider.get_job("ftjob-nothere")

    assert missing.value.message == "The job “ftjob-nothere” was not found at the practice server."


def test_a_cancelled_upload_raises_and_sends_nothing_usable(
    provider, server, training_data
) -> None:
    cancel = threading.Event()
    big = UploadSource.from_bytes(training_data(20000), "big.jsonl")

    def stop_halfway(sent: int, total: int) -> None:
        if sent > total // 4:
            cancel.set()

    with pytest.raises(OperationCancelled):
        provider.upload_file(big, progress=stop_halfway, cancel=cancel)
    assert [f for f in server.api.list_files({})["data"] if f["filename"] == "big.jsonl"] == []


def test_the_key_never_shows_in_a_repr(server) -> None:
    provider = OpenAIProvider(
        api_key="sk-do-not-print-me-123",
        base_url=server.base_url,
        retry=RetryPolicy(max_attempts=1),
    )
    try:
        assert "sk-do-not-print-me" not in repr(provider) + str(vars(provider).get("timeouts"))
    finally:
        provider.close()
