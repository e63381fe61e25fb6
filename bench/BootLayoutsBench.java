import dev.kiln.build.BootLayouts;
import dev.kiln.boot.BootFiles;
import dev.kiln.build.Format;
import dev.kiln.api.Events;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** Writes one boot layout with kiln: java -cp image-build/target/classes BootLayoutsBench.java FORMAT DIR KERNEL INITRD */
public class BootLayoutsBench {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[1]);
        BootFiles files = new BootFiles("bench", dir, dir.resolve("rootfs.tar"), Path.of(a[2]), Path.of(a[3]),
                "console=ttyS0", Optional.empty(), "amd64", "sha256:0123456789abcdef", OptionalLong.empty(),
                dev.kiln.boot.Bootloaders.host(), Events.none());
        long start = System.nanoTime();
        new BootLayouts().write(Format.of(a[0]), files);
        System.err.printf("in-JVM write: %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }
}
