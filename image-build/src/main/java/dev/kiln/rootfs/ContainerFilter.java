package dev.kiln.rootfs;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * LinuxKit's per-image filtering ({@code moby/build/image.go}): drops what Docker leaves in exported
 * images, writes fixed {@code etc/hosts} and {@code etc/resolv.conf}, and makes sure the mount
 * points and files every container needs exist. Init images get {@code etc/resolv.conf} as a
 * symlink to {@code /run/resolvconf/resolv.conf} so it stays writeable.
 */
final class ContainerFilter {

    static final String RESOLV_SYMLINK = "/run/resolvconf/resolv.conf";

    private static final List<String> EXCLUDE = List.of(".dockerenv", "Dockerfile", "dev/console", "dev/pts",
            "dev/shm", "etc/hostname");
    private static final byte[] HOSTS = ("127.0.0.1       localhost\n"
            + "::1     localhost ip6-localhost ip6-loopback\n"
            + "fe00::0 ip6-localnet\n"
            + "ff00::0 ip6-mcastprefix\n"
            + "ff02::1 ip6-allnodes\n"
            + "ff02::2 ip6-allrouters\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESOLV = "\n# no resolv.conf configured\n".getBytes(StandardCharsets.US_ASCII);

    private ContainerFilter() {
    }

    /** @param resolvSymlink true for init images */
    static void apply(FlatImage image, boolean resolvSymlink) {
        EXCLUDE.forEach(image::remove);
        replace(image, "etc/hosts", HOSTS);
        if (resolvSymlink) {
            image.put(TarEntry.symlink("etc/resolv.conf", RESOLV_SYMLINK));
        } else {
            replace(image, "etc/resolv.conf", RESOLV);
        }
        touch().forEach((name, entry) -> {
            if (!image.contains(name)) {
                if (entry.kind() == TarEntry.Kind.FILE) {
                    image.put(entry, name.equals("etc/hosts") ? HOSTS : RESOLV);
                } else {
                    image.put(entry);
                }
            }
        });
    }

    private static void replace(FlatImage image, String name, byte[] content) {
        TarEntry old = image.get(name);
        int mode = old != null && old.kind() == TarEntry.Kind.FILE ? old.mode() : 0644;
        long uid = old == null ? 0 : old.uid();
        long gid = old == null ? 0 : old.gid();
        image.put(TarEntry.file(name, mode, content.length).withOwner(uid, gid), content);
    }

    private static Map<String, TarEntry> touch() {
        Map<String, TarEntry> t = new TreeMap<>();
        for (String dir : List.of("dev", "dev/pts", "dev/shm", "etc", "proc", "sys")) {
            t.put(dir, TarEntry.dir(dir, 0755));
        }
        t.put("etc/mtab", TarEntry.symlink("etc/mtab", "/proc/mounts"));
        t.put("etc/hosts", TarEntry.file("etc/hosts", 0644, HOSTS.length));
        t.put("etc/resolv.conf", TarEntry.file("etc/resolv.conf", 0644, RESOLV.length));
        return t;
    }
}
