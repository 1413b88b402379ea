"""Helpers for the web pages' tests: sign in through the pages, read a page's CSRF token, and a
live server on loopback (uvicorn in a thread of the test process) for the browser tests."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import httpx
import uvicorn
from fastapi.testclient import TestClient

from postgres_server import free_port
from rackwright.api.app import Settings, create_app

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token in a page's first form."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient | httpx.Client, token: str) -> str:
    """Sign in through the form; returns the session's CSRF token (from the next page)."""
    form = client.get("/web/login")
    answer = client.post(
        "/web/login",
        data={"csrf_token": csrf_of(form.text), "token": token, "next": "/web/scenarios"},
        follow_redirects=True,
    )
    assert answer.status_code == 200, answer.text[:500]
    found = re.search(r'data-csrf="([^"]+)"', answer.text)
    assert found, "signed in, but the page has no session CSRF token"
    return found.group(1)


class LiveServer:
    """The service with its pages on a free loopback port, in a thread of this process."""

    def __init__(self, database_url: str, plan_function: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        app = create_app(Settings(database_url=database_url, plan_function=plan_function))
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="web-test-server", daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/api/health", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the test server did not answer /api/health")

    def __exit__(self, *_exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
