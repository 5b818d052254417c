"""`finetune-studio --self-test`: prove this installation (or frozen bundle) works, offline.

Opens the main window offscreen, loads the bundled sample dataset, runs every check, raises a
deliberate error inside a Qt slot and checks that a crash report reached the log folder without
the (sentinel) key (selftest_crash.py), counts tokens with both bundled encodings while a socket
guard refuses any connection that is not to this computer, reports the keyring backend and the
TLS trust store, checks that the file analysis can use worker processes, then starts the
practice server and trains a short practice job to success through the provider interface (the
real `openai` client over HTTP). It prints a short report and returns 0, or 1 naming what failed.

Options (after --self-test):
  --report PATH        also write the report to PATH (so does FINETUNE_STUDIO_SELFTEST_REPORT);
                       windowed builds have no stdout (STYLE.md P12).
  --startup-probe      only open the main window, print "FIRST_PAINT <ms>" when it is first
                       painted, and exit: packaging/smoke_test.py times this.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPORT_ENV = "FINETUNE_STUDIO_SELFTEST_REPORT"
FIRST_PAINT_MARKER = "FIRST_PAINT"
PRACTICE_PACE = 2000.0  # virtual seconds per real second: a practice job ends in a few seconds
PRACTICE_TIMEOUT_S = 90.0
PAINT_TIMEOUT_MS = 20_000
CHECK_TIMEOUT_S = 60.0
# "hello world" is two tokens in both encodings; a known count proves the files decoded right.
KNOWN_TEXT, KNOWN_TOKENS = "hello world", 2
_STARTED = time.perf_counter()


# ---- results --------------------------------------------------------------------------------
@dataclass
class Step:
    name: str
    ok: bool
    detail: str


@dataclass
class Report:
    steps: list[Step] = field(default_factory=list)

    def add(self, name: str, ok: bool, detail: str) -> Step:
        step = Step(name, ok, detail)
        self.steps.append(step)
        return step

    def run(self, name: str, check: Callable[[], str]) -> bool:
        """Run one check; its return value is the detail, an exception is the failure."""
        try:
            self.add(name, True, check())
            return True
        except Exception as exc:  # noqa: BLE001 - the self-test reports every failure in words
            self.add(name, False, _describe(exc))
            return False

    @property
    def failed(self) -> list[Step]:
        return [step for step in self.steps if not step.ok]

    def text(self) -> str:
        lines = ["Finetune Studio self-test"]
        width = max((len(step.name) for step in self.steps), default=0)
        for step in self.steps:
            mark = "ok  " if step.ok else "FAIL"
            lines.append(f"  {mark} {step.name.ljust(width)}  {step.detail}")
        if self.failed:
            names = ", ".join(step.name for step in self.failed)
            lines.append(f"Result: FAILED ({names})")
        else:
            lines.append(f"Result: passed ({len(self.steps)} checks)")
        return "\n".join(lines)


class SelfTestFailure(Exception):
    """A check found something wrong; the message says what."""


def _describe(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    technical = getattr(exc, "technical", None)
    text = f"{type(exc).__name__}: {message}"
    return f"{text} ({technical})" if technical else text


# ---- the network guard ----------------------------------------------------------------------
_LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost", "0.0.0.0", ""}


class NetworkGuard:
    """Refuses (and records) every socket connection to anything but this computer."""

    def __init__(self) -> None:
        self.refused: list[str] = []
        self._saved: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _check(self, address: Any) -> None:
        if isinstance(address, tuple) and address and str(address[0]) not in _LOCAL_HOSTS:
            with self._lock:
                self.refused.append(f"{address[0]}:{address[1] if len(address) > 1 else ''}")
            raise ConnectionRefusedError(f"self-test: no network allowed (tried {address[0]})")

    def __enter__(self) -> NetworkGuard:
        guard = self
        original_connect = socket.socket.connect
        original_connect_ex = socket.socket.connect_ex
        original_getaddrinfo = socket.getaddrinfo

        def connect(sock: socket.socket, address: Any) -> None:
            if sock.family != getattr(socket, "AF_UNIX", None):
                guard._check(address)
            original_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            if sock.family != getattr(socket, "AF_UNIX", None):
                guard._check(address)
            return original_connect_ex(sock, address)

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            guard._check((host if host is not None else "", port))
            return original_getaddrinfo(host, port, *args, **kwargs)

        self._saved = {
            "connect": original_connect,
            "connect_ex": original_connect_ex,
            "getaddrinfo": original_getaddrinfo,
        }
        socket.socket.connect = connect  # type: ignore[method-assign,assignment]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
        socket.getaddrinfo = getaddrinfo
        return self

    def __exit__(self, *exc: object) -> None:
        socket.socket.connect = self._saved["connect"]  # type: ignore[method-assign]
        socket.socket.connect_ex = self._saved["connect_ex"]  # type: ignore[method-assign]
        socket.getaddrinfo = self._saved["getaddrinfo"]


# ---- the checks -----------------------------------------------------------------------------
def check_environment() -> str:
    from PySide6 import __version__ as pyside_version

    from desktop_app import __version__

    frozen = "frozen bundle" if getattr(sys, "frozen", False) else "from source"
    python = platform.python_version()
    return f"version {__version__} ({frozen}), Python {python}, PySide6 {pyside_version}, {platform.system()}"


def check_resources() -> str:
    from desktop_app.core.files.resources import resource, resources_dir

    needed = [
        ("models.json",),
        ("tiktoken", "o200k_base.tiktoken.gz"),
        ("tiktoken", "cl100k_base.tiktoken.gz"),
        ("tiktoken", "SHA256SUMS"),
        ("icons", "finetune-studio.svg"),
        ("samples", "brand_voice.jsonl"),
    ]
    missing = ["/".join(parts) for parts in needed if not resource(*parts).is_file()]
    if missing:
        raise SelfTestFailure(f"missing from {resources_dir()}: {', '.join(missing)}")
    return f"found in {resources_dir()}"


def check_spelling() -> str:
    """Every offered dictionary is in the bundle and knows a common word; the help pages too."""
    from desktop_app.core.dataset.spelling import LANGUAGES, load_speller
    from desktop_app.core.files.glossary import load_glossary

    common = {"en": "house", "es": "casa", "fr": "maison", "de": "Haus", "pt": "casa"}
    wrong = [code for code in LANGUAGES if not load_speller(code).knows(common[code])]
    if wrong:
        raise SelfTestFailure(f"the spelling dictionaries for {', '.join(wrong)} do not work")
    return f"{len(LANGUAGES)} dictionaries, {len(load_glossary())} glossary entries"


def load_sample() -> tuple[Any, str]:
    from desktop_app.core.dataset.records import Dataset
    from desktop_app.core.dataset.templates import sample_path

    dataset = Dataset.open(sample_path())
    return dataset, f"{len(dataset)} lines, {dataset.kind} examples ({sample_path().name})"


def run_checks(dataset: Any) -> tuple[list[int], int, str]:
    """Every per-line and whole-file check; returns the indexes of lines without errors."""
    from desktop_app.core.analysis.analyzer import Analyzer, dataset_problems
    from desktop_app.core.checks import REGISTRY
    from desktop_app.core.models.catalog import DEFAULT_MODEL
    from desktop_app.core.problems import Severity

    raws = [dataset[i].raw for i in range(len(dataset))]
    summaries = Analyzer(DEFAULT_MODEL).records(raws, 1)
    problems = [p for s in summaries for p in s.problems]
    problems += dataset_problems(summaries, model=DEFAULT_MODEL)
    counts = dict.fromkeys(Severity, 0)
    for problem in problems:
        counts[problem.severity] += 1
    clean = [
        i
        for i, summary in enumerate(summaries)
        if summary.tokens is not None
        and not any(p.severity is Severity.ERROR for p in summary.problems)
    ]
    tally = ", ".join(f"{n} {severity.value}" for severity, n in counts.items())
    detail = f"{len(REGISTRY)} rules; the sample has {tally} (it has deliberate mistakes)"
    return clean, counts[Severity.ERROR], detail


def check_voice() -> str:
    """The voice checks' near-copy finder (plain-Python MinHash and buckets) on two examples a
    word apart and a third that differs."""
    from desktop_app.core.analysis.analyzer import Analyzer, dataset_problems
    from desktop_app.core.models.catalog import DEFAULT_MODEL

    ask = "Hi, my parcel with the blue winter jacket never arrived and the tracking page is stuck"
    answer = "Sorry about that! I have sent a new jacket today by express; it arrives in two days."
    pairs = [(ask, answer), (ask + " again", answer), ("What is your return policy?", "30 days.")]
    chats = [
        [{"role": "user", "content": u}, {"role": "assistant", "content": a}] for u, a in pairs
    ]
    raws = [json.dumps({"messages": chat}).encode() for chat in chats]
    found = dataset_problems(Analyzer(DEFAULT_MODEL).records(raws, 1), model=DEFAULT_MODEL)
    near = [p.line for p in found if p.code == "near_duplicate"]
    if near != [2]:
        raise SelfTestFailure(f"expected line 2 as the near-copy of line 1, found lines {near}")
    return "line 2 found as a near-copy of line 1 (MinHash signatures, LSH buckets)"


def count_tokens(dataset: Any) -> str:
    from desktop_app.core.tokens.counts import CL100K, O200K, TokenCounter, get_encoding

    parts = []
    for name, model in ((O200K, "gpt-4.1-mini"), (CL100K, "gpt-3.5-turbo")):
        known = len(get_encoding(name).encode_ordinary(KNOWN_TEXT))
        if known != KNOWN_TOKENS:
            raise SelfTestFailure(f"{name} counts {known} tokens in {KNOWN_TEXT!r}, expected 2")
        counter = TokenCounter(model)
        if counter.encoding_name != name:
            raise SelfTestFailure(f"{model} should use {name}, not {counter.encoding_name}")
        values = [dataset.value(i) for i in range(len(dataset))]
        total = sum(c.total for c in counter.count_many(values) if c is not None)
        parts.append(f"{name}: {total}")
    return "sample tokens " + ", ".join(parts) + " (bundled files, offline)"


def check_keyring() -> str:
    from importlib.metadata import entry_points

    import keyring

    from desktop_app.core.keys.secrets import backend_description

    registered = entry_points(group="keyring.backends")
    if not registered:
        raise SelfTestFailure(
            "keyring has no registered backends (its package metadata is missing from the bundle)"
        )
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    return f"{name} ({len(registered)} backends registered): {backend_description()}"


def check_tls() -> str:
    """The trust store HTTPS to a provider will use (httpx2's default context)."""
    import ssl

    try:
        import httpcore2

        context = httpcore2.default_ssl_context()
        source = "system trust store" if sys.platform in ("win32", "darwin") else "system CA file"
    except ImportError:
        context, source = ssl.create_default_context(), "Python's default"
    if sys.platform in ("win32", "darwin"):
        return f"{type(context).__module__}.{type(context).__name__} ({source})"
    certificates = context.cert_store_stats().get("x509_ca", 0)
    if not certificates:
        raise SelfTestFailure(
            "no CA certificates found, so HTTPS to a provider would fail; install the system's "
            "CA certificates (Debian/Ubuntu: ca-certificates)"
        )
    return f"{certificates} CA certificates ({source})"


def check_worker_processes(dataset: Any) -> str:
    """analyze_file on a file big enough to use its process pool (the frozen-app trap)."""
    from desktop_app.core.analysis.analyzer import IN_PROCESS_BYTES, analyze_file

    line = b"".join(dataset[i].raw + b"\n" for i in range(len(dataset)))
    repeats = IN_PROCESS_BYTES // len(line) + 2
    with tempfile.TemporaryDirectory(prefix="ftstudio-selftest-") as folder:
        path = Path(folder, "big.jsonl")
        path.write_bytes(line * repeats)
        analysis = analyze_file(path, jobs=2)
    if len(analysis.summaries) != len(dataset) * repeats:
        raise SelfTestFailure(
            f"expected {len(dataset) * repeats} lines, got {len(analysis.summaries)}"
        )
    return f"{len(analysis.summaries)} lines ({analysis.file_bytes // 1024} KiB) checked by 2 processes"


def check_search_processes(dataset: Any) -> str:
    """The examples filter's search processes on the sample as a file (spawned, as frozen)."""
    from desktop_app.core.search.on_disk import DiskCopy, FileStamp, SearchProcesses, line_ends
    from desktop_app.core.search.query import Query, matching_rows

    chunks = [part for record in dataset for part in (record.raw, record.ending)]
    query = Query("order")  # in some lines of the sample, not all
    matcher = query.matcher()
    with tempfile.TemporaryDirectory(prefix="ftstudio-selftest-") as folder:
        path = Path(folder, "sample.jsonl")
        path.write_bytes(b"".join(chunks))
        copy = DiskCopy(path, FileStamp.of(path.stat()), list(dataset), line_ends(chunks, 0), 0)
        processes = SearchProcesses(count=2)
        try:
            hits = processes.search(copy, query, lambda: False)
        finally:
            processes.close()
    wanted = matching_rows(matcher, [r.raw for r in dataset]) if matcher else None
    if hits is None or hits != wanted:
        raise SelfTestFailure("the search processes did not find what the lines hold")
    return f"2 processes found “{query.text}” in {sum(hits)} of {len(hits)} lines"


def train_practice_job(dataset: Any, clean: list[int]) -> str:
    from desktop_app.core.models.catalog import DEFAULT_MODEL
    from desktop_app.core.providers.base import ChatMessage, JobRequest, UploadSource
    from desktop_app.core.providers.practice import PracticeSession

    data = dataset.training_bytes(clean)
    started = time.monotonic()
    with PracticeSession(pace=PRACTICE_PACE) as session:
        provider = session.provider
        uploaded = provider.upload_file(UploadSource.from_bytes(data, "selftest.jsonl"))
        job = provider.create_job(
            JobRequest(model=DEFAULT_MODEL, training_file=uploaded.id, suffix="selftest")
        )
        while not job.is_terminal:
            if time.monotonic() - started > PRACTICE_TIMEOUT_S:
                raise SelfTestFailure(
                    f"the practice job was still {job.status} after {PRACTICE_TIMEOUT_S:.0f} s"
                )
            time.sleep(0.05)
            job = provider.get_job(job.id)
        if job.status != "succeeded" or not job.fine_tuned_model:
            reason = job.error.message if job.error else job.status
            raise SelfTestFailure(f"the practice job ended {job.status}: {reason}")
        prompt = dataset.value(clean[0])["messages"]
        messages = [
            ChatMessage(m["role"], m["content"]) for m in prompt if m["role"] != "assistant"
        ]
        reply = provider.chat(job.fine_tuned_model, messages, max_tokens=60)
        if not reply.text.strip():
            raise SelfTestFailure("the practice model gave an empty answer")
    seconds = time.monotonic() - started
    return (
        f"{len(clean)} examples uploaded, job {job.status} in {seconds:.1f} s "
        f"as {job.fine_tuned_model}; it answered {len(reply.text)} characters"
    )


# ---- the window -----------------------------------------------------------------------------
def _ensure_application() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    return app


def create_main_window(*, deferred: bool = False) -> Any:
    """The app's main window, built by the app's own composition root (no file opened yet);
    `deferred`: only its frame, the way `finetune-studio` shows it first (app.main)."""
    from desktop_app.app import build_window, create_application

    return build_window(create_application([]), deferred=deferred)


def wait_until(condition: Callable[[], bool], timeout_s: float) -> bool:
    """Process Qt events until condition() holds or the time is up."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    return True


def check_sample_in_window(window: Any, expected_errors: int | None) -> str:
    """Open the sample in the window the way a first start does and wait for its checks."""
    window.files.open_sample()
    document = window.document
    if document is None or len(document.dataset) == 0:
        raise SelfTestFailure("the window did not open the sample")
    if not wait_until(lambda: not document.analysis.checking, CHECK_TIMEOUT_S):
        raise SelfTestFailure(
            f"checking the sample in the window took over {CHECK_TIMEOUT_S:.0f} s"
        )
    if not document.analysis.checker.running:
        raise SelfTestFailure(
            "the checker process (it checks and counts for the window) is not running"
        )
    errors = document.analysis.error_count
    if expected_errors is not None and errors != expected_errors:
        raise SelfTestFailure(
            f"the window shows {errors} errors, the checks found {expected_errors}"
        )
    warnings = document.analysis.warning_count
    return f"{len(document.dataset)} lines shown, {errors} errors, {warnings} warnings (checked in the checker process)"


def wait_for_first_paint(window: Any, timeout_ms: int = PAINT_TIMEOUT_MS) -> float:
    """Show the window and return the seconds from process start to its first paint event."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    painted: list[float] = []
    loop = QEventLoop()

    class PaintWatcher(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.perf_counter() - _STARTED)
                QTimer.singleShot(0, loop.quit)
            return False

    watcher = PaintWatcher()
    window.installEventFilter(watcher)
    QTimer.singleShot(timeout_ms, loop.quit)
    window.show()
    if not painted:
        loop.exec()
    window.removeEventFilter(watcher)
    if not painted:
        raise SelfTestFailure(f"the main window was not painted within {timeout_ms / 1000:.0f} s")
    return painted[0]


@contextmanager
def main_window(*, deferred: bool = False) -> Iterator[Any]:
    _ensure_application()
    window = create_main_window(deferred=deferred)
    try:
        yield window
    finally:
        window.close()
        window.deleteLater()


def check_crash_report(window: Any, wait: Callable[[Callable[[], bool], float], bool]) -> str:
    from desktop_app.selftest_crash import check_crash_report as check

    return check(window, wait)


# ---- entry points ---------------------------------------------------------------------------
def _print(text: str) -> None:
    stream = sys.stdout
    if stream is not None:  # windowed builds have no stdout (P12)
        stream.write(text + "\n")
        stream.flush()


def _write_report(text: str, path: str | None) -> None:
    target = path or os.environ.get(REPORT_ENV)
    if target:
        Path(target).write_text(text + "\n", encoding="utf-8")


def startup_probe() -> int:
    """Open the main window as the app does (its frame first, the rest after the first paint),
    print FIRST_PAINT <ms since start> when painted, and exit."""
    with main_window(deferred=True) as window:
        seconds = wait_for_first_paint(window)
    _print(f"{FIRST_PAINT_MARKER} {seconds * 1000:.0f}")
    return 0


def run_all() -> Report:
    report = Report()
    report.run("environment", check_environment)
    report.run("resources", check_resources)
    report.run("spelling and help pages", check_spelling)
    with NetworkGuard() as guard:
        clean: list[Any] = []
        dataset, errors = None, None
        try:
            dataset, detail = load_sample()
            report.add("sample dataset", True, detail)
        except Exception as exc:  # noqa: BLE001
            report.add("sample dataset", False, _describe(exc))
        if dataset is not None:
            try:
                clean, errors, detail = run_checks(dataset)
                report.add("checks", True, detail)
            except Exception as exc:  # noqa: BLE001
                report.add("checks", False, _describe(exc))
        report.run("voice checks", check_voice)
        _window_checks(report, dataset, errors)
        if dataset is not None:
            report.run("token counts", lambda: count_tokens(dataset))
            report.run("worker processes", lambda: check_worker_processes(dataset))
            report.run("search processes", lambda: check_search_processes(dataset))
            if clean:
                report.run("practice job", lambda: train_practice_job(dataset, clean))
            else:
                report.add("practice job", False, "no clean example to train on")
        report.run("keyring", check_keyring)
        report.run("TLS trust store", check_tls)
    if guard.refused:
        report.add("no network", False, f"tried to reach {', '.join(sorted(set(guard.refused)))}")
    else:
        report.add("no network", True, "nothing tried to reach another computer")
    return report


def _window_checks(report: Report, dataset: Any, errors: int | None) -> None:
    try:
        with main_window() as window:
            seconds = wait_for_first_paint(window)
            report.add(
                "main window",
                True,
                f"{type(window).__name__} painted offscreen, {seconds * 1000:.0f} ms after start",
            )
            if dataset is not None:
                report.run("sample in the window", lambda: check_sample_in_window(window, errors))
            report.run("crash report", lambda: check_crash_report(window, wait_until))
    except Exception as exc:  # noqa: BLE001
        report.add("main window", False, _describe(exc))


@contextmanager
def isolated_home() -> Iterator[str]:
    """Keep the self-test's settings, layout and recovery files out of the user's own folder."""
    from desktop_app.core.files.folders import HOME_ENV

    if os.environ.get(HOME_ENV):
        yield os.environ[HOME_ENV]
        return
    with tempfile.TemporaryDirectory(prefix="ftstudio-selftest-home-") as folder:
        os.environ[HOME_ENV] = folder
        try:
            yield folder
        finally:
            del os.environ[HOME_ENV]


def run(argv: list[str] | None = None) -> int:
    """Run the self-test; 0 when everything works, 1 naming what failed."""
    parser = argparse.ArgumentParser(prog="finetune-studio --self-test", add_help=False)
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--report")
    parser.add_argument("--startup-probe", action="store_true")
    args, _unknown = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    with isolated_home():
        if args.startup_probe:
            return startup_probe()
        report = run_all()
        text = report.text()
    _print(text)
    _write_report(text, args.report)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(run())
