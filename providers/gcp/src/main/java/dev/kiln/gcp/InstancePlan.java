package dev.kiln.gcp;

import dev.kiln.api.KilnException;
import dev.kiln.api.ByteSize;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.Options;
import dev.kiln.spi.RunRequest;

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
 * @param waitFor   what to wait for after the insert (default: RUNNING)
 * @param timeout   the longest wait for an operation or RUNNING, and for STOPPED when {@code --timeout} is given
 * @param stopTimeout the longest wait for the guest to stop: {@code --timeout}, else as long as it takes
 */
record InstancePlan(String project, String zone, String name, String image, String machine,
                    Optional<Long> bootDiskSizeGb, String bootDiskType, List<DiskSpec> disks, String network,
                    Optional<String> subnetwork, boolean externalIp, Optional<String> userdata,
                    boolean serialPortEnable, Map<String, String> labels, boolean secureBoot, boolean vtpm,
                    boolean integrityMonitoring, Optional<String> serviceAccount, List<String> scopes, boolean spot,
                    boolean serialConsole, Optional<Path> serialLog, Lifecycle.Wait waitFor, boolean remove, boolean keep,
                    Duration timeout, Duration stopTimeout) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    /** Waiting for a guest to stop by itself has no natural end; Ctrl-C ends it. */
    static final Duration UNTIL_STOPPED = Duration.ofDays(3650);

    InstancePlan {
        disks = List.copyOf(disks);
        labels = Map.copyOf(labels);
        scopes = List.copyOf(scopes);
    }

    static InstancePlan of(Options o, RunRequest request, String project) {
        String name = GcpNames.resource("instance", request.name());
        String zone = o.require("zone");
        Map<String, String> labels = new LinkedHashMap<>(GcpNames.labels(request.tags()));
        labels.put(GcpNames.NAME_LABEL, name);
        labels.put(GcpNames.IMAGE_LABEL, GcpNames.labelValue(imageName(request.image())));
        labels.put(GcpNames.VERSION_LABEL, GcpNames.labelValue(dev.kiln.api.Version.get()));
        return new InstancePlan(project, zone, name, image(request.image(), project), o.require("machine"),
                o.size("boot-disk-size", ByteSize.GIB).map(b -> new ByteSize(b).ceil(ByteSize.GIB)), o.require("boot-disk-type"),
                DiskSpec.of(request.disks()), o.require("network"), o.find("subnetwork"),
                o.flag("external-ip"), userdata(request), o.flag("serial-port-enable"), labels, o.flag("secure-boot"),
                o.flag("vtpm"), o.flag("integrity-monitoring"), o.find("service-account"), o.all("scopes"),
                o.flag("spot"), o.flag("serial-console") || o.isSet("serial-log"), serialLog(o),
                request.lifecycle().waitOr(Lifecycle.Wait.RUNNING), request.lifecycle().rm(),
                request.lifecycle().keep(), timeout(request), request.lifecycle().timeout().map(t -> timeout(request))
                        .orElse(UNTIL_STOPPED));
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

    /** user-data is a metadata string; the CLI has checked it against GCE's 256 KiB. */
    private static Optional<String> userdata(RunRequest request) {
        return request.userdata().map(u -> new String(u.bytes(), StandardCharsets.UTF_8));
    }

    private static Duration timeout(RunRequest request) {
        Duration d = request.lifecycle().timeoutOr(DEFAULT_TIMEOUT);
        if (d.isZero() || d.isNegative()) {
            throw KilnException.usage("--timeout must be longer than zero");
        }
        return d;
    }

    boolean waitStopped() {
        return waitFor == Lifecycle.Wait.STOPPED;
    }
}
