"""A load generator that speaks Streamlit's browser protocol: virtual people complete BackCare.

protocol.py is one browser tab (HTTP, then the WebSocket), screen.py reads a
page off the server's Delta messages, person.py answers the questionnaire, and
runner.py runs many people for a bounded time and reports what the server did.
"""
