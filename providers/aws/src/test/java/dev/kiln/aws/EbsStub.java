package dev.kiln.aws;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EBS direct data plane as a WireMock transformer: PutSnapshotBlock checks the block's
 * SHA-256 against x-amz-Checksum as EBS does and records which blocks arrived (and how often);
 * CompleteSnapshot checks the block count and the LINEAR aggregate. Faults can be queued per block.
 */
final class EbsStub implements ResponseDefinitionTransformerV2 {

    static final String NAME = "ebs-direct";
    private static final Pattern BLOCK = Pattern.compile("/snapshots/([^/]+)/blocks/(\\d+)");

    enum Fault2 { THROTTLE, UNAVAILABLE, RESET }

    final Map<Integer, byte[]> digests = new ConcurrentSkipListMap<>();
    final Map<Integer, AtomicInteger> accepted = new ConcurrentHashMap<>();
    final AtomicInteger attempts = new AtomicInteger();
    private final Map<Integer, Deque<Fault2>> faults = new ConcurrentHashMap<>();
    volatile String completedChecksum;
    volatile int completedCount = -1;

    void fail(int block, Fault2... queue) {
        faults.put(block, new ArrayDeque<>(List.of(queue)));
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request r = event.getRequest();
        Matcher m = BLOCK.matcher(r.getUrl());
        if (m.matches()) {
            return block(Integer.parseInt(m.group(2)), r);
        }
        return complete(r);
    }

    private ResponseDefinition block(int index, Request r) {
        attempts.incrementAndGet();
        Deque<Fault2> queue = faults.get(index);
        Fault2 fault = queue == null ? null : queue.poll();
        if (fault == Fault2.THROTTLE) {
            return error(400, "RequestThrottledException", "The number of API requests has exceeded the maximum allowed");
        }
        if (fault == Fault2.UNAVAILABLE) {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(503).withBody("Service Unavailable").build();
        }
        if (fault == Fault2.RESET) {
            return ResponseDefinitionBuilder.responseDefinition().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
        }
        byte[] body = r.getBody();
        byte[] sha = sha256(body);
        String claimed = r.getHeader("x-amz-Checksum");
        if (body.length != 524288 || !Base64.getEncoder().encodeToString(sha).equals(claimed)
                || !"524288".equals(r.getHeader("x-amz-Data-Length"))) {
            return error(400, "ValidationException", "The checksum or length of block " + index + " is wrong");
        }
        digests.put(index, sha);
        accepted.computeIfAbsent(index, k -> new AtomicInteger()).incrementAndGet();
        return ResponseDefinitionBuilder.responseDefinition().withStatus(201)
                .withHeader("x-amz-Checksum", claimed).withHeader("x-amz-Checksum-Algorithm", "SHA256").build();
    }

    private ResponseDefinition complete(Request r) {
        MessageDigest md = digestOf();
        digests.values().forEach(md::update);
        String aggregate = Base64.getEncoder().encodeToString(md.digest());
        completedChecksum = r.getHeader("x-amz-Checksum");
        completedCount = Integer.parseInt(r.getHeader("x-amz-ChangedBlocksCount"));
        if (completedCount != digests.size() || !aggregate.equals(completedChecksum)
                || !"LINEAR".equals(r.getHeader("x-amz-Checksum-Aggregation-Method"))) {
            return error(400, "ValidationException", "The aggregate checksum or the block count does not match");
        }
        return ResponseDefinitionBuilder.responseDefinition().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody("{\"Status\":\"pending\"}").build();
    }

    static ResponseDefinition error(int status, String type, String message) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("x-amzn-ErrorType", type).withHeader("Content-Type", "application/json")
                .withBody("{\"Message\":\"" + message + "\"}").build();
    }

    static byte[] sha256(byte[] data) {
        return digestOf().digest(data);
    }

    private static MessageDigest digestOf() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
