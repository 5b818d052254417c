"""Before a job starts, the checks warn when the epochs point to memorising (too_many_epochs)."""

from __future__ import annotations

from training_helpers import chat_dataset

from desktop_app.core.processes import ProcessServices
from desktop_app.core.training.preflight import ValidationChoice, run_checks


def _warnings(processes: ProcessServices, epochs: int | None) -> list[str]:
    outcome = run_checks(
        chat_dataset(20),
        checker=processes.checker,
        model="gpt-4.1-mini-2025-04-14",
        method="supervised",
        epochs=epochs,
        validation=ValidationChoice(),
        provider="openai",
        filename="train.jsonl",
    )
    return [f.problem.message for f in outcome.warnings if f.problem.code == "too_many_epochs"]


def test_many_epochs_on_few_examples_warn_with_a_number(processes: ProcessServices) -> None:
    [message] = _warnings(processes, 20)
    assert "20 epochs over 20 examples points to memorising" in message
    assert "5 epochs would do" in message
    assert _warnings(processes, None) == [] and _warnings(processes, 4) == []
