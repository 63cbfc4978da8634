# Shared by scripts/run, scripts/test and scripts/bench: install what is missing, idempotently.
# Each step checks first (a version, a package, a port) and does nothing when already satisfied.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${PROJECTOR_TOOLS_DIR:-$HOME/.cache/projector/tools}"
# One target directory shared by every checkout on this machine: a fresh clone (as in CI)
# reuses compiled dependencies instead of rebuilding them on two cores.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/projector/target}"
export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
GRAPHQL_HTTP_VERSION=1.23.1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_rust() {
  if ! command -v cargo >/dev/null; then
    echo "Rust is missing: install it with rustup (https://rustup.rs), then run this again." >&2
    exit 1
  fi
  local want
  want="$(sed -n 's/^rust-version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -1)"
  local have
  have="$(rustc --version | awk '{print $2}')"
  if [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -1)" != "$want" ]; then
    echo "Rust $have is older than the required $want: run 'rustup update stable'." >&2
    exit 1
  fi
}

ensure_build_packages() {
  apt_install build-essential pkg-config ca-certificates
  # GStreamer 1.22 (Debian 12): headers to build against, plugins to probe and transcode,
  # gst-launch-1.0 for generating test media.
  apt_install libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev \
    gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
    gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-tools
}

GARAGE_VERSION=2.5.0
# `cargo install` of a tool the tests use (never shipped): a quick optimised build with no LTO
# and many codegen units, which cuts the install on two cores by two thirds (Garage: about 22
# minutes instead of 70) at a speed the tests do not notice.
install_tool() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=0 \
    cargo install "$@"
}

# Garage, a real S3-compatible server, for the storage tests (built once from crates.io).
ensure_garage() {
  # `garage --version` prints e.g. "garage cargo:2.5.0 [features: ...]".
  if ! garage --version 2>/dev/null | grep -q "[:v ]$GARAGE_VERSION\b"; then
    say "installing garage $GARAGE_VERSION (once, about 20 minutes)"
    install_tool garage --version "$GARAGE_VERSION" --locked
  fi
}

ensure_wasm_tools() {
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || { say "adding the wasm32 target"; rustup target add wasm32-unknown-unknown; }

  if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (once, several minutes)"
    install_tool trunk --version "$TRUNK_VERSION" --locked
  fi

  # wasm-bindgen-cli must equal the wasm-bindgen library version in Cargo.lock.
  local wbg
  wbg="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock")"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg" ]; then
    say "installing wasm-bindgen-cli $wbg (once, several minutes)"
    install_tool wasm-bindgen-cli --version "=$wbg"
  fi
  if ! grep -q "wasm_bindgen = \"$wbg\"" "$ROOT/Trunk.toml"; then
    echo "Trunk.toml pins a wasm_bindgen version other than Cargo.lock's $wbg" >&2
    exit 1
  fi

  # Debian's binaryen (108) produces a wasm that fails in Chromium; take 132 from npm.
  if [ "$("$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    say "installing binaryen $BINARYEN_VERSION from npm"
    mkdir -p "$TOOLS"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS" "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
}

# The graphql-http package, whose auditServer the API tests run against a test server
# (tests/tests/api/graphql_over_http.rs); Node.js 18 or later (for fetch) runs it.
ensure_graphql_http() {
  command -v node >/dev/null || apt_install nodejs npm
  local installed
  installed="$(node -p "require('$TOOLS/node_modules/graphql-http/package.json').version" 2>/dev/null || true)"
  if [ "$installed" != "$GRAPHQL_HTTP_VERSION" ]; then
    say "installing graphql-http $GRAPHQL_HTTP_VERSION from npm"
    mkdir -p "$TOOLS"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS" "graphql-http@$GRAPHQL_HTTP_VERSION" >/dev/null
  fi
}

ensure_nextest() {
  command -v cargo-nextest >/dev/null && return 0
  say "installing cargo-nextest (once)"
  install_tool cargo-nextest --locked
}

# Two builds of one crate: the viewer pages (dist/, sent for every public address) and the same
# with the admin app (dist/admin/, sent only under /admin), so viewers never download the admin
# app. The viewer build goes first: Trunk empties its own dist directory.
build_frontend() {
  say "building the web app with Trunk (viewer pages, then the admin app)"
  (cd "$ROOT" && trunk build --release &&
    trunk build frontend/admin.html --release --dist dist/admin --public-url /admin/)
  compress_frontend "$ROOT/dist"
}

# Writes Brotli (.br) and gzip (.gz) siblings of the app's text and wasm files; the server
# picks one by Accept-Encoding (precompressed once here, not on every request).
compress_frontend() {
  local dist="$1"
  command -v gzip >/dev/null || apt_install gzip
  command -v brotli >/dev/null || apt_install brotli
  say "precompressing $dist (brotli, gzip)"
  find "$dist" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
    -o -name '*.svg' -o -name '*.json' \) -print0 |
    while IFS= read -r -d '' f; do
      gzip -9 -k -f -n "$f"
      brotli -q 11 -k -f "$f"
    done
}

# Finds (or sets up) a PostgreSQL server the tests may create databases on, and exports its
# base URL as PROJECTOR_TEST_POSTGRES.
ensure_postgres() {
  if [ -n "${PROJECTOR_TEST_POSTGRES:-}" ]; then return 0; fi
  apt_install postgresql-client
  local url="postgres://postgres@127.0.0.1:5432"
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
      apt_install postgresql
    fi
    local version
    version="$(ls /etc/postgresql | sort -V | tail -1)"
    say "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
  fi
  if ! psql "$url/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
    # A stock Debian cluster asks for a password over TCP: give the postgres role one.
    say "setting a password for the postgres role (tests connect over TCP)"
    as_root su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
    url="postgres://postgres:postgres@127.0.0.1:5432"
    psql "$url/postgres" -Atqc 'select 1' >/dev/null
  fi
  export PROJECTOR_TEST_POSTGRES="$url"
}
