"""The script Streamlit runs for every page view (see app.py): it routes, and starts again
cleanly when the browser's session was lost with its server (backcare/ui/reconnect.py)."""

from backcare.ui import reconnect
from backcare.ui.navigation import route

page = route()
reconnect.start_again_if_lost(page)
reconnect.show_notice()
try:
    page.run()
finally:
    # Last, so the page's own elements keep their places (kiosk styles count on them); in
    # `finally`, so a page that stops early still has it.
    reconnect.rerun_after_reconnecting()
