variable "event_name" {
  default = "ConsoleLogin"
}

variable "namespace" {}
