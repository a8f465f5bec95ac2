# CF0001 (file-error): the file does not parse (the block is not closed)
resource "aws_cloudwatch_log_metric_filter" "broken" {
  pattern = "{ $.eventName = ConsoleLogin }"
