"""`ftstudio train`, `jobs`, `job`, `cancel`, `keys` and `practice-server` from the command line."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from ctrl_c import interruptible
from desktop_app.core.keys import secrets
from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.training.jobstore import JobStore

REPO = Path(__file__).resolve().parents[2]
FAST = ["--pace", "3000", "--poll-seconds", "0.01"]


def _write(path: Path, count: int) -> Path:
    rows = [
        {
            "messages": [
                {"role": "system", "content": "You are the helpdesk of a small library."},
                {"role": "user", "content": f"Can I renew book number {i} online?"},
                {
                    "role": "assistant",
                    "content": f"Yes: sign in, open Loans and press Renew for book {i}.",
                },
            ]
        }
        for i in range(count)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return _write(tmp_path / "library.jsonl", 12)


def test_train_follow_with_the_practice_provider_runs_to_a_model(ftstudio, dataset: Path) -> None:
    ran = ftstudio(
        "train",
        dataset,
        "--provider",
        "practice",
        "--model",
        "gpt-4o-mini",
        "--suffix",
        "library",
        "--follow",
        *FAST,
    )

    assert ran.code == 0, ran.err
    assert re.search(
        r"Started job ftjob-\w+ on the practice server \(model gpt-4o-mini-2024-07-18\)", ran.out
    )
    assert "Status: Finished — the model is ready (succeeded)" in ran.out
    assert re.search(r"Step 96/96: training loss \d\.\d{3}, accuracy \d+%", ran.out)
    assert "Checkpoint created at step 96" in ran.out
    model = re.search(
        r"The fine-tuned model is ready: (ft:gpt-4o-mini-2024-07-18:practice:library:\w+)", ran.out
    )
    assert model is not None
    assert "Started a practice server at http://127.0.0.1:" in ran.err
    assert "Uploading the training file (100%): library.jsonl" in ran.err
    with JobStore() as store:
        [record] = store.list_jobs()
    assert record.status == "succeeded" and record.fine_tuned_model == model.group(1)
    assert record.dataset_path == str(dataset.resolve())


def test_too_few_examples_are_refused_before_anything_is_sent(ftstudio, tmp_path: Path) -> None:
    small = _write(tmp_path / "small.jsonl", 3)
    ran = ftstudio("train", small, "--provider", "practice", "--model", "gpt-4o-mini", *FAST)

    assert ran.code == 1
    assert "The data has 1 problem(s) the provider would reject:" in ran.err
    assert "  - small.jsonl: The file has only 3 examples" in ran.err
    assert "Nothing was sent." in ran.err and "--no-checks" in ran.err
    assert "practice server" not in ran.err  # no server was even started
    assert "Traceback" not in ran.err


def test_practice_with_fewer_than_ten_examples_fails_the_way_openai_does(
    ftstudio, tmp_path: Path
) -> None:
    small = _write(tmp_path / "small.jsonl", 3)
    ran = ftstudio(
        "train",
        small,
        "--provider",
        "practice",
        "--model",
        "gpt-4o-mini",
        "--follow",
        "--no-checks",
        *FAST,
    )

    assert ran.code == 1
    assert "Training file has 3 example(s), but must have at least 10 examples" in ran.out
    assert "Status: Failed (failed)" in ran.out
    assert ran.err.rstrip().endswith(
        "The provider needs more examples: Training file has 3 example(s), but must have at least "
        "10 examples.\nAdd examples until the file has at least 10 (50 to 100 usually work much "
        "better), then start the job again."
    )
    with JobStore() as store:
        [record] = store.list_jobs()
    assert record.status == "failed" and record.error_code == "invalid_n_examples"


def test_train_without_follow_then_jobs_job_and_cancel(ftstudio, dataset: Path) -> None:
    with PracticeServer(pace=0.2) as server:  # slow: the job is still being checked when cancelled
        started = ftstudio(
            "train",
            dataset,
            "--provider",
            "practice",
            "--base-url",
            server.base_url,
            "--model",
            "gpt-4.1-mini",
            "--epochs",
            "2",
        )
        assert started.code == 0, started.err
        job_id = re.search(r"Started job (ftjob-\w+)", started.out).group(1)  # type: ignore[union-attr]
        assert f"See how it is doing with: ftstudio job {job_id}" in started.out

        listed = ftstudio("jobs")
        shown = ftstudio("job", job_id)
        remote = ftstudio("jobs", "--provider", "practice", "--base-url", server.base_url)
        cancelled = ftstudio("cancel", job_id)
        again = ftstudio("cancel", job_id)

    assert listed.code == 0 and job_id in listed.out and "validating_files" in listed.out
    assert shown.code == 0
    assert (
        f"Job:      {job_id}" in shown.out
        and "Status:   Checking the files (validating_files)" in shown.out
    )
    assert "Created fine-tuning job" in shown.out
    assert remote.code == 0 and job_id in remote.out
    assert cancelled.code == 0 and f"Job {job_id}: Cancelled (cancelled)." in cancelled.out
    assert again.code == 1 and "cannot be cancelled" in again.err
    gone = ftstudio("job", job_id)
    assert gone.code == 1
    assert gone.err.startswith("The practice server is not running")


def test_job_unknown_to_the_app(ftstudio) -> None:
    ran = ftstudio("job", "ftjob-neverseen")

    assert ran.code == 1
    assert ran.err.startswith("The app has no record of a job “ftjob-neverseen”.")


def test_keys_set_status_and_remove(ftstudio, monkeypatch, isolated_keyring) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("sk-cli-key-abcdefgh4242\n"))
    saved = ftstudio("keys", "set", "--provider", "openai")
    status = ftstudio("keys", "status", "--provider", "openai")
    removed = ftstudio("keys", "remove", "--provider", "openai")
    after = ftstudio("keys", "status")

    assert saved.code == 0
    assert saved.out.splitlines()[0] == "Saved the key sk-…4242 for OpenAI (account “default”)."
    assert "plain, unencrypted file" in saved.out
    assert secrets.get_key("openai") is None  # after "keys remove"
    assert "OpenAI (account “default”): key sk-…4242." in status.out
    assert removed.out.startswith("Removed the saved key for OpenAI")
    assert "OpenAI (account “default”): no key. No key is set." in after.out
    assert "sk-cli-key" not in saved.out + status.out + removed.out + after.out


def test_keys_status_check_tests_the_key(ftstudio, monkeypatch) -> None:
    with PracticeServer() as server:
        url = server.base_url
        account = f"127.0.0.1:{server.port}"
        secrets.set_key("compatible", "sk-compatible-check-99", account)
        ran = ftstudio("keys", "status", "--provider", "compatible", "--base-url", url, "--check")

    assert ran.code == 0, ran.err
    assert f"OpenAI-compatible service (account “{account}”): key sk-…k-99." in ran.out
    assert f"Connected to the service at {account}: the key works." in ran.out


def test_train_without_a_key_says_how_to_add_one(ftstudio, dataset: Path) -> None:
    from datetime import date

    from desktop_app.core.models.today import pretend_today

    with pretend_today(date(2027, 1, 5)):  # OpenAI's last day for new jobs
        ran = ftstudio("train", dataset, "--provider", "openai", "--model", "gpt-4o-mini")

    assert ran.code == 1
    assert ran.err == (
        "OpenAI: no new jobs from 6 January 2027 — 1 day left.\n"
        "There is no API key for OpenAI yet.\n"
        "Open Training → Keys and Providers… (or run “ftstudio keys set --provider openai”) and paste your key.\n"
    )


def test_practice_server_command_serves_until_interrupted(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    child = subprocess.Popen(
        [sys.executable, "-m", "desktop_app.cli", "practice-server", "--pace", "5"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,  # Ctrl+C works even when the suite runs in the background
    )
    try:
        assert child.stdout is not None
        first = child.stdout.readline()
        url = re.search(r"running at (http://127\.0\.0\.1:\d+/v1) \(pace 5×\)", first)
        assert url is not None, first
        reply = httpx2.get(
            url.group(1) + "/models", headers={"Authorization": "Bearer x"}, timeout=10
        )
        assert reply.status_code == 200 and reply.json()["object"] == "list"
        child.send_signal(signal.SIGINT)
        _out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0
    assert "Practice server stopped." in err
    assert "Traceback" not in err


def test_a_small_validation_file_is_fine_but_a_broken_one_is_refused(
    ftstudio, dataset, tmp_path
) -> None:
    valid = _write(tmp_path / "valid.jsonl", 3)
    ok = ftstudio(
        "train",
        dataset,
        "--provider",
        "practice",
        "--model",
        "gpt-4o-mini",
        "--validation-file",
        valid,
        "--follow",
        *FAST,
    )
    with valid.open("a", encoding="utf-8") as handle:
        handle.write('{"messages": [{"role": "user", "content": "no reply"}]}\n')
    refused = ftstudio(
        "train",
        dataset,
        "--provider",
        "practice",
        "--model",
        "gpt-4o-mini",
        "--validation-file",
        valid,
        *FAST,
    )

    assert ok.code == 0, ok.err
    assert "Uploading the validation file (100%): valid.jsonl" in ok.err
    assert refused.code == 1
    assert "  - valid.jsonl, line 4: " in refused.err and "Nothing was sent." in refused.err


def test_keys_set_without_a_password_store(ftstudio, monkeypatch) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    monkeypatch.setattr(sys, "stdin", io.StringIO("sk-nowhere-1234567890\n"))
    ran = ftstudio("keys", "set", "--provider", "openai")

    assert ran.code == 1
    assert ran.err == (
        "This computer has no password store the app can use, so the key cannot be saved.\n"
        "Set the OPENAI_API_KEY environment variable in this terminal instead.\n"
    )
