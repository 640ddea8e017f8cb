"""The Streamlit helpers the pages share: routing, session keys, kiosk shell, consent, storage.

The only code outside pages/ and app.py that imports Streamlit (a test walks
backcare/ to make sure). Pages call these helpers and the core; the core never
calls back. May import: every other backcare package.
"""
