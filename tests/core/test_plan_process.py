"""The look at a big file in a child process gives the plan the window's thread would make."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest

from desktop_app.core.cancel import Cancelled, CancelToken
from desktop_app.core.convert.opening import plan_for
from desktop_app.core.convert.plan_process import LookFailed, plan_file
from desktop_app.core.dataset.records import Dataset

DATA = Path(__file__).resolve().parents[1] / "data"
PRETTY = DATA / "realworld" / "Danielcreux_Entrenamiento-IA__training_data.jsonl"


def _raws(records: list) -> list[bytes]:
    return [r.raw + r.ending for r in records]


def test_a_file_to_repair_comes_back_whole() -> None:
    seen: list[float] = []
    plan = plan_file(PRETTY, cancel=CancelToken(), progress=seen.append)
    here = plan_for(Dataset.open(PRETTY))
    assert plan.worth_offering and here.worth_offering
    assert plan.banner() == here.banner()
    assert plan.examples == here.examples == 24
    assert _raws(plan.records) == _raws(here.records)
    assert [i.before for i in plan.items] == [i.before for i in here.items]
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)


def test_a_clean_file_comes_back_without_its_records(tmp_path: Path) -> None:
    path = tmp_path / "clean.jsonl"
    chat = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}
    path.write_text("".join(json.dumps(chat) + "\n" for _ in range(500)), encoding="utf-8")
    plan = plan_file(path, cancel=CancelToken())
    here = plan_for(Dataset.open(path))
    assert not plan.worth_offering and not here.worth_offering
    assert plan.examples == here.examples == 500
    assert plan.records == [] and plan.repair.records == []  # not needed: nothing to offer
    assert plan.repair.lines == here.repair.lines


def test_cancelling_stops_the_child(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    chat = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}
    path.write_text(json.dumps([chat] * 60_000, indent=2), encoding="utf-8")
    token = CancelToken()
    started = threading.Event()

    def progress(_fraction: float) -> None:
        started.set()
        token.cancel()  # as the writer clicks Cancel while the look runs

    with pytest.raises(Cancelled):
        plan_file(path, cancel=token, progress=progress)
    assert started.is_set()
    assert not [p for p in multiprocessing.active_children() if p.name == "finetune-studio-look"]


def test_a_file_that_cannot_be_read_is_a_plain_failure(tmp_path: Path) -> None:
    with pytest.raises(LookFailed, match="could not be found"):
        plan_file(tmp_path / "gone.jsonl", cancel=CancelToken())
