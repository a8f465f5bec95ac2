"""Seed an AWS Organization into a moto server for the organization end-to-end
test and the organization benchmark (scripts/org-bench.sh).

The management account (--management, 12 digits) creates the organization and
its member accounts (moto picks their ids), and owns an organization trail
(multi-region, IsOrganizationTrail) that delivers to the central log group
`cloudtrail` with the 14 CIS v1.2 metric filters, their alarms and a subscribed
topic. Members:
  audited        the role CisAudit exists; nothing else
  broken-trail   the role exists; its own trail is single-region, without
                 validation, KMS or CloudWatch Logs
  no-role        no role CisAudit: moto does not check that an assumed role
                 exists, but with IAM enforcement on (--enforce) every call
                 made with its credentials is refused, as AWS refuses AssumeRole
  closed         closed with CloseAccount: listed as SUSPENDED
With --members N (benchmark) the members are N accounts with the role.

--enforce turns moto's IAM enforcement on once seeding is done
(POST /moto-api/reset-auth 0): from then on every request must be allowed by
the caller's policies. The management user and the roles have a policy that
allows everything; the server must be one of the test's own.

Prints JSON: the management account's key and the member ids by name.
"""

import argparse
import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed  # noqa: E402

ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def trust(management):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{management}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def audit_role(member, management):
    iam = member.client("iam")
    iam.create_role(RoleName="CisAudit", AssumeRolePolicyDocument=trust(management))
    iam.put_role_policy(RoleName="CisAudit", PolicyName="all", PolicyDocument=ALLOW_ALL)


def organization_trail(mgmt):
    iam = mgmt.client("iam")
    iam.create_role(RoleName="delivery", AssumeRolePolicyDocument=seed.ASSUME_ANY)
    seed.log_bucket(mgmt, f"access-logs-{mgmt.id}")
    seed.bucket(mgmt, f"org-trail-{mgmt.id}", logging_to=f"access-logs-{mgmt.id}")
    key = seed.kms_key(mgmt, mgmt.home, rotate=True)
    group_arn = seed.monitoring(mgmt, {})
    ct = mgmt.client("cloudtrail")
    ct.create_trail(
        Name="org",
        S3BucketName=f"org-trail-{mgmt.id}",
        IsMultiRegionTrail=True,
        IsOrganizationTrail=True,
        EnableLogFileValidation=True,
        CloudWatchLogsLogGroupArn=group_arn,
        CloudWatchLogsRoleArn=f"arn:aws:iam::{mgmt.id}:role/delivery",
        KmsKeyId=key,
    )
    ct.put_event_selectors(
        TrailName="org",
        EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}],
    )
    ct.start_logging(Name="org")


def broken_trail(member):
    seed.bucket(member, f"own-trail-{member.id}")
    seed.trail(
        member,
        "own",
        f"own-trail-{member.id}",
        multi_region=False,
        log_group_arn=None,
        kms=None,
        validation=False,
        logging=True,
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--endpoint", default=os.environ.get("AWS_ENDPOINT_URL"))
    p.add_argument("--management", required=True)
    p.add_argument("--regions", default="us-east-1")
    p.add_argument("--members", type=int, default=0)
    p.add_argument("--enforce", action="store_true")
    a = p.parse_args()
    if not a.endpoint or not a.endpoint.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise SystemExit("seed_org.py: refusing to seed a non-loopback endpoint")
    regions = [r for r in a.regions.split(",") if r]
    mgmt = seed.Account(a.endpoint, a.management, regions[0], regions)
    mgmt.client("iam").put_user_policy(
        UserName="cis-auditor", PolicyName="all", PolicyDocument=ALLOW_ALL
    )
    org = mgmt.client("organizations")
    org.create_organization(FeatureSet="ALL")
    names = ["audited", "broken-trail", "no-role", "closed"]
    if a.members:
        names = [f"member-{i:03d}" for i in range(a.members)]
    ids = {}
    for name in names:
        r = org.create_account(AccountName=name, Email=f"{name}@example.com")
        ids[name] = r["CreateAccountStatus"]["AccountId"]
    organization_trail(mgmt)
    for name, account in ids.items():
        if name in ("no-role", "closed"):
            continue
        member = seed.Account(a.endpoint, account, regions[0], regions)
        audit_role(member, mgmt.id)
        if name == "broken-trail":
            broken_trail(member)
    if "closed" in ids:
        org.close_account(AccountId=ids["closed"])
    if a.enforce:
        req = urllib.request.Request(
            a.endpoint + "/moto-api/reset-auth",
            data=b"0",
            method="POST",
            headers={"Content-Type": "text/plain"},
        )
        urllib.request.urlopen(req, timeout=10).read()
    json.dump(
        {
            "management": mgmt.id,
            "access_key_id": mgmt.key_id,
            "secret_access_key": mgmt.secret,
            "members": ids,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
