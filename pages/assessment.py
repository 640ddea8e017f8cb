"""The questionnaire, one step at a time; answers survive moving back and forth.

Only the questions that apply to this person are shown (data/question_conditions.csv),
and only their answers are sent to assess(). The warning signs are asked in groups
(backcare/ui/warning_step.py): a Yes or No per group, then each sign of a "Yes"
group on its own. Until every group and every such sign has an answer, "See my
results" brings the person back to what they left out instead of showing a result.
The page only puts its parts in order; each part is a module of
backcare/ui/questionnaire/.
"""

from __future__ import annotations

from backcare.assessment.engine import knowledge_base
from backcare.ui.questionnaire import step_form, steps, submit

# "See my results" ran as the button's callback, before this script: go straight on to
# the results instead of drawing this step again first.
submit.go_on_to_results()

kb = knowledge_base()
step_form.show(kb, steps.current(kb))
