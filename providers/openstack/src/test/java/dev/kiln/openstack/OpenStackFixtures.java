package dev.kiln.openstack;

import dev.kiln.api.DiskSource;
import dev.kiln.api.Events;
import dev.kiln.api.ImageFormat;
import dev.kiln.spi.ProviderContext;
import dev.kiln.testkit.ProviderHarness;

import java.nio.file.Files;
import java.nio.file.Path;

/** Small images written by kiln's own conversions. */
final class OpenStackFixtures {

    private static byte[] qcow2;

    private OpenStackFixtures() {
    }

    /** A 2 MiB disk with a few data blocks, as qcow2 (made once). */
    static synchronized byte[] smallQcow2() throws Exception {
        if (qcow2 == null) {
            Path dir = ProviderHarness.tempDir();
            try {
                ProviderContext context = new ProviderHarness(new OpenStackProviderFactory(), dir).pushContext();
                Path raw = ProviderHarness.sampleDisk(dir, "fixture", 2L << 20);
                Path out = dir.resolve("fixture.qcow2");
                try (DiskSource disk = context.conversions().open(raw)) {
                    context.conversions().write(disk, ImageFormat.QCOW2, out, "fixture", Events.none());
                }
                qcow2 = Files.readAllBytes(out);
            } finally {
                dev.kiln.api.Trees.deleteQuietly(dir);
            }
        }
        return qcow2.clone();
    }
}
