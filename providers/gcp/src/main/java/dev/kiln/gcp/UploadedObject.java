package dev.kiln.gcp;

/**
 * An object in Cloud Storage that holds the image file.
 *
 * @param reused true when an earlier push had left the same content there (kiln did not make it now)
 */
record UploadedObject(String bucket, String name, long size, boolean reused) {

    String uri() {
        return "gs://" + bucket + "/" + name;
    }
}
