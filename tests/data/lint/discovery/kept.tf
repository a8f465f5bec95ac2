resource "aws_cloudwatch_log_metric_filter" "kept" {
  pattern = "{ $.a = \"x\" }"
}
