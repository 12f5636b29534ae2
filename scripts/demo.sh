#!/usr/bin/env bash
# The demo of what the platform can show today: gray-release decisions with explanations, and signing keys.
# Usage: scripts/demo.sh [path/to/minictl]   (make demo builds minictl and calls this)
set -euo pipefail
cd "$(dirname "$0")/.."
MINICTL=${1:-.build/debug/minictl}
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

keys=$(mktemp -d)
step "The signing key that catalog envelopes are signed with (shells pin the public key)" \
  "minictl key generate --out $keys"
"$MINICTL" key generate --out "$keys"
ls -l "$keys"
rm -rf "$keys"
