"""Where shared anonymous records live: one interface (base), its backends, one per process.

`base` says what every store offers and checks; `duckdb_store` is the embedded
default; `registry` hands every session thread the same open store. May import:
backcare.analytics.record, backcare.assessment.contract, backcare.settings.
"""
