# A filter deployed as written and one rewritten, and nothing else on the
# log group (snapshot.json here): no drift (tests/it/drift.rs).

locals {
  log_group = "aws-cloudtrail-logs-111122223333-management"
  namespace = "CISBenchmark"
}

# Deployed as written: same.
resource "aws_cloudwatch_log_metric_filter" "root_usage" {
  name           = "CIS-3.3-RootAccountUsage"
  log_group_name = local.log_group
  pattern        = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"

  metric_transformation {
    name      = "RootAccountUsage"
    namespace = local.namespace
    value     = "1"
  }
}

# Deployed with the operands swapped and parentheses added: rewritten.
resource "aws_cloudwatch_log_metric_filter" "unauthorized_api_calls" {
  name           = "CIS-3.1-UnauthorizedAPICalls"
  log_group_name = local.log_group
  pattern        = "{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }"

  metric_transformation {
    name      = "UnauthorizedAPICalls"
    namespace = local.namespace
    value     = "1"
  }
}
