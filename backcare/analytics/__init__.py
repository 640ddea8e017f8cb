"""The analysts' side: anonymous records, the store, k-safe Insights, the SQL console, access.

Owns what a person may share (the coarse record), where it is kept (store/),
the protected counts analysts see (insights, suppression, charts), the console and
the sandbox process its queries run in, the password gate, and the `export` /
`demo-data` commands. May import: backcare.assessment, backcare.settings,
backcare.json_input (the sandbox reads DuckDB's parse tree with it), DuckDB,
pandas, Altair.
"""
