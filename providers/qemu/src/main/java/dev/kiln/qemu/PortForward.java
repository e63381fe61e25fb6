package dev.kiln.qemu;

import dev.kiln.api.KilnException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code --publish [IP:]HOST:GUEST[/tcp|udp]}, as LinuxKit and docker write it, turned into a
 * qemu user-network {@code hostfwd}. Without an IP the port listens on every host address, as
 * LinuxKit's does.
 *
 * @param hostAddress the host address to listen on; empty for all
 * @param hostPort    the host port
 * @param guestPort   the port in the guest (qemu's user network gives it 10.0.2.15)
 * @param protocol    {@code tcp} or {@code udp}
 */
record PortForward(String hostAddress, int hostPort, int guestPort, String protocol) {

    private static final Pattern FORM = Pattern.compile("(?:([0-9.]+):)?(\\d+):(\\d+)(?:/(tcp|udp))?");

    static PortForward parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw KilnException.usage("--publish " + text + ": write [IP:]HOST:GUEST[/tcp|udp], e.g. 8080:80 "
                    + "or 127.0.0.1:2222:22/tcp");
        }
        int host = port(m.group(2), text);
        int guest = port(m.group(3), text);
        return new PortForward(m.group(1) == null ? "" : m.group(1), host, guest,
                m.group(4) == null ? "tcp" : m.group(4));
    }

    private static int port(String digits, String text) {
        int port = digits.length() > 5 ? -1 : Integer.parseInt(digits);
        if (port < 1 || port > 65535) {
            throw KilnException.usage("--publish " + text + ": ports go from 1 to 65535, not " + digits);
        }
        return port;
    }

    /** qemu's {@code hostfwd=} value: {@code tcp:127.0.0.1:8080-:80}. */
    String hostfwd() {
        return protocol + ":" + hostAddress + ":" + hostPort + "-:" + guestPort;
    }

    /** The key the run result lists it under: {@code tcp/80}. */
    String label() {
        return protocol + "/" + guestPort;
    }
}
