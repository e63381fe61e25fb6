package dev.kiln.testkit;

import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy;
import dev.kiln.api.Userdata;
import dev.kiln.spi.Made;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunChecks;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The behavioural definition of a working provider. A provider's test extends this, names its factory and
 * supplies a {@link StandIn}: the local endpoint it talks to in tests (WireMock, S3Mock, Azurite, a directory)
 * with a log of mutating calls and a fault hook. Cases that do not apply are visible JUnit assumptions.
 */
public abstract class ProviderTck {

    /** What a stateful stand-in keeps: its log of mutating calls, what exists, and its fault hooks. */
    public interface CloudState {

        /** Mutating calls seen so far, in order, e.g. {@code POST /snapshots} or {@code CreateImage}. */
        List<String> mutations();

        /** What exists now that a push may have made: images, snapshots, objects, disks, instances. */
        Set<String> resources() throws Exception;

        /** The images now published under {@code name}: image id to the content digest kiln tagged it with. */
        Map<String, String> images(String name) throws Exception;

        /** Makes the {@code n}-th mutating call from now on (1 = the next) fail with an error that is not retried. */
        void failMutation(int n);

        /** Runs {@code action} when the {@code n}-th mutating call from now on arrives, before it is answered. */
        void onMutation(int n, Runnable action);
    }

    /** A stand-in whose {@link CloudState} is one object: the state methods are its. */
    public interface StateStandIn extends StandIn {

        CloudState state();

        @Override
        default List<String> mutations() {
            return state().mutations();
        }

        @Override
        default Set<String> resources() throws Exception {
            return state().resources();
        }

        @Override
        default Map<String, String> images(String name) throws Exception {
            return state().images(name);
        }

        @Override
        default void failMutation(int n) {
            state().failMutation(n);
        }

        @Override
        default void onMutation(int n, Runnable action) {
            state().onMutation(n, action);
        }
    }

    /** The provider's stand-in for the cloud, fresh for each test. */
    public interface StandIn extends CloudState, AutoCloseable {

        /** A harness pointed at this stand-in, with (fake) credentials whose values {@link #secrets} lists. */
        ProviderHarness harness(Path workDir) throws Exception;


        /** Secret values the harness put in the environment or key files. */
        Set<String> secrets();

        @Override
        void close() throws Exception;
    }

    @TempDir
    protected Path tmp;

    private StandIn standIn;

    protected abstract ProviderFactory factory();

    protected abstract StandIn newStandIn() throws Exception;

    /** A push of an image the provider accepts, under {@code name}, with content digest {@code digest}. */
    protected abstract PushRequest pushRequest(Path dir, String name, String digest) throws Exception;

    @BeforeEach
    void startStandIn() throws Exception {
        standIn = newStandIn();
    }

    @AfterEach
    void stopStandIn() throws Exception {
        if (standIn != null) {
            standIn.close();
        }
    }

    protected StandIn standIn() {
        return standIn;
    }

    private static String digest(char c) {
        return "blocks-sha256:" + String.valueOf(c).repeat(64);
    }

    private PushResult push(ProviderHarness harness, PushRequest request) throws Exception {
        try (Provider provider = factory().create(harness.pushContext())) {
            return provider.push(request);
        }
    }

    private void assumePush() {
        assumeTrue(factory().canPush(), factory().name() + " cannot push");
    }

    @Test
    void tckDryRunMutatesNothing() throws Exception {
        assumePush();
        ProviderHarness harness = standIn.harness(tmp);
        Set<String> before = standIn.resources();

        PushResult result = push(harness, pushRequest(tmp, "tck-dry", digest('1')).withDryRun(true));

        assertThat(standIn.mutations()).as("mutating calls in a dry run").isEmpty();
        assertThat(standIn.resources()).isEqualTo(before);
        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.DRY_RUN);
    }

    @Test
    void tckResultInvariantsHold() throws Exception {
        assumePush();
        PushRequest request = pushRequest(tmp, "tck-result", digest('2'));

        PushResult result = push(standIn.harness(tmp), request);

        assertThat(result.provider()).isEqualTo(factory().name());
        assertThat(result.contentDigest()).isEqualTo(request.contentDigest());
        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(result.images()).isNotEmpty();
        assertThat(standIn.images("tck-result")).containsValue(request.contentDigest());
    }

    @Test
    void tckRepushOfTheSameDigestIsExistedAndMutatesNothing() throws Exception {
        assumePush();
        ProviderHarness harness = standIn.harness(tmp);
        PushResult first = push(harness, pushRequest(tmp, "tck-again", digest('3')));
        int calls = standIn.mutations().size();

        PushResult second = push(harness, pushRequest(tmp, "tck-again", digest('3')));

        assertThat(second.outcome()).isEqualTo(PushResult.Outcome.EXISTED);
        assertThat(second.images()).isEqualTo(first.images());
        assertThat(standIn.mutations()).hasSize(calls);
    }

    @Test
    void tckAFailureAfterTheFirstMutationLeavesNothingBehind() throws Exception {
        assumePush();
        ProviderHarness harness = standIn.harness(tmp);
        Set<String> before = standIn.resources();
        standIn.failMutation(2);

        Throwable failure = catchThrowable(() -> push(harness, pushRequest(tmp, "tck-fail", digest('4'))));

        assertThat(failure).isInstanceOf(KilnException.class);
        assertThat(standIn.mutations()).as("the push got past its first mutating call").hasSizeGreaterThanOrEqualTo(2);
        assertThat(standIn.resources()).as("what is left after the failure").isEqualTo(before);
        assertThat(failure.getMessage()).contains("removed");
    }

    @Test
    void tckACancelMidPushLeavesNothingBehind() throws Exception {
        assumePush();
        ProviderHarness harness = standIn.harness(tmp);
        Set<String> before = standIn.resources();
        standIn.onMutation(2, harness.cancel()::cancel);

        Throwable failure = catchThrowable(() -> push(harness, pushRequest(tmp, "tck-cancel", digest('5'))));

        assertThat(failure).isNotNull();
        assertThat(failure).isInstanceOfAny(InterruptedException.class, KilnException.class);
        assertThat(standIn.resources()).as("what is left after Ctrl-C").isEqualTo(before);
    }

    /**
     * Replace, failed at every mutating call in turn: whatever fails, an image of that name exists afterwards,
     * holding the old content or the new, and nothing else is left behind.
     */
    @Test
    void tckReplaceNeverLeavesTheNameWithoutAnImage() throws Exception {
        assumePush();
        ProviderHarness harness = standIn.harness(tmp);
        push(harness, pushRequest(tmp, "tck-replace", digest('6')));
        int start = standIn.mutations().size();
        PushResult replaced = push(harness, replace(pushRequest(tmp, "tck-replace", digest('7'))));
        int calls = standIn.mutations().size() - start;
        assertThat(replaced.outcome()).isEqualTo(PushResult.Outcome.REPLACED);
        assertThat(standIn.images("tck-replace")).containsValue(digest('7')).doesNotContainValue(digest('6'));

        List<String> held = new ArrayList<>();
        for (int k = 1; k <= calls; k++) {
            Map<String, String> before = standIn.images("tck-replace");
            String next = digest((char) ('a' + k - 1));
            standIn.failMutation(k);
            Throwable failure = catchThrowable(() -> push(harness, replace(pushRequest(tmp, "tck-replace", next))));
            Map<String, String> after = standIn.images("tck-replace");
            assertThat(after).as("images named tck-replace after failing mutating call %d of %d (%s)", k, calls, failure)
                    .isNotEmpty();
            assertThat(after.values()).as("content after failing call %d", k)
                    .containsAnyElementsOf(failure == null ? List.of(next) : List.of(next, before.values().iterator().next()));
            held.add(k + ":" + (failure == null ? "ok" : "failed"));
        }
        assertThat(held).hasSize(calls);
    }

    private static PushRequest replace(PushRequest request) {
        return request.withPolicy(request.policy().withIfExists(PublishPolicy.IfExists.REPLACE));
    }

    private void assumeList() {
        assumePush();
        assumeTrue(factory().canList(), factory().name() + " has no kiln ls / kiln rm yet");
    }

    /** {@code kiln ls} finds what a push made, with its name and digest; {@code kiln rm} removes it and all behind it. */
    @Test
    void tckLsListsWhatPushMadeAndRmRemovesItWithAllBehindIt() throws Exception {
        assumeList();
        ProviderHarness harness = standIn.harness(tmp);
        Set<String> before = standIn.resources();
        PushResult pushed = push(harness, pushRequest(tmp, "tck-ls", digest('c')));
        List<String> pushedIds = pushed.images().stream().map(PushResult.Placement::imageId).toList();

        try (Provider provider = factory().create(harness.inventoryContext())) {
            List<Made> listed = provider.list(Made.Kind.IMAGE).stream().filter(m -> m.name().equals("tck-ls")).toList();
            assertThat(listed).as("images kiln ls lists under the pushed name").isNotEmpty();
            assertThat(listed).allSatisfy(m -> {
                assertThat(m.digest()).isEqualTo(digest('c'));
                assertThat(m.byKiln()).isTrue();
                assertThat(m.kind()).isEqualTo(Made.Kind.IMAGE);
            });
            assertThat(listed.stream().map(Made::id)).containsExactlyInAnyOrderElementsOf(pushedIds);
            assertThat(provider.find("tck-ls").stream().map(Made::id)).containsAll(pushedIds);
            assertThat(provider.find(pushedIds.get(0)).stream().map(Made::id)).containsExactly(pushedIds.get(0));
            assertThat(provider.find("tck-no-such-thing")).isEmpty();

            List<Resource> removed = new ArrayList<>();
            for (Made made : listed) {
                removed.addAll(provider.remove(made));
            }

            assertThat(removed).as("what kiln rm says it removed").containsAll(listed.stream().map(Made::resource).toList());
            assertThat(standIn.resources()).as("what is left after kiln rm").isEqualTo(before);
            assertThat(provider.list(Made.Kind.IMAGE).stream().map(Made::id)).doesNotContainAnyElementsOf(pushedIds);
        }
    }

    /** A second {@code kiln rm} of what is already gone finds nothing, and a remove of a vanished thing is no error. */
    @Test
    void tckRmOfWhatIsAlreadyGoneIsNoError() throws Exception {
        assumeList();
        ProviderHarness harness = standIn.harness(tmp);
        push(harness, pushRequest(tmp, "tck-rm2", digest('d')));
        try (Provider provider = factory().create(harness.inventoryContext())) {
            Made made = provider.find("tck-rm2").get(0);
            provider.remove(made);
            Set<String> after = standIn.resources();

            assertThat(provider.find(made.id())).isEmpty();
            provider.remove(made);
            assertThat(standIn.resources()).isEqualTo(after);
        }
    }

    @Test
    void tckOverSizeUserdataIsRefusedBeforeAnyCall() {
        RunSupport support = factory().runSupport();
        assumeTrue(factory().canRun() && support.userdata().isPresent(), factory().name() + " takes no userdata");
        int limit = support.userdata().get().maxBytes();
        RunRequest request = RunRequest.of("image", "tck", false)
                .withUserdata(Userdata.of(new byte[limit + 1], "--userdata-file big"));

        assertThatThrownBy(() -> RunChecks.check(request, support, factory().name()))
                .isInstanceOf(KilnException.class).hasMessageContaining(String.valueOf(limit));
        RunChecks.check(request.withUserdata(Userdata.of(new byte[limit], "--userdata-file ok")), support,
                factory().name());
        assertThat(standIn.mutations()).isEmpty();
    }

    @Test
    void tckUnsupportedDiskKeysAreRefusedNamingTheSupportedOnes() {
        RunSupport support = factory().runSupport();
        assumeTrue(factory().canRun() && !support.diskKeys().isEmpty(), factory().name() + " takes no --disk");
        String key = support.diskKeys().iterator().next();

        assertThatThrownBy(() -> RunChecks.disks(List.of("size=1G,bogus=1"), support, factory().name()))
                .isInstanceOf(KilnException.class).hasMessageContaining("bogus").hasMessageContaining(key);
    }

    @Test
    void tckNoSecretAppearsInEventsErrorsOrResults() throws Exception {
        assumePush();
        assumeTrue(!standIn.secrets().isEmpty(), factory().name() + " uses no secret in its stand-in");
        ProviderHarness harness = standIn.harness(tmp);
        PushResult ok = push(harness, pushRequest(tmp, "tck-secret", digest('8')));
        standIn.failMutation(1);
        Throwable failure = catchThrowable(() -> push(harness, pushRequest(tmp, "tck-secret2", digest('9'))));

        StringBuilder seen = new StringBuilder(harness.events().text()).append(ok).append(ok.tags())
                .append(ok.resources()).append(ok.images());
        for (Throwable t = failure; t != null; t = t.getCause()) {
            seen.append(t.getMessage());
        }
        for (String secret : standIn.secrets()) {
            assertThat(seen.toString()).as("output").doesNotContain(secret);
        }
    }

}
