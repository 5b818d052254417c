"""Uploading a training file: never the same content twice, big files in parts, with progress.

`upload()` hashes exactly the bytes the provider will receive (SHA-256). When the job store
already maps that hash to a file id for this provider account, and the provider still has the
file, nothing is sent. Otherwise files up to 512 MB go through the Files API in one request;
larger ones through the Uploads API in 64 MB parts (both limits are parameters, so tests can use
tiny parts). Progress is reported as bytes sent; the cancel token is checked between reads and
between parts, and a cancelled multipart upload is cancelled at the provider too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.core.providers.base import CancelToken, FileRef, Provider, UploadSource
from desktop_app.core.providers.errors import NotFoundError, OperationCancelled, ProviderError
from desktop_app.core.providers.retry import outcome_unknown
from desktop_app.core.training.jobstore import JobStore

log = logging.getLogger(__name__)
FILES_API_LIMIT = 512 * 1024 * 1024
PART_SIZE = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class UploadProgress:
    filename: str
    sent: int
    total: int
    reused: bool = False  # the provider already had this content; nothing was sent

    @property
    def fraction(self) -> float:
        return 1.0 if self.total <= 0 else min(1.0, self.sent / self.total)


@dataclass(frozen=True, slots=True)
class UploadResult:
    file: FileRef
    sha256: str
    reused: bool


UploadProgressCallback = Callable[[UploadProgress], None]


def upload(
    provider: Provider,
    source: UploadSource,
    *,
    store: JobStore | None = None,
    purpose: str = "fine-tune",
    progress: UploadProgressCallback | None = None,
    cancel: CancelToken | None = None,
    multipart_threshold: int = FILES_API_LIMIT,
    part_size: int = PART_SIZE,
) -> UploadResult:
    source = source.with_prefix(provider.upload_prefix)
    sha256 = source.sha256()
    total = source.size
    kind, account = provider.account_key

    def report(sent: int, reused: bool = False) -> None:
        if progress is not None:
            progress(UploadProgress(source.filename, sent, total, reused))

    if store is not None:
        cached = _still_there(provider, store, store.cached_upload(kind, account, sha256, purpose))
        if cached is not None:
            report(total, reused=True)
            return UploadResult(cached, sha256, reused=True)
    _check(cancel, source.filename)
    # The pending record's token goes out as the Idempotency-Key: a resent upload (also after
    # a crash) of the same content makes no second file where the provider honours it.
    token = store.upload_token(kind, account, sha256, purpose) if store is not None else None
    report(0)
    try:
        if total <= multipart_threshold or not provider.capabilities.multipart_upload:
            # a provider without multipart uploads enforces its own size limit in upload_file
            ref = provider.upload_file(
                source,
                purpose=purpose,
                progress=lambda s, _t: report(s),
                cancel=cancel,
                token=token,
            )
        else:
            ref = _upload_in_parts(provider, source, purpose, part_size, report, cancel, token)
    except (OperationCancelled, ProviderError) as exc:
        if store is not None and not (isinstance(exc, ProviderError) and outcome_unknown(exc)):
            store.finish_upload(
                kind, account, sha256, purpose
            )  # nothing made: a fresh key next time
        raise
    report(total)
    if store is not None:
        store.remember_upload(kind, account, sha256, purpose, ref.id, source.filename, total)
        store.finish_upload(kind, account, sha256, purpose)
    return UploadResult(ref, sha256, reused=False)


def _still_there(provider: Provider, store: JobStore, file_id: str | None) -> FileRef | None:
    """The cached file if the provider still has it in a usable state; forgets it otherwise."""
    if file_id is None:
        return None
    kind, account = provider.account_key
    try:
        ref = provider.get_file(file_id)
    except NotFoundError:
        store.forget_upload(kind, account, file_id)
        return None
    if ref.status in ("error", "deleted"):
        store.forget_upload(kind, account, file_id)
        return None
    return ref


def _upload_in_parts(
    provider: Provider,
    source: UploadSource,
    purpose: str,
    part_size: int,
    report: Callable[[int], None],
    cancel: CancelToken | None,
    token: str | None,
) -> FileRef:
    if part_size <= 0:
        raise ValueError("part_size must be positive")
    upload_id = provider.start_upload(source.filename, source.size, purpose=purpose, token=token)
    part_ids: list[str] = []
    try:
        with source.open() as handle:
            offset = 0
            while data := handle.read(part_size):
                _check(cancel, source.filename)
                part_progress = _shifted(report, offset)
                part_ids.append(
                    provider.upload_part(upload_id, data, progress=part_progress, cancel=cancel)
                )
                offset += len(data)
        _check(cancel, source.filename)
        return provider.complete_upload(upload_id, part_ids)
    except (OperationCancelled, ProviderError):
        _cancel_quietly(provider, upload_id)
        raise


def _shifted(report: Callable[[int], None], offset: int) -> Callable[[int, int], None]:
    """A part's progress (bytes of this part) as progress through the whole file."""

    def part_progress(sent: int, _total: int) -> None:
        report(offset + sent)

    return part_progress


def _cancel_quietly(provider: Provider, upload_id: str) -> None:
    try:
        provider.cancel_upload(upload_id)
    except ProviderError as exc:
        log.info("could not cancel the unfinished upload: %s", type(exc).__name__)


def _check(cancel: CancelToken | None, filename: str) -> None:
    if cancel is not None and cancel.is_set():
        raise OperationCancelled(f"Uploading “{filename}”")
