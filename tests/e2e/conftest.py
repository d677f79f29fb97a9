"""Browser tests with Playwright and Debian's Chromium: the ``browser`` fixture is in
tests/conftest.py, one Chromium for the whole run and fresh pages for each test."""
