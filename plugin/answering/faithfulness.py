"""When a model's plain-words restatement may be shown: only when it says what the clause says.

A 135M-parameter model restates a legal sentence badly more often than well: it drops a "not",
turns "excluding Llama 2" into "including Llama 2", echoes the question, or invents terms. A
restatement is shown only if it keeps, compared with the sentence it restates:

- the same negations (not, no, never, without, nor; "cannot" and "won't" count as "not");
- the same modal force (permission: may/can; obligation: must/shall/will/required; and each of
  them negated, which is a prohibition);
- the same exception words (except, excluding, including, unless, other than, provided that,
  only, notwithstanding, subject to);
- the same numbers and the same named parties (Meta, Google, Licensor, ...);
- and if it is not an echo of the question, a copy of the clause, a question itself, an apology
  or an instruction.

Anything else is dropped, and the answer is the clause's own sentence alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from licensebot.answering.question import tries_to_change_rules
from licensebot.index.search import tokenize
from licensebot.index.text import PROSE_SENTENCE_END, normalize_for_match

_QUOTED = re.compile(r"\"([^\"]{3,})\"|“([^”]{3,})”|‘([^’]{8,})’")
_MENTION = re.compile(r"<[@#!][^>]*>|@(?:here|channel|everyone)\b|@[A-Za-z0-9._-]+")
_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CONTRACTIONS = {"cannot": "can not", "can't": "can not", "won't": "will not", "shan't": "shall not",
                 "mustn't": "must not", "don't": "do not", "doesn't": "does not", "isn't": "is not",
                 "aren't": "are not", "wouldn't": "would not", "shouldn't": "should not"}
NEGATIONS = frozenset("not no never without nor none neither".split())
_MODALS = {
    "may": "permission", "can": "permission", "might": "permission", "permitted": "permission",
    "allowed": "permission", "free": "permission",
    "must": "obligation", "shall": "obligation", "will": "obligation", "required": "obligation",
    "need": "obligation", "needs": "obligation", "obliged": "obligation",
}
EXCEPTIONS = ("except", "excluding", "including", "unless", "other than", "provided that", "only",
              "notwithstanding", "subject to", "but not")
_PARTIES = frozenset(
    "meta google mistral alibaba microsoft openai nvidia stability deepseek qwen anthropic bigscience bigcode "
    "tencent huggingface licensor licensors licensee licensees contributor contributors recipient recipients "
    "company affiliates affiliate distributor distributors".split()
)
_NUMBER = re.compile(r"\d[\d,.]*")
_SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# Plain-English connecting words a faithful restatement may use that a clause may not contain.
_PLAIN_WORDS = frozenset(tokenize(
    "cannot yes allowed permitted required need needs provide use offer include sue end ends stop get got give "
    "gives lose loses keep"
))
SUPPORT = 0.75
COPY_OVERLAP = 0.85
"""Word overlap (Jaccard) above which a "restatement" is the clause again."""
"""Share of a restatement's content words that must come from the clause (a backstop against
invented terms; the structural checks above decide faithfulness)."""
_OFF_TASK = re.compile(
    r"rewrit|plain english|this (?:sentence|text)|legal (?:document|text)|i'?m sorry|i am sorry|"
    r"as an ai|\b(\w+)(?:,? \1\b){2,}",
    re.IGNORECASE,
)


def _words(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    for short, long in _CONTRACTIONS.items():
        text = re.sub(rf"\b{re.escape(short)}\b", long, text)
    text = re.sub(r"n't\b", " not", text)
    return _WORDS.findall(text)


def negations(text: str) -> Counter[str]:
    return Counter(w for w in _words(text) if w in NEGATIONS)


def modal_forces(text: str) -> set[str]:
    """"permission", "obligation", and "no permission"/"no obligation" where negated."""
    words = _words(text)
    forces = set()
    for i, w in enumerate(words):
        force = _MODALS.get(w)
        if force is None:
            continue
        negated = "not" in words[i + 1 : i + 3]
        forces.add(f"no {force}" if negated else force)
    return forces


def bound(text: str) -> set[str]:
    """Content words right before the first modal verb, back to the last comma: whom or what the
    rule binds ("Altered source versions must ..."). A restatement that keeps the rule but
    changes these ("Original source versions must ...") applies it to something else."""
    for part in re.split(r"[,;:()]", text):
        words = _words(part)
        first = next((i for i, w in enumerate(words) if w in _MODALS), None)
        if first is not None:
            return set(tokenize(" ".join(words[:first])))
    return set()


def exception_words(text: str) -> set[str]:
    flat = " ".join(_words(text))
    return {e for e in EXCEPTIONS if re.search(rf"\b{e}\b", flat)}


def numbers(text: str) -> set[float]:
    """Numbers with their scale words ("700 million" == "700,000,000")."""
    out = set()
    for m in _NUMBER.finditer(text.lower()):
        raw = m.group(0).rstrip(".,").replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        after = text.lower()[m.end() : m.end() + 12].split()
        if after and after[0] in _SCALE:
            value *= _SCALE[after[0]]
        out.add(value)
    return out


def parties(text: str) -> set[str]:
    """Named parties, singular ("Licensees" and "Licensee" are the same party)."""
    return {w.removesuffix("s") for w in _words(text) if w in _PARTIES}


def supported(summary: str, sources: Sequence[str], question: str) -> bool:
    """Do nearly all the content words of the summary occur in the sources (or the question)?"""
    source_words = set(tokenize(" ".join(sources) + " " + question)) | _PLAIN_WORDS
    words = tokenize(summary)
    if not words:
        return False
    return sum(1 for w in words if w in source_words) / len(words) >= SUPPORT


def echoes_question(paraphrase: str, sentence: str, question: str) -> bool:
    """Mostly the question's words rather than the clause's."""
    words = set(tokenize(paraphrase))
    if not words:
        return True
    from_question = len(words & set(tokenize(question)) - set(tokenize(sentence)))
    from_sentence = len(words & set(tokenize(sentence)))
    return from_question > from_sentence


def off_task(summary: str) -> bool:
    """Echoes of the instructions, apologies, stutters, a question back, or a rule change."""
    return bool(_OFF_TASK.search(summary)) or summary.rstrip().endswith("?") or tries_to_change_rules(summary)


def copies(paraphrase: str, sentence: str) -> bool:
    """The clause itself (or nearly): nothing a reader does not already have in the lead."""
    ours, theirs = set(tokenize(paraphrase)), set(tokenize(sentence))
    if not ours:
        return True
    return normalize_for_match(paraphrase).rstrip(".") in normalize_for_match(sentence) or (
        len(ours & theirs) / len(ours | theirs) >= COPY_OVERLAP
    )


def unfaithful(paraphrase: str, sentence: str, question: str) -> str:
    """Why ``paraphrase`` may not stand for ``sentence`` ("" when it may)."""
    if off_task(paraphrase):
        return "off task"
    if echoes_question(paraphrase, sentence, question):
        return "echoes the question"
    checks = (
        ("negations", negations),
        ("modal force", modal_forces),
        ("exception words", exception_words),
        ("numbers", numbers),
        ("named parties", parties),
    )
    for name, feature in checks:
        if feature(paraphrase) != feature(sentence):
            return f"different {name}"
    ours, theirs = bound(paraphrase), bound(sentence)
    if theirs - ours and ours - theirs - _PLAIN_WORDS:
        # A word of what the rule binds replaced by another ("Altered" by "Original"); plain
        # words ("got" for "granted") and dropped qualifiers are left to the checks below.
        return "a different subject"
    if copies(paraphrase, sentence):
        return "a copy of the clause"
    if not supported(paraphrase, [sentence], ""):
        return "words not in the clause"
    return ""


def strip_unverified_quotes(summary: str, sources: Sequence[str]) -> str:
    """Remove quotations that are not verbatim in any source (after normalisation)."""
    haystack = [normalize_for_match(s) for s in sources]

    def keep(match: re.Match[str]) -> str:
        inner = next(g for g in match.groups() if g is not None)
        needle = normalize_for_match(inner)
        return match.group(0) if needle and any(needle in h for h in haystack) else ""

    return " ".join(_QUOTED.sub(keep, summary).split())


def tidy(raw: str, sources: Sequence[str], *, max_sentences: int = 1) -> str:
    """The model's text as one clean sentence: no echoed instructions, mentions, list markers or
    invented quotations; "" if what is left is a fragment."""
    paragraphs = [p for p in re.split(r"\n\s*\n", raw) if not re.search(r"rewrite in plain english", p, re.I)]
    text = _MENTION.sub("", " ".join(paragraphs))
    text = text.replace("<", "‹").replace(">", "›")
    text = strip_unverified_quotes(text, sources)
    # A list marker copied from the clause ("- ", "b. ") is not part of the restatement.
    text = re.sub(r"^\s*(?:[-*•]|\(?(?:\d{1,2}(?:\.\d{1,2})*|[a-z]|[ivx]{1,4})[.)])\s+", "", text)
    sentences = [s.strip() for s in PROSE_SENTENCE_END.split(text) if s.strip()]
    text = " ".join(sentences[:max_sentences])
    text = re.sub(r"\s+([.,;:!?])", r"\1", text).strip()
    return text if len(re.findall(r"[A-Za-z]{2,}", text)) >= 6 else ""
