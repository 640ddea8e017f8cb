"""The store in PostgreSQL: one database shared by several app servers, on one machine or many.

``BACKCARE_STORE=postgresql://…`` picks it. Each server keeps a small pool of
connections (psycopg 3) and, like the DuckDB store, commits what its session
threads submit through one :class:`~backcare.analytics.store.writer.RecordWriter`,
several records a transaction. A submission returns only once its transaction
has committed.

Every record goes into ``records`` (the source of truth, partitioned by month
so that years of data stay in tables of manageable size) and, in the same
statement, into ``inbox``. The rollups hold the counts of everything that has
left the inbox: a fold moves the inbox into them with ``DELETE … RETURNING``
and ``INSERT … ON CONFLICT DO UPDATE`` in one statement, so a record is either
still in the inbox or counted in the rollups, never both and never neither.
A fold takes the rows that had committed when it started; a transaction that
commits later stays in the inbox for the next fold. (A mark such as "every id
below N is folded" would not do: sequence values commit out of order, so a
mark can pass a row that commits afterwards.) One fold runs at a time across
all servers, under an advisory lock: each server tries every
:data:`FOLD_EVERY` seconds and skips when another one holds it. A count reads
the rollups and adds the inbox, in one statement and so from one snapshot.

The schema is created, or migrated, when a store opens, under an advisory lock
so that servers starting together do it once; its version is kept in
``backcare_schema``. Text columns compare byte by byte (``COLLATE "C"``),
whatever the database's own collation, so week ranges and sort orders are the
same as in DuckDB. If the database goes away (a restart, a failover), a batch
is tried again on a fresh connection for up to :data:`RETRY_FOR` seconds. If
the connection broke while a batch's statement was under way, the store finds
out, once the database is back, whether it committed before it acknowledges or
resends the batch: each batch writes a random token into ``commit_tokens`` in
the same transaction (and removes the writer's previous one), and the store
waits until the server process that ran it is gone (so it is no longer
committing), then looks for the token. (A transaction id cannot tell: one that
a crash lost before it reached the log is handed out again after recovery,
maybe to a transaction that commits.) An acknowledged record is saved, and no
record is stored twice.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import TypeVar

import psycopg
from psycopg_pool import ConnectionPool

from backcare.analytics.store.base import Selection, StoreError, week_monday
from backcare.analytics.store.queries import ROLLUPS, count_sql, rollup_sql
from backcare.analytics.store.registry import describe
from backcare.analytics.store.writer import (
    GATHER,
    MAX_BATCH,
    RecordWriter,
    WrittenThrough,
    close_at_exit,
)

#: Writer threads per server, each committing on a connection of its own. One: on a quiet
#: 2-core machine each statement's CPU, not the flush to disk, bounds the rate, so one
#: writer with every waiting record in its batch beat four writers with a quarter each
#: (2 servers x 8 threads: 10,500 records/s against 4,500; 5,700 with two writers).
#: Several writers help only where flushes are slow and CPU is plentiful.
WRITERS = 1
#: Connections per server: the writers, the folder and a few readers.
POOL_SIZE = WRITERS + 4
#: Seconds between a server's attempts to fold the inbox into the rollups.
FOLD_EVERY = 1.0
#: Seconds a batch is retried while the database cannot be reached, and reads likewise.
RETRY_FOR = 15.0
CONNECT_TIMEOUT_S = 10
#: The highest schema version this code knows; MIGRATIONS[v - 1] brings v - 1 up to v.
SCHEMA_VERSION = 1
#: Advisory lock classes (the second key is the schema's name, hashed): one migration and one
#: fold at a time per schema, and one partition created at a time.
MIGRATE_LOCK, FOLD_LOCK, PARTITION_LOCK = 0x4243_0001, 0x4243_0002, 0x4243_0003
_SCHEMA_KEY = "hashtext(current_schema())"

TEXT, TEXTS = 'text COLLATE "C"', 'text[] COLLATE "C"'
#: The record's columns as stored in both records and inbox.
COLUMNS = (
    ("week", TEXT), ("age_band", TEXT), ("activity", TEXT), ("pain_band", TEXT),
    ("triage", TEXT), ("top_causes", TEXTS), ("warning_signs", TEXTS),
    ("site_id", TEXT), ("mode", TEXT),
)  # fmt: skip
NAMES = ", ".join(name for name, _ in COLUMNS)
_DEFINITIONS = ", ".join(f"{name} {kind} NOT NULL" for name, kind in COLUMNS)

MIGRATIONS: tuple[str, ...] = (
    # 1: records by month, the inbox, the rollups, and the function that adds a month.
    f"""
    CREATE TABLE records (month date NOT NULL, {_DEFINITIONS}) PARTITION BY RANGE (month);
    CREATE TABLE inbox ({_DEFINITIONS});
    CREATE TABLE commit_tokens (token uuid PRIMARY KEY);
    {";".join(rollup.create_sql(TEXT) for rollup in ROLLUPS)};
    CREATE FUNCTION backcare_add_month(first date) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        name text := 'records_' || to_char(first, 'YYYY_MM');
    BEGIN
        PERFORM pg_advisory_xact_lock({PARTITION_LOCK}, {_SCHEMA_KEY});
        IF to_regclass(quote_ident(name)) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF records FOR VALUES FROM (%L) TO (%L)',
                           name, first, (first + interval '1 month')::date);
        END IF;
    END $$;
    """,
)

#: One batch, one statement and so one transaction (the connections autocommit, which
#: saves the round trips of BEGIN and COMMIT): ten arrays (month, then the record's columns;
#: lists joined by commas, which no id may hold) unnested into rows, inserted into records
#: and inbox; then the batch's commit token noted and the writer's previous one removed.
APPEND = f"""
WITH added AS (
    INSERT INTO records (month, {NAMES})
    SELECT month, week, age_band, activity, pain_band, triage,
        string_to_array(top_causes, ','), string_to_array(warning_signs, ','), site_id, mode
    FROM unnest(%s::date[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
                %s::text[], %s::text[], %s::text[], %s::text[])
        AS batch(month, {NAMES})
    RETURNING {NAMES}
), boxed AS (
    INSERT INTO inbox ({NAMES}) SELECT {NAMES} FROM added
), noted AS (
    INSERT INTO commit_tokens VALUES (%s)
)
DELETE FROM commit_tokens WHERE token = %s
"""
#: Whether a server process (one connection's backend) is still there.
BACKEND_ALIVE = "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = %s AND backend_start = %s)"


def batch_params(rows: list[tuple]) -> list[list]:
    """APPEND's ten arrays for rows as :func:`~backcare.analytics.store.writer.row` makes."""
    columns = [list(column) for column in zip(*rows, strict=True)]
    columns[5] = [",".join(causes) for causes in columns[5]]
    columns[6] = [",".join(signs) for signs in columns[6]]
    return [[month_of(week) for week in columns[0]], *columns]


def _fold_sql() -> str:
    """Empty the inbox into every rollup in one statement; it returns how many rows moved."""
    upserts = []
    for rollup in ROLLUPS:
        key = ", ".join(rollup.columns)
        upserts.append(
            f"{rollup.table}_folded AS (INSERT INTO {rollup.table} {rollup.grouped_sql('moved')} "
            f"ON CONFLICT ({key}) DO UPDATE SET n = {rollup.table}.n + excluded.n)"
        )
    return (
        f"WITH moved AS (DELETE FROM inbox RETURNING {NAMES}), {', '.join(upserts)} "
        "SELECT count(*) FROM moved"
    )


FOLD = _fold_sql()

log = logging.getLogger(__name__)
_T = TypeVar("_T")


def month_of(week: str) -> date:
    """The first day of the month an ISO week's Thursday falls in (the week's own month)."""
    return (week_monday(week) + timedelta(days=3)).replace(day=1)


class PostgresStore(WrittenThrough):
    """The store in a PostgreSQL database (see the module docstring)."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = POOL_SIZE,
        writers: int = WRITERS,
        max_batch: int = MAX_BATCH,
        gather: float = GATHER,
        fold_every: float | None = FOLD_EVERY,
    ) -> None:
        self.url = url
        self.label = describe(url)  # never the password
        _migrate(url, self.label)
        self._backends: weakref.WeakKeyDictionary[psycopg.Connection, tuple[int, datetime]] = (
            weakref.WeakKeyDictionary()
        )
        self._pool = ConnectionPool(
            url,
            min_size=min(2, pool_size),
            max_size=pool_size,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
            configure=self._identify,
            open=False,
            name="backcare-store",
        )
        self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        self._months: set[date] = set()
        self._tokens = threading.local()  # each writer thread's last commit token, to remove
        try:
            today = date.today().replace(day=1)
            self._add_months({today, (today + timedelta(days=31)).replace(day=1)})
        except BaseException:
            self._pool.close()
            raise
        self._writer = RecordWriter(self._append, label=self.label, max_batch=max_batch,
                                    gather=gather, writers=writers)  # fmt: skip
        self._stop = threading.Event()
        self._folder: threading.Thread | None = None
        if fold_every is not None:
            self._folder = threading.Thread(
                target=self._fold_loop, args=(fold_every,), name="backcare-store-fold", daemon=True
            )
            self._folder.start()
        close_at_exit(self)

    # --- writing ---------------------------------------------------------------------------

    def _append(self, rows: list[tuple]) -> None:
        """Commit rows to records and inbox in one transaction (the writer thread's commit).

        While the database is away the batch is tried again. If the connection broke while
        the statement was under way, the database is asked, once it answers again, whether
        it committed: only then is the batch saved, and it is never sent twice.
        """
        arrays = batch_params(rows)
        self._add_months(set(arrays[0]) - self._months)
        token = uuid.uuid4()
        deadline = time.monotonic() + RETRY_FOR
        while True:
            backend = None
            try:
                with self._pool.connection() as con:
                    backend = self._backends.get(con)
                    con.execute(APPEND, [*arrays, token, getattr(self._tokens, "last", None)])
                break
            except psycopg.OperationalError as exc:
                if backend is not None and self._committed(token, backend):
                    break
                if time.monotonic() > deadline:
                    raise StoreError(f"cannot reach the database: {exc}") from exc
                log.warning("saving to %s failed, trying again: %s", self.label, exc)
                time.sleep(0.2)
        self._tokens.last = token  # committed: this thread's next batch removes it

    def _committed(self, token: uuid.UUID, backend: tuple[int, datetime]) -> bool:
        """Whether the batch that wrote ``token`` from ``backend`` (pid, start) committed.

        Its server process must be gone first: until then the transaction may still be
        committing. Then the token says it.
        """
        deadline = time.monotonic() + RETRY_FOR
        while self._retrying(lambda con: con.execute(BACKEND_ALIVE, backend).fetchone()[0]):
            if time.monotonic() > deadline:
                raise StoreError(
                    "the connection to the database broke while saving, and the database "
                    "has not finished that save: it may or may not be stored"
                )
            time.sleep(0.05)
        return self._retrying(
            lambda con: con.execute(
                "SELECT EXISTS (SELECT FROM commit_tokens WHERE token = %s)", [token]
            ).fetchone()[0]
        )

    def _identify(self, con: psycopg.Connection) -> None:
        """Note a new pooled connection's server process (pid, start): see _committed."""
        (started,) = con.execute(
            "SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()"
        ).fetchone()
        self._backends[con] = (con.info.backend_pid, started)

    def _add_months(self, months: set[date]) -> None:
        """Create the month partitions that records are about to need."""
        for first in sorted(months):
            self._retrying(lambda con, first=first: con.execute(
                "SELECT backcare_add_month(%s)", [first]))  # fmt: skip
            self._months.add(first)

    # --- folding ---------------------------------------------------------------------------

    def fold(self) -> int | None:
        """Move the inbox into the rollups; how many records moved, or None if a fold was
        already running elsewhere (it moves them instead)."""

        def run(con: psycopg.Connection) -> int | None:
            with con.transaction():
                locked = con.execute(
                    f"SELECT pg_try_advisory_xact_lock({FOLD_LOCK}, {_SCHEMA_KEY})"
                ).fetchone()[0]
                if not locked:
                    return None
                return con.execute(FOLD).fetchone()[0]

        return self._retrying(run)

    def _fold_loop(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                self.fold()
            except (psycopg.Error, StoreError) as exc:
                # The inbox only grows longer, and reads still count it; try again later.
                log.warning("could not fold the inbox of %s: %s", self.label, exc)

    # --- reading ---------------------------------------------------------------------------

    def count_by(self, columns: Sequence[str], selection: Selection = Selection()) -> list[tuple]:
        sql, params = rollup_sql(columns, selection, tail_table="inbox", mark="%s") or count_sql(
            columns, selection, mark="%s"
        )
        if self.closed:
            raise StoreError(f"the store {self.label} is closed")
        return self._retrying(lambda con: con.execute(sql, params).fetchall())

    def __len__(self) -> int:
        return self.count_by(())[0][-1]

    def _retrying(self, work: Callable[[psycopg.Connection], _T]) -> _T:
        """Run work on a pooled connection, again on a fresh one while the database is away.

        Only for work that may safely run twice: reads, folds and partition creation.
        """
        deadline = time.monotonic() + RETRY_FOR
        while True:
            try:
                with self._pool.connection() as con:
                    return work(con)
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise StoreError(f"cannot reach the store {self.label}: {exc}") from exc
                time.sleep(0.2)

    def close(self) -> None:
        """Commit what is queued, fold once more, and let go of the connections."""
        if self._pool.closed:
            return
        self._writer.close()
        self._stop.set()
        if self._folder is not None:
            self._folder.join()
        try:
            self.fold()
        except (psycopg.Error, StoreError) as exc:
            log.warning("could not fold the inbox of %s at close: %s", self.label, exc)
        self._pool.close()


def _migrate(url: str, label: str) -> None:
    """Create or upgrade the schema to SCHEMA_VERSION, once, whoever else is starting."""
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S) as con:
            con.execute(f"SELECT pg_advisory_xact_lock({MIGRATE_LOCK}, {_SCHEMA_KEY})")
            con.execute("CREATE TABLE IF NOT EXISTS backcare_schema (version integer NOT NULL)")
            row = con.execute("SELECT max(version) FROM backcare_schema").fetchone()
            version = row[0] or 0
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the store {label} has schema version {version}, written by a newer "
                    f"BackCare; this one knows up to version {SCHEMA_VERSION}: upgrade it"
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                con.execute(MIGRATIONS[number - 1])
            if version < SCHEMA_VERSION:
                con.execute("DELETE FROM backcare_schema")
                con.execute("INSERT INTO backcare_schema VALUES (%s)", [SCHEMA_VERSION])
    except psycopg.Error as exc:
        raise StoreError(f"cannot open the store {label}: {exc}") from None
