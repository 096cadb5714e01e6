#!/usr/bin/env bash
# IMAP benchmark: Postern against Dovecot (Debian dovecot-imapd, a private instance on loopback
# with Maildir) holding the same mailbox contents.
#   (a) a mixed workload (SELECT, FETCH headers of 1,000 messages, FETCH bodies, SEARCH, STORE,
#       APPEND) from C concurrent clients: operations/second of each server and the ratio;
#   (b) resident memory of each server with N idle IDLE connections.
# Usage: bench/imap.sh [CLIENTS=8] [SECONDS=30] [IDLE_CONNECTIONS=10000]
# Needs: dovecot-imapd (apt-get install -y dovecot-imapd), ulimit -n above 2×IDLE_CONNECTIONS.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${1:-8}
SECONDS_RUN=${2:-30}
IDLE_N=${3:-10000}
# Dovecot runs one imap process per connection (about 5 MiB each): its IDLE test uses at most this many.
DOVECOT_IDLE_N=${DOVECOT_IDLE_N:-$(( IDLE_N < 1000 ? IDLE_N : 1000 ))}
MESSAGES=1000
USER_NAME=bench@example.test
PASSWORD=bench-password
PPORT=${PPORT:-31143}
DPORT=${DPORT:-31144}
NODE=node_modules/.bin/node
WORK=$(mktemp -d /tmp/postern-bench-XXXXXX)
PPID_SERVER=""
DOVECOT_CONF="$WORK/dovecot/dovecot.conf"

cleanup() {
  [ -n "$PPID_SERVER" ] && kill "$PPID_SERVER" 2>/dev/null && wait "$PPID_SERVER" 2>/dev/null || true
  [ -f "$DOVECOT_CONF" ] && dovecot -c "$DOVECOT_CONF" stop 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n $((IDLE_N + 1000)) 2>/dev/null || echo "warning: could not raise ulimit -n; IDLE test may fail"

command -v dovecot >/dev/null || { echo "dovecot not installed (apt-get install -y dovecot-imapd)"; exit 1; }

# --- Postern
echo "== starting Postern on 127.0.0.1:$PPORT"
$NODE bench/imap-setup.ts "$WORK/postern" "$PPORT" "$USER_NAME" "$PASSWORD"
# Postern runs untuned: `postern start` shapes its own heap ([memory] compact_heap, src/cli/heap.ts).
# POSTERN_NODE_OPTIONS passes node flags anyway (e.g. "--max-old-space-size=256" to compare).
echo "   NODE_OPTIONS for Postern: ${POSTERN_NODE_OPTIONS:-(none)}"
NODE_OPTIONS="${POSTERN_NODE_OPTIONS:-}" $NODE bin/postern.ts start --data "$WORK/postern" > "$WORK/postern.log" 2>&1 &
PPID_SERVER=$!

# --- Dovecot: private instance, loopback only, Maildir, passwd-file with the same account.
echo "== starting Dovecot on 127.0.0.1:$DPORT"
mkdir -p "$WORK/dovecot/run" "$WORK/dovecot/mail"
# Dovecot refuses to run its login processes as root: use its own unprivileged users when root.
if [ "$(id -u)" = 0 ]; then LOGIN_USER=dovenull; INTERNAL_USER=dovecot; MAIL_USER=dovecot; else LOGIN_USER=$(id -un); INTERNAL_USER=$(id -un); MAIL_USER=$(id -un); fi
MAIL_UID=$(id -u "$MAIL_USER"); MAIL_GID=$(id -g "$MAIL_USER")
chmod 755 "$WORK"
chown -R "$MAIL_USER" "$WORK/dovecot/mail" 2>/dev/null || true
echo "$USER_NAME:{PLAIN}$PASSWORD:$MAIL_UID:$MAIL_GID::$WORK/dovecot/mail/%n" > "$WORK/dovecot/passwd"
chmod 644 "$WORK/dovecot/passwd"
cat > "$DOVECOT_CONF" <<CONF
base_dir = $WORK/dovecot/run
state_dir = $WORK/dovecot/run
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$WORK/dovecot/mail/%u/Maildir
mail_uid = $MAIL_UID
mail_gid = $MAIL_GID
first_valid_uid = 0
default_login_user = $LOGIN_USER
default_internal_user = $INTERNAL_USER
log_path = $WORK/dovecot/dovecot.log
mail_max_userip_connections = $((DOVECOT_IDLE_N + 100))
default_client_limit = $((DOVECOT_IDLE_N + 100))
default_vsz_limit = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN $WORK/dovecot/passwd
}
userdb {
  driver = static
  args = uid=$MAIL_UID gid=$MAIL_GID home=$WORK/dovecot/mail/%u
}
namespace inbox {
  inbox = yes
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $DPORT
  }
  inet_listener imaps {
    port = 0
  }
  service_count = 0
  client_limit = $((DOVECOT_IDLE_N + 100))
  process_min_avail = 1
  process_limit = 4
}
service imap {
  process_limit = $((DOVECOT_IDLE_N + 100))
}
CONF
dovecot -c "$DOVECOT_CONF"

for port in "$PPORT" "$DPORT"; do
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
done

echo "== seeding $MESSAGES messages into each INBOX (same contents)"
$NODE bench/imap-load.ts seed 127.0.0.1 "$PPORT" "$USER_NAME" "$PASSWORD" "$MESSAGES"
$NODE bench/imap-load.ts seed 127.0.0.1 "$DPORT" "$USER_NAME" "$PASSWORD" "$MESSAGES"

echo "== (a) mixed workload: $CLIENTS clients, ${SECONDS_RUN}s each"
P=$($NODE bench/imap-load.ts mixed 127.0.0.1 "$PPORT" "$USER_NAME" "$PASSWORD" "$CLIENTS" "$SECONDS_RUN")
D=$($NODE bench/imap-load.ts mixed 127.0.0.1 "$DPORT" "$USER_NAME" "$PASSWORD" "$CLIENTS" "$SECONDS_RUN")
echo "postern: $P"
echo "dovecot: $D"
$NODE -e '
const p = JSON.parse(process.argv[1]), d = JSON.parse(process.argv[2]);
console.log(`ops/s  postern ${p.opsPerSecond}  dovecot ${d.opsPerSecond}  ratio (postern/dovecot) ${(p.opsPerSecond / d.opsPerSecond).toFixed(2)}`);
' "$P" "$D"

rss_of() { # total VmRSS in MiB of the given pids
  local total=0
  for pid in "$@"; do
    local kb; kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo $((total / 1024))
}

idle_test() { # name port count pids-command
  local name=$1 port=$2 n=$3
  local started=$SECONDS
  $NODE bench/imap-load.ts idle 127.0.0.1 "$port" "$USER_NAME" "$PASSWORD" "$n" > "$WORK/idle-$name.out" 2>&1 &
  local loader=$!
  for _ in $(seq 1 3000); do grep -q ready "$WORK/idle-$name.out" 2>/dev/null && break; kill -0 $loader 2>/dev/null || break; sleep 0.2; done
  if ! grep -q ready "$WORK/idle-$name.out"; then echo "$name: IDLE test failed: $(tail -3 "$WORK/idle-$name.out")"; kill $loader 2>/dev/null || true; return; fi
  echo "$name: sessions opened in $((SECONDS - started)) s"
  sleep 2
  local pids; pids=$(eval "$4")
  echo "$name: $(cat "$WORK/idle-$name.out") IDLE sessions, resident memory $(rss_of $pids) MiB"
  # A server that keeps the sessions for a while: Postern returns freed heap pages every 30 s.
  sleep "${SETTLE_SECONDS:-35}"
  echo "$name: after ${SETTLE_SECONDS:-35} s more: resident memory $(rss_of $pids) MiB"
  kill $loader; wait $loader 2>/dev/null || true
}

echo "== (b) resident memory with IDLE connections (Postern $IDLE_N, Dovecot $DOVECOT_IDLE_N)"
echo "postern: resident memory before: $(rss_of $PPID_SERVER) MiB"
idle_test postern "$PPORT" "$IDLE_N" "echo $PPID_SERVER"
idle_test dovecot "$DPORT" "$DOVECOT_IDLE_N" "pgrep -f 'dovecot|imap' | grep -v \$\$ | xargs -r ps -o pid= -o comm= -p | awk '/dovecot|imap|anvil|log|config|auth|stats/ {print \$1}'"
