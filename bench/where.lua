-- where.lua: wrk script for the ranking endpoint: POST /api/where with a logged-in session.
-- The cookie and CSRF token come from the environment (bench/http.sh logs in first).
wrk.method = "POST"
wrk.body = '{"pain":[{"region":"temple-l","intensity":6,"quality":"ache"},{"region":"neck-side-l","intensity":4}],"context":["desk-work"],"onset":"gradual","top":5}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "myomap_session=" .. os.getenv("MYOMAP_COOKIE")
wrk.headers["X-CSRF-Token"] = os.getenv("MYOMAP_CSRF")

-- any answer but 200 counts as an error in the summary
local bad = 0
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
  io.write(string.format("non-200 answers: %d\n", summary.errors.status))
end
