# shellcheck shell=bash
# Third-party sources, pinned by Debian source-package version and checked by
# the sha256 of the upstream .orig tarball. Requires env.sh.
#
# Debian's packaging tarballs (.debian.tar.xz, sometimes .dsc) may answer 404;
# only the upstream .orig tarball matters, so apt-get's exit code is not trusted
# and the file itself is checked instead.

# name|debian version|suite|sha256 of <name>_<upstream version>.orig.tar.xz
GARDEN_SOURCE_PINS=(
  "xnnpack|0.0~git20241108.4ea82e5-2|trixie|90bde2caef0f880f627bab0dc805a86c4b8070cd98e3243db3046ab3f3be1a99"
  "pthreadpool|0.0~git20240616.560c60d-1|trixie|4cc3cbd933b28131d2a34edc54f76af9fb41bc490af5eae1a5bd3cd07ea90708"
  "fxdiv|0.0~git20200417.b408327-3|bookworm|7953482badaf4cb34026c3487c257b8e4ab2df061c019bd6fabbbc12ad52c44b"
  "fp16|0.0~git20200514.4dfe081-3|bookworm|7d7782b37b74136e0e12593a2a93ccbe7db831f4374cc408e44623d9b708b54e"
)

GARDEN_SRC_DIR="$GARDEN_CACHE/src"

# Debian packages the project builds and tests with.
GARDEN_APT_PACKAGES=(
  emscripten cmake ninja-build flatbuffers-compiler libflatbuffers-dev catch2
  libcpuinfo-dev python3-torch python3-torchvision python3-onnx python3-numpy
  python3-pil libpng-dev libjpeg-dev dpkg-dev clang libclang-rt-14-dev nlohmann-json3-dev chromium
  libonnx-testdata
)

GARDEN_APT_UPDATED=0
garden_apt_update_once() {
  if [[ $GARDEN_APT_UPDATED == 0 ]]; then
    garden_say "apt-get update"
    apt-get update -qq || garden_die "apt-get update failed: check the network and /etc/apt/sources.list.d, then rerun scripts/setup"
    GARDEN_APT_UPDATED=1
  fi
}

garden_missing_apt_packages() {
  local pkg status
  for pkg in "${GARDEN_APT_PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || printf '%s\n' "$pkg"
  done
}

garden_install_apt_packages() {
  local missing
  mapfile -t missing < <(garden_missing_apt_packages)
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi
  garden_apt_update_once
  garden_say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" \
    || garden_die "apt-get install of ${missing[*]} failed: check the apt output above and rerun scripts/setup"
}

# deb-src entries for the suites the pins come from (trixie for the 2024
# XNNPACK and pthreadpool, bookworm for fxdiv and fp16).
garden_deb_src_entry() {
  cat <<ENTRY
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $1
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
ENTRY
}

garden_ensure_deb_src() {
  local suite file
  for suite in trixie bookworm; do
    file="/etc/apt/sources.list.d/garden-$suite-src.sources"
    if [[ "$(cat "$file" 2>/dev/null)" != "$(garden_deb_src_entry "$suite")" ]]; then
      garden_say "writing $file"
      garden_deb_src_entry "$suite" > "$file" \
        || garden_die "cannot write $file: run scripts/setup as root"
      GARDEN_APT_UPDATED=0   # the new entry needs a fresh index
    fi
  done
}

garden_pin_field() { local f; IFS='|' read -r -a f <<< "$1"; printf '%s' "${f[$2]}"; }
garden_upstream_version() { local v="$1"; printf '%s' "${v%-*}"; }

# Path of the verified .orig tarball of a pinned package.
garden_orig_tarball() {
  local name="$1" version="$2"
  printf '%s/%s_%s.orig.tar.xz' "$GARDEN_SRC_DIR" "$name" "$(garden_upstream_version "$version")"
}

garden_sha256_ok() { [[ -f "$1" && "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]; }

garden_fetch_source() {
  local pin="$1" name version suite sha tarball
  name="$(garden_pin_field "$pin" 0)"; version="$(garden_pin_field "$pin" 1)"
  suite="$(garden_pin_field "$pin" 2)"; sha="$(garden_pin_field "$pin" 3)"
  tarball="$(garden_orig_tarball "$name" "$version")"
  garden_sha256_ok "$tarball" "$sha" && return 0

  garden_ensure_deb_src
  garden_apt_update_once
  garden_say "apt-get source --download-only $name=$version ($suite)"
  (cd "$GARDEN_SRC_DIR" && apt-get source --download-only -qq "$name=$version" >/dev/null 2>&1) || true
  [[ -f "$tarball" ]] \
    || garden_die "$name $version: $(basename "$tarball") did not download from Debian $suite; check network/apt (apt-get source --download-only $name=$version) and rerun scripts/setup"
  garden_sha256_ok "$tarball" "$sha" \
    || { rm -f "$tarball"; garden_die "$name $version: sha256 of $(basename "$tarball") is not $sha; the file was removed, rerun scripts/setup to download it again"; }
}

# Extracts a verified tarball once into $GARDEN_SRC_DIR/<name>-<upstream version>
# (tarballs with and without a top-level folder both land flat there) and
# prints that directory.
garden_extract_source() {
  local name="$1" version="$2" upstream tarball dest tmp entries
  upstream="$(garden_upstream_version "$version")"
  tarball="$(garden_orig_tarball "$name" "$version")"
  dest="$GARDEN_SRC_DIR/$name-$upstream"
  if [[ ! -f "$dest/.garden-extracted" ]]; then
    rm -rf "$dest" "$dest.tmp"
    tmp="$dest.tmp"; mkdir -p "$tmp"
    tar -xf "$tarball" -C "$tmp" || garden_die "$name: cannot extract $tarball; delete it and rerun scripts/setup"
    mapfile -t entries < <(ls -A "$tmp")
    if [[ ${#entries[@]} -eq 1 && -d "$tmp/${entries[0]}" ]]; then
      mv "$tmp/${entries[0]}" "$dest"; rmdir "$tmp"
    else
      mv "$tmp" "$dest"
    fi
    touch "$dest/.garden-extracted"
  fi
  printf '%s' "$dest"
}

garden_fetch_all_sources() {
  mkdir -p "$GARDEN_SRC_DIR"
  local pin
  for pin in "${GARDEN_SOURCE_PINS[@]}"; do
    garden_fetch_source "$pin"
  done
}

# Source directory of a pinned package by name (extracting it if needed).
garden_source_dir() {
  local pin
  for pin in "${GARDEN_SOURCE_PINS[@]}"; do
    if [[ "$(garden_pin_field "$pin" 0)" == "$1" ]]; then
      garden_extract_source "$1" "$(garden_pin_field "$pin" 1)"
      return 0
    fi
  done
  garden_die "internal: no pinned source named $1"
}
