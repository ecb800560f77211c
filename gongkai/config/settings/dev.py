"""Local development and the demo (`make run`): SQLite under var/, debug on."""

import os

from .base import *  # noqa: F403
from .base import STORAGES, env_list

DEBUG = os.environ.get("DEBUG", "1") == "1"
# A development key only; production.py refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Every demo site answers on <slug>.localhost:8000 (browsers resolve *.localhost locally).
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,.localhost")
