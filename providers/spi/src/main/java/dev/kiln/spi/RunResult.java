package dev.kiln.spi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code run} started and how it ended. Built with {@link #builder}, so adding a field later breaks no
 * provider. {@code addresses} are by kind ({@code public_ipv4}, {@code private_ipv4}, {@code ssh} host:port);
 * {@code state} is the last known one (running, stopped, terminated, exited); {@code exitCode} is the guest's
 * exit status where the provider knows it (qemu); {@code created} is what run made, with {@code removed}
 * telling whether {@code --rm} took it away.
 */
public final class RunResult {

    private final String provider;
    private final String instanceId;
    private final String location;
    private final String state;
    private final Map<String, String> addresses;
    private final Optional<Integer> exitCode;
    private final Optional<Path> consoleLog;
    private final List<Resource> created;
    private final boolean removed;

    private RunResult(Builder b) {
        this.provider = Objects.requireNonNull(b.provider, "provider");
        this.instanceId = Objects.requireNonNull(b.instanceId, "instanceId");
        this.location = b.location == null ? "" : b.location;
        this.state = Objects.requireNonNull(b.state, "state");
        this.addresses = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.addresses));
        this.exitCode = Optional.ofNullable(b.exitCode);
        this.consoleLog = Optional.ofNullable(b.consoleLog);
        this.created = List.copyOf(b.created);
        this.removed = b.removed;
    }

    public static Builder builder(String provider, String instanceId) {
        return new Builder(provider, instanceId);
    }

    public String provider() {
        return provider;
    }

    public String instanceId() {
        return instanceId;
    }

    public String location() {
        return location;
    }

    public String state() {
        return state;
    }

    public Map<String, String> addresses() {
        return addresses;
    }

    public Optional<Integer> exitCode() {
        return exitCode;
    }

    public Optional<Path> consoleLog() {
        return consoleLog;
    }

    public List<Resource> created() {
        return created;
    }

    public boolean removed() {
        return removed;
    }

    @Override
    public String toString() {
        return "RunResult[" + provider + " " + instanceId + " " + state + "]";
    }

    public static final class Builder {
        private final String provider;
        private final String instanceId;
        private String location;
        private String state;
        private final Map<String, String> addresses = new LinkedHashMap<>();
        private Integer exitCode;
        private Path consoleLog;
        private final List<Resource> created = new ArrayList<>();
        private boolean removed;

        private Builder(String provider, String instanceId) {
            this.provider = provider;
            this.instanceId = instanceId;
        }

        public Builder location(String value) {
            location = value;
            return this;
        }

        public Builder state(String value) {
            state = value;
            return this;
        }

        public Builder address(String kind, String value) {
            addresses.put(kind, value);
            return this;
        }

        public Builder addresses(Map<String, String> value) {
            addresses.putAll(value);
            return this;
        }

        public Builder exitCode(Integer value) {
            exitCode = value;
            return this;
        }

        public Builder consoleLog(Path value) {
            consoleLog = value;
            return this;
        }

        public Builder created(Resource value) {
            created.add(value);
            return this;
        }

        public Builder created(List<Resource> value) {
            created.addAll(value);
            return this;
        }

        public Builder removed(boolean value) {
            removed = value;
            return this;
        }

        public RunResult build() {
            return new RunResult(this);
        }
    }
}
