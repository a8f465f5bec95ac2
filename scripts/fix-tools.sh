#!/usr/bin/env bash
# What the `fix` tests need besides Rust: the AWS CLI (the generated shell
# script is run against the moto emulator) and cfn-lint (the generated
# CloudFormation template is linted), both from PyPI, pinned, in a virtual
# environment under $CARGO_TARGET_DIR/fix-venv (or target/fix-venv).
#
#   bash scripts/fix-tools.sh    installs them when missing and prints
#                                CIS_FILTERS_AWS_CLI=… and CIS_FILTERS_CFN_LINT=…
#                                lines to eval
#
# Diagnostics go to stderr; the exit status is non-zero when a tool cannot be had.
set -euo pipefail

FIX_PY_PACKAGES=("awscli==1.45.11" "cfn-lint==1.58.0")

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${CARGO_TARGET_DIR:-$root/target}/fix-venv"

installed=""
if [ -x "$venv/bin/aws" ] && [ -x "$venv/bin/cfn-lint" ]; then
  installed="$("$venv/bin/pip" freeze --disable-pip-version-check 2>/dev/null || true)"
fi
missing=0
for p in "${FIX_PY_PACKAGES[@]}"; do
  case "$installed" in
    *"$p"*) ;;
    *) missing=1 ;;
  esac
done
if [ "$missing" = 1 ]; then
  echo "fix-tools.sh: installing ${FIX_PY_PACKAGES[*]} into $venv" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${FIX_PY_PACKAGES[@]}" >&2
fi
echo "CIS_FILTERS_AWS_CLI=$venv/bin/aws"
echo "CIS_FILTERS_CFN_LINT=$venv/bin/cfn-lint"
