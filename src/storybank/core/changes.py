"""What one operation changed, so that each view refreshes only that.

Every write the window makes is one operation: one transaction, then one
:class:`ChangeSet` announced on the service's ``changed`` signal. A view looks
at the fields it shows and ignores the rest: an autosave names one story, so
the story list moves one row and never re-queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ChangeSet:
    """The parts of the bank one operation changed (plain data, no Qt)."""

    #: Stories whose own content changed: text, values, tags or list figures.
    stories: frozenset[int] = frozenset()
    #: Which stories exist or where they show changed: added, removed,
    #: trashed, restored, archived, or every row at once.
    story_list: bool = False
    #: Value packs or their values (activation, names, order, visibility).
    values: bool = False
    #: The set of tag names in use.
    tags: bool = False
    #: Stories whose shorter or longer tellings changed.
    tellings: frozenset[int] = frozenset()
    #: Stories whose dismissed coach findings changed.
    dismissed: frozenset[int] = frozenset()
    #: Practice prompts (added, edited, hidden, shown).
    prompts: bool = False
    #: Practice attempts and review schedules.
    attempts: bool = False
    #: Applications, their rounds, debriefs, angles and pitches.
    applications: bool = False
    #: Settings that change what views compute (speaking rate, target time).
    settings: bool = False
    #: The confidential details a redacted rendering hides (terms, patterns, aliases).
    confidential: bool = False
    #: Another program (the command line, another window) made the change.
    elsewhere: bool = False
    #: Only cached figures that can always be recomputed changed: nothing the
    #: user wrote, so no backup is owed for it.
    derived: bool = False

    @classmethod
    def everything(cls, *, elsewhere: bool = False) -> ChangeSet:
        """Anything may have changed: an import, a restore, another program's write."""
        return cls(
            story_list=True,
            values=True,
            tags=True,
            prompts=True,
            attempts=True,
            applications=True,
            confidential=True,
            elsewhere=elsewhere,
        )

    @classmethod
    def of_stories(
        cls, ids: Iterable[int], *, tags: bool = False, derived: bool = False
    ) -> ChangeSet:
        """The content of these stories changed (and the tags in use, with ``tags``)."""
        return cls(stories=frozenset(ids), tags=tags, derived=derived)

    def __or__(self, other: ChangeSet) -> ChangeSet:
        """Both changes at once (for operations made of steps)."""
        return ChangeSet(
            stories=self.stories | other.stories,
            story_list=self.story_list or other.story_list,
            values=self.values or other.values,
            tags=self.tags or other.tags,
            dismissed=self.dismissed | other.dismissed,
            prompts=self.prompts or other.prompts,
            attempts=self.attempts or other.attempts,
            applications=self.applications or other.applications,
            settings=self.settings or other.settings,
            confidential=self.confidential or other.confidential,
            elsewhere=self.elsewhere or other.elsewhere,
            derived=self.derived and other.derived,
        )

    @property
    def stories_shown(self) -> bool:
        """Whether anything a list of stories shows may have changed."""
        return bool(self.stories) or self.story_list or self.values or self.tags

    @property
    def user_data(self) -> bool:
        """Whether the change touched what the user wrote (a backup is owed)."""
        return not self.derived and self != ChangeSet(settings=True)
