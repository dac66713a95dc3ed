"""The ``crm`` command line."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
import yaml

from adapters.settings import SettingsError, load_settings

if TYPE_CHECKING:
    from adapters.bootstrap import Container

T = TypeVar("T")

app = typer.Typer(help="Sales CRM: serve, migrate, seed and administer.", no_args_is_help=True)

OPENAPI_PATH = Path(__file__).resolve().parents[1] / "openapi.yaml"


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(2)


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8000,
    seed: Annotated[bool, typer.Option(help="Create the demo organisation once")] = True,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Web processes [default: WEB_WORKERS, else 1]")
    ] = None,
) -> None:
    """API + SPA + worker, with embedded PostgreSQL/Redis when DATABASE_URL/REDIS_URL are unset."""
    from adapters.supervisor import serve as supervise

    settings = load_settings()
    code = supervise(
        host=host,
        port=port,
        var_dir=settings.var_dir.resolve(),
        database_url=settings.database_url,
        redis_url=settings.redis_url,
        seed=seed,
        # One web process unless asked: a development machine also runs the embedded servers.
        web_workers=workers or settings.web_workers or 1,
    )
    raise typer.Exit(code)


@app.command()
def web(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Processes [default: WEB_WORKERS, else the cores, at most 4]"),
    ] = None,
) -> None:
    """Only the HTTP server (API + SPA). Needs DATABASE_URL and REDIS_URL."""
    import uvicorn

    settings = load_settings()
    settings.require_database_url()
    settings.require_redis_url()
    uvicorn.run(
        # An import string and a factory: with several workers, each process imports the app
        # and its lifespan builds that process's own container (pools, Redis connections).
        "api.app:create_app",
        factory=True,
        workers=workers or settings.web_worker_count(),
        host=host,
        port=port,
        log_config=None,
        # X-Forwarded-For is read by the app, and only from TRUSTED_PROXIES (api.deps.client_ip);
        # uvicorn's own handling would believe any local peer.
        proxy_headers=False,
        access_log=False,
    )


@app.command()
def worker() -> None:
    """Only the background worker. Needs DATABASE_URL and REDIS_URL."""
    from adapters.worker.main import run_worker
    from api.webhook_payloads import install_webhook_payloads

    run_worker(load_settings(), install=install_webhook_payloads)


@app.command()
def migrate() -> None:
    """Bring the database schema to the latest migration."""
    from adapters.db.migrate import upgrade_to_head

    upgrade_to_head(load_settings().require_database_url())
    typer.echo("database is at the latest migration")


@app.command("seed-demo")
def seed_demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Quietly do nothing when it exists")
    ] = False,
) -> None:
    """Create the demo organisation "Demo" (admin@example.com / change-me-now)."""
    from adapters.seed import seed_demo as run_seed

    result = asyncio.run(_with_container(run_seed))
    if result.created:
        typer.echo("demo organisation created: sign in as admin@example.com / change-me-now")
    elif not if_empty:
        typer.echo("the demo organisation already exists")


@app.command("create-admin")
def create_admin(
    organisation: Annotated[str, typer.Option(help="Name of the new organisation")],
    email: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    full_name: Annotated[str, typer.Option()] = "Администратор",
) -> None:
    """Create an organisation with the built-in roles and its first administrator."""
    from domain.shared.errors import DomainError
    from domain.staff.services.organisations import provision_organisation

    async def run(container: Container) -> Any:
        async with container.uow() as uow:
            result = await provision_organisation(
                uow,
                container.hasher,
                name=organisation,
                admin_email=email,
                admin_password=password,
                admin_name=full_name,
            )
            await uow.commit()
            return result

    try:
        result = asyncio.run(_with_container(run))
    except DomainError as exc:
        _fail(f"error: {exc.detail}")
        return
    typer.echo(f"organisation {result.organisation.name} created; admin {result.admin.email}")


@app.command("set-password")
def set_password(
    email: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Set a user's password directly (e.g. to change the demo admin's)."""
    from domain.auth.services import change_password, check_password
    from domain.shared.errors import DomainError

    async def run(container: Container) -> Any:
        check_password(password)
        now = container.clock.now()
        async with container.uow() as uow:
            user = await uow.users.get_by_email(email)
            if user is None:
                _fail(f"error: no user with the e-mail {email}")
            await change_password(uow, user, container.hasher.hash(password), now)
            await uow.commit()

    try:
        asyncio.run(_with_container(run))
    except DomainError as exc:
        _fail(f"error: {exc.detail}")
    typer.echo(f"password changed for {email}")


@app.command("export-openapi")
def export_openapi(
    check: Annotated[
        bool, typer.Option("--check", help="Fail if openapi.yaml differs from the app")
    ] = False,
    output: Annotated[Path, typer.Option()] = OPENAPI_PATH,
) -> None:
    """Write the OpenAPI contract to openapi.yaml (or check it is current)."""
    text = render_openapi()
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            _fail(f"{output.name} is stale: run `crm export-openapi` (make openapi) and commit it")
        typer.echo(f"{output.name} is current")
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}")


def render_openapi() -> str:
    from adapters.settings import Settings
    from api.app import create_app

    # The contract does not depend on the environment.
    schema = create_app(Settings(database_url=None, redis_url=None)).openapi()
    return yaml.safe_dump(schema, sort_keys=False, allow_unicode=True, width=100)


async def _with_container(func: Callable[[Container], Awaitable[T]]) -> T:
    from adapters.bootstrap import build

    container = await build(load_settings())
    try:
        return await func(container)
    finally:
        await container.aclose()


def main() -> None:
    try:
        app()
    except SettingsError as exc:
        typer.echo(exc.message, err=True)
        sys.exit(2)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
