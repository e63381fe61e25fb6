package dev.kiln.rootfs;

import dev.kiln.api.KilnException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Linux capabilities as LinuxKit resolves them: the known list in kernel order (capability.h,
 * up to CAP_CHECKPOINT_RESTORE), the {@code all}/{@code none} keywords, and the sets runc wants.
 */
final class Capabilities {

    static final List<String> ALL = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
            "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
            "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
            "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
            "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON",
            "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    private Capabilities() {
    }

    /** A single {@code all} or {@code none} (any case) expands; every other name must be known. */
    static List<String> expand(List<String> caps, String where) {
        if (caps.size() == 1) {
            switch (caps.get(0).toLowerCase(Locale.ROOT)) {
                case "none" -> {
                    return List.of();
                }
                case "all" -> {
                    return ALL;
                }
                default -> { }
            }
        }
        for (String c : caps) {
            if (!ALL.contains(c)) {
                throw KilnException.tried("make the OCI config for " + where, "'" + c + "' is not a known capability",
                        "use names such as CAP_NET_ADMIN, or 'all' or 'none'");
            }
        }
        return caps;
    }

    /** Ordered union without duplicates, as {@code capabilities.add} merges into the label's list. */
    static List<String> merge(List<String> first, List<String> second) {
        if (first == null) {
            return second;
        }
        if (second == null) {
            return first;
        }
        Set<String> out = new LinkedHashSet<>(first);
        out.addAll(second);
        return new ArrayList<>(out);
    }

    static List<String> bounding(List<String> caps, List<String> ambient) {
        Set<String> all = new TreeSet<>(caps);
        all.addAll(ambient);
        return new ArrayList<>(all);
    }
}
