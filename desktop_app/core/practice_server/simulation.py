"""A believable simulated fine-tuning job, driven by a clock instead of a GPU.

The job moves validating_files → queued → running → succeeded (or failed / cancelled) on a
schedule of virtual seconds; `pace` makes virtual time run faster than real time (pace 1: about
half a minute from start to finish). Nothing runs in the background: every request first calls
`advance()`, which plays out whatever the schedule says happened since the last look — status
changes, metrics events with a falling loss, a checkpoint per epoch (the last 3 kept), the
results CSV and the fine-tuned model's name.
"""

from __future__ import annotations

import base64
import math
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.practice_server.checks import FileCheck, Pair
from desktop_app.core.tokens.estimate import overtraining_warning, suggested_epochs

VALIDATE_SECONDS = 3.0
QUEUE_SECONDS = 3.0
TRAIN_SECONDS = 20.0
FINISH_SECONDS = 1.0
MAX_METRIC_EVENTS = 400
KEPT_CHECKPOINTS = 3

FileLookup = Callable[[str], bytes | None]
ResultWriter = Callable[[str, bytes], str]  # (filename, content) → file id


def new_id(prefix: str, length: int = 24) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def auto_epochs(n_examples: int) -> int:
    """The Cookbook's estimate of OpenAI's default epochs for n examples."""
    n = max(1, n_examples)
    if n * 3 < 100:
        return min(25, 100 // n)
    if n * 3 > 25000:
        return max(1, 25000 // n)
    return 3


@dataclass
class SimulatedJob:
    id: str
    model: str
    training_file: str
    validation_file: str | None
    suffix: str | None
    seed: int
    method: str
    hyperparameters: dict[str, Any]
    metadata: dict[str, str] | None
    organization: str
    pace: float
    created_at: int = field(default_factory=lambda: int(time.time()))
    status: str = "validating_files"
    events: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    checkpoints: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    error: dict[str, Any] | None = None
    finished_at: int | None = None
    fine_tuned_model: str | None = None
    result_files: list[str] = field(default_factory=list)
    trained_tokens: int | None = None
    estimated_finish: int | None = None
    pairs: list[Pair] = field(default_factory=list)
    # the schedule, known once the files are validated
    _vt: float = 0.0
    _last: float = field(default_factory=time.monotonic)
    _phase: str = "validating"
    _n_epochs: int = 0
    _batch_size: int = 0
    _total_steps: int = 0
    _report_every: int = 1
    _next_step: int = 1
    _tokens: int = 0
    _rows: list[str] = field(default_factory=list)
    _has_validation: bool = False
    _memorise_from: float | None = None  # progress from which the model memorises

    def __post_init__(self) -> None:
        self._event(f"Created fine-tuning job: {self.id}", at=0.0)
        self._event(f"Validating training file: {self.training_file}", at=0.0)

    # ---- the API's view --------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        hyper = {
            "n_epochs": self._n_epochs or self.hyperparameters.get("n_epochs", "auto"),
            "batch_size": self._batch_size or self.hyperparameters.get("batch_size", "auto"),
            "learning_rate_multiplier": self.hyperparameters.get(
                "learning_rate_multiplier", "auto"
            ),
        }
        if self._n_epochs and hyper["learning_rate_multiplier"] == "auto":
            hyper["learning_rate_multiplier"] = 1.8
        method_hyper = dict(hyper)
        if self.method == "dpo":
            beta = self.hyperparameters.get("beta", "auto")
            method_hyper["beta"] = 0.1 if beta == "auto" and self._n_epochs else beta
        return {
            "object": "fine_tuning.job",
            "id": self.id,
            "model": self.model,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
            "fine_tuned_model": self.fine_tuned_model,
            "organization_id": f"org-{self.organization}",
            "result_files": list(self.result_files),
            "status": self.status,
            "validation_file": self.validation_file,
            "training_file": self.training_file,
            "hyperparameters": hyper,
            "trained_tokens": self.trained_tokens,
            "error": self.error,
            "integrations": [],
            "seed": self.seed,
            "estimated_finish": self.estimated_finish,
            "method": {"type": self.method, self.method: {"hyperparameters": method_hyper}},
            "metadata": self.metadata,
            "user_provided_suffix": self.suffix,
        }

    @property
    def is_terminal(self) -> bool:
        return self.status in ("succeeded", "failed", "cancelled")

    def model_names(self) -> list[str]:
        """The tuned model and its kept checkpoints: every name that can answer chat requests."""
        names = [c["fine_tuned_model_checkpoint"] for c in self.kept_checkpoints()]
        return ([self.fine_tuned_model] if self.fine_tuned_model else []) + names

    def kept_checkpoints(self) -> list[dict[str, Any]]:
        return self.checkpoints[-KEPT_CHECKPOINTS:]

    # ---- actions ---------------------------------------------------------------------------
    def cancel(self) -> None:
        self._set_final("cancelled", "Fine-tuning job cancelled", level="info")

    def pause(self) -> None:
        self.status = "paused"
        self._event("Fine-tuning job paused")

    def resume(self) -> None:
        self.status = "running"
        self._last = time.monotonic()
        self._event("Fine-tuning job resumed")

    # ---- the clock -------------------------------------------------------------------------
    def advance(self, read_file: FileLookup, write_result: ResultWriter) -> None:
        now = time.monotonic()
        if self.is_terminal:
            return
        if self.status != "paused":
            self._vt += (now - self._last) * self.pace
        self._last = now
        if self._phase == "validating" and self._vt >= VALIDATE_SECONDS:
            self._validate(read_file)
        if self._phase == "queued" and self._vt >= VALIDATE_SECONDS + QUEUE_SECONDS:
            self._start_running()
        if self._phase == "running":
            self._train_until(self._vt)
            if self._next_step > self._total_steps and self._vt >= self._end_time():
                self._succeed(write_result)

    def _validate(self, read_file: FileLookup) -> None:
        from desktop_app.core.practice_server.checks import check_file

        content = read_file(self.training_file)
        check = (
            check_file(content, method=self.method, file_id=self.training_file, model=self.model)
            if content is not None
            else FileCheck(code="invalid_training_file", message="The training file was deleted.")
        )
        if check.ok and self.validation_file:
            self._event(f"Validating validation file: {self.validation_file}", at=VALIDATE_SECONDS)
            valid_content = read_file(self.validation_file) or b""
            valid = check_file(
                valid_content,
                method=self.method,
                file_id=self.validation_file,
                model=self.model,
                validation=True,
            )
            if not valid.ok:
                self._fail(valid, "validation_file")
                return
            self._has_validation = True
        if not check.ok:
            self._fail(check, "training_file")
            return
        self.pairs = check.pairs
        self._plan(check)
        self._phase = "queued"
        self.status = "queued"
        self._event("Files validated, moving job to queued state", at=VALIDATE_SECONDS)

    def _fail(self, check: FileCheck, param: str) -> None:
        self.error = {"code": check.code, "message": check.message, "param": param}
        self._set_final("failed", check.message or "The job failed.", level="error")

    def _plan(self, check: FileCheck) -> None:
        n = check.n_examples
        requested_epochs = self.hyperparameters.get("n_epochs")
        requested_batch = self.hyperparameters.get("batch_size")
        self._n_epochs = requested_epochs if isinstance(requested_epochs, int) else auto_epochs(n)
        self._batch_size = (
            requested_batch if isinstance(requested_batch, int) else max(1, min(256, n // 500))
        )
        steps_per_epoch = math.ceil(n / self._batch_size)
        self._total_steps = steps_per_epoch * self._n_epochs
        self._report_every = max(1, math.ceil(self._total_steps / MAX_METRIC_EVENTS))
        self._tokens = check.tokens
        # too many epochs for the examples (the estimate's own rule): the validation loss turns
        # up where the suggested number of epochs would have ended, as a real run's would
        if overtraining_warning(n, self._n_epochs):
            self._memorise_from = suggested_epochs(n) / self._n_epochs

    def _start_running(self) -> None:
        self._phase = "running"
        self.status = "running"
        start = VALIDATE_SECONDS + QUEUE_SECONDS
        self._event("Fine-tuning job started", at=start)
        remaining = (self._end_time() - self._vt) / self.pace
        self.estimated_finish = int(time.time() + max(0.0, remaining))

    def _end_time(self) -> float:
        return VALIDATE_SECONDS + QUEUE_SECONDS + TRAIN_SECONDS + FINISH_SECONDS

    def _step_time(self, step: int) -> float:
        return VALIDATE_SECONDS + QUEUE_SECONDS + TRAIN_SECONDS * step / self._total_steps

    def _train_until(self, vt: float) -> None:
        steps_per_epoch = self._total_steps // self._n_epochs
        while self._next_step <= self._total_steps and vt >= self._step_time(self._next_step):
            step = self._next_step
            self._next_step += 1
            epoch_end = step % steps_per_epoch == 0
            if step % self._report_every and not epoch_end and step != self._total_steps:
                continue
            metrics = self._metrics(step, epoch_end)
            at = self._step_time(step)
            message = f"Step {step}/{self._total_steps}: training loss={metrics['train_loss']:.2f}"
            if "valid_loss" in metrics:
                message += f", validation loss={metrics['valid_loss']:.2f}"
            if "full_valid_loss" in metrics:
                message += f", full validation loss={metrics['full_valid_loss']:.2f}"
            self._event(message, type="metrics", data=metrics, at=at)
            self._row(metrics)
            if epoch_end:
                self._checkpoint(step, metrics, at)

    def _metrics(self, step: int, epoch_end: bool) -> dict[str, Any]:
        rng = random.Random(f"{self.id}:{step}")
        progress = step / self._total_steps
        start, floor = 2.2 + random.Random(self.id).random() * 0.4, 0.25
        loss = floor + (start - floor) * math.exp(-4.0 * progress)
        loss = max(0.02, loss + rng.uniform(-1, 1) * (0.12 * (1 - progress) + 0.03))
        accuracy = min(
            0.99, max(0.0, 0.45 + 0.5 * (1 - math.exp(-3.5 * progress)) + rng.uniform(-0.03, 0.03))
        )
        metrics: dict[str, Any] = {
            "step": step,
            "train_loss": round(loss, 5),
            "train_mean_token_accuracy": round(accuracy, 5),
            "total_steps": self._total_steps,
        }
        if self._has_validation and (epoch_end or step % max(1, self._report_every * 5) == 0):
            turn = self._memorise_from
            if turn is not None and progress > turn:
                loss += 1.5 * (progress - turn) / 1.08  # only the validation side rises
            metrics["valid_loss"] = round(loss * 1.08 + 0.05 + rng.uniform(0, 0.05), 5)
            metrics["valid_mean_token_accuracy"] = round(max(0.0, accuracy - 0.04), 5)
            if epoch_end:
                metrics["full_valid_loss"] = round(loss * 1.12 + 0.06, 5)
                metrics["full_valid_mean_token_accuracy"] = round(max(0.0, accuracy - 0.05), 5)
        return metrics

    def _row(self, metrics: dict[str, Any]) -> None:
        valid_loss = metrics.get("valid_loss", "")
        valid_acc = metrics.get("valid_mean_token_accuracy", "")
        self._rows.append(
            f"{metrics['step']},{metrics['train_loss']},{metrics['train_mean_token_accuracy']},"
            f"{valid_loss},{valid_acc}"
        )

    def _checkpoint(self, step: int, metrics: dict[str, Any], at: float) -> None:
        name = f"{self._model_name()}:ckpt-step-{step}"
        checkpoint_metrics = {k: v for k, v in metrics.items() if k != "total_steps"}
        self.checkpoints.append(
            {
                "object": "fine_tuning.job.checkpoint",
                "id": new_id("ftckpt_"),
                "created_at": self._unix(at),
                "fine_tuned_model_checkpoint": name,
                "fine_tuning_job_id": self.id,
                "step_number": step,
                "metrics": checkpoint_metrics,
            }
        )
        self._event(f"Checkpoint created at step {step}", at=at)

    def _model_name(self) -> str:
        return f"ft:{self.model}:{self.organization}:{self.suffix or ''}:{self.id[-8:]}"

    def _succeed(self, write_result: ResultWriter) -> None:
        csv_text = "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n"
        csv_text += "\n".join(self._rows) + "\n"
        self.result_files = [write_result("step_metrics.csv", csv_text.encode("utf-8"))]
        self.fine_tuned_model = self._model_name()
        self.trained_tokens = self._tokens * self._n_epochs
        self.estimated_finish = None
        self._event(f"New fine-tuned model created: {self.fine_tuned_model}", at=self._end_time())
        self._set_final("succeeded", "The job has successfully completed", at=self._end_time())

    def _set_final(
        self, status: str, message: str, *, level: str = "info", at: float | None = None
    ) -> None:
        self.status = status
        self._phase = "done"
        self.finished_at = self._unix(at)
        self.estimated_finish = None
        self._event(message, level=level, at=at)

    # ---- events ----------------------------------------------------------------------------
    def _event(
        self,
        message: str,
        *,
        level: str = "info",
        type: str = "message",
        data: dict[str, Any] | None = None,
        at: float | None = None,
    ) -> None:
        self.events.append(
            {
                "object": "fine_tuning.job.event",
                "id": new_id("ftevent-"),
                "created_at": self._unix(at),
                "level": level,
                "message": message,
                "data": data or {},
                "type": type,
            }
        )

    def _unix(self, at: float | None) -> int:
        """Wall-clock seconds for a virtual time (now when `at` is None or in the future)."""
        now = time.time()
        if at is None or at >= self._vt:
            return int(now)
        return int(now - (self._vt - at) / self.pace)


def encode_results(content: bytes, as_base64: bool) -> bytes:
    return base64.b64encode(content) if as_base64 else content
