"""The checker and search processes for the whole test run, as the app has one set.

Tests get them through the `processes` fixture (tests/conftest.py); helpers that build a
window without fixtures (tests/ui/window_helpers.py) call `run_processes_for_tests()`. Stopped when
the test run ends.
"""

from __future__ import annotations

from desktop_app.core.processes import ProcessServices

_made: list[ProcessServices] = []


def run_processes_for_tests() -> ProcessServices:
    if not _made:
        _made.append(ProcessServices(search_count=2))
    return _made[0]


def stop_run_processes() -> None:
    while _made:
        _made.pop().close()
