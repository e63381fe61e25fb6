package dev.kiln.build;

import dev.kiln.core.Events;
import dev.kiln.core.KilnException;

import java.io.OutputStream;

/** Runs a build: config, resolve, root filesystem, boot files, outputs. */
public final class Builder {

    private final Events events;

    public Builder(Events events) {
        this.events = events;
    }

    /**
     * @param stdout where a streamable output named {@code -} goes, and where a dry run prints the config
     */
    public BuildResult build(BuildRequest request, OutputStream stdout) {
        events.debug("build " + request);
        throw KilnException.tried("build " + request.configs(), "the image builder is not part of this build of kiln",
                "use a build that includes it");
    }
}
