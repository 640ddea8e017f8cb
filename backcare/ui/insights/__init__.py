"""The parts of the Insights page, so that pages/insights.py reads as the page's order.

gate (the analysts' password and signing out), figures (the protected monthly
charts and their numbers) and sql_console. Routing to the page and the "not
available here" notice stay in backcare/ui/analysts.py. Part of backcare.ui.
May import: what backcare.ui may (backcare.analytics above all).
"""
