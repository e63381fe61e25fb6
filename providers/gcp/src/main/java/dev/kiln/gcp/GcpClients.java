package dev.kiln.gcp;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.StorageRetryStrategy;
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
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Google clients one command needs, made on first use and closed together. Every Compute
 * client has its SDK retries switched off ({@link GcpCalls} retries instead). Cloud Storage is
 * reached with google-cloud-storage over its JSON API; uploads are resumable with the library's
 * own retries and CRC32C check ({@link UploadObject}), on connections {@link GcsConnections} opens.
 */
final class GcpClients implements AutoCloseable {

    /** GCS chunks must be multiples of 256 KiB (cloud.google.com/storage/docs/performing-resumable-uploads). */
    static final int CHUNK_QUANTUM = 256 * 1024;
    /**
     * The library holds one chunk in memory and resends it after a fault; each chunk boundary costs
     * a round trip. 64 MiB keeps the round trips few (bench/README.md, "GCP upload") at a bounded cost.
     */
    static final int DEFAULT_CHUNK_MIB = 64;
    static final String GOOGLE_STORAGE = "https://storage.googleapis.com";

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
    private Storage storage;
    private GcsConnections connections;

    /** Certificates to trust instead of the JVM's (tests with a self-signed stand-in); null: the JVM's. */
    private java.security.KeyStore trust;

    GcpClients trusting(java.security.KeyStore certificates) {
        this.trust = certificates;
        return this;
    }

    GcpClients(GcpAccount account, Optional<String> endpoint, Optional<String> storageEndpoint, int chunkSize) {
        if (chunkSize <= 0 || chunkSize % CHUNK_QUANTUM != 0) {
            throw KilnException.usage("--chunk-size must be a multiple of 256 KiB, not "
                    + dev.kiln.api.ByteSize.format(chunkSize));
        }
        this.account = account;
        this.endpoint = endpoint;
        this.storageEndpoint = storageEndpoint.or(() -> endpoint);
        this.chunkSize = chunkSize;
    }

    /** Bytes per upload request. */
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

    /**
     * The Cloud Storage client: JSON API at the storage endpoint (Google's by default), the library's
     * retries (exponential backoff for 408, 429, 5xx and dropped connections; a resumable upload asks
     * what was committed and goes on from there), uploads in chunks of {@link #chunkSize}.
     */
    synchronized Storage storage() {
        if (storage == null) {
            String host = storageEndpoint.orElse(GOOGLE_STORAGE).replaceAll("/+$", "");
            connections = new GcsConnections(URI.create(host));
            NetHttpTransport.Builder builder = new NetHttpTransport.Builder().setConnectionFactory(connections);
            if (trust != null) {
                try {
                    builder.trustCertificates(trust);
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            }
            NetHttpTransport transport = builder.build();
            storage = StorageOptions.http()
                    .setCredentials(account.credentials())
                    .setProjectId(account.project())
                    .setHost(host)
                    .setTransportOptions(HttpTransportOptions.newBuilder().setHttpTransportFactory(() -> transport)
                            .setConnectTimeout(20_000).setReadTimeout(60_000).build())
                    // a resumable session's PUTs are safe to repeat (the library asks what was committed
                    // first), and kiln's reads and deletes are too; the default strategy would not retry a
                    // chunk after a 503 unless it judged the whole write idempotent
                    .setStorageRetryStrategy(StorageRetryStrategy.getUniformStorageRetryStrategy())
                    .build().getService();
            open.add(storage);
        }
        return storage;
    }

    /** The connections {@link #storage} uses (made with it). */
    synchronized GcsConnections connections() {
        storage();
        return connections;
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
            throw KilnException.tried("set up the Google Cloud client", KilnException.reason(e), "", e);
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
