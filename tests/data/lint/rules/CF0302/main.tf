# CF0302 (no-alarm): no alarm watches the filter's metric
resource "aws_cloudwatch_log_metric_filter" "unwatched" {
  name           = "unwatched"
  log_group_name = "cloudtrail-logs"
  pattern        = "{ $.eventSource = \"iam.amazonaws.com\" }"

  metric_transformation {
    name      = "CisMetric"
    namespace = "CIS"
    value     = "1"
  }
}
