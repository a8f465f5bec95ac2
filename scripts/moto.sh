#!/usr/bin/env bash
# moto's AWS emulator on 127.0.0.1 for the end-to-end tests.
#
# Source this file, then:
#   moto_start   starts `python3 -m moto.server` on a free loopback port, waits
#                until it answers, and exports AWS_ENDPOINT_URL and MOTO_PID;
#   moto_stop    stops that server by its PID (safe to call twice).
# Typical use: `. scripts/moto.sh; moto_start; trap moto_stop EXIT`.
#
# Run directly (`bash scripts/moto.sh`), it starts a server in the foreground
# and prints its endpoint, for trying the tool by hand.
#
# When `python3 -c 'import moto'` fails, moto is installed with pip into a
# project-local virtual environment (target/moto-venv, ignored by git).

MOTO_VERSION_SPEC="${MOTO_VERSION_SPEC:-moto[server]>=5.2,<5.3}"

moto_python() {
  local root venv
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  venv="$root/target/moto-venv"
  if [ -x "$venv/bin/python3" ] && "$venv/bin/python3" -c 'import moto.server' 2>/dev/null; then
    echo "$venv/bin/python3"
  elif python3 -c 'import moto.server' 2>/dev/null; then
    echo python3
  else
    echo "moto.sh: moto is not installed; installing $MOTO_VERSION_SPEC into $venv" >&2
    python3 -m venv "$venv" >&2 && "$venv/bin/pip" install --quiet "$MOTO_VERSION_SPEC" >&2 || return 1
    echo "$venv/bin/python3"
  fi
}

moto_free_port() {
  "$1" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

moto_start() {
  local py port i
  py="$(moto_python)" || { echo "moto.sh: cannot find or install moto" >&2; return 1; }
  port="$(moto_free_port "$py")" || return 1
  MOTO_IAM_LOAD_MANAGED_POLICIES=true "$py" -m moto.server -H 127.0.0.1 -p "$port" \
    >"${TMPDIR:-/tmp}/moto-$port.log" 2>&1 &
  MOTO_PID=$!
  export MOTO_PID
  export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
  for i in $(seq 1 100); do
    if "$py" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1)' \
      "$AWS_ENDPOINT_URL" 2>/dev/null; then
      echo "moto.sh: moto (pid $MOTO_PID) answers at $AWS_ENDPOINT_URL" >&2
      return 0
    fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then
      echo "moto.sh: moto exited early; its log follows" >&2
      cat "${TMPDIR:-/tmp}/moto-$port.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "moto.sh: moto did not answer within 20 s" >&2
  moto_stop
  return 1
}

moto_stop() {
  if [ -n "${MOTO_PID:-}" ]; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
    MOTO_PID=
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  moto_start
  trap moto_stop EXIT INT TERM
  echo "AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL  (Ctrl-C stops it)"
  wait "$MOTO_PID"
fi
