"""The practice server's answers have the shapes OpenAI's own OpenAPI description declares.

Every kind of response (jobs, events, checkpoints, files, uploads, models, chat completions and
their stream chunks, errors) is validated against tests/data/openai/openapi.yaml with jsonschema
(OpenAPI 3.1 schemas are JSON Schema 2020-12; `$ref`s resolve inside the document). A few schemas
still carry OpenAPI 3.0's `nullable: true` (chat stream chunks: `finish_reason`, `logprobs`), which
JSON Schema ignores; `_honour_nullable` turns it into an explicit null type, as the authors meant.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from desktop_app.core.practice_server import PracticeServer

SPEC = Path(__file__).resolve().parents[1] / "data" / "openai" / "openapi.yaml"
BASE = "urn:openai-openapi"


@pytest.fixture(scope="module")
def validate() -> Callable[[str, Any], None]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec = _honour_nullable(yaml.load(SPEC.read_text(encoding="utf-8"), Loader=loader))
    registry = Registry().with_resource(
        BASE, Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    validators: dict[str, jsonschema.Draft202012Validator] = {}

    def check(schema_name: str, instance: Any) -> None:
        assert schema_name in spec["components"]["schemas"], schema_name
        if schema_name not in validators:
            validators[schema_name] = jsonschema.Draft202012Validator(
                {"$ref": f"{BASE}#/components/schemas/{schema_name}"}, registry=registry
            )
        errors = list(validators[schema_name].iter_errors(instance))
        assert not errors, f"{schema_name}: " + "; ".join(
            f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]
        )

    return check


def _honour_nullable(node: Any) -> Any:
    if isinstance(node, list):
        return [_honour_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _honour_nullable(value) for key, value in node.items()}
    if node.get("nullable") is True and isinstance(node.get("type"), str):
        node["type"] = [node["type"], "null"]
        if isinstance(node.get("enum"), list):
            node["enum"] = [*node["enum"], None]
    return node


@pytest.fixture
def http() -> Iterator[httpx2.Client]:
    with (
        PracticeServer(pace=3000) as server,
        httpx2.Client(
            base_url=server.base_url + "/",
            headers={"Authorization": "Bearer sk-schema-test"},
            timeout=10,
        ) as client,
    ):
        yield client


def _examples(n: int) -> bytes:
    rows = [
        {
            "messages": [
                {"role": "user", "content": f"Question {i}?"},
                {"role": "assistant", "content": f"Answer {i}."},
            ]
        }
        for i in range(n)
    ]
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def _upload(http: httpx2.Client, content: bytes) -> dict[str, Any]:
    response = http.post(
        "files", files={"file": ("train.jsonl", content)}, data={"purpose": "fine-tune"}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def _run(http: httpx2.Client, body: dict[str, Any]) -> dict[str, Any]:
    job = http.post("fine_tuning/jobs", json=body).json()
    for _ in range(2000):
        job = http.get(f"fine_tuning/jobs/{job['id']}").json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return dict(job)
    raise AssertionError("the job never finished")


def test_jobs_events_and_checkpoints(http: httpx2.Client, validate) -> None:
    file = _upload(http, _examples(12))
    validate("OpenAIFile", file)
    created = http.post(
        "fine_tuning/jobs",
        json={
            "model": "gpt-4o-mini",
            "training_file": file["id"],
            "suffix": "s",
            "metadata": {"k": "v"},
        },
    ).json()
    validate("FineTuningJob", created)
    succeeded = _run(
        http,
        {
            "model": "gpt-4o-mini",
            "training_file": file["id"],
            "validation_file": _upload(http, _examples(3))["id"],
        },
    )
    validate("FineTuningJob", succeeded)
    failed = _run(
        http, {"model": "gpt-4o-mini", "training_file": _upload(http, _examples(3))["id"]}
    )
    assert failed["status"] == "failed"
    validate("FineTuningJob", failed)
    validate(
        "ListPaginatedFineTuningJobsResponse",
        http.get("fine_tuning/jobs", params={"limit": 2}).json(),
    )
    events = http.get(f"fine_tuning/jobs/{succeeded['id']}/events", params={"limit": 1000}).json()
    validate("ListFineTuningJobEventsResponse", events)
    assert {e["type"] for e in events["data"]} == {"message", "metrics"}
    checkpoints = http.get(f"fine_tuning/jobs/{succeeded['id']}/checkpoints").json()
    validate("ListFineTuningJobCheckpointsResponse", checkpoints)
    assert len(checkpoints["data"]) == 3
    empty = http.get(f"fine_tuning/jobs/{failed['id']}/checkpoints").json()
    validate("ListFineTuningJobCheckpointsResponse", empty)


def test_paused_resumed_and_cancelled_jobs(validate) -> None:
    # OpenAI's own pause example answers "paused", which the spec's status enum lacks (FACTS §1.5).
    with (
        PracticeServer(pace=5) as server,
        httpx2.Client(
            base_url=server.base_url + "/", headers={"Authorization": "Bearer k"}, timeout=10
        ) as http,
    ):
        job = http.post(
            "fine_tuning/jobs",
            json={"model": "gpt-4o-mini", "training_file": _upload(http, _examples(10))["id"]},
        ).json()
        for _ in range(2000):
            if http.get(f"fine_tuning/jobs/{job['id']}").json()["status"] == "running":
                break
            time.sleep(0.005)
        paused = http.post(f"fine_tuning/jobs/{job['id']}/pause").json()
        resumed = http.post(f"fine_tuning/jobs/{job['id']}/resume").json()
        cancelled = http.post(f"fine_tuning/jobs/{job['id']}/cancel").json()
    assert paused["status"] == "paused"
    validate("FineTuningJob", {**paused, "status": "running"})
    validate("FineTuningJob", resumed)
    assert cancelled["status"] == "cancelled"
    validate("FineTuningJob", cancelled)


def test_files_and_uploads(http: httpx2.Client, validate) -> None:
    file = _upload(http, _examples(10))
    validate("ListFilesResponse", http.get("files").json())
    validate("OpenAIFile", http.get(f"files/{file['id']}").json())
    validate("DeleteFileResponse", http.delete(f"files/{file['id']}").json())

    content = _examples(10)
    upload = http.post(
        "uploads",
        json={
            "bytes": len(content),
            "filename": "big.jsonl",
            "mime_type": "application/jsonl",
            "purpose": "fine-tune",
        },
    ).json()
    validate("Upload", upload)
    part = http.post(f"uploads/{upload['id']}/parts", files={"data": ("part", content)}).json()
    validate("UploadPart", part)
    completed = http.post(
        f"uploads/{upload['id']}/complete", json={"part_ids": [part["id"]]}
    ).json()
    validate("Upload", completed)
    assert completed["file"]["bytes"] == len(content)
    other = http.post(
        "uploads",
        json={
            "bytes": 5,
            "filename": "x.jsonl",
            "mime_type": "application/jsonl",
            "purpose": "fine-tune",
        },
    ).json()
    validate("Upload", http.post(f"uploads/{other['id']}/cancel").json())


def test_models_and_chat_completions(http: httpx2.Client, validate) -> None:
    job = _run(http, {"model": "gpt-4o-mini", "training_file": _upload(http, _examples(10))["id"]})
    models = http.get("models").json()
    validate("ListModelsResponse", models)
    validate("Model", http.get(f"models/{job['fine_tuned_model']}").json())

    for model in ("gpt-4o-mini", job["fine_tuned_model"]):
        reply = http.post(
            "chat/completions",
            json={"model": model, "messages": [{"role": "user", "content": "Question 3?"}]},
        ).json()
        validate("CreateChatCompletionResponse", reply)

    with http.stream(
        "POST",
        "chat/completions",
        json={
            "model": job["fine_tuned_model"],
            "stream": True,
            "messages": [{"role": "user", "content": "Question 3?"}],
        },
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    for chunk in chunks:
        validate("CreateChatCompletionStreamResponse", chunk)
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == "Answer 3."


def test_errors_have_openais_error_body(http: httpx2.Client, validate) -> None:
    responses = [
        http.get("fine_tuning/jobs/ftjob-missing"),
        http.post("fine_tuning/jobs", json={"model": "gpt-4o-mini"}),
        http.post(
            "chat/completions",
            json={"model": "nope", "messages": [{"role": "user", "content": "x"}]},
        ),
        httpx2.get(str(http.base_url) + "models"),  # no key
    ]
    assert [r.status_code for r in responses] == [404, 400, 404, 401]
    for response in responses:
        validate("ErrorResponse", response.json())
