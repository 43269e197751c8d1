-- writes.lua: wrk script for a mix of writes, in turn: an intake (a pain drawing), an outcome
-- measure, and a feedback event from the client's phone in a running hold.  The cookie, CSRF
-- token, client and phone token come from the environment (bench/http.sh sets them up).
local client = os.getenv("MYOMAP_CLIENT")
local token = os.getenv("MYOMAP_TOKEN")
local auth = {["Content-Type"] = "application/json", ["Cookie"] = "myomap_session=" .. os.getenv("MYOMAP_COOKIE"),
              ["X-CSRF-Token"] = os.getenv("MYOMAP_CSRF")}
local phone = {["Content-Type"] = "application/json"}
local n = 0
function request()
  n = n + 1
  local k = n % 3
  if k == 0 then
    return wrk.format("POST", "/api/clients/" .. client .. "/intakes", auth,
      '{"pain":[{"region":"temple-l","intensity":6,"quality":"ache"},{"region":"neck-side-l","intensity":4}],"context":["desk-work"]}')
  elseif k == 1 then
    return wrk.format("POST", "/api/clients/" .. client .. "/measures", auth,
      '{"measures":[{"kind":"nprs","value":"' .. (n % 11) .. '"}]}')
  else
    return wrk.format("POST", "/api/phone/" .. token, phone, '{"event":"feedback","value":' .. (4 + n % 3) .. '}')
  end
end
function done(summary, latency, requests)
  io.write(string.format("non-200 answers: %d\n", summary.errors.status))
end
