"""Fireworks AI through the real `openai` client over real HTTP, against a local Fireworks."""

from __future__ import annotations

import pytest
from tests.remote_providers.conftest import chat_lines
from tests.remote_providers.fake_fireworks import ACCOUNT, FakeFireworks
from tests.remote_providers.fake_http import Reply

from desktop_app.core.providers.base import ChatMessage, JobRequest, JobStatus, UploadSource
from desktop_app.core.providers.errors import (
    AuthError,
    NotSupportedError,
    ProviderError,
    ValidationError,
)
from desktop_app.core.providers.fireworks import (
    STATES,
    FireworksProvider,
    fireworks_location,
    job_from,
    job_id_for,
    parse_metrics,
)
from desktop_app.core.providers.registry import create_provider, provider_info
from desktop_app.core.training.jobs import TrainingPlan, follow_job, start_job
from desktop_app.core.training.jobstore import JobStore

MODEL = "llama-v3p1-8b-instruct"


def test_the_account_is_read_from_an_id_or_an_address() -> None:
    assert fireworks_location("my-team") == ("https://api.fireworks.ai", "my-team")
    assert fireworks_location("https://api.fireworks.ai/v1/accounts/my-team/") == (
        "https://api.fireworks.ai",
        "my-team",
    )
    assert fireworks_location("http://127.0.0.1:9/v1/accounts/a-1/datasets") == (
        "http://127.0.0.1:9",
        "a-1",
    )
    for bad in ("https://api.fireworks.ai/v1", "My Team!", ""):
        with pytest.raises(ValueError):
            fireworks_location(bad)
        with pytest.raises(ProviderError) as caught:
            FireworksProvider(api_key="k", base_url=bad)
        assert "not a Fireworks account ID" in caught.value.message and caught.value.next_step


def test_upload_makes_a_dataset_sends_the_file_and_waits_until_it_is_ready(
    fireworks: FireworksProvider, fireworks_server: FakeFireworks
) -> None:
    data = chat_lines(5)
    seen: list[tuple[int, int]] = []
    ref = fireworks.upload_file(
        UploadSource.from_bytes(data, "library.jsonl"), progress=lambda s, t: seen.append((s, t))
    )
    assert ref.status == "ready" and ref.id.startswith("ftstudio-")
    assert fireworks_server.contents[ref.id] == data
    create = next(
        r for r in fireworks_server.requests if r.path.endswith("/datasets") and r.method == "POST"
    )
    assert create.json()["dataset"]["exampleCount"] == 5
    upload = next(r for r in fireworks_server.requests if r.path.endswith(":upload"))
    assert set(upload.form()[1]) == {"file"}
    assert seen[-1] == (len(data), len(data))
    again = fireworks.upload_file(UploadSource.from_bytes(data, "library.jsonl"))  # 409: reuse
    assert again.id == ref.id and len(fireworks_server.datasets) == 1


def test_a_job_runs_to_the_end_with_events_made_from_state_progress_and_metrics(
    fireworks: FireworksProvider, fireworks_server: FakeFireworks
) -> None:
    training = fireworks.upload_file(UploadSource.from_bytes(chat_lines(6), "train.jsonl"))
    validation = fireworks.upload_file(UploadSource.from_bytes(chat_lines(3), "valid.jsonl"))
    request = JobRequest(
        MODEL, training.id, validation_file=validation.id, n_epochs=2, suffix="library"
    )
    job = fireworks.create_job(request)
    assert job.id == job_id_for(request.client_token) and job.status == JobStatus.QUEUED
    sent = next(
        r
        for r in fireworks_server.requests
        if r.path.endswith("/supervisedFineTuningJobs") and r.method == "POST"
    )
    assert sent.query == {"supervisedFineTuningJobId": job.id}
    assert sent.json() == {
        "dataset": f"accounts/{ACCOUNT}/datasets/{training.id}",
        "baseModel": f"accounts/fireworks/models/{MODEL}",
        "evaluationDataset": f"accounts/{ACCOUNT}/datasets/{validation.id}",
        "epochs": 2,
        "displayName": "library",
    }
    statuses: list[str] = []
    events = []
    final = follow_job(
        fireworks,
        job.id,
        on_status=lambda j: statuses.append(j.status),
        on_event=events.append,
        poll_seconds=0.001,
    )
    assert final.status == JobStatus.SUCCEEDED
    assert JobStatus.RUNNING in statuses and statuses[-1] == JobStatus.SUCCEEDED
    assert final.fine_tuned_model == f"accounts/{ACCOUNT}/models/{job.id}-model"
    messages = [e.message for e in events if e.type == "message"]
    assert any(m.startswith("Training progress: 25%, epoch 1") for m in messages)
    assert "Checking the dataset." in messages and "Saving the trained model." in messages
    assert any(m.startswith("Finished") for m in messages)
    metrics = [e.metrics for e in events if e.metrics is not None]
    assert metrics and metrics[0].step == 1 and metrics[0].train_loss == 1.5
    assert any(m.valid_loss == 0.9 for m in metrics)
    assert len({e.id for e in events}) == len(events)
    signed = [r for r in fireworks_server.requests if r.path.startswith("/signed/")]
    assert signed and all("authorization" not in r.headers for r in signed)


def test_a_retried_create_finds_the_job_it_already_made(
    fireworks: FireworksProvider, fireworks_server: FakeFireworks
) -> None:
    ref = fireworks.upload_file(UploadSource.from_bytes(chat_lines(4), "t.jsonl"))
    fireworks_server.fail_next(
        "POST",
        rf"/v1/accounts/{ACCOUNT}/supervisedFineTuningJobs",
        Reply(503, {"code": 14, "message": "unavailable"}),
        after=True,
    )
    job = fireworks.create_job(JobRequest(MODEL, ref.id))
    assert list(fireworks_server.jobs) == [job.id]


def test_cancel_deletes_the_job_and_it_then_reads_as_cancelled(
    fireworks: FireworksProvider, fireworks_server: FakeFireworks
) -> None:
    ref = fireworks.upload_file(UploadSource.from_bytes(chat_lines(4), "t.jsonl"))
    job = fireworks.create_job(JobRequest(MODEL, ref.id))
    cancelled = fireworks.cancel_job(job.id)
    assert cancelled.status == JobStatus.CANCELLED and cancelled.is_terminal
    assert job.id not in fireworks_server.jobs
    assert fireworks.get_job(job.id).status == JobStatus.CANCELLED
    assert ("DELETE", f"/v1/accounts/{ACCOUNT}/supervisedFineTuningJobs/{job.id}") in [
        (r.method, r.path) for r in fireworks_server.requests
    ]


def test_a_failed_job_keeps_fireworks_reason(
    fireworks: FireworksProvider, fireworks_server: FakeFireworks
) -> None:
    ref = fireworks.upload_file(UploadSource.from_bytes(chat_lines(4), "t.jsonl"))
    job = fireworks.create_job(JobRequest(MODEL, ref.id))
    fireworks_server.jobs[job.id]["_fail"] = True
    final = follow_job(fireworks, job.id, poll_seconds=0.001)
    assert final.status == JobStatus.FAILED and final.error is not None
    assert final.error.example_number == 2  # the app can point at the example


def test_too_few_examples_are_refused_in_plain_words(fireworks: FireworksProvider) -> None:
    ref = fireworks.upload_file(UploadSource.from_bytes(chat_lines(2), "t.jsonl"))
    with pytest.raises(ValidationError) as caught:
        fireworks.create_job(JobRequest(MODEL, ref.id))
    assert "at least 3 examples" in caught.value.message


def test_pages_of_jobs_use_fireworks_page_tokens(fireworks: FireworksProvider) -> None:
    refs = fireworks.upload_file(UploadSource.from_bytes(chat_lines(3), "t.jsonl"))
    made = {fireworks.create_job(JobRequest(MODEL, refs.id)).id for _ in range(3)}
    first = fireworks.list_jobs(limit=2)
    second = fireworks.list_jobs(after=first.next_after, limit=2)
    assert first.has_more and not second.has_more
    assert {j.id for j in first.items + second.items} == made


def test_what_fireworks_does_not_offer_is_said_up_front(fireworks: FireworksProvider) -> None:
    caps = fireworks.capabilities
    assert not caps.pause_resume and not caps.checkpoints and not caps.dpo and caps.needs_deployment
    assert fireworks.list_checkpoints("job-1").items == []
    with pytest.raises(NotSupportedError) as caught:
        fireworks.pause_job("job-1")
    assert caught.value.message == "Fireworks AI does not offer pausing a job."
    with pytest.raises(NotSupportedError):
        fireworks.create_job(JobRequest(MODEL, "ds", method="dpo"))
    big = UploadSource.from_bytes(b"x" * (150 * 1024 * 1024 + 1), "big.jsonl")
    with pytest.raises(NotSupportedError) as too_big:
        fireworks.upload_file(big)
    assert "150 MB" in too_big.value.message
    assert "deployed" in fireworks.deploy_note


def test_wrong_key_is_an_auth_error(fireworks_server: FakeFireworks) -> None:
    with (
        FireworksProvider(api_key="nope", base_url=fireworks_server.account_url) as wrong,
        pytest.raises(AuthError) as caught,
    ):
        wrong.list_jobs()
    assert "Fireworks AI" in caught.value.message


def test_chat_and_models_use_the_inference_api(
    fireworks: FireworksProvider, fireworks_server: FakeFireworks
) -> None:
    assert fireworks.chat("accounts/x/models/m", [ChatMessage("user", "hello")]).text == "fw: hello"
    assert [m.id for m in fireworks.list_models()] == [
        "accounts/fireworks/models/llama-v3p1-8b-instruct"
    ]
    assert "/inference/v1/chat/completions" in fireworks_server.paths("POST")


def test_states_map_onto_the_apps_job_model() -> None:
    for state, status in STATES.items():
        assert (
            job_from({"name": "accounts/a/supervisedFineTuningJobs/j", "state": state}).status
            == status
        )
    assert job_from(
        {"name": "accounts/a/supervisedFineTuningJobs/j", "state": "JOB_STATE_DELETING"}
    ).is_terminal
    assert parse_metrics("step,train/loss\n1,0.5\n2,0.25\n")[1].train_loss == 0.25


def test_the_apps_training_flow_and_the_registry(fireworks_server: FakeFireworks) -> None:
    from desktop_app.core.keys import secrets

    secrets.set_key("fireworks", fireworks_server.api_key)
    info = provider_info("fireworks")
    assert info.needs_base_url and "account" in info.base_url_hint
    with (
        create_provider("fireworks", base_url=fireworks_server.account_url) as provider,
        JobStore() as store,
    ):
        plan = TrainingPlan(
            model=MODEL, training=UploadSource.from_bytes(chat_lines(5), "t.jsonl"), validation=None
        )
        started = start_job(provider, plan, store=store)
        assert started.job.id in fireworks_server.jobs


def test_the_ftstudio_train_command_runs_a_fireworks_job(
    fireworks_server: FakeFireworks, tmp_path, capsys
) -> None:
    from desktop_app.cli.main import main
    from desktop_app.core.keys import secrets

    secrets.set_key("fireworks", fireworks_server.api_key)
    data = tmp_path / "library.jsonl"
    data.write_bytes(chat_lines(5))
    code = main(
        [
            "train",
            str(data),
            "--provider",
            "fireworks",
            "--base-url",
            fireworks_server.account_url,
            "--model",
            MODEL,
            "--follow",
            "--poll-seconds",
            "0.01",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "The fine-tuned model is ready: accounts/test-account/models/" in out
    assert fireworks_server.api_key not in out + err
    # Fireworks' own minimum (3) applies, not OpenAI's (10)
    data.write_bytes(chat_lines(2))
    assert (
        main(["train", str(data), "--provider", "fireworks", "--base-url", "x", "--model", MODEL])
        == 1
    )
    assert "Fireworks AI needs at least 3." in capsys.readouterr().err


def test_jobs_job_and_cancel_commands_work_with_fireworks(
    fireworks_server: FakeFireworks, fireworks: FireworksProvider, capsys
) -> None:
    from desktop_app.cli.main import main
    from desktop_app.core.keys import secrets

    secrets.set_key("fireworks", fireworks_server.api_key)
    ref = fireworks.upload_file(UploadSource.from_bytes(chat_lines(4), "t.jsonl"))
    job = fireworks.create_job(JobRequest(MODEL, ref.id))
    common = ["--provider", "fireworks", "--base-url", fireworks_server.account_url]
    assert main(["jobs", *common]) == 0
    assert job.id in capsys.readouterr().out
    assert main(["job", job.id, *common]) == 0
    assert job.id in capsys.readouterr().out
    assert main(["cancel", job.id, *common]) == 0
    assert "cancel" in capsys.readouterr().out.lower()
    assert job.id not in fireworks_server.jobs
