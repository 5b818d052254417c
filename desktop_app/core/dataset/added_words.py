"""Words the shipped word lists lack although writers of support replies and product copy use
them every day (a closed, reviewed list; a writer adds their own with “Add to My Dictionary”).

pyspellchecker's English list, built from film subtitles, has no “app”, “screenshot”, “inbox” or
“workflow”; its Portuguese list spells as Portugal does, so Brazil's “contato” and “registro”
were underlined (Brazil's circumflex spellings are a rule: word_forms.portuguese_variants).
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH_ADDED = _words(
    """
    app apps app's autocorrect captcha chatbot chatbots dropdown dropdowns e-book e-books ebook
    ebooks emoji emojis hashtag hashtags hotspot inbox inboxes livestream logout onboarding
    screenshot screenshots selfie selfies signup signups smartphone smartphones smartwatch
    spellcheck timestamp timestamps usernames wifi workflow workflows
    wi fi
    """
)  # (“wi” and “fi”: Wi-Fi, hi-fi and sci-fi are checked a part at a time)

PORTUGUESE_BRAZIL_ADDED = _words("contato contatos contatar planilha planilhas registro registros")
