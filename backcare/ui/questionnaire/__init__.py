"""The parts of the questionnaire page, so that pages/assessment.py reads as the page's order.

widgets (one question's control and its help caption), steps (which step is on
screen and what it holds), submit (the Back, Next and "See my results" callbacks:
saving, refusing while something is left out, handing over to the results) and
step_form (drawing the step). The warning-sign groups and their follow-up stay in
backcare/ui/warning_step.py. Part of backcare.ui. May import: what backcare.ui
may (the questionnaire model in backcare.assessment above all).
"""
