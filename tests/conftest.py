"""Test isolation for the whole suite.

- Qt runs offscreen (set before any Qt import).
- The app's folders point at a temporary FINETUNE_STUDIO_HOME, never the user's own.
- keyring uses a real file backend in a temporary folder, never the user's keychain, and never
  a desktop prompt (set for this process and, through the environment, for child processes).
- A test that leaves a thread running fails.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

import pytest

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="ftstudio-tests-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["FINETUNE_STUDIO_HOME"] = str(_SESSION_HOME / "home")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
os.environ["XDG_DATA_HOME"] = str(_SESSION_HOME / "xdg-data")  # where PlaintextKeyring writes
os.environ["XDG_CONFIG_HOME"] = str(_SESSION_HOME / "xdg-config")
os.environ["XDG_CACHE_HOME"] = str(_SESSION_HOME / "xdg-cache")
os.environ.pop("OPENAI_API_KEY", None)
os.environ.pop("OPENAI_BASE_URL", None)
# The tests were written on 2026-12-07 and assume that day (OpenAI still takes jobs); the date
# rules are tested by pretending each day (desktop_app.core.models.today). Child processes inherit it.
os.environ["FINETUNE_STUDIO_TODAY"] = "2026-12-07"

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def isolated_keyring(tmp_path: Path):
    """A real keyring backend (plaintext file) in this test's own folder."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring" / "keyring_pass.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own empty app folder (settings, recovery, job records)."""
    home = tmp_path / "app-home"
    monkeypatch.setenv("FINETUNE_STUDIO_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def no_leaked_threads():
    """Fail a test that leaves a Python thread (or a Qt pool worker) running."""
    before = {t.ident for t in threading.enumerate()}
    yield
    deadline = time.monotonic() + 5.0
    while True:
        _drain_qt_pool()
        leaked = [t for t in threading.enumerate() if t.ident not in before and t.is_alive()]
        if not leaked or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not leaked, f"threads left running after the test: {[t.name for t in leaked]}"


def _drain_qt_pool() -> None:
    import sys

    if "PySide6.QtCore" not in sys.modules:
        return
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool.globalInstance()
    assert pool.waitForDone(5000), "a Qt pool worker was still running 5 s after the test"


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread(request: pytest.FixtureRequest):
    """As in the app: with Qt in play, the cycle collector runs on the GUI thread only
    (desktop_app.qt.gc_guard explains the PySide6 crash this avoids)."""
    import sys

    uses_qt = {"qtbot", "qapp"} & set(request.fixturenames)
    if "PySide6.QtWidgets" not in sys.modules or not uses_qt:
        yield
        return
    request.getfixturevalue("qapp")
    from desktop_app.qt.gc_guard import MainThreadCollector

    collector = MainThreadCollector()
    yield
    collector.stop()


@pytest.fixture(scope="session")
def processes():
    """The checker and search processes for the whole test run (desktop_app.core.processes)."""
    from run_processes import run_processes_for_tests, stop_run_processes

    yield run_processes_for_tests()
    stop_run_processes()


@pytest.fixture
def tasks(qapp, processes):
    """The task runner (desktop_app.qt.tasks), idle and waited for when the test ends."""
    from desktop_app.qt.tasks import TaskRunner

    owned = TaskRunner(processes)
    yield owned
    assert owned.shutdown(20_000), "background work was still running at the end of the test"


@pytest.fixture(scope="module")
def search_processes():
    """Two search processes for a test module (desktop_app.core.search.on_disk), stopped after."""
    from desktop_app.core.search.on_disk import SearchProcesses

    owned = SearchProcesses(count=2)
    yield owned
    owned.close()


@pytest.fixture
def realworld_dir() -> Path:
    path = REPO / "tests" / "data" / "realworld"
    if not path.is_dir():
        pytest.fail(f"the real-world sample files are missing at {path}")
    return path


@pytest.fixture
def no_remembered_keys():
    """The scrubber starts and ends the test knowing no key (desktop_app.core.keys.scrub)."""
    from desktop_app.core.keys import scrub

    scrub.forget_keys()
    yield
    scrub.forget_keys()
