"""Forms of a word that a shipped dictionary lacks although it knows the word.

pyspellchecker's Spanish list holds almost no plurals (2 % of its words end in "s", against
36–50 % in its French, Portuguese and English lists) and leaves out the accented question words
("qué", "cómo"), so a Spanish text was half underlined. Here a Spanish plural counts as known
when its singular is, by the regular rules of the Real Academia's grammar: -s (personas →
persona), -es (mujeres → mujer), -ces → -z (veces → vez), and the written accent that comes or
goes with the extra syllable (flexiones → flexión, exámenes → examen).
"""

from __future__ import annotations

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
