-- Shared by every scenario: prints one machine-readable line that run.sh turns into the results table.
done = function(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end

function json_field(body, name)
  return string.match(body, '"' .. name .. '"%s*:%s*"([^"]+)"')
end
