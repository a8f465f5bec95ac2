# Can never match: one field, two values joined by &&.
resource "aws_cloudwatch_log_metric_filter" "never" {
  name    = "CIS-3.10-SecurityGroupChanges"
  pattern = "{ ($.eventName = AuthorizeSecurityGroupIngress) && ($.eventName = AuthorizeSecurityGroupEgress) }"
  metric_transformation {
    name = "SecurityGroupChanges"
  }
}

# != on a field many events lack.
resource "aws_cloudwatch_log_subscription_filter" "errors" {
  filter_pattern = "{ $.errorCode != \"ThrottlingException\" }"
}

# Named for 3.1 but different; and no alarm watches its metric.
resource "aws_cloudwatch_log_metric_filter" "unauthorized" {
  name    = "UnauthorizedAPICalls"
  pattern = "{ $.errorCode = \"*UnauthorizedOperation\" }"
  metric_transformation {
    name = "UnauthorizedAPICalls"
  }
}

# Equivalent to the CIS pattern, spelled differently (info; an error with --match strict).
resource "aws_cloudwatch_log_metric_filter" "vpc" {
  pattern = "{ $.eventName = DeleteVpc || $.eventName = CreateVpc || $.eventName = ModifyVpcAttribute || $.eventName = AcceptVpcPeeringConnection || $.eventName = CreateVpcPeeringConnection || $.eventName = DeleteVpcPeeringConnection || $.eventName = RejectVpcPeeringConnection || $.eventName = AttachClassicLinkVpc || $.eventName = DetachClassicLinkVpc || $.eventName = DisableVpcClassicLink || $.eventName = EnableVpcClassicLink }"
  metric_transformation {
    name = "VPCChanges"
  }
}

resource "aws_cloudwatch_metric_alarm" "sg" {
  metric_name = "SecurityGroupChanges"
}

resource "aws_cloudwatch_metric_alarm" "vpc" {
  metric_name = "VPCChanges"
}

# Suppressed: the comment directly above the resource switches CF0302 off.
# cis-filters: disable=CF0302
resource "aws_cloudwatch_log_metric_filter" "quiet" {
  pattern = "{ $.eventName = \"ConsoleLogin\" }"
  metric_transformation {
    name = "Quiet"
  }
}
