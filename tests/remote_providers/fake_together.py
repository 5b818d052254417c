"""A local Together AI that follows its OpenAPI description (tests/data/providers/together-openapi.yaml).

Every request body the app sends and every answer this server gives is checked against the
schemas in that description; a mismatch lands in `errors` and fails the test. A job moves on
each time it is read: pending → queued → running (with metrics and a checkpoint) → uploading →
completed, and a cancel goes through cancel_requested to cancelled.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from tests.remote_providers.fake_http import FakeServer, Reply, Request

SPEC = Path(__file__).resolve().parents[1] / "data" / "providers" / "together-openapi.yaml"
BASE = "urn:together-openapi"
PROGRESSION = ["pending", "queued", "running", "running", "running", "uploading", "completed"]
SUPPORTED = ["meta-llama/Llama-3.2-1B-Instruct", "Qwen/Qwen2.5-0.5B-Instruct"]


@cache
def _spec() -> tuple[dict[str, Any], Registry]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec = yaml.load(SPEC.read_text(encoding="utf-8"), Loader=loader)
    registry = Registry().with_resource(
        BASE, Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    return spec, registry


def schema_errors(schema: dict[str, Any], instance: Any) -> list[str]:
    _, registry = _spec()
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)][:5]


def component(name: str) -> dict[str, Any]:
    return {"$ref": f"{BASE}#/components/schemas/{name}"}


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


class FakeTogether(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, bytes] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.reads: dict[str, int] = {}
        r = self.route
        r("POST", r"/v1/files/upload", self.upload)
        r("GET", r"/v1/files/(?P<id>[^/]+)", self.get_file)
        r("POST", r"/v1/fine-tunes", self.create)
        r("GET", r"/v1/fine-tunes", self.list_jobs)
        r("GET", r"/v1/fine-tunes/models/supported", self.supported)
        r("GET", r"/v1/fine-tunes/(?P<id>[^/]+)", self.get_job)
        r("GET", r"/v1/fine-tunes/(?P<id>[^/]+)/events", self.events)
        r("GET", r"/v1/fine-tunes/(?P<id>[^/]+)/checkpoints", self.checkpoints)
        r("GET", r"/v1/fine-tunes/(?P<id>[^/]+)/metrics", self.metrics)
        r("POST", r"/v1/fine-tunes/(?P<id>[^/]+)/cancel", self.cancel)
        r("GET", r"/v1/models", self.models)
        r("POST", r"/v1/chat/completions", self.chat)

    @property
    def base_url(self) -> str:
        return self.root + "/v1"

    def check(self, name: str, instance: Any) -> Any:
        for problem in schema_errors(component(name), instance):
            self.errors.append(f"{name}: {problem}")
        return instance

    def error(self, status: int, message: str) -> Reply:
        return Reply(
            status,
            self.check(
                "ErrorData", {"error": {"message": message, "type": "invalid_request_error"}}
            ),
        )

    # ---- files -----------------------------------------------------------------------------
    def upload(self, request: Request, _: Any) -> Reply:
        fields, files = request.form()
        for name in ("purpose", "file_name"):
            if name not in fields:
                return self.error(400, f"missing field {name}")
        if "file" not in files:
            return self.error(400, "missing file")
        if fields["purpose"] != "fine-tune" or fields.get("file_type", "jsonl") != "jsonl":
            self.errors.append(f"unexpected upload fields {fields}")
        file_id = f"file-{uuid.uuid4()}"
        content = files["file"][1]
        self.contents[file_id] = content
        self.files[file_id] = {
            "id": file_id,
            "object": "file",
            "created_at": int(time.time()),
            "filename": fields["file_name"],
            "bytes": len(content),
            "purpose": "fine-tune",
            "FileType": "jsonl",
            "Processed": True,
        }
        return Reply(200, self.check("FileResponse", self.files[file_id]))

    def get_file(self, _: Request, match: Any) -> Reply:
        found = self.files.get(match["id"])
        if found is None:
            return self.error(404, "file not found")
        return Reply(200, self.check("FileResponse", found))

    # ---- jobs ------------------------------------------------------------------------------
    def create(self, request: Request, _: Any) -> Reply:
        spec, _registry = _spec()
        body_schema = spec["paths"]["/fine-tunes"]["post"]["requestBody"]["content"][
            "application/json"
        ]["schema"]
        body = request.json()
        for problem in schema_errors(
            {
                "$ref": f"{BASE}#/paths/~1fine-tunes/post/requestBody/content/application~1json/schema"
            },
            body,
        ):
            self.errors.append(f"create body: {problem}")
        unknown = set(body) - set(body_schema["properties"])
        if unknown:
            self.errors.append(f"create body has fields Together does not document: {unknown}")
        if body["training_file"] not in self.files:
            return self.error(400, f"training file {body['training_file']} not found")
        if body["model"] not in SUPPORTED:
            return self.error(400, f"model {body['model']} is not supported for fine-tuning")
        job_id = f"ft-{uuid.uuid4()}"
        now = time.time()
        self.jobs[job_id] = {
            "id": job_id,
            "status": "pending",
            "created_at": iso(now),
            "updated_at": iso(now),
            "model": body["model"],
            "training_file": body["training_file"],
            "n_epochs": body.get("n_epochs", 1),
            "n_checkpoints": 1,
            "n_evals": body.get("n_evals", 0),
            "batch_size": body.get("batch_size", 8),
            "learning_rate": body.get("learning_rate", 1e-05),
            "training_method": body.get(
                "training_method", {"method": "sft", "train_on_inputs": "auto"}
            ),
            "training_type": {"type": "Lora", "lora_r": 8, "lora_alpha": 16},
            "suffix": body.get("suffix", ""),
            "token_count": 0,
            "events": [self._event("job_pending", "Fine-tune request created", now)],
            "_metrics": [],
            "_checkpoints": [],
        }
        if "validation_file" in body:
            self.jobs[job_id]["validation_file"] = body["validation_file"]
        if "random_seed" in body:
            self.jobs[job_id]["random_seed"] = body["random_seed"]
        return Reply(200, self.check("FinetuneResponseTruncated", self._public(self.jobs[job_id])))

    def _event(
        self, kind: str, message: str, when: float, level: str = "info", step: int = 0
    ) -> dict[str, Any]:
        return {
            "object": "fine-tune-event",
            "created_at": iso(when),
            "level": level,
            "message": message,
            "type": kind,
            "param_count": 0,
            "token_count": 0,
            "total_steps": 6,
            "wandb_url": "",
            "step": step,
            "checkpoint_path": "",
            "model_path": "",
            "training_offset": 0,
            "hash": uuid.uuid4().hex,
        }

    def _advance(self, job: dict[str, Any]) -> None:
        """Each read moves the job one stage on (a believable, quick job)."""
        if job["status"] in ("completed", "cancelled", "error"):
            return
        now = time.time()
        if job["status"] == "cancel_requested":
            job["status"] = "cancelled"
            job["events"].append(self._event("job_stopped", "Job cancelled", now))
        else:
            count = self.reads.get(job["id"], 0) + 1
            self.reads[job["id"]] = count
            status = PROGRESSION[min(count, len(PROGRESSION) - 1)]
            if job.get("_fail") and status == "running":
                job["status"] = "error"
                job["events"].append(
                    self._event(
                        "job_error", "Training data has an invalid example on line 2", now, "error"
                    )
                )
            elif status != job["status"] or status == "running":
                job["status"] = status
                if status == "running":
                    step = len(job["_metrics"]) + 1
                    job["_metrics"].append(
                        {
                            "train/loss": round(2.0 / step, 4),
                            "train/global_step": step,
                            "train/learning_rate": 1e-05,
                        }
                    )
                    job["events"].append(
                        self._event(
                            "training_start" if step == 1 else "epoch_complete",
                            f"Step {step} done",
                            now,
                            step=step,
                        )
                    )
                    if step == 2:
                        job["_checkpoints"].append(
                            {
                                "step": 2,
                                "created_at": iso(now),
                                "path": f"{job['id']}/checkpoint-2",
                                "checkpoint_type": "Intermediate",
                            }
                        )
                elif status == "completed":
                    job["model_output_name"] = (
                        f"tester/{job['model'].split('/')[-1]}-{job['suffix'] or 'ft'}-{job['id'][-6:]}"
                    )
                    job["token_count"] = 1234
                    job["events"].append(self._event("job_complete", "Training finished", now))
        job["updated_at"] = iso(now)

    @staticmethod
    def _public(job: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in job.items() if not k.startswith("_")}

    def list_jobs(self, _: Request, __: Any) -> Reply:
        data = [self._public(j) for j in self.jobs.values()]
        return Reply(200, self.check("FinetuneTruncatedList", {"data": data}))

    def get_job(self, _: Request, match: Any) -> Reply:
        job = self.jobs.get(match["id"])
        if job is None:
            return self.error(404, "fine-tune job not found")
        self._advance(job)
        return Reply(200, self.check("FinetuneResponse", self._public(job)))

    def events(self, _: Request, match: Any) -> Reply:
        job = self.jobs.get(match["id"])
        if job is None:
            return self.error(404, "fine-tune job not found")
        return Reply(200, self.check("FinetuneListEvents", {"data": job["events"]}))

    def checkpoints(self, _: Request, match: Any) -> Reply:
        job = self.jobs.get(match["id"])
        if job is None:
            return self.error(404, "fine-tune job not found")
        return Reply(200, self.check("FinetuneListCheckpoints", {"data": job["_checkpoints"]}))

    def metrics(self, _: Request, match: Any) -> Reply:
        job = self.jobs.get(match["id"])
        if job is None:
            return Reply(404, {"message": "not found"})
        return Reply(200, {"metrics": job["_metrics"]})

    def cancel(self, _: Request, match: Any) -> Reply:
        job = self.jobs.get(match["id"])
        if job is None:
            return Reply(404, {"message": "Fine-tune ID not found."})
        if job["status"] not in ("completed", "cancelled", "error"):
            job["status"] = "cancel_requested"
            job["events"].append(self._event("cancel_requested", "Cancel requested", time.time()))
        return Reply(200, self.check("FinetuneResponseTruncated", self._public(job)))

    # ---- models and chat ---------------------------------------------------------------------
    def supported(self, _: Request, __: Any) -> Reply:
        return Reply(200, {"models": SUPPORTED})

    def models(self, _: Request, __: Any) -> Reply:
        listed = [
            {
                "id": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
                "object": "model",
                "created": 1,
                "type": "chat",
                "organization": "Meta",
            },
            {"id": "BAAI/bge-large-en-v1.5", "object": "model", "created": 1, "type": "embedding"},
        ]
        return Reply(200, self.check("ModelInfoList", listed))

    def chat(self, request: Request, _: Any) -> Reply:
        body = request.json()
        text = f"echo: {body['messages'][-1]['content']}"
        if body.get("stream"):
            chunks = [
                {
                    "id": "c1",
                    "object": "chat.completion.chunk",
                    "created": 1,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "delta": {"role": "assistant", "content": word},
                            "finish_reason": None,
                        }
                    ],
                }
                for word in (text[:5], text[5:])
            ]
            raw = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
            return Reply(200, raw=raw.encode(), headers={"Content-Type": "text/event-stream"})
        return Reply(
            200,
            {
                "id": "chat-1",
                "object": "chat.completion",
                "created": 1,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
            },
        )
