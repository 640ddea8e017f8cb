"""BackCare core: checks answers, scores them in DuckDB, and triages. No Streamlit here."""

from backcare.answers import InvalidAnswers
from backcare.assessment import Assessment, assess
from backcare.knowledge import KnowledgeError

__all__ = ["Assessment", "InvalidAnswers", "KnowledgeError", "assess"]
