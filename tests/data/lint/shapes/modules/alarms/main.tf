# A reusable module: one metric filter and alarm, the pattern given by the caller.
variable "name" {
  type = string
}

variable "pattern" {
  type = string
}

variable "namespace" {
  type    = string
  default = "CISBenchmark"
}

resource "aws_cloudwatch_log_metric_filter" "this" {
  name           = var.name
  pattern        = var.pattern
  log_group_name = "trail"

  metric_transformation {
    name      = var.name
    namespace = var.namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  alarm_name  = var.name
  metric_name = aws_cloudwatch_log_metric_filter.this.id
  namespace   = var.namespace
  threshold   = 1
}
