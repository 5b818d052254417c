"""The word list: kept in the review sidecar, read from --style files, banned_phrase with its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.core.analysis.analyzer import Analyzer
from desktop_app.core.checks.fixes import apply_problem_fix
from desktop_app.core.checks.voice.wordlist import WordList, load_wordlist
from desktop_app.core.dataset.review import (
    sidecar_path,
    sidecar_wordlist,
    write_sidecar,
    write_wordlist,
)
from desktop_app.core.errors import UserFacingError

WORDS = WordList(banned=(("delve", "look"), ("at the end of the day", "")), preferred=("glad",))


def line(reply: str, user: str = "Can you check my bill?") -> bytes:
    value = {
        "messages": [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]
    }
    return json.dumps(value).encode()


def banned(raw: bytes, words: WordList = WORDS) -> list:
    [summary] = Analyzer(words=words).records([raw], 1)
    return [p for p in summary.problems if p.code == "banned_phrase"]


def test_banned_phrases_are_found_in_replies_only_with_a_replace_fix() -> None:
    raw = line("Let me Delve into it. At the end of the day, it is fine.", user="delve please")
    found = banned(raw)
    assert [p.message_index for p in found] == [1, 1]
    assert "“Delve”, which the word list bans. Write “look” instead." in found[0].message
    assert found[0].fix is not None and found[0].fix.label == "Replace with “look”"
    value = json.loads(raw)
    fixed = apply_problem_fix(found[0], value)
    assert fixed["messages"][1]["content"].startswith("Let me Look into it.")
    assert fixed["messages"][0]["content"] == "delve please"  # the user's words are theirs
    removed = apply_problem_fix(found[1], fixed)
    assert removed["messages"][1]["content"] == "Let me Look into it. , it is fine."
    assert value == json.loads(raw)  # the original is untouched
    assert banned(json.dumps(removed).encode()) == []


def test_clean_replies_and_partial_words_are_not_flagged() -> None:
    assert banned(line("We delved deeply; the delver left.")) == []  # whole words only
    assert banned(line("delve"), WordList()) == []


def test_the_word_list_lives_in_the_sidecar_beside_review_entries(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text("{}\n")
    assert sidecar_wordlist(data) is None
    write_wordlist(data, WORDS)
    assert sidecar_wordlist(data) == WORDS
    # saving the review entries later keeps the word list
    write_sidecar(data, {"format": "finetune-studio-review", "schema_version": 1, "entries": []})
    assert sidecar_wordlist(data) == WORDS
    write_wordlist(data, WordList())
    assert not sidecar_path(data).exists()  # nothing left to keep


def test_style_files_as_json_or_text(tmp_path: Path) -> None:
    text = tmp_path / "words.txt"
    text.write_text("# house words\ndelve => look\nat the end of the day\n+glad\n")
    assert load_wordlist(text) == WORDS
    as_json = tmp_path / "words.json"
    as_json.write_text(json.dumps(WORDS.to_json()))
    assert load_wordlist(as_json) == WORDS
    as_json.write_text('{"banned": [oops]}')
    with pytest.raises(UserFacingError, match="has a mistake on line 1"):
        load_wordlist(as_json)


class _Record:
    def __init__(self, raw: bytes) -> None:
        self.raw = raw


def test_the_app_rescans_only_changed_records_and_notes_preferred_words() -> None:
    from desktop_app.core.checks.voice.live import BannedCache

    class Counting(BannedCache):
        scans = 0

        def _scan(self, raw: bytes) -> tuple[tuple, bool]:
            Counting.scans += 1
            return super()._scan(raw)

    records = [_Record(line(f"Reply {i}: glad to help, let us delve in.")) for i in range(50)]
    records.append(_Record(line("Nothing to see.")))
    cache = Counting()
    found = cache.problems(records, WORDS)
    assert Counting.scans == 51 and [p.line for p in found] == list(range(1, 51))
    assert cache.preferred_lines == list(range(1, 51))
    records[3] = _Record(line("A plain reply, glad."))  # an edit makes a new record
    found = cache.problems(records, WORDS)
    assert Counting.scans == 52  # only the edited one was scanned again
    assert 4 not in [p.line for p in found] and 4 in cache.preferred_lines
    del records[0]  # lines move: the findings follow
    assert [p.line for p in cache.problems(records, WORDS)][:2] == [1, 2]
    assert Counting.scans == 52
