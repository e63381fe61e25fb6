# One bare-metal device that PXE-boots the iPXE script kiln published, found in the first of:
#   1. the tfvars kiln writes:        kiln publish targets.yaml --tfvars kiln.auto.tfvars.json
#   2. a result document kiln writes: kiln push packet ... --result-file kiln-result.json (or kiln publish ... --result-file)
#   3. the script's URL by kiln's naming: BASE-URL/NAME-equinixmetal.ipxe (kiln also writes NAME-packet.ipxe)
# Equinix Metal shut down on 2026-06-30: point var.api_endpoint at a Packet-API-compatible endpoint. The equinix
# provider calls ENDPOINT/metal/v1/...; the older equinix/metal provider has no endpoint setting at all.
terraform {
  required_version = ">= 1.5"
  required_providers {
    equinix = {
      source  = "equinix/equinix"
      version = "~> 4.0"
    }
  }
}

# the API token comes from METAL_AUTH_TOKEN, as for kiln run packet
provider "equinix" {
  endpoint = var.api_endpoint
}

locals {
  kiln = var.kiln_result == null ? null : jsondecode(file(var.kiln_result))

  # a push reports the script's URL as the image id
  script_url = try(coalesce(
    # a packet target without a location: its variable and key name the provider only
    var.kiln_image_packet,
    try(var.kiln_images["packet"], null),
    try([for t in local.kiln.targets : t.images[0].image_id if t.provider == "packet" && t.outcome != "failed"][0], null),
    try(local.kiln.images[0].image_id, null),
    var.base_url == null ? null : "${trimsuffix(var.base_url, "/")}/${var.image_name}-equinixmetal.ipxe",
  ), null)
}

resource "equinix_metal_device" "kiln" {
  hostname         = var.image_name
  project_id       = var.project_id
  metro            = var.metro
  plan             = var.plan
  billing_cycle    = "hourly"
  operating_system = "custom_ipxe"
  ipxe_script_url  = local.script_url
  # kiln's images run from RAM: PXE-boot on every restart, not only the first
  always_pxe = true
  # plain text; the API refuses an #!ipxe userdata together with ipxe_script_url
  user_data = var.userdata

  lifecycle {
    precondition {
      condition     = local.script_url != null
      error_message = "No iPXE script URL: pass kiln's tfvars, -var kiln_result=FILE, or -var base_url=URL."
    }
  }
}

output "ipxe_script_url" {
  value = equinix_metal_device.kiln.ipxe_script_url
}

output "device_id" {
  value = equinix_metal_device.kiln.id
}

output "public_ipv4" {
  value = equinix_metal_device.kiln.access_public_ipv4
}
