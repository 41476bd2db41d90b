"""The ASGI application: agency API, staff API, console and static files, over one store."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from lawgate import __version__
from lawgate.api import agency, errors, staff
from lawgate.api import log as public_log
from lawgate.config import Settings
from lawgate.policy.packs import default_packs
from lawgate.store.session import make_engine, session_factory
from lawgate.web import views

STATIC = Path(views.__file__).parent / "static"
DESCRIPTION = (
    "Agencies submit requests for user data and follow them; staff review them. "
    "Agency calls identify the agency with the X-Lawgate-Agency header until RFC 9421 "
    "signatures arrive; staff calls name the reviewer in X-Lawgate-Staff and are loopback-only."
)


def create_app(settings: Settings) -> FastAPI:
    """Build the application over the configured store (already migrated)."""
    default_packs()  # a typo in a policy pack stops start-up here, naming the file
    app = FastAPIOffline(title="lawgate", version=__version__, description=DESCRIPTION)
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    errors.install(app)
    app.include_router(agency.router)
    app.include_router(staff.router)
    app.include_router(public_log.router)
    app.include_router(views.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
