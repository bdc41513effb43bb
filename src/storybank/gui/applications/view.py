"""The Applications mode: each company's interview loop, round by round.

On the left the applications, with what is next; on the right the one
selected: its company, role, team and status, its rounds in order (when, how
long, with whom, done or next) with their debriefs, the stories already told
to the company, and the pitches ("Tell me about yourself", "Why <company>?")
timed like a story.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from storybank.core.applications import ApplicationInfo, RoundInfo, Status, next_round
from storybank.core.changes import ChangeSet
from storybank.core.database import StorageError
from storybank.core.loops import question_texts
from storybank.core.speaking import clock
from storybank.gui.applications.dialogs import (
    DebriefDialog,
    NewApplicationDialog,
    RoundDialog,
    local,
)
from storybank.gui.applications.questions import QuestionsDialog
from storybank.gui.errors import ask_yes, report_error
from storybank.gui.lazy import RefreshWhenShown
from storybank.gui.theme import mark_secondary
from storybank.services.applications import ApplicationService

ID_ROLE = Qt.ItemDataRole.UserRole
ROUND_COLUMNS = ("#", "Round", "When", "Length", "Interviewer", "Focus", "State")
#: How many stories (the latest changed) a debrief offers to choose from.
DEBRIEF_STORIES = 300
#: How soon a refresh put off by an open editor is tried again.
REFRESH_RETRY_MS = 300
#: A pitch is written a moment after the typing stops, like a story.
SAVE_MS = 800


class PitchEditor(QWidget):
    """One pitch, written and timed: about how long it takes to say."""

    def __init__(self, title: str, band: tuple[int, int], name: str) -> None:
        super().__init__()
        self.band = band
        self.label = QLabel(f"<b>{title}</b>")
        self.text = QPlainTextEdit()
        self.text.setObjectName(name)
        self.text.setAccessibleName(title)
        self.timing = QLabel()
        self.timing.setObjectName(f"{name}Timing")
        mark_secondary(self.timing)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.timing)

    def show_timing(self, words_per_minute: int) -> None:
        words = len(self.text.toPlainText().split())
        seconds = words * 60 / max(words_per_minute, 1)
        low, high = self.band
        verdict = "short" if seconds < low else "long" if seconds > high else "good"
        self.timing.setText(
            f"{words} words, about {clock(seconds)} spoken: {verdict} "
            f"(aim for {clock(low)}–{clock(high)})"
        )


class ApplicationsView(RefreshWhenShown):
    """The list of applications and the one selected, with its loop."""

    #: Show a story in the Stories mode.
    open_story = Signal(int)
    #: Rehearse a round in Practice: (application id, round id).
    practise_round = Signal(int, int)

    def __init__(self, service: ApplicationService) -> None:
        super().__init__()
        self.service = service
        self.shown: list[ApplicationInfo] = []
        self._build_list()
        self._build_detail()
        split = QSplitter()
        split.addWidget(self.left)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_MS)
        self._save_timer.timeout.connect(self.save_fields)
        service.changed.connect(self._on_changed)

    # --- building -----------------------------------------------------------

    def _build_list(self) -> None:
        self.list = QListWidget()
        self.list.setObjectName("applicationsList")
        self.list.setAccessibleName("Applications")
        self.list.currentRowChanged.connect(self._show_current)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        self.new_button = QPushButton("New Application…")
        self.new_button.setObjectName("newApplication")
        self.new_button.clicked.connect(self.new_application)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setObjectName("deleteApplication")
        self.delete_button.clicked.connect(self.delete_application)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        self.left: QWidget = QWidget()
        column = QVBoxLayout(self.left)
        column.setContentsMargins(12, 12, 6, 12)
        title = QLabel("<h3 style='margin:0'>Applications</h3>")
        column.addWidget(title)
        column.addWidget(self.list, 1)
        column.addLayout(buttons)

    def _build_detail(self) -> None:
        self.company = QLineEdit()
        self.company.setObjectName("company")
        self.role = QLineEdit()
        self.role.setObjectName("role")
        self.team = QLineEdit()
        self.team.setObjectName("team")
        self.status = QComboBox()
        self.status.setObjectName("status")
        for status in Status:
            self.status.addItem(status.value.title(), str(status))
        self.next_label = QLabel()
        self.next_label.setObjectName("nextRound")
        self.next_label.setWordWrap(True)
        for field in (self.company, self.role, self.team):
            field.textEdited.connect(lambda _t: self._save_timer.start())
        self.status.activated.connect(lambda _i: self.save_fields())
        form = QFormLayout()
        form.addRow("Company:", self.company)
        form.addRow("Role:", self.role)
        form.addRow("Team:", self.team)
        form.addRow("Status:", self.status)
        form.addRow("Next:", self.next_label)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("applicationTabs")
        self.tabs.addTab(self._build_rounds(), "Loop")
        self.tabs.addTab(self._build_told(), "Stories told")
        self.tabs.addTab(self._build_angles(), "Angles")
        self.tabs.addTab(self._build_pitches(), "Pitches")
        self.empty = QLabel(
            "No application yet. “New Application…” starts one from a loop template: the "
            "Netflix loop, a generic one, Amazon's with a bar raiser."
        )
        self.empty.setObjectName("noApplications")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail: QWidget = QWidget()
        column = QVBoxLayout(self.detail)
        column.setContentsMargins(6, 12, 12, 12)
        column.addWidget(self.empty)
        self.form_widget = QWidget()
        self.form_widget.setLayout(form)
        column.addWidget(self.form_widget)
        column.addWidget(self.tabs, 1)

    def _build_rounds(self) -> QWidget:
        self.rounds = QTableWidget(0, len(ROUND_COLUMNS))
        self.rounds.setObjectName("rounds")
        self.rounds.setAccessibleName("Rounds of the loop (Enter edits one)")
        self.rounds.setHorizontalHeaderLabels(list(ROUND_COLUMNS))
        self.rounds.verticalHeader().setVisible(False)
        self.rounds.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rounds.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rounds.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.rounds.itemActivated.connect(lambda _item: self.edit_round())
        header = self.rounds.horizontalHeader()
        for column in range(len(ROUND_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # The round, its interviewer and its focus share what is left (cut with "…"):
        # the state at the end stays in sight at any width.
        for column in (1, 4, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.rounds.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.rounds.setWordWrap(False)
        buttons = QHBoxLayout()
        # Short labels, the whole say in the tooltip: seven buttons fit 1024 wide.
        for text, name, slot, tip in (
            ("Add…", "addRound", self.add_round, "Add a round at the end of the loop"),
            ("Edit…", "editRound", self.edit_round, "Edit the selected round (Enter)"),
            ("Questions…", "roundQuestions", self.choose_questions,
             "The questions to ask at the end of the selected round"),
            ("Debrief…", "debriefRound", self.debrief_round,
             "After the round: what was asked, the story told, how it went"),
            ("Prep Sheet…", "prepSheet", self.prep_sheet,
             "Save the selected round's prep sheet as a PDF"),
            ("Practise It", "practiseRound", self._practise_selected,
             "Rehearse the selected round in Practice"),
            ("Remove…", "removeRound", self.remove_round, "Remove the selected round"),
        ):  # fmt: skip
            button = QPushButton(text)
            button.setObjectName(name)
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.addWidget(self.rounds, 1)
        page_layout.addLayout(buttons)
        return page

    def _build_told(self) -> QWidget:
        self.told = QTableWidget(0, 4)
        self.told.setObjectName("storiesTold")
        self.told.setHorizontalHeaderLabels(["Story", "Round", "Question", "How it went"])
        self.told.verticalHeader().setVisible(False)
        self.told.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.told.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.told.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.told.itemActivated.connect(self._open_told_story)
        return self.told

    def _build_angles(self) -> QWidget:
        """Each story for the company's values, with a one-line angle to edit."""
        self.angles = QTableWidget(0, 3)
        self.angles.setObjectName("storyAngles")
        self.angles.setAccessibleName("A one-line angle per story for this company")
        self.angles.setHorizontalHeaderLabels(["Story", "Values", "Angle for this company"])
        self.angles.verticalHeader().setVisible(False)
        self.angles.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.angles.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.angles.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.angles.itemChanged.connect(self._angle_edited)
        hint = QLabel("A one-line angle per story for this company (“lead with the candor "
                      "part”): double-click or F2 to write it. It shows beside the story and "
                      "on the prep sheets.")  # fmt: skip
        hint.setWordWrap(True)
        mark_secondary(hint)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(hint)
        column.addWidget(self.angles, 1)
        return page

    def _build_pitches(self) -> QWidget:
        self.intro = PitchEditor("Tell me about yourself (present, past, future)", (60, 90),
                                 "pitchIntro")  # fmt: skip
        self.why = PitchEditor("Why this company?", (30, 75), "pitchWhy")
        for pitch in (self.intro, self.why):
            pitch.text.textChanged.connect(self._pitch_edited)
        page = QWidget()
        row = QHBoxLayout(page)
        row.addWidget(self.intro)
        row.addWidget(self.why)
        return page

    # --- showing ------------------------------------------------------------

    def _on_changed(self, changes: ChangeSet) -> None:
        # Figures filled in the background change nothing shown here.
        if changes.applications or changes.story_list or (changes.stories and not changes.derived):
            self.mark_stale()

    def current(self) -> ApplicationInfo | None:
        row = self.list.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def refresh(self) -> None:
        if self.angles.state() == QAbstractItemView.State.EditingState:
            # An angle being written: rebuilding the table would drop its editor.
            QTimer.singleShot(REFRESH_RETRY_MS, self.mark_stale)
            return
        keep = self.current()
        try:
            self.shown = self.service.applications()
        except StorageError as exc:
            self.empty.setText(f"Could not read the applications: {exc}")
            self.shown = []
        now = self.service.now()
        self.list.blockSignals(True)
        self.list.clear()
        for app in self.shown:
            status = app.status.value.title()
            item = QListWidgetItem(f"{app.title}\n{status} · next: {_next_text(app, now)}")
            item.setData(ID_ROLE, app.id)
            self.list.addItem(item)
        row = next((i for i, a in enumerate(self.shown) if keep and a.id == keep.id), 0)
        self.list.setCurrentRow(row if self.shown else -1)
        self.list.blockSignals(False)
        self._stale = False
        self._show_current()

    def _show_current(self) -> None:
        app = self.current()
        has = app is not None
        self.empty.setVisible(not has)
        self.form_widget.setVisible(has)
        self.tabs.setVisible(has)
        self.delete_button.setEnabled(has)
        if app is None:
            return
        for field, text in ((self.company, app.company), (self.role, app.role),
                            (self.team, app.team)):  # fmt: skip
            if not field.hasFocus():
                field.setText(text)
        self.status.setCurrentIndex(max(0, self.status.findData(str(app.status))))
        self.next_label.setText(_next_text(app, self.service.now()))
        self._fill_rounds(app)
        self._fill_told(app)
        self._fill_angles(app)
        self._fill_pitches(app)

    def _fill_rounds(self, app: ApplicationInfo) -> None:
        coming = next_round(app, self.service.now())
        self.rounds.setRowCount(0)
        bank = self.service.question_bank().questions
        for found in app.rounds:
            state = "done" if found.done else "next" if coming and found.id == coming.id else ""
            when, who = local(found.scheduled_at), found.interviewer or "—"
            texts = (str(found.position + 1), found.name, when, f"{found.minutes} min", who,
                     found.focus, state)  # fmt: skip
            row = self.rounds.rowCount()
            self.rounds.insertRow(row)
            asking = question_texts(found.questions, bank)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, found.id)
                item.setToolTip(text)
                self.rounds.setItem(row, column, item)
            if asking:
                self.rounds.item(row, 1).setText(f"{found.name} ({len(asking)} to ask)")  # type: ignore[union-attr]
                self.rounds.item(row, 1).setToolTip("To ask:\n" + "\n".join(asking))  # type: ignore[union-attr]

    def _fill_told(self, app: ApplicationInfo) -> None:
        told = self.service.told_to(app.company)
        titles = self.service.stories.story_rows(list(told))
        self.told.setRowCount(0)
        for story_id, tellings in told.items():
            for telling in tellings:
                row = self.told.rowCount()
                self.told.insertRow(row)
                title = titles[story_id].title if story_id in titles else "A deleted story"
                texts = (title, f"{telling.round_name} ({telling.company})", telling.question,
                         telling.outcome.value)  # fmt: skip
                for column, text in enumerate(texts):
                    item = QTableWidgetItem(text)
                    item.setData(ID_ROLE, story_id)
                    self.told.setItem(row, column, item)

    def _fill_angles(self, app: ApplicationInfo) -> None:
        """The stories tagged with the application's values, primary ones first."""
        rows = self.service.angle_rows(app.id)
        self.angles.blockSignals(True)
        self.angles.setRowCount(0)
        for story_id, title, values, angle in rows:
            row = self.angles.rowCount()
            self.angles.insertRow(row)
            for column, text in enumerate((title or "Untitled story", values, angle)):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, story_id)
                if column < 2:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.angles.setItem(row, column, item)
        self.angles.blockSignals(False)

    def _angle_edited(self, item: QTableWidgetItem) -> None:
        app = self.current()
        if app is None or item.column() != 2:
            return
        story_id, text = item.data(ID_ROLE), item.text()
        # After the editor has closed: storing rebuilds the table the editor sits in.
        QTimer.singleShot(
            0, lambda: self._run(lambda: self.service.set_angle(app.id, story_id, text))
        )

    def _fill_pitches(self, app: ApplicationInfo) -> None:
        self.why.label.setText(f"<b>Why {app.company or 'this company'}?</b>")
        for pitch, text in ((self.intro, app.pitch_intro), (self.why, app.pitch_why)):
            if pitch.text.toPlainText() != text and not pitch.text.hasFocus():
                pitch.text.blockSignals(True)
                pitch.text.setPlainText(text)
                pitch.text.blockSignals(False)
            pitch.show_timing(self.service.stories.coach_settings.words_per_minute)

    # --- editing ------------------------------------------------------------

    def _pitch_edited(self) -> None:
        for pitch in (self.intro, self.why):
            pitch.show_timing(self.service.stories.coach_settings.words_per_minute)
        self._save_timer.start()

    def save_fields(self) -> bool:
        """Store the application's fields and pitches as they stand on screen."""
        self._save_timer.stop()
        app = self.current()
        if app is None:
            return True
        try:
            self.service.update(
                app.id,
                company=self.company.text().strip(),
                role=self.role.text().strip(),
                team=self.team.text().strip(),
                status=self.status.currentData(),
                pitch_intro=self.intro.text.toPlainText(),
                pitch_why=self.why.text.toPlainText(),
            )
        except StorageError as exc:
            report_error(self, exc, "The application was not saved:")
            return False
        return True

    def new_application(self) -> None:
        from storybank.core.loops import builtin_templates

        self.save_fields()
        dialog = NewApplicationDialog(builtin_templates().templates, self)
        if not dialog.exec():
            return
        chosen = dialog.chosen()
        rounds = [] if chosen is None else [
            {"kind": str(r.kind), "name": r.name, "minutes": r.minutes, "focus": r.focus,
             "themes": list(r.themes)}
            for r in chosen.rounds
        ]  # fmt: skip
        packs = [chosen.pack] if chosen is not None and chosen.pack else []
        try:
            created = self.service.create(
                dialog.company.text(), dialog.role.text(), team=dialog.team.text(),
                template=chosen.key if chosen else "", rounds=rounds, packs=packs,
            )  # fmt: skip
        except StorageError as exc:
            report_error(self, exc, "The application was not created:")
            return
        self.refresh()
        self.select(created)

    def select(self, application_id: int) -> None:
        row = next((i for i, a in enumerate(self.shown) if a.id == application_id), -1)
        if row >= 0:
            self.list.setCurrentRow(row)

    def delete_application(self) -> None:
        app = self.current()
        if app is None or not ask_yes(
            self, "Delete this application?",
            f"“{app.title}”, its rounds, debriefs and angles are deleted. Your stories stay.",
        ):  # fmt: skip
            return
        self._save_timer.stop()
        try:
            self.service.delete(app.id)
        except StorageError as exc:
            report_error(self, exc, "The application was not deleted:")

    def selected_round(self) -> RoundInfo | None:
        app = self.current()
        rows = self.rounds.selectionModel().selectedRows()
        if app is None or not rows:
            return None
        return app.rounds[rows[0].row()] if rows[0].row() < len(app.rounds) else None

    def add_round(self) -> None:
        app = self.current()
        dialog = RoundDialog(None, self)
        if app is None or not dialog.exec():
            return
        self._run(lambda: self.service.add_round(app.id, **dialog.fields()))

    def edit_round(self) -> None:
        found = self.selected_round()
        if found is None:
            return
        dialog = RoundDialog(found, self)
        if dialog.exec():
            self._run(lambda: self.service.update_round(found.id, **dialog.fields()))

    def remove_round(self) -> None:
        found = self.selected_round()
        if found is not None and ask_yes(
            self, "Remove this round?", f"“{found.name}” and its debrief are removed."
        ):
            self._run(lambda: self.service.delete_round(found.id))

    def debrief_round(self) -> None:
        found = self.selected_round()
        if found is None:
            return
        items = self.service.debrief(found.id)
        # The stories most recently worked on (a combo box of a huge bank would crawl),
        # and any already named in this debrief.
        ids = self.service.stories.story_ids()[:DEBRIEF_STORIES]
        ids += [i.story_id for i in items if i.story_id is not None and i.story_id not in ids]
        rows = self.service.stories.story_rows(ids)
        stories = [(story_id, rows[story_id].title) for story_id in ids if story_id in rows]
        prompts = self.service.prompt_texts(found.themes)
        bank = self.service.question_bank().questions
        asking = list(zip(found.questions, question_texts(found.questions, bank), strict=True))
        dialog = DebriefDialog(found, items, stories, prompts, self, questions=asking)
        if dialog.exec():
            self._run(lambda: self.service.save_debrief(found, dialog.items(), dialog.asked()))

    def prep_sheet(self) -> None:
        """The selected round's prep sheet, as a PDF where the candidate chooses."""
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        from storybank.core.prep_sheet import prep_sheet_header, prep_sheet_html
        from storybank.gui.print import default_page_size, export_pdf

        found = self.selected_round()
        app = self.current()
        if found is None or app is None:
            return
        name = f"{app.company}-{found.name}".replace("/", "-").replace(" ", "-").lower()
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the Prep Sheet", str(Path.home() / f"{name}.pdf"), "PDF files (*.pdf)"
        )
        if not path:
            return
        try:
            prep = self.service.prep_round(found.id)
            pages = export_pdf(path, prep_sheet_html(prep), prep_sheet_header(prep),
                               page_size=default_page_size(), landscape=False)  # fmt: skip
        except (StorageError, OSError) as exc:
            report_error(self, exc, "The prep sheet was not saved:")
            return
        self.next_label.setText(f"Prep sheet saved: {path} ({pages} page{'s' * (pages != 1)})")

    def _practise_selected(self) -> None:
        found, app = self.selected_round(), self.current()
        if found is not None and app is not None:
            self.save_fields()
            self.practise_round.emit(app.id, found.id)

    def choose_questions(self) -> None:
        """The questions to ask at the end of the selected round."""
        found = self.selected_round()
        if found is None:
            return
        dialog = QuestionsDialog(found, self.service, self)
        if dialog.exec():
            self._run(lambda: self.service.update_round(found.id, questions=dialog.chosen()))

    def _run(self, action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except StorageError as exc:
            report_error(self, exc, "Not saved:")

    def _open_told_story(self, item: QTableWidgetItem) -> None:
        story_id = item.data(ID_ROLE)
        if story_id is not None:
            self.open_story.emit(story_id)


def _next_text(app: ApplicationInfo, now: datetime) -> str:
    """What comes next in a loop, in a few words."""
    coming = next_round(app, now)
    if coming is None:
        return "every round done" if app.rounds else "no rounds yet"
    when = f", {local(coming.scheduled_at)}" if coming.scheduled_at else ""
    who = f" with {coming.interviewer}" if coming.interviewer else ""
    return f"{coming.name}{who}{when}"
