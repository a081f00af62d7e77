"""The Slack app manifests in deploy/: agent_view (the default for new apps) and the legacy
assistant_view, for Socket Mode and HTTP, declare exactly what the app listens to and calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from licensebot.slack.listeners.shortcuts import CALLBACK_ID

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
MANIFESTS = {
    "slack-manifest-socket-mode.yaml": (True, "agent_view"),
    "slack-manifest-http.yaml": (False, "agent_view"),
    "slack-manifest-socket-mode-assistant-view.yaml": (True, "assistant_view"),
    "slack-manifest-http-assistant-view.yaml": (False, "assistant_view"),
}
EVENTS = {
    # Under agent_view the Messages tab is the conversation: app_home_opened (tab "messages")
    # for the suggested prompts, message.im for the questions.
    "agent_view": {"app_mention", "message.im", "app_home_opened"},
    "assistant_view": {"app_mention", "message.im", "app_home_opened", "assistant_thread_started",
                       "assistant_thread_context_changed"},
}


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / name).read_text())
    return data


@pytest.mark.parametrize("name", sorted(MANIFESTS))
def test_manifest_declares_what_the_app_listens_to(name: str) -> None:
    socket, experience = MANIFESTS[name]
    m = _load(name)
    assert m["settings"]["socket_mode_enabled"] is socket
    assert set(m["settings"]["event_subscriptions"]["bot_events"]) == EVENTS[experience]
    other = "assistant_view" if experience == "agent_view" else "agent_view"
    assert experience in m["features"] and other not in m["features"], "one messaging experience per app"
    assert m["features"]["slash_commands"][0]["command"] == "/license"
    assert m["features"]["shortcuts"][0]["callback_id"] == CALLBACK_ID
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    assert m["features"]["app_home"]["messages_tab_enabled"] is True
    # Exactly what the code calls: no reactions (status instead), no im:write/im:read (replies go
    # to the conversation the event came from), no chat:write.public (reindex progress and
    # sharing go through response_url).
    assert set(m["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read", "assistant:write", "channels:history", "groups:history", "chat:write", "commands",
        "im:history"}
    if not socket:
        assert m["settings"]["event_subscriptions"]["request_url"].endswith("/slack/events")
        assert m["settings"]["interactivity"]["request_url"].endswith("/slack/events")


@pytest.mark.parametrize("mode", ["socket-mode", "http"])
def test_the_legacy_manifest_differs_from_the_default_only_in_the_messaging_experience(mode: str) -> None:
    def common(m: dict[str, Any]) -> dict[str, Any]:
        features = {k: v for k, v in m["features"].items() if k not in ("agent_view", "assistant_view")}
        events = dict(m["settings"]["event_subscriptions"], bot_events=None)
        return dict(m, features=features, settings=dict(m["settings"], event_subscriptions=events))

    assert common(_load(f"slack-manifest-{mode}.yaml")) == common(_load(f"slack-manifest-{mode}-assistant-view.yaml"))
    default = _load(f"slack-manifest-{mode}.yaml")["features"]["agent_view"]
    legacy = _load(f"slack-manifest-{mode}-assistant-view.yaml")["features"]["assistant_view"]
    assert default["agent_description"] == legacy["assistant_description"]
