#!/usr/bin/env bash
# The demo of what the platform can show today: gray-release decisions with explanations, and signing keys.
# Usage: scripts/demo.sh [path/to/minictl]   (make demo builds minictl and calls this)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/start-platform.sh
MINICTL=${1:-.build/debug/minictl}
CATALOGD=${2:-.build/debug/catalogd}
TERMSHELL=${3:-.build/debug/termshell}
PLANS=examples/gray/mbank-gray-plans.json
USERS=examples/gray/mbank-users.jsonl

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n$ %s\n' "$bold" "$1" "$plain" "$2"; }

step "Who gets car-insurance 2.1.0 (and which variant), and why" \
  "minictl gray eval --features $PLANS --toggle car-insurance --contexts $USERS --variant --explain --format text"
"$MINICTL" gray eval --features "$PLANS" --toggle car-insurance --contexts "$USERS" --variant --explain --format text

step "The same decision as JSON, for scripts" \
  "minictl gray eval --features $PLANS --toggle car-insurance --context '{\"userId\":\"staff-wang\",\"properties\":{\"email\":\"wang@bank.example\",\"hostVersion\":\"7.3.0\"}}' --variant"
"$MINICTL" gray eval --features "$PLANS" --toggle car-insurance \
  --context '{"userId":"staff-wang","properties":{"email":"wang@bank.example","hostVersion":"7.3.0"}}' --variant

step "Bill payment is limited to office networks (IN_CIDR)" \
  "minictl gray eval --features $PLANS --toggle bill-payment --context '{\"remoteAddress\":\"10.20.3.4\"}' --explain --format text"
"$MINICTL" gray eval --features "$PLANS" --toggle bill-payment --context '{"remoteAddress":"10.20.3.4"}' --explain --format text
"$MINICTL" gray eval --features "$PLANS" --toggle bill-payment --context '{"remoteAddress":"192.0.2.9"}' --explain --format text

step "A mistake in a plan is reported with its JSON path" \
  "minictl gray eval --features <broken plan> --toggle x --context '{}'"
broken=$(mktemp)
printf '{"features": [{"name": "x", "enabled": true, "strategies": [{"parameters": {"rollout": "10"}}]}]}' > "$broken"
"$MINICTL" gray eval --features "$broken" --toggle x --context '{}' || echo "(exit status $?)"
rm -f "$broken"

step "A partner's mini-program: check it, pack it, run it in the simulator" \
  "minictl check sample-apps/car-insurance"
"$MINICTL" check sample-apps/car-insurance
package=$(mktemp --suffix=.zip)
"$MINICTL" pack sample-apps/car-insurance -o "$package"
step "The quote flow, from the plate number to the plans (the host answers consent, payment and requests)" \
  "minictl preview $package --fixtures sample-apps/car-insurance.fixtures.json --keys 'type:沪a12345 down right down down enter' --events"
"$MINICTL" preview "$package" --fixtures sample-apps/car-insurance.fixtures.json --keys 'type:沪a12345 down right down down enter' --events
rm -f "$package"

if [ -x "$CATALOGD" ]; then
  data=$(mktemp -d)
  step "The management platform with the demo data (seeds/demo.json)" \
    "catalogd serve --data $data/server --listen 127.0.0.1:0 --seed seeds/demo.json"
  start_platform "$CATALOGD" "$data" || { echo "catalogd did not start:"; cat "$data/log.txt"; exit 1; }
  # Only the token the tour uses: a printed tour is pasted into tickets and chats.
  grep "listening on" "$data/out.txt"
  echo "  account ops-wang (ops): $ops   (the seed's other tokens and host keys are not shown: the tour uses none)"

  # What a shell received and verified: the signed envelope it keeps, decoded (python3's own sqlite3 module).
  show_catalog() {
    python3 -c 'import sqlite3,sys,json,base64
e=json.loads(sqlite3.connect(sys.argv[1]).execute("SELECT envelope FROM catalog WHERE user_id=?", (sys.argv[2],)).fetchone()[0])
p=json.loads(base64.b64decode(e["payload"]))
print("  signed by", e["signatures"][0]["keyid"]); [print("   ", x["appId"], x["version"], "openId " + x.get("openId", "-"), "(gray)" if x["gray"] else "") for x in p["entries"]]
print("    tombstones:", [(t["appId"], t["reason"]) for t in p["tombstones"]])' "$1" "$2"
  }
  step "A mobile-banking shell for user u-1002 enrols as a device and syncs once: what it receives (a signed envelope; payload decoded here)" \
    "termshell --headless --once --server $url --host mbank --user u-1002 --property tier=vip --host-key … --user-key …/user-keys/mbank.key --server-key $pubkey"
  "$TERMSHELL" --headless --once --server "$url" --host mbank --user u-1002 --property tier=vip \
    --host-key "$hostkey" --user-key "$userkey" --server-key "$pubkey" --data "$data/peek" \
    | grep -E '"event":"(enrolled|synced)"'
  show_catalog "$data/peek/shell.sqlite" u-1002

  shell=""
  if [ -x "$TERMSHELL" ]; then
    step "A mobile-banking shell for user u-1 runs headless: it syncs, verifies and installs" \
      "termshell --headless --server $url --host mbank --user u-1 --host-key … --user-key …/user-keys/mbank.key --server-key $pubkey"
    "$TERMSHELL" --headless --server "$url" --host mbank --user u-1 --host-key "$hostkey" --user-key "$userkey" \
      --server-key "$pubkey" --data "$data/shell" > "$data/shell.jsonl" 2>&1 &
    shell=$!
    for _ in $(seq 1 50); do grep -q '"event":"connected"' "$data/shell.jsonl" 2>/dev/null && break; sleep 0.2; done
    cat "$data/shell.jsonl"
  fi

  step "Operations delist the car insurance everywhere, then check who confirmed" \
    "minictl delist com.carins.quote --host all --reason 'Partner licence suspended'; minictl status com.carins.quote"
  "$MINICTL" delist com.carins.quote --host all --reason "Partner licence suspended" --server "$url" --token "$ops"
  if [ -n "$shell" ]; then
    for _ in $(seq 1 50); do grep -q '"purged":\["com.carins.quote"\]' "$data/shell.jsonl" 2>/dev/null && break; sleep 0.2; done
    echo "  the shell, meanwhile:"
    grep -E 'delisted-and-purged|"purged":\["com' "$data/shell.jsonl" | sed 's/^/    /'
  fi
  "$MINICTL" status com.carins.quote --server "$url" --token "$ops"
  step "The u-1002 shell was offline: at its next sync it is told, purges and confirms" \
    "termshell --headless --once … --user u-1002; minictl status com.carins.quote"
  "$TERMSHELL" --headless --once --server "$url" --host mbank --user u-1002 --property tier=vip \
    --host-key "$hostkey" --user-key "$userkey" --data "$data/peek" >/dev/null
  show_catalog "$data/peek/shell.sqlite" u-1002
  "$MINICTL" status com.carins.quote --server "$url" --token "$ops"
  if [ -n "$shell" ]; then kill "$shell"; wait "$shell" 2>/dev/null || true; fi
  kill "$server"; wait "$server" 2>/dev/null || true
  rm -rf "$data"
fi

keys=$(mktemp -d)
step "The signing key that catalog envelopes are signed with (shells pin the public key)" \
  "minictl key generate --out $keys"
"$MINICTL" key generate --out "$keys"
ls -l "$keys"
rm -rf "$keys"
