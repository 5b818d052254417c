"""desktop_app.selftest from source: the whole run passes, a failing check is named, the
network guard refuses other computers, the crash check finds a report without the key (and
notices one with it), and `--self-test` reaches it through both commands."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from PySide6.QtWidgets import QApplication

from desktop_app import selftest, selftest_crash
from desktop_app.core.files import crash

ROOT = Path(__file__).resolve().parents[2]


def test_network_guard_refuses_other_computers_and_allows_this_one() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    original = (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo)
    try:
        with selftest.NetworkGuard() as guard:
            assert socket.socket.connect is not original[0]
            with socket.create_connection(server.getsockname(), timeout=5):
                pass
            with pytest.raises(ConnectionRefusedError, match="no network allowed"):
                socket.create_connection(("203.0.113.7", 443), timeout=5)
            with pytest.raises(ConnectionRefusedError):
                socket.getaddrinfo("api.openai.com", 443)
        assert guard.refused == ["203.0.113.7:443", "api.openai.com:443"]
        assert (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo) == original
    finally:
        server.close()


def test_report_names_what_failed() -> None:
    report = selftest.Report()
    report.add("checks", True, "78 rules")
    assert not report.run(
        "keyring", lambda: (_ for _ in ()).throw(selftest.SelfTestFailure("no backends"))
    )
    text = report.text()
    assert "FAIL keyring" in text and "no backends" in text
    assert text.endswith("Result: FAILED (keyring)")


def test_voice_row_finds_the_near_copy_and_fails_without_signatures(monkeypatch) -> None:
    assert "line 2" in selftest.check_voice()
    from desktop_app.core.checks.voice import features

    monkeypatch.setattr(features, "signatures", lambda sets: [b"" for _ in sets])
    with pytest.raises(selftest.SelfTestFailure, match="found lines"):
        selftest.check_voice()


@pytest.mark.slow
@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")  # offscreen QPA
def test_run_in_process_passes_every_real_check_and_names_a_broken_one(
    qapp, monkeypatch, tmp_path, capsys
) -> None:
    def broken_tls() -> str:
        raise selftest.SelfTestFailure("pretend the CA certificates are missing")

    monkeypatch.setattr(selftest, "check_tls", broken_tls)
    report_file = tmp_path / "report.txt"
    assert selftest.run(["--self-test", "--report", str(report_file)]) == 1
    text = report_file.read_text(encoding="utf-8")
    assert text == capsys.readouterr().out
    assert "Result: FAILED (TLS trust store)" in text
    failed = [line for line in text.splitlines() if line.startswith("  FAIL")]
    assert len(failed) == 1, text
    for name in (
        "main window",
        "sample in the window",
        "checks",
        "token counts",
        "practice job",
        "keyring",
        "worker processes",
        "search processes",
        "no network",
        "crash report",
    ):
        assert any(line.startswith(f"  ok   {name}") for line in text.splitlines()), name
    assert "job succeeded" in text


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["-m", "desktop_app", "--self-test"],
        ["-c", "import sys; from desktop_app.app import main; sys.exit(main())", "--self-test"],
    ],
    ids=["python -m desktop_app", "finetune-studio entry point"],
)
def test_self_test_command_passes_as_a_subprocess(command: list[str], tmp_path: Path) -> None:
    report_file = tmp_path / "report.txt"
    sentinel = "Zq9~subprocess-sentinel~" + tmp_path.name
    env = {**os.environ, selftest_crash.SENTINEL_ENV: sentinel}
    env["FINETUNE_STUDIO_HOME"] = str(tmp_path / "home")
    result = subprocess.run(
        [sys.executable, *command, "--report", str(report_file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = report_file.read_text(encoding="utf-8")
    assert "Result: passed" in text and "(from source)" in text
    assert "ok   crash report" in text
    # the deliberate crash stays in its report: not on stderr, nowhere with the key
    assert "DeliberateSelfTestError" not in result.stderr
    assert sentinel not in result.stdout + result.stderr
    written = [p for p in (tmp_path / "home").rglob("*") if p.is_file()]
    assert any(p.name.startswith("crash-") for p in written)
    assert not [p for p in written if sentinel.encode() in p.read_bytes()]


@pytest.mark.slow
def test_startup_probe_prints_the_first_paint(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--self-test", "--startup-probe"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    marker = [line for line in result.stdout.splitlines() if line.startswith("FIRST_PAINT ")]
    assert len(marker) == 1 and int(marker[0].split()[1]) > 0


def test_the_startup_probe_times_the_frame_the_app_shows_first(qtbot) -> None:
    """finetune-studio paints the window's frame first and builds the rest after (app.main);
    the probe must time that same frame, not a fully built window."""
    with selftest.main_window(deferred=True) as window:
        assert not window.completed and window.status_label.text() == "Starting…"
        assert selftest.wait_for_first_paint(window) > 0


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")  # offscreen QPA
def test_the_crash_check_finds_a_scrubbed_report_and_opens_no_dialog(
    qtbot, app_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sentinel = "Zq9~selftest-sentinel~" + __name__  # any shape: only the exact key finds it
    monkeypatch.setenv(selftest_crash.SENTINEL_ENV, sentinel)
    hooks_before = (sys.excepthook, threading.excepthook)
    with selftest.main_window() as window:
        detail = selftest.check_crash_report(window, selftest.wait_until)
        shown = [w.objectName() for w in QApplication.topLevelWidgets() if w.isVisible()]
        assert "crash-dialog" not in shown
    assert (sys.excepthook, threading.excepthook) == hooks_before
    reports = list((app_home / "logs").glob("crash-*.log"))
    assert len(reports) == 1 and reports[0].name in detail
    text = reports[0].read_text(encoding="utf-8")
    assert "DeliberateSelfTestError" in text and "fail" in text  # raised in the slot
    assert sentinel not in text and "sk-selftest" not in text and crash.HIDDEN in text


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")  # offscreen QPA
def test_the_crash_check_fails_when_a_key_reaches_the_report(
    qtbot, app_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crash, "scrub", lambda text, secrets=(): text)  # a broken scrubber
    with selftest.main_window() as window:
        report = selftest.Report()
        assert not report.run(
            "crash report", lambda: selftest.check_crash_report(window, selftest.wait_until)
        )
    assert "a key was written to crash-" in report.text()
