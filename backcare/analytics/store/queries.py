"""The SQL every backend counts with: the rollups they keep and the counts they answer.

Both backends hold ``records`` (the source of truth) and the same rollup tables
(:data:`ROLLUPS`): counts per distinct key, so an Insights query sums a few
thousand rows instead of grouping millions. What is not yet folded into the
rollups (a tail of records in DuckDB, the inbox in PostgreSQL) is grouped on
the fly and added in the same statement, so a count always reads rollup and
tail from one snapshot. Column names come from fixed lists only; every value
a person chooses is a parameter (``mark`` is the backend's placeholder).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backcare.analytics.store.base import (
    COLUMNS,
    FILTERED,
    LIST_COLUMNS,
    NO_CAUSE,
    TOP_CAUSE,
    Selection,
    list_column,
)


@dataclass(frozen=True)
class Rollup:
    """A table of record counts, one row per distinct key, that the store keeps in step.

    With an ``element`` (a list column's name in :data:`LIST_COLUMNS`) a record counts once
    under each of its elements, as in :meth:`Store.count_by`.
    """

    table: str
    keys: tuple[str, ...]
    element: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.keys, self.element) if self.element else self.keys

    def covers(self, columns: Sequence[str], element: str | None, selection: Selection) -> bool:
        """Whether this rollup can answer a count by ``columns`` of the selected records."""
        return element == self.element and set(columns) | filtered(selection) <= set(self.columns)

    def create_sql(self, text: str = "VARCHAR") -> str:
        """The table, its key columns of type ``text`` (the backend's string type)."""
        types = ", ".join(f"{name} {text} NOT NULL" for name in self.columns)
        key = ", ".join(self.columns)
        return f"CREATE TABLE {self.table} ({types}, n BIGINT NOT NULL, PRIMARY KEY ({key}))"

    def grouped_sql(self, table: str, rows: str = "TRUE") -> str:
        """This rollup's rows (key, count) for the rows of ``table`` (or a CTE) ``rows`` picks."""
        names = ", ".join(self.columns)
        source = records(self.element, rows, table)
        return f"SELECT {names}, count(*) AS n FROM {source} GROUP BY {names}"


def filtered(selection: Selection) -> set[str]:
    """The columns a selection narrows (both ends of a week range narrow ``week``)."""
    names = {name for name in FILTERED[1:] if getattr(selection, name) is not None}
    if selection.first_week is not None or selection.last_week is not None:
        names.add("week")
    return names


#: First, small rollups of exactly the counts insights.publish() asks for (a few thousand
#: rows each, however many records: their reads cost the same at any size); then the scalar
#: columns' counts, the first-ranked cause's and each list column's counts by the columns a
#: Selection filters on, which answer any count under any Selection (others, such as causes
#: by pain band, are counted from records). The first rollup that covers a count answers it.
ROLLUPS = (
    Rollup("week_site_triage", ("week", "site_id", "triage")),
    Rollup("week_age_pain", ("week", "age_band", "pain_band")),
    Rollup("week_activity_top_cause", ("week", "activity", TOP_CAUSE)),
    Rollup("week_warning_signs", ("week",), "warning_sign"),
    Rollup("counts", COLUMNS),
    Rollup("top_cause_counts", (*FILTERED, TOP_CAUSE)),
    Rollup("cause_counts", FILTERED, "cause"),
    Rollup("warning_sign_counts", FILTERED, "warning_sign"),
)
#: The first-ranked cause as a column (lists count from 1 in DuckDB and PostgreSQL alike; an
#: empty list gives NULL).
_TOP_CAUSE = f"coalesce(top_causes[1], '{NO_CAUSE}') AS {TOP_CAUSE}"


def records(element: str | None, rows: str = "TRUE", table: str = "records") -> str:
    """The rows of ``table`` that ``rows`` picks, one row per element of a list column if named."""
    if element is None:
        return f"(SELECT *, {_TOP_CAUSE} FROM {table} WHERE {rows}) AS picked"
    unnest = f"unnest({LIST_COLUMNS[element]}) AS {element}"
    return f"(SELECT *, {_TOP_CAUSE}, {unnest} FROM {table} WHERE {rows}) AS picked"


def where(selection: Selection, mark: str = "?") -> tuple[str, list[str]]:
    """The WHERE clause for a selection, with its values as parameters."""
    clauses, params = ["TRUE"], []
    if selection.first_week is not None:
        clauses.append(f"week >= {mark}")
        params.append(selection.first_week)
    if selection.last_week is not None:
        clauses.append(f"week <= {mark}")
        params.append(selection.last_week)
    for name in FILTERED[1:]:
        value = getattr(selection, name)
        if value is not None:
            clauses.append(f"{name} = {mark}")
            params.append(value)
    return " AND ".join(clauses), params


def count_sql(
    columns: Sequence[str], selection: Selection, mark: str = "?"
) -> tuple[str, list[str]]:
    """GROUP BY SQL over the raw records.

    The reference that :func:`rollup_sql` must agree with, and the fallback for counts
    no rollup covers.
    """
    source = records(list_column(columns))
    condition, params = where(selection, mark)
    names = ", ".join(columns)
    select = f"{names}, count(*) AS n" if columns else "count(*) AS n"
    group = f" GROUP BY {names} ORDER BY {names}" if columns else ""
    return f"SELECT {select} FROM {source} WHERE {condition}{group}", params


def rollup_sql(
    columns: Sequence[str],
    selection: Selection,
    *,
    tail_table: str,
    tail_rows: str = "TRUE",
    mark: str = "?",
) -> tuple[str, list[str]] | None:
    """The same counts as :func:`count_sql` from a rollup and the unfolded tail, if one covers.

    The tail is the rows of ``tail_table`` that ``tail_rows`` picks. Both parts are read in
    one statement, so from one snapshot of rollups and tail.
    """
    element = list_column(columns)
    rollup = next((r for r in ROLLUPS if r.covers(columns, element, selection)), None)
    if rollup is None:
        return None
    condition, params = where(selection, mark)
    tail = records(element, tail_rows, tail_table)
    names = ", ".join(columns)
    keyed = f"{names}, " if columns else ""
    group = f" GROUP BY {names}" if columns else ""
    parts = (
        f"SELECT {keyed}n FROM {rollup.table} WHERE {condition} UNION ALL "
        f"SELECT {keyed}count(*) AS n FROM {tail} WHERE {condition}{group}"
    )
    if not columns:
        return f"SELECT coalesce(sum(n), 0)::BIGINT AS n FROM ({parts}) AS counted", params * 2
    sql = f"SELECT {names}, sum(n)::BIGINT AS n FROM ({parts}) AS counted{group} ORDER BY {names}"
    return sql, params * 2
