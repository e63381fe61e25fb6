package dev.kiln.azure;

import com.azure.core.management.SubResource;
import com.azure.resourcemanager.compute.fluent.models.ImageInner;
import com.azure.resourcemanager.compute.models.HyperVGenerationTypes;
import com.azure.resourcemanager.compute.models.ImageOSDisk;
import com.azure.resourcemanager.compute.models.ImageStorageProfile;
import com.azure.resourcemanager.compute.models.OperatingSystemStateTypes;
import com.azure.resourcemanager.compute.models.OperatingSystemTypes;
import dev.kiln.api.Architecture;
import dev.kiln.api.BootMode;
import dev.kiln.api.Events;
import dev.kiln.api.Retry;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Managed images: one region, named {@code NAME-yyyyMMddHHmmss-RAND} so a replacement can sit beside the old one. */
final class ManagedImages implements Registrar {
    private final ProviderContext context;
    private final Options options;
    private final Events events;
    private final AzureConnection azure;
    private final Retry calls;
    private final Retry cleanupRetry;
    private final PushRequest request;
    private final Cleanup cleanup;
    private final Upload upload;

    ManagedImages(ProviderContext context, AzureConnection azure, Retry calls, Retry cleanupRetry, PushRequest request,
                  Cleanup cleanup, Upload upload) {
        this.context = context;
        this.options = context.options();
        this.events = context.events();
        this.azure = azure;
        this.calls = calls;
        this.cleanupRetry = cleanupRetry;
        this.request = request;
        this.cleanup = cleanup;
        this.upload = upload;
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
        return findByTag(AzurePush.NAME_TAG, request.name());
    }

    @Override
    public String register(Source source) throws InterruptedException {
        boolean uefi = request.bootModes().contains(BootMode.UEFI) || request.arch() == Architecture.ARM64;
        String name = AzurePush.names(request.name()) + "-" + ZonedDateTime.now(context.clock().withZone(ZoneOffset.UTC))
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
                () -> AzurePush.gone(cleanupRetry, "delete image " + name,
                        () -> azure.compute().getImages().delete(azure.resourceGroup(), name)));
        ImageInner image = calls.call("create image " + name,
                () -> azure.compute().getImages().createOrUpdate(azure.resourceGroup(), name, spec));
        upload.delete(source);
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
        return AzurePush.baseTags(request);
    }

    @Override
    public List<String> placements(String id) {
        return List.of(azure.location());
    }
}
