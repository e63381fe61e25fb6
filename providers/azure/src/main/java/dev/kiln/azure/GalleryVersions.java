package dev.kiln.azure;

import com.azure.resourcemanager.compute.fluent.models.GalleryImageInner;
import com.azure.resourcemanager.compute.fluent.models.GalleryImageVersionInner;
import com.azure.resourcemanager.compute.fluent.models.GalleryInner;
import com.azure.resourcemanager.compute.models.GalleryDiskImageSource;
import com.azure.resourcemanager.compute.models.GalleryImageFeature;
import com.azure.resourcemanager.compute.models.GalleryImageIdentifier;
import com.azure.resourcemanager.compute.models.GalleryImageVersionPublishingProfile;
import com.azure.resourcemanager.compute.models.GalleryImageVersionStorageProfile;
import com.azure.resourcemanager.compute.models.GalleryOSDiskImage;
import com.azure.resourcemanager.compute.models.HyperVGeneration;
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
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.Resource;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gallery versions: the gallery and image definition are made when missing (Linux, V2 unless BIOS-only,
 * x64/Arm64, SCSI+NVMe, Specialized unless --generalized; TrustedLaunchSupported when the source is a page blob), then
 * the version from the uploaded disk or blob, and its replication waited for or reported.
 *
 * <p>A definition with a {@code SecurityType} takes its versions only from a VHD blob, a managed image or another
 * gallery version, never from a managed disk: ARM refuses with "Currently only Vhd Blob, User Image and Gallery Image
 * Version sources are supported for 'TrustedLaunchSupported' images" (seen on packer-plugin-azure#304 in 2023,
 * microsoft/STL#4682 in 2024; packer-plugin-azure#528 in 2025 still lists disks and snapshots as unsupported). So the
 * direct upload is refused before anything is made for such a definition, and the definitions kiln makes for it
 * carry no SecurityType.
 */
final class GalleryVersions implements Registrar {
    private final ProviderContext context;
    private final Options options;
    private final Events events;
    private final AzureConnection azure;
    private final Retry calls;
    private final Retry cleanupRetry;
    private final PushRequest request;
    private final Cleanup cleanup;
    private final Upload upload;
    private final String gallery;
    private final String definition;
    private final String version;
    private final boolean noWait;
    /** --storage-account: the version's source is a page blob, not a managed disk. */
    private final boolean fromBlob;
    /** After a no-wait push: each region's replication state as Azure reported it. */
    private List<String> replication = List.of();

    GalleryVersions(ProviderContext context, AzureConnection azure, Retry calls, Retry cleanupRetry, PushRequest request,
                    Cleanup cleanup, Upload upload, String gallery) {
        this.context = context;
        this.options = context.options();
        this.events = context.events();
        this.azure = azure;
        this.calls = calls;
        this.cleanupRetry = cleanupRetry;
        this.request = request;
        this.cleanup = cleanup;
        this.upload = upload;
        this.gallery = gallery;
        this.definition = options.find(AzureOptions.GALLERY_IMAGE).orElse(AzurePush.names(request.name()));
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
        this.fromBlob = options.isSet(AzureOptions.STORAGE_ACCOUNT);
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
        if (!fromBlob) {
            Optional<String> security = definition().flatMap(GalleryVersions::securityType)
                    .filter(t -> !t.equalsIgnoreCase("Standard"));
            if (security.isPresent()) {
                throw KilnException.usage("gallery image " + gallery + "/" + definition + " has SecurityType="
                        + security.get() + ", and Azure makes its versions only from a VHD blob, not from an "
                        + "uploaded managed disk; pass --storage-account ACCOUNT --container CONTAINER to upload a "
                        + "page blob there instead, or publish to a definition without a SecurityType");
            }
        }
    }

    /** The image definition, when it exists. */
    private Optional<GalleryImageInner> definition() throws InterruptedException {
        try {
            return Optional.ofNullable(calls.call("get image definition " + definition,
                    () -> azure.compute().getGalleryImages().get(azure.resourceGroup(), gallery, definition)));
        } catch (RuntimeException e) {
            if (AzureErrors.notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The definition's {@code SecurityType} feature (TrustedLaunchSupported, ConfidentialVM, ...), if it has one. */
    static Optional<String> securityType(GalleryImageInner image) {
        return image.features() == null ? Optional.empty() : image.features().stream()
                .filter(f -> "SecurityType".equalsIgnoreCase(f.name()) && f.value() != null)
                .map(GalleryImageFeature::value).findFirst();
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
                () -> AzurePush.gone(cleanupRetry, "delete version " + version,
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
            upload.release();
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
                upload.release();
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
        upload.delete(source);
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
                        .withTags(Map.of(AzurePush.NAME_TAG, request.name()))));
        cleanup.add("gallery " + gallery, "az sig delete -g " + azure.resourceGroup() + " -r " + gallery,
                () -> AzurePush.gone(cleanupRetry, "delete gallery " + gallery,
                        () -> azure.compute().getGalleries().delete(azure.resourceGroup(), gallery)));
    }

    private void ensureDefinition() throws InterruptedException {
        if (definition().isPresent()) {
            return;
        }
        boolean arm = request.arch() == Architecture.ARM64;
        boolean v2 = request.bootModes().contains(BootMode.UEFI) || arm;
        GalleryImageInner spec = new GalleryImageInner().withLocation(azure.location())
                .withTags(Map.of(AzurePush.NAME_TAG, request.name()))
                .withOsType(OperatingSystemTypes.LINUX)
                .withOsState(options.flag(AzureOptions.GENERALIZED) ? OperatingSystemStateTypes.GENERALIZED
                        : OperatingSystemStateTypes.SPECIALIZED)
                .withHyperVGeneration(v2 ? HyperVGeneration.V2 : HyperVGeneration.V1)
                .withArchitecture(arm ? com.azure.resourcemanager.compute.models.Architecture.ARM64
                        : com.azure.resourcemanager.compute.models.Architecture.X64)
                .withIdentifier(new GalleryImageIdentifier()
                        .withPublisher(options.find(AzureOptions.PUBLISHER).orElse("kiln"))
                        .withOffer(options.find(AzureOptions.OFFER).orElse(AzurePush.names(request.name())))
                        .withSku(options.find(AzureOptions.SKU).orElse("default")))
                .withFeatures(v2 && fromBlob ? List.of(
                        new GalleryImageFeature().withName("SecurityType").withValue("TrustedLaunchSupported"),
                        new GalleryImageFeature().withName("DiskControllerTypes").withValue("SCSI,NVMe"))
                        : List.of(new GalleryImageFeature().withName("DiskControllerTypes").withValue("SCSI,NVMe")));
        if (v2 && !fromBlob) {
            events.info("image definition " + definition + " is made without SecurityType=TrustedLaunchSupported: "
                    + "Azure takes such a definition's versions only from a VHD blob; push with --storage-account "
                    + "ACCOUNT --container CONTAINER into a new definition for one that supports Trusted Launch");
        }
        request.policy().description().ifPresent(spec::withDescription);
        calls.call("create image definition " + definition, () -> azure.compute().getGalleryImages()
                .createOrUpdate(azure.resourceGroup(), gallery, definition, spec));
        cleanup.add("image definition " + definition, "az sig image-definition delete -g " + azure.resourceGroup()
                        + " -r " + gallery + " -i " + definition,
                () -> AzurePush.gone(cleanupRetry, "delete image definition " + definition,
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
        Map<String, String> tags = AzurePush.baseTags(request);
        tags.put(AzurePush.VERSION_TAG, version);
        return tags;
    }

    @Override
    public List<String> placements(String id) {
        return regions();
    }
}
