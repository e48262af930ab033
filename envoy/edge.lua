-- Path safety: dot segments (also percent-encoded), backslashes, escaped slashes and encoded
-- control characters are refused with 400 before routing, instead of being normalized into
-- another path (normalize_path is off and escaped slashes are kept for that reason, so every
-- unsafe path gets this one JSON answer; UFS checks object paths again itself).
local function unsafe_path(path)
  local p = string.lower(string.gsub(path, "%?.*$", ""))
  p = string.gsub(p, "%%2e", ".") .. "/"
  return string.find(p, "/%.%.?/") ~= nil or string.find(p, "\\", 1, true) ~= nil or string.find(p, "%5c", 1, true) ~= nil
    or string.find(p, "%2f", 1, true) ~= nil
    or string.find(p, "%%[01]%x") ~= nil or string.find(p, "%7f", 1, true) ~= nil
end

local BAD_PATH = '{"code":3,"message":"path must not contain dot segments, backslashes or control characters",'
  .. '"details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"INVALID_PARAMETER","domain":"edge.paymesh"}]}'

-- REST headers become gRPC metadata upstream, where names are [0-9a-z_.-], `grpc-*` belongs to
-- the protocol (timeout, encoding, ...) and `*-bin` must be base64: anything else makes the
-- service's gRPC core fail the call with INTERNAL (500). Such headers are refused here (400).
local function bad_header(headers)
  for name, _ in pairs(headers) do
    if string.byte(name, 1) ~= 58 and (string.find(name, "[^0-9a-z_.%-]") ~= nil
        or string.sub(name, 1, 5) == "grpc-" or string.sub(name, -4) == "-bin") then
      return name
    end
  end
  return nil
end

local function bad_header_body(name)
  return '{"code":3,"message":"header ' .. string.gsub(string.sub(name, 1, 64), '[%c"\\]', "?")
    .. ' cannot be forwarded: names are [0-9a-z_.-], grpc-* and *-bin are reserved for gRPC",'
    .. '"details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"INVALID_PARAMETER","domain":"edge.paymesh"}]}'
end

-- The edge's own JSON answers; the metadata tells local_reply_config to keep the body as is.
local function refuse(handle, body)
  handle:streamInfo():dynamicMetadata():set("paymesh", "edge_reply", "1")
  handle:respond({[":status"] = "400", ["content-type"] = "application/json"}, body)
end

-- Context id at the edge: keep a safe caller-supplied x-context-id, otherwise derive one
-- from Envoy's request id; hand it on as W3C baggage too, and echo it to the caller.
function envoy_on_request(handle)
  local headers = handle:headers()
  if unsafe_path(headers:get(":path") or "/") then
    refuse(handle, BAD_PATH)
    return
  end
  -- Marks REST callers before the transcoder rewrites content-type, so Envoy's own errors
  -- (local replies) can be JSON for them and gRPC for gRPC callers.
  local ctype = headers:get("content-type") or ""
  if string.sub(ctype, 1, 16) ~= "application/grpc" then
    local bad = bad_header(headers)
    if bad ~= nil then
      refuse(handle, bad_header_body(bad))
      return
    end
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
