package dev.kiln.config;

/** A user namespace id mapping, as in the OCI runtime spec. */
public record IdMapping(long containerID, long hostID, long size) {
}
