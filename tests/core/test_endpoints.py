"""Chat endpoints: local server presets, keys, plain errors, tuned models from the job records,
checkpoints, streaming and stopping, all against a practice server over real HTTP."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from tests.core.compare_support import QUICK_RETRY, answer, question, train

from desktop_app.core.keys import secrets
from desktop_app.core.practice_server import Fault, PracticeServer
from desktop_app.core.providers.base import ChatMessage, Job
from desktop_app.core.providers.errors import NetworkError, OperationCancelled, ProviderError
from desktop_app.core.providers.openai_provider import OpenAIProvider
from desktop_app.core.training.jobstore import JobStore
from desktop_app.core.trying import endpoints as endpoints_module
from desktop_app.core.trying.endpoints import (
    BASE,
    CHECKPOINT,
    LOCAL_KEY,
    PRESETS,
    TUNED,
    Endpoint,
    ModelUnavailableError,
    ProviderPool,
    checkpoint_endpoints,
    local_endpoint,
    preset_for_url,
    remembered,
    stream_reply,
    to_remember,
    tuned_endpoints,
)


@pytest.fixture
def server() -> Iterator[PracticeServer]:
    with PracticeServer(pace=3000) as running:
        yield running


@pytest.fixture
def pool() -> Iterator[ProviderPool]:
    made = ProviderPool(retry=QUICK_RETRY)
    yield made
    made.close()


def ask(pool: ProviderPool, endpoint: Endpoint, text: str = "Hello there") -> str:
    return stream_reply(
        pool.get(endpoint), endpoint, [ChatMessage("user", text)], cancel=threading.Event()
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def openai_at_practice(endpoint: Endpoint, **options: object) -> OpenAIProvider:
    """The OpenAI provider itself, pointed at the practice server (as a stand-in for OpenAI)."""
    return OpenAIProvider(api_key="sk-test-key-000000", base_url=endpoint.base_url, **options)  # type: ignore[arg-type]


def test_the_last_models_are_kept_without_anything_that_could_be_a_secret() -> None:
    azure = Endpoint("azure", "voice-deployment", "https://acme.openai.azure.com")
    tuned = Endpoint("practice", "ft:gpt-4o-mini:x::y", "http://127.0.0.1:8000/v1", origin=TUNED)
    risky = [
        Endpoint("compatible", "m", "https://ana:s3cret@llm.example/v1"),
        Endpoint("compatible", "m", "https://llm.example/v1?api-key=s3cret"),
    ]
    kept = to_remember([azure, *risky, tuned])
    assert "s3cret" not in repr(kept)
    assert remembered(kept) == [azure, tuned]  # as they were, origin and all


def test_a_model_that_no_longer_answers_is_not_brought_back() -> None:
    from datetime import date

    from desktop_app.core.models.today import pretend_today

    saved = to_remember([Endpoint("openai", "gpt-4.1-2025-04-14"), Endpoint("together", "m")])
    with pretend_today(date(2027, 1, 13)):
        assert [e.model for e in remembered(saved)] == ["gpt-4.1-2025-04-14", "m"]
    with pretend_today(date(2027, 1, 14)):
        assert [e.model for e in remembered(saved)] == ["m"]
    assert remembered([{"kind": "openai"}, {"model": ""}]) == []  # no name: nothing to bring


def test_presets_use_the_usual_local_addresses() -> None:
    addresses = {p.key: p.base_url for p in PRESETS}

    assert addresses == {
        "ollama": "http://localhost:11434/v1",
        "lmstudio": "http://localhost:1234/v1",
        "llamacpp": "http://localhost:8080/v1",
        "vllm": "http://localhost:8000/v1",
        "mlx": "http://localhost:8080/v1",
    }
    assert preset_for_url("http://127.0.0.1:11434/v1/").key == "ollama"
    assert local_endpoint("lmstudio", "my-model").where == "LM Studio at localhost:1234"


def test_a_local_server_gets_a_placeholder_key_or_the_stored_one(server, pool) -> None:
    endpoint = Endpoint("local", "gpt-4o-mini", server.base_url, preset="vllm")

    assert ask(pool, endpoint).startswith("Thanks for asking about “Hello there”")
    assert server.requests[-1].headers["authorization"] == f"Bearer {LOCAL_KEY}"

    secrets.set_key("compatible", "sk-local-vllm-secret-1234", account=f"127.0.0.1:{server.port}")
    pool.forget()
    ask(pool, endpoint)

    assert server.requests[-1].headers["authorization"] == "Bearer sk-local-vllm-secret-1234"
    assert "secret" not in repr(pool.get(endpoint)) + str(endpoint.to_json())


def test_nothing_listening_says_to_start_the_server(pool) -> None:
    endpoint = local_endpoint("ollama", "llama3.2", f"http://127.0.0.1:{closed_port()}/v1")

    with pytest.raises(NetworkError) as refused:
        ask(pool, endpoint)

    assert refused.value.message == (f"Nothing answered at {endpoint.base_url}. Is Ollama running?")
    assert refused.value.next_step.startswith("Start Ollama (open the Ollama app")


def test_a_missing_model_is_explained_for_local_and_hosted_models(server, pool) -> None:
    local = Endpoint("local", "nope", server.base_url, preset="ollama")
    hosted = Endpoint("openai", "ft:gpt-4o-mini-2024-07-18:acme::old", server.base_url)
    pool_hosted = ProviderPool(retry=QUICK_RETRY, opener=openai_at_practice)

    with pytest.raises(ModelUnavailableError) as local_missing:
        ask(pool, local)
    with pytest.raises(ModelUnavailableError) as hosted_missing:
        ask(pool_hosted, hosted)
    pool_hosted.close()

    assert local_missing.value.message == "Ollama has no model named “nope”."
    assert local_missing.value.next_step.startswith("Type the model name exactly: the name")
    assert hosted_missing.value.message.startswith(
        "This model isn't available: “ft:gpt-4o-mini-2024-07-18:acme::old” at OpenAI. "
        "It may have been shut down, or (on Azure) not deployed yet."
    )


def test_streaming_batches_text_and_stops_when_asked(server, pool) -> None:
    model = train(server)
    endpoint = Endpoint("practice", model, server.base_url)
    pieces: list[str] = []

    whole = stream_reply(
        pool.get(endpoint),
        endpoint,
        [ChatMessage("user", question(4))],
        cancel=threading.Event(),
        on_text=pieces.append,
        flush_seconds=0.0,
    )
    assert whole == answer(4) == "".join(pieces) and len(pieces) > 3

    server.config.chat_piece_delay = 20.0
    stop = threading.Event()
    seen: list[str] = []

    def on_text(text: str) -> None:
        seen.append(text)
        if len(seen) == 2:
            stop.set()

    partial = stream_reply(
        pool.get(endpoint),
        endpoint,
        [ChatMessage("user", question(4))],
        cancel=stop,
        on_text=on_text,
        flush_seconds=0.0,
    )
    assert partial == "".join(seen) and len(partial) < len(answer(4))


class WatchedPool(ProviderPool):
    """A pool that says when a worker has entered its retry wait."""

    def __init__(self) -> None:
        self.waiting = threading.Event()
        super().__init__()

    def _wait(self, delay: float, cancel: threading.Event | None) -> None:
        self.waiting.set()
        super()._wait(delay, cancel)


def test_closing_the_pool_ends_a_retry_wait_at_once(server, monkeypatch) -> None:
    # The pool's clock stands still, so the 20-second wait can only end because the pool closed.
    monkeypatch.setattr(endpoints_module, "time", SimpleNamespace(monotonic=lambda: 0.0))
    server.faults.add(Fault("status", path=r"/chat/completions$", status=429, retry_after=20))
    pool = WatchedPool()
    endpoint = Endpoint("practice", "gpt-4o-mini", server.base_url)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            ask(pool, endpoint)
        except (OperationCancelled, ProviderError) as exc:
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    assert pool.waiting.wait(30), "the client never started its retry wait"
    assert [r.status for r in server.requests] == [429]
    pool.close()
    thread.join(30)  # only a guard against a hang: the frozen clock never ends the wait

    assert not thread.is_alive()
    assert isinstance(errors[0], OperationCancelled)
    with pytest.raises(OperationCancelled):
        pool.get(endpoint)


def test_tuned_models_and_their_base_models_from_the_job_records(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3").open()

    def record(job_id: str, provider: str, base_url: str, created: int, **kw) -> None:
        job = Job(
            id=job_id,
            status=kw.pop("status", "succeeded"),
            model="gpt-4o-mini-2024-07-18",
            created_at=created,
            fine_tuned_model=kw.pop("tuned", f"ft:gpt-4o-mini-2024-07-18:acme:{job_id}:x1"),
            suffix=job_id,
        )
        store.record_job(job, provider=provider, account="default", base_url=base_url, **kw)

    record("old", "openai", "", 100, dataset_path="/data/ferns.jsonl")
    record("new", "openai", "", 200)
    record("running", "openai", "", 300, status="running", tuned=None)
    record("practice-now", "practice", "http://127.0.0.1:5000/v1", 150)
    record("practice-gone", "practice", "http://127.0.0.1:4000/v1", 160)

    found = tuned_endpoints(
        store.list_jobs(), practice_url="http://127.0.0.1:5000/v1", dataset_path="/data/ferns.jsonl"
    )
    store.close()

    assert [(e.origin, e.kind, e.job_id or e.model) for e in found] == [
        (TUNED, "openai", "old"),
        (BASE, "openai", "gpt-4o-mini-2024-07-18"),
        (TUNED, "openai", "new"),
        (TUNED, "practice", "practice-now"),
        (BASE, "practice", "gpt-4o-mini-2024-07-18"),
    ]
    assert found[0].label == "old (tuned 1970-01-01)"
    assert Endpoint.from_json(found[0].to_json()) == found[0]


def test_checkpoints_of_a_tuned_model_can_answer(server, pool) -> None:
    model = train(server)
    job_id = next(
        j.id for j in pool.get(Endpoint("practice", model, server.base_url)).list_jobs().items
    )
    tuned = Endpoint("practice", model, server.base_url, origin=TUNED, job_id=job_id)

    checkpoints = checkpoint_endpoints(pool.get(tuned), tuned)

    assert checkpoints and all(c.origin == CHECKPOINT for c in checkpoints)
    assert all(":ckpt-step-" in c.model for c in checkpoints)
    assert checkpoints[-1].label.startswith("gpt-4o-mini-2024-07-18:")
    assert ask(pool, checkpoints[0], question(2)) == answer(2)
