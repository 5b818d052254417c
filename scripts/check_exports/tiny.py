"""Helpers for scripts/check-exports.sh: a small dataset, a tiny local model, and a merged-model check.

    python tiny.py data OUT_DIR            writes chat.jsonl and pairs.jsonl (OpenAI formats)
    python tiny.py model DATA_FILE OUT_DIR  a randomly initialised tiny Llama whose tokenizer is
                                           trained on DATA_FILE, with Qwen2.5's chat template
    python tiny.py check MODEL_DIR          loads a (merged) model and generates a few tokens

Nothing here downloads anything: the tokenizer is trained with the `tokenizers` library, the
weights are random (transformers' LlamaForCausalLM), and Qwen2.5's chat template is the copy that
TRL ships (so TRL recognises it, as it does for the real Qwen2.5 models).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TOPICS = [
    ("Where are the atlases?", "Second floor, by the window."),
    ("When do you open?", "At nine, every day but Sunday."),
    ("Can I renew a book by phone?", "Yes: call the desk with your card number."),
    ("Is there Wi-Fi?", "Yes, the network is called Library-Guest."),
    ("Where can I print?", "Room 4 has the printer; it takes coins and cards."),
    ("Do you have audiobooks?", "Yes, on the shelf left of the entrance."),
    ("How long can I borrow a DVD?", "One week, and you can renew it once."),
    ("Is the reading room quiet?", "Yes, phones must be silent there."),
    ("Can children get a card?", "Yes, with a parent's signature."),
    ("What are the late fees?", "Ten cents a day per book."),
    ("Where is the café?", "On the ground floor, past the newspapers."),
    ("Can I book a study room?", "Yes, at the desk, for up to two hours."),
]
SYSTEM = "You answer as a patient librarian."


def chat_examples() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for index, (question, answer) in enumerate(TOPICS * 2):
        messages = [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
        if index % 2 == 0:
            messages.insert(0, {"role": "system", "content": SYSTEM})
        if index % 5 == 0:  # a few multi-turn examples
            messages += [
                {"role": "user", "content": "Thank you!"},
                {"role": "assistant", "content": "You are welcome."},
            ]
        rows.append({"messages": messages})
    return rows


def preference_pairs() -> list[dict[str, object]]:
    return [
        {
            "input": {"messages": [{"role": "user", "content": question}]},
            "preferred_output": [{"role": "assistant", "content": answer}],
            "non_preferred_output": [{"role": "assistant", "content": "No idea, ask someone."}],
        }
        for question, answer in TOPICS
    ]


def write_data(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("chat.jsonl", chat_examples()), ("pairs.jsonl", preference_pairs())):
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        (out / name).write_text(text, encoding="utf-8")


def make_model(data_file: Path, out: Path) -> None:
    import trl
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    texts = []
    for line in data_file.read_text(encoding="utf-8").splitlines():
        texts += [m["content"] for m in json.loads(line)["messages"]]
    special = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=special,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    core.train_from_iterator([*texts, "system user assistant\n"], trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=special[1:],
    )
    template = Path(trl.__file__).parent / "chat_templates" / "qwen2_5.jinja"
    tokenizer.chat_template = template.read_text(encoding="utf-8")
    tokenizer.save_pretrained(out)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        bos_token_id=None,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    LlamaForCausalLM(config).save_pretrained(out)
    print(f"tiny model: {out} (vocabulary {len(tokenizer)}, {config.num_hidden_layers} layers)")


def check_model(folder: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder)
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Where are the atlases?"}],
        add_generation_prompt=True,
        return_tensors="pt",
        return_dict=True,
    )
    output = model.generate(**prompt, max_new_tokens=5, do_sample=False)
    assert output.shape[-1] > prompt["input_ids"].shape[-1], "the merged model generated nothing"
    print(f"merged model in {folder} loads and generates")


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "data":
        write_data(Path(args[0]))
    elif command == "model":
        make_model(Path(args[0]), Path(args[1]))
    elif command == "check":
        check_model(Path(args[0]))
    else:
        raise SystemExit(f"unknown command {command!r}; see the docstring")


if __name__ == "__main__":
    main(sys.argv[1:])
