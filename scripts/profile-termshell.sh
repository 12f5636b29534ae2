#!/usr/bin/env bash
# Regenerates Sources/termshell/termshell.order, the function order lld uses to link the release termshell:
# every function a profiled session runs is placed side by side, so the code a session touches shares pages
# (docs/PERFORMANCE.md, "termshell's resident memory"). Run it after large changes to the shell's code paths.
# It plays scenarios against the demo platform under valgrind's callgrind and keeps the names of the functions
# of termshell that ran, in the order callgrind lists them.
# Usage: make order-file   (it passes RELEASE, the release build command, so that the profile is of what ships)
set -euo pipefail
cd "$(dirname "$0")/.."
release=${RELEASE:?"profile-termshell: run it through 'make order-file' (it needs make's release build command)"}
source scripts/start-platform.sh
command -v valgrind >/dev/null || { echo "profile-termshell: valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
ORDER=Sources/termshell/termshell.order
# The profile must not depend on the order it produces: link once with an empty one (SwiftPM does not know
# that the link reads the file, so remove the binary to make it link again).
cp "$ORDER" "$ORDER.previous"
: > "$ORDER"
restore() { [ -s "$ORDER" ] || mv "$ORDER.previous" "$ORDER"; rm -f "$ORDER.previous"; }
trap restore EXIT
rm -f .build/release/termshell
$release --product termshell
$release --product catalogd
bin=.build/release
work=$(mktemp -d)
start_platform "$bin/catalogd" "$work" || { echo "catalogd did not start:" >&2; cat "$work/log.txt" >&2; exit 1; }
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap 'cleanup; restore' EXIT
# valgrind 3.19 cannot read the DWARF 5 of the release build: profile a copy without debug information.
objcopy --strip-debug "$bin/termshell" "$work/termshell"
# What a demo does: the bench's path (home, service centre, QA panel) and the scenarios that need no `run` step.
cat > "$work/session.scenario" <<'SCENARIO'
key enter
wait Current account within 120s
key enter
wait service list v within 120s
key f2
wait Installed packages within 120s
key f2 esc
SCENARIO
index=0
for scenario in "$work/session.scenario" scenarios/consent-granted-and-denied.scenario \
  scenarios/payment-with-pin.scenario scenarios/search-services.scenario scenarios/settings-language.scenario \
  scenarios/qa-panel.scenario; do
  index=$((index + 1))
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/profile.$index" \
    "$work/termshell" --script "$scenario" --size 120x40 --lang en --bank seeds/bank.json --server "$url" \
    --host mbank --host-key "$hostkey" --server-key "$pubkey" --data "$work/shell.$index" \
    > "$work/transcript.$index" 2> "$work/valgrind.$index" \
    || echo "profile-termshell: $(basename "$scenario") did not pass under valgrind (its profile still counts)" >&2
done
python3 - "$work" > "$ORDER.new" <<'PYTHON'
import glob, re, sys
# callgrind names an object once (ob=(N) path) and a function once (fn=(N) name), then by number only; it
# marks recursion levels with 'N and names code without a symbol by its address.
order, seen = [], set()
for path in sorted(glob.glob(sys.argv[1] + "/profile.*")):
    objects, functions, current, callee = {}, {}, None, None
    for line in open(path, errors="replace"):
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
            if name.startswith(("0x", "(")):
                continue
            if owner and owner.endswith("/termshell") and name not in seen:
                seen.add(name)
                order.append(name)
print("\n".join(order))
PYTHON
[ -s "$ORDER.new" ] || { echo "profile-termshell: no function of termshell in the profiles" >&2; exit 1; }
mv "$ORDER.new" "$ORDER"
rm -f .build/release/termshell
echo "wrote $ORDER: $(wc -l < "$ORDER") functions"
