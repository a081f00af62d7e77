"""`/license`: ask, share, lookup, list, help, and the admin commands reindex and feedback."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from licensebot.errors import LicensebotError, ReindexAborted, ReindexInProgress
from licensebot.index.models import IndexReport
from licensebot.slack.blocks import escape, text_blocks
from licensebot.slack.deps import APOLOGY, UNAVAILABLE, SlackDeps, answer_reply, log

HELP = (
    "*/license* answers license questions with the exact clauses.\n"
    "• `/license <question>` — answer privately\n"
    "• `/license share <question>` — answer in the channel\n"
    "• `/license lookup <license> [section]` — show a clause verbatim, e.g. `/license lookup llama-3.1 1.b.i`\n"
    "• `/license list` — what is indexed\n"
    "• `/license help` — this text\n"
    "Admins: `/license reindex` re-reads all sources; `/license feedback` shows recent feedback."
)
ADMIN_ONLY = "Sorry, `/license {cmd}` is for licensebot admins. Ask one of them if the index needs attention."
SEARCHING = "Searching the license texts…"


def parse(text: str) -> tuple[str, str]:
    """('ask'|'share'|'lookup'|'list'|'help'|'reindex'|'feedback', rest)."""
    text = (text or "").strip()
    word, _, rest = text.partition(" ")
    sub = word.lower()
    if sub in ("share", "lookup", "list", "help", "reindex", "feedback"):
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
        ack(text=ADMIN_ONLY.format(cmd=sub))
        return
    if sub == "help":
        ack(text=HELP)
    elif sub == "reindex":
        ack(text="Reindexing; I will post progress here.")
    elif sub in ("lookup", "list", "feedback"):
        ack(text="One moment…")
    else:
        ack(text=SEARCHING)


def run_command(deps: SlackDeps, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
    sub, rest = parse(body.get("text", ""))
    user = body.get("user_id", "")
    if sub == "help" or (sub in ("reindex", "feedback") and not deps.is_admin(user)):
        return
    try:
        if sub in ("ask", "share"):
            reply = answer_reply(deps, rest)
            kind = "in_channel" if sub == "share" and reply.answered else "ephemeral"
            respond(text=reply.text, blocks=reply.blocks, response_type=kind, replace_original=True)
        elif sub == "lookup":
            text = lookup_text(deps, rest)
            respond(text=text, blocks=text_blocks(text), response_type="ephemeral", replace_original=True)
        elif sub == "list":
            text = list_text(deps)
            respond(text=text, blocks=text_blocks(text), response_type="ephemeral", replace_original=True)
        elif sub == "feedback":
            text = feedback_text(deps)
            respond(text=text, blocks=text_blocks(text), response_type="ephemeral", replace_original=True)
        elif sub == "reindex":
            run_reindex(deps, client, body.get("channel_id", ""), user)
    except LicensebotError:
        log.exception("/license %s failed", sub)
        respond(text=UNAVAILABLE, response_type="ephemeral", replace_original=True)
    except Exception:
        # The user is looking at "Searching…": replace it with an apology, never a traceback.
        log.exception("/license %s failed", sub)
        respond(text=APOLOGY, response_type="ephemeral", replace_original=True)


def _norm_section(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("§", ""))


def lookup_text(deps: SlackDeps, rest: str) -> str:
    words = rest.split()
    if not words:
        return "Usage: `/license lookup <license> [section]`, e.g. `/license lookup llama-3.1 1.b.i`."
    retriever = deps.service.retriever
    retriever.refresh()
    docs = retriever.documents
    def resolve(name: str) -> list[str]:
        return [name] if name in docs else sorted(retriever.names(name).docs)

    # "llama-2 1.b.v": the last word is a section when the words before it name the same
    # document(s); "llama 3.1" is not "llama" + section 3.1, since "llama" names more.
    target, section = resolve(" ".join(words)), ""
    if len(words) > 1 and any(ch.isdigit() for ch in words[-1]):
        shorter = resolve(" ".join(words[:-1]))
        if shorter and (not target or set(shorter) <= set(target)):
            target, section = shorter, words[-1]
    if not target:
        return f"I do not know a license called `{escape(rest)}`. `/license list` shows what is indexed."
    chunks = [c for c in retriever.chunks_of(target[:1])]
    title = chunks[0].title if chunks else target[0]
    if not section:
        labels = list(dict.fromkeys(c.section or "(text)" for c in chunks))
        return f"*{escape(title)}* — sections:\n" + escape("\n".join(labels))[:2800]
    wanted = _norm_section(section)
    hits = [c for c in chunks if c.section_id and _norm_section(c.section_id).startswith(wanted)]
    if not hits:
        return f"No section `{escape(section)}` in *{escape(title)}*. `/license lookup {target[0]}` lists them."
    out = [f"*{escape(title)}*, {escape(hits[0].section)}"]
    for c in hits:
        out.append("\n".join("> " + line for line in escape(c.text).splitlines() if line.strip()))
    text = "\n".join(out)
    return text if len(text) <= 2900 else text[:2850].rsplit(" ", 1)[0] + "\n_…cut; see the source link._"


def list_text(deps: SlackDeps) -> str:
    retriever = deps.service.retriever
    retriever.refresh()
    groups: dict[str, list[str]] = defaultdict(list)
    for doc, (kind, category) in sorted(retriever.categories().items()):
        groups[f"{kind} · {category or 'uncategorised'}"].append(doc)
    lines = [f"*{escape(k)}* ({len(v)}): {escape(', '.join(v))}" for k, v in sorted(groups.items())]
    return "\n".join(lines)[:2900] or "Nothing is indexed yet."


def feedback_text(deps: SlackDeps) -> str:
    rows = deps.feedback.recent(10)
    if not rows:
        return "No feedback yet."
    return "\n".join(
        f"• {'👍' if r.vote == 'helpful' else '👎'} <@{r.user}>: {escape(r.question[:150])}" for r in rows
    )[:2900]


def report_summary(report: IndexReport) -> str:
    lines = [
        f"Reindex finished: {len(report.added)} added, {len(report.changed)} changed, "
        f"{len(report.removed)} removed, {report.unchanged} unchanged."
    ]
    for f in report.failures[:10]:
        lines.append(f"• skipped `{escape(f.path)}`: {escape(f.reason)}")
    if len(report.failures) > 10:
        lines.append(f"• … and {len(report.failures) - 10} more files")
    for note in report.recovered:
        lines.append(f"• recovered: {escape(note)}")
    return "\n".join(lines)


def run_reindex(deps: SlackDeps, client: WebClient, channel: str, user: str) -> None:
    if not deps.reindex_lock.acquire(blocking=False):
        busy = "A reindex is already running; try again when it ends."
        client.chat_postEphemeral(channel=channel, user=user, text=busy)
        return
    try:
        posted = client.chat_postMessage(channel=channel, text="Reindex started…")
        ts = posted["ts"]
        last = [0.0]

        def progress(stage: str, done: int, total: int) -> None:
            now = time.monotonic()
            if done < total and now - last[0] < 2.0:
                return
            last[0] = now
            _update(client, channel, ts, f"Reindexing: {stage} {done}/{total} clauses…")

        try:
            report = deps.reindex(progress)
            _update(client, channel, ts, report_summary(report))
        except (ReindexInProgress, ReindexAborted) as exc:
            # Our own messages: who holds the lock, or that the old index keeps serving.
            _update(client, channel, ts, f"Reindex not done: {escape(str(exc))}.")
        except LicensebotError:
            log.exception("reindex failed")
            _update(client, channel, ts, "Reindex failed: " + UNAVAILABLE)
    finally:
        deps.reindex_lock.release()


def _update(client: WebClient, channel: str, ts: str, text: str) -> None:
    try:
        client.chat_update(channel=channel, ts=ts, text=text)
    except SlackApiError as exc:
        log.warning("chat.update failed: %s", exc.response.get("error"))


def register(app: App, deps: SlackDeps) -> None:
    def on_license(body: dict[str, Any], ack: Ack, respond: Respond, client: WebClient) -> None:
        ack_command(deps, body, ack)
        deps.submit(lambda: run_command(deps, body, respond, client))

    app.command("/license")(on_license)

