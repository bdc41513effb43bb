"""The SIGKILL crash test: a writer process, and the cycle that kills and checks it.

Run as a script, ``python tests/crash_writer.py DATA_DIR SEED`` is the child: it
opens the bank in DATA_DIR and edits stories through the real StoryService
forever, as a user would (new stories, text of every size, values, tags,
copies, trash, archive, purge). Around every call it prints one line and
flushes::

    BEGIN <story id | new> <sha> <shape>   before the call
    ACK <story id> <sha> <shape>           after the call returned

where ``sha`` is the SHA-256 of the story's canonical JSON as the writer expects
it to be stored (``absent`` once purged) and ``shape`` is a short JSON summary
used only to explain a failure. An ACK means the commit was acknowledged.

Imported (by tests/test_crash.py and bench/crash.py), it offers
:func:`run_cycles`: start the writer on one data folder, SIGKILL it at a random
moment, check the files, again and again, so damage could accumulate.

Every text field a save writes carries a marker ``⟦key:revision:group⟧`` at both
ends, where ``group`` lists the fields that one save wrote. A story is torn
when a field's group names a field holding an older revision: a save that
landed only in part.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypedDict

from storybank.core.records import CONTEXT_FIELDS, SECTIONS, TEXT_FIELDS, StoryRecord, Strength
from storybank.paths import DATABASE_NAME, database_path

if TYPE_CHECKING:
    from storybank.services.stories import StoryService

WRITER = Path(__file__).resolve()
ABSENT = "absent"
NEW = "new"
MAX_STORIES = 24
FIRST_ACK_TIMEOUT = 60.0
MARKER = re.compile(r"⟦([0-9a-f]{6}):(\d+):([0-8]+)⟧")

_SENTENCES = (
    "I led the migration of our billing system while the team kept shipping features "
    "customers churned because latency doubled after the launch so we measured every "
    "request and cut p95 from 900 ms to 120 ms my manager gave me candid feedback about "
    "the roadmap we disagreed but I wrote a proposal with data and the budget was "
    "approved within two weeks retention rose 12% onboarding time fell by a third the "
    "incident review blamed no one and I owned the follow-up actions"
)
WORDS = tuple(_SENTENCES.split())
# Text a real user pastes: emoji (with skin tones, ZWJ sequences and flags),
# right-to-left scripts, combining accents, CJK, odd whitespace, markup, SQL.
SNIPPETS = (
    "🚀",
    "👩🏽‍💻",
    "🧑‍🤝‍🧑",
    "🇺🇦",
    "✅ done",
    "قمت بقيادة فريق من خمسة مهندسين",
    "שיפרנו את זמן התגובה ב־40%",
    "\u200fRTL mark",
    "数据迁移提前两周完成",
    "データ移行",
    "e\u0301quipe",
    "naïve café",
    "Straße",
    "line\u2028separator",
    "zero\u200bwidth",
    "\ufeffbom",
    "'; DROP TABLE story; --",
    '"quoted" and \\backslash',
    "100%_LIKE",
    "<b>not html</b>",
    "**markdown** _here_",
    "∑ 40% ↑ → ✓",
)
_POOL = WORDS + SNIPPETS
_POOL_WEIGHTS = [12] * len(WORDS) + [1] * len(SNIPPETS)
_SEPARATORS = (" ", "\n", ", ", ". ", "\n\n", "\t", "\r\n", "  ")
_SEPARATOR_WEIGHTS = (60, 6, 8, 8, 2, 1, 1, 1)
# Mixed case on purpose: tags are matched without case (ASCII, NOCASE) and
# compared casefolded, so "Failure" on one story and "failure" on another meet.
TAG_POOL = (
    "failure",
    "Failure",
    "conflict",
    "Leadership",
    "leadership",
    "feedback",
    "Straße",
    "STRASSE",
    "ünïcode",
    "Ünïcode",
    "إدارة",
    "🚀 launch",
    "big win",
    "Q3 2024",
    "cross-team",
)


class State(TypedDict):
    """A story as the writer expects it stored: what the crash check compares."""

    fields: dict[str, str]
    values: dict[str, str]  # "pack/value" key -> strength
    tags: list[str]  # casefolded, sorted
    archived: bool
    deleted: bool


# --- canonical form --------------------------------------------------------


def digest(state: State | None) -> str:
    """SHA-256 of the canonical JSON of a story (``absent`` for no story)."""
    if state is None:
        return ABSENT
    text = json.dumps(state, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_tags(names: list[str] | tuple[str, ...]) -> list[str]:
    return sorted(name.casefold() for name in names)


def shape(state: State | None) -> dict[str, str]:
    """A short summary of a story (sizes, digests, markers) to explain a mismatch."""
    if state is None:
        return {"story": ABSENT}
    summary = {}
    for name, text in state["fields"].items():
        found = MARKER.search(text)
        mark = f"{found[1]}/r{found[2]}" if found else "-"
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        summary[name] = f"{len(text)} chars {sha} {mark}"
    summary["values"] = ",".join(f"{k}={v}" for k, v in sorted(state["values"].items()))
    summary["tags"] = ",".join(state["tags"])
    summary["flags"] = f"archived={state['archived']} deleted={state['deleted']}"
    return summary


def shape_diff(expected: dict[str, str], found: dict[str, str]) -> str:
    parts = [
        f"{key}: expected [{expected.get(key, '?')}], found [{found.get(key, '?')}]"
        for key in sorted(set(expected) | set(found))
        if expected.get(key) != found.get(key)
    ]
    return "; ".join(parts) or "(shapes equal, text differs)"


def torn_fields(fields: dict[str, str]) -> list[str]:
    """Why a story's fields cannot come from whole saves (empty when they can)."""
    problems = []
    marks: dict[str, tuple[str, int, str] | None] = {}
    for name, text in fields.items():
        found = MARKER.findall(text)
        if not found:
            marks[name] = None  # never written by a save: created empty
            continue
        if len(found) != 2 or found[0] != found[1]:
            problems.append(f"{name} has markers {found} (cut or mixed within the field)")
        key, revision, group = found[0]
        marks[name] = (key, int(revision), group)
    keys = {mark[0] for mark in marks.values() if mark}
    if len(keys) > 1:
        problems.append(f"fields carry markers of several stories: {sorted(keys)}")
    for name, mark in marks.items():
        if mark is None:
            continue
        behind = []
        for index in mark[2]:
            other = TEXT_FIELDS[int(index)]
            seen = marks.get(other)
            if seen is None or seen[1] < mark[1]:
                behind.append(f"{other} (r{seen[1] if seen else '-'})")
        if behind:
            problems.append(f"{name} (r{mark[1]}) was saved with {', '.join(behind)}")
    return problems


def read_states(conn: sqlite3.Connection) -> dict[int, State]:
    """Every story in the file, in canonical form, read with plain SQL."""
    states: dict[int, State] = {}
    for row in conn.execute(
        f"SELECT id, {', '.join(TEXT_FIELDS)}, archived, deleted_at IS NOT NULL FROM story"
    ):
        states[row[0]] = State(
            fields=dict(zip(TEXT_FIELDS, row[1 : 1 + len(TEXT_FIELDS)], strict=True)),
            values={},
            tags=[],
            archived=bool(row[-2]),
            deleted=bool(row[-1]),
        )
    for story_id, key, strength in conn.execute(
        "SELECT sv.story_id, f.key || '/' || v.key, sv.strength FROM story_value sv "
        "JOIN value v ON v.id = sv.value_id JOIN framework f ON f.id = v.framework_id"
    ):
        if story_id in states:
            states[story_id]["values"][key] = strength
    for story_id, name in conn.execute(
        "SELECT st.story_id, t.name FROM story_tag st JOIN tag t ON t.id = st.tag_id"
    ):
        if story_id in states:
            states[story_id]["tags"].append(name)
    for state in states.values():
        state["tags"] = canonical_tags(state["tags"])
    return states


# --- the child: a user editing stories, as fast as it can ------------------


class Writer:
    """The child's side: realistic edits through StoryService, each announced and acked."""

    def __init__(self, service: StoryService, rng: random.Random, out: IO[str]) -> None:
        self.service = service
        self.rng = rng
        self.out = out
        self.value_keys = {
            value.id: f"{pack.key}/{value.key}" for pack in service.packs() for value in pack.values
        }
        self.value_ids = [value.id for value in service.active_values()]
        # What the writer believes is stored: the parent checked it against its
        # log before starting this process, so reading it back is the truth.
        self.stories: dict[int, State] = {}
        self.keys: dict[int, str] = {}
        self.revision = 0
        for show in ("active", "archived", "trash"):
            for story_id in service.story_ids(show=show):
                state = self._from_record(service.get_story(story_id))
                self.stories[story_id] = state
                marks = [MARKER.search(text) for text in state["fields"].values()]
                found = [mark for mark in marks if mark]
                self.keys[story_id] = found[0][1] if found else self._new_key()
                self.revision = max([self.revision, *(int(mark[2]) for mark in found)])

    def _from_record(self, record: StoryRecord) -> State:
        return State(
            fields={name: record.text(name) for name in TEXT_FIELDS},
            values={
                self.value_keys[vid]: strength.value for vid, strength in record.values.items()
            },
            tags=canonical_tags(record.tags),
            archived=record.archived,
            deleted=record.deleted,
        )

    def _new_key(self) -> str:
        return f"{self.rng.getrandbits(24):06x}"

    def _emit(self, kind: str, target: int | str, state: State | None) -> None:
        summary = json.dumps(shape(state), sort_keys=True, separators=(",", ":"))
        self.out.write(f"{kind} {target} {digest(state)} {summary}\n")
        self.out.flush()

    def _text(self, name: str, marker: str, allow_large: bool) -> str:
        rng = self.rng
        if name == "title":
            size = rng.randint(8, 120)
        elif name in CONTEXT_FIELDS:
            size = rng.randint(2, 60)
        else:
            roll = rng.random()
            if allow_large and roll < 0.05:
                size = rng.randint(50_000, 200_000)
            elif roll < 0.2:
                size = rng.randint(2_000, 20_000)
            else:
                size = rng.randint(40, 2_000)
        chunks, length = [], 0
        while length < size:
            words = rng.choices(_POOL, weights=_POOL_WEIGHTS, k=64)
            seps = rng.choices(_SEPARATORS, weights=_SEPARATOR_WEIGHTS, k=64)
            chunk = "".join(word + sep for word, sep in zip(words, seps, strict=True))
            chunks.append(chunk)
            length += len(chunk)
        # Cutting mid-way may split an emoji sequence or a combining accent:
        # still valid text, and a good test of byte-exact storage.
        return f"{marker} {''.join(chunks)[:size]} {marker}"

    def _fields(self, key: str, names: list[str]) -> dict[str, str]:
        """New text for ``names``, all marked as one revision written together."""
        self.revision += 1
        group = "".join(str(TEXT_FIELDS.index(name)) for name in names)
        marker = f"⟦{key}:{self.revision}:{group}⟧"
        large = self.rng.randrange(len(names))  # at most one huge field per save
        return {
            name: self._text(name, marker, allow_large=index == large)
            for index, name in enumerate(names)
        }

    def _change(self, story_id: int, state: State | None, call: Callable[[], object]) -> None:
        self._emit("BEGIN", story_id, state)
        call()
        self._emit("ACK", story_id, state)
        if state is None:
            del self.stories[story_id]
        else:
            self.stories[story_id] = state

    # --- operations

    def create(self) -> None:
        key = self._new_key()
        names = ["title", *self.rng.sample(CONTEXT_FIELDS, self.rng.randint(0, 2))]
        fields = self._fields(key, names)
        state = State(
            fields={name: fields.get(name, "") for name in TEXT_FIELDS},
            values={},
            tags=[],
            archived=False,
            deleted=False,
        )
        self._emit("BEGIN", NEW, state)
        record = self.service.create_story(**fields)
        self._emit("ACK", record.id, state)
        self.stories[record.id] = state
        self.keys[record.id] = key

    def save(self, story_id: int) -> None:
        rng = self.rng
        count = rng.choice((1, 1, 2, 3, 5, len(TEXT_FIELDS)))
        pool = [*SECTIONS, *SECTIONS, *TEXT_FIELDS]  # the story sections are edited most
        names: list[str] = []
        while len(names) < count:
            name = rng.choice(pool)
            if name not in names:
                names.append(name)
        names.sort(key=TEXT_FIELDS.index)
        fields = self._fields(self.keys[story_id], names)
        state = copy.deepcopy(self.stories[story_id])
        state["fields"].update(fields)
        self._change(story_id, state, lambda: self.service.save_story(story_id, fields))

    def tag_value(self, story_id: int) -> None:
        value_id = self.rng.choice(self.value_ids)
        strength = self.rng.choice((Strength.PRIMARY, Strength.SUPPORTING, None))
        state = copy.deepcopy(self.stories[story_id])
        if strength is None:
            state["values"].pop(self.value_keys[value_id], None)
        else:
            state["values"][self.value_keys[value_id]] = strength.value
        self._change(
            story_id, state, lambda: self.service.set_story_value(story_id, value_id, strength)
        )

    def tag(self, story_id: int) -> None:
        names = self.rng.sample(TAG_POOL, self.rng.randint(0, 4))
        state = copy.deepcopy(self.stories[story_id])
        # The bank keeps one of the names that differ only in case.
        state["tags"] = sorted({name.casefold() for name in names})
        self._change(story_id, state, lambda: self.service.set_story_tags(story_id, names))

    def duplicate(self, story_id: int) -> None:
        state = copy.deepcopy(self.stories[story_id])
        state["fields"]["title"] = f"{state['fields']['title'] or 'Untitled story'} (copy)"
        state["archived"] = state["deleted"] = False
        self._emit("BEGIN", NEW, state)
        record = self.service.duplicate_story(story_id)
        self._emit("ACK", record.id, state)
        self.stories[record.id] = state
        self.keys[record.id] = self.keys[story_id]

    def trash(self, story_id: int) -> None:
        state = copy.deepcopy(self.stories[story_id])
        state["deleted"] = not state["deleted"]
        self._change(story_id, state, lambda: self.service.set_trashed(story_id, state["deleted"]))

    def archive(self, story_id: int) -> None:
        state = copy.deepcopy(self.stories[story_id])
        state["archived"] = not state["archived"]
        self._change(
            story_id, state, lambda: self.service.set_archived(story_id, state["archived"])
        )

    def purge(self, story_id: int) -> None:
        self._change(story_id, None, lambda: self.service.purge_story(story_id))
        del self.keys[story_id]

    def step(self) -> None:
        """One user action, chosen at random (but from the seed)."""
        rng = self.rng
        full = len(self.stories) >= MAX_STORIES
        if not self.stories:
            self.create()
            return
        weights = {
            self.save: 45,
            self.tag_value: 12,
            self.tag: 12,
            self.trash: 5,
            self.archive: 4,
            self.purge: 40 if full else 3,
            self.duplicate: 0 if full else 4,
        }
        if not full and rng.random() < 0.1:
            self.create()
            return
        action = rng.choices(list(weights), weights=list(weights.values()))[0]
        action(rng.choice(sorted(self.stories)))

    def run_forever(self) -> None:
        while True:
            self.step()


def child_main(argv: list[str]) -> None:
    """The writer process: open the bank like the app does, then edit until killed."""
    folder, seed = Path(argv[0]), int(argv[1])
    from storybank.core.bank import open_bank
    from storybank.services.stories import StoryService

    # No QCoreApplication: the service is a QObject whose signals are emitted
    # with no event loop; direct calls need none.
    repo = open_bank(folder)
    service = StoryService(repo, folder)
    Writer(service, random.Random(seed), sys.stdout).run_forever()


# --- the parent: kill, then check ----------------------------------------


@dataclass
class CrashReport:
    """Running totals of a crash run, and every problem found (none when all is well)."""

    seed: int
    cycles: int = 0
    kills: int = 0
    acknowledged: int = 0
    #: Kills that fell after a commit but before its ACK was printed.
    unacknowledged_commits: int = 0
    lost: int = 0
    torn: int = 0
    phantom: int = 0
    integrity_failures: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        integrity = "ok" if not self.integrity_failures else f"{self.integrity_failures} FAILED"
        extra = f", {self.phantom} unacknowledged stories" if self.phantom else ""
        return (
            f"{self.kills} kills, {self.acknowledged} acknowledged commits, {self.lost} lost, "
            f"{self.torn} torn{extra}, integrity {integrity} ({self.cycles} cycles, "
            f"{self.unacknowledged_commits} kills between a commit and its ACK, seed {self.seed})"
        )


@dataclass
class Pending:
    """The change the writer announced but had not acknowledged when it died."""

    target: str
    sha: str
    shape: dict[str, str]


@dataclass
class Known:
    """The parent's record of each story's acknowledged state (sha and shape)."""

    sha: dict[int, str] = field(default_factory=dict)
    shape: dict[int, dict[str, str]] = field(default_factory=dict)


def parse_lines(lines: list[str]) -> tuple[list[tuple[int, str, dict[str, str]]], Pending | None]:
    """The writer's acknowledged changes in order, and the one still pending."""
    acks: list[tuple[int, str, dict[str, str]]] = []
    pending = None
    for line in lines:
        if not line.endswith("\n"):
            break  # the kill cut this line short: it was never acknowledged
        kind, target, sha, summary = line.rstrip("\n").split(" ", 3)
        if kind == "BEGIN":
            pending = Pending(target, sha, json.loads(summary))
        elif kind == "ACK":
            acks.append((int(target), sha, json.loads(summary)))
            pending = None
        else:
            raise ValueError(f"unexpected line from the writer: {line!r}")
    return acks, pending


def run_writer(
    folder: Path, seed: int, delay: float, work: Path, env: dict[str, str]
) -> tuple[list[str], bool, str]:
    """Start the writer, SIGKILL it ``delay`` s after its first ACK.

    Returns its output lines, whether it was killed while running, and an
    explanation when it was not (it died by itself or never acknowledged).
    """
    lines: list[str] = []
    first_ack = threading.Event()
    errors = work / "writer-stderr.txt"

    def read(stream: IO[bytes]) -> None:
        # Bytes, split on "\n" only: text may hold "\r" and U+2028.
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace")
            lines.append(line)
            if line.startswith("ACK ") and line.endswith("\n"):
                first_ack.set()

    with (
        errors.open("wb") as stderr,
        subprocess.Popen(
            [sys.executable, str(WRITER), str(folder), str(seed)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
        ) as proc,
    ):
        assert proc.stdout is not None
        reader = threading.Thread(target=read, args=(proc.stdout,), daemon=True)
        reader.start()
        deadline = time.monotonic() + FIRST_ACK_TIMEOUT
        while not first_ack.wait(0.02):
            if proc.poll() is not None or time.monotonic() > deadline:
                break
        if first_ack.is_set():
            time.sleep(delay)
        killed = proc.poll() is None and first_ack.is_set()
        # SIGKILL on POSIX (TerminateProcess on Windows): no handler, no cleanup.
        proc.kill()
        proc.wait()
        reader.join()
    if killed:
        return lines, True, ""
    tail = errors.read_text("utf-8", "replace")[-2000:]
    if not first_ack.is_set():
        reason = f"no ACK within {FIRST_ACK_TIMEOUT:.0f} s (exit code {proc.returncode})"
    else:
        reason = f"it exited by itself with code {proc.returncode}"
    return lines, False, f"writer (seed {seed}): {reason}; stderr:\n{tail}"


def snapshot(folder: Path, target: Path) -> Path:
    """Copy the database and its WAL files as the kill left them.

    Checking a copy leaves the hot WAL in place, so the next writer has to
    recover it, as the app does after a crash.
    """
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for path in folder.glob(f"{DATABASE_NAME}*"):
        shutil.copy2(path, target / path.name)
    return target


def check_bank(
    folder: Path, known: Known, pending: Pending | None, report: CrashReport, label: str
) -> Known:
    """Check the bank in ``folder`` against what was acknowledged; return its states."""
    from storybank.core.bank import open_bank
    from storybank.core.database import StorageError

    def problem(text: str) -> None:
        report.problems.append(f"{label}: {text}")

    try:
        with closing(sqlite3.connect(database_path(folder), isolation_level=None)) as conn:
            integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
            try:
                # Also compares the external-content index with the story table.
                conn.execute("INSERT INTO story_fts(story_fts, rank) VALUES ('integrity-check', 1)")
                fts = ""
            except sqlite3.DatabaseError as exc:
                fts = str(exc)
            states = read_states(conn)
    except sqlite3.DatabaseError as exc:
        report.integrity_failures += 1
        problem(f"the database cannot be read: {exc}")
        return known
    if integrity != ["ok"] or foreign or fts:
        report.integrity_failures += 1
        problem(f"integrity_check {integrity[:5]}, foreign_key_check {foreign[:5]}, fts {fts!r}")

    found = {story_id: digest(state) for story_id, state in states.items()}
    explained = False
    for story_id in sorted(set(known.sha) | set(found)):
        want, have = known.sha.get(story_id, ABSENT), found.get(story_id, ABSENT)
        if want == have:
            continue
        if (
            pending is not None
            and not explained
            and have == pending.sha
            and (pending.target == str(story_id) or (pending.target == NEW and want == ABSENT))
        ):
            explained = True  # committed, killed before the ACK was printed
            report.unacknowledged_commits += 1
            continue
        have_shape = shape(states.get(story_id))
        if want == ABSENT:
            report.phantom += 1
            problem(f"story {story_id} is stored but was never acknowledged: {have_shape}")
        else:
            report.lost += 1
            diff = shape_diff(known.shape.get(story_id, {}), have_shape)
            if pending is not None and pending.target == str(story_id):
                diff += f" (nor the pending change: {shape_diff(pending.shape, have_shape)})"
            problem(f"story {story_id} lost its acknowledged state: {diff}")
    for story_id, state in states.items():
        torn = torn_fields(state["fields"])
        if torn:
            report.torn += 1
            problem(f"story {story_id} is torn: {'; '.join(torn)}")

    try:
        repo = open_bank(folder)
        try:
            shown = sum(repo.count_stories(show) for show in ("active", "archived", "trash"))
        finally:
            repo.db.close()
        if shown != len(states):
            problem(f"open_bank shows {shown} stories, the file holds {len(states)}")
    except StorageError as exc:
        report.integrity_failures += 1
        problem(f"open_bank refused the folder: {exc}")
    # The next writer starts from what is stored, so the check does too.
    return Known(sha=found, shape={story_id: shape(state) for story_id, state in states.items()})


def run_cycles(
    folder: Path,
    cycles: int,
    seed: int,
    work: Path,
    *,
    stop_on_failure: bool = True,
    on_cycle: Callable[[CrashReport], None] | None = None,
) -> CrashReport:
    """Kill a writer on ``folder`` ``cycles`` times, checking the bank after each kill."""
    rng = random.Random(seed)
    report = CrashReport(seed=seed)
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", STORYBANK_CONFIG_DIR=str(work / "config"))
    known = Known()
    if database_path(folder).exists():
        with closing(sqlite3.connect(database_path(folder))) as conn:
            states = read_states(conn)
        known = Known(
            {i: digest(s) for i, s in states.items()}, {i: shape(s) for i, s in states.items()}
        )
    for cycle in range(1, cycles + 1):
        child_seed, delay = rng.randrange(2**32), rng.uniform(0.05, 0.6)
        lines, killed, failure = run_writer(folder, child_seed, delay, work, env)
        report.cycles = cycle
        report.kills += killed
        if failure:
            report.problems.append(f"cycle {cycle}: {failure}")
        acks, pending = parse_lines(lines)
        report.acknowledged += len(acks)
        for story_id, sha, summary in acks:
            known.sha[story_id] = sha
            known.shape[story_id] = summary
        copied = snapshot(folder, work / "snapshot")
        label = (
            f"cycle {cycle} (writer seed {child_seed}, killed {delay:.2f} s after its first ACK)"
        )
        known = check_bank(copied, known, pending, report, label)
        if on_cycle is not None:
            on_cycle(report)
        # A damaged file ends the run even in the bench: nothing after it means much.
        if report.integrity_failures or (report.problems and stop_on_failure):
            return report
    # Last, the folder itself (not a copy), as the app would open it.
    check_bank(folder, known, None, report, "final check of the data folder")
    return report


if __name__ == "__main__":
    child_main(sys.argv[1:])
