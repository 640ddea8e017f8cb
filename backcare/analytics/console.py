"""The analysts' SQL console: one read-only SELECT over the k-safe views, and nothing else.

Queries never reach the store. Each console is a fresh in-memory DuckDB that
holds copies of the already-suppressed views and nothing more, so even a query
that slipped past every check could only recombine numbers the page already
shows. On top of that, as Datasette does for its own console: file and
network access are switched off and the configuration is locked before any
query runs, each query has a time limit (a timer interrupts it) and a row
limit, and anything but a single SELECT over those views is refused with a
message — judged by DuckDB's own parser, not by pattern matching.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd

ROW_LIMIT = 1000
TIME_LIMIT_S = 3.0
MEMORY_LIMIT = "256MB"
MAX_QUERY_CHARS = 10_000
#: Tables that hold individual records: never inside a console, and named in the refusal.
RECORD_TABLES = frozenset({"records"})
#: Kinds of FROM items a query may use; table functions (read_csv, range, glob …) are not.
TABLE_REFS = frozenset({"BASE_TABLE", "JOIN", "SUBQUERY", "EMPTY", "EXPRESSION_LIST"})
#: Scalar functions that look outside the views (settings, variables) or only waste time.
DENIED_FUNCTIONS = frozenset(
    {
        "getenv",
        "current_setting",
        "getvariable",
        "sleep_ms",
        "pg_sleep",
        "write_log",
        "current_query",
        "json_execute_serialized_sql",
    }
)
DENIED_PREFIXES = ("read_", "duckdb_", "pragma_", "parquet_", "sniff_", "glob", "which_secret")
_SETUP = (
    "SET enable_external_access = false",
    "SET python_enable_replacements = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET allow_community_extensions = false",
    "SET lock_configuration = true",
)
_NAME = re.compile(r"[a-z][a-z0-9_]*")


class Refused(ValueError):
    """The query was not run, or was stopped; the message tells the analyst why."""


@dataclass(frozen=True)
class Result:
    frame: pd.DataFrame
    #: True when the query had more rows than the limit and only the first ones are kept.
    truncated: bool


class Console:
    """A sandbox holding copies of the given views (name -> table), ready for SELECTs."""

    def __init__(
        self,
        views: Mapping[str, pd.DataFrame],
        *,
        row_limit: int = ROW_LIMIT,
        time_limit: float = TIME_LIMIT_S,
    ) -> None:
        self.row_limit, self.time_limit = row_limit, time_limit
        self.views = tuple(views)
        self._con = duckdb.connect(":memory:", config={"threads": 1, "memory_limit": MEMORY_LIMIT})
        for name, frame in views.items():
            if not _NAME.fullmatch(name) or name in RECORD_TABLES:
                raise ValueError(f"{name!r} cannot be a console view")
            self._con.register("incoming", frame)
            self._con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
            self._con.unregister("incoming")
        for statement in _SETUP:
            self._con.execute(statement)

    def check(self, sql: str) -> None:
        """Raise Refused unless ``sql`` is exactly one SELECT over the views."""
        text = sql.strip().rstrip(";").strip()
        if not text:
            raise Refused("Type a SELECT query over the views listed above.")
        if len(text) > MAX_QUERY_CHARS:
            raise Refused(f"The query is longer than {MAX_QUERY_CHARS:,} characters.")
        cursor = self._con.cursor()
        try:
            try:
                statements = cursor.extract_statements(text)
            except duckdb.Error as exc:
                raise Refused(f"That is not valid SQL: {_first_line(exc)}") from None
            if len(statements) != 1:
                raise Refused("One query at a time, please: only a single SELECT can run.")
            kind = statements[0].type
            if kind != duckdb.StatementType.SELECT:
                raise Refused(
                    f"Only a read-only SELECT can run here: {kind.name} statements are refused."
                )
            tree = json.loads(cursor.execute("SELECT json_serialize_sql(?)", [text]).fetchone()[0])
        finally:
            cursor.close()
        if tree.get("error"):
            raise Refused(f"Only a plain SELECT can run here ({tree.get('error_message')}).")
        self._check_tree(tree)

    def _check_tree(self, tree: dict) -> None:
        ctes = {
            entry["key"].lower()
            for node in _nodes(tree)
            if isinstance(node.get("cte_map"), dict)
            for entry in node["cte_map"].get("map", [])
        }
        allowed = set(self.views) | ctes
        listing = ", ".join(self.views)
        for node in _nodes(tree):
            if "sample" in node and not str(node.get("type", "")).endswith("_NODE"):  # FROM item
                kind = node["type"]
                if kind == "TABLE_FUNCTION":
                    raise Refused(
                        "Table functions (read_csv, glob, range, duckdb_settings …) are not "
                        f"available here. Query the views: {listing}."
                    )
                if kind == "SHOW_REF":
                    raise Refused(
                        "DESCRIBE, SHOW and SUMMARIZE are not available here; the views and "
                        f"their columns are listed above the console: {listing}."
                    )
                if kind not in TABLE_REFS:
                    raise Refused(f"A {kind.replace('_', ' ').lower()} is not available here.")
                if node.get("at_clause"):
                    raise Refused("Time travel (AT …) is not available here.")
                if kind == "BASE_TABLE":
                    self._check_table(node, allowed, listing)
            if node.get("class") == "FUNCTION":
                name = str(node.get("function_name", "")).lower()
                if (
                    name in DENIED_FUNCTIONS
                    or name.startswith(DENIED_PREFIXES)
                    or node.get("schema")
                    or node.get("catalog")
                ):
                    raise Refused(f"The function {name}() is not available here.")

    def _check_table(self, node: dict, allowed: set[str], listing: str) -> None:
        name = str(node.get("table_name", "")).lower()
        if name in RECORD_TABLES:
            raise Refused(
                "The table of individual records is never available here: only the k-safe "
                f"views are. Query one of: {listing}."
            )
        if node.get("schema_name") or node.get("catalog_name"):
            raise Refused(f"Use the views by their plain names: {listing}.")
        if name not in allowed:
            raise Refused(f"There is no view called {name!r}. The views are: {listing}.")

    def run(self, sql: str) -> Result:
        """Check and run one query; at most ``row_limit`` rows come back."""
        self.check(sql)
        cursor = self._con.cursor()
        timer = threading.Timer(self.time_limit, cursor.interrupt)
        timer.start()
        try:
            cursor.execute(sql.strip().rstrip(";"))
            rows = cursor.fetchmany(self.row_limit + 1)
            columns = [d[0] for d in cursor.description or ()]
        except duckdb.InterruptException:
            raise Refused(
                f"The query ran for more than {self.time_limit:g} s and was stopped. "
                "Aggregate first, or add a WHERE clause."
            ) from None
        except duckdb.OutOfMemoryException:
            raise Refused("The query needed too much memory and was stopped.") from None
        except duckdb.Error as exc:
            raise Refused(f"The query failed: {_first_line(exc)}") from None
        finally:
            timer.cancel()
            cursor.close()
        truncated = len(rows) > self.row_limit
        frame = pd.DataFrame(rows[: self.row_limit], columns=_unique(columns))
        return Result(frame, truncated)

    def table(self, name: str) -> pd.DataFrame:
        """A view's whole contents as the console holds them (for tests and downloads)."""
        if name not in self.views:
            raise KeyError(name)
        cursor = self._con.cursor()
        try:
            return cursor.execute(f"SELECT * FROM {name}").df()
        finally:
            cursor.close()

    def setting(self, name: str) -> str:
        cursor = self._con.cursor()
        try:
            return str(cursor.execute("SELECT current_setting(?)", [name]).fetchone()[0])
        finally:
            cursor.close()

    def close(self) -> None:
        self._con.close()


def _nodes(tree: object) -> Iterator[dict]:
    """Every object in the parsed query, depth first."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _unique(columns: list[str]) -> list[str]:
    """Column names a DataFrame can hold: repeats get a number."""
    seen: dict[str, int] = {}
    out = []
    for name in columns:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out
