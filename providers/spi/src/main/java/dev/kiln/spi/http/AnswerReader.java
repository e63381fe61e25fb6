package dev.kiln.spi.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HTTP/1.1 answers from a connection (RFC 9112): the status line, the headers, and the body
 * framed by chunked transfer coding, by Content-Length, or by the connection's close (section 6.3),
 * with limits so that a broken or hostile server gets an error rather than the heap.
 */
final class AnswerReader {

    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_HEADERS = 200;
    private static final int MAX_BODY = 32 << 20;

    private final InputStream in;
    private boolean answered;
    private boolean keepAlive;

    AnswerReader(InputStream in) {
        this.in = in;
    }

    /** Whether the last answer leaves the connection usable for another request. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** The answer to {@code call}, 1xx interim answers skipped. */
    HttpAnswer read(HttpCall call) throws IOException {
        answered = false;
        while (true) {
            String status = line();
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new ProtocolException("not an HTTP/1.x answer: " + clip(status));
            }
            int code;
            try {
                code = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new ProtocolException("not an HTTP status: " + clip(status));
            }
            Map<String, List<String>> headers = headers();
            if (code == 101) {
                throw new ProtocolException("the server switched protocols (101) though kiln asked for no upgrade");
            }
            if (code >= 100 && code < 200) {
                continue;
            }
            boolean keepAlive = parts[0].equals("HTTP/1.1") && !tokens(headers, "connection").contains("close");
            String body;
            if (call.method().equals("HEAD") || code == 204 || code == 304 || code < 200) {
                body = "";
            } else if (tokens(headers, "transfer-encoding").contains("chunked")) {
                body = chunked();
            } else if (headers.containsKey("content-length")) {
                body = fixed(contentLength(headers));
            } else {
                body = untilClose();
                keepAlive = false;
            }
            this.keepAlive = keepAlive;
            return new HttpAnswer(code, headers, body, call.uri());
        }
    }

    private Map<String, List<String>> headers() throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int n = 0; ; n++) {
            String line = line();
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || n >= MAX_HEADERS) {
                throw new ProtocolException("malformed answer header: " + clip(line));
            }
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
    }

    private static List<String> tokens(Map<String, List<String>> headers, String name) {
        List<String> tokens = new ArrayList<>();
        for (String value : headers.getOrDefault(name, List.of())) {
            for (String t : value.split(",")) {
                tokens.add(t.trim().toLowerCase(Locale.ROOT));
            }
        }
        return tokens;
    }

    private static long contentLength(Map<String, List<String>> headers) throws ProtocolException {
        String value = headers.get("content-length").get(0);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad Content-Length in the answer: " + clip(value));
        }
    }

    private String fixed(long length) throws IOException {
        if (length > MAX_BODY || length < 0) {
            throw new ProtocolException("the answer's body is " + length + " bytes; kiln reads at most " + MAX_BODY);
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException("the connection closed inside an answer");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private String chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            int semicolon = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad chunk size in the answer: " + clip(sizeLine));
            }
            if (size == 0) {
                while (!line().isEmpty()) {
                    // trailers: not used
                }
                return body.toString(StandardCharsets.UTF_8);
            }
            if (size < 0 || body.size() + size > MAX_BODY) {
                throw new ProtocolException("the answer's body is over " + MAX_BODY + " bytes");
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new EOFException("the connection closed inside an answer");
            }
            body.writeBytes(chunk);
            if (!line().isEmpty()) {
                throw new ProtocolException("a chunk of the answer did not end with CRLF");
            }
        }
    }

    private String untilClose() throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new ProtocolException("the answer's body is over " + MAX_BODY + " bytes");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    /** One header line without its CRLF (a bare LF is accepted too). */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException(answered ? "the connection closed inside an answer"
                        : "the server closed the connection without answering");
            }
            answered = true;
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new ProtocolException("an answer line is longer than " + MAX_LINE + " bytes");
            }
            line.append((char) c);
        }
    }

    private static String clip(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
