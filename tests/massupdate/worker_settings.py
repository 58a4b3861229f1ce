"""Settings for a real `manage.py worker` started by a test: the test's own database (its
name comes from the test, which knows it), and a quick rhythm so an update takes seconds."""

import os

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["CRMUPDATE_WORKER_DB_NAME"]
MASSUPDATE_POLL_FIRST_SECONDS = 0.2
MASSUPDATE_POLL_MAX_SECONDS = 1.0
MASSUPDATE_RETRY_FIRST_SECONDS = 0.5
MASSUPDATE_RETRY_MAX_SECONDS = 2.0
MASSUPDATE_LEASE_SECONDS = 3.0
MASSUPDATE_VIEW_BUSY_SECONDS = 0.5
WORKER_IDLE_SECONDS = 0.2
WORKER_SWEEP_SECONDS = 1.0
# Long enough for the simulator to answer while a test holds a request (a claim for sending
# lasts 5 x this + 30 s: the tests move time on by ending claims themselves).
ZOHO_HTTP_TIMEOUT = 60.0
