#!/usr/bin/env bash
# Reproduces docs/dashboards/nohop.png from a real run:
#   1. builds the repository (keys/target/nohop.jar and the examples);
#   2. starts Debian's Prometheus server on loopback, scraping every 2 s and evaluating
#      docs/alerts/nohop-rules.yml;
#   3. runs io.nohop.examples.dashboard.DashboardRun (about 5 minutes): an orders service under steady
#      load with its verifier metrics exposed, nohop serve as its key endpoint in another process,
#      through a made-up-kid flood, a rotation, an endpoint outage long enough to go DOWN, the recovery
#      and a revocation;
#   4. renders every panel of docs/dashboards/nohop.json from Prometheus's answers to the panels' own
#      queries (render.mjs: Apache ECharts in headless Chromium), and keeps the answers
#      (nohop-run.json) and the run's narration (nohop-run.txt) next to the PNG.
# Re-render without running again: node docs/dashboards/render/render.mjs --dashboard docs/dashboards/nohop.json \
#   --data-in docs/dashboards/nohop-run.json --out docs/dashboards/nohop.png
#
# Needs: JDK 17+, Maven, node 18+ with npm, and (Debian) `apt-get install -y prometheus chromium`.
# If `nohop serve` has --admin-bind (the endpoint's /metrics), its metrics are scraped too; override
# with NOHOP_SERVE_ADMIN_ARGS="--admin-bind 127.0.0.1:PORT" and NOHOP_SERVE_ADMIN_TARGET=127.0.0.1:PORT.
# RUN_SECONDS (default 300, at least 280) sets the length of the run.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
out_dir="$root/docs/dashboards"
run_seconds="${RUN_SECONDS:-300}"
scrape=2

for tool in java mvn node npm prometheus "${CHROMIUM:-chromium}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "record-and-render: $tool not found (Debian: apt-get install -y prometheus chromium)" >&2; exit 1; }
done

work="$(mktemp -d /tmp/nohop-dashboard-XXXXXX)"
prometheus_pid=""
cleanup() {
  if [ -n "$prometheus_pid" ]; then kill "$prometheus_pid" 2>/dev/null || true; wait "$prometheus_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

echo "== build"
mvn -B -q -ntp -DskipTests -pl examples -am package dependency:build-classpath -Dmdep.outputFile="$work/cp.txt"
jar="$root/keys/target/nohop.jar"
classpath="$root/examples/target/classes:$(cat "$work/cp.txt")"

metrics_port="$(free_port)"
prometheus_port="$(free_port)"
admin_args="${NOHOP_SERVE_ADMIN_ARGS:-}"
admin_target="${NOHOP_SERVE_ADMIN_TARGET:-}"
if [ -z "$admin_args" ] && java -jar "$jar" serve --help 2>&1 | grep -q -- '--admin-bind'; then
  admin_port="$(free_port)"
  admin_args="--admin-bind 127.0.0.1:$admin_port"
  admin_target="127.0.0.1:$admin_port"
fi

cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: ${scrape}s
  evaluation_interval: ${scrape}s
rule_files:
  - $root/docs/alerts/nohop-rules.yml
scrape_configs:
  - job_name: orders
    static_configs:
      - targets: ['127.0.0.1:$metrics_port']
YAML
if [ -n "$admin_target" ]; then
  cat >> "$work/prometheus.yml" <<YAML
  - job_name: nohop-keys
    static_configs:
      - targets: ['$admin_target']
YAML
fi

echo "== prometheus on 127.0.0.1:$prometheus_port (scrape every ${scrape}s)"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prometheus_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!
for _ in $(seq 1 60); do
  node -e "fetch('http://127.0.0.1:$prometheus_port/-/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" && break
  sleep 0.5
done

echo "== run (${run_seconds}s)${admin_args:+; endpoint metrics: $admin_args}"
java -cp "$classpath" io.nohop.examples.dashboard.DashboardRun --nohop-jar "$jar" --metrics-port "$metrics_port" \
  --seconds "$run_seconds" ${admin_args:+--serve-admin-args "$admin_args"} | tee "$work/run.log"
read -r _ start end < <(grep '^run: ' "$work/run.log")
sleep $((2 * scrape + 1))   # the last scrapes and rule evaluations

echo "== render"
(cd "$root/docs/dashboards/render" && npm ci --no-audit --no-fund --silent)
node "$root/docs/dashboards/render/render.mjs" --dashboard "$out_dir/nohop.json" \
  --prometheus "http://127.0.0.1:$prometheus_port" --start "$start" --end "$end" --scrape-interval "$scrape" \
  --data-out "$out_dir/nohop-run.json" --out "$out_dir/nohop.png"
{
  echo "# DashboardRun narration, $(date -u +%Y-%m-%dT%H:%M:%SZ); java $(java -version 2>&1 | head -n 1)"
  grep -v '^run: ' "$work/run.log"
} > "$out_dir/nohop-run.txt"
node -e '
const d = require(process.argv[1]);
console.log("alerts that fired (offset from the start of the run):");
for (const a of d.annotations) for (const [f, t] of a.ranges)
  console.log("  " + a.title.padEnd(34) + " " + String(f - d.start).padStart(4) + "s .. " + String(t - d.start).padStart(4) + "s  " + a.text);
' "$out_dir/nohop-run.json" | tee -a "$out_dir/nohop-run.txt"
