"""A real PostgreSQL server for the tests, started from the machine's PostgreSQL binaries on a
free loopback port, with a password (so tests can check it never shows), in a data folder of
its own; each test gets a database of its own on it.

PostgreSQL refuses to run as root: as root (CI), initdb and pg_ctl run as the ``postgres``
user that Debian's package creates, in a folder that user owns. `.ci/run` installs the
package where it is missing.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

from licensebot.devtools.loopback import free_port

USER = "licensebot"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: Debian's newest version, else the PATH's."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


class PostgresServer:
    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.password = secrets.token_hex(12)
        self.port = free_port()
        # Not under pytest's tmp_path: as root that is private to root, and the server runs as postgres.
        self.root = Path(tempfile.mkdtemp(prefix="licensebot-pg-"))
        self.data = self.root / "data"
        self._as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        out = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {out.stdout[-2000:]}{out.stderr[-2000:]}")

    def start(self) -> PostgresServer:
        if not self.data.exists():
            pwfile = self.root / "pw"
            pwfile.write_text(self.password)
            if self._as:
                shutil.chown(pwfile, "postgres", "postgres")
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, f"--pwfile={pwfile}",
                      "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-sync")
            pwfile.unlink()
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                  "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
