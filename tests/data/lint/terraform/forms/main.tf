locals {
  controls = {
    RootUsage = {
      pattern = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"
    }
    Broken = {
      pattern = "{ $.eventName = \"x\" && }"
    }
  }
  login = "{ $.eventName = ${var.event_name} && $.errorMessage = \"Failed authentication\" }"
}

# A quoted string with escapes; the error is after `\"`.
resource "aws_cloudwatch_log_metric_filter" "escapes" {
  name    = "escapes"
  pattern = "{ $.errorCode = \"*UnauthorizedOperation\" || $.errorCode = \"AccessDenied*\" || }"
}

# A heredoc; the provider trims the trailing newline.
resource "aws_cloudwatch_log_metric_filter" "heredoc" {
  pattern = <<EOT
{ $.eventName = CreateTrail || $.eventName = UpdateTrail || $.eventName = DeleteTrail || $.eventName = StartLogging || $.eventName = StopLogging }
EOT
}

# An indented heredoc with an error on its second line.
resource "aws_cloudwatch_log_subscription_filter" "indented" {
  filter_pattern = <<-EOT
    { $.eventName = "DeleteTrail"
      && $.userIdentity.type == "Root" }
  EOT
}

# A local, whose template uses a variable default.
resource "aws_cloudwatch_log_metric_filter" "from_local" {
  pattern = local.login
}

# for_each over a locals map: one filter per key, positions in the map.
resource "aws_cloudwatch_log_metric_filter" "each" {
  for_each = local.controls
  name     = each.key
  pattern  = each.value["pattern"]
}

# join() with a conditional: both branches are linted.
resource "aws_cloudwatch_log_metric_filter" "joined" {
  pattern = join(" ", [
    "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\")",
    var.sso ? "&& ($.userIdentity.type = \"IAMUser\") }" : "}",
  ])
}

# format() of literals.
resource "aws_cloudwatch_log_metric_filter" "formatted" {
  pattern = format("{ ($.eventSource = %s) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }", "kms.amazonaws.com")
}

# Not statically known: a variable without a default.
resource "aws_cloudwatch_log_metric_filter" "unknown" {
  pattern = "{ $.eventSource = \"${var.namespace}\" }"
}
