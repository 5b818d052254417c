"""Training metrics: from metrics events, checkpoints and the results CSV a job leaves."""

from __future__ import annotations

import base64
import binascii
import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Metrics:
    """Training metrics of one step (from a metrics event or a checkpoint); missing values None."""

    step: int | None = None
    total_steps: int | None = None
    train_loss: float | None = None
    train_accuracy: float | None = None  # mean token accuracy on the training batch
    valid_loss: float | None = None
    valid_accuracy: float | None = None
    full_valid_loss: float | None = None  # on the whole validation file, at the end of an epoch
    full_valid_accuracy: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Metrics:
        return cls(
            step=read_int(data.get("step")),
            total_steps=read_int(data.get("total_steps")),
            train_loss=read_float(data.get("train_loss")),
            train_accuracy=read_float(
                data.get("train_mean_token_accuracy", data.get("train_accuracy"))
            ),
            valid_loss=read_float(data.get("valid_loss")),
            valid_accuracy=read_float(
                data.get("valid_mean_token_accuracy", data.get("validation_mean_token_accuracy"))
            ),
            full_valid_loss=read_float(data.get("full_valid_loss")),
            full_valid_accuracy=read_float(data.get("full_valid_mean_token_accuracy")),
        )

    def summary(self) -> str:
        """“Step 12/40: training loss 0.84, accuracy 71%, validation loss 0.91”."""
        parts = []
        if self.step is not None:
            total = f"/{self.total_steps}" if self.total_steps else ""
            parts.append(f"Step {self.step}{total}:")
        for label, value, percent in (
            ("training loss", self.train_loss, False),
            ("accuracy", self.train_accuracy, True),
            ("validation loss", self.valid_loss, False),
            ("validation accuracy", self.valid_accuracy, True),
            ("full validation loss", self.full_valid_loss, False),
        ):
            if value is not None:
                parts.append(f"{label} {value:.0%}," if percent else f"{label} {value:.3f},")
        return " ".join(parts).rstrip(",")


# ---- result files -------------------------------------------------------------------------
def decode_result_file(raw: bytes) -> str:
    """A results CSV as text, whether the provider sent it plain or base64-encoded."""
    text = raw.decode("utf-8-sig", errors="replace")
    stripped = text.strip()
    if stripped and "," not in stripped.splitlines()[0]:
        try:
            decoded = base64.b64decode("".join(stripped.split()), validate=True)
        except (binascii.Error, ValueError):
            return text
        return decoded.decode("utf-8-sig", errors="replace")
    return text


def parse_result_csv(text: str) -> list[Metrics]:
    """Rows of a results CSV (step, train_loss, train_accuracy, valid_loss, …) as Metrics."""
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        clean = {k.strip(): v for k, v in row.items() if k and v not in (None, "")}
        rows.append(Metrics.from_dict({k: _number(v) for k, v in clean.items()}))
    return rows


# ---- small readers (shared with base.py) --------------------------------------------------
def _number(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def read_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def read_float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
