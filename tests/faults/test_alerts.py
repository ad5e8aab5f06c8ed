"""Failure alerts: one message per failed refresh to INDICATOR_ALERT_WEBHOOK (a loopback receiver here),
from the CLI's refresh or, for runs under the daemon, from the run-failure sensor; never two."""

from __future__ import annotations

import json
import logging
import shutil
import types
import uuid
from contextlib import contextmanager

import pytest
from dagster import DagsterInstance, SkipReason, build_run_status_sensor_context, job, op
from faultenv import AS_OF
from faultkit import BUNDLED, Answer, SourceServer, hold_in_another_process, sha256
from werkzeug import Response

import indicator_pipeline.run as run_module
from indicator_pipeline import cli
from assets.alerts import refresh_failure_alert
from assets.resources import PipelineResource
from indicator_pipeline.alerts import ALERT_TAG, WEBHOOK_ENV, failure_text, send_alert
from indicator_pipeline.run import RefreshFailed, refresh
from indicator_pipeline.settings import Settings

DATA = "/v3/data/kpi/"


def posted(httpserver) -> list[dict]:
    return [json.loads(request.get_data()) for request, _ in httpserver.log]


@pytest.fixture
def receiver(httpserver, clean_env):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    clean_env.setenv(WEBHOOK_ENV, httpserver.url_for("/hook"))
    return httpserver


def test_a_failed_cli_refresh_posts_one_message_and_the_sensor_does_not_repeat_it(receiver, clean_env, warehouse, tmp_path):
    run_id = str(uuid.uuid4())
    clean_env.setattr(run_module, "uuid", types.SimpleNamespace(uuid4=lambda: run_id))
    landing = tmp_path / "landing"
    shutil.copytree(BUNDLED / "filedrop", landing)
    clean_env.setenv("INDICATOR_LANDING_DIR", str(landing))
    home = tmp_path / "dagster_home"  # a persistent instance, as a daemon would watch
    home.mkdir()
    clean_env.setenv("DAGSTER_HOME", str(home))
    before = sha256(warehouse)
    with SourceServer() as server:
        server.fault(DATA, lambda p, r, b: Answer(503, b"down for maintenance"))
        clean_env.setenv("KOLADA_BASE_URL", f"{server.url}/v3")
        clean_env.setenv("SCB_BASE_URL", f"{server.url}/api/v2")
        with pytest.raises(RefreshFailed, match="kolada_values_raw"):
            refresh(Settings.from_env(warehouse_path=warehouse, source_mode="live", as_of=AS_OF))
    assert sha256(warehouse) == before
    (message,) = posted(receiver)
    text = message["text"]
    assert f"run {run_id}" in text
    assert "- kolada_values_raw: " in text and "HTTP 503" in text
    assert "indicator_pipeline." not in text  # the reason as the CLI's one line gives it, without module paths
    assert f"The published warehouse {warehouse} is unchanged." in text

    # The CLI's run is in the instance a daemon would watch: the sensor skips it (the CLI has posted).
    with DagsterInstance.get() as instance:
        run = instance.get_run_by_id(run_id)
        assert run.tags[ALERT_TAG] == "cli"
        with build_run_status_sensor_context(  # a context manager: the resource has a setup and a teardown
            sensor_name="refresh_failure_alert",
            dagster_event=_run_failure_event(instance, run_id),
            dagster_instance=instance,
            dagster_run=run,
            resources={"pipeline": PipelineResource(warehouse_path=str(warehouse))},
        ) as context:
            assert isinstance(refresh_failure_alert(context), SkipReason)
    assert len(posted(receiver)) == 1


def test_a_cli_refresh_refused_by_the_lock_posts_one_message(receiver, warehouse, capsys):
    before = sha256(warehouse)
    holder = hold_in_another_process(warehouse)
    try:
        assert cli.main(["refresh", "--offline", "--warehouse", str(warehouse)]) == 1
    finally:
        holder.kill()
        holder.wait(timeout=30)
    said = capsys.readouterr().err.strip().splitlines()[-1]
    assert said.startswith("indicator-pipeline refresh failed: another refresh (PID ")
    (message,) = posted(receiver)
    lines = message["text"].splitlines()
    assert lines[0].startswith("Indicator refresh failed: run ") and lines[0].endswith(" (full_refresh)")
    assert lines[1] == f"- not started: {said.removeprefix('indicator-pipeline refresh failed: ')}"
    assert f"another refresh (PID {holder.pid}" in lines[1] and "run cli-run" in lines[1]
    assert lines[-1] == f"The published warehouse {warehouse} is unchanged."
    assert sha256(warehouse) == before


def test_a_broken_plan_file_posts_one_message_before_any_run(receiver, warehouse, tmp_path, capsys):
    plan = tmp_path / "broken.toml"
    plan.write_text('[plan]\nid = "x"\nname = \n', encoding="utf-8")
    before = sha256(warehouse)

    assert cli.main(["refresh", "--offline", "--warehouse", str(warehouse), "--plan", str(plan)]) == 1

    assert "invalid TOML" in capsys.readouterr().err
    (message,) = posted(receiver)
    lines = message["text"].splitlines()
    assert lines[1].startswith(f"- not started: plan file {plan}, line 3, column ") and "invalid TOML" in lines[1]
    assert lines[-1] == f"The published warehouse {warehouse} is unchanged."
    assert sha256(warehouse) == before


def _run_failure_event(instance, run_id):
    from dagster import DagsterEventType

    (entry,) = instance.all_logs(run_id, of_type=DagsterEventType.RUN_FAILURE)
    return entry.dagster_event


@op
def kolada_values_raw():
    raise RuntimeError("HTTP 503 from the Kolada stand-in")


@job(name="full_refresh")
def failing_refresh():
    kolada_values_raw()


@contextmanager
def _daemon_run_context(instance, warehouse):
    result = failing_refresh.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    with build_run_status_sensor_context(  # a context manager: the resource has a setup and a teardown
        sensor_name="refresh_failure_alert",
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        resources={"pipeline": PipelineResource(warehouse_path=str(warehouse))},
    ) as context:
        yield context.for_run_failure(), result.run_id


def test_the_run_failure_sensor_posts_a_daemon_runs_failure(receiver, tmp_path):
    warehouse = tmp_path / "indicators.duckdb"
    with DagsterInstance.ephemeral() as instance:
        with _daemon_run_context(instance, warehouse) as (context, run_id):
            assert refresh_failure_alert(context) is None
    (message,) = posted(receiver)
    lines = message["text"].splitlines()
    assert lines[0] == f"Indicator refresh failed: run {run_id} (full_refresh)"
    assert any(line.startswith("- kolada_values_raw: ") and "HTTP 503 from the Kolada stand-in" in line for line in lines)
    assert lines[-1] == f"The published warehouse {warehouse} is unchanged."


def test_no_webhook_no_message_no_error(httpserver, clean_env, tmp_path):
    clean_env.delenv(WEBHOOK_ENV, raising=False)
    with DagsterInstance.ephemeral() as instance:
        with _daemon_run_context(instance, tmp_path / "indicators.duckdb") as (context, _):
            assert isinstance(refresh_failure_alert(context), SkipReason)
    assert send_alert("a failure") is False
    assert httpserver.log == []


def test_a_webhook_that_fails_is_logged_never_raised(httpserver, caplog):
    httpserver.expect_request("/hook", method="POST").respond_with_response(Response("no", status=500))
    with caplog.at_level(logging.ERROR, logger="indicator_pipeline.alerts"):
        assert send_alert("the failure", url=httpserver.url_for("/hook")) is False
    assert "could not post the failure alert to INDICATOR_ALERT_WEBHOOK: HTTP 500" in caplog.text
    assert httpserver.url_for("/hook") not in caplog.text  # the URL is a secret


def test_the_message_says_when_the_warehouse_was_published():
    text = failure_text("r1", ["scorecard_report: disk full"], published=True, warehouse="w.duckdb", job="full_refresh")
    assert text.splitlines() == [
        "Indicator refresh failed: run r1 (full_refresh)",
        "- scorecard_report: disk full",
        "The warehouse w.duckdb was published; only what comes after publishing failed.",
    ]
