#!/usr/bin/env bash
# What the report tests need besides Rust: headless Chromium (the HTML report
# is loaded in a real browser) and Python packages from PyPI (py-ocsf-models,
# to validate the OCSF output; websocket-client, to drive Chromium through the
# DevTools protocol).
#
#   bash scripts/report-tools.sh python     installs the packages into a virtual
#                                           environment, $CARGO_TARGET_DIR/report-venv
#                                           (or target/report-venv), when missing, and
#                                           prints its python
#   bash scripts/report-tools.sh chromium   installs Debian's `chromium` with apt-get
#                                           when it is missing, and prints its path
#   bash scripts/report-tools.sh            both; prints CIS_FILTERS_REPORT_PYTHON=…
#                                           and CIS_FILTERS_CHROMIUM=… lines to eval
#
# Diagnostics go to stderr; the exit status is non-zero when a tool cannot be had.
set -euo pipefail

REPORT_PY_PACKAGES=("py-ocsf-models>=0.10,<0.11" "websocket-client>=1.8,<2")

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

report_python() {
  local venv="${CARGO_TARGET_DIR:-$root/target}/report-venv"
  if [ -x "$venv/bin/python3" ] && "$venv/bin/python3" -c 'import py_ocsf_models, websocket' 2>/dev/null; then
    echo "$venv/bin/python3"
    return 0
  fi
  echo "report-tools.sh: installing ${REPORT_PY_PACKAGES[*]} into $venv" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${REPORT_PY_PACKAGES[@]}" >&2
  echo "$venv/bin/python3"
}

report_chromium() {
  local c
  for c in "${CIS_FILTERS_CHROMIUM:-}" chromium chromium-browser; do
    if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1; then
      command -v "$c"
      return 0
    fi
  done
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "report-tools.sh: installing Debian's chromium with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >&2
    command -v chromium
    return 0
  fi
  echo "report-tools.sh: Chromium is not installed, and apt-get as root is not available to install it;" \
    "install the Debian package chromium (or set CIS_FILTERS_CHROMIUM to a Chromium or Chrome binary)" >&2
  return 1
}

case "${1:-all}" in
  python) report_python ;;
  chromium) report_chromium ;;
  all)
    py="$(report_python)"
    ch="$(report_chromium)"
    echo "CIS_FILTERS_REPORT_PYTHON=$py"
    echo "CIS_FILTERS_CHROMIUM=$ch"
    ;;
  *) echo "usage: $0 [python|chromium]" >&2; exit 2 ;;
esac
