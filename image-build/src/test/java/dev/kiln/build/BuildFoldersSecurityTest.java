package dev.kiln.build;

import dev.kiln.api.Events;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A build killed with -9 leaves its scratch folder; the next build in that place removes it (issue 20). */
@Tag("security")
class BuildFoldersSecurityTest {

    @TempDir
    Path dir;

    @Test
    void aKilledBuildsFolderIsSweptAndALiveOneKept() throws Exception {
        // what kill -9 leaves: the folder and its owner file, with nobody holding the lock
        Path dead = Files.createDirectories(dir.resolve(".kiln-build-123"));
        Files.writeString(dead.resolve(BuildFolders.OWNER), "");
        Files.write(dead.resolve("rootfs.tar"), new byte[4096]);
        // an old folder from before owner files
        Path old = Files.createDirectories(dir.resolve(".kiln-build-456"));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
        Path unrelated = Files.createDirectories(dir.resolve("kiln-builds-of-mine"));

        try (BuildFolders.Held live = BuildFolders.create(dir); BuildFolders.Held mine = BuildFolders.create(dir)) {
            int removed = BuildFolders.sweep(dir, mine.dir(), Events.none());

            assertThat(removed).isEqualTo(2);
            assertThat(dead).doesNotExist();
            assertThat(old).doesNotExist();
            assertThat(live.dir()).exists();
            assertThat(mine.dir()).exists();
            assertThat(unrelated).exists();
        }
    }
}
