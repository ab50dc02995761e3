-- GET with optional API key and bearer token: /health/live, /v1/auth/token, /v1/me.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
wrk.method = "GET"
local key = os.getenv("BENCH_KEY")
local token = os.getenv("BENCH_TOKEN")
if key and key ~= "" then wrk.headers["X-Api-Key"] = key end
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
