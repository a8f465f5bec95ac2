# CF0002 (unresolved-pattern): the pattern depends on a variable without a default
variable "source" {
  type = string
}

resource "aws_cloudwatch_log_metric_filter" "unknown_source" {
  name           = "unknown_source"
  log_group_name = "cloudtrail-logs"
  pattern        = "{ $.eventSource = \"${var.source}\" }"

  metric_transformation {
    name      = "CisMetric"
    namespace = "CIS"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "alarm" {
  alarm_name          = "cis-alarm"
  metric_name         = "CisMetric"
  namespace           = "CIS"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = ["arn:aws:sns:us-east-1:123456789012:security"]
}
