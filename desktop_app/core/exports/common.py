"""What every export shares: reading the examples, tidying them, and saying what was changed.

An export reads the writer's dataset (OpenAI chat JSONL, or DPO preference pairs), leaves out what
no trainer can read (blank and broken lines, lines that are not examples) and normalises each
example into a `Conversation` or a `Preference` that the target modules turn into their own
format. Every change is recorded in a `ConversionLog`, which becomes the plain-language notes shown
to the writer and written into the export's README: nothing is dropped without being counted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset, DatasetKind
from desktop_app.core.errors import UserFacingError
from desktop_app.core.files.atomic import write_atomic

SYSTEM, USER, ASSISTANT, TOOL = "system", "user", "assistant", "tool"
ROLES = (SYSTEM, USER, ASSISTANT, TOOL)
MANIFEST = "finetune-studio-export.json"


class ExportError(UserFacingError):
    """The export cannot be written as asked (nothing to export, a folder in the way, ...)."""


class FolderNotEmptyError(ExportError):
    """The folder holds other files; `earlier_export` when they are an earlier export's."""

    def __init__(self, message: str, next_step: str, *, earlier_export: bool) -> None:
        super().__init__(message, next_step)
        self.earlier_export = earlier_export


# ---- the notes --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Note:
    """A sentence about something that happened to one or more lines.

    `one` and `many` may use {n} (how many) and {where} (“line 4”, “lines 2, 9 and 12”).
    """

    one: str
    many: str


class ConversionLog:
    """Counts what an export changed or left out, line by line, in the order it first happened.

    A note counts each line once (“in 3 examples”), unless added with `each=True`, which counts
    every occurrence (“from 5 messages”).
    """

    def __init__(self) -> None:
        self._events: dict[Note, list[int | None]] = {}
        self._seen: dict[Note, set[int]] = {}

    def add(self, note: Note, line: int | None = None, *, each: bool = False) -> None:
        if line is not None and not each:
            seen = self._seen.setdefault(note, set())
            if line in seen:
                return
            seen.add(line)
        self._events.setdefault(note, []).append(line)

    def count(self, note: Note) -> int:
        return len(self._events.get(note, ()))

    def __bool__(self) -> bool:
        return bool(self._events)

    def notes(self, prefix: str = "") -> list[str]:
        """One sentence per note: what was left out first, then what was changed."""
        out = []
        ordered = sorted(self._events.items(), key=lambda item: not item[0].one.startswith("Left"))
        for note, lines in ordered:
            template = note.one if len(lines) == 1 else note.many
            out.append(prefix + template.format(n=f"{len(lines):,}", where=where(lines)))
        return out


def where(lines: Sequence[int | None], limit: int = 8) -> str:
    """“line 4”, “lines 2, 9 and 12”, “lines 1, 2, 3 … and 40 more”; “” when no line is known."""
    known = sorted({line for line in lines if line is not None})
    if not known:
        return "in the examples given"
    if len(known) == 1:
        return f"line {known[0]}"
    shown = [str(line) for line in known[:limit]]
    if len(known) > limit:
        return f"lines {', '.join(shown)} and {len(known) - limit:,} more"
    return f"lines {', '.join(shown[:-1])} and {shown[-1]}"


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


BOM_REMOVED = Note(
    "Removed the invisible byte-order mark at the start of the file; trainers read plain UTF-8.",
    "Removed the invisible byte-order mark at the start of the file; trainers read plain UTF-8.",
)
BLANK = Note("Left out 1 blank line ({where}).", "Left out {n} blank lines ({where}).")
BROKEN = Note(
    "Left out 1 line that is not valid JSON ({where}); fix it in Finetune Studio and export again.",
    "Left out {n} lines that are not valid JSON ({where}); fix them in Finetune Studio and export "
    "again.",
)
NOT_AN_EXAMPLE = Note(
    "Left out 1 line that is not a chat example: it has no “messages” ({where}).",
    "Left out {n} lines that are not chat examples: they have no “messages” ({where}).",
)
OTHER_KIND_CHAT = Note(
    "Left out 1 preference pair in a file of chat examples ({where}); export pairs on their own.",
    "Left out {n} preference pairs in a file of chat examples ({where}); export pairs on their own.",
)
OTHER_KIND_PREFERENCE = Note(
    "Left out 1 chat example in a file of preference pairs ({where}); export chats on their own.",
    "Left out {n} chat examples in a file of preference pairs ({where}); export chats on their "
    "own.",
)
DUPLICATE_KEYS = Note(
    "1 line names the same field twice ({where}); the last one was used, as JSON readers do.",
    "{n} lines name the same field twice ({where}); the last one was used, as JSON readers do.",
)
NO_MESSAGES = Note(
    "Left out 1 example whose “messages” is not a list of messages ({where}).",
    "Left out {n} examples whose “messages” is not a list of messages ({where}).",
)
BAD_MESSAGE = Note(
    "Left out 1 example with a message that has no role ({where}).",
    "Left out {n} examples with a message that has no role ({where}).",
)
UNKNOWN_ROLE = Note(
    "Left out 1 example with a role other than system, user, assistant or tool ({where}).",
    "Left out {n} examples with a role other than system, user, assistant or tool ({where}).",
)
DEVELOPER_ROLE = Note(
    "Changed the role “developer” to “system” in 1 example ({where}); open models know only "
    "“system”.",
    "Changed the role “developer” to “system” in {n} examples ({where}); open models know only "
    "“system”.",
)
NOT_TEXT = Note(
    "Left out 1 example with pictures, sound or files in a message ({where}); text models cannot "
    "learn from them.",
    "Left out {n} examples with pictures, sound or files in a message ({where}); text models "
    "cannot learn from them.",
)
BAD_CONTENT = Note(
    "Left out 1 example with a message whose content is not text ({where}).",
    "Left out {n} examples with a message whose content is not text ({where}).",
)
EMPTY_REPLY = Note(
    "Left out 1 example with a reply that has no text and no tool call ({where}).",
    "Left out {n} examples with a reply that has no text and no tool call ({where}).",
)
JOINED_PARTS = Note(
    "Joined the text parts of a message into one text in 1 example ({where}).",
    "Joined the text parts of a message into one text in {n} examples ({where}).",
)
BAD_TOOL_CALL = Note(
    "Left out 1 example with a tool call that has no function name or whose arguments are not a "
    "JSON object ({where}).",
    "Left out {n} examples with a tool call that has no function name or whose arguments are not a "
    "JSON object ({where}).",
)
TOOL_ARGS_AS_OBJECTS = Note(
    "Wrote the tool-call arguments of 1 example as JSON objects instead of text ({where}), as the "
    "models' chat templates expect.",
    "Wrote the tool-call arguments of {n} examples as JSON objects instead of text ({where}), as "
    "the models' chat templates expect.",
)
NOTHING_TO_LEARN = Note(
    "Left out 1 example with no reply to learn from: no assistant message, or every reply has "
    "weight 0 ({where}).",
    "Left out {n} examples with no reply to learn from: no assistant message, or every reply has "
    "weight 0 ({where}).",
)
TRAILING_CUT = Note(
    "Removed the messages after the last reply to learn from in 1 example ({where}); they teach "
    "the model nothing.",
    "Removed the messages after the last reply to learn from in {n} examples ({where}); they "
    "teach the model nothing.",
)
WEIGHT_ONE_REMOVED = Note(
    "Removed “weight”: 1 from replies in 1 example ({where}); every reply is learned anyway, so "
    "nothing changes.",
    "Removed “weight”: 1 from replies in {n} examples ({where}); every reply is learned anyway, so "
    "nothing changes.",
)
PREFERENCE_SHAPE = Note(
    "Left out 1 preference pair that does not have exactly one preferred and one non-preferred "
    "reply ({where}).",
    "Left out {n} preference pairs that do not have exactly one preferred and one non-preferred "
    "reply ({where}).",
)
PREFERENCE_PROMPT = Note(
    "Left out 1 preference pair whose conversation does not end with the user's message ({where}).",
    "Left out {n} preference pairs whose conversations do not end with the user's message "
    "({where}).",
)
VALIDATION_SPLIT = Note(
    "Set aside 1 example as validation data, chosen the same way every time ({where}).",
    "Set aside {n} examples as validation data, chosen the same way every time ({where}).",
)


def removed_field(name: str, target: str, *, top_level: bool) -> Note:
    """A note for a field the target does not read, named in the sentence."""
    holder = "example" if top_level else "message"
    return Note(
        f"Removed the field “{name}” from 1 {holder} ({{where}}); {target} does not read it.",
        f"Removed the field “{name}” from {{n}} {holder}s ({{where}}); {target} does not read it.",
    )


# ---- reading the examples ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SourceExample:
    line: int | None  # 1-based line in the writer's file (position in a list of values)
    value: dict[str, Any]


@dataclass(slots=True)
class Source:
    """The examples of one file (or list of values), of one kind, with what was left out logged."""

    kind: str  # DatasetKind.CHAT or DatasetKind.PREFERENCE
    examples: list[SourceExample]
    log: ConversionLog = field(default_factory=ConversionLog)
    quiet: bool = False  # a copy of the training examples: its notes would only repeat theirs


def as_dataset(source: Dataset | Iterable[Any]) -> Dataset:
    return source if isinstance(source, Dataset) else Dataset.from_values(source)


def read_source(dataset: Dataset, *, kind: str | None = None) -> Source:
    """The examples of `dataset` of one kind (the majority's, unless given), counting every line
    left out."""
    log = ConversionLog()
    if dataset.bom:
        log.add(BOM_REMOVED)
    chat: list[SourceExample] = []
    preference: list[SourceExample] = []
    for index in range(len(dataset)):
        line = index + 1
        parsed = dataset[index].parse()
        if parsed.kind is RecordKind.BLANK:
            log.add(BLANK, line)
        elif parsed.kind is RecordKind.BROKEN:
            log.add(BROKEN, line)
        elif parsed.kind is RecordKind.OTHER:
            log.add(NOT_AN_EXAMPLE, line)
        else:
            if parsed.duplicate_keys:
                log.add(DUPLICATE_KEYS, line)
            bucket = chat if parsed.kind is RecordKind.CHAT else preference
            bucket.append(SourceExample(line, parsed.value))
    if kind is None:
        kind = DatasetKind.PREFERENCE if len(preference) > len(chat) else DatasetKind.CHAT
    if kind == DatasetKind.CHAT:
        for example in preference:
            log.add(OTHER_KIND_CHAT, example.line)
        return Source(kind, chat, log)
    for example in chat:
        log.add(OTHER_KIND_PREFERENCE, example.line)
    return Source(kind, preference, log)


# ---- normalising one chat example -------------------------------------------------------------
class WeightRule(Enum):
    """How a target treats OpenAI's per-reply `weight`."""

    FLAGS = "flags"  # the target has a per-message train flag (Axolotl)
    ALL_REPLIES = "all"  # the target learns every assistant reply (TRL, Unsloth, LLaMA-Factory)
    LAST_REPLY = "last"  # the target learns only the last message (mlx-lm with mask_prompt)


@dataclass(slots=True)
class Conversation:
    """One chat example, tidied: messages without `weight`, and which replies are to be learned."""

    line: int | None
    messages: list[dict[str, Any]]
    trained: list[bool]  # per message: True for an assistant reply the model should learn
    tools: list[Any] | None = None

    @property
    def has_untrained_reply(self) -> bool:
        return any(
            m["role"] == ASSISTANT and not t
            for m, t in zip(self.messages, self.trained, strict=True)
        )


@dataclass(slots=True)
class Preference:
    """One DPO pair, tidied: the conversation so far, then the preferred and the other reply."""

    line: int | None
    prompt: list[dict[str, Any]]
    chosen: dict[str, Any]
    rejected: dict[str, Any]


class Skip(Exception):
    """This example cannot be exported; `note` says why."""

    def __init__(self, note: Note) -> None:
        super().__init__(note.one)
        self.note = note


_MESSAGE_KEYS = {
    SYSTEM: {"role", "content"},
    USER: {"role", "content"},
    ASSISTANT: {"role", "content", "tool_calls"},
    TOOL: {"role", "content", "tool_call_id", "name"},
}


def tidy_message(
    message: Any, line: int | None, log: ConversionLog, target: str
) -> tuple[dict[str, Any], bool]:
    """A message with only the fields trainers read, and whether it is a reply to learn."""
    if not isinstance(message, Mapping) or not isinstance(message.get("role"), str):
        raise Skip(BAD_MESSAGE)
    role = message["role"].strip().lower()
    if role == "developer":
        log.add(DEVELOPER_ROLE, line)
        role = SYSTEM
    if role not in ROLES:
        raise Skip(UNKNOWN_ROLE)
    tidy: dict[str, Any] = {"role": role}
    tool_calls = message.get("tool_calls") if role == ASSISTANT else None
    if tool_calls:
        if not isinstance(tool_calls, list):
            raise Skip(BAD_TOOL_CALL)
        tidy["tool_calls"] = [tidy_tool_call(call) for call in tool_calls]
        if any(isinstance(call.get("function", {}).get("arguments"), str) for call in tool_calls):
            log.add(TOOL_ARGS_AS_OBJECTS, line)
    tidy["content"] = tidy_content(message.get("content"), line, log)
    if role == ASSISTANT and not tidy["content"] and not tool_calls:
        raise Skip(EMPTY_REPLY)
    for key in ("tool_call_id", "name"):
        if role == TOOL and isinstance(message.get(key), str):
            tidy[key] = message[key]
    for key in message:
        if (
            key not in _MESSAGE_KEYS[role]
            and key != "weight"
            and not (key == "tool_calls" and not message[key])
        ):
            log.add(removed_field(key, target, top_level=False), line, each=True)
    trained = role == ASSISTANT and message.get("weight", 1) not in (0, False)
    return tidy, trained


def tidy_content(content: Any, line: int | None, log: ConversionLog) -> str:
    """Text content; a list of text parts is joined; anything else leaves the example out."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if not isinstance(part, Mapping):
                raise Skip(BAD_CONTENT)
            if part.get("type", "text") != "text":
                raise Skip(NOT_TEXT)
            if not isinstance(part.get("text"), str):
                raise Skip(BAD_CONTENT)
            texts.append(part["text"])
        if len(texts) > 1:
            log.add(JOINED_PARTS, line)
        return "\n".join(texts)
    raise Skip(BAD_CONTENT)


def tidy_tool_call(call: Any) -> dict[str, Any]:
    """{"id", "type": "function", "function": {"name", "arguments": {…}}} with object arguments."""
    if not isinstance(call, Mapping) or not isinstance(call.get("function"), Mapping):
        raise Skip(BAD_TOOL_CALL)
    function = call["function"]
    name = function.get("name")
    arguments = function.get("arguments", {})
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments) if arguments.strip() else {}
        except ValueError:
            raise Skip(BAD_TOOL_CALL) from None
    if not isinstance(name, str) or not name or not isinstance(arguments, dict):
        raise Skip(BAD_TOOL_CALL)
    tidy: dict[str, Any] = {}
    if isinstance(call.get("id"), str):
        tidy["id"] = call["id"]
    tidy["type"] = "function"
    tidy["function"] = {"name": name, "arguments": arguments}
    return tidy


def tidy_conversation(
    example: SourceExample, log: ConversionLog, target: str, *, keep_tools: bool = True
) -> Conversation:
    """The example as a `Conversation`; raises Skip when it cannot be used."""
    value, line = example.value, example.line
    raw_messages = value.get("messages")
    if not isinstance(raw_messages, list) or not raw_messages:
        raise Skip(NO_MESSAGES)
    messages: list[dict[str, Any]] = []
    trained: list[bool] = []
    for message in raw_messages:
        tidy, learn = tidy_message(message, line, log, target)
        messages.append(tidy)
        trained.append(learn)
    if not any(trained):
        raise Skip(NOTHING_TO_LEARN)
    last = max(i for i, learn in enumerate(trained) if learn)
    if last < len(messages) - 1:
        log.add(TRAILING_CUT, line)
        del messages[last + 1 :], trained[last + 1 :]
    tools = value.get("tools")
    for key in value:
        if key != "messages" and not (key == "tools" and keep_tools and isinstance(tools, list)):
            log.add(removed_field(key, target, top_level=True), line)
    return Conversation(line, messages, trained, tools if keep_tools and tools else None)


def note_weights(
    conversation: Conversation,
    raw: dict[str, Any],
    log: ConversionLog,
    *,
    untrained: Note | None = None,
    weighted: Note | None = None,
) -> None:
    """Say what happened to `weight`.

    `weighted` (for targets that keep the information) is noted for any example with a weight.
    Otherwise dropping weight 1 is harmless, and `untrained` says what became of weight-0 replies.
    """
    weights = [m.get("weight") for m in _list(raw.get("messages")) if isinstance(m, Mapping)]
    if weighted is not None:
        if any(w is not None for w in weights):
            log.add(weighted, conversation.line)
        return
    if any(w not in (None, 0, False) for w in weights):
        log.add(WEIGHT_ONE_REMOVED, conversation.line)
    if untrained is not None and conversation.has_untrained_reply:
        log.add(untrained, conversation.line)


def tidy_preference(example: SourceExample, log: ConversionLog, target: str) -> Preference:
    """The pair as a `Preference`; raises Skip when it cannot be used."""
    value, line = example.value, example.line
    given = value.get("input")
    raw_messages = given.get("messages") if isinstance(given, Mapping) else None
    if not isinstance(raw_messages, list) or not raw_messages:
        raise Skip(NO_MESSAGES)
    prompt = [tidy_message(m, line, log, target)[0] for m in raw_messages]
    if prompt[-1]["role"] != USER:
        raise Skip(PREFERENCE_PROMPT)
    chosen = _single_reply(value.get("preferred_output"), line, log, target)
    rejected = _single_reply(value.get("non_preferred_output"), line, log, target)
    for key in value:
        if key not in ("input", "preferred_output", "non_preferred_output"):
            log.add(removed_field(key, target, top_level=True), line)
    if isinstance(given, Mapping):
        for key in given:
            if key != "messages":
                log.add(removed_field(f"input.{key}", target, top_level=True), line)
    return Preference(line, prompt, chosen, rejected)


def _single_reply(value: Any, line: int | None, log: ConversionLog, target: str) -> dict[str, Any]:
    if not isinstance(value, list) or len(value) != 1:
        raise Skip(PREFERENCE_SHAPE)
    reply, _ = tidy_message(value[0], line, log, target)
    if reply["role"] != ASSISTANT or "tool_calls" in reply:
        raise Skip(PREFERENCE_SHAPE)
    return reply


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# ---- writing ----------------------------------------------------------------------------------
def jsonl_bytes(rows: Iterable[Any]) -> bytes:
    """JSON Lines: one compact object per line, UTF-8 (not ASCII-escaped), LF endings, no BOM."""
    return b"".join(
        json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        for row in rows
    )


class FolderWriter:
    """Writes an export's files atomically into one folder and remembers what it wrote."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[Path] = []

    def write(self, relative: str, data: bytes | str) -> Path:
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        write_atomic(path, [payload])
        self.files.append(path)
        return path

    def relative(self) -> list[str]:
        return [p.relative_to(self.folder).as_posix() for p in self.files]


def prepare_folder(folder: Path, *, overwrite: bool) -> None:
    """Create the folder, or make room in it: an earlier export's files go; other files stay."""
    if folder.exists() and not folder.is_dir():
        raise ExportError(
            f"“{folder}” is a file, not a folder.",
            "Pick a folder (or a new folder name) to export to.",
        )
    manifest = folder / MANIFEST
    if folder.is_dir() and any(folder.iterdir()):
        earlier = manifest.is_file()
        if not overwrite:
            raise FolderNotEmptyError(
                f"The folder “{folder}” is not empty, and an export does not mix with other files.",
                "Pick an empty or new folder"
                + (", or choose to replace the earlier export in it." if earlier else "."),
                earlier_export=earlier,
            )
        _remove_earlier_export(folder, manifest)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"The folder “{folder}” could not be created ({exc.strerror or 'the system refused'}).",
            "Pick a folder you can write to.",
        ) from exc


def _remove_earlier_export(folder: Path, manifest: Path) -> None:
    """Delete the files an earlier export listed in its manifest (and only those)."""
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return
    root = folder.resolve()
    for name in listed if isinstance(listed, list) else []:
        if not isinstance(name, str):
            continue
        path = (folder / name).resolve()
        if root in path.parents and path.is_file():
            os.remove(path)


def learned_anyway(target: str) -> Note:
    """For targets that learn every reply: weight-0 replies in the middle are learned too."""
    return Note(
        f"1 example has replies marked weight 0 before a reply to learn ({{where}}); {target} learns "
        "every reply, so these are learned too. Remove them or move them into the question if they "
        "must not be learned.",
        f"{{n}} examples have replies marked weight 0 before a reply to learn ({{where}}); {target} "
        "learns every reply, so these are learned too. Remove them or move them into the question "
        "if they must not be learned.",
    )


def chat_row(conversation: Conversation) -> dict[str, Any]:
    """OpenAI-style chat row: messages (tool-call arguments as objects), plus tools if any."""
    row: dict[str, Any] = {"messages": conversation.messages}
    if conversation.tools:
        row["tools"] = conversation.tools
    return row
