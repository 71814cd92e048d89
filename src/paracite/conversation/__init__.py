"""The conversation: history, whether a question leans on it, and the standalone question.

A question is read as a follow-up only when it leans on the previous turn: it starts with
"and" / "what about" / "how about" / "but" / "also", it has no content words of its own
("Why?", "When?"), or it uses a pronoun with nothing in the question for it to refer to
("Which country is he from?", "When was it adopted?"). A short question that names its own
subject ("How many Member States attended?") is a new question, whatever came before.

A follow-up is rewritten, by rules, into the question a reader would have asked without the
conversation (``read_turn``):

- a pronoun is replaced by what it stands for: 'he'/'she' by the person the previous turn
  named, 'it'/'its' by what the previous question was about;
- a fragment ('Why?', 'and from which country?', 'And the second?', 'what about the
  Vice-Chair?') is completed from the previous question: its counterpart replaced there, or
  its question word put on the previous question's statement;
- a whole question after 'and' ('and who was elected Rapporteur?') keeps its own words and
  borrows only the scene (meeting, session, body) of the previous question.

A pronoun with nothing to refer to is reported (``Turn.unresolved``), never guessed.

Used by the chain (deterministic condensing) and by the LLM answerer (its condense prompt
runs only for follow-ups).

One concern a module: ``follow_up`` (does a question lean on the previous turn),
``referents`` (what the previous turn was about: its person, its phrases, its scene),
``resolve`` (pronouns replaced by what they stand for), ``rewrite`` (the standalone
question written), ``grammar`` (a question split at its question word) and ``turn`` (the
whole reading: ``read_turn``, ``condense``).
"""

from paracite.conversation.follow_up import History, is_follow_up
from paracite.conversation.referents import answer_entities
from paracite.conversation.turn import Turn, condense, read_turn

__all__ = ["History", "Turn", "answer_entities", "condense", "is_follow_up", "read_turn"]
