"""The practice server's simulated jobs, driven by the real openai client over HTTP."""

from __future__ import annotations

import base64
import csv
import io
import json
import time
from typing import Any

import httpx2
import openai
import pytest

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.practice_server import PracticeConfig, PracticeServer, simulation
from desktop_app.core.tokens.stats import compute_stats


def test_a_job_runs_from_validation_to_a_tuned_model(client, upload, make_jsonl, finished) -> None:
    job = client.fine_tuning.jobs.create(
        model="gpt-4o-mini", training_file=upload(make_jsonl(12)), suffix="garden"
    )
    assert job.status == "validating_files"
    assert job.model == "gpt-4o-mini-2024-07-18"  # the alias resolves to the snapshot

    done: Any = finished(job.id)

    assert done.status == "succeeded"
    assert done.fine_tuned_model == f"ft:gpt-4o-mini-2024-07-18:practice:garden:{job.id[-8:]}"
    assert done.finished_at >= done.created_at
    assert done.hyperparameters.n_epochs == 8  # the Cookbook's automatic epochs for 12 examples
    assert done.trained_tokens > 0
    assert done.estimated_finish is None
    assert len(done.result_files) == 1


def test_statuses_and_metrics_tell_a_believable_story(client, upload, make_jsonl, finished) -> None:
    job = client.fine_tuning.jobs.create(
        model="gpt-4.1-mini",
        training_file=upload(make_jsonl(20)),
        validation_file=upload(make_jsonl(5), "valid.jsonl"),
    )
    finished(job.id)
    events = list(reversed(client.fine_tuning.jobs.list_events(job.id, limit=1000).data))
    messages = [e.message for e in events]

    assert messages[0].startswith("Created fine-tuning job")
    assert messages.index("Files validated, moving job to queued state") < messages.index(
        "Fine-tuning job started"
    )
    assert messages[-1] == "The job has successfully completed"
    metrics = [e.data for e in events if e.type == "metrics"]
    steps = [m["step"] for m in metrics]
    assert steps == sorted(steps) and steps[-1] == metrics[-1]["total_steps"] == 100
    first, last = metrics[0], metrics[-1]
    assert last["train_loss"] < first["train_loss"] / 2
    assert last["train_mean_token_accuracy"] > first["train_mean_token_accuracy"]
    assert any("valid_loss" in m for m in metrics)
    assert "full_valid_loss" in last  # the last step ends an epoch
    created = [e.created_at for e in events]
    assert created == sorted(created)


def test_checkpoints_one_per_epoch_and_only_the_last_three_are_kept(
    client, upload, make_jsonl, finished
) -> None:
    job = client.fine_tuning.jobs.create(
        model="gpt-4o-mini",
        training_file=upload(make_jsonl(10)),
        method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 5}}},
    )
    finished(job.id)
    checkpoints = client.fine_tuning.jobs.checkpoints.list(job.id).data

    assert [c.step_number for c in checkpoints] == [50, 40, 30]  # newest first
    assert all(
        c.fine_tuned_model_checkpoint.endswith(f":ckpt-step-{c.step_number}") for c in checkpoints
    )
    assert all(c.metrics.train_loss is not None for c in checkpoints)
    events = client.fine_tuning.jobs.list_events(job.id, limit=1000).data
    assert sum(e.message.startswith("Checkpoint created") for e in events) == 5


@pytest.mark.parametrize("as_base64", [True, False])
def test_the_result_file_is_a_results_csv(as_base64: bool, make_jsonl) -> None:
    config = PracticeConfig(pace=3000, results_base64=as_base64)
    with (
        PracticeServer(config=config) as server,
        openai.OpenAI(api_key="k", base_url=server.base_url, max_retries=0) as client,
    ):
        file_id = client.files.create(file=("t.jsonl", make_jsonl(10)), purpose="fine-tune").id
        job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id)
        for _ in range(2000):
            job = client.fine_tuning.jobs.retrieve(job.id)
            if job.status == "succeeded":
                break
            time.sleep(0.005)
        raw = client.files.content(job.result_files[0]).read()
        assert client.files.retrieve(job.result_files[0]).purpose == "fine-tune-results"

    text = base64.b64decode(raw).decode() if as_base64 else raw.decode()
    assert (b"," not in raw) is as_base64
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "step",
        "train_loss",
        "train_accuracy",
        "valid_loss",
        "valid_mean_token_accuracy",
    ]
    assert rows[-1]["step"] == "100" and rows[0]["valid_loss"] == ""


def test_fewer_than_ten_examples_fail_the_way_openai_reports_it(
    client, upload, make_jsonl, finished
) -> None:
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=upload(make_jsonl(7)))
    done: Any = finished(job.id)

    assert done.status == "failed"
    assert done.error.code == "invalid_n_examples"
    assert done.error.param == "training_file"
    assert (
        done.error.message == "Training file has 7 example(s), but must have at least 10 examples"
    )
    assert done.fine_tuned_model is None and done.finished_at is not None


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("{not json", "Example 4 is not valid JSON."),
        (
            '{"messages": [{"content": "hi"}, {"role": "assistant", "content": "yo"}]}',
            "Example 4, message 1 Discriminator 'role' is missing in value",
        ),
        ('{"messages": [{"role": "user", "content": "hi"}]}', "Example 4 has no assistant message"),
        ('{"prompt": "hi", "completion": "yo"}', "Example 4 contains an extra “prompt”."),
        (
            '{"messages": [{"role": "user", "content": "<|endoftext|>"}, {"role": "assistant", "content": "x"}]}',
            "Example 4: Message 1 contains <|endoftext|>",
        ),
    ],
)
def test_an_invalid_example_fails_the_job_naming_it(
    bad_line: str, expected: str, client, upload, make_jsonl, finished
) -> None:
    lines = make_jsonl(12).decode().splitlines()
    lines[3] = bad_line
    job = client.fine_tuning.jobs.create(
        model="gpt-4o-mini", training_file=upload(("\n".join(lines) + "\n").encode())
    )
    done: Any = finished(job.id)

    assert done.status == "failed"
    assert done.error.code == "invalid_training_file"
    assert done.error.message.startswith(
        "The job failed due to an invalid training file. Invalid file format. "
    )
    assert expected in done.error.message


def test_a_chat_file_with_the_dpo_method_is_refused(client, upload, make_jsonl, finished) -> None:
    job = client.fine_tuning.jobs.create(
        model="gpt-4.1-mini", training_file=upload(make_jsonl(12)), method={"type": "dpo"}
    )
    done: Any = finished(job.id)

    assert done.error.code == "invalid_training_file"
    assert (
        "is in the fine-tune-chat format, but the specified fine-tuning job" in done.error.message
    )


def test_preference_pairs_train_with_dpo(client, upload, make_jsonl, finished) -> None:
    pairs = [
        {
            "input": {"messages": [{"role": "user", "content": f"Name a spring flower ({i})"}]},
            "preferred_output": [{"role": "assistant", "content": "Tulips."}],
            "non_preferred_output": [{"role": "assistant", "content": "Snow."}],
        }
        for i in range(10)
    ]
    job = client.fine_tuning.jobs.create(
        model="gpt-4.1-mini",
        training_file=upload(make_jsonl(values=pairs)),
        method={"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.2}}},
    )
    done: Any = finished(job.id)

    assert done.status == "succeeded"
    assert done.method.type == "dpo" and done.method.dpo.hyperparameters.beta == 0.2


def test_unknown_models_and_files_are_refused_at_create(client, upload, make_jsonl) -> None:
    with pytest.raises(openai.BadRequestError) as model_error:
        client.fine_tuning.jobs.create(model="gpt-9-giant", training_file=upload(make_jsonl()))
    with pytest.raises(openai.BadRequestError) as file_error:
        client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-missing")
    with pytest.raises(openai.BadRequestError) as dpo_error:
        client.fine_tuning.jobs.create(
            model="gpt-4o-mini", training_file=upload(make_jsonl()), method={"type": "dpo"}
        )

    assert model_error.value.code == "model_not_available"
    assert file_error.value.param == "training_file"
    assert "does not support the dpo" in dpo_error.value.message


class MovableClock:
    """The simulation's clock, which a test can move on at once (instead of sleeping)."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.ahead

    def time(self) -> float:
        return time.time() + self.ahead


def test_cancel_pause_and_resume(make_jsonl, monkeypatch) -> None:
    clock = MovableClock()
    monkeypatch.setattr(simulation, "time", clock)
    # a slower pace, so the job is still running when it is paused
    with (
        PracticeServer(pace=5) as server,
        openai.OpenAI(api_key="k", base_url=server.base_url, max_retries=0) as client,
    ):
        file_id = client.files.create(file=("t.jsonl", make_jsonl(10)), purpose="fine-tune").id
        first = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id)
        second = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id)

        cancelled = client.fine_tuning.jobs.cancel(first.id)
        assert cancelled.status == "cancelled" and cancelled.finished_at is not None
        with pytest.raises(openai.BadRequestError):
            client.fine_tuning.jobs.cancel(first.id)
        with pytest.raises(openai.BadRequestError):
            client.fine_tuning.jobs.pause(second.id)  # not running yet

        for _ in range(2000):
            if client.fine_tuning.jobs.retrieve(second.id).status == "running":
                break
            time.sleep(0.005)
        paused = client.fine_tuning.jobs.pause(second.id)
        assert paused.status == "paused"
        steps = _metric_steps(client, second.id)
        clock.ahead += 3600.0  # an hour passes while paused …
        assert _metric_steps(client, second.id) == steps  # … but no training happens
        assert client.fine_tuning.jobs.resume(second.id).status == "running"
        assert client.fine_tuning.jobs.cancel(second.id).status == "cancelled"
        messages = [
            e.message for e in client.fine_tuning.jobs.list_events(second.id, limit=1000).data
        ]
    assert "Fine-tuning job paused" in messages and "Fine-tuning job resumed" in messages


def _metric_steps(client: openai.OpenAI, job_id: str) -> int:
    events = client.fine_tuning.jobs.list_events(job_id, limit=1000).data
    return sum(e.type == "metrics" for e in events)


def test_jobs_list_pages_newest_first_and_filters_by_metadata(client, upload, make_jsonl) -> None:
    file_id = upload(make_jsonl())
    ids = [
        client.fine_tuning.jobs.create(
            model="gpt-4o-mini", training_file=file_id, metadata={"batch": str(i % 2)}
        ).id
        for i in range(5)
    ]

    first = client.fine_tuning.jobs.list(limit=2)
    second = client.fine_tuning.jobs.list(limit=2, after=first.data[-1].id)
    last = client.fine_tuning.jobs.list(limit=2, after=second.data[-1].id)
    assert [j.id for j in first.data + second.data + last.data] == ids[::-1]
    assert first.has_more and second.has_more and not last.has_more
    assert [j.id for j in client.fine_tuning.jobs.list(metadata={"batch": "1"})] == [ids[3], ids[1]]
    assert [j.id for j in client.fine_tuning.jobs.list()] == ids[::-1]  # the SDK pages by itself


def test_events_page_backwards_with_after(client, upload, make_jsonl, finished) -> None:
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=upload(make_jsonl()))
    finished(job.id)
    everything = client.fine_tuning.jobs.list_events(job.id, limit=1000).data
    page = client.fine_tuning.jobs.list_events(job.id, limit=10)
    older = client.fine_tuning.jobs.list_events(job.id, limit=10, after=page.data[-1].id)

    assert page.has_more
    assert [e.id for e in page.data + older.data] == [e.id for e in everything[:20]]


def test_the_tuned_model_answers_from_its_training_examples(
    client, upload, make_jsonl, finished
) -> None:
    examples = [
        {
            "messages": [
                {"role": "user", "content": question},
                {"role": "assistant", "content": answer},
            ]
        }
        for question, answer in [
            ("How often should I water basil?", "Water basil when the top of the soil feels dry."),
            ("When do tomatoes need support?", "Stake tomatoes as soon as you plant them out."),
            ("Can lavender grow in pots?", "Yes: lavender loves a sunny pot with gritty soil."),
        ]
        * 4
    ]
    job = client.fine_tuning.jobs.create(
        model="gpt-4o-mini", training_file=upload(make_jsonl(values=examples))
    )
    done: Any = finished(job.id)

    def ask(model: str, question: str) -> str:
        reply = client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": question}]
        )
        return str(reply.choices[0].message.content)

    assert (
        ask(done.fine_tuned_model, "how often do I water my basil plant")
        == examples[0]["messages"][1]["content"]
    )
    assert ask(done.fine_tuned_model, "my lavender in a pot?").startswith("Yes: lavender")
    checkpoint = (
        client.fine_tuning.jobs.checkpoints.list(job.id).data[0].fine_tuned_model_checkpoint
    )
    assert ask(checkpoint, "tomatoes support").startswith("Stake tomatoes")
    generic = ask("gpt-4o-mini", "how often do I water my basil plant")
    assert "basil" in generic and generic not in {e["messages"][1]["content"] for e in examples}
    with pytest.raises(openai.NotFoundError) as missing:
        ask("ft:gpt-4o-mini:practice::nothere", "hi")
    assert missing.value.code == "model_not_found"


def test_streamed_replies_arrive_in_pieces(client) -> None:
    stream = client.chat.completions.create(
        model="gpt-4.1-mini",
        messages=[{"role": "user", "content": "Tell me about roses"}],
        stream=True,
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)

    assert len(chunks) > 10
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert "roses" in text


def test_models_list_base_models_with_shutdown_dates_and_tuned_models(
    client, upload, make_jsonl, finished
) -> None:
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=upload(make_jsonl()))
    done: Any = finished(job.id)
    models = {m.id: m for m in client.models.list().data}

    assert str(models["gpt-4o-mini-2024-07-18"].shutdown_date) == "2027-01-14"
    assert "gpt-4.1-nano-2025-04-14" not in models  # shut down 2026-10-23, so not offered
    assert models[done.fine_tuned_model].owned_by == "user-practice"
    assert client.models.retrieve(done.fine_tuned_model).id == done.fine_tuned_model


def test_a_key_is_required_and_a_revoked_key_gets_openais_401(make_jsonl) -> None:
    config = PracticeConfig(pace=3000, revoked_keys=frozenset({"sk-revoked-0000"}))
    with PracticeServer(config=config) as server:
        with (
            openai.OpenAI(
                api_key="sk-revoked-0000", base_url=server.base_url, max_retries=0
            ) as client,
            pytest.raises(openai.AuthenticationError) as revoked,
        ):
            client.fine_tuning.jobs.list()
        with openai.OpenAI(api_key="sk-fine", base_url=server.base_url, max_retries=0) as client:
            assert client.fine_tuning.jobs.list().data == []
        anonymous = httpx2.get(server.base_url + "/fine_tuning/jobs")
    assert revoked.value.code == "invalid_api_key"
    assert "sk-revoked-0000" not in revoked.value.message  # OpenAI masks the key it echoes
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["message"].startswith("You didn't provide an API key")


def test_uploads_in_parts_make_one_file(client) -> None:
    content = b"".join(json.dumps({"n": i}).encode() + b"\n" for i in range(100))
    upload = client.uploads.create(
        bytes=len(content), filename="big.jsonl", mime_type="application/jsonl", purpose="fine-tune"
    )
    parts = [
        client.uploads.parts.create(upload.id, data=content[i : i + 300]).id
        for i in range(0, len(content), 300)
    ]
    done = client.uploads.complete(upload.id, part_ids=parts)

    assert done.status == "completed" and done.file is not None
    assert client.files.content(done.file.id).read() == content
    with pytest.raises(openai.BadRequestError):
        client.uploads.complete(upload.id, part_ids=parts)  # already completed

    short = client.uploads.create(
        bytes=10, filename="s.jsonl", mime_type="application/jsonl", purpose="fine-tune"
    )
    part = client.uploads.parts.create(short.id, data=b"12345").id
    with pytest.raises(openai.BadRequestError) as mismatch:
        client.uploads.complete(short.id, part_ids=[part])
    assert "does not match the expected number of bytes" in mismatch.value.message
    assert client.uploads.cancel(short.id).status == "cancelled"


def test_files_list_retrieve_and_delete(client, upload, make_jsonl) -> None:
    ids = [upload(make_jsonl(), f"f{i}.jsonl") for i in range(3)]
    listed = client.files.list(purpose="fine-tune")

    assert [f.id for f in listed.data] == ids[::-1]
    assert client.files.retrieve(ids[0]).filename == "f0.jsonl"
    assert client.files.delete(ids[0]).deleted is True
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(ids[0])
    with pytest.raises(openai.BadRequestError) as wrong_type:
        upload(make_jsonl(), "notes.txt")
    assert "Must be .jsonl" in wrong_type.value.message


def test_trained_tokens_are_what_the_estimate_said(client, upload, make_jsonl, finished) -> None:
    """The writer reads an estimate before a practice run; the finished job must bill the same
    tokens (it used to count characters ÷ 4: 384,411 against an estimate of 334,839)."""
    pairs = [
        {
            "input": {"messages": [{"role": "user", "content": f"Describe spring in {i} words"}]},
            "preferred_output": [{"role": "assistant", "content": "Buds, rain, light. " * i}],
            "non_preferred_output": [{"role": "assistant", "content": "Cold."}],
        }
        for i in range(1, 13)
    ]
    chat = make_jsonl(12)
    for content, method in ((chat, None), (make_jsonl(values=pairs), "dpo")):
        shown = compute_stats(Dataset.from_bytes(content), "gpt-4.1-mini-2025-04-14").estimate
        assert shown is not None and shown.epochs == 8  # the automatic epochs for 12 examples
        expected = shown.trained_tokens
        job = client.fine_tuning.jobs.create(
            model="gpt-4.1-mini-2025-04-14",
            training_file=upload(content),
            **({"method": {"type": method}} if method else {}),
        )
        assert finished(job.id).trained_tokens == expected > 0
