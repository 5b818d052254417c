"""Render docs/screenshots/start-job.png and docs/screenshots/job-view.png.

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python tests/ui/training/make_screenshots.py
    (or QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/training/make_screenshots.py)

Runs a real practice job (fast pace) against a practice server on 127.0.0.1, with the app's
folders and keyring in a temporary directory, and grabs the widgets.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
_HOME = Path(tempfile.mkdtemp(prefix="ftstudio-shots-"))
os.environ["FINETUNE_STUDIO_HOME"] = str(_HOME / "home")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(out_dir: Path = REPO / "docs" / "screenshots", theme_name: str = "light") -> int:
    from training_helpers import chat_dataset, make_hub  # type: ignore[import-not-found]

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_app.core.practice_server import PracticeServer
    from desktop_app.ui import theme

    app = QApplication.instance() or QApplication([])
    theme.apply_theme(app, theme_name)  # type: ignore[arg-type]
    out_dir.mkdir(parents=True, exist_ok=True)

    def wait_until(check, timeout_ms: int = 30_000) -> None:
        waited = 0
        while not check():
            loop = QEventLoop()
            QTimer.singleShot(20, loop.quit)
            loop.exec()
            waited += 20
            if waited > timeout_ms:
                raise TimeoutError("the screenshot scene did not get ready")

    server = PracticeServer(pace=25).start()
    hub = make_hub(server, poll_interval=0.1)
    try:
        path = _HOME / "larkspur_support.jsonl"
        dataset = chat_dataset(64, path)
        dialog = hub.start_training(None, dataset, path=path)
        wait_until(lambda: dialog.model_combo.count() > 0)
        dialog.model_combo.setCurrentIndex(dialog.model_combo.findData("gpt-4.1-mini-2025-04-14"))
        dialog.suffix_edit.setText("larkspur")
        dialog.validation_combo.setCurrentIndex(dialog.validation_combo.findData("split"))
        dialog.resize(780, 760)
        wait_until(lambda: dialog.isVisible())
        app.processEvents()
        dialog.grab().save(str(out_dir / "start-job.png"))
        dialog.start_checks()
        wait_until(lambda: dialog.outcome is not None)
        dialog.confirm_check.setChecked(True)
        app.processEvents()
        dialog.grab().save(str(out_dir / "start-job-confirm.png"))

        started: list[object] = []
        hub.job_started.connect(started.append)
        dialog.start_upload()
        wait_until(lambda: bool(started))
        window = hub.job_window(started[0])  # type: ignore[arg-type]
        assert window is not None
        window.resize(1180, 860)
        view = window.view
        wait_until(
            lambda: (
                view.state.job is not None
                and view.state.job.status == "succeeded"
                and view.checkpoints_model.rowCount() > 0
                and view.state.result_text is not None
            )
        )
        wait_until(lambda: "has not changed" in view.provenance_label.text())
        app.processEvents()
        window.grab().save(str(out_dir / "job-view.png"))
        print(f"saved {out_dir / 'start-job.png'} and {out_dir / 'job-view.png'}")
    finally:
        hub.shutdown()
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
