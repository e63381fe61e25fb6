package dev.kiln.config;

import dev.kiln.api.Event;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigParserTest {

    private final List<Event> events = new ArrayList<>();
    private final ConfigParser parser = new ConfigParser(new Events(events::add, "build"));

    private static final String FULL = """
            kernel:
              image: linuxkit/kernel:6.6.71
              cmdline: "console=ttyS0"
              binary: bzImage
              tar: none
              ucode: intel-ucode.cpio
            init:
              - linuxkit/init:v1.0
              - linuxkit/runc:v1.0
            onboot:
              - name: sysctl
                image: linuxkit/sysctl:v1.0
                capabilities: [CAP_SYS_ADMIN]
                binds.add: ["/etc/sysctl.d:/etc/sysctl.d"]
            services:
              - name: sshd
                image: linuxkit/sshd:v1.0
                capabilities.add: [CAP_NET_ADMIN]
                ambient: [CAP_NET_RAW]
                mounts:
                  - {destination: /run, type: tmpfs, options: [nosuid]}
                binds: ["/root/.ssh:/root/.ssh:ro"]
                devices:
                  - {path: /dev/tty0, type: c, major: 4, minor: 0, mode: "0666"}
                tmpfs: ["/tmp:size=10m"]
                command: ["/usr/sbin/sshd", "-D"]
                env: ["A=1"]
                cwd: /root
                net: host
                pid: new
                ipc: new
                uts: new
                userns: new
                hostname: box
                readonly: true
                maskedPaths: [/proc/kcore]
                readonlyPaths: [/proc/sys]
                uid: sysctl
                gid: 42
                additionalGids: [1, sysctl]
                noNewPrivileges: true
                oomScoreAdj: -500
                rootfsPropagation: shared
                cgroupsPath: /kiln/sshd
                resources: {memory: {limit: 1048576}}
                sysctl: {net.ipv4.ip_forward: "1"}
                rlimits: ["nofile,1024,4096"]
                uidMappings: [{containerID: 0, hostID: 1000, size: 1}]
                gidMappings: [{containerID: 0, hostID: 1000, size: 1}]
                annotations: {org.example: yes}
                runtime:
                  cgroups: [sshd]
                  mounts: [{destination: /x, type: bind, source: /y}]
                  mkdir: [/var/run/sshd]
                  interfaces: [{name: eth1, add: veth, peer: veth1, createInRoot: true}]
                  bindNS: {net: /run/netns/sshd}
                  namespace: sshd
            files:
              - path: etc/motd
                contents: "hello"
                mode: "0644"
                uid: sshd
              - path: etc/kiln.yml
                metadata: yaml
            volumes:
              - name: data
                readonly: true
            """;

    @Test
    void readsEveryFieldOfTheSchema() {
        KilnConfig c = parser.parse("full.yml", FULL);
        assertThat(c.kernel()).isEqualTo(new KernelSpec("linuxkit/kernel:6.6.71", "console=ttyS0", "bzImage", "none",
                "intel-ucode.cpio"));
        assertThat(c.kernel().tarOrDefault()).isNull();
        assertThat(c.init()).containsExactly("linuxkit/init:v1.0", "linuxkit/runc:v1.0");
        assertThat(c.onboot().get(0).config().bindsAdd()).containsExactly("/etc/sysctl.d:/etc/sysctl.d");
        ImageConfig s = c.services().get(0).config();
        assertThat(s.capabilitiesAdd()).containsExactly("CAP_NET_ADMIN");
        assertThat(s.mounts()).containsExactly(new MountSpec("/run", "tmpfs", null, List.of("nosuid")));
        assertThat(s.devices()).containsExactly(new DeviceSpec("/dev/tty0", "c", 4, 0, "0666"));
        assertThat(s.uid()).isEqualTo(IdRef.named("sysctl"));
        assertThat(s.gid()).isEqualTo(IdRef.of(42));
        assertThat(s.additionalGids()).containsExactly(IdRef.of(1), IdRef.named("sysctl"));
        assertThat(s.readonly()).isTrue();
        assertThat(s.oomScoreAdj()).isEqualTo(-500);
        assertThat(s.resources().path("memory").path("limit").asLong()).isEqualTo(1048576);
        assertThat(s.sysctl()).containsEntry("net.ipv4.ip_forward", "1");
        assertThat(s.uidMappings()).containsExactly(new IdMapping(0, 1000, 1));
        assertThat(s.runtime().interfaces()).containsExactly(new InterfaceSpec("eth1", "veth", "veth1", true));
        assertThat(s.runtime().bindNS().net()).isEqualTo("/run/netns/sshd");
        assertThat(s.runtime().namespace()).isEqualTo("sshd");
        assertThat(c.files().get(0).contents()).isEqualTo("hello");
        assertThat(c.files().get(0).uid()).isEqualTo(IdRef.named("sshd"));
        assertThat(c.files().get(1).metadata()).isEqualTo("yaml");
        assertThat(c.volumes().get(0)).isEqualTo(new VolumeSpec("data", null, true, null, List.of()));
    }

    @Test
    void unknownKeyNamesFileLineColumnAndSuggestsTheKnownOne() {
        String yaml = "services:\n  - name: sshd\n    image: sshd\n    comand: [sh]\n";
        assertThatThrownBy(() -> parser.parse("hello.yml", yaml))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("hello.yml:4:5")
                .hasMessageContaining("unknown key 'comand'")
                .hasMessageContaining("services[0]")
                .hasMessageContaining("did you mean 'command'?");
    }

    @Test
    void unknownTopLevelKeySuggestsTheSection() {
        assertThatThrownBy(() -> parser.parse("a.yml", "kernel:\n  image: k\nservice:\n  - name: x\n"))
                .hasMessageContaining("a.yml:3:1").hasMessageContaining("did you mean 'services'?");
    }

    @Test
    void wrongShapeSaysWhatWasExpectedAndWhere() {
        assertThatThrownBy(() -> parser.parse("a.yml", "init: linuxkit/init\n"))
                .hasMessageContaining("a.yml:1:7").hasMessageContaining("expected a list")
                .hasMessageContaining("(at init)");
        assertThatThrownBy(() -> parser.parse("b.yml", "onboot:\n  - name: x\n    image: y\n    readonly: maybe\n"))
                .hasMessageContaining("b.yml:4:15").hasMessageContaining("expected true or false");
        assertThatThrownBy(() -> parser.parse("c.yml", "services:\n  - image: y\n"))
                .hasMessageContaining("c.yml:2:5").hasMessageContaining("missing 'name'");
    }

    @Test
    void invalidYamlSyntaxNamesThePosition() {
        assertThatThrownBy(() -> parser.parse("bad.yml", "kernel:\n  image: [unclosed\n"))
                .hasMessageContaining("bad.yml:").hasMessageContaining("invalid YAML");
    }

    @Test
    void aliasBombFailsFastWithAClearError() {
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'j'; c++) {
            bomb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ",").append('*').append(prev);
            }
            bomb.append("]\n");
            prev = c;
        }
        assertThatThrownBy(() -> parser.parse("bomb.yml", bomb.toString()))
                .hasMessageContaining("bomb.yml:").hasMessageContaining("more than 50 aliases");
    }

    @Test
    void deeplyNestedDocumentFailsWithAClearError() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThatThrownBy(() -> parser.parse("deep.yml", deep))
                .hasMessageContaining("deep.yml:1:65").hasMessageContaining("nests deeper than 64");
    }

    @Test
    void trustIsAcceptedAndIgnoredWithAWarning() {
        KilnConfig c = parser.parse("t.yml", "trust:\n  org: [linuxkit]\ninit: [x]\n");
        assertThat(c.init()).containsExactly("x");
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(Event.Log.class, l -> {
            assertThat(l.level()).isEqualTo(Event.Level.WARN);
            assertThat(l.message()).contains("t.yml:2:3").contains("'trust' is ignored");
        }));
    }

    @Test
    void labelMayNotSetNameOrImage() {
        assertThatThrownBy(() -> ConfigParser.parseLabel("x:1", "{\"name\": \"y\", \"readonly\": true}"))
                .hasMessageContaining("label org.mobyproject.config of x:1:1:2").hasMessageContaining("unknown key 'name'");
        assertThat(ConfigParser.parseLabel("x:1", "{\"binds\": [\"/a:/a\"]}").binds()).containsExactly("/a:/a");
    }

    @Test
    void didYouMeanOnlySuggestsCloseWords() {
        assertThat(DidYouMean.closest("capabilites", ImageConfigReader.IMAGE_KEYS)).contains("capabilities");
        assertThat(DidYouMean.closest("zzzzzzzz", ImageConfigReader.IMAGE_KEYS)).isEmpty();
    }
}
