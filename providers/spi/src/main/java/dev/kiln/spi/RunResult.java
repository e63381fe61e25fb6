package dev.kiln.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code run} started and how it ended.
 *
 * @param addresses  by kind: {@code public_ipv4}, {@code private_ipv4}, {@code ssh} (host:port) ...
 * @param state      last known state: running, stopped, terminated, exited
 * @param exitCode   the guest's exit status where the provider knows it (qemu)
 * @param consoleLog where the serial console was saved, if it was
 * @param created    what run made (instance, volumes, disks), with {@code removed} telling if --rm took it away
 */
public record RunResult(String provider, String instanceId, String location, String state,
                        Map<String, String> addresses, Optional<Integer> exitCode, Optional<Path> consoleLog,
                        List<Resource> created, boolean removed) {

    public RunResult {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(instanceId, "instanceId");
        location = location == null ? "" : location;
        Objects.requireNonNull(state, "state");
        addresses = Map.copyOf(addresses);
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(consoleLog, "consoleLog");
        created = List.copyOf(created);
    }
}
