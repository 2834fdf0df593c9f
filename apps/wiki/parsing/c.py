"""C and C++: functions, structs, enums, typedefs, classes, namespaces and in-class method
declarations with the comments above them; `#include "x.h"` resolved (next to the file, then
from the root, then by a unique file name)."""

from __future__ import annotations

import posixpath

import tree_sitter_c
import tree_sitter_cpp

from apps.wiki.parsing.engine import FileContext, LanguageSpec

C_DEFINITIONS = """
(function_definition declarator: (function_declarator declarator: (identifier) @name)) @def.function
(function_definition declarator: (pointer_declarator
  declarator: (function_declarator declarator: (identifier) @name))) @def.function
(struct_specifier name: (type_identifier) @name body: (_)) @def.struct
(enum_specifier name: (type_identifier) @name body: (_)) @def.enum
(type_definition declarator: (type_identifier) @name) @def.type
"""
CPP_DEFINITIONS = """
(function_definition declarator: (function_declarator
  declarator: [(identifier) (field_identifier) (qualified_identifier) (destructor_name)] @name))
  @def.function
(function_definition declarator: (pointer_declarator
  declarator: (function_declarator declarator: (identifier) @name))) @def.function
(field_declaration declarator: (function_declarator declarator: (field_identifier) @name))
  @def.function
(class_specifier name: (type_identifier) @name body: (_)) @def.class
(struct_specifier name: (type_identifier) @name body: (_)) @def.struct
(enum_specifier name: (type_identifier) @name body: (_)) @def.enum
(namespace_definition name: (namespace_identifier) @name) @def.module
"""
CALLS = "(call_expression function: (_) @callee)"
IMPORTS = "(preproc_include path: (_) @module) @import"
WRAPPERS = frozenset({"declaration", "type_definition", "template_declaration"})


def resolve_import(target: str, path: str, context: FileContext) -> str | None:
    here = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    for candidate in (here, posixpath.normpath(target), posixpath.join("include", target)):
        if candidate in context.paths:
            return candidate
    same_name = context.by_name.get(posixpath.basename(target), [])
    return same_name[0] if len(same_name) == 1 else None


C = LanguageSpec(
    name="c", extensions=(".c", ".h"), language=tree_sitter_c.language,
    definitions=C_DEFINITIONS, calls=CALLS, imports=IMPORTS, resolve_import=resolve_import,
    wrappers=WRAPPERS,
)  # fmt: skip
CPP = LanguageSpec(
    name="cpp", extensions=(".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx"),
    language=tree_sitter_cpp.language, definitions=CPP_DEFINITIONS, calls=CALLS, imports=IMPORTS,
    resolve_import=resolve_import, wrappers=WRAPPERS,
)  # fmt: skip
