#!/usr/bin/env bash
# SMTP throughput: Postfix's smtp-source sends N messages over C parallel sessions to Postern and,
# in the same run, to a private loopback-only Postfix delivering to a virtual Maildir. Prints
# messages/second accepted-and-delivered for both, the ratio, and Postern's peak RSS.
#
# "Delivered" means: for Postern, the 250 after DATA (Postern replies only once the message is
# fsynced and committed to the recipient's INBOX); for Postfix, the message file in Maildir/new/
# (Postfix replies 250 once the queue file is fsynced and delivers afterwards), so the Postfix
# time runs until the last Maildir file appears.
#
# Usage: bench/smtp.sh [N] [C] [SIZE]   (defaults: 5000 messages, 20 sessions, 4096 bytes)
#   SMTP_SOURCE_FLAGS="-d" reuses each connection for several messages (default: one per connection).
# Needs: root (Postfix runs as its own user), Debian packages postfix (smtp-source) and the
# project's node_modules (npm install). Binds 127.0.0.1 only, on free ports; never port 25.
set -euo pipefail

N=${1:-5000}
C=${2:-20}
SIZE=${3:-4096}
FLAGS=${SMTP_SOURCE_FLAGS:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NODE="$ROOT/node_modules/.bin/node"
[ -x "$NODE" ] || { echo "run npm install first" >&2; exit 1; }
command -v smtp-source >/dev/null || PATH="$PATH:/usr/sbin"
command -v smtp-source >/dev/null || { echo "smtp-source missing: apt-get install -y postfix" >&2; exit 1; }

WORK=$(mktemp -d /tmp/postern-bench.XXXXXX)
chmod 755 "$WORK"  # the postfix user must reach its queue directory
POSTERN_PID=""
PF_CONF="$WORK/postfix-etc"
cleanup() {
  [ -n "$POSTERN_PID" ] && kill "$POSTERN_PID" 2>/dev/null && wait "$POSTERN_PID" 2>/dev/null || true
  [ -f "$PF_CONF/main.cf" ] && postfix -c "$PF_CONF" stop >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { "$NODE" -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f", n / (b - a) }'; }

# ---- Postern
P_PORT=$(free_port)
P_DATA="$WORK/postern"
mkdir -p "$P_DATA"
cat > "$P_DATA/postern.toml" <<EOF
hostname = "postern.bench.test"
log_level = "warn"

[[listener]]
name = "mx"
protocol = "smtp"
address = "127.0.0.1:$P_PORT"
tls = "none"
[listener.limits]
greeting_delay = "0s"
max_connections_per_ip = 1000
connection_rate_per_ip = 0
EOF
"$NODE" "$ROOT/bin/postern.ts" domain add bench.test --data "$P_DATA" >/dev/null
echo "bench-password-123" | "$NODE" "$ROOT/bin/postern.ts" user add user@bench.test --data "$P_DATA" >/dev/null
"$NODE" "$ROOT/bin/postern.ts" start --data "$P_DATA" >"$WORK/postern.log" 2>&1 &
POSTERN_PID=$!
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$P_PORT) 2>/dev/null && break; sleep 0.1; done

echo "== Postern: $N messages of $SIZE bytes over $C sessions to 127.0.0.1:$P_PORT $FLAGS"
T0=$(now)
smtp-source $FLAGS -s "$C" -m "$N" -l "$SIZE" -M bench-client.test -f sender@client.test -t user@bench.test "127.0.0.1:$P_PORT"
T1=$(now)
P_RSS=$(awk '/VmHWM/ { print $2 }' "/proc/$POSTERN_PID/status")
P_COUNT=$(sqlite3 "$P_DATA/postern.db" "SELECT COUNT(*) FROM messages" 2>/dev/null || echo "?")
kill "$POSTERN_PID"; wait "$POSTERN_PID" 2>/dev/null || true; POSTERN_PID=""
P_RATE=$(rate "$N" "$T0" "$T1")

# ---- Postfix, private instance on loopback, virtual Maildir delivery
F_PORT=$(free_port)
PF="$WORK/postfix"
mkdir -p "$PF_CONF" "$PF/queue" "$PF/data" "$PF/mail/bench.test"
chown -R postfix:postfix "$PF/data"
chown -R nobody:nogroup "$PF/mail"
NOBODY_UID=$(id -u nobody); NOGROUP_GID=$(getent group nogroup | cut -d: -f3)
echo "user@bench.test bench.test/user/" > "$PF_CONF/vmailbox"
cat > "$PF_CONF/main.cf" <<EOF
compatibility_level = 3.6
myhostname = postfix.bench.test
mydomain = bench.test
myorigin = \$myhostname
queue_directory = $PF/queue
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = bench.test
virtual_mailbox_base = $PF/mail
virtual_mailbox_maps = texthash:$PF_CONF/vmailbox
virtual_uid_maps = static:$NOBODY_UID
virtual_gid_maps = static:$NOGROUP_GID
virtual_destination_concurrency_limit = 20
default_process_limit = 100
smtpd_client_connection_rate_limit = 0
smtpd_client_connection_count_limit = 0
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
biff = no
EOF
# master.cf: the stock services, without chroot, the SMTP listener on our loopback port.
sed -e 's/^\([a-z][a-z0-9-]*  *\(unix\|unix-dgram\|fifo\|inet\|pass\)  *[-ny]  *[-ny]  *\)y/\1n/' \
    -e "s/^smtp      inet/127.0.0.1:$F_PORT inet/" /usr/share/postfix/master.cf.dist > "$PF_CONF/master.cf"
grep -q '^postlog' "$PF_CONF/master.cf" || echo 'postlog   unix-dgram n  -       n       -       1       postlogd' >> "$PF_CONF/master.cf"
postfix -c "$PF_CONF" start >/dev/null 2>&1 || { echo "postfix did not start; see $PF/maillog" >&2; exit 1; }
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$F_PORT) 2>/dev/null && break; sleep 0.1; done

echo "== Postfix $(postconf -c "$PF_CONF" -h mail_version): same load to 127.0.0.1:$F_PORT, virtual Maildir delivery"
NEW="$PF/mail/bench.test/user/new"
T2=$(now)
smtp-source $FLAGS -s "$C" -m "$N" -l "$SIZE" -M bench-client.test -f sender@client.test -t user@bench.test "127.0.0.1:$F_PORT"
T3=$(now)
while [ "$(ls "$NEW" 2>/dev/null | wc -l)" -lt "$N" ]; do
  sleep 0.05
  if awk -v a="$T3" -v b="$(now)" 'BEGIN { exit !(b - a > 120) }'; then echo "Postfix did not deliver all messages within 120 s" >&2; break; fi
done
T4=$(now)
F_COUNT=$(ls "$NEW" 2>/dev/null | wc -l)
F_RATE=$(rate "$F_COUNT" "$T2" "$T4")
F_ACCEPT_RATE=$(rate "$N" "$T2" "$T3")

echo
printf 'Postern  : %8s msgs/s accepted and delivered (%s in store), peak RSS %s MiB\n' "$P_RATE" "$P_COUNT" "$(awk -v k="$P_RSS" 'BEGIN { printf "%.1f", k / 1024 }')"
printf 'Postfix  : %8s msgs/s accepted and delivered (%s in Maildir; %s msgs/s accepted)\n' "$F_RATE" "$F_COUNT" "$F_ACCEPT_RATE"
printf 'ratio    : %8s (Postern / Postfix)\n' "$(awk -v a="$P_RATE" -v b="$F_RATE" 'BEGIN { printf "%.2f", a / b }')"
