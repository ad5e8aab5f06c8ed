"""Failure alerts to the webhook in INDICATOR_ALERT_WEBHOOK (docs/operations.md, "Alerts"): JSON with a
top-level "text", which Slack and Teams accept. The CLI posts its own runs' (tagged `ALERT_TAG`), the
sensor of assets/alerts.py the others'. Best effort: a failure to post never hides the failure reported.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

WEBHOOK_ENV = "INDICATOR_ALERT_WEBHOOK"
ALERT_TAG = "indicator/alerted_by"  # on a run whose failure its starter reports itself (value: who)
TIMEOUT = (3.05, 10)  # connect, read (seconds)

logger = logging.getLogger(__name__)


def failure_text(
    run_id: str, failures: Sequence[str], published: bool, warehouse: Path | str | None = None, job: str | None = None
) -> str:
    """The alert: a headline with the run, one line per `step: reason`, and what became of the
    published warehouse (a step after publishing, such as the report, can fail on a published one)."""
    where = f" {warehouse}" if warehouse else ""
    outcome = (
        f"The warehouse{where} was published; only what comes after publishing failed."
        if published
        else f"The published warehouse{where} is unchanged."
    )
    lines = [f"Indicator refresh failed: run {run_id}" + (f" ({job})" if job else "")]
    lines += [f"- {failure}" for failure in failures] or ["- the run failed before any step ran"]
    lines.append(outcome)
    return "\n".join(lines)


def plain(message: str) -> str:
    """An exception's message on one line, without its module path (`RetriesExhaustedError: ...`)."""
    return re.sub(r"^(?:[a-z_][\w]*\.)+(\w+: )", r"\1", " ".join(message.split()))


def webhook_url() -> str:
    return os.environ.get(WEBHOOK_ENV, "").strip()


def send_alert(text: str, log: Callable[[str], None] | None = None, url: str | None = None) -> bool:
    """Post `text` to the webhook and log it; True if the webhook took it. Never raises."""
    log = log or logger.error
    url = webhook_url() if url is None else url
    if not url:
        return False
    log(text)
    import requests  # here, not at the top: a run that posts no alert (most of them) need not import it

    try:
        response = requests.post(url, json={"text": text}, timeout=TIMEOUT)
        response.raise_for_status()
    except requests.HTTPError as exc:
        log(f"could not post the failure alert to {WEBHOOK_ENV}: HTTP {exc.response.status_code}")
        return False
    except Exception as exc:  # noqa: BLE001 - the alert must never hide the failure it reports
        # The class name only: the webhook URL is a secret and requests puts it in its messages.
        log(f"could not post the failure alert to {WEBHOOK_ENV}: {exc.__class__.__name__}")
        return False
    return True
