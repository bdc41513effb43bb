"""What every small dialog shares: its row of OK and Cancel, the OK button named
for what it does ("Save", "Create")."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox


def dialog_buttons(dialog: QDialog, ok: str) -> QDialogButtonBox:
    """OK (labelled ``ok``, the default) and Cancel, wired to accept and reject."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok_button.setText(ok)
    ok_button.setObjectName("dialogOk")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
