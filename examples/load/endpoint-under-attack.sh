#!/usr/bin/env bash
# Load benchmark (not a test): `nohop serve` and nginx, same machine, same run, loopback only, each
# measured twice with wrk: alone, and while slow-clients.py holds IDLE connections that send nothing
# and SLOW connections that drip a request header one byte a second (and probes with fresh
# connections). Needs wrk, nginx, python3 and the built tool (mvn -q -DskipTests package). Every
# process it starts is stopped on exit; the attack stops by itself.
#
#   examples/load/endpoint-under-attack.sh [DURATION_SECONDS] [CONNECTIONS] [IDLE] [SLOW]
#
# EXTRA_TARGETS="name|http://127.0.0.1:PORT/.well-known/jwks.json ..." adds servers that are already
# running (any other engine you want in the same table); REVERSE=1 measures the targets in the
# opposite order; WARMUP=SECONDS (default 10) of load precede each target's measurement.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10}
warmup=${WARMUP:-10}   # seconds of load before measuring: lets the JIT compile the JVM servers
connections=${2:-32}
idle=${3:-500}
slow=${4:-64}
jar=keys/target/nohop.jar
[ -f "$jar" ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null && command -v python3 >/dev/null \
  || { echo "needs wrk, nginx and python3" >&2; exit 1; }

work=$(mktemp -d)
chmod 755 "$work"   # nginx workers run as another user and must read the exported file
serve_pid=""
attack_pid=""
cleanup() {
  [ -n "$attack_pid" ] && kill "$attack_pid" 2>/dev/null || true
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export NOHOP_PASSPHRASE=load-test
java -jar "$jar" init --store "$work/store" --algorithm ES256 --issuer https://auth.example >/dev/null
java -jar "$jar" rotate --store "$work/store" >/dev/null   # two published keys, as during a rotation
java -jar "$jar" export --store "$work/store" --out "$work/jwks.json" >/dev/null

java -jar "$jar" serve --store "$work/store" --port 0 --admin-bind 0 > "$work/serve.out" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
serve_url="$(head -1 "$work/serve.out" | sed 's/listening on //')/.well-known/jwks.json"

nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Time bounds like nohop serve's defaults: 10 s for a request's headers, 30 s for an idle connection.
cat > "$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_header_timeout 10s;
  keepalive_timeout 30s;
  server {
    listen 127.0.0.1:$nginx_port backlog=4096;
    location = /.well-known/jwks.json {
      alias $work/jwks.json;
      default_type application/json;
      etag on;
      add_header Cache-Control "public, max-age=300, stale-if-error=86400";
    }
  }
}
CONF
nginx -c "$work/nginx.conf"
nginx_url="http://127.0.0.1:$nginx_port/.well-known/jwks.json"

# wrk's "99%" line in milliseconds.
p99_ms() { awk '$1=="99%"{v=$2; u=v; sub(/[0-9.]+/,"",u); sub(/[a-z]+$/,"",v);
  if(u=="us")v/=1000; else if(u=="s")v*=1000; else if(u=="m")v*=60000; printf "%.2f", v}'; }
rps() { awk '/Requests\/sec/{printf "%d", $2}'; }
errs() { awk '/Socket errors|Non-2xx/{printf "%s ", $0}'; }

echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1), $(nginx -v 2>&1)"
echo "# wrk -t2 -c$connections -d${duration}s --latency; attack: $idle idle + $slow slow-header connections (slow-clients.py)"
printf "%-14s %-8s %10s %9s  %s\n" server attack "req/s" "p99 ms" "fresh-connection probes / errors"
targets=("nohop serve|$serve_url" "nginx|$nginx_url")
for extra in ${EXTRA_TARGETS:-}; do targets+=("$extra"); done
if [ "${REVERSE:-0}" = 1 ]; then   # run the same targets in the opposite order (load drifts on a shared box)
  for ((i = 0, j = ${#targets[@]} - 1; i < j; i++, j--)); do t=${targets[i]}; targets[i]=${targets[j]}; targets[j]=$t; done
fi
for target in "${targets[@]}"; do
  name=${target%%|*}; url=${target#*|}
  port=$(echo "$url" | sed -E 's#http://[^:]+:([0-9]+)/.*#\1#')
  path=$(echo "$url" | sed -E 's#http://[^/]+(/.*)#\1#')
  curl -sf "$url" >/dev/null
  wrk -t2 -c"$connections" -d"${warmup}s" "$url" >/dev/null    # warm-up (JIT for the JVM side)
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$url")
  printf "%-14s %-8s %10s %9s  %s\n" "$name" no "$(rps <<<"$out")" "$(p99_ms <<<"$out")" "$(errs <<<"$out")"
  python3 examples/load/slow-clients.py --port "$port" --path "$path" --idle "$idle" --slow "$slow" \
      --probe-ms 0 --duration "$((duration + 6))" > "$work/attack.out" 2>&1 &
  attack_pid=$!
  sleep 3   # let the attack connect before measuring
  # Fresh-connection probes from a process of their own, so the attacker's reconnect bursts do not delay them.
  python3 examples/load/slow-clients.py --port "$port" --path "$path" --idle 0 --slow 0 --probe-ms 100 \
      --duration "$duration" > "$work/probe.out" 2>&1 &
  probe_pid=$!
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$url")
  wait "$probe_pid" || true
  wait "$attack_pid" || true
  attack_pid=""
  probes=$(tail -1 "$work/probe.out" | sed 's/; attack connections.*//')
  closed=$(tail -1 "$work/attack.out" | sed 's/.*attack connections/attack connections/')
  printf "%-14s %-8s %10s %9s  %s; %s %s\n" "$name" yes "$(rps <<<"$out")" "$(p99_ms <<<"$out")" "$probes" "$closed" "$(errs <<<"$out")"
done
