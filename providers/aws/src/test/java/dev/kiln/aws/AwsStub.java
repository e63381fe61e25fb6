package dev.kiln.aws;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * EC2, STS and EBS direct on one loopback WireMock server, answering like the examples in the AWS
 * API references (EC2 and STS: query protocol, XML; EBS: REST/JSON). Tests add or override
 * stubs per action and read back the calls the SDK made.
 */
final class AwsStub implements AutoCloseable {

    static final String ACCOUNT = "123456789012";
    static final String SNAPSHOT = "snap-0a1b2c3d4e5f67890";
    static final String IMAGE = "ami-0abcdef1234567890";
    private static final String EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private static final Pattern REGION = Pattern.compile("Credential=[^/]+/\\d{8}/([a-z0-9-]+)/");

    final WireMockServer server;
    final EbsStub ebs = new EbsStub();

    AwsStub() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").extensions(ebs));
        server.start();
        defaults();
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    private void defaults() {
        sts("GetCallerIdentity", "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<GetCallerIdentityResult><Arn>arn:aws:iam::" + ACCOUNT + ":user/kiln</Arn>"
                + "<UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>" + ACCOUNT + "</Account></GetCallerIdentityResult>"
                + "<ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>"
                + "</GetCallerIdentityResponse>");
        server.stubFor(post(urlEqualTo("/snapshots")).atPriority(5).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"SnapshotId\":\"" + SNAPSHOT + "\",\"OwnerId\":\"" + ACCOUNT + "\",\"Status\":\"pending\","
                        + "\"StartTime\":1700000000,\"VolumeSize\":1,\"BlockSize\":524288}")));
        server.stubFor(put(urlPathMatching("/snapshots/.*/blocks/.*")).atPriority(5)
                .willReturn(aResponse().withTransformers(EbsStub.NAME)));
        server.stubFor(post(urlPathMatching("/snapshots/completion/.*")).atPriority(5)
                .willReturn(aResponse().withTransformers(EbsStub.NAME)));
        ec2("DescribeImages", "<imagesSet/>");
        ec2("DescribeSnapshots", "<snapshotSet><item><snapshotId>" + SNAPSHOT + "</snapshotId><status>completed</status>"
                + "<progress>100%</progress><volumeSize>1</volumeSize></item></snapshotSet>");
        ec2("RegisterImage", "<imageId>" + IMAGE + "</imageId>");
        ec2Where("DescribeImages", "ImageId.1=", images(image(IMAGE, "hello", "sha256:any", SNAPSHOT)));
        for (String a : List.of("DeregisterImage", "DeleteSnapshot", "CreateTags", "ModifyImageAttribute",
                "ModifySnapshotAttribute", "CancelImportTask")) {
            ec2(a, "<return>true</return>");
        }
        ec2("DescribeImageAttribute", "<imageId>" + IMAGE + "</imageId><launchPermission/>");
        ec2("GetImageBlockPublicAccessState", "<imageBlockPublicAccessState>unblocked</imageBlockPublicAccessState>");
        ec2("GetSnapshotBlockPublicAccessState", "<state>unblocked</state>");
    }

    void sts(String action, String xml) {
        server.stubFor(post(urlEqualTo("/")).atPriority(5).withRequestBody(containing("Action=" + action))
                .willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody(xml)));
    }

    /** A successful EC2 answer to {@code action}; {@code inner} is what goes inside the response element. */
    void ec2(String action, String inner) {
        stub(action, null, 5, ok(action, inner));
    }

    /** Like {@link #ec2} for requests whose form body also contains {@code fragment} (URL-encoded). */
    void ec2Where(String action, String fragment, String inner) {
        stub(action, fragment, 3, ok(action, inner));
    }

    void ec2Error(String action, int status, String code, String message) {
        stub(action, null, 1, aResponse().withStatus(status).withHeader("Content-Type", "text/xml")
                .withBody("<Response><Errors><Error><Code>" + code + "</Code><Message>" + message
                        + "</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>"));
    }

    private void stub(String action, String fragment, int priority, ResponseDefinitionBuilder response) {
        MappingBuilder m = post(urlEqualTo("/")).atPriority(priority).withRequestBody(containing("Action=" + action + "&"));
        if (fragment != null) {
            m = m.withRequestBody(containing(fragment));
        }
        server.stubFor(m.willReturn(response));
    }

    private static ResponseDefinitionBuilder ok(String action, String inner) {
        return aResponse().withHeader("Content-Type", "text/xml;charset=UTF-8")
                .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?><" + action + "Response xmlns=\"" + EC2_NS + "\">"
                        + "<requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>" + inner
                        + "</" + action + "Response>");
    }

    static String images(String... items) {
        return "<imagesSet>" + String.join("", items) + "</imagesSet>";
    }

    static String image(String id, String name, String digest, String snapshot) {
        return "<item><imageId>" + id + "</imageId><imageLocation>" + ACCOUNT + "/" + name + "</imageLocation>"
                + "<imageState>available</imageState><imageOwnerId>" + ACCOUNT + "</imageOwnerId>"
                + "<creationDate>2026-11-01T10:00:00.000Z</creationDate><isPublic>false</isPublic>"
                + "<architecture>x86_64</architecture><imageType>machine</imageType><name>" + name + "</name>"
                + "<rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>"
                + "<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><snapshotId>" + snapshot
                + "</snapshotId><volumeSize>1</volumeSize><deleteOnTermination>true</deleteOnTermination>"
                + "<volumeType>gp3</volumeType></ebs></item></blockDeviceMapping>"
                + "<virtualizationType>hvm</virtualizationType><tagSet><item><key>kiln:digest</key><value>" + digest
                + "</value></item></tagSet></item>";
    }

    /** Every EC2/STS call of this action, as its decoded form parameters plus "@region". */
    List<Map<String, String>> calls(String action) {
        return server.findAll(anyRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=" + action + "&")))
                .stream().map(AwsStub::form).toList();
    }

    List<LoggedRequest> requests(String method, String pathPrefix) {
        return server.getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> r.getMethod().value().equals(method) && r.getUrl().startsWith(pathPrefix)).toList();
    }

    static Map<String, String> form(LoggedRequest r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : r.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            out.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        Matcher m = REGION.matcher(String.valueOf(r.getHeader("Authorization")));
        out.put("@region", m.find() ? m.group(1) : "");
        return out;
    }

    /** Tag key to value from {@code TagSpecification.N.Tag.M.Key/Value} (or {@code Tag.M.*}) parameters. */
    static Map<String, String> tags(Map<String, String> form, String prefix) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 1; form.containsKey(prefix + i + ".Key"); i++) {
            tags.put(form.get(prefix + i + ".Key"), form.get(prefix + i + ".Value"));
        }
        return tags;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop();
    }
}
