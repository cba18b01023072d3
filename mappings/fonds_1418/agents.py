"""The photographers of the fonds (AUTP): SPA operator codes and the people behind them.

``Opérateur D ; Brissy, Edouard`` is two agents: the army's operator code ``Opérateur D`` (a
pseudonymous agent: one code was used by several photographers, here Brissy and Sélince) and the person
``Brissy, Edouard``. ``Opérateur Théta (code armée, photographe)`` is a code with a note;
``Corpo expedicionario português, RI, secçao fotografica`` an organisation (the Portuguese army's
photographic section). Each agent has a stable slug: ``/id/agent/{slug}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from culturegraph.rdf.terms import slug

_CODE = re.compile(r"^(?P<code>Op[ée]rateur\s+\S+)(?:\s*\((?P<note>[^)]*)\))?$", re.I)
# Words that say a part names a body, not a person.
_ORGANISATION = re.compile(r"\b(section|secçao|secção|service|corpo|armée|army|mission)\b", re.I)


@dataclass(frozen=True)
class Agent:
    slug: str
    label: str
    kind: str  # "code" (an SPA operator code), "personne", "organisation"
    note: str | None = None
    name: str | None = None  # a person's name in reading order ("Edouard Brissy")


def parse_agents(text: str) -> list[Agent]:
    """The agents of one AUTP value, in the order written; an empty part is skipped."""
    agents = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        code = _CODE.match(part)
        if code:
            label = re.sub(r"\s+", " ", code["code"])
            label = label[0].upper() + label[1:]
            agents.append(Agent(slug(label), label, "code", code["note"]))
        elif _ORGANISATION.search(part):
            agents.append(Agent(slug(part), part, "organisation"))
        else:
            family, comma, given = part.partition(",")
            name = f"{given.strip()} {family.strip()}" if comma and given.strip() else part
            agents.append(Agent(slug(part), part, "personne", name=name))
    return agents
