package dev.kiln.vcenter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.testing.HostTools;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** push vcenter against vcsim: what lands in the content library or on the datastore, call by call. */
class VcenterPushTest {

    private static final String DIGEST = "blocks-sha256:" + "c".repeat(64);

    @TempDir
    Path tmp;

    private VcenterWorld world;

    @BeforeEach
    void start() throws Exception {
        world = new VcenterWorld();
    }

    @AfterEach
    void stop() throws Exception {
        world.close();
    }

    private PushRequest ova(String name) throws Exception {
        return new PushRequest(Artifact.single(ImageFormat.OVA, VcenterProviderTckTest.ova(tmp, "img")), name,
                Architecture.AMD64, Set.of(BootMode.BIOS, BootMode.UEFI), DIGEST, PublishPolicy.DEFAULT, false);
    }

    private PushResult push(ProviderHarness harness, PushRequest request) throws Exception {
        try (Provider p = new VcenterProviderFactory().create(harness.pushContext())) {
            return p.push(request);
        }
    }

    /** The OVA's entries as `tar` extracts them: name to bytes. */
    private Map<String, byte[]> entries(Path ova) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("x"));
        assertThat(HostTools.command("tar", "-xf", ova.toString(), "-C", dir.toString()).start().waitFor()).isZero();
        Map<String, byte[]> out = new java.util.TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return out;
    }

    @Test
    void anOvaBecomesATemplateInANewLibraryFileByFileWithKilnsBytes() throws Exception {
        ProviderHarness harness = world.harness(tmp);

        PushResult result = push(harness, ova("hello"));

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        String itemId = result.images().get(0).imageId();
        assertThat(result.images().get(0).location()).isEqualTo("kiln");
        JsonNode item = world.items().get(itemId);
        assertThat(item.path("name").asText()).isEqualTo("hello");
        assertThat(item.path("type").asText()).isEqualTo("ovf");
        Map<String, byte[]> expected = entries(tmp.resolve("img.ova"));
        expected.keySet().removeIf(n -> n.endsWith(".mf"));
        assertThat(expected.keySet()).anyMatch(n -> n.endsWith(".ovf")).anyMatch(n -> n.endsWith(".vmdk"));
        assertThat(world.fileNames(itemId)).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (var e : expected.entrySet()) {
            byte[] got = world.download(itemId, e.getKey());
            if (e.getKey().endsWith(".ovf")) {
                String original = new String(e.getValue(), java.nio.charset.StandardCharsets.UTF_8);
                String sent = new String(got, java.nio.charset.StandardCharsets.UTF_8);
                assertThat(sent).as("the .ovf, with firmware and a guest type vmx-13 knows")
                        .contains("vmw:key=\"firmware\" vmw:value=\"efi\"").contains("other3xLinux64Guest")
                        .contains("vmx-13").isEqualTo(OvfTuning.tune(original, Set.of(BootMode.BIOS, BootMode.UEFI),
                                java.util.OptionalInt.empty()));
                assertThat(original).as("kiln's OVA as written").doesNotContain("firmware");
            } else {
                assertThat(got).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
        List<String> calls = world.mutations();
        assertThat(calls.get(0)).isEqualTo("POST /rest/com/vmware/content/local-library");
        assertThat(calls.stream().filter(c -> c.startsWith("PUT /rest/com/vmware/cis/data/")).toList())
                .as("one PUT per file, the .ovf first").hasSize(expected.size())
                .first().asString().endsWith(".ovf");
        assertThat(calls).anyMatch(c -> c.contains("~action=validate"))
                .anyMatch(c -> c.contains("~action=complete"));
        assertThat(calls.get(calls.size() - 1)).startsWith("PATCH /rest/com/vmware/content/library/item/id:" + itemId);
        assertThat(harness.events().text()).contains("created content library kiln");
    }

    @Test
    void anEmptyItemLeftByAFailedImportIsDeletedInsteadOfBlockingTheName() throws Exception {
        String lib = world.createLibrary("kiln");
        String stale = world.rest("POST", "/rest/com/vmware/content/library/item", "{\"create_spec\":{\"library_id\":\""
                + lib + "\",\"name\":\"hello\",\"type\":\"ovf\"}}").asText();

        PushResult result = push(world.harness(tmp), ova("hello"));

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(world.items()).doesNotContainKey(stale).containsKey(result.images().get(0).imageId());
        assertThat(world.images("hello")).containsExactly(Map.entry(result.images().get(0).imageId(), DIGEST));
    }

    @Test
    void aSessionThatExpiresBeforeCompleteLogsInAgainAndCompletes() throws Exception {
        world.createLibrary("kiln");
        world.proxy.unauthorizedOnce(call -> call.contains("~action=complete"));
        ProviderHarness harness = world.harness(tmp);

        PushResult result = push(harness, ova("late"));

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(harness.events().text()).contains("logging in again");
        assertThat(world.fileNames(result.images().get(0).imageId())).hasSize(2);
    }

    @Test
    void aLoginOlderThanTenMinutesIsRenewedBeforeCompleteWithoutWaitingForA401() throws Exception {
        world.createLibrary("kiln");
        dev.kiln.testkit.FakeTime time = new dev.kiln.testkit.FakeTime();
        List<String> calls = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        world.proxy.listen(calls::add);
        // the VMDK's PUT "takes" 11 minutes on the command's clock
        world.proxy.beforeFirst(c -> c.startsWith("PUT ") && c.contains("/cis/data/") && c.endsWith("vmdk"),
                () -> time.advance(java.time.Duration.ofMinutes(11)));

        PushResult result = push(world.harness(tmp).clock(time), ova("slow"));

        List<String> seen = List.copyOf(calls);
        int vmdk = indexOf(seen, c -> c.startsWith("PUT ") && c.endsWith("vmdk"));
        int complete = indexOf(seen, c -> c.contains("~action=complete"));
        List<Integer> logins = new java.util.ArrayList<>();
        for (int i = 0; i < seen.size(); i++) {
            if (seen.get(i).equals("POST /rest/com/vmware/cis/session")) {
                logins.add(i);
            }
        }
        assertThat(logins).as("the first login, then one after the long PUT and before complete").hasSize(2);
        assertThat(logins.get(1)).isGreaterThan(vmdk).isLessThan(complete);
        assertThat(seen.subList(vmdk, logins.get(1))).as("the old session is ended")
                .contains("DELETE /rest/com/vmware/cis/session");
        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(world.fileNames(result.images().get(0).imageId())).hasSize(2);
    }

    @Test
    void aLoginYoungerThanTenMinutesIsKeptForComplete() throws Exception {
        world.createLibrary("kiln");
        dev.kiln.testkit.FakeTime time = new dev.kiln.testkit.FakeTime();
        List<String> calls = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        world.proxy.listen(calls::add);
        world.proxy.beforeFirst(c -> c.startsWith("PUT ") && c.contains("/cis/data/") && c.endsWith("vmdk"),
                () -> time.advance(java.time.Duration.ofMinutes(9)));

        push(world.harness(tmp).clock(time), ova("quick"));

        assertThat(List.copyOf(calls)).filteredOn(c -> c.equals("POST /rest/com/vmware/cis/session")).hasSize(1);
    }

    private static int indexOf(List<String> calls, java.util.function.Predicate<String> which) {
        for (int i = 0; i < calls.size(); i++) {
            if (which.test(calls.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such call in " + calls);
    }

    @Test
    void aPutFailingHalfWayFailsTheSessionAndDeletesTheItem() throws Exception {
        world.createLibrary("kiln");
        Set<String> before = world.resources();
        // item, session, add .ovf, PUT .ovf, keep-alive, add .vmdk, PUT .vmdk: the 7th call
        world.failMutation(7);

        Throwable failure = catchThrowable(() -> push(world.harness(tmp), ova("broken")));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("injected fault")
                .hasMessageContaining("removed library item");
        assertThat(world.mutations().get(6)).startsWith("PUT ").endsWith(".vmdk");
        assertThat(world.mutations()).anyMatch(c -> c.contains("~action=fail"))
                .anyMatch(c -> c.startsWith("DELETE /rest/com/vmware/content/library/item/id:"));
        assertThat(world.resources()).isEqualTo(before);

        PushResult retry = push(world.harness(tmp), ova("broken"));
        assertThat(retry.outcome()).isEqualTo(PushResult.Outcome.CREATED);
    }

    private PushRequest ova(String name, Map<String, String> tags, boolean dryRun) throws Exception {
        PublishPolicy policy = new PublishPolicy(PublishPolicy.DEFAULT.ifExists(), false, List.of(),
                java.util.Optional.empty(), tags);
        return new PushRequest(Artifact.single(ImageFormat.OVA, VcenterProviderTckTest.ova(tmp, "img")), name,
                Architecture.AMD64, Set.of(BootMode.BIOS, BootMode.UEFI), DIGEST, policy, dryRun);
    }

    @Test
    void theTemplateCarriesKilnsTagsAndTheUsersInCategoriesNamedByTheKeys() throws Exception {
        world.createLibrary("kiln");

        PushResult result = push(world.harness(tmp), ova("hello", Map.of("team", "infra"), false));

        String itemId = result.images().get(0).imageId();
        String version = dev.kiln.api.Version.get();
        assertThat(world.attachedTags(Tagging.LIBRARY_ITEM, itemId)).containsExactlyInAnyOrder(
                "kiln-name=hello", "kiln-digest=" + DIGEST, "kiln-version=" + version, "team=infra");
        assertThat(world.tagCategories().keySet()).containsExactlyInAnyOrder("kiln-name", "kiln-digest",
                "kiln-version", "team");
        JsonNode category = world.rest("GET", "/rest/com/vmware/cis/tagging/category/id:"
                + world.tagCategories().get("kiln-digest"), null);
        assertThat(category.path("cardinality").asText()).isEqualTo("SINGLE");
        assertThat(result.tags()).containsEntry("kiln-digest", DIGEST).containsEntry("team", "infra")
                .containsEntry("kiln-version", version);
    }

    @Test
    void aSecondPushReusesTheCategoriesAndTagsThatExist() throws Exception {
        world.createLibrary("kiln");
        String team = world.rest("POST", "/rest/com/vmware/cis/tagging/category", "{\"create_spec\":{\"name\":"
                + "\"team\",\"description\":\"made by hand\",\"cardinality\":\"SINGLE\",\"associable_types\":[]}}")
                .asText();

        PushResult first = push(world.harness(tmp), ova("one", Map.of("team", "infra"), false));
        Map<String, String> categories = world.tagCategories();
        PushResult second = push(world.harness(tmp), ova("two", Map.of("team", "infra"), false));

        assertThat(world.tagCategories()).as("no category made twice").isEqualTo(categories).containsEntry("team", team);
        assertThat(world.tags()).as("one tag per value, shared by both items").containsExactly(
                "kiln-digest=" + DIGEST, "kiln-name=one", "kiln-name=two", "kiln-version=" + dev.kiln.api.Version.get(),
                "team=infra");
        assertThat(world.attachedTags(Tagging.LIBRARY_ITEM, first.images().get(0).imageId()))
                .contains("kiln-name=one", "team=infra", "kiln-digest=" + DIGEST);
        assertThat(world.attachedTags(Tagging.LIBRARY_ITEM, second.images().get(0).imageId()))
                .contains("kiln-name=two", "team=infra", "kiln-digest=" + DIGEST);
        assertThat(world.mutations().stream().filter(c -> c.equals("POST /rest/com/vmware/cis/tagging/category")))
                .as("categories created: kiln-name, kiln-digest, kiln-version, once").hasSize(3);
    }

    @Test
    void aCategoryAnotherPushMakesBetweenLookupAndCreateIsUsedNotDuplicated() throws Exception {
        world.createLibrary("kiln");
        String[] theirs = new String[1];
        world.proxy.beforeFirst(c -> c.equals("POST /rest/com/vmware/cis/tagging/category"), () -> {
            try {
                theirs[0] = world.rest("POST", "/rest/com/vmware/cis/tagging/category", "{\"create_spec\":{\"name\":"
                        + "\"kiln-name\",\"cardinality\":\"SINGLE\",\"associable_types\":[]}}").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        PushResult result = push(world.harness(tmp), ova("raced", Map.of(), false));

        assertThat(world.tagCategories()).containsEntry("kiln-name", theirs[0]).hasSize(3);
        assertThat(world.attachedTags(Tagging.LIBRARY_ITEM, result.images().get(0).imageId()))
                .contains("kiln-name=raced");
    }

    @Test
    void aDryRunCreatesNoCategoryNorTag() throws Exception {
        world.createLibrary("kiln");

        PushResult result = push(world.harness(tmp), ova("dry", Map.of("team", "infra"), true));

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.DRY_RUN);
        assertThat(world.tagCategories()).isEmpty();
        assertThat(world.tags()).isEmpty();
        assertThat(world.mutations()).noneMatch(c -> c.contains("/cis/tagging/"));
    }

    @Test
    void aTagFailingHalfWayRemovesTheItemAndTheTagsAndCategoriesThisPushMade() throws Exception {
        world.createLibrary("kiln");
        String digestCategory = world.rest("POST", "/rest/com/vmware/cis/tagging/category", "{\"create_spec\":"
                + "{\"name\":\"kiln-digest\",\"cardinality\":\"SINGLE\",\"associable_types\":[]}}").asText();
        Set<String> before = world.resources();
        java.util.concurrent.atomic.AtomicInteger attaches = new java.util.concurrent.atomic.AtomicInteger();
        world.proxy.failFirst(c -> c.contains("~action=attach") && attaches.incrementAndGet() == 4);

        Throwable failure = catchThrowable(() -> push(world.harness(tmp), ova("half", Map.of("team", "infra"),
                false)));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("injected fault")
                .hasMessageContaining("attach tag team=infra").hasMessageContaining("removed tag team=infra")
                .hasMessageContaining("library item ");
        assertThat(world.mutations()).as("categories and tags were made before the failure")
                .anyMatch(c -> c.equals("POST /rest/com/vmware/cis/tagging/tag"))
                .anyMatch(c -> c.startsWith("DELETE /rest/com/vmware/cis/tagging/category/id:"));
        assertThat(world.resources()).isEqualTo(before);
        assertThat(world.tagCategories()).as("the category that was there before is kept")
                .isEqualTo(Map.of("kiln-digest", digestCategory));
        assertThat(world.tags()).isEmpty();
    }

    @Test
    void anIsoGoesToTheDatastoreAndARepushKeepsIt() throws Exception {
        Path iso = tmp.resolve("seed.iso");
        Files.write(iso, "an iso9660 image, as far as a datastore cares".getBytes());
        PushRequest request = PushRequest.of(iso, ImageFormat.ISO_EFI, "seed", DIGEST);
        ProviderHarness harness = world.harness(tmp).flag("target", "datastore");

        PushResult first = push(harness, request);
        PushResult again = push(harness, request);

        assertThat(first.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(first.images().get(0).imageId()).isEqualTo("[LocalDS_0] kiln/seed.iso");
        assertThat(world.datastoreFile("kiln/seed.iso")).isEqualTo(Files.readAllBytes(iso));
        assertThat(new String(world.datastoreFile("kiln/seed.iso.kiln-digest")).trim()).isEqualTo(DIGEST);
        assertThat(again.outcome()).isEqualTo(PushResult.Outcome.EXISTED);
    }

    @Test
    void aDatastoreReplaceUploadsToATemporaryNameAndMovesItOverTheOldFile() throws Exception {
        Path iso = tmp.resolve("seed.iso");
        Files.write(iso, "the first image".getBytes());
        ProviderHarness harness = world.harness(tmp).flag("target", "datastore");
        push(harness, PushRequest.of(iso, ImageFormat.ISO_EFI, "seed", DIGEST));
        Files.write(iso, "the second image, longer than the first".getBytes());
        String digest2 = "blocks-sha256:" + "9".repeat(64);
        int before = world.mutations().size();

        PushResult replaced = push(harness, PushRequest.of(iso, ImageFormat.ISO_EFI, "seed", digest2)
                .withPolicy(PublishPolicy.DEFAULT.withIfExists(PublishPolicy.IfExists.REPLACE)));

        assertThat(replaced.outcome()).isEqualTo(PushResult.Outcome.REPLACED);
        assertThat(world.datastoreFile("kiln/seed.iso")).isEqualTo(Files.readAllBytes(iso));
        assertThat(new String(world.datastoreFile("kiln/seed.iso.kiln-digest")).trim()).isEqualTo(digest2);
        List<String> calls = world.mutations().subList(before, world.mutations().size());
        assertThat(calls).anyMatch(c -> c.startsWith("PUT /folder/kiln/seed.iso.kiln-upload-999999999999?"))
                .noneMatch(c -> c.startsWith("PUT /folder/kiln/seed.iso?"));
        assertThat(world.datastoreFile("kiln/seed.iso.kiln-upload-999999999999")).as("moved, not copied").isNull();
    }

    @Test
    void aFailedDatastoreReplaceKeepsTheOldFileWholeAndLeavesNoTemporaryFile() throws Exception {
        Path iso = tmp.resolve("seed.iso");
        Files.write(iso, "the first image".getBytes());
        ProviderHarness harness = world.harness(tmp).flag("target", "datastore");
        push(harness, PushRequest.of(iso, ImageFormat.ISO_EFI, "seed", DIGEST));
        byte[] old = Files.readAllBytes(iso);
        Files.write(iso, "the second image".getBytes());
        world.proxy.failFirst(c -> c.startsWith("PUT /folder/kiln/seed.iso.kiln-upload-"));

        Throwable failure = catchThrowable(() -> push(harness, PushRequest.of(iso, ImageFormat.ISO_EFI, "seed",
                "blocks-sha256:" + "9".repeat(64)).withPolicy(PublishPolicy.DEFAULT.withIfExists(
                PublishPolicy.IfExists.REPLACE))));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("HTTP 500");
        assertThat(world.datastoreFile("kiln/seed.iso")).isEqualTo(old);
        assertThat(new String(world.datastoreFile("kiln/seed.iso.kiln-digest")).trim()).isEqualTo(DIGEST);
        assertThat(world.datastoreFile("kiln/seed.iso.kiln-upload-999999999999")).isNull();
    }

    @Test
    void aRepushFindsTheItemByItsKilnDigestTag() throws Exception {
        world.createLibrary("kiln");
        ProviderHarness harness = world.harness(tmp);
        PushResult first = push(harness, ova("tagged"));
        int before = world.proxy.requests().size();

        PushResult again = push(harness, ova("tagged"));

        assertThat(again.outcome()).isEqualTo(PushResult.Outcome.EXISTED);
        assertThat(again.images().get(0).imageId()).isEqualTo(first.images().get(0).imageId());
        List<String> calls = world.proxy.requests().subList(before, world.proxy.requests().size());
        assertThat(calls).anyMatch(c -> c.startsWith("POST /rest/com/vmware/cis/tagging/tag-association/id:")
                && c.contains("~action=list-attached-objects"));
        assertThat(world.attachedTags(Tagging.LIBRARY_ITEM, first.images().get(0).imageId()))
                .contains("kiln-digest=" + DIGEST);
    }

    @Test
    void withoutTaggingThePushWarnsOnceAndFindsTheDigestInTheDescription() throws Exception {
        world.createLibrary("kiln");
        world.proxy.notFound(c -> c.contains("/cis/tagging"));
        ProviderHarness harness = world.harness(tmp);

        PushResult first = push(harness, ova("untagged"));
        PushResult again = push(harness, ova("untagged"));

        assertThat(first.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(again.outcome()).isEqualTo(PushResult.Outcome.EXISTED);
        assertThat(world.items().get(first.images().get(0).imageId()).path("description").asText())
                .contains("kiln-digest: " + DIGEST);
        assertThat(world.tags()).isEmpty();
        assertThat(world.mutations()).noneMatch(c -> c.contains("/cis/tagging"));
        assertThat(harness.events().text().split("no tagging service", -1)).as("one warning per push").hasSize(3);
    }

    @Test
    void aLongUploadKeepsTheSessionAliveOncePerIntervalOfTheCommandsClockWhileThePutIsUnderWay() throws Exception {
        world.createLibrary("kiln");
        dev.kiln.testkit.FakeTime time = new dev.kiln.testkit.FakeTime();
        java.util.concurrent.atomic.AtomicBoolean holding = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger duringPut = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Semaphore keptAlive = new java.util.concurrent.Semaphore(0);
        world.proxy.listen(c -> {
            if (holding.get() && c.contains("~action=keep-alive")) {
                duringPut.incrementAndGet();
                keptAlive.release();
            }
        });
        boolean[] each = new boolean[2];
        // the VMDK's PUT "takes" 12 minutes of the command's clock, moved on while it is held: 6 minutes, then
        // (once the keep-alive for them has arrived) 6 more
        world.proxy.beforeFirst(c -> c.startsWith("PUT /rest/com/vmware/cis/data/") && c.endsWith(".vmdk"), () -> {
            holding.set(true);
            try {
                for (int i = 0; i < 2; i++) {
                    time.advance(java.time.Duration.ofMinutes(6));
                    each[i] = keptAlive.tryAcquire(60, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            holding.set(false);
        });
        // the fake clock is also the sleeper, as in every fake-time test: a keep-alive that slept on it would move
        // time on by itself and call vCenter in a loop
        ProviderHarness harness = world.harness(tmp).clock(time).sleeper(time);

        PushResult result = push(harness, ova("long"));

        assertThat(each).as("a keep-alive after each 6 minutes of the held PUT").containsExactly(true, true);
        assertThat(duringPut.get()).as("keep-alives while the 12-minute PUT was under way (one per 5 minutes)")
                .isEqualTo(2);
        assertThat(time.sleeps()).as("the keep-alive never sleeps on the command's sleeper")
                .doesNotContain(UpdateSession.KEEP_ALIVE);
        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(world.fileNames(result.images().get(0).imageId())).hasSize(2);
    }

    @Test
    void theDatastoreOfANewLibraryIsLookedUpInTheDatacenterGiven() throws Exception {
        world.createDatacenter("DC1");

        Throwable inDc1 = catchThrowable(() -> push(world.harness(tmp).flag("datacenter", "DC1"), ova("dc1")));
        Throwable inDc9 = catchThrowable(() -> push(world.harness(tmp).flag("datacenter", "DC9"), ova("dc9")));
        PushResult inDc0 = push(world.harness(tmp).flag("datacenter", "DC0"), ova("dc0"));

        assertThat(inDc1).as("LocalDS_0 is DC0's; DC1 has no datastore").isInstanceOf(KilnException.class)
                .hasMessageContaining("no datastore named LocalDS_0 in datacenter DC1");
        assertThat(inDc9).isInstanceOf(KilnException.class).hasMessageContaining("no datacenter named DC9");
        assertThat(inDc0.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(world.libraries()).as("one library, made by the DC0 push").hasSize(1);
    }

    @Test
    void aPlainHttpUrlIsUsedAsGivenWithAWarning() throws Exception {
        world.createLibrary("kiln");
        ProviderHarness harness = world.harness(tmp);

        push(harness, ova("warned"));

        assertThat(harness.events().text()).contains("plain http");
    }
}
