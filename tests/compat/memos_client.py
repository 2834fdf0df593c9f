"""What `MemOSClient` of the MemoryOS package (2.0.33, Apache-2.0) sends and checks, transcribed
from `memos/api/client.py` and `memos/api/product_models.py`: that package pulls transformers,
scikit-learn and more, too heavy for a test run. The payload builders copy the client's dicts
key for key; the response models are the pydantic models it validates every answer with."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

# --- response models (product_models.py) --------------------------------------------------------


class MessageDetail(BaseModel):
    model_config = {"extra": "allow"}


class MemoryDetail(BaseModel):
    model_config = {"extra": "allow"}


class GetMessagesData(BaseModel):
    message_detail_list: list[MessageDetail] = Field(default_factory=list)


class SearchMemoryData(BaseModel):
    memory_detail_list: list[MemoryDetail] = Field(default_factory=list)
    message_detail_list: list[MessageDetail] | None = None
    preference_detail_list: list[MessageDetail] | None = None
    tool_memory_detail_list: list[MessageDetail] | None = None
    skill_detail_list: list[MemoryDetail] | None = None
    profile_detail_list: list[MemoryDetail] | None = None
    event_detail_list: list[MemoryDetail] | None = None
    preference_note: str = Field(None)


class GetMemoryData(BaseModel):
    memory_detail_list: list[MemoryDetail] = Field(default_factory=list)
    preference_detail_list: list[MessageDetail] | None = None
    tool_memory_detail_list: list[MemoryDetail] | None = None
    profile_detail_list: list[MemoryDetail] | None = None
    event_detail_list: list[MemoryDetail] | None = None
    skill_detail_list: list[MemoryDetail] | None = None
    total: int | None = None
    size: int | None = None
    current: int | None = None
    pages: int | None = None


class AddMessageData(BaseModel):
    success: bool
    task_id: str
    status: str


class DeleteMessageData(BaseModel):
    success: bool


class GetTaskStatusData(BaseModel):
    task_id: str
    status: str
    memory_views: dict[str, Any] | None = None


class _Envelope(BaseModel):
    code: int
    message: str


class MemOSGetMessagesResponse(_Envelope):
    data: GetMessagesData

    @property
    def messages(self) -> list[MessageDetail]:
        return self.data.message_detail_list


class MemOSSearchResponse(_Envelope):
    data: SearchMemoryData

    @property
    def memories(self) -> list[MemoryDetail]:
        return self.data.memory_detail_list


class MemOSDeleteMemoryResponse(_Envelope):
    data: DeleteMessageData

    @property
    def success(self) -> bool:
        return self.data.success


class MemOSGetTaskStatusResponse(_Envelope):
    data: GetTaskStatusData


class MemOSGetMemoryResponse(_Envelope):
    data: GetMemoryData

    @property
    def memories(self) -> list[MemoryDetail]:
        return self.data.memory_detail_list


class MemOSAddResponse(_Envelope):
    data: AddMessageData

    @property
    def success(self) -> bool:
        return self.data.success

    @property
    def task_id(self) -> str:
        return self.data.task_id

    @property
    def status(self) -> str:
        return self.data.status


class MemOSAddFeedBackResponse(MemOSAddResponse):
    pass


# --- request payloads (client.py) ---------------------------------------------------------------


def add_message(messages, user_id=None, conversation_id=None, info=None, source=None, app_id=None,
                agent_id=None, async_mode=True, tags=None) -> dict:  # fmt: skip
    return {"messages": messages, "user_id": user_id, "conversation_id": conversation_id,
            "info": info, "source": source, "app_id": app_id, "agent_id": agent_id,
            "allow_public": False, "allow_knowledgebase_ids": None, "allow_memory_view": None,
            "tags": tags, "async_mode": async_mode}  # fmt: skip


def search_memory(query, user_id=None, conversation_id=None, agent_id=None,
                  memory_limit_number=6, filter=None, relativity=None) -> dict:  # fmt: skip
    return {"query": query, "user_id": user_id, "conversation_id": conversation_id,
            "agent_id": agent_id, "memory_limit_number": memory_limit_number,
            "include_preference": True, "knowledgebase_ids": None, "filter": filter,
            "preference_limit_number": 6, "tool_memory_limit_number": 6,
            "relativity": relativity, "include_skill": False, "skill_limit_number": 6,
            "include_memory_view": None, "context_format": "memory", "source": None,
            "include_tool_memory": False}  # fmt: skip


def get_message(user_id, conversation_id=None, conversation_limit_number=None,
                message_limit_number=None, source=None) -> dict:  # fmt: skip
    return {"user_id": user_id, "conversation_id": conversation_id,
            "conversation_limit_number": conversation_limit_number,
            "message_limit_number": message_limit_number, "source": source}  # fmt: skip


def get_memory(user_id=None, page=1, size=10, agent_id=None, filter=None) -> dict:
    return {"include_preference": True, "user_id": user_id, "agent_id": agent_id,
            "include_tool_memory": True, "include_memory_view": None, "filter": filter,
            "page": page, "size": size}  # fmt: skip


def add_feedback(user_id, conversation_id=None, feedback_content=None, agent_id=None,
                 app_id=None, feedback_time=None) -> dict:  # fmt: skip
    return {"feedback_content": feedback_content, "user_id": user_id,
            "conversation_id": conversation_id, "agent_id": agent_id, "app_id": app_id,
            "feedback_time": feedback_time, "allow_public": False,
            "allow_knowledgebase_ids": None}  # fmt: skip


def normalize_task_status(response_data: dict, task_id: str) -> dict:
    """client._normalize_task_status_response"""
    data = response_data.get("data")
    if not (isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict)):
        return response_data
    normalized = data[0].copy()
    normalized.setdefault("task_id", task_id)
    return {**response_data, "data": normalized}
