"""Move a model from OpenAI to Together from the command line: an OpenAI job (the real openai
client against the practice server, the day before OpenAI's cut-off) and then
`ftstudio train --from-job` on a Together fake that checks every request against Together's
OpenAPI description. The new job trains on byte-for-byte the same files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tests.remote_providers.fake_together import FakeTogether

from desktop_app.cli.main import main
from desktop_app.core.keys import secrets
from desktop_app.core.models.today import pretend_today
from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.training.jobstore import JobStore

MODEL = "Qwen/Qwen2.5-0.5B-Instruct"


def _lines(count: int, start: int = 0) -> bytes:
    return b"".join(
        json.dumps(
            {
                "messages": [
                    {"role": "user", "content": f"How long do I steep tea number {i}?"},
                    {"role": "assistant", "content": f"Three minutes for tea number {i}."},
                ]
            }
        ).encode()
        + b"\n"
        for i in range(start, start + count)
    )


def test_an_openai_model_moves_to_together_with_the_same_files(
    together_server: FakeTogether, tmp_path: Path, monkeypatch, capsys
) -> None:
    data, held_out = tmp_path / "tea.jsonl", tmp_path / "tea_validation.jsonl"
    data.write_bytes(_lines(12))
    held_out.write_bytes(_lines(3, start=50))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-move-0000000000000")
    secrets.set_key("together", together_server.api_key)
    with PracticeServer(pace=3000) as server, pretend_today(date(2027, 1, 5)):
        first = main(
            [
                "train",
                str(data),
                "--provider",
                "openai",
                "--base-url",
                server.base_url,
                "--validation-file",
                str(held_out),
                "--model",
                "gpt-4o-mini",
                "--follow",
                "--pace",
                "3000",
                "--poll-seconds",
                "0.01",
            ]
        )
        assert first == 0, capsys.readouterr().err
    with JobStore() as store:
        [old] = store.list_jobs()
    assert old.provider == "openai" and old.fine_tuned_model

    with pretend_today(date(2027, 1, 7)):  # OpenAI takes no new jobs; the move still works
        moved = main(
            [
                "train",
                "--from-job",
                old.job_id,
                "--provider",
                "together",
                "--base-url",
                together_server.base_url,
                "--model",
                MODEL,
            ]
        )
    out = capsys.readouterr().out
    assert moved == 0, out
    assert together_server.errors == []
    assert sorted(together_server.contents.values()) == sorted(
        [data.read_bytes(), held_out.read_bytes()]
    )
    assert f"compare it with {old.fine_tuned_model} on the validation prompts" in out
    assert "--provider openai" in out and "--provider-b together" in out
