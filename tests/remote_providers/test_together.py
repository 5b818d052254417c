"""Together AI through the real `openai` client over real HTTP, against a local Together."""

from __future__ import annotations

import json
import threading

import pytest
from tests.remote_providers.conftest import chat_lines
from tests.remote_providers.fake_http import Reply
from tests.remote_providers.fake_together import FakeTogether

from desktop_app.core.providers.base import ChatMessage, JobRequest, JobStatus, UploadSource
from desktop_app.core.providers.errors import (
    AuthError,
    NotFoundError,
    NotSupportedError,
    ValidationError,
)
from desktop_app.core.providers.registry import create_provider, provider_info
from desktop_app.core.providers.together import STATUS, TogetherProvider, job_from
from desktop_app.core.training.jobs import TrainingPlan, follow_job, start_job
from desktop_app.core.training.jobstore import JobStore

MODEL = "Qwen/Qwen2.5-0.5B-Instruct"


def test_upload_sends_the_documented_multipart_form(
    together: TogetherProvider, together_server: FakeTogether
) -> None:
    data = chat_lines(12)
    seen: list[tuple[int, int]] = []
    ref = together.upload_file(
        UploadSource.from_bytes(data, "library.jsonl"), progress=lambda s, t: seen.append((s, t))
    )
    assert ref.id.startswith("file-") and ref.filename == "library.jsonl" and ref.bytes == len(data)
    assert together_server.contents[ref.id] == data
    upload = next(r for r in together_server.requests if r.path == "/v1/files/upload")
    fields, files = upload.form()
    assert fields == {"purpose": "fine-tune", "file_name": "library.jsonl", "file_type": "jsonl"}
    assert files["file"][0] == "library.jsonl"
    assert seen and seen[-1] == (len(data), len(data))
    assert together.get_file(ref.id).status == "processed"


def test_a_job_runs_to_the_end_with_mapped_statuses_events_metrics_and_checkpoints(
    together: TogetherProvider, together_server: FakeTogether
) -> None:
    training = together.upload_file(UploadSource.from_bytes(chat_lines(12), "train.jsonl"))
    validation = together.upload_file(UploadSource.from_bytes(chat_lines(3), "valid.jsonl"))
    job = together.create_job(
        JobRequest(
            MODEL, training.id, validation_file=validation.id, n_epochs=2, suffix="library", seed=7
        )
    )
    assert job.status == JobStatus.QUEUED and job.model == MODEL
    body = next(
        r for r in together_server.requests if r.path == "/v1/fine-tunes" and r.method == "POST"
    ).json()
    assert body == {
        "training_file": training.id,
        "model": MODEL,
        "validation_file": validation.id,
        "n_evals": 2,
        "n_epochs": 2,
        "suffix": "library",
        "random_seed": 7,
        "training_method": {"method": "sft", "train_on_inputs": False},
    }
    statuses: list[str] = []
    events = []
    final = follow_job(
        together,
        job.id,
        on_status=lambda j: statuses.append(j.status),
        on_event=events.append,
        poll_seconds=0.001,
    )
    assert final.status == JobStatus.SUCCEEDED and final.is_terminal
    assert statuses == [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED]
    assert final.fine_tuned_model and final.fine_tuned_model.startswith("tester/")
    assert final.trained_tokens == 1234 and final.hyperparameters["n_epochs"] == 2
    assert final.metadata["provider_status"] == "completed"
    messages = [e.message for e in events if e.type == "message"]
    assert "Fine-tune request created" in messages and "Training finished" in messages
    metrics = [e.metrics for e in events if e.metrics is not None]
    assert [m.step for m in metrics] == [1, 2, 3]
    assert metrics[0].train_loss == 2.0 and metrics[-1].train_loss == pytest.approx(0.6667)
    assert len({e.id for e in events}) == len(events), "an event was delivered twice"
    checkpoints = together.list_checkpoints(job.id).items
    assert [c.step for c in checkpoints] == [2] and checkpoints[0].job_id == job.id


def test_events_that_arrive_later_are_never_missed(
    together: TogetherProvider, together_server: FakeTogether
) -> None:
    ref = together.upload_file(UploadSource.from_bytes(chat_lines(5), "t.jsonl"))
    job = together.create_job(JobRequest(MODEL, ref.id))
    first = together.list_events(job.id).items
    together.get_job(job.id)
    together.get_job(job.id)  # now running: a new event and a metrics snapshot
    second = together.list_events(job.id).items
    seen = {e.id for e in first}
    new = [e for e in second if e.id not in seen]
    assert new and second[: len(new)] == new, "new events must come first (newest first)"


def test_cancel_goes_through_cancelling_to_cancelled(together: TogetherProvider) -> None:
    ref = together.upload_file(UploadSource.from_bytes(chat_lines(5), "t.jsonl"))
    job = together.create_job(JobRequest(MODEL, ref.id))
    cancelled = together.cancel_job(job.id)
    assert cancelled.status == "cancelling" and not cancelled.is_terminal
    assert together.get_job(job.id).status == JobStatus.CANCELLED


def test_a_failed_job_explains_itself_with_togethers_message(
    together: TogetherProvider, together_server: FakeTogether
) -> None:
    ref = together.upload_file(UploadSource.from_bytes(chat_lines(5), "t.jsonl"))
    job = together.create_job(JobRequest(MODEL, ref.id))
    together_server.jobs[job.id]["_fail"] = True
    final = follow_job(together, job.id, poll_seconds=0.001)
    assert final.status == JobStatus.FAILED and final.error is not None
    assert "invalid example on line 2" in final.error.message


def test_preference_training_sends_the_dpo_method(
    together: TogetherProvider, together_server: FakeTogether
) -> None:
    ref = together.upload_file(UploadSource.from_bytes(chat_lines(5), "pairs.jsonl"))
    job = together.create_job(
        JobRequest(MODEL, ref.id, method="dpo", beta=0.2, learning_rate_multiplier=2.0)
    )
    body = [r for r in together_server.requests if r.path == "/v1/fine-tunes"][-1].json()
    assert body["training_method"] == {"method": "dpo", "dpo_beta": 0.2}
    assert body["learning_rate"] == pytest.approx(2e-5)
    assert job.method == "dpo"


def test_a_lost_answer_to_create_finds_the_job_instead_of_making_a_second(
    together: TogetherProvider, together_server: FakeTogether
) -> None:
    ref = together.upload_file(UploadSource.from_bytes(chat_lines(5), "t.jsonl"))
    together_server.fail_next(
        "POST",
        "/v1/fine-tunes",
        Reply(502, {"error": {"message": "bad gateway", "type": "server_error"}}),
        after=True,
    )
    job = together.create_job(JobRequest(MODEL, ref.id))
    assert len(together_server.jobs) == 1 and job.id in together_server.jobs


def test_errors_are_plain_and_typed(
    together_server: FakeTogether, together: TogetherProvider
) -> None:
    with (
        TogetherProvider(api_key="wrong-key", base_url=together_server.base_url) as wrong,
        pytest.raises(AuthError) as caught,
    ):
        wrong.list_jobs()
    assert "Together AI" in caught.value.message and "wrong-key" not in str(caught.value)
    with pytest.raises(NotFoundError) as missing:
        together.get_job("ft-nope")
    assert "ft-nope" in missing.value.message
    ref = together.upload_file(UploadSource.from_bytes(chat_lines(5), "t.jsonl"))
    with pytest.raises(ValidationError) as refused:
        together.create_job(JobRequest("gpt-4.1-mini", ref.id))
    assert "not supported for fine-tuning" in refused.value.message


def test_what_together_does_not_offer_is_said_up_front_and_in_plain_words(
    together: TogetherProvider,
) -> None:
    caps = together.capabilities
    assert not caps.pause_resume and not caps.result_files and not caps.multipart_upload
    assert caps.checkpoints and caps.events and caps.metrics and caps.dpo and caps.needs_deployment
    for call in (
        lambda: together.pause_job("ft-1"),
        lambda: together.resume_job("ft-1"),
        lambda: together.start_upload("a", 1),
    ):
        with pytest.raises(NotSupportedError) as caught:
            call()
        assert (
            caught.value.message.startswith("Together AI does not offer") and caught.value.next_step
        )
    assert "dedicated endpoint" in together.deploy_note


def test_models_list_puts_fine_tunable_models_first(together: TogetherProvider) -> None:
    models = together.list_models()
    assert [m.id for m in models[:2]] == ["meta-llama/Llama-3.2-1B-Instruct", MODEL]
    assert models[0].owned_by == "fine-tunable"
    assert "meta-llama/Llama-3.3-70B-Instruct-Turbo" in [m.id for m in models]
    assert "BAAI/bge-large-en-v1.5" not in [m.id for m in models]


def test_chat_and_streaming_use_togethers_openai_api(together: TogetherProvider) -> None:
    reply = together.chat("tester/model", [ChatMessage("user", "hello")])
    assert reply.text == "echo: hello"
    assert "".join(together.chat_stream("tester/model", [ChatMessage("user", "hi")])) == "echo: hi"


def test_paging_lists_and_statuses_map_onto_the_apps_job_model(together: TogetherProvider) -> None:
    refs = [
        together.upload_file(UploadSource.from_bytes(chat_lines(3), f"{i}.jsonl")) for i in range(3)
    ]
    made = [together.create_job(JobRequest(MODEL, r.id)).id for r in refs]
    first = together.list_jobs(limit=2)
    second = together.list_jobs(after=first.next_after, limit=2)
    assert first.has_more and not second.has_more
    assert {j.id for j in first.items + second.items} == set(made)
    assert set(STATUS.values()) >= {
        JobStatus.QUEUED,
        JobStatus.RUNNING,
        JobStatus.SUCCEEDED,
        JobStatus.FAILED,
        JobStatus.CANCELLED,
    }
    for raw, mapped in STATUS.items():
        assert job_from({"id": "ft-1", "status": raw}).status == mapped
    assert job_from({"id": "ft-1", "status": "error"}).is_terminal
    assert not job_from({"id": "ft-1", "status": "cancel_requested"}).is_terminal


def test_the_training_flow_of_the_app_works_unchanged(
    together: TogetherProvider, together_server: FakeTogether
) -> None:
    from desktop_app.core.providers.base import UploadSource as Source

    plan = TrainingPlan(
        model=MODEL, training=Source.from_bytes(chat_lines(12), "train.jsonl"), validation=None
    )
    with JobStore() as store:
        started = start_job(together, plan, store=store)
        again = start_job(together, plan, store=store)  # the same content is not uploaded twice
    assert started.job.id in together_server.jobs and again.training.reused
    assert len(together_server.files) == 1


def test_registry_makes_a_together_provider_with_the_stored_key(
    together_server: FakeTogether,
) -> None:
    from desktop_app.core.keys import secrets

    secrets.set_key("together", together_server.api_key)
    info = provider_info("together")
    assert info.label == "Together AI" and not info.needs_base_url and info.needs_key
    with create_provider("together", base_url=together_server.base_url) as provider:
        assert isinstance(provider, TogetherProvider)
        assert provider.check_connection().startswith("Connected to Together AI")


def test_cancelling_a_slow_upload_stops_it(together: TogetherProvider) -> None:
    cancel = threading.Event()
    cancel.set()
    from desktop_app.core.providers.errors import OperationCancelled

    with pytest.raises(OperationCancelled):
        together.upload_file(UploadSource.from_bytes(chat_lines(50), "t.jsonl"), cancel=cancel)


def test_the_ftstudio_train_command_runs_a_together_job(
    together_server: FakeTogether, tmp_path, capsys
) -> None:
    from desktop_app.cli.main import main
    from desktop_app.core.keys import secrets

    secrets.set_key("together", together_server.api_key)
    data = tmp_path / "library.jsonl"
    data.write_bytes(chat_lines(12))
    code = main(
        [
            "train",
            str(data),
            "--provider",
            "together",
            "--base-url",
            together_server.base_url,
            "--model",
            MODEL,
            "--follow",
            "--poll-seconds",
            "0.01",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Started job ft-" in out and "The fine-tuned model is ready: tester/" in out
    assert together_server.api_key not in out + err
    assert json.loads(
        together_server.contents[next(iter(together_server.contents))].splitlines()[0]
    )["messages"]


def test_ftstudio_train_refuses_turns_together_would_reject_before_sending(
    together_server: FakeTogether, tmp_path, capsys
) -> None:
    from desktop_app.cli.main import main
    from desktop_app.core.keys import secrets

    secrets.set_key("together", together_server.api_key)
    turns = [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Anyone?"}]
    data = tmp_path / "library.jsonl"
    data.write_bytes(
        chat_lines(12)
        + json.dumps({"messages": [*turns, {"role": "assistant", "content": "Yes"}]}).encode()
    )
    argv = ["train", str(data), "--provider", "together", "--base-url", together_server.base_url]
    code = main([*argv, "--model", MODEL])
    err = capsys.readouterr().err
    assert code == 1
    assert "  - library.jsonl, line 13: Message 2 has the role “user” like the message" in err
    assert "Nothing was sent." in err
    assert together_server.files == {}
    # the same file is fine for OpenAI's rules, so nothing stops it there
    assert main(["validate", str(data)]) == 0
    assert main(["validate", str(data), "--provider", "together"]) == 1
    assert "Together needs the turns to alternate" in capsys.readouterr().out


def test_jobs_job_and_cancel_commands_work_with_together(
    together_server: FakeTogether, together: TogetherProvider, capsys
) -> None:
    from desktop_app.cli.main import main
    from desktop_app.core.keys import secrets

    secrets.set_key("together", together_server.api_key)
    ref = together.upload_file(UploadSource.from_bytes(chat_lines(5), "t.jsonl"))
    job = together.create_job(JobRequest(MODEL, ref.id))
    common = ["--provider", "together", "--base-url", together_server.base_url]
    assert main(["jobs", *common]) == 0
    assert job.id in capsys.readouterr().out
    assert main(["job", job.id, *common]) == 0
    shown = capsys.readouterr().out
    assert job.id in shown and "Fine-tune request created" in shown
    assert main(["cancel", job.id, *common]) == 0
    capsys.readouterr()
    assert together_server.jobs[job.id]["status"] in ("cancel_requested", "cancelled")
