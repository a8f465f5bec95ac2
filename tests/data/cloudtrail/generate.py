#!/usr/bin/env python3
"""Write the CloudTrail sample logs of the matcher tests.

match/<control>.json: records the control's canonical pattern must match.
near-miss/<control>.json: records that look alike but must not match.
Each file is a CloudTrail log file ({"Records": [...]}), so `cis-filters
replay` reads it as AWS delivers it. Run from this folder; the output is
deterministic.
"""
import json
import os

ACCOUNT = "123456789012"
counter = [0]


def user(kind="IAMUser", name="alice", **extra):
    u = {"type": kind, "principalId": "AIDAEXAMPLE" + name.upper(), "accountId": ACCOUNT}
    if kind == "Root":
        u["arn"] = f"arn:aws:iam::{ACCOUNT}:root"
        u["principalId"] = ACCOUNT
    elif kind == "AssumedRole":
        u["arn"] = f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/session"
    else:
        u["arn"] = f"arn:aws:iam::{ACCOUNT}:user/{name}"
        u["userName"] = name
    u.update(extra)
    return u


def rec(source, name, identity=None, event_type="AwsApiCall", **extra):
    counter[0] += 1
    n = counter[0]
    r = {
        "eventVersion": "1.08",
        "userIdentity": identity or user(),
        "eventTime": f"2024-03-01T12:{n // 60 % 60:02d}:{n % 60:02d}Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": None,
        "responseElements": None,
        "requestID": f"req-{n:06d}",
        "eventID": f"00000000-0000-4000-8000-{n:012d}",
        "readOnly": name.startswith(("Describe", "Get", "List", "Lookup")),
        "eventType": event_type,
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    r.update(extra)
    return {k: v for k, v in r.items() if v is not Ellipsis}


def login(success=True, mfa="No", kind="IAMUser", **extra):
    r = rec(
        "signin.amazonaws.com",
        "ConsoleLogin",
        identity=user(kind),
        event_type="AwsConsoleSignIn",
        responseElements={"ConsoleLogin": "Success" if success else "Failure"},
        additionalEventData={
            "LoginTo": "https://console.aws.amazon.com/console/home",
            "MobileVersion": "No",
            "MFAUsed": mfa,
        },
        readOnly=False,
    )
    if not success:
        r["errorMessage"] = "Failed authentication"
    r.update(extra)
    return {k: v for k, v in r.items() if v is not Ellipsis}


EC2 = "ec2.amazonaws.com"
IAM = "iam.amazonaws.com"
S3 = "s3.amazonaws.com"

SAMPLES = {
    "3.1": (
        [
            rec(EC2, "RunInstances", errorCode="Client.UnauthorizedOperation",
                errorMessage="You are not authorized to perform this operation."),
            rec(EC2, "DescribeInstances", errorCode="UnauthorizedOperation"),
            rec(S3, "GetBucketAcl", errorCode="AccessDenied", errorMessage="Access Denied"),
            rec("kms.amazonaws.com", "Decrypt", errorCode="AccessDeniedException"),
        ],
        [
            rec(EC2, "RunInstances", errorCode="Client.UnauthorizedOperationPending"),
            rec(S3, "GetBucketAcl", errorCode="accessdenied"),
            rec(S3, "GetObject", errorCode="NoSuchKey"),
            rec("dynamodb.amazonaws.com", "PutItem", errorCode="ThrottlingException"),
            rec(IAM, "GetUser", errorMessage="AccessDenied"),
            rec(EC2, "DescribeInstances"),
        ],
    ),
    "3.2": (
        [
            login(mfa="No"),
            login(success=False, mfa="No"),
            login(mfa="no"),
        ],
        [
            login(mfa="Yes"),
            # No additionalEventData at all: `!=` on a missing field never matches.
            login(additionalEventData=Ellipsis),
            rec("signin.amazonaws.com", "CheckMfa", event_type="AwsConsoleSignIn",
                additionalEventData={"MFAUsed": "No"}),
            rec("signin.amazonaws.com", "consolelogin", additionalEventData={"MFAUsed": "No"}),
        ],
    ),
    "3.3": (
        [
            rec(IAM, "CreateAccessKey", identity=user("Root")),
            login(kind="Root", mfa="Yes"),
            rec(S3, "ListBuckets", identity=user("Root")),
        ],
        [
            rec(IAM, "CreateAccessKey", identity=user("Root", invokedBy="support.amazonaws.com")),
            rec("health.amazonaws.com", "DescribeEvents", identity=user("Root"),
                event_type="AwsServiceEvent"),
            rec(IAM, "CreateAccessKey", identity=user("IAMUser", name="root")),
            rec(IAM, "CreateAccessKey", identity=user("root")),
            # No eventType: `!=` on a missing field never matches.
            rec(IAM, "CreateAccessKey", identity=user("Root"), eventType=Ellipsis),
        ],
    ),
    "3.4": (
        [
            rec(IAM, name)
            for name in ["DeleteGroupPolicy", "PutUserPolicy", "CreatePolicy",
                         "CreatePolicyVersion", "AttachRolePolicy", "DetachGroupPolicy"]
        ],
        [
            rec(IAM, "ListPolicies"),
            rec(IAM, "GetPolicyVersion"),
            rec(IAM, "putuserpolicy"),
            rec(IAM, "CreatePolicyVersions"),
            rec(IAM, "AttachRolePolicy ", errorCode=None),
            rec(IAM, "CreateRole"),
        ],
    ),
    "3.5": (
        [rec("cloudtrail.amazonaws.com", n)
         for n in ["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"]],
        [rec("cloudtrail.amazonaws.com", n)
         for n in ["DescribeTrails", "GetTrailStatus", "LookupEvents", "PutEventSelectors",
                   "StopLoggingNow"]],
    ),
    "3.6": (
        [login(success=False, mfa="Yes"), login(success=False, mfa="No")],
        [
            login(mfa="No"),
            login(success=False, errorMessage="failed authentication"),
            login(success=False, errorMessage="Failed authentication."),
            rec("signin.amazonaws.com", "SwitchRole", event_type="AwsConsoleSignIn",
                errorMessage="Failed authentication"),
        ],
    ),
    "3.7": (
        [rec("kms.amazonaws.com", "DisableKey"), rec("kms.amazonaws.com", "ScheduleKeyDeletion")],
        [
            rec("kms.amazonaws.com", "EnableKey"),
            rec("kms.amazonaws.com", "CancelKeyDeletion"),
            rec("kms.amazonaws.com", "DisableKeyRotation"),
            rec("cloudhsm.amazonaws.com", "DisableKey"),
        ],
    ),
    "3.8": (
        [rec(S3, n) for n in ["PutBucketAcl", "PutBucketPolicy", "PutBucketCors",
                              "PutBucketLifecycle", "PutBucketReplication", "DeleteBucketPolicy",
                              "DeleteBucketCors", "DeleteBucketLifecycle",
                              "DeleteBucketReplication"]],
        [
            rec(S3, "GetBucketPolicy"),
            rec(S3, "PutObject"),
            rec(S3, "PutBucketTagging"),
            rec("s3-outposts.amazonaws.com", "PutBucketPolicy"),
        ],
    ),
    "3.9": (
        [rec("config.amazonaws.com", n) for n in ["StopConfigurationRecorder",
                                                  "DeleteDeliveryChannel", "PutDeliveryChannel",
                                                  "PutConfigurationRecorder"]],
        [
            rec("config.amazonaws.com", "StartConfigurationRecorder"),
            rec("config.amazonaws.com", "DescribeDeliveryChannels"),
            rec("config.amazonaws.com", "PutConfigRule"),
            rec(S3, "PutDeliveryChannel"),
        ],
    ),
    "3.10": (
        [rec(EC2, n) for n in ["AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
                               "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
                               "CreateSecurityGroup", "DeleteSecurityGroup"]],
        [rec(EC2, n) for n in ["DescribeSecurityGroups", "ModifySecurityGroupRules",
                               "DescribeSecurityGroupRules"]],
    ),
    "3.11": (
        [rec(EC2, n) for n in ["CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl",
                               "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry",
                               "ReplaceNetworkAclAssociation"]],
        [rec(EC2, n) for n in ["DescribeNetworkAcls", "CreateNetworkAclEntries",
                               "CreateNetworkInterface"]],
    ),
    "3.12": (
        [rec(EC2, n) for n in ["CreateCustomerGateway", "DeleteCustomerGateway",
                               "AttachInternetGateway", "CreateInternetGateway",
                               "DeleteInternetGateway", "DetachInternetGateway"]],
        [rec(EC2, n) for n in ["CreateNatGateway", "DescribeInternetGateways",
                               "CreateTransitGateway", "CreateEgressOnlyInternetGateway"]],
    ),
    "3.13": (
        [rec(EC2, n) for n in ["CreateRoute", "CreateRouteTable", "ReplaceRoute",
                               "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute",
                               "DisassociateRouteTable"]],
        [rec(EC2, n) for n in ["DescribeRouteTables", "AssociateRouteTable",
                               "CreateRouteTables"]],
    ),
    "3.14": (
        [rec(EC2, n) for n in ["CreateVpc", "DeleteVpc", "ModifyVpcAttribute",
                               "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
                               "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
                               "AttachClassicLinkVpc", "DetachClassicLinkVpc",
                               "DisableVpcClassicLink", "EnableVpcClassicLink"]],
        [rec(EC2, n) for n in ["DescribeVpcs", "ModifyVpcEndpoint", "CreateVpcEndpoint",
                               "CreateDefaultVpc"]],
    ),
}


def write(path, records):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        # One record per line inside the Records array, compact JSON as CloudTrail writes it.
        f.write('{"Records":[\n')
        f.write(",\n".join(json.dumps(r, separators=(",", ":")) for r in records))
        f.write("\n]}\n")


for control, (match, miss) in SAMPLES.items():
    write(f"match/{control}.json", match)
    write(f"near-miss/{control}.json", miss)
