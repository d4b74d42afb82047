#!/usr/bin/env bash
# Instruction counts (valgrind callgrind) of the interpreter programs under
# kitwork and QuickJS: repeatable where wall-clock times on a shared VM are
# not. Keeps the table in bench/runs/<date>-<host>-instructions.md.
#
#   bench/instructions.sh                  # needs: valgrind, qjs (../shared/bench/build-qjs.sh)
#   KITWORK=/path/to/old/kitwork bench/instructions.sh   # another build
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${KITWORK_SHARED:-$here/../shared}
cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
kitwork=${KITWORK:-$here/target/release/kitwork}
qjs=${QJS:-qjs}
count() { # prints the instructions a command executes
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
out=${OUT:-"$here/bench/runs/$(date +%Y-%m-%d-%H%M)-$(hostname -s)-instructions.md"}
{
  echo "# Instructions executed (callgrind), $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo
  echo "| program | qjs | kitwork | kitwork / qjs |"
  echo "|---|---:|---:|---:|"
  for f in "$shared"/bench/vm/js/*.js; do
    name=$(basename "$f" .js)
    q=$(count "$qjs" "$f")
    k=$(count "$kitwork" run "$f")
    echo "| $name | $q | $k | $(python3 -c "print(f'{$k / $q:.2f}')") |"
  done
} | tee "$out"
echo "saved to $out"
