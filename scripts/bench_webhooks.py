"""The webhook outbox under a steady load, for scripts/bench-webhooks: customers are created
over the REST API at RATE a second for SECONDS, each `customer.create` event is delivered to a
receiver here that verifies it with the `standardwebhooks` package, and the latency of each —
from the create call's answer (its change committed with the event in the outbox) to the
delivery's arrival — is reported as p50 / p95 / p99, with the deliveries a second.

Usage: bench_webhooks.py BASE_URL API_SECRET COOKIE CSRF_TOKEN RATE SECONDS
"""

import json
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

BASE, SECRET, COOKIE, TOKEN = sys.argv[1:5]
RATE, SECONDS = int(sys.argv[5]), int(sys.argv[6])
LOCK = threading.Lock()
ARRIVED = {}
REJECTED = []
VERIFIER = {}


class Receiver(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        at = time.monotonic()
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        try:
            event = VERIFIER["hook"].verify(body, dict(self.headers.items()))
            with LOCK:
                ARRIVED.setdefault(event["data"]["id"], at)
            status = 204
        except Exception as e:  # a delivery that does not verify is counted, not timed
            with LOCK:
                REJECTED.append(str(e))
            status = 401
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()


def post_form(path, fields):
    data = urllib.parse.urlencode(fields).encode()
    req = urllib.request.Request(BASE + path, data=data, method="POST")
    req.add_header("Cookie", COOKIE)
    req.add_header("x-csrf-token", TOKEN)
    with urllib.request.urlopen(req) as res:
        return json.load(res)


def create(i):
    body = json.dumps({"name": f"Outbox bench {i}"}).encode()
    req = urllib.request.Request(BASE + "/api/v1/customers", data=body, method="POST")
    req.add_header("Authorization", f"Bearer {SECRET}")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as res:
        answered = time.monotonic()
        return json.load(res)["id"], answered


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    made = post_form(
        "/api/webhooks/create",
        {
            "url": url,
            "description": "Outbox benchmark",
            "events[0]": "customer.create",
            "password": "velvet orbit harbor lantern",
        },
    )
    VERIFIER["hook"] = Webhook(made["secret"])

    total = RATE * SECONDS
    answered = {}
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        futures = []
        for i in range(total):
            due = start + i / RATE
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            futures.append(pool.submit(create, i))
        for f in futures:
            cid, at = f.result()
            answered[cid] = at
    sent_for = time.monotonic() - start
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with LOCK:
            if len(ARRIVED) >= total:
                break
        time.sleep(0.05)
    with LOCK:
        arrived = dict(ARRIVED)
    latencies = [(arrived[c] - a) * 1000 for c, a in answered.items() if c in arrived]
    first = min(answered.values())
    last = max(arrived.values()) if arrived else first
    print(
        f"  {total} customers created in {sent_for:.1f} s ({total / sent_for:.0f}/s); "
        f"{len(latencies)} delivered, {len(REJECTED)} rejected, "
        f"{len(latencies) / max(last - first, 1e-9):.0f} deliveries/s"
    )
    if latencies:
        print(
            f"  commit -> delivery  p50 {statistics.median(latencies):.0f} ms  "
            f"p95 {percentile(latencies, 95):.0f} ms  p99 {percentile(latencies, 99):.0f} ms  "
            f"max {max(latencies):.0f} ms"
        )
    server.shutdown()
    if len(latencies) < total or REJECTED:
        sys.exit(1)


main()
