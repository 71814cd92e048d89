"""Words and phrase patterns a follow-up is read with: question words, auxiliaries, roles,
the heads of meeting and document phrases, and how people and named things are written.

Word-level rules only; ``conversation.py`` decides what a follow-up refers to.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


AUXILIARIES = _words(
    "is are was were be been being am do does did has have had will would can could "
    "should shall may might must")
PAST_AUXILIARIES = frozenset({"was", "were", "did", "had"})
# Past forms without '-ed' that questions about meetings use.
IRREGULAR_PAST = _words(
    "spoke took gave made held met led said told wrote sent became began won brought left "
    "chose set put ran read sat stood saw paid sought thought found kept heard meant")
PARTICIPLES = _words(
    "spoken taken given made held met led said told written sent become begun won brought "
    "left chosen set put read seen paid sought found kept heard meant done")
PREPOSITIONS = _words(
    "from in at by since until till for on to with under during of after before about "
    "against between among into over through within without")
DETERMINERS = _words(
    "the a an this that these those its their his her our such")
ORDINAL = re.compile(r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
                     r"eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|"
                     r"eighteenth|nineteenth|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|"
                     r"ninety)-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
                     r"twentieth|thirtieth|fortieth|fiftieth|sixtieth|seventieth|eightieth|"
                     r"ninetieth|\d+(?:st|nd|rd|th))\b", re.I)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# Offices a person holds: 'the Vice-Chair' after 'Who was elected Chair?' takes its place.
ROLE = re.compile(r"\b(?:(?:Vice-|Deputy |Assistant |Under-|Executive |Special |Co-)?(?:Chair|"
                  r"Chairperson|Chairman|Chairwoman|Rapporteur|President|Secretary|Director|"
                  r"Coordinator|Facilitator|Moderator|Envoy|Representative|Ombudsperson|"
                  r"Secretary-General|Treasurer|Registrar|Prosecutor|Judge)s?)(?![\w-])", re.I)
# Heads of phrases that set the scene of a question: carried into the next question.
SCENE_HEADS = ("meeting|meetings|session|sessions|conference|forum|sitting|segment|summit|"
               "dialogue|debate|consultations|workshop|seminar|retreat")
DOCUMENT_HEADS = ("resolution|decision|report|agenda item|item|document|convention|"
                  "declaration|agreement|protocol|programme|plan|statement|note|letter|"
                  "proposal|recommendation|amendment|budget|mandate|treaty|charter|agenda")
# Words a capitalised run names an organisation or place with, never a person.
ORGANISATION_WORDS = _words(
    "Group Commission Committee Council Assembly Nations States State Government "
    "Agreement Convention Conference Office Programme Organization Organisation Union "
    "Bank Fund Board Secretariat Forum Meeting Session Court Agency Department Division "
    "Expert Member Republic Kingdom Federation Islands Africa America Asia Europe "
    "Caribbean Pacific Arab Emirates Kingdom Netherlands Zealand Korea Party Parties "
    "Treaty Declaration Resolution Agenda Report Annex Institute Centre Center Network "
    "Mission Panel Bureau Secretary-General Chair Rapporteur President Director Vienna "
    "Geneva York Nairobi Representative Permanent Minister Ambassador Executive Special "
    "Deputy Vice-Chair Secretary Delegate Observer Speaker")
TITLES = r"(?:Mr|Ms|Mrs|Dr|Prof|H\.E|Sir|Dame|Judge|Ambassador)\.?"
_CAP = r"[A-Z][\w’'-]+"
# 'Erik Planken (Netherlands)', 'Mr. Juwang Zhu', 'Maria Fernanda Espinosa (Ecuador)'
PERSON_WITH_COUNTRY = re.compile(
    rf"\b(?:{TITLES}\s+)?(?P<name>{_CAP}(?:\s+(?:[A-Z]\.|{_CAP}|al|bin|de|del|da|van|von|"
    rf"der|le|la))*\s+{_CAP})\s+\((?P<country>[A-Z][A-Za-z ,'’-]+)\)")
PERSON_WITH_TITLE = re.compile(rf"\b{TITLES}\s+(?P<name>{_CAP}(?:\s+(?:[A-Z]\.|{_CAP}))*)")
# 'the Permanent Representative of South Africa', 'the representative of Mexico'
PERSON_BY_OFFICE = re.compile(
    rf"\b[Tt]he\s+(?:(?:Permanent|Deputy|Special|Executive|High|Resident)\s+)?(?:Vice-)?"
    rf"(?:[Rr]epresentative|[Dd]elegate|[Aa]mbassador|[Mm]inister|[Cc]hair(?:person)?|"
    rf"Vice-[Cc]hair|[Rr]apporteur|[Pp]resident|[Ss]ecretary-General|[Dd]irector|"
    rf"[Cc]oordinator|[Ee]nvoy|[Oo]bserver|[Ss]peaker)"
    rf"(?:\s+of\s+(?:the\s+)?{_CAP}(?:\s+(?:of|the|and|for|on|{_CAP}))*?(?:\s+{_CAP})?)?"
    rf"(?=[\s,.;:?!)]|$)")
# Two or more capitalised words: a name if none is an organisation word.
CAPITALISED_RUN = re.compile(rf"\b{_CAP}(?:\s+(?:[A-Z]\.|{_CAP}))+")
# A named thing: 'the Paris Agreement', 'the Commission on the Status of Women'.
NAMED_PHRASE = re.compile(
    rf"\b(?:the\s+)?(?:\d{{4}}\s+)?{_CAP}(?:\s+(?:(?:on|of|for|against|and|to)\s+(?:the\s+)?)?"
    rf"(?:{_CAP}|[A-Z]{{2,}}))*")


# A sentence that leans on the one before it: it opens with a pronoun or a link, or it
# refers to 'that decision' / 'these Views' named there.
LEANS_BACK = re.compile(
    r"^(?:\d+\.\s+)?(?:He|She|It|They|This|These|That|Those|Its|Their|His|Her|The latter|"
    r"The former|In (?:this|that) regard|To that end|Accordingly|However|Furthermore|"
    r"Moreover|In addition|Also|Thereafter|Subsequently)\b|"
    r"\b(?:that|this|these|those|such|the said) (?!is\b|was\b|are\b|were\b|the\b|a\b)"
    r"[a-z]+s?\b")
