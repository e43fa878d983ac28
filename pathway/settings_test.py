"""Settings for the test suite: production settings with the few switches tests need.

The database still comes from DATABASE_URL, so the same suite runs on SQLite and PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-with-enough-length-and-entropy-0123456789"
)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
# A folder of evidence files per test process: with pytest-xdist each worker has its own (the
# workers inherit the first process's environment, so a shared one would mix their files).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker or "PATHWAY_MEDIA_ROOT" not in os.environ:
    os.environ["PATHWAY_MEDIA_ROOT"] = tempfile.mkdtemp(prefix=f"pathway-test-media-{_worker}")

from pathway.settings import *  # noqa: E402,F403
from pathway.settings import BENCH_APP, INSTALLED_APPS, STORAGES  # noqa: E402

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Hashing passwords at full strength makes every sign-in in the suite slow; the production
# hashers have their own tests (tests/pathway/test_password_hashing.py).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CRISPY_FAIL_SILENTLY = False
# The benchmark's app (not the product's, see pathway/settings.py), so tests/bench runs.
if BENCH_APP not in INSTALLED_APPS:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("support.apps.SupportConfig") + 1, BENCH_APP)
# The suite's own `flush` (tests/harness): pytest-django empties the database between
# transactional tests, which the append-only tables refuse on PostgreSQL (pathway/db.py).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.harness"]
# Tasks run at once in the test that queues them. The tests that start a real Celery worker
# (tests/notifications/test_task_queue.py) turn that off; their broker is Redis, a database
# of its own per test process, named here so that the queue's connections are made to it.
CELERY_BROKER_URL = f"redis://127.0.0.1:6379/{15 - int(_worker.removeprefix('gw') or 0) % 8}"
CELERY_TASK_ALWAYS_EAGER = True
# Pages link their stylesheet rather than carry it inline (pathway/templatetags/inline_assets.py):
# a test that looks for a class in a page must find it in the markup, not in the stylesheet's
# selectors. The tests of the inline path turn it on (tests/pathway/test_fast_first_paint.py,
# and every end-to-end test: tests/e2e/conftest.py).
PATHWAY_INLINE_ASSETS = False
