"""House style: the replies' own norms, learnt with robust measures (median and MAD), and the
replies far outside them; and the facts replies bring in (teaches_facts), judged the same way.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from desktop_app.core.checks.base import REGISTRY, quote
from desktop_app.core.checks.voice.features import NOT_MEASURED, VoiceFeatures
from desktop_app.core.checks.voice.rules import STYLE_OUTLIER, TEACHES_FACTS
from desktop_app.core.problems import Problem
from desktop_app.core.tokens.stats import percentile

MIN_REPLIES = 20  # fewer replies have no norm to speak of
MAD_SCALE = 1.4826  # MAD × this estimates the standard deviation of normal data
CUTOFF = 3.5  # robust z-score beyond which a reply is far outside (Iglewicz and Hoaglin)
CONSTANT_SHARE = 0.1  # a specific in this share of replies is the house's, not a taught fact
SHARED_SHARE = 0.85  # a sign-off or person nearly all replies share is the norm
PER_SENTENCE = ("sentence_words", "reading_ease")
MIN_WORDS = 12
Lines = Sequence[tuple[int, VoiceFeatures]]


@dataclass(frozen=True, slots=True)
class Metric:
    name: str  # field of VoiceFeatures
    label: str  # "length", for messages and charts
    unit: str  # "words"
    log: bool  # judged on a log scale (lengths: "twice as long" is the same step everywhere)
    floor: float  # the least distance that counts as far (in the judged scale)
    upward_only: bool  # counts: only many is unusual
    says: str  # the message: {norm} and {value} filled in
    least: float = 0.0  # how far beyond the named norm a reply must be (4 words by 1–3 is not)
    whole: bool = True  # the norm is said in whole numbers (percentiles interpolate: "2.1 words")


METRICS = (
    Metric(
        "words",
        "length",
        "words",
        True,
        0.9,
        False,
        "Most replies are {norm} words long; this one is {value}.",
        least=3,
    ),
    Metric(
        "sentence_words",
        "sentence length",
        "words per sentence",
        True,
        0.6,
        False,
        "Most replies' sentences are {norm} words long on average; this one's are {value}.",
        least=3,
        whole=False,
    ),
    Metric(
        "reading_ease",
        "reading ease",
        "points, higher is easier",
        False,
        40.0,
        False,
        "Most replies score {norm} for reading ease (higher is easier); this one scores {value}.",
        whole=False,
    ),
    Metric(
        "exclamations",
        "exclamation marks",
        "per reply",
        False,
        2.5,
        True,
        "Most replies have {norm} exclamation marks; this one has {value}.",
    ),
    Metric(
        "emoji",
        "emoji",
        "per reply",
        False,
        2.5,
        True,
        "Most replies have {norm} emoji; this one has {value}.",
    ),
    Metric(
        "capitals",
        "words in capitals",
        "per reply",
        False,
        2.5,
        True,
        "Most replies have {norm} words in capitals; this one has {value}.",
    ),
)


def style_outliers(lines: Lines) -> list[Problem]:
    """One style_outlier per reply and aspect far outside the dataset's norm."""
    if len(lines) < MIN_REPLIES:
        return []
    found: list[Problem] = []
    table = measures(lines)  # one column per metric, one value per reply
    short = [words < MIN_WORDS for words in table[0]]  # a few words have no sentences to judge
    for metric, all_values in zip(METRICS, table, strict=True):
        at = _measured(metric, all_values)  # the replies this metric says something about
        if len(at) < MIN_REPLIES:
            continue
        values = [all_values[i] for i in at] if len(at) < len(all_values) else all_values
        judged = list(map(math.log1p, values)) if metric.log else values
        median = statistics.median(judged)
        spread = statistics.median([abs(v - median) for v in judged])
        spread = max(MAD_SCALE * spread * CUTOFF, metric.floor)
        far = [
            v - median > spread or (not metric.upward_only and median - v > spread) for v in judged
        ]
        if metric.name in PER_SENTENCE:
            far = [f and not short[i] for f, i in zip(far, at, strict=True)]
        if not any(far):
            continue
        ordered = sorted(values)
        low, high = percentile(ordered, 0.1), percentile(ordered, 0.9)
        if metric.whole:
            low, high = round(low), round(high)
        # never inside the norm the message names ("most are 1–22 words; this one is 13"): with
        # two kinds of reply (two languages) the median sits in one of them; nor just past it
        far = [f and _beyond(v, low, high, metric.least) for f, v in zip(far, values, strict=True)]
        for index in (i for i, f in enumerate(far) if f):
            line, features = lines[at[index]]
            found.append(_outlier(line, features, metric, low, high, values[index]))
    found += _shared_habits(lines)
    return found


def _measured(metric: Metric, values: list[float]) -> Sequence[int]:
    """Where the metric was measured: all replies, but for the reading ease of replies in
    another script than Latin (NOT_MEASURED), which Flesch's English syllable count cannot judge."""
    if metric.name != "reading_ease":
        return range(len(values))
    return [i for i, v in enumerate(values) if v != NOT_MEASURED]


def _beyond(value: float, low: float, high: float, least: float) -> bool:
    """Outside low–high, by at least `least` when that is more than nothing."""
    return (value > high and value - high >= least) or (value < low and low - value >= least)


def measures(lines: Lines) -> list[list[float]]:
    """The METRICS of every reply as columns of floats (one per metric), read in C (map)."""
    features = list(map(itemgetter(1), lines))
    fields = [VoiceFeatures._fields.index(m.name) for m in METRICS]
    return [list(map(float, map(itemgetter(field), features))) for field in fields]


def _outlier(
    line: int, features: VoiceFeatures, metric: Metric, low: float, high: float, value: float
) -> Problem:
    norm = f"{_number(low)}–{_number(high)}" if _number(low) != _number(high) else _number(low)
    return _problem(
        STYLE_OUTLIER,
        metric.says.format(norm=norm, value=_number(value))
        + " Rewrite it in the house style, or keep it if it is on purpose.",
        line,
        features.reply_index,
    )


def _shared_habits(lines: Lines) -> list[Problem]:
    """Sign-off and person: when most replies share one, the replies that do otherwise."""
    found: list[Problem] = []
    sign_offs = Counter(f.sign_off for _, f in lines)
    usual, count = sign_offs.most_common(1)[0]
    if usual and count >= SHARED_SHARE * len(lines):
        found += [
            _problem(
                STYLE_OUTLIER,
                f"Most replies ({count * 100 // len(lines)}%) end with the sign-off "
                f"{quote(usual)}; this one "
                + ("has none." if not f.sign_off else f"ends with {quote(f.sign_off)}."),
                line,
                f.reply_index,
            )
            for line, f in lines
            if f.sign_off != usual
        ]
    persons = Counter(f.person for _, f in lines if f.person)
    if persons:
        person, count = persons.most_common(1)[0]
        total = sum(persons.values())
        if count >= SHARED_SHARE * total and total >= MIN_REPLIES:
            other = "we" if person == "I" else "I"
            found += [
                _problem(
                    STYLE_OUTLIER,
                    f"Most replies speak as “{person}” ({count * 100 // total}%); this one "
                    f"speaks as “{other}”.",
                    line,
                    f.reply_index,
                )
                for line, f in lines
                if f.person == other
            ]
    return found


def fact_constants(lines: Lines) -> set[str]:
    """Specifics so common in the replies that they are the house's (a support line's number,
    the company's web address): repeating them is how the dataset speaks."""
    seen: Counter[str] = Counter()
    for _, features in lines:
        if features.facts:
            seen.update({k for _, _, k in features.facts})
    least = max(3, CONSTANT_SHARE * len(lines))
    return {k for k, n in seen.items() if n >= least}


def teaches_facts(lines: Lines) -> list[Problem]:
    """Replies stating specifics the conversation doesn't contain (house constants aside)."""
    constants = fact_constants(lines)
    found: list[Problem] = []
    for line, features in lines:
        if not features.facts:
            continue
        new = [(kind, text) for kind, text, k in features.facts if k not in constants]
        if not new:
            continue
        shown = ", ".join(f"{kind} {quote(text, 30)}" for kind, text in new[:3])
        more = f" and {len(new) - 3} more" if len(new) > 3 else ""
        found.append(
            _problem(
                TEACHES_FACTS,
                f"This reply states facts ({shown}{more}) that the conversation doesn't contain. "
                "Fine-tuning teaches how to speak, not facts: keep facts in the prompt or a "
                "document the model is given.",
                line,
                features.reply_index,
            )
        )
    return found


def _problem(code: str, message: str, line: int, index: int) -> Problem:
    found = REGISTRY[code]
    at = index if index >= 0 else None  # -1: a preference pair's reply (not a message)
    return Problem(code, found.severity, message, line, message_index=at, hint=found.hint)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or float(value).is_integer() else f"{value:.1f}"
