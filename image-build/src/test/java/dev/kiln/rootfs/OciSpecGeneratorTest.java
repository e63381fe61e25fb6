package dev.kiln.rootfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.config.ConfigParser;
import dev.kiln.config.ImageConfig;
import dev.kiln.config.KilnConfig;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OciSpecGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String YAML = """
            onboot:
              - name: web
                image: web:1
            services:
              - name: sshd
                image: sshd:1
                capabilities.add: [CAP_NET_ADMIN]
                ambient: [CAP_NET_RAW]
                binds.add: ["/etc/ssh:/etc/ssh:ro"]
                env: ["A=1"]
                uid: web
                additionalGids: [web, 7]
                readonly: true
                pid: new
            """;

    private static final String LABEL = """
            {"capabilities": ["CAP_SYS_ADMIN"], "binds": ["/var:/var"], "readonly": false, "net": "host",
             "env": ["LABEL=1"], "tmpfs": ["/run:size=1m"], "hostname": "from-label", "oomScoreAdj": -100,
             "runtime": {"mkdir": ["/var/log"]}}
            """;

    private static final String IMAGE = """
            {"config": {"Entrypoint": ["/bin/sh"], "Cmd": ["-c", "run"], "Env": ["PATH=/bin"], "WorkingDir": "/srv"}}
            """;

    @Test
    void serviceConfigFollowsLinuxKitRulesFieldByField() throws Exception {
        KilnConfig config = new ConfigParser(Events.none()).parse("t.yml", YAML);
        ImageConfig label = ConfigParser.parseLabel("sshd:1", LABEL);
        OciSpecGenerator generator = new OciSpecGenerator(RootfsBuilder.ids(config));

        OciSpecGenerator.Result result = generator.generate(config.services().get(0).config(), label,
                JSON.readTree(IMAGE), "services[0] (sshd)");
        JsonNode spec = JSON.readTree(GoJson.bytes(result.spec()));

        assertThat(result.readonly()).as("YAML readonly beats the label's false").isTrue();
        assertThat(spec.path("ociVersion").asText()).isEqualTo(OciSpecGenerator.OCI_VERSION);
        JsonNode process = spec.path("process");
        assertThat(process.has("terminal")).isFalse();
        assertThat(process.path("args")).as("Entrypoint + Cmd when no command is given")
                .isEqualTo(json("[\"/bin/sh\", \"-c\", \"run\"]"));
        assertThat(process.path("env")).as("YAML env beats label and image").isEqualTo(json("[\"A=1\"]"));
        assertThat(process.path("cwd").asText()).isEqualTo("/srv");
        assertThat(process.path("user")).as("uid by name: web is the first onboot container, so 100")
                .isEqualTo(json("{\"uid\": 100, \"gid\": 0, \"additionalGids\": [100, 7]}"));
        JsonNode caps = process.path("capabilities");
        assertThat(caps.path("effective")).as("capabilities.add merges into the label's list")
                .isEqualTo(json("[\"CAP_SYS_ADMIN\", \"CAP_NET_ADMIN\"]"));
        assertThat(caps.path("bounding")).as("caps and ambient, sorted")
                .isEqualTo(json("[\"CAP_NET_ADMIN\", \"CAP_NET_RAW\", \"CAP_SYS_ADMIN\"]"));
        assertThat(caps.path("permitted")).isEqualTo(caps.path("bounding"));
        assertThat(caps.path("inheritable")).isEqualTo(caps.path("bounding"));
        assertThat(caps.path("ambient")).isEqualTo(json("[\"CAP_NET_RAW\"]"));
        assertThat(process.path("oomScoreAdj").asInt()).as("from the label").isEqualTo(-100);
        assertThat(process.has("noNewPrivileges")).isFalse();
        assertThat(spec.path("root")).isEqualTo(json("{\"path\": \"rootfs\", \"readonly\": true}"));
        assertThat(spec.path("hostname").asText()).isEqualTo("from-label");
        assertThat(spec.path("mounts")).as("defaults (ro for readonly), label tmpfs, label binds + binds.add, "
                + "sorted by destination").isEqualTo(json("""
                [{"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
                  "options": ["nosuid", "strictatime", "mode=755", "size=65536k", "ro"]},
                 {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
                  "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
                 {"destination": "/etc/ssh", "type": "bind", "source": "/etc/ssh", "options": ["ro", "rbind"]},
                 {"destination": "/proc", "type": "proc", "source": "proc",
                  "options": ["nosuid", "nodev", "noexec", "relatime"]},
                 {"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]},
                 {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
                 {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
                  "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
                 {"destination": "/var", "type": "bind", "source": "/var", "options": ["rw", "rbind", "rshared"]}]
                """));
        assertThat(spec.path("linux").path("namespaces")).as("net host from the label; ipc, uts, user default to "
                + "the host; pid, mount and cgroup new")
                .isEqualTo(json("[{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}]"));
        assertThat(spec.path("linux").path("resources")).isEqualTo(json("{}"));
        assertThat(spec.has("annotations")).isFalse();
    }

    @Test
    void writesGoStyleIndentedJson() {
        OciSpecGenerator.Result r = new OciSpecGenerator(Map.of()).generate(ImageConfig.EMPTY, ImageConfig.EMPTY,
                JSON.createObjectNode(), "x");
        String text = new String(GoJson.bytes(r.spec()), StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\n    \"ociVersion\": \"" + OciSpecGenerator.OCI_VERSION + "\",\n    \"process\": {\n")
                .contains("\"resources\": {},").doesNotContain("\"args\"").doesNotContain("\"env\"");
        assertThat(JSON.valueToTree(r.spec()).path("process").path("cwd").asText()).isEqualTo("/");
    }

    @Test
    void devicesAddCgroupRulesAndAllKeywordExpandsCapabilities() throws Exception {
        KilnConfig c = new ConfigParser(Events.none()).parse("d.yml", """
                services:
                  - name: d
                    image: d
                    capabilities: [all]
                    net: new
                    devices:
                      - {path: all, type: b}
                      - {path: /dev/fuse, type: c, major: 10, minor: 229, mode: "0666"}
                    rlimits: ["nofile,1024,unlimited"]
                """);
        JsonNode spec = JSON.readTree(GoJson.bytes(new OciSpecGenerator(Map.of()).generate(
                c.services().get(0).config(), ImageConfig.EMPTY, JSON.createObjectNode(), "d").spec()));
        assertThat(spec.path("process").path("capabilities").path("effective")).hasSize(Capabilities.ALL.size());
        assertThat(spec.path("linux").path("namespaces").get(0)).isEqualTo(json("{\"type\": \"network\"}"));
        assertThat(spec.path("linux").path("devices")).isEqualTo(json(
                "[{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229, \"fileMode\": 438}]"));
        assertThat(spec.path("linux").path("resources").path("devices")).isEqualTo(json(
                "[{\"allow\": true, \"type\": \"b\", \"access\": \"rwm\"},"
                        + " {\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 229, \"access\": \"rwm\"}]"));
        assertThat(spec.path("process").path("rlimits").get(0).path("hard").asText()).isEqualTo("18446744073709551615");
    }

    @Test
    void unknownCapabilityAndUnknownUidNameAreClearErrors() {
        ImageConfig badCap = ConfigParser.parseLabel("x", "{\"capabilities\": [\"CAP_FLY\"]}");
        assertThatThrownBy(() -> new OciSpecGenerator(Map.of()).generate(ImageConfig.EMPTY, badCap,
                JSON.createObjectNode(), "services[0] (x)")).isInstanceOf(KilnException.class)
                .hasMessageContaining("services[0] (x)").hasMessageContaining("'CAP_FLY' is not a known capability");
        ImageConfig badUid = ConfigParser.parseLabel("x", "{\"uid\": \"nobody-here\"}");
        assertThatThrownBy(() -> new OciSpecGenerator(Map.of()).generate(ImageConfig.EMPTY, badUid,
                JSON.createObjectNode(), "x")).hasMessageContaining("no container named 'nobody-here'");
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
