"""The API key never reaches a file, a log or the output: the whole CLI flow with a known key.

Distinctive keys are made for this run, saved with `ftstudio keys set`, and used to train, follow,
list, show and cancel jobs against a local server speaking OpenAI's API (as an OpenAI-compatible
provider, as Azure (the `api-key` header) and, through OPENAI_API_KEY, as OpenAI), including runs
where the key is rejected.
Then every file the app (or anything else in the test's folders) wrote is searched for it, as
is everything printed and logged at DEBUG level.

One file is excluded, by its exact path: the test keyring's own storage. The test keyring is a
plaintext file standing in for the operating system's password store; holding the key is its
job, and the test checks that it does, so the exclusion cannot hide a leak anywhere else.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import secrets as random_secrets
import sys
from pathlib import Path

import pytest

from desktop_app.core.practice_server import PracticeConfig, PracticeServer


def _dataset(path: Path) -> Path:
    rows = [
        {
            "messages": [
                {"role": "user", "content": f"Is the museum open on day {i}?"},
                {"role": "assistant", "content": f"Yes, from ten to six on day {i}."},
            ]
        }
        for i in range(12)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _base64(secret: str) -> bytes:
    return base64.b64encode(secret.encode())


def _files_under(*roots: Path) -> list[Path]:
    found: set[Path] = set()
    for root in roots:
        if root.exists():
            found.update(p.resolve() for p in root.rglob("*") if p.is_file())
    return sorted(found)


def test_the_key_is_never_written_printed_or_logged(
    ftstudio,
    monkeypatch,
    tmp_path: Path,
    app_home: Path,
    isolated_keyring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    key = "sk-leakcanary-" + random_secrets.token_hex(16)
    env_key = "sk-envcanary-" + random_secrets.token_hex(16)
    caplog.set_level(logging.DEBUG)
    for name in ("openai", "httpx2", "httpcore", "desktop_app"):
        caplog.set_level(logging.DEBUG, logger=name)
    data = _dataset(tmp_path / "museum.jsonl")
    outputs: list[str] = []

    def run(*argv: object, stdin: str | None = None) -> int:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        ran = ftstudio(*argv)
        outputs.extend([ran.out, ran.err])
        return int(ran.code)

    with PracticeServer(pace=3000) as server:
        url = server.base_url
        assert (
            run("keys", "set", "--provider", "compatible", "--base-url", url, stdin=key + "\n") == 0
        )
        assert run("keys", "status", "--provider", "compatible", "--base-url", url, "--check") == 0
        assert (
            run(
                "train",
                data,
                "--provider",
                "compatible",
                "--base-url",
                url,
                "--model",
                "gpt-4o-mini",
                "--follow",
                "--poll-seconds",
                "0.01",
                "--suffix",
                "museum",
            )
            == 0
        )
        job_id = re.search(r"Started job (ftjob-\w+)", "".join(outputs)).group(1)  # type: ignore[union-attr]
        assert run("jobs") == 0
        assert run("jobs", "--provider", "compatible", "--base-url", url) == 0
        assert run("job", job_id) == 0
        assert run("cancel", job_id) == 1  # already finished: a plain error, and still no key
        monkeypatch.setenv("OPENAI_API_KEY", env_key)
        assert (
            run(
                "train",
                data,
                "--provider",
                "openai",
                "--base-url",
                url,
                "--model",
                "gpt-4o-mini",
                "--follow",
                "--poll-seconds",
                "0.01",
            )
            == 0
        )
        server.config.revoked_keys = frozenset({key, env_key})
        assert run("jobs", "--provider", "compatible", "--base-url", url) == 1
        assert run("job", job_id) == 1
        assert run("jobs", "--provider", "openai", "--base-url", url) == 1
        seen_keys = {r.headers.get("authorization") for r in server.requests}

    azure_key = "azure-leakcanary-" + random_secrets.token_hex(16)
    with PracticeServer(config=PracticeConfig(pace=3000, prefix="/openai/v1")) as azure:
        endpoint = f"http://127.0.0.1:{azure.port}"
        assert (
            run("keys", "set", "--provider", "azure", "--base-url", endpoint, stdin=azure_key) == 0
        )
        assert (
            run(
                "train",
                data,
                "--provider",
                "azure",
                "--base-url",
                endpoint,
                "--model",
                "gpt-4o-mini",
                "--follow",
                "--poll-seconds",
                "0.01",
            )
            == 0
        )
        assert run("jobs", "--provider", "azure", "--base-url", endpoint) == 0
        seen_keys |= {r.headers.get("api-key") for r in azure.requests}

    # the keys really travelled: the test would notice if they were not used at all
    assert {f"Bearer {key}", f"Bearer {env_key}", azure_key} <= seen_keys
    assert "Your API key was rejected" in "".join(outputs)

    keyring_file = Path(isolated_keyring.file_path).resolve()
    # the password store holds the saved key, as it should (this backend writes it base64-encoded)
    assert base64.b64encode(key.encode()) in keyring_file.read_bytes()
    roots = [
        tmp_path,
        app_home,
        *(Path(os.environ[v]) for v in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")),
    ]
    searched = [p for p in _files_under(*roots) if p != keyring_file]
    assert any(p.name == "jobs.sqlite3" for p in searched)
    assert any(p.parent.name == "provenance" for p in searched)
    forms = [f(secret) for secret in (key, env_key, azure_key) for f in (str.encode, _base64)]
    for path in searched:
        content = path.read_bytes()
        for form in forms:
            assert form not in content, f"the key leaked into {path}"
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert caplog.records  # debug logging was on and captured
    for secret in (key, env_key, azure_key):
        assert secret not in "".join(outputs), "the key was printed"
        assert secret not in logged, "the key was logged"
