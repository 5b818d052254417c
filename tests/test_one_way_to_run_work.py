"""Threads, pools and processes are made in two modules only (issue #16): the task runner
(`desktop_app/qt/tasks.py`) and the process services (`desktop_app/core/processes.py`); the
practice server's HTTP threads are the one exception. No module-wide singleton holds them."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "desktop_app"
ALLOWED = {
    "desktop_app/qt/tasks.py",
    "desktop_app/core/processes.py",
    "desktop_app/core/practice_server/server.py",  # its HTTP server's threads
}
MAKERS = re.compile(
    r"QThreadPool\(|QThread\(|threading\.Thread\(|ThreadPoolExecutor|ProcessPoolExecutor"
    r"|multiprocessing\.get_context|get_context\(|\.Pool\(|\bProcess\(|os\.fork\("
)


def makers(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root.parent).as_posix()
        if name in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if MAKERS.search(code):
                found.append(f"{name}:{number}: {line.strip()}")
    return found


def test_only_the_task_runner_and_the_process_services_make_threads_and_processes() -> None:
    found = makers(APP)
    assert found == [], "threads, pools or processes made outside qt/tasks.py and " + (
        "core/processes.py:\n" + "\n".join(found)
    )


def test_the_check_finds_a_thread_made_elsewhere(tmp_path: Path) -> None:
    package = tmp_path / "desktop_app" / "ui"
    package.mkdir(parents=True)
    (package / "sneaky.py").write_text(
        "import threading\nthreading.Thread(target=print).start()\n", encoding="utf-8"
    )
    (package / "fine.py").write_text("# threading.Thread( in a comment\n", encoding="utf-8")
    assert makers(tmp_path / "desktop_app") == [
        "desktop_app/ui/sneaky.py:2: threading.Thread(target=print).start()"
    ]


def test_no_module_wide_singleton_holds_the_processes() -> None:
    for path in APP.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "AppWide" not in text and not re.search(r"^_shared = ", text, re.M), path
    assert not (APP / "core" / "app_wide.py").exists()
    assert not (APP / "qt" / "workers.py").exists()
