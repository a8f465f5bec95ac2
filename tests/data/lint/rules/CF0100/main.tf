# CF0100 (pattern-syntax): the pattern does not parse
resource "aws_cloudwatch_log_metric_filter" "console_login" {
  name           = "console_login"
  log_group_name = "cloudtrail-logs"
  pattern        = "{ $.eventName = \"ConsoleLogin\" && }"

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
