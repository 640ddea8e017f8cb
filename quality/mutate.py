"""`make mutate`: mutmut's run, over a fixed share of each module's mutants.

All of the core modules' ~2,300 mutants take about 35 minutes on this two-core machine;
`make mutate` has 15. So it tries the mutants whose name hashes below ``--percent``
(40 by default): the same code gives the same sample, a survivor stays a survivor from
run to run, and every module keeps the same share, so its kill rate is a fair estimate.
``make mutate SAMPLE=100`` tries them all. The others stay "not checked" in mutmut's
files and out of the kill rate (quality/mutation_report.py).

mutmut has no option for this; the one function that lists the mutants to try is
wrapped instead (mutmut is pinned in uv.lock, so its name stays put).
"""

from __future__ import annotations

import argparse
import hashlib
import sys

import mutmut.__main__ as mutmut_main

_listed = mutmut_main.collect_source_file_mutation_data


def sampled(name: str, percent: int) -> bool:
    """Whether the mutant ``name`` is in a ``percent`` % sample: fixed by its name alone."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--percent", type=int, default=40, choices=range(1, 101), metavar="1-100")
    parser.add_argument("--max-children", type=int, default=3)
    args = parser.parse_args(argv)

    def listed(*, mutant_names):
        mutants, by_path = _listed(mutant_names=mutant_names)
        return [m for m in mutants if sampled(m[1], args.percent)], by_path

    mutmut_main.collect_source_file_mutation_data = listed
    return (
        mutmut_main.cli(["run", "--max-children", str(args.max_children)], standalone_mode=False)
        or 0
    )


if __name__ == "__main__":
    sys.exit(main())
