variable "subscription_id" {
  type = string
}

variable "resource_group" {
  description = "Resource group kiln pushed into (--resource-group) and the VM is made in"
  type        = string
}

variable "location" {
  description = "Azure region of the VM; the version must be replicated there"
  type        = string
  default     = "westeurope"
}

variable "subnet_id" {
  description = "ID of the subnet the VM's network interface joins"
  type        = string
}

variable "kiln_result" {
  description = "Path of a push or publish result document (--result-file); null to use the tfvars or the gallery"
  type        = string
  default     = null
}

variable "kiln_images" {
  description = "Image ids by \"provider/location\", written by kiln publish --tfvars"
  type        = map(string)
  default     = {}
}

variable "kiln_image_azure_westeurope" {
  description = "The image of the azure/westeurope target, written by kiln publish --tfvars"
  type        = string
  default     = null
}

variable "gallery" {
  description = "The --gallery kiln published into"
  type        = string
  default     = "kiln"
}

variable "gallery_image" {
  description = "The image definition: kiln's --gallery-image, by default its --name"
  type        = string
  default     = "hello"
}

variable "vm_name" {
  type    = string
  default = "hello"
}

variable "vm_size" {
  type    = string
  default = "Standard_B1s"
}

variable "userdata" {
  description = "Userdata for the guest (IMDS userData)"
  type        = string
  default     = "{\"hello\": {\"content\": \"from terraform\"}}"
}
