# One server from the Glance image kiln published, found in the first of:
#   1. the tfvars kiln writes:        kiln publish targets.yaml --tfvars kiln.auto.tfvars.json
#   2. a result document kiln writes: kiln push openstack ... --result-file kiln-result.json (or kiln publish ... --result-file)
#   3. Glance: the newest image named var.image_name, with kiln's kiln_digest property when var.content_digest is set
terraform {
  required_version = ">= 1.5"
  required_providers {
    openstack = {
      source  = "terraform-provider-openstack/openstack"
      version = "~> 3.4"
    }
  }
}

# credentials and the Keystone URL come from clouds.yaml (OS_CLOUD) or the OS_* variables, as for kiln
provider "openstack" {
  region = var.region
}

locals {
  kiln = var.kiln_result == null ? null : jsondecode(file(var.kiln_result))

  from_kiln = try(coalesce(
    # the map is keyed by "provider/location"
    try(var.kiln_images["openstack/${var.region}"], null),
    try(one([for t in local.kiln.targets : t.images[0].image_id if t.target == "openstack/${var.region}" && t.outcome != "failed"]), null),
    try(local.kiln.images[0].image_id, null),
  ), null)
}

# 3. kiln sets the property kiln_digest (the content digest) on every image it creates
data "openstack_images_image_v2" "kiln" {
  count       = local.from_kiln == null ? 1 : 0
  name        = var.image_name
  most_recent = true
  properties  = var.content_digest == null ? {} : { kiln_digest = var.content_digest }
}

resource "openstack_compute_instance_v2" "kiln" {
  name         = var.image_name
  image_id     = local.from_kiln != null ? local.from_kiln : data.openstack_images_image_v2.kiln[0].id
  flavor_name  = var.flavor
  config_drive = true
  # on the config drive and the metadata service, where LinuxKit's metadata package and cloud-init look
  user_data = var.userdata

  network {
    name = var.network
  }
}

output "image_id" {
  value = openstack_compute_instance_v2.kiln.image_id
}

output "instance_id" {
  value = openstack_compute_instance_v2.kiln.id
}

output "address" {
  value = openstack_compute_instance_v2.kiln.access_ip_v4
}
