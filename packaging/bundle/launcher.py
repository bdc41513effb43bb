"""The bundle's entry script: the same ``main`` as the ``storybank`` command.

PyInstaller needs a file to start from; with no arguments it opens the window,
with a subcommand (``check``, ``sheet`` ...) it runs headless.
"""

from storybank.app import main

raise SystemExit(main())
