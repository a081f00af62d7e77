"""Runs a command and stamps each line (and progress-bar update) it prints with the seconds since
start, so a run's moments (the index answers, it is complete) are read as wall time:

    python docs/scripts/timed.py licensebot index --all --json
"""

from __future__ import annotations

import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    started = time.time()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    assert proc.stdout is not None
    line = ""
    while char := proc.stdout.read(1):
        if char in "\r\n":
            if line.strip():
                print(f"{time.time() - started:8.1f} {line}", flush=True)
            line = ""
        else:
            line += char
    code = proc.wait()
    print(f"{time.time() - started:8.1f} EXIT {code}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
