"""What each example's voice features measure, and that its MinHash is datasketch's."""

from __future__ import annotations

import zlib

import pytest
from datasketch import MinHash
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.core.checks.voice.facts import specifics
from desktop_app.core.checks.voice.features import plain_words, shingles, signatures, voice_features


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=30))
def test_signatures_equal_datasketch_minhash(texts: list[str]) -> None:
    text = " ".join(texts)
    words = list(dict.fromkeys(plain_words(text)))[:48]
    if not words:
        assert shingles(text) == b""
        return
    expected = MinHash(num_perm=32, seed=1, hashfunc=zlib.crc32)
    expected.update_batch(words)
    ours = signatures([b"", shingles(text), shingles("other words"), b""])
    assert ours[1] == expected.hashvalues.astype("uint32").tobytes()
    assert ours[0] == ours[3] == b""


def reply(text: str, user: str = "Hi, can you help?") -> object:
    features = voice_features(
        [{"role": "user", "content": user}, {"role": "assistant", "content": text}], 1
    )
    assert features is not None
    return features


def test_style_measures() -> None:
    f = reply("We checked it! Our team is on it. AMAZING NEWS, truly 🎉🎉\n\nBest,\nAna")
    assert f.words == 14  # the emoji pair counts as a word
    assert f.exclamations == 1 and f.emoji == 2 and f.capitals == 2
    assert f.person == "we" and f.sign_off == "best, ana" and f.sentence_words == 7.0
    assert reply("I think my answer helps me.").person == "I"
    assert reply("Fine.").sign_off == "" and reply("Fine.").person == ""
    plain, hard = (
        reply("The cat sat on the mat. It was fun."),
        reply(
            "Notwithstanding considerable organisational complications, institutional "
            "responsibilities necessitate comprehensive reconsideration."
        ),
    )
    assert plain.reading_ease > hard.reading_ease + 40


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("It costs $49.99 a month.", {"price"}),
        ("Call 555-123-4567 today.", {"phone number"}),
        ("It renews on March 3, 2025 at 10:30 am.", {"date", "time"}),
        ("Visit www.acme-example.com or write to help@acme.example.", {"web address"}),
        ("We ship from 221 Baker Street within 30 days.", {"address", "amount"}),
        ("Ask for Maria Lopez at the desk.", {"name"}),
    ],
)
def test_specifics_the_conversation_lacks(text: str, kinds: set[str]) -> None:
    found, echoed = specifics(text, "Hello, I have a question.")
    assert kinds <= {kind for kind, _, _ in found} and echoed == 0


def test_reading_ease_is_measured_only_in_latin_script() -> None:
    from desktop_app.core.checks.voice.features import NOT_MEASURED

    for text in (
        "안녕하세요, 주문하신 상품은 내일 도착합니다.",
        "Здравствуйте! Ваш заказ отправлен.",
        "你好，订单明天到。",
    ):
        assert reply(text).reading_ease == NOT_MEASURED, text
    for text in (
        "Hola, ¿cómo estás? Te lo envío mañana.",
        "Bonjour, merci ! Votre commande arrive.",
        "Yes, meow! 喵",
    ):
        assert 0 < reply(text).reading_ease < 150, text


def test_a_headline_in_title_case_and_a_line_break_make_no_names() -> None:
    # from Microsoft's DPO sample: names the facts check used to report
    context = "Hello, I have a question."
    for text in (
        'Title: "Greg Biffle Scores Second Career Victory in NASCAR NEXTEL Cup Race"',
        "The Tale: The 8-Year-Old Who Found A Pre-Viking Sword",
        "Here is a title.\n\n**Towards Enhanced Search Experience**",
        "was more popular in Germany\nTo ascertain his popularity, we need more",
    ):
        assert [t for kind, t, _ in specifics(text, context)[0] if kind == "name"] == [], text
    found, _ = specifics(
        "Ask for Maria Lopez, or try the Galaxy S24 in store. The Buddha, Siddhartha Gautama, "
        "taught it. Colorado Governor Jared Polis stated in a press release that it was over.",
        context,
    )
    names = {t for kind, t, _ in found if kind == "name"}
    assert names == {"Maria Lopez", "S24", "Siddhartha Gautama", "Governor Jared Polis"}


def test_specifics_the_user_gave_are_echoed_not_new() -> None:
    found, echoed = specifics(
        "Your order A-48213 for $12.99 ships on March 3.", "Where is order a48213 ($12.99)?"
    )
    assert [kind for kind, _, _ in found] == ["date"] and echoed == 1  # the price
    assert specifics("Thanks, we are on it. See you soon!", "Hi") == ((), 0)
    code = "```python\nprint(4200 + 3.5)\n```\nThat prints the sum."
    assert reply(code).facts == ()  # numbers in code are not facts


def test_a_lone_surrogate_is_measured_not_fatal() -> None:
    """A broken file's "\\ud800" escape reads as a lone surrogate, which UTF-8 cannot encode:
    the voice features measured such a reply by crashing `validate` (and the window's check)."""
    conversation = [
        {"role": "user", "content": "Price of the \ud800 Galaxy S24 please"},
        {"role": "assistant", "content": "It costs $799 \ud800 today.\nBest,\nAna"},
    ]
    features = voice_features(conversation, 1)
    assert features is not None
    assert features.words == 7 and features.sign_off == "best, ana"
    assert ("price", "$799", "799") in features.facts


def test_chinese_and_japanese_characters_count_as_words() -> None:
    from desktop_app.core.checks.voice.features import word_count

    assert word_count("你好世界") == 4
    assert word_count("hello 世界 and こんにちは, pubg这款") == 1 + 2 + 1 + 5 + 1 + 2
    assert word_count("안녕하세요 반갑습니다") == 2  # Korean writes spaces between words
    features = reply("那肯定是可口可乐喵，百事可乐不是狗喝的？")
    assert features is not None and features.words == 18
