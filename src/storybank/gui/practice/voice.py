"""Optional: reading prompts aloud with QtTextToSpeech, where it exists.

QtTextToSpeech ships in PySide6-Addons and needs a speech engine (and on
Linux libpulse). Without any of these the feature is off, with the reason in
a tooltip; it never crashes, and nothing here runs at start-up.
"""

from __future__ import annotations

import importlib.util


class Voice:
    """Speaks text if the platform can; says why not otherwise."""

    def __init__(self) -> None:
        self._speech = None
        self.available = False
        self.reason = ""
        if importlib.util.find_spec("PySide6.QtTextToSpeech") is None:
            self.reason = (
                "Reading aloud needs Qt's text-to-speech module (the PySide6-Addons "
                "package), which is not installed."
            )
            return
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech

            # Qt ships a "mock" engine for its own tests: it says nothing.
            engines = [e for e in QTextToSpeech.availableEngines() if e != "mock"]
            if not engines:
                self.reason = "No text-to-speech engine is installed on this computer."
                return
            speech = None
            for engine in engines:
                speech = QTextToSpeech(engine)
                if speech.state() != QTextToSpeech.State.Error:
                    break
            if speech is None or speech.state() == QTextToSpeech.State.Error:
                error = speech.errorString() if speech is not None else ""
                self.reason = f"Text to speech could not start: {error or 'no engine works'}."
                return
            self._speech = speech
        except (ImportError, RuntimeError, OSError) as exc:
            self.reason = f"Text to speech could not start: {exc}"
            return
        self.available = True
        self.reason = "Reads each prompt aloud when it appears."

    def say(self, text: str) -> None:
        if self._speech is not None:
            self._speech.say(text)

    def stop(self) -> None:
        if self._speech is not None:
            self._speech.stop()
