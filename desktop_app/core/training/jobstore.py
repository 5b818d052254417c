"""The app's own records of training jobs, the upload cache and pending creates, in SQLite.

One database file in the data folder (data_dir()/jobs.sqlite3) with a schema version
(`PRAGMA user_version`) and numbered migrations that run forward in one transaction. A damaged,
locked or newer-than-known database is reported as a `JobStoreError` and left exactly as it is:
the store never deletes or recreates a file it cannot read.

Safe to share between threads (one connection behind a lock); every method is a short
transaction.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.errors import UserFacingError
from desktop_app.core.files.folders import data_dir
from desktop_app.core.providers.base import Job, JobStatus

DB_NAME = "jobs.sqlite3"
LOCK_TIMEOUT = 3.0  # seconds to wait for another process that holds the database

# Each entry moves the schema from version i to i + 1. Never edit a shipped entry; add one.
MIGRATIONS: tuple[str, ...] = (
    # 1: job records and the upload cache
    """
    CREATE TABLE jobs (
        provider TEXT NOT NULL,
        account TEXT NOT NULL,
        job_id TEXT NOT NULL,
        base_url TEXT NOT NULL DEFAULT '',
        model TEXT NOT NULL DEFAULT '',
        suffix TEXT,
        status TEXT NOT NULL DEFAULT '',
        fine_tuned_model TEXT,
        created_at INTEGER,
        finished_at INTEGER,
        trained_tokens INTEGER,
        training_file_id TEXT,
        validation_file_id TEXT,
        training_sha256 TEXT,
        validation_sha256 TEXT,
        dataset_path TEXT,
        error_code TEXT,
        error_message TEXT,
        recorded_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (provider, account, job_id)
    );
    CREATE TABLE uploads (
        provider TEXT NOT NULL,
        account TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        purpose TEXT NOT NULL,
        file_id TEXT NOT NULL,
        filename TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        uploaded_at INTEGER NOT NULL,
        PRIMARY KEY (provider, account, sha256, purpose)
    );
    """,
    # 2: the whole job as last seen (for offline views), the method, and creates in flight
    """
    ALTER TABLE jobs ADD COLUMN method TEXT NOT NULL DEFAULT 'supervised';
    ALTER TABLE jobs ADD COLUMN client_token TEXT;
    ALTER TABLE jobs ADD COLUMN job_json TEXT;
    CREATE INDEX jobs_by_id ON jobs (job_id);
    CREATE TABLE pending_creates (
        client_token TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        account TEXT NOT NULL,
        base_url TEXT NOT NULL DEFAULT '',
        request_json TEXT NOT NULL,
        started_at INTEGER NOT NULL
    );
    """,
    # 3: uploads in flight: the idempotency token a resent upload of the same content reuses
    """
    CREATE TABLE pending_uploads (
        provider TEXT NOT NULL,
        account TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        purpose TEXT NOT NULL,
        token TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        PRIMARY KEY (provider, account, sha256, purpose)
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class JobStoreError(UserFacingError):
    """The job records could not be read or written; the file was left as it is."""


@dataclass(frozen=True, slots=True)
class JobRecord:
    provider: str
    account: str
    job_id: str
    base_url: str
    model: str
    status: str
    method: str = "supervised"
    suffix: str | None = None
    fine_tuned_model: str | None = None
    created_at: int | None = None
    finished_at: int | None = None
    trained_tokens: int | None = None
    training_file_id: str | None = None
    validation_file_id: str | None = None
    training_sha256: str | None = None
    validation_sha256: str | None = None
    dataset_path: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    client_token: str | None = None
    job_json: str | None = None
    recorded_at: int = 0
    updated_at: int = 0

    @property
    def is_terminal(self) -> bool:
        return self.status in JobStatus.TERMINAL

    def job(self) -> Job:
        """The job as last seen (from the stored JSON, or rebuilt from the columns)."""
        if self.job_json:
            try:
                return Job.from_dict(json.loads(self.job_json))
            except ValueError:
                pass
        return Job(
            id=self.job_id,
            status=self.status,
            model=self.model,
            created_at=self.created_at,
            finished_at=self.finished_at,
            fine_tuned_model=self.fine_tuned_model,
            training_file=self.training_file_id,
            validation_file=self.validation_file_id,
            trained_tokens=self.trained_tokens,
            method=self.method,
            suffix=self.suffix,
        )


@dataclass(frozen=True, slots=True)
class PendingCreate:
    client_token: str
    provider: str
    account: str
    base_url: str
    request: dict[str, Any]
    started_at: int


class JobStore:
    def __init__(self, path: Path | None = None, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.path = Path(path) if path is not None else data_dir() / DB_NAME
        self.lock_timeout = lock_timeout
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    # ---- opening ---------------------------------------------------------------------------
    def open(self) -> JobStore:
        with self._lock:
            if self._conn is None:
                self._conn = self._connect()
        return self

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def __enter__(self) -> JobStore:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self._transaction() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file where the folder should be, no permission, a full disk
            raise JobStoreError(
                f"The folder for the job records, {self.path.parent}, cannot be made.",
                "Make sure no file of that name is in its place and that you can write there, "
                "then start the app again. Your jobs are still listed at the provider.",
                technical=f"{type(exc).__name__}: {exc}",
            ) from None
        try:
            conn = sqlite3.connect(
                self.path, timeout=self.lock_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            self._migrate(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise self._error(exc) from None
        except JobStoreError:
            conn.close()
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise JobStoreError(
                    "The job records were written by a newer version of Finetune Studio.",
                    "Update Finetune Studio to see them. The records were left untouched.",
                    technical=f"schema version {version}, this app knows up to {SCHEMA_VERSION}",
                )
            if version == 0 and self._has_foreign_tables(conn):
                raise JobStoreError(
                    f"“{self.path.name}” is not a Finetune Studio job records file.",
                    f"Move it out of {self.path.parent} and start the app again. It was left untouched.",
                )
            for number in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @staticmethod
    def _has_foreign_tables(conn: sqlite3.Connection) -> bool:
        return bool(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0)

    def _error(self, exc: sqlite3.Error) -> JobStoreError:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return JobStoreError(
                "The job records are in use by another copy of Finetune Studio (the database is locked).",
                "Close the other copy (or wait for it to finish), then try again.",
                technical=f"{type(exc).__name__}: {exc}",
            )
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return JobStoreError(
                f"The job records file “{self.path.name}” is damaged and cannot be read.",
                f"It was left untouched in {self.path.parent}. Move it aside (or restore it from a "
                "backup) and start the app again; a new, empty one will be made. Your jobs are "
                "still listed at the provider.",
                technical=f"{type(exc).__name__}: {exc}",
            )
        if "readonly" in text or "unable to open" in text or "permission" in text:
            return JobStoreError(
                f"The job records file “{self.path}” cannot be opened for writing.",
                "Check that you can write to that folder, then try again.",
                technical=f"{type(exc).__name__}: {exc}",
            )
        return JobStoreError(
            "The job records could not be read or saved.",
            "Try again. If it keeps happening, send the log file to support.",
            technical=f"{type(exc).__name__}: {exc}",
        )

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.open()
        with self._lock:
            conn = self._conn
            if conn is None:
                raise JobStoreError("The job records are closed.", "Open them again and retry.")
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    # ---- jobs ------------------------------------------------------------------------------
    def record_job(
        self,
        job: Job,
        *,
        provider: str,
        account: str,
        base_url: str = "",
        training_sha256: str | None = None,
        validation_sha256: str | None = None,
        dataset_path: str | None = None,
        client_token: str | None = None,
    ) -> Job:
        """Insert or update a job; keeps provenance columns already recorded when given None.

        A finished, failed or cancelled job stays so: an older answer that arrives late (still
        “running”) does not overwrite it. Returns the job as stored."""
        now = int(time.time())
        row = {
            "provider": provider,
            "account": account,
            "job_id": job.id,
            "base_url": base_url,
            "model": job.model,
            "suffix": job.suffix,
            "status": job.status,
            "method": job.method,
            "fine_tuned_model": job.fine_tuned_model,
            "created_at": job.created_at,
            "finished_at": job.finished_at,
            "trained_tokens": job.trained_tokens,
            "training_file_id": job.training_file,
            "validation_file_id": job.validation_file,
            "training_sha256": training_sha256,
            "validation_sha256": validation_sha256,
            "dataset_path": dataset_path,
            "client_token": client_token,
            "error_code": job.error.code if job.error else None,
            "error_message": job.error.message if job.error else None,
            "job_json": json.dumps(job.to_dict()),
            "recorded_at": now,
            "updated_at": now,
        }
        keep = ("training_sha256", "validation_sha256", "dataset_path", "client_token", "base_url")
        updates = ", ".join(
            f"{k} = COALESCE(NULLIF(excluded.{k}, ''), {k})" if k in keep else f"{k} = excluded.{k}"
            for k in row
            if k not in ("provider", "account", "job_id", "recorded_at")
        )
        columns = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        with self._transaction() as conn:
            stored = conn.execute(
                "SELECT * FROM jobs WHERE provider = ? AND account = ? AND job_id = ?",
                (provider, account, job.id),
            ).fetchone()
            if stored is not None and _ends_sooner(_record(stored), job):
                return _record(stored).job()
            conn.execute(
                f"INSERT INTO jobs ({columns}) VALUES ({marks}) "
                f"ON CONFLICT (provider, account, job_id) DO UPDATE SET {updates}",
                row,
            )
        return job

    def get(self, provider: str, account: str, job_id: str) -> JobRecord | None:
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT * FROM jobs WHERE provider = ? AND account = ? AND job_id = ?",
                (provider, account, job_id),
            ).fetchone()
        return _record(row) if row else None

    def find(self, job_id: str) -> list[JobRecord]:
        """Every record of this job id (normally one)."""
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT * FROM jobs WHERE job_id = ? ORDER BY updated_at DESC", (job_id,)
            ).fetchall()
        return [_record(r) for r in rows]

    def list_jobs(
        self, *, provider: str | None = None, account: str | None = None, limit: int | None = None
    ) -> list[JobRecord]:
        """Newest first."""
        sql = "SELECT * FROM jobs WHERE (:p IS NULL OR provider = :p) AND (:a IS NULL OR account = :a)"
        sql += " ORDER BY COALESCE(created_at, recorded_at) DESC, recorded_at DESC, rowid DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._transaction() as conn:
            rows = conn.execute(sql, {"p": provider, "a": account}).fetchall()
        return [_record(r) for r in rows]

    def active_jobs(self) -> list[JobRecord]:
        """Jobs not yet finished, to resume polling after a restart."""
        return [r for r in self.list_jobs() if not r.is_terminal]

    def forget_job(self, provider: str, account: str, job_id: str) -> None:
        with self._transaction() as conn:
            conn.execute(
                "DELETE FROM jobs WHERE provider = ? AND account = ? AND job_id = ?",
                (provider, account, job_id),
            )

    # ---- upload cache ----------------------------------------------------------------------
    def cached_upload(self, provider: str, account: str, sha256: str, purpose: str) -> str | None:
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT file_id FROM uploads WHERE provider = ? AND account = ? AND sha256 = ? "
                "AND purpose = ?",
                (provider, account, sha256, purpose),
            ).fetchone()
        return str(row["file_id"]) if row else None

    def remember_upload(
        self,
        provider: str,
        account: str,
        sha256: str,
        purpose: str,
        file_id: str,
        filename: str,
        size: int,
    ) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (provider, account, sha256, purpose, file_id, filename, size, int(time.time())),
            )

    def forget_upload(self, provider: str, account: str, file_id: str) -> None:
        with self._transaction() as conn:
            conn.execute(
                "DELETE FROM uploads WHERE provider = ? AND account = ? AND file_id = ?",
                (provider, account, file_id),
            )

    # ---- creates in flight -----------------------------------------------------------------
    def add_pending_create(
        self,
        client_token: str,
        *,
        provider: str,
        account: str,
        base_url: str,
        request: dict[str, Any],
    ) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO pending_creates VALUES (?, ?, ?, ?, ?, ?)",
                (client_token, provider, account, base_url, json.dumps(request), int(time.time())),
            )

    def upload_token(self, provider: str, account: str, sha256: str, purpose: str) -> str:
        """The idempotency token for uploading this content: written before the first request
        and reused by every resend (also after a crash), until `finish_upload` removes it."""
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT token FROM pending_uploads WHERE provider = ? AND account = ? "
                "AND sha256 = ? AND purpose = ?",
                (provider, account, sha256, purpose),
            ).fetchone()
            if row is not None:
                return str(row["token"])
            token = str(uuid.uuid4())
            conn.execute(
                "INSERT INTO pending_uploads VALUES (?, ?, ?, ?, ?, ?)",
                (provider, account, sha256, purpose, token, int(time.time())),
            )
        return token

    def finish_upload(self, provider: str, account: str, sha256: str, purpose: str) -> None:
        with self._transaction() as conn:
            conn.execute(
                "DELETE FROM pending_uploads WHERE provider = ? AND account = ? AND sha256 = ? "
                "AND purpose = ?",
                (provider, account, sha256, purpose),
            )

    def remove_pending_create(self, client_token: str) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM pending_creates WHERE client_token = ?", (client_token,))

    def pending_creates(
        self, provider: str | None = None, account: str | None = None
    ) -> list[PendingCreate]:
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT * FROM pending_creates WHERE (:p IS NULL OR provider = :p) "
                "AND (:a IS NULL OR account = :a) ORDER BY started_at",
                {"p": provider, "a": account},
            ).fetchall()
        return [
            PendingCreate(
                r["client_token"],
                r["provider"],
                r["account"],
                r["base_url"],
                json.loads(r["request_json"]),
                r["started_at"],
            )
            for r in rows
        ]


def _ends_sooner(stored: JobRecord, job: Job) -> bool:
    """True when the stored record already ended and `job` is an older answer saying otherwise."""
    return stored.is_terminal and not job.is_terminal


def _record(row: sqlite3.Row) -> JobRecord:
    names = set(row.keys())
    fields = {name: row[name] for name in JobRecord.__dataclass_fields__ if name in names}
    return JobRecord(**fields)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
