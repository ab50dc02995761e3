-- POST /v1/auth/login as a random one of the seeded customers.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local key = os.getenv("BENCH_KEY")
local count = tonumber(os.getenv("BENCH_CUSTOMERS"))
local prefix = os.getenv("BENCH_EMAIL_PREFIX")
local password = os.getenv("BENCH_PASSWORD")
request = function()
  local email = prefix .. math.random(1, count) .. "@example.com"
  return wrk.format("POST", nil, {["X-Api-Key"] = key, ["Content-Type"] = "application/json"},
    '{"email":"' .. email .. '","password":"' .. password .. '"}')
end
