"""Every raw and rendered manifest (and the session pods the code makes) validated against the
Kubernetes JSON schemas with kubernetes-validate (PyPI), offline, in strict mode (unknown fields
are errors), for the oldest and a current Kubernetes version the schemas cover."""
from __future__ import annotations

import pytest
import kubernetes_validate
from kubernetes_validate import utils as kv

from conftest import SCENARIOS, golden_pods, raw_docs, rendered

# 1.25: the oldest schemas kubernetes-validate ships (the seed asks for 1.24+); 1.36: the version
# the recorded fixtures and the sandbox follow.
VERSIONS = ["1.25.0", "1.36.0"]


def validate(doc: dict, version: str, label: str) -> None:
    try:
        kv.validate(doc, version, strict=True)
    except kv.ValidationError as error:
        path = ".".join(str(p) for p in error.path)
        pytest.fail(f"{label}: {doc['kind']}/{doc['metadata'].get('name')} fails Kubernetes {error.version} schema at {path}: {error.message}")
    except kv.SchemaNotFoundError as error:
        pytest.fail(f"{label}: {error.message}")


def test_schemas_are_offline_and_cover_the_versions():
    # The schemas ship in the wheel: no network needed.
    versions = kv.all_versions()
    assert versions[0] <= "1.25.0" and "1.36.0" in versions, versions
    assert kubernetes_validate.__file__


@pytest.mark.parametrize("version", VERSIONS)
def test_raw_manifests_validate(version):
    docs = raw_docs()
    assert len(docs) >= 10
    for path, doc in docs:
        validate(doc, version, path.name)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_rendered_chart_validates(scenario, version):
    for doc in rendered(scenario):
        validate(doc, version, f"helm template ({scenario})")


def test_session_pods_validate():
    pods = golden_pods()
    assert pods, "no golden session pods found"
    for name, pod in pods.items():
        # Native sidecars (init container restartPolicy) are in the schema from 1.28 on.
        validate(pod, "1.36.0", name)


def test_validator_rejects_what_a_cluster_would():
    # The check itself must be able to fail: an unknown field and a wrong type are caught.
    _, doc = next((p, d) for p, d in raw_docs() if d["kind"] == "Deployment")
    bad = {**doc, "spec": {**doc["spec"], "replica": 1}}
    with pytest.raises(kv.ValidationError):
        kv.validate(bad, "1.36.0", strict=True)
    bad = {**doc, "spec": {**doc["spec"], "replicas": "three"}}
    with pytest.raises(kv.ValidationError):
        kv.validate(bad, "1.36.0", strict=True)
