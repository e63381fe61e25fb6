package dev.kiln.gcp;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.cloud.compute.v1.DisksClient;
import com.google.cloud.compute.v1.DisksSettings;
import com.google.cloud.compute.v1.GlobalOperationsClient;
import com.google.cloud.compute.v1.GlobalOperationsSettings;
import com.google.cloud.compute.v1.ImagesClient;
import com.google.cloud.compute.v1.ImagesSettings;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import com.google.cloud.compute.v1.ZoneOperationsSettings;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Google clients one command needs, made on first use and closed together. Every Compute
 * client has its SDK retries switched off ({@link GcpCalls} retries instead). Cloud Storage is
 * reached with kiln's own {@link StorageHttp}, which also resumes uploads ({@link ResumableUpload}).
 */
final class GcpClients implements AutoCloseable {

    /** GCS chunks must be multiples of 256 KiB (cloud.google.com/storage/docs/performing-resumable-uploads). */
    static final int CHUNK_QUANTUM = 256 * 1024;
    /**
     * 0: the whole file in one request, as Google recommends for files ("avoid breaking a transfer
     * into smaller chunks", cloud.google.com/storage/docs/performing-resumable-uploads): each chunk
     * boundary costs a round trip, and on a local endpoint 10 ms (bench/README.md, "GCP upload").
     * A fault still resumes from what Google committed.
     */
    static final int DEFAULT_CHUNK_MIB = 0;

    private final GcpAccount account;
    private final Optional<String> endpoint;
    private final Optional<String> storageEndpoint;
    private final int chunkSize;
    private final List<AutoCloseable> open = new ArrayList<>();
    private ImagesClient images;
    private GlobalOperationsClient globalOperations;
    private InstancesClient instances;
    private ZoneOperationsClient zoneOperations;
    private DisksClient disks;
    private StorageHttp storageHttp;

    GcpClients(GcpAccount account, Optional<String> endpoint, Optional<String> storageEndpoint, int chunkSize) {
        if (chunkSize < 0 || chunkSize % CHUNK_QUANTUM != 0) {
            throw KilnException.usage("--chunk-size must be 0 or a multiple of 256 KiB, not " + chunkSize);
        }
        this.account = account;
        this.endpoint = endpoint;
        this.storageEndpoint = storageEndpoint.or(() -> endpoint);
        this.chunkSize = chunkSize;
    }

    /** Bytes per upload request; 0 sends the rest of the file in one. */
    int chunkSize() {
        return chunkSize;
    }

    String project() {
        return account.project();
    }

    synchronized ImagesClient images() {
        if (images == null) {
            ImagesSettings.Builder b = ImagesSettings.newBuilder();
            b.applyToAllUnaryMethods(c -> { c.setRetryableCodes(); return null; });
            images = keep(() -> ImagesClient.create(common(b).build()));
        }
        return images;
    }

    synchronized GlobalOperationsClient globalOperations() {
        if (globalOperations == null) {
            GlobalOperationsSettings.Builder b = GlobalOperationsSettings.newBuilder();
            b.applyToAllUnaryMethods(c -> { c.setRetryableCodes(); return null; });
            globalOperations = keep(() -> GlobalOperationsClient.create(common(b).build()));
        }
        return globalOperations;
    }

    synchronized InstancesClient instances() {
        if (instances == null) {
            InstancesSettings.Builder b = InstancesSettings.newBuilder();
            b.applyToAllUnaryMethods(c -> { c.setRetryableCodes(); return null; });
            instances = keep(() -> InstancesClient.create(common(b).build()));
        }
        return instances;
    }

    synchronized ZoneOperationsClient zoneOperations() {
        if (zoneOperations == null) {
            ZoneOperationsSettings.Builder b = ZoneOperationsSettings.newBuilder();
            b.applyToAllUnaryMethods(c -> { c.setRetryableCodes(); return null; });
            zoneOperations = keep(() -> ZoneOperationsClient.create(common(b).build()));
        }
        return zoneOperations;
    }

    synchronized DisksClient disks() {
        if (disks == null) {
            DisksSettings.Builder b = DisksSettings.newBuilder();
            b.applyToAllUnaryMethods(c -> { c.setRetryableCodes(); return null; });
            disks = keep(() -> DisksClient.create(common(b).build()));
        }
        return disks;
    }

    synchronized StorageHttp storageHttp() {
        if (storageHttp == null) {
            storageHttp = new StorageHttp(account.credentials(), storageEndpoint.orElse(StorageHttp.GOOGLE));
            open.add(storageHttp);
        }
        return storageHttp;
    }

    private <B extends com.google.api.gax.rpc.ClientSettings.Builder<?, ?>> B common(B b) {
        b.setCredentialsProvider(FixedCredentialsProvider.create(account.credentials()));
        endpoint.ifPresent(b::setEndpoint);
        return b;
    }

    private interface Maker<T> {
        T make() throws IOException;
    }

    private <T extends AutoCloseable> T keep(Maker<T> maker) {
        try {
            T client = maker.make();
            open.add(client);
            return client;
        } catch (IOException e) {
            throw KilnException.tried("set up the Google Cloud client", e.getMessage(), "", e);
        }
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                // closing a client that failed mid-call; nothing left to release
            }
        }
        open.clear();
    }
}
