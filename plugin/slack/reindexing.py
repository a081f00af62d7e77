"""Reindexes started from Slack (`/license reindex`, the "Add to license knowledge base"
shortcut): on their own one-thread worker, never more than one waiting, through the same
``ReindexService`` as the CLI (its lock, recovery and metrics)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_bolt import Respond

from licensebot import prompts
from licensebot.errors import LicensebotError, ReindexInProgress
from licensebot.index.documents import IndexReport
from licensebot.slack.blocks import escape
from licensebot.slack.deps import SlackDeps
from licensebot.slack.replies import error_text

log = logging.getLogger("licensebot.slack")
PROGRESS_UPDATES = 3
"""Slack accepts 5 posts to a response_url; this many progress lines, then the summary."""


def submit_reindex(deps: SlackDeps, job: Callable[[], None], respond: Respond) -> bool:
    """Queue ``job`` on the reindex worker, or tell the admin one is already running there."""
    if deps.reindex_worker.pending:
        respond(text=prompts.message("reindex_busy", detail="started from Slack"), response_type="ephemeral")
        return False
    return deps.reindex_worker.submit(job) is not None


def report_summary(report: IndexReport) -> str:
    lines = [prompts.message("reindex_finished", added=len(report.added), changed=len(report.changed),
                             removed=len(report.removed), unchanged=report.unchanged)]
    for f in report.failures[:10]:
        lines.append(prompts.message("reindex_skipped_file", path=escape(f.path), reason=escape(f.reason)))
    if len(report.failures) > 10:
        lines.append(prompts.message("reindex_more_files", count=len(report.failures) - 10))
    for note in report.recovered:
        lines.append(prompts.message("reindex_recovered", note=escape(note)))
    return "\n".join(lines)


def run_reindex(deps: SlackDeps, respond: Respond) -> None:
    """`/license reindex`. Progress goes to the admin alone, through the command's response_url:
    it works in any channel, the bot need not be a member, and nobody else sees admin chatter."""
    updates = [0, 0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or updates[0] >= PROGRESS_UPDATES or now - updates[1] < 5.0:
            return
        updates[0], updates[1] = updates[0] + 1, now
        respond(text=prompts.message("reindex_progress", stage=stage, done=done, total=total),
                response_type="ephemeral", replace_original=True)

    try:
        report = deps.reindexer.run(progress=progress)
    except ReindexInProgress as exc:  # another replica's reindex: not a failure
        respond(text=error_text(exc), response_type="ephemeral", replace_original=True)
        return
    except LicensebotError as exc:
        log.exception("reindex failed")
        respond(text=prompts.message("reindex_failed", reason=error_text(exc)), response_type="ephemeral",
                replace_original=True)
        return
    respond(text=report_summary(report), response_type="ephemeral", replace_original=True)
