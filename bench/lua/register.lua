-- POST /v1/customers with a new email each time.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local key = os.getenv("BENCH_KEY")
local password = os.getenv("BENCH_PASSWORD")
local run = os.getenv("BENCH_RUN_ID")
local counter = 0
local thread_id = 0
setup = function(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end
request = function()
  counter = counter + 1
  local email = "reg-" .. run .. "-" .. (tid or 0) .. "-" .. counter .. "@example.com"
  return wrk.format("POST", nil, {["X-Api-Key"] = key, ["Content-Type"] = "application/json"},
    '{"email":"' .. email .. '","password":"' .. password .. '"}')
end
