"""A local Fireworks AI with the request and response shapes of its API reference.

Account-scoped management under /v1/accounts/{account}/ (datasets, :upload, supervised
fine-tuning jobs with a caller-chosen id, pages with nextPageToken, DELETE, :resume), a metrics
file behind a “signed URL” that must be fetched WITHOUT the API key, and an OpenAI-compatible
inference API under /inference/v1. Shapes follow docs.fireworks.ai/api-reference (get, list,
create, resume supervised fine-tuning job; datasets) as cited in PROVIDERS.md §3.2.
"""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from typing import Any

from tests.remote_providers.fake_http import FakeServer, Reply, Request

ACCOUNT = "test-account"
PROGRESSION = [
    "JOB_STATE_CREATING",
    "JOB_STATE_VALIDATING",
    "JOB_STATE_RUNNING",
    "JOB_STATE_RUNNING",
    "JOB_STATE_WRITING_RESULTS",
    "JOB_STATE_COMPLETED",
]
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
JOB_KEYS = {
    "dataset",
    "baseModel",
    "evaluationDataset",
    "epochs",
    "batchSize",
    "learningRate",
    "displayName",
    "outputModel",
    "loraRank",
    "maxContextLength",
    "warmStartFrom",
}


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def grpc_error(status: int, code: int, message: str) -> Reply:
    return Reply(status, {"code": code, "message": message, "details": []})


class FakeFireworks(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.datasets: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, bytes] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.reads: dict[str, int] = {}
        self.dataset_reads: dict[str, int] = {}
        a = rf"/v1/accounts/{ACCOUNT}"
        r = self.route
        r("POST", a + r"/datasets", self.create_dataset)
        r("POST", a + r"/datasets/(?P<id>[^/:]+):upload", self.upload)
        r("GET", a + r"/datasets/(?P<id>[^/:]+)", self.get_dataset)
        r("POST", a + r"/supervisedFineTuningJobs", self.create_job)
        r("GET", a + r"/supervisedFineTuningJobs", self.list_jobs)
        r("GET", a + r"/supervisedFineTuningJobs/(?P<id>[^/:]+)", self.get_job)
        r("DELETE", a + r"/supervisedFineTuningJobs/(?P<id>[^/:]+)", self.delete_job)
        r("POST", a + r"/supervisedFineTuningJobs/(?P<id>[^/:]+):resume", self.resume_job)
        r("GET", r"/signed/metrics/(?P<id>[^/]+)\.jsonl", self.metrics_file)
        r("GET", r"/inference/v1/models", self.models)
        r("POST", r"/inference/v1/chat/completions", self.chat)

    @property
    def account_url(self) -> str:
        return f"{self.root}/v1/accounts/{ACCOUNT}"

    def authorized(self, request: Request) -> bool:
        if request.path.startswith("/signed/"):
            return "authorization" not in request.headers  # a signed URL must not get the key
        return super().authorized(request)

    def unauthorized(self) -> Reply:
        return grpc_error(401, 16, "unauthenticated: invalid API key")

    # ---- datasets --------------------------------------------------------------------------
    def create_dataset(self, request: Request, _: Any) -> Reply:
        body = request.json()
        dataset_id = body.get("datasetId", "")
        if not _ID.match(dataset_id) or "userUploaded" not in body.get("dataset", {}):
            self.errors.append(f"bad dataset create body {body}")
            return grpc_error(400, 3, "invalid dataset")
        if dataset_id in self.datasets:
            return grpc_error(409, 6, f"dataset {dataset_id} already exists")
        self.datasets[dataset_id] = {
            "name": f"accounts/{ACCOUNT}/datasets/{dataset_id}",
            "displayName": body["dataset"].get("displayName", dataset_id),
            "createTime": iso(time.time()),
            "state": "UPLOADING",
            "exampleCount": str(body["dataset"].get("exampleCount", 0)),
            "userUploaded": {},
            "format": "CHAT",
        }
        return Reply(200, self.datasets[dataset_id])

    def upload(self, request: Request, match: Any) -> Reply:
        dataset = self.datasets.get(match["id"])
        if dataset is None:
            return grpc_error(404, 5, "dataset not found")
        _, files = request.form()
        if "file" not in files:
            return grpc_error(400, 3, "no file")
        self.contents[match["id"]] = files["file"][1]
        self.dataset_reads[match["id"]] = 0
        return Reply(200, {})

    def get_dataset(self, _: Request, match: Any) -> Reply:
        dataset = self.datasets.get(match["id"])
        if dataset is None:
            return grpc_error(404, 5, "dataset not found")
        if match["id"] in self.contents:
            reads = self.dataset_reads[match["id"]] = self.dataset_reads.get(match["id"], 0) + 1
            if reads >= 2:  # it takes Fireworks a moment to read the upload
                dataset["state"] = "READY"
                dataset["sizeBytes"] = str(len(self.contents[match["id"]]))
        return Reply(200, dataset)

    # ---- jobs ------------------------------------------------------------------------------
    def create_job(self, request: Request, _: Any) -> Reply:
        body = request.json()
        job_id = request.query.get("supervisedFineTuningJobId") or f"job-{len(self.jobs) + 1}"
        if (
            not _ID.match(job_id)
            or set(body) - JOB_KEYS
            or "dataset" not in body
            or "baseModel" not in body
        ):
            self.errors.append(f"bad job create {job_id} {body}")
            return grpc_error(400, 3, "invalid job")
        if job_id in self.jobs:
            return grpc_error(409, 6, f"supervisedFineTuningJob {job_id} already exists")
        dataset_id = body["dataset"].rsplit("/", 1)[-1]
        dataset = self.datasets.get(dataset_id)
        if dataset is None or dataset["state"] != "READY":
            return grpc_error(400, 9, f"dataset {body['dataset']} is not ready")
        examples = self.contents[dataset_id].count(b"\n")
        if examples < 3:
            return grpc_error(400, 3, f"dataset must have at least 3 examples, got {examples}")
        now = time.time()
        self.jobs[job_id] = {
            "name": f"accounts/{ACCOUNT}/supervisedFineTuningJobs/{job_id}",
            "displayName": body.get("displayName", ""),
            "createTime": iso(now),
            "updateTime": iso(now),
            "dataset": body["dataset"],
            "state": "JOB_STATE_CREATING",
            "status": {"code": "OK", "message": ""},
            "createdBy": "tester@example.com",
            "baseModel": body["baseModel"],
            "epochs": body.get("epochs", 1),
            "learningRate": body.get("learningRate", 0.0001),
            "loraRank": 8,
            **(
                {"evaluationDataset": body["evaluationDataset"]}
                if "evaluationDataset" in body
                else {}
            ),
        }
        return Reply(200, self.jobs[job_id])

    def _advance(self, job_id: str) -> None:
        job = self.jobs[job_id]
        if job["state"] in ("JOB_STATE_COMPLETED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED"):
            return
        count = self.reads[job_id] = self.reads.get(job_id, 0) + 1
        stage = min((count + 1) // 2, len(PROGRESSION) - 1)  # each state is read twice
        state = PROGRESSION[stage]
        if job.get("_fail") and state == "JOB_STATE_RUNNING":
            job["state"] = "JOB_STATE_FAILED"
            job["status"] = {
                "code": "INVALID_ARGUMENT",
                "message": "Example 2: messages must end with an assistant message",
            }
            return
        job["state"] = state
        job["updateTime"] = iso(time.time())
        if state == "JOB_STATE_RUNNING":
            job["jobProgress"] = {"percent": 25 if stage == 2 else 75, "epoch": 1}
            job["metricsFileSignedUrl"] = (
                f"{self.root}/signed/metrics/{job_id}.jsonl?X-Goog-Signature=abc"
            )
        if state == "JOB_STATE_COMPLETED":
            job["completedTime"] = iso(time.time())
            job["outputModel"] = f"accounts/{ACCOUNT}/models/{job_id}-model"
            job["jobProgress"] = {"percent": 100, "epoch": 1}

    def _public(self, job: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in job.items() if not k.startswith("_")}

    def get_job(self, _: Request, match: Any) -> Reply:
        if match["id"] not in self.jobs:
            return grpc_error(404, 5, f"supervisedFineTuningJob {match['id']} not found")
        self._advance(match["id"])
        return Reply(200, self._public(self.jobs[match["id"]]))

    def list_jobs(self, request: Request, _: Any) -> Reply:
        size = int(request.query.get("pageSize", 50))
        start = int(request.query.get("pageToken", "0") or 0)
        ordered = sorted(self.jobs.values(), key=lambda j: j["createTime"], reverse=True)
        chunk = ordered[start : start + size]
        body: dict[str, Any] = {
            "supervisedFineTuningJobs": [self._public(j) for j in chunk],
            "totalSize": len(ordered),
        }
        if start + size < len(ordered):
            body["nextPageToken"] = str(start + size)
        return Reply(200, body)

    def delete_job(self, _: Request, match: Any) -> Reply:
        if self.jobs.pop(match["id"], None) is None:
            return grpc_error(404, 5, "not found")
        return Reply(200, {})

    def resume_job(self, _: Request, match: Any) -> Reply:
        job = self.jobs.get(match["id"])
        if job is None:
            return grpc_error(404, 5, "not found")
        if job["state"] == "JOB_STATE_FAILED":
            job["state"] = "JOB_STATE_RUNNING"
        return Reply(200, self._public(job))

    def metrics_file(self, _: Request, match: Any) -> Reply:
        job = self.jobs.get(match["id"])
        steps = (self.reads.get(match["id"], 0) + 1) // 2
        rows = [
            {"step": s, "train/loss": round(1.5 / s, 4), "epoch": 1} for s in range(1, steps + 1)
        ]
        if job is not None and job.get("evaluationDataset"):
            rows[-1]["eval/loss"] = 0.9
        text = "".join(json.dumps(r) + "\n" for r in rows)
        return Reply(200, raw=text.encode(), headers={"Content-Type": "application/jsonl"})

    # ---- inference (OpenAI-compatible) -----------------------------------------------------
    def models(self, _: Request, __: Any) -> Reply:
        return Reply(
            200,
            {
                "object": "list",
                "data": [
                    {
                        "id": "accounts/fireworks/models/llama-v3p1-8b-instruct",
                        "object": "model",
                        "owned_by": "fireworks",
                        "created": 1,
                    }
                ],
            },
        )

    def chat(self, request: Request, _: Any) -> Reply:
        body = request.json()
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
                        "message": {
                            "role": "assistant",
                            "content": f"fw: {body['messages'][-1]['content']}",
                        },
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
            },
        )
