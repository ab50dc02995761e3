# Writes the results table, the ratios against the targets and the machine description: sourced by bench/run.sh.

value() { awk -F'|' -v name="$1" -v col="$2" '$1 == name { print $col }' "$RESULTS"; }
ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# meets A B T: whether A >= T x B, on the figures themselves (a ratio of 0.896 shows as 0.90 and misses 0.9)
meets() { awk -v a="${1:-0}" -v b="${2:-0}" -v t="$3" 'BEGIN { if (b <= 0) print "n/a"; else if (a >= t * b) print "met"; else print "missed" }'; }

write_report() {
  local out="$ROOT/BENCHMARKS.md" notes=""
  # the section written by hand after a run ("## Reading these figures" to the end) is kept below the new figures
  [ -f "$out" ] && notes=$(sed -n '/^## Reading these figures/,$p' "$out")
  local health token me refresh login login_kcp kc_login kc_refresh kc_introspect kc_userinfo limit limit_kc
  health=$(value "health (GET /health/live)" 2)
  token=$(value "token validation (GET /v1/auth/token)" 2)
  me=$(value "profile (GET /v1/me)" 2)
  refresh=$(value "refresh (POST /v1/auth/refresh)" 2)
  login=$(value "login (POST /v1/auth/login)" 2)
  login_kcp=$(value "login, Keycloak's Argon2 parameters" 2)
  kc_login=$(value "Keycloak: login (password grant)" 2)
  kc_refresh=$(value "Keycloak: refresh (refresh grant)" 2)
  kc_introspect=$(value "Keycloak: introspection" 2)
  kc_userinfo=$(value "Keycloak: userinfo" 2)
  limit=$(awk -v c="$CORES" -v v="${VERIFY_OWASP:-0}" 'BEGIN { printf "%.2f", c * v }')
  limit_kc=$(awk -v c="$CORES" -v v="${VERIFY_KC:-0}" 'BEGIN { printf "%.2f", c * v }')
  local r_token_health r_token_kc r_me_kc r_refresh_kc r_login_limit r_login_kc
  r_token_health=$(ratio "$token" "$health"); r_token_kc=$(ratio "$token" "$kc_introspect")
  r_me_kc=$(ratio "$me" "$kc_userinfo"); r_refresh_kc=$(ratio "$refresh" "$kc_refresh")
  r_login_limit=$(ratio "$login" "$limit"); r_login_kc=$(ratio "$login_kcp" "$kc_login")
  local r_login_all r_login_kcp_all
  r_login_all=$(ratio "$login" "$ALL_CORES_OWASP"); r_login_kcp_all=$(ratio "$login_kcp" "$ALL_CORES_KC")
  {
    echo "# Benchmarks"
    echo
    echo "Produced by \`bash bench/run.sh\` on $(date -u +%Y-%m-%d) (see [bench/README.md](bench/README.md) for what it does)."
    echo "wrk on loopback, $BENCH_THREADS threads, $BENCH_CONNECTIONS connections, $BENCH_DURATION per scenario, sharing the"
    echo "cores with the servers. Latchkey on PostgreSQL with $BENCH_CUSTOMERS seeded customers, each with one live session."
    echo
    echo "## Machine"
    echo
    echo "- CPU: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "- Memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "- OS: $(uname -sr); $(java -version 2>&1 | head -n 1); $(psql --version)"
    echo "- PostgreSQL settings: $(psql_bench -c "SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name)
      FROM pg_settings WHERE name IN ('autovacuum', 'shared_buffers', 'synchronous_commit', 'max_connections')")"
    echo
    echo "## Results"
    echo
    echo "| scenario | req/s | p50 ms | p99 ms | errors | server RSS MB | JIT % of server CPU |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    awk -F'|' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }' "$RESULTS"
    echo
    echo "- Start-up on H2 (JVM launch to first answer of /health/ready): ${STARTUP_H2_MS} ms when restarted on its"
    echo "  database (the median of three restarts), ${STARTUP_H2_NEW_MS} ms on a new database (every migration runs; the"
    echo "  median of three), ${STARTUP_H2_FIRST_MS} ms the first time after a build (a new database, before the JVM has"
    echo "  written its class-data archive, see [jvm.options](jvm.options)); idle RSS ${IDLE_RSS_MB} MB 5 s after a restart"
    echo "  (the median of the three)."
    if [ -n "${KC_STARTUP_MS:-}" ]; then
      echo "- Keycloak $KEYCLOAK_VERSION start-up (start-dev): ${KC_STARTUP_MS} ms; idle RSS ${KC_IDLE_RSS_MB} MB."
      echo "- The rows are in the order they ran: each Keycloak scenario right after its Latchkey counterpart, so that each"
      echo "  ratio compares adjacent minutes of the machine."
    fi
    echo "- Each scenario ran ${BENCH_WARMUP} first, its figures dropped, so that the JITs compile the path before it is"
    echo "  measured; the last column is the share of the server's CPU time its JIT compiler threads still took in the"
    echo "  measured run."
    echo "- Latchkey's JVM options: \`${BENCH_JAVA_OPTS}\` ([jvm.options](jvm.options) unless overridden)."
    echo "- Latchkey runs without its line per request (\`LATCHKEY_REQUEST_LOG=false\`), as Keycloak runs without an access log"
    echo "  by default."
    echo "- One Argon2id verification (JMH, one thread, measured just before and just after each login run and averaged):"
    echo "  ${VERIFY_OWASP}/s at m=19456 KiB, t=2, p=1 (Latchkey's default);"
    echo "  ${VERIFY_KC}/s at m=7168 KiB, t=5, p=1 (Keycloak 26's default). Hash-bound limit with $CORES cores: $limit and $limit_kc logins/s."
    echo "- All $CORES cores verifying at once (JMH, $CORES threads, right after each login run, nothing else running): ${ALL_CORES_OWASP}/s and ${ALL_CORES_KC}/s."
    echo "  Login reaches $r_login_all and $r_login_kcp_all of that (with wrk and PostgreSQL on the same cores)."
    echo
    echo "## Against the targets"
    echo
    echo "| target | measured | |"
    echo "|---|---:|---|"
    echo "| token validation ≥ 0.5 × /health/live | $r_token_health | $(meets "$token" "$health" 0.5) |"
    echo "| token validation ≥ 2 × Keycloak introspection | $r_token_kc | $(meets "$token" "$kc_introspect" 2) |"
    echo "| token validation p99 < 10 ms | $(value "token validation (GET /v1/auth/token)" 4) ms | $(awk -v p="$(value "token validation (GET /v1/auth/token)" 4)" 'BEGIN { print (p < 10 ? "met" : "missed") }') |"
    echo "| /v1/me ≥ 1.5 × Keycloak userinfo | $r_me_kc | $(meets "$me" "$kc_userinfo" 1.5) |"
    echo "| refresh ≥ 4 × Keycloak refresh | $r_refresh_kc | $(meets "$refresh" "$kc_refresh" 4) |"
    echo "| login ≥ 0.9 × hash-bound limit | $r_login_limit | $(meets "$login" "$limit" 0.9) |"
    echo "| login ≥ Keycloak, same Argon2 parameters | $r_login_kc | $(meets "$login_kcp" "$kc_login" 1) |"
    echo "| idle RSS < 150 MB | ${IDLE_RSS_MB} MB | $(awk -v r="$IDLE_RSS_MB" 'BEGIN { print (r < 150 ? "met" : "missed") }') |"
    echo "| start-up < 3 s on H2 (restart) | ${STARTUP_H2_MS} ms | $(awk -v s="$STARTUP_H2_MS" 'BEGIN { print (s < 3000 ? "met" : "missed") }') |"
    echo
    echo "Password hashing: Latchkey uses Argon2id m=19456 KiB, t=2, p=1 (OWASP's first recommendation); Keycloak 26"
    echo "defaults to Argon2id m=7168 KiB, t=5, p=1. The row \"login, Keycloak's Argon2 parameters\" runs Latchkey with"
    echo "Keycloak's parameters so that the login comparison is like for like."
    if [ -n "$notes" ]; then
      echo
      echo "$notes"
    fi
  } > "$out"
  cat "$out"
}
