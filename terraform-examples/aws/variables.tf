variable "region" {
  description = "AWS region to launch in; the image must be published there"
  type        = string
  default     = "eu-west-1"
}

variable "kiln_result" {
  description = "Path of a push or publish result document (--result-file); null to use the tfvars or the tags"
  type        = string
  default     = null
}

variable "kiln_images" {
  description = "Image ids by \"provider/location\", written by kiln publish --tfvars"
  type        = map(string)
  default     = {}
}

variable "kiln_image_aws_eu_west_1" {
  description = "The AMI of the aws/eu-west-1 target, written by kiln publish --tfvars"
  type        = string
  default     = null
}

variable "image_name" {
  description = "kiln's --name of the image: found by its kiln:name tag when no kiln output is given"
  type        = string
  default     = "hello"
}

variable "instance_type" {
  type    = string
  default = "t3.nano"
}

variable "subnet_id" {
  description = "Subnet to launch in; null for the default VPC's"
  type        = string
  default     = null
}

variable "userdata" {
  description = "Userdata for the guest (LinuxKit's metadata package and cloud-init read it from the instance metadata)"
  type        = string
  default     = "{\"hello\": {\"content\": \"from terraform\"}}"
}
