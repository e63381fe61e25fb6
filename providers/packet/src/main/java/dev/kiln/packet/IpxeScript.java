package dev.kiln.packet;

import dev.kiln.api.Architecture;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The iPXE script: {@code initrd --name initrd URL} then {@code kernel URL initrd=initrd ...}, the form that
 * boots under both BIOS and UEFI (LinuxKit's x86 form, kernel then a bare initrd, panics under UEFI because the
 * initrd never reaches an EFI-stub kernel). The content digest is recorded in a comment so a re-push can tell
 * whether what is published is this build. See https://ipxe.org/cmd/initrd and https://ipxe.org/cmd/kernel.
 */
record IpxeScript(String kernelUrl, String initrdUrl, String console, String cmdline, String digest) {

    static final String DIGEST_LINE = "# kiln-digest: ";
    private static final Pattern DIGEST = Pattern.compile("^" + Pattern.quote(DIGEST_LINE) + "(\\S+)$", Pattern.MULTILINE);

    static String defaultConsole(Architecture arch) {
        return arch == Architecture.ARM64 ? "ttyAMA0" : "ttyS1,115200";
    }

    /**
     * With one folder URL the script sets {@code base-url} and names the files under it, as operators edit it;
     * presigned URLs differ in their query strings, so those are written out whole.
     */
    String render(Optional<String> baseUrl) {
        String kernel = kernelUrl;
        String initrd = initrdUrl;
        StringBuilder s = new StringBuilder("#!ipxe\n").append(DIGEST_LINE).append(digest).append('\n').append("dhcp\n");
        if (baseUrl.isPresent()) {
            String base = baseUrl.get();
            s.append("set base-url ").append(base).append('\n');
            kernel = "${base-url}" + kernelUrl.substring(base.length());
            initrd = "${base-url}" + initrdUrl.substring(base.length());
        }
        s.append("initrd --name initrd ").append(initrd).append('\n');
        s.append("kernel ").append(kernel).append(" initrd=initrd ip=dhcp nomodeset ro console=").append(console);
        String extra = cmdline.strip();
        if (!extra.isEmpty()) {
            s.append(' ').append(extra.replaceAll("\\s+", " "));
        }
        return s.append("\nboot\n").toString();
    }

    /** The kernel and initrd URLs a script fetches, {@code ${base-url}} resolved; empty where a line is absent. */
    record Fetches(Optional<String> kernel, Optional<String> initrd) {

        /** The file name of a URL: its path's last segment, without the query of a presigned URL. */
        static String fileName(String url) {
            String path = url.replaceFirst("[?#].*$", "");
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    /** What kiln's scripts (and LinuxKit's) fetch: {@code kernel URL ...} and {@code initrd [--name N] URL}. */
    static Fetches fetches(String script) {
        String base = "";
        Optional<String> kernel = Optional.empty();
        Optional<String> initrd = Optional.empty();
        for (String line : script.lines().map(String::strip).toList()) {
            String[] words = line.split("\\s+");
            if (words.length >= 3 && words[0].equals("set") && words[1].equals("base-url")) {
                base = words[2];
            } else if (words[0].equals("kernel") && words.length >= 2) {
                kernel = Optional.of(words[1].replace("${base-url}", base));
            } else if (words[0].equals("initrd") && words.length >= 2) {
                String url = words[1].equals("--name") && words.length >= 4 ? words[3] : words[words.length - 1];
                initrd = Optional.of(url.replace("${base-url}", base));
            }
        }
        return new Fetches(kernel, initrd);
    }

    /** The digest a published script records, if it is one kiln wrote. */
    static Optional<String> recordedDigest(String script) {
        Matcher m = DIGEST.matcher(script);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
