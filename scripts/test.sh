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

step "cargo test (default features)"
cargo test --all-features

step "cargo test --no-default-features (the pure core)"
cargo test --no-default-features --lib --tests

step "cargo test --no-default-features --features cli (the command line without the AWS SDK)"
cargo test --no-default-features --features cli --tests

step "cargo bench --no-run"
cargo bench --no-default-features --no-run

step "cargo check in fuzz/"
(cd fuzz && CARGO_TARGET_DIR="$CARGO_TARGET_DIR/fuzz" cargo check --all-targets)

echo "test.sh: all steps passed" >&2
