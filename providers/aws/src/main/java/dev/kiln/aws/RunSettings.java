package dev.kiln.aws;

import dev.kiln.api.KilnException;
import dev.kiln.spi.Options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything {@code run aws} was asked to do, checked before any call to AWS. */
record RunSettings(String instanceType, Optional<String> subnet, List<String> securityGroups, Optional<String> keyName,
                   Optional<String> instanceProfile, Optional<String> placement, Optional<byte[]> userdata,
                   String imdsTokens, int hopLimit, Map<String, String> tags, List<DiskSpec> disks,
                   List<String> volumes, boolean console, boolean waitStopped, boolean rm, boolean keep) {

    /** EC2 takes at most 16 KiB of userdata before base64 (RunInstances, UserData). */
    static final int USERDATA_LIMIT = 16 * 1024;

    static RunSettings from(Options o) {
        String tokens = o.find("imds-v2").orElse("optional");
        if (!tokens.equals("optional") && !tokens.equals("required")) {
            throw KilnException.usage("--imds-v2 must be optional or required, not '" + tokens + "'");
        }
        List<DiskSpec> disks = new ArrayList<>();
        for (String d : o.all("disk")) {
            disks.add(DiskSpec.parse(d, disks.size()));
        }
        return new RunSettings(o.require("instance-type"), o.find("subnet"), o.all("security-group"),
                o.find("key-name"), o.find("instance-profile"), o.find("placement"), userdata(o), tokens,
                o.integer("imds-hop-limit").orElse(2), Tags.parse(o.all(AwsOptions.TAG)), disks, o.all("volume"),
                o.flag("follow-console"), o.flag("wait-stopped"), o.flag("rm"), o.flag("keep"));
    }

    private static Optional<byte[]> userdata(Options o) {
        Optional<String> text = o.find("userdata");
        Optional<Path> file = o.path("userdata-file");
        if (text.isPresent() && file.isPresent()) {
            throw KilnException.usage("pass --userdata or --userdata-file, not both");
        }
        byte[] bytes;
        if (text.isPresent()) {
            bytes = text.get().getBytes(StandardCharsets.UTF_8);
        } else if (file.isPresent()) {
            try {
                bytes = Files.readAllBytes(file.get());
            } catch (IOException e) {
                throw KilnException.usage("Cannot read --userdata-file " + file.get() + ": " + e.getMessage());
            }
        } else {
            return Optional.empty();
        }
        if (bytes.length > USERDATA_LIMIT) {
            throw KilnException.usage("Userdata is " + bytes.length + " bytes; EC2 takes at most " + USERDATA_LIMIT
                    + " (16 KiB) before base64. Compress it, or fetch the rest from S3 at boot");
        }
        return Optional.of(bytes);
    }
}
