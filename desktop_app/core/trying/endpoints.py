"""A chat endpoint: one model at one provider, the thing a writer talks to in the playground.

An `Endpoint` names a model (a tuned model or one of its checkpoints, its base model, or any
model an OpenAI-compatible server offers) and where it runs: a provider kind from the registry
(openai, azure, compatible, practice, together, fireworks) or `local`, a server on this computer
with one of the `PRESETS` (Ollama, LM Studio, llama.cpp server, vLLM, mlx_lm.server). Keys come
from the keyring through the registry; a local server gets a placeholder key (they ignore it)
unless one is stored for its address.

`ProviderPool` opens and caches providers for endpoints (thread-safe, closed at quit), and
`explain_chat_error` turns a provider error into words that fit chatting with a model: a model
that does not exist, a local server that is not running.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from desktop_app.core.errors import UserFacingError
from desktop_app.core.exports.trying import (
    LLAMA_CPP_URL,
    LM_STUDIO_URL,
    MLX_URL,
    OLLAMA_URL,
    VLLM_URL,
)
from desktop_app.core.models.catalog import find_model
from desktop_app.core.providers.base import ChatMessage, Job, JobStatus, Provider
from desktop_app.core.providers.errors import (
    AccessDeniedError,
    AuthError,
    MissingKeyError,
    NetworkError,
    NotFoundError,
    OperationCancelled,
    ProviderError,
    RequestTimeoutError,
)
from desktop_app.core.providers.retry import RetryPolicy

if TYPE_CHECKING:
    from desktop_app.core.providers.openai_provider import Timeouts
    from desktop_app.core.training.job_key import JobKey
    from desktop_app.core.training.jobstore import JobRecord

LOCAL = "local"
LOCAL_KEY = "local-server-no-key-needed"  # local servers want a bearer token but ignore it
CHAT_READ_TIMEOUT = 120.0  # seconds between bytes; a local model may take a while to load

# where an endpoint's model comes from (shown as a group in the model picker)
TUNED, CHECKPOINT, BASE, CUSTOM = "tuned", "checkpoint", "base", "custom"


@dataclass(frozen=True, slots=True)
class LocalPreset:
    key: str
    name: str
    base_url: str
    start_hint: str  # how to start the server, in one sentence
    model_hint: str  # what to type as the model name


PRESETS: tuple[LocalPreset, ...] = (
    LocalPreset(
        "ollama",
        "Ollama",
        OLLAMA_URL,
        "Start Ollama (open the Ollama app, or run “ollama serve”).",
        "the name “ollama list” shows, for example llama3.2",
    ),
    LocalPreset(
        "lmstudio",
        "LM Studio",
        LM_STUDIO_URL,
        "In LM Studio, load the model and start the server (Developer tab, or “lms server start”).",
        "the model identifier LM Studio shows for the loaded model",
    ),
    LocalPreset(
        "llamacpp",
        "llama.cpp server",
        LLAMA_CPP_URL,
        "Start “llama-server -m model.gguf” (add “--lora adapter.gguf” for a LoRA adapter).",
        "any name: llama-server answers with the model it loaded",
    ),
    LocalPreset(
        "vllm",
        "vLLM",
        VLLM_URL,
        "Start “vllm serve BASE_MODEL --enable-lora --lora-modules NAME=ADAPTER_FOLDER”.",
        "the served name, for example the NAME given to --lora-modules",
    ),
    LocalPreset(
        "mlx",
        "mlx_lm.server",
        MLX_URL,
        "Start “mlx_lm.server --model BASE_MODEL --adapter-path adapters”.",
        "the model you started the server with",
    ),
)


def preset(key: str) -> LocalPreset | None:
    return next((p for p in PRESETS if p.key == key), None)


def preset_for_url(base_url: str) -> LocalPreset | None:
    """The preset whose usual address this is (llama.cpp and mlx share port 8080: llama.cpp)."""
    wanted = _normal_url(base_url)
    return next((p for p in PRESETS if _normal_url(p.base_url) == wanted), None)


def _normal_url(url: str) -> str:
    return url.strip().rstrip("/").replace("://127.0.0.1", "://localhost")


class ModelUnavailableError(NotFoundError):
    """The model asked for does not exist (any more) where the endpoint points."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One model at one provider. Never holds a key."""

    kind: str  # registry kind (openai, azure, compatible, practice, …) or "local"
    model: str
    base_url: str = ""
    account: str | None = None
    label: str = ""  # a friendly name; display_name falls back to the model
    origin: str = CUSTOM  # tuned / checkpoint / base / custom
    job_id: str = ""  # the training job of a tuned model or checkpoint
    preset: str = ""  # local preset key (ollama, lmstudio, …)

    @property
    def display_name(self) -> str:
        return self.label or self.model

    @property
    def where(self) -> str:
        """Where the model runs, in a few words: “OpenAI”, “Ollama on this computer”."""
        if self.kind == LOCAL:
            found = preset(self.preset) or preset_for_url(self.base_url)
            host = urlsplit(self.base_url).netloc or self.base_url
            return f"{found.name} at {host}" if found else f"the server at {host}"
        from desktop_app.core.providers.registry import provider_info

        try:
            label = provider_info(self.kind).label
        except ProviderError:
            return self.kind
        return "the practice server" if self.kind == "practice" else label

    @property
    def is_free(self) -> bool:
        """Runs on this computer (a local server or practice mode): nothing to pay."""
        return self.kind in (LOCAL, "practice")

    def with_model(self, model: str) -> Endpoint:
        return replace(self, model=model, label="", origin=CUSTOM, job_id="")

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "model": self.model,
            "base_url": self.base_url,
            "account": self.account,
            "label": self.label,
            "origin": self.origin,
            "job_id": self.job_id,
            "preset": self.preset,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Endpoint:
        account = data.get("account")
        return cls(
            kind=str(data.get("kind") or "openai"),
            model=str(data.get("model") or ""),
            base_url=str(data.get("base_url") or ""),
            account=account if isinstance(account, str) and account else None,
            label=str(data.get("label") or ""),
            origin=str(data.get("origin") or CUSTOM),
            job_id=str(data.get("job_id") or ""),
            preset=str(data.get("preset") or ""),
        )


def remembered(saved: Iterable[Mapping[str, Any]]) -> list[Endpoint]:
    """Endpoints saved by `to_remember`, less those whose model no longer answers."""
    from desktop_app.core.models.provider_dates import retirement_notice

    found = [Endpoint.from_json(item) for item in saved]
    return [
        e
        for e in found
        if e.model and not ((n := retirement_notice(e.model, e.kind)) is not None and n.gone)
    ]


def to_remember(endpoints: Iterable[Endpoint]) -> list[dict[str, Any]]:
    """What may be kept of the endpoints between sessions: an address holding a name and
    password, or anything after "?", could be a secret, so such an endpoint is not kept."""
    kept = []
    for endpoint in endpoints:
        address = urlsplit(endpoint.base_url)
        if address.username is None and not address.query:
            kept.append(endpoint.to_json())
    return kept


def local_endpoint(preset_key: str, model: str, base_url: str | None = None) -> Endpoint:
    found = preset(preset_key)
    if found is None:
        raise ValueError(f"unknown local preset {preset_key!r}")
    return Endpoint(LOCAL, model, base_url or found.base_url, preset=found.key)


# ---- endpoints from the app's job records ---------------------------------------------------
def tuned_endpoints(
    records: Iterable[JobRecord],
    *,
    practice_url: str | None = None,
    dataset_path: str | None = None,
) -> list[Endpoint]:
    """Each finished job's tuned model followed by its base model, newest first.

    Models trained from `dataset_path` come first. Practice models live only as long as the
    practice server that trained them, so only those of the running server (`practice_url`)
    are listed.
    """
    chosen: list[tuple[bool, JobRecord]] = []
    for record in records:
        if record.status != JobStatus.SUCCEEDED or not record.fine_tuned_model:
            continue
        if record.provider == "practice" and (
            practice_url is None or _normal_url(record.base_url) != _normal_url(practice_url)
        ):
            continue
        chosen.append((bool(dataset_path) and record.dataset_path == dataset_path, record))
    chosen.sort(key=lambda pair: not pair[0])  # stable: newest first within each group
    endpoints: list[Endpoint] = []
    seen: set[tuple[str, str, str]] = set()
    for _, record in chosen:
        for endpoint in (_tuned(record), _base(record)):
            key = (endpoint.kind, endpoint.base_url, endpoint.model)
            if key not in seen:
                seen.add(key)
                endpoints.append(endpoint)
    return endpoints


def same_model(a: Endpoint, b: Endpoint) -> bool:
    """Whether two endpoints are one model at one place (a comparison of it with itself)."""
    return (
        a.kind == b.kind
        and a.model.strip() == b.model.strip()
        and _normal_url(a.base_url) == _normal_url(b.base_url)
        and (a.account or "") == (b.account or "")
    )


def tuned_and_base(key: JobKey, job: Job) -> tuple[Endpoint, Endpoint]:
    """A finished job's tuned model and its base model, to try side by side (from what the
    provider reports, so a job listed from an account works as well as one started here)."""
    # imported here, so that importing the playground at start does not load the job store
    from desktop_app.core.training.jobstore import JobRecord

    record = JobRecord(
        key.provider, key.account, key.job_id, key.base_url, job.model, job.status,
        suffix=job.suffix, fine_tuned_model=job.fine_tuned_model,
        created_at=job.created_at, finished_at=job.finished_at,
    )  # fmt: skip
    return _tuned(record), _base(record)


def _tuned(record: JobRecord) -> Endpoint:
    model = record.fine_tuned_model or ""
    when = _day(record.finished_at or record.created_at)
    name = record.suffix or _short(model)
    return Endpoint(
        kind=record.provider,
        model=model,
        base_url=record.base_url,
        account=record.account,
        label=f"{name} (tuned{' ' + when if when else ''})",
        origin=TUNED,
        job_id=record.job_id,
    )


def _base(record: JobRecord) -> Endpoint:
    return Endpoint(
        kind=record.provider,
        model=record.model,
        base_url=record.base_url,
        account=record.account,
        label=f"{record.model} (base model)",
        origin=BASE,
    )


def _short(model: str) -> str:
    """ft:gpt-4o-mini:org:suffix:id → gpt-4o-mini:suffix (or the id when there is no suffix)."""
    parts = model.split(":")
    if len(parts) >= 5 and parts[0] == "ft":
        return f"{parts[1]}:{parts[3] or parts[4]}"
    return model


def _day(timestamp: int | None) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d") if timestamp else ""


def checkpoint_endpoints(provider: Provider, tuned: Endpoint) -> list[Endpoint]:
    """The checkpoints of a tuned model's job (a network call: run it on a worker)."""
    if not tuned.job_id or not provider.capabilities.checkpoints:
        return []
    page = provider.list_checkpoints(tuned.job_id, limit=10)
    return [
        replace(
            tuned,
            model=checkpoint.model,
            label=f"{_short(tuned.model)} at step {checkpoint.step}",
            origin=CHECKPOINT,
        )
        for checkpoint in sorted(page.items, key=lambda c: c.step)
        if checkpoint.model
    ]


# ---- opening providers ------------------------------------------------------------------------
def open_provider(
    endpoint: Endpoint,
    *,
    retry: RetryPolicy | None = None,
    timeouts: Timeouts | None = None,
) -> Provider:
    """A provider that can chat with the endpoint's model (the caller closes it)."""
    from desktop_app.core.providers.openai_provider import Timeouts
    from desktop_app.core.providers.registry import create_provider

    options: dict[str, Any] = {"timeouts": timeouts or Timeouts(read=CHAT_READ_TIMEOUT)}
    if retry is not None:
        options["retry"] = retry
    if endpoint.kind == LOCAL:
        from desktop_app.core.keys import secrets
        from desktop_app.core.providers.compatible import compatible_account

        if not endpoint.base_url:
            raise UserFacingError(
                "A local server needs an address (base URL).",
                "Pick a preset such as Ollama, or type the address, e.g. http://localhost:11434/v1.",
            )
        account = endpoint.account or compatible_account(endpoint.base_url)
        key = secrets.get_key("compatible", account) or LOCAL_KEY
        provider = create_provider(
            "compatible", base_url=endpoint.base_url, api_key=key, account=account, **options
        )
        provider.label = endpoint.where
        return provider
    return create_provider(
        endpoint.kind, base_url=endpoint.base_url or None, account=endpoint.account, **options
    )


class ProviderPool:
    """Providers for endpoints, one per (kind, account, address); safe to use from workers.

    Retry waits end at once when the pool is closed (at quit), so no worker sits out a delay.
    """

    def __init__(
        self,
        *,
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        opener: Callable[..., Provider] = open_provider,
    ) -> None:
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._providers: dict[tuple[str, str, str], Provider] = {}
        self._retry = replace(retry or RetryPolicy(), wait=self._wait)
        self._timeouts = timeouts
        self._opener = opener

    def _wait(self, delay: float, cancel: threading.Event | None) -> None:
        deadline = time.monotonic() + delay
        while not self._closed.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or (cancel is not None and cancel.is_set()):
                break
            (cancel or self._closed).wait(min(left, 0.05))
        if self._closed.is_set():
            raise OperationCancelled("The request")

    def get(self, endpoint: Endpoint) -> Provider:
        key = (endpoint.kind, endpoint.account or "", endpoint.base_url)
        with self._lock:
            if self._closed.is_set():
                raise OperationCancelled("The request")
            found = self._providers.get(key)
            if found is None:
                found = self._opener(endpoint, retry=self._retry, timeouts=self._timeouts)
                self._providers[key] = found
            return found

    def forget(self, kind: str | None = None) -> None:
        """Drop cached providers (after a key changed); the next use reads the new key."""
        with self._lock:
            gone = [k for k in self._providers if kind in (None, k[0])]
            providers = [self._providers.pop(k) for k in gone]
        for provider in providers:
            provider.close()

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            providers = list(self._providers.values())
            self._providers.clear()
        for provider in providers:
            provider.close()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()


# ---- chatting -------------------------------------------------------------------------------
def explain_chat_error(error: ProviderError, endpoint: Endpoint) -> ProviderError:
    """The error in words that fit chatting with `endpoint`'s model."""
    local = preset(endpoint.preset) or preset_for_url(endpoint.base_url)
    if isinstance(error, NotFoundError) and not isinstance(error, ModelUnavailableError):
        if endpoint.kind == "azure":
            return error  # the Azure provider already says the deployment is missing
        return _model_unavailable(error, endpoint, local if endpoint.kind == LOCAL else None)
    if (
        endpoint.kind == LOCAL
        and isinstance(error, NetworkError)
        and not isinstance(error, RequestTimeoutError)
    ):
        name = local.name if local else "the local server"
        return NetworkError(
            f"Nothing answered at {endpoint.base_url}. Is {name} running?",
            (local.start_hint if local else "Start the server")
            + " Then check the address and try again.",
            technical=error.technical,
        )
    return error


def _model_unavailable(
    error: NotFoundError, endpoint: Endpoint, local: LocalPreset | None
) -> ModelUnavailableError:
    model = endpoint.model
    if local is not None:
        return ModelUnavailableError(
            f"{local.name} has no model named “{model}”.",
            f"Type the model name exactly: {local.model_hint}.",
            technical=error.technical,
            status=error.status,
            code=error.code,
        )
    info = find_model(model)
    gone = ""
    if info is not None and info.is_shut_down() and info.shutdown_date is not None:
        gone = f" Its base model {info.id} was shut down on {info.shutdown_date.isoformat()}."
    return ModelUnavailableError(
        f"This model isn't available: “{model}” at {endpoint.where}. It may have been shut down, "
        f"or (on Azure) not deployed yet.{gone}",
        "Check the model name, and that you use the account it was trained with; "
        "or pick another model.",
        technical=error.technical,
        status=error.status,
        code=error.code,
    )


FATAL_ERRORS = (NotFoundError, AuthError, MissingKeyError, AccessDeniedError)


def is_fatal(error: BaseException, *, answered_before: bool = False) -> bool:
    """An error that every further request to the same endpoint would get too: the model does
    not exist, the key is refused, or (before any answer) nothing listens at the address."""
    if isinstance(error, FATAL_ERRORS):
        return True
    unreachable = isinstance(error, NetworkError) and not isinstance(error, RequestTimeoutError)
    return unreachable and not answered_before


def to_chat_messages(messages: Iterable[Mapping[str, Any] | ChatMessage]) -> list[ChatMessage]:
    return [
        m if isinstance(m, ChatMessage) else ChatMessage(str(m["role"]), str(m["content"]))
        for m in messages
    ]


def stream_reply(
    provider: Provider,
    endpoint: Endpoint,
    messages: list[ChatMessage],
    *,
    cancel: threading.Event,
    on_text: Callable[[str], None] | None = None,
    max_tokens: int | None = None,
    temperature: float | None = None,
    flush_seconds: float = 0.05,
) -> str:
    """Stream the model's reply; `on_text` gets new text at most every `flush_seconds`.

    Returns the whole reply. Stops early (returning what arrived) when `cancel` is set; errors
    are raised as ProviderErrors worded by `explain_chat_error`.
    """
    pieces: list[str] = []
    pending: list[str] = []
    last = time.monotonic()
    try:
        stream = provider.chat_stream(
            endpoint.model,
            messages,
            max_tokens=max_tokens,
            temperature=temperature,
            cancel=cancel,
        )
        for piece in _closing(stream):
            pieces.append(piece)
            pending.append(piece)
            now = time.monotonic()
            if on_text is not None and now - last >= flush_seconds:
                on_text("".join(pending))
                pending.clear()
                last = now
    except ProviderError as error:
        raise explain_chat_error(error, endpoint) from error
    if on_text is not None and pending and not cancel.is_set():
        on_text("".join(pending))
    return "".join(pieces)


def _closing(stream: Iterator[str]) -> Iterator[str]:
    try:
        yield from stream
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
