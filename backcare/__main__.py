"""`python -m backcare …` runs the command line (see backcare.cli)."""

from backcare.cli import main

raise SystemExit(main())
