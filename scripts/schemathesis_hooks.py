"""Schemathesis hooks for Gatehouse's REST API (loaded through SCHEMATHESIS_HOOKS).

A client gives each new request its own `Idempotency-Key` and reuses a key only to retry the
same request; a generator draws few distinct keys ("0", "00…") for many different bodies, and
the server rightly refuses a key reused for another request (422, as the IETF draft asks). So a
well-formed drawn key is replaced by a fresh UUID, as a client would send; malformed ones are
left as drawn, for the server to refuse, and so is every negative case. Retries under one key are the HTTP tests' job
(server/tests/http/api_writes.rs).
"""

import re
import uuid

import schemathesis

WELL_FORMED = re.compile(r"[\x21-\x7e]{1,255}")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    # Negative cases are left exactly as drawn: an edit would make Schemathesis read them again
    # and undo what they leave out on purpose (a missing Authorization header).
    if case.meta is not None and case.meta.generation.mode.is_negative:
        return
    headers = case.headers or {}
    for name in list(headers):
        value = headers[name]
        if name.lower() == "idempotency-key" and isinstance(value, str) and WELL_FORMED.fullmatch(value):
            headers[name] = str(uuid.uuid4())
