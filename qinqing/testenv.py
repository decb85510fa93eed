"""A pytest plugin (loaded with -p from pyproject) that sets the environment for tests
before pytest-django reads the settings."""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SECURE_HTTPS", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault(
    "QINQING_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test")
)
# Request limits count per user id, which repeats from test to test: off unless a test
# sets a limit (qinqing/tests/test_rate_limits.py).
os.environ.setdefault("API_RATE_LIMIT_PER_MINUTE", "0")
os.environ.setdefault("OPEN311_RATE_LIMIT_PER_MINUTE", "0")
# Cached credentials are keyed by user and token ids, which repeat from one test run to
# the next while the cache (Redis) keeps its keys: off unless a test turns it on
# (qinqing/accounts/tests/test_credentials_cache.py).
os.environ.setdefault("CREDENTIAL_CACHE_SECONDS", "0")
