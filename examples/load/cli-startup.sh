#!/usr/bin/env bash
# Start-up benchmark (not a test) of the nohop command: `java -jar nohop.jar` against the installed
# launcher (bin/nohop: C1 only and the serial GC for short commands, a class-data sharing archive per
# command), for --help, list and issue. Needs hyperfine (Debian: apt-get install hyperfine) and the
# built distribution (mvn -pl keys -am package -DskipTests). Works in a temporary folder and HOME.
#
#   examples/load/cli-startup.sh [RUNS]          (prints a Markdown table; default 20 runs each)
#
# issue runs twice: on a store made with the test-only low PBKDF2 work factor (the start-up alone) and
# on a normal store (600,000 iterations: what a user waits for, most of it the key derivation).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-20}
dist=$(ls keys/target/nohop-*.tar.gz 2>/dev/null | head -1)
[ -n "$dist" ] || { echo "build first: mvn -pl keys -am package -DskipTests" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/prefix" "$work/home"
tar -xzf "$dist" -C "$work/prefix" --strip-components=1
export HOME=$work/home XDG_CACHE_HOME=$work/home/.cache NOHOP_PASSPHRASE=benchmark
unset JAVA_OPTS NOHOP_OPTS NOHOP_CDS
jar=$work/prefix/lib/nohop/nohop.jar
nohop=$work/prefix/bin/nohop
java -Dio.nohop.keys.internal.testOnlyPbkdf2Iterations=1000 -jar "$jar" init --store "$work/weak" --issuer https://a.example >/dev/null
java -jar "$jar" init --store "$work/store" --issuer https://a.example >/dev/null
issue="--subject alice --audience orders"

# Warm-up runs also record the launcher's class-data sharing archives (their first run).
hyperfine -N --warmup 3 --runs "$runs" --style basic --export-markdown "$work/table.md" \
    -n "java -jar nohop.jar --help" "java -jar $jar --help" \
    -n "nohop --help" "$nohop --help" \
    -n "java -jar nohop.jar list" "java -jar $jar list --store $work/store" \
    -n "nohop list" "$nohop list --store $work/store" \
    -n "java -jar nohop.jar issue (weak KDF)" "java -jar $jar issue --store $work/weak $issue" \
    -n "nohop issue (weak KDF)" "$nohop issue --store $work/weak $issue" \
    -n "java -jar nohop.jar issue" "java -jar $jar issue --store $work/store $issue" \
    -n "nohop issue" "$nohop issue --store $work/store $issue" >&2
cat "$work/table.md"
