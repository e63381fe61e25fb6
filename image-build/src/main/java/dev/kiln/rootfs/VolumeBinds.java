package dev.kiln.rootfs;

import dev.kiln.config.ImageConfig;
import dev.kiln.config.KilnConfig;
import dev.kiln.config.MountSpec;
import dev.kiln.config.VolumeSpec;
import dev.kiln.api.KilnException;

import java.util.ArrayList;
import java.util.List;

/**
 * Binds and bind mounts whose source is a volume name (not a path) are pointed at the volume's
 * merged directory, {@code /containers/volumes/NAME/merged}; a read-only volume must be bound
 * {@code ro} (LinuxKit's {@code updateMountsAndBindsFromVolumes}).
 */
final class VolumeBinds {

    private VolumeBinds() {
    }

    static ImageConfig resolve(ImageConfig c, KilnConfig config, String where) {
        if (c.binds() == null && c.bindsAdd() == null && c.mounts() == null) {
            return c;
        }
        return c.withBinds(binds(c.binds(), config, where), binds(c.bindsAdd(), config, where),
                mounts(c.mounts(), config, where));
    }

    static String mergedDir(String volume) {
        return "/containers/volumes/" + volume + "/merged";
    }

    private static List<String> binds(List<String> binds, KilnConfig config, String where) {
        if (binds == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String bind : binds) {
            String[] parts = bind.split(":", -1);
            if (parts[0].startsWith("/")) {
                out.add(bind);
                continue;
            }
            VolumeSpec v = volume(config, parts[0], where);
            if (v.readonly() && (parts.length < 3 || !parts[2].equals("ro"))) {
                throw readOnly(v, where);
            }
            parts[0] = mergedDir(v.name());
            out.add(String.join(":", parts));
        }
        return out;
    }

    private static List<MountSpec> mounts(List<MountSpec> mounts, KilnConfig config, String where) {
        if (mounts == null) {
            return null;
        }
        List<MountSpec> out = new ArrayList<>();
        for (MountSpec m : mounts) {
            if (!"bind".equals(m.type()) || m.source() == null || m.source().startsWith("/")) {
                out.add(m);
                continue;
            }
            VolumeSpec v = volume(config, m.source(), where);
            boolean ro = false;
            for (String o : m.options()) {
                if (o.equals("rw") || o.equals("ro")) {
                    ro = o.equals("ro");
                    break;
                }
            }
            if (v.readonly() && !ro) {
                throw readOnly(v, where);
            }
            out.add(new MountSpec(m.destination(), m.type(), mergedDir(v.name()), m.options()));
        }
        return out;
    }

    private static VolumeSpec volume(KilnConfig config, String name, String where) {
        VolumeSpec v = config.volume(name);
        if (v == null) {
            throw KilnException.tried("make the OCI config for " + where, "'" + name + "' is neither an absolute "
                    + "path nor a volume", "declare it under volumes:, or bind an absolute path");
        }
        return v;
    }

    private static KilnException readOnly(VolumeSpec v, String where) {
        return KilnException.tried("make the OCI config for " + where, "volume " + v.name() + " is read-only but "
                + "is bound read-write", "add :ro to the bind");
    }
}
