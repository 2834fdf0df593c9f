"""The start check: the database's image and audio columns must have the configured dimensions."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from apps.multimodal.checks import column_dimension, multimodal_dimension_check

pytestmark = pytest.mark.django_db


def test_columns_have_the_configured_dimensions(settings):
    assert column_dimension("image_embedding") == settings.MULTIMODAL_IMAGE_DIM
    assert column_dimension("audio_embedding") == settings.MULTIMODAL_AUDIO_DIM
    assert multimodal_dimension_check() == []


def test_a_different_setting_stops_the_start_naming_the_variable(settings):
    settings.MULTIMODAL_IMAGE_DIM = 768
    errors = multimodal_dimension_check()
    assert [e.id for e in errors] == ["multimodal.E001"]
    assert "MULTIMODAL_IMAGE_DIM=768" in errors[0].msg and "512-d" in errors[0].msg
    settings.MULTIMODAL_AUDIO_DIM = 1024
    assert [e.id for e in multimodal_dimension_check()] == ["multimodal.E001", "multimodal.E002"]
    with pytest.raises(SystemCheckError, match="MULTIMODAL_AUDIO_DIM"):
        call_command("check", databases=["default"])
