# Functions of bench/run.sh. They share its variables (ROOT, WORK, PORT, ...).

rss_mb() { awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$1/status" 2>/dev/null || echo 0; }

wait_for() {
  local url=$1 tries=${2:-600}
  for _ in $(seq 1 "$tries"); do
    curl -sf -o /dev/null "$url" && return 0
    sleep 0.05
  done
  log "timed out waiting for $url"; return 1
}

json_field() { sed -nE "s/.*\"$1\":\"([^\"]+)\".*/\1/p"; }

psql_bench() { psql -h 127.0.0.1 -U postgres -d "$PG_DB" -v ON_ERROR_STOP=1 -qtA "$@"; }

prepare_tools() {
  . "$ROOT/scripts/select-jdk.sh"
  . "$ROOT/scripts/ensure-postgres.sh"
  select_jdk
  command -v wrk >/dev/null 2>&1 || { log "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk; }
  command -v unzip >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq unzip; }
  ensure_postgres postgres
}

# start_h2 DATA_DIR: one start on the embedded database in DATA_DIR (new or kept from an earlier start), from JVM launch
# to the first answer of /health/ready, which comes once the migrations are validated and every route can serve (sets
# STARTED_MS), and the resident memory 5 s later (IDLE_RSS_MB); then stops it, which writes the class-data archive
# (jvm.options) when there is none.
start_h2() {
  local started=$(date +%s%N)
  LATCHKEY_PORT=$PORT LATCHKEY_DATA_DIR="$1" LATCHKEY_PLATFORM_TOKEN="$PLATFORM_TOKEN" \
    java $BENCH_JAVA_OPTS -jar target/latchkey.jar > "$WORK/h2.log" 2>&1 &
  local pid=$!
  wait_for "http://127.0.0.1:$PORT/health/ready"
  STARTED_MS=$(( ($(date +%s%N) - started) / 1000000 ))
  sleep 5
  IDLE_RSS_MB=$(rss_mb "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

# The first start after a build (no class-data archive yet, a new database), then three restarts on the database that
# start made, which is what a deployed node does: start-up and idle RSS are the medians of the restarts, since one
# reading on a shared machine can be off by a fifth. Three starts on new databases show what a first installation
# costs on top (every migration runs).
measure_startup_h2() {
  rm -f target/latchkey.jsa
  start_h2 "$WORK/h2-kept"
  STARTUP_H2_FIRST_MS=$STARTED_MS
  local times="" sizes="" new_times="" i
  for i in 1 2 3; do
    start_h2 "$WORK/h2-kept"
    times="$times $STARTED_MS"; sizes="$sizes $IDLE_RSS_MB"
  done
  for i in 1 2 3; do
    start_h2 "$WORK/h2-new-$i"
    new_times="$new_times $STARTED_MS"
  done
  STARTUP_H2_MS=$(median $times)
  STARTUP_H2_NEW_MS=$(median $new_times)
  IDLE_RSS_MB=$(median $sizes)
  log "start-up on H2: ${STARTUP_H2_MS} ms, median of restarts${times}; ${STARTUP_H2_NEW_MS} ms on a new database, median of${new_times} (JVM launch included; ${STARTUP_H2_FIRST_MS} ms the first time after a build); idle RSS ${IDLE_RSS_MB} MB, median of${sizes}"
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

prepare_database() {
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $PG_DB"
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $PG_DB"
}

# start_latchkey ARGON2_MEMORY_KIB ARGON2_ITERATIONS (empty: the defaults)
start_latchkey() {
  local memory=${1:-19456} iterations=${2:-2}
  LATCHKEY_PORT=$PORT LATCHKEY_DATA_DIR="$WORK/pg-data" LATCHKEY_PLATFORM_TOKEN="$PLATFORM_TOKEN" \
  LATCHKEY_DATABASE_URL="$PG_URL_BASE/$PG_DB" LATCHKEY_DATABASE_USER=postgres \
  LATCHKEY_ARGON2_MEMORY_KIB=$memory LATCHKEY_ARGON2_ITERATIONS=$iterations \
  LATCHKEY_RATE_LIMIT_LOGIN_PER_IP=off LATCHKEY_RATE_LIMIT_LOGIN_PER_ACCOUNT=off \
  LATCHKEY_RATE_LIMIT_REGISTRATION_PER_IP=off LATCHKEY_RATE_LIMIT_REGISTRATION_PER_ACCOUNT=off \
  LATCHKEY_HASH_QUEUE=1000 LATCHKEY_REQUEST_LOG=false \
    java $BENCH_JAVA_OPTS -jar target/latchkey.jar > "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  # up to 5 minutes: a start with other Argon2 parameters than the last one first records the costs of the stored
  # hashes those parameters leave uncovered (docs/abuse.md), about 100 s for the million seeded customers
  wait_for "http://127.0.0.1:$PORT/health/ready" 6000
}

stop_latchkey() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

create_tenant() {
  local answer
  answer=$(curl -sf -X POST "http://127.0.0.1:$PORT/v1/platform/tenants" -H "Authorization: Bearer $PLATFORM_TOKEN" \
    -H 'Content-Type: application/json' -d '{"id": "bench", "name": "Bench"}')
  export BENCH_KEY=$(echo "$answer" | json_field publishable_key)
}

# template_hash EMAIL: registers one customer and prints the PHC hash the server stored for them.
template_hash() {
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/v1/customers" -H "X-Api-Key: $BENCH_KEY" \
    -H 'Content-Type: application/json' -d "{\"email\": \"$1\", \"password\": \"$PASSWORD\"}"
  psql_bench -c "SELECT password_hash FROM customers WHERE tenant_id = 'bench' AND email = '$1'"
}

# in_batches WHAT COUNT SQL: runs SQL, a statement over "generate_series(@FROM, @TO) AS g", for 1..COUNT in batches of
# 100,000 rows, with progress.
in_batches() {
  local what=$1 count=$2 sql=$3 batch=100000 from=1 started=$(date +%s)
  while [ "$from" -le "$count" ]; do
    local to=$(( from + batch - 1 )); [ "$to" -gt "$count" ] && to=$count
    local statement=${sql//@FROM/$from}
    psql_bench -c "${statement//@TO/$to}"
    log "seeded $to / $count $what ($(( $(date +%s) - started )) s)"
    from=$(( to + 1 ))
  done
}

# seed PREFIX COUNT HASH: bulk-inserts COUNT verified, active customers PREFIX1..PREFIXn@example.com with one hash.
seed() {
  in_batches "$1 customers" "$2" "INSERT INTO customers (tenant_id, id, email, email_verified, status, password_hash,
        accepts_marketing, attributes, created_at, updated_at, version)
      SELECT 'bench', 'cus_${1}' || lpad(g::text, 9, '0'), '${1}' || g || '@example.com', TRUE, 'active',
        '$3', FALSE, '{}', now(), now(), 1
      FROM generate_series(@FROM, @TO) AS g"
}

# seed_sessions PREFIX COUNT: for each seeded customer one live session with one pair of tokens, as if every customer had
# logged in once. A shop with a million customers has many sessions, and the look-ups of refresh and token validation
# should meet a table of that size: on a table of a few dozen rows PostgreSQL rightly reads the whole table instead of
# the index, and where autovacuum is off (as on some test machines) each of those reads goes through all the dead row
# versions the rotations leave, which brought refresh down to a tenth within a minute. The hashes belong to no token.
seed_sessions() {
  in_batches "sessions with a token pair" "$2" "INSERT INTO sessions (tenant_id, id, customer_id, kind, ip, user_agent,
        created_at, last_used_at, expires_at)
      SELECT 'bench', 'ses_${1}' || lpad(g::text, 9, '0'), 'cus_${1}' || lpad(g::text, 9, '0'), 'cust', '127.0.0.1',
        'bench', now(), now(), now() + interval '30 days'
      FROM generate_series(@FROM, @TO) AS g;
    INSERT INTO token_pairs (access_hash, refresh_hash, tenant_id, session_id, created_at, access_expires_at,
        refresh_expires_at, expires_at)
      SELECT sha256(('access ${1}' || g)::bytea), sha256(('refresh ${1}' || g)::bytea), 'bench',
        'ses_${1}' || lpad(g::text, 9, '0'), now(), now() + interval '1 day', now() + interval '30 days',
        now() + interval '30 days'
      FROM generate_series(@FROM, @TO) AS g"
}

seed_customers() {
  local hash
  hash=$(template_hash "template@example.com")
  seed bench- "$BENCH_CUSTOMERS" "$hash"
  seed_sessions bench- "$BENCH_CUSTOMERS"
  settle_database
}

login_token() {
  curl -sf -X POST "http://127.0.0.1:$PORT/v1/auth/login" -H "X-Api-Key: $BENCH_KEY" \
    -H 'Content-Type: application/json' -d "{\"email\": \"$1\", \"password\": \"$PASSWORD\"}" | json_field "$2"
}

# cpu_ticks PID: the CPU time (clock ticks) of the JVM's JIT compiler threads, then of the whole process.
cpu_ticks() {
  local jit=0 task ticks
  for task in /proc/"$1"/task/*; do
    case "$(cat "$task/comm" 2>/dev/null)" in
      "C1 CompilerThre"*|"C2 CompilerThre"*)
        ticks=$(awk '{ print $14 + $15 }' "$task/stat" 2>/dev/null)
        jit=$(( jit + ${ticks:-0} ));;
    esac
  done
  echo "$jit $(awk '{ print $14 + $15 }' "/proc/$1/stat")"
}

# warm_up LUA URL [CONNECTIONS]: one wrk run of BENCH_WARMUP whose figures are dropped (none when it is 0s), after
# BENCH_PREPARE when set.
warm_up() {
  [ "$BENCH_WARMUP" != "0s" ] || return 0
  export BENCH_RUN_ID="warm-$(date +%s%N)"
  ${BENCH_PREPARE:-true}
  wrk -t"$BENCH_THREADS" -c"${3:-$BENCH_CONNECTIONS}" -d"$BENCH_WARMUP" --timeout 10s -s "$ROOT/bench/lua/$1" "$2" \
    > /dev/null
}

# scenario NAME LUA PATH [CONNECTIONS]: a warm-up run (its figures are dropped, so that neither server is measured
# while its JIT is still compiling the path), then one bounded wrk run; appends "name|rps|p50|p99|errors|rss|jit", jit
# being the share of the server's CPU time in that run spent by its JIT compiler threads (how warm the warm-up left it).
# BENCH_PREPARE, when set, names a function run before each of the two (e.g. to log in fresh refresh chains).
scenario() {
  local name=$1 lua=$2 path=$3 connections=${4:-$BENCH_CONNECTIONS} url="http://127.0.0.1:$5$3" pid=${6:-$SERVER_PID}
  local line
  warm_up "$lua" "$url" "$connections"
  export BENCH_RUN_ID="run-$(date +%s%N)"
  ${BENCH_PREPARE:-true}
  local before after
  before=$(cpu_ticks "$pid")
  line=$(wrk -t"$BENCH_THREADS" -c"$connections" -d"$BENCH_DURATION" --timeout 10s -s "$ROOT/bench/lua/$lua" "$url" | grep '^RESULT')
  after=$(cpu_ticks "$pid")
  local rps p50 p99 errors
  rps=$(echo "$line" | sed -E 's/.*rps=([0-9.]+).*/\1/')
  p50=$(echo "$line" | sed -E 's/.*p50_ms=([0-9.]+).*/\1/')
  p99=$(echo "$line" | sed -E 's/.*p99_ms=([0-9.]+).*/\1/')
  errors=$(echo "$line" | sed -E 's/.*errors=([0-9]+).*/\1/')
  local jit
  jit=$(echo "$before $after" | awk '{ d = $4 - $2; printf "%.0f", (d > 0 ? 100 * ($3 - $1) / d : 0) }')
  echo "$name|$rps|$p50|$p99|$errors|$(rss_mb "$pid")|$jit" >> "$RESULTS"
  log "$name: $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $errors, JIT $jit % of the server's CPU"
}

# One rotation chain per connection, each a new session, so that no chain was used before.
refresh_chains() {
  local chains="" i
  for i in $(seq 1 "$BENCH_CONNECTIONS"); do chains="$chains$(login_token "bench-$(( i + 1 ))@example.com" refresh_token),"; done
  export BENCH_REFRESH_TOKENS=$chains
}

run_latchkey_scenarios() {
  export BENCH_TOKEN="" BENCH_PASSWORD="$PASSWORD"
  local key=$BENCH_KEY
  BENCH_KEY="" scenario "health (GET /health/live)" get.lua /health/live "" "$PORT"
  export BENCH_KEY=$key BENCH_TOKEN=$(login_token bench-1@example.com access_token)
  scenario "token validation (GET /v1/auth/token)" get.lua /v1/auth/token "" "$PORT"
  keycloak_scenario "introspection" introspect
  scenario "profile (GET /v1/me)" get.lua /v1/me "" "$PORT"
  keycloak_scenario "userinfo" userinfo
  export BENCH_THREADS
  BENCH_PREPARE=refresh_chains scenario "refresh (POST /v1/auth/refresh)" refresh.lua /v1/auth/refresh "" "$PORT"
  keycloak_scenario "refresh (refresh grant)" refresh
  export BENCH_CUSTOMERS BENCH_EMAIL_PREFIX=bench-
  login_scenario "login (POST /v1/auth/login)" 19456:2:1
  VERIFY_OWASP=$VERIFY_RATE ALL_CORES_OWASP=$ALL_CORES_RATE
  settle_database
  scenario "registration (POST /v1/customers)" register.lua /v1/customers "" "$PORT"
  stop_latchkey
}

run_same_parameter_login() {
  start_latchkey 7168 5
  local hash
  hash=$(template_hash "template-kc@example.com")
  seed kcp- 1000 "$hash"
  BENCH_CUSTOMERS=1000 BENCH_EMAIL_PREFIX=kcp- login_scenario "login, Keycloak's Argon2 parameters" 7168:5:1
  VERIFY_KC=$VERIFY_RATE ALL_CORES_KC=$ALL_CORES_RATE
  stop_latchkey
  keycloak_scenario "login (password grant)" login
}

# verify_rate PARAMETERS THREADS: one JMH run of the Argon2id verification ("memoryKiB:iterations:parallelism") on
# THREADS threads at once; prints the total verifications per second.
verify_rate() {
  local csv="$WORK/jmh-${1//:/-}-$2-$(date +%s%N).csv"
  java -jar bench/jmh/target/latchkey-jmh.jar -p parameters="$1" -t "$2" -rf csv -rff "$csv" >> "$WORK/jmh.log" 2>&1
  awk -F, 'NR == 2 { gsub(/"/, "", $5); printf "%.1f", $5 }' "$csv"
}

# login_scenario NAME PARAMETERS: the login run, with the hash-bound limit as the targets define it (cores x one
# verification on one thread) measured just before and just after it and averaged, so that limit and logins come from
# the same minutes of a shared machine. Then all cores verifying at once, which is what the machine really reaches:
# Argon2id is memory-hard, so hashes side by side share caches and memory bandwidth. Sets VERIFY_RATE and ALL_CORES_RATE.
login_scenario() {
  local before after
  CORES=$(nproc)
  settle_database
  before=$(verify_rate "$2" 1)
  scenario "$1" login.lua /v1/auth/login "" "$PORT"
  after=$(verify_rate "$2" 1)
  VERIFY_RATE=$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2f", (a + b) / 2 }')
  ALL_CORES_RATE=$(verify_rate "$2" "$CORES")
  log "one Argon2id verify ($2) on one thread: $before/s before the logins, $after/s after; all $CORES cores: $ALL_CORES_RATE/s"
}

# Vacuums, analyses and checkpoints: after a bulk load, so that the tables have their statistics and visibility maps
# (as autovacuum would give them) and the load's checkpoint does not land in a measurement; between scenarios, so that
# the work one scenario left (dead token rows, dirty pages) is not done by PostgreSQL in the middle of the next one.
settle_database() {
  psql_bench -c "VACUUM ANALYZE" -c "CHECKPOINT"
}
