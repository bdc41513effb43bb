"""The story on screen: one seam over the editor, the values panel and the coach."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from storybank.core.records import StoryRecord
    from storybank.gui.coach_panel import CoachPanel
    from storybank.gui.story_editor import StoryEditor
    from storybank.gui.values_panel import ValuesPanel


class CurrentStory:
    """Shows one story (or none) in the editor, the values panel and the coach panel.

    Everything that asks "which story is on screen?" or puts another one there
    goes through here, so the three panels never disagree.
    """

    def __init__(
        self, editor: StoryEditor, values_panel: ValuesPanel, coach_panel: CoachPanel
    ) -> None:
        self.editor = editor
        self.values_panel = values_panel
        self.coach_panel = coach_panel

    @property
    def record(self) -> StoryRecord | None:
        """The story as the editor last read or saved it, or None."""
        return self.editor.record

    @property
    def story_id(self) -> int | None:
        return self.editor.story_id

    @property
    def last_saved(self) -> datetime | None:
        """When the story on screen was last saved (or read), or None."""
        return self.editor.last_saved

    def title(self) -> str:
        """The title as typed (saved or not), or "Untitled story"."""
        return self.editor.field_text("title").strip() or "Untitled story"

    def show(self, record: StoryRecord | None) -> None:
        """Put ``record`` on screen (saving the one there is the caller's job)."""
        self.editor.load(record)
        self.follow_editor()

    def clear(self) -> None:
        """Show no story."""
        self.show(None)

    def follow_editor(self) -> None:
        """The editor loaded a story by itself: the side panels show it too."""
        record = self.editor.record
        self.values_panel.load(record)
        self.coach_panel.set_story(record.id if record is not None else None)

    def flush(self) -> bool:
        """Save the story on screen before leaving it: tags, then text.

        False when its text could not be saved (it stays on screen, unsaved).
        """
        self.values_panel.commit_tags()
        return self.editor.save()
