variable "enabled" {
  type    = bool
  default = true
}

variable "skip" {
  type    = list(string)
  default = []
}

variable "overrides" {
  type    = any
  default = {}
}

variable "random_prefix" {
  type    = bool
  default = false
}

variable "prefix" {
  type    = string
  default = ""
}

variable "log_group" {
  type = string
}

variable "namespace" {
  type    = string
  default = "CISBenchmark"
}

variable "alarm_actions" {
  type    = list(string)
  default = []
}
