# shellcheck shell=bash
# XNNPACK + pthreadpool builds, cached outside the checkout under
#   $GARDEN_CACHE/deps/xnnpack-<version>-<native|wasm>-<recipe hash>/{include,lib}
# The recipe hash covers every file that decides how the build is made, and the
# compiler, so changing any of them gives a new directory instead of a stale one.
# Requires env.sh and sources.sh.

GARDEN_XNNPACK_TAG="20241108.4ea82e5"

# The recipe of one flavor: our CMake for it, the pinned sources and the
# compiler. Helper-script edits that do not change these do not rebuild.
# Flavors: native, wasm (SIMD128 + threads), wasm-st (SIMD128, no threads; it
# reuses the wasm folder's source lists, so both folders are in its recipe).
garden_recipe() {
  local flavor="$1" file folders=("cmake/deps/xnnpack-$1")
  [[ "$flavor" == wasm-st ]] && folders+=("cmake/deps/xnnpack-wasm")
  # The wasm flavors compile through the launcher the project uses too.
  [[ "$flavor" == wasm* ]] && folders+=("cmake/GardenEmccDirect.cmake" "cmake/emcc_direct.py")
  while read -r file; do
    printf '%s %s\n' "$file" "$(sha256sum "$GARDEN_ROOT/$file" | cut -d' ' -f1)"
  done < <(cd "$GARDEN_ROOT" && LC_ALL=C find "${folders[@]}" -type f | LC_ALL=C sort)
  printf '%s\n' "${GARDEN_SOURCE_PINS[@]}"
  case "$flavor" in
    native) cc --version 2>/dev/null | head -1; c++ --version 2>/dev/null | head -1 ;;
    wasm|wasm-st) garden_emscripten_version ;;
  esac
}

# emcc --version takes a second (Python start-up); the version file next to
# the real emcc says the same.
garden_emscripten_version() {
  local emcc_dir
  emcc_dir="$(dirname "$(readlink -f "$(command -v emcc)")")"
  if [[ -f "$emcc_dir/emscripten-version.txt" ]]; then
    printf 'emscripten %s\n' "$(cat "$emcc_dir/emscripten-version.txt")"
  else
    emcc --version 2>/dev/null | head -1
  fi
}

garden_recipe_hash() { garden_recipe "$1" | sha256sum | cut -c1-12; }

garden_deps_dir() {
  printf '%s/deps/xnnpack-%s-%s-%s' "$GARDEN_CACHE" "$GARDEN_XNNPACK_TAG" "$1" "$(garden_recipe_hash "$1")"
}

garden_deps_ready() { [[ -f "$1/.garden-complete" ]]; }

# Configures, builds and installs one flavor into a temporary prefix, then moves
# it into place, so an interrupted build never looks complete.
garden_build_xnnpack() {
  local flavor="$1" dest build prefix log start xnnpack pthreadpool fxdiv
  dest="$(garden_deps_dir "$flavor")"
  garden_deps_ready "$dest" && return 0
  xnnpack="$(garden_source_dir xnnpack)"
  pthreadpool="$(garden_source_dir pthreadpool)"
  fxdiv="$(garden_source_dir fxdiv)"
  build="$GARDEN_CACHE/build/$(basename "$dest")"
  prefix="$dest.partial"
  rm -rf "$build" "$prefix"
  garden_say "building XNNPACK ($flavor) into $dest (-j$GARDEN_JOBS)"
  start="$(garden_now)"

  local args=(
    -S "$GARDEN_ROOT/cmake/deps/xnnpack-$flavor" -B "$build" -G Ninja
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix"
    -DPython_EXECUTABLE="$GARDEN_PYTHON"
    -DXNNPACK_SOURCE_DIR="$xnnpack" -DPTHREADPOOL_SOURCE_DIR="$pthreadpool" -DFXDIV_SOURCE_DIR="$fxdiv"
  )
  log="$GARDEN_CACHE/build/$(basename "$dest").log"
  mkdir -p "$GARDEN_CACHE/build"
  {
    if [[ "$flavor" == wasm* ]]; then emcmake cmake "${args[@]}"; else cmake "${args[@]}"; fi &&
    cmake --build "$build" -j "$GARDEN_JOBS" &&
    cmake --install "$build"
  } > "$log" 2>&1 || { tail -n 30 "$log" >&2; garden_die "XNNPACK ($flavor) build failed; full log: $log"; }

  printf 'xnnpack %s\nflavor %s\nbuilt %s\nseconds %s\n' "$GARDEN_XNNPACK_TAG" "$flavor" \
    "$(date -u +%FT%TZ)" "$(( $(garden_now) - start ))" > "$prefix/.garden-complete"
  rm -rf "$dest"; mv "$prefix" "$dest"
  rm -rf "$build"
  garden_say "XNNPACK ($flavor) built in $(( $(garden_now) - start )) s: $(du -sh "$dest/lib" | cut -f1) of libraries"
}

# Stamp of a finished scripts/setup for one flavor; its name changes whenever
# that flavor's recipe (and so its deps directory) changes.
garden_setup_stamp() {
  printf '%s/stamps/setup-%s-%s' "$GARDEN_CACHE" "$1" "$(garden_recipe_hash "$1")"
}
