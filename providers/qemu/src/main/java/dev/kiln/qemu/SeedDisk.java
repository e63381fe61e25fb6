package dev.kiln.qemu;

import dev.kiln.api.Conversions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * The userdata CD: an ISO9660 volume labelled {@code cidata} holding {@code user-data} and
 * {@code meta-data} (cloud-init's NoCloud datasource) and the same userdata again as
 * {@code config}, the name LinuxKit's own metadata ISO uses. LinuxKit's metadata package mounts a
 * {@code /dev/sr*} device as iso9660 and reads {@code user-data}, falling back to {@code config};
 * cloud-init finds the volume by its label. The userdata bytes never reach a log.
 */
final class SeedDisk {

    static final String LABEL = "cidata";

    private SeedDisk() {
    }

    /** The files on the CD; meta-data names the instance so cloud-init treats each VM as itself. */
    static Map<String, byte[]> files(byte[] userData, UUID instanceId, String name) {
        String metaData = "instance-id: " + instanceId + "\nlocal-hostname: " + hostname(name) + "\n";
        return Map.of("user-data", userData.clone(), "meta-data", metaData.getBytes(StandardCharsets.UTF_8),
                "config", userData.clone());
    }

    /** The instance name as a host name: letters, digits, dots and dashes, at most 63 characters (RFC 1123). */
    static String hostname(String name) {
        String host = name.replaceAll("[^A-Za-z0-9.-]", "-").replaceAll("^[.-]+|[.-]+$", "");
        host = host.length() > 63 ? host.substring(0, 63) : host;
        return host.isEmpty() ? "kiln" : host;
    }

    /** Writes the CD through the core's ISO writer; a failure is its KilnException, naming the file. */
    static void write(Conversions conversions, Path out, byte[] userData, UUID instanceId, String name) {
        conversions.writeIso(out, LABEL, files(userData, instanceId, name));
    }
}
