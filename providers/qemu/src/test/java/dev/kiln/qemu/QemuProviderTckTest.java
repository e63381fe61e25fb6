package dev.kiln.qemu;

import dev.kiln.api.ImageFormat;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import dev.kiln.testkit.ProviderHarness;
import dev.kiln.testkit.ProviderTck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The provider TCK for qemu. qemu cannot push, so the push cases are JUnit assumptions that say so; the run
 * cases (over-size userdata, unsupported {@code --disk} keys) run. qemu's stand-in for a cloud is the state
 * directory: what a run makes are files there, so the mutating calls are the files that appeared in it.
 */
class QemuProviderTckTest extends ProviderTck {

    @Override
    protected ProviderFactory factory() {
        return new QemuProviderFactory();
    }

    @Override
    protected StandIn newStandIn() throws IOException {
        return new StateDirStandIn(Files.createDirectories(tmp.resolve("stand-in-state")));
    }

    @Override
    protected PushRequest pushRequest(Path dir, String name, String digest) throws IOException {
        return PushRequest.of(ProviderHarness.sampleDisk(dir, name, 1 << 20), ImageFormat.RAW_BIOS, name, digest);
    }

    /** A state directory: runs point --state at it, and every file that appears there is a mutation. */
    private static final class StateDirStandIn implements StandIn {

        private final Path state;
        private final Set<String> before;

        StateDirStandIn(Path state) throws IOException {
            this.state = state;
            this.before = files();
        }

        @Override
        public ProviderHarness harness(Path workDir) {
            return new ProviderHarness(new QemuProviderFactory(), workDir).flag("state", state.toString());
        }

        @Override
        public List<String> mutations() {
            try {
                return files().stream().filter(f -> !before.contains(f)).map(f -> "create " + f).toList();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Set<String> resources() throws IOException {
            return files();
        }

        @Override
        public Map<String, String> images(String name) {
            return Map.of();
        }

        @Override
        public void failMutation(int n) {
            throw new UnsupportedOperationException("qemu's files are made by qemu-img and the ISO writer, which "
                    + "take no injected faults; only the push cases use this, and qemu cannot push");
        }

        @Override
        public void onMutation(int n, Runnable action) {
            throw new UnsupportedOperationException("only the push cases use this, and qemu cannot push");
        }

        @Override
        public Set<String> secrets() {
            return Set.of();
        }

        private Set<String> files() throws IOException {
            try (Stream<Path> walk = Files.walk(state)) {
                return walk.filter(Files::isRegularFile).map(p -> state.relativize(p).toString())
                        .collect(Collectors.toCollection(TreeSet::new));
            }
        }

        @Override
        public void close() {
        }
    }
}
