#!/usr/bin/env bash
# Rewrites Sources/termshell/termshell.order, the function order lld uses to link the release termshell: the
# functions a profiled session runs are placed side by side, so the code a session touches shares pages
# (docs/PERFORMANCE.md, "termshell (issue 6)", "The function order"). Run it after larger changes to the shell's
# code paths and commit the file.
# It plays a session and five scenarios against the demo platform under valgrind's callgrind and keeps the names
# of termshell's functions that ran, sorted (so that the file's diff shows what changed). Which functions run does
# not depend on where they are placed, so the release build as it is serves for the profile.
# Usage: make order-file   (it passes RELEASE, the release build command, so that the profile is of what ships)
set -euo pipefail
cd "$(dirname "$0")/.."
release=${RELEASE:?"profile-termshell: run it through 'make order-file' (it needs make's release build command)"}
for tool in valgrind objcopy python3; do
  command -v "$tool" >/dev/null || { echo "profile-termshell: $tool is needed" >&2; exit 1; }
done
source scripts/start-platform.sh
ORDER=Sources/termshell/termshell.order
$release --product termshell
$release --product catalogd
bin=.build/release
server=""
work=$(mktemp -d)
cleanup() {
  set +e
  [ -n "$server" ] && { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }
  rm -rf "$work"
}
trap cleanup EXIT
start_platform "$bin/catalogd" "$work" || { echo "catalogd did not start:" >&2; cat "$work/log.txt" >&2; exit 1; }
# valgrind 3.19 cannot read the DWARF 5 of the release build: profile a copy without debug information.
objcopy --strip-debug "$bin/termshell" "$work/termshell"
# What a demo does: the bench's path (home, service centre, QA panel) and the scenarios that need no `run` step.
cat > "$work/session.scenario" <<'SCENARIO'
key enter
wait Current account
key enter
connection online
key f2
wait Installed packages
key f2 esc
SCENARIO
index=0
for scenario in "$work/session.scenario" scenarios/consent-granted-and-denied.scenario \
  scenarios/payment-with-pin.scenario scenarios/search-services.scenario scenarios/settings-language.scenario \
  scenarios/qa-panel.scenario; do
  index=$((index + 1))
  # Under valgrind everything is about fifty times slower: every wait gets the longest timeout.
  sed -E 's/^(wait .*) within [0-9.]+s?$/\1/; s/^wait .*/& within 120s/' "$scenario" > "$work/slow.$index.scenario"
  if ! valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/profile.$index" \
    "$work/termshell" --script "$work/slow.$index.scenario" --size 120x40 --lang en --bank seeds/bank.json \
    --server "$url" --host mbank --host-key "$hostkey" --user-key "$userkey" --server-key "$pubkey" --data "$work/shell.$index" \
    > "$work/transcript.$index" 2> "$work/valgrind.$index"; then
    echo "profile-termshell: $(basename "$scenario") failed under valgrind; its transcript:" >&2
    tail -30 "$work/transcript.$index" >&2
    exit 1
  fi
done
python3 - "$work" "$index" > "$work/order" <<'PYTHON'
import re, sys
# callgrind names an object once (ob=(N) path) and a function once (fn=(N) name), then by number only; it
# marks recursion levels with 'N and names code without a symbol by its address.
folder, count = sys.argv[1], int(sys.argv[2])
ran = set()
for index in range(1, count + 1):
    objects, functions, current, callee = {}, {}, None, None
    with open(f"{folder}/profile.{index}", errors="replace") as profile:
        for line in profile:
            match = re.match(r"^(c?ob|c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
            if not match:
                continue
            kind, number, name = match.groups()
            table = objects if kind.endswith("ob") else functions
            if name:
                table[number] = name
            if kind == "ob":
                current = callee = objects[number]
            elif kind == "cob":
                callee = objects[number]
            else:
                owner = current if kind == "fn" else callee
                if kind == "cfn":
                    callee = current
                name = re.sub(r"'\d+$", "", functions[number])
                if owner and owner.endswith("/termshell") and not name.startswith(("0x", "(")):
                    ran.add(name)
if len(ran) < 1000:
    sys.exit(f"profile-termshell: only {len(ran)} functions of termshell ran; expected thousands")
print("\n".join(sorted(ran)))
PYTHON
# Replace the committed file in one step, then unlink the binary so that the next build links with the new order
# (SwiftPM does not know that the link reads the file).
cp "$work/order" "$ORDER.new"
mv "$ORDER.new" "$ORDER"
rm -f "$bin/termshell"
echo "wrote $ORDER: $(wc -l < "$ORDER") functions"
