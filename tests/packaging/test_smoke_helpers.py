"""The helpers of packaging/build.py and packaging/smoke_test.py (the real build runs in CI)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import build  # noqa: E402
import smoke_test  # noqa: E402


def test_tree_size_counts_files_once_and_skips_links(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"x" * 1000)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b").write_bytes(b"y" * 24)
    (tmp_path / "link").symlink_to(tmp_path / "a")
    assert build.tree_size(tmp_path) == 1024
    parts = {name: size for size, name in build.largest_parts(tmp_path)}
    assert parts == {"a": 1000, "sub": 24}


def test_executable_path_is_inside_the_bundle() -> None:
    exe = build.executable_path()
    assert exe.parent == ROOT / "dist" / "finetune-studio"
    assert exe.name in ("finetune-studio", "finetune-studio.exe")


def test_expected_qt_notices_are_ignored_and_anything_else_is_reported() -> None:
    stderr = (
        "This plugin does not support propagateSizeHints()\n"
        "Traceback (most recent call last):\n"
        "\n"
        "qt.qpa.fonts: Populating font family aliases took 200 ms\n"
    )
    assert smoke_test.unexpected_stderr(stderr) == [
        "Traceback (most recent call last):",
        "qt.qpa.fonts: Populating font family aliases took 200 ms",
    ]


def test_isolated_env_hides_the_real_keychain_and_folders(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
    env = smoke_test.isolated_env(tmp_path)
    assert "PYTHONPATH" not in env and "OPENAI_API_KEY" not in env
    assert env["QT_QPA_PLATFORM"] == "offscreen"
    assert env["FINETUNE_STUDIO_HOME"].startswith(str(tmp_path))
    assert env["XDG_DATA_HOME"].startswith(str(tmp_path))
    runtime = Path(env["XDG_RUNTIME_DIR"])
    assert runtime.is_dir() and (runtime.stat().st_mode & 0o777) == 0o700
    if sys.platform.startswith("linux"):
        assert "no-dbus-here" in env["DBUS_SESSION_BUS_ADDRESS"]
        assert "PYTHON_KEYRING_BACKEND" not in env  # keyring discovers backends for real
    else:
        assert env["PYTHON_KEYRING_BACKEND"] == "keyring.backends.null.Keyring"


def test_first_paint_timer_reads_the_marker(tmp_path: Path) -> None:
    script = tmp_path / "paint.py"
    script.write_text("print('starting'); print('FIRST_PAINT 12', flush=True)\n")
    seconds = smoke_test.time_first_paint([sys.executable, str(script)], dict(os.environ))
    assert 0 < seconds < 30


def test_first_paint_timer_fails_without_a_marker(tmp_path: Path) -> None:
    script = tmp_path / "quiet.py"
    script.write_text("print('no window here')\n")
    with pytest.raises(RuntimeError, match="without painting"):
        smoke_test.time_first_paint([sys.executable, str(script)], dict(os.environ))


def test_smoke_test_reports_a_missing_bundle(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(smoke_test, "executable_path", lambda: tmp_path / "nothing-here")
    assert smoke_test.main() == 1
    assert "packaging/build.py" in capsys.readouterr().err


def test_the_size_target_is_150_mib_and_the_docs_say_so(monkeypatch) -> None:
    monkeypatch.delenv("FTSTUDIO_MAX_BUNDLE_MIB", raising=False)
    import importlib

    fresh = importlib.reload(smoke_test)
    assert fresh.MAX_BUNDLE_MIB == 150
    documented = (ROOT / "docs" / "packaging.md").read_text(encoding="utf-8")
    assert "target at most 150 MiB" in documented
