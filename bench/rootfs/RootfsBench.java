import dev.kiln.build.BuildRequest;
import dev.kiln.build.BuildResult;
import dev.kiln.build.Builder;
import dev.kiln.build.Format;
import dev.kiln.api.Events;
import dev.kiln.oci.ImageStore;
import dev.kiln.oci.Layer;
import dev.kiln.oci.LocalImage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Builds CONFIG from the layer tars in LAYERS (one uncompressed tar per image, named IMAGE.tar)
 * into OUT as kernel+initrd and tar, then prints wall time and the JVM's peak RSS (VmHWM).
 * The layers are read straight from disk, as from a warm cache.
 * Usage: java -cp CLASSPATH RootfsBench.java CONFIG LAYERS OUT
 */
public class RootfsBench {

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args[0]);
        Path layers = Path.of(args[1]);
        Path out = Path.of(args[2]);
        ImageStore store = (reference, arch, pull) -> image(reference, layers.resolve(reference.replace(':', '_') + ".tar"));
        BuildRequest request = new BuildRequest(List.of(config), "bench", out, Optional.empty(),
                List.of(Format.TAR, Format.KERNEL_INITRD), "amd64", OptionalLong.empty(), out, List.of(), List.of(),
                false, false, Optional.empty(), false);
        long start = System.nanoTime();
        long[] last = {start};
        Events events = new Events(e -> {
            if (e instanceof dev.kiln.api.Event.Phase phase && System.getenv("BENCH_PHASES") != null) {
                long now = System.nanoTime();
                System.out.printf("  %6.2f s until phase %s%n", (now - last[0]) / 1e9, phase.name());
                last[0] = now;
            }
        }, "bench");
        BuildResult result = new Builder(events, store, InputStream.nullInputStream())
                .build(request, OutputStream.nullOutputStream());
        double seconds = (System.nanoTime() - start) / 1e9;
        long tarSize = Files.size(out.resolve("bench.tar"));
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("VmHWM: ?").replaceAll("\\s+", " ");
        System.out.printf("wall %.2f s, rootfs tar %d MiB, %s, %s%n", seconds, tarSize >> 20, hwm,
                result.contentDigest());
    }

    private static LocalImage image(String reference, Path tar) {
        JsonNode document = new ObjectMapper().createObjectNode();
        ((com.fasterxml.jackson.databind.node.ObjectNode) document).putObject("config").put("WorkingDir", "/");
        Layer layer = new Layer() {
            public String digest() { return "sha256:bench"; }
            public String mediaType() { return "application/vnd.oci.image.layer.v1.tar"; }
            public InputStream open() throws java.io.IOException { return Files.newInputStream(tar); }
        };
        return new LocalImage() {
            public String reference() { return reference; }
            public String manifestDigest() { return "sha256:bench"; }
            public JsonNode config() { return document; }
            public List<Layer> layers() { return List.of(layer); }
        };
    }
}
