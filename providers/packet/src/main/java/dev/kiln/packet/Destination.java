package dev.kiln.packet;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where a push publishes its files: a directory or an S3-compatible bucket. */
interface Destination extends AutoCloseable {

    /** For messages: {@code /srv/tftp} or {@code s3://bucket/prefix}. */
    String describe();

    /** The text of {@code file} if it is there. */
    Optional<String> read(String file) throws IOException;

    /**
     * Gets {@code source} ready to be published as {@code file} without touching {@code file}: a directory copies
     * it beside the target under a temporary name; a bucket, which has no rename, sends nothing yet.
     */
    Staged stage(String file, Path source, String contentType) throws IOException;

    /**
     * True where a replace can keep the file names, the new files renamed over the old in one short burst (a
     * directory); false where the new kernel and initrd need keys of their own, so that no reader of the old
     * script fetches a new file (a bucket: uploads take long and there is no rename).
     */
    boolean renames();

    /**
     * True where kiln should check after a push that a booting machine can fetch the URLs: a bucket, whose
     * readability is its ACL or policy; not a directory, which something else serves, often later.
     */
    boolean checkAfterPush();

    /** The files directly in it (not in sub-folders, not kiln's partial files), for {@code kiln ls}. */
    List<Stored> list() throws IOException;

    /** Removes {@code file}; absent is fine. */
    void delete(String file) throws IOException;

    /** The URL a booting machine fetches {@code file} from. */
    String url(String file);

    /** The folder URL every file's URL starts with, when there is one (none for presigned URLs). */
    Optional<String> baseUrl();

    @Override
    default void close() {
    }

    /** A file it holds, with when it was last written where that is known. */
    record Stored(String file, Optional<Instant> modified) {
    }

    /** A file {@link #stage} got ready. */
    interface Staged {

        /** Publishes it under its name, replacing what is there in one step for readers. */
        void commit() throws IOException;

        /** Removes what staging wrote; nothing once committed. */
        void discard() throws IOException;
    }
}
