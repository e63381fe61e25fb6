variable "allow_unverified_ssl" {
  description = "Accept a self-signed vCenter certificate (labs, vcsim)"
  type        = bool
  default     = false
}

variable "datacenter" {
  type    = string
  default = "DC0"
}

variable "cluster" {
  type    = string
  default = "DC0_C0"
}

variable "datastore" {
  type    = string
  default = "LocalDS_0"
}

variable "network" {
  type    = string
  default = "VM Network"
}

variable "kiln_result" {
  description = "Path of a push or publish result document (--result-file); null to use the tfvars or the library"
  type        = string
  default     = null
}

variable "kiln_images" {
  description = "Image ids by \"provider/location\", written by kiln publish --tfvars"
  type        = map(string)
  default     = {}
}

variable "kiln_image_vcenter" {
  description = "The library item of the vcenter target, written by kiln publish --tfvars"
  type        = string
  default     = null
}

variable "library" {
  description = "The content library kiln pushed into (--library)"
  type        = string
  default     = "kiln"
}

variable "image_name" {
  description = "kiln's --name of the image: the content library item's name"
  type        = string
  default     = "hello"
}

variable "disk_gb" {
  description = "Size of the VM's disk; at least the image's virtual size"
  type        = number
  default     = 1
}

variable "userdata" {
  type    = string
  default = "{\"hello\": {\"content\": \"from terraform\"}}"
}
