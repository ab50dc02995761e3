-- Keycloak's OpenID Connect endpoints, measured the same way: password grant, refresh grant, introspection, userinfo.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local mode = os.getenv("KC_MODE")
local form = {["Content-Type"] = "application/x-www-form-urlencoded"}
local client = "client_id=bench&client_secret=" .. os.getenv("KC_CLIENT_SECRET")
local current = os.getenv("KC_REFRESH")
request = function()
  if mode == "login" then
    return wrk.format("POST", nil, form, client .. "&grant_type=password&username=shopper&password=" .. os.getenv("BENCH_PASSWORD_FORM"))
  elseif mode == "refresh" then
    return wrk.format("POST", nil, form, client .. "&grant_type=refresh_token&refresh_token=" .. current)
  elseif mode == "introspect" then
    return wrk.format("POST", nil, form, client .. "&token=" .. os.getenv("KC_ACCESS"))
  else
    return wrk.format("GET", nil, {["Authorization"] = "Bearer " .. os.getenv("KC_ACCESS")}, nil)
  end
end
response = function(status, headers, body)
  if mode == "refresh" and status == 200 then
    local next_token = json_field(body, "refresh_token")
    if next_token then current = next_token end
  end
end
