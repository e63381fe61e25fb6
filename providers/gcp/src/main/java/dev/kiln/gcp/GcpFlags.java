package dev.kiln.gcp;

import dev.kiln.spi.OptionSpec;

import java.util.ArrayList;
import java.util.List;

/** The flags of {@code kiln push gcp} and {@code kiln run gcp}, as data; env names follow gcloud and LinuxKit. */
final class GcpFlags {

    private GcpFlags() {
    }

    static List<OptionSpec> common() {
        return List.of(
                OptionSpec.path("keys", "FILE", "Service-account JSON key; without it Application Default"
                        + " Credentials are used (GOOGLE_APPLICATION_CREDENTIALS, gcloud's ADC file, the metadata"
                        + " server).").env("CLOUDSDK_COMPUTE_KEYS"),
                OptionSpec.string("project", "PROJECT", "Project to work in; else the one the credentials name.")
                        .env("CLOUDSDK_CORE_PROJECT", "GOOGLE_CLOUD_PROJECT"),
                OptionSpec.string("endpoint", "URL", "Send Compute and Cloud Storage calls to this URL instead of"
                        + " Google's (for tests and private endpoints).").env("KILN_GCP_ENDPOINT"),
                OptionSpec.string("storage-endpoint", "URL", "Send Cloud Storage calls here instead (default: the"
                        + " --endpoint URL).").env("KILN_GCS_ENDPOINT"));
    }

    static List<OptionSpec> push() {
        List<OptionSpec> all = new ArrayList<>(common());
        all.addAll(List.of(
                OptionSpec.duration("import-timeout", "DURATION", "How long to wait for GCE to import the image.")
                        .defaultValue("30m"),
                OptionSpec.string("bucket", "BUCKET", "Cloud Storage bucket the image file is uploaded to"
                        + " (object NAME-DIGEST12.tar.gz).").env("CLOUDSDK_IMAGE_BUCKET"),
                OptionSpec.string("family", "FAMILY", "Image family; instances made from the family get the"
                        + " newest image in it.").env("CLOUDSDK_IMAGE_FAMILY"),
                OptionSpec.string("feature", "FEATURE", "Extra guest OS feature, e.g. SEV_CAPABLE;"
                        + " VIRTIO_SCSI_MULTIQUEUE and GVNIC are always set.").asRepeatable(),
                OptionSpec.flag("uefi-compatible", "Mark UEFI and hybrid images UEFI_COMPATIBLE, so GCE boots them"
                        + " with UEFI and allows Shielded VM. Turn it off (--no-uefi-compatible) for a hybrid"
                        + " image that should boot with BIOS on GCE, e.g. when its UEFI path does not boot there;"
                        + " BIOS-only images never get it.").env("KILN_GCP_UEFI_COMPATIBLE").defaultValue("true"),
                OptionSpec.flag("nested-virt", "Attach the enable-vmx licence so instances may run their own VMs."),
                OptionSpec.string("storage-location", "LOCATION", "Region or multi-region the image is stored in,"
                        + " e.g. eu (default: GCE picks the one nearest the bucket)."),
                OptionSpec.flag("keep-object", "Keep the uploaded tar.gz in the bucket after the import."),
                OptionSpec.size("chunk-size", "SIZE", "Resumable upload request size, 256K to 1G in steps of 256K"
                        + " (a bare number is MiB): each"
                        + " chunk is held in memory and ends in a round trip; after a fault the upload resumes from"
                        + " what Google committed.").defaultValue(GcpClients.DEFAULT_CHUNK_MIB + "M")));
        return List.copyOf(all);
    }

    static List<OptionSpec> run() {
        List<OptionSpec> all = new ArrayList<>(common());
        all.addAll(List.of(
                OptionSpec.string("zone", "ZONE", "Zone the instance runs in.").env("CLOUDSDK_COMPUTE_ZONE")
                        .defaultValue("europe-west1-d"),
                OptionSpec.string("machine", "TYPE", "Machine type, e.g. e2-small or n2-standard-2.")
                        .env("CLOUDSDK_COMPUTE_MACHINE").defaultValue("e2-small"),
                OptionSpec.size("boot-disk-size", "SIZE", "Boot disk size such as 20G, rounded up to whole GiB"
                        + " (a bare number is GiB; default: the image's size)."),
                OptionSpec.string("boot-disk-type", "TYPE", "Boot disk type: pd-balanced, pd-ssd, pd-standard,"
                        + " hyperdisk-balanced ...").defaultValue("pd-balanced"),
                OptionSpec.string("network", "NETWORK", "VPC network.").defaultValue("default"),
                OptionSpec.string("subnetwork", "SUBNET", "Subnetwork (needed for custom-mode networks)."),
                OptionSpec.flag("external-ip", "Give the instance an ephemeral external IPv4 address.")
                        .defaultValue("true"),
                OptionSpec.flag("serial-port-enable", "Allow the interactive serial console (metadata"
                        + " serial-port-enable).").defaultValue("true"),
                OptionSpec.flag("secure-boot", "Shielded VM: UEFI Secure Boot (the image needs UEFI_COMPATIBLE)."),
                OptionSpec.flag("vtpm", "Shielded VM: virtual TPM (the image needs UEFI_COMPATIBLE)."),
                OptionSpec.flag("integrity-monitoring", "Shielded VM: integrity monitoring (needs --vtpm)."),
                OptionSpec.string("service-account", "EMAIL", "Service account the instance runs as"
                        + " (default: the project's Compute default)."),
                OptionSpec.string("scopes", "SCOPE", "OAuth scope for the service account.").asRepeatable()
                        .defaultValue("https://www.googleapis.com/auth/cloud-platform"),
                OptionSpec.flag("spot", "Run as a Spot VM: cheaper, may be stopped at any time."),
                OptionSpec.flag("serial-console", "Stream serial port 1 until the instance stops or Ctrl-C"
                        + " (read through the API, no SSH needed)."),
                OptionSpec.path("serial-log", "FILE", "Also save the serial port 1 output to FILE, as GCE returns it"
                        + " (implies --serial-console).")));
        return List.copyOf(all);
    }
}
