"""Project-wide tests that span several apps (browser journeys, accessibility)."""
