"""kill -9 at the worst moments: during a save, and between a create request and its record."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from tests.reliability.conftest import JOBS, REPO, example_lines, posts, server_jobs
from tests.reliability.fault_proxy import FaultProxy, Rule

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.training.jobstore import JobStore


def _child(code: str, app_home: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "FINETUNE_STUDIO_HOME": str(app_home)}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=REPO)


def _wait_for(condition: Callable[[], bool], child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert child.poll() is None, "the child ended before the moment to kill it"
        assert time.monotonic() < deadline, "the moment to kill never came"
        time.sleep(0.001)


def _kill(child: subprocess.Popen[bytes]) -> None:
    os.kill(child.pid, signal.SIGKILL)
    child.wait(30)


def test_kill_during_save_leaves_old_or_new_and_the_next_open_clears_the_debris(
    tmp_path: Path, app_home: Path
) -> None:
    target = tmp_path / "big.jsonl"
    old = example_lines(40_000)
    target.write_bytes(old)
    new = example_lines(41_000)
    (tmp_path / "new.jsonl").write_bytes(new)
    saver = f"""
        from pathlib import Path
        from desktop_app.core.dataset.records import Dataset
        data = Dataset.from_bytes(Path({str(tmp_path / "new.jsonl")!r}).read_bytes())
        while True:
            data.save({str(target)!r})
        """
    debris = lambda: sorted(tmp_path.glob(".big.jsonl.*.tmp"))  # noqa: E731
    for _ in range(10):  # until a kill lands mid-save (between two saves nothing is left)
        child = _child(saver, app_home)
        try:
            _wait_for(lambda: bool(debris()), child)
        finally:
            _kill(child)
        assert target.read_bytes() in (old, new)  # never torn
        if debris():
            break
    (left,) = debris()
    hour_ago = time.time() - 2 * 3600
    os.utime(left, (hour_ago, hour_ago))  # an interrupted save from a while ago
    foreign = tmp_path / ".big.jsonl.someone-elses-file.tmp"
    foreign.write_bytes(b"not ours")
    os.utime(foreign, (hour_ago, hour_ago))
    Dataset.open(target)
    assert debris() == [foreign]  # only the app's own leftover went
    assert target.read_bytes() in (old, new)


def test_kill_between_the_create_and_its_record_is_adopted_at_the_next_start(
    server: PracticeServer, proxy: FaultProxy, app_home: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    proxy.add(Rule("hold", JOBS, method="POST"))  # the job is made; its answer never comes
    child = _child(
        f"""
        from desktop_app.core.training.jobstore import JobStore
        from desktop_app.core.providers.base import UploadSource
        from desktop_app.core.providers.practice import PracticeProvider
        from desktop_app.core.training.jobs import TrainingPlan, start_job
        data = {example_lines()!r}
        plan = TrainingPlan(model="gpt-4o-mini-2024-07-18",
                            training=UploadSource.from_bytes(data, "library.jsonl"))
        with JobStore() as store, PracticeProvider(base_url={proxy.base_url!r}) as provider:
            start_job(provider, plan, store=store)
        """,
        app_home,
    )
    try:
        _wait_for(lambda: len(server_jobs(server)) == 1, child)
    finally:
        _kill(child)
    proxy.clear()
    with JobStore() as store:
        assert len(store.pending_creates()) == 1 and store.list_jobs() == []

    ran = run_cli("jobs")  # any start of the command line resolves what is pending
    (job_id,) = server_jobs(server)
    assert f"Found the job {job_id}" in ran.err, ran.err
    assert job_id in ran.out
    with JobStore() as store:
        assert store.pending_creates() == []
        assert [r.job_id for r in store.list_jobs()] == [job_id]
    assert posts(server, "/fine_tuning/jobs") == 1 and len(server_jobs(server)) == 1
