"""The request bodies of the compatibility routes: what mem0's `MemoryClient` and MemOS's clients
send, as the views accept it. Each view validates its body with one of these (the serializer is
the validation, and the OpenAPI schema is made from it); other fields of the products' bodies
(mem0's `version`, `output_format`, ...) are accepted and ignored."""

from apps.compat.serializers.mem0 import *  # noqa: F403
from apps.compat.serializers.memos import *  # noqa: F403
from apps.compat.serializers.memos_server import *  # noqa: F403
