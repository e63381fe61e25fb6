package dev.kiln.build;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.api.Events;
import dev.kiln.boot.iso.SeedIso;
import dev.kiln.oci.CachedImageStore;
import dev.kiln.oci.Packer;
import dev.kiln.oci.Platform;
import dev.kiln.oci.RegistryOptions;
import dev.kiln.testing.Fixtures;
import dev.kiln.testing.HostKernel;
import dev.kiln.testing.HostTools;
import dev.kiln.testing.LayerTar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The metadata package of the examples (examples/packages/metadata) in a kiln-built image, booted
 * in qemu (TCG) once per cloud shape. The image is examples/hello.yml exactly as the quick start
 * builds it: kiln packs this machine's kernel (with the modules the guest loads), busybox with the
 * example init, and the package folder into its cache ({@code kiln cache pack}), then builds
 * kernel+initrd. Each boot gets SMBIOS strings like the cloud's (so detection is tested) and its
 * userdata a fresh token the guest must print from /run/config/userdata.
 * <p>
 * Metadata services are JDK HttpServers on 127.0.0.1 answering each cloud's documented paths and
 * refusing requests without the cloud's header or token. The guest reaches them at
 * 169.254.169.254:80 through qemu's user networking: the virtual network is 169.254.0.0/16 and a
 * {@code guestfwd} rule runs the host's busybox nc to the stand-in for each connection; the
 * network is {@code restrict=on}, so nothing leaves the machine. Config drives and cidata are ISOs
 * from kiln's own ISO writer. Ten boots, about 10-20 s each under TCG on this machine.
 */
class MetadataPackageIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final String AZURE_ASSET_TAG = "7783-7084-3265-9085-8269-3286-77";
    private static final String SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKiln kiln@test";

    @TempDir
    static Path built;

    @TempDir
    Path tmp;

    private static Path kernel;
    private static Path initrd;
    private static String cmdline;

    private HttpServer server;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final String token = "kiln-userdata-" + UUID.randomUUID();

    @BeforeAll
    static void buildTheExampleWithTheMetadataPackage() throws Exception {
        HostTools.require("qemu-system-x86_64");
        assumeTrue(Files.isExecutable(BUSYBOX), "needs /bin/busybox: install the Debian package busybox-static");
        Path cache = built.resolve("cache");
        CachedImageStore store = new CachedImageStore(cache, RegistryOptions.of(List.of(), List.of(), Map.of()), Events.none());
        Packer packer = new Packer(store.layout(), Events.none());

        // what examples/quickstart.sh packs: the kernel with its modules, busybox and the init
        Path kernelDir = Files.createDirectories(built.resolve("kernel"));
        Files.copy(HostKernel.path(), kernelDir.resolve("kernel"));
        Files.write(kernelDir.resolve("kernel.tar"), modulesTar("ata_piix", "sr_mod", "isofs", "virtio_pci", "virtio_net"));
        packer.pack(kernelDir, "kiln.local/hello-kernel:host", Platform.AMD64, Map.of());
        Path initDir = Files.createDirectories(built.resolve("init/bin"));
        Files.copy(BUSYBOX, initDir.resolve("busybox"));
        Files.copy(ROOT.resolve("examples/hello/init"), initDir.getParent().resolve("init"));
        packer.pack(initDir.getParent(), "kiln.local/hello-init:1", Platform.AMD64, Map.of());
        packer.pack(ROOT.resolve("examples/packages/metadata"), "kiln.local/metadata:1", Platform.AMD64, Map.of());

        Path out = built.resolve("out");
        Path config = Files.copy(ROOT.resolve("examples/hello.yml"), built.resolve("hello.yml"));
        // Equinix Metal's service has a DNS name; here the image's /etc/hosts gives it the address the stand-in is
        // forwarded from, as the machine's resolver gives the real one (busybox's nc resolves through /etc/hosts)
        Files.writeString(config, "files:\n  - path: etc/hosts\n    contents: \"127.0.0.1 localhost\\n"
                + "169.254.169.254 metadata.platformequinix.com\\n\"\n", java.nio.file.StandardOpenOption.APPEND);
        new Builder(Events.none(), store, InputStream.nullInputStream()).build(
                Fixtures.request(config, out, List.of(Format.KERNEL_INITRD), Optional.empty()), new ByteArrayOutputStream());
        kernel = out.resolve("hello-kernel");
        initrd = out.resolve("hello-initrd.img");
        cmdline = Files.readString(out.resolve("hello-cmdline")).trim();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void nocloudCidataAsKilnRunQemuAttachesIt() throws Exception {
        Path seed = iso("cidata", Map.of("user-data", token, "meta-data", "instance-id: i-1\nlocal-hostname: seeded\n"));

        String console = boot(List.of("-net", "none", "-drive", "file=" + seed + ",media=cdrom,readonly=on"));

        assertThat(console).contains("no platform in DMI (QEMU").contains("metadata: userdata from cidata")
                .contains("hostname: seeded").contains("userdata: " + token);
    }

    @Test
    void awsImdsV2TokenThenUserData() throws Exception {
        serve(ex -> {
            String path = ex.getRequestURI().getPath();
            if (ex.getRequestMethod().equals("PUT") && path.equals("/latest/api/token")) {
                return ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") == null
                        ? answer(400, "") : answer(200, "imds-session-42");
            }
            if (!"imds-session-42".equals(ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
                return answer(401, ""); // IMDSv2 required: no IMDSv1
            }
            return switch (path) {
                case "/latest/user-data" -> answer(200, token);
                case "/latest/meta-data/hostname" -> answer(200, "ip-10-0-0-7.ec2.internal");
                case "/latest/meta-data/public-keys/0/openssh-key" -> answer(200, SSH_KEY + "\n");
                default -> answer(404, "");
            };
        });

        String console = boot(network("-smbios", "type=1,manufacturer=Amazon EC2,product=t3.micro"));

        assertThat(console).contains("platform aws (from DMI: Amazon EC2").contains("metadata: userdata from aws")
                .contains("hostname: ip-10-0-0-7.ec2.internal").contains("ssh key: " + SSH_KEY).contains("userdata: " + token);
        assertThat(requests).contains("PUT /latest/api/token", "GET /latest/user-data token=imds-session-42");
    }

    @Test
    void gcpMetadataServerWithMetadataFlavorHeader() throws Exception {
        serve(ex -> {
            if (!"Google".equals(ex.getRequestHeaders().getFirst("Metadata-Flavor"))) {
                return answer(403, "Missing Metadata-Flavor:Google header.");
            }
            ex.getResponseHeaders().add("Metadata-Flavor", "Google");
            return switch (ex.getRequestURI().getPath()) {
                case "/computeMetadata/v1/instance/hostname" -> answer(200, "vm-7.c.project.internal");
                case "/computeMetadata/v1/instance/attributes/user-data" -> answer(200, token);
                case "/computeMetadata/v1/project/attributes/ssh-keys" -> answer(200, "kiln:" + SSH_KEY);
                default -> answer(404, "");
            };
        });

        String console = boot(network("-smbios", "type=1,manufacturer=Google,product=Google Compute Engine"));

        assertThat(console).contains("platform gcp (from DMI: Google").contains("metadata: userdata from gcp")
                .contains("hostname: vm-7").contains("ssh key: " + SSH_KEY).contains("userdata: " + token);
        assertThat(requests).contains("GET /computeMetadata/v1/instance/attributes/user-data flavor=Google");
    }

    @Test
    void azureImdsUserDataIsBase64() throws Exception {
        serve(ex -> {
            String q = String.valueOf(ex.getRequestURI().getQuery());
            if (!"true".equals(ex.getRequestHeaders().getFirst("Metadata")) || !q.contains("api-version=")) {
                return answer(400, "{\"error\":\"Bad request. Required metadata header not specified\"}");
            }
            return switch (ex.getRequestURI().getPath() + "?" + q) {
                case "/metadata/instance/compute/userData?api-version=2021-01-01&format=text" ->
                        answer(200, Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
                case "/metadata/instance/compute/name?api-version=2021-01-01&format=text" -> answer(200, "azvm");
                default -> answer(404, "");
            };
        });

        String console = boot(network("-smbios", "type=1,manufacturer=Microsoft Corporation,product=Virtual Machine",
                "-smbios", "type=3,asset=" + AZURE_ASSET_TAG));

        assertThat(console).contains("platform azure (from DMI: Microsoft Corporation").contains("metadata: userdata from azure")
                .contains("hostname: azvm").contains("userdata: " + token);
    }

    @Test
    void azureOvfEnvCustomDataOnTheProvisioningCdWhenImdsHasNone() throws Exception {
        String ovf = """
                <?xml version="1.0" encoding="utf-8"?>
                <Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" xmlns:wa="http://schemas.microsoft.com/windowsazure">
                  <wa:ProvisioningSection><wa:Version>1.0</wa:Version>
                    <LinuxProvisioningConfigurationSet xmlns="http://schemas.microsoft.com/windowsazure">
                      <ConfigurationSetType>LinuxProvisioningConfiguration</ConfigurationSetType>
                      <HostName>ovfhost</HostName>
                      <CustomData>%s</CustomData>
                    </LinuxProvisioningConfigurationSet>
                  </wa:ProvisioningSection>
                </Environment>
                """.formatted(Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
        Path cd = iso("rd_rdfe_stable", Map.of("ovf-env.xml", ovf));

        String console = boot(List.of("-net", "none", "-drive", "file=" + cd + ",media=cdrom,readonly=on",
                "-smbios", "type=1,manufacturer=Microsoft Corporation,product=Virtual Machine"));

        assertThat(console).contains("platform azure").contains("metadata: userdata from azure")
                .contains("hostname: ovfhost").contains("userdata: " + token);
    }

    @Test
    void openstackConfigDrive() throws Exception {
        Path drive = iso("config-2", Map.of("openstack/latest/user_data", token,
                "openstack/latest/meta_data.json", "{\"uuid\": \"u-1\", \"hostname\": \"nova-7.novalocal\", "
                        + "\"public_keys\": {\"kiln\": \"" + SSH_KEY + "\\n\"}}"));

        String console = boot(List.of("-net", "none", "-drive", "file=" + drive + ",media=cdrom,readonly=on",
                "-smbios", "type=1,manufacturer=OpenStack Foundation,product=OpenStack Nova"));

        assertThat(console).contains("platform openstack (from DMI: OpenStack Foundation").contains("metadata: userdata from openstack")
                .contains("hostname: nova-7.novalocal").contains("ssh key: " + SSH_KEY).contains("userdata: " + token);
    }

    @Test
    void openstackMetadataServiceWithoutAConfigDrive() throws Exception {
        serve(ex -> switch (ex.getRequestURI().getPath()) {
            case "/openstack/latest/user_data" -> answer(200, token);
            case "/openstack/latest/meta_data.json" -> answer(200, "{\"uuid\": \"u-2\", \"hostname\": \"nova-8\"}");
            default -> answer(404, "");
        });

        String console = boot(network("-smbios", "type=1,manufacturer=OpenStack Foundation,product=OpenStack Nova"));

        assertThat(console).contains("platform openstack").contains("metadata: userdata from openstack")
                .contains("hostname: nova-8").contains("userdata: " + token);
        assertThat(requests).contains("GET /openstack/latest/user_data");
    }

    @Test
    void vcenterReadsTheCidataCdWhenTheImageHasNoVmwareRpctool() throws Exception {
        Path seed = iso("cidata", Map.of("user-data", token, "meta-data", "local-hostname: vsphere-vm\n"));

        String console = boot(List.of("-net", "none", "-drive", "file=" + seed + ",media=cdrom,readonly=on",
                "-smbios", "type=1,manufacturer=VMware,, Inc.,product=VMware7,,1"));

        assertThat(console).contains("platform vmware (from DMI: VMware, Inc.").contains("metadata: userdata from vmware")
                .contains("hostname: vsphere-vm").contains("userdata: " + token);
    }

    @Test
    void equinixMetalUserdataFromItsMetadataServiceFoundByProbing() throws Exception {
        serve(ex -> {
            String host = String.valueOf(ex.getRequestHeaders().getFirst("Host"));
            if (!host.startsWith("metadata.platformequinix.com")) {
                return answer(404, ""); // the other clouds' link-local paths, probed first
            }
            return switch (ex.getRequestURI().getPath()) {
                case "/userdata" -> answer(200, token);
                case "/metadata" -> answer(200, "{\"id\":\"d-1\",\"hostname\":\"metal-1\",\"ssh_keys\":[\""
                        + SSH_KEY + "\"]}");
                default -> answer(404, "");
            };
        });

        String console = boot(network());

        assertThat(console).contains("metadata: userdata from packet").contains("hostname: metal-1")
                .contains("ssh key: " + SSH_KEY).contains("userdata: " + token);
        assertThat(requests).anyMatch(r -> r.startsWith("GET /userdata"));
    }

    @Test
    void anIpxeScriptAsEquinixMetalUserdataIsIgnored() throws Exception {
        serve(ex -> String.valueOf(ex.getRequestHeaders().getFirst("Host")).startsWith("metadata.platformequinix.com")
                && ex.getRequestURI().getPath().equals("/userdata")
                ? answer(200, "#!ipxe\nchain http://example.invalid/boot.ipxe\n") : answer(404, ""));

        String console = boot(network());

        assertThat(console).contains("packet: the userdata is an iPXE script, ignored")
                .doesNotContain("userdata from packet");
    }

    @Test
    void noUserdataAnywhereIsSaidAndTheBootGoesOn() throws Exception {
        // no DMI platform, no CD, no network card: every source is probed once, each bounded
        String console = boot(List.of("-net", "none"));

        assertThat(console).contains("no platform in DMI (QEMU")
                .contains("metadata: no userdata found: cidata: no CD with user-data; no network address (DHCP got no answer); "
                        + "azure: no provisioning CD with CustomData; openstack: no config-2 drive with openstack/latest/user_data")
                .contains("userdata: (none found)")
                .doesNotContain("metadata: userdata from");
    }

    @Test
    void jsonUserdataOnTheCidataCdIsExpandedUnderRunConfig() throws Exception {
        // LinuxKit's JSON userdata; the token's dashes escaped, so only the expanded file holds it verbatim
        String json = "{\"kiln\": {\"entries\": {\"token\": {\"perm\": \"0600\", \"content\": \""
                + token.replace("-", "\\u002d") + "\\nsecond line\"}}}, \"../escape\": {\"content\": \"x\"}}";
        Path seed = iso("cidata", Map.of("user-data", json, "meta-data", "local-hostname: seeded\n"));

        String console = boot(List.of("-net", "none", "-drive", "file=" + seed + ",media=cdrom,readonly=on"));

        assertThat(console).contains("metadata: userdata from cidata")
                .contains("metadata: userdata JSON: refused ../escape: a name with \"/\" could leave its directory")
                .contains("metadata: userdata is JSON: 1 files written under /run/config")
                .containsPattern(Pattern.quote("config: /run/config/kiln/token (600): " + token) + "\\r?\\n")
                .doesNotContain("userdata: " + token).doesNotContain("escape (");
    }

    // --- the pieces ---------------------------------------------------------------------------------

    private record Answer(int status, String body) {}

    private static Answer answer(int status, String body) {
        return new Answer(status, body);
    }

    /** A stand-in metadata service on 127.0.0.1; every request is logged with the header that matters. */
    private void serve(Function<HttpExchange, Answer> routes) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                String token = ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token");
                String flavor = ex.getRequestHeaders().getFirst("Metadata-Flavor");
                requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath()
                        + (token != null ? " token=" + token : "") + (flavor != null ? " flavor=" + flavor : ""));
                Answer a = routes.apply(ex);
                byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
    }

    /** User networking on 169.254.0.0/16, restricted, with 169.254.169.254:80 forwarded to the stand-in. */
    private List<String> network(String... more) {
        int port = server.getAddress().getPort();
        List<String> args = new ArrayList<>(List.of("-netdev",
                "user,id=n0,restrict=on,net=169.254.0.0/16,guestfwd=tcp:169.254.169.254:80-cmd:" + BUSYBOX
                        + " nc 127.0.0.1 " + port,
                "-device", "virtio-net-pci,netdev=n0,romfile="));
        args.addAll(List.of(more));
        return args;
    }

    private Path iso(String label, Map<String, String> files) throws IOException {
        Map<String, byte[]> bytes = new java.util.TreeMap<>();
        files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        Path out = tmp.resolve(label + ".iso");
        SeedIso.write(out, label, bytes);
        return out;
    }

    private String boot(List<String> extra) throws Exception {
        List<String> command = new ArrayList<>(List.of("qemu-system-x86_64", "-accel", "tcg", "-m", "256",
                "-nographic", "-vga", "none", "-no-reboot", "-kernel", kernel.toString(), "-initrd", initrd.toString(),
                "-append", cmdline));
        command.addAll(extra);
        long start = System.nanoTime();
        Process qemu = HostTools.command(command).redirectErrorStream(true).start();
        qemu.getOutputStream().close();
        boolean done = qemu.waitFor(180, TimeUnit.SECONDS);
        if (!done) {
            qemu.destroyForcibly().waitFor();
        }
        String console = new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.printf("metadata boot %s: %.1f s%n%s%n", extra, (System.nanoTime() - start) / 1e9, console);
        assertThat(done).as("qemu finished within 180 s; console:\n" + console).isTrue();
        return console;
    }

    /** kernel.tar as the quick start writes it: modules.dep and these modules with what they depend on. */
    private static byte[] modulesTar(String... names) throws IOException {
        String release = HostKernel.release();
        Path root = Path.of("/lib/modules", release);
        List<String> dep = Files.readAllLines(root.resolve("modules.dep"));
        Set<String> files = new LinkedHashSet<>();
        for (String name : names) {
            for (String line : dep) {
                String ko = line.substring(0, line.indexOf(':'));
                if (Path.of(ko).getFileName().toString().matches(name + "\\.ko(\\.[a-z]+)?")) {
                    files.add(ko);
                    String rest = line.substring(line.indexOf(':') + 1).trim();
                    if (!rest.isEmpty()) {
                        files.addAll(List.of(rest.split("\\s+")));
                    }
                }
            }
        }
        String base = "lib/modules/" + release + "/";
        LayerTar tar = new LayerTar().dir("lib").dir("lib/modules").dir(base)
                .fileBytes(base + "modules.dep", Files.readAllBytes(root.resolve("modules.dep")));
        Set<String> dirs = new LinkedHashSet<>();
        for (String f : files) {
            Path parent = Path.of(f).getParent();
            for (int i = 1; i <= parent.getNameCount(); i++) {
                String d = base + parent.subpath(0, i);
                if (dirs.add(d)) {
                    tar.dir(d);
                }
            }
            tar.fileBytes(base + f, Files.readAllBytes(root.resolve(f)));
        }
        return tar.bytes();
    }
}
