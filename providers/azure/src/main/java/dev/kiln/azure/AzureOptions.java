package dev.kiln.azure;

import dev.kiln.spi.OptionSpec;

import java.util.ArrayList;
import java.util.List;

/** The flags of {@code push azure} and {@code run azure} that are Azure's own; the shared ones come typed in the request. */
final class AzureOptions {

    static final String SUBSCRIPTION = "subscription";
    static final String RESOURCE_GROUP = "resource-group";
    static final String LOCATION = "location";
    static final String ARM_ENDPOINT = "arm-endpoint";
    static final String AUTHORITY = "authority-host";
    static final String CA_CERT = "ca-cert";
    static final String GALLERY = "gallery";
    static final String GALLERY_IMAGE = "gallery-image";
    static final String VERSION = "image-version";
    static final String MANAGED_IMAGE = "managed-image";
    static final String PUBLISHER = "publisher";
    static final String OFFER = "offer";
    static final String SKU = "sku";
    static final String GENERALIZED = "generalized";
    static final String WORKERS = "workers";
    static final String STORAGE_ACCOUNT = "storage-account";
    static final String CONTAINER = "container";
    static final String WAIT = "wait-timeout";
    static final String POLL = "poll-interval";
    static final String REPLICA = "replica-region";
    static final String REPLICATION = "replication";
    static final String SIZE = "size";
    static final String OS_DISK_TYPE = "os-disk-type";
    static final String DISK_CONTROLLER = "disk-controller";
    static final String VNET = "vnet";
    static final String SUBNET = "subnet";
    static final String PUBLIC_IP = "public-ip";
    static final String ALLOW = "allow";
    static final String ADMIN_USER = "admin-user";
    static final String SSH_KEY = "ssh-key";
    static final String CUSTOM_DATA = "custom-data";
    static final String CONSOLE = "serial-console";
    static final String CONSOLE_LOG = "serial-log";

    private AzureOptions() {
    }

    static List<OptionSpec> connection() {
        return List.of(
                OptionSpec.string(SUBSCRIPTION, "ID", "Azure subscription to work in").env("AZURE_SUBSCRIPTION_ID"),
                OptionSpec.string(RESOURCE_GROUP, "NAME", "Resource group kiln works in (push: the disk and "
                        + "image; run: the VM and its network)")
                        .env("AZURE_RESOURCE_GROUP"),
                OptionSpec.string(LOCATION, "REGION", "Azure region, e.g. westeurope").env("AZURE_LOCATION"),
                OptionSpec.string(ARM_ENDPOINT, "URL", "Azure Resource Manager endpoint (sovereign clouds, tests)")
                        .env("AZURE_RESOURCE_MANAGER_ENDPOINT").defaultValue("https://management.azure.com/"),
                OptionSpec.string(AUTHORITY, "URL", "Microsoft Entra token authority (sovereign clouds, tests)")
                        .env("AZURE_AUTHORITY_HOST").defaultValue("https://login.microsoftonline.com/"),
                OptionSpec.path(CA_CERT, "FILE", "Also trust this PEM certificate for Azure endpoints (private "
                        + "clouds behind a TLS-inspecting proxy, tests)").env("KILN_AZURE_CA_CERT"),
                OptionSpec.duration(POLL, "DURATION", "How often to ask Azure whether a long-running operation "
                        + "(disk, grant, image, version, VM) has finished, unless Azure says when").defaultValue("5s"));
    }

    static List<OptionSpec> push() {
        List<OptionSpec> all = new ArrayList<>(connection());
        all.addAll(List.of(
                OptionSpec.duration(WAIT, "DURATION", "Longest wait for Azure to finish a disk, image or version "
                        + "before giving up (and cleaning up)").defaultValue("60m"),
                OptionSpec.flag(MANAGED_IMAGE, "Register a managed image from the disk instead of a gallery version "
                        + "(single region, no Trusted Launch)"),
                OptionSpec.string(GALLERY, "NAME", "Azure Compute Gallery to publish a version in (made if missing)"),
                OptionSpec.string(GALLERY_IMAGE, "NAME", "Image definition in the gallery (made if missing; "
                        + "default: the image name)"),
                OptionSpec.string(VERSION, "MAJOR.MINOR.PATCH", "Gallery image version (default: derived from the "
                        + "time of the push)"),
                OptionSpec.string(REPLICA, "REGION[=COUNT]", "Also replicate the gallery version to this region "
                        + "(COUNT replicas, default 1); repeatable").asRepeatable(),
                OptionSpec.string(REPLICATION, "wait|no-wait", "Wait for the version's replication (bounded by "
                        + "--wait-timeout; 30-120 min is normal), or return at once with its id and how to check it")
                        .defaultValue("wait"),
                OptionSpec.string(PUBLISHER, "NAME", "Publisher of a new image definition").defaultValue("kiln"),
                OptionSpec.string(OFFER, "NAME", "Offer of a new image definition (default: the image name)"),
                OptionSpec.string(SKU, "NAME", "SKU of a new image definition").defaultValue("default"),
                OptionSpec.flag(GENERALIZED, "Make a new image definition Generalized (cloud-init/agent images); "
                        + "default Specialized, so agentless images boot without the provisioning report"),
                OptionSpec.string(STORAGE_ACCOUNT, "NAME|ID", "Upload to a page blob NAME-DIGEST.vhd in this storage "
                        + "account (name in --resource-group, or its resource id) instead of a managed disk; a failed "
                        + "push keeps the blob and the next one sends only what it lacks (needs --container)"),
                OptionSpec.string(CONTAINER, "NAME", "Existing blob container of --storage-account"),
                OptionSpec.integer(WORKERS, "N", "Put Page requests in flight").defaultValue("16")));
        return all;
    }

    static List<OptionSpec> run() {
        List<OptionSpec> all = new ArrayList<>(connection());
        all.addAll(List.of(
                OptionSpec.string(GALLERY, "NAME", "Gallery to look an image NAME up in (its newest version tagged "
                        + "kiln:name=NAME); without it NAME is looked up among the resource group's managed images"),
                OptionSpec.string(GALLERY_IMAGE, "NAME", "Image definition in --gallery (default: the image name)"),
                OptionSpec.string(SIZE, "SIZE", "VM size, e.g. Standard_B2s or Standard_D2s_v6")
                        .env("AZURE_VM_SIZE").defaultValue("Standard_B2s"),
                OptionSpec.string(OS_DISK_TYPE, "SKU", "OS disk SKU: Standard_LRS, StandardSSD_LRS, Premium_LRS, "
                        + "StandardSSD_ZRS or Premium_ZRS").defaultValue("StandardSSD_LRS"),
                OptionSpec.string(DISK_CONTROLLER, "auto|SCSI|NVMe", "Disk controller; auto picks NVMe for v6 and "
                        + "newer sizes, which have no SCSI, and leaves the rest to Azure").defaultValue("auto"),
                OptionSpec.string(VNET, "NAME", "Virtual network to put the VM in: used if it exists, made (and "
                        + "removed with the VM) if not (default: a new NAME-vnet, 10.0.0.0/16)"),
                OptionSpec.string(SUBNET, "NAME", "Subnet of --vnet").defaultValue("default"),
                OptionSpec.flag(PUBLIC_IP, "Give the VM a static Standard public IPv4 address (deleted with the VM)")
                        .defaultValue("true"),
                OptionSpec.string(ALLOW, "PORT", "Let TCP PORT in through the VM's network security group from "
                        + "anywhere (default: nothing comes in); repeatable").asRepeatable(),
                OptionSpec.string(ADMIN_USER, "NAME", "Admin user of a Generalized image (ARM requires one; "
                        + "Specialized images get no OS profile)").defaultValue("kiln"),
                OptionSpec.path(SSH_KEY, "FILE", "SSH public key for the admin user of a Generalized image")
                        .env("KILN_AZURE_SSH_KEY"),
                OptionSpec.path(CUSTOM_DATA, "FILE", "customData for cloud-init images (Generalized only; they read "
                        + "it from ovf-env.xml), at most 65535 bytes; --userdata goes to IMDS userData either way"),
                OptionSpec.flag(CONSOLE, "Print the serial console log from boot diagnostics when the wait ends"),
                OptionSpec.path(CONSOLE_LOG, "FILE", "Also save the serial console log to FILE (implies --serial-console)")));
        return all;
    }
}
