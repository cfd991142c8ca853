"""Schemathesis, a third party's reading of OpenAPI, against a live server's REST API.

Signs in as the demo Owner the way a browser does (the page's CSRF token, the sign-in form),
makes a secret key acting as Manager and a public key on the API keys page's endpoints, and
runs every check of Schemathesis against `/api/v1/openapi.json` with those keys (each where it
belongs), in every phase, positive and negative data. `schemathesis.toml` beside this file says which answers depend on state a
generator cannot know (a drawn ETag is stale); `schemathesis_hooks.py` gives each request a
fresh Idempotency-Key, as a client does. Exits with Schemathesis's status.
"""

import os
import pathlib
import re
import subprocess
import sys

import requests

DEMO_EMAIL = "demo@gatehouse.test"
DEMO_PASSWORD = "velvet orbit harbor lantern"


def csrf(session: requests.Session, base: str) -> str:
    page = session.get(f"{base}/signin", timeout=30).text
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    if not match:
        sys.exit("the sign-in page carries no CSRF token")
    return match.group(1)


def post(session: requests.Session, base: str, path: str, form: dict) -> dict:
    res = session.post(
        f"{base}{path}", data=form, headers={"x-csrf-token": csrf(session, base)}, timeout=30
    )
    if res.status_code != 200:
        sys.exit(f"{path}: {res.status_code} {res.text}")
    return res.json()


def main() -> int:
    base = sys.argv[1].rstrip("/")
    st = sys.argv[2]
    session = requests.Session()
    post(session, base, "/api/accounts/sign_in", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    roles = post(session, base, "/api/api_keys/list", {})["roles"]
    manager = next(r["id"] for r in roles if r["name"] == "Manager")
    made = post(
        session,
        base,
        "/api/api_keys/create",
        {"name": "Schemathesis", "role_id": manager, "password": DEMO_PASSWORD},
    )
    public = post(session, base, "/api/api_keys/create_public", {"name": "Schemathesis shop"})
    here = pathlib.Path(__file__)
    config = here.with_name("schemathesis.toml")
    env = dict(
        os.environ,
        SCHEMATHESIS_HOOKS=str(here.with_name("schemathesis_hooks.py")),
        GATEHOUSE_SECRET_KEY=made["secret"],
        GATEHOUSE_PUBLIC_KEY=public["key"],
    )
    return subprocess.call(
        [
            st,
            "--config-file",
            str(config),
            "run",
            f"{base}/api/v1/openapi.json",
            "--checks",
            "all",
            "--mode",
            "all",
            "--max-examples",
            "60",
            "--seed",
            "16",
            "--generation-allow-x00",
            "true",
            "--no-color",
        ],
        env=env,
    )


if __name__ == "__main__":
    sys.exit(main())
