"""Take the “Try the model” screenshots: the playground side by side and the blind rating view.

Everything runs for real on this computer: a practice server trains a model on the bundled
sample, the playground streams its replies, and a comparison runs and is rated.

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python scripts/try_screenshots.py docs/screenshots
    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/try_screenshots.py docs/screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["FINETUNE_STUDIO_HOME"] = tempfile.mkdtemp(prefix="ftstudio-shots-")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(check, timeout_ms: int = 20_000) -> None:  # type: ignore[no-untyped-def]
    waited = 0
    while not check() and waited < timeout_ms:
        wait(50)
        waited += 50


def train(server, sample: Path):  # type: ignore[no-untyped-def]
    """Train a practice model on the sample's sound examples (it has a few planted mistakes)."""
    import json

    from desktop_app.core.providers.base import JobRequest, UploadSource
    from desktop_app.core.providers.practice import PracticeProvider

    lines = [line for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()]
    complete = [line for line in lines if _sound(json.loads(line)["messages"])]
    data = ("\n".join(complete) + "\n").encode("utf-8")
    with PracticeProvider(base_url=server.base_url) as provider:
        upload = provider.upload_file(UploadSource.from_bytes(data, "brand_voice.jsonl"))
        job = provider.create_job(
            JobRequest(model="gpt-4o-mini", training_file=upload.id, suffix="larkspur")
        )
        while not job.is_terminal:
            time.sleep(0.02)
            job = provider.get_job(job.id)
    assert job.fine_tuned_model, job.error
    return job


def _sound(messages: list[dict[str, str]]) -> bool:
    roles_ok = all(m.get("role") in ("system", "user", "assistant") for m in messages)
    texts_ok = all(isinstance(m.get("content"), str) and m["content"].strip() for m in messages)
    return roles_ok and texts_ok and messages[-1].get("role") == "assistant"


def main(out: Path) -> None:
    from desktop_app.core.dataset.records import Dataset
    from desktop_app.core.dataset.templates import sample_path
    from desktop_app.core.practice_server import PracticeServer
    from desktop_app.core.training.jobstore import JobStore
    from desktop_app.core.trying.comparison import Comparison, RunSettings
    from desktop_app.core.trying.prompts import prompts_from_dataset
    from desktop_app.ui.playground.compare_view import CompareWindow
    from desktop_app.ui.playground.playground_window import PlaygroundWindow
    from desktop_app.ui.playground.services import TryServices
    from desktop_app.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light")  # type: ignore[arg-type]
    out.mkdir(parents=True, exist_ok=True)
    server = PracticeServer(pace=400).start()
    server.config.chat_piece_delay = 0.0
    dataset = Dataset.open(sample_path())

    class Document:
        def __init__(self) -> None:
            from PySide6.QtGui import QUndoStack

            self.dataset = dataset
            self.undo_stack = QUndoStack()

    document = Document()
    store = JobStore().open()
    services = TryServices(
        document=lambda: document, store=lambda: store, practice_url=lambda: server.base_url
    )
    try:
        job = train(server, sample_path())
        store.record_job(job, provider="practice", account="local", base_url=server.base_url)
        mine, base = services.endpoint_choices()[:2]

        window = PlaygroundWindow(services)
        window.resize(1320, 820)
        window.use_dataset_system_prompt()
        window.set_endpoints(base, mine)
        window.show()
        window.question.setPlainText(
            "Rewrite: Due to unforeseen circumstances beyond our control, shipments may "
            "experience delays of 3-5 business days."
        )
        window.send()
        wait_until(lambda: not window.column_a.busy and not window.column_b.busy)
        window.question.setPlainText("Rewrite: HUGE SALE!!! 50% OFF EVERYTHING THIS WEEKEND ONLY")
        wait(600)
        window.grab().save(str(out / "playground.png"))
        window.close()

        prompts = prompts_from_dataset(dataset).prompts[:8]
        comparison = Comparison.create(
            prompts, base, mine, settings=RunSettings(concurrency=4), seed=3,
            source="the validation share (10%) of brand_voice.jsonl, 8 prompts",
        )  # fmt: skip
        compare = CompareWindow(services, comparison)
        compare.resize(1320, 820)
        compare.show()
        compare.start()
        wait_until(lambda: not compare.running)
        compare.start_rating()
        for _ in range(3):  # the writer prefers the tuned model's replies (B)
            row = comparison.rows[compare.rating.row]
            compare.rate(compare.rating.row, "1" if row.blind_sides()[0] == "b" else "2")
        compare.rating.show_reference.setChecked(True)
        wait(600)
        compare.grab().save(str(out / "compare.png"))
        if len(sys.argv) > 2:  # extra views, for checking the look
            compare.show_table()
            wait(300)
            compare.grab().save(str(Path(sys.argv[2]) / "compare-table.png"))
            compare.show_summary()
            wait(300)
            compare.grab().save(str(Path(sys.argv[2]) / "compare-summary.png"))
        compare.close()
    finally:
        services.shutdown()
        store.close()
        server.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
