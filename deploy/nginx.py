"""nginx in front of several app servers, as a throwaway process: for `make cluster` and tests.

Debian's ``nginx`` package; the configuration is ``nginx.conf.template`` beside this
file, filled in for a temporary prefix folder and a free loopback port. nginx runs
in the foreground (``daemon off``) as a child of this process and is stopped at
the end; it never touches /etc/nginx or /var/log/nginx.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.live_server import free_port

TEMPLATE = Path(__file__).resolve().with_name("nginx.conf.template")
TEMP_FOLDERS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
START_TIMEOUT_S = 20.0
#: As root, nginx's workers drop to this user (the master keeps root only to bind).
WORKER_USER = "nobody"


class NginxMissing(RuntimeError):
    """Debian's nginx package is not installed."""


def render(servers: Sequence[str], listen: str, prefix: Path, *, secure: bool = False) -> str:
    """The template filled in: ``servers`` as host:port, ``listen`` as nginx's listen."""
    if not servers:
        raise ValueError("nginx needs at least one app server")
    user = ""
    if os.geteuid() == 0:
        group = grp.getgrgid(pwd.getpwnam(WORKER_USER).pw_gid).gr_name
        user = f"user {WORKER_USER} {group};"
    lines = "\n        ".join(f"server {server};" for server in servers)
    text = TEMPLATE.read_text(encoding="utf-8")
    values = {"@USER@": user, "@PREFIX@": str(prefix), "@LISTEN@": listen,
              "@SERVERS@": lines, "@SECURE@": "; Secure" if secure else ""}  # fmt: skip
    for name, value in values.items():
        text = text.replace(name, value)
    return text


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        raise NginxMissing(
            "nginx is not installed: `apt-get install -y nginx` (make test and make cluster "
            "do it when run as root)"
        )
    return found


@dataclass(frozen=True)
class TempNginx:
    url: str
    prefix: Path
    process: subprocess.Popen


@contextmanager
def throwaway(servers: Sequence[str], port: int | None = None) -> Iterator[TempNginx]:
    """Run nginx in front of ``servers`` (host:port) on 127.0.0.1:``port`` (free if None)."""
    binary = nginx_binary()
    prefix = Path(tempfile.mkdtemp(prefix="backcare-nginx-"))
    process = None
    try:
        os.chmod(prefix, 0o755)  # the workers read nothing here but must reach temp/
        for name in TEMP_FOLDERS:
            folder = prefix / "temp" / name
            folder.mkdir(parents=True)
            if os.geteuid() == 0:
                owner = pwd.getpwnam(WORKER_USER)
                os.chown(folder, owner.pw_uid, owner.pw_gid)
        port = port or free_port()
        config = prefix / "nginx.conf"
        config.write_text(render(servers, f"127.0.0.1:{port}", prefix), encoding="utf-8")
        log = (prefix / "output.log").open("wb")
        process = subprocess.Popen(
            [binary, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log"),
             "-g", "daemon off;"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        _wait_until_listening(url, process, prefix)
        yield TempNginx(url, prefix, process)
    finally:
        if process is not None:
            process.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(prefix, ignore_errors=True)


def _wait_until_listening(url: str, process: subprocess.Popen, prefix: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # nginx answered (an app server may still be starting)
        except (urllib.error.URLError, OSError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = "".join(
                path.read_text(errors="replace")
                for path in (prefix / "output.log", prefix / "error.log")
                if path.exists()
            )
            raise RuntimeError(f"nginx did not start:\n{output}")
        time.sleep(0.05)
