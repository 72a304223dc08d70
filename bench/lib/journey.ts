import { runWrkScript } from './wrk.js';

/**
 * The whole shopper journey driven by wrk: each wrk thread holds one connection and walks it
 * through create cart → add 3 lines → choose pickup → check out, each request built from the last
 * answer (the cart's id). Driving it from this process instead costs undici 0.2–0.4 ms of CPU per
 * request, six requests a journey, on the same two cores as the server and the database.
 */

const LUA = `
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads, started = {}, 0
function setup(thread)
  thread:set("index", started)
  started = started + 1
  table.insert(threads, thread)
end

function init(args)
  headers = { ["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json" }
  channel, store = args[2], args[3]
  skus = {}
  for line in io.lines(args[4]) do skus[#skus + 1] = line end
  math.randomseed(index * 7919 + 17)
  step, journeys, lat, statuses = 0, 0, {}, {}
end

local function pick3()
  local out, seen = {}, {}
  while #out < 3 do
    local v = skus[math.random(#skus)]
    if not seen[v] then seen[v] = true; out[#out + 1] = v end
  end
  return out
end

function request()
  if step == 0 then
    t0, picks = now_ms(), pick3()
    return wrk.format("POST", "/v1/carts", headers, '{"channelId":"' .. channel .. '"}')
  elseif step <= 3 then
    return wrk.format("POST", "/v1/carts/" .. cart .. "/lines", headers, '{"variantId":"' .. picks[step] .. '","quantity":1}')
  elseif step == 4 then
    return wrk.format("PUT", "/v1/carts/" .. cart .. "/fulfillment", headers, '{"type":"pickup","locationId":"' .. store .. '"}')
  end
  local email = "shopper" .. ((index * 1000 + journeys) % 500) .. "@bench.omniloop.dev"
  return wrk.format("POST", "/v1/carts/" .. cart .. "/checkout", headers,
    '{"fulfillment":[{"type":"pickup","locationId":"' .. store .. '"}],"contact":{"email":"' .. email .. '"},"payment":{"provider":"test"}}')
end

function response(status, _, body)
  if status >= 300 then
    statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
    step = 0
    return
  end
  if step == 0 then cart = body:match('"id":"(cart_[^"]+)"') end
  if step == 5 then
    journeys = journeys + 1
    lat[#lat + 1] = now_ms() - t0
    step = 0
  else
    step = step + 1
  end
end

function done(summary)
  local all, total, failed = {}, 0, {}
  for _, t in ipairs(threads) do
    total = total + t:get("journeys")
    for _, ms in ipairs(t:get("lat")) do all[#all + 1] = ms end
    for k, n in pairs(t:get("statuses")) do failed[#failed + 1] = '"' .. k .. '":' .. n end
  end
  table.sort(all)
  local function pct(p) return #all > 0 and all[math.max(1, math.ceil(#all * p))] or 0 end
  io.write(string.format('\\nRESULT {"journeys":%d,"requests":%d,"us":%d,"p50":%.1f,"p99":%.1f,"failed":{%s}}\\n',
    total, summary.requests, summary.duration, pct(0.5), pct(0.99), table.concat(failed, ",")))
end
`;

export interface JourneyResult {
  journeys: number;
  perSecond: number;
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  /** Requests that failed, by status; a failure starts that client's journey over. */
  failed: Record<string, number>;
  /** CPU wrk spent per journey, in ms. */
  generatorMs: number;
}

export async function runJourneys(opts: { baseUrl: string; token: string; channelId: string; storeId: string; skus: string[]; clients: number; seconds: number }): Promise<JourneyResult> {
  // One connection a thread: a thread's script state is then one shopper's journey.
  const { result: r, cpuSeconds } = await runWrkScript<{ journeys: number; requests: number; us: number; p50: number; p99: number; failed: Record<string, number> }>({
    lua: LUA,
    files: { 'skus.txt': opts.skus.join('\n') + '\n' },
    threads: opts.clients,
    connections: opts.clients,
    seconds: opts.seconds,
    baseUrl: opts.baseUrl,
    scriptArgs: (file) => [opts.token, opts.channelId, opts.storeId, file('skus.txt')],
  });
  const seconds = r.us / 1e6;
  return {
    journeys: r.journeys,
    perSecond: Math.round(r.journeys / seconds),
    requests: r.requests,
    seconds: Math.round(seconds * 10) / 10,
    p50: Math.round(r.p50),
    p99: Math.round(r.p99),
    failed: r.failed,
    generatorMs: Math.round(((cpuSeconds * 1000) / Math.max(r.journeys, 1)) * 100) / 100,
  };
}
