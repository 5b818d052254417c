"""Take docs/screenshots/style.png: the overview's Style section on a support dataset, with the
length chart shown and one bar clicked (the examples table filtered to it).

    Xvfb :71 -screen 0 1600x1000x24 & DISPLAY=:71 .venv/bin/python scripts/style_screenshot.py
It uses a throw-away app folder and writes its demo dataset there.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
HOME = Path(tempfile.mkdtemp(prefix="ftstudio-shots-"))
os.environ["FINETUNE_STUDIO_HOME"] = str(HOME)

from screenshots import wait, wait_until_checked  # noqa: E402

from desktop_app import app as app_module  # noqa: E402

TOPICS = ["refund", "invoice", "password", "delivery", "warranty", "login", "coupon"]
VERBS = ["check", "change", "cancel", "explain", "update"]


def demo_dataset(path: Path) -> None:
    rng = random.Random(5)
    rows = []
    for i in range(90):
        topic = TOPICS[min(i // 20, 6) if i < 80 else 4 + i % 3]
        order = f"A-{41000 + i * 37}"
        words = rng.randint(2, 9)
        reply = (
            f"Thanks for writing about order {order}. We looked at the {topic} question and "
            + " ".join(["we will sort it out for you today"] * (words // 3 + 1))
            + f". Everything you need is on its way within {rng.randint(2, 5)} working days."
            + "\n\nBest,\nAna"
        )
        rows.append(
            {
                "messages": [
                    {"role": "system", "content": "You are Acme's support assistant."},
                    {"role": "user", "content": f"Can you {VERBS[i % 5]} my {topic} on {order}?"},
                    {"role": "assistant", "content": reply},
                ]
            }
        )
    rows[7]["messages"][2]["content"] = " ".join(["We are so glad you asked about this."] * 50)
    rows[12]["messages"][2]["content"] = "The plan costs $49.99 a month; call 555-123-4567."
    rows[30]["messages"][2]["content"] += " WOW!!! AMAZING NEWS!!! 🎉🎉🎉"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def main() -> int:
    app = app_module.create_application([])
    window = app_module.build_window(app)
    window.resize(1500, 940)
    window.show()
    path = HOME / "support-replies.jsonl"
    demo_dataset(path)
    window.files.open_path(path)
    wait_until_checked(window)
    window.side_tabs.setCurrentWidget(window.overview_pane)
    wait(800)
    window.overview_pane.refresh()
    section = window.overview_pane.style_section
    section.choice.setCurrentIndex(0)  # length in words
    wait(300)
    bars = section.charts[0].bars
    section.choose_bar(max(i for i, b in enumerate(bars) if b.lines))  # the long replies
    wait(800)
    window.examples_pane.table.selectRow(0)  # and show it
    wait(800)
    out = ROOT / "docs" / "screenshots" / "style.png"
    window.grab().save(str(out))
    print(f"saved {out}")
    window.document.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
