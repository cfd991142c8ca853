"""A webhook receiver for the test command: it verifies every delivery with the
`standardwebhooks` package from PyPI — an implementation of the Standard Webhooks
specification Gatehouse did not write — and keeps what it verified for the tests to read.

Loopback only. Routes, each under a name a test picks:
  PUT  /endpoints/<name>   {"secret": "whsec_…", "status": 204}: verify with this secret and
                           answer with this status (default 204)
  POST /hooks/<name>       a delivery: 401 unless its signature verifies, else `status`
  GET  /endpoints/<name>   {"verified": [{"id", "timestamp", "signature", "payload"}],
                            "rejected": [reason, …]}

Usage: webhook_receiver.py PORT
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

LOCK = threading.Lock()
ENDPOINTS = {}


def endpoint(name):
    return ENDPOINTS.setdefault(
        name, {"secret": None, "status": 204, "verified": [], "rejected": []}
    )


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("receiver: " + (fmt % args) + "\n")

    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        return self.rfile.read(int(self.headers.get("content-length", "0")))

    def name(self, prefix):
        if not self.path.startswith(prefix):
            return None
        return self.path[len(prefix):].split("?")[0]

    def do_PUT(self):
        name = self.name("/endpoints/")
        if not name:
            return self.answer(404)
        config = json.loads(self.body())
        with LOCK:
            e = endpoint(name)
            e["secret"] = config["secret"]
            e["status"] = int(config.get("status", 204))
        self.answer(204)

    def do_GET(self):
        name = self.name("/endpoints/")
        if not name:
            return self.answer(404)
        with LOCK:
            e = endpoint(name)
            seen = {"verified": e["verified"], "rejected": e["rejected"]}
        self.answer(200, json.dumps(seen).encode())

    def do_POST(self):
        name = self.name("/hooks/")
        if not name:
            return self.answer(404)
        body = self.body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        with LOCK:
            e = endpoint(name)
            secret, status = e["secret"], e["status"]
        try:
            if secret is None:
                raise WebhookVerificationError("no secret registered")
            payload = Webhook(secret).verify(body, headers)
        except (WebhookVerificationError, ValueError) as error:
            with LOCK:
                e["rejected"].append(str(error))
            return self.answer(401, json.dumps({"error": str(error)}).encode())
        with LOCK:
            e["verified"].append(
                {
                    "id": headers.get("webhook-id"),
                    "timestamp": headers.get("webhook-timestamp"),
                    "signature": headers.get("webhook-signature"),
                    "payload": payload,
                }
            )
        self.answer(status, b'{"received": true}')


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.serve_forever()
