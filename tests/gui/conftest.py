"""GUI fixtures live in tests/conftest.py (the fault suite drives windows too)."""
