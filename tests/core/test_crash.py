"""core.files.crash: reports are scrubbed of keys, written to the log folder, and routed from any thread."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from desktop_app.core.files import crash
from desktop_app.core.files.folders import log_dir

KEY = "sk-proj-Abc123def456ghi789jkl012mno345"


def _raise_with_key() -> None:
    api_key = KEY  # noqa: F841 - a local a traceback could show
    raise RuntimeError(f"request failed with Authorization: Bearer {KEY} and api_key={KEY}")


def _exc_info() -> tuple[type[BaseException], BaseException, object]:
    try:
        _raise_with_key()
    except RuntimeError:
        return sys.exc_info()  # type: ignore[return-value]
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        (f"key {KEY} here", KEY),
        ("Authorization: Bearer abcdefghijklmnop", "abcdefghijklmnop"),
        ("api-key: 0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"),
        ("OPENAI_API_KEY='sk-live-zzzzzzzzzzzz'", "sk-live-zzzzzzzzzzzz"),
        ("fw_3ZabcdefghijklmnopQRS in a Fireworks call", "fw_3ZabcdefghijklmnopQRS"),
    ],
)
def test_scrub_hides_key_shapes(text: str, hidden: str) -> None:
    scrubbed = crash.scrub(text)
    assert hidden not in scrubbed and crash.HIDDEN in scrubbed


def test_scrub_hides_a_known_secret_of_any_shape_and_keeps_ordinary_text() -> None:
    text = "the key was hunter2-custom and the file is data.jsonl, line 12"
    assert (
        crash.scrub(text, ["hunter2-custom"])
        == f"the key was {crash.HIDDEN} and the file is data.jsonl, line 12"
    )
    assert crash.scrub("ValueError: line 3 is not JSON") == "ValueError: line 3 is not JSON"


def test_report_has_summary_without_message_and_scrubbed_details() -> None:
    report = crash.build_report(*_exc_info(), secrets=[KEY])  # type: ignore[arg-type]
    assert report.summary == "RuntimeError in the main thread"
    assert KEY not in report.details and "RuntimeError" in report.details
    assert "Traceback" in report.details and "_raise_with_key" in report.details
    assert "Finetune Studio" in report.details


def test_crash_log_is_written_to_the_log_folder_and_pruned(app_home: Path) -> None:
    report = crash.build_report(*_exc_info())  # type: ignore[arg-type]
    for _ in range(crash.KEEP_CRASH_LOGS + 3):
        path = crash.write_crash_log(report)
    assert path.parent == log_dir()
    logs = list(log_dir().glob("crash-*.log"))
    assert len(logs) == crash.KEEP_CRASH_LOGS
    assert KEY not in path.read_text(encoding="utf-8")


def test_handler_routes_main_and_thread_exceptions_and_restores_hooks(app_home: Path) -> None:
    seen: list[crash.CrashReport] = []
    before = (sys.excepthook, threading.excepthook)
    handler = crash.CrashHandler(on_crash=seen.append, secrets=lambda: [KEY])
    handler.install()
    try:
        sys.excepthook(*_exc_info())
        worker = threading.Thread(target=_raise_with_key, name="uploader")
        worker.start()
        worker.join()
    finally:
        handler.uninstall()
    assert (sys.excepthook, threading.excepthook) == before
    assert [r.summary for r in seen] == [
        "RuntimeError in the main thread",
        "RuntimeError in the background thread “uploader”",
    ]
    for report in seen:
        assert report.log_file is not None and report.log_file.is_file()
        written = report.log_file.read_text(encoding="utf-8")
        assert KEY not in written and KEY not in report.details


def test_keyboard_interrupt_is_not_a_crash(capsys) -> None:
    seen: list[crash.CrashReport] = []
    handler = crash.CrashHandler(on_crash=seen.append)
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt:
        handler.on_exception(*sys.exc_info())  # type: ignore[arg-type]
    assert seen == []
    assert "KeyboardInterrupt" in capsys.readouterr().err


def test_failing_secrets_lookup_still_reports(app_home: Path) -> None:
    def broken() -> list[str]:
        raise OSError("keyring locked")

    handler = crash.CrashHandler(secrets=broken)
    report = handler.handle(*_exc_info())  # type: ignore[arg-type]
    assert KEY not in report.details  # the patterns still catch the key's shape
