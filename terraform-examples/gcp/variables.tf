variable "project" {
  description = "Google Cloud project the image was pushed to and the instance runs in"
  type        = string
}

variable "zone" {
  type    = string
  default = "europe-west1-b"
}

variable "kiln_result" {
  description = "Path of a push or publish result document (--result-file); null to use the tfvars or the family"
  type        = string
  default     = null
}

variable "kiln_images" {
  description = "Image ids by \"provider/location\", written by kiln publish --tfvars"
  type        = map(string)
  default     = {}
}

variable "kiln_image_gcp_europe_west1" {
  description = "The image of the gcp/europe-west1 target, written by kiln publish --tfvars"
  type        = string
  default     = null
}

variable "image_family" {
  description = "The --family kiln pushed the image with: its newest image is used when no kiln output is given"
  type        = string
  default     = "hello"
}

variable "instance_name" {
  type    = string
  default = "hello"
}

variable "machine_type" {
  type    = string
  default = "e2-small"
}

variable "userdata" {
  description = "Userdata for the guest, as the user-data metadata key"
  type        = string
  default     = "{\"hello\": {\"content\": \"from terraform\"}}"
}
