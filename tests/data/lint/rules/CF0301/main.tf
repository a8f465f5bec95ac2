# CF0301 (ne-on-optional-field): errorCode is absent from successful calls, which then never match
resource "aws_cloudwatch_log_metric_filter" "not_denied" {
  name           = "not_denied"
  log_group_name = "cloudtrail-logs"
  pattern        = "{ $.eventSource = \"iam.amazonaws.com\" && $.errorCode != \"AccessDenied\" }"

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
