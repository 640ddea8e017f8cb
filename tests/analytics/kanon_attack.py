"""An onlooker who tries to work out small counts from everything Insights publishes.

It sees what an analyst sees — the views, as the console and the export hold them,
and any further number a page shows as a sum of cells ("extra" sums) — and knows
the public rules: how each month's tables add up, that everyone at the emergency or
urgent level reported one of that level's signs and whoever reported a sign is at
its level or a more urgent one, that children always see a doctor, and which
causes only a diagnosed condition gives. It does not reuse the suppression code:
every number it reads is exact, "<k" means 1..k−1 (0..k−1 in a row or column whose
own total reads "<k", where zeros read "<k" too) and "hidden" means at least k.

It then tries, in order of effort:

1. reading a small count directly;
2. a total minus the shown counts of its row or column, when one count is missing;
3. linear algebra: the counts that the equations alone fix (zero in every vector of
   the null space of the equations over the counts still open);
4. integer linear programming over everything at once (equations, inequalities and
   every label's bounds, with scipy's HiGHS): the least and the greatest whole value
   each "<k" count can take. Equal means the count is pinned down.

Each count from 1 to k−1 it pins down is returned as a message.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

Var = tuple
Terms = list[tuple[int, Var]]
#: Each month's two-way tables: (cells, row totals, column totals); the month's total
#: is the row of "monthly_totals".
TABLES = (
    ("site_triage", "site_totals", "triage_totals"),
    ("pain_by_age", "age_totals", "pain_totals"),
    ("cause_by_activity", "activity_totals", "cause_totals"),
)
TOTALS = "monthly_totals"
KEY_SKIP = ("n", "shown")


@dataclass(frozen=True)
class PublicRules:
    """What anyone may know about how the counts relate (from the knowledge base)."""

    level_order: tuple[str, ...]
    sign_levels: Mapping[str, str] = field(default_factory=dict)
    complete_levels: tuple[str, ...] = ()
    age_floors: Mapping[str, str] = field(default_factory=dict)
    cause_floors: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, vocab: object, level_order: Sequence[str]) -> PublicRules:
        return cls(
            tuple(level_order),
            dict(vocab.sign_levels),
            tuple(vocab.complete_levels),
            dict(vocab.age_floors),
            dict(vocab.cause_floors),
        )

    def up_to(self, level: str) -> tuple[str, ...]:
        """The level and every more urgent one."""
        return self.level_order[: self.level_order.index(level) + 1]


@dataclass(frozen=True)
class Extra:
    """A number a page shows that is a sum of cells rather than one cell."""

    cells: tuple[Var, ...]
    shown: str


def _bounds_from(shown: str, k: int) -> tuple[int, float]:
    if shown == f"<{k}":
        return 1, k - 1
    if shown == "hidden":
        return k, np.inf
    return int(shown), int(shown)


def _keys(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in KEY_SKIP]


def variables(views: Mapping[str, pd.DataFrame], k: int) -> dict[Var, tuple[int, float]]:
    """Every published count, keyed (view, month, …), with what its label says."""
    out: dict[Var, tuple[int, float]] = {}
    for name, frame in views.items():
        keys = _keys(frame)
        for record in frame.to_dict("records"):
            out[(name, *(record[c] for c in keys))] = _bounds_from(str(record["shown"]), k)
    # The published rule: in a row or column whose total reads "<k", zeros read "<k" too.
    small = (1, k - 1)
    for cells, rows, cols in TABLES:
        if cells not in views:
            continue
        for var in [v for v in out if v[0] == cells]:
            month, row, col = var[1:]
            if out[var] == small and small in (out[(rows, month, row)], out[(cols, month, col)]):
                out[var] = (0, k - 1)
    return out


def constraints(
    views: Mapping[str, pd.DataFrame], rules: PublicRules
) -> tuple[list[Terms], list[Terms]]:
    """Equalities (sum = 0) and inequalities (sum <= 0) linking the published counts."""
    equalities: list[Terms] = []
    inequalities: list[Terms] = []
    months = list(views[TOTALS]["month"]) if TOTALS in views else []
    for cells, rows, cols in TABLES:
        if cells not in views:
            continue
        frame = views[cells]
        _, first, second = _keys(frame)
        by_row, by_col = defaultdict(list), defaultdict(list)
        for month, a, b in zip(frame["month"], frame[first], frame[second], strict=True):
            by_row[(month, a)].append((1, (cells, month, a, b)))
            by_col[(month, b)].append((1, (cells, month, a, b)))
        for (month, a), terms in by_row.items():
            equalities.append([*terms, (-1, (rows, month, a))])
        for (month, b), terms in by_col.items():
            equalities.append([*terms, (-1, (cols, month, b))])
        for margin in (rows, cols):
            sums = defaultdict(list)
            for month, value in zip(views[margin]["month"], views[margin].iloc[:, 1], strict=True):
                sums[month].append((1, (margin, month, value)))
            for month, terms in sums.items():
                equalities.append([*terms, (-1, (TOTALS, month))])
    if "triage_totals" not in views:
        return equalities, inequalities
    sign_rows = views.get("warning_signs")
    for month in months:
        if not (views["triage_totals"]["month"] == month).any():
            continue  # a month whose tables are withheld: its total stands alone
        triage = {level: ("triage_totals", month, level) for level in rules.level_order}

        def at_least(level: str, var: Var, triage: dict = triage) -> Terms:
            # ``var``'s people are all at ``level`` or a more urgent one.
            return [(1, var)] + [(-1, triage[t]) for t in rules.up_to(level)]

        signs = [] if sign_rows is None else list(sign_rows[sign_rows["month"] == month]["sign"])
        for level in rules.complete_levels if sign_rows is not None else ():
            # Everyone at this level reported at least one of its warning signs.
            members = [s for s in signs if rules.sign_levels.get(s) == level]
            inequalities.append(
                [(1, triage[level])] + [(-1, ("warning_signs", month, s)) for s in members]
            )
        for sign in signs:
            inequalities.append(at_least(rules.sign_levels[sign], ("warning_signs", month, sign)))
        for band, level in rules.age_floors.items():
            inequalities.append(at_least(level, ("age_totals", month, band)))
        for cause, level in rules.cause_floors.items():
            inequalities.append(at_least(level, ("cause_totals", month, cause)))
    return equalities, inequalities


# --- solving -------------------------------------------------------------------------------


class _System:
    """The equations and inequalities over the counts still open, shown ones folded in."""

    def __init__(
        self,
        bounds: dict[Var, tuple[int, float]],
        equalities: list[Terms],
        inequalities: list[Terms],
    ) -> None:
        self.bounds = bounds
        named = {v: None for terms in equalities + inequalities for _, v in terms}
        self.open = [v for v in named if bounds[v][0] != bounds[v][1]]
        self.index = {v: i for i, v in enumerate(self.open)}
        self.rows: list[tuple[dict[int, int], int, bool]] = []
        for terms, equality in [(t, True) for t in equalities] + [(t, False) for t in inequalities]:
            coefficients: dict[int, int] = defaultdict(int)
            constant = 0
            for c, v in terms:
                if v in self.index:
                    coefficients[self.index[v]] += c
                else:
                    constant += c * bounds[v][0]
            self.rows.append(({i: c for i, c in coefficients.items() if c}, constant, equality))

    def contradictions(self) -> list[str]:
        """Rows over shown counts only that do not hold: the views disagree with themselves."""
        return [
            f"a published equation does not add up ({constant})"
            for coefficients, constant, equality in self.rows
            if not coefficients and (constant > 0 or (equality and constant != 0))
        ]

    def matrices(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        eq = [(c, k) for c, k, e in self.rows if e and c]
        le = [(c, k) for c, k, e in self.rows if not e and c]
        return (*self._dense(eq), *self._dense(le))

    def _dense(self, rows: list[tuple[dict[int, int], int]]) -> tuple[np.ndarray, np.ndarray]:
        matrix = np.zeros((len(rows), len(self.open)))
        for r, (coefficients, _) in enumerate(rows):
            for i, c in coefficients.items():
                matrix[r, i] = c
        return matrix, np.array([-constant for _, constant in rows], dtype=float)


def fixed_by_equations(system: _System) -> dict[Var, float]:
    """Open counts whose value the equations alone determine, with that value."""
    a_eq, b_eq, _, _ = system.matrices()
    if not len(system.open) or not len(a_eq):
        return {}
    _, singular, vt = np.linalg.svd(a_eq)
    rank = int((singular > 1e-9).sum())
    null = vt[rank:]
    solution = np.linalg.lstsq(a_eq, b_eq, rcond=None)[0]
    fixed = {}
    for i, var in enumerate(system.open):
        if not len(null) or np.all(np.abs(null[:, i]) < 1e-9):
            fixed[var] = float(solution[i])
    return fixed


class _Solver:
    """Whole-number extremes of each open count under every constraint (HiGHS MILP)."""

    def __init__(self, system: _System) -> None:
        self.system = system
        n = len(system.open)
        a_eq, b_eq, a_le, b_le = system.matrices()
        self.constraints = []
        if len(a_eq):
            self.constraints.append(LinearConstraint(a_eq, b_eq, b_eq))
        if len(a_le):
            self.constraints.append(LinearConstraint(a_le, -np.inf, b_le))
        lows = [system.bounds[v][0] for v in system.open]
        highs = [system.bounds[v][1] for v in system.open]
        self.bounds = Bounds(lows, highs)
        self.integrality = np.ones(n)

    def solve(self, objective: np.ndarray) -> np.ndarray | None:
        result = milp(
            objective,
            constraints=self.constraints,
            bounds=self.bounds,
            integrality=self.integrality,
            options={"presolve": True},
        )
        if result.status != 0 or result.x is None:
            return None
        return np.round(result.x).astype(np.int64)


def derivations(
    views: Mapping[str, pd.DataFrame],
    k: int,
    rules: PublicRules,
    extra: Sequence[Extra] = (),
) -> list[str]:
    """Every small count the onlooker can read or work out, as messages (empty: safe)."""
    if not views:
        return []
    found = []
    bounds = variables(views, k)
    for var, (lo, hi) in bounds.items():
        if lo == hi and 0 < lo < k:
            found.append(f"{var} shows {lo}")
    equalities, inequalities = constraints(views, rules)
    for n, sum_ in enumerate(extra):
        var = ("extra", n)
        bounds[var] = _bounds_from(sum_.shown, k)
        equalities.append([(1, c) for c in sum_.cells] + [(-1, var)])
    for terms in equalities:
        unknown = [(c, v) for c, v in terms if bounds[v][0] != bounds[v][1]]
        if len(unknown) == 1:
            c, v = unknown[0]
            value = -c * sum(c2 * bounds[v2][0] for c2, v2 in terms if v2 != v)
            if 0 < value < k:
                found.append(f"{v} = {value} from its total minus the shown counts")
    # Months share no equation, so each group of linked counts is solved on its own.
    for part_equalities, part_inequalities in _components(equalities, inequalities):
        system = _System(bounds, part_equalities, part_inequalities)
        if problems := system.contradictions():
            found += problems
            continue
        for var, value in fixed_by_equations(system).items():
            if 0.5 < value < k - 0.5:
                found.append(f"{var} = {value:g}: the equations alone fix it")
        found += _pinned_by_search(system, k)
    return found


def _components(
    equalities: list[Terms], inequalities: list[Terms]
) -> list[tuple[list[Terms], list[Terms]]]:
    """The constraints split into groups that share no count (union-find over counts)."""
    parent: dict[Var, Var] = {}

    def root(v: Var) -> Var:
        parent.setdefault(v, v)
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for terms in equalities + inequalities:
        first = root(terms[0][1])
        for _, v in terms[1:]:
            parent[root(v)] = first
    groups: dict[Var, tuple[list[Terms], list[Terms]]] = defaultdict(lambda: ([], []))
    for terms in equalities:
        groups[root(terms[0][1])][0].append(terms)
    for terms in inequalities:
        groups[root(terms[0][1])][1].append(terms)
    return list(groups.values())


def _pinned_by_search(system: _System, k: int) -> list[str]:
    """Small counts whose least and greatest possible whole values are the same."""
    small = [i for i, v in enumerate(system.open) if system.bounds[v][1] == k - 1]
    if not small:
        return []
    solver = _Solver(system)
    n = len(system.open)
    seen: list[set[int]] = [set() for _ in range(n)]

    def record(solution: np.ndarray) -> None:
        for i, value in enumerate(solution):
            seen[i].add(int(value))

    # Two broad solutions first (all small counts low, then high): most are then seen
    # with two values and need no search of their own.
    pull = np.zeros(n)
    pull[small] = 1
    first = solver.solve(pull)
    if first is None:
        return ["the published views contradict each other"]
    record(first)
    if (other := solver.solve(-pull)) is not None:
        record(other)
    while True:  # push every count seen with one value away from it, all at once
        single = [i for i in small if len(seen[i]) == 1]
        if not single:
            break
        direction = np.zeros(n)
        for i in single:
            direction[i] = 1.0 if next(iter(seen[i])) > system.bounds[system.open[i]][0] else -1.0
        before = len(single)
        if (other := solver.solve(direction)) is not None:
            record(other)
        if sum(len(seen[i]) == 1 for i in single) == before:
            break
    found = []
    for i in small:
        if len(seen[i]) > 1 or seen[i] == {0}:
            continue  # not pinned, or surely 0: a "<k" that is 0 reveals no one
        value = next(iter(seen[i]))
        objective = np.zeros(n)
        objective[i] = 1
        # Only the side away from the bound can give a second value.
        for sign in (1, -1) if value > system.bounds[system.open[i]][0] else (-1,):
            solution = solver.solve(sign * objective)
            if solution is not None:
                record(solution)
            if len(seen[i]) > 1:
                break
        if len(seen[i]) == 1:
            found.append(f"{system.open[i]} = {value} follows from everything published")
    return found
