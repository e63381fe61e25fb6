# One VM deployed from the content library item kiln published, found in the first of:
#   1. the tfvars kiln writes:        kiln publish targets.yaml --tfvars kiln.auto.tfvars.json
#   2. a result document kiln writes: kiln push vcenter ... --result-file kiln-result.json (or kiln publish ... --result-file)
#   3. the content library: the item named var.image_name in var.library
terraform {
  required_version = ">= 1.5"
  required_providers {
    vsphere = {
      source  = "vmware/vsphere"
      version = "~> 2.13"
    }
  }
}

# user, password and server from VSPHERE_USER, VSPHERE_PASSWORD and VSPHERE_SERVER
provider "vsphere" {
  allow_unverified_ssl = var.allow_unverified_ssl
}

locals {
  kiln = var.kiln_result == null ? null : jsondecode(file(var.kiln_result))

  # a push to a content library reports the library as the location and the library item id as the image id
  from_kiln = try(coalesce(
    # a vcenter target has no location (the library is an option), so its variable and key name the provider only
    var.kiln_image_vcenter,
    try(var.kiln_images["vcenter"], null),
    try([for t in local.kiln.targets : t.images[0].image_id if t.provider == "vcenter" && t.outcome != "failed"][0], null),
    try(one([for i in local.kiln.images : i.image_id if i.location == var.library]), null),
  ), null)
}

data "vsphere_datacenter" "dc" {
  name = var.datacenter
}

data "vsphere_compute_cluster" "cluster" {
  name          = var.cluster
  datacenter_id = data.vsphere_datacenter.dc.id
}

data "vsphere_datastore" "ds" {
  name          = var.datastore
  datacenter_id = data.vsphere_datacenter.dc.id
}

data "vsphere_network" "net" {
  name          = var.network
  datacenter_id = data.vsphere_datacenter.dc.id
}

# 3. kiln uploads the OVF as an item named after --name into the library --library (default kiln), and writes
#    "kiln-digest: <content digest>" into the item's description
data "vsphere_content_library" "kiln" {
  count = local.from_kiln == null ? 1 : 0
  name  = var.library
}

data "vsphere_content_library_item" "kiln" {
  count      = local.from_kiln == null ? 1 : 0
  name       = var.image_name
  library_id = data.vsphere_content_library.kiln[0].id
  type       = "ovf"
}

resource "vsphere_virtual_machine" "kiln" {
  name             = var.image_name
  resource_pool_id = data.vsphere_compute_cluster.cluster.resource_pool_id
  datastore_id     = data.vsphere_datastore.ds.id
  num_cpus         = 1
  memory           = 1024
  guest_id         = "otherLinux64Guest"
  firmware         = "efi"

  network_interface {
    network_id = data.vsphere_network.net.id
  }

  disk {
    label = "disk0"
    size  = var.disk_gb
  }

  clone {
    template_uuid = local.from_kiln != null ? local.from_kiln : data.vsphere_content_library_item.kiln[0].id
  }

  # the guestinfo keys kiln run vcenter --guestinfo sets; LinuxKit's metadata package reads them
  extra_config = {
    "guestinfo.userdata"          = base64encode(var.userdata)
    "guestinfo.userdata.encoding" = "base64"
  }

  wait_for_guest_net_timeout = 0
}

output "library_item_id" {
  value = vsphere_virtual_machine.kiln.clone[0].template_uuid
}

output "vm_id" {
  value = vsphere_virtual_machine.kiln.id
}
