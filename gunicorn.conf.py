"""gunicorn's settings for qinqing (read by `gunicorn qinqing.wsgi` from the project root,
or with `-c gunicorn.conf.py`); the bench serves the intake with the same file."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
