# Two instances of ../cis: one right, one with a near-miss root pattern
# published to a namespace its alarms do not watch.
module "cis" {
  source       = "../cis"
  root_pattern = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"
}

module "staging" {
  source       = "../cis"
  root_pattern = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS }"
  namespace    = "Staging"
}

# Not read: not a local path.
module "registry" {
  source = "terraform-aws-modules/cloudwatch/aws//modules/cis-alarms"
}
