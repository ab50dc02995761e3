-- POST /v1/auth/refresh: each wrk thread follows its own rotation chain, always presenting the newest refresh token.
-- Requests in flight at once on one chain present the same token; the tenant's reuse grace (10 s) covers that race,
-- exactly as it does for several browser tabs.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local key = os.getenv("BENCH_KEY")
local path = os.getenv("BENCH_REFRESH_PATH") or "/v1/auth/refresh"
local chains = {}
for t in string.gmatch(os.getenv("BENCH_REFRESH_TOKENS"), "[^,]+") do table.insert(chains, t) end
local thread_id = 0
setup = function(thread)
  thread_id = thread_id + 1
  thread:set("current", chains[thread_id])
end
request = function()
  return wrk.format("POST", path, {["X-Api-Key"] = key, ["Content-Type"] = "application/json"},
    '{"refresh_token":"' .. current .. '"}')
end
response = function(status, headers, body)
  local next_token = json_field(body, "refresh_token")
  if status == 200 and next_token then current = next_token end
end
