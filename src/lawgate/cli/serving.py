"""What `lawgate serve --workers N` hands uvicorn: the app each worker process builds, and h11
with TCP_NODELAY, because uvicorn's pre-bound listener (any N > 1) leaves Nagle's algorithm on
(uvicorn issue #3149) and every keep-alive response then waited ~40 ms for a delayed ACK."""

from __future__ import annotations

import asyncio
import socket

from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from lawgate.config import load_settings

APP = "lawgate.cli.serving:worker_app"
HTTP = "lawgate.cli.serving:NoDelayH11Protocol"
"""Import strings, since each worker process imports what it runs afresh."""


def worker_app() -> FastAPI:
    """The app one worker process builds from the environment the supervisor passed on."""
    from lawgate.app import create_app

    return create_app(load_settings())


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, sending each response at once (TCP_NODELAY) as one process does."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Turn Nagle's algorithm off on the accepted TCP connection, then serve it as usual."""
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
