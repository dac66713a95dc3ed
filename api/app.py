"""The FastAPI app factory."""

from __future__ import annotations

import gc
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from adapters.bootstrap import Container, build
from adapters.logging import configure_logging
from adapters.settings import Settings, load_settings
from api.errors import Problem, install_error_handlers
from api.idempotency import IdempotencyMiddleware
from api.intake_fast_lane import IntakeFormFastLane
from api.middleware import (
    BodySizeLimitMiddleware,
    CompressionMiddleware,
    EdgeHeadersMiddleware,
    RequestIdMiddleware,
)
from api.routers import (
    absences,
    analytics,
    api_keys,
    attachments,
    audit,
    auth,
    automation,
    billing,
    calllists,
    callscripts,
    complaints,
    contacts,
    custom_fields,
    departments,
    discussions,
    distribution,
    document_types,
    employee_karma,
    health,
    imports,
    intake,
    intake_reports,
    jobs,
    karma,
    kpi,
    lead_inbox,
    loyalty,
    marketing,
    notifications,
    onec,
    organisations,
    reassign,
    retention,
    roles,
    saved_filters,
    schedules,
    tasks,
    telephony,
    timeline,
    today,
    users,
    webhooks,
)
from api.routers import activities as activities_routes
from api.routers import clients as clients_routes
from api.routers import deals as deals_routes
from api.routers import funnels as funnels_routes
from api.routers import loss_reasons as loss_reasons_routes
from api.spa import mount_spa
from api.webhook_payloads import install_webhook_payloads

API_PREFIX = "/api/v1"
VERSION = "0.1.0"


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    """``container`` is given by tests; otherwise the lifespan builds one from settings."""
    settings = settings or (container.settings if container else load_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if container is not None:
            app.state.container = container
            yield
            return
        configure_logging(settings.log_level)
        built = await build(settings)
        install_webhook_payloads(built)
        app.state.container = built
        # The modules, routes and schemas loaded so far live as long as the process: moved out
        # of the collector's generations, a full collection no longer walks them (a pause of
        # tens of milliseconds under load otherwise).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await built.aclose()

    app = FastAPI(
        title="CRM API",
        version=VERSION,
        description=(
            "Sales-automation CRM. Errors are RFC 9457 application/problem+json. Authenticate "
            "with a Bearer access token from /api/v1/auth/login, or an X-API-Key."
        ),
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        separate_input_output_schemas=False,
        # Operation ids are the route functions' names: stable for openapi.yaml and the SPA.
        generate_unique_id_function=lambda route: route.name,
    )
    if container is not None:
        install_webhook_payloads(container)
        app.state.container = container
    install_error_handlers(app)
    # Added first, so it runs inside the body size limit and around every route.
    app.add_middleware(IdempotencyMiddleware, prefix=API_PREFIX)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        # Uploads have their own limit (plus room for the multipart envelope).
        path_limits={
            f"{API_PREFIX}/attachments": settings.attachment_max_bytes + 64 * 1024,
            f"{API_PREFIX}/imports": settings.import_max_bytes + 64 * 1024,
        },
        exempt_posts=re.compile(rf"{API_PREFIX}/intake/(forms|orders)/[^/]+$"),
    )
    app.add_middleware(RequestIdMiddleware)
    # Outside the request id middleware, so its own 500 gets the headers too.
    app.add_middleware(EdgeHeadersMiddleware)
    # Outermost: every answer worth it is compressed, except stored files (downloads).
    app.add_middleware(
        CompressionMiddleware,
        skip_paths=re.compile(rf"{API_PREFIX}/attachments/[^/]+/content$"),
    )
    # Outside everything: website form posts answered without the stack (its docstring).
    app.add_middleware(IntakeFormFastLane, prefix=API_PREFIX)

    # Lead intake's public endpoints take the most requests of any (a site's every form post).
    # Routes are matched in order, each router's routes in turn, so the public ones come first,
    # then the screens used all day (deals, the board, clients, timelines, tasks), then the
    # rest. Each router is included straight into the app: an enclosing router would make
    # every request match its way through all the routes more than once.
    routers = (
        intake.public_router,
        telephony.public_router,
        onec.public_router,
        loyalty.public_router,
        deals_routes.router,
        funnels_routes.router,
        clients_routes.router,
        contacts.router,
        timeline.router,
        tasks.router,
        today.router,
        activities_routes.router,
        notifications.router,
        discussions.router,
        billing.router,
        kpi.router,
        karma.router,
        employee_karma.router,
        analytics.router,
        retention.router,
        automation.router,
        marketing.router,
        loyalty.router,
        complaints.router,
        auth.router,
        users.router,
        jobs.router,
        organisations.router,
        roles.router,
        departments.router,
        schedules.router,
        absences.router,
        attachments.router,
        document_types.router,
        audit.router,
        reassign.router,
        clients_routes.follow_ups_router,
        saved_filters.router,
        custom_fields.router,
        loss_reasons_routes.router,
        api_keys.router,
        webhooks.router,
        intake.router,
        telephony.router,
        intake_reports.router,
        distribution.router,
        lead_inbox.router,
        onec.router,
        imports.router,
        calllists.router,
        callscripts.router,
        callscripts.runs_router,
    )
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(health.router)
    _register_problem_schema(app)
    mount_spa(app, settings.frontend_dist)
    return app


def _register_problem_schema(app: FastAPI) -> None:
    """Make sure components.schemas.Problem exists even before any route references it."""
    original = app.openapi

    def openapi() -> dict:  # type: ignore[type-arg]
        schema = original()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault(
            "Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
