package dev.kiln.config;

import java.util.List;

/**
 * The {@code runtime} section: applied by LinuxKit's init at run time, written to runtime.json.
 * Null fields are unset (so the image label's value, if any, applies).
 */
public record RuntimeConfig(List<String> cgroups, List<MountSpec> mounts, List<String> mkdir,
                            List<InterfaceSpec> interfaces, BindNamespaces bindNS, String namespace) {
}
