# syntax=docker/dockerfile:1

# The single-page app, built once; only frontend/dist goes into the runtime image.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var
WORKDIR /app

# Third-party packages first (a layer that changes only with the lock): the project's runtime
# dependencies at the lock's exact versions. The lock also pins the dev tools (pytest, mypy,
# ruff), which a production image does not need, so it serves as constraints here.
COPY requirements.lock pyproject.toml ./
RUN python -c "import subprocess, sys, tomllib; \
deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; \
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '-c', 'requirements.lock', *deps])"

# The project itself, in place: the code finds alembic.ini, migrations/ and frontend/dist
# relative to the repository root, which is /app here.
COPY README.md alembic.ini ./
COPY migrations/ migrations/
COPY domain/ domain/
COPY adapters/ adapters/
COPY api/ api/
RUN pip install --no-deps -e .
COPY --from=frontend /app/frontend/dist frontend/dist

RUN useradd --create-home --uid 10001 crm && mkdir -p var/files && chown -R crm:crm var
USER crm
EXPOSE 8000
# WEB_WORKERS processes (unset: one per core, at most 4), sharing state through PostgreSQL and
# Redis only; set it to the container's CPU limit, which the core count does not see.
CMD ["crm", "web", "--host", "0.0.0.0", "--port", "8000"]
