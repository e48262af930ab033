-- Path safety: dot segments (also percent-encoded), backslashes and encoded control
-- characters are refused with 400 before routing, instead of being normalized into another
-- path (normalize_path is off for that reason; UFS checks object paths again itself).
local function unsafe_path(path)
  local p = string.lower(string.gsub(path, "%?.*$", ""))
  p = string.gsub(p, "%%2e", ".") .. "/"
  return string.find(p, "/%.%.?/") ~= nil or string.find(p, "\\", 1, true) ~= nil or string.find(p, "%5c", 1, true) ~= nil
    or string.find(p, "%%[01]%x") ~= nil or string.find(p, "%7f", 1, true) ~= nil
end

local BAD_PATH = '{"code":3,"message":"path must not contain dot segments, backslashes or control characters",'
  .. '"details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"INVALID_PARAMETER","domain":"edge.paymesh"}]}'

-- Context id at the edge: keep a safe caller-supplied x-context-id, otherwise derive one
-- from Envoy's request id; hand it on as W3C baggage too, and echo it to the caller.
function envoy_on_request(handle)
  local headers = handle:headers()
  if unsafe_path(headers:get(":path") or "/") then
    handle:respond({[":status"] = "400", ["content-type"] = "application/json"}, BAD_PATH)
    return
  end
  -- Marks REST callers before the transcoder rewrites content-type, so Envoy's own errors
  -- (local replies) can be JSON for them and gRPC for gRPC callers.
  local ctype = headers:get("content-type") or ""
  if string.sub(ctype, 1, 16) ~= "application/grpc" then
    headers:replace("x-paymesh-rest", "1")
  else
    headers:remove("x-paymesh-rest")
  end
  local id = headers:get("x-context-id")
  if id == nil or #id > 64 or not string.match(id, "^[%w_.:%-]+$") then
    local rid = headers:get("x-request-id") or tostring(os.time())
    id = "ctx_" .. string.gsub(rid, "-", "")
    headers:replace("x-context-id", id)
  end
  local entry = "paymesh.context_id=" .. id
  local baggage = headers:get("baggage")
  if baggage == nil or baggage == "" then
    headers:replace("baggage", entry)
  elseif not string.find(baggage, "paymesh.context_id=", 1, true) then
    headers:replace("baggage", baggage .. "," .. entry)
  end
  handle:streamInfo():dynamicMetadata():set("paymesh", "context_id", id)
end

-- No gRPC code maps to 410 Gone: a server sets x-http-status and the edge applies it for
-- REST callers only (gRPC callers keep the gRPC status).
function envoy_on_response(handle)
  local headers = handle:headers()
  local wanted = headers:get("x-http-status")
  if wanted ~= nil then
    local ctype = headers:get("content-type") or ""
    if string.sub(ctype, 1, 16) ~= "application/grpc" then
      headers:replace(":status", wanted)
    end
    headers:remove("x-http-status")
  end
  local id = handle:streamInfo():dynamicMetadata():get("paymesh")
  if id ~= nil and id["context_id"] ~= nil then
    headers:replace("x-context-id", id["context_id"])
  end
end
