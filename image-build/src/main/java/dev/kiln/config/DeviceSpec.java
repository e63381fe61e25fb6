package dev.kiln.config;

/** A device for a container; {@code path: all} allows a whole class in the device cgroup. */
public record DeviceSpec(String path, String type, long major, long minor, String mode) {
}
