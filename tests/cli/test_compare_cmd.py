"""`ftstudio compare`: two models, one set of prompts, a CSV of replies; against a practice server
over real HTTP, in this process and (for Ctrl+C) as a child process."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.cli.conftest import REPO
from tests.core.compare_support import BASE_MODEL, answer, examples, jsonl, train

from ctrl_c import interruptible
from desktop_app.core.practice_server import Fault, PracticeServer
from desktop_app.core.trying.comparison import Comparison


@pytest.fixture(scope="module")
def trained() -> Iterator[tuple[PracticeServer, str]]:
    server = PracticeServer(pace=3000).start()
    try:
        yield server, train(server)
    finally:
        server.stop()


@pytest.fixture
def server(trained) -> Iterator[PracticeServer]:
    practice = trained[0]
    yield practice
    practice.faults.clear()
    practice.config.chat_piece_delay = 0.0


@pytest.fixture
def prompts(tmp_path: Path) -> Path:
    path = tmp_path / "ferns.jsonl"
    path.write_bytes(jsonl(examples(4)))
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def chats(server: PracticeServer) -> int:
    return sum(1 for r in server.requests if r.path.endswith("/chat/completions"))


def test_compare_a_tuned_model_with_its_base_model(ftstudio, server, trained, prompts, tmp_path):
    out, saved = tmp_path / "out.csv", tmp_path / "run.json"

    ran = ftstudio(
        "compare", prompts, "--model-a", BASE_MODEL, "--model-b", trained[1],
        "--provider", "practice", "--base-url", server.base_url,
        "--out", out, "--save", saved, "--concurrency", "2",
    )  # fmt: skip

    assert ran.code == 0, ran.err
    rows = read_csv(out)
    assert [r["reply_b"] for r in rows] == [answer(n) for n in range(1, 5)]
    assert [r["reference"] for r in rows] == [answer(n) for n in range(1, 5)]
    assert all(r["reply_a"].startswith("Thanks for asking about") for r in rows)
    assert {r["model_a"] for r in rows} == {BASE_MODEL} and rows[0]["model_b"] == trained[1]
    assert "Comparing 4 prompts." in ran.err and "free (practice mode)" in ran.err
    assert "[4/4]" in ran.err
    assert ran.out.startswith(f"Wrote 4 prompts with both models' replies to {out}.")
    assert Comparison.load(saved).rows[2].b.text == answer(3)


def test_a_model_that_does_not_exist_is_a_plain_message(ftstudio, server, prompts, tmp_path):
    out = tmp_path / "out.csv"

    ran = ftstudio(
        "compare", prompts, "--model-a", BASE_MODEL, "--model-b", "ft:gpt-4o-mini:acme::gone",
        "--provider", "practice", "--base-url", server.base_url, "--out", out,
    )  # fmt: skip

    assert ran.code == 1
    assert (
        "Model B (ft:gpt-4o-mini:acme::gone) failed on 4 of 4 prompts. This model isn't "
        "available: “ft:gpt-4o-mini:acme::gone” at the practice server. It may have been shut "
        "down, or (on Azure) not deployed yet."
    ) in ran.err
    assert "Traceback" not in ran.err
    rows = read_csv(out)
    assert all(r["reply_a"] and not r["reply_b"] for r in rows)
    assert all(r["problem_b"].startswith("This model isn't available") for r in rows)


def test_one_rate_limited_prompt_does_not_stop_the_others(
    ftstudio, server, trained, prompts, tmp_path
):
    server.faults.add(
        Fault("status", path=r"/chat/completions$", status=429, retry_after=0.01, times=3)
    )
    out = tmp_path / "out.csv"

    ran = ftstudio(
        "compare", prompts, "--model-a", BASE_MODEL, "--model-b", trained[1],
        "--provider", "practice", "--base-url", server.base_url, "--out", out,
        "--concurrency", "1",
    )  # fmt: skip

    assert ran.code == 1
    rows = read_csv(out)
    assert (
        rows[0]["problem_a"] == "The practice server is busy (rate limit). Try again in 1 second."
    )
    assert [bool(r["reply_a"]) for r in rows] == [False, True, True, True]
    assert all(r["reply_b"] for r in rows)
    assert "Model A (gpt-4o-mini) failed on 1 of 4 prompts." in ran.err


def test_the_estimate_alone_sends_nothing(ftstudio, server, prompts, tmp_path):
    before = chats(server)

    ran = ftstudio(
        "compare", prompts, "--model-a", "gpt-4o-mini", "--model-b", "llama3.2",
        "--provider", "practice", "--base-url", server.base_url,
        "--provider-b", "ollama", "--out", tmp_path / "x.csv", "--estimate-only",
    )  # fmt: skip

    assert ran.code == 0 and chats(server) == before
    assert "Model B (llama3.2): about" in ran.err and "free (runs on this computer)" in ran.err
    assert not (tmp_path / "x.csv").exists()


def test_usage_mistakes_are_explained(ftstudio, prompts, tmp_path):
    existing = tmp_path / "exists.csv"
    existing.write_text("keep me", encoding="utf-8")

    no_url = ftstudio(
        "compare", prompts, "--model-a", "a", "--model-b", "b", "--provider", "local",
        "--out", tmp_path / "o.csv",
    )  # fmt: skip
    no_force = ftstudio(
        "compare", prompts, "--model-a", "a", "--model-b", "b", "--out", existing
    )  # fmt: skip
    no_prompts = ftstudio(
        "compare", tmp_path / "none.txt", "--model-a", "a", "--model-b", "b",
        "--out", tmp_path / "o.csv",
    )  # fmt: skip

    assert no_url.code == 1 and no_url.err.startswith(
        "--provider local needs the server's address."
    )
    assert no_force.code == 1 and "already exists" in no_force.err
    assert existing.read_text(encoding="utf-8") == "keep me"
    assert no_prompts.code == 2 and "could not be found" in no_prompts.err


def test_ctrl_c_stops_and_keeps_the_replies_that_arrived(server, trained, prompts, tmp_path):
    server.config.chat_piece_delay = 40.0  # about 1/75 s per piece: each reply takes a moment
    out = tmp_path / "out.csv"
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    child = subprocess.Popen(
        [
            sys.executable, "-m", "desktop_app.cli", "compare", str(prompts),
            "--model-a", BASE_MODEL, "--model-b", trained[1], "--provider", "practice",
            "--base-url", server.base_url, "--out", str(out), "--concurrency", "1",
        ],
        cwd=REPO, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        encoding="utf-8",
        preexec_fn=interruptible,  # Ctrl+C works even when the suite runs in the background
    )  # fmt: skip
    seen = []
    assert child.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = child.stderr.readline()
        seen.append(line)
        if line.startswith("[1/4]"):
            break
    # the replies still to come now take seconds each, so Ctrl+C lands before the last prompt is
    # asked even when the machine is busy (the piece delay is read per piece, at the server)
    server.config.chat_piece_delay = 0.5 * server.config.pace  # half a second per piece
    child.send_signal(signal.SIGINT)
    _, rest = child.communicate(timeout=60)
    err = "".join(seen) + rest

    assert child.returncode == 130, err
    assert "Stopping… (the replies that arrived are kept)" in err
    assert "Traceback" not in err
    rows = read_csv(out)
    assert rows[0]["reply_a"] and rows[0]["reply_b"] == answer(1)
    assert not rows[-1]["reply_a"] and rows[-1]["problem_a"] == "not asked yet"


def test_compare_is_listed_in_help(ftstudio):
    ran = ftstudio("--help")

    assert ran.code == 0 and "compare" in ran.out
