# One instance of ../alarms per entry of a locals map (for_each), and a
# second set by index (count).
locals {
  alarms = {
    RootUsage = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"
    VpcChanges = join(" || ", [
      "{ ($.eventName = CreateVpc)",
      "($.eventName = DeleteVpc)",
      "($.eventName = ModifyVpcAttribute) }",
    ])
  }
  staged = [
    "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }",
    "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") && ($.eventName = CheckMfa) }",
  ]
}

module "cis" {
  for_each = local.alarms
  source   = "../alarms"
  name     = each.key
  pattern  = each.value
}

module "staged" {
  count     = length(local.staged)
  source    = "../alarms"
  name      = "ConsoleSigninFailures-${count.index}"
  pattern   = local.staged[count.index]
  namespace = "Staging"
}
