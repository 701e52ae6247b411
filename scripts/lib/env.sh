# shellcheck shell=bash
# Shared environment of the project's scripts. Source it; do not run it.
#   GARDEN_ROOT   the checkout
#   GARDEN_CACHE  everything downloaded or built outside the checkout
# and the toolchain fixes this machine's Emscripten needs under Node 20.

GARDEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GARDEN_CACHE="${GARDEN_CACHE:-$HOME/.cache/model-garden}"
GARDEN_JOBS="${GARDEN_JOBS:-2}"
export GARDEN_ROOT GARDEN_CACHE GARDEN_JOBS

# Debian's emcc links with Node modules (acorn, ...) that live here, not in
# Node 20's default search path.
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"

# Debian's emscripten ships a frozen system-library cache (threads, SIMD and
# Embind included). Only when a library is missing from it may a project-local
# cache be used: set GARDEN_EM_CACHE=1 and the libraries build once (~2 min).
if [[ "${GARDEN_EM_CACHE:-0}" == 1 ]]; then
  export EM_CACHE="$GARDEN_CACHE/emscripten-cache"
  export EM_FROZEN_CACHE=
fi

# Debian's python3 has the packages the project needs (torch, onnx, numpy);
# a python3 earlier on PATH may not.
GARDEN_PYTHON="${GARDEN_PYTHON:-/usr/bin/python3}"
export GARDEN_PYTHON

garden_say() { printf '[garden] %s\n' "$*" >&2; }

# One clear line saying what failed and what to do, then a non-zero exit.
garden_die() { printf '[garden] ERROR: %s\n' "$*" >&2; exit 1; }

# Seconds since the epoch, for timing steps.
garden_now() { date +%s; }
