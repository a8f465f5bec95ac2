#!/usr/bin/env bash
# Live benchmark of `collect --organization` against moto: an organization of
# N accounts (the management account and N-1 members with the audit role) in
# two regions; then one account with 10 and one with 1,000 extra log groups.
# Prints the wall time, the calls per account-region, and the two accounts'
# call counts.
#
#   scripts/org-bench.sh [ACCOUNTS] [BINARY]
#
# ACCOUNTS defaults to 50; BINARY to the debug build in CARGO_TARGET_DIR (or
# target/). ORG_BENCH_ARGS adds options to the organization run, e.g.
# ORG_BENCH_ARGS="--max-accounts-in-flight 8". moto runs on a free loopback
# port and is stopped by its PID.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
accounts="${1:-50}"
bin="${2:-${CARGO_TARGET_DIR:-$root/target}/debug/cis-filters}"
regions="us-east-1,eu-west-1"
[ -x "$bin" ] || { echo "org-bench.sh: no binary at $bin (cargo build --features aws)" >&2; exit 2; }

. "$root/scripts/moto.sh"
moto_start
work="$(mktemp -d)"
cleanup() { moto_stop; rm -rf "$work"; }
trap cleanup EXIT
py="$(moto_python)"

keys() { "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["access_key_id"], d["secret_access_key"])' "$1"; }
run() {
  local key secret
  read -r key secret < <(keys "$1")
  shift
  env -i PATH="$PATH" HOME="$HOME" AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret" \
    AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null "$bin" "$@"
}

echo "seeding an organization of $accounts accounts in $regions ..." >&2
"$py" "$root/tests/e2e/seed_org.py" --endpoint "$AWS_ENDPOINT_URL" --management 100000000001 \
  --regions "$regions" --members "$((accounts - 1))" >"$work/org.json"

start=$(date +%s.%N)
run "$work/org.json" collect --organization --role-name CisAudit --regions "$regions" ${ORG_BENCH_ARGS:-} \
  -o "$work/org" 2>"$work/org.err" || true
end=$(date +%s.%N)
cat "$work/org.err" >&2
calls=$(sed -n 's/.*; \([0-9]*\) calls, .*/\1/p' "$work/org.err" | head -1)
files=$(ls "$work/org/accounts" | grep -c '\.json$' || true)
"$py" - "$start" "$end" "$calls" "$accounts" "$files" <<'PY'
import sys
start, end, calls, accounts, files = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print(f"organization: {accounts} accounts x 2 regions, {files} account files, wall {end - start:.1f} s, "
      f"{calls} calls, {calls / (accounts * 2):.1f} calls per account-region (organization calls included)")
PY

for n in 10 1000; do
  "$py" "$root/tests/e2e/seed.py" --endpoint "$AWS_ENDPOINT_URL" --account "20000000$(printf %04d "$n")" \
    --scenario compliant --regions us-east-1 --extra-log-groups "$n" >"$work/lg-$n.json"
  run "$work/lg-$n.json" collect --regions us-east-1 -o "$work/lg-$n.snap" 2>"$work/lg-$n.err"
  echo "account with $n extra log groups: $(sed -n 's/.*region: \([0-9]*\) calls.*/\1/p' "$work/lg-$n.err") calls in us-east-1"
done
