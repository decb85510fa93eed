import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
application = get_wsgi_application()

# What is loaded at start-up (settings, models, URL patterns) lives as long as the
# process; keeping it out of the garbage collector's scans removes the long pauses that
# bench/policies.py measures as one_enterprise p99 (357 ms without, 32 ms with).
gc.freeze()
