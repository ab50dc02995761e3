# Keycloak, measured the same way as Latchkey: sourced by bench/run.sh.
# Its server distribution comes from Maven Central at run time into the temporary folder; nothing of it is kept.

kc_admin_token() {
  curl -sf -X POST "http://127.0.0.1:$KC_PORT/realms/master/protocol/openid-connect/token" \
    -d grant_type=password -d client_id=admin-cli -d username=admin -d password=admin | json_field access_token
}

# A password grant of the bench user: its access and refresh tokens in KC_ACCESS and KC_REFRESH.
kc_tokens() {
  local tokens
  tokens=$(curl -sf -X POST "http://127.0.0.1:$KC_PORT/realms/bench/protocol/openid-connect/token" \
    -d grant_type=password -d client_id=bench -d client_secret=bench-secret -d username=shopper \
    --data-urlencode "password=$PASSWORD" -d scope=openid)
  export KC_ACCESS=$(echo "$tokens" | json_field access_token) KC_REFRESH=$(echo "$tokens" | json_field refresh_token)
}

kc_post() {
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$KC_PORT$1" -H "Authorization: Bearer $KC_ADMIN" \
    -H 'Content-Type: application/json' -d "$2"
}

# Starts Keycloak before Latchkey's runs and leaves it idle beside them: each of its scenarios then runs right after
# Latchkey's counterpart (keycloak_scenario), so that every ratio compares two adjacent minutes of a machine whose
# speed drifts (bench/README.md, step 7).
start_keycloak() {
  [ "$BENCH_KEYCLOAK" = "1" ] || return 0
  local zip="${BENCH_KEYCLOAK_ZIP:-$WORK/keycloak.zip}"
  if [ ! -f "$zip" ]; then
    log "downloading Keycloak $KEYCLOAK_VERSION from Maven Central"
    curl -sf -o "$zip" "https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist/$KEYCLOAK_VERSION/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
  fi
  unzip -q "$zip" -d "$WORK"
  local home="$WORK/keycloak-$KEYCLOAK_VERSION" started
  started=$(date +%s%N)
  KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
    "$home/bin/kc.sh" start-dev --http-port "$KC_PORT" --http-host 127.0.0.1 > "$WORK/keycloak.log" 2>&1 &
  KC_PID=$! # kc.sh ends by exec-ing the JVM, so this is Keycloak's JVM itself
  wait_for "http://127.0.0.1:$KC_PORT/realms/master" 2400
  KC_STARTUP_MS=$(( ($(date +%s%N) - started) / 1000000 ))
  sleep 5
  KC_IDLE_RSS_MB=$(rss_mb "$KC_PID")
  log "Keycloak up after $KC_STARTUP_MS ms, idle RSS $KC_IDLE_RSS_MB MB"

  KC_ADMIN=$(kc_admin_token)
  kc_post /admin/realms '{"realm": "bench", "enabled": true}'
  kc_post /admin/realms/bench/clients '{"clientId": "bench", "secret": "bench-secret", "publicClient": false,
    "directAccessGrantsEnabled": true, "standardFlowEnabled": false}'
  kc_post /admin/realms/bench/users "{\"username\": \"shopper\", \"email\": \"shopper@example.com\",
    \"emailVerified\": true, \"enabled\": true, \"firstName\": \"Bench\", \"lastName\": \"Shopper\",
    \"credentials\": [{\"type\": \"password\", \"value\": \"$PASSWORD\", \"temporary\": false}]}"
  export KC_CLIENT_SECRET=bench-secret BENCH_PASSWORD_FORM=${PASSWORD// /+}
  warm_keycloak
}

# kc_path MODE: the realm's OpenID Connect endpoint that a KC_MODE of keycloak.lua calls.
kc_path() {
  case $1 in
    introspect) echo /realms/bench/protocol/openid-connect/token/introspect;;
    userinfo) echo /realms/bench/protocol/openid-connect/userinfo;;
    *) echo /realms/bench/protocol/openid-connect/token;;
  esac
}

# Each of Keycloak's scenarios once, its figures dropped, right after its start. They share much of Keycloak's code,
# and Latchkey's first scenario follows a warm-up of the same length on a server that has already answered the
# earlier ones: without this, Keycloak's first scenario would be measured while its JIT still compiled the shared
# code (11 % of its CPU in one run).
warm_keycloak() {
  local mode
  for mode in login refresh introspect userinfo; do
    BENCH_PREPARE=kc_tokens KC_MODE=$mode warm_up keycloak.lua "http://127.0.0.1:$KC_PORT$(kc_path "$mode")"
  done
  log "Keycloak warmed up"
}

# keycloak_scenario NAME MODE: one Keycloak scenario (KC_MODE of keycloak.lua). Each run logs in anew first:
# Keycloak's access tokens live 5 minutes, less than the runs between.
keycloak_scenario() {
  [ "$BENCH_KEYCLOAK" = "1" ] || return 0
  BENCH_PREPARE=kc_tokens KC_MODE=$2 scenario "Keycloak: $1" keycloak.lua "$(kc_path "$2")" "" "$KC_PORT" "$KC_PID"
}

stop_keycloak() {
  [ -n "$KC_PID" ] || return 0
  kill "$KC_PID" 2>/dev/null; wait "$KC_PID" 2>/dev/null || true
  KC_PID=""
}
