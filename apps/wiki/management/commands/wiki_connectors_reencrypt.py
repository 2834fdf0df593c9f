"""Re-seal every saved connector secret under the first key of WIKI_CONNECTOR_KEYS (rotation:
put the new key first, keep the old ones, run this, then drop the old ones)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.wiki.connectors.services import connector_secrets_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt saved wiki connector secrets under the current (first) key."

    def handle(self, *args: Any, **options: Any) -> None:
        count = connector_secrets_reencrypt()
        self.stdout.write(f"re-encrypted {count} connector record(s)")
