"""BackCare: a self-assessment for back pain that starts with exercise.

Subsystems, one package each (each package's docstring says what it owns and
what it may import): `assessment` (the core), `diary`, `kiosk`, `analytics`,
and `ui`, the only one that imports Streamlit. `settings` is the server's
configuration, `cli` the command line, `json_input` the strict JSON reader for
untrusted input (it imports nothing of backcare, so every part may use it). The
public entry point is re-exported here: ``backcare.assess(answers) -> Assessment``.
"""

from backcare.assessment.answers import InvalidAnswers
from backcare.assessment.engine import assess
from backcare.assessment.knowledge import KnowledgeError
from backcare.assessment.result import Assessment

__all__ = ["Assessment", "InvalidAnswers", "KnowledgeError", "assess"]
