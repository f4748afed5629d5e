"""A synthetic store for trying the app, screenshots and benchmarks.

Everything here is invented: staff names from a fixed list, answers drawn at random with
realistic proportions, reflections in plain words that identify nobody. Sessions are written
with one rewrite per archive file, not one per session, so large stores build in seconds.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from checklists import NEEDS_REASON

from .crypto import new_key_pair, public_bytes
from .demo_names import LEAD_NAME, LEAD_ROLES, SUPERVISOR_NAME, SUPERVISOR_ROLES, practitioner_names
from .errors import InvalidInput
from .part_writer import contact_part
from .passwords import new_secret, passphrase_problem
from .people import Person, now_iso
from .report_key import ReportKeys
from .sessions import COMPLETE, DRAFT, SETUP_DEFAULTS, Session
from .store import Store

REFLECTIONS = {
    "went_well": [
        "We had a calm conversation and agreed next steps together.",
        "She said she felt listened to today.",
        "Joint visit with the drug worker went smoothly.",
        "We found a quieter room and she could talk more freely.",
    ],
    "difficult": [
        "The clinic was very busy and we were interrupted twice.",
        "Talking about the child-protection meeting was hard for both of us.",
        "I had little time because I was covering another caseload.",
        "Her partner stayed in the room, so some questions had to wait.",
    ],
    "feelings": [
        "Tired but hopeful.",
        "A bit shaken after a heavy conversation.",
        "Glad we kept in touch after the missed appointment.",
        "Worried about whether support will be there after the birth.",
    ],
    "differently": [
        "Check her preferred contact method at the start.",
        "Book a longer appointment next time.",
        "Explain the next steps in writing as well as in person.",
        "Ask earlier about a private space.",
    ],
    "supervision": [
        "How to explain the pre-birth assessment more clearly.",
        "Support for me after a difficult contact.",
        "Lack of private rooms at the community clinic.",
        "",
    ],
}
NOTES = [
    "Agreed to text a reminder two days before.",
    "Offered a later appointment time.",
    "Referred to the peer support group.",
    "Will follow up by phone tomorrow.",
]
SETTING_WEIGHTS = {
    "clinic": 5,
    "home_visit": 3,
    "hospital_ward": 2,
    "phone_video": 2,
    "outreach": 1,
}
RESPONSE_WEIGHTS = {"done": 70, "partly": 12, "not_done": 10, "not_applicable": 8}


CORE_SHARE = 0.6  # the share of demo contacts on the any-contact checklist


def _session(
    rng: random.Random, author: str, checklist, reasons, when: datetime, finished: bool
) -> dict:
    setup = dict(SETUP_DEFAULTS)
    settings = list(checklist.settings) or list(SETTING_WEIGHTS)
    setup["setting"] = rng.choices(settings, [SETTING_WEIGHTS.get(s, 1) for s in settings])[0]
    setup["stage"] = rng.choice(list(checklist.stages) or ["antenatal", "postnatal"])
    for question in checklist.setup_questions:
        setup[question.id] = rng.random() < 0.08
    setup.update(dict(checklist.setup_facts))  # what a pause point's moment says already
    answers: dict[str, dict] = {}
    responses: dict[str, str] = {}
    items = checklist.visible_items(setup, {})
    index = 0
    stamp = when
    while index < len(items):
        item = items[index]
        response = rng.choices(list(RESPONSE_WEIGHTS), list(RESPONSE_WEIGHTS.values()))[0]
        if not finished and index > len(items) // 2:
            break
        stamp += timedelta(seconds=rng.randint(3, 40))
        given: list[str] = []
        if response in NEEDS_REASON and rng.random() < 0.85:
            offered = [r.id for r in reasons if r.offered(setup)]
            given = rng.sample(offered, 2 if rng.random() < 0.2 else 1)
        answers[item.id] = {
            "response": response,
            "reason": given[0] if given else None,
            "reasons": given,
            "note": rng.choice(NOTES) if rng.random() < 0.1 else "",
            "answered_at": stamp.isoformat(timespec="seconds"),
            "prompt": item.prompt,
            "requirements": list(item.requirements),
        }
        responses[item.id] = response
        items = checklist.visible_items(setup, responses)
        index += 1
    reflection = {}
    if finished:
        reflection = {
            key: rng.choice(options) for key, options in REFLECTIONS.items() if rng.random() < 0.7
        }
    done_at = stamp + timedelta(minutes=rng.randint(1, 6))
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "author": author,
        "checklist": {
            "id": checklist.id,
            "version": checklist.version,
            "hash": checklist.content_hash,
            "title": checklist.title,
        },
        "status": COMPLETE if finished else DRAFT,
        "revision": len(answers) + 2,
        "started_at": when.isoformat(timespec="seconds"),
        "updated_at": done_at.isoformat(timespec="seconds"),
        "completed_at": done_at.isoformat(timespec="seconds") if finished else None,
        "content": {
            "setup": setup,
            "answers": answers,
            "reflection": reflection,
            "flagged": finished and rng.random() < 0.12,
        },
    }


def _write_parts(store, records, checklists: dict, member: Person) -> None:
    """Each finished session's structured part (issue 16), sealed for the report key through
    the author's own index, one entry per month, as finishing in the app writes them."""
    by_month: dict[str, dict[str, dict]] = {}
    for record in records:
        checklist = checklists[record["checklist"]["id"]]
        part = contact_part(Session(record), checklist, member.sign_publics[0])
        by_month.setdefault(part["month"], {})[record["id"]] = part
    for month, parts in sorted(by_month.items()):
        store.parts.add(member.id, month, parts, member)


def build_demo_store(
    data_dir: Path, people: int, sessions_per_person: int, seed: int, passphrase: str
) -> dict:
    """Fill an empty data folder; refuses one that already has people in it."""
    if people < 1 or sessions_per_person < 0:
        raise InvalidInput("Give at least one person and zero or more sessions each.")
    problem = passphrase_problem(passphrase)
    if problem:
        raise InvalidInput(problem)
    store = Store(Path(data_dir))
    if not store.people.is_empty():
        raise InvalidInput(f"{data_dir} already has people in it: demo needs a new, empty folder.")
    rng = random.Random(seed)
    checklists = store.library.checklists
    checklist = checklists["any-contact"]
    # Most contacts are any contact; the rest are spread over the pause points, so that
    # supervision and the service report show them from the start.
    pause_points = [c for c in checklists.values() if c.is_pause_point]

    def pick():
        if not pause_points or rng.random() < CORE_SHARE:
            return checklist
        return rng.choice(pause_points)

    reasons = store.library.reasons
    stamp = now_iso()

    publics: dict[str, bytes] = {}
    privates: dict[str, object] = {}

    def person(name: str, roles: list[str], supervisors: list[str]) -> dict:
        person_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        hashed, kek = new_secret(passphrase)
        private_key, keys = new_key_pair(kek, person_id)
        publics[person_id] = public_bytes(private_key)
        privates[person_id] = private_key
        return {
            "id": person_id,
            "name": name,
            "roles": roles,
            "supervisors": supervisors,
            "active": True,
            "created_at": stamp,
            "passphrase": hashed,
            "keys": keys,
        }

    def sealed(record: dict) -> dict:
        """Seal for the author and the supervisor, as the app would."""
        readers = {pid: publics[pid] for pid in (record["author"], supervisor["id"])}
        key, wraps = store.sessions.sealed.wraps(record, readers)
        return store.sessions.seal_record(Session(record, key, wraps, privates[record["author"]]))

    supervisor = person(SUPERVISOR_NAME, list(SUPERVISOR_ROLES), [])
    staff = [
        person(name, ["practitioner"], [supervisor["id"]]) for name in practitioner_names(people)
    ]
    lead = person(LEAD_NAME, list(LEAD_ROLES), [])  # the service report, nothing else
    store.people.insert_many([supervisor, *staff, lead])  # first: only then is it not new
    admin = Person.from_record(supervisor)  # signs the directory, as its first admin would
    admin.private_key = privates[supervisor["id"]]
    store.people.sign_directory(admin)
    for used in (checklist, *pause_points):
        store.remember_version(used)
    report_keys = ReportKeys(store.people)
    report_keys.make(admin)  # made for the first lead, as adding one in the app does
    report_public = report_keys.public()

    now = datetime.now().astimezone().replace(microsecond=0)
    finished_total = drafts_total = 0
    for member in staff:
        records, plain = [], []
        for _ in range(sessions_per_person):
            when = now - timedelta(days=rng.uniform(1, 365))
            plain.append(_session(rng, member["id"], pick(), reasons, when, True))
            records.append(sealed(plain[-1]))
        store.sessions.write_archive_bulk(member["id"], records)
        if report_public is not None:
            author = Person.from_record(member)
            author.private_key = privates[member["id"]]
            _write_parts(store, plain, checklists, author)
        finished_total += len(records)
        if rng.random() < 0.2:
            when = now - timedelta(hours=rng.uniform(1, 200))
            store.sessions.write_drafts_bulk(
                member["id"],
                [sealed(_session(rng, member["id"], checklist, reasons, when, False))],
            )
            drafts_total += 1
    return {
        "data_dir": str(data_dir),
        "people": len(staff) + 2,
        "finished": finished_total,
        "drafts": drafts_total,
        "supervisor": supervisor["name"],
        "lead": lead["name"],
        "first_practitioner": staff[0]["name"],
    }
