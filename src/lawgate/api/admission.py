"""Admission control: never more requests inside the application than the store can serve at once.

Routes and their `yield` dependencies run on anyio's thread pool (40 threads), a step at a time,
and a request keeps its store connection between steps. The store's pool is smaller
(``lawgate.store.session.CONNECTIONS``). Under a burst, every thread could end up waiting for a
connection held by requests that are themselves waiting for a thread: the server then answered
nothing until the pool's 30-second timeout (seen in bench/load.py at 20 submissions/s). Letting
in at most as many requests as the pool can serve, counting two connections per request (its
transaction and an audit entry committed apart), breaks that cycle; the rest wait in the event
loop, which costs nothing, and after ``WAIT_SECONDS`` are told 503 with ``Retry-After``.

A request's slot is given back as soon as its answer starts: by then its transaction has
committed (``DbSession`` closes before the response), so a long package download holds none.
"""

from __future__ import annotations

import asyncio
import weakref

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lawgate.api.errors import busy_answer
from lawgate.store.session import CONNECTIONS

CONNECTIONS_PER_REQUEST = 2
ADMITTED = max(1, CONNECTIONS // CONNECTIONS_PER_REQUEST)
WAIT_SECONDS = 5.0
"""How long a request may queue for a slot before it is refused as busy."""
FREE = ("/static/",)
"""Paths that never touch the store."""


class Admission:
    """At most `limit` requests in the application at once; the others queue, then get 503."""

    def __init__(self, app: ASGIApp, limit: int = ADMITTED, wait: float = WAIT_SECONDS) -> None:
        self.app = app
        self.limit = limit
        self.wait = wait
        self._per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._per_loop = weakref.WeakKeyDictionary()

    def _slots(self) -> asyncio.Semaphore:
        """This event loop's slots (an asyncio semaphore cannot be shared between loops)."""
        loop = asyncio.get_running_loop()
        slots = self._per_loop.get(loop)
        if slots is None:
            slots = self._per_loop[loop] = asyncio.Semaphore(self.limit)
        return slots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Queue for a slot, run the request, and give the slot back when the answer starts."""
        if scope["type"] != "http" or scope["path"].startswith(FREE):
            await self.app(scope, receive, send)
            return
        slots = self._slots()
        try:
            await asyncio.wait_for(slots.acquire(), self.wait)
        except TimeoutError:
            await busy_answer(scope["path"])(scope, receive, send)
            return
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                slots.release()

        async def send_and_release(message: Message) -> None:
            if message["type"] == "http.response.start":
                release()
            await send(message)

        try:
            await self.app(scope, receive, send_and_release)
        finally:
            release()
