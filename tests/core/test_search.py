"""The examples search: narrowing while typing finds exactly what a fresh search finds."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.search.query import matching_rows, narrows, text_matcher


def test_narrowing_gives_the_same_rows_as_searching_everything(realworld_dir: Path) -> None:
    raws = [
        line
        for path in sorted(realworld_dir.glob("*.jsonl"))
        for line in path.read_bytes().splitlines()
    ]
    for word in ("assistant", "THE", 'say "', "ü"):
        found = None
        typed = ""
        for letter in word:
            previous, typed = typed, typed + letter
            matcher = text_matcher(typed)
            assert matcher is not None
            within = found if found is not None and narrows(typed, False, previous, False) else None
            found = matching_rows(matcher, raws, within)
            assert found == bytearray(matcher(raw) for raw in raws), typed
        assert any(found), word


def test_when_the_search_may_narrow() -> None:
    assert narrows("refund", False, "ref", False)
    assert narrows("Refund", False, "rEF", False)  # case does not matter
    assert not narrows("refund", False, "fun", True)  # a regular expression before
    assert not narrows("ref", False, "refund", False)  # deleting letters widens the search
    assert not narrows("café", False, "caf", False)  # ASCII and other text search differently
    assert not narrows("ref", False, "", False)
