package dev.kiln.azure;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.kiln.testkit.TestCertificates;

import java.nio.file.Path;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * Azure Resource Manager and the Entra token endpoint, as a WireMock server over HTTPS with a certificate made for
 * 127.0.0.1 by keytool (azure-core sends bearer tokens over HTTPS only). It answers like ARM's documented
 * examples: PUT answers the resource with provisioningState, beginGetAccess is a 202 with a Location to poll,
 * which then answers the accessSAS, a missing resource is a 404 with an ARM error body.
 */
final class ArmStandIn implements AutoCloseable {

    static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
    static final String GROUP = "rg-kiln";
    static final String LOCATION = "westeurope";
    static final String TENANT = "tenant-1";

    final WireMockServer server;
    final Path caPem;

    ArmStandIn(Path dir) throws Exception {
        TestCertificates.ServerKey key = new TestCertificates(dir).selfSigned("arm", "ip:127.0.0.1");
        Path keystore = key.keystore();
        caPem = key.pem();
        server = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort().bindAddress("127.0.0.1")
                .keystorePath(keystore.toString()).keystorePassword(TestCertificates.PASSWORD)
                .keyManagerPassword(TestCertificates.PASSWORD)
                .keystoreType("PKCS12").globalTemplating(true).containerThreads(20));
        server.start();
        reset();
    }

    /** Forgets every stub and request, then answers tokens again. */
    void reset() {
        server.resetAll();
        server.stubFor(post(urlPathMatching("/" + TENANT + "/oauth2/v2.0/token")).willReturn(json(200,
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"arm-token-1\"}")));
    }

    /**
     * A harness for the azure provider pointed at this stand-in: a service principal in the environment, the
     * resource group and location, ARM and the token authority here, trusting the stand-in's CA, polling every 10 ms.
     */
    dev.kiln.testkit.ProviderHarness harness(Path work) throws java.io.IOException {
        return new dev.kiln.testkit.ProviderHarness(new AzureProviderFactory(), java.nio.file.Files.createDirectories(work))
                .env("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION).env("AZURE_TENANT_ID", TENANT)
                .env("AZURE_CLIENT_ID", "client-1").env("AZURE_CLIENT_SECRET", "secret-1")
                .flag("resource-group", GROUP).flag("location", LOCATION)
                .flag("arm-endpoint", url()).flag("authority-host", url())
                .flag("ca-cert", caPem.toString()).flag("poll-interval", "10ms");
    }

    String url() {
        return "https://127.0.0.1:" + server.httpsPort() + "/";
    }

    static String group() {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + GROUP + "/providers/Microsoft.Compute";
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder notFound(String what) {
        return json(404, "{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"The Resource '" + what
                + "' under resource group '" + GROUP + "' was not found.\"}}");
    }

    /** A resource as ARM answers a PUT or GET: its id is the request path, provisioning succeeded. */
    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder resource(int status) {
        return json(status, "{\"id\":\"{{request.path}}\",\"location\":\""
                + LOCATION + "\",\"properties\":{\"provisioningState\":\"Succeeded\"}}");
    }

    /**
     * An image definition as ARM answers its GET (Linux, V2, x64, Specialized), with the feature
     * {@code SecurityType=securityType} beside {@code DiskControllerTypes=SCSI,NVMe}.
     */
    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder definition(String securityType) {
        return json(200, "{\"id\":\"{{request.path}}\",\"name\":\"{{request.pathSegments.[9]}}\",\"location\":\""
                + LOCATION + "\",\"type\":\"Microsoft.Compute/galleries/images\",\"properties\":{\"osType\":"
                + "\"Linux\",\"osState\":\"Specialized\",\"hyperVGeneration\":\"V2\",\"architecture\":\"x64\","
                + "\"identifier\":{\"publisher\":\"contoso\",\"offer\":\"hello\",\"sku\":\"default\"},"
                + "\"features\":[{\"name\":\"SecurityType\",\"value\":\"" + securityType + "\"},{\"name\":"
                + "\"DiskControllerTypes\",\"value\":\"SCSI,NVMe\"}],\"provisioningState\":\"Succeeded\"}}");
    }

    /** Disks that take an upload; grant-access answers {@code sas} after one poll of its Location. */
    void disksFor(String sas) {
        server.stubFor(put(urlPathMatching(group() + "/disks/[^/]+")).willReturn(json(200,
                "{\"id\":\"{{request.path}}\",\"name\":\"{{request.pathSegments.[7]}}\",\"location\":\"" + LOCATION
                        + "\",\"properties\":{\"provisioningState\":\"Succeeded\",\"diskState\":\"ReadyToUpload\"}}")));
        server.stubFor(post(urlPathMatching(group() + "/disks/[^/]+/beginGetAccess")).willReturn(aResponse()
                .withStatus(202).withHeader("Location", url() + "subscriptions/" + SUBSCRIPTION
                        + "/providers/Microsoft.Compute/locations/" + LOCATION
                        + "/DiskOperations/grant-1?monitor=true&api-version=2024-03-02")
                .withHeader("Retry-After", "0")));
        server.stubFor(get(urlPathMatching("/subscriptions/" + SUBSCRIPTION
                + "/providers/Microsoft.Compute/locations/" + LOCATION + "/DiskOperations/grant-1"))
                .willReturn(json(200, "{\"accessSAS\":\"" + sas + "\"}")));
        server.stubFor(post(urlPathMatching(group() + "/disks/[^/]+/endGetAccess")).willReturn(aResponse().withStatus(200)));
        server.stubFor(delete(urlPathMatching(group() + "/disks/[^/]+")).willReturn(aResponse().withStatus(200)));
    }

    /** Managed images: none exist yet (or {@code existing}, a JSON object), PUT makes one, DELETE removes it. */
    void images(String... existing) {
        server.stubFor(get(urlPathMatching(group() + "/images")).willReturn(json(200,
                "{\"value\":[" + String.join(",", existing) + "]}")));
        server.stubFor(put(urlPathMatching(group() + "/images/[^/]+")).willReturn(resource(200)));
        server.stubFor(delete(urlPathMatching(group() + "/images/[^/]+")).willReturn(aResponse().withStatus(200)));
    }

    static String storageAccountId(String name) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + GROUP
                + "/providers/Microsoft.Storage/storageAccounts/" + name;
    }

    /** A StorageV2 account whose blob endpoint is {@code blobEndpoint}; listKeys answers {@code key}. */
    void storageAccount(String name, String blobEndpoint, String key) {
        String id = storageAccountId(name);
        server.stubFor(get(urlPathMatching(id)).willReturn(json(200, "{\"id\":\"" + id + "\",\"name\":\"" + name
                + "\",\"type\":\"Microsoft.Storage/storageAccounts\",\"location\":\"" + LOCATION + "\",\"kind\":"
                + "\"StorageV2\",\"sku\":{\"name\":\"Standard_LRS\",\"tier\":\"Standard\"},\"properties\":"
                + "{\"provisioningState\":\"Succeeded\",\"primaryEndpoints\":{\"blob\":\"" + blobEndpoint + "\"}}}")));
        server.stubFor(post(urlPathMatching(id + "/listKeys")).willReturn(json(200, "{\"keys\":[{\"keyName\":"
                + "\"key1\",\"value\":\"" + key + "\",\"permissions\":\"FULL\"},{\"keyName\":\"key2\",\"value\":\""
                + key + "\",\"permissions\":\"FULL\"}]}")));
    }

    void stub(MappingBuilder mapping) {
        server.stubFor(mapping);
    }

    /** Every call ARM received, oldest first, as "METHOD /path". */
    List<String> calls() {
        return requests().stream().map(r -> r.getMethod() + " " + r.getUrl().replaceAll("\\?.*", "")).toList();
    }

    List<LoggedRequest> requests() {
        List<LoggedRequest> all = new java.util.ArrayList<>(server.getAllServeEvents().stream()
                .map(ServeEvent::getRequest).toList());
        java.util.Collections.reverse(all);
        return all;
    }

    List<LoggedRequest> find(RequestMethod method, String pathRegex) {
        return server.findAll(new com.github.tomakehurst.wiremock.matching.RequestPatternBuilder(method,
                urlPathMatching(pathRegex)));
    }

    List<LoggedRequest> unmatched() {
        return server.findAllUnmatchedRequests();
    }

    @Override
    public void close() {
        server.stop();
    }

    static MappingBuilder any(String path) {
        return WireMock.any(urlPathMatching(path));
    }
}
