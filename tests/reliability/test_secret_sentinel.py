"""A secret sentinel: keys of three shapes go through the command line, provider errors that echo
them, a comparison CSV, the app's log file and crash reports on two threads; then everything the
app wrote (log folder, crash reports, settings, job records, CSV/JSON) and everything it printed
or logged is searched for them.

Excluded, by exact path: the test keyring's own file (holding the key is its job).
"""

from __future__ import annotations

import io
import logging
import os
import secrets as random_secrets
import sys
import threading
from collections.abc import Callable
from email.message import Message
from pathlib import Path

import pytest
from tests.reliability.conftest import JOBS, example_lines
from tests.reliability.fault_proxy import FaultProxy, Rule

from desktop_app.cli.main import main
from desktop_app.core.files.folders import log_dir
from desktop_app.core.keys.scrub import forget_keys
from desktop_app.core.practice_server import PracticeServer


def _echo_key(status: int) -> Callable[[Message], dict[str, object]]:
    """An error body that repeats the caller's key, as some services do."""

    def body(headers: Message) -> dict[str, object]:
        sent = headers.get("Authorization", "")[7:]
        return {"error": {"message": f"Key {sent} may not do this (Bearer {sent}).", "code": None}}

    return body


@pytest.fixture(autouse=True)
def _fresh_scrubber():  # type: ignore[no-untyped-def]
    forget_keys()  # the scrubber must learn each key from this run, not from earlier tests
    yield
    forget_keys()


def test_no_key_of_any_shape_reaches_a_file_the_screen_or_the_log(
    server: PracticeServer,
    proxy: FaultProxy,
    tmp_path: Path,
    app_home: Path,
    isolated_keyring,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    openai_shape = "sk-proj-sentinel" + random_secrets.token_hex(16)
    azure_shape = random_secrets.token_hex(16)  # 32 hex digits
    any_shape = "Zq9~sentinel~" + random_secrets.token_urlsafe(12)  # only an exact match finds it
    caplog.set_level(logging.DEBUG)
    printed: list[str] = []
    data = tmp_path / "library.jsonl"
    data.write_bytes(example_lines())
    url = proxy.base_url

    def run(*argv: object, stdin: str | None = None) -> int:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        printed.extend([captured.out, captured.err])
        return code

    train = ("--provider", "compatible", "--base-url", url, "--model", "gpt-4o-mini")
    for number, (key, status, path) in enumerate(
        ((openai_shape, 400, JOBS), (azure_shape, 403, r"^/v1/files$"), (any_shape, 401, JOBS))
    ):
        forget_keys()  # as in a fresh process
        own = tmp_path / f"data-{number}.jsonl"  # new content: the upload is not skipped
        own.write_bytes(example_lines(12 + number))
        assert run("keys", "set", "--provider", "compatible", "--base-url", url, stdin=key) == 0
        proxy.add(Rule("status", path, method="POST", status=status, body=_echo_key(status)))
        assert run("train", own, *train) == 1, printed[-2:]
        proxy.clear()

    # the comparison CSV: model B's answers are refused with the key echoed back (problem_b)
    proxy.add(
        Rule("status", r"chat/completions", status=400, body=_echo_key(400), times=0, forward=False)
    )
    out = tmp_path / "compare.csv"
    compare = ("compare", data, "--model-a", "gpt-4o-mini", "--model-b", "gpt-4o")
    where = ("--provider", "compatible", "--base-url", url, "--out", out)
    run(*compare, *where, "--save", tmp_path / "compare.json")
    assert "refused" in out.read_text(encoding="utf-8-sig")

    # the app's log file and crash reports, on the main thread and a background thread
    from desktop_app.app import Hooks, setup_logging

    _, handler = setup_logging()
    hooks = Hooks()
    hooks.install()
    try:
        logging.getLogger("desktop_app.test").warning("sending with key %s", any_shape)
        try:
            raise RuntimeError(f"upload failed: Authorization: Bearer {openai_shape} {any_shape}")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]

        def fail() -> None:
            api_key = azure_shape  # noqa: F841 - a local a traceback could show
            raise ValueError(f"background upload refused {azure_shape} / {any_shape}")

        worker = threading.Thread(target=fail, name="upload-worker")
        worker.start()
        worker.join()
    finally:
        hooks.restore()
        logging.getLogger().removeHandler(handler)
        handler.close()
    crash_reports = sorted(log_dir().glob("crash-*.log"))
    assert len(crash_reports) == 2, "each crash writes a report"
    assert "upload-worker" in "".join(p.read_text(encoding="utf-8") for p in crash_reports)

    keyring_file = Path(isolated_keyring.file_path).resolve()
    written = [
        p.resolve()
        for root in (tmp_path, app_home, Path(os.environ["XDG_CONFIG_HOME"]))
        if root.exists()
        for p in root.rglob("*")
        if p.is_file() and p.resolve() != keyring_file
    ]
    assert any(p.name == "finetune-studio.log" for p in written)
    logged = caplog.text + "".join(str(r.getMessage()) for r in caplog.records)
    for key in (openai_shape, azure_shape, any_shape):
        for path in written:
            assert key.encode() not in path.read_bytes(), f"the key leaked into {path}"
        assert key not in "".join(printed), "the key was printed"
        assert key not in logged, "the key was logged"
    assert "[hidden]" in "".join(printed)  # the echoed key was there, and was removed
