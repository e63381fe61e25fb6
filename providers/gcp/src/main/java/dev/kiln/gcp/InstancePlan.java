package dev.kiln.gcp;

import dev.kiln.api.KilnException;
import dev.kiln.spi.Options;
import dev.kiln.spi.RunRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything {@code run gcp} will ask for, checked before the first request.
 *
 * @param image    a relative image resource: projects/P/global/images/NAME or .../images/family/FAMILY
 * @param userdata the exact bytes of metadata user-data (never logged)
 * @param serialLog where to save the serial console output as it comes; giving it follows the console
 */
record InstancePlan(String project, String zone, String name, String image, String machine,
                    Optional<Long> bootDiskSizeGb, String bootDiskType, List<DiskSpec> disks, String network,
                    Optional<String> subnetwork, boolean externalIp, Optional<String> userdata,
                    boolean serialPortEnable, Map<String, String> labels, boolean secureBoot, boolean vtpm,
                    boolean integrityMonitoring, Optional<String> serviceAccount, List<String> scopes, boolean spot,
                    boolean serialConsole, Optional<Path> serialLog, boolean waitStopped, boolean remove, boolean keep, Duration timeout) {

    InstancePlan {
        disks = List.copyOf(disks);
        labels = Map.copyOf(labels);
        scopes = List.copyOf(scopes);
    }

    static InstancePlan of(Options o, RunRequest request, String project) {
        String name = GcpNames.resource("instance", request.name());
        String zone = o.require("zone");
        Map<String, String> labels = new LinkedHashMap<>(GcpNames.labels(o.all("label")));
        labels.put("kiln-image", GcpNames.labelValue(imageName(request.image())));
        return new InstancePlan(project, zone, name, image(request.image(), project), o.require("machine"),
                o.integer("boot-disk-size").map(Integer::longValue), o.require("boot-disk-type"),
                DiskSpec.parse(o.all("disk")), o.require("network"), o.find("subnetwork"),
                o.flag("external-ip"), userdata(o), o.flag("serial-port-enable"), labels, o.flag("secure-boot"),
                o.flag("vtpm"), o.flag("integrity-monitoring"), o.find("service-account"), o.all("scopes"),
                o.flag("spot"), o.flag("serial-console") || o.isSet("serial-log"), serialLog(o),
                o.flag("wait-stopped"), o.flag("rm"), o.flag("keep"),
                o.duration("timeout").orElse(Duration.ofMinutes(30)));
    }

    boolean shielded() {
        return secureBoot || vtpm || integrityMonitoring;
    }

    String region() {
        return zone.substring(0, zone.lastIndexOf('-'));
    }

    String instanceId() {
        return "projects/" + project + "/zones/" + zone + "/instances/" + name;
    }

    /** Boot disk first (named after the instance, as GCE does), then NAME-disk-1, NAME-disk-2 ... */
    List<String> diskNames() {
        List<String> names = new java.util.ArrayList<>(List.of(name));
        for (int i = 1; i <= disks.size(); i++) {
            names.add(diskName(i));
        }
        return names;
    }

    String diskName(int index) {
        String base = name.length() > 52 ? name.substring(0, 52) : name;
        return base + "-disk-" + index;
    }

    private static String image(String given, String project) {
        if (given.startsWith("https://") || given.startsWith("projects/")) {
            return given.startsWith("https://") ? given.substring(given.indexOf("projects/")) : given;
        }
        if (given.startsWith("family/")) {
            return "projects/" + project + "/global/images/family/"
                    + GcpNames.resource("image family", given.substring(7));
        }
        return "projects/" + project + "/global/images/" + GcpNames.resource("image", given);
    }

    private static String imageName(String given) {
        return given.substring(given.lastIndexOf('/') + 1);
    }

    /** Checked before anything is made, so a typo does not cost an instance. */
    private static Optional<Path> serialLog(Options o) {
        Optional<Path> log = o.path("serial-log");
        Path folder = log.map(p -> p.toAbsolutePath().getParent()).orElse(null);
        if (folder != null && !Files.isDirectory(folder)) {
            throw KilnException.usage("--serial-log " + log.get() + ": folder " + folder + " does not exist");
        }
        return log;
    }

    private static Optional<String> userdata(Options o) {
        if (o.isSet("userdata") && o.isSet("userdata-file")) {
            throw KilnException.usage("pass --userdata or --userdata-file, not both");
        }
        Optional<Path> file = o.path("userdata-file");
        if (file.isPresent()) {
            try {
                return Optional.of(Files.readString(file.get(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw KilnException.usage("cannot read --userdata-file " + file.get() + ": " + e.getMessage());
            }
        }
        return o.find("userdata");
    }
}
