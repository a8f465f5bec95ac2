#!/usr/bin/env python3
"""Write an organization snapshot directory (docs/snapshot.md) built from
the example account snapshots, for tests and benchmarks.

    scripts/gen-org-snapshot.py DIR                 the small test organization
    scripts/gen-org-snapshot.py DIR --accounts 1000 a synthetic organization

The small organization (tests/data/org/) has:
  111111111111 management: an organization trail delivering to a central log
               group with the CIS filters (their fieldSelectionCriteria leave
               out 444444444444), alarms and a subscribed topic
  222222222222 a member with its own broken trail (examples' noncompliant)
  333333333333 a member with no trail of its own (moto's member view)
  444444444444 a member the central filters' criteria exclude
  555555555555 SUSPENDED: listed, no file
  666666666666 an error file (AssumeRole denied)
  777777777777 listed, not collected (no file)

With --accounts N: the management account as above and N - 1 members
(200000000000 + i), each a copy of the noncompliant example without its
trails. Output is deterministic.
"""

import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE_ACCOUNT = "409318256711"
MANAGEMENT = "111111111111"
EXCLUDED = "444444444444"
ORG_ID = "o-exampleorg1"


def example(name, account):
    with open(os.path.join(ROOT, "examples", "snapshots", name + ".json")) as f:
        text = f.read().replace(EXAMPLE_ACCOUNT, account)
    snap = json.loads(text)
    snap["schema"] = 3
    return snap


def management(excluded):
    snap = example("compliant", MANAGEMENT)
    criteria = '@aws.account NOT IN ["%s"]' % excluded if excluded else None
    for region in snap["regions"]:
        for trail in region["trails"].get("ok", []):
            trail["is_organization_trail"] = True
        for flt in region["metric_filters"].get("ok", []):
            if criteria:
                flt["field_selection_criteria"] = criteria
    return snap


def member(account, keep_trails):
    snap = example("noncompliant", account)
    if not keep_trails:
        for region in snap["regions"]:
            region["trails"] = {"ok": []}
    return snap


def organization(accounts):
    return {
        "organization_schema": 1,
        "organization_id": ORG_ID,
        "organization_arn": "arn:aws:organizations::%s:organization/%s" % (MANAGEMENT, ORG_ID),
        "management_account_id": MANAGEMENT,
        "caller_account_id": MANAGEMENT,
        "partition": "aws",
        "taken_at": "2026-11-20T09:30:00Z",
        "collector": "scripts/gen-org-snapshot.py",
        "scope": {"role_name": "CisAudit"},
        "organizational_units": {"ok": [{"id": "r-ab12", "name": "Root"}]},
        "delegated_administrators": {"ok": []},
        "accounts": [
            {"id": i, "name": n, "status": st, "parent_id": "r-ab12"}
            for (i, n, st) in sorted(accounts)
        ],
    }


def write(path, value, compact=False):
    with open(path, "w") as f:
        if compact:
            json.dump(value, f, separators=(",", ":"))
        else:
            json.dump(value, f, indent=1)
            f.write("\n")


def small(out):
    acc = os.path.join(out, "accounts")
    write(os.path.join(acc, MANAGEMENT + ".json"), management(EXCLUDED))
    write(os.path.join(acc, "222222222222.json"), member("222222222222", True))
    write(os.path.join(acc, "333333333333.json"), member("333333333333", False))
    write(os.path.join(acc, EXCLUDED + ".json"), member(EXCLUDED, False))
    write(
        os.path.join(acc, "666666666666.error.json"),
        {
            "organization_schema": 1,
            "account_id": "666666666666",
            "taken_at": "2026-11-20T09:30:00Z",
            "error": {
                "service": "sts",
                "operation": "AssumeRole",
                "code": "AccessDenied",
                "message": "not authorized to perform sts:AssumeRole on arn:aws:iam::666666666666:role/CisAudit",
            },
        },
    )
    write(
        os.path.join(out, "organization.json"),
        organization(
            [
                (MANAGEMENT, "management", "ACTIVE"),
                ("222222222222", "own-broken-trail", "ACTIVE"),
                ("333333333333", "covered", "ACTIVE"),
                (EXCLUDED, "excluded-by-criteria", "ACTIVE"),
                ("555555555555", "closed", "SUSPENDED"),
                ("666666666666", "role-missing", "ACTIVE"),
                ("777777777777", "not-collected", "ACTIVE"),
            ]
        ),
    )


def synthetic(out, n):
    acc = os.path.join(out, "accounts")
    write(os.path.join(acc, MANAGEMENT + ".json"), management(None), compact=True)
    base = json.dumps(member("200000000000", False), separators=(",", ":"))
    listed = [(MANAGEMENT, "management", "ACTIVE")]
    for i in range(1, n):
        account = "%012d" % (200000000000 + i)
        with open(os.path.join(acc, account + ".json"), "w") as f:
            f.write(base.replace("200000000000", account))
        listed.append((account, "member-%d" % i, "ACTIVE"))
    write(os.path.join(out, "organization.json"), organization(listed), compact=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir", help="the directory to write (created)")
    p.add_argument("--accounts", type=int, help="a synthetic organization of N accounts")
    a = p.parse_args()
    if a.accounts is not None and a.accounts < 1:
        sys.exit("--accounts: at least 1")
    os.makedirs(os.path.join(a.dir, "accounts"), exist_ok=True)
    if a.accounts is None:
        small(a.dir)
    else:
        synthetic(a.dir, a.accounts)


if __name__ == "__main__":
    main()
