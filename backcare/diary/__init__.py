"""The pain diary: entries and their checks, changes, CSV/JSON files, and charts.

The diary itself lives in the person's browser; this package only checks, changes
and draws what the page hands it. May import: backcare.assessment (the words for
activities and comfort actions), backcare.json_input (the strict reader for imported
JSON), pandas and Altair (charts only).
"""
