"""Walking one checklist in line mode, through the same services and store calls as the app:
signing in (`services.people`, lockout and audit included), the supervisors waiting for a yes
(`services.directory`), re-sharing, the draft writer (`services.drafts`: each answer is on disk
before the next question), the identifier guard (`services.guard`), the idle lock
(`services.session_lock`), and finishing, as the app's reflection screen does.
"""

from __future__ import annotations

import re
import threading

from checklists import NEEDS_REASON, RESPONSE_LABELS, SETTINGS, STAGES, Checklist, Item
from checklists.identifiers import check_case_reference
from cli.common import CommandError
from reports.wording import (
    REASON_LEVEL_LABELS,
    REASON_LEVELS,
    REASON_RETIRED,
    language_hints,
    new_comments_heading,
    why_it_matters,
)
from store import Person, Session, Store, StoreError
from store.sessions import NOTE_LIMIT, REFLECTION_LIMIT, FinishedElsewhere

from .conversation import Conversation, EndOfInput

ANSWER_PROMPT = (
    "Answer 1 Done, 2 Partly, 3 Not done, 4 Not applicable, w why, n note, b back, q stop for now: "
)
ANSWER_KEYS = {"1": "done", "2": "partly", "3": "not_done", "4": "not_applicable"}
ANSWER_EXPECTED = "Please type 1, 2, 3 or 4 to answer, or w, n, b or q."
REASONS_PROMPT = "Reasons (e.g. 1,4; empty for none): "
# When the answer already has reasons: an empty line keeps them, "none" takes them off.
REASONS_AGAIN_PROMPT = "Reasons (e.g. 1,4; empty to keep {keep}; none for no reason): "
NO_REASON = "none"
FLAG_PROMPT = "Take this contact to supervision? y/N: "
RESUME_LATER = (
    "carry on in the app (r on the home screen) or with `stepping-stones answer --resume`."
)
YES_NO = (("no", "No"), ("yes", "Yes"))
CASE_REF_PROMPT = (
    "Case reference (optional: your service's own pseudonym for this contact, never a name, "
    "NHS or CHI number, address, phone number or date of birth; empty for none): "
)


class Stopped(Exception):
    """`q`: the person stops for now; the unfinished checklist is kept."""


class LineMode:
    """One run of `stepping-stones answer`."""

    def __init__(self, store: Store, talk: Conversation, retry_seconds: float | None = None):
        self.store = store
        self.talk = talk
        self.retry_seconds = retry_seconds  # the draft writer's (tests make it short)
        self.person: Person | None = None
        self.session: Session | None = None
        self.checklist: Checklist | None = None
        self.writer = None
        self._events: dict[str, object] = {}
        self._lock = threading.Lock()

    # -- the whole run ---------------------------------------------------------------------
    def run(
        self, user: str | None, passphrase: str | None, checklist_id: str | None, resume: bool
    ) -> int:
        if checklist_id is not None:
            self.known_checklist(checklist_id)  # a wrong --checklist: one line, before all else
        try:
            try:
                self.sign_in(user, passphrase)
                self.open_session(checklist_id, resume)
                self.walk()
                self.reflect()
                return 0
            except Stopped:
                self.say_where_things_stand("Stopped for now.")
                return 0
            except EndOfInput:
                self.say_where_things_stand("End of input.")
                return 0
        finally:
            if self.writer is not None:
                self.writer.close()

    def say_where_things_stand(self, first: str) -> None:
        if self.session is None:
            self.talk.say(f"{first} Nothing was started.")
            return
        self.flush()
        self.talk.say(f"{first} Your answers are saved in the unfinished checklist: {RESUME_LATER}")

    # -- signing in ------------------------------------------------------------------------
    def sign_in(self, user: str | None, passphrase: str | None) -> None:
        from services import directory, opening
        from services import people as people_use

        if opening.is_new(self.store):
            raise CommandError(
                f"nobody has an account in {self.store.data_dir} yet: start the app "
                "(stepping-stones) to make the first one"
            )
        while True:
            name = user if user else self.talk.ask("Name: ")
            if not name.strip():
                self.talk.say("Please type your name.")
                continue
            given = passphrase if passphrase is not None else self.talk.secret("Passphrase: ")
            try:
                person = people_use.sign_in(self.store, name, given, via="line")
                break
            except StoreError as exc:
                if passphrase is not None or getattr(exc, "refused", False):
                    raise  # from a file, or locked out: one line, and stop
                self.talk.say(str(exc))
        self.person = person
        self.talk.say(f"Signed in as {person.name}.")
        for waiting in directory.waiting_supervisors(self.store, person):
            self.talk.say(
                waiting["question"], "Nothing of yours is shared with them until you say yes."
            )
            if self.talk.yes_no("Share with them? y/N: "):
                directory.confirm_supervisor(self.store, person, waiting)
        try:
            people_use.reshare(self.store, person)
        except StoreError as exc:  # sharing must never keep her from answering
            self.talk.say(f"Sharing with your supervisors will be tried again: {exc}")
        for notice in self.store.notices:
            self.talk.say(f"Please note: {notice}")
        self.say_new_comments()
        self.talk.on_idle = self.locked

    def say_new_comments(self) -> None:
        """As the app shows them once after signing in: here one line, and they stay new for
        the app to show (their words are read there, in Prepare for supervision)."""
        from services import supervision

        try:
            comments = supervision.new_comments(self.store, self.person)
        except StoreError:
            return  # as in the app: never a reason to stop her answering
        if comments:
            it = "it" if len(comments) == 1 else "them"
            self.talk.say(
                f"{new_comments_heading(len(comments))}: you will find {it} in the app, in "
                "Prepare for supervision (p on the home screen)."
            )

    def locked(self, waited: float) -> None:
        """An answer came after the idle time: it counts only once the passphrase is given."""
        from services import people as people_use
        from services import session_lock

        person = self.person
        session_lock.lock(self.store, person, idle=True)
        self.talk.say(
            f"Locked: nothing was typed for {how_long(waited)}. "
            f"Your saved answers are safe. Type the passphrase for {person.name} to carry on; "
            "what you just typed is used once it is right."
        )
        while True:
            try:
                given = self.talk.secret("Passphrase: ")
            except EndOfInput:
                self.talk.say("What was typed after the lock was not used.")
                raise
            try:
                people_use.sign_in(self.store, person.name, given, via="line")
            except StoreError as exc:
                if getattr(exc, "refused", False):
                    raise
                self.talk.say(str(exc))
                continue
            session_lock.unlock(self.store, person)
            self.talk.say("Unlocked.")
            return

    # -- choosing --------------------------------------------------------------------------
    def open_session(self, checklist_id: str | None, resume: bool) -> None:
        from services import sessions as session_use
        from services.drafts import DraftWriter

        self.writer = DraftWriter(self.store, self._reported, self.retry_seconds)
        self.writer.start()
        problems: list[StoreError] = []
        drafts = session_use.readable(self.store, self.person, status="draft", problems=problems)
        for problem in problems:
            self.talk.say(f"Please note: {problem}")
        drafts.sort(key=lambda s: s.record.get("updated_at", ""), reverse=True)
        if resume:
            if drafts:
                self.session = self.choose_draft(drafts)
                self.checklist = self.store.checklist_for(self.session)
                self.talk.say(f"Resuming {self.describe(self.session)}.")
                return
            self.talk.say("You have no unfinished checklist, so here is a new one.")
        elif drafts:
            many = (
                "one unfinished checklist"
                if len(drafts) == 1
                else f"{len(drafts)} unfinished checklists"
            )
            self.talk.say(f"You have {many}: carry on with `stepping-stones answer --resume`.")
        self.checklist = self.choose_checklist(checklist_id)
        setup = self.ask_setup(self.checklist)
        self.session = self.store.start_session(self.person, self.checklist, setup)

    def choose_draft(self, drafts: list[Session]) -> Session:
        if len(drafts) == 1:
            return drafts[0]
        self.talk.say("Your unfinished checklists:")
        self.talk.say(*(f"{n}. {self.describe(s)}" for n, s in enumerate(drafts, start=1)))
        return drafts[self.talk.choose_number("Unfinished checklist number: ", len(drafts)) - 1]

    def describe(self, session: Session) -> str:
        from reports.text import format_datetime

        title = session.record["checklist"].get("title", session.checklist_id)
        when = format_datetime(session.record.get("updated_at"))
        try:
            checklist = self.store.checklist_for(session)
        except StoreError:
            answered = sum(1 for a in session.answers.values() if a.get("response"))
            return f"{title}, from {when} ({answered} answered)"
        total = len(session.visible_items(checklist))
        answered = total - len(session.unanswered(checklist))
        return f"{title}, from {when} ({answered} of {total} answered)"

    def choose_checklist(self, checklist_id: str | None) -> Checklist:
        library = self.store.library
        checklists = library.in_picker_order()  # as the app's picker lists them
        if checklist_id is not None:
            return self.known_checklist(checklist_id)
        if not checklists:
            raise CommandError("there are no checklists to answer")
        self.talk.say("Checklists:")
        for number, checklist in enumerate(checklists, start=1):
            when = getattr(checklist, "when", "")
            self.talk.say(f"{number}. {checklist.title}" + (f". When: {when}" if when else ""))
        return checklists[self.talk.choose_number("Checklist number: ", len(checklists)) - 1]

    def known_checklist(self, checklist_id: str) -> Checklist:
        library = self.store.library
        if checklist_id not in library.checklists:
            known = ", ".join(library.checklists) or "none"
            raise CommandError(f"no checklist '{checklist_id}' (known: {known})")
        return library.checklists[checklist_id]

    def ask_setup(self, checklist: Checklist) -> dict:
        """Each setup question with its options numbered and the default named."""
        self.talk.say(f"{checklist.title}: a few questions first. An empty line takes the default.")
        values = {
            "setting": self.choose(
                "Setting", fitting(SETTINGS, getattr(checklist, "settings", None))
            ),
            "stage": self.choose("Stage", fitting(STAGES, getattr(checklist, "stages", None))),
        }
        for question in checklist.setup_questions:
            values[question.id] = self.choose(question.label, YES_NO, "Number") == "yes"
        while True:
            reference = self.talk.ask(CASE_REF_PROMPT).strip()
            refusal = check_case_reference(reference)
            if not refusal:
                values["case_ref"] = reference
                return values
            self.talk.say(refusal)

    def choose(self, label: str, options: tuple[tuple[str, str], ...], asking: str = "") -> str:
        """One setup question: its options numbered, the first the default (named)."""
        default = options[0][1]
        named = [f"{n} {name}" for n, (_, name) in enumerate(options, start=1)]
        named[0] += " (the default)"
        self.talk.say(f"{label}: {', '.join(named)}.")
        prompt = f"{asking or label + ' number'} (empty for {default}): "
        return options[self.talk.choose_number(prompt, len(options), 1) - 1][0]

    # -- saving ----------------------------------------------------------------------------
    def _reported(self, event) -> None:
        """On the writer's thread: what became of the latest save of each draft."""
        with self._lock:
            self._events[event.session_id] = event

    def save(self) -> None:
        """Hand the draft to the writer and wait until it is on disk (said once if saving
        fails for now: it is tried again until it works)."""
        self.writer.submit(self.session)
        self.flush()

    def flush(self) -> None:
        from services.drafts import DraftGone, DraftSaveFailed

        told = False
        while self.session.id in self.writer.pending:
            self.writer.wait_written(0.5)
            with self._lock:
                event = self._events.get(self.session.id)
            if isinstance(event, DraftSaveFailed) and self.session.id in self.writer.pending:
                if not told:
                    self.talk.say(f"Not saved yet: {event.reason} Trying again until it works.")
                    told = True
                threading.Event().wait(0.1)
        with self._lock:
            event = self._events.get(self.session.id)
        if isinstance(event, DraftGone) and not event.expected:
            raise CommandError(event.reason)

    # -- the items -------------------------------------------------------------------------
    def walk(self) -> None:
        index = self.session.first_unanswered(self.checklist)
        if not self.session.unanswered(self.checklist):
            return  # everything is answered: what is left is the reflection
        section = None
        while True:
            items = self.session.visible_items(self.checklist)
            index = min(index, len(items) - 1)
            item = items[index]
            if item.section_id != section:
                section = item.section_id
                self.talk.say(f"Section: {self.checklist.section(section).title}.")
            self.show(item, index, len(items))
            step = self.answer(item)
            items = self.session.visible_items(self.checklist)
            ids = [i.id for i in items]
            here = ids.index(item.id) if item.id in ids else index
            if step < 0:
                if here == 0:
                    self.talk.say("This is the first item.")
                index = max(0, here - 1)
                continue
            following = [i for i in items[here + 1 :] if self.session.response(i.id) is None]
            missing = following or self.session.unanswered(self.checklist)
            if not missing:
                return
            index = ids.index(missing[0].id)

    def show(self, item: Item, index: int, total: int) -> None:
        prompt = item.prompt.strip()
        if prompt and prompt[-1] not in ".?!":
            prompt += "."
        lines = [f"Item {index + 1} of {total}. {prompt}"]
        if item.critical:
            lines.append("Key item.")
        entry = self.session.answers.get(item.id, {})
        if entry.get("response"):
            said = RESPONSE_LABELS[entry["response"]]
            labels = self.reason_labels(item)
            if labels:
                said += ". Reasons: " + "; ".join(labels)
            lines.append(f"Answered so far: {said}.")
        if entry.get("note"):
            lines.append("Note: " + entry["note"].replace("\n", " / "))
        self.talk.say(*lines)

    def reason_labels(self, item: Item) -> list[str]:
        library = self.store.library
        return [r.label for r in map(library.reason, self.session.reasons(item.id)) if r]

    def answer(self, item: Item) -> int:
        """Ask until the item is answered (1: move on) or `b` (-1: back)."""
        while True:
            key = self.talk.ask(ANSWER_PROMPT).strip().casefold()
            if key in ANSWER_KEYS:
                response = ANSWER_KEYS[key]
                before = self.session.reasons(item.id)
                self.session.answer(item, response)
                self.save()
                if response in NEEDS_REASON:
                    self.ask_reasons(item)
                elif before and not self.session.reasons(item.id):
                    self.say_reasons_taken_off(response, before)
                return 1
            if key == "w":
                self.why(item)
            elif key == "n":
                self.note(item)
            elif key == "b":
                return -1
            elif key == "q":
                raise Stopped()
            else:
                self.talk.say(ANSWER_EXPECTED)

    def why(self, item: Item) -> None:
        """Why the item matters, in the app's words and order (`reports.wording`): a heading
        and its words on one line; the evidence's passages each on a line under theirs."""
        lines = []
        for part in why_it_matters(item, self.store.library.requirement_title):
            if part.listed:
                lines += [f"{part.heading}:", *part.lines]
            else:
                lines += [f"{part.heading}: {line}" for line in part.lines]
        self.talk.say(*lines)

    def ask_reasons(self, item: Item) -> None:
        """What got in the way, by number. As in the app's picker, the reasons this answer
        already has are marked (a retired one among them is still listed), and they stand
        unless the person says otherwise: an empty line keeps them, `none` takes them off."""
        library = self.store.library
        given = self.session.reasons(item.id)
        offered = [
            r
            for level in REASON_LEVELS
            for r in library.reasons
            if r.level == level and r.offered(self.session.setup, given)
        ]
        if not offered:
            return
        self.talk.say("What got in the way?")
        number = 0
        for level in REASON_LEVELS:
            group = [r for r in offered if r.level == level]
            if group:
                self.talk.say(f"{REASON_LEVEL_LABELS[level]}:")
            for reason in group:
                number += 1
                marks = [REASON_RETIRED] if reason.retired else []
                if reason.id in given:
                    marks.append("given now")
                said = f" ({', '.join(marks)})" if marks else ""
                self.talk.say(f"{number}. {reason.label}{said}")
        numbers = [str(n) for n, r in enumerate(offered, start=1) if r.id in given]
        keep = ", ".join(numbers) if len(numbers) == len(given) else "the reasons given before"
        prompt = REASONS_AGAIN_PROMPT.format(keep=keep) if given else REASONS_PROMPT
        empty = f"an empty line to keep {keep}, or {NO_REASON} for no reason"
        while True:
            text = self.talk.ask(prompt).strip()
            if given and not text:
                self.talk.say("The reasons given before are kept.")
                return
            picked = [] if text.casefold() == NO_REASON else parse_numbers(text, len(offered))
            if picked is not None:
                break
            self.talk.say(
                f"Please type reason numbers from 1 to {len(offered)}, separated by commas "
                f"(e.g. 1,4), {empty if given else 'or an empty line for none'}."
            )
        chosen = [offered[n - 1] for n in picked]
        self.session.set_reasons(item, [r.id for r in chosen])
        self.save()
        if given and not chosen:
            self.talk.say("The reasons given before are taken off.")
        if any(r.asks_note for r in chosen):
            self.talk.say("Please say in a note what got in the way.")
            self.note(item)

    def say_reasons_taken_off(self, response: str, before: list[str]) -> None:
        """An answer that needs no reason takes off the ones given before: said, so that
        nothing the person gave goes unseen."""
        labels = [r.label for r in map(self.store.library.reason, before) if r]
        which = "reason given before is" if len(before) == 1 else "reasons given before are"
        listed = f": {'; '.join(labels)}" if labels else ""
        self.talk.say(
            f"{RESPONSE_LABELS[response]} needs no reason, so the {which} taken off{listed}."
        )

    # -- typed text ------------------------------------------------------------------------
    def note(self, item: Item) -> None:
        """A note typed line by line, ending with an empty line; checked by the identifier
        guard as in the app. At the end of input, what was typed is kept if it may be."""
        current = self.session.answers.get(item.id, {}).get("note", "")
        if current:
            self.talk.say(
                "The note so far: " + current.replace("\n", " / "),
                "What you type now replaces it; an empty first line keeps it.",
            )
        else:
            self.talk.say("Type the note line by line; an empty line ends it.")
        while True:
            lines: list[str] = []
            try:
                while True:
                    line = self.talk.ask(f"Note line {len(lines) + 1} (empty to end): ")
                    if not line.strip():
                        break
                    lines.append(line)
            except EndOfInput:
                text = "\n".join(lines).strip()
                if text and self.keep_text(text, "note", NOTE_LIMIT, confirmed=False):
                    self.session.set_note(item, text)
                    self.save()
                    self.talk.say("The note typed so far is saved.")
                raise
            text = "\n".join(lines).strip()
            if not text:
                self.talk.say("The note is unchanged.")
                return
            if self.keep_text(text, "note", NOTE_LIMIT):
                self.session.set_note(item, text)
                self.save()
                self.talk.say("Note saved.")
                self.language_hint(text)
                return
            self.talk.say("Please type the note again, or an empty line to leave it as it was.")

    def keep_text(self, text: str, noun: str, limit: int, confirmed: bool | None = None) -> bool:
        """Whether `text` may be written: over the limit or refused by the guard, no (it is
        said why); a warning (a bare date), only once the person says yes (`confirmed` None:
        ask; False: no, and say so)."""
        from services import guard
        from services.errors import IdentifierRefused, NeedsConfirmation

        if len(text) > limit:
            self.talk.say(
                f"Not saved: this {noun} has {len(text):,} characters, and it can have "
                f"up to {limit:,}."
            )
            return False
        try:
            guard.check(text, noun, noun)
        except IdentifierRefused as exc:
            self.talk.say(f"Not saved. {exc}")
            return False
        except NeedsConfirmation as exc:
            self.talk.say(str(exc))
            if confirmed is False:
                self.talk.say(f"Not saved: the {noun}, as nobody said to keep it.")
                return False
            return self.talk.yes_no("Keep it as it is? y/N: ")
        return True

    def language_hint(self, text: str) -> None:
        """The language coach, as the app shows it under a note or a reflection: kinder words
        for any stigmatising ones, after the text is saved (a hint, never a refusal). The
        guide is the app's: the built-in list with the service's own words."""
        self.talk.say(*language_hints(self.store.library.language.find(text)))

    # -- the reflection and finishing ------------------------------------------------------
    def reflect(self) -> None:
        library = self.store.library
        total = len(self.session.visible_items(self.checklist))
        missing = len(self.session.unanswered(self.checklist))
        if missing:
            self.talk.say(f"{total - missing} of {total} items answered.")
        else:
            self.talk.say(f"All {total} items answered.")
        if library.reflection:
            self.talk.say("Reflection. Each question is on its own line; an empty line skips it.")
        for prompt in library.reflection:
            self.talk.say(prompt.label)
            if prompt.hint:
                self.talk.say(prompt.hint)
            current = self.session.reflection.get(prompt.id, "")
            if current:
                self.talk.say(
                    f"So far: {current}", "What you type now replaces it; an empty line keeps it."
                )
            while True:
                text = self.talk.ask("Your answer (empty to skip): ").strip()
                if not text:
                    break
                if self.keep_text(text, "reflection", REFLECTION_LIMIT):
                    self.session.set_reflection(prompt.id, text)
                    self.save()
                    self.language_hint(text)
                    break
                self.talk.say("Please type it again, or an empty line to skip it.")
        flagged = self.talk.yes_no(FLAG_PROMPT, default=False)
        if flagged != self.session.flagged:
            self.session.set_flagged(flagged)
            self.save()
        self.finish()

    def finish(self) -> None:
        self.flush()
        try:
            done = self.store.sessions.finish(self.session.copy())
        except FinishedElsewhere as exc:
            raise CommandError(str(exc)) from exc
        self.writer.forget(done.id)
        self.talk.say(self.summary(done))
        self.talk.say("Finished and saved.")

    def summary(self, done: Session) -> str:
        from services import sessions as session_use

        figures = session_use.summary(self.store, done, self.checklist)
        counts = figures.counts
        parts = [f"{counts[key]} {RESPONSE_LABELS[key].lower()}" for key in ANSWER_KEYS.values()]
        text = f"{self.checklist.title}: {figures.total} items, " + ", ".join(parts)
        if figures.unanswered:
            text += f", {len(figures.unanswered)} not answered"
        text += "."
        got_in_way = []
        for level in REASON_LEVELS:
            labels = list(dict.fromkeys(g.reason_label for g in figures.by_level.get(level, [])))
            if labels:
                got_in_way.append(f"{REASON_LEVEL_LABELS[level]}: {'; '.join(labels)}.")
        if got_in_way:
            text += " What got in the way. " + " ".join(got_in_way)
        notes = sum(1 for a in done.answers.values() if a.get("note"))
        if notes:
            text += f" {notes} note{'s' if notes != 1 else ''}."
        text += " Taken to supervision." if done.flagged else " Not taken to supervision."
        return text


def how_long(seconds: float) -> str:
    """ "45 seconds", "1 minute", "5 minutes"."""
    if seconds < 90:
        count, unit = round(seconds), "second"
    else:
        count, unit = round(seconds / 60), "minute"
    return f"{count} {unit}{'s' if count != 1 else ''}"


def fitting(options: tuple[tuple[str, str], ...], wanted) -> tuple[tuple[str, str], ...]:
    """The options a checklist says it fits (`settings: [...]`), in its order; all when it
    names none (or none that are known)."""
    if not wanted:
        return options
    labels = dict(options)
    chosen = tuple((key, labels[key]) for key in wanted if key in labels)
    return chosen or options


def parse_numbers(text: str, count: int) -> list[int] | None:
    """ "1,4" or "1 4" as [1, 4]; [] for an empty line; None when anything is not a number
    from 1 to `count`."""
    if not text:
        return []
    parts = [p for p in re.split(r"[,;\s]+", text) if p]
    if not all(p.isdigit() and 1 <= int(p) <= count for p in parts):
        return None
    return list(dict.fromkeys(int(p) for p in parts))
