"""Uploading (the content-hash cache, parts, progress, cancel) and starting and following jobs."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from desktop_app.core.practice_server import PracticeConfig, PracticeServer
from desktop_app.core.providers.azure import AzureProvider
from desktop_app.core.providers.base import CLIENT_TOKEN_KEY, JobRequest, UploadSource
from desktop_app.core.providers.errors import OperationCancelled
from desktop_app.core.providers.practice import PracticeProvider
from desktop_app.core.training.jobs import (
    EventFollower,
    TrainingPlan,
    dataset_line_for_example,
    follow_job,
    provenance_path,
    resolve_pending_creates,
    start_job,
)
from desktop_app.core.training.jobstore import JobStore
from desktop_app.core.training.uploads import UploadProgress, upload


@pytest.fixture
def store(app_home: Path):
    with JobStore() as opened:
        yield opened


def _posts(server: PracticeServer, suffix: str) -> int:
    return sum(1 for r in server.requests if r.method == "POST" and r.path.endswith(suffix))


def test_the_same_content_is_uploaded_once_per_account(
    server, provider, store, training_data
) -> None:
    data = training_data()
    first = upload(provider, UploadSource.from_bytes(data, "a.jsonl"), store=store)
    seen: list[UploadProgress] = []
    again = upload(
        provider, UploadSource.from_bytes(data, "b.jsonl"), store=store, progress=seen.append
    )

    assert not first.reused and again.reused
    assert again.file.id == first.file.id and again.sha256 == hashlib.sha256(data).hexdigest()
    assert seen == [UploadProgress("b.jsonl", len(data), len(data), reused=True)]
    assert _posts(server, "/files") == 1
    with PracticeProvider(base_url=server.base_url, account="someone-else") as other:
        elsewhere = upload(other, UploadSource.from_bytes(data, "a.jsonl"), store=store)
    assert not elsewhere.reused and _posts(server, "/files") == 2


def test_a_cached_file_the_provider_deleted_is_uploaded_again(
    server, provider, store, training_data
) -> None:
    data = training_data()
    first = upload(provider, UploadSource.from_bytes(data, "a.jsonl"), store=store)
    server.api.delete_file(first.file.id)

    again = upload(provider, UploadSource.from_bytes(data, "a.jsonl"), store=store)

    assert not again.reused and again.file.id != first.file.id
    assert store.cached_upload("practice", "local", first.sha256, "fine-tune") == again.file.id


def test_big_files_go_in_parts_with_progress(
    server, provider, store, training_data, tmp_path
) -> None:
    path = tmp_path / "big.jsonl"
    data = training_data(200)
    path.write_bytes(data)
    seen: list[UploadProgress] = []

    result = upload(
        provider,
        UploadSource.from_path(path),
        store=store,
        progress=seen.append,
        multipart_threshold=4096,
        part_size=1000,
    )

    assert server.api.file_content(result.file.id) == data
    assert _posts(server, "/parts") == -(-len(data) // 1000)
    assert _posts(server, "/files") == 0
    sent = [p.sent for p in seen]
    assert sent == sorted(sent) and sent[0] == 0 and sent[-1] == len(data)
    assert all(p.total == len(data) for p in seen)


def test_a_cancelled_multipart_upload_is_cancelled_at_the_provider(
    server, provider, training_data
) -> None:
    cancel = threading.Event()

    def stop_after_two_parts(progress: UploadProgress) -> None:
        if progress.sent >= 2000:
            cancel.set()

    with pytest.raises(OperationCancelled):
        upload(
            provider,
            UploadSource.from_bytes(training_data(200), "big.jsonl"),
            progress=stop_after_two_parts,
            cancel=cancel,
            multipart_threshold=4096,
            part_size=1000,
        )

    # the cancel comes while part 2 is being sent: that request may be cut off before the server
    # reads it (a busy machine), so one or two parts arrive, never the rest of the file's parts
    assert len(training_data(200)) > 10 * 1000
    assert _posts(server, "/parts") in (1, 2)
    assert _posts(server, "/cancel") == 1
    assert not any(r.path.endswith("/complete") for r in server.requests)


def test_azure_uploads_are_hashed_and_cached_with_their_byte_order_mark(
    store, training_data
) -> None:
    data = training_data()
    with (
        PracticeServer(config=PracticeConfig(prefix="/openai/v1")) as server,
        AzureProvider(api_key="k", base_url=f"http://127.0.0.1:{server.port}") as azure,
    ):
        result = upload(azure, UploadSource.from_bytes(data, "t.jsonl"), store=store)
        sent = server.api.file_content(result.file.id)

    assert sent == b"\xef\xbb\xbf" + data
    assert result.sha256 == hashlib.sha256(sent).hexdigest()


def test_start_job_keeps_copies_uploads_creates_and_records(
    server, provider, store, training_data
) -> None:
    training, validation = training_data(12), training_data(4, start=100)
    stages: list[str] = []
    plan = TrainingPlan(
        model="gpt-4o-mini",
        training=UploadSource.from_bytes(training, "train.jsonl"),
        validation=UploadSource.from_bytes(validation, "valid.jsonl"),
        suffix="support",
        n_epochs=2,
        dataset_path="/somewhere/support.jsonl",
    )

    started = start_job(provider, plan, store=store, progress=lambda p: stages.append(p.stage))

    assert started.training_copy == provenance_path(hashlib.sha256(training).hexdigest())
    assert started.training_copy.read_bytes() == training
    assert (
        started.validation_copy is not None and started.validation_copy.read_bytes() == validation
    )
    assert stages[0] == "saving" and stages[-1] == "create_job"
    assert {"upload_training", "upload_validation"} <= set(stages)
    record = store.get("practice", "local", started.job.id)
    assert record is not None and record.training_sha256 == started.training.sha256
    assert record.validation_sha256 == started.validation.sha256  # type: ignore[union-attr]
    assert record.dataset_path == "/somewhere/support.jsonl"
    assert record.client_token == started.job.metadata[CLIENT_TOKEN_KEY]
    assert store.pending_creates() == []
    assert started.job.validation_file == started.validation.file.id  # type: ignore[union-attr]


def test_start_job_cancelled_before_the_create_makes_no_job(
    server, provider, store, source
) -> None:
    cancel = threading.Event()

    def cancel_after_upload(progress) -> None:
        if (
            progress.stage == "upload_training"
            and progress.upload
            and progress.upload.fraction == 1.0
        ):
            cancel.set()

    with pytest.raises(OperationCancelled):
        start_job(
            provider,
            TrainingPlan(model="gpt-4o-mini", training=source),
            store=store,
            progress=cancel_after_upload,
            cancel=cancel,
        )

    assert server.api.job_count() == 0
    assert store.pending_creates() == []


def test_follow_job_reports_each_status_and_event_once(server, provider, store, source) -> None:
    started = start_job(provider, TrainingPlan(model="gpt-4o-mini", training=source), store=store)
    statuses: list[str] = []
    events = []

    final = follow_job(
        provider,
        started.job.id,
        on_status=lambda j: statuses.append(j.status),
        on_event=events.append,
        poll_seconds=0.01,
        store=store,
    )

    assert final.status == "succeeded" and statuses[-1] == "succeeded"
    assert len(statuses) == len(set(statuses))
    ids = [e.id for e in events]
    assert len(ids) == len(set(ids))
    assert ids == [e.id for e in reversed(provider.list_events(started.job.id, limit=1000).items)]
    record = store.get("practice", "local", started.job.id)
    assert record is not None and record.status == "succeeded" and record.fine_tuned_model


def test_the_event_follower_pages_until_it_meets_what_it_has_seen(source, until_done) -> None:
    # a slower server, so the first look comes while the job is still being validated
    with PracticeServer(pace=30) as server, PracticeProvider(base_url=server.base_url) as provider:
        training = provider.upload_file(source)
        job = provider.create_job(JobRequest(model="gpt-4o-mini", training_file=training.id))
        follower = EventFollower(provider, job.id, page_size=7)
        early = follower.poll()
        until_done(provider, job.id)

        later = follower.poll()

        assert early and later and follower.poll() == []
        assert len(later) > 7  # more than one page was read
        everything = list(reversed(provider.list_events(job.id, limit=1000).items))
    assert early + later == everything


def test_a_create_lost_in_a_crash_is_found_after_a_restart(server, provider, store, source) -> None:
    training = provider.upload_file(source)
    request = JobRequest(model="gpt-4o-mini", training_file=training.id)
    store.add_pending_create(
        request.client_token,
        provider="practice",
        account="local",
        base_url=provider.base_url,
        request={},
    )
    job = provider.create_job(request)  # …and the app died before recording it

    found = resolve_pending_creates(provider, store)

    assert [j.id for j in found] == [job.id]
    assert store.get("practice", "local", job.id) is not None
    assert store.pending_creates() == []


def test_dataset_line_for_example() -> None:
    kinds = [True, False, True, True, False, True]  # line 2 is blank, line 5 broken

    assert [dataset_line_for_example(kinds, n) for n in (1, 2, 3, 4, 5)] == [1, 3, 4, 6, None]
