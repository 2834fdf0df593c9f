"""Request fields that take exactly what the OpenAPI schema says they take.

DRF's fields coerce: a CharField takes 5 and stores "5", an IntegerField takes "5" and 5.5 is
refused only after rounding checks, a BooleanField takes "yes". The schema we publish says
`string`, `integer`, `boolean`, so a client (or a fuzzer) sending another type must get the 400
the schema promises. These subclasses refuse other JSON types before DRF's own parsing, and a
CharField that strips and refuses blanks says so in the schema (`pattern`, NON_BLANK_PATTERN).

`InputSerializer.schema_extra` adds to a request body's schema what fields cannot say, such as
"one of these two fields is required" (`anyOf` of `required` lists), and a `SchemaField` writes
its own schema (a oneOf, a recursive grammar); `apps.core.schema` applies both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol

from django.core.validators import RegexValidator
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.netaddr import NETWORK_SCHEMA

# A character Python's str.strip() keeps: not \s, nor the separators \x1c-\x1f and \x85 that
# Python counts as space and JSON Schema's (ECMA 262) \s does not. Valid in both dialects.
NON_BLANK_PATTERN = r"[^\s\u001c-\u001f\u0085]"
NON_BLANK = RegexValidator(NON_BLANK_PATTERN, "This field may not be blank.")


class CharField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not self.allow_blank and self.trim_whitespace:
            self.validators.append(NON_BLANK)  # what stripping then refusing "" means

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        # maxLength in the schema counts the characters sent, before any stripping.
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


@extend_schema_field(NETWORK_SCHEMA)
class NetworkField(CharField):
    """An address or CIDR range. The schema states the forms it takes (NETWORK_PATTERN); the
    service parses the value and answers a bad one with its own code (`invalid_ip`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=64, **kwargs)


class ChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class IntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        # JSON Schema counts 3.0 as an integer; strings and booleans are not.
        integral = isinstance(data, int) or (isinstance(data, float) and data.is_integer())
        if isinstance(data, bool) or not integral:
            self.fail("invalid")
        return super().to_internal_value(int(data))


class FloatField(serializers.FloatField):
    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class UUIDField(serializers.UUIDField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


def utc(moment: datetime) -> datetime:
    """An aware time in UTC. An offset that carries it past year 1 or 9999 (0001-01-01T00:00+05:00)
    gives the first or last representable instant: the difference is under a day, at a time no
    memory has."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return (datetime.min if moment.year == 1 else datetime.max).replace(tzinfo=UTC)


class DateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str):
            self.fail("invalid", format="ISO 8601")
        return super().to_internal_value(value)

    def enforce_timezone(self, value: datetime) -> datetime:
        return utc(value) if timezone.is_aware(value) else super().enforce_timezone(value)


# A request body; `schema_extra` is merged into its OpenAPI schema. (No docstring: the schema
# would show it as every subclass's description.)
class InputSerializer(serializers.Serializer):
    schema_extra: ClassVar[dict[str, Any]] = {}


def one_of_required(*names: str) -> dict[str, Any]:
    """`schema_extra` for "at least one of these fields"."""
    return {"anyOf": [{"required": [name]} for name in names]}


class SchemaRefs(Protocol):
    """What a `SchemaField` may reference: a serializer's component, or a named component
    (which may reference itself, for a recursive grammar)."""

    def serializer(self, serializer: type[serializers.Serializer]) -> dict[str, str]: ...

    def component(self, name: str, build: Callable[[], dict[str, Any]]) -> dict[str, str]: ...


class SchemaField(serializers.Field):
    """A JSON value validated by the subclass, with the OpenAPI schema `openapi()` returns."""

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        raise NotImplementedError

    def to_representation(self, value: Any) -> Any:
        return value


class ListOf(SchemaField):
    """A list of `min_items` to `max_items` objects, each validated by `item` (its data)."""

    def __init__(
        self,
        item: type[serializers.Serializer],
        *,
        min_items: int = 0,
        max_items: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.item, self.min_items, self.max_items = item, min_items, max_items

    def to_internal_value(self, data: Any) -> list[Any]:
        bounds = f"{self.min_items} to {self.max_items}" if self.max_items else "a"
        if not isinstance(data, list) or len(data) < self.min_items:
            raise serializers.ValidationError(f"a list of {bounds} objects")
        if self.max_items is not None and len(data) > self.max_items:
            raise serializers.ValidationError(f"a list of {bounds} objects")
        out, errors = [], {}
        for index, value in enumerate(data):
            item = self.item(data=value)
            if item.is_valid():
                out.append(item.validated_data)
            else:
                errors[index] = item.errors
        if errors:
            raise serializers.ValidationError(errors)
        return out

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        schema = {"type": "array", "items": refs.serializer(self.item), "minItems": self.min_items}
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        return schema
