package io.heapfleet.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every policy statement of a synthesized template (identity policies, role inline policies,
 * bucket, key, secret and topic policies), and the project's rule for them: no Allow statement has
 * a wildcard in an action, and a resource {@code *} appears only for an action on {@link
 * #RESOURCE_STAR_ALLOWED}, each with the reason AWS requires it.
 */
final class IamStatements {
  /** Action whose only possible resource is {@code *}, and why. */
  static final Map<String, String> RESOURCE_STAR_ALLOWED =
      Map.of(
          "ecs:ListTasks",
          "ListTasks has no task resource to name; the statement's ecs:cluster condition limits it"
              + " to the one cluster",
          "ecs:DescribeTaskDefinition",
          "DescribeTaskDefinition supports no resource-level permission; AWS accepts only \"*\"",
          "ec2:DescribeInstances",
          "EC2 Describe actions support no resource-level permission; AWS accepts only \"*\"",
          "ecs:ListServices",
          "ListServices has no service resource to name; the statement's ecs:cluster condition"
              + " limits it to the one cluster",
          "ecr:GetAuthorizationToken",
          "the registry login token is account-wide; AWS accepts only \"*\" for it",
          "kms:*key-policy*",
          "in a key policy \"*\" means the key the policy is attached to");

  record Statement(String resourceType, String logicalId, Map<String, Object> body) {
    String effect() {
      return String.valueOf(body.get("Effect"));
    }

    List<Object> actions() {
      return asList(body.get("Action"));
    }

    List<Object> resources() {
      return asList(body.get("Resource"));
    }
  }

  private IamStatements() {}

  @SuppressWarnings("unchecked")
  static List<Statement> of(Map<String, Object> template) {
    List<Statement> out = new ArrayList<>();
    Map<String, Object> resources = (Map<String, Object>) template.get("Resources");
    resources.forEach(
        (id, r) -> {
          Map<String, Object> res = (Map<String, Object>) r;
          String type = (String) res.get("Type");
          Map<String, Object> props =
              (Map<String, Object>) res.getOrDefault("Properties", Map.of());
          switch (type) {
            case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" ->
                add(out, type, id, props.get("PolicyDocument"));
            case "AWS::IAM::Role" -> {
              for (Object p : asList(props.get("Policies"))) {
                add(out, type, id, ((Map<String, Object>) p).get("PolicyDocument"));
              }
            }
            case "AWS::S3::BucketPolicy",
                    "AWS::SNS::TopicPolicy",
                    "AWS::SQS::QueuePolicy",
                    "AWS::SecretsManager::ResourcePolicy" ->
                add(
                    out,
                    type,
                    id,
                    props.getOrDefault("PolicyDocument", props.get("ResourcePolicy")));
            case "AWS::KMS::Key" -> add(out, type, id, props.get("KeyPolicy"));
            default -> {}
          }
        });
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void add(List<Statement> out, String type, String id, Object document) {
    if (document instanceof Map<?, ?> doc) {
      for (Object s : asList(doc.get("Statement"))) {
        out.add(new Statement(type, id, (Map<String, Object>) s));
      }
    }
  }

  /** The rule's violations, one line each; empty when the template follows it. */
  static List<String> violations(Map<String, Object> template) {
    List<String> problems = new ArrayList<>();
    for (Statement s : of(template)) {
      if (!"Allow".equals(s.effect())) {
        continue; // a Deny may be broad (the bucket's TLS-only deny covers every s3 action)
      }
      if (s.body().containsKey("NotAction") || s.body().containsKey("NotResource")) {
        problems.add(s.logicalId() + ": Allow with NotAction/NotResource");
      }
      for (Object a : s.actions()) {
        if (String.valueOf(a).contains("*")) {
          problems.add(s.logicalId() + ": wildcard action " + a);
        }
      }
      if (s.resources().stream().anyMatch("*"::equals)) {
        boolean keyPolicy = s.resourceType().equals("AWS::KMS::Key");
        for (Object a : s.actions()) {
          if (!keyPolicy && !RESOURCE_STAR_ALLOWED.containsKey(String.valueOf(a))) {
            problems.add(s.logicalId() + ": resource * for " + a + " (not on the allow-list)");
          }
        }
      }
    }
    return problems;
  }

  static List<Object> asList(Object o) {
    if (o == null) {
      return List.of();
    }
    return o instanceof List<?> l ? new ArrayList<>(l) : List.of(o);
  }
}
