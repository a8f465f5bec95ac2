# CF0300 (never-matches): one field, two values at once
resource "aws_cloudwatch_log_metric_filter" "two_names" {
  name           = "two_names"
  log_group_name = "cloudtrail-logs"
  pattern        = "{ $.eventName = \"CreateUser\" && $.eventName = \"DeleteUser\" }"

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
