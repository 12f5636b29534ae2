#!/usr/bin/env bash
# The interactive demo: catalogd with the demo data on a free loopback port, and termshell against it.
# Stops the server when the shell exits. Usage: [DEMO_HOST=metropay] scripts/demo-shell.sh [MINICTL] [CATALOGD] [TERMSHELL]
# DEMO_HOST picks the host app the shell is (mbank, carunit, kiosk, or metropay: Metro's transit app).
set -euo pipefail
MINICTL=${1:-.build/debug/minictl}
CATALOGD=${2:-.build/debug/catalogd}
TERMSHELL=${3:-.build/debug/termshell}

source "$(dirname "$0")/start-platform.sh"

data=$(mktemp -d)
server=""
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
start_platform "$CATALOGD" "$data" || { echo "catalogd did not start:"; cat "$data/log.txt"; exit 1; }

host=${DEMO_HOST:-mbank}
if [ "$host" = metropay ]; then
  cat > "$data/second-terminal.sh" <<MORE
# Paste into a second terminal (from $(pwd)) while the shell runs. Metro Pay is Metro's app: it lists only
# what Metro accepted.
export MINICTL_SERVER=$url MINICTL_TOKEN=$ops
$MINICTL offers list
$MINICTL delist com.eastsec.open-account --host all --reason "Securities licence under review"   # the bank, everywhere
MINICTL_TOKEN=$metro $MINICTL relist com.eastsec.open-account --host metropay   # Metro may not: the bank's wins
MINICTL_TOKEN=$metro $MINICTL status com.eastsec.open-account                   # Metro sees its own shell confirm
MORE
else
cat > "$data/second-terminal.sh" <<MORE
# Paste into a second terminal (from $(pwd)) while the shell runs:
export MINICTL_SERVER=$url MINICTL_TOKEN=$ops
$MINICTL status com.carins.quote
$MINICTL delist com.carins.quote --host mbank --reason "Partner licence suspended"   # watch it leave the shell
$MINICTL status com.carins.quote                                                     # the shell's acknowledgement
$MINICTL relist com.carins.quote --host mbank
MORE
fi
clear || true
echo "catalogd is serving the demo platform at $url (data in $data)."
echo
cat "$data/second-terminal.sh"
echo
echo "Sign in as Li Na, open Services. Press Enter to start the shell (q quits it and stops the server)."
read -r _
"$TERMSHELL" --bank seeds/bank.json --server "$url" --host "$host" --host-key "$hostkey" --user-key "$userkey" \
  --server-key "$pubkey" --data "$data/shell"
