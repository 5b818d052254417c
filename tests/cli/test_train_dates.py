"""`ftstudio train` and `validate` on the day before and the day after OpenAI's cut-off (the date is
pretended through desktop_app.core.models.today), `--from-job`, `--base-url` for OpenAI and the
OPENAI_BASE_URL / OPENAI_API_KEY pair — with the real openai client against a practice server."""

from __future__ import annotations

import json
import re
import socket
from datetime import date
from pathlib import Path

import pytest

from desktop_app.core.models.today import pretend_today
from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.training.jobstore import JobStore

FAST = ["--pace", "3000", "--poll-seconds", "0.01"]
CUT_OFF = date(2027, 1, 6)
DAY_BEFORE = date(2027, 1, 5)


def _write(path: Path, count: int, *, start: int = 0) -> Path:
    rows = [
        {
            "messages": [
                {"role": "user", "content": f"Can I renew book number {i} online?"},
                {"role": "assistant", "content": f"Yes: sign in, open Loans, renew book {i}."},
            ]
        }
        for i in range(start, start + count)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return _write(tmp_path / "library.jsonl", 12)


@pytest.fixture
def listener():
    """A socket that listens but never answers: any connection attempt would be waiting on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        yield sock


def _nobody_connected(sock: socket.socket) -> bool:
    try:
        conn, _ = sock.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


def test_on_the_cut_off_openai_is_refused_before_any_network_call(
    ftstudio, dataset: Path, listener: socket.socket, monkeypatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-cutoff-000000000000")
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    with pretend_today(CUT_OFF):
        ran = ftstudio("train", dataset, "--provider", "openai", "--base-url", url)

    assert ran.code != 0
    assert "OpenAI takes no new fine-tuning jobs since 6 January 2027. Nothing was sent." in ran.err
    for name in ("Azure OpenAI", "Together AI", "Fireworks AI", "Nebius Token Factory"):
        assert name in ran.err
    assert "--from-job" in ran.err and "Traceback" not in ran.err
    assert _nobody_connected(listener)
    with JobStore() as store:
        assert store.list_jobs() == []


def test_the_day_before_openai_still_trains_and_base_url_works_for_it(
    ftstudio, dataset: Path, monkeypatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-daybefore-0000000000")
    with PracticeServer(pace=3000) as server, pretend_today(DAY_BEFORE):
        url = server.base_url
        ran = ftstudio(
            "train",
            dataset,
            "--provider",
            "openai",
            "--base-url",
            server.base_url,
            "--follow",
            *FAST,
        )
    assert ran.code == 0, ran.err
    assert "OpenAI: no new jobs from 6 January 2027 — 1 day left." in ran.err
    # no --model: OpenAI's usual model; the job ran on the server --base-url named
    assert re.search(r"Started job ftjob-\w+ on OpenAI \(model gpt-4.1-mini-2025-04-14\)", ran.out)
    with JobStore() as store:
        [record] = store.list_jobs()
    assert record.provider == "openai" and record.base_url == url


def test_from_job_trains_the_exact_files_again_and_says_how_to_compare(
    ftstudio, dataset: Path, tmp_path: Path
) -> None:
    validation = _write(tmp_path / "held_out.jsonl", 3, start=100)
    first = ftstudio(
        "train",
        dataset,
        "--provider",
        "practice",
        "--model",
        "gpt-4o-mini",
        "--validation-file",
        validation,
        "--follow",
        *FAST,
    )
    assert first.code == 0, first.err
    with JobStore() as store:
        [old] = store.list_jobs()
    dataset.write_text("", encoding="utf-8")  # the dataset changed since: the copy still trains

    moved = ftstudio(
        "train",
        "--from-job",
        old.job_id,
        "--provider",
        "practice",
        "--model",
        "gpt-4.1-mini",
        "--follow",
        *FAST,
    )

    assert moved.code == 0, moved.err
    assert f"Training the files job {old.job_id} was sent (practice" in moved.err
    assert f"compare it with {old.fine_tuned_model} on the validation prompts" in moved.out
    assert "ftstudio compare" in moved.out and "--save compare.json" in moved.out
    with JobStore() as store:
        new = next(r for r in store.list_jobs() if r.job_id != old.job_id)
    assert (new.training_sha256, new.validation_sha256) == (
        old.training_sha256,
        old.validation_sha256,
    )
    assert new.model == "gpt-4.1-mini-2025-04-14"


def test_from_job_refuses_a_job_the_app_does_not_know_and_a_second_file(
    ftstudio, dataset: Path
) -> None:
    ran = ftstudio("train", "--from-job", "ftjob-nope", "--provider", "practice")
    assert ran.code != 0 and "The app has no record of a job “ftjob-nope”." in ran.err
    both = ftstudio("train", dataset, "--from-job", "ftjob-nope", "--provider", "practice")
    assert both.code != 0 and "leave out FILE" in both.err
    neither = ftstudio("train", "--provider", "practice")
    assert neither.code != 0 and "Name the dataset to train on" in neither.err


def test_practice_uses_openai_base_url_only_on_this_computer(
    ftstudio, dataset: Path, monkeypatch
) -> None:
    with PracticeServer(pace=3000) as server:
        url = server.base_url
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        ran = ftstudio("train", dataset, "--provider", "practice", "--model", "gpt-4o-mini")
    assert ran.code == 0, ran.err
    assert "Started a practice server" not in ran.err  # it used the one OPENAI_BASE_URL names
    with JobStore() as store:
        [record] = store.list_jobs()
    assert record.base_url == url


def test_compatible_takes_the_openai_environment_pair(ftstudio, dataset: Path, monkeypatch) -> None:
    with PracticeServer(pace=3000) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-compatible-pair-0000")
        ran = ftstudio("train", dataset, "--provider", "compatible", "--model", "gpt-4o-mini")
    assert ran.code == 0, ran.err
    assert "Started job" in ran.out


@pytest.mark.parametrize(
    ("day", "note"),
    [(DAY_BEFORE, None), (CUT_OFF, "Note: checking with the rules of Azure OpenAI")],
)
def test_validate_defaults_to_a_provider_that_still_trains(
    ftstudio, dataset: Path, day: date, note: str | None
) -> None:
    with pretend_today(day):
        ran = ftstudio("validate", dataset, "--json")
    assert ran.code == 0, ran.err
    report = json.loads(ran.out)
    assert report["model"] == "gpt-4.1-mini-2025-04-14"
    if note is None:
        assert "Note:" not in ran.err
    else:
        assert note in ran.err
    with pretend_today(CUT_OFF):
        explicit = ftstudio("validate", dataset, "--provider", "openai")
    assert "takes no new fine-tuning jobs since 6 January 2027" in explicit.err
    assert "OpenAI's rules: at least 10 examples" in explicit.err


def test_validate_with_nebius_applies_its_rules(ftstudio, tmp_path: Path) -> None:
    path = _write(tmp_path / "open_ended.jsonl", 12)
    lines = path.read_text(encoding="utf-8").splitlines()
    last = json.loads(lines[-1])
    last["messages"].append({"role": "user", "content": "And on Sundays?"})
    path.write_text("\n".join([*lines[:-1], json.dumps(last)]) + "\n", encoding="utf-8")
    ran = ftstudio("validate", path, "--provider", "nebius", "--json")
    assert ran.code == 1
    codes = {p["code"] for p in json.loads(ran.out)["problems"]}
    assert "nebius_last_message_assistant" in codes
    assert "every conversation ends with the assistant's reply" in ran.err
    assert ftstudio("validate", path, "--provider", "together").code == 0


def test_practice_never_follows_openai_base_url_off_this_computer(monkeypatch) -> None:
    from desktop_app.core.providers.registry import environment_base_url

    monkeypatch.setenv("OPENAI_BASE_URL", "https://gateway.example.com/v1")
    assert environment_base_url("practice") is None
    assert environment_base_url("compatible") == "https://gateway.example.com/v1"
    assert environment_base_url("openai") is None  # OpenAI itself keeps its own address
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:9999/v1")
    assert environment_base_url("practice") == "http://localhost:9999/v1"


def test_jobs_lists_say_when_a_tuned_model_stops_answering(ftstudio) -> None:
    from desktop_app.core.providers.base import Job

    old = "ft:gpt-4.1-mini-2025-04-14:acme:voice:abc123"
    with JobStore() as store:
        job = Job(
            id="ftjob-old",
            status="succeeded",
            model="gpt-4.1-mini-2025-04-14",
            fine_tuned_model=old,
        )
        store.record_job(job, provider="openai", account="default")
    with pretend_today(date(2027, 1, 13)):
        before = ftstudio("jobs")
    with pretend_today(date(2027, 1, 14)):
        after = ftstudio("jobs")
    with pretend_today(date(2026, 6, 1)):
        early = ftstudio("jobs")
    assert "Note: ftjob-old: Stops answering on 14 January 2027 (1 day left)" in before.out
    assert "ftstudio train --from-job ftjob-old --provider" in before.out
    assert "Note: ftjob-old: Stopped answering on 14 January 2027" in after.out
    assert "Note:" not in early.out
