package dev.kiln.vcenter;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The {@code /api} dialect (vSphere 7.0 U2 and later), which vcsim 0.24 does not serve: WireMock answers like
 * the vSphere Automation API reference (bare JSON values, {@code ?action=}, specs not wrapped), and the test
 * checks kiln's requests: unwrapped specs, the session header, and the bytes of each PUT.
 */
class VcenterApiDialectTest {

    private static final String SESSION = "b00a5e55-1e55-4a11-9a7e-0c0ffee0c0de";

    @TempDir
    Path tmp;

    private WireMockServer vc;
    private Path ovf;
    private Path vmdk;

    @BeforeEach
    void start() throws Exception {
        vc = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        vc.start();
        ovf = Files.writeString(tmp.resolve("hello.ovf"), "<?xml version=\"1.0\"?><Envelope/>\n");
        vmdk = Files.write(tmp.resolve("hello-disk1.vmdk"), new byte[]{'K', 'D', 'M', 'V', 1, 2, 3});
        vc.stubFor(post("/api/session").withBasicAuth("administrator@vsphere.local", "pw")
                .willReturn(aResponse().withStatus(201).withBody("\"" + SESSION + "\"")));
        vc.stubFor(post(urlEqualTo("/api/content/library?action=find")).willReturn(okJson("[\"lib-1\"]")));
        vc.stubFor(post(urlEqualTo("/api/content/library/item?action=find")).willReturn(okJson("[]")));
        vc.stubFor(post(urlEqualTo("/api/content/library/item")).willReturn(aResponse().withStatus(201)
                .withBody("\"item-1\"")));
        vc.stubFor(post(urlEqualTo("/api/content/library/item/update-session")).willReturn(aResponse()
                .withStatus(201).withBody("\"sess-1\"")));
        for (String name : new String[]{"hello.ovf", "hello-disk1.vmdk"}) {
            vc.stubFor(post(urlEqualTo("/api/content/library/item/updatesession/file/sess-1?action=add"))
                    .withRequestBody(matchingJsonPath("$.name", equalTo(name)))
                    .willReturn(okJson("{\"name\":\"" + name + "\",\"status\":\"WAITING_FOR_TRANSFER\","
                            + "\"upload_endpoint\":{\"uri\":\"" + vc.baseUrl() + "/upload/sess-1/" + name + "\"}}")));
            vc.stubFor(put("/upload/sess-1/" + name).willReturn(ok()));
        }
        vc.stubFor(post(urlEqualTo("/api/content/library/item/update-session/sess-1?action=keep-alive"))
                .willReturn(noContent()));
        vc.stubFor(post(urlEqualTo("/api/content/library/item/update-session/sess-1?action=complete"))
                .willReturn(noContent()));
        vc.stubFor(get("/api/content/library/item/update-session/sess-1").willReturn(okJson(
                "{\"id\":\"sess-1\",\"library_item_id\":\"item-1\",\"state\":\"DONE\"}")));
        vc.stubFor(patch(urlEqualTo("/api/content/library/item/item-1")).willReturn(noContent()));
        vc.stubFor(post(urlEqualTo("/api/content/library/item/update-session/sess-1?action=fail")).willReturn(noContent()));
        vc.stubFor(delete(urlEqualTo("/api/content/library/item/update-session/sess-1")).willReturn(noContent()));
        vc.stubFor(get(urlEqualTo("/api/content/library/item/update-session")).willReturn(okJson("[]")));
        vc.stubFor(delete(urlEqualTo("/api/content/library/item/item-1")).willReturn(noContent()));
        vc.stubFor(delete(urlEqualTo("/api/session")).willReturn(noContent()));
        // tagging: kiln-digest exists already (no tags in it yet), the other categories are made
        vc.stubFor(get(urlEqualTo("/api/cis/tagging/category")).willReturn(okJson("[\"cat-digest\"]")));
        vc.stubFor(get(urlEqualTo("/api/cis/tagging/category/cat-digest")).willReturn(okJson(
                "{\"id\":\"cat-digest\",\"name\":\"kiln-digest\",\"cardinality\":\"SINGLE\"}")));
        vc.stubFor(post(urlEqualTo("/api/cis/tagging/category")).willReturn(aResponse().withStatus(201)
                .withBody("\"cat-new\"")));
        vc.stubFor(post(urlEqualTo("/api/cis/tagging/tag?action=list-tags-for-category")).willReturn(okJson("[]")));
        vc.stubFor(post(urlEqualTo("/api/cis/tagging/tag")).willReturn(aResponse().withStatus(201)
                .withBody("\"tag-new\"")));
        vc.stubFor(post(urlEqualTo("/api/cis/tagging/tag-association/tag-new?action=attach")).willReturn(noContent()));
    }

    @AfterEach
    void stop() {
        vc.stop();
    }

    private PushResult push() throws Exception {
        return push(java.util.Map.of());
    }

    private PushResult push(java.util.Map<String, String> flags) throws Exception {
        PushRequest request = new PushRequest(new Artifact(ImageFormat.of("ovf"), java.util.Map.of("ovf", ovf,
                "disk-1", vmdk)), "hello", Architecture.AMD64, Set.of(BootMode.UEFI), "sha256:" + "e".repeat(64),
                PublishPolicy.DEFAULT, false);
        ProviderHarness harness = new ProviderHarness(new VcenterProviderFactory(), tmp)
                .env("GOVC_URL", vc.baseUrl()).env("GOVC_USERNAME", "administrator@vsphere.local")
                .env("GOVC_PASSWORD", "pw");
        flags.forEach(harness::flag);
        try (Provider p = new VcenterProviderFactory().create(harness.pushContext())) {
            return p.push(request);
        }
    }

    @Test
    void aNewLibraryGoesOnTheDatastoreOfThatNameInTheDatacenterGiven() throws Exception {
        vc.stubFor(post(urlEqualTo("/api/content/library?action=find")).willReturn(okJson("[]")));
        vc.stubFor(get(urlEqualTo("/api/vcenter/datacenter?names=DC1")).willReturn(okJson(
                "[{\"datacenter\":\"datacenter-21\",\"name\":\"DC1\"}]")));
        vc.stubFor(get(urlEqualTo("/api/vcenter/datastore?names=LocalDS_0&datacenters=datacenter-21")).willReturn(okJson(
                "[{\"datastore\":\"datastore-22\",\"name\":\"LocalDS_0\",\"type\":\"VMFS\"}]")));
        vc.stubFor(post(urlEqualTo("/api/content/local-library")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("\"lib-2\"")));
        vc.stubFor(post(urlEqualTo("/api/content/library/item/updatesession/file/sess-1?action=validate"))
                .willReturn(okJson("{\"has_errors\":false,\"missing_files\":[],\"invalid_files\":[]}")));

        PushResult result = push(java.util.Map.of("datacenter", "DC1", "datastore", "LocalDS_0"));

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        vc.verify(postRequestedFor(urlEqualTo("/api/content/local-library"))
                .withRequestBody(matchingJsonPath("$.storage_backings[0].datastore_id", equalTo("datastore-22"))));
        vc.verify(0, getRequestedFor(urlEqualTo("/api/vcenter/datastore?names=LocalDS_0")));
    }

    @Test
    void anOvfTemplateIsUploadedOverApiWithBareSpecs() throws Exception {
        vc.stubFor(post(urlEqualTo("/api/content/library/item/updatesession/file/sess-1?action=validate"))
                .willReturn(okJson("{\"has_errors\":false,\"missing_files\":[],\"invalid_files\":[]}")));

        PushResult result = push();

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(result.images().get(0).imageId()).isEqualTo("item-1");
        vc.verify(postRequestedFor(urlEqualTo("/api/content/library/item"))
                .withHeader("vmware-api-session-id", equalTo(SESSION))
                .withRequestBody(matchingJsonPath("$.library_id", equalTo("lib-1")))
                .withRequestBody(matchingJsonPath("$.type", equalTo("ovf")))
                .withRequestBody(matchingJsonPath("$.description", containing("kiln-digest: sha256:eeee"))));
        vc.verify(postRequestedFor(urlEqualTo("/api/content/library/item/updatesession/file/sess-1?action=add"))
                .withRequestBody(matchingJsonPath("$.source_type", equalTo("PUSH")))
                .withRequestBody(matchingJsonPath("$.size", equalTo("7"))));
        vc.verify(putRequestedFor(urlEqualTo("/upload/sess-1/hello.ovf")).withRequestBody(
                binaryEqualTo(Files.readAllBytes(ovf))));
        vc.verify(putRequestedFor(urlEqualTo("/upload/sess-1/hello-disk1.vmdk")).withRequestBody(
                binaryEqualTo(Files.readAllBytes(vmdk))));
        vc.verify(patchRequestedFor(urlEqualTo("/api/content/library/item/item-1"))
                .withRequestBody(equalToJson("{\"name\":\"hello\"}")));
        vc.verify(0, postRequestedFor(urlPathMatching("/rest/.*")));
        vc.verify(0, deleteRequestedFor(urlEqualTo("/api/content/library/item/item-1")));
        vc.verify(0, postRequestedFor(urlEqualTo("/api/cis/tagging/category"))
                .withRequestBody(matchingJsonPath("$.name", equalTo("kiln-digest"))));
        vc.verify(postRequestedFor(urlEqualTo("/api/cis/tagging/category"))
                .withRequestBody(matchingJsonPath("$.name", equalTo("kiln-version")))
                .withRequestBody(matchingJsonPath("$.cardinality", equalTo("SINGLE"))));
        vc.verify(postRequestedFor(urlEqualTo("/api/cis/tagging/tag?action=list-tags-for-category"))
                .withRequestBody(equalToJson("{\"category_id\":\"cat-digest\"}")));
        vc.verify(postRequestedFor(urlEqualTo("/api/cis/tagging/tag"))
                .withRequestBody(matchingJsonPath("$.category_id", equalTo("cat-digest")))
                .withRequestBody(matchingJsonPath("$.name", equalTo("sha256:" + "e".repeat(64)))));
        vc.verify(3, postRequestedFor(urlEqualTo("/api/cis/tagging/tag-association/tag-new?action=attach"))
                .withRequestBody(equalToJson("{\"object_id\":{\"type\":\"com.vmware.content.library.Item\","
                        + "\"id\":\"item-1\"}}")));
        assertThat(result.tags()).containsEntry("kiln-digest", "sha256:" + "e".repeat(64))
                .containsEntry("kiln-name", "hello").containsKey("kiln-version");
    }

    @Test
    void aValidationErrorFailsTheSessionAndDeletesTheItemBeforeComplete() throws Exception {
        vc.stubFor(post(urlEqualTo("/api/content/library/item/updatesession/file/sess-1?action=validate"))
                .willReturn(okJson("{\"has_errors\":true,\"missing_files\":[\"hello-disk2.vmdk\"],\"invalid_files\":[]}")));

        Throwable failure = catchThrowable(this::push);

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("hello-disk2.vmdk")
                .hasMessageContaining("removed library item item-1");
        vc.verify(0, postRequestedFor(urlEqualTo("/api/content/library/item/update-session/sess-1?action=complete")));
        vc.verify(postRequestedFor(urlEqualTo("/api/content/library/item/update-session/sess-1?action=fail")));
        vc.verify(deleteRequestedFor(urlEqualTo("/api/content/library/item/item-1")));
    }
}
