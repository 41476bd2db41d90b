"""The ASGI application: agency API, staff API, console and static files, over one store."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from lawgate import __version__
from lawgate.api import agency, errors, methods, staff
from lawgate.api import holds as holds_api
from lawgate.api import log as public_log
from lawgate.api.admission import Admission
from lawgate.api.headers import SecurityHeaders
from lawgate.auditlog import publish
from lawgate.config import Settings
from lawgate.datamap.sources import Sources
from lawgate.domain import Request
from lawgate.errors import LawgateError
from lawgate.jobs.queue import make_queue
from lawgate.jobs.tasks import register
from lawgate.policy.packs import default_packs
from lawgate.store.session import make_engine, session_factory, transaction
from lawgate.web import compare as compare_views
from lawgate.web import holds as holds_page
from lawgate.web import notices as notice_views
from lawgate.web import portal as portal_views
from lawgate.web import registry, review, views
from lawgate.web import staff as staff_web
from lawgate.web import transparency as report_views

STATIC = Path(views.__file__).parent / "static"
LOGGER = logging.getLogger("lawgate")
DESCRIPTION = (
    "Agencies submit requests for user data and follow them; staff review them. "
    "Every agency call carries an RFC 9421 HTTP Message Signature made with the agency's "
    'registered Ed25519 key (keyid = the key id; tag="lawgate"; covering @method, @target-uri '
    "and content-digest, the RFC 9530 sha-256 or sha-512 of the body, even when empty; created "
    "no more than 300 s ago; a nonce used once). Unsigned, invalid, expired, replayed, revoked or "
    "unknown-key calls get 401 naming the reason. `lawgate client` signs for you. "
    "Staff calls carry 'Authorization: Bearer <staff API token>' and are loopback-only; "
    "the console signs staff in with password and TOTP."
)


def _checkpoint_once(app: FastAPI) -> None:
    """Sign a new checkpoint if the log grew; a failure is reported, never fatal to serving."""
    settings: Settings = app.state.settings
    try:
        key = publish.ensure_log_key(settings.home)
        with transaction(app.state.sessions) as session:
            publish.checkpoint_if_grown(session, key, settings.log_origin)
    except (LawgateError, SQLAlchemyError, OSError) as exc:
        LOGGER.error("checkpoint failed: %s", exc)


async def _checkpointing(app: FastAPI) -> None:
    """Checkpoint at start and then every LAWGATE_CHECKPOINT_SECONDS while serving."""
    while True:
        await asyncio.to_thread(_checkpoint_once, app)
        await asyncio.sleep(app.state.settings.checkpoint_seconds)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the periodic checkpoint job while serving; close the data sources' pools after."""
    job = asyncio.create_task(_checkpointing(app))
    try:
        yield
    finally:
        job.cancel()
        app.state.sources.dispose()


def _documented(app: FastAPI, models: tuple[type[BaseModel], ...]) -> Callable[[], dict[str, Any]]:
    """The OpenAPI document with models that routes read themselves (after checking signatures)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for model in models:
                found = model.model_json_schema(ref_template="#/components/schemas/{model}")
                schemas.update(found.pop("$defs", {}))
                schemas[model.__name__] = found
            app.openapi_schema = document
        return app.openapi_schema

    return openapi


def create_app(settings: Settings) -> FastAPI:
    """Build the application over the configured store (already migrated)."""
    default_packs()  # a typo in a policy pack stops start-up here, naming the file
    app = FastAPIOffline(
        title="lawgate", version=__version__, description=DESCRIPTION, lifespan=_lifespan
    )
    sources = Sources.from_settings(settings)  # engines made on first use, then pooled
    sources.check()  # a broken data map stops start-up here, naming its source
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.sources = sources
    app.state.jobs = register(make_queue(settings), settings)  # routes enqueue exports here
    errors.install(app)
    methods.install(app)
    app.add_middleware(Admission)  # inside the headers: a busy 503 gets them too
    app.add_middleware(SecurityHeaders)
    app.include_router(agency.router)
    app.include_router(staff.router)
    app.include_router(public_log.router)
    app.include_router(views.router)
    app.include_router(registry.router)
    app.include_router(review.router)
    app.include_router(portal_views.router)
    app.include_router(staff_web.router)
    app.include_router(notice_views.router)
    app.include_router(holds_api.router)
    app.include_router(holds_page.router)
    app.include_router(compare_views.router)  # before /transparency/{period}
    app.include_router(report_views.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.openapi = _documented(app, (Request,))  # type: ignore[method-assign]
    return app
