"""Seed one moto account with a CIS v1.2 scenario for the end-to-end tests.

Each scenario lives in its own account: the first request carries the header
`x-moto-account-id`, creates an IAM user `cis-auditor` with an access key there,
and every later request is signed with that key, which moto maps to the same
account. The key is printed as JSON on stdout; the test then runs the real
`cis-filters` binary with it.

Scenarios:
  compliant      every control that moto can represent passes
  noncompliant   every control fails, each for its own reason
  empty          only the auditor's key (with --extra-filters: speed runs)
Mutations (--mutate, repeatable) change one thing of the compliant scenario:
  filter-differs:CTL        the filter of control CTL (e.g. 3.4) lacks one term
  no-alarm:CTL              no alarm on the metric of CTL's filter
  alarm-no-actions:CTL      the alarm of CTL has no alarm actions
  topic-no-subscribers:CTL  the alarm of CTL notifies a topic nobody subscribed to
  topic-deleted:CTL         the alarm of CTL notifies a topic that was deleted since
  trail-not-logging         the multi-region trail was stopped
  single-region-trail       the trail is not multi-region
  extra-bad-trail           a second, single-region trail without validation or KMS
  no-config:REGION          no AWS Config recorder in REGION
Speed accounts: --extra-filters N adds N metric filters with other patterns
(100 per log group, as AWS allows); --extra-log-groups N adds N log groups
that no trail delivers to (the collector must not page through them).

Usage: seed.py --endpoint URL --account 123456789012 --scenario compliant
               [--regions us-east-1,eu-west-1] [--mutate ...] [--extra-filters N]
               [--extra-log-groups N]
"""

import argparse
import json
import os
import sys

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "cis-1.2-patterns.json"), encoding="utf-8") as f:
    PATTERNS = json.load(f)

ASSUME_ANY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": ["cloudtrail.amazonaws.com", "config.amazonaws.com"]},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


class Account:
    def __init__(self, endpoint, account_id, home, regions):
        self.endpoint = endpoint
        self.id = account_id
        self.home = home
        self.regions = regions
        iam = boto3.client(
            "iam",
            endpoint_url=endpoint,
            region_name=home,
            aws_access_key_id="seed",
            aws_secret_access_key="seed",
        )

        def add_account_header(request, **_):
            request.headers["x-moto-account-id"] = account_id

        iam.meta.events.register("before-sign.iam.*", add_account_header)
        iam.create_user(UserName="cis-auditor")
        key = iam.create_access_key(UserName="cis-auditor")["AccessKey"]
        self.key_id = key["AccessKeyId"]
        self.secret = key["SecretAccessKey"]
        self.session = boto3.session.Session(
            aws_access_key_id=self.key_id, aws_secret_access_key=self.secret
        )

    def client(self, service, region=None):
        c = self.session.client(service, endpoint_url=self.endpoint, region_name=region or self.home)
        if service == "s3control":
            # S3 Control puts the account id into the host name, which does
            # not resolve for 127.0.0.1; moto serves it at the plain endpoint.
            prefix = f"//{self.id}."

            def plain_host(request, **_):
                request.url = request.url.replace(prefix, "//", 1)

            c.meta.events.register("before-sign.*.*", plain_host)
        return c

    def arn(self, service, region, rest):
        return f"arn:aws:{service}:{region}:{self.id}:{rest}"


# --- IAM --------------------------------------------------------------------


def password_policy(iam, strong):
    """CIS 1.5-1.11: every requirement met, or every one missed."""
    iam.update_account_password_policy(
        MinimumPasswordLength=14 if strong else 8,
        RequireSymbols=strong,
        RequireNumbers=strong,
        RequireUppercaseCharacters=strong,
        RequireLowercaseCharacters=strong,
        AllowUsersToChangePassword=True,
        MaxPasswordAge=90 if strong else 365,
        PasswordReusePrevention=24 if strong else 3,
    )


def iam_compliant(acct):
    iam = acct.client("iam")
    password_policy(iam, strong=True)
    iam.create_role(RoleName="support", AssumeRolePolicyDocument=ASSUME_ANY)
    iam.attach_role_policy(
        RoleName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess"
    )
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    pol = iam.create_policy(PolicyName="read-objects", PolicyDocument=json.dumps(doc))
    iam.attach_role_policy(RoleName="support", PolicyArn=pol["Policy"]["Arn"])
    iam.create_role(RoleName="delivery", AssumeRolePolicyDocument=ASSUME_ANY)


def iam_noncompliant(acct):
    iam = acct.client("iam")
    password_policy(iam, strong=False)
    # 1.2: a console password without MFA.
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-9")
    # 1.16: policies attached to a user, managed and inline.
    iam.create_user(UserName="bob")
    iam.attach_user_policy(
        UserName="bob", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )
    iam.put_user_policy(
        UserName="bob",
        PolicyName="inline",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
            }
        ),
    )
    # 1.22: an attached customer policy granting *:*.
    admin = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    pol = iam.create_policy(PolicyName="full-admin", PolicyDocument=json.dumps(admin))
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=ASSUME_ANY)
    iam.attach_role_policy(RoleName="ops", PolicyArn=pol["Policy"]["Arn"])
    iam.create_role(RoleName="delivery", AssumeRolePolicyDocument=ASSUME_ANY)
    # 1.20: no role has AWSSupportAccess.


# --- S3, KMS, CloudTrail ----------------------------------------------------


def bucket(acct, name, *, public=False, logging_to=None):
    s3 = acct.client("s3")
    s3.create_bucket(Bucket=name)
    if public:
        s3.put_bucket_acl(Bucket=name, ACL="public-read")
    else:
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
    if logging_to:
        s3.put_bucket_logging(
            Bucket=name,
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": logging_to, "TargetPrefix": name + "/"}
            },
        )


def log_bucket(acct, name):
    s3 = acct.client("s3")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_acl(Bucket=name, ACL="log-delivery-write")


def kms_key(acct, region, rotate):
    kms = acct.client("kms", region)
    key = kms.create_key(Description="cis trail key")["KeyMetadata"]
    if rotate:
        kms.enable_key_rotation(KeyId=key["KeyId"])
    return key["Arn"]


def trail(acct, name, bucket_name, *, multi_region, log_group_arn, kms, validation, logging):
    ct = acct.client("cloudtrail")
    args = {
        "Name": name,
        "S3BucketName": bucket_name,
        "IsMultiRegionTrail": multi_region,
        "EnableLogFileValidation": validation,
    }
    if log_group_arn:
        args["CloudWatchLogsLogGroupArn"] = log_group_arn
        args["CloudWatchLogsRoleArn"] = f"arn:aws:iam::{acct.id}:role/delivery"
    if kms:
        args["KmsKeyId"] = kms
    ct.create_trail(**args)
    ct.put_event_selectors(
        TrailName=name,
        EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}],
    )
    if logging:
        ct.start_logging(Name=name)


# --- the monitoring chain (3.x) ---------------------------------------------


def drop_one_term(pattern):
    """The pattern without its last `|| (...)` operand (operands hold no parentheses)."""
    cut = pattern.rfind(" || (")
    if cut < 0:
        raise SystemExit(f"seed.py: no term to drop in {pattern!r}")
    close = pattern.index(")", cut)
    return pattern[:cut] + pattern[close + 1 :]


def monitoring(acct, mutations):
    logs = acct.client("logs")
    cw = acct.client("cloudwatch")
    sns = acct.client("sns")
    logs.create_log_group(logGroupName="cloudtrail")
    topic = sns.create_topic(Name="security-alarms")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.com")
    lonely = None
    deleted = None
    for control, pattern in PATTERNS.items():
        metric = "CIS-" + control
        if mutations.get("filter-differs") == control:
            pattern = drop_one_term(pattern)
        logs.put_metric_filter(
            logGroupName="cloudtrail",
            filterName=metric,
            filterPattern=pattern,
            metricTransformations=[
                {"metricName": metric, "metricNamespace": "LogMetrics", "metricValue": "1"}
            ],
        )
        if mutations.get("no-alarm") == control:
            continue
        actions = [topic]
        if mutations.get("alarm-no-actions") == control:
            actions = []
        if mutations.get("topic-no-subscribers") == control:
            lonely = lonely or sns.create_topic(Name="nobody-listens")["TopicArn"]
            actions = [lonely]
        if mutations.get("topic-deleted") == control:
            deleted = sns.create_topic(Name="deleted-since")["TopicArn"]
            actions = [deleted]
        cw.put_metric_alarm(
            AlarmName=metric,
            MetricName=metric,
            Namespace="LogMetrics",
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            AlarmActions=actions,
        )
    if deleted:
        sns.delete_topic(TopicArn=deleted)
    return acct.arn("logs", acct.home, "log-group:cloudtrail:*")


def extra_filters(acct, n):
    logs = acct.client("logs")
    for i in range(n):
        group = f"app-{i // 100}"
        if i % 100 == 0:
            logs.create_log_group(logGroupName=group)
        logs.put_metric_filter(
            logGroupName=group,
            filterName=f"errors-{i}",
            filterPattern=f'{{ $.level = "ERROR" && $.code = {i} }}',
            metricTransformations=[
                {"metricName": f"errors-{i}", "metricNamespace": "App", "metricValue": "1"}
            ],
        )


def extra_log_groups(acct, n):
    logs = acct.client("logs")
    for i in range(n):
        logs.create_log_group(logGroupName=f"noise-{i:05d}")


# --- per region: Config, VPC flow logs, security groups ----------------------


def config_recorder(acct, region):
    cfg = acct.client("config", region)
    cfg.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{acct.id}:role/delivery",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    cfg.put_delivery_channel(
        DeliveryChannel={"name": "default", "s3BucketName": f"config-{acct.id}"}
    )
    cfg.start_configuration_recorder(ConfigurationRecorderName="default")


def network_compliant(acct, region):
    ec2 = acct.client("ec2", region)
    logs = acct.client("logs", region)
    logs.create_log_group(logGroupName="flow-logs")
    for vpc in ec2.describe_vpcs()["Vpcs"]:
        ec2.create_flow_logs(
            ResourceIds=[vpc["VpcId"]],
            ResourceType="VPC",
            TrafficType="REJECT",
            LogGroupName="flow-logs",
            DeliverLogsPermissionArn=f"arn:aws:iam::{acct.id}:role/delivery",
        )
    close_default_groups(ec2)


def close_default_groups(ec2):
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    for g in groups:
        if g["IpPermissions"]:
            ec2.revoke_security_group_ingress(GroupId=g["GroupId"], IpPermissions=g["IpPermissions"])
        if g["IpPermissionsEgress"]:
            ec2.revoke_security_group_egress(
                GroupId=g["GroupId"], IpPermissions=g["IpPermissionsEgress"]
            )


def network_noncompliant(acct, region):
    ec2 = acct.client("ec2", region)
    # 2.9: no flow logs. 4.3: the default group keeps its allow-all egress rule.
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    for name, port in (("ssh-open", 22), ("rdp-open", 3389)):
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=gid,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": port,
                    "ToPort": port,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
        )


# --- scenarios ----------------------------------------------------------------


def account_public_access_block(acct):
    acct.client("s3control").put_public_access_block(
        AccountId=acct.id,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )


def compliant(acct, mutations, extra):
    iam_compliant(acct)
    account_public_access_block(acct)
    log_bucket(acct, f"access-logs-{acct.id}")
    bucket(acct, f"trail-{acct.id}", logging_to=f"access-logs-{acct.id}")
    acct.client("s3").create_bucket(Bucket=f"config-{acct.id}")
    key = kms_key(acct, acct.home, rotate=True)
    group_arn = monitoring(acct, mutations)
    trail(
        acct,
        "main",
        f"trail-{acct.id}",
        multi_region="single-region-trail" not in mutations,
        log_group_arn=group_arn,
        kms=key,
        validation=True,
        logging="trail-not-logging" not in mutations,
    )
    if "extra-bad-trail" in mutations:
        bucket(acct, f"trail2-{acct.id}", logging_to=f"access-logs-{acct.id}")
        trail(
            acct,
            "secondary",
            f"trail2-{acct.id}",
            multi_region=False,
            log_group_arn=None,
            kms=None,
            validation=False,
            logging=True,
        )
    for region in acct.regions:
        if mutations.get("no-config") != region:
            config_recorder(acct, region)
        network_compliant(acct, region)
    extra_filters(acct, extra)


def noncompliant(acct, mutations, extra):
    iam_noncompliant(acct)
    # 2.3 public bucket, 2.6 no access logging.
    bucket(acct, f"trail-{acct.id}", public=True)
    # 2.8: a customer key without rotation.
    kms_key(acct, acct.home, rotate=False)
    # 2.1 single region, 2.2 no validation, 2.4 no CloudWatch Logs, 2.7 no KMS;
    # 3.x: therefore no chain at all.
    trail(
        acct,
        "main",
        f"trail-{acct.id}",
        multi_region=False,
        log_group_arn=None,
        kms=None,
        validation=False,
        logging=True,
    )
    # 2.5: no Config recorder anywhere.
    for region in acct.regions:
        network_noncompliant(acct, region)
    extra_filters(acct, extra)


def empty(acct, mutations, extra):
    """Nothing but the auditor's key (and `extra` metric filters): for speed runs."""
    extra_filters(acct, extra)


SCENARIOS = {"compliant": compliant, "noncompliant": noncompliant, "empty": empty}


def parse_mutations(items):
    out = {}
    for item in items:
        name, _, arg = item.partition(":")
        out[name] = arg or True
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--endpoint", default=os.environ.get("AWS_ENDPOINT_URL"))
    p.add_argument("--account", required=True)
    p.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    p.add_argument("--regions", default="us-east-1")
    p.add_argument("--mutate", action="append", default=[])
    p.add_argument("--extra-filters", type=int, default=0)
    p.add_argument("--extra-log-groups", type=int, default=0)
    a = p.parse_args()
    if not a.endpoint:
        raise SystemExit("seed.py: --endpoint or AWS_ENDPOINT_URL is required")
    if not a.endpoint.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise SystemExit("seed.py: refusing to seed a non-loopback endpoint: " + a.endpoint)
    regions = [r for r in a.regions.split(",") if r]
    acct = Account(a.endpoint, a.account, regions[0], regions)
    SCENARIOS[a.scenario](acct, parse_mutations(a.mutate), a.extra_filters)
    extra_log_groups(acct, a.extra_log_groups)
    json.dump(
        {"account": acct.id, "access_key_id": acct.key_id, "secret_access_key": acct.secret},
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
