#!/usr/bin/env bash
# What a middleware costs: the same answer from /hello and from
# /hello-checked, whose middleware reads a request header and adds a
# response header (loadtest/work-middleware/hello.js), on one kitwork core (core 0)
# with wrk on core 1, the two routes taken in turns so drift hits both
# alike. Prints each run and the ratio of the medians, and keeps them in
# loadtest/runs/. Issue 21's target: at most 10% fewer req/s.
#
#   loadtest/middleware.sh                    # needs: wrk
#   DURATION=3s REPS=3 loadtest/middleware.sh
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-5s}
REPS=${REPS:-5}
CONNS=${CONNS:-64}
port=$((20000 + RANDOM % 20000))
taskset -c 0 "$here/target/release/kitwork" serve --listen "127.0.0.1:$port" --cores 1 \
  --work "$here/loadtest/work-middleware" --db "sqlite://$tmp/k.db" >/dev/null 2>&1 &
pids+=($!)
wait_http "$port" /hello
rps() {
  taskset -c 1 wrk -t1 -c"$CONNS" -d"$DURATION" "http://127.0.0.1:$port$1" |
    awk '/Requests\/sec/ { print $2 }'
}
mkdir -p "$here/loadtest/runs"
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-middleware.md"
plain=() checked=()
{
  echo "# A middleware's cost, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo
  echo "wrk -t1 -c$CONNS -d$DURATION, kitwork --cores 1 on core 0, wrk on core 1, $REPS runs each in turns."
  echo
  echo "| run | /hello req/s | /hello-checked req/s |"
  echo "|---:|---:|---:|"
  for i in $(seq "$REPS"); do
    a=$(rps /hello)
    b=$(rps /hello-checked)
    plain+=("$a")
    checked+=("$b")
    echo "| $i | $a | $b |"
  done
  ma=$(printf '%s\n' "${plain[@]}" | median)
  mb=$(printf '%s\n' "${checked[@]}" | median)
  echo
  echo "Medians: /hello $ma, /hello-checked $mb; ratio $(python3 -c "print(f'{$mb / $ma:.3f}')")."
} | tee "$out"
echo "saved to $out"
