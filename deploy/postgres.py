"""A throwaway PostgreSQL cluster in a temporary folder: for tests, benchmarks and `make cluster`.

Debian's ``postgresql`` package puts ``initdb`` and ``pg_ctl`` in
/usr/lib/postgresql/VERSION/bin. PostgreSQL refuses to run as root, so as root
the folder belongs to the ``postgres`` user and both run through ``runuser -u
postgres --`` (pytest-postgresql's process fixture refuses root, hence this
module). The server listens on a free loopback port with its socket in the
folder, trusts connections (only this machine can reach it) and is stopped and
deleted at the end. Its default collation is ICU's English, as on most managed
PostgreSQL services, so nothing can quietly rely on byte order.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.live_server import free_port

OWNER = "postgres"
SUPERUSER = "postgres"
START_TIMEOUT_S = 60


class PostgresMissing(RuntimeError):
    """Debian's postgresql package is not installed."""


def bin_dir() -> Path:
    """The folder with initdb and pg_ctl: on PATH, or the newest Debian version."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if not versions:
        raise PostgresMissing(
            "PostgreSQL is not installed: `apt-get install -y postgresql` (make test and "
            "make cluster do it when run as root)"
        )
    return versions[-1].parent


@dataclass
class TempPostgres:
    """A running throwaway cluster; :func:`throwaway` starts and removes it."""

    folder: Path
    port: int
    bin: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
        return self.url(name)

    def create_schema(self, database: str, name: str) -> str:
        """A new empty schema in ``database``; a URL whose connections work in it."""
        with psycopg.connect(self.url(database), autocommit=True) as con:
            con.execute(psycopg.sql.SQL("CREATE SCHEMA {}").format(psycopg.sql.Identifier(name)))
        return f"{self.url(database)}?options=-csearch_path%3D{name}"

    def pg_ctl(self, *args: str, check: bool = True) -> int:
        return _run_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), *args], check)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self.pg_ctl("-l", str(self.log), "-w", "-t", str(START_TIMEOUT_S), "-o", options, "start")

    def restart_immediately(self) -> None:
        """Stop without a clean shutdown, as a crash would, and start again (recovery runs)."""
        self.pg_ctl("-l", str(self.log), "-w", "-t", str(START_TIMEOUT_S), "-m", "immediate",
                    "restart")  # fmt: skip

    def stop(self) -> None:
        """Stop the server, unless it has stopped already (Ctrl-C reaches it too)."""
        if self.pg_ctl("status", check=False) == 0:
            self.pg_ctl("-w", "-m", "fast", "stop")


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _run_as_owner(command: list[str], check: bool = True) -> int:
    """Run a PostgreSQL program as the data folder's owner; its exit code."""
    if _running_as_root():
        command = ["runuser", "-u", OWNER, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result.returncode


@contextmanager
def throwaway() -> Iterator[TempPostgres]:
    """Create, start and finally stop and delete a cluster in a new temporary folder."""
    binaries = bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="backcare-postgres-"))
    try:
        if _running_as_root():
            owner = pwd.getpwnam(OWNER)
            os.chown(folder, owner.pw_uid, owner.pw_gid)
        cluster = TempPostgres(folder, free_port(), binaries)
        _run_as_owner([
            str(binaries / "initdb"), "-D", str(cluster.data), "--auth=trust",
            f"--username={SUPERUSER}", "--encoding=UTF8", "--locale=C.UTF-8",
            "--locale-provider=icu", "--icu-locale=en-US", "--no-sync",
        ])  # fmt: skip
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
