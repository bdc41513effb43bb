"""The demo bank: realistic example stories shipped in ``resources/demo``."""

from __future__ import annotations

from storybank.core.interchange import parse_story_markdown
from storybank.core.repository import Repository
from storybank.resources import resource_files

#: The packs the demo stories are tagged with; the other built-in packs stay off.
DEMO_PACKS = ("netflix-culture", "netflix-behaviours")


def load_demo(repo: Repository, *, application: bool = True) -> int:
    """Activate the demo's packs and add the demo stories (and, unless told not
    to, the demo application); return how many stories were added."""
    for pack in repo.packs():
        if pack.key in DEMO_PACKS:
            repo.set_pack_active(pack.id, True)
    count = 0
    for path in resource_files("demo", "*.md"):
        repo.add_parsed_story(parse_story_markdown(path.read_text(encoding="utf-8")))
        count += 1
    if application:
        demo_application(repo)
    return count


#: The demo's application: pitches written as a candidate would.
PITCH_INTRO = (
    "I'm a backend engineer who likes the unglamorous parts that keep a team fast: code "
    "review, on-call, and migrations that don't page anyone. For the last four years I've "
    "been at a streaming-analytics company. There I led the move of our billing pipeline "
    "onto event sourcing, which cut month-end reconciliation from three days to four hours, "
    "and I rewrote how our team reviews code after hearing that my own reviews were "
    "discouraging the two junior engineers. Before that I spent three years building "
    "internal tools at a design agency, which is where I learned to sit with users and "
    "watch what they actually do before writing anything. What I'm looking for next is a "
    "team that shares context instead of handing down rules, and a product whose users I "
    "can talk to every week. Building the tools that studio teams use to make shows is "
    "exactly that, which is why this role caught my eye."
)
PITCH_WHY = (
    "Your culture memo describes the way I already try to work: I'd rather give people "
    "context than rules, and I'd rather be told the truth early than be surprised late. "
    "The studio tools team builds for the people who make the shows, so the feedback loop "
    "is short and the users are colleagues, and that is where I do my best work. I also "
    "want to learn from engineers who run systems at your scale, which I can't do where I am."
)


def demo_application(repo: Repository) -> int:
    """One application in progress: the Netflix loop from its template, the recruiter
    call done and debriefed, the hiring-manager screen coming up."""
    from datetime import UTC, datetime, timedelta

    from storybank.core.applications import ApplicationRepository, DebriefItem, Outcome
    from storybank.core.loops import builtin_templates, questions_for

    loop = builtin_templates().template("netflix")
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    store = ApplicationRepository(repo.db)
    made = store.add_application(
        {"company": "Netflix", "role": "Senior software engineer", "team": "Studio tools",
         "status": "interviewing", "template": loop.key, "packs": [loop.pack],
         "applied_on": (now - timedelta(days=12)).date().isoformat(),
         "pitch_intro": PITCH_INTRO, "pitch_why": PITCH_WHY},
        [{"kind": str(r.kind), "name": r.name, "minutes": r.minutes, "focus": r.focus,
          "themes": list(r.themes)} for r in loop.rounds],
    )  # fmt: skip
    recruiter, manager = store.applications()[0].rounds[:2]
    who = {"interviewer_name": "Sam", "interviewer_role": "recruiter"}
    asking = [q.uuid for q in questions_for("recruiter")[:2]]
    store.update_round(recruiter.id, {"scheduled_at": now - timedelta(days=5), **who,
                                      "questions": asking})  # fmt: skip
    who = {"interviewer_name": "Priya", "interviewer_role": "engineering manager"}
    store.update_round(manager.id, {"scheduled_at": now + timedelta(days=3, hours=2), **who})
    titles = {row.title: row.id for row in repo.list_stories()}
    told = titles.get("Hearing that my code reviews were discouraging the team")
    store.save_debrief(
        recruiter.id,
        [DebriefItem("Tell me about a time you received negative feedback", told,
                     Outcome.STRONG, "Asked a follow-up on what changed"),
         DebriefItem("Why Netflix?", None, Outcome.OKAY, "Too long: trim the why pitch")],
        asked=asking[:1],
    )  # fmt: skip
    return made
