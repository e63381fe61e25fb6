terraform {
  required_providers {
    google = { source = "hashicorp/google", version = ">= 5.0" }
  }
}

variable "result_file" {
  description = "Result document written by: kiln push gcp IMAGE --result-file PATH"
  type        = string
  default     = "kiln-result.json"
}

variable "project" {
  type = string
}

variable "zone" {
  type    = string
  default = "europe-west1-b"
}

locals {
  kiln  = jsondecode(file(var.result_file))
  image = local.kiln.images[0].image_id
}

provider "google" {
  project = var.project
  zone    = var.zone
}

# Without a result file, use the newest image of the family kiln pushed with --family:
# data "google_compute_image" "kiln" {
#   family  = "hello"
#   project = var.project
# }

resource "google_compute_instance" "kiln" {
  name         = local.kiln.name
  machine_type = "e2-small"
  boot_disk {
    initialize_params {
      image = local.image
    }
  }
  network_interface {
    network = "default"
  }
  metadata = {
    # the key LinuxKit's metadata package reads
    user-data          = jsonencode({ hello = { content = "from terraform" } })
    serial-port-enable = "true"
  }
}

output "instance" {
  value = google_compute_instance.kiln.self_link
}
