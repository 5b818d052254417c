"""Near-copies: examples that differ only by a few words, grouped; and nearly identical requests
with different replies (conflicting_replies, extended).

Not quadratic: each example carries MinHash signatures of its user words and its reply words
(features.signatures: datasketch's MinHash, computed with numpy). Locality-sensitive hashing
cuts the prompt signature into bands; examples sharing a band land in one bucket, and each is
compared with its bucket's first member only. The banding is done here with numpy over all
signatures at once (datasketch's MinHashLSH inserts one key at a time in Python, ~25 µs each,
and importing it loads SciPy); the scheme is the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from desktop_app.core.checks.base import FIX_REMOVE_EXAMPLE, REGISTRY, quote
from desktop_app.core.problems import Fix, Problem
from desktop_app.core.voice.features import NUM_PERM, words_of

BANDS, ROWS = 8, 4  # 8 bands of 4: pairs at 80% word overlap meet in a band 98.5% of the time
NEAR = 0.75  # estimated word overlap (Jaccard) of prompt and of reply for a near-copy
SAME_PROMPT = 0.85  # … of the requests for "nearly the same request"
OTHER_REPLY = 0.4  # … below which two replies are different
MAX_WORDS_SHOWN = 6


@dataclass(frozen=True, slots=True)
class Item:
    line: int
    prompt_sig: bytes
    reply_sig: bytes
    content_hash: bytes
    prompt_hash: bytes


# the (user words, final reply) of the examples on these lines (those it can find)
Texts = Callable[[set[int]], dict[int, tuple[str, str]]]
Known = dict[int, tuple[str, str]]
MAX_SHOWN_LINES = 2000  # examples whose differing words are shown (the rest: lines only)


def candidate_pairs(prompts: np.ndarray) -> np.ndarray:
    """(first, other) row pairs sharing a band of their prompt signatures, each pair once."""
    pairs: list[np.ndarray] = []
    rows = prompts.shape[0]
    for band in range(BANDS):
        part = prompts[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
        keys = np.zeros(rows, dtype=np.uint64)
        for column in range(ROWS):  # one number per band (a rare collision only adds a check)
            keys = keys * np.uint64(0x9E3779B97F4A7C15) + part[:, column]
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.r_[True, ordered[1:] != ordered[:-1]]
        group = np.cumsum(starts) - 1
        leaders = order[np.flatnonzero(starts)][group]
        keep = leaders != order
        if keep.any():
            pairs.append(np.stack([leaders[keep], order[keep]], axis=1))
    if not pairs:
        return np.empty((0, 2), dtype=np.int64)
    joined = np.concatenate(pairs).astype(np.int64)
    codes = np.unique(joined[:, 0] * rows + joined[:, 1])
    return np.stack([codes // rows, codes % rows], axis=1)


def near_problems(items: Sequence[Item], texts: Texts | None = None) -> list[Problem]:
    """near_duplicate for each near-copy (after the first of its group) and conflicting_replies
    for nearly identical requests answered differently."""
    size = NUM_PERM * 4
    usable = [i for i in items if len(i.prompt_sig) == size and len(i.reply_sig) == size]
    if len(usable) < 2:
        return []
    prompts = np.frombuffer(b"".join([i.prompt_sig for i in usable]), np.uint32)
    prompts = prompts.reshape(-1, NUM_PERM)
    replies = np.frombuffer(b"".join([i.reply_sig for i in usable]), np.uint32)
    replies = replies.reshape(-1, NUM_PERM)
    pairs = candidate_pairs(prompts)
    if not len(pairs):
        return []
    a, b = pairs[:, 0], pairs[:, 1]
    prompt_sim = (prompts[a] == prompts[b]).mean(axis=1)
    reply_sim = (replies[a] == replies[b]).mean(axis=1)
    near = (prompt_sim >= NEAR) & (reply_sim >= NEAR)
    conflict = (prompt_sim >= SAME_PROMPT) & (reply_sim < OTHER_REPLY)
    needed = {usable[i].line for i in np.concatenate([a[near], b[near], a[conflict], b[conflict]])}
    known: Known = {}
    if texts is not None and needed:
        known = texts(set(sorted(needed)[:MAX_SHOWN_LINES]))
    found = _groups(usable, a[near], b[near], known)
    found += _conflicts(usable, a[conflict], b[conflict], known)
    return found


def _groups(items: Sequence[Item], a: np.ndarray, b: np.ndarray, texts: Known) -> list[Problem]:
    parent = list(range(len(items)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        if items[x].content_hash != items[y].content_hash:  # exact copies: duplicate_example
            rx, ry = root(x), root(y)
            if rx != ry:
                parent[max(rx, ry)] = min(rx, ry)
    groups: dict[int, list[int]] = {}
    for x in {int(v) for v in np.concatenate([a, b])}:
        groups.setdefault(root(x), []).append(x)
    found: list[Problem] = []
    rule = REGISTRY["near_duplicate"]
    for members in groups.values():
        lines = sorted(items[m].line for m in members)
        if len(lines) < 2:
            continue
        first = lines[0]
        others = ", ".join(str(n) for n in lines[1:6]) + ("…" if len(lines) > 6 else "")
        for line in lines[1:]:
            words = _differing(first, line, texts)
            found.append(
                Problem(
                    rule.code,
                    rule.severity,
                    f"This example is nearly the same as line {first} (the group: lines {first}, "
                    f"{others}){words}. Keep one, or make them differ in what matters.",
                    line,
                    fix=Fix(FIX_REMOVE_EXAMPLE, "Remove this near-copy"),
                    hint=rule.hint,
                )
            )
    return found


def _conflicts(items: Sequence[Item], a: np.ndarray, b: np.ndarray, texts: Known) -> list[Problem]:
    rule = REGISTRY["conflicting_replies"]
    found: list[Problem] = []
    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        first, second = sorted((items[x], items[y]), key=lambda i: i.line)
        if first.prompt_hash == second.prompt_hash:
            continue  # the very same conversation: dataset_level reports it already
        found.append(
            Problem(
                rule.code,
                rule.severity,
                f"This example asks nearly the same as line {first.line}"
                f"{_differing(first.line, second.line, texts, prompt_only=True)}, but gets a "
                "different final reply.",
                second.line,
                hint=rule.hint,
            )
        )
    return found


def _differing(first: int, line: int, texts: Known, *, prompt_only: bool = False) -> str:
    """“; they differ in: “refund” / “return”” from the two examples' words (when known)."""
    one, two = texts.get(first), texts.get(line)
    if one is None or two is None:
        return ""
    left = words_of(one[0] if prompt_only else "\n".join(one))
    right = words_of(two[0] if prompt_only else "\n".join(two))
    # the words only one side has, in order (a set difference: difflib costs ~0.4 ms a pair)
    theirs, ours = set(right), set(left)
    was = list(dict.fromkeys(w for w in left if w not in theirs))[:MAX_WORDS_SHOWN]
    now = list(dict.fromkeys(w for w in right if w not in ours))[:MAX_WORDS_SHOWN]
    changes = []
    if was or now:
        changes.append(
            f"{quote(' '.join(was), 30)} → {quote(' '.join(now), 30)}"
            if was and now
            else quote(" ".join(was or now), 30)
        )
    if not changes:
        return "; only spacing, punctuation or word order differ"
    return "; they differ in: " + ", ".join(changes)
