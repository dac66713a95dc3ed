"""Settings from the environment (and an optional .env file). A wrong setting stops start-up
with one line that names it."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class SettingsError(SystemExit):
    """Raised with a one-line message; as a SystemExit it ends the CLI with status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = message


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    database_url: str | None = Field(
        default=None, description="postgresql+asyncpg://user:pass@host:5432/db"
    )
    redis_url: str | None = Field(default=None, description="redis://host:6379/0")
    secret_key: SecretStr | None = Field(
        default=None, description="Signs access tokens; generated under VAR_DIR when unset"
    )
    public_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:8000")
    log_level: LogLevel = "INFO"
    var_dir: Path = Path("var")
    frontend_dist: Path = Path("frontend/dist")
    max_body_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    access_token_ttl_seconds: int = Field(default=900, ge=60, le=86400)
    refresh_token_ttl_days: int = Field(default=30, ge=1, le=365)
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=60, ge=1)
    # Password reset requests allowed per address and per client address in the window.
    password_reset_max_requests: int = Field(default=5, ge=1)
    password_reset_window_seconds: int = Field(default=900, ge=1)
    # Addresses (IPs or CIDR networks, comma-separated) of the reverse proxies whose
    # X-Forwarded-For is believed; from any other peer the header is ignored. None by default.
    trusted_proxies: str = ""
    # Processes serving HTTP for `crm web`; unset, one per available core, at most 4. Every
    # process shares its state through PostgreSQL and Redis only.
    web_workers: int | None = Field(default=None, ge=1, le=64)
    mail_from: str = "crm@localhost"
    # Attachments: a local folder under VAR_DIR, or an S3-compatible bucket.
    storage_backend: Literal["local", "s3"] = "local"
    attachment_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    # Spreadsheet imports (CSV, XLSX): the largest file accepted.
    import_max_bytes: int = Field(default=100 * 1024 * 1024, gt=0)
    s3_endpoint_url: str | None = Field(default=None, description="e.g. http://minio:9000")
    s3_bucket: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_region: str = "us-east-1"
    # Outgoing webhooks: the first retry comes within this many seconds, later ones within
    # multiples of it (30 s, 2 min ... 10 h with the default 5).
    webhook_retry_base_seconds: float = Field(default=5.0, gt=0, le=3600)
    # Telephony: call recordings fetched into file storage (at most this big, within this
    # time per attempt; retries after multiples of the base delay: 30 s, 2 min, 8 min ...),
    # from public addresses only unless allowed here (or by an organisation's setting for
    # private webhook targets); the providers' APIs that hand out recording links.
    recording_max_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    recording_timeout_seconds: float = Field(default=600.0, gt=0, le=3600)
    recording_retry_base_seconds: float = Field(default=30.0, gt=0, le=3600)
    recordings_allow_private_hosts: bool = False
    zadarma_api_url: str = "https://api.zadarma.com"
    mango_api_url: str = "https://app.mango-office.ru/vpbx"
    # A call still in progress this long after its last event is ended by the sweep (its end,
    # e.g. Mango's summary, never came).
    call_idle_minutes: int = Field(default=30, ge=1, le=7 * 24 * 60)
    # A 1C exchange session with no call from 1C for this long is failed as abandoned by the
    # worker's sweep, and the files it received are deleted (ONEC_ABANDON_AFTER_HOURS).
    onec_abandon_after_hours: float = Field(default=6.0, gt=0, le=30 * 24)
    # Lead intake: a form post over this is refused (413) with its beginning kept in the
    # inbox; the public endpoints read no more than this, whatever MAX_BODY_BYTES says.
    intake_max_body_bytes: int = Field(default=256 * 1024, gt=0, le=10 * 1024 * 1024)
    # Database budgets. A web request's statement that runs longer, or waits for a lock longer,
    # is cancelled and answered 503 with Retry-After instead of holding a connection and the
    # caller; the worker's jobs (rescans, bulk work) get budgets of their own.
    db_statement_timeout_ms: int = Field(default=15_000, gt=0, le=3_600_000)
    db_lock_timeout_ms: int = Field(default=5_000, gt=0, le=3_600_000)
    db_job_statement_timeout_ms: int = Field(default=600_000, gt=0, le=86_400_000)
    db_job_lock_timeout_ms: int = Field(default=30_000, gt=0, le=3_600_000)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if value.startswith(("postgres://", "postgresql://")):
            # Accept the common form and use the asyncpg driver.
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not value.startswith("postgresql+asyncpg://"):
            raise ValueError("must be a PostgreSQL URL such as postgresql://user:pass@host/db")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a Redis URL such as redis://host:6379/0")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters long")
        return value

    @field_validator("web_workers", mode="before")
    @classmethod
    def _web_workers(cls, value: object) -> object:
        # WEB_WORKERS= (e.g. passed through empty by docker compose) means the default.
        return None if value == "" else value

    @field_validator("trusted_proxies")
    @classmethod
    def _trusted_proxies(cls, value: str) -> str:
        for part in _split(value):
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f"{part!r} is not an IP address or CIDR network") from None
        return value

    def trusted_proxy_networks(self) -> tuple[IpNetwork, ...]:
        return tuple(ipaddress.ip_network(p, strict=False) for p in _split(self.trusted_proxies))

    @property
    def public_base(self) -> str:
        return str(self.public_url).rstrip("/")

    def signing_key(self) -> str:
        """SECRET_KEY, or one generated once and kept under VAR_DIR."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.var_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        # Several processes (web workers, the worker) may start at once: the key is written
        # whole to a file of its own and linked into place only if none is there yet, so every
        # process ends up signing with the one key that won.
        draft = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
        try:
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            draft.unlink()
        return path.read_text().strip()

    def web_worker_count(self) -> int:
        """WEB_WORKERS, or the cores this process may run on, at most 4."""
        if self.web_workers is not None:
            return self.web_workers
        available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        return max(1, min(4, available or os.cpu_count() or 1))

    def require_database_url(self) -> str:
        if self.database_url is None:
            raise SettingsError(
                "DATABASE_URL is not set: set it, or use `crm serve`, which starts an embedded "
                "PostgreSQL under VAR_DIR"
            )
        return self.database_url

    def require_redis_url(self) -> str:
        if self.redis_url is None:
            raise SettingsError(
                "REDIS_URL is not set: set it, or use `crm serve`, which starts an embedded Redis"
            )
        return self.redis_url


IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _split(addresses: str) -> list[str]:
    return [part.strip() for part in addresses.split(",") if part.strip()]


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        reason = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"Invalid setting {name}: {reason}") from None
