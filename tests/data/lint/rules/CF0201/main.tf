# CF0201 (cis-equivalent): the 3.3 pattern with its conditions in another order
resource "aws_cloudwatch_log_metric_filter" "CIS-3.3-RootUsage" {
  name           = "CIS-3.3-RootUsage"
  log_group_name = "cloudtrail-logs"
  pattern        = "{ $.eventType != \"AwsServiceEvent\" && $.userIdentity.invokedBy NOT EXISTS && $.userIdentity.type = \"Root\" }"

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
