"""`/license`: ask, share, lookup, list, help, and the admin commands reindex and feedback."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond

from licensebot import prompts
from licensebot.answering.lookup import Lookup
from licensebot.errors import SlackPostFailed
from licensebot.slack.blocks import escape, lookup_fallback, lookup_messages
from licensebot.slack.deps import SlackDeps
from licensebot.slack.pair_commands import pair_reply
from licensebot.slack.posting import apologise, respond_reply
from licensebot.slack.questions import Asked
from licensebot.slack.reindexing import run_reindex, submit_reindex
from licensebot.slack.replies import Reply, answer_reply, count_failure, error_text, split_reply, text_reply

log = logging.getLogger("licensebot.slack")


def parse(text: str) -> tuple[str, str]:
    """('ask'|'share'|'lookup'|'compare'|'diff'|'list'|'help'|'reindex'|'feedback', rest)."""
    text = (text or "").strip()
    word, _, rest = text.partition(" ")
    sub = word.lower()
    if sub in ("share", "lookup", "compare", "diff", "list", "help", "reindex", "feedback"):
        return sub, rest.strip()
    if not text:
        return "help", ""
    return "ask", text


def ack_command(deps: SlackDeps, body: dict[str, Any], ack: Ack) -> None:
    """Answer within Slack's 3 s: refusals and help at once, a 'searching' state otherwise."""
    sub, _rest = parse(body.get("text", ""))
    user = body.get("user_id", "")
    if sub in ("reindex", "feedback") and not deps.is_admin(user):
        log.warning("non-admin %s tried /license %s", user, sub)
        ack(text=prompts.message("admin_only", command=sub))
        return
    if sub == "help":
        ack(text=prompts.message("help"))
    elif sub == "reindex":
        ack(text=prompts.message("reindex_started"))
    elif sub in ("lookup", "list", "feedback"):
        ack(text=prompts.message("one_moment"))
    else:
        ack(text=prompts.message("searching"))


def run_command(deps: SlackDeps, body: dict[str, Any], respond: Respond) -> None:
    sub, rest = parse(body.get("text", ""))
    user = body.get("user_id", "")
    if sub == "help" or (sub in ("reindex", "feedback") and not deps.is_admin(user)):
        return
    try:
        if sub == "reindex":
            submit_reindex(deps, lambda: run_reindex(deps, respond), respond)
            return
        reply, kind = command_reply(deps, sub, rest, asked=Asked(user, body.get("channel_id", ""), "command"))
    except Exception as exc:
        # The user is looking at "Searching…": replace it with what happened, never a traceback.
        log.exception("/license %s failed", sub)
        count_failure(deps, exc)
        reply, kind = text_reply(error_text(exc)), "ephemeral"
    try:
        respond_reply(deps, reply, respond, response_type=kind, replace_original=True)
    except SlackPostFailed as exc:
        # Slack refused the reply (too long, gone): an apology replaces "Searching…" instead.
        apologise(deps, exc, to=respond)


def command_reply(deps: SlackDeps, sub: str, rest: str, *, asked: Asked) -> tuple[Reply, str]:
    """What `/license <sub> <rest>` shows, and to whom (ephemeral or in_channel)."""
    if sub in ("ask", "share"):
        # A private answer offers "Share in channel"; a shared one is already there.
        reply = answer_reply(deps, rest, asked=asked, shareable=sub == "ask")
        return reply, "in_channel" if sub == "share" and reply.answered else "ephemeral"
    if sub == "lookup":
        return lookup_reply(deps, rest), "ephemeral"
    if sub in ("compare", "diff"):  # two licenses at once: slack/pair_commands.py
        return pair_reply(deps, sub, rest), "ephemeral"
    text = list_text(deps) if sub == "list" else feedback_text(deps)
    return text_reply(text), "ephemeral"


def lookup_reply(deps: SlackDeps, rest: str) -> Reply:
    """`/license lookup`: the same lookup as `licensebot lookup`; a clause as rich_text quotes."""
    found = deps.service.lookup(rest)
    if found.status == "clause":
        return split_reply(lookup_fallback(found), lookup_messages(found))
    return text_reply(lookup_text(found, rest))


def lookup_text(found: Lookup, rest: str) -> str:
    title = escape(found.title)
    if found.status == "usage":
        return prompts.message("lookup_usage")
    if found.status == "unknown":
        return prompts.message("lookup_unknown", query=escape(rest))
    if found.status == "sections":
        return prompts.message("lookup_sections", title=title) + "\n" + escape("\n".join(found.sections))[:2800]
    return prompts.message("lookup_no_section", section=escape(found.section), title=title, doc=found.doc)


def list_text(deps: SlackDeps) -> str:
    groups = deps.service.inventory().groups()
    lines = [f"*{escape(k)}* ({len(v)}): {escape(', '.join(d.key for d in v))}" for k, v in groups.items()]
    return "\n".join(lines)[:2900] or prompts.message("nothing_indexed")


def feedback_text(deps: SlackDeps) -> str:
    rows = deps.questions.recent_feedback(10)
    if not rows:
        return prompts.message("no_feedback")
    return "\n".join(
        f"• {'👍' if r.vote == 'helpful' else '👎'} <@{r.voter}>: {escape(r.question[:150])}" for r in rows
    )[:2900]


def register(app: App, deps: SlackDeps) -> None:
    def on_license(body: dict[str, Any], ack: Ack, respond: Respond) -> None:
        ack_command(deps, body, ack)
        deps.submit(lambda: run_command(deps, body, respond))

    app.command("/license")(on_license)
