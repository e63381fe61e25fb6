package dev.kiln.qemu;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Version;
import dev.kiln.spi.Made;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunChecks;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kiln run qemu}: boots an image here and, in the foreground ({@code --wait stopped}, the default),
 * returns when the guest powers off, with qemu's exit status (0 for a power-off); {@code --wait running}
 * returns once qemu runs the VM in the background. Whatever the run made is removed again when it fails,
 * times out or is cancelled (unless {@code --keep}); {@code --rm} removes it after a clean power-off too.
 */
final class QemuProvider implements Provider {

    /** Where the guest is on qemu's user network (slirp's fixed DHCP lease). */
    static final String GUEST_ADDRESS = "10.0.2.15";

    private final ProviderContext context;
    private final Events events;
    private final Path host;
    private final boolean onTerminal;

    /**
     * @param host       the root the KVM checks read ({@code /})
     * @param onTerminal whether kiln runs on a terminal, for {@code --interactive auto}
     */
    QemuProvider(ProviderContext context, Path host, boolean onTerminal) {
        this.context = context;
        this.events = context.events();
        this.host = host;
        this.onTerminal = onTerminal;
    }

    @Override
    public PushResult push(PushRequest request) {
        throw KilnException.usage("qemu boots images here and publishes nothing; use 'kiln run qemu "
                + request.image() + "'");
    }

    @Override
    public RunResult run(RunRequest request) throws InterruptedException {
        RunChecks.check(request, QemuProviderFactory.RUN, "qemu");
        QemuSettings settings = QemuSettings.from(context.options(), request);
        BootImage image = BootImage.locate(request.image());
        StateDir state = new StateDir(settings.stateDir().orElse(image.defaultStateDir()), request.dryRun());
        RunFiles made = new RunFiles(new Cleanup(events, e -> KilnException.reason(e)));
        ProcessWait waits = new ProcessWait(context);
        try {
            context.cancel().throwIfCancelled();
            events.phase("prepare " + request.name());
            QemuVm vm = new VmPlanner(settings, context, host, request.dryRun()).plan(request.name(), image, state, made);
            List<String> argv = QemuCommandLine.of(vm);
            events.debug("qemu command line: " + String.join(" ", argv));
            if (request.dryRun()) {
                events.info("would run: " + String.join(" ", argv));
                return result(state, settings, "dry-run", made).build();
            }
            RunRecord record = record(request, state, made);
            if (settings.detach()) {
                String pid = new DetachedRun(events, waits).start(argv, vm, settings.timeout());
                GuestProcess.readPid(state.pidFile()).map(record::withPid).orElse(record).write(state.root());
                made.keepAll();
                return result(state, settings, "running", made).created(Resource.of("process", pid)).build();
            }
            return foreground(argv, vm, state, settings, made, waits);
        } catch (InterruptedException e) {
            events.warn("interrupted; stopped qemu" + removed(made, settings));
            throw e;
        } catch (RuntimeException e) {
            String cleaned = removed(made, settings);
            if (cleaned.isEmpty() || !(e instanceof KilnException)) {
                throw e;
            }
            throw new KilnException(e.getMessage() + cleaned, e);
        }
    }

    /**
     * Writes the state directory's {@link RunRecord} before qemu starts, so {@code kiln ls qemu} sees the VM while
     * it runs; a new record is one more file the run made (gone again on failure or {@code --rm}).
     */
    private RunRecord record(RunRequest request, StateDir state, RunFiles made) {
        Optional<RunRecord> earlier = RunRecord.read(state.root());
        List<Path> files = made.resources().stream().map(r -> Path.of(r.id())).toList();
        RunRecord record = new RunRecord(request.name(), request.image(), context.clock().instant(), Optional.empty(),
                List.of(), Version.get()).withFiles(files, earlier);
        record.write(state.root());
        if (earlier.isEmpty()) {
            made.add("run-record", state.root().resolve(RunRecord.FILE));
        }
        return record;
    }

    @Override
    public List<Made> list(Made.Kind kind) throws InterruptedException {
        return inventory().list(kind);
    }

    @Override
    public List<Made> find(String idOrName) throws InterruptedException {
        return inventory().find(idOrName);
    }

    @Override
    public List<Resource> remove(Made made) throws InterruptedException {
        return inventory().remove(made);
    }

    private QemuInventory inventory() {
        return new QemuInventory(context.options().all(QemuOptions.DIR).stream().map(Path::of).toList(), events,
                context.cancel(), new GuestProcess(GuestProcess.STOP));
    }

    private RunResult foreground(List<String> argv, QemuVm vm, StateDir state, QemuSettings settings,
                                 RunFiles made, ProcessWait waits) throws InterruptedException {
        boolean interactive = settings.interactiveConsole(onTerminal);
        events.phase("boot " + vm.name());
        events.info("console log " + vm.consoleLog() + (interactive ? "; the console is this terminal" : ""));
        ConsoleRunner.Outcome outcome = new ConsoleRunner(events.withSource(vm.name()), waits)
                .run(argv, interactive, settings.timeout());
        String after = String.format(Locale.ROOT, "%.1f s", outcome.elapsed().toMillis() / 1000.0);
        if (outcome.signalled()) {
            throw new InterruptedException("qemu was stopped by a signal");
        }
        if (outcome.timedOut()) {
            throw KilnException.tried("run " + vm.name() + " in qemu", "the guest was still running after "
                    + dev.kiln.api.Poll.human(settings.timeout().orElseThrow()) + " (--timeout), so kiln stopped it",
                    "see the console log " + vm.consoleLog() + "; raise --timeout or let the image power off");
        }
        if (outcome.exitCode() != 0 && !outcome.stderr().isEmpty()) {
            throw KilnException.tried("run " + vm.name() + " in qemu", "qemu exited with " + outcome.exitCode()
                    + ": " + String.join(" / ", outcome.stderr()), "check the image and the flags (-v shows "
                    + "the qemu command line)");
        }
        outcome.stderr().forEach(line -> events.warn(line));
        events.info(outcome.exitCode() == 0 ? "guest powered off after " + after
                : "guest stopped after " + after + " with exit status " + outcome.exitCode()
                + (outcome.exitCode() == 1 ? " (its kernel panicked, reported through pvpanic)" : ""));
        boolean removed = settings.remove() && made.pending();
        if (settings.remove()) {
            made.removeAll();
        } else {
            made.keepAll();
        }
        return result(state, settings, "exited", made).exitCode(outcome.exitCode()).removed(removed).build();
    }

    private RunResult.Builder result(StateDir state, QemuSettings settings, String status, RunFiles made) {
        return RunResult.builder("qemu", state.root().getFileName().toString()).state(status)
                .addresses(addresses(settings)).consoleLog(state.consoleLog()).created(made.resources());
    }

    /** The guest's address on the user network and each published port, as reached from here. */
    private static Map<String, String> addresses(QemuSettings settings) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!settings.userNetworking()) {
            return out;
        }
        out.put("private_ipv4", GUEST_ADDRESS);
        for (PortForward f : settings.publish()) {
            String local = (f.hostAddress().isEmpty() ? "127.0.0.1" : f.hostAddress()) + ":" + f.hostPort();
            out.put(f.label(), local);
            if (f.guestPort() == 22 && f.protocol().equals("tcp")) {
                out.put("ssh", local);
            }
        }
        return out;
    }

    /** Undoes what the run made, unless --keep; the clause for the message, or empty. */
    private String removed(RunFiles made, QemuSettings settings) {
        if (settings.keep()) {
            String kept = String.join(", ", made.pendingNames());
            made.keepAll();
            return kept.isEmpty() ? "" : "; kept (--keep) " + kept;
        }
        String removed = made.removeAll();
        return removed.isEmpty() ? "" : "; " + removed;
    }
}
