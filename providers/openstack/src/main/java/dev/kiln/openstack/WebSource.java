package dev.kiln.openstack;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.spi.FileServer;
import dev.kiln.spi.Options;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * Where Glance fetches the data of a {@code web-download} import (Images API v2, "Interoperable image import"):
 * {@code --source-url}, a URL serving IMAGE's bytes as they are, or kiln itself ({@code --serve ADDR}), serving the
 * file it would upload under an unguessable path for as long as the import lasts.
 *
 * @param sourceUrl {@code --source-url}
 * @param serve     {@code --serve ADDR}
 * @param serveUrl  {@code --serve-url}: where Glance reaches the served folder, when not {@code http://ADDR}
 */
record WebSource(Optional<String> sourceUrl, Optional<String> serve, Optional<String> serveUrl) {

    static final String METHOD = "web-download";

    /** The import method and web-download flags, checked together before anything is sent. */
    static Optional<WebSource> of(Options options, Optional<String> method) {
        Optional<String> url = options.find(OpenStackFlags.SOURCE_URL);
        Optional<String> serve = options.find(OpenStackFlags.SERVE);
        Optional<String> serveUrl = options.find(OpenStackFlags.SERVE_URL);
        if (method.isPresent() && !method.get().equals("glance-direct") && !method.get().equals(METHOD)) {
            throw KilnException.usage("--import-method takes glance-direct or web-download, not '" + method.get() + "'");
        }
        if (!method.equals(Optional.of(METHOD))) {
            if (url.isPresent() || serve.isPresent() || serveUrl.isPresent()) {
                throw KilnException.usage("--source-url, --serve and --serve-url are for --import-method web-download");
            }
            return Optional.empty();
        }
        if (url.isPresent() == serve.isPresent()) {
            throw KilnException.usage("--import-method web-download needs where Glance fetches the image from: "
                    + "--source-url URL (serving IMAGE as it is), or --serve HOST:PORT (kiln serves it), one of them");
        }
        if (serveUrl.isPresent() && serve.isEmpty()) {
            throw KilnException.usage("--serve-url goes with --serve");
        }
        url.ifPresent(u -> checkHttp("--source-url", u));
        serveUrl.ifPresent(u -> checkHttp("--serve-url", u));
        if (serve.isPresent() && serveUrl.isEmpty()) {
            InetSocketAddress a = FileServer.address(serve.get());
            if (a.getAddress() == null || a.getAddress().isAnyLocalAddress()) {
                throw KilnException.usage("--serve " + serve.get() + " listens on every interface: give --serve-url, "
                        + "the URL Glance reaches this host at (for example http://203.0.113.5:" + a.getPort() + ")");
            }
        }
        return Optional.of(new WebSource(url, serve, serveUrl));
    }

    /** With --source-url the URL serves IMAGE as it is, so kiln neither converts nor changes the disk_format. */
    boolean asIs() {
        return sourceUrl.isPresent();
    }

    /** Where Glance fetches {@code file} from; the server (if any) stops when this is closed. */
    Fetch open(Path file, Path workDir, Events events) {
        if (sourceUrl.isPresent()) {
            return new Fetch(sourceUrl.get(), null);
        }
        String token = UUID.randomUUID().toString();
        Path root;
        try {
            root = Files.createTempDirectory(workDir, "web-download-");
            Files.createDirectory(root.resolve(token));
            Files.createSymbolicLink(root.resolve(token).resolve(file.getFileName()), file.toAbsolutePath());
        } catch (IOException e) {
            throw KilnException.tried("prepare " + file + " to be served", KilnException.reason(e),
                    "pass --work-dir DIR on a file system that takes symbolic links", e);
        }
        FileServer server = FileServer.start(root, serve.orElseThrow(), line -> events.info("served " + line));
        String base = serveUrl.orElse(server.url()).replaceAll("/+$", "");
        String url = base + "/" + token + "/" + file.getFileName();
        events.info("serving " + file.getFileName() + " at " + base + "/ for Glance to fetch");
        return new Fetch(url, server);
    }

    private static void checkHttp(String flag, String url) {
        String scheme;
        try {
            URI u = new URI(url);
            scheme = u.getScheme() == null || u.getHost() == null ? "" : u.getScheme();
        } catch (java.net.URISyntaxException e) {
            scheme = "";
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw KilnException.usage(flag + " must be an http:// or https:// URL Glance can fetch, not '" + url.replaceAll("\\?.*", "?...") + "'");
        }
    }

    /** The URL Glance is given, and kiln's server behind it when kiln serves the file. */
    record Fetch(String url, FileServer server) implements AutoCloseable {
        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }
}
