package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The result schema against hand-written documents: each shape kiln writes passes, broken ones name the field. */
class ResultSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String PUSH = """
            {"schema": "kiln.dev/result/v1", "command": "push", "provider": "aws", "name": "hello",
             "content_digest": "blocks-sha256:0f0f", "outcome": "created",
             "artifact_id": "eu-west-1:ami-0abc,us-east-1:ami-0def",
             "images": [{"location": "eu-west-1", "image_id": "ami-0abc"}, {"location": "us-east-1", "image_id": "ami-0def"}],
             "tags": {"kiln:content-digest": "blocks-sha256:0f0f", "kiln:name": "hello"},
             "resources": [{"type": "snapshot", "id": "snap-0123", "location": "eu-west-1"}]}
            """;

    static final String PUBLISH = """
            {"schema": "kiln.dev/result/v1", "command": "publish", "name": "hello", "content_digest": "blocks-sha256:0f0f",
             "outcome": "partial",
             "targets": [
               {"target": "aws/eu-west-1", "provider": "aws", "location": "eu-west-1", "outcome": "created", "seconds": 41.2,
                "name": "hello", "content_digest": "blocks-sha256:0f0f", "artifact_id": "eu-west-1:ami-0abc",
                "images": [{"location": "eu-west-1", "image_id": "ami-0abc"}],
                "tags": {"kiln:name": "hello"}, "resources": [{"type": "snapshot", "id": "snap-1", "location": "eu-west-1"}]},
               {"target": "gcp/europe-west1", "provider": "gcp", "location": "europe-west1", "outcome": "existed", "seconds": 0.8,
                "name": "hello", "content_digest": "blocks-sha256:0f0f", "artifact_id": "hello-0f0f",
                "images": [{"location": "", "image_id": "hello-0f0f"}], "tags": {}, "resources": []},
               {"target": "aws/us-east-1", "provider": "aws", "location": "us-east-1", "outcome": "failed", "seconds": 12,
                "error": {"message": "Tried to upload snapshot blocks but the connection was reset; re-run kiln publish",
                          "exit_code": 1, "kind": "failure"}}],
             "summary": {"created": 1, "existed": 1, "replaced": 0, "dry_run": 0, "failed": 1}}
            """;

    @Test
    void acceptsEachDocumentTheReadmeAndIssueDescribe() throws IOException {
        assertValid(PUSH);
        assertValid(PUBLISH);
        assertValid("""
                {"schema": "kiln.dev/result/v1", "command": "build", "name": "hello", "arch": "amd64",
                 "content_digest": "sha256:aa",
                 "artifacts": [{"path": "hello-efi.img", "format": "raw-efi", "size": 37748736,
                                "sha256": "%s", "boot_modes": ["uefi"]}]}
                """.formatted("ab".repeat(32)));
        assertValid("""
                {"schema": "kiln.dev/result/v1", "command": "run", "provider": "qemu", "instance_id": "q-1",
                 "location": "", "state": "exited", "addresses": {"ssh": "127.0.0.1:2222"}, "exit_code": 0,
                 "console_log": "/tmp/console.log", "created": [{"type": "disk", "id": "/tmp/disk0.qcow2", "location": ""}],
                 "removed": false}
                """);
        assertValid("""
                {"schema": "kiln.dev/result/v1", "command": "kiln", "outcome": "failed",
                 "error": {"message": "Unknown option: '--frob'", "exit_code": 2, "kind": "usage"}}
                """);
        assertValid("""
                {"schema": "kiln.dev/result/v1", "command": "merge", "name": null, "content_digest": null,
                 "outcome": "dry_run", "merged_from": ["a.json", "b.json"],
                 "targets": [{"target": "packet/ams1", "provider": "packet", "location": null, "outcome": "dry_run",
                              "seconds": 0, "name": "hello", "content_digest": null, "artifact_id": "",
                              "images": [], "tags": {}, "resources": []}],
                 "summary": {"created": 0, "existed": 0, "replaced": 0, "dry_run": 1, "failed": 0}}
                """);
        assertValid("""
                {"schema": "kiln.dev/result/v1", "command": "rm", "provider": "aws", "dry_run": false, "outcome": "removed",
                 "items": [{"kind": "image", "id": "ami-0abc", "name": "hello", "location": "eu-west-1",
                            "digest": "blocks-sha256:aa", "created": "2026-11-30T09:12:44Z", "state": "", "by_kiln": true,
                            "parts": [{"type": "snapshot", "id": "snap-0123", "location": "eu-west-1"}],
                            "tags": {"kiln:name": "hello"}, "outcome": "removed",
                            "removed": [{"type": "image", "id": "ami-0abc", "location": "eu-west-1"},
                                        {"type": "snapshot", "id": "snap-0123", "location": "eu-west-1"}]}],
                 "removed": [{"type": "image", "id": "ami-0abc", "location": "eu-west-1"},
                             {"type": "snapshot", "id": "snap-0123", "location": "eu-west-1"}],
                 "left": []}
                """);
    }

    @Test
    void anRmItemWithAnUnknownOutcomeIsRejected() throws IOException {
        assertThat(ResultSchema.validate(JSON.readTree("""
                {"schema": "kiln.dev/result/v1", "command": "rm", "provider": "aws", "dry_run": false,
                 "outcome": "removed", "items": [{"kind": "image", "id": "a", "name": "", "location": "",
                 "digest": "", "created": null, "state": "", "by_kiln": true, "parts": [], "tags": {},
                 "outcome": "vanished", "removed": []}], "removed": [], "left": []}
                """))).anyMatch(m -> m.startsWith("$.items[0].outcome"));
    }

    @Test
    void aDocumentWithoutOutcomeIsRejectedNamingTheField() throws IOException {
        ObjectNode doc = (ObjectNode) JSON.readTree(PUSH);
        doc.remove("outcome");

        assertThat(ResultSchema.validate(doc)).singleElement().asString().contains("outcome").contains("$");
    }

    @Test
    void aFieldOfTheWrongTypeIsRejectedWithItsPath() throws IOException {
        ObjectNode doc = (ObjectNode) JSON.readTree(PUBLISH);
        ((ObjectNode) doc.withArray("targets").get(0)).put("seconds", "forty");
        ((ObjectNode) doc.withArray("targets").get(0).withArray("images").get(0)).remove("image_id");

        assertThat(ResultSchema.validate(doc))
                .anySatisfy(m -> assertThat(m).startsWith("$.targets[0].seconds").contains("number"))
                .anySatisfy(m -> assertThat(m).startsWith("$.targets[0].images[0]").contains("image_id"));
    }

    @Test
    void aFailedTargetMustSayWhy() throws IOException {
        ObjectNode doc = (ObjectNode) JSON.readTree(PUBLISH);
        ((ObjectNode) doc.withArray("targets").get(2)).remove("error");

        assertThat(ResultSchema.validate(doc)).anySatisfy(m -> assertThat(m).startsWith("$.targets[2]").contains("error"));
    }

    @Test
    void anUnknownOutcomeOrSchemaIsRejected() throws IOException {
        ObjectNode doc = (ObjectNode) JSON.readTree(PUSH);
        doc.put("outcome", "published");
        doc.put("schema", "kiln.dev/result/v2");

        assertThat(ResultSchema.validate(doc))
                .anySatisfy(m -> assertThat(m).startsWith("$.outcome"))
                .anySatisfy(m -> assertThat(m).startsWith("$.schema"));
    }

    @Test
    void fieldsAddedLaterWithinV1AreAccepted() throws IOException {
        ObjectNode doc = (ObjectNode) JSON.readTree(PUSH);
        doc.put("a_field_from_a_later_kiln", 1);

        assertThat(ResultSchema.validate(doc)).isEmpty();
    }

    @Test
    void theRepositoryCopyIsTheOneOnTheClassPath() throws IOException {
        JsonNode inRepository = JSON.readTree(Files.readString(Path.of("src/main/schema/kiln-result-v1.schema.json")));

        assertThat(ResultSchema.schema()).isEqualTo(inRepository);
    }

    static void assertValid(String json) throws IOException {
        assertThat(ResultSchema.validate(JSON.readTree(json))).as(json).isEmpty();
    }
}
