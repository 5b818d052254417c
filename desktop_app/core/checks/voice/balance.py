"""What the dataset is about: a breakdown by tag and by groups of similar user requests.

The grouping is simple enough to explain in one sentence: each request joins the group of its
most common content word (a word of four letters or more that is not a filler such as “please”,
nor one nearly every request uses), counted over the whole dataset; where its words tie, the
biggest such group. “Requests about ‘refund’: 340” says exactly why they are
together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

from desktop_app.core.checks.base import REGISTRY
from desktop_app.core.checks.voice.rules import DOMINANT_TOPIC, THIN_TOPICS
from desktop_app.core.problems import Problem

DOMINANT_SHARE = 0.4
EVERYWHERE = 0.9
MIN_EXAMPLES = 20  # below this, a breakdown says little
THIN = 2  # groups with this many examples or fewer
SIZEABLE = 5  # thin groups are news only when most requests are in groups this big or bigger
MIN_FOR_THIN = 50
OTHER = "(other)"  # requests that share no word with any other


@dataclass(frozen=True, slots=True)
class Group:
    label: str  # the shared word, or OTHER
    lines: tuple[int, ...]

    @property
    def size(self) -> int:
        return len(self.lines)


def topic_groups(items: Sequence[tuple[int, tuple[str, ...]]]) -> list[Group]:
    """Groups of requests by their most common shared word, largest first.

    The findings and the overview both ask, one after the other, with the same requests: the
    last answer is kept (comparing the requests costs ~1/100 of grouping them)."""
    items = list(items)
    for asked, answer in _LAST_GROUPED:
        if asked == items:
            return list(answer)
    groups = _topic_groups(items)
    _LAST_GROUPED[:] = [(items, tuple(groups))]  # one slice assignment: safe across threads
    return groups


_LAST_GROUPED: list[tuple[list[tuple[int, tuple[str, ...]]], tuple[Group, ...]]] = []


def _topic_groups(items: Sequence[tuple[int, tuple[str, ...]]]) -> list[Group]:
    frequency = Counter(chain.from_iterable(words for _, words in items))  # counted in C
    if len(items) >= MIN_EXAMPLES:  # a word nearly every request uses tells them not apart
        for word in [w for w, n in frequency.items() if n >= EVERYWHERE * len(items)]:
            frequency[word] = 0
    count = frequency.__getitem__
    first = Counter(max(words, key=count) for _, words in items if words)
    # then: the biggest of those groups among its words (ties: the more common word)
    score = {w: first.get(w, 0) * (len(items) + 1) + n for w, n in frequency.items()}
    best_of = score.__getitem__
    members: dict[str, list[int]] = {}
    for line, words in items:
        best = max(words, key=best_of) if words else ""
        members.setdefault(best if frequency.get(best, 0) >= 2 else OTHER, []).append(line)
    groups = [Group(label, tuple(lines)) for label, lines in members.items()]
    return sorted(groups, key=lambda g: (g.label == OTHER, -g.size, g.label))


def tag_groups(tags: Sequence[tuple[str, ...]], limit: int = 10) -> list[Group]:
    """Examples per tag (`tags[i]`: line i + 1's), the most used first; “(no tag)” for the rest."""
    lines: dict[str, list[int]] = {}
    for line, example_tags in enumerate(tags, 1):
        for tag in example_tags or ("(no tag)",):
            lines.setdefault(tag, []).append(line)
    ordered = sorted(lines.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
    return [Group(tag, tuple(found)) for tag, found in ordered]


def balance_problems(groups: Sequence[Group]) -> list[Problem]:
    total = sum(g.size for g in groups)
    if total < MIN_EXAMPLES:
        return []
    found: list[Problem] = []
    named = [g for g in groups if g.label != OTHER]
    if named and named[0].size >= DOMINANT_SHARE * total:
        top = named[0]
        rule = REGISTRY[DOMINANT_TOPIC]
        found.append(
            Problem(
                rule.code,
                rule.severity,
                f"{top.size * 100 // total}% of the user requests ({top.size:,} of {total:,}) are "
                f"about “{top.label}”. Add examples of the other things users ask, or check this "
                "is what you want the model to be best at.",
            )
        )
    thin = [g for g in named if g.size <= THIN]
    grouped = sum(g.size for g in named if g.size >= SIZEABLE)
    if thin and total >= MIN_FOR_THIN and grouped >= total / 2:  # the requests form groups
        rule = REGISTRY[THIN_TOPICS]
        shown = ", ".join(f"“{g.label}” (line {g.lines[0]})" for g in thin[:6])
        more = f" and {len(thin) - 6} more" if len(thin) > 6 else ""
        found.append(
            Problem(
                rule.code,
                rule.severity,
                f"{len(thin)} {'kind of request has' if len(thin) == 1 else 'kinds of request have'}"
                f" only one or two examples: {shown}{more}. "
                "Add a few more of each that matters, or remove the strays.",
            )
        )
    return found
