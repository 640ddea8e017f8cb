"""The one-page summary a person prints for a GP or physiotherapist.

`content` decides what goes on the page, in plain words: the date, the
triage level and what to do, each warning sign answered yes, the top three
explanations with their "because", the answers step by step; `diary` adds
the diary's last two weeks if the person chooses. `printout` turns that into
HTML sized for one A4 page. No Streamlit here: the page only draws the HTML.
May import: backcare.assessment, backcare.diary.
"""
