"""The voice checks' stable codes (registered with every other check, see checks.base.rule)."""

from __future__ import annotations

from desktop_app.core.checks.base import rule
from desktop_app.core.problems import Severity

F = "voice"
TEACHES_FACTS = rule(
    "teaches_facts",
    Severity.WARNING,
    "The reply states facts (prices, dates, numbers, names, addresses) the conversation doesn't "
    "contain.",
    "Fine-tuning teaches how to speak, not facts: keep facts in the prompt or a document the "
    "model is given.",
    family=F,
)
NEAR_DUPLICATE = rule(
    "near_duplicate",
    Severity.WARNING,
    "The example is nearly the same as another one; only a few words differ.",
    "Near-copies make the model learn that example more strongly than the others. Keep one, or "
    "make them differ in what matters.",
    family=F,
)
STYLE_OUTLIER = rule(
    "style_outlier",
    Severity.INFO,
    "The reply is far outside the dataset's own house style (length, sentences, reading ease, "
    "exclamation marks, emoji, capitals, sign-off or person).",
    "The model learns the average of the replies; one far from the others pulls it off the "
    "house style. Rewrite it in the house style, or keep it if it is on purpose.",
    family=F,
)
BANNED_PHRASE = rule(
    "banned_phrase",
    Severity.WARNING,
    "The reply uses a word or phrase the dataset's word list bans.",
    "The word list is kept with the dataset (the Word list… button in the Overview tab's Style section, --style on the "
    "command line).",
    family=F,
)
DOMINANT_TOPIC = rule(
    "dominant_topic",
    Severity.INFO,
    "Most user requests are about one thing; the model will hear little of anything else.",
    family=F,
)
THIN_TOPICS = rule(
    "thin_topics",
    Severity.INFO,
    "Some kinds of user requests have only one or two examples; the model can hardly learn them.",
    family=F,
)
TOO_MANY_EPOCHS = rule(
    "too_many_epochs",
    Severity.WARNING,
    "The number of epochs is high for this few examples: the model would memorise them.",
    "Fewer epochs, or more examples, let the model learn the way of speaking instead.",
    family=F,
)

FIX_REPLACE_PHRASE = "replace_phrase"
