import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memplatform.settings.base")
# Each ASGI request runs its sync view in a fresh thread; pool connections so that no request
# pays for a new PostgreSQL backend.
os.environ.setdefault("DB_POOL", "1")
application = get_asgi_application()
