package dev.kiln.qemu;

import dev.kiln.api.KilnException;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The two things kiln asks of {@code qemu-img}: make a disk, and read the first sectors of one. */
final class QemuImg {

    /** qemu and qemu-img get no input from kiln's stdin unless the console is interactive. */
    static final ProcessBuilder.Redirect NO_INPUT = ProcessBuilder.Redirect.from(new File("/dev/null"));

    private static final Duration WAIT = Duration.ofSeconds(120);

    private final String binary;
    private final ProcessWait waits;

    QemuImg(String binary, ProcessWait waits) {
        this.binary = binary;
        this.waits = waits;
    }

    /** The arguments that create an empty disk; VHDs get exactly the size asked, not a CHS rounding. */
    List<String> createArguments(Path file, String format, long sizeMb) {
        List<String> args = new ArrayList<>(List.of(binary, "create", "-q", "-f", format));
        if (format.equals("vpc")) {
            args.addAll(List.of("-o", "force_size=on"));
        }
        args.addAll(List.of(file.toString(), sizeMb + "M"));
        return args;
    }

    void create(Path file, String format, long sizeMb) throws InterruptedException {
        run(createArguments(file, format, sizeMb), "create the " + format + " disk " + file + " of " + sizeMb + " MiB");
    }

    /** Writes the first {@code bytes} of the guest's view of {@code image} to {@code out} as raw bytes. */
    void readHead(Path image, String format, int bytes, Path out) throws InterruptedException {
        run(List.of(binary, "dd", "-f", format, "-O", "raw", "bs=512", "count=" + (bytes / 512),
                "if=" + image, "of=" + out), "read the first sectors of " + image);
    }

    private void run(List<String> args, String action) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(args).redirectErrorStream(true).redirectInput(NO_INPUT).start();
        } catch (IOException e) {
            throw KilnException.tried(action, "qemu-img could not be started: " + KilnException.reason(e),
                    "install Debian's qemu-utils or point --qemu-img at qemu-img");
        }
        try (var stop = waits.stopOnCancel(process)) {
            byte[] output = process.getInputStream().readAllBytes();
            Optional<Integer> exit = waits.exit(process, Optional.of(WAIT));
            if (exit.isEmpty()) {
                throw KilnException.tried(action, "qemu-img did not finish in " + WAIT.toSeconds() + " s", "");
            }
            if (exit.get() != 0) {
                throw KilnException.tried(action, "qemu-img said: " + new String(output, StandardCharsets.UTF_8).trim(),
                        "check the path and format");
            }
        } catch (IOException e) {
            throw KilnException.tried(action, KilnException.reason(e), "");
        } finally {
            process.destroy();
        }
    }
}
