"""The voice checks, each on a dataset built with planted cases and on a clean one."""

from __future__ import annotations

import json
from typing import Any

from desktop_app.core.analysis.analyzer import Analyzer, RecordSummary, dataset_problems
from desktop_app.core.checks.voice.report import voice_overview, voice_problems
from desktop_app.core.checks.voice.texts import memory_texts
from desktop_app.core.problems import Problem

TOPICS = ["invoice", "password", "delivery", "warranty", "account", "coupon", "battery", "screen"]
VERBS = ["change", "find", "check", "update", "cancel", "renew", "explain", "repair"]


def chat(user: str, reply: str, system: str = "You are Acme's support assistant.") -> Any:
    return {
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
            {"role": "assistant", "content": reply},
        ]
    }


def support(count: int) -> list[Any]:
    """Varied support replies that quote the user's own order number (never teaching facts)."""
    rows = []
    for i in range(count):
        topic, verb = TOPICS[i % len(TOPICS)], VERBS[(i // len(TOPICS)) % len(VERBS)]
        order = f"A-{48000 + i * 7}"
        rows.append(
            chat(
                f"Can you {verb} the {topic} on order {order}? Reference {i * 13}.",
                f"Thanks for asking about order {order}. We looked at the {topic} request "
                f"number {i}, and we will {verb} it for you so everything works as it should. "
                f"You will hear from us by e-mail once it is done, usually within {i % 5 + 2} "
                "working days of today. Let us know if anything else comes up.",
            )
        )
    return rows


def summaries(values: list[Any]) -> list[RecordSummary]:
    return Analyzer().records([json.dumps(v, ensure_ascii=False).encode() for v in values], 1)


def found(values: list[Any], code: str) -> list[Problem]:
    raws = [json.dumps(v, ensure_ascii=False).encode() for v in values]
    texts = memory_texts(lambda line: raws[line - 1] if 0 < line <= len(raws) else None)
    return [p for p in voice_problems(summaries(values), texts) if p.code == code]


def test_a_clean_support_dataset_raises_nothing() -> None:
    rows = support(64)
    assert voice_problems(summaries(rows)) == []


def test_teaches_facts_flags_specifics_the_conversation_lacks() -> None:
    rows = support(40)
    rows[7] = chat(
        "What does the premium plan cost?",
        "The premium plan costs $49.99 a month, renews on March 3, 2025 and you can call "
        "555-123-4567 or visit www.acme-example.com for the details of the plan today.",
    )
    [problem] = found(rows, "teaches_facts")
    assert problem.line == 8 and problem.message_index == 2
    assert "$49.99" in problem.message and "www.acme-example.com" in problem.message
    assert "March 3, 2025" in problem.message
    assert "and 1 more" in problem.message  # the phone number, not shown: three are enough
    assert problem.message.startswith("This reply states facts (")
    assert "keep facts in the prompt or a document the model is given" in problem.message
    overview = voice_overview(summaries(rows))
    assert overview.fact_lines == (8,) and overview.fact_share == 1 / 40


def test_house_constants_are_not_taught_facts() -> None:
    """A support line's phone number in every reply is the house's way of speaking."""
    rows = support(30)
    for row in rows:
        row["messages"][2]["content"] += " Our line is open on 555-987-6543."
    assert found(rows, "teaches_facts") == []


def test_near_duplicates_are_grouped_with_the_differing_words() -> None:
    rows = support(40)
    copy = json.loads(json.dumps(rows[3]))
    copy["messages"][2]["content"] = copy["messages"][2]["content"].replace("e-mail", "phone")
    rows.insert(20, copy)
    second = json.loads(json.dumps(rows[3]))
    second["messages"][1]["content"] = second["messages"][1]["content"].replace("Can", "Could")
    rows.append(second)
    near = found(rows, "near_duplicate")
    assert sorted(p.line for p in near) == [21, 42]
    assert all("nearly the same as line 4" in p.message for p in near)
    assert all("lines 4, 21, 42" in p.message for p in near)
    assert any("“e mail” → “phone”" in p.message for p in near)
    assert any("“can” → “could”" in p.message for p in near)
    assert all(p.fix is not None and p.fix.code == "remove_example" for p in near)


def test_exact_copies_stay_duplicate_example_only() -> None:
    rows = support(30)
    rows.append(json.loads(json.dumps(rows[2])))
    codes = [p.code for p in dataset_problems(summaries(rows))]
    assert "duplicate_example" in codes and "near_duplicate" not in codes


def test_nearly_identical_requests_with_different_replies_conflict() -> None:
    rows = support(30)
    asked = rows[5]["messages"][1]["content"]
    rows.append(
        chat(
            asked.replace("Can you", "Could you"),
            "No. That is not something anyone here does, ever, so please stop asking now.",
        )
    )
    conflicts = found(rows, "conflicting_replies")
    assert [p.line for p in conflicts] == [31]
    assert "nearly the same as line 6" in conflicts[0].message
    assert "“can” → “could”" in conflicts[0].message


def test_style_outliers_name_the_norm() -> None:
    rows = support(40)
    rows[10]["messages"][2]["content"] = " ".join(["Thanks for writing to us about this."] * 60)
    rows[11]["messages"][2]["content"] += " AMAZING!!! WOW!!! GREAT NEWS!!! 🎉🎉🎉🎉"
    outliers = found(rows, "style_outlier")
    by_line: dict[int, list[str]] = {}
    for p in outliers:
        by_line.setdefault(p.line or 0, []).append(p.message)
    assert set(by_line) == {11, 12}
    assert any("words long; this one is 420" in m for m in by_line[11])
    assert any(m.startswith("Most replies are ") for m in by_line[11])
    assert any("exclamation marks; this one has 9" in m for m in by_line[12])
    assert any("emoji; this one has 4" in m for m in by_line[12])
    assert any("words in capitals; this one has 4" in m for m in by_line[12])


def test_sign_off_and_person_are_learnt() -> None:
    rows = support(30)
    for row in rows:
        row["messages"][2]["content"] += "\n\nBest,\nAna"
    rows[4]["messages"][2]["content"] = rows[4]["messages"][2]["content"].replace(
        "\n\nBest,\nAna", ""
    )
    rows[6]["messages"][2]["content"] = (
        "I checked it myself and I will fix it for you; I think my note explains it.\n\nBest,\nAna"
    )
    messages = [(p.line, p.message) for p in found(rows, "style_outlier")]
    assert (5, "Most replies (96%) end with the sign-off “best, ana”; this one has none.") in [
        (line, m.split(" Rewrite")[0]) for line, m in messages
    ]
    assert any(line == 7 and "speak as “we”" in m and "as “I”" in m for line, m in messages)


def test_balance_dominant_and_thin_topics() -> None:
    rows = [
        chat(f"My invoice number {i} looks wrong, what happened?", f"We fixed invoice {i}.")
        for i in range(45)
    ]
    rows += [chat(f"Password reset {i} please", "Done.") for i in range(12)]
    rows += [
        chat("Tell me about warranty coverage", "Sure."),
        chat("Is my warranty valid?", "Yes."),
    ]
    groups = voice_overview(summaries(rows)).topics
    assert [(g.label, g.size) for g in groups[:2]] == [("invoice", 45), ("password", 12)]
    dominant = found(rows, "dominant_topic")
    assert len(dominant) == 1 and "“invoice”" in dominant[0].message
    [thin] = found(rows, "thin_topics")
    assert thin.message.startswith(
        "1 kind of request has only one or two examples: “warranty” (line 58)."
    )
    balanced = [chat(f"About {t} number {i}", "Fine.") for t in TOPICS for i in range(8)]
    assert found(balanced, "dominant_topic") == [] and found(balanced, "thin_topics") == []


def test_the_last_grouping_is_reused_only_for_the_same_requests() -> None:
    from desktop_app.core.checks.voice.balance import topic_groups

    items = [(line, ("invoice", "wrong")) for line in range(1, 30)]
    items += [(30, ("password", "reset")), (31, ("password", "locked"))]
    first = topic_groups(items)
    assert topic_groups(list(items)) == first  # asked again: the same answer
    changed = [*items[:-2], (30, ("warranty",)), (31, ("warranty", "valid"))]
    labels = [g.label for g in topic_groups(changed)]
    assert "warranty" in labels and "password" not in labels  # never the stale answer
    assert topic_groups(items) == first


def test_chinese_and_english_replies_side_by_side_are_not_style_outliers() -> None:
    """A Chinese reply of forty characters counted as one word, so every English reply beside it
    was "far too long" (31 findings on a published 37-line file); and a reply inside the norm the
    message names ("most are 1–22 words; this one is 13") was flagged."""
    rows = [
        chat(
            f"问题 {i}", "那肯定是可口可乐喵，百事可乐不是狗喝的？我们每天都一起喝，真的很好喝喵。"
        )
        for i in range(20)
    ]
    rows += [
        chat(f"Question {i}?", f"Of course, meow! I would pick the cola every time, number {i}.")
        for i in range(17)
    ]
    assert found(rows, "style_outlier") == []
    rows[3] = chat("问题", "喵。")  # one short reply among replies of a dozen words or more
    [short] = [p for p in found(rows, "style_outlier") if "words long" in p.message]
    assert short.line == 4 and short.message.startswith("Most replies are ")


def test_a_real_mixed_chinese_and_english_file_keeps_its_findings_few() -> None:
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "realworld"
    raws = (path / "yangzhijiany_hoshino_cat__example.jsonl").read_bytes().splitlines()
    values = [json.loads(raw) for raw in raws]
    outliers = found(values, "style_outlier")
    assert len(outliers) <= 2, [p.message for p in outliers]


def test_the_reading_ease_of_chinese_replies_is_not_measured() -> None:
    """Flesch's reading ease counts English syllables by their vowels: the hoshino file's Chinese
    replies scored up to 200 (“182+” in the Style chart), a number that says nothing."""
    from pathlib import Path

    from desktop_app.core.checks.voice.features import NOT_MEASURED

    path = Path(__file__).resolve().parents[1] / "data" / "realworld"
    raws = (path / "yangzhijiany_hoshino_cat__example.jsonl").read_bytes().splitlines()
    values = [json.loads(raw) for raw in raws]
    lines = summaries(values)
    eases = [s.voice.reading_ease for s in lines if s.voice is not None]
    chinese = [e for e in eases if e == NOT_MEASURED]
    assert 10 < len(chinese) < len(eases)  # the Chinese replies; the English ones keep a number
    chart = next(c for c in voice_overview(lines).charts if c.title.startswith("Reading ease"))
    assert sum(len(bar.lines) for bar in chart.bars) == len(eases) - len(chinese)
    assert not [p for p in found(values, "style_outlier") if "reading ease" in p.message]


def test_a_reply_inside_the_norm_the_message_names_is_never_flagged() -> None:
    """Two kinds of reply (short answers and long explanations): the median sits among the short
    ones, and the long ones were flagged with "Most replies are 3–40 words long; this one is 40"."""
    rows = [chat(f"Is order {i} shipped?", "Yes, it shipped.") for i in range(20)]
    long_reply = " ".join(["We checked the order and everything looks fine on our side."] * 4)
    rows += [chat(f"Why is order {i} late?", long_reply) for i in range(17)]
    lengths = [p for p in found(rows, "style_outlier") if "words long" in p.message]
    assert lengths == [], [p.message for p in lengths]


def test_a_reply_just_past_a_small_norm_is_not_an_outlier() -> None:
    """The Umbundu–Portuguese word list: 57 findings of "Most replies are 1–3 words long; this
    one is 4". A few words past a small norm is not far outside it; many are. The norm is said
    in whole words ("1–2.1 words" before)."""
    words = ["casa", "água", "bom dia", "livro", "mesa"]
    rows = [chat(f"Translate word {i}", words[i % len(words)]) for i in range(40)]
    rows[5] = chat("Translate a phrase", "uma casa muito grande")  # 4 words: far by the spread
    assert found(rows, "style_outlier") == []
    rows[6] = chat("Translate a sentence", "a casa grande fica perto do rio azul")  # 8 words
    [far] = found(rows, "style_outlier")
    assert far.line == 7
    assert far.message.startswith("Most replies are 1–2 words long; this one is 8.")

    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "realworld"
    raws = (path / "vldrco_Translator-Umbundu-Portuguese__fine_tune.jsonl").read_bytes()
    values = [json.loads(raw) for raw in raws.splitlines() if raw.strip()]
    lengths = [p.message for p in found(values, "style_outlier") if "words long" in p.message]
    assert 0 < len(lengths) <= 10, lengths
    assert not any("this one is 4." in m for m in lengths)


def test_an_acronym_said_again_and_again_is_one_word_in_capitals() -> None:
    """The published DPO file: "0–1 words in capitals; this one has 5" for a reply saying IPO
    five times. Shouting is many words in capitals, not one name repeated."""
    rows = support(40)
    rows[7]["messages"][2]["content"] += (
        " The IPO date, the IPO price, the IPO size: see IPO notes."
    )
    assert not [p for p in found(rows, "style_outlier") if "capitals" in p.message]
    rows[8]["messages"][2]["content"] += " HUGE SAVINGS, BEST PRICES, LIMITED OFFER, ACT NOW!"
    [loud] = [p for p in found(rows, "style_outlier") if "capitals" in p.message]
    assert loud.line == 9 and "this one has 8" in loud.message
