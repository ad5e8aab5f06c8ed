# The code location's image: compose.yaml runs the Dagster webserver and the daemon from it (every run
# executes in the daemon's container), and it is the user-code deployment image for Dagster's Helm
# chart (docs/deployment.md). Built from the project's own files only: requirements.lock pins every
# package by name==version, taken from the package index that pip on the build machine is set up for.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DAGSTER_HOME=/opt/dagster/dagster_home \
    INDICATOR_WAREHOUSE=/data/warehouse/indicators.duckdb \
    INDICATOR_ARCHIVE=/data/archive \
    INDICATOR_LANDING_DIR=/data/landing \
    INDICATOR_QUARANTINE_DIR=/data/quarantine

WORKDIR /opt/dagster/app

# Dependencies first, so that a code change does not reinstall them.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

# The project, installed editable as `make install` does: sql/ and expectations/ are read from beside
# the package.
COPY pyproject.toml README.md workspace.yaml ./
COPY indicator_pipeline ./indicator_pipeline
COPY assets ./assets
COPY sql ./sql
COPY expectations ./expectations
RUN pip install --no-cache-dir --no-deps -e .

COPY deploy/dagster.yaml ${DAGSTER_HOME}/dagster.yaml

# Runs as an unprivileged user; the data folders (compose.yaml's volumes) and Dagster's local storage
# (compute logs) are its own.
RUN useradd --create-home --uid 10001 dagster \
    && mkdir -p /data/warehouse /data/archive /data/landing /data/quarantine ${DAGSTER_HOME}/storage \
    && chown -R dagster:dagster /data ${DAGSTER_HOME}
USER dagster

EXPOSE 3000
CMD ["dagster-webserver", "-h", "0.0.0.0", "-p", "3000", "-w", "workspace.yaml"]
