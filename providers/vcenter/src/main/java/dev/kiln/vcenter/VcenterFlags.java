package dev.kiln.vcenter;

import dev.kiln.spi.OptionSpec;

import java.util.List;

/** The flags of {@code kiln push vcenter}: connection, TLS, placement, and where the image goes. */
final class VcenterFlags {

    static final String URL = "url";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String CA_CERT = "ca-cert";
    static final String THUMBPRINT = "thumbprint";
    static final String INSECURE = "insecure";
    static final String DATACENTER = "datacenter";
    static final String DATASTORE = "datastore";
    static final String LIBRARY = "library";
    static final String TARGET = "target";
    static final String FOLDER = "folder";
    static final String HW_VERSION = "hw-version";
    static final String RESOURCE_POOL = "resource-pool";
    static final String FIRMWARE = "firmware";
    static final String GUESTINFO = "guestinfo";
    static final String CLUSTER = "cluster";
    static final String HOST = "host";
    static final String NETWORK = "network";
    static final String SERIAL_CONSOLE = "serial-console";
    static final String SERIAL_LOG = "serial-log";
    static final String WAIT_IP = "wait-ip";
    static final String CPUS = "cpus";
    static final String MEMORY = "memory";

    private VcenterFlags() {
    }

    static List<OptionSpec> connection() {
        return List.of(
                OptionSpec.string(URL, "URL", "vCenter address, e.g. https://vc.example.com (a path and user:password@ "
                        + "in it are taken as govc does). http:// is used as given, with a warning.")
                        .env("GOVC_URL", "VCURL"),
                OptionSpec.string(USERNAME, "USER", "vCenter user, e.g. administrator@vsphere.local.")
                        .env("GOVC_USERNAME"),
                OptionSpec.string(PASSWORD, "PASSWORD", "Password of the vCenter user (prefer $GOVC_PASSWORD).")
                        .env("GOVC_PASSWORD").asSecret(),
                OptionSpec.path(CA_CERT, "FILE", "PEM file of the CA (or certificate) that signs vCenter's TLS "
                        + "certificate, instead of the system trust store.").env("GOVC_TLS_CA_CERTS"),
                OptionSpec.string(THUMBPRINT, "SHA", "Trust exactly the server certificate of this SHA-1 or SHA-256 "
                        + "fingerprint (hex, colons optional), as govc's --thumbprint.").env("GOVC_TLS_KNOWN_HOSTS_THUMBPRINT"),
                OptionSpec.flag(INSECURE, "Do NOT verify vCenter's TLS certificate. Anyone on the path can read the "
                        + "password and change the image; kiln warns every time."));
    }

    static List<OptionSpec> run() {
        List<OptionSpec> all = new java.util.ArrayList<>(connection());
        all.addAll(List.of(
                OptionSpec.string(LIBRARY, "NAME", "Content library holding the OVF template to deploy (IMAGE is"
                        + " its item name or id).").defaultValue("kiln"),
                OptionSpec.string(RESOURCE_POOL, "NAME", "Resource pool the VM goes into; default: the root pool of"
                        + " --cluster or --host, else the first pool named Resources.").env("GOVC_RESOURCE_POOL"),
                OptionSpec.string(CLUSTER, "NAME", "Cluster the VM goes into (its root resource pool).")
                        .env("GOVC_CLUSTER"),
                OptionSpec.string(HOST, "NAME", "ESXi host the VM runs on.").env("GOVC_HOST"),
                OptionSpec.string(FOLDER, "NAME", "VM folder the VM is placed in; default: the datacenter's.")
                        .env("GOVC_FOLDER"),
                OptionSpec.string(NETWORK, "[OVF=]NAME", "Network (or port group) the VM's NIC is on; OVF= names"
                        + " the template's network when it has several.").env("GOVC_NETWORK")
                        .asRepeatable(),
                OptionSpec.integer(CPUS, "N", "CPUs of a VM made around a datastore ISO.").defaultValue("1"),
                OptionSpec.size(MEMORY, "SIZE", "Memory of a VM made around a datastore ISO, rounded up to whole"
                        + " MiB (a bare number is MiB).").defaultValue("1G"),
                OptionSpec.string(FIRMWARE, "efi|bios", "Firmware of the VM, set with ReconfigVM after the deploy"
                        + " (a deploy may ignore the OVF's). Default: what a library template's .ovf declares (efi"
                        + " when it declares none); for a datastore ISO what its El Torito catalog boots (efi when"
                        + " it boots both ways)."),
                OptionSpec.string(DATASTORE, "NAME", "Datastore of the VM (its files and --disk VMDKs), and of the"
                        + " userdata's cidata ISO (in kiln/).").env("GOVC_DATASTORE"),
                OptionSpec.string(DATACENTER, "NAME", "Datacenter of --datastore.").env("GOVC_DATACENTER")
                        .defaultValue("DC0"),
                OptionSpec.flag(GUESTINFO, "Hand userdata over in guestinfo.userdata (base64) and"
                        + " guestinfo.metadata instead of a NoCloud cidata ISO on a CD-ROM."),
                OptionSpec.flag(SERIAL_CONSOLE, "Give the VM a serial port writing to serial.out in its datastore"
                        + " folder, and print what it writes while kiln waits (--wait, --wait-ip)."),
                OptionSpec.path(SERIAL_LOG, "FILE", "Also save the serial output to FILE (implies --serial-console)."),
                OptionSpec.flag(WAIT_IP, "Wait, within --timeout, for the IP address VMware Tools reports, and"
                        + " print it.")));
        return List.copyOf(all);
    }

    static List<OptionSpec> inventory() {
        List<OptionSpec> all = new java.util.ArrayList<>(connection());
        all.add(OptionSpec.string(DATACENTER, "NAME", "Datacenter whose datastores kiln ls searches for the files a"
                + " datastore push made; default: every datacenter.").env("GOVC_DATACENTER"));
        return List.copyOf(all);
    }

    static List<OptionSpec> push() {
        List<OptionSpec> all = new java.util.ArrayList<>(connection());
        all.addAll(List.of(
                OptionSpec.string(DATACENTER, "NAME", "Datacenter of the datastore (dcPath of datastore uploads).")
                        .env("GOVC_DATACENTER").defaultValue("DC0"),
                OptionSpec.string(DATASTORE, "NAME", "Datastore that backs a new content library, or receives a "
                        + "--target datastore upload; a name, or a datastore-NN id.").env("GOVC_DATASTORE"),
                OptionSpec.string(LIBRARY, "NAME", "Content library the OVF template goes into; a local library "
                        + "on --datastore is created when missing.").defaultValue("kiln"),
                OptionSpec.string(TARGET, "library|datastore", "library: an OVF template in --library (from an "
                        + "OVA or OVF); datastore: the ISO or VMDK file put on --datastore. Neither is placed on a"
                        + " host: run vcenter takes --resource-pool, --cluster, --host, --network and a VM --folder.")
                        .defaultValue("library"),
                OptionSpec.string(FOLDER, "PATH", "Datastore folder of --target datastore uploads (not a VM"
                        + " folder).").defaultValue("kiln"),
                OptionSpec.integer(HW_VERSION, "N", "Virtual hardware version the OVF template declares (vmx-N), e.g."
                        + " 13 for ESXi 6.5 and later, 19 for 7.0 U2; the guest type is made valid for it. Default:"
                        + " what the OVF declares.")));
        return List.copyOf(all);
    }
}
