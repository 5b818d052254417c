#!/usr/bin/env bash
# Sets up everything Finetune Studio needs, on a fresh Debian machine with Python 3.11:
# the system libraries Qt needs, a virtual environment in .venv, and the app with its
# development tools installed into it. Safe to run again; it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

# Qt's libraries, fonts, and Xvfb (for screenshots and the frozen app's start-up measurement).
SYSTEM_PACKAGES=(
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0
  libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0 libxcb-xkb1
  fonts-dejavu-core xvfb xauth ca-certificates binutils
  fonts-noto-cjk fonts-noto-color-emoji  # Chinese, Japanese, Korean text and emoji in bubbles
)
if ! "$PYTHON" -c "import ensurepip, venv" 2>/dev/null; then
  SYSTEM_PACKAGES+=(python3-venv)
fi
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" = "none" ]; then
    echo "Please install these system packages first: ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The virtual environment, reinstalled only when pyproject.toml changed.
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing Finetune Studio and its tools into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev,build]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
