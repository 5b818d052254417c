"""Near-copies: examples that differ only by a few words, grouped; and nearly identical requests
with different replies (conflicting_replies, extended).

Not quadratic: each example carries MinHash signatures of its user words and its reply words
(voice.minhash: datasketch's MinHash). Locality-sensitive hashing cuts the prompt signature into
bands; examples sharing a band land in one bucket, and each is compared with its bucket's first
member only. The buckets are dictionaries keyed by the band's bytes, built in C by dict(zip())
(datasketch's MinHashLSH inserts one key at a time, ~25 µs each, and needs numpy); the scheme is
the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import add, mul, ne

from desktop_app.core.checks.base import FIX_REMOVE_EXAMPLE, REGISTRY, quote
from desktop_app.core.checks.voice.features import words_of
from desktop_app.core.checks.voice.minhash import NUM_PERM
from desktop_app.core.problems import Fix, Problem

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


def candidate_pairs(prompts: Sequence[bytes]) -> list[int]:
    """The row pairs sharing a band of their prompt signatures, each once, in order, as codes
    first × len(prompts) + other (integers hash and sort far quicker than tuples)."""
    count = len(prompts)
    rows = range(count)
    width = ROWS * 4  # bytes of one band
    codes: set[int] = set()
    for band in range(BANDS):
        keys = [p[band * width : (band + 1) * width] for p in prompts]
        # the bucket's first row: built backwards, so the first row of each key is the one kept
        first = dict(zip(reversed(keys), reversed(rows), strict=True))
        if len(first) == count:
            continue  # every row alone in its bucket
        leaders = list(map(first.__getitem__, keys))
        others = list(map(ne, leaders, rows))  # rows that are not their bucket's first
        codes.update(
            map(add, map(mul, compress(leaders, others), repeat(count)), compress(rows, others))
        )
    return sorted(codes)


def near_problems(items: Sequence[Item], texts: Texts | None = None) -> list[Problem]:
    """near_duplicate for each near-copy (after the first of its group) and conflicting_replies
    for nearly identical requests answered differently."""
    size = NUM_PERM * 4
    usable = [i for i in items if len(i.prompt_sig) == size and len(i.reply_sig) == size]
    if len(usable) < 2:
        return []
    prompts = [int.from_bytes(i.prompt_sig, "little") for i in usable]
    replies = [int.from_bytes(i.reply_sig, "little") for i in usable]
    near: list[tuple[int, int]] = []
    conflict: list[tuple[int, int]] = []
    for code in candidate_pairs([i.prompt_sig for i in usable]):
        a, b = divmod(code, len(usable))
        prompt_sim = _similarity(prompts[a], prompts[b])
        if prompt_sim < NEAR:  # neither a near-copy nor the same request (SAME_PROMPT > NEAR)
            continue
        reply_sim = _similarity(replies[a], replies[b])
        if reply_sim >= NEAR:
            near.append((a, b))
        elif prompt_sim >= SAME_PROMPT and reply_sim < OTHER_REPLY:
            conflict.append((a, b))
    needed = {usable[i].line for pair in near + conflict for i in pair}
    known: Known = {}
    if texts is not None and needed:
        known = texts(set(sorted(needed)[:MAX_SHOWN_LINES]))
    found = _groups(usable, near, known)
    found += _conflicts(usable, conflict, known)
    return found


# A signature read as one integer has 32 lanes of 32 bits: each lane's top bit, and the rest.
_TOPS = sum(1 << (32 * i + 31) for i in range(NUM_PERM))
_LOWS = sum(0x7FFFFFFF << (32 * i) for i in range(NUM_PERM))


def _similarity(one: int, two: int) -> float:
    """The estimated word overlap (Jaccard): the share of the 32 MinHash values two sets share.
    Lanes that differ are non-zero in one ^ two; adding 0x7FFFFFFF to a lane's low 31 bits
    carries into its top bit exactly when they are not all zero (no carry leaves the lane)."""
    differ = one ^ two
    nonzero = (((differ & _LOWS) + _LOWS) | differ) & _TOPS
    return (NUM_PERM - nonzero.bit_count()) / NUM_PERM


def _groups(items: Sequence[Item], pairs: list[tuple[int, int]], texts: Known) -> list[Problem]:
    parent = list(range(len(items)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in pairs:
        if items[x].content_hash != items[y].content_hash:  # exact copies: duplicate_example
            rx, ry = root(x), root(y)
            if rx != ry:
                parent[max(rx, ry)] = min(rx, ry)
    groups: dict[int, list[int]] = {}
    # every row of the pairs: the firsts, then the others (this order decides the groups' order)
    for x in {*(x for x, _ in pairs), *(y for _, y in pairs)}:
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


def _conflicts(items: Sequence[Item], pairs: list[tuple[int, int]], texts: Known) -> list[Problem]:
    rule = REGISTRY["conflicting_replies"]
    found: list[Problem] = []
    for x, y in pairs:
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
