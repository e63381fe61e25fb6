package dev.kiln.openstack;

import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.Options;

import java.util.ArrayList;
import java.util.List;

/** The flags that are OpenStack's own; the shared ones (--if-exists, --tag, --userdata, --disk ...) come typed. */
final class OpenStackFlags {

    static final String CLOUD = "os-cloud";
    static final String REGION = "region";
    static final String INTERFACE = "interface";
    static final String INSECURE = "insecure";
    static final String CACERT = "cacert";
    static final String VISIBILITY = "visibility";
    static final String OS_DISTRO = "os-distro";
    static final String MIN_DISK = "min-disk";
    static final String MIN_RAM = "min-ram";
    static final String PROPERTY = "property";
    static final String WAIT_ACTIVE = "image-timeout";
    static final String IMPORT_METHOD = "import-method";
    static final String SOURCE_URL = "source-url";
    static final String SERVE = "serve";
    static final String SERVE_URL = "serve-url";

    static final String FLAVOR = "flavor";
    static final String NETWORK = "network";
    static final String SECURITY_GROUP = "security-group";
    static final String KEY_NAME = "key-name";
    static final String CONFIG_DRIVE = "config-drive";
    static final String BOOT_VOLUME = "boot-volume-size";
    static final String FLOATING_IP = "floating-ip";
    static final String SERVER_NAME = "server-name";
    static final String CONSOLE_LOG = "console-log";

    private OpenStackFlags() {
    }

    private static List<OptionSpec> connection() {
        return List.of(
                OptionSpec.string(CLOUD, "CLOUD", "The cloud of clouds.yaml to use (searched in ./, ~/.config/openstack/ "
                        + "and /etc/openstack/, with secure.yaml merged); without it the OS_* variables are read")
                        .env("OS_CLOUD"),
                OptionSpec.string(REGION, "REGION", "The region whose endpoints are used from the catalog")
                        .env("OS_REGION_NAME"),
                OptionSpec.string(INTERFACE, "INTERFACE", "The catalog interface to use: public, internal or admin")
                        .env("OS_INTERFACE"),
                OptionSpec.flag(INSECURE, "Do not verify the TLS certificates of Keystone and the services: "
                        + "anyone on the path can read the token (kiln says so loudly)"),
                OptionSpec.path(CACERT, "FILE", "A PEM file of CA certificates to trust for Keystone and the services")
                        .env("OS_CACERT"));
    }

    /** kiln ls and kiln rm: where to look and with which credentials, as push and run take them. */
    static List<OptionSpec> inventory() {
        return connection();
    }

    static List<OptionSpec> push() {
        List<OptionSpec> all = new ArrayList<>(connection());
        all.add(OptionSpec.string(VISIBILITY, "VISIBILITY",
                "Glance visibility of the new image: private, shared, community or public (--public means public)")
                .defaultValue("private"));
        all.add(OptionSpec.string(OS_DISTRO, "DISTRO", "The os_distro property (e.g. linuxkit), for Nova's guest hints"));
        all.add(OptionSpec.size(MIN_DISK, "SIZE", "The image's min_disk, rounded up to whole GiB (a bare "
                + "number is GiB); default: its virtual size rounded up"));
        all.add(OptionSpec.size(MIN_RAM, "SIZE", "The image's min_ram, rounded up to whole MiB (a bare "
                + "number is MiB); default: none"));
        all.add(OptionSpec.keyValues(PROPERTY, "KEY=VALUE", "An extra image property (repeatable), e.g. hw_disk_bus=scsi")
                .asRepeatable());
        all.add(OptionSpec.string(IMPORT_METHOD, "METHOD", "glance-direct: stage the data and have Glance import it; "
                + "web-download: have Glance fetch it from --source-url or from kiln itself (--serve) (interoperable "
                + "import, checked against GET /v2/info/import; a plain upload when it is not offered or fails, saying "
                + "so); default: a plain upload"));
        all.add(OptionSpec.string(SOURCE_URL, "URL", "With --import-method web-download: the http(s) URL Glance "
                + "fetches, serving IMAGE's bytes as they are (compared with Glance's checksums once active)"));
        all.add(OptionSpec.string(SERVE, "ADDR", "With --import-method web-download: serve the image over HTTP on "
                + "HOST:PORT (or :PORT) while the import lasts, for Glance to fetch"));
        all.add(OptionSpec.string(SERVE_URL, "URL", "With --serve: the URL Glance reaches the served image's folder "
                + "at (default http://ADDR when ADDR names a host)"));
        all.add(OptionSpec.duration(WAIT_ACTIVE, "DURATION", "How long to wait for the image to become active after the "
                + "upload").defaultValue("10m"));
        return List.copyOf(all);
    }

    static List<OptionSpec> run() {
        List<OptionSpec> all = new ArrayList<>(connection());
        all.add(OptionSpec.string(FLAVOR, "FLAVOR", "The Nova flavor (name or id) of the server").env("OS_FLAVOR"));
        all.add(OptionSpec.string(NETWORK, "NETWORK", "A network (name or id) to attach (repeatable)").asRepeatable());
        all.add(OptionSpec.string(SECURITY_GROUP, "GROUP", "A security group for the server (repeatable)").asRepeatable());
        all.add(OptionSpec.string(KEY_NAME, "KEYPAIR", "The Nova key pair to inject"));
        all.add(OptionSpec.flag(CONFIG_DRIVE, "Give the server a config drive (label config-2) holding the user_data"));
        all.add(OptionSpec.size(BOOT_VOLUME, "SIZE", "Boot from a new volume of this size made from the image, "
                + "rounded up to whole GiB (a bare number is GiB; deleted with the server)"));
        all.add(OptionSpec.string(FLOATING_IP, "NETWORK", "Attach a new floating IP from this external network "
                + "(released with the server)"));
        all.add(OptionSpec.string(SERVER_NAME, "NAME", "The server name; default: --name"));
        all.add(OptionSpec.path(CONSOLE_LOG, "FILE", "Once the server is ACTIVE, save its console log "
                + "(os-getConsoleOutput) to FILE"));
        return List.copyOf(all);
    }

    /**
     * The push options for a local image {@code run} pushes first: the connection flags given to run, the push
     * defaults for the rest.
     */
    static Options pushFromRun(Options run, java.util.Map<String, String> env) {
        java.util.Map<String, List<String>> given = new java.util.LinkedHashMap<>();
        for (OptionSpec o : connection()) {
            if (run.source(o.name()) == Options.Source.FLAG) {
                given.put(o.name(), run.all(o.name()));
            }
        }
        return Options.resolve(push(), given, env);
    }
}
