"""Real processes for integration tests: a Chroma server and the licensebot CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from licensebot.devtools.loopback import free_port

__all__ = ["clean_env", "free_port", "licensebot", "start_chroma", "start_licensebot"]


def clean_env(env: dict[str, str]) -> dict[str, str]:
    """This process's environment without our settings, plus ``env``."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("LICENSEBOT_", "SLACK_"))} | env


def licensebot(args: list[str], env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "licensebot", *args],
        env=clean_env(env), capture_output=True, text=True, timeout=timeout, cwd=env["HOME"],
    )


def start_licensebot(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "licensebot", *args], env=clean_env(env), cwd=env["HOME"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )

def start_chroma(path: Path, port: int) -> subprocess.Popen[bytes]:
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).read()
            return proc
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("chroma server did not start") from None
            time.sleep(0.3)
