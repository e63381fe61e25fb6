package dev.kiln.build;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The metadata package's expansion of LinuxKit's JSON userdata, and its reading of vCenter's guestinfo, run on
 * this machine with the same busybox the example image carries (its applets first on PATH, so awk and od are
 * busybox's): {@code metadata file=PATH} or {@code metadata vmware} with METADATA_CONFIG pointing into a temporary
 * folder.
 * The boot in qemu is MetadataPackageIT#jsonUserdataOnTheCidataCdIsExpandedUnderRunConfig.
 */
class MetadataUserdataJsonTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    Path tmp;

    private Path config;

    @BeforeEach
    void busybox() throws Exception {
        assumeTrue(Files.isExecutable(BUSYBOX), "needs /bin/busybox: install the Debian package busybox-static");
        // a copy with its applets as hard links: no links out of the temporary folder
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path copy = Files.copy(BUSYBOX, bin.resolve("busybox"));
        assertThat(new ProcessBuilder(copy.toString(), "--install", bin.toString()).start().waitFor()).isZero();
        config = tmp.resolve("root/run/config");
    }

    @Test
    void linuxkitsDocumentedShapeBecomesFilesWithTheirModes() throws Exception {
        String userdata = """
                {"ssh": {"entries": {"sshd_config": {"perm": "0600", "content": "PermitRootLogin no\\nMatch \\"x\\"\\tcaf\\u00e9 \\ud83d\\ude00\\n"}}},
                 "motd": {"content": "hello"},
                 "empty": {"Entries": {}, "perm": "0700", "other": [1, -2.5e3, true, null, {"a": "b"}]}}
                """;

        String out = metadata(userdata);

        assertThat(out).contains("metadata: userdata from file").contains("metadata: userdata is JSON: 2 files written under " + config)
                .doesNotContain("refused");
        assertThat(Files.readString(config.resolve("ssh/sshd_config"))).isEqualTo("PermitRootLogin no\nMatch \"x\"\tcafé \uD83D\uDE00\n");
        assertThat(mode(config.resolve("ssh/sshd_config"))).isEqualTo("rw-------");
        assertThat(mode(config.resolve("ssh"))).isEqualTo("rwxr-xr-x");
        assertThat(Files.readString(config.resolve("motd"))).isEqualTo("hello");
        assertThat(mode(config.resolve("motd"))).isEqualTo("rw-r--r--");
        assertThat(mode(config.resolve("empty"))).isEqualTo("rwx------");
        assertThat(Files.readString(config.resolve("userdata"))).isEqualTo(userdata);
    }

    @Test
    void namesThatCouldLeaveRunConfigAreRefusedAndTheRestIsExpanded() throws Exception {
        String userdata = """
                {"..": {"content": "x"}, "../../etc": {"content": "x"}, "/etc": {"content": "x"},
                 "userdata": {"content": "replaced"},
                 "d": {"entries": {"..": {"entries": {"escaped": {"content": "x"}}}, ".": {"content": "x"}, "a/b": {"content": "x"},
                                   "": {"content": "x"}, "nl\\nname": {"content": "x"}, "nul\\u0000": {"content": "x"},
                                   "kept": {"content": "y", "perm": "0640"}}},
                 "badperm": {"content": "x", "perm": "rw-r--r--"}, "nothing": {}}
                """;

        String out = metadata(userdata);

        assertThat(out).contains(
                "metadata: userdata JSON: refused ..: the name \"..\" is not a file name",
                "metadata: userdata JSON: refused ../../etc: a name with \"/\" could leave its directory",
                "metadata: userdata JSON: refused /etc: a name with \"/\" could leave its directory",
                "metadata: userdata JSON: refused userdata: the raw userdata is kept there",
                "metadata: userdata JSON: refused d/..: the name \"..\" is not a file name",
                "metadata: userdata JSON: refused d/.: the name \".\" is not a file name",
                "metadata: userdata JSON: refused d/a/b: a name with \"/\" could leave its directory",
                "metadata: userdata JSON: refused d/: the name \"\" is not a file name",
                "metadata: userdata JSON: refused d/nl?name: a name with a control character",
                "metadata: userdata JSON: refused d/nul: a name with a control character",
                "metadata: userdata JSON: refused badperm: perm \"rw-r--r--\" is not an octal mode",
                "metadata: userdata JSON: refused nothing: neither content nor entries",
                "metadata: userdata is JSON: 1 files written under " + config);
        assertThat(out).doesNotContain("escaped");
        assertThat(Files.readString(config.resolve("d/kept"))).isEqualTo("y");
        assertThat(mode(config.resolve("d/kept"))).isEqualTo("rw-r-----");
        assertThat(Files.readString(config.resolve("userdata"))).isEqualTo(userdata);
        assertThat(tree(tmp.resolve("root"))).containsExactlyInAnyOrder(
                "run", "run/config", "run/config/provider", "run/config/userdata", "run/config/d", "run/config/d/kept");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "#cloud-config\nhostname: a\n",
            "hello",
            "[{\"a\": {\"content\": \"x\"}}]",
            "{\"a\": \"x\"}",
            "{\"a\": {\"content\": 5}}",
            "{\"a\": {\"content\": \"x\"}",
            "{\"a\": {\"content\": \"x\\q\"}}",
            "{\"a\": {\"content\": \"raw\nnewline\"}}",
            "{\"a\": {\"content\": \"x\"}} {}",
            "{\"a\": {\"entries\": [\"x\"]}}",
            "null"})
    void userdataThatIsNotThatJsonIsLeftAsUserdataOnly(String userdata) throws Exception {
        String out = metadata(userdata);

        assertThat(out).contains("metadata: userdata from file").doesNotContain("JSON");
        assertThat(tree(config)).containsExactlyInAnyOrder("provider", "userdata");
        assertThat(Files.readString(config.resolve("userdata"))).isEqualTo(userdata);
    }

    /**
     * vCenter's guestinfo as open-vm-tools' {@code vmware-rpctool} hands it over (the VMware backdoor itself cannot
     * be reached under qemu, so a stand-in tool answers from files): each encoding is decoded, the hostname saved.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "base64", "gzip+base64"})
    void vcenterGuestinfoIsDecodedAsItsEncodingSays(String encoding) throws Exception {
        byte[] userdata = ("#cloud-config\n" + "x".repeat(300) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] given = switch (encoding) {
            case "base64" -> java.util.Base64.getEncoder().encode(userdata);
            case "gzip+base64" -> java.util.Base64.getEncoder().encode(gzip(userdata));
            default -> userdata;
        };
        Path guestinfo = Files.createDirectories(tmp.resolve("guestinfo"));
        Files.write(guestinfo.resolve("userdata"), given);
        Files.writeString(guestinfo.resolve("userdata.encoding"), encoding);
        Files.writeString(guestinfo.resolve("hostname"), "vm-7\n");
        rpctool(guestinfo);

        String out = run("vmware");

        assertThat(out).contains("metadata: userdata from vmware");
        assertThat(Files.readAllBytes(config.resolve("userdata"))).isEqualTo(userdata);
        assertThat(Files.readString(config.resolve("hostname")).trim()).isEqualTo("vm-7");
        assertThat(Files.readString(config.resolve("provider")).trim()).isEqualTo("vmware");
        assertThat(Files.readString(tmp.resolve("hostname-set")).trim()).as("the package sets the hostname").isEqualTo("vm-7");
    }

    @Test
    void emptyGuestinfoIsSaidAndTheCidataCdIsTriedNext() throws Exception {
        rpctool(Files.createDirectories(tmp.resolve("guestinfo")));

        String out = run(1, "vmware");

        assertThat(out).contains("vmware: guestinfo.userdata is empty").contains("no userdata found");
        assertThat(config.resolve("userdata")).doesNotExist();
    }

    /**
     * A vmware-rpctool that answers {@code info-get guestinfo.KEY} with the file KEY in {@code dir}, else fails; and a
     * {@code hostname} that only records the name it is given.
     */
    private void rpctool(Path dir) throws IOException {
        Path tool = tmp.resolve("bin/vmware-rpctool");
        Files.writeString(tool, "#!" + BUSYBOX + " sh\ncase \"$1\" in\n  \"info-get guestinfo.\"*) cat \"" + dir
                + "/${1#info-get guestinfo.}\" 2>/dev/null ;;\n  *) exit 1 ;;\nesac\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        // the package sets the hostname it finds: on this machine that must not be the real `hostname` (busybox sh
        // runs its own applet whatever PATH says, so the package is given another command)
        Path hostname = tmp.resolve("set-hostname");
        Files.writeString(hostname, "#!" + BUSYBOX + " sh\necho \"$1\" > \"" + tmp.resolve("hostname-set") + "\"\n");
        Files.setPosixFilePermissions(hostname, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static byte[] gzip(byte[] data) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private String metadata(String userdata) throws Exception {
        Path file = tmp.resolve("user-data");
        Files.writeString(file, userdata);
        return run("file=" + file);
    }

    private String run(String... sources) throws Exception {
        return run(0, sources);
    }

    /** Runs the package with {@code sources} and busybox's applets only on PATH; its exit status must be {@code status}. */
    private String run(int status, String... sources) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(BUSYBOX.toString(), "sh",
                ROOT.resolve("examples/packages/metadata/usr/bin/metadata").toString()));
        command.addAll(List.of(sources));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", tmp.resolve("bin").toString());
        pb.environment().put("METADATA_CONFIG", config.toString());
        pb.environment().put("METADATA_SET_HOSTNAME", tmp.resolve("set-hostname").toString());
        pb.environment().put("TMPDIR", Files.createDirectories(tmp.resolve("t")).toString());
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isEqualTo(status);
        return out;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).toList();
        }
    }
}
