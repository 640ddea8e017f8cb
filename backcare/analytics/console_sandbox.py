"""The SQL console's sandbox: the process that checks and runs one analyst query.

`backcare.analytics.console` starts this module as a process of its own for
every query (``python -m backcare.analytics.console_sandbox``), so nothing a
query does can reach the server: a memory blow-up, a crash or a runaway loop
ends this process, and the server only reads its answer or kills it. The
process holds nothing worth reading either. It starts with an environment
that names only an empty folder made for this query (home, temp, secret
directories and the working directory all point there), loads the published views it is handed and
nothing else, switches off file and network access, locks the configuration,
and only then limits its own address space and CPU time and reads the query.

The query is judged by DuckDB's own parser: exactly one SELECT, names that
resolve (scope by scope, so a CTE named like a system view hides nothing
outside its own WITH) to the views or to CTEs, no table functions, no functions
that look outside the views. It runs wrapped in a LIMIT, so only the first rows
are ever built.

Frames on standard input and output carry the exchange: a JSON header and one
Arrow IPC stream per view in; "ready", a JSON answer and, for a result, one
Arrow IPC stream out. May import: the standard library, DuckDB, pyarrow and
backcare.json_input (this process never imports pandas).
"""

from __future__ import annotations

import json
import os
import re
import resource
import struct
import sys
from collections.abc import Iterator
from typing import BinaryIO

import duckdb
import pyarrow as pa

from backcare.json_input import JSONInputError, parse

ROW_LIMIT = 1000
TIME_LIMIT_S = 3.0
#: DuckDB's own limit for what it manages (tables, sorts, hash tables).
MEMORY_LIMIT = "256MB"
#: Address space a query may take beyond what the sandbox needed to start, enforced by
#: the operating system (RLIMIT_AS): scalar functions that build huge lists or strings
#: (range, repeat, list_sort) allocate outside DuckDB's memory limit.
MEMORY_BUDGET_BYTES = 512 * 2**20
MAX_QUERY_CHARS = 10_000
#: Nesting DuckDB's parser accepts (a chain of + counts one level a term).
MAX_EXPRESSION_DEPTH = 100
#: Nesting of the parsed query's JSON accepted before it is walked.
MAX_TREE_DEPTH = 1000
#: The largest result sent back, in bytes of Arrow data.
MAX_RESULT_BYTES = 32 * 2**20
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
DENIED_PREFIXES = (
    "read_",
    "duckdb_",
    "pragma_",
    "parquet_",
    "sniff_",
    "glob",
    "which_secret",
    "pg_",
)
_FRAME = struct.Struct(">Q")
#: What a view may be called: it is written into CREATE TABLE, so nothing else.
VIEW_NAME = re.compile(r"[a-z][a-z0-9_]*")


class Refused(ValueError):
    """The query was not run, or was stopped; the message tells the analyst why."""


# --- frames -----------------------------------------------------------------------------------


def write_frame(stream: BinaryIO, data: bytes) -> None:
    stream.write(_FRAME.pack(len(data)))
    stream.write(data)


def read_frame(stream: BinaryIO, limit: int) -> bytes:
    head = stream.read(_FRAME.size)
    if len(head) != _FRAME.size:
        raise EOFError("the other side closed the pipe")
    (size,) = _FRAME.unpack(head)
    if size > limit:
        raise ValueError(f"a frame of {size} bytes is larger than {limit}")
    data = stream.read(size)
    if len(data) != size:
        raise EOFError("the other side closed the pipe")
    return data


def arrow_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def arrow_table(data: bytes) -> pa.Table:
    table = pa.ipc.open_stream(pa.py_buffer(data)).read_all()
    table.validate(full=True)
    return table


# --- the checks -------------------------------------------------------------------------------


def check(con: duckdb.DuckDBPyConnection, sql: str, views: tuple[str, ...]) -> str:
    """The query without its trailing semicolons, or Refused unless it is exactly one
    SELECT over ``views``."""
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise Refused("Type a SELECT query over the views listed above.")
    if len(text) > MAX_QUERY_CHARS:
        raise Refused(f"The query is longer than {MAX_QUERY_CHARS:,} characters.")
    try:
        statements = con.extract_statements(text)
    except duckdb.Error as exc:
        if "expression depth" in str(exc):
            raise Refused(_TOO_DEEP) from None
        raise Refused(f"That is not valid SQL: {_first_line(exc)}") from None
    if len(statements) != 1:
        raise Refused("One query at a time, please: only a single SELECT can run.")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise Refused(f"Only a read-only SELECT can run here: {kind.name} statements are refused.")
    serialized = con.execute("SELECT json_serialize_sql(?)", [text]).fetchone()[0]
    try:
        tree = parse(serialized, max_depth=MAX_TREE_DEPTH, what="query")
    except JSONInputError:
        raise Refused(_TOO_DEEP) from None
    if not isinstance(tree, dict):
        raise Refused("Only a plain SELECT can run here.")
    if tree.get("error"):
        message = str(tree.get("error_message", ""))
        if "expression depth" in message:
            raise Refused(_TOO_DEEP)
        raise Refused(f"Only a plain SELECT can run here ({_first_line(message)}).")
    check_tree(tree, views)
    return text


_TOO_DEEP = (
    "The query is nested too deeply to run here: a long chain of + or || and CASE "
    "expressions or function calls inside one another each count. Add up rows with "
    "sum(), or split the query into steps with WITH."
)


def check_tree(tree: dict, views: tuple[str, ...]) -> None:
    """Refuse anything in the parsed query that reaches past the views.

    Names resolve scope by scope, as DuckDB resolves them: a CTE is visible in the
    query it belongs to (and in the CTEs after it, and in itself when it is recursive),
    never outside, so a CTE named like a system view cannot let an outer reference
    through to DuckDB's catalog.
    """
    listing = ", ".join(views)
    for node, ctes in _scoped(tree):
        if "sample" in node and not str(node.get("type", "")).endswith("_NODE"):  # FROM item
            _check_from(node, ctes, views, listing)
        if node.get("class") == "PARAMETER":
            raise Refused("Parameters ($1, ?) cannot be used here: write the values out.")
        if node.get("class") == "FUNCTION":
            name = str(node.get("function_name", "")).lower()
            if (
                name in DENIED_FUNCTIONS
                or name.startswith(DENIED_PREFIXES)
                or node.get("schema")
                or node.get("catalog")
            ):
                raise Refused(f"The function {name}() is not available here.")


def _check_from(node: dict, ctes: frozenset[str], views: tuple[str, ...], listing: str) -> None:
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
    if kind != "BASE_TABLE":
        return
    name = str(node.get("table_name", "")).lower()
    if name in RECORD_TABLES:
        raise Refused(
            "The table of individual records is never available here: only the k-safe "
            f"views are. Query one of: {listing}."
        )
    if node.get("schema_name") or node.get("catalog_name"):
        raise Refused(f"Use the views by their plain names: {listing}.")
    if name not in ctes and name not in views:
        raise Refused(f"There is no view called {name!r}. The views are: {listing}.")


def _scoped(tree: object) -> Iterator[tuple[dict, frozenset[str]]]:
    """Every object in the parsed query with the CTE names visible there, depth first."""
    stack: list[tuple[object, frozenset[str]]] = [(tree, frozenset())]
    while stack:
        item, visible = stack.pop()
        if isinstance(item, list):
            stack.extend((child, visible) for child in item)
            continue
        if not isinstance(item, dict):
            continue
        yield item, visible
        cte_map = item.get("cte_map")
        entries = cte_map.get("map", []) if isinstance(cte_map, dict) else []
        if not entries:
            stack.extend((child, visible) for child in item.values())
            continue
        names = [str(entry.get("key", "")).lower() for entry in entries]
        for position, entry in enumerate(entries):
            definition = entry.get("value", {})
            query = definition.get("query_node", {}) if isinstance(definition, dict) else {}
            recursive = (
                isinstance(query, dict)
                and query.get("type") == "RECURSIVE_CTE_NODE"
                and str(query.get("cte_name", "")).lower() == names[position]
            )
            sees = visible | set(names[:position]) | ({names[position]} if recursive else set())
            stack.append((definition, frozenset(sees)))
        inside = visible | set(names)
        stack.extend((child, inside) for key, child in item.items() if key != "cte_map")


def _first_line(exc: object) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --- the process ------------------------------------------------------------------------------


def sandbox_connection(folder: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose every directory is the empty ``folder``."""
    return duckdb.connect(
        ":memory:",
        config={
            "threads": 1,
            "memory_limit": MEMORY_LIMIT,
            "max_temp_directory_size": "0KB",  # nothing spills to disk
            "temp_directory": folder,
            "home_directory": folder,
            "secret_directory": folder,
            "allow_persistent_secrets": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
            "max_expression_depth": MAX_EXPRESSION_DEPTH,
        },
    )


_LOCK = (
    "SET enable_external_access = false",
    "SET python_enable_replacements = false",
    "SET lock_configuration = true",
)


def _limit_self(time_limit: float) -> None:
    """From here on the operating system stops this process, whatever DuckDB does."""
    with open("/proc/self/status", encoding="ascii") as status:
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
    resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY_BUDGET_BYTES,) * 2)
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime + time_limit) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def serve(source: BinaryIO, sink: BinaryIO, folder: str) -> None:
    """Read one request, answer it."""
    header = json.loads(read_frame(source, 2**20))
    views = tuple(header["views"])
    if not all(VIEW_NAME.fullmatch(name) and name not in RECORD_TABLES for name in views):
        raise ValueError("a view name the console would not accept")
    con = sandbox_connection(folder)
    for name in views:
        con.register("incoming", arrow_table(read_frame(source, 2**31)))
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
        con.unregister("incoming")
    for statement in _LOCK:
        con.execute(statement)
    sys.setrecursionlimit(10 * MAX_TREE_DEPTH)  # json.loads of a tree this deep
    _limit_self(header["time_limit"])
    write_frame(sink, b"ready")
    sink.flush()
    answer: dict[str, object]
    result = b""
    try:
        sql = check(con, header["sql"], views) if header.get("check", True) else header["sql"]
        limit = int(header["row_limit"])
        # A relation hands DuckDB's columns to Arrow as they are (a DB-API result copies
        # them); a cursor of its own, since check() leaves its EXPLAIN open on ``con``.
        query = con.cursor().sql(f"SELECT * FROM (\n{sql}\n) AS query_result LIMIT {limit + 1}")
        table = query.to_arrow_table()
        result = arrow_bytes(table)
        if len(result) > MAX_RESULT_BYTES:
            raise Refused(
                f"The result is larger than {MAX_RESULT_BYTES // 2**20} MB; "
                "select fewer or shorter columns."
            )
        answer = {"ok": True}
    except Refused as exc:
        answer, result = {"refused": str(exc)}, b""
    except (duckdb.OutOfMemoryException, MemoryError):
        answer, result = {"memory": True}, b""
    except duckdb.Error as exc:
        message = _first_line(exc)
        answer = {"memory": True} if "out of memory" in message.lower() else {"failed": message}
        result = b""
    write_frame(sink, json.dumps(answer).encode())
    if result:
        write_frame(sink, result)
    sink.flush()


def main() -> None:
    # The server made this empty folder for this query alone, and removes it afterwards.
    folder = os.environ["HOME"]
    os.chdir(folder)
    serve(sys.stdin.buffer, sys.stdout.buffer, folder)


if __name__ == "__main__":
    main()
