"""The parts of the pain diary page, so that pages/diary.py reads as the page's order.

flash (the confirmation that waits for the next action), browser_copy (the lasting
copy in the browser), entry_form (add and edit), entry_list, charts_view,
files_view (export and import) and deleting. What they keep in session state is
named in backcare/ui/diary_state.py. Part of backcare.ui. May import: what
backcare.ui may (the diary's core in backcare.diary above all).
"""
