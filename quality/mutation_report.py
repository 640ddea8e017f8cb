"""Kill rate per core module from mutmut's results (`make mutate` prints it).

mutmut keeps one ``<file>.py.meta`` JSON per mutated file under ``mutants/``, mapping
each mutant to the exit code of the tests run against it. Its own summary is one line for
everything; the README and docs/mutation-survivors.md talk per module, so this reads the
same files and counts per module (the store's files together). A mutant with no test
that reaches it counts as surviving: untested code is not a kill.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

#: mutmut's exit codes (mutmut/stats.py): the tests failed, or ran out of time.
KILLED = {1, 3, 36, -24, 24, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}
NOT_CHECKED = {None}


def module_of(meta: Path, root: Path) -> str:
    """The module a meta file belongs to; the store's files count as one module."""
    relative = meta.relative_to(root).as_posix().removesuffix(".meta")
    if relative.startswith("backcare/analytics/store/"):
        return "backcare/analytics/store/"
    return relative


def tally(root: Path) -> dict[str, Counter]:
    """Per module: how many mutants were killed, survived, had no test, were not checked."""
    counts: dict[str, Counter] = {}
    for meta in sorted(root.glob("backcare/**/*.py.meta")):
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        module = counts.setdefault(module_of(meta, root), Counter())
        for code in codes.values():
            if code in KILLED:
                module["killed"] += 1
            elif code in SURVIVED:
                module["survived"] += 1
            elif code in NO_TESTS:
                module["no tests"] += 1
            elif code in NOT_CHECKED:
                module["not checked"] += 1
            else:
                module["other"] += 1
    return counts


def rate(counter: Counter) -> float:
    judged = counter.total() - counter["not checked"]
    return 100.0 * counter["killed"] / judged if judged else 0.0


def render(counts: dict[str, Counter]) -> str:
    columns = ("killed", "survived", "no tests", "other", "not checked")
    width = max([len("module"), *map(len, counts)])
    lines = [
        f"{'module':<{width}}  {'mutants':>7}  "
        + "  ".join(f"{c:>8}" for c in columns)
        + "  kill rate"
    ]
    total: Counter = Counter()
    for module, counter in counts.items():
        total += counter
        lines.append(
            f"{module:<{width}}  {counter.total():>7}  "
            + "  ".join(f"{counter[c]:>8}" for c in columns)
            + f"  {rate(counter):8.1f} %"
        )
    lines.append(
        f"{'all':<{width}}  {total.total():>7}  "
        + "  ".join(f"{total[c]:>8}" for c in columns)
        + f"  {rate(total):8.1f} %"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=Path("mutants"))
    args = parser.parse_args(argv)
    counts = tally(args.mutants)
    if not counts:
        print(f"No mutmut results under {args.mutants}/: run `make mutate`.", file=sys.stderr)
        return 1
    print(render(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
