"""Smoke test of the frozen bundle: `python packaging/smoke_test.py` after `packaging/build.py`.

1. Runs `dist/finetune-studio/finetune-studio --self-test` offscreen, with its own empty app
   folder (FINETUNE_STUDIO_HOME), XDG folders and no access to a real keychain; fails on a
   non-zero exit, on stderr output that is not on the short list of expected Qt notices, or when
   the bundle reports another version than pyproject.toml. The self-test gets a sentinel key
   (FINETUNE_STUDIO_SELFTEST_KEY) for its deliberate crash; afterwards no file in its folders
   and nothing it printed may hold that key.
2. Times the first painted main window of the frozen app against a bare PySide6 window run by
   this same Python (median of a few runs each, wall clock from process start to the first
   paint) and prints both and the ratio (target: at most 2×; printed, not enforced).
3. Prints the bundle size and fails above FTSTUDIO_MAX_BUNDLE_MIB (default 150 MiB).

If it fails, rebuild with `python packaging/build.py --debug` and run it again for details.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import BUNDLE, MIB, ROOT, executable_path, largest_parts, tree_size

SELFTEST_TIMEOUT_S = 300
PROBE_TIMEOUT_S = 60
PROBE_RUNS = 5
STARTUP_TARGET_RATIO = 2.0
# What the bundle holds and weighs: docs/packaging.md. (215 MiB for a while in 2026-12, while
# the voice checks used numpy; back to 150 since they are plain Python.)
MAX_BUNDLE_MIB = float(os.environ.get("FTSTUDIO_MAX_BUNDLE_MIB", "150"))
FIRST_PAINT = "FIRST_PAINT"
SENTINEL_ENV = "FINETUNE_STUDIO_SELFTEST_KEY"  # desktop_app/selftest_crash.py

# stderr lines that are expected and harmless (each with the reason).
EXPECTED_STDERR = [
    # The offscreen platform plugin cannot pass size hints to a window manager it does not have.
    re.compile(r"^This plugin does not support propagateSizeHints\(\)$"),
    # Same plugin, same reason (some Qt versions).
    re.compile(r"^This plugin does not support (raise\(\)|grabbing the keyboard|setParent!?)"),
]

BARE_WINDOW = """
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

class Watcher(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("FIRST_PAINT", flush=True)
            QApplication.exit(0)
        return False

app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QLabel("Hello"))
watcher = Watcher()
window.installEventFilter(watcher)
window.show()
sys.exit(app.exec())
"""


def isolated_env(home: Path) -> dict[str, str]:
    """The environment for the frozen app: offscreen, own folders, no real keychain."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "OPENAI_"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        FINETUNE_STUDIO_HOME=str(home / "app-home"),
        XDG_CONFIG_HOME=str(home / "xdg-config"),
        XDG_DATA_HOME=str(home / "xdg-data"),
        XDG_CACHE_HOME=str(home / "xdg-cache"),
        XDG_RUNTIME_DIR=str(home / "xdg-runtime"),
    )
    (home / "xdg-runtime").mkdir(mode=0o700, parents=True, exist_ok=True)
    if sys.platform.startswith("linux"):
        # keyring discovers its backends the normal way (entry points, STYLE.md P9), but the
        # Secret Service it would talk to is unreachable, so no real keychain is touched.
        env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + str(home / "no-dbus-here")
    else:
        # No way to hide the macOS Keychain / Windows Credential Locker: use keyring's null backend.
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    return env


def unexpected_stderr(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    return [line for line in lines if not any(p.search(line) for p in EXPECTED_STDERR)]


def project_version() -> str:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(data["project"]["version"])


def run_self_test(exe: Path, env: dict[str, str], home: Path) -> list[str]:
    """Run the frozen self-test; returns the problems found (empty when it passed)."""
    report_path = home / "selftest-report.txt"
    command = [str(exe), "--self-test", "--report", str(report_path)]
    sentinel = "smoke~sentinel~" + os.urandom(12).hex()  # never a real key
    env = {**env, SENTINEL_ENV: sentinel}
    print("$", " ".join(command), flush=True)
    started = time.monotonic()
    try:
        result = subprocess.run(
            command,
            env=env,
            capture_output=True,
            text=True,
            timeout=SELFTEST_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [f"the self-test did not finish within {SELFTEST_TIMEOUT_S} s"]
    print(f"(self-test took {time.monotonic() - started:.1f} s, exit status {result.returncode})")
    report = report_path.read_text(encoding="utf-8") if report_path.is_file() else result.stdout
    print(report.rstrip())
    problems = []
    if result.returncode != 0:
        problems.append(f"the self-test exited with status {result.returncode}")
    if not report_path.is_file():
        problems.append("the self-test wrote no report file")
    stray = unexpected_stderr(result.stderr)
    if stray:
        problems.append("unexpected output on stderr:\n    " + "\n    ".join(stray[:40]))
    leaks = [str(p) for p in home.rglob("*") if p.is_file() and sentinel.encode() in p.read_bytes()]
    if sentinel in result.stdout + result.stderr or leaks:
        problems.append("the sentinel key was printed or written: " + ", ".join(leaks))
    found = re.search(r"version (\S+) \(frozen bundle\)", report)
    if not found:
        problems.append("the report does not say it ran from the frozen bundle")
    elif found.group(1) != project_version():
        problems.append(
            f"the bundle reports version {found.group(1)}, pyproject.toml says {project_version()}"
        )
    return problems


def time_first_paint(command: list[str], env: dict[str, str]) -> float:
    """Seconds from starting the process to its FIRST_PAINT line."""
    started = time.perf_counter()
    elapsed = None
    with subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith(FIRST_PAINT):
                    elapsed = time.perf_counter() - started
                    break
        finally:
            try:
                process.wait(timeout=PROBE_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    if elapsed is None:
        raise RuntimeError(f"{command[0]} ended without painting a window")
    return elapsed


def measure_startup(exe: Path, env: dict[str, str], home: Path) -> tuple[float, float]:
    bare_script = home / "bare_window.py"
    bare_script.write_text(BARE_WINDOW, encoding="utf-8")
    frozen = [str(exe), "--self-test", "--startup-probe"]
    bare = [sys.executable, str(bare_script)]
    frozen_times, bare_times = [], []
    for _ in range(PROBE_RUNS):
        frozen_times.append(time_first_paint(frozen, env))
        bare_times.append(time_first_paint(bare, env))
    return statistics.median(frozen_times), statistics.median(bare_times)


def main() -> int:
    exe = executable_path()
    if not exe.is_file():
        print(f"no bundle at {exe}; run `python packaging/build.py` first", file=sys.stderr)
        return 1
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ftstudio-smoke-") as folder:
        home = Path(folder)
        env = isolated_env(home)
        failures += run_self_test(exe, env, home)

        try:
            frozen_s, bare_s = measure_startup(exe, env, home)
        except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
            failures.append(f"could not time the first painted window: {exc}")
        else:
            ratio = frozen_s / bare_s
            verdict = "within" if ratio <= STARTUP_TARGET_RATIO else "OVER"
            print(
                f"first painted window: frozen app {frozen_s * 1000:.0f} ms, bare PySide6 window "
                f"{bare_s * 1000:.0f} ms, ratio {ratio:.2f}x ({verdict} the {STARTUP_TARGET_RATIO:.0f}x "
                f"target; median of {PROBE_RUNS})"
            )

    size_mib = tree_size(BUNDLE) / MIB
    print(f"bundle size: {size_mib:.1f} MiB (target at most {MAX_BUNDLE_MIB:.0f} MiB)")
    if size_mib > MAX_BUNDLE_MIB:
        parts = ", ".join(f"{name} {size / MIB:.1f}" for size, name in largest_parts(BUNDLE))
        failures.append(
            f"the bundle is {size_mib:.1f} MiB, over {MAX_BUNDLE_MIB:.0f} MiB (largest: {parts})"
        )

    if failures:
        print("\nFROZEN SMOKE TEST FAILED:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        print(
            "Rebuild with `python packaging/build.py --debug` and rerun for details.",
            file=sys.stderr,
        )
        return 1
    print("frozen smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
