-- The load of bench/ingest.py when wrk is on the PATH: a C load generator costs a fraction of
-- the CPU of an asyncio client, which on a 2-core machine shares the cores with the server.
--
-- Every request is a distinct form post (its own Idempotency-Key and phone). Each of wrk's
-- threads stops after its share of INGEST_COUNT answers and leaves a file "done-<thread>" in
-- INGEST_DIR (wrk itself runs until its duration or an interrupt: bench/ingest.py interrupts it
-- once every thread is done); the ids of the 2xx answers are written, one per line, to
-- INGEST_DIR/ids for the lost-request check, and the figures as one line
-- "requests p50_ms p99_ms non2xx errors" to INGEST_DIR/summary.

local run = os.getenv("INGEST_RUN") or "run"
local path = os.getenv("INGEST_PATH") or "/"
local count = tonumber(os.getenv("INGEST_COUNT") or "1000")
local threads_total = tonumber(os.getenv("INGEST_THREADS") or "1")
local folder = assert(os.getenv("INGEST_DIR"), "INGEST_DIR is required")

local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  answered = 0
  ids = {}
  quota = math.floor(count / threads_total)
  if thread_index < count % threads_total then
    quota = quota + 1
  end
end

local function escape(text)
  return (text:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  local i = thread_index + sent * threads_total
  sent = sent + 1
  local body = "name=" .. escape("Нагрузка") .. "+" .. i
    .. "&phone=%2B7916" .. string.format("%07d", i % 10000000)
    .. "&comment=run+" .. run .. "&utm_source=bench"
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Idempotency-Key"] = run .. "-form-" .. i,
  }, body)
end

function response(status, headers, body)
  answered = answered + 1
  if status >= 200 and status < 300 then
    local id = body:match('"id":"([%w%-]+)"')
    local duplicate = body:find('"duplicate":true', 1, true)
    if id and not duplicate then
      ids[#ids + 1] = id
    end
  end
  if answered == quota then
    local marker = assert(io.open(folder .. "/done-" .. thread_index, "w"))
    marker:close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(folder .. "/ids", "w"))
  for _, thread in ipairs(threads) do
    for _, id in ipairs(thread:get("ids")) do
      out:write(id, "\n")
    end
  end
  out:close()
  local errors = summary.errors
  out = assert(io.open(folder .. "/summary", "w"))
  out:write(string.format("%d %.3f %.3f %d %d\n",
    summary.requests, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
  out:close()
end
