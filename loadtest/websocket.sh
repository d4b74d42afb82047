#!/usr/bin/env bash
# WebSocket echo through a script endpoint, beside node's `ws` (the
# WebSocket server most Node services use): each server on core 0, one
# process and one thread; the client (node with `ws`) on core 1 keeps C
# connections (64 unless said) each sending a 64-byte text message and
# sending the next when the echo comes, for S seconds (10) after a
# second's warm-up; messages echoed per second, REPS runs each (3), the
# servers taken in turns. Prints the table and keeps it in loadtest/runs/.
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
pids+=($!)
taskset -c 0 "$here/target/release/kitwork" serve --listen 127.0.0.1:18401 --cores 1 \
  --work "$tmp/work" --db "sqlite://$tmp/k.db" >"$tmp/kitwork.log" 2>&1 &
pids+=($!)
sleep 1
wait_http 18401 /echo 2>/dev/null || true
run() { taskset -c 1 node "$tmp/client.js" "$1" "$C" "$S"; }
node_runs=()
kit_runs=()
for _ in $(seq "$REPS"); do
  node_runs+=("$(run ws://127.0.0.1:18400/echo)")
  kit_runs+=("$(run ws://127.0.0.1:18401/echo)")
done
n=$(printf '%s\n' "${node_runs[@]}" | median)
k=$(printf '%s\n' "${kit_runs[@]}" | median)
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-websocket.md"
{
  echo "# WebSocket echo, $C connections, 64-byte text messages, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo
  echo "Each server on core 0 (one process, one thread), node's ws client on core 1; messages echoed per second, median of $REPS runs of $S s."
  echo
  echo "| server | messages/s, median | / node | runs |"
  echo "|---|---:|---:|---|"
  echo "| node 20 + ws 8 | $n | 1.00 | ${node_runs[*]} |"
  echo "| kitwork .ws() | $k | $(awk "BEGIN { printf \"%.2f\", $k / $n }") | ${kit_runs[*]} |"
} | tee "$out"
echo "saved to $out"
