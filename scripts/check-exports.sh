#!/usr/bin/env bash
# Runs the TRL and LLaMA-Factory exports (and Axolotl's, on request) for real on this computer's
# CPU with a tiny local model, and prints what passed. Run by hand (it installs a few GB); it is
# not part of scripts/test.sh.
#
#   scripts/check-exports.sh            build what is missing, then run every check
#   scripts/check-exports.sh --fresh    start from an empty work folder
#
# Settings (environment variables):
#   CHECK_EXPORTS_DIR  the work folder: virtual environments, model, exports, logs
#                      (default: $TMPDIR or /tmp, then ftstudio-check-exports; never committed)
#   TORCH_SPEC         what to give pip for PyTorch, e.g. "torch==2.13.0+cpu" when a CPU wheel is
#                      in pip's find-links; default: torch from PyTorch's CPU index (TORCH_INDEX)
#   TORCH_INDEX        the CPU index (default https://download.pytorch.org/whl/cpu)
#   APP_PYTHON         the Python that runs Finetune Studio (default: .venv/bin/python, python3)
#   CHECK_AXOLOTL=1    also run the Axolotl export (a 4 GB install; its CUDA-only LoRA kernels
#                      are switched off in the exported config.yml, as docs/exports.md says)
#
# Nothing is downloaded from a model hub: the model is a randomly initialised tiny Llama whose
# tokenizer is trained on the check's own examples (scripts/check_exports/tiny.py), and every step
# runs with the Hugging Face libraries offline. See docs/exports.md.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=${CHECK_EXPORTS_DIR:-${TMPDIR:-/tmp}/ftstudio-check-exports}
TORCH_INDEX=${TORCH_INDEX:-https://download.pytorch.org/whl/cpu}
TORCH_SPEC=${TORCH_SPEC:-}
HELPER=$REPO/scripts/check_exports/tiny.py
STANDIN=$REPO/scripts/check_exports/standin
if [ -z "${APP_PYTHON:-}" ]; then
    if [ -x "$REPO/.venv/bin/python" ]; then APP_PYTHON=$REPO/.venv/bin/python; else APP_PYTHON=python3; fi
fi

if [ "${1:-}" = "--fresh" ]; then rm -rf "$WORK"; fi
mkdir -p "$WORK/logs"
# Offline: any attempt to fetch a model or data set fails instead of downloading.
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HOME=$WORK/hf-home
export CUDA_VISIBLE_DEVICES="" WANDB_MODE=disabled DO_NOT_TRACK=1 HF_HUB_DISABLE_TELEMETRY=1
export AXOLOTL_DO_NOT_TRACK=1
export TOKENIZERS_PARALLELISM=false PIP_DISABLE_PIP_VERSION_CHECK=1

RESULTS=()
FAILED=0
say() { printf '\n== %s\n' "$*"; }
record() { # STATUS NAME [WHY]
    RESULTS+=("$(printf '%-5s %s%s' "$1" "$2" "${3:+  ($3)}")")
    if [ "$1" = FAIL ]; then FAILED=1; fi
}
step() { # NAME LOG COMMAND...: run a command in the current folder, its output in LOG
    local name=$1 log=$2
    shift 2
    if "$@" >"$log" 2>&1; then
        echo "   ok: $name"
        return 0
    fi
    echo "   FAILED: $name; the end of $log:"
    tail -n 25 "$log" | sed 's/^/     | /'
    return 1
}

# ---- virtual environments with a CPU PyTorch, pinned ------------------------------------------
install_torch() { # VENV
    local pip=$1/bin/pip
    if [ -n "$TORCH_SPEC" ]; then
        # shellcheck disable=SC2086  # TORCH_SPEC may hold several pip arguments
        "$pip" install -q $TORCH_SPEC || return 1
    else
        "$pip" install -q --timeout 20 --retries 1 --index-url "$TORCH_INDEX" torch || {
            echo "   PyTorch's CPU index ($TORCH_INDEX) could not be reached. Set TORCH_SPEC (for"
            echo "   example TORCH_SPEC='torch==2.13.0+cpu' when pip finds a CPU wheel) and run again."
            return 1
        }
    fi
    "$1/bin/python" -W ignore -c "import torch; torch.ones(1) + 1" || {
        echo "   This PyTorch does not load without a GPU (a CUDA build?); use a CPU build (TORCH_SPEC)."
        return 1
    }
}

make_venv() { # NAME: $WORK/NAME-venv with PyTorch and torch-pin.txt; reused when complete
    local venv=$WORK/$1-venv
    if [ -f "$venv/.ready" ]; then return 0; fi
    rm -rf "$venv"
    python3 -m venv "$venv" && "$venv/bin/pip" install -q --upgrade pip || return 1
    install_torch "$venv" || return 1
    # The line every export's README gives: keep this PyTorch when the trainer is installed.
    "$venv/bin/pip" freeze | grep -E "^torch(vision|audio)?==" >"$venv/torch-pin.txt"
}

install_requirements() { # NAME EXPORT_FOLDER: the export's requirements.txt, as its README says
    local venv=$WORK/$1-venv
    if [ -f "$venv/.ready" ]; then return 0; fi
    "$venv/bin/pip" install -q -c "$venv/torch-pin.txt" -r "$2/requirements.txt" || return 1
    grep -q '+cpu' "$venv/torch-pin.txt" && ! "$venv/bin/pip" freeze | grep -q '^torch==.*+cpu' && {
        echo "   pip replaced the CPU PyTorch despite the pin"
        return 1
    }
    touch "$venv/.ready"
}

# PyPI's torchvision and torchaudio for Linux are CUDA builds that do not load beside a CPU
# PyTorch. LLaMA-Factory pulls both in; for text training transformers does without torchvision,
# and LLaMA-Factory imports torchaudio only to read audio, so an empty stand-in takes its place.
cpu_fixups() { # NAME
    local venv=$WORK/$1-venv
    if ! "$venv/bin/python" -c "import torchvision" >/dev/null 2>&1; then
        echo "   torchvision does not load with this PyTorch (a CUDA build); removing it"
        "$venv/bin/pip" uninstall -q -y torchvision
    fi
    if ! "$venv/bin/python" -c "import torchaudio" >/dev/null 2>&1; then
        echo "   torchaudio does not load with this PyTorch (a CUDA build); using the stand-in"
        "$venv/bin/pip" uninstall -q -y torchaudio
        export PYTHONPATH=$STANDIN
    fi
}

export_for() { # TARGET DATA OUT
    rm -rf "$3"
    (cd "$REPO" && PYTHONPATH=$REPO "$APP_PYTHON" -m desktop_app.cli export "$2" --target "$1" \
        --out "$3" --base-model "$MODEL" --force)
}

# ---- the data and the tiny model --------------------------------------------------------------
say "Building the TRL environment in $WORK/trl-venv (CPU PyTorch)"
DATA=$WORK/data
# The folder name holds “qwen2.5”, so the exports pick the Qwen2.5 chat template, which the
# tiny model carries.
MODEL=$WORK/models/tiny-qwen2.5-template
"$APP_PYTHON" "$HELPER" data "$DATA"
TRL_READY=0
if make_venv trl; then
    export_for trl "$DATA/chat.jsonl" "$WORK/exports/trl-sft" >"$WORK/logs/export-trl.log" 2>&1 &&
        install_requirements trl "$WORK/exports/trl-sft" && TRL_READY=1
fi
if [ $TRL_READY = 1 ] && step "tiny model" "$WORK/logs/model.log" \
    "$WORK/trl-venv/bin/python" "$HELPER" model "$DATA/chat.jsonl" "$MODEL"; then
    record PASS "tiny local model (random weights, tokenizer trained on the data)"
else
    record FAIL "TRL environment or tiny model" "see $WORK/logs"
    MODEL=""
fi

run_export() { # LABEL TARGET DATA FOLDER MERGED_FOLDER TRAIN_COMMAND... -- MERGE_COMMAND...
    local label=$1 target=$2 data=$3 folder=$4 merged=$5 train=() merge=()
    shift 5
    while [ "$1" != "--" ]; do train+=("$1"); shift; done
    shift
    merge=("$@")
    say "$label"
    if ! step "export" "$WORK/logs/$(basename "$folder").export.log" \
        export_for "$target" "$data" "$folder"; then
        record FAIL "$label" "export"
        return
    fi
    cd "$folder" || return
    if [ -n "${PREPARE:-}" ]; then "$PREPARE"; fi
    if ! step "train: ${train[*]}" train.log "${train[@]}"; then
        record FAIL "$label" "training; $folder/train.log"
    elif ! step "merge: ${merge[*]}" merge.log "${merge[@]}"; then
        record FAIL "$label" "merge; $folder/merge.log"
    elif ! step "merged model loads and answers" check.log \
        "$WORK/trl-venv/bin/python" "$HELPER" check "$merged"; then
        record FAIL "$label" "merged model; $folder/check.log"
    else
        record PASS "$label" "trained, merged into $folder/$merged"
    fi
    cd "$REPO" || exit 1
}

# Axolotl's LoRA kernels are CUDA-only; without a GPU they must be off (docs/exports.md).
axolotl_on_cpu() {
    printf 'lora_mlp_kernel: false\nlora_qkv_kernel: false\nlora_o_kernel: false\n' >>config.yml
}

if [ -n "$MODEL" ]; then
    TRL=$WORK/trl-venv/bin/python
    run_export "TRL fine-tuning (SFT)" trl "$DATA/chat.jsonl" "$WORK/exports/trl-sft" out/merged \
        "$TRL" train.py -- "$TRL" merge.py
    run_export "TRL preference training (DPO)" trl "$DATA/pairs.jsonl" "$WORK/exports/trl-dpo" \
        out/merged "$TRL" train.py -- "$TRL" merge.py

    say "Building the LLaMA-Factory environment in $WORK/llama-factory-venv (CPU PyTorch)"
    LF=$WORK/llama-factory-venv/bin
    if make_venv llama-factory &&
        export_for llama-factory "$DATA/chat.jsonl" "$WORK/exports/lf-sft" \
            >"$WORK/logs/export-lf.log" 2>&1 &&
        install_requirements llama-factory "$WORK/exports/lf-sft"; then
        cpu_fixups llama-factory
        run_export "LLaMA-Factory fine-tuning (SFT)" llama-factory "$DATA/chat.jsonl" \
            "$WORK/exports/lf-sft" saves/merged "$LF/llamafactory-cli" train train.yaml \
            -- "$LF/python" merge.py
        run_export "LLaMA-Factory preference training (DPO)" llama-factory "$DATA/pairs.jsonl" \
            "$WORK/exports/lf-dpo" saves/merged "$LF/llamafactory-cli" train train.yaml \
            -- "$LF/python" merge.py
    else
        record FAIL "LLaMA-Factory" "could not install; see the messages above"
    fi
fi

if [ -n "$MODEL" ] && [ "${CHECK_AXOLOTL:-0}" = 1 ]; then
    say "Building the Axolotl environment in $WORK/axolotl-venv (CPU PyTorch; large)"
    AX=$WORK/axolotl-venv/bin
    if make_venv axolotl && { [ -f "$WORK/axolotl-venv/.ready" ] ||
        "$AX/pip" install -q -c "$WORK/axolotl-venv/torch-pin.txt" axolotl; }; then
        touch "$WORK/axolotl-venv/.ready"
        # `axolotl train` starts `accelerate` by name, as in an activated environment.
        PATH=$AX:$PATH PREPARE=axolotl_on_cpu run_export "Axolotl fine-tuning (SFT)" axolotl \
            "$DATA/chat.jsonl" "$WORK/exports/axolotl-sft" outputs/lora/merged \
            "$AX/axolotl" train config.yml -- "$AX/axolotl" merge-lora config.yml
    else
        record FAIL "Axolotl" "could not install beside a CPU PyTorch; see the messages above"
    fi
else
    record SKIP "Axolotl" "CHECK_AXOLOTL=1 runs it; its install adds about 4 GB and 15 minutes"
fi

say "Summary (work folder: $WORK)"
printf '%s\n' "${RESULTS[@]}"
exit $FAILED
