package dev.kiln.gcp;

import dev.kiln.build.Format;
import dev.kiln.core.KilnException;
import dev.kiln.spi.PushRequest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * The file GCE imports: a gzip'd oldgnu tar holding one {@code disk.raw}
 * (cloud.google.com/compute/docs/import/import-existing-image). kiln's {@code gcp} output is that file.
 */
final class GcpImageFile {

    static final Set<Format> ACCEPTED = Set.copyOf(EnumSet.of(Format.GCP));

    private GcpImageFile() {
    }

    /** The tar.gz to upload, checked to be gzip so a wrong file fails before the upload, not after. */
    static Path tarGz(PushRequest request) {
        if (!ACCEPTED.contains(request.format())) {
            throw KilnException.usage("push gcp takes the gcp output (NAME.img.tar.gz), not " + request.format().id()
                    + "; build it with 'kiln build -f gcp FILE.yml'");
        }
        Path file = request.image();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(2);
            if (magic.length < 2 || (magic[0] & 0xff) != 0x1f || (magic[1] & 0xff) != 0x8b) {
                throw KilnException.usage(file + " is not gzip-compressed; GCE imports a tar.gz holding disk.raw,"
                        + " which 'kiln build -f gcp' writes");
            }
        } catch (IOException e) {
            throw KilnException.tried("read " + file, e.getMessage(), "check the path and its permissions");
        }
        return file;
    }
}
