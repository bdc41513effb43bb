"""Entry point for ``python -m storybank``."""

from storybank.app import main

raise SystemExit(main())
