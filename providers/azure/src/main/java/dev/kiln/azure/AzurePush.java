package dev.kiln.azure;

import com.azure.core.management.SubResource;
import com.azure.resourcemanager.compute.fluent.models.DiskInner;
import com.azure.resourcemanager.compute.fluent.models.GalleryImageInner;
import com.azure.resourcemanager.compute.fluent.models.GalleryImageVersionInner;
import com.azure.resourcemanager.compute.fluent.models.GalleryInner;
import com.azure.resourcemanager.compute.fluent.models.ImageInner;
import com.azure.resourcemanager.compute.models.AccessLevel;
import com.azure.resourcemanager.compute.models.CreationData;
import com.azure.resourcemanager.compute.models.DiskCreateOption;
import com.azure.resourcemanager.compute.models.DiskSku;
import com.azure.resourcemanager.compute.models.DiskStorageAccountTypes;
import com.azure.resourcemanager.compute.models.GalleryDiskImageSource;
import com.azure.resourcemanager.compute.models.GalleryImageFeature;
import com.azure.resourcemanager.compute.models.GalleryImageIdentifier;
import com.azure.resourcemanager.compute.models.GalleryImageVersionPublishingProfile;
import com.azure.resourcemanager.compute.models.GalleryImageVersionStorageProfile;
import com.azure.resourcemanager.compute.models.GalleryOSDiskImage;
import com.azure.resourcemanager.compute.models.GrantAccessData;
import com.azure.resourcemanager.compute.models.HyperVGeneration;
import com.azure.resourcemanager.compute.models.HyperVGenerationTypes;
import com.azure.resourcemanager.compute.models.ImageOSDisk;
import com.azure.resourcemanager.compute.models.ImageStorageProfile;
import com.azure.resourcemanager.compute.models.OperatingSystemStateTypes;
import com.azure.resourcemanager.compute.models.OperatingSystemTypes;
import com.azure.resourcemanager.compute.models.RegionalReplicationStatus;
import com.azure.resourcemanager.compute.models.ReplicationStatusTypes;
import com.azure.resourcemanager.compute.models.TargetRegion;
import dev.kiln.api.Architecture;
import dev.kiln.api.BootMode;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.ExistingImages;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code push azure}: a managed disk made for upload, its data pages sent through the write SAS, access revoked
 * (Azure validates the VHD there), then a managed image or a gallery version from the disk; the disk goes once
 * the image holds its own copy. Whatever was made is removed when a step fails or Ctrl-C comes, access revoked
 * before the disk is deleted.
 */
final class AzurePush {

    static final String DIGEST_TAG = "kiln:digest";
    static final String NAME_TAG = "kiln:name";
    static final String VERSION_TAG = "kiln:version";

    private final ProviderContext context;
    private final Options options;
    private final Events events;
    /** The uploaded disk's undo step: revoke if granted, then delete. */
    private Cleanup.Handle diskStep;
    /** The page blob of --storage-account, once made or found: kept on failure, so the next push resumes. */
    private StorageBlob keptBlob;

    /**
     * What the image is made from: the uploaded managed disk ({@code diskId}), or a page blob in the user's storage
     * account ({@code blob}).
     */
    private record Source(String diskId, StorageBlob blob) {

        String describe() {
            return blob == null ? "the uploaded disk " + diskId.substring(diskId.lastIndexOf('/') + 1)
                    : "the " + blob.describe();
        }

        String deleteCommand(AzureConnection azure) {
            return blob == null ? "az disk delete -y -g " + azure.resourceGroup() + " -n "
                    + diskId.substring(diskId.lastIndexOf('/') + 1) : blob.deleteCommand();
        }
    }

    AzurePush(ProviderContext context) {
        this.context = context;
        this.options = context.options();
        this.events = context.events();
    }

    PushResult push(PushRequest request) throws InterruptedException {
        Optional<String> account = options.find(AzureOptions.STORAGE_ACCOUNT);
        Optional<String> container = options.find(AzureOptions.CONTAINER);
        if (account.isPresent() != container.isPresent()) {
            throw KilnException.usage("--storage-account and --container go together (a page blob in that "
                    + "container); pass both, or neither for a managed disk by direct upload");
        }
        // credentials first (the provider contract: a push without them says where they go)
        AzureConnection azure = AzureConnection.open(options, context.env());
        boolean managedImage = options.flag(AzureOptions.MANAGED_IMAGE);
        Optional<String> gallery = options.find(AzureOptions.GALLERY);
        if (!managedImage && gallery.isEmpty()) {
            throw KilnException.usage("push azure publishes a gallery version (--gallery NAME) or a managed image "
                    + "(--managed-image); pass one");
        }
        AzureDisk disk = AzureDisk.open(context.conversions(), request.image(), request.format(), context.workDir(),
                request.name(), events);
        Retry calls = context.retry().classifier(AzureErrors::classify).build();
        Retry cleanupRetry = calls.toBuilder().cancel(dev.kiln.api.CancelToken.create())
                .sleeper(dev.kiln.api.Sleeper.on(dev.kiln.api.CancelToken.create())).build();
        Cleanup cleanup = new Cleanup(events, AzureErrors::reason);
        Registrar registrar = managedImage
                ? new ManagedImages(azure, calls, cleanupRetry, request, cleanup)
                : new GalleryVersions(azure, calls, cleanupRetry, request, cleanup, gallery.get());
        List<Resource> made = new ArrayList<>();
        try {
            ExistingImages.Published<String> published = ExistingImages.sideBySide(request.policy().ifExists(),
                    request.dryRun(), new ExistingImages.SideBySide<>() {
                        @Override
                        public Optional<String> findByDigest() throws InterruptedException {
                            return registrar.findByTag(DIGEST_TAG, request.contentDigest());
                        }

                        @Override
                        public Optional<String> findByName() throws InterruptedException {
                            return registrar.findByName();
                        }

                        @Override
                        public String describe(String image) {
                            return image;
                        }

                        @Override
                        public String create() throws InterruptedException {
                            registrar.checkFree();
                            Source source = account.isPresent()
                                    ? new Source(null, uploadBlob(azure, calls, disk, request, account.get(),
                                            container.get()))
                                    : new Source(upload(azure, calls, cleanupRetry, cleanup, disk, request, made), null);
                            String image = registrar.register(source);
                            made.add(Resource.of(registrar.type(), image, azure.location()));
                            made.addAll(registrar.status());
                            return image;
                        }

                        @Override
                        public void retire(String old) throws InterruptedException {
                            registrar.delete(old);
                            made.add(Resource.of("removed " + registrar.type(), old, azure.location()));
                        }
                    });
            cleanup.clear();
            PushResult.Builder result = PushResult.builder("azure", request).outcome(published.outcome())
                    .tags(registrar.tags()).resources(made);
            published.image().ifPresent(id -> registrar.placements(id).forEach(p -> result.image(p, id)));
            return result.build();
        } catch (RuntimeException | InterruptedException e) {
            String undone = cleanup.undo();
            if (keptBlob != null) {
                undone += (undone.isEmpty() ? "" : "; ") + "kept " + keptBlob.describe() + " on purpose (push again "
                        + "to send only what it lacks, or delete it with '" + keptBlob.deleteCommand() + "')";
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new KilnException("push azure was interrupted" + (undone.isEmpty() ? "" : "; " + undone), e);
            }
            if (e instanceof KilnException k && k.isUsage()) {
                throw k;
            }
            throw KilnException.tried("push " + request.name() + " to Azure", AzureErrors.reason((Exception) e),
                    undone.isEmpty() ? "nothing had been made in Azure" : undone, e);
        }
    }

    /** PUT the disk for upload, grant Write, Put Page the data, revoke. Returns the disk's id. */
    private String upload(AzureConnection azure, Retry calls, Retry cleanupRetry, Cleanup cleanup, AzureDisk disk,
                          PushRequest request, List<Resource> made) throws InterruptedException {
        context.cancel().throwIfCancelled();
        String diskName = names(request.name()) + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        boolean uefi = request.bootModes().contains(BootMode.UEFI) || request.arch() == Architecture.ARM64;
        Map<String, String> tags = new LinkedHashMap<>(baseTags(request));
        DiskInner spec = new DiskInner().withLocation(azure.location()).withTags(tags)
                .withSku(new DiskSku().withName(DiskStorageAccountTypes.STANDARD_LRS))
                .withOsType(OperatingSystemTypes.LINUX)
                .withHyperVGeneration(uefi ? HyperVGeneration.V2 : HyperVGeneration.V1)
                .withCreationData(new CreationData().withCreateOption(DiskCreateOption.UPLOAD)
                        .withUploadSizeBytes(disk.size()));
        events.phase("disk");
        DiskInner made0 = calls.call("create disk " + diskName,
                () -> azure.compute().getDisks().createOrUpdate(azure.resourceGroup(), diskName, spec));
        String diskId = made0.id() != null ? made0.id() : azure.diskId(diskName);
        boolean[] granted = {false};
        diskStep = cleanup.add("disk " + diskName,
                "az disk revoke-access -g " + azure.resourceGroup() + " -n " + diskName + " && az disk delete -y -g "
                        + azure.resourceGroup() + " -n " + diskName,
                () -> {
                    if (granted[0]) {
                        cleanupRetry.call("revoke access to disk " + diskName,
                                () -> {
                                    azure.compute().getDisks().revokeAccess(azure.resourceGroup(), diskName);
                                    return null;
                                });
                    }
                    gone(cleanupRetry, "delete disk " + diskName,
                            () -> azure.compute().getDisks().delete(azure.resourceGroup(), diskName));
                });
        context.cancel().throwIfCancelled();
        granted[0] = true;
        String sas = calls.call("grant write access to disk " + diskName,
                () -> azure.compute().getDisks().grantAccess(azure.resourceGroup(), diskName,
                        new GrantAccessData().withAccess(AccessLevel.WRITE).withDurationInSeconds(86400))).accessSas();
        if (sas == null || sas.isBlank()) {
            throw KilnException.tried("grant write access to disk " + diskName, "Azure returned no accessSAS",
                    "try again; if it persists, check the disk in the portal");
        }
        events.phase("upload");
        int workers = options.integer(AzureOptions.WORKERS).orElse(16);
        PageUpload.Stats stats = new PageUpload(azure.http(), calls, context.cancel(), events, workers).upload(sas, disk);
        events.info("sent " + stats.pages() + " pages (" + stats.bytes() + " bytes) of a " + disk.size()
                + "-byte disk; " + stats.zeroPagesSkipped() + " zero ranges skipped");
        calls.call("revoke access to disk " + diskName, () -> {
            azure.compute().getDisks().revokeAccess(azure.resourceGroup(), diskName);
            return null;
        });
        granted[0] = false;
        made.add(Resource.of("disk", diskId, azure.location()));
        return diskId;
    }

    /**
     * --storage-account: the page blob NAME-DIGEST.vhd made (or found, with what it holds), then only the data pages
     * it lacks sent. It is not undone on failure: it is the next push's head start.
     */
    private StorageBlob uploadBlob(AzureConnection azure, Retry calls, AzureDisk disk, PushRequest request,
                                   String account, String container) throws InterruptedException {
        context.cancel().throwIfCancelled();
        events.phase("blob");
        StorageBlob blob = StorageBlob.open(azure, calls, account, container,
                StorageBlob.blobName(request.name(), request.contentDigest()));
        Map<String, String> metadata = Map.of("kiln_digest", request.contentDigest().replace(':', '_'),
                "kiln_name", names(request.name()));
        List<dev.kiln.api.Extent> present = blob.prepare(calls, disk.size(), metadata);
        keptBlob = blob;
        if (!present.isEmpty()) {
            events.info("resuming the upload to " + blob.describe() + ": it holds "
                    + present.stream().mapToLong(dev.kiln.api.Extent::length).sum() + " bytes already");
        }
        events.phase("upload");
        int workers = options.integer(AzureOptions.WORKERS).orElse(16);
        PageUpload.Stats stats = new PageUpload(azure.http(), calls, context.cancel(), events, workers)
                .upload(blob.client(), disk, present);
        events.info("sent " + stats.pages() + " pages (" + stats.bytes() + " bytes) of a " + disk.size()
                + "-byte disk; " + stats.zeroPagesSkipped() + " zero ranges skipped, " + stats.presentSkipped()
                + " already in the blob");
        return blob;
    }

    static Map<String, String> baseTags(PushRequest request) {
        Map<String, String> tags = new LinkedHashMap<>(request.policy().tags());
        tags.put(DIGEST_TAG, request.contentDigest());
        tags.put(NAME_TAG, request.name());
        return tags;
    }

    /** Azure resource names: letters, digits, '-', '_' and '.', at most 60 here (room for a suffix). */
    static String names(String name) {
        String clean = name.replaceAll("[^A-Za-z0-9_.-]", "-");
        return clean.length() > 60 ? clean.substring(0, 60) : clean;
    }

    /** What becomes of the uploaded disk: a managed image or a gallery version. */
    private interface Registrar {
        String type();

        Optional<String> findByTag(String key, String value) throws InterruptedException;

        Optional<String> findByName() throws InterruptedException;

        String register(Source source) throws InterruptedException;

        void delete(String id) throws InterruptedException;

        Map<String, String> tags();

        List<String> placements(String id);

        /** What else the result reports: a no-wait version's replication per region. */
        default List<Resource> status() {
            return List.of();
        }

        /** Refuses, before anything is made, a registration that cannot succeed. */
        default void checkFree() throws InterruptedException {
        }
    }

    /** Managed images: one region, named {@code NAME-yyyyMMddHHmmss-RAND} so a replacement can sit beside the old one. */
    private final class ManagedImages implements Registrar {
        private final AzureConnection azure;
        private final Retry calls;
        private final Retry cleanupRetry;
        private final PushRequest request;
        private final Cleanup cleanup;

        ManagedImages(AzureConnection azure, Retry calls, Retry cleanupRetry, PushRequest request, Cleanup cleanup) {
            this.azure = azure;
            this.calls = calls;
            this.cleanupRetry = cleanupRetry;
            this.request = request;
            this.cleanup = cleanup;
        }

        @Override
        public String type() {
            return "image";
        }

        private List<ImageInner> own() throws InterruptedException {
            return calls.call("list images in " + azure.resourceGroup(),
                    () -> azure.compute().getImages().listByResourceGroup(azure.resourceGroup()).stream().toList());
        }

        @Override
        public Optional<String> findByTag(String key, String value) throws InterruptedException {
            return own().stream().filter(i -> i.tags() != null && value.equals(i.tags().get(key)))
                    .map(ImageInner::id).findFirst();
        }

        @Override
        public Optional<String> findByName() throws InterruptedException {
            return findByTag(NAME_TAG, request.name());
        }

        @Override
        public String register(Source source) throws InterruptedException {
            boolean uefi = request.bootModes().contains(BootMode.UEFI) || request.arch() == Architecture.ARM64;
            String name = names(request.name()) + "-" + ZonedDateTime.now(context.clock().withZone(ZoneOffset.UTC))
                    .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss")) + "-"
                    + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
            ImageInner spec = new ImageInner().withLocation(azure.location()).withTags(tags())
                    .withHyperVGeneration(uefi ? HyperVGenerationTypes.V2 : HyperVGenerationTypes.V1)
                    .withStorageProfile(new ImageStorageProfile().withOsDisk(new ImageOSDisk()
                            .withOsType(OperatingSystemTypes.LINUX).withOsState(OperatingSystemStateTypes.GENERALIZED)
                            .withManagedDisk(source.blob() == null ? new SubResource().withId(source.diskId()) : null)
                            .withBlobUri(source.blob() == null ? null : source.blob().uri())));
            events.phase("image");
            cleanup.add("image " + name, "az image delete -g " + azure.resourceGroup() + " -n " + name,
                    () -> gone(cleanupRetry, "delete image " + name,
                            () -> azure.compute().getImages().delete(azure.resourceGroup(), name)));
            ImageInner image = calls.call("create image " + name,
                    () -> azure.compute().getImages().createOrUpdate(azure.resourceGroup(), name, spec));
            deleteSource(calls, source);
            return image.id() != null ? image.id()
                    : azure.groupId() + "/providers/Microsoft.Compute/images/" + name;
        }

        @Override
        public void delete(String id) throws InterruptedException {
            String name = id.substring(id.lastIndexOf('/') + 1);
            calls.call("delete image " + name, () -> {
                azure.compute().getImages().delete(azure.resourceGroup(), name);
                return null;
            });
        }

        @Override
        public Map<String, String> tags() {
            return baseTags(request);
        }

        @Override
        public List<String> placements(String id) {
            return List.of(azure.location());
        }
    }

    /**
     * Gallery versions: the gallery and image definition are made when missing (Linux, V2 unless BIOS-only,
     * x64/Arm64, TrustedLaunchSupported, SCSI+NVMe, Specialized unless --generalized), then the version from the disk.
     */
    private final class GalleryVersions implements Registrar {
        private final AzureConnection azure;
        private final Retry calls;
        private final Retry cleanupRetry;
        private final PushRequest request;
        private final Cleanup cleanup;
        private final String gallery;
        private final String definition;
        private final String version;
        private final boolean noWait;
        /** After a no-wait push: each region's replication state as Azure reported it. */
        private List<String> replication = List.of();

        GalleryVersions(AzureConnection azure, Retry calls, Retry cleanupRetry, PushRequest request, Cleanup cleanup,
                        String gallery) {
            this.azure = azure;
            this.calls = calls;
            this.cleanupRetry = cleanupRetry;
            this.request = request;
            this.cleanup = cleanup;
            this.gallery = gallery;
            this.definition = options.find(AzureOptions.GALLERY_IMAGE).orElse(names(request.name()));
            this.version = options.find(AzureOptions.VERSION).orElseGet(() -> {
                ZonedDateTime now = ZonedDateTime.now(context.clock().withZone(ZoneOffset.UTC));
                return now.getYear() + "." + (now.getMonthValue() * 100 + now.getDayOfMonth()) + "."
                        + (now.getHour() * 10000 + now.getMinute() * 100 + now.getSecond());
            });
            String mode = options.find(AzureOptions.REPLICATION).orElse("wait");
            if (!mode.equals("wait") && !mode.equals("no-wait")) {
                throw KilnException.usage("--replication takes wait or no-wait, not " + mode);
            }
            this.noWait = mode.equals("no-wait");
            if (!version.matches("\\d{1,9}\\.\\d{1,9}\\.\\d{1,9}")) {
                throw KilnException.usage("--image-version must be MAJOR.MINOR.PATCH (whole numbers), not " + version);
            }
        }

        @Override
        public String type() {
            return "gallery image version";
        }

        private Optional<List<GalleryImageVersionInner>> versions() throws InterruptedException {
            try {
                return Optional.of(calls.call("list versions of " + definition,
                        () -> azure.compute().getGalleryImageVersions()
                                .listByGalleryImage(azure.resourceGroup(), gallery, definition).stream().toList()));
            } catch (RuntimeException e) {
                if (AzureErrors.notFound(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        }

        @Override
        public Optional<String> findByTag(String key, String value) throws InterruptedException {
            return versions().orElse(List.of()).stream()
                    .filter(v -> v.tags() != null && value.equals(v.tags().get(key)))
                    .map(GalleryImageVersionInner::id).findFirst();
        }

        @Override
        public Optional<String> findByName() throws InterruptedException {
            if (!options.isSet(AzureOptions.VERSION)) {
                return Optional.empty();
            }
            return versions().orElse(List.of()).stream().filter(v -> version.equals(v.name()))
                    .map(GalleryImageVersionInner::id).findFirst();
        }

        /** A gallery version cannot be replaced in place: a replace needs a new --image-version. */
        @Override
        public void checkFree() throws InterruptedException {
            if (versions().orElse(List.of()).stream().anyMatch(v -> version.equals(v.name()))) {
                throw KilnException.usage("gallery image " + gallery + "/" + definition + " already has version "
                        + version + ", and a version cannot be replaced in place; pass a new --image-version");
            }
        }

        @Override
        public String register(Source source) throws InterruptedException {
            events.phase("gallery");
            ensureGallery();
            ensureDefinition();
            GalleryImageVersionInner spec = new GalleryImageVersionInner().withLocation(azure.location())
                    .withTags(tags())
                    .withPublishingProfile(new GalleryImageVersionPublishingProfile().withTargetRegions(targets()))
                    .withStorageProfile(new GalleryImageVersionStorageProfile().withOsDiskImage(
                            new GalleryOSDiskImage().withSource(source.blob() == null
                                    ? new GalleryDiskImageSource().withId(source.diskId())
                                    : new GalleryDiskImageSource().withUri(source.blob().uri())
                                            .withStorageAccountId(source.blob().accountId()))));
            cleanup.add("gallery image version " + definition + "/" + version,
                    "az sig image-version delete -g " + azure.resourceGroup() + " -r " + gallery + " -i " + definition
                            + " -e " + version,
                    () -> gone(cleanupRetry, "delete version " + version,
                            () -> azure.compute().getGalleryImageVersions().delete(azure.resourceGroup(), gallery,
                                    definition, version)));
            String id = azure.groupId() + "/providers/Microsoft.Compute/galleries/" + gallery + "/images/"
                    + definition + "/versions/" + version;
            String check = "az sig image-version show -g " + azure.resourceGroup() + " -r " + gallery + " -i "
                    + definition + " -e " + version + " --expand ReplicationStatus";
            com.azure.core.util.polling.SyncPoller<?, GalleryImageVersionInner> poller = calls.call(
                    "create gallery image version " + version, () -> azure.compute().getGalleryImageVersions()
                            .beginCreateOrUpdate(azure.resourceGroup(), gallery, definition, version, spec));
            String later = source.describe() + " is its source until replication ends; then remove it with '"
                    + source.deleteCommand(azure) + "'";
            if (noWait) {
                // the version exists and replicates on in Azure: it and its source are kept, whatever comes next
                cleanup.clear();
                keptBlob = null;
                replication = replicationStatus();
                events.info("gallery version " + id + " is replicating: " + String.join(", ", replication)
                        + "; check it later with '" + check + "'; " + later);
                return id;
            }
            java.time.Duration timeout = options.duration(AzureOptions.WAIT).orElse(java.time.Duration.ofMinutes(60));
            java.time.Duration interval = options.duration(AzureOptions.POLL).orElse(java.time.Duration.ofSeconds(5));
            events.phase("replication");
            // polled by hand on the command's clock and sleeper (cancel ends the sleep), never past the timeout
            java.time.Instant deadline = context.clock().instant().plus(timeout);
            com.azure.core.util.polling.PollResponse<?> last = calls.call("poll gallery version " + version,
                    poller::poll);
            while (!last.getStatus().isComplete()) {
                if (!context.clock().instant().isBefore(deadline)) {
                    // replication goes on in Azure: neither the version nor its source may be removed now
                    cleanup.clear();
                    keptBlob = null;
                    throw KilnException.tried("wait for the replication of gallery version " + id,
                            "it was not done after " + dev.kiln.api.Poll.human(timeout) + " (operation "
                                    + last.getStatus() + "; replication " + String.join(", ", replicationStatus())
                                    + ")", "it continues in Azure and the version is kept: check it with '" + check
                                    + "'; " + later);
                }
                context.sleeper().sleep(interval);
                last = calls.call("poll gallery version " + version, poller::poll);
            }
            if (last.getStatus() != com.azure.core.util.polling.LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
                throw KilnException.tried("create gallery version " + id, "Azure reported " + last.getStatus(),
                        "check the version with '" + check + "'");
            }
            GalleryImageVersionInner made = poller.getFinalResult();
            deleteSource(calls, source);
            return made != null && made.id() != null ? made.id() : id;
        }

        /**
         * Each target region's replication as Azure reports it ({@code $expand=ReplicationStatus}): "REGION STATE",
         * with the progress while replicating; a region not reported yet is "Unknown". A failed read says so
         * instead of failing the push: the version exists either way.
         */
        private List<String> replicationStatus() throws InterruptedException {
            Map<String, String> byRegion = new LinkedHashMap<>();
            for (String region : regions()) {
                byRegion.put(region, "Unknown");
            }
            try {
                GalleryImageVersionInner v = calls.call("get the replication status of version " + version,
                        () -> azure.compute().getGalleryImageVersions().getWithResponse(azure.resourceGroup(), gallery,
                                definition, version, ReplicationStatusTypes.REPLICATION_STATUS,
                                com.azure.core.util.Context.NONE).getValue());
                if (v != null && v.replicationStatus() != null && v.replicationStatus().summary() != null) {
                    for (RegionalReplicationStatus r : v.replicationStatus().summary()) {
                        String region = byRegion.keySet().stream().filter(k -> sameRegion(k, r.region())).findFirst()
                                .orElse(r.region());
                        byRegion.put(region, r.state() + (r.progress() != null && r.progress() < 100
                                && !"Completed".equalsIgnoreCase(String.valueOf(r.state())) ? " " + r.progress() + "%"
                                : ""));
                    }
                }
            } catch (RuntimeException e) {
                byRegion.replaceAll((k, v) -> "unknown (" + AzureErrors.reason(e) + ")");
            }
            List<String> out = new ArrayList<>();
            byRegion.forEach((region, state) -> out.add(region + " " + state));
            return out;
        }

        /** "West Europe" and "westeurope" are one region. */
        private static boolean sameRegion(String a, String b) {
            return b != null && a.replace(" ", "").equalsIgnoreCase(b.replace(" ", ""));
        }

        @Override
        public List<Resource> status() {
            return replication.stream().map(r -> Resource.of("replication", r)).toList();
        }

        /** The home region first, then each --replica-region REGION[=COUNT]. */
        private List<TargetRegion> targets() {
            List<TargetRegion> out = new ArrayList<>();
            out.add(new TargetRegion().withName(azure.location()).withRegionalReplicaCount(1));
            for (String r : options.all(AzureOptions.REPLICA)) {
                String[] parts = r.split("=", 2);
                int count;
                try {
                    count = parts.length == 2 ? Integer.parseInt(parts[1]) : 1;
                } catch (NumberFormatException e) {
                    throw KilnException.usage("--replica-region takes REGION[=COUNT], not " + r);
                }
                if (count < 1 || parts[0].isBlank()) {
                    throw KilnException.usage("--replica-region takes REGION[=COUNT] with COUNT >= 1, not " + r);
                }
                if (!parts[0].equalsIgnoreCase(azure.location())) {
                    out.add(new TargetRegion().withName(parts[0]).withRegionalReplicaCount(count));
                }
            }
            return out;
        }

        private List<String> regions() {
            return targets().stream().map(TargetRegion::name).toList();
        }

        private void ensureGallery() throws InterruptedException {
            try {
                calls.call("get gallery " + gallery,
                        () -> azure.compute().getGalleries().getByResourceGroup(azure.resourceGroup(), gallery));
                return;
            } catch (RuntimeException e) {
                if (!AzureErrors.notFound(e)) {
                    throw e;
                }
            }
            calls.call("create gallery " + gallery, () -> azure.compute().getGalleries().createOrUpdate(
                    azure.resourceGroup(), gallery, new GalleryInner().withLocation(azure.location())
                            .withTags(Map.of(NAME_TAG, request.name()))));
            cleanup.add("gallery " + gallery, "az sig delete -g " + azure.resourceGroup() + " -r " + gallery,
                    () -> gone(cleanupRetry, "delete gallery " + gallery,
                            () -> azure.compute().getGalleries().delete(azure.resourceGroup(), gallery)));
        }

        private void ensureDefinition() throws InterruptedException {
            try {
                calls.call("get image definition " + definition,
                        () -> azure.compute().getGalleryImages().get(azure.resourceGroup(), gallery, definition));
                return;
            } catch (RuntimeException e) {
                if (!AzureErrors.notFound(e)) {
                    throw e;
                }
            }
            boolean arm = request.arch() == Architecture.ARM64;
            boolean v2 = request.bootModes().contains(BootMode.UEFI) || arm;
            GalleryImageInner spec = new GalleryImageInner().withLocation(azure.location())
                    .withTags(Map.of(NAME_TAG, request.name()))
                    .withOsType(OperatingSystemTypes.LINUX)
                    .withOsState(options.flag(AzureOptions.GENERALIZED) ? OperatingSystemStateTypes.GENERALIZED
                            : OperatingSystemStateTypes.SPECIALIZED)
                    .withHyperVGeneration(v2 ? HyperVGeneration.V2 : HyperVGeneration.V1)
                    .withArchitecture(arm ? com.azure.resourcemanager.compute.models.Architecture.ARM64
                            : com.azure.resourcemanager.compute.models.Architecture.X64)
                    .withIdentifier(new GalleryImageIdentifier()
                            .withPublisher(options.find(AzureOptions.PUBLISHER).orElse("kiln"))
                            .withOffer(options.find(AzureOptions.OFFER).orElse(names(request.name())))
                            .withSku(options.find(AzureOptions.SKU).orElse("default")))
                    .withFeatures(v2 ? List.of(
                            new GalleryImageFeature().withName("SecurityType").withValue("TrustedLaunchSupported"),
                            new GalleryImageFeature().withName("DiskControllerTypes").withValue("SCSI,NVMe"))
                            : List.of(new GalleryImageFeature().withName("DiskControllerTypes").withValue("SCSI,NVMe")));
            request.policy().description().ifPresent(spec::withDescription);
            calls.call("create image definition " + definition, () -> azure.compute().getGalleryImages()
                    .createOrUpdate(azure.resourceGroup(), gallery, definition, spec));
            cleanup.add("image definition " + definition, "az sig image-definition delete -g " + azure.resourceGroup()
                            + " -r " + gallery + " -i " + definition,
                    () -> gone(cleanupRetry, "delete image definition " + definition,
                            () -> azure.compute().getGalleryImages().delete(azure.resourceGroup(), gallery, definition)));
        }

        @Override
        public void delete(String id) throws InterruptedException {
            String old = id.substring(id.lastIndexOf('/') + 1);
            calls.call("delete version " + old, () -> {
                azure.compute().getGalleryImageVersions().delete(azure.resourceGroup(), gallery, definition, old);
                return null;
            });
        }

        @Override
        public Map<String, String> tags() {
            Map<String, String> tags = baseTags(request);
            tags.put(VERSION_TAG, version);
            return tags;
        }

        @Override
        public List<String> placements(String id) {
            return regions();
        }
    }

    /** Deletes something; a 404 means it is gone already (it was never made, or went before). */
    static void gone(Retry retry, String what, Runnable delete) throws InterruptedException {
        try {
            retry.call(what, () -> {
                delete.run();
                return null;
            });
        } catch (RuntimeException e) {
            if (!AzureErrors.notFound(e)) {
                throw e;
            }
        }
    }

    /** The image holds its own copy now: the uploaded disk or blob goes, on purpose. */
    private void deleteSource(Retry calls, Source source) throws InterruptedException {
        if (source.blob() != null) {
            source.blob().delete(calls);
            keptBlob = null;
            events.info("deleted " + source.describe() + " (the image holds its own copy)");
            return;
        }
        String name = source.diskId().substring(source.diskId().lastIndexOf('/') + 1);
        try {
            diskStep.undoNow();
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        events.info("deleted the uploaded disk " + name + " (the image holds its own copy)");
    }
}
