"""Test settings: the same real servers, a separate Redis db so tests never feed a dev worker."""

import os

os.environ.setdefault("REDIS_DB", "1")

from memplatform.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
