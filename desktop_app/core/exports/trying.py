"""README text for trying a trained model through a local OpenAI-compatible server.

Every server below speaks the OpenAI chat API, so Finetune Studio's playground (and any OpenAI
client) can talk to it with a base URL and a model name; a local server ignores the key.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Server:
    name: str
    base_url: str
    model: str  # the model name to type in the playground


OLLAMA_URL = "http://localhost:11434/v1"
LM_STUDIO_URL = "http://localhost:1234/v1"
LLAMA_CPP_URL = "http://localhost:8080/v1"
VLLM_URL = "http://localhost:8000/v1"
MLX_URL = "http://localhost:8080/v1"


def playground(servers: list[Server]) -> str:
    """How to chat with the model in Finetune Studio, for each server the README describes."""
    rows = "\n".join(f"| {s.name} | `{s.base_url}` | `{s.model}` |" for s in servers)
    return f"""### In Finetune Studio's playground

Start one of the servers above, then in Finetune Studio open the **Playground**, choose the
matching preset (or “OpenAI-compatible endpoint”), and check these settings:

| server | base URL | model name |
|---|---|---|
{rows}

A local server does not check the key; if a key is asked for, type any word (for example `local`).
Put the same question to the base model and to yours to see what the training changed.
"""


def peft_servers(
    *, base_model: str, adapter_dir: str, merged_dir: str, merge_command: str, name: str
) -> tuple[str, list[Server]]:
    """Serving a LoRA adapter made by a Hugging Face trainer (TRL, Unsloth, Axolotl, LLaMA-Factory).

    Returns the Markdown and the servers it describes (for the playground table).
    """
    text = f"""### With vLLM (Linux with an NVIDIA GPU)

vLLM loads the base model and your adapter side by side:

```bash
pip install vllm
vllm serve {base_model} --enable-lora --lora-modules {name}={adapter_dir}
```

Base URL `{VLLM_URL}`, model name `{name}` (the base model answers as `{base_model}`).

### With llama.cpp (`llama-server`, any computer)

llama.cpp needs GGUF files. Convert the base model and your adapter with the scripts that come
with llama.cpp (https://github.com/ggml-org/llama.cpp), then start the server:

```bash
python llama.cpp/convert_hf_to_gguf.py --outfile base.gguf PATH_TO_BASE_MODEL
python llama.cpp/convert_lora_to_gguf.py --base PATH_TO_BASE_MODEL --outfile adapter.gguf {adapter_dir}
llama-server -m base.gguf --lora adapter.gguf --port 8080
```

`PATH_TO_BASE_MODEL` is the downloaded `{base_model}` folder (`hf download {base_model}`
prints it). Base URL `{LLAMA_CPP_URL}`, model name `{name}` (llama-server answers whatever name is
asked for).

### With Ollama

Use the two GGUF files from the llama.cpp step. Write a file named `Modelfile`:

```
FROM ./base.gguf
ADAPTER ./adapter.gguf
```

then run `ollama create {name} -f Modelfile`. Base URL `{OLLAMA_URL}`, model name `{name}`.

### With LM Studio

LM Studio does not load adapters, so merge the adapter into the model first and convert the result:

```bash
{merge_command}
python llama.cpp/convert_hf_to_gguf.py --outfile {name}.gguf {merged_dir}
lms import {name}.gguf
lms server start
```

Base URL `{LM_STUDIO_URL}`, model name: the name LM Studio shows for `{name}.gguf`.
"""
    servers = [
        Server("vLLM", VLLM_URL, name),
        Server("llama.cpp", LLAMA_CPP_URL, name),
        Server("Ollama", OLLAMA_URL, name),
        Server("LM Studio", LM_STUDIO_URL, name),
    ]
    return text, servers


def mlx_servers(*, model: str, adapter_dir: str, name: str) -> tuple[str, list[Server]]:
    """Serving an mlx-lm adapter on a Mac: mlx_lm.server directly, or fused for LM Studio/Ollama."""
    text = f"""### With `mlx_lm.server` (simplest)

```bash
mlx_lm.server --model {model} --adapter-path {adapter_dir} --port 8080
```

Base URL `{MLX_URL}`, model name `{model}`.

### With LM Studio

Fuse the adapter into the model, then load the folder in LM Studio (it runs MLX models on Macs):

```bash
mlx_lm.fuse --model {model} --adapter-path {adapter_dir} --save-path fused_model
lms import fused_model
lms server start
```

Base URL `{LM_STUDIO_URL}`, model name: the name LM Studio shows for `fused_model`.

### With Ollama

Fuse without quantization, then import the folder (Ollama imports Llama, Mistral, Gemma, Qwen and
a few other families; if it says the architecture is not supported, use `mlx_lm.server`):

```bash
mlx_lm.fuse --model {model} --adapter-path {adapter_dir} --save-path fused_model --dequantize
printf 'FROM ./fused_model\\n' > Modelfile
ollama create {name} -f Modelfile
```

Base URL `{OLLAMA_URL}`, model name `{name}`.
"""
    servers = [
        Server("mlx_lm.server", MLX_URL, model),
        Server("LM Studio", LM_STUDIO_URL, "fused_model"),
        Server("Ollama", OLLAMA_URL, name),
    ]
    return text, servers
