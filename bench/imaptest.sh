#!/usr/bin/env bash
# Runs Dovecot's ImapTest against a fresh Postern on loopback (a new data directory, so a fresh
# mailbox each run): the scripted compliance tests, or its stress mode.
# Usage: bench/imaptest.sh [scripted|stress] [STRESS_SECONDS=60] [STRESS_CLIENTS=10]
# Needs ImapTest built (IMAPTEST_DIR, default /work/imaptest; it links against Debian's dovecot-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-scripted}
SECS=${2:-60}
CLIENTS=${3:-10}
IMAPTEST_DIR=${IMAPTEST_DIR:-/work/imaptest}
PORT=${PORT:-31990}
NODE=node_modules/.bin/node
WORK=$(mktemp -d /tmp/postern-imaptest-XXXXXX)
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
[ -x "$IMAPTEST_DIR/src/imaptest" ] || { echo "ImapTest not found in $IMAPTEST_DIR (set IMAPTEST_DIR)"; exit 1; }
$NODE bench/imap-setup.ts "$WORK/data" "$PORT" tester@example.test tester-password >/dev/null
$NODE bin/postern.ts start --data "$WORK/data" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.2; done
args=(host=127.0.0.1 "port=$PORT" user=tester@example.test pass=tester-password "mbox=$IMAPTEST_DIR/src/tests/default.mbox")
if [ "$MODE" = stress ]; then args+=("clients=$CLIENTS" "secs=$SECS"); else args+=("test=$IMAPTEST_DIR/src/tests"); fi
LD_LIBRARY_PATH=/usr/lib/dovecot${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} "$IMAPTEST_DIR/src/imaptest" "${args[@]}" | tee "$WORK/imaptest.log" | tail -n 30
