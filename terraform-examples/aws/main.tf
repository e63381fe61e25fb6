# One instance from the image kiln published in var.region, found in the first of:
#   1. the tfvars kiln writes:        kiln publish targets.yaml --tfvars kiln.auto.tfvars.json
#   2. a result document kiln writes: kiln push aws ... --result-file kiln-result.json (or kiln publish ... --result-file)
#   3. the tags kiln sets on the AMI: the newest image tagged kiln:name = var.image_name
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

provider "aws" {
  region = var.region
}

locals {
  kiln = var.kiln_result == null ? null : jsondecode(file(var.kiln_result))

  from_kiln = try(coalesce(
    # 1. the map is keyed by "provider/location"; the per-target variable names one region
    try(var.kiln_images["aws/${var.region}"], null),
    var.region == "eu-west-1" ? var.kiln_image_aws_eu_west_1 : null,
    # 2. a publish or merge document: the target in this region, unless it failed
    try(one([for t in local.kiln.targets : t.images[0].image_id if t.target == "aws/${var.region}" && t.outcome != "failed"]), null),
    # 2. a push document: one placement per region the AMI was copied to
    try(one([for i in local.kiln.images : i.image_id if i.location == var.region]), null),
  ), null)
}

# 3. kiln tags every AMI with kiln:name, kiln:digest (the content digest) and kiln:version
data "aws_ami" "kiln" {
  count       = local.from_kiln == null ? 1 : 0
  owners      = ["self"]
  most_recent = true

  filter {
    name   = "tag:kiln:name"
    values = [var.image_name]
  }
}

resource "aws_instance" "kiln" {
  ami                         = local.from_kiln != null ? local.from_kiln : data.aws_ami.kiln[0].id
  instance_type               = var.instance_type
  subnet_id                   = var.subnet_id
  user_data                   = var.userdata
  user_data_replace_on_change = true

  tags = {
    Name = var.image_name
  }
}

output "image_id" {
  value = aws_instance.kiln.ami
}

output "instance_id" {
  value = aws_instance.kiln.id
}

output "public_ip" {
  value = aws_instance.kiln.public_ip
}
