package dev.kiln.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The token service of distribution's token auth spec (docs/spec/auth/token.md): issues RS256
 * JWTs with an x5c header that docker-registry checks against its rootcertbundle, and only to
 * callers that present the expected basic credentials.
 */
final class TokenServer implements AutoCloseable {

    static final String SERVICE = "kiln-registry";
    static final String ISSUER = "kiln-test-issuer";

    private final HttpServer server;
    private final PrivateKey key;
    private final X509Certificate cert;
    private final String expectedAuth;
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    TokenServer(Path certPem, Path keyPem, String user, String password) throws Exception {
        this.cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(certPem));
        String pem = Files.readString(keyPem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        this.expectedAuth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::handle);
        server.start();
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    int issued() {
        return issued.get();
    }

    int refused() {
        return refused.get();
    }

    /** The registry config section that trusts this server. */
    String registryAuthYaml(Path certPem) {
        return "auth:\n  token:\n    realm: " + realm() + "\n    service: " + SERVICE + "\n    issuer: " + ISSUER
                + "\n    rootcertbundle: " + certPem + "\n";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!expectedAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                ex.sendResponseHeaders(401, -1);
                return;
            }
            byte[] body = OciLayout.JSON.writeValueAsBytes(OciLayout.JSON.createObjectNode()
                    .put("token", jwt(scopes(ex.getRequestURI().getRawQuery()))).put("expires_in", 300));
            issued.incrementAndGet();
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static List<String> scopes(String query) {
        List<String> out = new ArrayList<>();
        for (String kv : query == null ? new String[0] : query.split("&")) {
            if (kv.startsWith("scope=")) {
                out.add(URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private String jwt(List<String> scopes) throws Exception {
        ObjectNode header = OciLayout.JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
        header.putArray("x5c").add(Base64.getEncoder().encodeToString(cert.getEncoded()));
        long now = Instant.now().getEpochSecond();
        ObjectNode claims = OciLayout.JSON.createObjectNode().put("iss", ISSUER).put("sub", "kiln").put("aud", SERVICE)
                .put("exp", now + 300).put("nbf", now - 60).put("iat", now).put("jti", UUID.randomUUID().toString());
        ArrayNode access = claims.putArray("access");
        for (String scope : scopes) {
            String[] parts = scope.split(":");
            ObjectNode a = access.addObject().put("type", parts[0]).put("name", parts[1]);
            ArrayNode actions = a.putArray("actions");
            for (String action : parts[2].split(",")) {
                actions.add(action);
            }
        }
        String signingInput = b64(OciLayout.JSON.writeValueAsBytes(header)) + "." + b64(OciLayout.JSON.writeValueAsBytes(claims));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64(rsa.sign());
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
