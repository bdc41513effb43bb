"""Command-line shape and the headless subcommands.

``storybank`` alone opens the window; ``storybank COMMAND`` runs headless.
Exit status: 0 done, 2 bad arguments, 1 any other failure, with one clear
line on stderr.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, NoReturn

from storybank import __version__

if TYPE_CHECKING:
    from storybank.core.delivery import DeliveryReport
    from storybank.core.records import StoryRecord, ValueInfo
    from storybank.core.redaction import Redactor
    from storybank.core.repository import Repository
    from storybank.core.transcript import Transcript, TranscriptCheck
    from storybank.core.transfer.records import ImportPlan

# What would break a line or drive the terminal: C0 and C1 controls (newline,
# escape), Unicode's line and paragraph separators, and lone surrogates (bytes
# of a path that were not UTF-8, which the terminal cannot be sent).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def one_line(text: str) -> str:
    """``text`` kept to one safe line: each control character escaped as ``repr`` does."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose complaints are one line on stderr, with status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {one_line(message)} (see '{self.prog} --help')\n")


def _given(text: str) -> str:
    """A path argument, refused when empty: '' would quietly mean the current folder."""
    if not text:
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=_given,
        default=default,
        help="use the story bank in DIR (default: $STORYBANK_DATA_DIR or the user data folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="open a throwaway bank filled with example stories",
    )


COMMANDS = ("check", "export", "import", "backup", "sheet", "coach", "delivery")

ENVIRONMENT = """\
environment:
  STORYBANK_DATA_DIR    the data folder when --data-dir is not given
                        (default: the user data folder)
  STORYBANK_CONFIG_DIR  the folder of the settings file (default: the data
                        folder, when it was chosen by --data-dir or
                        STORYBANK_DATA_DIR; else the user config folder)

Only the window and 'import' (but not its dry run) make a bank where there is
none; the other commands need one.
"""


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``storybank [options] [COMMAND ...]``.

    When ``argv`` names no command and asks for no help, the subcommands are
    left out: the window opens without building their parsers.
    """
    parser = _Parser(
        prog="storybank",
        description="Storybank: write, tag and rehearse your behavioral-interview stories.",
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"storybank {__version__}")
    _common(parser, suppress=False)
    if argv is not None and not {"-h", "--help", *COMMANDS} & set(argv):
        # Any word left over is no command: refused naming the ones there are.
        parser.add_argument("command", nargs="?", choices=COMMANDS, metavar="COMMAND")
        return parser
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_data_commands(commands)
    _add_output_commands(commands)
    _add_delivery_command(commands)
    return parser


REDACT_HELP = (
    "replace the confidential details listed in Preferences > Confidential with their "
    "aliases; the original text is never written"
)


def _add_data_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    """check, export, import and backup: the bank's own data."""
    check = commands.add_parser(
        "check", help="check the story bank's integrity and schema, and count its contents"
    )
    _common(check, suppress=True)
    export = commands.add_parser(
        "export", help="export stories as a Markdown folder, or everything as one JSON file"
    )
    export.add_argument("--format", choices=("md", "json"), required=True)
    export.add_argument(
        "-o", "--output", metavar="PATH", type=_given, required=True, help="folder or file"
    )
    export.add_argument(
        "--with-recordings",
        action="store_true",
        help="with --format json: copy the recorded answers into a folder beside the file "
        "(they are left out otherwise)",
    )
    export.add_argument("--redact", action="store_true", help=REDACT_HELP)
    _common(export, suppress=True)
    importer = commands.add_parser(
        "import", help="import a JSON export, a Markdown story, or a folder of them"
    )
    importer.add_argument("path", metavar="PATH", type=_given)
    importer.add_argument("--dry-run", action="store_true", help="print the plan; change nothing")
    importer.add_argument(
        "--on-conflict",
        choices=("keep-both", "keep-newer", "replace", "skip"),
        default="keep-both",
        help="what to do when both copies changed (default: keep-both)",
    )
    _common(importer, suppress=True)
    backup = commands.add_parser(
        "backup", help="make a verified backup of the story bank now (and rotate old ones)"
    )
    _common(backup, suppress=True)


def _add_output_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    """sheet and coach: what Storybank makes of the stories."""
    sheet = commands.add_parser(
        "sheet",
        help="print a story sheet to PDF, with no window",
        description="Write a story sheet of the bank's active stories as a PDF file.",
    )
    sheet.add_argument(
        "--layout", choices=("cheat", "full", "matrix"), default="cheat", help="default: cheat"
    )
    sheet.add_argument("--value", metavar="KEY", help="only stories tagged with this value")
    sheet.add_argument("--tag", metavar="TAG", help="only stories with this tag")
    sheet.add_argument(
        "--round",
        metavar="ROUND",
        type=_given,
        help="instead, the prep sheet of one interview round: its uuid, or "
        "'COMPANY/ROUND NAME' (e.g. 'Netflix/Hiring-manager screen')",
    )
    sheet.add_argument(
        "--page-size", choices=("A4", "Letter"), help="paper size (default: from the locale)"
    )
    sheet.add_argument("-o", "--output", metavar="FILE.pdf", required=True, help="the PDF to write")
    sheet.add_argument("--redact", action="store_true", help=REDACT_HELP)
    _common(sheet, suppress=True)
    coach = commands.add_parser(
        "coach",
        help="coach a story written as a Markdown file, like a linter",
        description=(
            "Print the readiness score, the rubric (ownership, specificity, result, "
            "reflection, fit to the tagged values, structure; each 1-5) and the coach's "
            "findings for a story file. Exit status: 0 when no finding is a problem, 1 when "
            "any is (like a linter) or the file cannot be read, 2 for bad arguments."
        ),
    )
    coach.add_argument(
        "file", metavar="FILE.md", type=_given, help="a story in Storybank's Markdown format"
    )
    coach.add_argument("--json", action="store_true", help="print the report as JSON")
    _common(coach, suppress=True)


def _add_delivery_command(commands: argparse._SubParsersAction[_Parser]) -> None:
    """delivery: how a recorded answer sounded."""
    delivery = commands.add_parser(
        "delivery",
        help="measure a recorded answer: speaking time, pauses, pace and length",
        description=(
            "Measure the delivery of an answer recorded as a WAV file (16-bit PCM, mono or "
            "stereo): its length against the practice target, speaking time and silence, "
            "pauses over 0.5 s and over 2 s (when and how long), and the speech rate in "
            "syllables a minute with an estimate in words a minute (both approximate). "
            "With the optional extra installed (uv sync --extra transcribe), the answer is "
            "also transcribed on this computer (Whisper tiny.en, never downloaded) and "
            "checked: fillers, 'I' against 'we', the coach's findings on what was said and, "
            "with --story, the story's figures and values heard or missed. "
            "Exit status: 0 done, 1 when the file cannot be read or is refused (or the "
            "transcript fails), 2 for bad arguments."
        ),
    )
    delivery.add_argument("file", metavar="FILE.wav", type=_given, help="the recorded answer")
    delivery.add_argument("--json", action="store_true", help="print the report as JSON")
    delivery.add_argument(
        "--story",
        metavar="STORY",
        type=_given,
        help="a story in the bank, by its id, its uuid or its title: the coach's estimate "
        "of its speaking time is shown beside the take's, and its key points heard or missed",
    )
    delivery.add_argument(
        "--no-transcript", action="store_true", help="measure only; do not transcribe"
    )
    delivery.add_argument(
        "--model",
        metavar="DIR",
        type=_given,
        help="transcribe with this CTranslate2 Whisper model folder instead of the bundled "
        "tiny.en (read from disk only, never downloaded)",
    )
    _common(delivery, suppress=True)


def _fail(message: str, status: int = 1) -> int:
    """Say what went wrong in one line on stderr; return the exit status."""
    print(f"storybank: {one_line(message)}", file=sys.stderr)
    return status


def run_check(data_dir: str | None, demo: bool) -> int:
    """``storybank check``: open the bank (migrating if needed) and verify it."""
    import sqlite3

    from storybank.core import recordings
    from storybank.core.bank import open_chosen_bank
    from storybank.core.database import StorageError
    from storybank.core.practice_repository import PracticeRepository

    try:
        repo, _folder = open_chosen_bank(data_dir, demo)
    except (StorageError, OSError) as exc:
        return _fail(str(exc))
    try:
        reader = repo.db.reader()
        integrity = reader.execute("PRAGMA integrity_check").fetchone()[0]
        problems = reader.execute("PRAGMA foreign_key_check").fetchall()
        stories = repo.count_stories()
        packs = repo.packs()
        takes = [take.name for take in PracticeRepository(repo.db).takes()]
    except (StorageError, sqlite3.Error) as exc:
        return _fail(str(exc))
    finally:
        repo.db.close()
    if integrity != "ok" or problems:
        return _fail(
            f"{repo.db.path}: integrity check failed: {integrity}; {len(problems)} bad links"
        )
    from storybank.core.backup import backup_dir, list_backups

    active = ", ".join(pack.name for pack in packs if pack.active) or "none"
    backups = list_backups(backup_dir(repo.db.path.parent))
    newest = backups[0].made_at.astimezone().strftime("%Y-%m-%d %H:%M") if backups else "none"
    print(f"{repo.db.path}: ok")
    print(f"stories: {stories} · active packs: {active}")
    print(f"backups: {len(backups)} · newest: {newest}")
    folder = repo.db.path.parent / recordings.FOLDER_NAME
    print(f"recordings: {recordings.usage(folder, takes).summary()}")
    return 0


def run_coach(path: str, as_json: bool) -> int:
    """``storybank coach FILE.md``: analyse a story file with the built-in packs."""
    import json

    from storybank.core.coach import analyze, report_to_json
    from storybank.core.interchange import InterchangeError, TransferError, parse_story_markdown
    from storybank.core.packs import PackValue, builtin_packs, value_key
    from storybank.core.records import Strength
    from storybank.core.rubric import DIMENSIONS, shown
    from storybank.core.speaking import clock
    from storybank.core.transfer.reading import read_story_text

    try:
        story = parse_story_markdown(read_story_text(Path(path)))
    except InterchangeError as exc:
        return _fail(f"{path}: {exc}")
    except TransferError as exc:  # it names the file
        return _fail(str(exc))
    known: dict[str, PackValue] = {}
    for pack in builtin_packs():
        for pack_value in pack.values:
            for alias in (pack_value.key, pack_value.name.casefold()):
                known.setdefault(alias, pack_value)
    keywords = {}
    for name, strength in story.values.items():
        value = known.get(name) or known.get(name.casefold()) or known.get(value_key(name))
        if value is not None and strength is Strength.PRIMARY:
            keywords[value.name] = value.keywords
    report = analyze(story.sections, value_keywords=keywords)
    # Like a linter: a problem (what an interviewer would mark down) fails the run.
    status = 1 if any(f.severity == "problem" for f in report.findings) else 0
    if as_json:
        print(json.dumps(report_to_json(report), ensure_ascii=False, indent=2))
        return status
    spoken = clock(report.speaking_seconds)
    print(f"{one_line(path)}: readiness {report.score}/100 · about {spoken} spoken")
    readings = [
        f"{dimension.name.lower()} {shown(report.rubric[dimension.key])}/5"
        for dimension in DIMENSIONS
        if dimension.key in report.rubric
    ]
    print("  rubric: " + " · ".join(readings))
    for finding in report.findings:
        where = f"{finding.section}:{finding.start}-{finding.end}" if finding.section else "story"
        print(f"  {finding.severity:<8} {finding.rule:<16} {where:<20} {finding.message}")
    if not report.findings:
        print("  nothing to point out")
    return status


class _Told(NamedTuple):
    """The story ``--story`` names: its record, the bank's values, the coach's estimate."""

    record: StoryRecord
    values: list[ValueInfo]
    seconds: float


class _Heard(NamedTuple):
    """The transcript of a take and its check; or why there is none (and whether that
    is a note to show, or a failure)."""

    transcript: Transcript | None = None
    checked: TranscriptCheck | None = None
    reason: str = ""
    note: bool = False
    failed: bool = False


def run_delivery(args: argparse.Namespace) -> int:
    """``storybank delivery FILE.wav``: measure a recorded answer, optionally beside a story,
    and transcribe it where the optional extra is installed."""
    import json

    from storybank.core.delivery import DeliveryError, measure_file, report_to_json

    try:
        report = measure_file(Path(args.file))
    except DeliveryError as exc:  # it names the file
        return _fail(str(exc))
    story: _Told | None = None
    if args.story is not None:
        found = _find_story(args)
        if isinstance(found, int):
            return found
        story = found
    heard = _transcribed(args, report, story)
    if args.json:
        data = report_to_json(report)
        if story is not None:
            data["story"] = {
                "id": story.record.id,
                "title": story.record.title,
                "expected_speaking_seconds": round(story.seconds, 1),
            }
        data |= _transcript_json(heard)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_delivery(args.file, report)
        if story is not None:
            _print_story(story, report)
        _print_transcript(heard)
    return _fail(heard.reason) if heard.failed else 0


def _print_story(story: _Told, report: DeliveryReport) -> None:
    from storybank.core.speaking import clock

    print(
        one_line(
            f"  story    {story.record.title or 'Untitled story'} (id {story.record.id}): the "
            f"coach expects about {clock(story.seconds)} spoken; this take: "
            f"{clock(report.answer_seconds)}, {clock(report.speaking_seconds)} of it speaking"
        )
    )


def _transcribed(args: argparse.Namespace, report: DeliveryReport, story: _Told | None) -> _Heard:
    """The take transcribed and checked, when the extra is installed and it holds speech."""
    if args.no_transcript:
        return _Heard(reason="not asked for (--no-transcript)")
    if not report.speaking_seconds:
        return _Heard(reason="no speech heard")
    from storybank.core.transcript import TranscriptError, availability, check, transcribe

    ready, why = availability()
    if not ready:
        return _Heard(reason=why, note=True)
    try:
        transcript = transcribe(Path(args.file), model_dir=Path(args.model) if args.model else None)
    except TranscriptError as exc:
        return _Heard(reason=str(exc), failed=True)
    if story is None:
        return _Heard(transcript, check(transcript.text))
    return _Heard(transcript, check(transcript.text, story.record, story.values))


def _transcript_json(heard: _Heard) -> dict[str, object]:
    """The ``transcript`` of ``--json``: the transcript and its check, or null and why."""
    from storybank.core.transcript import to_json

    if heard.transcript is None or heard.checked is None:
        return {"transcript": None, "transcript_reason": heard.reason}
    return {"transcript": to_json(heard.transcript, heard.checked)}


def _print_transcript(heard: _Heard) -> None:
    """What the take said, as lines under the delivery's: or a note saying how to get it."""
    from storybank.core.speaking import counted

    transcript, checked = heard.transcript, heard.checked
    if transcript is None or checked is None:
        if heard.note:
            print(f"  note     {one_line(heard.reason)}")
        return
    print(
        f"  said     {counted(checked.words, 'word')}, transcribed in {transcript.seconds:.1f} s "
        f"on this computer with {one_line(transcript.model)}"
    )
    print(f"  text     {one_line(transcript.text) or '(nothing)'}")
    fillers = ", ".join(f"{phrase} {count}" for phrase, count in checked.fillers.items())
    print(f"  fillers  {checked.filler_count}" + (f": {fillers}" if fillers else ""))
    print(f"  I / we   “I” {_times(checked.singular)}, “we” {_times(checked.plural)}")
    for heard_it, label in ((True, "heard"), (False, "missed")):
        points = [
            point.label if point.kind == "number" else f"{point.label} (value)"
            for point in checked.key_points
            if point.heard is heard_it
        ]
        if points:
            print(one_line(f"  {label:<8} " + " · ".join(points)))
    for finding in checked.findings:
        print(one_line(f"  coach    {finding.severity:<8} {finding.rule:<13} {finding.message}"))


def _times(count: int) -> str:
    return {0: "never", 1: "once", 2: "twice"}.get(count, f"{count} times")


def _print_delivery(path: str, report: DeliveryReport) -> None:
    """The report as text: a summary line, then a line for each figure and each pause."""
    from storybank.core.speaking import clock, counted

    if not report.speaking_seconds:
        print(f"{one_line(path)}: no speech heard in {clock(report.duration_seconds)}")
        return
    band = f"{clock(report.target_min_seconds)}–{clock(report.target_max_seconds)}"
    where = {"short": "short of", "in band": "within", "long": "over"}[report.length]
    print(
        f"{one_line(path)}: {clock(report.answer_seconds)} answer, {where} the {band} target · "
        f"{clock(report.speaking_seconds)} speaking · {counted(len(report.pauses), 'pause')}"
    )
    print(
        f"  silence  {clock(report.silence_seconds)} of {clock(report.duration_seconds)}: "
        f"{report.leading_silence:.1f} s before the first word, "
        f"{report.trailing_silence:.1f} s after the last, the rest in pauses"
    )
    print(
        f"  rate     {report.syllables_per_minute:.0f} syllables a minute of speaking, "
        f"about {report.words_per_minute:.0f} words a minute (approximate)"
    )
    longest = report.longest_pause
    print(
        f"  pauses   {len(report.pauses)} over {report.pause_seconds:g} s, "
        f"{len(report.long_pauses)} over {report.long_pause_seconds:g} s"
        + (f", longest {longest.seconds:.1f} s at {_at(longest.start)}" if longest else "")
    )
    for pause in report.pauses:
        mark = "  long" if pause.seconds > report.long_pause_seconds else ""
        print(f"  pause    {_at(pause.start):>7} {pause.seconds:5.1f} s{mark}")


def _at(seconds: float) -> str:
    """A moment in a take as m:ss.s."""
    minutes, rest = divmod(max(0.0, round(seconds, 1)), 60)
    return f"{int(minutes)}:{rest:04.1f}"


def _find_story(args: argparse.Namespace) -> _Told | int:
    """The story ``--story`` names, with the bank's values and the coach's estimate of its
    speaking time; or an exit status. The bank is only read."""
    from storybank.core.bank import open_chosen_bank
    from storybank.core.coach import analyze
    from storybank.core.database import StorageError
    from storybank.core.records import SECTIONS

    try:
        repo, _folder = open_chosen_bank(args.data_dir, args.demo)
    except (StorageError, OSError) as exc:
        return _fail(str(exc))
    try:
        stories = [story for story in repo.stories_by_uuid().values() if not story.trashed]
        wanted = args.story.strip()
        found = (
            [s for s in stories if str(s.id) == wanted]
            or [s for s in stories if s.uuid == wanted.lower()]
            or [s for s in stories if s.fields["title"].strip().casefold() == wanted.casefold()]
        )
        if len(found) != 1:
            said = "no story" if not found else f"{len(found)} stories"
            return _fail(f"{said} in the bank with the id, uuid or title '{wanted}'", 2)
        record = repo.get_story(found[0].id)
        values = [value for pack in repo.packs() for value in pack.values]
    except StorageError as exc:
        return _fail(str(exc))
    finally:
        repo.db.close()
    seconds = analyze({name: record.text(name) for name in SECTIONS}).speaking_seconds
    return _Told(record, values, seconds)


def run_sheet(args: argparse.Namespace) -> int:
    """``storybank sheet``: the sheet as a PDF, rendered offscreen."""
    from storybank.core.bank import open_chosen_bank
    from storybank.core.database import StorageError
    from storybank.core.speaking import counted

    if args.round and args.redact:
        return _fail("--redact is for story sheets, not a round's prep sheet", status=2)
    try:
        repo, _folder = open_chosen_bank(args.data_dir, args.demo)
    except (StorageError, OSError) as exc:
        return _fail(str(exc))
    try:
        if args.round:
            return _write_prep_sheet(repo, args)
        redactor = _redactor(repo) if args.redact else None
        chosen = _sheet_stories(repo, args)
        if isinstance(chosen, int):
            return chosen
        ids, filters = chosen
        pages = _write_sheet(repo, args, ids, filters, redactor)
    except StorageError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write {args.output}: {exc.strerror or exc}")
    finally:
        repo.db.close()
    redacted = ", redacted" if redactor is not None else ""
    print(
        f"{args.output}: {counted(pages, 'page')}, "
        f"{counted(len(ids), 'story', 'stories')}{redacted}"
    )
    return 0


def _redactor(repo: Repository) -> Redactor:
    """The bank's confidential details, for ``--redact``; a note when none is listed."""
    from storybank.core.redaction import Redactor

    redactor = Redactor(repo.sensitive_terms())
    if not redactor.active:
        print(
            "note: no confidential details are listed (Preferences > Confidential), "
            "so nothing was redacted",
            file=sys.stderr,
        )
    return redactor


def _write_prep_sheet(repo: Repository, args: argparse.Namespace) -> int:
    """``storybank sheet --round``: one round's prep sheet as a PDF; an exit status."""
    import os

    from storybank.core.applications import ApplicationRepository, same_company

    wanted = args.round.strip()
    company, _slash, name = wanted.partition("/")
    found = [
        r.id
        for app in ApplicationRepository(repo.db).applications()
        for r in app.rounds
        if r.uuid == wanted.lower()
        or (same_company(app.company, company) and r.name.casefold() == name.strip().casefold())
    ]
    if len(found) != 1:
        why = "no round" if not found else "more than one round"
        return _fail(f"{why} matches '{wanted}' (give a round's uuid, or COMPANY/ROUND NAME)", 2)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from storybank.core.prep_sheet import prep_sheet_header, prep_sheet_html
    from storybank.gui.print import default_page_size, export_pdf
    from storybank.services.applications import ApplicationService
    from storybank.services.stories import StoryService

    _app = QGuiApplication.instance() or QGuiApplication(["storybank"])
    prep = ApplicationService(StoryService(repo, repo.db.path.parent)).prep_round(found[0])
    pages = export_pdf(
        args.output, prep_sheet_html(prep), prep_sheet_header(prep),
        page_size=args.page_size or default_page_size(), landscape=False,
    )  # fmt: skip
    print(f"{args.output}: {pages} page{'s' * (pages != 1)}, {prep.round.name}")
    return 0


def _sheet_stories(repo: Repository, args: argparse.Namespace) -> tuple[list[int], list[str]] | int:
    """The ids of the sheet's stories and the names of its filters; or an exit status.

    Chosen before Qt loads: a sheet with no story on it is refused, not
    written as a blank PDF.
    """
    value_id = None
    filters = []
    if args.value:
        lookup = repo.value_lookup()
        value_id = lookup.get(args.value) or lookup.get(args.value.casefold())
        if value_id is None:
            known = ", ".join(sorted(v.key for v in repo.active_values()))
            return _fail(f"unknown value '{args.value}' (try: {known})", 2)
        filters.append(next(v.name for p in repo.packs() for v in p.values if v.id == value_id))
    if args.tag:
        filters.append(f"#{args.tag}")
    ids = repo.story_ids(value_id=value_id, tag=args.tag, sort="title")
    if not ids:
        asked = [f"--{name} {value}" for name in ("value", "tag") if (value := getattr(args, name))]
        return _fail(
            f"no stories match {' and '.join(asked)}; no sheet was written"
            if asked
            else "the bank has no active stories; no sheet was written"
        )
    return ids, filters


def _write_sheet(
    repo: Repository,
    args: argparse.Namespace,
    ids: list[int],
    filters: list[str],
    redactor: Redactor | None = None,
) -> int:
    """Render the sheet of these stories to ``args.output`` offscreen (redacted with
    ``redactor``); the number of pages."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from storybank.core.sheet import Layout, build_sheet, needs_landscape, sheet_header
    from storybank.gui.print import default_page_size, export_pdf

    _app = QGuiApplication.instance() or QGuiApplication(["storybank"])
    records = [repo.get_story(story_id) for story_id in ids]
    values = repo.active_values()
    layout = Layout(args.layout)
    header = sheet_header(layout, " · ".join(filters))
    short = {i: t[30] for i, t in repo.tellings(ids, 30).items()}
    if redactor is not None:
        records, values = redactor.redact_sheet_inputs(records, values)
        header = redactor.redact(header)
        short = {i: redactor.redact(text) for i, text in short.items()}
    html = build_sheet(layout, records, values, short)
    return export_pdf(
        args.output,
        redactor.redact_html(html) if redactor is not None else html,
        header,
        page_size=args.page_size or default_page_size(),
        landscape=needs_landscape(layout, len(values)),
    )


def run_export(args: argparse.Namespace) -> int:
    """``storybank export``: Markdown folder or JSON file, written atomically."""
    from storybank.core.bank import open_chosen_bank
    from storybank.core.database import StorageError
    from storybank.core.interchange import TransferError
    from storybank.core.speaking import counted
    from storybank.core.transfer.export import export_json, export_markdown

    if args.with_recordings and args.format != "json":
        return _fail("--with-recordings goes with --format json", status=2)
    if args.with_recordings and args.redact:
        return _fail(
            "--with-recordings cannot go with --redact: a recording says the details aloud", 2
        )
    try:
        repo, _folder = open_chosen_bank(args.data_dir, args.demo)
    except (StorageError, OSError) as exc:
        return _fail(str(exc))
    try:
        redactor = _redactor(repo) if args.redact else None
        if args.format == "md":
            done = f"{len(export_markdown(repo, Path(args.output), redactor))} story files"
        else:
            copied = export_json(
                repo, Path(args.output), recordings=args.with_recordings, redactor=redactor
            )
            done = "written"
            if args.with_recordings:
                done += f", with {counted(copied, 'recording')}"
        if redactor is not None:
            done += ", redacted"
    except (TransferError, StorageError, OSError) as exc:
        return _fail(f"export failed: {exc}")
    finally:
        repo.db.close()
    # Outside the try: failing to print this says nothing about the export.
    print(f"{one_line(args.output)}: {done}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    """``storybank import``: read, plan, back up, then import in one transaction.

    The input is read before any bank is opened: a mistyped path makes no bank.
    """
    from storybank.core.backup import backup_dir, make_backup
    from storybank.core.database import StorageError
    from storybank.core.interchange import TransferError
    from storybank.core.transfer.plan import apply_import, plan_import
    from storybank.core.transfer.reading import read_import
    from storybank.core.transfer.records import Choice

    try:
        bundle = read_import(Path(args.path))
    except (TransferError, OSError) as exc:
        return _fail(f"nothing was imported: {exc}")
    try:
        repo, folder = _import_target(args)
    except (StorageError, OSError) as exc:
        return _fail(str(exc))
    try:
        plan = plan_import(repo, bundle)
        _print_plan(plan)
        if args.dry_run:
            return 0
        make_backup(repo.db.path, backup_dir(folder), "before-import")
        result = apply_import(repo, plan, default=Choice(args.on_conflict))
    except (TransferError, StorageError, OSError) as exc:
        return _fail(f"nothing was imported: {exc}")
    finally:
        repo.db.close()
    print(
        f"imported: {result.added} new, {result.updated} updated, {result.kept_both} kept both, "
        f"{result.unchanged} unchanged, {result.skipped} skipped"
    )
    return 0


def _import_target(args: argparse.Namespace) -> tuple[Repository, Path]:
    """The bank an import goes into, made if there is none.

    A dry run changes nothing, so it makes no bank either: where there is
    none yet, it plans against an empty throwaway one (what a real import
    would start from).
    """
    from storybank.core.bank import has_bank, open_chosen_bank, open_scratch_bank
    from storybank.paths import data_dir

    if args.dry_run and not args.demo and not has_bank(data_dir(args.data_dir)):
        return open_scratch_bank()
    return open_chosen_bank(args.data_dir, args.demo, create=True)


def _print_plan(plan: ImportPlan) -> None:
    """The plan, one line per story and per problem, then its counts."""
    for item in plan.items:
        notes = "; ".join((*item.problems, item.note) if item.note else item.problems)
        line = f"{item.kind.value:<10} {item.story.title or 'Untitled story'}"
        print(one_line(line + (f"  ({notes})" if notes else "")))
    for change in plan.pack_changes:
        print(one_line(f"packs      {change}"))
    for problem in plan.problems:
        print(one_line(f"problem    {problem}"))
    counts = ", ".join(f"{n} {kind.value}" for kind, n in plan.summary().items() if n)
    print(f"plan: {counts or 'nothing to import'}")


def run_backup(data_dir: str | None, demo: bool) -> int:
    """``storybank backup``: a verified copy in the data folder's backups/."""
    from storybank.core.backup import BackupPolicy, backup_dir, make_backup, rotate
    from storybank.core.bank import open_chosen_bank
    from storybank.core.database import StorageError

    try:
        repo, folder = open_chosen_bank(data_dir, demo)
    except (StorageError, OSError) as exc:
        return _fail(str(exc))
    try:
        path = make_backup(repo.db.path, backup_dir(folder), "manual")
        rotate(backup_dir(folder), BackupPolicy())
    except StorageError as exc:
        return _fail(str(exc))
    finally:
        repo.db.close()
    print(path)
    return 0


def run(args: argparse.Namespace) -> int:
    """Run a headless subcommand."""
    try:
        return _run(args)
    except BrokenPipeError:
        # The reader of the output went away (``storybank coach x.md | head``).
        # Nothing is wrong with the command's input, so no message; stdout is
        # pointed at the null device so that the flush at exit cannot fail again.
        import os

        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        return run_check(args.data_dir, args.demo)
    if args.command == "backup":
        return run_backup(args.data_dir, args.demo)
    if args.command == "export":
        return run_export(args)
    if args.command == "import":
        return run_import(args)
    if args.command == "coach":
        return run_coach(args.file, args.json)
    if args.command == "sheet":
        return run_sheet(args)
    if args.command == "delivery":
        return run_delivery(args)
    raise AssertionError(f"unhandled command {args.command}")
