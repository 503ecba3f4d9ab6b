package io.heapfleet.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * The plain task-definition JSON in docs/infra.md (for teams without CDK) says what {@link
 * HeapfleetAgent} does: same init container, volume, mounts, dependency, secret, port and agent
 * option. Compared field by field with the construct's synthesized task definition.
 */
class AgentTaskDefinitionDocTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static JsonNode doc;
  static JsonNode synthesized;

  @BeforeAll
  static void read() throws Exception {
    String md = Files.readString(Synth.projectRoot().resolve("docs/infra.md"));
    int section = md.indexOf("### Without CDK");
    int start = md.indexOf("```json", section) + "```json".length();
    doc = JSON.readTree(md.substring(start, md.indexOf("```", start)));

    App app = new App();
    Stack stack = new Stack(app, "orders");
    HeapfleetAgentTest.Fixture f = new HeapfleetAgentTest.Fixture(stack);
    new HeapfleetAgent(
        stack,
        "Heapfleet",
        f.task,
        f.app,
        new HeapfleetAgent.Props(
            ContainerImage.fromRegistry("<AgentImageUri>"),
            Secret.fromSecretCompleteArn(
                stack, "Secret", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:h-AbCdEf"),
            9091,
            24 * 1024,
            4,
            null,
            null));
    Map<String, Map<String, Object>> tasks =
        Template.fromStack(stack).findResources("AWS::ECS::TaskDefinition");
    synthesized = camelCase(JSON.valueToTree(tasks.values().iterator().next().get("Properties")));
  }

  /** CloudFormation spells the ECS fields in PascalCase; the ECS JSON in camelCase. */
  static JsonNode camelCase(JsonNode node) {
    if (node instanceof ObjectNode o) {
      ObjectNode out = JSON.createObjectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String k = e.getKey();
        out.set(Character.toLowerCase(k.charAt(0)) + k.substring(1), camelCase(e.getValue()));
      }
      return out;
    }
    if (node instanceof ArrayNode a) {
      ArrayNode out = JSON.createArrayNode();
      a.forEach(n -> out.add(camelCase(n)));
      return out;
    }
    return node;
  }

  static JsonNode container(JsonNode task, String name) {
    for (JsonNode c : task.path("containerDefinitions")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no container " + name + " in " + task);
  }

  @Test
  void initContainerIsTheConstructs() {
    JsonNode d = container(doc, HeapfleetAgent.INIT_CONTAINER);
    JsonNode s = container(synthesized, HeapfleetAgent.INIT_CONTAINER);
    for (String field :
        new String[] {
          "image", "essential", "readonlyRootFilesystem", "memoryReservation", "mountPoints"
        }) {
      assertThat(d.path(field)).as(field).isEqualTo(s.path(field));
    }
  }

  @Test
  void appContainerGetsWhatTheConstructAdds() {
    JsonNode d = container(doc, "orders");
    JsonNode s = container(synthesized, "orders");
    for (String field : new String[] {"dependsOn", "mountPoints", "portMappings"}) {
      assertThat(d.path(field)).as(field).isEqualTo(s.path(field));
    }
    assertThat(d.path("secrets").get(0).path("name").asText()).isEqualTo("HEAPFLEET_SECRET");
    assertThat(d.path("environment").get(0).path("name").asText()).isEqualTo("JAVA_TOOL_OPTIONS");
    assertThat(d.path("environment").get(0).path("value").asText())
        .endsWith(" " + HeapfleetAgent.JAVAAGENT);
    assertThat(doc.path("volumes")).isEqualTo(synthesized.path("volumes"));
    // A 24 GiB heap plus 4 GiB for the app, as in the doc's example.
    assertThat(doc.path("ephemeralStorage")).isEqualTo(synthesized.path("ephemeralStorage"));
  }
}
