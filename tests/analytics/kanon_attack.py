"""An onlooker who tries to work out small counts from what the Insights views publish.

It knows only what a view shows and how the views add up, and it does not reuse
the suppression code: every number it reads is exact, "<k" means 1..k−1 (0..k−1
in a row or column whose own total reads "<k", where zeros read "<k" too) and
"hidden" means at least k (a hidden count is not small, or it would say "<k").
It then tries, in order of effort:

1. reading a small count directly;
2. a total minus the shown counts of its row or column, when one count is missing;
3. everything at once: bounds propagation over every row, column and total, the
   warning-sign links to the triage totals, the rule that children always see a
   doctor, and a search over whole numbers that proves whether a "<k" count could
   take any other value.

Each derivation it finds of a count from 1 to k−1 is returned as a message.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

BIG = 10**7
Var = tuple
Terms = list[tuple[int, Var]]


class SearchTooLarge(RuntimeError):
    """The search would not finish in reasonable time: make the example smaller."""


def _bounds_from(shown: str, k: int) -> tuple[int, int]:
    if shown == f"<{k}":
        return 1, k - 1
    if shown == "hidden":
        return k, BIG
    return int(shown), int(shown)


#: Two-way tables and their totals: (cells, row totals, column totals).
TABLES = (
    ("weekly_triage", "weekly_totals", "triage_totals"),
    ("pain_by_age", "age_totals", "pain_totals"),
)


def _vars(views: Mapping[str, pd.DataFrame], k: int) -> dict[Var, tuple[int, int]]:
    out = {}
    for name, frame in views.items():
        keys = [c for c in frame.columns if c not in ("n", "shown")]
        for record in frame.to_dict("records"):
            out[(name, *(record[c] for c in keys))] = _bounds_from(record["shown"], k)
    # The published rule: in a row or column whose total reads "<k", zeros read "<k" too.
    small = (1, k - 1)
    for cells, rows, cols in TABLES:
        if cells not in views:
            continue
        first, second = (c for c in views[cells].columns if c not in ("n", "shown"))
        for a, b in zip(views[cells][first], views[cells][second], strict=True):
            key = (cells, a, b)
            if out[key] == small and small in (out[(rows, a)], out[(cols, b)]):
                out[key] = (0, k - 1)
    return out


def _table_equations(
    views: Mapping[str, pd.DataFrame], cells: str, rows: str, cols: str
) -> list[Terms]:
    frame = views[cells]
    first, second = (c for c in frame.columns if c not in ("n", "shown"))
    equations: list[Terms] = []
    for value in frame[first].unique():
        members = frame[frame[first] == value][second]
        equations.append([(1, (cells, value, m)) for m in members] + [(-1, (rows, value))])
    for value in frame[second].unique():
        members = frame[frame[second] == value][first]
        equations.append([(1, (cells, m, value)) for m in members] + [(-1, (cols, value))])
    for margin, column in ((rows, first), (cols, second)):
        equations.append([(1, (margin, v)) for v in views[margin][column]] + [(-1, ("overall",))])
    return equations


def constraints(
    views: Mapping[str, pd.DataFrame],
    sign_levels: Mapping[str, str],
    complete_levels: tuple[str, ...],
    level_order: tuple[str, ...],
    age_floors: Mapping[str, str] | None = None,
) -> tuple[list[Terms], list[Terms]]:
    """Equalities (sum = 0) and inequalities (sum <= 0) linking the published counts."""
    equalities: list[Terms] = []
    for cells, rows, cols in TABLES:
        if cells in views:
            equalities += _table_equations(views, cells, rows, cols)
    inequalities: list[Terms] = []
    if "age_totals" in views and "triage_totals" in views:
        for band, level in (age_floors or {}).items():
            # Everyone in this age band is at this level or a more urgent one.
            more_urgent = level_order[: level_order.index(level) + 1]
            inequalities.append(
                [(1, ("age_totals", band))] + [(-1, ("triage_totals", t)) for t in more_urgent]
            )
    if "warning_signs" not in views:
        return equalities, inequalities
    for level in complete_levels:
        # Everyone at this level reported at least one of its warning signs.
        inequalities.append(
            [(1, ("triage_totals", level))]
            + [(-1, ("warning_signs", s)) for s, lvl in sign_levels.items() if lvl == level]
        )
    for sign, level in sign_levels.items():
        # Whoever reported a sign is at its level or a more urgent one.
        more_urgent = level_order[: level_order.index(level) + 1]
        inequalities.append(
            [(1, ("warning_signs", sign))] + [(-1, ("triage_totals", t)) for t in more_urgent]
        )
    return equalities, inequalities


class _System:
    """The constraints over the counts still open, with the fixed ones folded in."""

    def __init__(
        self,
        bounds: dict[Var, tuple[int, int]],
        equalities: list[Terms],
        inequalities: list[Terms],
    ) -> None:
        self.rows: list[tuple[list[tuple[int, Var]], int, bool]] = []
        for terms, equality in [(t, True) for t in equalities] + [(t, False) for t in inequalities]:
            open_terms = [(c, v) for c, v in terms if bounds[v][0] != bounds[v][1]]
            constant = sum(c * bounds[v][0] for c, v in terms if bounds[v][0] == bounds[v][1])
            self.rows.append((open_terms, constant, equality))

    def propagate(self, bounds: dict[Var, tuple[int, int]]) -> dict[Var, tuple[int, int]] | None:
        """Tighten every bound until nothing changes; None when no solution is left."""
        bounds = dict(bounds)
        changed = True
        while changed:
            changed = False
            for terms, constant, equality in self.rows:
                if not terms:
                    if constant > 0 or (equality and constant != 0):
                        return None
                    continue
                low = constant + sum(_low(c, bounds[v]) for c, v in terms)
                high = constant + sum(_high(c, bounds[v]) for c, v in terms)
                for c, v in terms:
                    lo, hi = bounds[v]
                    rest_low, rest_high = low - _low(c, (lo, hi)), high - _high(c, (lo, hi))
                    # c*v <= -rest_low always; c*v >= -rest_high only for an equality.
                    top, bottom = -rest_low, (-rest_high if equality else -BIG * 1000)
                    new_lo, new_hi = (bottom, top) if c > 0 else (-top, -bottom)
                    new = (max(lo, new_lo), min(hi, new_hi))
                    if new[0] > new[1]:
                        return None
                    if new != (lo, hi):
                        bounds[v] = new
                        changed = True
                        low, high = rest_low + _low(c, new), rest_high + _high(c, new)
        return bounds


def _low(c: int, bound: tuple[int, int]) -> int:
    return c * bound[0] if c > 0 else c * bound[1]


def _high(c: int, bound: tuple[int, int]) -> int:
    return c * bound[1] if c > 0 else c * bound[0]


class _Search:
    """Depth-first search over whole numbers: the least open count's lowest value first."""

    def __init__(self, system: _System, budget: int) -> None:
        self.system, self.budget, self.left = system, budget, budget

    def run(self, bounds: dict[Var, tuple[int, int]]) -> dict[Var, int] | None:
        self.left = self.budget
        return self._solve(bounds)

    def _solve(self, bounds: dict[Var, tuple[int, int]]) -> dict[Var, int] | None:
        self.left -= 1
        if self.left < 0:
            raise SearchTooLarge("the onlooker's search ran out of budget")
        narrowed = self.system.propagate(bounds)
        if narrowed is None:
            return None
        open_vars = [(hi - lo, v) for v, (lo, hi) in narrowed.items() if lo < hi]
        if not open_vars:
            return {v: lo for v, (lo, _) in narrowed.items()}
        _, var = min(open_vars, key=lambda item: item[0])
        lo, hi = narrowed[var]
        middle = (lo + 1 + hi) // 2
        # Small values first: they are usually feasible and end the search quickly.
        for part in ((lo, lo), (lo + 1, middle), (middle + 1, hi)):
            if part[0] > part[1]:
                continue
            found = self._solve({**narrowed, var: part})
            if found is not None:
                return found
        return None


def derivations(
    views: Mapping[str, pd.DataFrame],
    k: int,
    sign_levels: Mapping[str, str],
    complete_levels: tuple[str, ...],
    level_order: tuple[str, ...],
    age_floors: Mapping[str, str] | None = None,
    budget: int = 20_000,
) -> list[str]:
    """Every small count the onlooker can read or work out, as messages (empty: safe)."""
    if not views:
        return []
    found = []
    bounds = _vars(views, k)
    for var, (lo, hi) in bounds.items():
        if lo == hi and 0 < lo < k:
            found.append(f"{var} shows {lo}")
    equalities, inequalities = constraints(
        views, sign_levels, complete_levels, level_order, age_floors
    )
    for terms in equalities:
        unknown = [(c, v) for c, v in terms if bounds[v][0] != bounds[v][1]]
        if len(unknown) == 1:
            c, v = unknown[0]
            value = -c * sum(c2 * bounds[v2][0] for c2, v2 in terms if v2 != v)
            if 0 < value < k:
                found.append(f"{v} = {value} from its total minus the shown counts")
    system = _System(bounds, equalities, inequalities)
    open_bounds = {v: b for v, b in bounds.items() if b[0] != b[1]}
    search = _Search(system, budget)
    solution = search.run(open_bounds)
    if solution is None:
        return [*found, "the published views contradict each other"]
    # Every solution found is a witness: a count seen with two values cannot be pinned.
    seen: dict[Var, set[int]] = {v: {x} for v, x in solution.items()}
    for var, (lo, hi) in open_bounds.items():
        if hi != k - 1 or lo > 1 or len(seen[var]) > 1:
            continue  # not a "<k" count, or already seen with two values
        value = solution[var]
        for part in ((lo, value - 1), (value + 1, hi)):
            if part[0] > part[1]:
                continue
            other = search.run({**open_bounds, var: part})
            if other is not None:
                for v, x in other.items():
                    seen[v].add(x)
                break
        if len(seen[var]) == 1 and value > 0:  # a "<k" that is surely 0 reveals no one
            found.append(f"{var} = {value} follows from the totals and the other counts")
    return found
