"""The assessment core: from a person's answers to a triage level, explanations and advice.

Owns the knowledge base in data/ (loading and checking it), the contract's ids,
checking answers, the questionnaire model, scoring in DuckDB (one answer set, or
many at once), the plain-Python reference scorer the tests hold it to, and the
result's shape. May import: the standard library, DuckDB, numpy/pyarrow (batch
only), backcare.json_input (to quote a bad answer safely in its message) and
nothing else of backcare's — every other subsystem builds on this one.
"""
