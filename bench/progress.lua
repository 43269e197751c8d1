-- progress.lua: wrk script for a client's progress (GET /api/clients/ID/progress), logged in.
-- The cookie and the path come from the environment (bench/http.sh sets them up).
wrk.method = "GET"
wrk.path = os.getenv("MYOMAP_PATH")
wrk.headers["Cookie"] = "myomap_session=" .. os.getenv("MYOMAP_COOKIE")
function done(summary, latency, requests)
  io.write(string.format("non-200 answers: %d\n", summary.errors.status))
end
