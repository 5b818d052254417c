"""The job store: records, the upload cache, pending creates, migrations, damaged databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.providers.base import Job, JobError
from desktop_app.core.training.jobstore import MIGRATIONS, SCHEMA_VERSION, JobStore, JobStoreError


def _job(status: str = "running", **extra: object) -> Job:
    return Job.from_dict(
        {"id": "ftjob-1", "status": status, "model": "gpt-4o-mini", "created_at": 100, **extra}
    )


def test_a_new_store_is_made_in_the_data_folder_at_the_latest_version(app_home: Path) -> None:
    with JobStore() as store:
        assert store.path == app_home / "data" / "jobs.sqlite3"
        assert store.schema_version == SCHEMA_VERSION == 3
        assert store.list_jobs() == []


def test_jobs_are_recorded_and_updated_keeping_their_provenance(tmp_path: Path) -> None:
    with JobStore(tmp_path / "jobs.sqlite3") as store:
        store.record_job(
            _job(),
            provider="openai",
            account="default",
            base_url="https://api.openai.com/v1",
            training_sha256="abc",
            dataset_path="/data/ds.jsonl",
            client_token="tok",
        )
        store.record_job(
            _job(
                "failed",
                error={
                    "code": "invalid_n_examples",
                    "message": "too few",
                    "param": "training_file",
                },
            ),
            provider="openai",
            account="default",
        )
        record = store.get("openai", "default", "ftjob-1")

    assert record is not None
    assert record.status == "failed" and record.is_terminal
    assert record.training_sha256 == "abc" and record.dataset_path == "/data/ds.jsonl"
    assert record.base_url == "https://api.openai.com/v1" and record.client_token == "tok"
    assert record.error_code == "invalid_n_examples"
    assert record.job().error == JobError("invalid_n_examples", "too few", "training_file")


def test_listing_finding_and_active_jobs(tmp_path: Path) -> None:
    with JobStore(tmp_path / "jobs.sqlite3") as store:
        for number, status in enumerate(["succeeded", "running", "queued"]):
            job = Job.from_dict(
                {"id": f"ftjob-{number}", "status": status, "model": "m", "created_at": number}
            )
            store.record_job(job, provider="practice", account="local")
        store.record_job(_job(), provider="openai", account="work")

        assert [r.job_id for r in store.list_jobs(provider="practice")] == [
            "ftjob-2",
            "ftjob-1",
            "ftjob-0",
        ]
        assert [r.job_id for r in store.list_jobs(limit=2)] == ["ftjob-1", "ftjob-2"]
        assert {r.job_id for r in store.active_jobs()} == {"ftjob-1", "ftjob-2"}
        assert [(r.provider, r.account) for r in store.find("ftjob-1")] in (
            [("openai", "work"), ("practice", "local")],
            [("practice", "local"), ("openai", "work")],
        )
        store.forget_job("openai", "work", "ftjob-1")
        assert len(store.find("ftjob-1")) == 1


def test_the_upload_cache_is_per_account(tmp_path: Path) -> None:
    with JobStore(tmp_path / "jobs.sqlite3") as store:
        store.remember_upload("openai", "a", "hash1", "fine-tune", "file-1", "t.jsonl", 10)

        assert store.cached_upload("openai", "a", "hash1", "fine-tune") == "file-1"
        assert store.cached_upload("openai", "b", "hash1", "fine-tune") is None
        store.forget_upload("openai", "a", "file-1")
        assert store.cached_upload("openai", "a", "hash1", "fine-tune") is None


def test_pending_creates(tmp_path: Path) -> None:
    with JobStore(tmp_path / "jobs.sqlite3") as store:
        store.add_pending_create(
            "tok1", provider="openai", account="default", base_url="u", request={"model": "m"}
        )

        [pending] = store.pending_creates("openai", "default")
        assert pending.request == {"model": "m"} and pending.client_token == "tok1"
        store.remove_pending_create("tok1")
        assert store.pending_creates() == []


def test_an_old_database_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(MIGRATIONS[0])
    old.execute("PRAGMA user_version = 1")
    old.execute(
        "INSERT INTO jobs (provider, account, job_id, model, status, recorded_at, updated_at) "
        "VALUES ('openai', 'default', 'ftjob-old', 'gpt-4o-mini', 'succeeded', 1, 1)"
    )
    old.commit()
    old.close()

    with JobStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        record = store.get("openai", "default", "ftjob-old")
        assert record is not None and record.method == "supervised" and record.job_json is None
        assert record.job().status == "succeeded"
        assert store.pending_creates() == []


def test_a_damaged_database_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    garbage = b"this is not a database, it is a shopping list\n" * 100
    path.write_bytes(garbage)

    with pytest.raises(JobStoreError) as damaged:
        JobStore(path).open()

    assert (
        damaged.value.message
        == "The job records file “jobs.sqlite3” is damaged and cannot be read."
    )
    assert "left untouched" in damaged.value.next_step
    assert path.read_bytes() == garbage


def test_a_file_where_the_folder_should_be_is_a_plain_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")

    with pytest.raises(JobStoreError) as blocked:
        JobStore(blocker / "jobs.sqlite3").open()

    assert blocked.value.message == f"The folder for the job records, {blocker}, cannot be made."
    assert "no file of that name" in blocked.value.next_step
    assert blocker.read_text() == "not a folder"


def test_a_locked_database_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    JobStore(path).open().close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(JobStoreError) as locked:
            JobStore(path, lock_timeout=0.05).open()
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert "in use by another copy of Finetune Studio" in locked.value.message
    assert locked.value.next_step.startswith("Close the other copy")


def test_a_newer_database_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    newer = sqlite3.connect(path)
    newer.execute("PRAGMA user_version = 99")
    newer.close()

    with pytest.raises(JobStoreError) as too_new:
        JobStore(path).open()

    assert "newer version" in too_new.value.message
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == 99
    check.close()


def test_someone_elses_database_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE recipes (name TEXT)")
    other.close()

    with pytest.raises(JobStoreError) as foreign:
        JobStore(path).open()

    assert "is not a Finetune Studio job records file" in foreign.value.message
