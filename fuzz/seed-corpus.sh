#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with seed patterns:
#   - grammar/corpus/{valid,invalid}/*.pattern, one trailing newline stripped
#     (the corpus convention);
#   - fuzz/seeds/*.pattern, same convention;
#   - tests/fuzz_regressions/*, verbatim (saved fuzz inputs are exact bytes);
#   - for the criteria target, grammar/corpus-criteria/{valid,invalid};
#   - for the lint target, the lint fixtures and the shared IaC corpus.
# Seeds are named after their source, so running this again refreshes them
# without duplicates.
set -euo pipefail
cd "$(dirname "$0")"

# Print a file without its last byte if that byte is a newline.
strip_one_newline() {
  if [ -s "$1" ] && [ "$(tail -c 1 "$1" | od -An -tx1 | tr -d ' \n')" = 0a ]; then
    head -c -1 "$1"
  else
    cat "$1"
  fi
}

for target in parse roundtrip normalize verdict; do
  out="corpus/$target"
  mkdir -p "$out"
  for dir in ../grammar/corpus/valid ../grammar/corpus/invalid seeds; do
    [ -d "$dir" ] || continue
    for f in "$dir"/*.pattern; do
      [ -f "$f" ] || continue
      strip_one_newline "$f" > "$out/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
    done
  done
  if [ -d ../tests/fuzz_regressions ]; then
    for f in ../tests/fuzz_regressions/*; do
      case "$f" in *.md) continue ;; esac
      [ -f "$f" ] && cp "$f" "$out/regression-$(basename "$f")"
    done
  fi
  echo "$out: $(find "$out" -type f | wc -l) files"
done

# The criteria target reads fieldSelectionCriteria: seed it with the
# criteria corpus.
out="corpus/criteria"
mkdir -p "$out"
for dir in ../grammar/corpus-criteria/valid ../grammar/corpus-criteria/invalid; do
  for f in "$dir"/*.criteria; do
    [ -f "$f" ] || continue
    strip_one_newline "$f" > "$out/seed-$(basename "$dir")-$(basename "$f")"
  done
done
echo "$out: $(find "$out" -type f | wc -l) files"

# The lint, yaml and terraform targets read files, not patterns: seed them
# with the lint fixtures (and the shared IaC corpus when it is beside the
# repository), each file on its own; yaml takes the templates, terraform
# the .tf files.
for target in lint yaml terraform; do
  out="corpus/$target"
  mkdir -p "$out"
  case "$target" in
    yaml) names=(-name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.template') ;;
    terraform) names=(-name '*.tf') ;;
    *) names=(-name '*') ;;
  esac
  for dir in ../tests/data/lint ../tests/data/lint_limits ../../shared/corpus/iac; do
    [ -d "$dir" ] || continue
    find "$dir" -type f ! -name '*.md' \( "${names[@]}" \) | while read -r f; do
      cp "$f" "$out/seed-$(echo "$f" | tr '/' '_' | tr -d '.')"
    done
  done
  echo "$out: $(find "$out" -type f | wc -l) files"
done

# The input target reads a read-size byte, then a log file: seed it with the
# CloudTrail samples and a few layouts.
out="corpus/input"
mkdir -p "$out"
for f in ../tests/data/cloudtrail/*/*.json; do
  [ -f "$f" ] || continue
  { printf '\007'; cat "$f"; } > "$out/seed-$(echo "$f" | tr '/' '_' | tr -d '.')"
done
printf '\003{"a":1}\n{"a":2}\r\n\nplain text\n' > "$out/seed-lines"
printf '\005[{"a":1}, "x", 3]' > "$out/seed-array"
printf '\001{"Records":[{"a":1}]}\n{"Records":[{"a":2}]}' > "$out/seed-concatenated"
echo "$out: $(find "$out" -type f | wc -l) files"

# The semantics target reads two patterns, one per line: seed it with each
# valid grammar pattern (and the seeds) paired with the next one.
out="corpus/semantics"
mkdir -p "$out"
prev=""
for f in ../grammar/corpus/valid/*.pattern seeds/*.pattern; do
  [ -f "$f" ] || continue
  cur="$(strip_one_newline "$f" | tr '\n' ' ')"
  if [ -n "$prev" ]; then
    printf '%s\n%s' "$prev" "$cur" > "$out/seed-$(basename "$f")"
  fi
  prev="$cur"
done
echo "$out: $(find "$out" -type f | wc -l) files"
