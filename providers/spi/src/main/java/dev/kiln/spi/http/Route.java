package dev.kiln.spi.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The way to an origin: straight, or through an HTTP proxy as the JVM's {@link ProxySelector}
 * names it (the {@code https.proxyHost}/{@code https.proxyPort}, {@code http.proxyHost} and
 * {@code http.nonProxyHosts} properties Google's and AWS's Java clients read too). An https origin
 * is reached through a CONNECT tunnel (RFC 9110 section 9.3.6), so the proxy never sees the bytes;
 * an http one by sending the request with its absolute URI to the proxy.
 */
record Route(URI origin, InetSocketAddress proxy) {

    private static final int MAX_ANSWER = 64 * 1024;

    static Route of(URI origin, ProxySelector selector) throws IOException {
        List<Proxy> proxies = selector == null ? List.of() : selector.select(origin);
        Proxy first = proxies == null || proxies.isEmpty() ? Proxy.NO_PROXY : proxies.get(0);
        return switch (first.type()) {
            case DIRECT -> new Route(origin, null);
            case HTTP -> new Route(origin, (InetSocketAddress) first.address());
            case SOCKS -> throw new IOException("a SOCKS proxy is set for " + origin.getHost()
                    + " (socksProxyHost); kiln uploads only through HTTP proxies (https.proxyHost)");
        };
    }

    private boolean https() {
        return origin.getScheme().equals("https");
    }

    /** Whether requests name their whole URI (plain http through a proxy). */
    boolean absoluteForm() {
        return proxy != null && !https();
    }

    /** Where the TCP connection goes: the proxy, or the origin itself. */
    InetSocketAddress firstHop() {
        if (proxy != null) {
            return new InetSocketAddress(proxy.getHostString(), proxy.getPort());
        }
        return new InetSocketAddress(host(), origin.getPort());
    }

    /** The origin's host as a name or address, without the brackets a URI puts around IPv6 literals. */
    String host() {
        String host = origin.getHost();
        boolean literal = host.startsWith("[") && host.endsWith("]");
        return literal ? host.substring(1, host.length() - 1) : host;
    }

    /** For https through a proxy: asks it for a tunnel to the origin and reads its answer, nothing past it. */
    void openTunnel(SocketChannel channel) throws IOException {
        if (proxy == null || !https()) {
            return;
        }
        String target = origin.getHost() + ":" + origin.getPort();
        byte[] connect = ("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.wrap(connect);
        while (out.hasRemaining()) {
            channel.write(out);
        }
        String answer = readAnswer(channel);
        String status = answer.lines().findFirst().orElse("");
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].equals("200")) {
            throw new IOException("the proxy " + proxy.getHostString() + ":" + proxy.getPort() + " answered '" + status
                    + "' to CONNECT " + target + (parts.length > 1 && parts[1].equals("407")
                    ? "; kiln sends no proxy credentials, so use a proxy that lets it through" : ""));
        }
    }

    /** The proxy's answer head, read a byte at a time: whatever follows belongs to TLS. */
    private String readAnswer(SocketChannel channel) throws IOException {
        StringBuilder head = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            one.clear();
            if (channel.read(one) < 0) {
                throw new ProtocolException("the proxy " + proxy.getHostString() + " closed the connection after CONNECT");
            }
            if (head.length() >= MAX_ANSWER) {
                throw new ProtocolException("the proxy's answer to CONNECT is longer than " + MAX_ANSWER + " bytes");
            }
            head.append((char) (one.get(0) & 0xff));
        }
        return head.toString();
    }
}
