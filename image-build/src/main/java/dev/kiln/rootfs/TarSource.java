package dev.kiln.rootfs;

import java.io.IOException;
import java.io.InputStream;

/** Something that can be read as an uncompressed tar stream, once per call. */
@FunctionalInterface
public interface TarSource {

    InputStream open() throws IOException;
}
