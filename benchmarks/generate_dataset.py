"""Write a deterministic, realistic chat fine-tuning dataset for the validate benchmark.

    python benchmarks/generate_dataset.py [--examples 100000] [--seed 7] [--out benchmarks/data/chat_100k.jsonl]

About 200 MB for 100,000 examples: system prompts (most examples, from a pool of a few hundred),
1–3 user/assistant turns, reply lengths with a long tail (lognormal, up to several thousand
words), French/German/Spanish accents, Chinese and Japanese, emoji, code blocks, some tool calls,
some replies with weight 0, a few user names and made-up contact details. The same seed always
writes the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any


def _words(text: str) -> list[str]:
    """A word table written as text (one word per line made this file 800 lines long)."""
    return text.split()


DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "chat_100k.jsonl"

ENGLISH = _words("""
the of and to a in is it you that he was for on are with as I his they be at one have this from
or had by hot word but what some we can out other were all there when up use your how said an
each she which do their time if will way about many then them write would like so these her long
make thing see him two has look more day could go come did number sound no most people my over
know water than call first who may down side been now find any new work part take get place made
live where after back little only round man year came show every good me give our under name
very through just form sentence great think say help low line differ turn cause much mean before
move right boy old too same tell does set three want air well also play small end put home read
hand port large spell add even land here must big high such follow act why ask men change went
light kind off need house picture try us again animal point mother world near build self earth
father head stand own page should country found answer school grow study still learn plant cover
food sun four between state keep eye never last let thought city tree cross farm hard start
might story saw far sea draw left late run don't while press close night real life few north
open seem together next white children begin got walk example ease paper group always music
those both mark often letter until mile river car feet care second book carry took science eat
room friend began idea fish mountain stop once base hear horse cut sure watch color face wood
main enough plain girl usual young ready above ever red list though feel talk bird soon body dog
family direct pose leave song measure door product black short numeral class wind question
happen complete ship area half rock order fire south problem piece told knew pass since top
whole king space heard best hour better true during hundred five remember step early hold west
ground interest reach fast verb sing listen six table travel less morning ten simple several
vowel toward war lay against pattern slow center love person money serve appear road map rain
rule govern pull cold notice voice unit power town fine certain fly fall lead cry dark machine
note wait plan figure star box noun field rest correct able pound done beauty drive stood
contain front teach week final gave green oh quick develop ocean warm free minute strong special
mind behind clear tail produce fact street inch multiply nothing course stay wheel full force
blue object decide surface deep moon island foot system busy test record boat common gold
possible plane customer account invoice refund shipping order password subscription dashboard
settings deployment database latency throughput configuration authentication
""")
EUROPEAN = _words("""
café crème brûlée déjà vu naïve façade garçon élève été où très über schön Straße Mädchen Größe
für grün Äpfel Öl mañana niño señor corazón canción pingüino acción información también está
pequeño añadir réponse problème système paramètres Rechnung Bestellung Lösung Kündigung pedido
envío factura contraseña
""")
CJK = _words("""
你好 世界 我们 今天 天气 非常 好 谢谢 请问 这个 问题 怎么 解决 订单 退款 账户 设置 こんにちは 世界 ありがとう ございます 今日は いい 天気 です 注文 返金 アカウント
設定 問題 解決 方法 お願いします
""")
EMOJI = _words("""
😀 🙂 🎉 👍 🚀 ✅ ❌ 🔥 💡 📦 🌍 ❤️ 🤖 📈 ⚠️ 🙏
""")
CODE = (
    "```python\ndef {f}(items):\n    total = 0\n    for item in items:\n        if item > {n}:\n"
    "            total += item\n    return total\n```",
    "```javascript\nconst {f} = async (id) => {{\n  const res = await fetch(`/api/orders/${{id}}`);\n"
    "  if (!res.ok) throw new Error('HTTP ' + res.status);\n  return res.json();\n}};\n```",
    "```sql\nSELECT customer_id, COUNT(*) AS orders\nFROM orders\nWHERE created_at > '2024-0{n}-01'\n"
    "GROUP BY customer_id\nHAVING COUNT(*) > {n};\n```",
    '```bash\nfor f in *.log; do\n  grep -c "ERROR" "$f" >> {f}.txt\ndone\n```',
)
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_order_status",
            "description": "Look up the status of an order by its number.",
            "parameters": {
                "type": "object",
                "properties": {"order_id": {"type": "string", "description": "The order number"}},
                "required": ["order_id"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the current weather in a city.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["city"],
            },
        },
    },
]


class Writer:
    """Random text in the mix of languages and shapes a real dataset has."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def words(self, count: int, language: str) -> str:
        rng = self.rng
        if language == "cjk":
            return "".join(rng.choices(CJK, k=max(1, count // 2))) + "。"
        pool = ENGLISH if language == "en" else ENGLISH + EUROPEAN * 4
        out: list[str] = []
        remaining = count
        while remaining > 0:
            length = min(remaining, rng.randint(6, 22))
            sentence = rng.choices(pool, k=length)
            sentence[0] = sentence[0].capitalize()
            out.append(" ".join(sentence) + rng.choice(".....?!"))
            remaining -= length
            if rng.random() < 0.06:
                out.append(rng.choice(EMOJI))
            if rng.random() < 0.08:
                out.append("\n\n")
        return " ".join(out).replace(" \n\n ", "\n\n").strip()

    def reply_length(self) -> int:
        """Words in a reply: median about 90, a long tail up to several thousand."""
        return min(6000, max(3, int(self.rng.lognormvariate(4.5, 0.95))))

    def reply(self, language: str) -> str:
        text = self.words(self.reply_length(), language)
        if self.rng.random() < 0.1:
            code = self.rng.choice(CODE).format(
                f=f"fn_{self.rng.randint(1, 999)}", n=self.rng.randint(1, 9)
            )
            text += "\n\n" + code + "\n\n" + self.words(self.rng.randint(5, 30), language)
        return text


def system_prompts(rng: random.Random, count: int = 300) -> list[str]:
    writer = Writer(rng)
    prompts = []
    for i in range(count):
        role = rng.choice(
            ("support agent", "travel planner", "coding tutor", "copy editor", "analyst")
        )
        prompts.append(
            f"You are a helpful {role} for Company {i}. " + writer.words(rng.randint(15, 110), "en")
        )
    return prompts


def example(rng: random.Random, writer: Writer, prompts: list[str], index: int) -> dict[str, Any]:
    roll = rng.random()
    language = "en" if roll < 0.72 else ("eu" if roll < 0.9 else "cjk")
    messages: list[dict[str, Any]] = []
    if rng.random() < 0.85:
        messages.append({"role": "system", "content": rng.choice(prompts)})
    value: dict[str, Any] = {"messages": messages}
    if rng.random() < 0.04:
        _tool_turn(rng, writer, value, index)
        return value
    turns = rng.choices((1, 2, 3), weights=(55, 30, 15))[0]
    weighted = turns > 1 and rng.random() < 0.15
    for turn in range(turns):
        user: dict[str, Any] = {
            "role": "user",
            "content": writer.words(rng.randint(4, 60), language),
        }
        if rng.random() < 0.02:
            user["name"] = f"customer_{rng.randint(1, 5000)}"
        if rng.random() < 0.004:
            user["content"] += f" My e-mail is user{rng.randint(1, 99999)}@example.com."
        messages.append(user)
        reply: dict[str, Any] = {"role": "assistant", "content": writer.reply(language)}
        if weighted:
            reply["weight"] = 1 if turn == turns - 1 else 0
        messages.append(reply)
    return value


def _tool_turn(rng: random.Random, writer: Writer, value: dict[str, Any], index: int) -> None:
    tool = rng.choice(TOOLS)
    name = tool["function"]["name"]
    value["tools"] = TOOLS
    messages = value["messages"]
    if name == "get_weather":
        city = rng.choice(("Paris", "Tōkyō", "São Paulo", "Zürich", "Kraków", "Reykjavík"))
        messages.append({"role": "user", "content": f"What's the weather in {city} today?"})
        arguments = json.dumps({"city": city, "unit": "celsius"}, ensure_ascii=False)
        result = json.dumps(
            {"city": city, "temperature": rng.randint(-5, 35), "sky": "clear"}, ensure_ascii=False
        )
    else:
        order = f"A{rng.randint(10000, 99999)}"
        messages.append(
            {"role": "user", "content": f"Where is my order {order}? " + writer.words(12, "en")}
        )
        arguments = json.dumps({"order_id": order})
        result = json.dumps(
            {"order_id": order, "status": rng.choice(("shipped", "packed", "delayed"))}
        )
    call_id = f"call_{index:07d}"
    messages.append(
        {
            "role": "assistant",
            "tool_calls": [
                {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            ],
        }
    )
    messages.append({"role": "tool", "tool_call_id": call_id, "content": result})
    messages.append({"role": "assistant", "content": writer.reply("en")})


def generate(path: Path, examples: int, seed: int) -> int:
    rng = random.Random(seed)
    writer = Writer(rng)
    prompts = system_prompts(rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("wb") as handle:
        for index in range(examples):
            line = json.dumps(example(rng, writer, prompts, index), ensure_ascii=False) + "\n"
            data = line.encode("utf-8")
            handle.write(data)
            written += len(data)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    size = generate(args.out, args.examples, args.seed)
    print(f"wrote {args.examples:,} examples, {size / 1e6:.1f} MB, to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
