"""Running a comparison: the token and cost estimate shown first, then the requests.

Requests run on a bounded set of request threads (`settings.concurrency`, made by
`core/processes.py`) and hand each result back to the thread that started the run, which
reports it (in the window: a Qt pool thread of the task runner, so every Qt signal comes from a
thread Qt knows); one failed prompt never stops the others, an
endpoint that cannot answer at all (a model that does not exist, a rejected key) is not asked
again in the same run, and a cancelled run keeps every reply that arrived (requests in flight
stop at their next streamed piece and are asked again by the next run).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.core.errors import UserFacingError
from desktop_app.core.models.catalog import base_model_name, find_model
from desktop_app.core.processes import request_threads
from desktop_app.core.providers.base import Provider
from desktop_app.core.providers.errors import OperationCancelled, ProviderError
from desktop_app.core.trying.comparison import SIDES, A, B, Comparison, Reply, Result
from desktop_app.core.trying.endpoints import Endpoint, is_fatal, stream_reply

log = logging.getLogger(__name__)

MAX_CONCURRENCY = 16
GUESSED_REPLY_TOKENS = 250  # expected reply length when a prompt has no reference reply


@dataclass(frozen=True, slots=True)
class Price:
    input_per_million: float
    output_per_million: float


@dataclass(frozen=True, slots=True)
class SideEstimate:
    endpoint: Endpoint
    requests: int
    input_tokens: int
    expected_output_tokens: int
    max_output_tokens: int | None
    price: Price | None
    note: str  # about the price: “unknown price”, “free: runs on this computer”

    @property
    def cost(self) -> float | None:
        if self.price is None:
            return None
        return (
            self.input_tokens * self.price.input_per_million
            + self.expected_output_tokens * self.price.output_per_million
        ) / 1_000_000

    @property
    def max_cost(self) -> float | None:
        if self.price is None or self.max_output_tokens is None:
            return None
        return (
            self.input_tokens * self.price.input_per_million
            + self.max_output_tokens * self.price.output_per_million
        ) / 1_000_000

    def sentence(self) -> str:
        tokens = (
            f"about {self.input_tokens:,} tokens in and {self.expected_output_tokens:,} out "
            f"for {self.requests} prompt{'s' if self.requests != 1 else ''}"
        )
        if self.cost is None or self.price == Price(0.0, 0.0):
            return f"{tokens}; {self.note}"
        most = f", at most {_usd(self.max_cost)}" if self.max_cost is not None else ""
        return f"{tokens}; about {_usd(self.cost)}{most}"


@dataclass(frozen=True, slots=True)
class RunEstimate:
    prompts: int
    a: SideEstimate
    b: SideEstimate

    @property
    def cost(self) -> float | None:
        """The expected total, when both prices are known (free counts as known)."""
        if self.a.cost is None or self.b.cost is None:
            return None
        return self.a.cost + self.b.cost

    def lines(self) -> list[str]:
        return [
            f"Model A ({self.a.endpoint.display_name}): {self.a.sentence()}.",
            f"Model B ({self.b.endpoint.display_name}): {self.b.sentence()}.",
        ]


def _usd(amount: float | None) -> str:
    if amount is None:
        return "unknown"
    if amount == 0:
        return "$0"
    return f"${amount:.2f}" if amount >= 0.01 else "less than $0.01"


def inference_price(endpoint: Endpoint) -> tuple[Price | None, str]:
    """The price per 1M tokens of chatting with the endpoint's model, and a note about it."""
    if endpoint.is_free:
        where = "practice mode" if endpoint.kind == "practice" else "runs on this computer"
        return Price(0.0, 0.0), f"free ({where})"
    if endpoint.kind == "openai":
        info = find_model(endpoint.model)
        tuned = base_model_name(endpoint.model) != endpoint.model
        if info is not None:
            prefix = "inference" if tuned else "base_inference"
            inp = getattr(info, f"{prefix}_input_price_per_million", None)
            out = getattr(info, f"{prefix}_output_price_per_million", None)
            if isinstance(inp, int | float) and isinstance(out, int | float):
                return Price(float(inp), float(out)), "OpenAI's list price"
    return None, "unknown price (the app has no price for this model; check your provider)"


def estimate_run(
    comparison: Comparison,
    *,
    todo: Sequence[tuple[int, str]] | None = None,
    counter_for: Callable[[str], Any] | None = None,
) -> RunEstimate:
    """Tokens and cost of asking both models (or just the `todo` cells) before a run starts.

    Input tokens are counted with the model's encoding (tiktoken; an approximation for models
    that are not OpenAI's); a reply is expected to be as long as the reference reply (a guess
    of GUESSED_REPLY_TOKENS without one), at most max_tokens.
    """
    if counter_for is None:
        from desktop_app.core.tokens.counts import TokenCounter

        counter_for = TokenCounter
    cells = todo if todo is not None else comparison.pending()
    sides = {side: [row for row, s in cells if s == side] for side in SIDES}
    estimates = {}
    for side in SIDES:
        endpoint = comparison.endpoint(side)
        counter = counter_for(endpoint.model)
        rows = [comparison.rows[i] for i in sides[side]]
        max_tokens = comparison.settings.max_tokens
        input_tokens = 0
        expected = 0
        for row in rows:
            counted = counter.count_example(
                {"messages": [m.to_dict() for m in row.prompt.messages]}
            )
            input_tokens += counted.total if counted is not None else 0
            reference = row.prompt.reference
            guess = counter.count_text(reference) if reference else GUESSED_REPLY_TOKENS
            expected += min(guess, max_tokens) if max_tokens is not None else guess
        price, note = inference_price(endpoint)
        estimates[side] = SideEstimate(
            endpoint=endpoint,
            requests=len(rows),
            input_tokens=input_tokens,
            expected_output_tokens=expected,
            max_output_tokens=max_tokens * len(rows) if max_tokens is not None else None,
            price=price,
            note=note,
        )
    return RunEstimate(len(comparison.rows), estimates[A], estimates[B])


# ---- running --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RunReport:
    asked: int  # requests that were due
    answered: int  # replies that arrived
    failed: int  # requests that ended with an error
    cancelled: bool


Opener = Callable[[Endpoint], Provider]


class _Side:
    """What one run knows about one endpoint: its provider (opened on first use) and, once it
    has failed for good, the error every later prompt gets without being sent."""

    def __init__(self, endpoint: Endpoint, opener: Opener) -> None:
        self.endpoint = endpoint
        self.lock = threading.Lock()
        self.successes = 0
        self.fatal: BaseException | None = None
        self._opener = opener
        self._provider: Provider | None = None

    def provider(self) -> Provider | None:
        """The provider, or None after opening it failed (then `fatal` says why)."""
        with self.lock:
            if self._provider is None and self.fatal is None:
                try:
                    self._provider = self._opener(self.endpoint)
                except UserFacingError as error:  # no key stored, no address, …
                    self.fatal = error
            return self._provider


def run_comparison(
    comparison: Comparison,
    providers: Opener | tuple[Provider, Provider],
    *,
    cancel: threading.Event,
    on_result: Callable[[Result], None],
    todo: Sequence[tuple[int, str]] | None = None,
) -> RunReport:
    """Ask both models every pending prompt, at most `settings.concurrency` at a time.

    `providers` is a pair (for A and B) or a function that opens the provider for an endpoint
    (such as `ProviderPool.get`); a provider that cannot be opened fails its side's prompts.
    `on_result` is called on the thread that called this function, for each reply or failure as
    it arrives: the request threads hand their results over a queue, so a caller on a Qt pool
    thread may emit signals from the callback (`comparison.apply` stores it). Does not change
    the comparison itself. Returns when every request has ended, or soon after `cancel` is set:
    requests in flight stop at their next streamed piece and are not reported.
    """
    cells = list(todo if todo is not None else comparison.pending())
    sides = {side: _Side(comparison.endpoint(side), _opener(providers, side)) for side in SIDES}
    arrived: queue.SimpleQueue[tuple[Result, bool] | None] = queue.SimpleQueue()
    workers = max(1, min(MAX_CONCURRENCY, comparison.settings.concurrency))

    def ask(index: int, side: str) -> None:
        if cancel.is_set():
            return
        state = sides[side]
        provider = state.provider()
        with state.lock:
            fatal = state.fatal
        if provider is None or fatal is not None:
            error = fatal or UserFacingError("This model could not be reached.")
            arrived.put((Result(index, side, Reply.failed(error, sent=False)), True))
            return
        reply = _ask_one(provider, comparison, index, side, cancel, state)
        if reply is not None and not cancel.is_set():
            arrived.put((Result(index, side, reply), not reply.ok))

    counts = {"answered": 0, "failed": 0}
    with request_threads(workers, "compare") as pool:
        futures = [pool.submit(ask, index, side) for index, side in _interleaved(cells)]
        for future in futures:  # after its result: a task's result is queued before it ends
            future.add_done_callback(lambda _future: arrived.put(None))
        try:
            ending = len(futures)
            while ending:
                item = arrived.get()
                if item is None:
                    ending -= 1
                    continue
                result, failed = item
                counts["failed" if failed else "answered"] += 1
                on_result(result)  # here, on the caller's thread
        except BaseException:
            for future in futures:  # a failing callback: ask nothing more
                future.cancel()
            raise
    for future in futures:  # all done: the pool waited; queued ones saw `cancel` and returned
        future.result()  # ask() catches a prompt's errors; anything here is a bug, raised
    return RunReport(len(cells), counts["answered"], counts["failed"], cancel.is_set())


def _opener(providers: Opener | tuple[Provider, Provider], side: str) -> Opener:
    if isinstance(providers, tuple):
        chosen = providers[0] if side == A else providers[1]
        return lambda endpoint: chosen
    return providers


def _interleaved(cells: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Both sides of a prompt one after the other, prompts in order (rows fill in together)."""
    return sorted(cells, key=lambda cell: (cell[0], cell[1]))


def _ask_one(
    provider: Provider,
    comparison: Comparison,
    index: int,
    side: str,
    cancel: threading.Event,
    state: _Side,
) -> Reply | None:
    endpoint = comparison.endpoint(side)
    settings = comparison.settings
    started = time.monotonic()
    try:
        text = stream_reply(
            provider,
            endpoint,
            list(comparison.rows[index].prompt.messages),
            cancel=cancel,
            max_tokens=settings.max_tokens,
            temperature=settings.temperature,
        )
    except OperationCancelled:
        return None
    except ProviderError as error:
        with state.lock:
            if state.fatal is None and is_fatal(error, answered_before=state.successes > 0):
                state.fatal = error
        return Reply.failed(error, _since(started))
    except Exception as error:  # one prompt's bug must not stop the others
        log.exception("comparison prompt %d (%s) failed unexpectedly", index + 1, side)
        return Reply.failed(error, _since(started))
    if cancel.is_set():
        return None  # stopped mid-reply: not an answer; a later run asks again
    with state.lock:
        state.successes += 1
    return Reply(text=text, seconds=_since(started))


def _since(started: float) -> float:
    return round(time.monotonic() - started, 3)
