"""Request bodies and query parameters of the MemOS server routes added in issue 15: cubes,
memories by ids, delete / recover by record id, suggestions and the scheduler status."""

from __future__ import annotations

from rest_framework import serializers

from apps.core import fields as f
from apps.memories.serializers import MessageField

ID = {"max_length": 200}
NAME = {"max_length": 200, "trim_whitespace": True}
OPTIONAL = {"required": False, "allow_blank": True, "allow_null": True}
MAX_READERS = 100
MAX_IDS = 100


def _readers() -> serializers.ListField:
    """Ours, not MemOS's: the users who may read a registered cube besides its owner."""
    return serializers.ListField(child=f.CharField(**ID), max_length=MAX_READERS, required=False,
                                 allow_null=True)  # fmt: skip


class ProductCreateCubeIn(f.InputSerializer):
    cube_name = f.CharField(**NAME)
    owner_id = f.CharField(**ID)
    cube_path = f.CharField(max_length=1000, **OPTIONAL)  # MemOS's disk path: ignored
    cube_id = f.CharField(**ID, **OPTIONAL)
    reader_ids = _readers()


class ProductRegisterCubeIn(f.InputSerializer):
    mem_cube_name_or_path = f.CharField(max_length=1000)
    mem_cube_id = f.CharField(**ID, **OPTIONAL)
    user_id = f.CharField(**ID, **OPTIONAL)
    reader_ids = _readers()


class ProductDeleteByRecordIn(f.InputSerializer):
    mem_cube_id = f.CharField(**ID)
    record_id = f.CharField(**ID)
    hard_delete = f.BooleanField(required=False, default=False)
    user_id = f.CharField(**ID, **OPTIONAL)  # ours: the owner, for a registered cube


class ProductRecoverByRecordIn(f.InputSerializer):
    mem_cube_id = f.CharField(**ID)
    delete_record_id = f.CharField(**ID)
    user_id = f.CharField(**ID, **OPTIONAL)  # ours: the owner, for a registered cube


class ProductSuggestionIn(f.InputSerializer):
    user_id = f.CharField(**ID)
    mem_cube_id = f.CharField(**ID)
    language = f.ChoiceField(
        choices=["zh", "en"], required=False, allow_null=True,
        help_text="zh or en; absent: the language of the memories",
    )  # fmt: skip
    message = MessageField(required=False, allow_null=True)


# Query parameters (strings on the wire: DRF's own fields, which parse them).


class SchedulerStatusQuery(serializers.Serializer):
    user_id = serializers.CharField(**ID)
    task_id = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SchedulerQueueQuery(serializers.Serializer):
    user_id = serializers.CharField(**ID)


class SchedulerWaitQuery(serializers.Serializer):
    user_name = serializers.CharField(**ID)
    # MemOS's default is 120 s; ours waits at most 60 (apps.compat.scheduler.WAIT_MAX_SECONDS)
    timeout_seconds = serializers.FloatField(min_value=0, max_value=86400, default=60)
    poll_interval = serializers.FloatField(min_value=0.1, max_value=5, default=0.5)


# The schema states the object form; MemOS's own client sends the list alone, which the view
# accepts as well.
class ProductMemoryIdsIn(f.InputSerializer):
    memory_ids = serializers.ListField(
        child=f.CharField(max_length=200), max_length=MAX_IDS,
        help_text="memory ids (unknown ones are skipped)",
    )  # fmt: skip
