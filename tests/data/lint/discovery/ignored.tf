resource "aws_cloudwatch_log_metric_filter" "ignored" {
  pattern = "{"
}
