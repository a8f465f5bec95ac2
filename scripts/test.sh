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

step "cargo test (default features)"
cargo test --all-features

step "cargo test --no-default-features (the pure core)"
cargo test --no-default-features --lib --tests

step "cargo test --no-default-features --features cli (the command line without the AWS SDK)"
cargo test --no-default-features --features cli --tests

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
