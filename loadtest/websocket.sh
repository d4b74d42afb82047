#!/usr/bin/env bash
# WebSocket echo through a script endpoint, beside node's `ws` (the
# WebSocket server most Node services use): each server on core 0, one
# process and one thread; the client (node with `ws`) on core 1 keeps C
# connections (64 unless said) each sending a 64-byte text message and
# sending the next when the echo comes, for S seconds (10) after a
# second's warm-up; messages echoed per second, REPS runs each (3), the
# servers taken in turns. One client core may be what limits both: the
# servers' own CPU time (/proc/PID/stat) gives messages per CPU-second
# too, the figure that compares them then. Prints the table and keeps it
# in loadtest/runs/.
#
#   loadtest/websocket.sh                    # needs: node, npm (fetches ws)
#   C=256 S=5 REPS=1 loadtest/websocket.sh
source "$(dirname "$0")/lib.sh"
C=${C:-64}
S=${S:-10}
REPS=${REPS:-3}
npm install --silent --prefix "$tmp/node" ws@8 >/dev/null
export NODE_PATH="$tmp/node/node_modules"
cat >"$tmp/server.js" <<'JS'
const { WebSocketServer } = require("ws");
const wss = new WebSocketServer({ host: "127.0.0.1", port: +process.argv[2] });
wss.on("connection", (ws) => ws.on("message", (d, binary) => ws.send(d, { binary })));
JS
cat >"$tmp/client.js" <<'JS'
const WebSocket = require("ws");
const [url, conns, seconds] = [process.argv[2], +process.argv[3], +process.argv[4]];
const msg = "x".repeat(64);
let count = 0;
for (let i = 0; i < conns; i++) {
  const ws = new WebSocket(url);
  ws.on("open", () => ws.send(msg));
  ws.on("message", () => { count++; ws.send(msg); });
  ws.on("error", (e) => { console.error(e.message); process.exit(1); });
}
setTimeout(() => {
  count = 0;
  setTimeout(() => { console.log(Math.round(count / seconds)); process.exit(0); }, seconds * 1000);
}, 1000);
JS
mkdir -p "$tmp/work"
cat >"$tmp/work/echo.js" <<'JS'
work("Echo").ws("/echo", { message(ws, data) { ws.send(data); } });
JS
taskset -c 0 node "$tmp/server.js" 18400 &
node_pid=$!
pids+=($node_pid)
taskset -c 0 "$here/target/release/kitwork" serve --listen 127.0.0.1:18401 --cores 1 \
  --work "$tmp/work" --db "sqlite://$tmp/k.db" >"$tmp/kitwork.log" 2>&1 &
kit_pid=$!
pids+=($kit_pid)
sleep 1
wait_http 18401 /echo 2>/dev/null || true
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Prints messages/s and messages per CPU-second of server `pid` at `url`.
run() {
  local url=$1 pid=$2 before after rate
  before=$(ticks "$pid")
  rate=$(taskset -c 1 node "$tmp/client.js" "$url" "$C" "$S")
  after=$(ticks "$pid")
  # The client's warm-up second is in the server's ticks too.
  echo "$rate $(awk "BEGIN { printf \"%d\", $rate * $S / (($after - $before) / $(getconf CLK_TCK)) }")"
}
node_runs=() node_cpu=() kit_runs=() kit_cpu=()
for _ in $(seq "$REPS"); do
  read -r r c < <(run ws://127.0.0.1:18400/echo "$node_pid")
  node_runs+=("$r") node_cpu+=("$c")
  read -r r c < <(run ws://127.0.0.1:18401/echo "$kit_pid")
  kit_runs+=("$r") kit_cpu+=("$c")
done
n=$(printf '%s\n' "${node_runs[@]}" | median)
k=$(printf '%s\n' "${kit_runs[@]}" | median)
nc=$(printf '%s\n' "${node_cpu[@]}" | median)
kc=$(printf '%s\n' "${kit_cpu[@]}" | median)
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-websocket.md"
{
  echo "# WebSocket echo, $C connections, 64-byte text messages, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo
  echo "Each server on core 0 (one process, one thread), node's ws client on core 1; messages echoed per second, median of $REPS runs of $S s."
  echo
  echo "| server | messages/s, median | / node | runs | messages per CPU-second | / node |"
  echo "|---|---:|---:|---|---:|---:|"
  echo "| node 20 + ws 8 | $n | 1.00 | ${node_runs[*]} | $nc | 1.00 |"
  echo "| kitwork .ws() | $k | $(awk "BEGIN { printf \"%.2f\", $k / $n }") | ${kit_runs[*]} | $kc | $(awk "BEGIN { printf \"%.2f\", $kc / $nc }") |"
} | tee "$out"
echo "saved to $out"
