"""The published JSON Schemas: the committed copies match the models."""

from __future__ import annotations

import json

import pytest

from extractors.models import json_schemas
from tests.conftest import ROOT


@pytest.mark.parametrize("name", sorted(json_schemas()))
def test_committed_schema_is_current(name: str) -> None:
    committed = json.loads((ROOT / "extractors" / "schemas" / f"{name}.schema.json").read_text())
    assert committed == json_schemas()[name], (
        f"regenerate with: uv run dalil schema {name} > extractors/schemas/{name}.schema.json"
    )
