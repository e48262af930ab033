-- Context id at the edge: keep a safe caller-supplied x-context-id, otherwise derive one
-- from Envoy's request id; hand it on as W3C baggage too, and echo it to the caller.
function envoy_on_request(handle)
  local headers = handle:headers()
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
