"""docs/deploy.md documents every chart value and every raw manifest."""
from __future__ import annotations

import yaml

from conftest import CHART, RAW_DIR, ROOT

OPAQUE = {"annotations", "hard", "podLabels", "podAnnotations", "nodeSelector", "affinity", "podSecurityContext",
          "securityContext", "resources"}


def leaves(values: dict, prefix: str = ""):
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and key not in OPAQUE:
            yield from leaves(value, path + ".")
        else:
            yield path


def test_every_chart_value_is_documented():
    doc = (ROOT / "docs" / "deploy.md").read_text()
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    missing = [key for key in leaves(values) if f"`{key}`" not in doc]
    assert not missing, f"docs/deploy.md does not describe: {missing}"


def test_every_manifest_is_documented():
    doc = (ROOT / "docs" / "deploy.md").read_text()
    for path in RAW_DIR.glob("*.yaml"):
        assert f"`{path.name}`" in doc, path.name
