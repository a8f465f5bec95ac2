#!/usr/bin/env python3
"""Validate `cis-filters verify --format ocsf` output (a JSON array on stdin)
against OCSF's Compliance Finding class with py-ocsf-models (the OCSF models
Prowler uses; scripts/report-tools.sh installs them).

Each event is parsed strictly (`ComplianceFinding.model_validate_json(...,
strict=True)`: required fields, types and enumerations), and then compared
with what the model kept: a field the model does not know would be dropped
silently, so every field must survive the round trip, except the few that
OCSF 1.5.0 defines and py-ocsf-models does not model yet (EXTRA below) and
the free-form `unmapped` and `data` objects.

Prints `ok N events (OCSF x.y.z)` and exits 0, or prints every problem and
exits 1.
"""
import json
import sys

from py_ocsf_models import OCSF_VERSION
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from py_ocsf_models.objects.cloud import Cloud

# Attributes of OCSF 1.5.0 that py-ocsf-models does not model (dotted paths
# from the event, list indices dropped).
EXTRA = {
    # The cloud profile's object (the events name the profile in
    # metadata.profiles); py-ocsf-models attaches it to other classes only,
    # so it is validated on its own with the Cloud model below.
    "cloud",
    "compliance.status",
    "compliance.status_code",
    "compliance.status_detail",
}
# Objects whose contents are free-form by the schema.
FREE = {"unmapped", "evidences.data", "evidences.resources.data", "resources.data"}


def dropped(sent, kept, path=""):
    """Paths present in `sent` but missing from `kept`."""
    out = []
    if path in FREE:
        return out
    if isinstance(sent, dict):
        for k, v in sent.items():
            p = f"{path}.{k}" if path else k
            if p in EXTRA:
                continue
            if not isinstance(kept, dict) or k not in kept:
                out.append(p)
            else:
                out.extend(dropped(v, kept[k], p))
    elif isinstance(sent, list) and isinstance(kept, list):
        for a, b in zip(sent, kept):
            out.extend(dropped(a, b, path))
    return out


def main():
    events = json.load(sys.stdin)
    if not isinstance(events, list) or not events:
        sys.exit("ocsf_validate: expected a non-empty JSON array of events")
    problems = []
    for i, ev in enumerate(events):
        try:
            model = ComplianceFinding.model_validate_json(json.dumps(ev), strict=True)
        except Exception as e:  # pydantic.ValidationError
            problems.append(f"event {i}: {e}")
            continue
        kept = json.loads(model.model_dump_json(exclude_unset=True))
        for p in dropped(ev, kept):
            problems.append(f"event {i}: `{p}` is not an attribute of the OCSF model")
        if "cloud" in ev:
            if "cloud" not in ev.get("metadata", {}).get("profiles", []):
                problems.append(f"event {i}: `cloud` without the cloud profile in metadata.profiles")
            try:
                cloud = Cloud.model_validate_json(json.dumps(ev["cloud"]), strict=True)
                kept_cloud = json.loads(cloud.model_dump_json(exclude_unset=True))
                for p in dropped(ev["cloud"], kept_cloud, "cloud"):
                    problems.append(f"event {i}: `{p}` is not an attribute of the OCSF model")
            except Exception as e:  # pydantic.ValidationError
                problems.append(f"event {i}: cloud: {e}")
        if ev.get("class_uid") != 2003:
            problems.append(f"event {i}: class_uid {ev.get('class_uid')} is not 2003")
        if ev.get("metadata", {}).get("version") != OCSF_VERSION:
            problems.append(
                f"event {i}: metadata.version {ev.get('metadata', {}).get('version')} "
                f"is not the validator's OCSF {OCSF_VERSION}"
            )
    if problems:
        print("\n".join(problems[:50]))
        sys.exit(1)
    print(f"ok {len(events)} events (OCSF {OCSF_VERSION})")


if __name__ == "__main__":
    main()
