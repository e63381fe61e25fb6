package dev.kiln.packet;

import com.adobe.testing.s3mock.S3MockApplication;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A real S3-compatible store (S3Mock, started once per JVM) behind a loopback WireMock proxy that logs the
 * mutating requests (PUT, POST, DELETE) and fails or interrupts the n-th one when a test asks: the faults of a
 * network in front of a real S3 implementation. One fresh bucket per world.
 */
final class S3World implements AutoCloseable {

    static final String KEY_ID = "AKIAKILNPACKETTEST01";
    static final String SECRET = "kiln-packet-secret-" + Long.toHexString(System.nanoTime());

    private static S3MockApplication s3mock;
    private static S3Client admin;

    final String bucket = "ipxe-" + System.nanoTime();
    private final WireMockServer proxy;
    private final List<String> mutations = new CopyOnWriteArrayList<>();
    private final AtomicInteger failAt = new AtomicInteger();
    private volatile int actionAt;
    private volatile Runnable action;
    private volatile boolean privateBucket;
    private final Set<String> publicRead = java.util.concurrent.ConcurrentHashMap.newKeySet();

    S3World() {
        admin().createBucket(b -> b.bucket(bucket));
        proxy = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").extensions(new Faults()));
        proxy.start();
        proxy.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(s3url())));
    }

    static synchronized S3Client admin() {
        if (s3mock == null) {
            s3mock = S3MockApplication.start(new HashMap<>(Map.of(S3MockApplication.PROP_HTTP_PORT,
                    S3MockApplication.RANDOM_PORT, S3MockApplication.PROP_SILENT, true)));
            admin = S3Client.builder().region(Region.US_EAST_1).forcePathStyle(true).endpointOverride(URI.create(s3url()))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))).build();
        }
        return admin;
    }

    static String s3url() {
        return "http://127.0.0.1:" + s3mock.getHttpPort();
    }

    /** The endpoint kiln is pointed at: the proxy. */
    String url() {
        return "http://127.0.0.1:" + proxy.port();
    }

    List<String> mutations() {
        return List.copyOf(mutations);
    }

    Set<String> keys() {
        return admin().listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key)
                .collect(Collectors.toSet());
    }

    String text(String key) {
        return admin().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    }

    /**
     * Reads without credentials (no Authorization header, no presigned query) are refused with 403 AccessDenied
     * unless the object was PUT with the public-read ACL: a bucket without a public policy, as S3 serves it.
     * S3Mock itself does not check ACLs.
     */
    S3World privateBucket() {
        privateBucket = true;
        return this;
    }

    void failMutation(int n) {
        failAt.set(mutations.size() + n);
    }

    void onMutation(int n, Runnable hook) {
        actionAt = mutations.size() + n;
        action = hook;
    }

    /** Every request the proxy saw, as "METHOD /path?query". */
    List<String> requests() {
        List<String> all = new java.util.ArrayList<>(proxy.getAllServeEvents().stream()
                .map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl()).toList());
        java.util.Collections.reverse(all);
        return all;
    }

    /** The x-amz-acl header of every PUT the proxy saw. */
    List<String> aclHeaders() {
        return proxy.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(r -> r.getMethod().getName().equals("PUT") && r.containsHeader("x-amz-acl"))
                .map(r -> r.getHeader("x-amz-acl")).toList();
    }

    @Override
    public void close() {
        proxy.stop();
    }

    private final class Faults implements StubRequestFilterV2 {

        @Override
        public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
            String method = request.getMethod().getName();
            String path = request.getUrl().replaceFirst("\\?.*$", "");
            if (!Set.of("PUT", "POST", "DELETE").contains(method)) {
                boolean anonymous = !request.containsHeader("Authorization")
                        && !request.getUrl().contains("X-Amz-Signature=");
                if (privateBucket && anonymous && !publicRead.contains(path)) {
                    return RequestFilterAction.stopWith(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder
                            .responseDefinition().withStatus(403).withHeader("Content-Type", "application/xml")
                            .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                                    + "<Message>Access Denied</Message></Error>").build());
                }
                return RequestFilterAction.continueWith(request);
            }
            if (method.equals("PUT") && "public-read".equals(request.getHeader("x-amz-acl"))) {
                publicRead.add(path);
            }
            mutations.add(method + " " + request.getUrl());
            int n = mutations.size();
            if (n == actionAt && action != null) {
                action.run();
            }
            if (n == failAt.get()) {
                return RequestFilterAction.stopWith(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition().withStatus(403)
                        .withHeader("Content-Type", "application/xml")
                        .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                                + "<Message>Access Denied (injected by the test)</Message></Error>").build());
            }
            return RequestFilterAction.continueWith(request);
        }

        @Override
        public String getName() {
            return "s3-faults";
        }
    }
}
