"""Export for Google Vertex AI (Gemini supervised tuning): `contents`/`parts` JSONL + a job request.

Gemini reads `{"systemInstruction": {"parts": [{"text": …}]}, "contents": [{"role": "user" |
"model", "parts": [{"text": …}]}, …]}` per line: the assistant is `model`, the system prompt goes
to `systemInstruction`, every text is a part. Turns alternate, starting with the user, so messages
of the same role that follow each other become one turn with several parts (nothing is joined).
Tool calls have their own function-calling format, which this export does not write: such
examples are left out and counted. Gemini learns every model turn, so `weight` 0 cannot be kept.
Tuning runs in Google Cloud: the data goes to a Cloud Storage bucket and `tuning-job.json` is the
request that starts the job (see the README the export writes).
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from desktop_app.core.exports.common import (
    ASSISTANT,
    SYSTEM,
    TOOL,
    Conversation,
    ConversionLog,
    ExportError,
    Note,
    Skip,
    Source,
    learned_anyway,
    removed_field,
)
from desktop_app.core.exports.job import ExportJob

NAME = "vertex"
LABEL = "Google Vertex AI (Gemini)"
SUMMARY = (
    "Google Cloud: tune a Gemini model on Vertex AI (a Google Cloud project with billing and a "
    "storage bucket)."
)
DEFAULT_MODEL = "gemini-2.5-flash"
NEEDS_VALIDATION = False
SUPPORTS_PREFERENCE = False
USER, MODEL = "user", "model"
MAX_VALIDATION = 5_000  # Vertex's limit for a validation file
MAX_FILE_BYTES = 1_000_000_000  # 1 GB per JSONL file
REGION = "us-central1"
JOB_FILE = "tuning-job.json"
BUCKET_PATH = "gs://YOUR_BUCKET/finetune-studio"

TOOL_USE = Note(
    "Left out 1 example with tool calls or tool results ({where}); Vertex AI takes those in its "
    "own function-calling format, which this export does not write.",
    "Left out {n} examples with tool calls or tool results ({where}); Vertex AI takes those in its "
    "own function-calling format, which this export does not write.",
)
SYSTEM_LATER = Note(
    "Left out 1 example with a system message after the conversation started ({where}); Gemini "
    "takes one system instruction, before the conversation.",
    "Left out {n} examples with a system message after the conversation started ({where}); Gemini "
    "takes one system instruction, before the conversation.",
)
REPLY_FIRST = Note(
    "Left out 1 example that starts with a reply instead of the user's message ({where}); Gemini "
    "conversations start with the user.",
    "Left out {n} examples that start with a reply instead of the user's message ({where}); "
    "Gemini conversations start with the user.",
)
SAME_ROLE_TURNS = Note(
    "Put messages of the same role that follow each other into one turn, as separate parts, in 1 "
    "example ({where}); Gemini needs the user and the model to take turns.",
    "Put messages of the same role that follow each other into one turn, as separate parts, in {n} "
    "examples ({where}); Gemini needs the user and the model to take turns.",
)


def build(job: ExportJob) -> None:
    sources = [job.train] + ([job.validation] if job.validation is not None else [])
    converted: list[list[dict[str, Any]]] = []
    for source in sources:
        text_only = _without_tool_use(source)
        untrained = learned_anyway(job.target)
        converted.append(
            job.chat_rows(text_only, partial(gemini_row, target=job.target), untrained=untrained)
        )
    train = converted[0]
    valid = converted[1] if len(converted) > 1 else []
    if not train:
        return
    if len(valid) > MAX_VALIDATION:
        raise ExportError(
            f"Vertex AI reads at most {MAX_VALIDATION:,} validation examples; this export has "
            f"{len(valid):,}.",
            "Set aside a smaller share for validation, or pick a smaller validation file.",
        )
    job.write_data("train", train)
    if valid:
        job.write_data("valid", valid)
    for name in ("train", "valid") if valid else ("train",):
        if (job.writer.folder / "data" / f"{name}.jsonl").stat().st_size > MAX_FILE_BYTES:
            raise ExportError(
                f"data/{name}.jsonl is larger than 1 GB, the most Vertex AI reads in one file.",
                "Export fewer or shorter examples.",
            )
    job.writer.write(JOB_FILE, tuning_job(job, bool(valid)))
    job.writer.write("README.md", _readme(job, bool(valid)))


def _without_tool_use(source: Source) -> Source:
    """The source without examples that call tools (counted in its log)."""
    kept = []
    for example in source.examples:
        messages = example.value.get("messages")
        uses_tools = isinstance(messages, list) and any(
            isinstance(m, dict) and (m.get("tool_calls") or m.get("role") == TOOL) for m in messages
        )
        if uses_tools:
            source.log.add(TOOL_USE, example.line)
        else:
            kept.append(example)
    return Source(source.kind, kept, source.log, source.quiet)


def gemini_row(conversation: Conversation, log: ConversionLog, *, target: str) -> dict[str, Any]:
    """One example in Gemini's format; raises Skip when Gemini cannot take it."""
    messages = conversation.messages
    system = []
    while messages and messages[0]["role"] == SYSTEM:
        system.append({"text": messages[0]["content"]})
        messages = messages[1:]
    contents: list[dict[str, Any]] = []
    merged = False
    for message in messages:
        if message["role"] == SYSTEM:
            raise Skip(SYSTEM_LATER)
        role = MODEL if message["role"] == ASSISTANT else USER
        if contents and contents[-1]["role"] == role:
            contents[-1]["parts"].append({"text": message["content"]})
            merged = True
        else:
            contents.append({"role": role, "parts": [{"text": message["content"]}]})
    if not contents or contents[0]["role"] != USER:
        raise Skip(REPLY_FIRST)
    if merged:
        log.add(SAME_ROLE_TURNS, conversation.line)
    if conversation.tools:
        log.add(removed_field("tools", target, top_level=True), conversation.line)
    row: dict[str, Any] = {}
    if system:
        row["systemInstruction"] = {"parts": system}
    row["contents"] = contents
    return row


def tuning_job(job: ExportJob, has_validation: bool) -> str:
    """tuning-job.json: the request that starts the tuning job; the model is named only here."""
    spec: dict[str, Any] = {"trainingDatasetUri": f"{BUCKET_PATH}/train.jsonl"}
    if has_validation:
        spec["validationDatasetUri"] = f"{BUCKET_PATH}/valid.jsonl"
    request = {
        "baseModel": job.base_model,
        "supervisedTuningSpec": spec,
        "tunedModelDisplayName": display_name(job.source_name),
    }
    return json.dumps(request, indent=2, ensure_ascii=False) + "\n"


def display_name(source_name: str) -> str:
    """“library-chats.jsonl” → “library-chats-tuned” (Vertex allows up to 128 characters)."""
    stem = source_name.strip("“”").rsplit(".", 1)[0] or "dataset"
    return (stem[:100] + "-tuned") if stem != "your dataset" else "finetune-studio-tuned"


def _readme(job: ExportJob, has_validation: bool) -> str:
    files = [
        ("data/train.jsonl", "the training examples, in Gemini's `contents` / `parts` format"),
        *([("data/valid.jsonl", "the validation examples")] if has_validation else []),
        (JOB_FILE, "the request that starts the tuning job: model, data, name"),
        ("README.md", "this file"),
    ]
    head = job.readme_head(
        "Tune a Gemini model on Google Vertex AI",
        files,
        where=(
            "Tuning runs in Google Cloud, in your own project, and is billed by Google per "
            "training token\n(see https://cloud.google.com/vertex-ai/generative-ai/pricing). "
            "Finetune Studio sent nothing anywhere."
        ),
    )
    uploads = "data/train.jsonl data/valid.jsonl" if has_validation else "data/train.jsonl"
    few = job.counts.get("train", 0) < 100
    advice = (
        "\nGoogle recommends starting with about 100 examples; with fewer, the tuned model may "
        "change little.\n"
        if few
        else ""
    )
    api = f"https://{REGION}-aiplatform.googleapis.com/v1"
    project_path = f"projects/YOUR_PROJECT/locations/{REGION}"
    return f"""{head}
## 1. Set up (once)

You need a Google Cloud project with billing turned on, and the Google Cloud command line
(`gcloud`, https://cloud.google.com/sdk/docs/install). Then, in a terminal:

```bash
gcloud auth login
gcloud config set project YOUR_PROJECT
gcloud services enable aiplatform.googleapis.com
gcloud storage buckets create gs://YOUR_BUCKET --location={REGION}
```

`YOUR_PROJECT` is your project's ID. Bucket names are shared by everyone on Google Cloud: pick
one of your own and write it in place of `YOUR_BUCKET` here, below and in `{JOB_FILE}`.
{advice}
## 2. Upload the data and start tuning

In this folder:

```bash
gcloud storage cp {uploads} {BUCKET_PATH}/
curl -X POST \\
  -H "Authorization: Bearer $(gcloud auth print-access-token)" \\
  -H "Content-Type: application/json; charset=utf-8" \\
  -d @{JOB_FILE} \\
  "{api}/{project_path}/tuningJobs"
```

The answer names the job (`"name": "{project_path}/tuningJobs/…"`). Follow it in the Google
Cloud console (Vertex AI, Tuning), or with:

```bash
curl -H "Authorization: Bearer $(gcloud auth print-access-token)" "{api}/JOB_NAME"
```

where `JOB_NAME` is that name. When `state` is `JOB_STATE_SUCCEEDED`, `tunedModel.endpoint`
names your model's endpoint.

## 3. Try your model

In the Google Cloud console, open the tuning job and choose **Test**. Or in Finetune Studio's
**Playground**, choose “OpenAI-compatible endpoint” with:

| setting | value |
|---|---|
| base URL | `{api}/{project_path}/endpoints/openapi` |
| key | what `gcloud auth print-access-token` prints (it works for one hour) |
| model name | your model's endpoint, `tunedModel.endpoint` from step 2 |

If the playground says the model is not found, Google's page on using OpenAI libraries with
Vertex AI gives the exact model name for tuned models.

## Settings worth changing

In `{JOB_FILE}`, the one place the model is named: `baseModel` (`{job.base_model}`; Gemini 2.5
Flash, Flash-Lite and Pro can be tuned, and newer models as Google adds them), and
`tunedModelDisplayName`. To choose the number of passes yourself, add
`"hyperParameters": {{"epochCount": 3}}` inside `supervisedTuningSpec`; without it Vertex AI
chooses from the size of your data. To train in another region, change `{REGION}` in the
commands above.
"""
