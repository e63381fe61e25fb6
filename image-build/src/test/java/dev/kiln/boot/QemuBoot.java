package dev.kiln.boot;

import dev.kiln.testing.HostTools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Boots an image in qemu (TCG only) and waits for a marker on the serial console. */
public final class QemuBoot {

    public enum Firmware { SEABIOS, OVMF }

    public enum Media { DISK, CDROM }

    public record Outcome(boolean sawMarker, long millis, String console) {
    }

    private static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    private static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

    private QemuBoot() {
    }

    public static Outcome boot(Path image, String format, Media media, Firmware firmware, String marker, Path work)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-accel", "tcg", "-m", "512",
                "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot", "-nodefaults"));
        if (firmware == Firmware.OVMF) {
            Path vars = Files.createTempFile(work, "OVMF_VARS", ".fd");
            Files.copy(OVMF_VARS, vars, StandardCopyOption.REPLACE_EXISTING);
            cmd.addAll(List.of("-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
                    "-drive", "if=pflash,format=raw,unit=1,file=" + vars));
        }
        if (media == Media.CDROM) {
            cmd.addAll(List.of("-drive", "file=" + image + ",format=raw,media=cdrom,readonly=on,if=ide,index=2",
                    "-boot", "d"));
        } else {
            cmd.addAll(List.of("-drive", "file=" + image + ",format=" + format + ",if=ide,index=0,snapshot=on"));
        }
        long start = System.nanoTime();
        Process p = HostTools.command(cmd).redirectErrorStream(true).start();
        StringBuilder console = new StringBuilder();
        Thread reader = new Thread(() -> collect(p.getInputStream(), console));
        reader.start();
        boolean exited = p.waitFor(180, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        reader.join(5000);
        String text;
        synchronized (console) {
            text = console.toString();
        }
        return new Outcome(text.contains(marker), millis, text);
    }

    private static void collect(InputStream in, StringBuilder console) {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (console) {
                    console.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }
}
