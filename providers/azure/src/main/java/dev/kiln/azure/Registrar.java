package dev.kiln.azure;

import dev.kiln.spi.Resource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What becomes of the upload: a managed image ({@link ManagedImages}) or a gallery version ({@link GalleryVersions}). */
interface Registrar {

    /**
     * What the image is made from: the uploaded managed disk ({@code diskId}), or a page blob in the user's storage
     * account ({@code blob}).
     */
    record Source(String diskId, StorageBlob blob) {

        String describe() {
            return blob == null ? "the uploaded disk " + diskId.substring(diskId.lastIndexOf('/') + 1)
                    : "the " + blob.describe();
        }

        String deleteCommand(AzureConnection azure) {
            return blob == null ? "az disk delete -y -g " + azure.resourceGroup() + " -n "
                    + diskId.substring(diskId.lastIndexOf('/') + 1) : blob.deleteCommand();
        }
    }

    /** The push's hold on its source: removed once the image holds its own copy, or let go while Azure reads it. */
    interface Upload {
        /** The image holds its own copy now: the uploaded disk or blob goes, on purpose. */
        void delete(Source source) throws InterruptedException;

        /** Azure goes on reading the source (replication): it stays, and is no longer this push's to undo or keep. */
        void release();
    }

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
