# 100 instances of a module of 60 filters with count = 100 each, all with
# the same inputs: 600,000 filter instances that are all the module's own.
module "many" {
  count  = 100
  source = "../child"
  key    = "k"
}
