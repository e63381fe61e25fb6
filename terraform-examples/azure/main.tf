# One VM from the gallery version (or managed image) kiln published, found in the first of:
#   1. the tfvars kiln writes:        kiln publish targets.yaml --tfvars kiln.auto.tfvars.json
#   2. a result document kiln writes: kiln push azure ... --result-file kiln-result.json (or kiln publish ... --result-file)
#   3. the gallery: the latest version of the image definition kiln published into
# kiln's image definitions are Specialized unless pushed with --generalized: such a VM has no osProfile, which
# azurerm_linux_virtual_machine always sends, so the VM is made with azapi, as kiln run azure makes it.
terraform {
  required_version = ">= 1.5"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
    azapi = {
      source  = "Azure/azapi"
      version = "~> 2.0"
    }
  }
}

provider "azurerm" {
  features {}
  subscription_id = var.subscription_id
}

provider "azapi" {
  subscription_id = var.subscription_id
}

locals {
  kiln = var.kiln_result == null ? null : jsondecode(file(var.kiln_result))

  # one id for the version, listed once per region it is replicated to
  from_kiln = try(coalesce(
    try(var.kiln_images["azure/${var.location}"], null),
    var.location == "westeurope" ? var.kiln_image_azure_westeurope : null,
    try(one([for t in local.kiln.targets : t.images[0].image_id if t.target == "azure/${var.location}" && t.outcome != "failed"]), null),
    try(one([for i in local.kiln.images : i.image_id if i.location == var.location]), null),
  ), null)
}

# 3. kiln tags each version kiln:name and kiln:digest (the content digest); the definition is named after --name
#    unless --gallery-image says otherwise
data "azurerm_shared_image_version" "kiln" {
  count               = local.from_kiln == null ? 1 : 0
  name                = "latest"
  image_name          = var.gallery_image
  gallery_name        = var.gallery
  resource_group_name = var.resource_group
}

data "azurerm_resource_group" "kiln" {
  name = var.resource_group
}

resource "azurerm_network_interface" "kiln" {
  name                = "${var.vm_name}-nic"
  location            = var.location
  resource_group_name = var.resource_group

  ip_configuration {
    name                          = "primary"
    subnet_id                     = var.subnet_id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azapi_resource" "vm" {
  type      = "Microsoft.Compute/virtualMachines@2024-07-01"
  name      = var.vm_name
  parent_id = data.azurerm_resource_group.kiln.id
  location  = var.location

  body = {
    properties = {
      hardwareProfile = { vmSize = var.vm_size }
      storageProfile = {
        imageReference = { id = local.from_kiln != null ? local.from_kiln : data.azurerm_shared_image_version.kiln[0].id }
        osDisk = {
          createOption = "FromImage"
          deleteOption = "Delete"
          managedDisk  = { storageAccountType = "StandardSSD_LRS" }
        }
      }
      networkProfile = {
        networkInterfaces = [{ id = azurerm_network_interface.kiln.id, properties = { primary = true } }]
      }
      # IMDS userData, where kiln run azure puts --userdata too
      userData           = base64encode(var.userdata)
      diagnosticsProfile = { bootDiagnostics = { enabled = true } }
    }
  }
}

output "image_id" {
  value = local.from_kiln != null ? local.from_kiln : data.azurerm_shared_image_version.kiln[0].id
}

output "vm_id" {
  value = azapi_resource.vm.id
}
