package dev.kiln.azure;

import com.azure.resourcemanager.compute.fluent.models.DiskInner;
import com.azure.resourcemanager.compute.models.AccessLevel;
import com.azure.resourcemanager.compute.models.CreationData;
import com.azure.resourcemanager.compute.models.DiskCreateOption;
import com.azure.resourcemanager.compute.models.DiskSku;
import com.azure.resourcemanager.compute.models.DiskStorageAccountTypes;
import com.azure.resourcemanager.compute.models.GrantAccessData;
import com.azure.resourcemanager.compute.models.HyperVGeneration;
import com.azure.resourcemanager.compute.models.OperatingSystemTypes;
import dev.kiln.api.Architecture;
import dev.kiln.api.BootMode;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;
import dev.kiln.azure.Registrar.Source;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.ExistingImages;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;

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
        Retry cleanupRetry = context.cleanupRetry(calls);
        Cleanup cleanup = new Cleanup(events, AzureErrors::reason);
        Registrar.Upload upload = new Registrar.Upload() {
            @Override
            public void delete(Source source) throws InterruptedException {
                deleteSource(calls, source);
            }

            @Override
            public void release() {
                keptBlob = null;
            }
        };
        Registrar registrar = managedImage
                ? new ManagedImages(context, azure, calls, cleanupRetry, request, cleanup, upload)
                : new GalleryVersions(context, azure, calls, cleanupRetry, request, cleanup, upload, gallery.get());
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
