"""Cell suppression: hide small counts, and enough others that none can be worked out.

A count from 1 to k−1 is *small* and shown only as "<k". Hiding it is not
enough when totals are shown: a row total minus the other cells gives it back.
So we also hide larger counts (*complementary* suppression, shown as "hidden")
until no small count can be pinned down exactly.

How we check that: a two-way table with its row totals, column totals and
grand total is a circulation in a small graph — each row and column is a
node, each count an edge, and at every node what flows in equals what flows
out. An onlooker knows every shown count exactly, that a "<k" count lies in
1..k−1 and that a "hidden" one is at least k. A count is pinned down exactly
when it can neither grow nor shrink by one, and it can grow (shrink) exactly
when the residual graph has a cycle through it in that direction — a
breadth-first search. Network matrices are totally unimodular, so this is
exact for whole numbers too.

One more rule keeps a line of small counts from pinning itself: in a row or
column whose own total is small, every cell reads "<k", zeros included (so
"<k" there means 0 to k−1). Otherwise four ones under a total of "<5" would
be four known ones.

Links between tables become part of the same graph. Tables that share a
grand total have their totals chained in a ring (flow conservation keeps the
copies equal). Warning-sign counts are tied to the triage totals: everyone at
the emergency level reported at least one emergency sign (so the level's
total is at most the sum of its signs' counts — a small gadget with a slack
edge), and whoever reported a sign is at its level or a more urgent one (so
each running sum of the totals, most urgent first, is at least that sign's
count — a chain of edges with lower bounds).

A floor ties counts of two tables together (the running sum down to "see a
doctor" is at least the number of children in the age table), which one
circulation cannot say exactly. We keep the check sound by never letting the
network believe more than an onlooker could. The check moves counts by one, so
a hidden total may grow by one only while its sum is at least two above it,
and the sum may shrink only down to where the total could then be: every other
table the check finds still keeps the sum at or above the total. (Bounding the sum by
a hidden total's label alone, "at least k", let an onlooker who knew that total
exactly from the other table's shown counts work out a small count.)
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

SHOWN, SMALL, HIDDEN = "shown", "small", "hidden"
#: Which total of a grid a floor names: a row's or a column's.
ROW, COL = "row", "col"
INFINITE = 1 << 62
#: What hiding a shown count costs, per kind: totals dearer than cells, the grand total most.
_WEIGHT = {"cell": 1, "sign": 1, "margin": 3, "total": 1000}


@dataclass(frozen=True)
class Grid:
    """A two-way table of counts; missing cells are zero."""

    rows: tuple[Hashable, ...]
    cols: tuple[Hashable, ...]
    counts: dict[tuple[Hashable, Hashable], int]

    def cell(self, row: Hashable, col: Hashable) -> int:
        return self.counts.get((row, col), 0)


@dataclass(frozen=True)
class Signs:
    """Counts tied to the first grid's column totals, as warning signs are to triage levels.

    The first grid's columns are the levels, most urgent first. ``members`` gives each
    level's signs and their counts: whoever has a sign is counted at its level or a
    more urgent one. For each level in ``complete`` the reverse holds as well: everyone
    counted at that level has at least one of its signs. ``floors`` names totals of the
    other grids whose people are all at that level or a more urgent one, as (grid index,
    ROW or COL, key): children, for example, are always told to see a doctor, and so is
    everyone whose likeliest cause is a condition a doctor diagnosed.
    """

    members: dict[Hashable, list[tuple[Hashable, int]]]
    complete: tuple[Hashable, ...] = ()
    floors: dict[Hashable, list[tuple[int, str, Hashable]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Protected:
    """Statuses of one grid's cells and totals (SHOWN, SMALL or HIDDEN)."""

    cells: dict[tuple[Hashable, Hashable], str]
    row_totals: dict[Hashable, str]
    col_totals: dict[Hashable, str]
    total: str
    signs: dict[Hashable, str] = field(default_factory=dict)


class CannotProtect(Exception):
    """No amount of hiding keeps every small count safe; show nothing instead."""


def status_of(value: int, k: int) -> str:
    """The status a count starts with: small counts are hidden first of all."""
    return SMALL if 0 < value < k else SHOWN


def bounds(value: int, status: str, k: int) -> tuple[int, int]:
    """What an onlooker knows about a count from its label."""
    if status == SHOWN:
        return value, value
    if status == SMALL:
        return 1, k - 1
    return k, INFINITE


class _Network:
    """Linked grids as one circulation: variables are the counts, edges carry them.

    A variable may run along several edges in series (the grand total once per grid, a
    level's total into and out of its signs' gadget); conservation keeps them equal.
    Helper edges (slack, running sums) are variables of kind "aux" that nobody sees.
    """

    def __init__(self, grids: Sequence[Grid], k: int, signs: Signs | None) -> None:
        self.k = k
        self.values: list[int] = []
        self.status: list[str] = []
        self.kinds: list[str] = []
        self.edges: list[tuple[int, int, int]] = []  # (from node, to node, variable)
        self.var_edges: dict[int, list[int]] = {}  # variable -> its edges, in series order
        self.low_from: dict[int, list[int]] = {}  # aux variable -> signs bounding it below
        self.cell_var: list[dict] = []
        self.row_var: list[dict] = []
        self.col_var: list[dict] = []
        self.sign_var: dict[Hashable, int] = {}
        self.blurred: set[int] = set()  # cells read as "<k" though they may be 0
        self.chain_var: dict[Hashable, int] = {}  # level -> running sum of totals up to it
        self.floor_from: dict[int, list[int]] = {}  # running sum -> other grids' totals under it
        self.bounding: set[int] = set()  # those totals: a running sum must stay at or above them
        self.floors_of: dict[int, list[int]] = {}  # such a total -> the running sums above it
        self._nodes = 0
        self._adjacency: list[list[tuple[int, int]]] | None = None

        totals = [sum(g.counts.values()) for g in grids]
        if len(set(totals)) > 1:
            raise ValueError(f"linked grids must share one grand total, not {totals}")
        self.total_var = self._var(totals[0], "total")
        ends = []
        for g, grid in enumerate(grids):
            row_nodes = {r: self._node() for r in grid.rows}
            col_nodes = {c: self._node() for c in grid.cols}
            r_t, c_t = self._node(), self._node()
            ends.append((r_t, c_t))
            cells, rows, cols = {}, {}, {}
            for r in grid.rows:
                for c in grid.cols:
                    cells[(r, c)] = self._var(grid.cell(r, c), "cell")
                    self._edge(row_nodes[r], col_nodes[c], cells[(r, c)])
            for r in grid.rows:
                rows[r] = self._var(sum(grid.cell(r, c) for c in grid.cols), "margin")
                self._edge(c_t, row_nodes[r], rows[r])
            for c in grid.cols:
                cols[c] = self._var(sum(grid.cell(r, c) for r in grid.rows), "margin")
            self.cell_var.append(cells)
            self.row_var.append(rows)
            self.col_var.append(cols)
            # In a row or column whose total is small, every cell reads "<k", zeros too.
            for (r, c), var in cells.items():
                if self.status[rows[r]] == SMALL or self.status[cols[c]] == SMALL:
                    self.blurred.add(var)
                    self.status[var] = SMALL
            if g == 0 and signs is not None:
                self._link_signs(grid, col_nodes, r_t, signs)
            else:
                for c in grid.cols:
                    self._edge(col_nodes[c], r_t, cols[c])
        for level, totals in (signs.floors if signs else {}).items():
            # The running sum up to this level is at least each of these totals.
            floor = [
                (self.row_var if axis == ROW else self.col_var)[g][key] for g, axis, key in totals
            ]
            self.floor_from.setdefault(self.chain_var[level], []).extend(floor)
            self.bounding.update(floor)
            for member in floor:
                self.floors_of.setdefault(member, []).append(self.chain_var[level])
        for g in range(len(grids)):
            # This grid's row-total node to the next grid's column-total node: the copies
            # of the grand total form a ring, so conservation makes them all equal.
            self._edge(ends[g][0], ends[(g + 1) % len(grids)][1], self.total_var)

    def _node(self) -> int:
        self._nodes += 1
        return self._nodes - 1

    def _var(self, value: int, kind: str) -> int:
        self.values.append(value)
        self.status.append("aux" if kind == "aux" else status_of(value, self.k))
        self.kinds.append(kind)
        return len(self.values) - 1

    def _edge(self, u: int, v: int, var: int) -> None:
        self.edges.append((u, v, var))
        self.var_edges.setdefault(var, []).append(len(self.edges) - 1)

    def _link_signs(self, grid: Grid, col_nodes: dict, r_t: int, signs: Signs) -> None:
        """Route each level's total through its signs' gadget and down the running sums.

        Level j's total arrives at node ``join``; the edge from there to the next join
        carries the running sum of levels 0..j, bounded below by each sign of level j.
        """
        running, join = 0, self._node()
        for j, c in enumerate(grid.cols):
            members = signs.members.get(c, [])
            for sign, value in members:
                self.sign_var[sign] = self._var(value, "sign")
            total = self.col_var[0][c]
            sign_sum = sum(v for _, v in members)
            if c in signs.complete and sign_sum >= self.values[total]:
                # The level's total plus a slack (at least 0) equals its signs' sum.
                into, out_of = self._node(), self._node()
                self._edge(col_nodes[c], into, total)
                for sign, _ in members:
                    self._edge(into, out_of, self.sign_var[sign])
                self._edge(out_of, into, self._var(sign_sum - self.values[total], "aux"))
                self._edge(out_of, join, total)
            else:
                self._edge(col_nodes[c], join, total)
            running += self.values[total]
            chain = self.chain_var[c] = self._var(running, "aux")
            self.low_from[chain] = [self.sign_var[s] for s, _ in members]
            after = r_t if j == len(grid.cols) - 1 else self._node()
            self._edge(join, after, chain)
            join = after

    # --- what an onlooker knows ------------------------------------------------------------

    def bounds(self, var: int) -> tuple[int, int]:
        if self.kinds[var] == "aux":
            # At or above each floor's value, or the value it may grow to (see _grows).
            floors = [self.values[m] + self._grows(m) for m in self.floor_from.get(var, [])]
            signs = [self.bounds(s)[0] for s in self.low_from.get(var, [])]
            low = max([0, *signs, *floors])
            # A link the data itself breaks tells an onlooker nothing; never start outside it.
            return min(low, self.values[var]), INFINITE
        if var in self.blurred:
            return 0, self.k - 1
        return self._capped(var, bounds(self.values[var], self.status[var], self.k))

    def _grows(self, var: int) -> int:
        """1 if a floor total may grow by one: only with room for its sums to shrink by one too.

        The check moves counts by one at a time, so with each sum at least 2 above the
        total both moves together keep the sum at or above it; with less room the total
        stays put, and a sum may then shrink down to it (see the module doc).
        """
        if self.status[var] == SHOWN:
            return 0
        chains = self.floors_of.get(var, [])
        return int(all(self.values[c] - self.values[var] >= 2 for c in chains))

    def _capped(self, var: int, known: tuple[int, int]) -> tuple[int, int]:
        """A floor total's bounds, kept where its running sums can follow (see _grows)."""
        if var not in self.bounding:
            return known
        low, high = known
        return low, min(high, max(low, self.values[var] + self._grows(var)))

    def set_status(self, var: int, status: str) -> None:
        self.status[var] = status
        self._adjacency = None

    def _residual(self) -> list[list[tuple[int, int]]]:
        if self._adjacency is None:
            adjacency: list[list[tuple[int, int]]] = [[] for _ in range(self._nodes)]
            for u, v, var in self.edges:
                value = self.values[var]
                low, high = self.bounds(var)
                if value < high:
                    adjacency[u].append((v, var))
                if value > low:
                    adjacency[v].append((u, var))
            self._adjacency = adjacency
        return self._adjacency

    def _reaches(self, start: int, goal: int, without: int) -> bool:
        adjacency = self._residual()
        seen, todo = {start}, deque([start])
        while todo:
            node = todo.popleft()
            if node == goal:
                return True
            for nxt, var in adjacency[node]:
                if var != without and nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    def _segments(self, var: int, up: bool) -> list[tuple[int, int]]:
        """The paths a cycle must close to move ``var`` (one per edge it runs along)."""
        chain = [self.edges[e] for e in self.var_edges.get(var, [])]
        n = len(chain)
        if up:  # along each edge, then from its head to the next edge's tail
            return [(chain[t][1], chain[(t + 1) % n][0]) for t in range(n)]
        return [(chain[(t + 1) % n][0], chain[t][1]) for t in range(n)]

    def pinned(self, var: int) -> bool:
        """Whether an onlooker can work out this count exactly."""
        value = self.values[var]
        low, high = self.bounds(var)
        if low == high:
            return True
        if var not in self.var_edges:
            return False  # tied to nothing: the label is all there is
        for up, room in ((True, value < high), (False, value > low)):
            if room and all(self._reaches(a, b, var) for a, b in self._segments(var, up)):
                return False
        return True

    def exposed(self) -> list[int]:
        """Small counts an onlooker can work out (a blurred zero may be: it is no count)."""
        return [
            v
            for v, s in enumerate(self.status)
            if s == SMALL and self.values[v] > 0 and self.pinned(v)
        ]

    # --- hiding more -----------------------------------------------------------------------

    def cost(self, var: int) -> int:
        return _WEIGHT[self.kinds[var]] * (self.values[var] + self.k)

    def cheapest_cover(self, var: int) -> list[int] | None:
        """The cheapest set of shown counts whose hiding lets ``var`` move, or None.

        Shortest paths (Dijkstra) that close a cycle through ``var`` in either
        direction, where hidden counts with room to move cost nothing and a shown count
        of at least k costs what hiding it loses. Zeros are never hidden: a hidden zero
        would protect nothing, since a hidden count is known to be at least k.
        """
        arcs: list[list[tuple[int, int, int]]] = [[] for _ in range(self._nodes)]
        for u, v, other in self.edges:
            if other == var:
                continue
            value, status = self.values[other], self.status[other]
            if status == SHOWN:
                if value < self.k:
                    continue
                price, (low, high) = self.cost(other), self._capped(other, (self.k, INFINITE))
            else:
                price, (low, high) = 0, self.bounds(other)
            if value < high:
                arcs[u].append((v, price, other))
            if value > low:
                arcs[v].append((u, price, other))
        value = self.values[var]
        low, high = self.bounds(var)
        best: tuple[int, set[int]] | None = None
        for up, room in ((True, value < high), (False, value > low)):
            if not room:
                continue
            total, chosen = 0, set()
            for start, goal in self._segments(var, up):
                found = _dijkstra(arcs, start, goal)
                if found is None:
                    break
                total += found[0]
                chosen.update(found[1])
            else:
                if best is None or total < best[0]:
                    best = (total, chosen)
        return None if best is None else sorted(best[1])

    def protect(self) -> None:
        while exposed := self.exposed():
            cover = self.cheapest_cover(exposed[0])
            if cover is None:
                raise CannotProtect
            changed = False
            for other in cover:
                if self.status[other] == SHOWN:
                    self.set_status(other, HIDDEN)
                    changed = True
            if not changed:  # pragma: no cover - a free cycle means it was not pinned
                raise CannotProtect


def _dijkstra(
    arcs: list[list[tuple[int, int, int]]], start: int, goal: int
) -> tuple[int, list[int]] | None:
    """Cheapest path from start to goal: (cost, variables on it), or None."""
    best = {start: 0}
    back: dict[int, tuple[int, int]] = {}
    heap = [(0, start)]
    while heap:
        cost, node = heapq.heappop(heap)
        if node == goal:
            path = []
            while node != start:
                node, var = back[node]
                path.append(var)
            return cost, path
        if cost > best.get(node, INFINITE):
            continue
        for nxt, price, var in arcs[node]:
            new = cost + price
            if new < best.get(nxt, INFINITE):
                best[nxt] = new
                back[nxt] = (node, var)
                heapq.heappush(heap, (new, nxt))
    return None


def protect(grids: Sequence[Grid], k: int, signs: Signs | None = None) -> list[Protected]:
    """Decide which counts of linked grids to show, hide as small, or hide to protect.

    The grids must share one grand total; ``signs`` ties counts to the first grid's
    column totals (their statuses come back with the first grid). Raises CannotProtect
    when nothing safe is left to show.
    """
    if not grids:
        return []
    network = _Network(grids, k, signs)
    if network.values[network.total_var] < k:
        raise CannotProtect
    network.protect()
    status = network.status
    return [
        Protected(
            cells={key: status[v] for key, v in network.cell_var[g].items()},
            row_totals={key: status[v] for key, v in network.row_var[g].items()},
            col_totals={key: status[v] for key, v in network.col_var[g].items()},
            total=status[network.total_var],
            signs={s: status[v] for s, v in network.sign_var.items()} if g == 0 else {},
        )
        for g in range(len(grids))
    ]
