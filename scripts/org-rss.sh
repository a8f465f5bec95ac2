#!/usr/bin/env bash
# Peak RSS of offline `verify` over synthetic organization snapshots, per
# report format and number of accounts (issue 17: memory must not grow with
# the number of accounts).
#
#   scripts/org-rss.sh BINARY [WORKDIR] [COUNTS...]
#
# BINARY   a cis-filters binary (a release build:
#          cargo build --release --no-default-features --features cli)
# WORKDIR  where the organizations are generated once (default
#          ${TMPDIR:-/tmp}/cis-filters-org-rss)
# COUNTS   numbers of accounts (default: 100 1000 3000)
#
# Prints a Markdown table: peak RSS in MB (GNU time's "Maximum resident set
# size") and wall time per format, the report written to /dev/null.
set -euo pipefail

bin=${1:?usage: scripts/org-rss.sh BINARY [WORKDIR] [COUNTS...]}
work=${2:-${TMPDIR:-/tmp}/cis-filters-org-rss}
shift $(( $# >= 2 ? 2 : 1 ))
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 1000 3000)
root=$(cd "$(dirname "$0")/.." && pwd)
formats=(table json csv junit sarif asff asff-batches ocsf html)

[ -x /usr/bin/time ] || { echo "org-rss.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }
mkdir -p "$work"
for n in "${counts[@]}"; do
  [ -f "$work/org-$n/organization.json" ] ||
    python3 "$root/scripts/gen-org-snapshot.py" "$work/org-$n" --accounts "$n"
done

printf '| format |'; for n in "${counts[@]}"; do printf ' %s accounts |' "$n"; done; echo
printf '|---|'; for _ in "${counts[@]}"; do printf -- '---|'; done; echo
for f in "${formats[@]}"; do
  printf '| %s |' "$f"
  for n in "${counts[@]}"; do
    log=$(mktemp)
    # Exit 1 (an account FAILED) is the expected result.
    /usr/bin/time -v "$bin" verify --snapshot "$work/org-$n" --format "$f" >/dev/null 2>"$log" || true
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")
    rm -f "$log"
    if [ -z "$kb" ]; then printf ' error |'; else
      printf ' %s MB, %s |' "$(awk -v k="$kb" 'BEGIN{printf "%.1f", k/1024}')" "$wall"
    fi
  done
  echo
done
