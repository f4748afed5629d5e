"""Who a demo store holds (`store.demo`): invented names only, kept apart from the heavy
store modules so that `demo --help` can say who it makes without loading them."""

from __future__ import annotations

import random

FIRST = [
    "Alex",
    "Sam",
    "Jordan",
    "Robin",
    "Morgan",
    "Casey",
    "Jamie",
    "Ali",
    "Kit",
    "Rowan",
    "Priya",
    "Niamh",
    "Fiona",
    "Ewan",
    "Amara",
    "Zara",
    "Iona",
    "Megan",
    "Ruth",
    "Tomas",
]
LAST = [
    "Reid",
    "Campbell",
    "Okafor",
    "Patel",
    "Murray",
    "Hughes",
    "Byrne",
    "Kaur",
    "Fraser",
    "Lewis",
    "Begum",
    "Novak",
    "Doyle",
    "Mensah",
    "Quinn",
    "Walsh",
    "Ahmed",
    "Boyle",
]
SUPERVISOR_NAME = "Sam Supervisor"
SUPERVISOR_ROLES = ("supervisor", "practitioner", "admin")  # the store's first admin, too
LEAD_NAME = "Lee Lead"
LEAD_ROLES = ("lead",)  # the service lead: the service report, nothing else


def practitioner_names(count: int) -> list[str]:
    """The first `count` practitioners' names (the same for every seed)."""
    names = [f"{f} {s}" for s in LAST for f in FIRST]
    random.Random(7).shuffle(names)
    if count > len(names):
        names += [f"Practitioner {i}" for i in range(count - len(names))]
    return names[:count]
