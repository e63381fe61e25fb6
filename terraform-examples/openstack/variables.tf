variable "region" {
  type    = string
  default = "RegionOne"
}

variable "kiln_result" {
  description = "Path of a push or publish result document (--result-file); null to use the tfvars or Glance"
  type        = string
  default     = null
}

variable "kiln_images" {
  description = "Image ids by \"provider/location\", written by kiln publish --tfvars"
  type        = map(string)
  default     = {}
}

variable "image_name" {
  description = "kiln's --name of the image (the Glance image name)"
  type        = string
  default     = "hello"
}

variable "content_digest" {
  description = "Pick the image with this content digest (kiln's kiln_digest property); null for the newest by name"
  type        = string
  default     = null
}

variable "flavor" {
  type    = string
  default = "m1.small"
}

variable "network" {
  type    = string
  default = "private"
}

variable "userdata" {
  type    = string
  default = "{\"hello\": {\"content\": \"from terraform\"}}"
}
