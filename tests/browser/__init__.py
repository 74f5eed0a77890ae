"""End-to-end journeys and accessibility checks in Debian's Chromium (Playwright)."""
