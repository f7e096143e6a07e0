# luodi's image: `docker build -t luodi .` (deploy/compose.yaml builds it too; docs/deploy.md).
# Slim, non-root, the wheel built from this tree and installed with the postgres extra.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# postgresql-client: pg_dump and pg_restore for `luodi backup` / `luodi restore` (version 15, as the
# compose file's PostgreSQL: pg_dump refuses a newer server).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /var/lib/luodi luodi
COPY --from=build /wheels /wheels
RUN pip install "$(ls /wheels/luodi-*.whl)[postgres]" && rm -rf /wheels
COPY deploy/entrypoint.sh /usr/local/bin/luodi-entrypoint
USER luodi
WORKDIR /var/lib/luodi
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('LUODI_WEB_PORT', '8000') + '/healthz', timeout=4)"]
ENTRYPOINT ["luodi-entrypoint"]
CMD ["web"]
