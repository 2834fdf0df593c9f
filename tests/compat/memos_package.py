"""MemOS's own `MemOSClient` (`memos.api.client` of the MemoryOS package, installed without its
dependencies by requirements-nodeps.txt) and the pydantic models it validates every answer with.

The client is used as shipped. Loading it takes three precautions, all against the package's
import-time side effects, none touching what the client sends or checks:

- `memos/__init__.py` builds the whole MemOS stack (MOS, memory cubes, schedulers: transformers,
  scikit-learn, ...). The client needs none of it, so the `memos` package is entered without
  running that file; its submodules load as usual.
- `memos.types` imports `transformers.DynamicCache` as the type of an activation-memory field that
  the client never fills. Without transformers installed, a placeholder class stands in while the
  package loads (and `transformers` is not left importable afterwards).
- `memos.log` configures logging for the whole process on import (`dictConfig` on the root
  logger: a stdout handler, a log file under $MEMOS_BASE_PATH/.memos) and reads a `.env`. The
  test run keeps its own logging: that configuration is skipped, the file goes to a temporary
  directory, and no `.env` is read.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging.config
import os
import sys
import tempfile
import types
from unittest import mock


def _load() -> types.ModuleType:
    if "memos.api.client" in sys.modules:
        return sys.modules["memos.api.client"]
    spec = importlib.util.find_spec("memos")
    if spec is None:
        raise ImportError("MemoryOS is not installed (make venv installs requirements-nodeps.txt)")
    stand_ins = {}
    if "memos" not in sys.modules:
        stand_ins["memos"] = importlib.util.module_from_spec(spec)  # __init__.py not run
    if importlib.util.find_spec("transformers") is None:
        placeholder = types.ModuleType("transformers")
        placeholder.DynamicCache = type("DynamicCache", (), {})
        stand_ins["transformers"] = placeholder
    sys.modules.update(stand_ins)
    try:
        with (
            tempfile.TemporaryDirectory() as home,
            mock.patch.dict(os.environ, {"MEMOS_BASE_PATH": home, "PYTHON_DOTENV_DISABLED": "1"}),
            mock.patch.object(logging.config, "dictConfig", lambda config: None),
        ):
            return importlib.import_module("memos.api.client")
    except BaseException:
        sys.modules.pop("memos", None)
        raise
    finally:
        if "transformers" in stand_ins:
            sys.modules.pop("transformers", None)


_client = _load()
MemOSClient = _client.MemOSClient
product_models = sys.modules["memos.api.product_models"]
