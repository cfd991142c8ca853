-- wrk's summary on one line: throughput and the latency percentiles the README quotes.
done = function(summary, latency, requests)
  io.write(string.format("%.0f req/s  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  (%d requests)\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests))
end
