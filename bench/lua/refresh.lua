-- POST /v1/auth/refresh: every wrk connection follows a rotation chain of its own. Each thread holds a queue of
-- refresh tokens, one per connection; a request takes the oldest and its answer puts the rotated one back, so no two
-- requests in flight present the same token (which would only measure waiting on one row's lock).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local key = os.getenv("BENCH_KEY")
local path = os.getenv("BENCH_REFRESH_PATH") or "/v1/auth/refresh"
local all = {}
for t in string.gmatch(os.getenv("BENCH_REFRESH_TOKENS"), "[^,]+") do table.insert(all, t) end
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("first", threads)
  thread:set("count", tonumber(os.getenv("BENCH_THREADS")))
end
init = function(args)
  queue = {}
  for i = first, #all, count do table.insert(queue, all[i]) end
end
request = function()
  local token = table.remove(queue, 1) or all[first]
  return wrk.format("POST", path, {["X-Api-Key"] = key, ["Content-Type"] = "application/json"},
    '{"refresh_token":"' .. token .. '"}')
end
response = function(status, headers, body)
  local next_token = json_field(body, "refresh_token")
  if status == 200 and next_token then table.insert(queue, next_token) end
end
