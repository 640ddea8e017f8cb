"""Which modules a fresh interpreter has loaded after running a few statements.

Keeps the quick paths quick without timing anything: a test names the heavy
modules that must stay unloaded (the FHIR models, pandas) on a path.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def loaded_after(statements: str, prefixes: tuple[str, ...]) -> list[str]:
    """Modules whose names start with one of `prefixes`, loaded once `statements` ran."""
    probe = (
        f"import json, sys\n{statements}\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], text=True, capture_output=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
