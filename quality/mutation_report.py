"""Kill rate per core module from mutmut's results (`make mutate` prints it).

mutmut keeps one ``<file>.py.meta`` JSON per mutated file under ``mutants/``, mapping
each mutant to the exit code of the tests run against it. Its own summary is one line for
everything; the README and docs/mutation-survivors.md talk per module, so this reads the
same files and counts per module (the store's files together). A mutant with no test
that reaches it counts as surviving: untested code is not a kill.

It then names every survivor that docs/mutation-survivors.md does not: its "Explained"
sections name survivors in backquotes (``backcare.diary.files.x_to_csv__mutmut_3``, or a
pattern such as ``backcare.analytics.console.x_f__mutmut_*``), and `make mutate` fails
while one is left unexplained, so a new survivor cannot go unnoticed. It fails too while an
explanation names a mutant that was killed or no longer exists (an edit renumbers the
mutants of the function it touches), so the file never excuses what is not there.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
from collections import Counter
from pathlib import Path

#: mutmut's exit codes (mutmut/stats.py): the tests failed, or ran out of time.
KILLED = {1, 3, 36, -24, 24, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}
NOT_CHECKED = {None}


#: Where survivors are explained, and how a name or pattern is written there.
EXPLAINED = Path("docs/mutation-survivors.md")
_NAME = re.compile(r"`(backcare\.[^`\s]+)`")


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


def exit_codes(root: Path) -> dict[str, int | None]:
    """Every mutant by name, with the exit code of its tests (None: not checked)."""
    codes: dict[str, int | None] = {}
    for meta in sorted(root.glob("backcare/**/*.py.meta")):
        codes.update(json.loads(meta.read_text("utf-8"))["exit_code_by_key"])
    return codes


def survivors(codes: dict[str, int | None]) -> list[str]:
    """Every mutant that no test killed (survived, or reached by no test), by name."""
    return [name for name, code in codes.items() if code in SURVIVED | NO_TESTS]


def explained_part(document: str) -> str:
    """The sections of the survivors file whose heading starts with "Explained": a mutant
    listed as killed elsewhere in it must not pass for explained if it survives again."""
    sections = re.split(r"^(?=## )", document, flags=re.MULTILINE)
    return "".join(s for s in sections if s.startswith("## Explained"))


def unexplained(names: list[str], explanations: str) -> list[str]:
    """The names that no backquoted name or pattern in ``explanations`` covers."""
    patterns = _NAME.findall(explanations)
    return [n for n in names if not any(fnmatch.fnmatchcase(n, p) for p in patterns)]


def outdated(codes: dict[str, int | None], explanations: str) -> list[str]:
    """The names and patterns in ``explanations`` that excuse no mutant any more: a name
    whose mutant was killed or is gone, a pattern that matches no mutant."""
    left = []
    for pattern in dict.fromkeys(_NAME.findall(explanations)):
        matched = [code for name, code in codes.items() if fnmatch.fnmatchcase(name, pattern)]
        if not matched or all(code in KILLED for code in matched):
            left.append(pattern)
    return left


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
            + (f"  {rate(counter):8.1f} %" if counter.total() else "         —")
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
    parser.add_argument("--explained", type=Path, default=EXPLAINED)
    args = parser.parse_args(argv)
    counts = tally(args.mutants)
    if not counts:
        print(f"No mutmut results under {args.mutants}/: run `make mutate`.", file=sys.stderr)
        return 1
    print(render(counts))
    codes = exit_codes(args.mutants)
    explanations = explained_part(args.explained.read_text("utf-8"))
    left = unexplained(survivors(codes), explanations)
    if left:
        print(f"\n{len(left)} surviving mutants are not explained in {args.explained}:")
        print("\n".join(f"  {name}" for name in left))
        print("Kill each with a test or explain it there (`mutmut show NAME` shows the edit).")
    stale = outdated(codes, explanations)
    if stale:
        print(f"\n{len(stale)} explanations in {args.explained} excuse no surviving mutant:")
        print("\n".join(f"  {name}" for name in stale))
        print("Each was killed or is gone (an edit renumbers its function's mutants): drop it.")
    if left or stale:
        return 1
    print(f"\nEvery surviving mutant is explained in {args.explained}, and nothing else is.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
