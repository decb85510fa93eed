"""Bounds on paging parameters: beyond them a database OFFSET overflows or scans for
nothing, so the API refuses them (422) instead of failing (500)."""

MAX_PAGE = 10_000
MAX_OFFSET = 1_000_000
