"""Message shortcut "Add to license knowledge base" (admins): index a message or its thread
as a discussion excerpt, with a permalink back to Slack."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from licensebot import prompts
from licensebot.errors import LicensebotError
from licensebot.slack.deps import SlackDeps
from licensebot.slack.reindexing import submit_reindex
from licensebot.slack.replies import error_text

log = logging.getLogger("licensebot.slack")
CALLBACK_ID = "add_to_license_kb"
_USER = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]*))?>")


def thread_document(channel: str, messages: list[dict[str, Any]], permalink: str) -> tuple[str, str]:
    """(key, file text) for a thread: front matter marking it a discussion, then one line per message."""
    first = messages[0]
    key = f"slack-{channel}-{first.get('ts', '0').replace('.', '-')}".lower()
    lines = []
    for m in messages:
        text = _USER.sub(lambda u: "@" + (u.group(2) or u.group(1)), m.get("text", "")).strip()
        if text:
            lines.append(f"{m.get('user') or m.get('username') or 'someone'}: {text}")
    title_words = " ".join(lines[0].split(": ", 1)[-1].split()[:8]) if lines else "Slack thread"
    front = (
        "---\n"
        f"key: {key}\n"
        f"name: 'Slack thread: {title_words.replace(chr(39), chr(39) * 2)}'\n"
        "kind: discussion\n"
        "category: Discussion\n"
        f"homepage_url: {permalink}\n"
        "---\n"
    )
    return key, front + "\n".join(lines) + "\n"


def add_to_knowledge_base(deps: SlackDeps, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
    channel = body["channel"]["id"]
    message = body["message"]
    thread_ts = message.get("thread_ts") or message["ts"]
    try:
        replies = client.conversations_replies(channel=channel, ts=thread_ts, limit=200)
        messages = replies.get("messages") or [message]
        permalink = client.chat_getPermalink(channel=channel, message_ts=thread_ts).get("permalink", "")
    except SlackApiError as exc:
        log.warning("could not read the thread: %s", exc.response.get("error"))
        respond(text=prompts.message("kb_cannot_read"), response_type="ephemeral")
        return
    key, text = thread_document(channel, messages, str(permalink))
    folder = deps.settings.slack_discussions_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{key}.md").write_text(text, "utf-8")
    submit_reindex(deps, lambda: index_saved_thread(deps, key, respond), respond)


def index_saved_thread(deps: SlackDeps, key: str, respond: Respond) -> None:
    """The reindex after a thread was saved: the same path, lock and metrics as `/license reindex`."""
    try:
        report = deps.reindexer.run()
    except LicensebotError as exc:
        log.exception("indexing the thread failed")
        respond(text=prompts.message("kb_saved_not_indexed", reason=error_text(exc)), response_type="ephemeral")
        return
    state = "added" if key in report.added else "updated" if key in report.changed else "already indexed"
    respond(text=prompts.message("kb_done", state=state, key=key), response_type="ephemeral")


def register(app: App, deps: SlackDeps) -> None:
    def on_shortcut(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        user = body.get("user", {}).get("id", "")
        if not deps.is_admin(user):
            log.warning("non-admin %s tried the knowledge-base shortcut", user)
            deps.submit(lambda: respond(text=prompts.message("kb_admin_only"), response_type="ephemeral"))
            return
        deps.submit(lambda: add_to_knowledge_base(deps, body, client, respond))

    app.shortcut(CALLBACK_ID)(on_shortcut)
