"""`/license`: ask, share, lookup, list, help, and the admin commands reindex and feedback."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond

from licensebot import prompts
from licensebot.slack.blocks import escape, text_blocks
from licensebot.slack.deps import SlackDeps
from licensebot.slack.pair_commands import pair_response
from licensebot.slack.questions import Asked
from licensebot.slack.reindexing import run_reindex, submit_reindex
from licensebot.slack.replies import answer_reply, error_text

log = logging.getLogger("licensebot.slack")


def parse(text: str) -> tuple[str, str]:
    """('ask'|'share'|'lookup'|'list'|'help'|'reindex'|'feedback'|'compare'|'diff', rest)."""
    text = (text or "").strip()
    word, _, rest = text.partition(" ")
    sub = word.lower()
    if sub in ("share", "lookup", "list", "help", "reindex", "feedback", "compare", "diff"):
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
        if sub in ("ask", "share"):
            asked = Asked(user, body.get("channel_id", ""), "command")
            # A private answer offers "Share in channel"; a shared one is already there.
            reply = answer_reply(deps, rest, asked=asked, shareable=sub == "ask")
            kind = "in_channel" if sub == "share" and reply.answered else "ephemeral"
            respond(text=reply.text, blocks=reply.blocks, response_type=kind, replace_original=True)
        elif sub == "lookup":
            text = lookup_text(deps, rest)
            respond(text=text, blocks=text_blocks(text), response_type="ephemeral", replace_original=True)
        elif sub in ("compare", "diff"):  # two licenses at once: slack/pair_commands.py
            respond(**pair_response(deps, sub, rest), response_type="ephemeral", replace_original=True)
        elif sub == "list":
            text = list_text(deps)
            respond(text=text, blocks=text_blocks(text), response_type="ephemeral", replace_original=True)
        elif sub == "feedback":
            text = feedback_text(deps)
            respond(text=text, blocks=text_blocks(text), response_type="ephemeral", replace_original=True)
        elif sub == "reindex":
            submit_reindex(deps, lambda: run_reindex(deps, respond), respond)
    except Exception as exc:
        # The user is looking at "Searching…": replace it with what happened, never a traceback.
        log.exception("/license %s failed", sub)
        deps.metrics.errors.labels(type(exc).__name__).inc()
        respond(text=error_text(exc), response_type="ephemeral", replace_original=True)


def lookup_text(deps: SlackDeps, rest: str) -> str:
    """`/license lookup`: the same lookup as `licensebot lookup`, rendered for Slack."""
    found = deps.service.lookup(rest)
    title = escape(found.title)
    if found.status == "usage":
        return prompts.message("lookup_usage")
    if found.status == "unknown":
        return prompts.message("lookup_unknown", query=escape(rest))
    if found.status == "sections":
        return prompts.message("lookup_sections", title=title) + "\n" + escape("\n".join(found.sections))[:2800]
    if found.status == "no_section":
        return prompts.message("lookup_no_section", section=escape(found.section), title=title, doc=found.doc)
    out = [f"*{title}*, {escape(found.clauses[0].section)}"]
    for c in found.clauses:
        out.append("\n".join("> " + line for line in escape(c.text).splitlines() if line.strip()))
    text = "\n".join(out)
    return text if len(text) <= 2900 else text[:2850].rsplit(" ", 1)[0] + "\n_…cut; see the source link._"


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
