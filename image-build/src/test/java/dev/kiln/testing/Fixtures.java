package dev.kiln.testing;

import dev.kiln.build.BuildRequest;
import dev.kiln.build.Format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.GZIPOutputStream;

/** A small LinuxKit-style system: kernel, init, an onboot container, services with and without a label. */
public final class Fixtures {

    public static final String KERNEL_BYTES = "not really a kernel, but bytes";

    public static final String YAML = """
            kernel:
              image: kernel:1
              cmdline: "console=ttyS0 quiet"
            init:
              - init:1
            onboot:
              - name: netconf
                image: tools:1
                command: ["/bin/netconf"]
            services:
              - name: web
                image: web:1
                binds.add: ["/var/www:/var/www"]
                capabilities.add: [CAP_NET_BIND_SERVICE]
                uid: netconf
              - name: web2
                image: web:1
            files:
              - path: etc/motd
                contents: "welcome\\n"
                mode: "0644"
              - path: var/lib/web/config
                contents: "x"
                uid: web
            """;

    private Fixtures() {
    }

    public static TestImageStore store() {
        byte[] modules = new LayerTar().dir("lib").dir("lib/modules").file("lib/modules/fake.ko", "module").bytes();
        return new TestImageStore()
                .add("kernel:1", new LayerTar().file("kernel", KERNEL_BYTES).fileBytes("kernel.tar", modules)
                        .file("intel-ucode.cpio", "ucode").bytes())
                .add("init:1", new LayerTar().dir("bin").file("bin/init", "#!/bin/sh\n", 0755).dir("etc")
                        .file("etc/resolv.conf", "nameserver 8.8.8.8\n").bytes())
                .add("tools:1", TestImageStore.config("Entrypoint", "[\"/bin/sh\"]"),
                        new LayerTar().dir("bin").file("bin/netconf", "net", 0755).file(".dockerenv", "").bytes())
                .add("web:1", TestImageStore.config("Cmd", "[\"/bin/httpd\"]", "Labels",
                                "{\"org.mobyproject.config\": \"{\\\"readonly\\\": true, \\\"binds\\\": [\\\"/etc:/etc\\\"]}\"}"),
                        new LayerTar().dir("bin").file("bin/httpd", "httpd", 0755).bytes(),
                        new LayerTar().dir("www").file("www/index.html", "<h1>hi</h1>").bytes());
    }

    public static BuildRequest request(Path config, Path dir, List<Format> formats, Optional<String> output) {
        return new BuildRequest(List.of(config), "", dir, output, formats, "amd64", OptionalLong.empty(),
                dir.resolve("cache"), List.of(), List.of(), false, false, Optional.empty(), false);
    }

    public static Path writeConfig(Path dir, String name, String yaml) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
