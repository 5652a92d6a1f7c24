#!/usr/bin/env bash
# Load benchmark (not a test): `nohop serve` against nginx serving the `nohop export`ed file, same
# machine, same run, loopback only. Needs wrk and nginx (Debian: apt-get install wrk nginx-light) and
# the built tool (mvn -q -DskipTests package). Every process it starts is stopped on exit.
#
#   examples/load/endpoint-vs-nginx.sh [DURATION_SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10}
connections=${2:-32}
jar=keys/target/nohop.jar
[ -f "$jar" ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx" >&2; exit 1; }

work=$(mktemp -d)
chmod 755 "$work"   # nginx workers run as another user and must read the exported file
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export NOHOP_PASSPHRASE=load-test
java -jar "$jar" init --store "$work/store" --algorithm ES256 --issuer https://auth.example >/dev/null
java -jar "$jar" rotate --store "$work/store" >/dev/null   # two published keys, as during a rotation
java -jar "$jar" export --store "$work/store" --out "$work/jwks.json" >/dev/null

java -jar "$jar" serve --store "$work/store" --port 0 > "$work/serve.out" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
serve_url="$(head -1 "$work/serve.out" | sed 's/listening on //')/.well-known/jwks.json"

nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
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

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(java -version 2>&1 | head -1), $(nginx -v 2>&1)"
echo "# wrk -t2 -c$connections -d${duration}s --latency, JWKS of $(wc -c < "$work/jwks.json") bytes (2 ES256 keys)"
for target in "nohop serve|$serve_url" "nginx|$nginx_url"; do
  name=${target%%|*}; url=${target#*|}
  curl -sf "$url" >/dev/null
  # Warm-up (JIT for the JVM side), then the measured run.
  wrk -t2 -c"$connections" -d3s "$url" >/dev/null
  echo "## $name"
  wrk -t2 -c"$connections" -d"${duration}s" --latency "$url" | grep -E "Requests/sec|Transfer/sec|Latency|50%|90%|99%|requests in|Non-2xx|Socket errors"
done
