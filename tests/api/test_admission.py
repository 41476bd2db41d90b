"""Admission control: requests beyond the store's capacity queue, then get 503, never hang."""

from __future__ import annotations

import asyncio

import httpx
from starlette.types import Receive, Scope, Send

from lawgate.api.admission import ADMITTED, Admission
from lawgate.store.session import CONNECTIONS


class Gate:
    """An ASGI app whose answers wait until the test opens the gate, counting who got in."""

    def __init__(self, stream_after_start: bool = False) -> None:
        self.opened = asyncio.Event()
        self.inside = 0
        self.stream_after_start = stream_after_start

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.inside += 1
        headers = [(b"content-type", b"text/plain")]
        if self.stream_after_start:  # a download: starts at once, its body comes later
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await self.opened.wait()
            await send({"type": "http.response.body", "body": b"done"})
            return
        await self.opened.wait()
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"done"})


def client(app: Admission) -> httpx.AsyncClient:
    """An HTTP client talking to the middleware in this process."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://lawgate")


def test_at_most_the_admitted_run_and_the_rest_get_503_with_retry_after() -> None:
    async def scenario() -> None:
        gate = Gate()
        async with client(Admission(gate, limit=2, wait=0.3)) as http:
            first = [asyncio.create_task(http.get("/api/v1/requests")) for _ in range(2)]
            await asyncio.sleep(0.05)
            refused = await http.get("/api/v1/requests")
            console = await http.get("/console")
            assert gate.inside == 2
            gate.opened.set()
            assert [(await t).status_code for t in first] == [200, 200]
            assert (await http.get("/api/v1/requests")).status_code == 200
        assert refused.status_code == 503 and refused.headers["retry-after"] == "2"
        assert refused.json()["errors"][0]["message"].startswith("the service is busy")
        assert console.status_code == 503 and "text/html" in console.headers["content-type"]

    asyncio.run(scenario())


def test_a_slot_is_given_back_when_the_answer_starts() -> None:
    """A long download (its transaction already committed) does not keep others out."""

    async def scenario() -> None:
        gate = Gate(stream_after_start=True)
        async with client(Admission(gate, limit=1, wait=0.3)) as http:
            download = asyncio.create_task(http.get("/api/v1/staff/requests/LG-X/package"))
            await asyncio.sleep(0.05)
            second = asyncio.create_task(http.get("/api/v1/requests"))
            await asyncio.sleep(0.05)
            assert gate.inside == 2, "the second request waited for the download to finish"
            gate.opened.set()
            assert (await download).status_code == 200 and (await second).status_code == 200

    asyncio.run(scenario())


def test_static_files_skip_the_queue_and_the_default_fits_the_pool() -> None:
    async def scenario() -> None:
        gate = Gate()
        async with client(Admission(gate, limit=1, wait=0.2)) as http:
            held = asyncio.create_task(http.get("/api/v1/requests"))
            await asyncio.sleep(0.05)
            static = asyncio.create_task(http.get("/static/console.css"))
            await asyncio.sleep(0.05)
            assert gate.inside == 2
            gate.opened.set()
            assert (await held).status_code == (await static).status_code == 200

    asyncio.run(scenario())
    assert ADMITTED >= 1 and 2 * ADMITTED <= CONNECTIONS
