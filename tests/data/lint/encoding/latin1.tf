resource "aws_cloudwatch_log_metric_filter" "latin1" {
  # café
  pattern = "{ $.a = 1 }"
}
