# 60 filters, each with count = 100.
resource "aws_cloudwatch_log_metric_filter" "f0" {
  count   = 100
  name    = "filter-0-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m0"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f1" {
  count   = 100
  name    = "filter-1-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m1"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f2" {
  count   = 100
  name    = "filter-2-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m2"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f3" {
  count   = 100
  name    = "filter-3-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m3"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f4" {
  count   = 100
  name    = "filter-4-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m4"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f5" {
  count   = 100
  name    = "filter-5-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m5"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f6" {
  count   = 100
  name    = "filter-6-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m6"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f7" {
  count   = 100
  name    = "filter-7-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m7"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f8" {
  count   = 100
  name    = "filter-8-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m8"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f9" {
  count   = 100
  name    = "filter-9-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m9"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f10" {
  count   = 100
  name    = "filter-10-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m10"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f11" {
  count   = 100
  name    = "filter-11-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m11"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f12" {
  count   = 100
  name    = "filter-12-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m12"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f13" {
  count   = 100
  name    = "filter-13-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m13"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f14" {
  count   = 100
  name    = "filter-14-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m14"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f15" {
  count   = 100
  name    = "filter-15-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m15"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f16" {
  count   = 100
  name    = "filter-16-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m16"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f17" {
  count   = 100
  name    = "filter-17-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m17"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f18" {
  count   = 100
  name    = "filter-18-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m18"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f19" {
  count   = 100
  name    = "filter-19-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m19"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f20" {
  count   = 100
  name    = "filter-20-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m20"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f21" {
  count   = 100
  name    = "filter-21-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m21"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f22" {
  count   = 100
  name    = "filter-22-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m22"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f23" {
  count   = 100
  name    = "filter-23-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m23"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f24" {
  count   = 100
  name    = "filter-24-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m24"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f25" {
  count   = 100
  name    = "filter-25-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m25"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f26" {
  count   = 100
  name    = "filter-26-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m26"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f27" {
  count   = 100
  name    = "filter-27-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m27"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f28" {
  count   = 100
  name    = "filter-28-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m28"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f29" {
  count   = 100
  name    = "filter-29-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m29"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f30" {
  count   = 100
  name    = "filter-30-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m30"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f31" {
  count   = 100
  name    = "filter-31-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m31"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f32" {
  count   = 100
  name    = "filter-32-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m32"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f33" {
  count   = 100
  name    = "filter-33-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m33"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f34" {
  count   = 100
  name    = "filter-34-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m34"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f35" {
  count   = 100
  name    = "filter-35-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m35"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f36" {
  count   = 100
  name    = "filter-36-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m36"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f37" {
  count   = 100
  name    = "filter-37-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m37"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f38" {
  count   = 100
  name    = "filter-38-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m38"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f39" {
  count   = 100
  name    = "filter-39-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m39"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f40" {
  count   = 100
  name    = "filter-40-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m40"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f41" {
  count   = 100
  name    = "filter-41-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m41"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f42" {
  count   = 100
  name    = "filter-42-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m42"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f43" {
  count   = 100
  name    = "filter-43-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m43"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f44" {
  count   = 100
  name    = "filter-44-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m44"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f45" {
  count   = 100
  name    = "filter-45-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m45"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f46" {
  count   = 100
  name    = "filter-46-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m46"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f47" {
  count   = 100
  name    = "filter-47-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m47"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f48" {
  count   = 100
  name    = "filter-48-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m48"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f49" {
  count   = 100
  name    = "filter-49-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m49"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f50" {
  count   = 100
  name    = "filter-50-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m50"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f51" {
  count   = 100
  name    = "filter-51-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m51"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f52" {
  count   = 100
  name    = "filter-52-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m52"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f53" {
  count   = 100
  name    = "filter-53-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m53"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f54" {
  count   = 100
  name    = "filter-54-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m54"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f55" {
  count   = 100
  name    = "filter-55-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m55"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f56" {
  count   = 100
  name    = "filter-56-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m56"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f57" {
  count   = 100
  name    = "filter-57-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m57"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f58" {
  count   = 100
  name    = "filter-58-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m58"
    namespace = var.namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "f59" {
  count   = 100
  name    = "filter-59-${count.index}"
  pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && $.requestParameters.keyId = \"${var.key}\" }"
  metric_transformation {
    name      = "m59"
    namespace = var.namespace
  }
}
variable "key" {
  default = "k"
}
variable "namespace" {
  default = "CIS"
}
