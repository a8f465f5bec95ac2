# What the semantic comparison finds in metric-filter patterns
# (tests/it/semantics.rs: lint_reports_what_patterns_mean).

resource "aws_cloudwatch_log_metric_filter" "trail_deletions" {
  name           = "trail-deletions"
  log_group_name = "trail"
  # `DeleteTrail` is one of the `Delete*` events: redundant (CF0303).
  pattern = "{ ($.eventName = \"DeleteTrail\") || ($.eventName = \"Delete*\") }"
  metric_transformation {
    name      = "TrailDeletions"
    namespace = "Audit"
    value     = "1"
  }
}

resource "aws_cloudwatch_log_metric_filter" "run_and_stop" {
  name           = "run-and-stop"
  log_group_name = "trail"
  # No event name starts with both: never matches (CF0300).
  pattern = "{ ($.eventName = \"Run*\") && ($.eventName = \"Stop*\") }"
  metric_transformation {
    name      = "RunAndStop"
    namespace = "Audit"
    value     = "1"
  }
}

resource "aws_cloudwatch_log_metric_filter" "s3_by_people" {
  name           = "s3-by-people"
  log_group_name = "trail"
  # Some records have no `userIdentity.type`: they never match (CF0301).
  pattern = "{ ($.eventSource = \"s3.amazonaws.com\") && ($.userIdentity.type != \"AWSService\") }"
  metric_transformation {
    name      = "S3ByPeople"
    namespace = "Audit"
    value     = "1"
  }
}
