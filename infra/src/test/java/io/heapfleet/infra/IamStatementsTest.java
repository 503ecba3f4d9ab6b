package io.heapfleet.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The IAM rule the template tests apply catches what it must (it is not vacuous). */
class IamStatementsTest {
  static Map<String, Object> template(Map<String, Object> statement) {
    return Map.of(
        "Resources",
        Map.of(
            "Policy",
            Map.of(
                "Type",
                "AWS::IAM::Policy",
                "Properties",
                Map.of("PolicyDocument", Map.of("Statement", List.of(statement))))));
  }

  @Test
  void wildcardActionsAreViolations() {
    assertThat(
            IamStatements.violations(
                template(Map.of("Effect", "Allow", "Action", "s3:Get*", "Resource", "arn:x"))))
        .containsExactly("Policy: wildcard action s3:Get*");
  }

  @Test
  void resourceStarOffTheAllowListIsAViolation() {
    assertThat(
            IamStatements.violations(
                template(
                    Map.of(
                        "Effect", "Allow",
                        "Action", List.of("ecs:ListTasks", "s3:GetObject"),
                        "Resource", "*"))))
        .containsExactly("Policy: resource * for s3:GetObject (not on the allow-list)");
  }

  @Test
  void aBroadDenyIsFine() {
    assertThat(
            IamStatements.violations(
                template(Map.of("Effect", "Deny", "Action", "s3:*", "Resource", "*"))))
        .isEmpty();
  }
}
