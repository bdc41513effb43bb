"""The Practice and Progress modes."""
