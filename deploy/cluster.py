"""`make cluster`: PostgreSQL, several app servers and nginx in front of them, on one port.

python -m deploy.cluster [--replicas 2] [--port 8501]

The store is BACKCARE_STORE when that is a postgresql:// URL, otherwise a throwaway
PostgreSQL cluster (deploy/postgres.py). The app servers start as the browser
tests start them (tests/live_server.py) on free loopback ports, all with the same
settings and the same cookie secret, so that any of them accepts what another
signed; nginx (deploy/nginx.py) listens on the one port people use. Ctrl-C stops
them all. The tests and benchmarks use :func:`running` for the same set-up.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from backcare.analytics.store.registry import describe, is_url
from deploy import nginx, postgres
from tests.live_server import LiveServer, serve

DEFAULT_REPLICAS = 2


@dataclass(frozen=True)
class Cluster:
    url: str  # nginx: where browsers go
    servers: list[LiveServer]
    store: str
    logs: Path


@contextmanager
def running(
    replicas: int = DEFAULT_REPLICAS,
    *,
    store: str | None = None,
    port: int | None = None,
    settings: Mapping[str, str] | None = None,
    per_server: list[Mapping[str, str]] | None = None,
) -> Iterator[Cluster]:
    """Start the store (unless ``store`` is a URL), ``replicas`` app servers with
    ``settings`` (plus ``per_server[i]`` for server i) and nginx; stop them all after."""
    with ExitStack() as stack:
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="backcare-cluster-")))
        if store is None:
            database = stack.enter_context(postgres.throwaway())
            store = database.create_database("backcare")
        shared = {
            **(settings or {}),
            "BACKCARE_STORE": store,
            # Streamlit signs its XSRF cookie with this: every server must use the same one.
            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),
        }
        own = per_server or [{}] * replicas
        servers = [
            stack.enter_context(serve(logs / f"server-{n + 1}.log", {**shared, **own[n]}))
            for n in range(replicas)
        ]
        proxy = stack.enter_context(
            nginx.throwaway([server.url.removeprefix("http://") for server in servers], port)
        )
        yield Cluster(proxy.url, servers, store, logs)


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C, or a SIGTERM, stops everything (even where the shell had SIGINT ignored)."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=DEFAULT_REPLICAS, metavar="N")
    parser.add_argument("--port", type=int, default=8501)
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    configured = os.environ.get("BACKCARE_STORE", "")
    store = configured if is_url(configured) else None
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, _interrupt)
    print("Starting PostgreSQL, the app servers and nginx …", flush=True)
    try:
        with running(args.replicas, store=store, port=args.port) as cluster:
            print(
                f"BackCare: {cluster.url} ({args.replicas} app servers behind nginx; store "
                f"{describe(cluster.store)}; server logs in {cluster.logs}). Ctrl-C stops all.",
                flush=True,
            )
            while all(server.process.poll() is None for server in cluster.servers):
                time.sleep(0.5)
            print("An app server stopped; stopping the rest.", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("\nStopped.")
        return 0
    except (postgres.PostgresMissing, nginx.NginxMissing, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
