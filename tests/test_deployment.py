"""The container deployment: Dockerfile, compose.yaml and deploy/dagster.yaml agree with each other and with
the project's own instance settings. Nothing here builds an image or needs the network; the compose file is
also checked by `docker compose config` where Docker with the compose plugin is installed."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from dagster._core.instance.config import dagster_instance_config

from assets.definitions import REFRESH_TAG

PROJECT = Path(__file__).resolve().parents[1]
COMPOSE = PROJECT / "compose.yaml"
DEPLOY_INSTANCE = PROJECT / "deploy" / "dagster.yaml"
PIPELINE_SERVICES = ("webserver", "daemon")
DATA_VARIABLES = {  # the folders a run writes, each on a volume of its own
    "INDICATOR_WAREHOUSE": "warehouse",
    "INDICATOR_ARCHIVE": "archive",
    "INDICATOR_LANDING_DIR": "landing",
    "INDICATOR_QUARANTINE_DIR": "quarantine",
}
PASSWORD = "not-a-real-password"


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def dockerfile_env() -> dict[str, str]:
    """The ENV settings of the Dockerfile (one `KEY=value` per continued line)."""
    text = (PROJECT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    env = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"(\w+)=(\S+)", line))
    return env


def instance_env_variables(config: dict) -> set[str]:
    """Every environment variable an instance file reads (`{env: NAME}`)."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if set(node) == {"env"}:
                found.add(node["env"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(config)
    return found


def mounts(service: dict) -> dict[str, str]:
    """container path -> named volume, from the short `volume:/path` syntax."""
    return {spec.split(":")[1]: spec.split(":")[0] for spec in service["volumes"]}


def test_compose_runs_webserver_daemon_and_postgres_from_one_image():
    services = compose()["services"]
    assert set(services) == {"postgres", "webserver", "daemon"}
    webserver, daemon = services["webserver"], services["daemon"]
    assert webserver["image"] == daemon["image"] and webserver["build"] == daemon["build"] == "."
    assert webserver["command"][0] == "dagster-webserver" and daemon["command"][:2] == ["dagster-daemon", "run"]
    for service in (webserver, daemon):
        assert service["command"][-2:] == ["-w", "workspace.yaml"]  # the code location workspace.yaml names
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in services["postgres"] and services["postgres"]["image"].startswith("postgres:")
    assert "ports" not in services["postgres"] and "ports" not in daemon  # only the UI is published


def test_the_ui_is_published_on_loopback_at_the_port_the_webserver_listens_on():
    webserver = compose()["services"]["webserver"]
    (published,) = webserver["ports"]
    host, host_port, container_port = published.split(":")
    command = webserver["command"]
    assert host == "127.0.0.1"  # no login in front of the UI
    assert container_port == command[command.index("-p") + 1] and host_port == "3000"
    assert command[command.index("-h") + 1] == "0.0.0.0"


def test_data_folders_and_dagster_storage_are_named_volumes_in_both_pipeline_services():
    spec = compose()
    env = dockerfile_env()
    storage = f"{env['DAGSTER_HOME']}/storage"  # compute logs: written by runs (daemon), shown by the UI
    for name in PIPELINE_SERVICES:
        mounted = mounts(spec["services"][name])
        for variable, volume in DATA_VARIABLES.items():
            folder = Path(env[variable])
            folder = folder.parent if folder.suffix == ".duckdb" else folder
            assert mounted.get(str(folder)) == volume, (name, variable)
        assert mounted.get(storage) == "dagster-storage"
        assert set(mounted.values()) <= set(spec["volumes"])
        # The exports folder is the `exports` link beside the serving file, on the warehouse volume:
        # publishing renames the finished set into place, which only works within one file system.
        assert not any("exports" in target or "exports" in volume for target, volume in mounted.items()), name
    assert mounts(spec["services"]["postgres"]) == {"/var/lib/postgresql/data": "postgres"}


def test_the_pipeline_services_reach_postgres_with_what_deploy_dagster_yaml_reads():
    spec = compose()
    postgres = spec["services"]["postgres"]["environment"]
    reads = instance_env_variables(yaml.safe_load(DEPLOY_INSTANCE.read_text(encoding="utf-8")))
    assert reads == {f"DAGSTER_POSTGRES_{part}" for part in ("HOST", "PORT", "USER", "PASSWORD", "DB")}
    for name in PIPELINE_SERVICES:
        env = spec["services"][name]["environment"]
        assert reads <= set(env), name
        assert env["DAGSTER_POSTGRES_HOST"] == "postgres" and env["DAGSTER_POSTGRES_PORT"] == "5432"
        assert env["DAGSTER_POSTGRES_USER"] == postgres["POSTGRES_USER"]
        assert env["DAGSTER_POSTGRES_DB"] == postgres["POSTGRES_DB"]
        assert env["DAGSTER_POSTGRES_PASSWORD"] == postgres["POSTGRES_PASSWORD"]  # one variable, required
        assert env["DAGSTER_POSTGRES_PASSWORD"].startswith("${DAGSTER_POSTGRES_PASSWORD:?")
        assert "INDICATOR_ALERT_WEBHOOK" in env


def test_deploy_instance_validates_against_dagsters_schema_with_postgres_storage(tmp_path):
    shutil.copy(DEPLOY_INSTANCE, tmp_path / "dagster.yaml")
    config, custom_class = dagster_instance_config(str(tmp_path))
    assert custom_class is None
    assert set(config["storage"]) == {"postgres"}
    assert config["storage"]["postgres"]["postgres_db"]["hostname"] == {"env": "DAGSTER_POSTGRES_HOST"}


def test_deploy_instance_queues_runs_as_the_projects_instance_does():
    """Dagster's instance file has no include: the run queue sections of the two files must agree."""
    project = yaml.safe_load((PROJECT / "dagster.yaml").read_text(encoding="utf-8"))
    deploy = yaml.safe_load(DEPLOY_INSTANCE.read_text(encoding="utf-8"))
    for section in ("run_coordinator", "concurrency", "telemetry"):
        assert deploy[section] == project[section], section
    limits = deploy["concurrency"]["runs"]["tag_concurrency_limits"]
    assert {"key": REFRESH_TAG[0], "limit": 1} in limits
    assert set(deploy) - set(project) == {"storage"}  # the only difference: where Dagster keeps its records


def test_dockerfile_builds_from_the_lock_and_the_projects_own_files():
    text = (PROJECT / "Dockerfile").read_text(encoding="utf-8")
    assert not re.search(r"https?://|\bcurl\b|\bwget\b|^ADD ", text, re.MULTILINE)  # nothing fetched by URL
    assert "pip install --no-cache-dir -r requirements.lock" in text
    for line in re.findall(r"^COPY (.+)$", text, re.MULTILINE):
        *sources, _ = line.split()
        for source in sources:
            assert (PROJECT / source).exists(), source
    assert "COPY deploy/dagster.yaml ${DAGSTER_HOME}/dagster.yaml" in text
    ignored = (PROJECT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert {".venv", "warehouse", "dagster_home", "tests"} <= set(ignored)


def docker_compose_missing() -> str | None:
    """Why `docker compose config` cannot run here, or None if it can."""
    if shutil.which("docker") is None:
        return "Docker is not installed"
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        said = (probe.stderr or probe.stdout).strip().splitlines()[:1]
        return f"Docker has no compose plugin (`docker compose version`: {' '.join(said)})"
    return None


COMPOSE_MISSING = docker_compose_missing()


@pytest.mark.skipif(
    COMPOSE_MISSING is not None,
    reason=f"`docker compose config` needs Docker with its compose plugin: {COMPOSE_MISSING}; "
    "compose.yaml is still checked by the other tests in this file",
)
def test_docker_compose_config_accepts_the_file():
    env = {**os.environ, "DAGSTER_POSTGRES_PASSWORD": PASSWORD}
    result = subprocess.run(["docker", "compose", "-f", str(COMPOSE), "config", "--format", "json"],
                            capture_output=True, text=True, env=env, cwd=PROJECT, timeout=120)
    assert result.returncode == 0, result.stderr
    import json

    rendered = json.loads(result.stdout)
    assert set(rendered["services"]) == {"postgres", "webserver", "daemon"}
    assert rendered["services"]["daemon"]["environment"]["DAGSTER_POSTGRES_PASSWORD"] == PASSWORD
    without = {k: v for k, v in os.environ.items() if k != "DAGSTER_POSTGRES_PASSWORD"}
    refused = subprocess.run(["docker", "compose", "-f", str(COMPOSE), "config"], capture_output=True, text=True,
                             env=without, cwd=PROJECT, timeout=120)
    assert refused.returncode != 0 and "DAGSTER_POSTGRES_PASSWORD" in refused.stderr


# --- deploy/dagster.yaml against a real Postgres server on loopback --------------------------------------

def postgres_bin() -> Path | None:
    """Where PostgreSQL's server programs are: beside `initdb` on the PATH, else where `pg_config` says."""
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent  # initdb, postgres and pg_isready lie together
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    bindir = Path(subprocess.run([pg_config, "--bindir"], capture_output=True, text=True).stdout.strip())
    return bindir if (bindir / "initdb").exists() else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def postgres_server():
    """A throwaway PostgreSQL cluster on 127.0.0.1 (as the `postgres` user when the tests run as root,
    since the server refuses to run as root); yields its port. Skipped where no server is installed."""
    binaries = postgres_bin()
    if binaries is None:
        pytest.skip("no PostgreSQL server installed: initdb is neither on the PATH nor in `pg_config --bindir` "
                    "(.ci/run installs Debian's postgresql and libpq-dev)")
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="pg-"))
    if as_user:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", free_port()
    subprocess.run([*as_user, str(binaries / "initdb"), "-D", str(data), "-U", "dagster", "--auth=trust"],
                   check=True, capture_output=True)
    server = subprocess.Popen([*as_user, str(binaries / "postgres"), "-D", str(data), "-p", str(port),
                               "-h", "127.0.0.1", "-k", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while subprocess.run([str(binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                             capture_output=True).returncode != 0:
            assert server.poll() is None and time.monotonic() < deadline, "postgres did not start"
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def test_deploy_instance_keeps_runs_events_and_schedules_in_postgres(postgres_server, tmp_path, monkeypatch):
    from dagster import DagsterInstance
    from dagster._core.run_coordinator import QueuedRunCoordinator
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

    for part, value in {"HOST": "127.0.0.1", "PORT": str(postgres_server), "USER": "dagster",
                        "PASSWORD": PASSWORD, "DB": "postgres"}.items():
        monkeypatch.setenv(f"DAGSTER_POSTGRES_{part}", value)
    shutil.copy(DEPLOY_INSTANCE, tmp_path / "dagster.yaml")
    with DagsterInstance.from_config(str(tmp_path)) as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        assert instance.get_runs() == []  # the schema was created and answers
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1


def test_the_deployment_guide_says_what_the_files_hold():
    """docs/deployment.md's compose commands and Helm values name the code location, queue and versions there are."""
    section = " ".join((PROJECT / "docs" / "deployment.md").read_text(encoding="utf-8").split())  # as one line
    (location,) = yaml.safe_load((PROJECT / "workspace.yaml").read_text(encoding="utf-8"))["load_from"]
    module, attribute = location["python_module"]["module_name"], location["python_module"]["attribute"]
    assert f'codeServerArgs: ["-m", "{module}", "-a", "{attribute}"]' in section
    assert f"key: {REFRESH_TAG[0]}" in section and "maxConcurrentRuns: 1" in section
    pins = dict(re.findall(r"^(dagster[a-z-]*)==(\S+)$", (PROJECT / "requirements.lock").read_text(), re.MULTILINE))
    assert f"the pinned dagster, {pins['dagster']})" in section
    assert pins["dagster-postgres"] in section
    assert "DAGSTER_POSTGRES_PASSWORD=" in section and "http://127.0.0.1:3000" in section
    assert "postgresqlScheme: postgresql+psycopg2" in section
    assert "scheme: postgresql+psycopg2" in DEPLOY_INSTANCE.read_text(encoding="utf-8")
