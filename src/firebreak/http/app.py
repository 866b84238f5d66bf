"""The FastAPI application: API routers, console pages and static files, error handlers, background work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from firebreak import __version__
from firebreak.http import problems
from firebreak.http.console import incident_actions, incident_list, incident_page, signin
from firebreak.http.responses import RedactedJSONResponse
from firebreak.http.routes import audit as audit_routes
from firebreak.http.routes import (
    auth,
    escalate,
    execution,
    health,
    incidents,
    ingest,
    responders,
    review,
    route,
    runbooks,
    tokens,
    updates,
)
from firebreak.http.security import install_security
from firebreak.runtime import Runtime


def create_app(runtime: Runtime, *, background: bool = True) -> FastAPI:
    """Build the app around a runtime; `background` starts the ingest writer (and worker)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if background:
            runtime.batcher.start()
            if runtime.settings.run_worker:
                runtime.start_worker()
        try:
            yield
        finally:
            runtime.escalator.stop_worker()
            runtime.batcher.stop()

    app = FastAPI(title="Firebreak", version=__version__, lifespan=lifespan,
                  default_response_class=RedactedJSONResponse,
                  description="Self-hosted incident response: alerts in, incidents out.")
    app.state.runtime = runtime
    problems.install(app)
    install_security(app, runtime)
    app.include_router(auth.router)
    app.include_router(tokens.router)
    app.include_router(audit_routes.router)
    app.include_router(health.router)
    app.include_router(ingest.router)
    app.include_router(incidents.router)
    app.include_router(updates.router)
    app.include_router(responders.router)
    app.include_router(escalate.router)
    app.include_router(route.router)
    app.include_router(runbooks.router)
    app.include_router(execution.router)
    app.include_router(review.router)
    # The console: pages at /, /login, /incidents …, its static files (htmx, CSS, the docs viewers).
    app.include_router(signin.router)
    app.include_router(incident_list.router)  # before the incident page: /incidents/live is not an incident
    app.include_router(incident_page.router)
    app.include_router(incident_actions.router)
    app.mount("/static", StaticFiles(packages=[("firebreak.http", "static")]), name="static")
    return app
