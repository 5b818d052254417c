"""Forms of a word that a shipped dictionary lacks although it knows the word.

pyspellchecker's Spanish list holds almost no plurals (2 % of its words end in "s", against
36–50 % in its French, Portuguese and English lists) and leaves out the accented question words
("qué", "cómo"), so a Spanish text was half underlined. Here a Spanish plural counts as known
when its singular is, by the regular rules of the Real Academia's grammar: -s (personas →
persona), -es (mujeres → mujer), -ces → -z (veces → vez), and the written accent that comes or
goes with the extra syllable (flexiones → flexión, exámenes → examen).
"""

from __future__ import annotations

from collections.abc import Callable

_ACCENTED = str.maketrans("áéíóú", "aeiou")
_ADD_ACCENT = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú"}
SPANISH_QUESTION_WORDS = frozenset(
    (
        "qué", "cómo", "cuándo", "dónde", "adónde", "quién", "quiénes", "cuál", "cuáles",
        "cuánto", "cuánta", "cuántos", "cuántas",
    )
)  # fmt: skip


def spanish_singulars(word: str) -> list[str]:
    """The singulars a lower-case Spanish word would have if it were a plural (maybe none)."""
    if len(word) < 4 or not word.endswith("s"):
        return []
    forms = [word[:-1]]  # personas → persona, años → año
    if word.endswith("es"):
        stem = word[:-2]
        forms.append(stem)  # mujeres → mujer, laterales → lateral
        if stem.endswith("c"):
            forms.append(stem[:-1] + "z")  # veces → vez, luces → luz
        forms.append(_accent_last_vowel(stem))  # flexiones → flexión, ingleses → inglés
        forms.append(stem.translate(_ACCENTED))  # exámenes → examen, jóvenes → joven
    return forms


def _accent_last_vowel(stem: str) -> str:
    for at in range(len(stem) - 1, -1, -1):
        accented = _ADD_ACCENT.get(stem[at])
        if accented is not None:
            return stem[:at] + accented + stem[at + 1 :]
    return stem


# ---- Spanish verb forms ---------------------------------------------------------------------
# The Spanish list holds the infinitives (recomendar, incluir) but few of their forms
# (recomiendo, incluye): a form counts as known when the infinitive it comes from, by the
# regular endings and stem changes, is listed. Hunspell would know which verbs change their
# stem; this accepts a wrong form such as "recomiendamos" too — a rare miss, where underlining
# a fifth of a correct Spanish text was the rule.
_VERB_ENDINGS = tuple(
    sorted(
        {
            "o", "as", "a", "amos", "áis", "an", "es", "e", "emos", "éis", "en", "imos", "ís",
            "ando", "iendo", "yendo", "ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas",
            "é", "ó", "ió", "aste", "iste", "aron", "ieron", "aba", "abas", "ábamos", "aban",
            "ía", "ías", "íamos", "ían",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
_FUTURE_ENDINGS = ("é", "ás", "á", "emos", "éis", "án", "ía", "ías", "íamos", "ían")
_PRONOUNS = ("los", "las", "les", "nos", "lo", "la", "le", "me", "te", "se")
_SPELLING = (("qu", "c"), ("gu", "g"), ("zc", "c"), ("c", "z"), ("j", "g"), ("y", ""))
_DIPHTHONGS = (("ie", "e"), ("ue", "o"), ("i", "e"))


def spanish_infinitives(word: str) -> set[str]:
    """The infinitives a lower-case Spanish word could be a form of (maybe none)."""
    if len(word) < 3:
        return set()
    found: set[str] = set()
    for form in _without_pronouns(word):
        found |= {form[: -len(end)] for end in _FUTURE_ENDINGS if form.endswith(end)}  # usará
        found.add(form)  # hacer (from hacerlo)
        for end in _VERB_ENDINGS:
            if form.endswith(end) and len(form) - len(end) >= 2:
                for stem in _stems(form[: -len(end)]):
                    found.update(stem + infinitive for infinitive in ("ar", "er", "ir"))
    return {f for f in found if f.endswith(("ar", "er", "ir"))}


def _without_pronouns(word: str) -> list[str]:
    """The word, and the word without one or two pronouns fixed to its end (enfócate, dáselo),
    the accent they brought taken off."""
    forms = [word]
    rest = word
    for _ in range(2):
        cut = next((p for p in _PRONOUNS if rest.endswith(p) and len(rest) > len(p) + 2), None)
        if cut is None:
            break
        rest = rest[: -len(cut)]
        forms.append(rest.translate(_ACCENTED))
    return forms


def _stems(stem: str) -> set[str]:
    """The stem and the stems it may come from: accents off, the spelling kept before e
    (practiqu → practic), the stem vowel that changed (recomiend → recomend, pid → ped)."""
    stems = {stem, stem.translate(_ACCENTED)}
    for old, new in _SPELLING:
        stems |= {s[: -len(old)] + new for s in list(stems) if s.endswith(old)}
    for old, new in _DIPHTHONGS:
        for s in list(stems):
            at = s.rfind(old)
            if at > 0:
                stems.add(s[:at] + new + s[at + len(old) :])
    return stems


# ---- French elision --------------------------------------------------------------------------
# French drops a small word's vowel before the next word and joins them with an apostrophe
# (l'équipe, c'est, qu'il, n'y, jusqu'à); the list holds the words, not the joined pairs, so
# every such pair was underlined. The elided words are a closed set.
_FRENCH_ELIDED = frozenset(
    ("c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
     "quelqu")
)  # fmt: skip


def french_without_elision(word: str) -> str | None:
    """The word after an elided small word (“équipe” in “l'équipe”), or None when there is none
    (the word is lower-case, its apostrophes plain)."""
    head, apostrophe, rest = word.partition("'")
    return rest if apostrophe and rest and head in _FRENCH_ELIDED else None


# ---- Brazilian Portuguese -------------------------------------------------------------------
# The Portuguese list spells as Portugal does; Brazil writes a circumflex where Portugal writes
# an acute accent before m and n (econômico / económico, gênero / género, tênis / ténis).
_BRAZIL_TO_PORTUGAL = str.maketrans("âêô", "áéó")


def portuguese_variants(word: str) -> list[str]:
    """The Portuguese (Portugal) spelling of a Brazilian word, where it differs (maybe none)."""
    variant = word.translate(_BRAZIL_TO_PORTUGAL)
    return [variant] if variant != word else []


# ---- German compounds -----------------------------------------------------------------------
# German joins nouns into one word (Temperatur + Regelung: Temperaturregelung) and the list
# cannot hold them all: a word counts as known when it splits into listed words, each at least
# COMPOUND_PART letters, the first ones maybe with a joining -s-, -es-, -n- or -en-
# (Verbrennung-s-luft-zufuhr), or a verb's stem (Heiz-kessel). Hunspell does the same with its
# compound rules; a misspelling made of listed words (rare in a long compound) is missed.
COMPOUND_PART = 3
_JOINS = ("", "s", "es", "n", "en")


def german_compound(word: str, known: Callable[[str], bool], parts: int = 3) -> bool:
    """Whether a lower-case word is `parts` or fewer listed words joined (not counting itself)."""
    for cut in range(COMPOUND_PART, len(word) - COMPOUND_PART + 1):
        head, tail = word[:cut], word[cut:]
        if not (known(tail) or (parts > 2 and german_compound(tail, known, parts - 1))):
            continue
        if _first_part(head, known):
            return True
    return False


def _first_part(head: str, known: Callable[[str], bool]) -> bool:
    """A listed word, maybe with a joining letter or two, or a verb's stem (heiz-kessel,
    brenn-wert: heizen, brennen)."""
    for join in _JOINS:
        stem = head[: len(head) - len(join)] if join else head
        if head.endswith(join) and len(stem) >= COMPOUND_PART and known(stem):
            return True
    return known(head + "en")
