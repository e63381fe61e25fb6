package dev.kiln.api;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

import static org.assertj.core.api.Assertions.assertThat;

/** A failure without a message never reads "...but null": its kind, or what happened to the file, stands in. */
@Tag("security")
class KilnExceptionSecurityTest {

    @Test
    void aCauseWithoutAMessageIsNamedByItsKind() {
        assertThat(KilnException.reason(new EOFException())).isEqualTo("EOFException");
        assertThat(KilnException.reason(new SocketTimeoutException())).isEqualTo("SocketTimeoutException");
        assertThat(KilnException.reason(new IOException(new EOFException())))
                .as("a wrapper whose message is its cause's toString keeps that")
                .isEqualTo("java.io.EOFException");
        assertThat(KilnException.reason(new RuntimeException((String) null, new IOException("disk on fire"))))
                .isEqualTo("RuntimeException (disk on fire)");
        assertThat(KilnException.reason(null)).doesNotContain("null");
    }

    @Test
    void fileSystemFailuresSayWhatHappenedToWhichFile() {
        assertThat(KilnException.reason(new NoSuchFileException("/x/y"))).isEqualTo("/x/y: no such file");
        assertThat(KilnException.reason(new AccessDeniedException("/x/y"))).isEqualTo("/x/y: permission denied");
        assertThat(KilnException.reason(new FileSystemException("/x/y", null, "No space left on device")))
                .isEqualTo("/x/y: No space left on device");
    }

    @Test
    void triedWithANullReasonFallsBackToItsCause() {
        KilnException e = KilnException.tried("read layer 3", null, "pull it again", new EOFException());
        assertThat(e.getMessage()).isEqualTo("Tried to read layer 3 but EOFException; pull it again");
        assertThat(KilnException.tried("read x", String.valueOf((Object) null), "", new EOFException()).getMessage())
                .isEqualTo("Tried to read x but EOFException");
        assertThat(KilnException.tried("read x", "it broke", "").getMessage()).isEqualTo("Tried to read x but it broke");
    }
}
