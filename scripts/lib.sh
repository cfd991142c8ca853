# Shared by scripts/run and scripts/test: tool checks and installs, each skipped when the tool
# is already there at the right version. Sourced, not run.

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen` pin in Cargo.toml
BINARYEN_VERSION=123.0.0       # Debian's binaryen (108) builds a wasm that fails in the browser

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${GATEHOUSE_TOOLS_DIR:-$HOME/.cache/gatehouse/tools}"
# A build cache outside the clone, so a fresh clone (CI) does not compile from nothing.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gatehouse/target}"
export PATH="$ROOT/scripts/bin:$HOME/.cargo/bin:$TOOLS_DIR/binaryen/node_modules/.bin:$PATH"
# The real wasm-opt, behind scripts/bin/wasm-opt (which skips the small split chunks).
export GATEHOUSE_WASM_OPT="$TOOLS_DIR/binaryen/node_modules/.bin/wasm-opt"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  say "installing $* (apt)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_build_tools() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes on 2 cores)"
    # no_downloads: otherwise cargo-leptos tries to download tools at run time, which fails offline.
    # Its own release profile asks for fat LTO in one codegen unit: 29 minutes here against 15
    # without, for a build tool whose speed does not matter.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 6 minutes)"
    # No --locked: one of its pinned dependencies is not on the registry.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
  if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    say "installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR/binaryen" "binaryen@$BINARYEN_VERSION"
  fi
}

ensure_browser_tools() {
  command -v chromium >/dev/null || apt_install chromium
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] \
    || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    say "installing end-to-end test packages (npm ci)"
    (cd "$ROOT/end2end" && npm ci --silent --no-audit --no-fund)
  fi
}

AIOSMTPD_VERSION=1.4.6
# An S3-compatible server for the object-storage back end: moto's server mode (PyPI).
MOTO_VERSION=5.2.1

# A real SMTP server for the mail tests: aiosmtpd from PyPI, in its own virtualenv.
ensure_smtp_server() {
  if ! "$TOOLS_DIR/smtp/bin/python" -c "import aiosmtpd; assert aiosmtpd.__version__ == '$AIOSMTPD_VERSION'" 2>/dev/null; then
    say "installing aiosmtpd $AIOSMTPD_VERSION (PyPI)"
    python3 -m venv "$TOOLS_DIR/smtp"
    "$TOOLS_DIR/smtp/bin/pip" install --quiet "aiosmtpd==$AIOSMTPD_VERSION"
  fi
}

ensure_s3_server() {
  if ! "$TOOLS_DIR/s3/bin/python" -c "import moto, flask, boto3; assert moto.__version__ == '$MOTO_VERSION'" 2>/dev/null; then
    say "installing moto $MOTO_VERSION with its server (PyPI)"
    python3 -m venv "$TOOLS_DIR/s3"
    "$TOOLS_DIR/s3/bin/pip" install --quiet "moto[server]==$MOTO_VERSION"
  fi
}

# A third-party reader and writer of DOCX for the quote-template tests: python-docx (PyPI).
PYTHON_DOCX_VERSION=1.2.0

ensure_python_docx() {
  if ! "$TOOLS_DIR/docx/bin/python" -c "import docx, importlib.metadata as m; assert m.version('python-docx') == '$PYTHON_DOCX_VERSION'" 2>/dev/null; then
    say "installing python-docx $PYTHON_DOCX_VERSION (PyPI)"
    python3 -m venv "$TOOLS_DIR/docx"
    "$TOOLS_DIR/docx/bin/pip" install --quiet "python-docx==$PYTHON_DOCX_VERSION"
  fi
}

pg_bindir() {
  local dir
  for dir in "$(pg_config --bindir 2>/dev/null)" /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
}

# Schemathesis (PyPI) checks the REST API against its own OpenAPI document.
SCHEMATHESIS_VERSION=4.32.5

ensure_schemathesis() {
  if ! "$TOOLS_DIR/schemathesis/bin/python" -c "import importlib.metadata as m; assert m.version('schemathesis') == '$SCHEMATHESIS_VERSION'" 2>/dev/null; then
    say "installing schemathesis $SCHEMATHESIS_VERSION (PyPI)"
    python3 -m venv "$TOOLS_DIR/schemathesis"
    "$TOOLS_DIR/schemathesis/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
  fi
}

# The webhook receiver of the tests verifies deliveries with standardwebhooks (PyPI), the
# Standard Webhooks specification's own Python library.
STANDARDWEBHOOKS_VERSION=1.3.0

ensure_webhook_receiver() {
  if ! "$TOOLS_DIR/webhooks/bin/python" -c "import importlib.metadata as m; assert m.version('standardwebhooks') == '$STANDARDWEBHOOKS_VERSION'" 2>/dev/null; then
    say "installing standardwebhooks $STANDARDWEBHOOKS_VERSION (PyPI)"
    python3 -m venv "$TOOLS_DIR/webhooks"
    "$TOOLS_DIR/webhooks/bin/pip" install --quiet "standardwebhooks==$STANDARDWEBHOOKS_VERSION"
  fi
}

ensure_postgres() {
  [ -n "$(pg_bindir)" ] || apt_install postgresql
}
