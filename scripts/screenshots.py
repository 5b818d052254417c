"""Take the README screenshots: the real main window with the bundled sample, grabbed to PNG.

Run under a virtual X server (or offscreen):
    xvfb-run -s "-screen 0 2100x900x24" .venv/bin/python scripts/screenshots.py docs/screenshots
It uses a throw-away app folder, so your own settings and recovery copies are not touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["FINETUNE_STUDIO_HOME"] = tempfile.mkdtemp(prefix="ftstudio-shots-")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop_app import app as app_module  # noqa: E402


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until_checked(window: object, timeout_ms: int = 20_000) -> None:
    waited = 0
    while waited < timeout_ms:
        document = window.document  # type: ignore[attr-defined]
        analysis = document.analysis
        if (
            analysis.enabled
            and not analysis.checking
            and analysis.checked_count == len(analysis.summaries)
        ):
            break
        wait(100)
        waited += 100
    wait(800)  # debounced panes (problems list, overview chart)


def review_a_little(window: object) -> None:
    """Approve and tag a few examples, as a writer would have by now."""
    from desktop_app.core.dataset.review import ReviewStatus
    from desktop_app.qt.commands import SetReviewCommand

    document = window.document  # type: ignore[attr-defined]
    stack = document.undo_stack
    stack.push(
        SetReviewCommand(document.review, [0, 1, 2, 3, 5, 6], "status", ReviewStatus.APPROVED)
    )
    stack.push(SetReviewCommand(document.review, [4, 8], "status", ReviewStatus.NEEDS_WORK))
    stack.push(SetReviewCommand(document.review, [1, 5, 8], "tags", ["apology"]))
    stack.push(SetReviewCommand(document.review, [0, 9], "tags", ["launch"]))
    wait(300)


def shoot(window: object, out: Path, scheme: str) -> None:
    window.set_theme(scheme)  # type: ignore[attr-defined]
    wait(400)
    # show the sample's empty reply: its problem, its fix button and its bubble
    window.edits.step_problem(1)  # type: ignore[attr-defined]
    window.edits.step_problem(1)  # type: ignore[attr-defined]
    wait(500)
    pixmap = window.grab()  # type: ignore[attr-defined]
    name = "main-window.png" if scheme == "light" else f"main-window-{scheme}.png"
    pixmap.save(str(out / name))
    window.side_tabs.setCurrentWidget(window.overview_pane)  # type: ignore[attr-defined]
    wait(600)
    name = "overview.png" if scheme == "light" else f"overview-{scheme}.png"
    window.grab().save(str(out / name))  # type: ignore[attr-defined]
    window.side_tabs.setCurrentWidget(window.problems_pane)  # type: ignore[attr-defined]
    window.problems_pane.table.clearSelection()  # type: ignore[attr-defined]
    window.problems_pane.table.setCurrentIndex(  # type: ignore[attr-defined]
        window.problems_model.index(-1, 0)  # type: ignore[attr-defined]
    )
    print(f"saved {scheme} screenshots to {out}")


CONVERSATION = {
    "messages": [
        {
            "role": "system",
            "content": "You are Brightline's brand voice: warm, brief, never pushy. Write in plain "
            "English.",
        },
        {
            "role": "user",
            "content": 'Rewrite for our newsletter: "Our product is the best on the market and you '
            'should buy it now before the price goes up!!!"',
        },
        {
            "role": "assistant",
            "content": "Loved by thousands of small teams, Brightline keeps your week on track. "
            "Try it free for 30 days — no card needed.",
        },
        {"role": "user", "content": "Shorter, please. One line."},
        {"role": "assistant", "content": "Your week, on track. Free for 30 days.", "weight": 0},
    ]
}
PAIR = {
    "input": {
        "messages": [
            {
                "role": "system",
                "content": "You write product blurbs for Brightline Outdoor. Friendly, concrete, "
                "no hype.",
            },
            {"role": "user", "content": "Describe the new Trailrunner 2 shoe in one sentence."},
        ]
    },
    "preferred_output": [
        {
            "role": "assistant",
            "content": "Light on your feet and sure on wet rock, the Trailrunner 2 is made for "
            "your longest Sunday loop.",
        }
    ],
    "non_preferred_output": [
        {
            "role": "assistant",
            "content": "THE BEST SHOE EVER MADE!!! Buy the Trailrunner 2 now, you won't regret "
            "it!!!",
        }
    ],
}


def shoot_editor(window: object, out: Path) -> None:
    """The conversation editor alone, wide: a chat example and a preference pair (light)."""
    import json

    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QCursor
    from PySide6.QtWidgets import QLabel

    window.set_theme("light")  # type: ignore[attr-defined]
    window.resize(2000, 860)  # type: ignore[attr-defined]
    wait(300)
    window.splitter.setSizes([560, 980, 460])  # type: ignore[attr-defined]
    QCursor.setPos(window.mapToGlobal(QPoint(5, 5)))  # type: ignore[attr-defined]
    editor = window.editor  # type: ignore[attr-defined]
    for name, value in (("conversation-editor.png", CONVERSATION), ("preference-pair.png", PAIR)):
        data = (json.dumps(value, ensure_ascii=False) + "\n").encode("utf-8")
        document = window.new_document(data)  # type: ignore[attr-defined]
        window.set_document(document)  # type: ignore[attr-defined]
        document.start_checking()
        wait_until_checked(window)
        window.examples_pane.select_record(0)  # type: ignore[attr-defined]
        for _ in range(100):  # until every message shows its token count
            counts = [label.text() for label in editor.findChildren(QLabel, "tokenCount")]
            if counts and all("tokens" in text for text in counts):
                break
            wait(100)
        wait(300)
        editor.grab().save(str(out / name))
        window.document.undo_stack.setClean()  # type: ignore[attr-defined]
    print(f"saved editor screenshots to {out}")


def shoot_export_for(window: object, out: Path) -> None:
    """File ▸ Export For… after exporting the sample for LLaMA-Factory (light)."""
    from desktop_app.ui.dialogs.export_for import run_export_for

    window.set_theme("light")  # type: ignore[attr-defined]
    dataset = window.document.dataset  # type: ignore[attr-defined]
    dialog = run_export_for(window, dataset, window.files.pools)  # type: ignore[arg-type, attr-defined]
    dialog.target.setCurrentIndex(dialog.target.findData("llama-factory"))
    dialog.folder.setText(str(Path(tempfile.mkdtemp(prefix="shot-")) / "brand-voice-llama-factory"))
    done: list[object] = []
    dialog.exported.connect(done.append)
    dialog.export_button.click()
    for _ in range(200):
        if done:
            break
        wait(100)
    dialog.resize(760, dialog.sizeHint().height())
    wait(300)
    dialog.grab().save(str(out / "export-for.png"))
    dialog.close()
    print(f"saved the Export For… screenshot to {out}")


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = app_module.create_application([])
    window = app_module.build_window(app)
    window.resize(1400, 860)
    window.show()
    window.files.open_sample()
    wait_until_checked(window)
    review_a_little(window)
    for scheme in ("light", "dark"):
        shoot(window, out, scheme)
    window.document.undo_stack.setClean()
    shoot_export_for(window, out)
    shoot_editor(window, out)
    window.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
