package dev.kiln.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * The part of an image spec that the {@code org.mobyproject.config} label may also carry. Every
 * field is null when not written, so precedence (YAML over label over image config) can be
 * decided field by field, as LinuxKit's {@code ConfigToOCI} does.
 */
public record ImageConfig(List<String> capabilities, List<String> capabilitiesAdd, List<String> ambient,
                          List<MountSpec> mounts, List<String> binds, List<String> bindsAdd,
                          List<DeviceSpec> devices, List<String> tmpfs, List<String> command, List<String> env,
                          String cwd, String net, String pid, String ipc, String uts, String userns,
                          String hostname, Boolean readonly, List<String> maskedPaths, List<String> readonlyPaths,
                          IdRef uid, IdRef gid, List<IdRef> additionalGids, Boolean noNewPrivileges,
                          Long oomScoreAdj, String rootfsPropagation, String cgroupsPath, JsonNode resources,
                          Map<String, String> sysctl, List<String> rlimits, List<IdMapping> uidMappings,
                          List<IdMapping> gidMappings, Map<String, String> annotations, RuntimeConfig runtime) {

    public static final ImageConfig EMPTY = new ImageConfig(null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null);

    /** Same config with {@code binds}, {@code binds.add} and bind mounts replaced (volume names resolved). */
    public ImageConfig withBinds(List<String> newBinds, List<String> newBindsAdd, List<MountSpec> newMounts) {
        return new ImageConfig(capabilities, capabilitiesAdd, ambient, newMounts, newBinds, newBindsAdd, devices,
                tmpfs, command, env, cwd, net, pid, ipc, uts, userns, hostname, readonly, maskedPaths,
                readonlyPaths, uid, gid, additionalGids, noNewPrivileges, oomScoreAdj, rootfsPropagation,
                cgroupsPath, resources, sysctl, rlimits, uidMappings, gidMappings, annotations, runtime);
    }
}
