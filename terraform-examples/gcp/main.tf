# One instance from the image kiln published, found in the first of:
#   1. the tfvars kiln writes:        kiln publish targets.yaml --tfvars kiln.auto.tfvars.json
#   2. a result document kiln writes: kiln push gcp ... --result-file kiln-result.json (or kiln publish ... --result-file)
#   3. the image family kiln pushed with --family: its newest image
terraform {
  required_version = ">= 1.5"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }
}

provider "google" {
  project = var.project
  zone    = var.zone
}

locals {
  kiln = var.kiln_result == null ? null : jsondecode(file(var.kiln_result))

  # GCE images are global: image_id is projects/PROJECT/global/images/NAME, which boot_disk takes as it is
  from_kiln = try(coalesce(
    var.kiln_image_gcp_europe_west1,
    try([for key, id in var.kiln_images : id if startswith(key, "gcp/")][0], null),
    try([for t in local.kiln.targets : t.images[0].image_id if t.provider == "gcp" && t.outcome != "failed"][0], null),
    try(local.kiln.images[0].image_id, null),
  ), null)
}

# 3. kiln labels every image kiln-name, kiln-digest (the first 32 hex digits of the content digest) and
#    kiln-version, and ends its description with (kiln-digest: DIGEST); with --family the family names the newest one
data "google_compute_image" "kiln" {
  count   = local.from_kiln == null ? 1 : 0
  family  = var.image_family
  project = var.project
}

resource "google_compute_instance" "kiln" {
  name         = var.instance_name
  machine_type = var.machine_type

  boot_disk {
    initialize_params {
      image = local.from_kiln != null ? local.from_kiln : data.google_compute_image.kiln[0].self_link
    }
  }

  network_interface {
    network = "default"
  }

  metadata = {
    # the key LinuxKit's metadata package and cloud-init read
    user-data          = var.userdata
    serial-port-enable = "true"
  }
}

output "image" {
  value = google_compute_instance.kiln.boot_disk[0].initialize_params[0].image
}

output "instance" {
  value = google_compute_instance.kiln.self_link
}
