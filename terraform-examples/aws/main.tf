terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}

variable "result_file" {
  description = "Result document written by: kiln push aws IMAGE --result-file PATH"
  type        = string
  default     = "kiln-result.json"
}

locals {
  kiln   = jsondecode(file(var.result_file))
  # the first placement is the region the image was made in; copies follow
  region = local.kiln.images[0].location
  ami    = local.kiln.images[0].image_id
}

provider "aws" {
  region = local.region
}

# Without a result file, the newest image kiln published under a name is found by its tags:
# data "aws_ami" "kiln" {
#   owners      = ["self"]
#   most_recent = true
#   filter {
#     name   = "tag:kiln:name"
#     values = ["hello"]
#   }
# }

resource "aws_instance" "kiln" {
  ami           = local.ami
  instance_type = "t3.nano"
  user_data     = jsonencode({ hello = { content = "from terraform" } })
  tags = {
    Name          = local.kiln.name
    "kiln:digest" = local.kiln.content_digest
  }
}

output "instance_id" {
  value = aws_instance.kiln.id
}
