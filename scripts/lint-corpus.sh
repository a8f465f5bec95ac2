#!/usr/bin/env bash
# Lint every file of an IaC corpus folder one by one and print, per file, the
# exit code and the counts, then one line per filter with its Security Hub
# control and verdict. scripts/test.sh compares this with
# tests/data/lint/corpus-verdicts.txt.
#
# Usage: scripts/lint-corpus.sh BINARY CORPUS_DIR
set -euo pipefail
bin="$1"
dir="$2"
cd "$dir"
for f in $(ls | grep -Ev '\.md$' | sort); do
  set +e
  json="$("$bin" lint --format json --benchmark securityhub "$f")"
  code=$?
  set -e
  printf '%s\n' "$json" | python3 -c '
import json, sys
name, code = sys.argv[1], sys.argv[2]
v = json.load(sys.stdin)
s = v["summary"]
print("%s: exit %s, %d errors, %d warnings, %d infos"
      % (name, code, s["errors"], s["warnings"], s["infos"]))
for f in v["filters"]:
    print("  %d %s -> %s %s %s" % (f["location"]["line"], f["resource"],
          f["control"] or "-", f["matched_by"] or "-", f["verdict"] or "-"))
' "$f" "$code"
done
