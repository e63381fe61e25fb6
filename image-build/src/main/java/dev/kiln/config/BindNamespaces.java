package dev.kiln.config;

/** Paths where the LinuxKit runtime binds a container's namespaces; null when unset. */
public record BindNamespaces(String cgroup, String ipc, String mnt, String net, String pid, String user, String uts) {

    public static final BindNamespaces NONE = new BindNamespaces(null, null, null, null, null, null, null);
}
