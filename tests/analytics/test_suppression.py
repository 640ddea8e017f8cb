"""Cell suppression on its own: small counts hidden, and no hidden one recoverable."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from backcare.analytics.insights import label
from backcare.analytics.suppression import (
    HIDDEN,
    ROW,
    SHOWN,
    SMALL,
    CannotProtect,
    Grid,
    Protected,
    Signs,
    protect,
)
from tests.analytics.kanon_attack import PublicRules, derivations
from tests.profiles import examples

NO_RULES = PublicRules(level_order=())


def _views(grid: Grid, result: Protected, k: int) -> dict[str, pd.DataFrame]:
    """The grid as the onlooker sees it, in the shape of one month's triage by site."""

    def frame(columns, rows):
        rows = [("m", *row) for row in rows]
        out = pd.DataFrame(rows, columns=["month", *columns, "value", "status"])
        out["n"] = [
            v if s == SHOWN else None for v, s in zip(out["value"], out["status"], strict=True)
        ]
        out["shown"] = [label(v, s, k) for v, s in zip(out["value"], out["status"], strict=True)]
        return out.drop(columns=["value", "status"])

    cells = [(r, c, grid.cell(r, c), result.cells[(r, c)]) for r in grid.rows for c in grid.cols]
    rows = [(r, sum(grid.cell(r, c) for c in grid.cols), result.row_totals[r]) for r in grid.rows]
    cols = [(c, sum(grid.cell(r, c) for r in grid.rows), result.col_totals[c]) for c in grid.cols]
    return {
        "site_triage": frame(("site", "triage"), cells),
        "site_totals": frame(("site",), rows),
        "triage_totals": frame(("triage",), cols),
        "monthly_totals": frame((), [(sum(grid.counts.values()), result.total)]),
    }


def _grid(rows: list[list[int]]) -> Grid:
    return Grid(
        tuple(f"r{i}" for i in range(len(rows))),
        tuple(f"c{j}" for j in range(len(rows[0]))),
        {(f"r{i}", f"c{j}"): v for i, row in enumerate(rows) for j, v in enumerate(row)},
    )


def _leaks(grid: Grid, k: int) -> list[str]:
    return derivations(_views(grid, protect([grid], k)[0], k), k, NO_RULES)


def test_a_small_count_alone_in_its_row_gets_company():
    grid = _grid([[3, 20], [15, 14], [12, 30]])
    result = protect([grid], 5)[0]
    assert result.cells[("r0", "c0")] == SMALL
    hidden = [key for key, s in result.cells.items() if s == HIDDEN]
    # Hiding one cell in the same row is not enough: row and column totals would give
    # it back. A rectangle of four hidden cells is the least that protects it.
    assert len(hidden) == 3
    assert ("r0", "c1") in hidden
    assert _leaks(grid, 5) == []


def test_nothing_is_hidden_when_nothing_is_small():
    result = protect([_grid([[12, 20], [15, 14]])], 11)[0]
    assert set(result.cells.values()) == {SHOWN}
    assert set(result.row_totals.values()) | set(result.col_totals.values()) == {SHOWN}


def test_zeros_are_shown_and_never_used_as_cover():
    result = protect([_grid([[0, 3, 40], [0, 30, 25]])], 5)[0]
    assert result.cells[("r0", "c0")] == SHOWN and result.cells[("r1", "c0")] == SHOWN


def test_ones_under_a_small_total_are_not_known_ones():
    """Four weeks with one emergency each under an emergency total of "<5": were zeros shown
    as 0, the four "<5" could only be ones. In a line with a small total zeros read "<5" too."""
    grid = _grid([[1, 20], [1, 30], [0, 25], [1, 22], [1, 40]])
    result = protect([grid], 5)[0]
    assert result.col_totals["c0"] == SMALL
    assert {result.cells[(f"r{i}", "c0")] for i in range(5)} == {SMALL}  # the 0 as well
    views = _views(grid, result, 5)
    assert views["site_triage"].set_index(["site", "triage"])["shown"][("r2", "c0")] == "<5"
    assert derivations(views, 5, NO_RULES) == []


def test_a_total_below_k_cannot_be_protected():
    with pytest.raises(CannotProtect):
        protect([_grid([[1, 2], [3, 3]])], 11)


def test_small_totals_are_small_too():
    result = protect([_grid([[2, 1], [30, 40]])], 5)[0]
    assert result.row_totals["r0"] == SMALL
    assert _leaks(_grid([[2, 1], [30, 40]]), 5) == []


def test_linked_grids_must_share_their_grand_total():
    with pytest.raises(ValueError, match="share one grand total"):
        protect([_grid([[10, 10]]), _grid([[10, 11]])], 5)


def _signed_views(grid: Grid, result: Protected, signs: Signs, k: int) -> dict:
    views = _views(grid, result, k)
    rows = [(sign, value, result.signs[sign]) for members in signs.members.values()
            for sign, value in members]  # fmt: skip
    views["warning_signs"] = pd.DataFrame(
        {
            "month": ["m"] * len(rows),
            "sign": [r[0] for r in rows],
            "n": [v if st_ == SHOWN else None for _, v, st_ in rows],
            "shown": [label(v, st_, k) for _, v, st_ in rows],
        }
    )
    return views


def test_signs_that_account_for_a_whole_level_are_protected_with_it():
    """2 self-care and 5 emergency with one sign: shown, the sign's 5 bounds the total."""
    grid = Grid(("w",), ("emergency", "self_care"), {("w", "emergency"): 5, ("w", "self_care"): 2})
    signs = Signs({"emergency": [("a", 5), ("b", 0)], "self_care": []}, ("emergency",))
    result = protect([grid], 5, signs)[0]
    assert result.cells[("w", "self_care")] == SMALL
    assert result.signs == {"a": HIDDEN, "b": SHOWN}
    rules = PublicRules(("emergency", "self_care"), {"a": "emergency", "b": "emergency"},
                        ("emergency",))  # fmt: skip
    views = _signed_views(grid, result, signs, 5)
    assert derivations(views, 5, rules) == []
    # Had the sign been shown, the onlooker would have had it.
    exposed = Protected(result.cells, result.row_totals, result.col_totals, result.total,
                        {"a": SHOWN, "b": SHOWN})  # fmt: skip
    leaks = derivations(_signed_views(grid, exposed, signs, 5), 5, rules)
    assert any("'self_care') = 2" in leak for leak in leaks)


def test_two_small_signs_that_make_up_a_level_hide_its_total():
    grid = Grid(("w",), ("emergency", "self_care"), {("w", "emergency"): 8, ("w", "self_care"): 30})
    signs = Signs({"emergency": [("a", 4), ("b", 4)], "self_care": []}, ("emergency",))
    result = protect([grid], 5, signs)[0]
    assert result.signs == {"a": SMALL, "b": SMALL}
    assert result.col_totals["emergency"] == HIDDEN
    views = _signed_views(grid, result, signs, 5)
    rules = PublicRules(("emergency", "self_care"), {"a": "emergency", "b": "emergency"},
                        ("emergency",))  # fmt: skip
    assert derivations(views, 5, rules) == []


#: What the grids contained, filled in by the property and checked by the test after it.
SEEN: Counter[str] = Counter()


@st.composite
def grids(draw: st.DrawFn) -> tuple[list[list[int]], int]:
    """k, and a grid of up to 4 × 4 counts with small counts next to larger ones.

    Nine grids in ten hold at least one count of k or more and, most often, small counts
    beside it (what needs complementary hiding); one in ten is small all over, with a
    total below k (nothing can be shown).
    """
    k = draw(st.integers(min_value=5, max_value=11))
    rows, cols = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    if draw(st.integers(0, 9)) == 0:
        # Small all over: 1 to k−1 counts in all, spread over the cells.
        ones = draw(st.integers(1, k - 1))
        cells = [0] * (rows * cols)
        for _ in range(ones):
            cells[draw(st.integers(0, rows * cols - 1))] += 1
    else:
        kinds = {"small": st.integers(1, k - 1), "large": st.integers(k, 3 * k), "zero": st.just(0)}
        cells = [draw(kinds[draw(st.sampled_from(tuple(kinds)))]) for _ in range(rows * cols)]
        cells[draw(st.integers(0, rows * cols - 1))] = draw(kinds["large"])  # total ≥ k
    return [cells[r * cols : (r + 1) * cols] for r in range(rows)], k


@settings(max_examples=examples(150, at_least=40), deadline=None)
@given(case=grids())
def no_small_count_can_be_worked_out_from_any_protected_grid(case):
    values, k = case
    grid = _grid(values)
    SEEN["examples"] += 1
    small = any(0 < v < k for row in values for v in row)
    try:
        result = protect([grid], k)[0]
    except CannotProtect:
        # One grid can always be protected by hiding enough, unless its total is below k.
        assert sum(grid.counts.values()) < k
        SEEN["cannot protect"] += 1
        event("cannot protect")
        return
    assert all(s == SMALL for key, s in result.cells.items() if 0 < grid.cell(*key) < k), (
        "every small count starts hidden"
    )
    totals = [*result.row_totals.values(), *result.col_totals.values(), result.total]
    hidden = HIDDEN in [*result.cells.values(), *totals]
    for kind, present in (("small counts", small), ("complementary hiding", hidden)):
        if present:
            SEEN[kind] += 1
            event(kind)
    assert derivations(_views(grid, result, k), k, NO_RULES) == []


def test_no_small_count_can_be_worked_out_from_any_protected_grid():
    SEEN.clear()
    no_small_count_can_be_worked_out_from_any_protected_grid()
    share = {kind: n / SEEN["examples"] for kind, n in SEEN.items()}
    # Random seeds: the lowest shares over seeds 0-9 were 0.46, 0.42 and 0.12, so these
    # floors leave room for luck and still fail when the generator stops reaching a case.
    assert share.get("small counts", 0) >= 0.35, share
    assert share.get("complementary hiding", 0) >= 0.25, share
    assert share.get("cannot protect", 0) >= 0.05, share


# --- sharp cases found against the surviving mutants of `make mutate` -----------------------
#: Each test below pins one outcome that a plausible slip in suppression.py changes: hiding
#: more than needed, giving up ("cannot be shown") on tables that can be shown, or a leak.

#: The attacker's names for the three linked tables (kanon_attack.TABLES), in grid order.
_TABLES = [
    ("site_triage", "site_totals", "triage_totals", ("site", "triage")),
    ("pain_by_age", "age_totals", "pain_totals", ("age", "pain")),
]


def _linked_leaks(grids: list[Grid], k: int, signs: Signs) -> list[str]:
    """What the onlooker works out from protected linked grids, warning signs and floors."""
    results = protect(grids, k, signs)

    views: dict[str, pd.DataFrame] = {}
    for grid, result, (cells, rows, cols, (a, b)) in zip(grids, results, _TABLES, strict=False):
        one = _views(grid, result, k)
        views[cells] = one["site_triage"].rename(columns={"site": a, "triage": b})
        views[rows] = one["site_totals"].rename(columns={"site": a})
        views[cols] = one["triage_totals"].rename(columns={"triage": b})
        views.setdefault("monthly_totals", one["monthly_totals"])
    sign_rows = [(s, v, results[0].signs[s]) for ms in signs.members.values() for s, v in ms]
    views["warning_signs"] = pd.DataFrame(
        {
            "month": ["m"] * len(sign_rows),
            "sign": [r[0] for r in sign_rows],
            "n": [v if s == SHOWN else None for _, v, s in sign_rows],
            "shown": [label(v, s, k) for _, v, s in sign_rows],
        }
    )
    rules = PublicRules(
        tuple(grids[0].cols),
        {s: level for level, ms in signs.members.items() for s, _ in ms},
        tuple(signs.complete),
        {key: level for level, fl in signs.floors.items() for g, _, key in fl if g == 1},
    )
    return derivations(views, k, rules)


def _statuses(result: Protected) -> tuple:
    return result.cells, result.row_totals, result.col_totals, result.total, result.signs


def test_a_small_count_beside_a_shown_one_in_a_single_column_is_protected():
    """1 and 3 under k = 3: hiding the column total keeps "<3" open (1 or 2), no need to give up."""
    result = protect([_grid([[1], [3]])], 3)[0]
    assert _statuses(result) == (
        {("r0", "c0"): SMALL, ("r1", "c0"): SHOWN},
        {"r0": SMALL, "r1": SHOWN},
        {"c0": HIDDEN},
        HIDDEN,
        {},
    )
    assert _leaks(_grid([[1], [3]]), 3) == []


def test_the_cheapest_cover_hides_one_count_not_two():
    grid = _grid([[1, 1], [0, 4], [1, 4]])
    result = protect([grid], 3)[0]
    assert [key for key, s in result.cells.items() if s == HIDDEN] == [("r2", "c1")]
    assert result.row_totals == {"r0": SMALL, "r1": HIDDEN, "r2": SHOWN}
    assert result.col_totals == {"c0": SMALL, "c1": HIDDEN}
    assert _leaks(grid, 3) == []


def test_signs_that_more_than_account_for_a_level_are_all_shown():
    """11 at the one level, signs 7 and 6: the level's slack (2) is nobody's count."""
    grid = Grid(("w",), ("emergency",), {("w", "emergency"): 11})
    signs = Signs({"emergency": [("a", 7), ("b", 6)]}, ("emergency",))
    result = protect([grid], 4, signs)[0]
    assert set(result.cells.values()) == {SHOWN} and result.total == SHOWN
    assert result.signs == {"a": SHOWN, "b": SHOWN}


def test_two_small_signs_of_a_level_do_not_force_it_out_of_sight():
    """Signs 2 and 2 of a level of 3: the level may have up to 4, so everything else shows."""
    grid = Grid(("w",), ("emergency", "self_care"), {("w", "emergency"): 3, ("w", "self_care"): 12})
    signs = Signs({"emergency": [("a", 2), ("b", 2)], "self_care": [("c", 8)]}, ("emergency",))
    result = protect([grid], 3, signs)[0]
    assert set(result.cells.values()) | set(result.col_totals.values()) == {SHOWN}
    assert result.signs == {"a": SMALL, "b": SMALL, "c": SHOWN}


def test_a_small_sign_that_makes_up_its_level_is_protected_by_hiding_the_next_level():
    grid = Grid(("w",), ("emergency", "self_care"), {("w", "emergency"): 2, ("w", "self_care"): 3})
    signs = Signs({"emergency": [("a", 2)], "self_care": []}, ("emergency",))
    result = protect([grid], 3, signs)[0]
    assert _statuses(result) == (
        {("w", "emergency"): SMALL, ("w", "self_care"): HIDDEN},
        {"w": SHOWN},
        {"emergency": SMALL, "self_care": HIDDEN},
        SHOWN,
        {"a": SMALL},
    )


def test_a_level_fixed_by_its_one_sign_cannot_be_shown_at_all():
    """Emergency = its only sign's 4 (each sign is at its level, each person has one): the
    two "<3" cells would add up to a shown 4, and hiding the 4 leaves them pinned at 2 each."""
    grid = Grid(
        ("s0", "s1"),
        ("emergency", "self_care"),
        {("s0", "emergency"): 2, ("s0", "self_care"): 5, ("s1", "emergency"): 2,
         ("s1", "self_care"): 8},
    )  # fmt: skip
    with pytest.raises(CannotProtect):
        protect([grid], 3, Signs({"emergency": [("a", 4)], "self_care": []}, ("emergency",)))


def test_a_floor_from_another_table_is_part_of_the_check():
    """Children (age band a0, 5 of them) all see a doctor or go to emergency: the running sum
    to "doctor" is at least 5. Without that rule the 1 at "doctor" would be given away."""
    triage = Grid(("w",), ("emergency", "doctor", "self_care"),
                  {("w", "emergency"): 5, ("w", "doctor"): 1, ("w", "self_care"): 8})  # fmt: skip
    ages = Grid(("a0", "a1"), ("c0", "c1"),
                {("a0", "c0"): 4, ("a0", "c1"): 1, ("a1", "c0"): 7, ("a1", "c1"): 2})  # fmt: skip
    signs = Signs({"doctor": [("g", 3)]}, ("doctor",), {"emergency": [(1, ROW, "a0")]})
    first, second = protect([triage, ages], 3, signs)
    assert _statuses(first) == (
        {("w", "emergency"): SHOWN, ("w", "doctor"): SMALL, ("w", "self_care"): HIDDEN},
        {"w": SHOWN},
        {"emergency": SHOWN, "doctor": SMALL, "self_care": HIDDEN},
        SHOWN,
        {"g": SHOWN},
    )
    assert second.cells == {("a0", "c0"): HIDDEN, ("a0", "c1"): SMALL,
                            ("a1", "c0"): HIDDEN, ("a1", "c1"): SMALL}  # fmt: skip
    assert second.row_totals == {"a0": SHOWN, "a1": SHOWN}
    assert _linked_leaks([triage, ages], 3, signs) == []


def test_a_small_floor_total_is_protected_like_any_small_count():
    """2 children of 13, all at the one level: "<5" children, the other 11 hidden."""
    triage = Grid(("w",), ("doctor",), {("w", "doctor"): 13})
    ages = Grid(("a0", "a1"), ("p0",), {("a0", "p0"): 2, ("a1", "p0"): 11})
    signs = Signs({"doctor": []}, (), {"doctor": [(1, ROW, "a0")]})
    first, second = protect([triage, ages], 5, signs)
    assert set(first.cells.values()) == {SHOWN} and first.total == SHOWN
    assert second.row_totals == {"a0": SMALL, "a1": HIDDEN}
    assert second.col_totals == {"p0": SHOWN}
    assert _linked_leaks([triage, ages], 5, signs) == []


def test_a_shown_floor_total_stays_shown():
    """Floor total 8 (shown) under a level of 12: protecting the "<5" 4 hides the sites' 7 and
    the level's total, never the 8 that nothing depends on."""
    triage = Grid(("s0", "s1"), ("doctor",), {("s0", "doctor"): 5, ("s1", "doctor"): 7})
    ages = Grid(("a0", "a1"), ("p0",), {("a0", "p0"): 4, ("a1", "p0"): 8})
    signs = Signs({"doctor": []}, (), {"doctor": [(1, ROW, "a1")]})
    first, second = protect([triage, ages], 5, signs)
    assert second.row_totals == {"a0": SMALL, "a1": SHOWN}
    assert first.row_totals == {"s0": SHOWN, "s1": HIDDEN} and first.total == HIDDEN
    assert _linked_leaks([triage, ages], 5, signs) == []


def test_a_floor_on_the_last_level_can_make_tables_unshowable():
    """The 6 children are the whole of "doctor", the last level: showing any of these tables
    would let an onlooker work out the two 3s of the age table, so nothing is shown."""
    triage = Grid(("s0", "s1"), ("emergency", "doctor"), {("s1", "doctor"): 4, ("s0", "doctor"): 2})
    ages = Grid(("a0",), ("p0", "p1"), {("a0", "p0"): 3, ("a0", "p1"): 3})
    signs = Signs(
        {"emergency": [], "doctor": [("g", 6)]}, ("doctor",), {"doctor": [(1, ROW, "a0")]}
    )
    with pytest.raises(CannotProtect):
        protect([triage, ages], 4, signs)
