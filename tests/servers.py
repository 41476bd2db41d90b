"""A real lawgate served by uvicorn on a free loopback port, for browser and fuzz tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from lawgate.app import create_app
from lawgate.config import Settings

HOST = "127.0.0.1"
START_SECONDS = 30.0
"""How long a server may take to answer: generous, since CI shares two cores with benchmarks."""


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_until_answering(base: str, thread: threading.Thread) -> None:
    """Return once the server answers HTTP; fail naming the URL if it died or never answered."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and thread.is_alive():
        try:
            httpx.get(f"{base}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    state = "stopped" if not thread.is_alive() else f"did not answer within {START_SECONDS} s"
    raise RuntimeError(f"lawgate on {base} {state}")


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """lawgate over `settings`, served in a thread for the block; yields its base URL."""
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host=HOST, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://{HOST}:{port}"
    try:
        wait_until_answering(base, thread)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()
