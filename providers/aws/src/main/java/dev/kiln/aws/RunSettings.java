package dev.kiln.aws;

import dev.kiln.api.DiskRequest;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.Options;
import dev.kiln.spi.RunRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything {@code run aws} was asked to do, checked before any call to AWS: its own flags, plus the shared
 * userdata, {@code --disk}, {@code --wait}, {@code --rm}, {@code --keep} and {@code --tag} from the request.
 */
record RunSettings(String instanceType, Optional<String> subnet, List<String> securityGroups, Optional<String> keyName,
                   Optional<String> instanceProfile, Optional<String> placement, Optional<byte[]> userdata,
                   String imdsTokens, int hopLimit, Map<String, String> tags, List<Volume> disks,
                   List<String> volumes, boolean console, Lifecycle.Wait waitFor, boolean rm, boolean keep) {

    /** EC2 takes at most 16 KiB of userdata before base64 (RunInstances, UserData). */
    static final int USERDATA_LIMIT = 16 * 1024;
    static final String USERDATA_RULE = "EC2 takes at most 16 KiB before base64";

    /** One {@code --disk}: a volume created with the instance and deleted with it; gp3 and /dev/sdf on unless given. */
    record Volume(int sizeGiB, String type, Optional<Integer> iops, String device) {

        static Volume of(DiskRequest d, int position) {
            int size = d.sizeGiB().orElseThrow(() -> KilnException.usage("--disk " + d.text() + ": size= is required"));
            return new Volume(size, d.type().orElse("gp3"), d.iops(),
                    d.device().orElse("/dev/sd" + (char) ('f' + position)));
        }
    }

    static RunSettings from(Options o, RunRequest request) {
        String tokens = o.find("imds-v2").orElse("optional");
        if (!tokens.equals("optional") && !tokens.equals("required")) {
            throw KilnException.usage("--imds-v2 must be optional or required, not '" + tokens + "'");
        }
        List<Volume> disks = new ArrayList<>();
        for (DiskRequest d : request.disks()) {
            disks.add(Volume.of(d, disks.size()));
        }
        Optional<byte[]> userdata = request.userdata().map(u -> {
            new dev.kiln.api.UserdataLimit(USERDATA_LIMIT, USERDATA_RULE).check(u, "run aws");
            return u.bytes();
        });
        Lifecycle life = request.lifecycle();
        return new RunSettings(o.require("instance-type"), o.find("subnet"), o.all("security-group"),
                o.find("key-name"), o.find("instance-profile"), o.find("placement"), userdata, tokens,
                o.integer("imds-hop-limit").orElse(2), Tags.checked(request.tags()), disks, o.all("volume"),
                o.flag("follow-console"), life.waitOr(Lifecycle.Wait.RUNNING), life.rm(), life.keep());
    }
}
