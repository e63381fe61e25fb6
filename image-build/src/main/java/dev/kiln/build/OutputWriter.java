package dev.kiln.build;

import dev.kiln.boot.BootFiles;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/** Writes one family of build outputs from the boot files. Registered in {@link Outputs}. */
public interface OutputWriter {

    Set<Format> formats();

    List<Artifact> write(Format format, BootFiles files) throws IOException;
}
