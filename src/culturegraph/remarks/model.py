"""A remark: about one resource and, where the user says so, one value (property + value) of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# What the visitor picks on the form (label shown, French).
KINDS = {"error": "Erreur", "missing": "Valeur manquante", "duplicate": "Doublon", "question": "Question"}
# The review queue's statuses: new → accepted (→ fixed, once a build containing the fix is served) |
# rejected | spam.
STATUSES = {"new": "Nouvelle", "accepted": "Acceptée", "rejected": "Rejetée", "fixed": "Corrigée",
            "spam": "Indésirable"}
CLOSED = ("rejected", "fixed", "spam")  # the author's e-mail is erased when a remark reaches one
ORIGINS = ("visitor", "finding", "protocol")

OA = "http://www.w3.org/ns/oa#"


def motivation(kind: str, proposed: str) -> str:
    """``oa:questioning`` for a question, ``oa:editing`` when a value is proposed, else ``oa:assessing``."""
    if kind == "question":
        return "questioning"
    return "editing" if proposed else "assessing"


@dataclass
class Remark:
    id: str
    target: str  # the resource IRI
    kind: str
    text: str
    created: str
    modified: str
    status: str = "new"
    published: bool = True
    predicate: str = ""  # the property IRI of the value concerned ("" for the resource as a whole)
    value: str = ""  # the value concerned, as an N-Triples term ("" for none, e.g. a missing value)
    value_label: str = ""  # the value as the page showed it
    proposed: str = ""  # the proposed value, as typed
    dataset: str = ""
    email: str | None = None
    held: str = ""  # why the remark was held for review instead of published ("" : not held)
    reason: str = ""  # the curator's reason for accepting or rejecting
    reply: str = ""  # the curator's reply to the author
    origin: str = "visitor"
    version: int = 1
    fixed_in: str = ""  # the build that contains the fix
    extra: dict[str, Any] = field(default_factory=dict)  # a protocol annotation's other members

    @property
    def motivation(self) -> str:
        return motivation(self.kind, self.proposed)

    @property
    def etag(self) -> str:
        return f'"{self.id}.{self.version}"'

    @property
    def closed(self) -> bool:
        return self.status in CLOSED
