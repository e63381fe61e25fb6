package dev.kiln.build;

import dev.kiln.build.BootLayouts;
import dev.kiln.api.KilnException;

import java.util.List;

/** The output writers kiln knows, one per family of formats. */
public final class Outputs {

    private static final List<OutputWriter> WRITERS = List.of(new BasicOutputs(), new BootLayouts());

    private Outputs() {
    }

    public static OutputWriter writerFor(Format format) {
        for (OutputWriter writer : WRITERS) {
            if (writer.formats().contains(format)) {
                return writer;
            }
        }
        throw KilnException.tried("write format " + format.id(), "this build of kiln has no writer for it",
                "run 'kiln formats' to see what it can write");
    }

    public static boolean supported(Format format) {
        return WRITERS.stream().anyMatch(w -> w.formats().contains(format));
    }
}
