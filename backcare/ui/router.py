"""The script Streamlit runs for every page view (see app.py): it only routes."""

from backcare.ui.navigation import route

route().run()
