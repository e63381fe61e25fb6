package dev.kiln.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's EBS direct, EC2 and STS endpoint (bench/aws-ebs-direct.sh): a separate process so
 * the uploader's memory is measured alone. Every block's SHA-256 is checked and no body is kept;
 * GET /stats reports blocks received, duplicates and whether the aggregate matched.
 */
public final class EbsBenchStub {

    private final Map<Integer, byte[]> digests = new ConcurrentSkipListMap<>();
    private final AtomicLong puts = new AtomicLong();
    private final AtomicLong bad = new AtomicLong();
    private volatile String aggregate = "none";

    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 256);
        EbsBenchStub stub = new EbsBenchStub();
        server.createContext("/", stub::handle);
        server.setExecutor(Executors.newFixedThreadPool(64));
        server.start();
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        byte[] body = x.getRequestBody().readAllBytes();
        try {
            if (path.contains("/blocks/")) {
                block(x, Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)), body);
            } else if (path.startsWith("/snapshots/completion/")) {
                complete(x);
            } else if (path.equals("/snapshots")) {
                send(x, 201, "application/json", "{\"SnapshotId\":\"snap-0bench\",\"Status\":\"pending\","
                        + "\"VolumeSize\":1,\"BlockSize\":524288}");
            } else if (path.equals("/stats")) {
                send(x, 200, "application/json", "{\"puts\":" + puts.get() + ",\"blocks\":" + digests.size()
                        + ",\"bad\":" + bad.get() + ",\"aggregate\":\"" + aggregate + "\"}");
            } else {
                query(x, new String(body, StandardCharsets.UTF_8));
            }
        } catch (Exception e) {
            send(x, 500, "text/plain", String.valueOf(e));
        }
    }

    private void block(HttpExchange x, int index, byte[] body) throws Exception {
        puts.incrementAndGet();
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(body);
        if (!Base64.getEncoder().encodeToString(sha).equals(x.getRequestHeaders().getFirst("x-amz-Checksum"))
                || digests.putIfAbsent(index, sha) != null) {
            bad.incrementAndGet();
        }
        send(x, 201, "application/json", "");
    }

    private void complete(HttpExchange x) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        digests.values().forEach(md::update);
        aggregate = Base64.getEncoder().encodeToString(md.digest()).equals(x.getRequestHeaders().getFirst("x-amz-Checksum"))
                && Integer.parseInt(x.getRequestHeaders().getFirst("x-amz-ChangedBlocksCount")) == digests.size()
                ? "match" : "MISMATCH";
        send(x, 202, "application/json", "{\"Status\":\"pending\"}");
    }

    private void query(HttpExchange x, String form) throws IOException {
        String action = form.replaceAll("^Action=([A-Za-z]+).*", "$1");
        String inner = switch (action) {
            case "GetCallerIdentity" -> "<GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult>";
            case "DescribeSnapshots" -> "<snapshotSet><item><snapshotId>snap-0bench</snapshotId><status>completed</status>"
                    + "</item></snapshotSet>";
            case "RegisterImage" -> "<imageId>ami-0bench</imageId>";
            case "DescribeImages" -> form.contains("ImageId.1=") ? "<imagesSet><item><imageId>ami-0bench</imageId>"
                    + "<imageState>available</imageState></item></imagesSet>" : "<imagesSet/>";
            default -> "<return>true</return>";
        };
        send(x, 200, "text/xml", "<" + action + "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                + inner + "</" + action + "Response>");
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            x.getResponseBody().write(bytes);
        }
        x.close();
    }
}
