"""Settings for a real `manage.py db_worker` started by a test: the test's own database (its
name comes from the test, which knows it), and a quick rhythm so recovery takes seconds."""

import os

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["CRMUPDATE_WORKER_DB_NAME"]
MASSUPDATE_POLL_FIRST_SECONDS = 0.2
MASSUPDATE_POLL_MAX_SECONDS = 1.0
MASSUPDATE_RETRY_FIRST_SECONDS = 0.5
MASSUPDATE_RETRY_MAX_SECONDS = 2.0
MASSUPDATE_LEASE_SECONDS = 3.0
MASSUPDATE_WATCHDOG_SECONDS = 1.0
MASSUPDATE_OVERDUE_SECONDS = 1.0
ZOHO_HTTP_TIMEOUT = 60.0
