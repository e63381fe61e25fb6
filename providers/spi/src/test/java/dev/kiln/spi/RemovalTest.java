package dev.kiln.spi;

import dev.kiln.api.Event;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RemovalTest {

    private static final Resource SNAPSHOT = Resource.of("snapshot", "snap-1", "eu-west-1");
    private static final Resource VOLUME = Resource.of("volume", "vol-1", "eu-west-1");
    private static final Made IMAGE = Made.builder(Made.Kind.IMAGE, "ami-1").location("eu-west-1").part(SNAPSHOT)
            .part(VOLUME).build();

    private final List<String> deleted = new ArrayList<>();
    private final List<String> said = new ArrayList<>();
    private final Events events = new Events(event -> {
        if (event instanceof Event.Log log) {
            said.add(log.message());
        }
    }, "test");

    @Test
    void removesTheThingThenItsPartsInOrderAndSaysEach() throws Exception {
        List<Resource> removed = Removal.inOrder(IMAGE, new Cloud(Set.of(), Set.of()), events);

        assertThat(deleted).containsExactly("ami-1", "snap-1", "vol-1");
        assertThat(removed).containsExactly(IMAGE.resource(), SNAPSHOT, VOLUME);
        assertThat(said).containsExactly("removed image ami-1 in eu-west-1", "removed snapshot snap-1 in eu-west-1",
                "removed volume vol-1 in eu-west-1");
    }

    @Test
    void aFailureStopsThereAndSaysWhatWasRemovedAndWhatIsLeftWithItsCommand() {
        KilnException e = catchThrowableOfType(() -> Removal.inOrder(IMAGE, new Cloud(Set.of("snap-1"), Set.of()),
                events), KilnException.class);

        assertThat(deleted).containsExactly("ami-1");
        assertThat(e.getMessage()).isEqualTo("Tried to remove snapshot snap-1 in eu-west-1 but InvalidSnapshot.InUse"
                + ". Removed: image ami-1 in eu-west-1; left: snapshot snap-1 in eu-west-1 (cloud delete snap-1),"
                + " volume vol-1 in eu-west-1 (cloud delete vol-1)");
        assertThat(e.getCause()).hasMessage("InvalidSnapshot.InUse");
        assertThat(said).containsExactly("removed image ami-1 in eu-west-1");
    }

    @Test
    void aFailureOfTheThingItselfSaysNothingWasRemovedAndListsEverything() {
        KilnException e = catchThrowableOfType(() -> Removal.inOrder(IMAGE, new Cloud(Set.of("ami-1"), Set.of()),
                events), KilnException.class);

        assertThat(e.getMessage()).endsWith(". Nothing was removed; left: image ami-1 in eu-west-1 (cloud delete ami-1),"
                + " snapshot snap-1 in eu-west-1 (cloud delete snap-1), volume vol-1 in eu-west-1 (cloud delete vol-1)");
        assertThat(deleted).isEmpty();
    }

    @Test
    void whatTheProviderCallsGoneCountsAsRemoved() throws Exception {
        List<Resource> removed = Removal.inOrder(IMAGE, new Cloud(Set.of(), Set.of("snap-1")), events);

        assertThat(removed).containsExactly(IMAGE.resource(), SNAPSHOT, VOLUME);
        assertThat(deleted).containsExactly("ami-1", "vol-1");
        assertThat(said).contains("removed snapshot snap-1 in eu-west-1");
    }

    /** A cloud whose deletes of {@code failing} fail and of {@code absent} answer "not found". */
    private final class Cloud implements Removal {
        private final Set<String> failing;
        private final Set<String> absent;

        Cloud(Set<String> failing, Set<String> absent) {
            this.failing = failing;
            this.absent = absent;
        }

        @Override
        public void delete(Resource resource) {
            if (failing.contains(resource.id())) {
                throw new IllegalStateException("InvalidSnapshot.InUse");
            }
            if (absent.contains(resource.id())) {
                throw new IllegalStateException("NotFound");
            }
            deleted.add(resource.id());
        }

        @Override
        public String command(Resource resource) {
            return "cloud delete " + resource.id();
        }

        @Override
        public boolean gone(RuntimeException failure) {
            return failure.getMessage().equals("NotFound");
        }
    }
}
