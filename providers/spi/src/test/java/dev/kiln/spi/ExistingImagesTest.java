package dev.kiln.spi;

import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy.IfExists;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class ExistingImagesTest {

    /** A cloud of unique names: name to (id, digest); snapshots kept by release. */
    private static final class Amis implements ExistingImages.UniqueNames<String, String, String> {
        final Map<String, String[]> byName = new LinkedHashMap<>();
        final List<String> calls = new ArrayList<>();
        final String name;
        final String digest;
        boolean failRegister;
        int ids;

        Amis(String name, String digest) {
            this.name = name;
            this.digest = digest;
        }

        @Override
        public Optional<String> findByDigest() {
            return byName.values().stream().filter(v -> v[1].equals(digest)).map(v -> v[0]).findFirst();
        }

        @Override
        public Optional<String> findByName() {
            return Optional.ofNullable(byName.get(name)).map(v -> v[0]);
        }

        @Override
        public String describe(String image) {
            return image + " (" + name + ")";
        }

        @Override
        public String prepare() {
            calls.add("prepare");
            return "snap-new";
        }

        @Override
        public String register(String snapshot) {
            calls.add("register " + snapshot);
            if (failRegister && snapshot.equals("snap-new")) {
                throw new IllegalStateException("InvalidParameter");
            }
            String id = "ami-" + (++ids);
            byName.put(name, new String[] {id, snapshot.equals("snap-new") ? digest : "old"});
            return id;
        }

        @Override
        public String release(String old) {
            calls.add("release " + old);
            byName.remove(name);
            return "snap-old";
        }

        @Override
        public String restore(String snapshot) {
            calls.add("restore " + snapshot);
            return register(snapshot);
        }

        @Override
        public void discard(String snapshot) {
            calls.add("discard " + snapshot);
        }
    }

    @Test
    void uniqueNamesReplacePreparesBeforeItReleasesAndDiscardsOnlyAfterRegistering() throws Exception {
        Amis cloud = new Amis("hello", "d2");
        cloud.byName.put("hello", new String[] {"ami-old", "d1"});

        var published = ExistingImages.uniqueNames(IfExists.REPLACE, false, cloud);

        assertThat(cloud.calls).containsExactly("prepare", "release ami-old", "register snap-new", "discard snap-old");
        assertThat(published.outcome()).isEqualTo(PushResult.Outcome.REPLACED);
        assertThat(published.retired()).contains("ami-old");
    }

    @Test
    void aFailedRegistrationRestoresTheOldImageAndNamesItsNewId() {
        Amis cloud = new Amis("hello", "d2");
        cloud.byName.put("hello", new String[] {"ami-old", "d1"});
        cloud.failRegister = true;

        Throwable failure = catchThrowable(() -> ExistingImages.uniqueNames(IfExists.REPLACE, false, cloud));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("InvalidParameter")
                .hasMessageContaining("the old image was registered again as ami-1 (hello)");
        assertThat(cloud.byName.get("hello")).containsExactly("ami-1", "old");
        assertThat(cloud.calls).doesNotContain("discard snap-old");
    }

    @Test
    void skipReportsTheImageOfTheSameDigestAndMakesNothing() throws Exception {
        Amis cloud = new Amis("other-name", "d1");
        cloud.byName.put("hello", new String[] {"ami-old", "d1"});

        var published = ExistingImages.uniqueNames(IfExists.SKIP, false, cloud);

        assertThat(published.outcome()).isEqualTo(PushResult.Outcome.EXISTED);
        assertThat(published.image()).contains("ami-old");
        assertThat(cloud.calls).isEmpty();
    }

    @Test
    void failStopsWithAUsageErrorNamingTheImage() {
        Amis cloud = new Amis("hello", "d2");
        cloud.byName.put("hello", new String[] {"ami-old", "d1"});

        assertThatThrownBy(() -> ExistingImages.uniqueNames(IfExists.FAIL, false, cloud))
                .isInstanceOf(KilnException.class).hasMessageContaining("ami-old (hello)")
                .hasMessageContaining("--if-exists replace");
        assertThat(cloud.calls).isEmpty();
    }

    @Test
    void aDryRunOnlyLooks() throws Exception {
        Amis cloud = new Amis("hello", "d2");
        cloud.byName.put("hello", new String[] {"ami-old", "d1"});

        var published = ExistingImages.uniqueNames(IfExists.REPLACE, true, cloud);

        assertThat(published.outcome()).isEqualTo(PushResult.Outcome.DRY_RUN);
        assertThat(cloud.calls).isEmpty();
    }

    @Test
    void sideBySideCreatesTheNewImageBeforeRetiringTheOld() throws Exception {
        List<String> calls = new ArrayList<>();
        ExistingImages.SideBySide<String> cloud = new ExistingImages.SideBySide<>() {
            @Override
            public Optional<String> findByDigest() {
                return Optional.empty();
            }

            @Override
            public Optional<String> findByName() {
                return Optional.of("hello-v1");
            }

            @Override
            public String describe(String image) {
                return image;
            }

            @Override
            public String create() {
                calls.add("create");
                return "hello-v2";
            }

            @Override
            public void retire(String old) {
                calls.add("retire " + old);
            }
        };

        var published = ExistingImages.sideBySide(IfExists.REPLACE, false, cloud);

        assertThat(calls).containsExactly("create", "retire hello-v1");
        assertThat(published.image()).contains("hello-v2");
        assertThat(published.outcome()).isEqualTo(PushResult.Outcome.REPLACED);
    }
}
