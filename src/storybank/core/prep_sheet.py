"""The prep sheet of one round: what to take into the room, on at most two pages.

The round (when, how long, with whom, its focus), the company's values with
the stories mapped to each (primary first, each with its angle for this
application and its key number; a story already told to the company is left
out, or shown marked when nothing else covers the value), the prompts likely
for the round's themes, the pitches, and the questions to ask. Pure Python:
the HTML goes to the same printing as the story sheets (``gui/print.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storybank.core.applications import ApplicationInfo, RoundInfo, Telling
from storybank.core.markdown import escape
from storybank.core.records import StoryRecord, Strength, ValueInfo
from storybank.core.sheet import key_number, shorten

#: Stories shown per value, and prompts and questions per sheet: two pages at most.
STORIES_PER_VALUE = 2
PROMPTS = 6
QUESTIONS = 5
#: How long a pitch may run on the sheet before it is cut (characters).
PITCH_CHARS = 900


@dataclass(frozen=True, slots=True)
class PrepRound:
    """Everything a round's prep sheet shows, gathered from the bank."""

    application: ApplicationInfo
    round: RoundInfo
    values: Sequence[ValueInfo]
    stories: Sequence[StoryRecord]
    told: Mapping[int, Sequence[Telling]]
    angles: Mapping[int, str]
    prompts: Sequence[str]
    questions: Sequence[str]


def prep_sheet_header(prep: PrepRound) -> str:
    """The running header: "Storybank — Netflix · Hiring-manager screen"."""
    return f"Storybank — {prep.application.company} · {prep.round.name}"


def prep_sheet_html(prep: PrepRound) -> str:
    """The sheet's HTML body."""
    app, found = prep.application, prep.round
    when = (
        found.scheduled_at.astimezone().strftime("%A %d %B %Y, %H:%M")
        if found.scheduled_at
        else "not scheduled yet"
    )
    facts = [when, f"{found.minutes} minutes"]
    if found.interviewer:
        facts.append(f"with {found.interviewer}")
    parts = [
        f"<h1>{escape(app.company)} · {escape(found.name)}</h1>",
        f"<p><b>{escape(app.role)}</b>{' · ' + escape(app.team) if app.team else ''}"
        f" — {escape(' · '.join(facts))}</p>",
    ]
    if found.focus:
        parts.append(f"<p><i>What this round judges:</i> {escape(found.focus)}</p>")
    parts += _values_table(prep)
    if prep.prompts:
        parts.append("<h2>Likely prompts</h2><ul>")
        parts += [f"<li>{escape(text)}</li>" for text in prep.prompts[:PROMPTS]]
        parts.append("</ul>")
    parts += _pitches(app)
    if prep.questions:
        parts.append("<h2>Questions to ask</h2><ol>")
        parts += [f"<li>{escape(text)}</li>" for text in prep.questions[:QUESTIONS]]
        parts.append("</ol>")
    parts += _told(prep)
    return "\n".join(parts)


def _values_table(prep: PrepRound) -> list[str]:
    """Each value with up to two stories for it, never one already told unless marked."""
    if not prep.values:
        return ["<p>No value pack chosen for this application.</p>"]
    rows = ["<h2>Your stories for their values</h2>",
            "<table width='100%' cellspacing='0' cellpadding='4' border='1'>"]  # fmt: skip
    for value in prep.values:
        cells = [_story_line(prep, story) for story in _for_value(prep, value)]
        shown = "<br>".join(cells) if cells else "<i>no story yet: a gap to fill</i>"
        rows.append(f"<tr><td width='22%'><b>{escape(value.name)}</b></td><td>{shown}</td></tr>")
    rows.append("</table>")
    return rows


def _for_value(prep: PrepRound, value: ValueInfo) -> list[StoryRecord]:
    """The stories to show for a value: untold ones, primary first; a told one only
    when no untold one covers the value (it is then marked)."""
    tagged = [s for s in prep.stories if value.id in s.values]
    tagged.sort(key=lambda s: (s.values[value.id] is not Strength.PRIMARY, s.title.casefold()))
    fresh = [s for s in tagged if s.id not in prep.told]
    return (fresh or tagged)[:STORIES_PER_VALUE]


def _story_line(prep: PrepRound, story: StoryRecord) -> str:
    line = f"<b>{escape(story.title or 'Untitled story')}</b>"
    angle = prep.angles.get(story.id)
    if angle:
        line += f" — <i>{escape(angle)}</i>"
    number = key_number(story.result)
    if number:
        line += f" · {escape(shorten(number, 60))}"
    if story.id in prep.told:
        line += f" <b>⚠ already {escape(prep.told[story.id][0].text())}</b>"
    return line


def _pitches(app: ApplicationInfo) -> list[str]:
    parts = []
    for title, text in (("Tell me about yourself", app.pitch_intro),
                        (f"Why {app.company}?", app.pitch_why)):  # fmt: skip
        if text.strip():
            parts.append(f"<h2>{escape(title)}</h2><p>{escape(shorten(text, PITCH_CHARS))}</p>")
    return parts


def _told(prep: PrepRound) -> list[str]:
    """What the company has heard already: not to be told again."""
    if not prep.told:
        return []
    titles = {s.id: s.title for s in prep.stories}
    items = [
        f"<li>{escape(titles.get(story_id, 'A story'))}: {escape(tellings[0].text())}</li>"
        for story_id, tellings in prep.told.items()
    ]
    return [f"<h2>Already told to {escape(prep.application.company)}</h2><ul>", *items, "</ul>"]
