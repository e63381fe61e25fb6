variable "api_endpoint" {
  description = "Base URL of the Packet-API-compatible service (the provider appends /metal/v1)"
  type        = string
}

variable "project_id" {
  type = string
}

variable "metro" {
  type    = string
  default = "am"
}

variable "plan" {
  type    = string
  default = "c3.small.x86"
}

variable "kiln_result" {
  description = "Path of a push or publish result document (--result-file); null to use the tfvars or base_url"
  type        = string
  default     = null
}

variable "kiln_images" {
  description = "Image ids (here: iPXE script URLs) by \"provider/location\", written by kiln publish --tfvars"
  type        = map(string)
  default     = {}
}

variable "kiln_image_packet" {
  description = "The iPXE script URL of the packet target, written by kiln publish --tfvars"
  type        = string
  default     = null
}

variable "base_url" {
  description = "The --base-url kiln pushed with (or the bucket's URL): the script is BASE_URL/NAME-equinixmetal.ipxe"
  type        = string
  default     = null
}

variable "image_name" {
  description = "kiln's --name of the image"
  type        = string
  default     = "hello"
}

variable "userdata" {
  type    = string
  default = "{\"hello\": {\"content\": \"from terraform\"}}"
}
