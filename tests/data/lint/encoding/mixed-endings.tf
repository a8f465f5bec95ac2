resource "aws_cloudwatch_log_metric_filter" "mixed" {
  name = "mixed"
	# a tab-indented comment
	pattern = "{ $.a = 1 &&& $.b = 2 }"
}
