package dev.kiln.rootfs;

import dev.kiln.config.VolumeSpec;
import dev.kiln.api.KilnException;
import dev.kiln.oci.LocalImage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * {@code containers/volumes/NAME/}: {@code lower/} holds the volume's image filesystem (or is
 * empty), with empty {@code merged/} and {@code tmp/} for the overlay the runtime mounts.
 */
final class VolumesSection {

    private static final String SOURCE = "linuxkit.volumes";

    private final ImageResolver images;

    VolumesSection(ImageResolver images) {
        this.images = images;
    }

    void write(List<VolumeSpec> volumes, RootfsWriter out) throws IOException {
        for (int i = 0; i < volumes.size(); i++) {
            VolumeSpec v = volumes.get(i);
            String location = "volumes[" + i + "]";
            if ("oci".equals(v.format())) {
                throw KilnException.tried("write volume " + v.name(), "volumes of format 'oci' are not supported "
                        + "by this build of kiln", "use format: filesystem (the default)");
            }
            String base = "containers/volumes/" + v.name();
            String source = SOURCE;
            out.directories(base, source, location);
            if (v.image() == null || v.image().isEmpty()) {
                dir(out, base + "/lower", source, location);
            } else {
                LocalImage image = images.resolve(v.image(), location);
                source = image.reference();
                try (FlatImage flat = images.flatten(image)) {
                    ImageTreeWriter.write(flat, base + "/lower", out, source, location, "image " + source);
                }
            }
            dir(out, base + "/merged", source, location);
            dir(out, base + "/tmp", source, location);
        }
    }

    private static void dir(RootfsWriter out, String name, String source, String location) throws IOException {
        out.write(TarEntry.dir(name, 0755), InputStream.nullInputStream(), source, location);
    }
}
