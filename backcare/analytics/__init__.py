"""The analysts' side: anonymous records, the store, k-safe Insights, the SQL console, access.

Owns what a person may share (the coarse record), where it is kept (store/),
the protected counts analysts see (insights, suppression, charts), the console's
sandbox, the password gate, and the `export` / `demo-data` commands. May import:
backcare.assessment, backcare.settings, DuckDB, pandas, Altair.
"""
