# Sourced by demo.sh and demo-shell.sh: starts catalogd with the demo data in DATA on a free loopback port and
# sets `server` (its pid), `url`, `ops` (the ops account's token), `metro` (Metro's hostops token), `hostkey` and
# `userkey` (those of DEMO_HOST, mbank unless set) and `pubkey`.
# Usage: start_platform CATALOGD DATA
start_platform() {
  local catalogd=$1 data=$2
  "$catalogd" serve --data "$data/server" --listen 127.0.0.1:0 --seed seeds/demo.json > "$data/out.txt" 2> "$data/log.txt" &
  server=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$data/out.txt" 2>/dev/null && break; sleep 0.1; done
  url=$(grep -o 'http://[0-9.:]*' "$data/out.txt" | head -1)
  ops=$(awk '/account ops-wang/ {print $NF}' "$data/out.txt")
  metro=$(awk '/account hostops-metro/ {print $NF}' "$data/out.txt")
  hostkey=$(awk "/host key ${DEMO_HOST:-mbank}:/ {print \$NF}" "$data/out.txt")
  # The demo host backend's user-signing key: the shells' sign-in vouches for its users with it.
  userkey="$data/server/user-keys/${DEMO_HOST:-mbank}.key"
  pubkey=""
  [ -n "$url" ] || return 1
  pubkey=$("$catalogd" key show --data "$data/server" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["publicKey"])')
}
