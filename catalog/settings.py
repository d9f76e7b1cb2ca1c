"""Settings from the environment (prefix ``BANCHI_``) or a ``.env`` file."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas.profile import DEFAULT_PROFILE


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BANCHI_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="where the embedded SQLite file and uploads live")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite in data_dir")
    storage_dir: Path | None = Field(None, description="uploaded files; default: data_dir/storage")
    profile: str = Field(DEFAULT_PROFILE, description="metadata profile new datasets use")
    max_upload_bytes: int = Field(512 * 1024 * 1024, description="largest accepted upload")
    site_url: str | None = Field(None, description="public base URL of this Banchi, for every link it makes; "
                                 "default: the address each request was sent to (links in command-line output are "
                                 "then paths from the site's root)")
    secret_key: SecretStr | None = Field(None, description="Fernet key for secrets at rest (portals' API keys); "
                                                           "default: data_dir/secret.key, made on first use")
    rate_limit_api: str = Field("1200/minute", description="requests to /api/ per client address (limits syntax)")
    rate_limit_sign_in: str = Field("20/minute;200/hour", description="sign-in attempts per client address")
    rate_limit_storage: str = Field("memory://", description="where rate-limit counters live (limits storage URI; "
                                    "memory:// is per process, redis://… is shared by every worker)")
    broker_url: str | None = Field(None, description="where jobs queue: redis://host:6379/0 (workers on any number "
                                   "of machines); default: a SQLite queue file in data_dir (one machine)")
    job_heartbeat_seconds: float = Field(5.0, gt=0, description="how often a worker reports that a job is alive")
    job_stale_seconds: float = Field(60.0, gt=0, description="a running job with no heartbeat for this long is "
                                     "handed to another worker")
    job_redispatch_seconds: float = Field(600.0, gt=0, description="a queued job no worker took for this long is "
                                          "sent to the broker again (it may have lost the message)")
    job_retry_first_seconds: float = Field(30.0, gt=0, description="a job that met a passing fault (a portal "
                                           "answering 5xx or not at all, the database away) is tried again after "
                                           "this long, then twice as long each time")
    job_retry_longest_seconds: float = Field(1800.0, gt=0, description="the longest wait between two tries of a job")
    validate_inline_max_bytes: int = Field(20 * 1024 * 1024, ge=0, description="an uploaded data file larger than "
                                           "this is stored and validated by a job (the page shows its progress); "
                                           "smaller ones are validated within the request")
    link_check_timeout: float = Field(10.0, gt=0, description="seconds a link check waits for an answer")
    metrics_token: SecretStr | None = Field(None, description="a bearer token that may read /metrics (a Prometheus "
                                            "scraper without an account); sysadmins may always")
    link_check_allow_private_network: bool = Field(False, description="link checks may reach loopback and private "
                                                   "addresses (an intranet catalog); never link-local or reserved")

    @field_validator("data_dir", "storage_dir")
    @classmethod
    def _absolute(cls, path: Path | None) -> Path | None:
        """Relative paths are resolved against the working directory once, at load: a path handed on (a link
        in a scratch folder, a worker started elsewhere) then means the same place."""
        return path.expanduser().absolute() if path is not None else None

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'banchi.db').as_posix()}"

    @property
    def effective_storage_dir(self) -> Path:
        return self.storage_dir or self.data_dir / "storage"


@cache
def get_settings() -> Settings:
    return Settings()
