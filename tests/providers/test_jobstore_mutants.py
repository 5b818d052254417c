"""Job store edges that mutation testing showed unguarded (docs/architecture.md, "Tests that
notice bugs"): a late answer never undoes a finished job, provenance survives every update, the
job is rebuilt whole from an old record, and each database trouble gets its own plain words."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from pathlib import Path

import pytest

from desktop_app.core.providers.base import Job, JobError
from desktop_app.core.training.jobstore import JobRecord, JobStore, JobStoreError, PendingCreate


def _job(status: str = "running", **extra: object) -> Job:
    return Job.from_dict(
        {"id": "ftjob-1", "status": status, "model": "gpt-4o-mini", "created_at": 100, **extra}
    )


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with JobStore(tmp_path / "jobs.sqlite3") as opened:
        yield opened


def test_a_late_running_answer_does_not_undo_a_finished_job(store: JobStore) -> None:
    store.record_job(_job("succeeded", fine_tuned_model="ft:done"), provider="p", account="a")
    kept = store.record_job(_job("running"), provider="p", account="a")
    assert kept.status == "succeeded" and kept.fine_tuned_model == "ft:done"
    record = store.get("p", "a", "ftjob-1")
    assert record is not None and record.status == "succeeded"


def test_a_running_job_follows_every_new_answer(store: JobStore) -> None:
    store.record_job(_job("running", trained_tokens=10), provider="p", account="a")
    store.record_job(_job("running", trained_tokens=20), provider="p", account="a")
    record = store.get("p", "a", "ftjob-1")
    assert record is not None and record.trained_tokens == 20
    store.record_job(_job("failed"), provider="p", account="a")
    store.record_job(_job("cancelled"), provider="p", account="a")
    record = store.get("p", "a", "ftjob-1")
    assert record is not None and record.status == "cancelled"


def test_a_new_answer_clears_what_the_job_no_longer_has(store: JobStore) -> None:
    store.record_job(
        _job("paused", error={"code": "billing", "message": "pay first"}, suffix="v1"),
        provider="p",
        account="a",
    )
    store.record_job(_job("running"), provider="p", account="a")
    record = store.get("p", "a", "ftjob-1")
    assert record is not None
    assert (record.error_code, record.error_message, record.suffix) == (None, None, None)


def test_every_provenance_column_survives_an_update_without_it(store: JobStore) -> None:
    store.record_job(
        _job(),
        provider="p",
        account="a",
        base_url="http://base",
        training_sha256="t-sha",
        validation_sha256="v-sha",
        dataset_path="/d.jsonl",
        client_token="tok",
    )
    store.record_job(_job("succeeded"), provider="p", account="a")
    record = store.get("p", "a", "ftjob-1")
    assert record is not None
    assert (
        record.base_url,
        record.training_sha256,
        record.validation_sha256,
        record.dataset_path,
        record.client_token,
    ) == ("http://base", "t-sha", "v-sha", "/d.jsonl", "tok")


def test_an_update_keeps_when_the_job_was_first_recorded(store: JobStore) -> None:
    store.record_job(_job(), provider="p", account="a")
    with sqlite3.connect(store.path) as other:  # as if recorded long ago
        other.execute("UPDATE jobs SET recorded_at = 5, updated_at = 5")
    store.record_job(_job("succeeded"), provider="p", account="a")
    record = store.get("p", "a", "ftjob-1")
    assert record is not None and record.recorded_at == 5 and record.updated_at > 5


def test_the_failure_of_a_job_is_recorded_with_its_message(store: JobStore) -> None:
    failed = _job("failed", error={"code": "invalid_file", "message": "line 3 is broken"})
    store.record_job(failed, provider="p", account="a")
    record = store.get("p", "a", "ftjob-1")
    assert record is not None
    assert (record.error_code, record.error_message) == ("invalid_file", "line 3 is broken")


def test_a_job_not_recorded_is_none(store: JobStore) -> None:
    assert store.get("p", "a", "ftjob-unknown") is None


def test_an_old_record_without_its_json_is_rebuilt_whole() -> None:
    record = JobRecord(
        provider="openai",
        account="default",
        job_id="ftjob-7",
        base_url="",
        model="gpt-4o-mini",
        status="succeeded",
        method="dpo",
        suffix="support",
        fine_tuned_model="ft:gpt-4o-mini:support",
        created_at=100,
        finished_at=200,
        trained_tokens=3000,
        training_file_id="file-t",
        validation_file_id="file-v",
        error_code="x",
        job_json="{not json",
    )
    assert record.job() == Job(
        id="ftjob-7",
        status="succeeded",
        model="gpt-4o-mini",
        created_at=100,
        finished_at=200,
        fine_tuned_model="ft:gpt-4o-mini:support",
        training_file="file-t",
        validation_file="file-v",
        trained_tokens=3000,
        method="dpo",
        suffix="support",
    )


def test_a_pending_create_is_read_back_whole(store: JobStore) -> None:
    store.add_pending_create(
        "tok1", provider="openai", account="work", base_url="http://u", request={"model": "m"}
    )
    [pending] = store.pending_creates()
    assert pending == PendingCreate(
        "tok1", "openai", "work", "http://u", {"model": "m"}, pending.started_at
    )
    assert isinstance(pending.started_at, int) and pending.started_at > 1_700_000_000


def test_a_folder_where_the_file_should_be_cannot_be_opened(tmp_path: Path) -> None:
    folder = tmp_path / "jobs.sqlite3"
    folder.mkdir()
    with pytest.raises(JobStoreError) as refused:
        JobStore(folder).open()
    assert refused.value.message == f"The job records file “{folder}” cannot be opened for writing."
    assert refused.value.next_step == "Check that you can write to that folder, then try again."
    assert refused.value.technical == "OperationalError: unable to open database file"


def test_a_damaged_page_inside_a_database_is_reported_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    with JobStore(path) as store:
        store.record_job(_job(), provider="p", account="a")
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xff" * (
        len(data) - 4096
    )  # every page after the first: malformed, not "not a database"
    path.write_bytes(bytes(data))
    with pytest.raises(JobStoreError) as damaged, JobStore(path) as store:
        store.list_jobs()
    assert (
        damaged.value.message
        == "The job records file “jobs.sqlite3” is damaged and cannot be read."
    )
    assert damaged.value.next_step == (
        f"It was left untouched in {tmp_path}. Move it aside (or restore it from a backup) and "
        "start the app again; a new, empty one will be made. Your jobs are still listed at the "
        "provider."
    )
    assert "malformed" in damaged.value.technical
    assert damaged.value.technical.startswith("DatabaseError: ")
    assert path.read_bytes() == bytes(data)


# The texts SQLite gives for each kind of trouble (sqlite3_errstr), as the sqlite3 module raises them.
@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (sqlite3.OperationalError("database is locked"), "locked"),
        (sqlite3.OperationalError("database table is locked"), "locked"),
        (sqlite3.OperationalError("database is busy"), "locked"),
        (sqlite3.DatabaseError("file is not a database"), "damaged"),
        (sqlite3.DatabaseError("database disk image is malformed"), "damaged"),
        (sqlite3.DatabaseError("database corrupt"), "damaged"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "cannot write"),
        (sqlite3.OperationalError("unable to open database file"), "cannot write"),
        (sqlite3.OperationalError("access permission denied"), "cannot write"),
        (sqlite3.OperationalError("disk I/O error"), "other"),
    ],
)
def test_each_database_trouble_has_its_own_words(error: sqlite3.Error, kind: str, tmp_path) -> None:
    path = tmp_path / "jobs.sqlite3"
    words = {
        "locked": (
            "The job records are in use by another copy of Finetune Studio (the database is locked).",
            "Close the other copy (or wait for it to finish), then try again.",
        ),
        "damaged": (
            "The job records file “jobs.sqlite3” is damaged and cannot be read.",
            f"It was left untouched in {tmp_path}. Move it aside (or restore it from a backup) "
            "and start the app again; a new, empty one will be made. Your jobs are still listed "
            "at the provider.",
        ),
        "cannot write": (
            f"The job records file “{path}” cannot be opened for writing.",
            "Check that you can write to that folder, then try again.",
        ),
        "other": (
            "The job records could not be read or saved.",
            "Try again. If it keeps happening, send the log file to support.",
        ),
    }
    reported = JobStore(path)._error(error)
    assert (reported.message, reported.next_step) == words[kind]
    assert reported.technical == f"{type(error).__name__}: {error}"


def test_a_job_error_round_trips_through_the_store(store: JobStore) -> None:
    failed = _job("failed", error={"code": "c", "message": "m", "param": "training_file"})
    store.record_job(failed, provider="p", account="a")
    record = store.get("p", "a", "ftjob-1")
    assert record is not None and record.job().error == JobError("c", "m", "training_file")


def test_a_resent_upload_reuses_its_token_until_it_is_finished(store: JobStore) -> None:
    first = store.upload_token("p", "a", "sha-1", "fine-tune")
    assert store.upload_token("p", "a", "sha-1", "fine-tune") == first
    other = store.upload_token("p", "a", "sha-2", "fine-tune")
    assert len({first, other, store.upload_token("p", "b", "sha-1", "fine-tune")}) == 3
    assert str(uuid.UUID(first)) == first and str(uuid.UUID(other)) == other
    store.finish_upload("p", "a", "sha-1", "fine-tune")
    assert store.upload_token("p", "a", "sha-1", "fine-tune") not in (first, other)


def test_the_store_makes_its_folders_and_waits_as_long_as_it_was_told(tmp_path: Path) -> None:
    with JobStore(tmp_path / "a" / "b" / "jobs.sqlite3", lock_timeout=0.25) as nested:
        assert nested.list_jobs() == []
        with nested._transaction() as conn:  # SQLite's own record of how long it waits for a lock
            assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 250


def test_the_store_is_shared_between_threads(store: JobStore) -> None:
    failures: list[BaseException] = []

    def record() -> None:
        try:
            store.record_job(_job(), provider="p", account="a")
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            failures.append(exc)

    worker = threading.Thread(target=record)
    worker.start()
    worker.join()
    assert failures == [] and store.get("p", "a", "ftjob-1") is not None


def test_a_store_of_this_version_opens_again_with_its_records(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    with JobStore(path) as store:
        store.record_job(_job(), provider="p", account="a")
    with JobStore(path) as again:  # every start after the first
        assert [r.job_id for r in again.list_jobs()] == ["ftjob-1"]


def test_a_newer_or_foreign_database_is_explained(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(JobStoreError) as too_new:
        JobStore(newer).open()
    assert too_new.value.message == (
        "The job records were written by a newer version of Finetune Studio."
    )
    assert too_new.value.next_step == (
        "Update Finetune Studio to see them. The records were left untouched."
    )
    assert too_new.value.technical == "schema version 99, this app knows up to 3"
    foreign = tmp_path / "recipes.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(JobStoreError) as not_ours:
        JobStore(foreign).open()
    assert not_ours.value.next_step == (
        f"Move it out of {tmp_path} and start the app again. It was left untouched."
    )
