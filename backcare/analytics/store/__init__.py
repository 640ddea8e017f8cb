"""Where shared anonymous records live: one interface (base), its backends, one per process.

`base` says what every store offers and checks; `queries` is the SQL both backends
count with and `writer` the thread that commits for them; `duckdb_store` is the
embedded default and `postgres_store` the database several servers share;
`registry` picks the backend from BACKCARE_STORE and hands every session thread
the same open store. May import: backcare.analytics.record,
backcare.assessment.contract, backcare.settings.
"""
