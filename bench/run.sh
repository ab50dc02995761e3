#!/usr/bin/env bash
# Latchkey benchmark suite. One command: `bash bench/run.sh` (from the repository root).
# Starts Latchkey on the local PostgreSQL, seeds BENCH_CUSTOMERS customers in bulk, drives the real HTTP API with wrk on
# loopback (each scenario bounded by BENCH_DURATION), optionally does the same against Keycloak (each of its scenarios
# right after Latchkey's counterpart), and writes the table to BENCHMARKS.md. Everything it starts, it stops;
# everything it downloads goes to a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

BENCH_CUSTOMERS=${BENCH_CUSTOMERS:-1000000}
BENCH_DURATION=${BENCH_DURATION:-15s}
BENCH_WARMUP=${BENCH_WARMUP:-60s}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-32}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_KEYCLOAK=${BENCH_KEYCLOAK:-1}
KEYCLOAK_VERSION=${KEYCLOAK_VERSION:-26.7.3}
PG_URL_BASE=${BENCH_PG:-jdbc:postgresql://127.0.0.1:5432}
PG_DB=latchkey_bench
PORT=${BENCH_PORT:-18080}
KC_PORT=${BENCH_KC_PORT:-18081}
PASSWORD="correct horse battery staple"
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:-@jvm.options}
PLATFORM_TOKEN="bench-platform-token-$(date +%s)-0123456789abcdef"
WORK=$(mktemp -d -t latchkey-bench-XXXXXX)
RESULTS="$WORK/results.txt"
export BENCH_LUA_DIR="$ROOT/bench/lua"
SERVER_PID=""
KC_PID=""

log() { printf '[bench] %s\n' "$*" >&2; }

cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$KC_PID" ] && kill "$KC_PID" 2>/dev/null && wait "$KC_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. "$ROOT/bench/lib.sh"
. "$ROOT/bench/keycloak.sh"
. "$ROOT/bench/report.sh"

prepare_tools
log "building the server and the JMH benchmark"
mvn -B -q package -DskipTests
mvn -B -q -f bench/jmh/pom.xml package

measure_startup_h2
prepare_database
start_keycloak
start_latchkey "" ""
create_tenant
seed_customers
run_latchkey_scenarios
run_same_parameter_login
stop_keycloak
write_report
