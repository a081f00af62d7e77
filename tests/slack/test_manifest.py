from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from licensebot.slack.listeners.shortcuts import CALLBACK_ID

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.mark.parametrize(
    "name, socket", [("slack-manifest-socket-mode.yaml", True), ("slack-manifest-http.yaml", False)]
)
def test_manifest_declares_what_the_app_listens_to(name: str, socket: bool) -> None:
    m = yaml.safe_load((DEPLOY / name).read_text())
    assert m["settings"]["socket_mode_enabled"] is socket
    assert set(m["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_mention", "message.im", "app_home_opened", "assistant_thread_started", "assistant_thread_context_changed"}
    assert "assistant_view" in m["features"]
    assert m["features"]["slash_commands"][0]["command"] == "/license"
    assert m["features"]["shortcuts"][0]["callback_id"] == CALLBACK_ID
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    # Exactly what the code calls: no reactions (status instead), no im:write/im:read (replies go
    # to the conversation the event came from), no chat:write.public (reindex progress and
    # sharing go through response_url).
    assert set(m["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read", "assistant:write", "channels:history", "groups:history", "chat:write", "commands",
        "im:history"}
    if not socket:
        assert m["settings"]["event_subscriptions"]["request_url"].endswith("/slack/events")
        assert m["settings"]["interactivity"]["request_url"].endswith("/slack/events")
