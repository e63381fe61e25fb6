package dev.kiln.aws;

import dev.kiln.testkit.ProviderTck;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * EC2, STS and EBS direct with state, on one loopback WireMock server: snapshots are started, written, completed
 * and deleted; images are registered (names unique, snapshots must exist), described by id, name or digest tag,
 * and deregistered (their snapshots stay, as in EC2); instances with their volumes and network interfaces are
 * {@link Ec2Instances}. Every mutating call is logged, and one can be made to fail
 * or to run an action first. What the {@link AwsProviderTckTest} and the replace tests look at.
 */
final class Ec2World implements ProviderTck.CloudState, ResponseDefinitionTransformerV2, AutoCloseable {

    static final String NAME = "ec2-world";
    private static final String EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private static final Pattern BLOCK = Pattern.compile("/snapshots/([^/]+)/blocks/(\\d+)");
    private static final Pattern COMPLETE = Pattern.compile("/snapshots/completion/([^/?]+)");
    private static final Pattern CLIENT_TOKEN = Pattern.compile("\"ClientToken\"\\s*:\\s*\"([^\"]+)\"");
    /** Where an image keeps the time EC2 registered it (not a RegisterImage parameter). */
    private static final String CREATED = "kiln-world:creationDate";
    private static final Pattern EBS_TAG = Pattern.compile("\\{\"Key\":\"([^\"]*)\",\"Value\":\"([^\"]*)\"}");

    /** A snapshot: its state, tags and the blocks written to it. */
    static final class Snap {
        final String id;
        String state = "pending";
        final Map<String, String> tags;
        final Map<Integer, byte[]> blocks = new TreeMap<>();

        Snap(String id, Map<String, String> tags) {
            this.id = id;
            this.tags = tags;
        }
    }

    /** A registered image: the RegisterImage parameters it was made with, and its tags. */
    record Img(String id, Map<String, String> params, Map<String, String> tags) {
        String name() {
            return params.get("Name");
        }

        String snapshot() {
            return params.get("BlockDeviceMapping.1.Ebs.SnapshotId");
        }
    }

    final WireMockServer server;
    final Map<String, Snap> snapshots = new LinkedHashMap<>();
    /** StartSnapshot ClientToken to the snapshot it made. */
    private final Map<String, String> byToken = new java.util.HashMap<>();
    final Map<String, Img> images = new LinkedHashMap<>();
    /** Images deregistered here: EC2 answers InvalidAMIID.Unavailable for them, not NotFound. */
    final java.util.Set<String> deregistered = new java.util.HashSet<>();
    final List<String> mutations = new ArrayList<>();
    /** Instances, their volumes and network interfaces. */
    final Ec2Instances instances = new Ec2Instances(this);
    private int counter;
    private int failAt;
    private int actAt;
    private Runnable action;
    private Predicate<String> failRegister;

    Ec2World() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").extensions(this));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(NAME)));
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The {@code n}-th mutating call from now on fails with a 400 that is not retried. */
    @Override
    public synchronized void failMutation(int n) {
        failAt = n;
    }

    @Override
    public synchronized void onMutation(int n, Runnable then) {
        actAt = n;
        action = then;
    }

    /** The next RegisterImage whose root snapshot matches fails once, as an EC2 rejection would. */
    synchronized void failRegisterOnce(Predicate<String> snapshot) {
        failRegister = snapshot;
    }

    @Override
    public synchronized Map<String, String> images(String name) {
        Map<String, String> out = new TreeMap<>();
        images.values().stream().filter(i -> name.equals(i.name()))
                .forEach(i -> out.put(i.id(), i.tags().getOrDefault(Tags.DIGEST, "")));
        return out;
    }

    @Override
    public synchronized Set<String> resources() {
        Set<String> out = new TreeSet<>();
        snapshots.keySet().forEach(s -> out.add("snapshot " + s));
        images.keySet().forEach(i -> out.add("image " + i));
        out.addAll(instances.resources());
        return out;
    }

    @Override
    public synchronized List<String> mutations() {
        return List.copyOf(mutations);
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
        String url = r.getUrl();
        Runnable then = null;
        ResponseDefinition answer;
        synchronized (this) {
            String op = operation(r);
            if (op.startsWith("Mutating ")) {
                op = op.substring(9);
                mutations.add(op);
                if (--actAt == 0) {
                    then = action;
                }
                if (--failAt == 0) {
                    return fault(url.equals("/") ? "ec2" : "ebs", op);
                }
            }
        }
        if (then != null) {
            then.run();
        }
        synchronized (this) {
            answer = url.equals("/") ? ec2(form(r.getBodyAsString())) : ebs(r);
        }
        return answer;
    }

    /** "Mutating X" for calls that change state, else the call's name. */
    private static String operation(Request r) {
        String url = r.getUrl();
        if (!url.equals("/")) {
            if (BLOCK.matcher(url).matches()) {
                return "Mutating PutSnapshotBlock";
            }
            if (COMPLETE.matcher(url).find()) {
                return "Mutating CompleteSnapshot";
            }
            return url.startsWith("/snapshots") && r.getMethod().value().equals("POST") ? "Mutating StartSnapshot"
                    : "EBS " + url;
        }
        String action = form(r.getBodyAsString()).getOrDefault("Action", "");
        boolean reads = action.startsWith("Describe") || action.startsWith("Get");
        return reads ? action : "Mutating " + action;
    }

    private ResponseDefinition fault(String service, String op) {
        if (service.equals("ebs")) {
            return EbsStub.error(400, "ValidationException", op + " rejected (fault injected by the test)");
        }
        return ec2Error(400, "InvalidParameterValue", op + " rejected (fault injected by the test)");
    }

    private ResponseDefinition ec2(Map<String, String> f) {
        String action = f.getOrDefault("Action", "");
        return switch (action) {
            case "GetCallerIdentity" -> xml("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                    + "<GetCallerIdentityResult><Arn>arn:aws:iam::" + AwsStub.ACCOUNT + ":user/kiln</Arn><UserId>AIDA"
                    + "</UserId><Account>" + AwsStub.ACCOUNT + "</Account></GetCallerIdentityResult>"
                    + "</GetCallerIdentityResponse>");
            case "DescribeImages" -> ok(action, "<imagesSet>" + String.join("", images.values().stream()
                    .filter(i -> matches(i, f)).map(Ec2World::imageXml).toList()) + "</imagesSet>");
            case "DescribeSnapshots" -> ok(action, "<snapshotSet>" + String.join("", snapshots.values().stream()
                    .filter(s -> s.id.equals(f.get("SnapshotId.1"))).map(s -> "<item><snapshotId>" + s.id
                            + "</snapshotId><status>" + s.state + "</status><volumeSize>1</volumeSize></item>").toList())
                    + "</snapshotSet>");
            case "DescribeImageAttribute" -> images.containsKey(f.get("ImageId"))
                    ? ok(action, "<imageId>" + f.get("ImageId") + "</imageId><launchPermission/>")
                    : ec2Error(400, "InvalidAMIID.NotFound", "The image id '" + f.get("ImageId") + "' does not exist");
            case "RegisterImage" -> register(f);
            case "DeregisterImage" -> images.remove(f.get("ImageId")) != null && deregistered.add(f.get("ImageId"))
                    ? ok(action, "<return>true</return>")
                    : deregistered.contains(f.get("ImageId"))
                    ? ec2Error(400, "InvalidAMIID.Unavailable", "The image ID '" + f.get("ImageId") + "' is no longer available")
                    : ec2Error(400, "InvalidAMIID.NotFound", "The image id '" + f.get("ImageId") + "' does not exist");
            case "DeleteSnapshot" -> deleteSnapshot(f.get("SnapshotId"));
            case "CreateTags", "ModifyImageAttribute", "ModifySnapshotAttribute" -> ok(action, "<return>true</return>");
            case "GetImageBlockPublicAccessState" -> ok(action,
                    "<imageBlockPublicAccessState>unblocked</imageBlockPublicAccessState>");
            case "GetSnapshotBlockPublicAccessState" -> ok(action, "<state>unblocked</state>");
            default -> instances.answer(action, f).orElseGet(() ->
                    ec2Error(400, "InvalidAction", "Ec2World does not model " + action));
        };
    }

    private ResponseDefinition register(Map<String, String> f) {
        String name = f.get("Name");
        String snapshot = f.get("BlockDeviceMapping.1.Ebs.SnapshotId");
        if (failRegister != null && failRegister.test(snapshot)) {
            failRegister = null;
            return ec2Error(400, "InvalidParameterValue", "Value (uefi-preferred) for parameter bootMode is invalid");
        }
        if (images.values().stream().anyMatch(i -> i.name().equals(name))) {
            return ec2Error(400, "InvalidAMIName.Duplicate", "AMI name " + name + " is already in use by another AMI");
        }
        Snap s = snapshots.get(snapshot);
        if (s == null || !s.state.equals("completed")) {
            return ec2Error(400, "InvalidSnapshot.NotFound", "The snapshot '" + snapshot + "' does not exist");
        }
        String id = String.format("ami-%017x", ++counter);
        Map<String, String> params = new LinkedHashMap<>(f);
        params.put(CREATED, String.format("2026-11-22T10:%02d:%02d.000Z", counter / 60 % 60, counter % 60));
        images.put(id, new Img(id, params, AwsStub.tags(f, "TagSpecification.1.Tag.")));
        return ok("RegisterImage", "<imageId>" + id + "</imageId>");
    }

    private ResponseDefinition deleteSnapshot(String id) {
        if (!snapshots.containsKey(id)) {
            return ec2Error(400, "InvalidSnapshot.NotFound", "The snapshot '" + id + "' does not exist");
        }
        for (Img i : images.values()) {
            if (id.equals(i.snapshot())) {
                return ec2Error(400, "InvalidSnapshot.InUse", "The snapshot " + id + " is in use by " + i.id());
            }
        }
        snapshots.remove(id);
        return ok("DeleteSnapshot", "<return>true</return>");
    }

    private static boolean matches(Img i, Map<String, String> f) {
        List<String> ids = Ec2Filters.list(f, "ImageId");
        if (!ids.isEmpty() && !ids.contains(i.id())) {
            return false;
        }
        return Ec2Filters.match(f, i.tags(), name -> switch (name) {
            case "name" -> List.of(i.name());
            case "state" -> List.of("available");
            default -> null;
        });
    }

    private static String imageXml(Img i) {
        Map<String, String> p = i.params();
        StringBuilder tags = new StringBuilder();
        i.tags().forEach((k, v) -> tags.append("<item><key>").append(k).append("</key><value>").append(v)
                .append("</value></item>"));
        return "<item><imageId>" + i.id() + "</imageId><imageState>available</imageState><imageOwnerId>"
                + AwsStub.ACCOUNT + "</imageOwnerId><name>" + i.name() + "</name>"
                + element("creationDate", p.get(CREATED))
                + element("description", p.get("Description")) + element("architecture", p.get("Architecture"))
                + element("bootMode", p.get("BootMode")) + element("enaSupport", p.get("EnaSupport"))
                + element("tpmSupport", p.get("TpmSupport")) + element("imdsSupport", p.get("ImdsSupport"))
                + "<rootDeviceType>ebs</rootDeviceType>" + element("rootDeviceName", p.get("RootDeviceName"))
                + element("virtualizationType", p.get("VirtualizationType"))
                + "<blockDeviceMapping><item><deviceName>" + p.get("BlockDeviceMapping.1.DeviceName") + "</deviceName>"
                + "<ebs><snapshotId>" + i.snapshot() + "</snapshotId><volumeSize>1</volumeSize>"
                + element("deleteOnTermination", p.get("BlockDeviceMapping.1.Ebs.DeleteOnTermination"))
                + element("volumeType", p.get("BlockDeviceMapping.1.Ebs.VolumeType"))
                + "</ebs></item></blockDeviceMapping><tagSet>" + tags + "</tagSet></item>";
    }

    private static String element(String name, String value) {
        return value == null ? "" : "<" + name + ">" + value + "</" + name + ">";
    }

    private ResponseDefinition ebs(Request r) {
        String url = r.getUrl();
        Matcher block = BLOCK.matcher(url);
        if (block.matches()) {
            Snap s = snapshots.get(block.group(1));
            if (s == null || !s.state.equals("pending")) {
                return EbsStub.error(404, "ResourceNotFoundException", "The snapshot was not found");
            }
            byte[] sha = EbsStub.sha256(r.getBody());
            if (!Base64.getEncoder().encodeToString(sha).equals(r.getHeader("x-amz-Checksum"))) {
                return EbsStub.error(400, "ValidationException", "The checksum of the block is wrong");
            }
            s.blocks.put(Integer.parseInt(block.group(2)), sha);
            return ResponseDefinitionBuilder.responseDefinition().withStatus(201).build();
        }
        Matcher complete = COMPLETE.matcher(url);
        if (complete.find()) {
            Snap s = snapshots.get(complete.group(1));
            if (s == null) {
                return EbsStub.error(404, "ResourceNotFoundException", "The snapshot was not found");
            }
            MessageDigest md = sha();
            s.blocks.values().forEach(md::update);
            if (Integer.parseInt(r.getHeader("x-amz-ChangedBlocksCount")) != s.blocks.size()
                    || !Base64.getEncoder().encodeToString(md.digest()).equals(r.getHeader("x-amz-Checksum"))) {
                return EbsStub.error(400, "ValidationException", "The aggregate checksum does not match");
            }
            s.state = "completed";
            return json(202, "{\"Status\":\"completed\"}");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        Matcher t = EBS_TAG.matcher(r.getBodyAsString());
        while (t.find()) {
            tags.put(t.group(1), t.group(2));
        }
        // a ClientToken seen before gives the snapshot it made, as EBS's idempotent StartSnapshot does
        Matcher token = CLIENT_TOKEN.matcher(r.getBodyAsString());
        String id = token.find() && byToken.containsKey(token.group(1)) ? byToken.get(token.group(1))
                : String.format("snap-%017x", ++counter);
        if (token.find(0)) {
            byToken.put(token.group(1), id);
        }
        snapshots.putIfAbsent(id, new Snap(id, tags));
        return json(201, "{\"SnapshotId\":\"" + id + "\",\"OwnerId\":\"" + AwsStub.ACCOUNT + "\",\"Status\":\"pending\","
                + "\"StartTime\":1700000000,\"VolumeSize\":1,\"BlockSize\":524288}");
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ResponseDefinition json(int status, String body) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body).build();
    }

    private static ResponseDefinition xml(String body) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(200).withHeader("Content-Type", "text/xml")
                .withBody(body).build();
    }

    static ResponseDefinition ok(String action, String inner) {
        return xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?><" + action + "Response xmlns=\"" + EC2_NS + "\">"
                + "<requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>" + inner + "</" + action + "Response>");
    }

    static ResponseDefinition ec2Error(int status, String code, String message) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status).withHeader("Content-Type", "text/xml")
                .withBody("<Response><Errors><Error><Code>" + code + "</Code><Message>" + message
                        + "</Message></Error></Errors><RequestID>ea966190-example</RequestID></Response>").build();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            out.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop();
    }
}
